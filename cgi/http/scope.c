/*
 * scope.c - record scoping for the admin pages (see scope.h).
 */
#include "infra/db.h"
#include "infra/log.h"
#include "http/scope.h"

enum stmt {
	STMT_SCHOOL,
	STMT_TASK,
	STMT_STUDENT,
	STMT_SLOT,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_SCHOOL */
	"SELECT id FROM school WHERE id = ?",
	/* STMT_TASK */
	"SELECT school_id FROM task WHERE id = ?",
	/* STMT_STUDENT */
	"SELECT s.task_id, t.school_id FROM student s "
	"JOIN task t ON t.id = s.task_id WHERE s.id = ?",
	/* STMT_SLOT */
	"SELECT s.task_id, t.school_id FROM slot s "
	"JOIN task t ON t.id = s.task_id WHERE s.id = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("scope", stmts);

long long
scope_filter(const struct req *r)
{

	if (r->s.role == R_OPERATOR)
		return 0;
	if (r->s.school_id > 0)
		return r->s.school_id;
	return r->s.role == R_STAFF ? 0 : -1;
}

/* The verdict for a record of school `school` found (rc = 1) or not. */
static int
verdict(struct req *r, int rc, const char *kind, long long id,
    long long school)
{
	long long	 f = scope_filter(r);

	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0) {
		log_info("scope: user %lld asked for unknown %s %lld",
		    r->s.user_id, kind, id);
		return 404;
	}
	if (f != 0 && f != school) {
		log_info("scope: user %lld refused %s %lld of another school",
		    r->s.user_id, kind, id);
		return 404;
	}
	return 0;
}

int
scope_school(struct req *r, long long school_id)
{
	long long	 id = 0;
	int		 rc;

	rc = db_one(&set, STMT_SCHOOL, "i", "i", school_id, &id);
	return verdict(r, rc, "school", school_id, school_id);
}

int
scope_task(struct req *r, long long task_id, long long *school_id)
{
	long long	 school = 0;
	int		 rc;

	rc = db_one(&set, STMT_TASK, "i", "i", task_id, &school);
	if ((rc = verdict(r, rc, "task", task_id, school)) == 0 && school_id)
		*school_id = school;
	return rc;
}

int
scope_student(struct req *r, long long student_id, long long *task_id,
    long long *school_id)
{
	long long	 task = 0, school = 0;
	int		 rc;

	rc = db_one(&set, STMT_STUDENT, "i", "ii", student_id, &task, &school);
	if ((rc = verdict(r, rc, "student", student_id, school)) != 0)
		return rc;
	if (task_id)
		*task_id = task;
	if (school_id)
		*school_id = school;
	return 0;
}

int
scope_slot(struct req *r, long long slot_id, long long *task_id)
{
	long long	 task = 0, school = 0;
	int		 rc;

	rc = db_one(&set, STMT_SLOT, "i", "ii", slot_id, &task, &school);
	if ((rc = verdict(r, rc, "slot", slot_id, school)) == 0 && task_id)
		*task_id = task;
	return rc;
}
