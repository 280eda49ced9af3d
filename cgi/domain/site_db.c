/*
 * site_db.c - the collection day's rules and SQL (see site_db.h).
 *
 * Shot numbers: the next number is MAX + 1 for the task and day, taken in
 * the transaction that checks the booking in; two stations racing for the
 * same number collide on the unique key booking_shot (DB_DUP) and the
 * loser tries again with a fresh snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/bstate.h"
#include "infra/db.h"
#include "infra/idnum.h"
#include "infra/lang.h"
#include "domain/site_db.h"
#include "infra/util.h"

#define SHOT_TRIES	8

enum stmt {
	STMT_TOKEN,
	STMT_CODE,
	STMT_ACTIVE,
	STMT_VISIBLE,
	STMT_CI_GET,
	STMT_NEXT_SHOT,
	STMT_CI_SET,
	STMT_WI_TASK,
	STMT_WI_INSERT,
	STMT_FEE,
	STMT_LOCK,
	STMT_PHOTO_OLD,
	STMT_PHOTO_ADD,
	STMT_COLLECT,
	STMT_PHOTO_CUR,
	STMT_PHOTO_ONE,
	STMT_IDCARD,
	STMT_STUDENT,
	STMT_IDNUM,
	STMT_BOOKING,
	STMT_PAYMENT,
	STMT_PHOTOS,
	STMT_RECENT,
	STMT_TASK_CODE,
	STMT_ZIP_LIST,
	STMT_ZIP_PHOTO,
	STMT_MAXKB,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_TOKEN */
	"SELECT b.student_id FROM booking b JOIN task t ON t.id = b.task_id "
	"WHERE b.token = ? AND (? = 0 OR t.school_id = ?)",
	/* STMT_CODE: the task whose window holds today first */
	"SELECT s.id FROM student s JOIN task t ON t.id = s.task_id "
	"WHERE s.collect_code = ? AND t.is_open = 1 "
	"AND (? = 0 OR t.school_id = ?) "
	"ORDER BY (? BETWEEN t.first_day AND t.last_day) DESC, "
	"t.last_day DESC, s.id DESC LIMIT 1",
	/* STMT_ACTIVE */
	"SELECT id FROM booking WHERE active_student = ?",
	/* STMT_VISIBLE */
	"SELECT s.id FROM student s JOIN task t ON t.id = s.task_id "
	"WHERE s.id = ? AND (? = 0 OR t.school_id = ?)",
	/* STMT_CI_GET */
	"SELECT b.state, COALESCE(b.shot_no, 0), b.task_id, "
	"(t.is_open = 1 AND ? BETWEEN t.first_day AND t.last_day), t.school_id "
	"FROM booking b JOIN task t ON t.id = b.task_id WHERE b.id = ?",
	/* STMT_NEXT_SHOT */
	"SELECT COALESCE(MAX(shot_no), 0) + 1 FROM booking "
	"WHERE task_id = ? AND shot_day = ?",
	/* STMT_CI_SET */
	"UPDATE booking SET state = 'checked_in', shot_day = ?, shot_no = ?, "
	"checked_in_at = UTC_TIMESTAMP() "
	"WHERE id = ? AND state IN ('held', 'booked')",
	/* STMT_WI_TASK */
	"SELECT s.task_id, t.fee_fen, "
	"(t.is_open = 1 AND ? BETWEEN t.first_day AND t.last_day), t.school_id "
	"FROM student s JOIN task t ON t.id = s.task_id WHERE s.id = ?",
	/* STMT_WI_INSERT */
	"INSERT INTO booking (task_id, student_id, slot_id, state, token, "
	"walkin, shot_day, shot_no, checked_in_at) "
	"VALUES (?, ?, NULL, 'checked_in', ?, 1, ?, ?, UTC_TIMESTAMP())",
	/* STMT_FEE */
	"SELECT t.fee_fen, (SELECT COUNT(*) FROM payment p "
	"WHERE p.booking_id = b.id "
	"AND p.state IN ('authorized', 'captured', 'onsite')) "
	"FROM booking b JOIN task t ON t.id = b.task_id WHERE b.id = ?",
	/* STMT_LOCK */
	"SELECT state, student_id FROM booking WHERE id = ? FOR UPDATE",
	/* STMT_PHOTO_OLD */
	"UPDATE photo SET is_current = 0 WHERE student_id = ? AND is_current = 1",
	/* STMT_PHOTO_ADD */
	"INSERT INTO photo (booking_id, student_id, jpeg, bytes, quality, "
	"bg_ok, is_current, uploaded_by) "
	"VALUES (?, ?, ?, ?, ?, ?, 1, NULLIF(?, 0))",
	/* STMT_COLLECT */
	"UPDATE booking SET state = 'collected', collected_at = UTC_TIMESTAMP() "
	"WHERE id = ? AND state = 'checked_in'",
	/* STMT_PHOTO_CUR */
	"SELECT jpeg FROM photo WHERE student_id = ? AND is_current = 1 "
	"ORDER BY id DESC LIMIT 1",
	/* STMT_PHOTO_ONE */
	"SELECT jpeg FROM photo WHERE student_id = ? AND id = ?",
	/* STMT_IDCARD */
	"SELECT jpeg FROM idcard WHERE student_id = ? ORDER BY id DESC LIMIT 1",
	/* STMT_STUDENT */
	"SELECT s.id, s.name, s.collect_code, s.student_no, s.edu_category, "
	"s.edu_level, s.class_name, t.id AS task_id, t.code AS task_code, "
	"t.title AS task_title, t.fee_fen, "
	"CONCAT(t.fee_fen DIV 100, '.', LPAD(t.fee_fen MOD 100, 2, '0')) AS fee, "
	"DATE_FORMAT(t.first_day, '%Y-%m-%d') AS first_day, "
	"DATE_FORMAT(t.last_day, '%Y-%m-%d') AS last_day, "
	"(t.is_open = 1 AND ? BETWEEN t.first_day AND t.last_day) AS in_window, "
	"sc.name AS school_name, sc.code AS school_code, "
	"(SELECT COUNT(*) FROM idcard i WHERE i.student_id = s.id) AS idcards "
	"FROM student s JOIN task t ON t.id = s.task_id "
	"JOIN school sc ON sc.id = t.school_id "
	"WHERE s.id = ? AND (? = 0 OR t.school_id = ?)",
	/* STMT_IDNUM */
	"SELECT id_number FROM student WHERE id = ?",
	/* STMT_BOOKING */
	"SELECT b.id, b.state, b.walkin, b.pay_onsite, b.id_check_onsite, "
	"b.shot_no, "
	"DATE_FORMAT(b.shot_day, '%Y-%m-%d') AS shot_day, "
	"DATE_FORMAT(b.checked_in_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i') "
	"AS checked_in_at, "
	"DATE_FORMAT(b.collected_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i') "
	"AS collected_at, "
	"DATE_FORMAT(sl.starts_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i') "
	"AS slot_from, "
	"DATE_FORMAT(sl.ends_at + INTERVAL 8 HOUR, '%H:%i') AS slot_to "
	"FROM booking b LEFT JOIN slot sl ON sl.id = b.slot_id "
	"WHERE b.active_student = ?",
	/* STMT_PAYMENT: the one that counts (captured > onsite > authorized) */
	"SELECT state, method, "
	"CONCAT(amount_fen DIV 100, '.', LPAD(amount_fen MOD 100, 2, '0')) "
	"AS amount FROM payment WHERE booking_id = ? "
	"ORDER BY FIELD(state, 'authorized', 'onsite', 'captured') DESC, "
	"id DESC LIMIT 1",
	/* STMT_PHOTOS */
	"SELECT p.id, p.bytes, p.quality, p.bg_ok, p.is_current, "
	"DATE_FORMAT(p.created_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i:%s') AS at, "
	"u.username AS by_user FROM photo p "
	"LEFT JOIN user u ON u.id = p.uploaded_by "
	"WHERE p.student_id = ? ORDER BY p.id DESC LIMIT 20",
	/* STMT_RECENT */
	"SELECT b.shot_no, s.name, s.id AS student_id, s.class_name, b.state, "
	"b.walkin, t.code AS task, "
	"DATE_FORMAT(b.checked_in_at + INTERVAL 8 HOUR, '%H:%i') AS at "
	"FROM booking b JOIN student s ON s.id = b.student_id "
	"JOIN task t ON t.id = b.task_id "
	"WHERE b.shot_day = ? AND b.state IN ('checked_in', 'collected') "
	"AND (? = 0 OR t.school_id = ?) "
	"ORDER BY b.checked_in_at DESC, b.id DESC LIMIT 30",
	/* STMT_TASK_CODE */
	"SELECT code FROM task WHERE id = ? AND (? = 0 OR school_id = ?)",
	/* STMT_ZIP_LIST */
	"SELECT p.id, s.id_number, s.collect_code, s.student_no, s.name, "
	"s.class_name FROM photo p JOIN student s ON s.id = p.student_id "
	"WHERE s.task_id = ? AND p.is_current = 1 "
	"AND (? IS NULL OR s.class_name = ?) "
	"ORDER BY s.class_name, s.student_no, p.id",
	/* STMT_ZIP_PHOTO */
	"SELECT jpeg FROM photo WHERE id = ?",
	/* STMT_MAXKB */
	"SELECT t.photo_max_kb, t.school_id FROM booking b "
	"JOIN task t ON t.id = b.task_id WHERE b.id = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("site", stmts);

/* The student's active booking into *bid (0 when none).  0 or DB_*. */
static int
active_booking(long long student_id, long long *bid)
{
	int	 rc;

	*bid = 0;
	rc = db_one(&set, STMT_ACTIVE, "i", "i", student_id, bid);
	return rc < 0 ? rc : 0;
}

int
site_resolve(const char *code, long long school_id, const char *today,
    long long *student_id, long long *booking_id)
{
	int	 rc;

	*student_id = *booking_id = 0;
	rc = db_one(&set, STMT_TOKEN, "sii", "i", code, school_id, school_id,
	    student_id);
	if (rc == 0)
		rc = db_one(&set, STMT_CODE, "siis", "i", code, school_id,
		    school_id, today, student_id);
	if (rc <= 0)
		return rc;
	if ((rc = active_booking(*student_id, booking_id)) < 0)
		return rc;
	return 1;
}

int
site_student_booking(long long student_id, long long school_id,
    long long *booking_id)
{
	long long	 sid;
	int		 rc;

	*booking_id = 0;
	rc = db_one(&set, STMT_VISIBLE, "iii", "i", student_id, school_id,
	    school_id, &sid);
	if (rc <= 0)
		return rc;
	if ((rc = active_booking(student_id, booking_id)) < 0)
		return rc;
	return 1;
}

/* One attempt at taking the next shot number for booking bid of task.
 * Returns 1 checked in, 0 the booking was no longer held/booked,
 * DB_DUP (number taken meanwhile: try again) or another DB_*. */
/* The audit entry of a check-in or walk-in of booking bid: the state
 * before (NULL: no booking) and after, the shot number as the reason
 * the staff gave the student. */
static int
checkin_audit(const struct actor *who, const char *action, long long bid,
    long long school, const char *before, long long shot)
{
	char	 why[64];

	(void)LF(why, sizeof(why), "Lang.Site.Audit.Shot", LI("shot", shot));
	return audit_add(who, action, "booking", bid, school, "state", before,
	    "checked_in", why);
}

static int
checkin_once(long long bid, long long task, long long school,
    const char *today, long long *shot, const struct actor *who)
{
	int		 rc;

	char		 state[16];
	long long	 sid;

	if ((rc = db_begin()) < 0)
		return rc;
	/* The booking's row lock first, as every state change does. */
	rc = db_one(&set, STMT_LOCK, "i", "si", bid, state, sizeof(state),
	    &sid);
	if (rc == 0) {
		db_rollback();
		return 0;
	}
	if (rc > 0)
		rc = db_one(&set, STMT_NEXT_SHOT, "is", "i", task, today, shot);
	if (rc >= 0)
		rc = db_exec(&set, STMT_CI_SET, "sii", today, *shot, bid);
	if (rc == 1 && (rc = checkin_audit(who, "checkin", bid, school, state,
	    *shot)) == 0 && (rc = db_commit()) == 0)
		return 1;
	db_rollback();
	return rc;
}

int
site_checkin(long long booking_id, const char *today, long long *shot_no,
    const struct actor *who)
{
	char		 state[16];
	enum booking_state	 st;
	long long	 task, inwin, school = 0;
	int		 rc, try;

	*shot_no = 0;
	for (try = 0; try < SHOT_TRIES; try++) {
		rc = db_one(&set, STMT_CI_GET, "si", "siiii", today,
		    booking_id, state, sizeof(state), shot_no, &task, &inwin,
		    &school);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return SITE_STATE;
		st = bs_parse(state);
		if (st == BS_CHECKED_IN || st == BS_COLLECTED)
			return SITE_AGAIN;
		if (st != BS_HELD && st != BS_BOOKED)
			return SITE_STATE;
		if (!inwin)
			return SITE_WINDOW;
		DB_TX(rc, checkin_once(booking_id, task, school, today,
		    shot_no, who));
		if (rc == 1)
			return SITE_OK;
		if (rc != 0 && rc != DB_DUP)
			return rc;
		/* 0: another station checked it in; DB_DUP: number taken. */
	}
	return DB_ERR;
}

/* One attempt at a walk-in booking.  Returns 1 created, DB_DUP (number
 * or the student's active booking taken meanwhile), or another DB_*. */
static int
walkin_once(long long student_id, long long task, long long school,
    const char *today, long long *bid, const struct actor *who)
{
	char		 token[33];
	long long	 shot;
	int		 rc;

	util_token_hex(token, 16);
	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_NEXT_SHOT, "is", "i", task, today, &shot);
	if (rc >= 0)
		rc = db_exec(&set, STMT_WI_INSERT, "iissi", task, student_id,
		    token, today, shot);
	if (rc == 1) {
		*bid = db_last_id();
		if ((rc = checkin_audit(who, "walkin", *bid, school, NULL,
		    shot)) == 0 && (rc = db_commit()) == 0)
			return 1;
	}
	db_rollback();
	return rc;
}

int
site_walkin(long long student_id, const char *today, long long *booking_id,
    long long *fee_fen, const struct actor *who)
{
	long long	 task, inwin, school = 0;
	int		 rc, try;

	*booking_id = 0;
	rc = db_one(&set, STMT_WI_TASK, "si", "iiii", today, student_id,
	    &task, fee_fen, &inwin, &school);
	if (rc < 0)
		return rc;
	if (rc == 0 || !inwin)
		return SITE_WINDOW;
	for (try = 0; try < SHOT_TRIES; try++) {
		if ((rc = active_booking(student_id, booking_id)) < 0)
			return rc;
		if (*booking_id != 0)
			return SITE_HAS;
		DB_TX(rc, walkin_once(student_id, task, school, today,
		    booking_id, who));
		if (rc == 1)
			return SITE_OK;
		if (rc != DB_DUP)
			return rc < 0 ? rc : DB_ERR;
	}
	return DB_ERR;
}

int
site_fee(long long booking_id, long long *fee_fen, int *covered)
{
	long long	 n = 0;
	int		 rc;

	*fee_fen = 0;
	rc = db_one(&set, STMT_FEE, "i", "ii", booking_id, fee_fen, &n);
	*covered = n > 0;
	return rc < 0 ? rc : 0;
}

static int
photo_once(long long booking_id, const unsigned char *jpg, size_t len,
    int quality, int bg_ok, long long user_id, int *collected_now)
{
	char		 state[16];
	long long	 sid;
	int		 rc;

	*collected_now = 0;
	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_LOCK, "i", "si", booking_id, state,
	    sizeof(state), &sid);
	if (rc <= 0 || (bs_parse(state) != BS_CHECKED_IN &&
	    bs_parse(state) != BS_COLLECTED)) {
		db_rollback();
		return rc < 0 ? rc : SITE_STATE;
	}
	if ((rc = db_exec(&set, STMT_PHOTO_OLD, "i", sid)) >= 0 &&
	    (rc = db_exec(&set, STMT_PHOTO_ADD, "iibiiii", booking_id, sid,
	    (const void *)jpg, len, (long long)len, (long long)quality,
	    (long long)(bg_ok != 0), user_id)) >= 0 &&
	    (rc = db_exec(&set, STMT_COLLECT, "i", booking_id)) >= 0) {
		*collected_now = rc == 1;
		if ((rc = db_commit()) == 0)
			return SITE_OK;
	}
	db_rollback();
	*collected_now = 0;
	return rc < 0 ? rc : DB_ERR;
}

int
site_photo_store(long long booking_id, const unsigned char *jpg, size_t len,
    int quality, int bg_ok, long long user_id, int *collected_now)
{
	int	 rc;

	DB_TX(rc, photo_once(booking_id, jpg, len, quality, bg_ok, user_id,
	    collected_now));
	return rc;
}

int
site_photo_get(long long student_id, long long photo_id, unsigned char **jpg,
    size_t *len)
{
	int	 rc;

	*jpg = NULL;
	*len = 0;
	if (photo_id == 0)
		rc = db_one(&set, STMT_PHOTO_CUR, "i", "B", student_id, jpg, len);
	else
		rc = db_one(&set, STMT_PHOTO_ONE, "ii", "B", student_id,
		    photo_id, jpg, len);
	return rc;
}

int
site_idcard_get(long long student_id, unsigned char **jpg, size_t *len)
{

	*jpg = NULL;
	*len = 0;
	return db_one(&set, STMT_IDCARD, "i", "B", student_id, jpg, len);
}

int
site_student_hdf(HDF *hdf, long long student_id, long long school_id,
    int full_id)
{
	char		 today[11], idn[32], shown[32];
	long long	 bid = 0;
	NEOERR		*err;
	int		 rc;

	util_local_date(today, 0);
	rc = db_hdf(hdf, "Student", &set, STMT_STUDENT, "siii", today,
	    student_id, school_id, school_id);
	if (rc <= 0)
		return rc;
	rc = db_one(&set, STMT_IDNUM, "i", "s", student_id, idn, sizeof(idn));
	if (rc < 0)
		return rc;
	if (full_id)
		snprintf(shown, sizeof(shown), "%s", idn);
	else
		idnum_mask(idn, shown, sizeof(shown));
	if ((err = hdf_set_value(hdf, "Student.0.id_shown", shown)) !=
	    STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		return DB_ERR;
	}
	if ((rc = db_hdf(hdf, "Booking", &set, STMT_BOOKING, "i",
	    student_id)) < 0)
		return rc;
	if (rc > 0 && (rc = db_one(&set, STMT_ACTIVE, "i", "i", student_id,
	    &bid)) < 0)
		return rc;
	if (bid != 0 && (rc = db_hdf(hdf, "Payment", &set, STMT_PAYMENT, "i",
	    bid)) < 0)
		return rc;
	if ((rc = db_hdf(hdf, "Photos", &set, STMT_PHOTOS, "i",
	    student_id)) < 0)
		return rc;
	return 1;
}

int
site_recent_hdf(HDF *hdf, const char *today, long long school_id)
{

	return db_hdf(hdf, "Recent", &set, STMT_RECENT, "sii", today,
	    school_id, school_id);
}

int
site_task_code(long long task_id, long long school_id, char *code,
    size_t codesz)
{

	return db_one(&set, STMT_TASK_CODE, "iii", "s", task_id, school_id,
	    school_id, code, codesz);
}

struct ziplist {
	struct site_zip_row	*rows;
	size_t			 n, cap;
	int			 oom;
};

static char *
dupcol(char *v)
{

	return strdup(v != NULL ? v : "");
}

/* db_each callback: copy one row.  Returns 0, or 1 out of memory. */
static int
zip_row(void *arg, int ncol, char **val, unsigned long *len)
{
	struct ziplist		*l = arg;
	struct site_zip_row	*p, *row;

	if (ncol < 6)
		return 1;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		if ((p = reallocarray(l->rows, l->cap, sizeof(*p))) == NULL) {
			l->oom = 1;
			return 1;
		}
		l->rows = p;
	}
	row = &l->rows[l->n++];
	row->photo_id = strtoll(val[0] ? val[0] : "0", NULL, 10);
	row->id_number = dupcol(val[1]);
	row->collect_code = dupcol(val[2]);
	row->student_no = dupcol(val[3]);
	row->name = dupcol(val[4]);
	row->class_name = dupcol(val[5]);
	if (row->id_number == NULL || row->collect_code == NULL ||
	    row->student_no == NULL || row->name == NULL ||
	    row->class_name == NULL) {
		l->oom = 1;
		return 1;
	}
	return 0;
}

int
site_zip_list(long long task_id, const char *class_name,
    struct site_zip_row **rows, size_t *n)
{
	struct ziplist	 l;
	int		 rc;

	memset(&l, 0, sizeof(l));
	rc = db_each(&set, STMT_ZIP_LIST, zip_row, &l, "iss", task_id,
	    class_name, class_name);
	if (rc < 0 || l.oom) {
		site_zip_free(l.rows, l.n);
		*rows = NULL;
		*n = 0;
		return rc < 0 ? rc : DB_ERR;
	}
	*rows = l.rows;
	*n = l.n;
	return 0;
}

void
site_zip_free(struct site_zip_row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; rows != NULL && i < n; i++) {
		free(rows[i].id_number);
		free(rows[i].collect_code);
		free(rows[i].student_no);
		free(rows[i].name);
		free(rows[i].class_name);
	}
	free(rows);
}

int
site_zip_photo(long long photo_id, unsigned char **jpg, size_t *len)
{

	*jpg = NULL;
	*len = 0;
	return db_one(&set, STMT_ZIP_PHOTO, "i", "B", photo_id, jpg, len);
}

int
site_booking_task(long long booking_id, long long *max_kb,
    long long *school_id)
{
	int	 rc;

	*max_kb = 40;
	*school_id = 0;
	rc = db_one(&set, STMT_MAXKB, "i", "ii", booking_id, max_kb,
	    school_id);
	return rc < 0 ? rc : 0;
}
