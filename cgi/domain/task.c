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
	STMT_SESSION,
	STMT_SESSION_SEATS,
	STMT__MAX
};

/* The columns of task t and its school sc, in struct task's order. */
#define TASK_COLS							\
	"t.id, t.code, t.title, t.fee_fen, t.require_id_photo, "	\
	"t.notice, t.is_open, DATE_FORMAT(t.first_day, '%Y-%m-%d'), "	\
	"DATE_FORMAT(t.last_day, '%Y-%m-%d'), sc.name, sc.code, "	\
	"IFNULL(t.contact_name, ''), IFNULL(t.contact_phone, '')"

/* The student's session row as http/session.c's STMT_SESS_GET reads it,
 * its task (none when it has none, or it is gone), with more columns, and
 * the active booking of its student (the unique key booking_active). */
#define SESSION_SELECT(more)						\
	"SELECT IFNULL(se.user_id, 0), IFNULL(se.task_id, 0), "		\
	"IFNULL(se.student_id, 0), se.flags, "				\
	"IFNULL(se.pending_student, 0), "				\
	"TIMESTAMPDIFF(SECOND, se.seen_at, UTC_TIMESTAMP()), "		\
	"IFNULL(LOWER(HEX(se.wx_openid)), ''), "				\
	"IFNULL(b.id, 0), IFNULL(b.state, ''), IFNULL(t.id, 0), "	\
	TASK_COLS more " "						\
	"FROM session se LEFT JOIN task t ON t.id = se.task_id "		\
	"LEFT JOIN school sc ON sc.id = t.school_id "			\
	"LEFT JOIN booking b ON b.active_student = se.student_id "	\
	"WHERE se.skey = ? AND se.kind = ? "				\
	"AND se.seen_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE"

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
	/* STMT_SESSION: the live session (as http/session.c reads it),
	 * its task and school, and its student's active booking */
	SESSION_SELECT(""),
	/* STMT_SESSION_SEATS: the same with the signature of the seats */
	SESSION_SELECT(", " SEATS_SIG("t.id")),
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

int
task_session_get(const unsigned char key[32], int kind, long long idle,
    int seats, struct task_session *ts)
{
	struct task	*t = &ts->t;
	long long	 idphoto = 0, open = 0, tid = 0;
	char		 st[16] = "";
	int		 rc;

	memset(ts, 0, sizeof(*ts));
	/* The last column (the signature) is not read without seats. */
	rc = db_one(&set, seats ? STMT_SESSION_SEATS : STMT_SESSION, "bii",
	    "iiiiiis" "is" "i" "issiisissssss" "s", (const char *)key, (size_t)32,
	    (long long)kind, idle, &ts->user_id, &ts->task_id,
	    &ts->student_id, &ts->flags, &ts->pending, &ts->age,
	    ts->wx_openid, sizeof(ts->wx_openid), &ts->booking_id, st,
	    sizeof(st), &tid, &t->id, t->code, sizeof(t->code), t->title,
	    sizeof(t->title), &t->fee_fen, &idphoto, t->notice,
	    sizeof(t->notice), &open, t->first_day, sizeof(t->first_day),
	    t->last_day, sizeof(t->last_day), t->school_name,
	    sizeof(t->school_name), t->school_code, sizeof(t->school_code),
	    t->contact_name, sizeof(t->contact_name), t->contact_phone,
	    sizeof(t->contact_phone), t->seats_sig, sizeof(t->seats_sig));
	if (rc != 1)
		return rc;
	ts->has_task = tid != 0;
	ts->has_seats = seats && ts->has_task;
	t->require_id_photo = idphoto != 0;
	t->is_open = open != 0;
	if (ts->booking_id > 0)
		ts->state = bs_parse(st);
	return 1;
}
