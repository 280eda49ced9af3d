/*
 * task.c - a collection task as the student's pages read it (task.h).
 */
#include <string.h>

#include "domain/seats.h"
#include "domain/task.h"
#include "infra/db.h"

enum stmt {
	STMT_GET,
	STMT_GET_SEATS,
	STMT__MAX
};

/* The columns of task t and its school sc, in struct task's order. */
#define TASK_COLS							\
	"t.id, t.code, t.title, t.fee_fen, t.require_id_photo, "	\
	"t.notice, t.is_open, DATE_FORMAT(t.first_day, '%Y-%m-%d'), "	\
	"DATE_FORMAT(t.last_day, '%Y-%m-%d'), sc.name, sc.code, "	\
	"IFNULL(t.contact_name, ''), IFNULL(t.contact_phone, '')"

static const char *const stmts[STMT__MAX] = {
	/* STMT_GET: the task and its school */
	"SELECT " TASK_COLS " "
	"FROM task t JOIN school sc ON sc.id = t.school_id WHERE t.id = ?",
	/* STMT_GET_SEATS: the same, the signature of its seats and the
	 * student's active booking (the unique key booking_active) */
	"SELECT " TASK_COLS ", " SEATS_SIG("t.id") ", "
	"IFNULL(b.id, 0), IFNULL(b.state, '') "
	"FROM task t JOIN school sc ON sc.id = t.school_id "
	"LEFT JOIN booking b ON b.active_student = ? WHERE t.id = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("task", stmts);

int
task_get_seats(long long id, long long student_id, struct task *t,
    long long *booking_id, enum booking_state *state)
{
	long long	 idphoto = 0, open = 0;
	char		 st[16] = "";
	int		 rc;

	memset(t, 0, sizeof(*t));
	*booking_id = 0;
	*state = BS_NONE;
	rc = db_one(&set, STMT_GET_SEATS, "ii", "issiisisssssssis",
	    student_id, id, &t->id,
	    t->code, sizeof(t->code), t->title, sizeof(t->title), &t->fee_fen,
	    &idphoto, t->notice, sizeof(t->notice), &open, t->first_day,
	    sizeof(t->first_day), t->last_day, sizeof(t->last_day),
	    t->school_name, sizeof(t->school_name), t->school_code,
	    sizeof(t->school_code), t->contact_name, sizeof(t->contact_name),
	    t->contact_phone, sizeof(t->contact_phone), t->seats_sig,
	    sizeof(t->seats_sig), booking_id, st, sizeof(st));
	if (rc == 1) {
		t->require_id_photo = idphoto != 0;
		t->is_open = open != 0;
		if (*booking_id > 0)
			*state = bs_parse(st);
	}
	return rc;
}

int
task_get(long long id, struct task *t)
{
	long long	 idphoto = 0, open = 0;
	int		 rc;

	memset(t, 0, sizeof(*t));
	rc = db_one(&set, STMT_GET, "i", "issiisissssss", id, &t->id,
	    t->code, sizeof(t->code), t->title, sizeof(t->title), &t->fee_fen,
	    &idphoto, t->notice, sizeof(t->notice), &open, t->first_day,
	    sizeof(t->first_day), t->last_day, sizeof(t->last_day),
	    t->school_name, sizeof(t->school_name), t->school_code,
	    sizeof(t->school_code), t->contact_name, sizeof(t->contact_name),
	    t->contact_phone, sizeof(t->contact_phone));
	if (rc == 1) {
		t->require_id_photo = idphoto != 0;
		t->is_open = open != 0;
	}
	return rc;
}
