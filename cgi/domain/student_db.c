/*
 * student_db.c - roster storage (see student_db.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infra/db.h"
#include "infra/idnum.h"
#include "infra/lang.h"
#include "domain/student_db.h"
#include "infra/text.h"

enum stmt {
	STMT_SCHOOL_OF_TASK,
	STMT_STUDENT_GET,
	STMT_IDNUM_OTHER,
	STMT_STUDENT_ADD,
	STMT_STUDENT_SET,
	STMT_STUDENT_LOCK,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_SCHOOL_OF_TASK */
	"SELECT school_id FROM task WHERE id = ?",
	/* STMT_STUDENT_GET */
	"SELECT id, name, id_number, student_no, edu_category, edu_level, "
	"class_name FROM student WHERE task_id = ? AND collect_code = ? "
	"FOR UPDATE",
	/* STMT_IDNUM_OTHER: another student of the task with this ID number */
	"SELECT id FROM student WHERE task_id = ? AND id_number = ? "
	"AND collect_code <> ? LIMIT 1",
	/* STMT_STUDENT_ADD */
	"INSERT INTO student (task_id, collect_code, name, id_number, "
	"student_no, edu_category, edu_level, class_name) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	/* STMT_STUDENT_SET */
	"UPDATE student SET name = ?, id_number = ?, student_no = ?, "
	"edu_category = ?, edu_level = ?, class_name = ?, "
	"updated_at = UTC_TIMESTAMP() WHERE id = ?",
	/* STMT_STUDENT_LOCK */
	"SELECT s.name, s.id_number, s.student_no, s.edu_category, "
	"s.edu_level, s.class_name, t.school_id FROM student s "
	"JOIN task t ON t.id = s.task_id WHERE s.id = ? FOR UPDATE",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("student_db", stmts);

static int
roster_store_once(long long task_id, struct roster *ro,
    const struct actor *who, int *inserted, int *updated)
{
	const struct roster_row	*row;
	char		 old[6][UTF8_BUF(64)];	/* widest column: 64 */
	char		 what[160];
	const char	*neu[6], *fields[6] = { "name", "id_number",
			    "student_no", "edu_category", "edu_level",
			    "class_name" };
	long long	 sid, school = 0;
	size_t		 i;
	int		 rc, k, changed;

	*inserted = *updated = 0;
	if ((rc = db_begin()) < 0)
		return rc;
	if ((rc = db_one(&set, STMT_SCHOOL_OF_TASK, "i", "i", task_id,
	    &school)) <= 0)
		goto fail;
	for (i = 0; i < ro->nrows; i++) {
		row = &ro->rows[i];
		/* One person, one student of the task. */
		rc = db_one(&set, STMT_IDNUM_OTHER, "iss", "i", task_id,
		    row->id_number, row->collect_code, &sid);
		if (rc < 0)
			goto fail;
		if (rc == 1) {
			if (roster_drop_row(ro, i,
			    L("Lang.Roster.IdInTask")) != 0) {
				rc = DB_ERR;
				goto fail;
			}
			i--;	/* the next row moved to i */
			continue;
		}
		neu[0] = row->name;
		neu[1] = row->id_number;
		neu[2] = row->student_no;
		neu[3] = row->edu_category;
		neu[4] = row->edu_level;
		neu[5] = row->class_name;
		rc = db_one(&set, STMT_STUDENT_GET, "is", "issssss", task_id,
		    row->collect_code, &sid, old[0], sizeof(old[0]), old[1],
		    sizeof(old[1]), old[2], sizeof(old[2]), old[3],
		    sizeof(old[3]), old[4], sizeof(old[4]), old[5],
		    sizeof(old[5]));
		if (rc < 0)
			goto fail;
		if (rc == 0) {
			rc = db_exec(&set, STMT_STUDENT_ADD, "isssssss", task_id,
			    row->collect_code, neu[0], neu[1], neu[2], neu[3],
			    neu[4], neu[5]);
			if (rc < 0)
				goto fail;
			(*inserted)++;
			continue;
		}
		changed = 0;
		for (k = 0; k < 6; k++) {
			if (strcmp(old[k], neu[k]) == 0)
				continue;
			changed = 1;
			if ((rc = audit_add(who, "roster_update", "student", sid,
			    school, fields[k], old[k], neu[k],
			    L("Lang.Admin.Audit.RosterUpdate"))) < 0)
				goto fail;
		}
		if (!changed)
			continue;
		if ((rc = db_exec(&set, STMT_STUDENT_SET, "ssssssi", neu[0],
		    neu[1], neu[2], neu[3], neu[4], neu[5], sid)) < 0)
			goto fail;
		(*updated)++;
	}
	/* The import itself, on the task (each changed field of an existing
	 * student is recorded above, on the student). */
	(void)LF(what, sizeof(what), "Lang.Admin.Audit.RosterImport",
	    LI("inserted", *inserted), LI("updated", *updated),
	    LI("same", ro->nrows - (size_t)*inserted - (size_t)*updated),
	    LI("rejected", ro->nrejects));
	if ((rc = audit_add(who, "roster_import", "task", task_id, school,
	    "roster", NULL, what, NULL)) < 0)
		goto fail;
	if ((rc = db_commit()) < 0)
		goto fail;
	return 0;
fail:
	db_rollback();
	return rc < 0 ? rc : DB_ERR;
}

int
roster_store(long long task_id, struct roster *ro,
    const struct actor *who, int *inserted, int *updated)
{
	int	 rc;

	DB_TX(rc, roster_store_once(task_id, ro, who, inserted, updated));
	return rc;
}

/* Field order shared by STMT_STUDENT_LOCK, STMT_STUDENT_SET and audits. */
enum fixfield { FX_NAME, FX_ID, FX_NO, FX_CAT, FX_LEVEL, FX_CLASS, FX__MAX };

static const char *const fixnames[FX__MAX] = {
	"name", "id_number", "student_no", "edu_category", "edu_level",
	"class_name",
};

/* Check one corrected value the way the roster does.  Returns NULL when
 * valid, else a message (a word); id numbers are normalised into idbuf
 * and *v pointed at it. */
static const char *
fix_check(enum fixfield k, const char **v, char idbuf[19])
{
	static const char *const msgs[FX__MAX] = {
		"Lang.Admin.Fix.Name", NULL, "Lang.Admin.Fix.StudentNo",
		"Lang.Admin.Fix.EduCategory", "Lang.Admin.Fix.EduLevel",
		"Lang.Admin.Fix.Class",
	};
	/* In characters, as the VARCHAR columns of student (schema/
	 * 001-init.sql) and the roster import (roster.c) count them. */
	static const size_t maxch[FX__MAX] = { 64, 18, 32, 32, 32, 64 };
	const char	*s = *v, *why = NULL, *p;
	size_t		 n;

	if (k == FX_ID) {
		if (!idnum_check(s, idbuf, &why))
			return why;
		*v = idbuf;
		return NULL;
	}
	n = utf8_chars(s);
	if (n < 1 || n > maxch[k] || utf8_has_control(s))
		return L(msgs[k]);
	if (k == FX_NO)
		for (p = s; *p != '\0'; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			    *p == '-' || *p == '_'))
				return L(msgs[k]);
	return NULL;
}

static int
student_correct_once(long long sid, const struct student_fix *fx,
    const char *reason, const struct actor *who, int *changed,
    const char **why)
{
	char		 old[FX__MAX][UTF8_BUF(64)], idbuf[19];
	const char	*neu[FX__MAX] = { fx->name, fx->id_number,
			    fx->student_no, fx->edu_category, fx->edu_level,
			    fx->class_name };
	long long	 school = 0;
	int		 rc, k;

	*changed = 0;
	*why = NULL;
	if (reason == NULL || *reason == '\0' || utf8_chars(reason) > 200) {
		*why = L("Lang.Admin.Fix.Reason");
		return 422;
	}
	for (k = 0; k < FX__MAX; k++)
		if (neu[k] != NULL && (*why = fix_check(k, &neu[k], idbuf)))
			return 422;
	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_STUDENT_LOCK, "i", "ssssssi", sid,
	    old[FX_NAME], sizeof(old[0]), old[FX_ID], sizeof(old[0]),
	    old[FX_NO], sizeof(old[0]), old[FX_CAT], sizeof(old[0]),
	    old[FX_LEVEL], sizeof(old[0]), old[FX_CLASS], sizeof(old[0]),
	    &school);
	if (rc <= 0) {
		db_rollback();
		return rc < 0 ? rc : 404;
	}
	for (k = 0; k < FX__MAX; k++) {
		if (neu[k] == NULL || strcmp(neu[k], old[k]) == 0) {
			neu[k] = old[k];
			continue;
		}
		(*changed)++;
		if ((rc = audit_add(who, "correct", "student", sid, school,
		    fixnames[k], old[k], neu[k], reason)) < 0)
			goto fail;
	}
	if (*changed == 0) {
		db_rollback();
		return 0;
	}
	rc = db_exec(&set, STMT_STUDENT_SET, "ssssssi", neu[FX_NAME],
	    neu[FX_ID], neu[FX_NO], neu[FX_CAT], neu[FX_LEVEL],
	    neu[FX_CLASS], sid);
	if (rc == DB_DUP) {
		/* Key student_idnum: one person, one student of a task. */
		db_rollback();
		*changed = 0;
		*why = L("Lang.Admin.Fix.IdTaken");
		return 422;
	}
	if (rc < 0)
		goto fail;
	if ((rc = db_commit()) < 0)
		goto fail;
	return 0;
fail:
	db_rollback();
	*changed = 0;
	return rc < 0 ? rc : DB_ERR;
}

int
student_correct(long long sid, const struct student_fix *fx,
    const char *reason, const struct actor *who, int *changed,
    const char **why)
{
	int	 rc;

	DB_TX(rc, student_correct_once(sid, fx, reason, who, changed, why));
	return rc;
}
