/*
 * student_db.c - roster storage (see student_db.h).
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "student_db.h"

enum stmt {
	STMT_SCHOOL_OF_TASK,
	STMT_STUDENT_GET,
	STMT_STUDENT_ADD,
	STMT_STUDENT_SET,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_SCHOOL_OF_TASK */
	"SELECT school_id FROM task WHERE id = ?",
	/* STMT_STUDENT_GET */
	"SELECT id, name, id_number, student_no, edu_category, edu_level, "
	"class_name FROM student WHERE task_id = ? AND collect_code = ? "
	"FOR UPDATE",
	/* STMT_STUDENT_ADD */
	"INSERT INTO student (task_id, collect_code, name, id_number, "
	"student_no, edu_category, edu_level, class_name) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	/* STMT_STUDENT_SET */
	"UPDATE student SET name = ?, id_number = ?, student_no = ?, "
	"edu_category = ?, edu_level = ?, class_name = ?, "
	"updated_at = UTC_TIMESTAMP() WHERE id = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("student_db", stmts);

int
roster_store(long long task_id, const struct roster *ro,
    const struct actor *who, int *inserted, int *updated)
{
	const struct roster_row	*row;
	char		 old[6][80];
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
			    school, fields[k], old[k], neu[k], "名单导入")) < 0)
				goto fail;
		}
		if (!changed)
			continue;
		if ((rc = db_exec(&set, STMT_STUDENT_SET, "ssssssi", neu[0],
		    neu[1], neu[2], neu[3], neu[4], neu[5], sid)) < 0)
			goto fail;
		(*updated)++;
	}
	if ((rc = db_commit()) < 0)
		goto fail;
	return 0;
fail:
	db_rollback();
	return rc < 0 ? rc : DB_ERR;
}
