/*
 * student.c - the student pages (student.fcgi): the guide's 第1-7步 and
 * 采集完成后.  See CONTRACT section 3.  Pages are declared in the table at
 * the bottom; each handler gets validated fields and a session.
 *
 * The session carries the student's progress: task_id (after /task),
 * student_id (after /code or /find) and the step bits below.  Every page
 * checks the steps it needs with steps() and sends the student back to
 * the first one missing, so no step can be skipped by posting directly.
 * Booking rules (seats, holds, cancel) live in core/booking.c, payments
 * in core/pay.c; this file only maps them to pages and statuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "domain/booking.h"
#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/idnum.h"
#include "infra/image.h"
#include "infra/log.h"
#include "domain/outcome.h"
#include "domain/pay.h"
#include "infra/httpc.h"
#include "infra/sign.h"
#include "domain/privacy.h"
#include "infra/qr.h"
#include "domain/report.h"
#include "domain/resolve.h"
#include "domain/seats.h"
#include "infra/text.h"
#include "infra/util.h"
#include "http/web.h"
#include "infra/workday.h"

/* Session step bits (r->s.flags). */
#define ST_CODE		0x01	/* 采集码 resolved: student_id is set */
#define ST_CONFIRMED	0x02	/* 学籍 data confirmed (第4步) */
#define ST_IDCARD	0x04	/* ID-card photo stored (when required) */
#define ST_ALL		(ST_CODE | ST_CONFIRMED | ST_IDCARD)
#define ST_STALE	0x08	/* back after more than a day away: the full
				 * ID number again before a cancel */
#define STALE_AFTER	86400

#define UPLOAD_MAX	(10 * 1024 * 1024)

enum stmt {
	STMT_TASK_BY_CODE,
	STMT_TASK,
	STMT_TASK_BOOKING,
	STMT_STUDENT,
	STMT_BOOKING,
	STMT_FIND,
	STMT_FIND_PENDING,
	STMT_TOKEN,
	STMT_PAY_LAST,
	STMT_RECORDS,
	STMT_SLOT_ONE,
	STMT_PHOTO,
	STMT__MAX
};

/* What the pages show of the session's task t, with its school sc. */
#define TASK_COLS							\
	"t.id, t.code, t.title, t.fee_fen, t.require_id_photo, "	\
	"t.notice, t.is_open, DATE_FORMAT(t.first_day, '%Y-%m-%d') AS first_day, " \
	"DATE_FORMAT(t.last_day, '%Y-%m-%d') AS last_day, "		\
	"sc.name AS school_name, sc.code AS school_code, "		\
	"IFNULL(t.contact_name, '') AS contact_name, "			\
	"IFNULL(t.contact_phone, '') AS contact_phone"

/* What the pages show of a booking b, with its slot sl and its task bt;
 * each name after the prefix p. */
#define BOOKING_COLS(pre)							\
	"b.id AS `" pre "id`, b.state AS `" pre "state`, "			\
	"b.shot_no AS `" pre "shot_no`, "					\
	"DATE_FORMAT(sl.starts_at + INTERVAL 8 HOUR, '%Y-%m-%d') AS `" pre "day`, " \
	"DAYOFWEEK(sl.starts_at + INTERVAL 8 HOUR) AS `" pre "dow`, "	\
	"DATE_FORMAT(sl.starts_at + INTERVAL 8 HOUR, '%H:%i') AS `" pre "t_from`, " \
	"DATE_FORMAT(sl.ends_at + INTERVAL 8 HOUR, '%H:%i') AS `" pre "t_to`, " \
	"DATE_FORMAT(b.hold_expires_at + INTERVAL 8 HOUR, '%H:%i') "	\
	"AS `" pre "hold_until`, b.slot_id AS `" pre "slot_id`, "		\
	"bt.fee_fen AS `" pre "fee_fen`, bt.title AS `" pre "title`, "	\
	"(SELECT p.state FROM payment p WHERE p.booking_id = b.id "	\
	" ORDER BY p.id DESC LIMIT 1) AS `" pre "pay_state`, "		\
	"IFNULL(UNIX_TIMESTAMP(b.cancelled_at), 0) AS `" pre "ended_ts`, " \
	"DATE_FORMAT(b.reauth_by + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i') "	\
	"AS `" pre "reauth_by`, b.pay_onsite AS `" pre "pay_onsite`"

static const char *const stmts[STMT__MAX] = {
	/* STMT_TASK_BY_CODE: the task, and whether its window is open */
	"SELECT id, is_open = 1 AND "
	"last_day >= DATE(UTC_TIMESTAMP() + INTERVAL 8 HOUR) FROM task "
	"WHERE code = ?",
	/* STMT_TASK: what the pages show of the session's task */
	"SELECT " TASK_COLS " FROM task t JOIN school sc ON sc.id = t.school_id "
	"WHERE t.id = ?",
	/* STMT_TASK_BOOKING: the same, the signature of its slots (for the
	 * seats kept by seats.c) and the student's latest booking (bk.*),
	 * in one round trip: the slots page */
	"SELECT " TASK_COLS ", " SEATS_SIG("t.id") " AS seats_sig, "
	BOOKING_COLS("bk.") " FROM task t JOIN school sc ON sc.id = t.school_id "
	"LEFT JOIN booking b ON b.id = "
	"(SELECT MAX(x.id) FROM booking x WHERE x.student_id = ?) "
	"LEFT JOIN task bt ON bt.id = b.task_id "
	"LEFT JOIN slot sl ON sl.id = b.slot_id WHERE t.id = ?",
	/* STMT_STUDENT */
	"SELECT collect_code, name, id_number, student_no, edu_category, "
	"edu_level, class_name FROM student WHERE id = ? AND task_id = ?",
	/* STMT_BOOKING: the student's latest booking, for display */
	"SELECT " BOOKING_COLS("") " FROM booking b "
	"JOIN task bt ON bt.id = b.task_id "
	"LEFT JOIN slot sl ON sl.id = b.slot_id "
	"WHERE b.student_id = ? ORDER BY b.id DESC LIMIT 1",
	/* STMT_FIND: the latest student with this 采集码 (open or closed
	 * task), with the ID number to compare */
	"SELECT id, task_id, id_number FROM student WHERE collect_code = ? "
	"ORDER BY id DESC LIMIT 1",
	/* STMT_FIND_PENDING: the student whose 采集码 /code read */
	"SELECT id, task_id, id_number FROM student WHERE id = ?",
	/* STMT_TOKEN: the 预约二维码 payload of the student's active booking */
	"SELECT token FROM booking WHERE active_student = ? "
	"AND state IN ('held','booked','checked_in')",
	/* STMT_PAY_LAST: the student's latest payment */
	"SELECT p.state, IFNULL(p.failure, ''), b.state FROM payment p "
	"JOIN booking b ON b.id = p.booking_id WHERE b.student_id = ? "
	"ORDER BY p.id DESC LIMIT 1",
	/* STMT_RECORDS: collection records (checked in or collected), and
	 * the ended bookings whose money was frozen (their refund date) */
	"SELECT b.id, b.state, b.shot_no, t.title, "
	"IFNULL(DATE_FORMAT(b.shot_day, '%Y-%m-%d'), "
	" DATE_FORMAT(b.checked_in_at + INTERVAL 8 HOUR, '%Y-%m-%d')) AS day, "
	"DATE_FORMAT(b.collected_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i') AS at, "
	"DATE_FORMAT(b.cancelled_at + INTERVAL 8 HOUR, '%Y-%m-%d') AS ended, "
	"IFNULL(UNIX_TIMESTAMP(b.cancelled_at), 0) AS ended_ts, "
	"(SELECT q.state FROM payment q WHERE q.booking_id = b.id "
	" ORDER BY q.id DESC LIMIT 1) AS pay_state, "
	"(t.fee_fen = 0 OR EXISTS (SELECT 1 FROM payment q WHERE "
	"q.booking_id = b.id AND q.state IN ('captured','onsite'))) AS settled, "
	"p.id AS photo_id FROM booking b JOIN task t ON t.id = b.task_id "
	"LEFT JOIN photo p ON p.booking_id = b.id AND p.is_current = 1 "
	"WHERE b.student_id = ? AND (b.state IN ('checked_in','collected') "
	"OR (b.state IN ('cancelled','expired') AND EXISTS (SELECT 1 FROM "
	"payment q WHERE q.booking_id = b.id AND q.state IN "
	"('authorized','voided','lapsed')))) ORDER BY b.id DESC LIMIT 20",
	/* STMT_SLOT_ONE: a slot of the task, for the change's confirmation */
	"SELECT id, DATE_FORMAT(starts_at + INTERVAL 8 HOUR, '%Y-%m-%d') AS day, "
	"DAYOFWEEK(starts_at + INTERVAL 8 HOUR) AS dow, "
	"DATE_FORMAT(starts_at + INTERVAL 8 HOUR, '%H:%i') AS t_from, "
	"DATE_FORMAT(ends_at + INTERVAL 8 HOUR, '%H:%i') AS t_to "
	"FROM slot WHERE id = ? AND task_id = ?",
	/* STMT_PHOTO: the current photo, only the owner's, and only once the
	 * fee is settled: captured, collected on site, or nothing to pay */
	"SELECT p.jpeg, s.name FROM photo p JOIN student s ON s.id = p.student_id "
	"JOIN booking b ON b.id = p.booking_id JOIN task t ON t.id = b.task_id "
	"WHERE p.id = ? AND p.student_id = ? AND p.is_current = 1 "
	"AND (t.fee_fen = 0 OR EXISTS (SELECT 1 FROM payment q WHERE "
	"q.booking_id = b.id AND q.state IN ('captured','onsite')))",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("student", stmts);

/* --- helpers ---------------------------------------------------------- */

/* Run a one-row statement with one id parameter into HDF prefix.* (not
 * prefix.0.*).  Returns 1 found, 0 none, or a db.h error code. */
static int
load_one(struct req *r, const char *prefix, int stmt, long long id)
{
	HDF	*row;
	int	 rc;

	hdf_remove_tree(r->hdf, "Tmp");
	if ((rc = db_hdf(r->hdf, "Tmp", &set, stmt, "i", id)) <= 0)
		return rc;
	if ((row = hdf_get_obj(r->hdf, "Tmp.0")) != NULL) {
		NEOERR *err = hdf_copy(r->hdf, prefix, row);
		nerr_ignore(&err);
	}
	hdf_remove_tree(r->hdf, "Tmp");
	return 1;
}

/* The session's task into Task.*.  Returns 1, 0 (none), or db code. */
static int
load_task(struct req *r)
{

	if (r->s.task_id == 0)
		return 0;
	return load_one(r, "Task", STMT_TASK, r->s.task_id);
}

/*
 * The date by which the frozen money of an ended booking is back
 * (“冻结款项将于 YYYY-MM-DD 前原路返回”): 3 working days after the
 * cancellation, in China, on the State Council's holiday calendar
 * (workday.c).  Sets refund_by in the booking's node.
 */
static void
refund_by(HDF *b)
{
	char		 out[11];
	long long	 ts;
	int		 y, m, d, rc;

	if (b == NULL || (ts = strtoll(hdf_get_value(b, "ended_ts", "0"),
	    NULL, 10)) <= 0)
		return;
	if (workday_cn_date((time_t)ts, &y, &m, &d) != 0 ||
	    (rc = workday_add(y, m, d, 3, &y, &m, &d)) < 0 ||
	    workday_format(y, m, d, out) != 0)
		return;
	if (rc == 1)
		log_warn("refund date %s counted without a holiday calendar "
		    "for its year (Calendar.Path)", out);
	hdf_set_value(b, "refund_by", out);
}

/* Booking.* as read: the amount formatted, the refund date. */
static void
booking_shown(struct req *r)
{
	char	 fen[32];

	util_fen(hdf_get_int_value(r->hdf, "Booking.fee_fen", 0), fen,
	    sizeof(fen));
	web_set(r, "Booking.amount", fen);
	refund_by(hdf_get_obj(r->hdf, "Booking"));
}

/* The session student's latest booking into Booking.*, with the amount
 * formatted.  Returns 1, 0 (none), or db code. */
static int
load_booking(struct req *r)
{
	int	 rc;

	if (r->s.student_id == 0)
		return 0;
	if ((rc = load_one(r, "Booking", STMT_BOOKING, r->s.student_id)) != 1)
		return rc;
	booking_shown(r);
	return 1;
}

/*
 * The session's task into Task.* (with seats_sig, its slots' signature)
 * and the student's latest booking into Booking.* as load_booking() puts
 * it, in one statement.  Returns 1, 0 (no task), or db code.
 */
static int
load_task_booking(struct req *r)
{
	HDF	*row;
	NEOERR	*err;
	int	 rc;

	if (r->s.task_id == 0)
		return 0;
	hdf_remove_tree(r->hdf, "Tmp");
	if ((rc = db_hdf(r->hdf, "Tmp", &set, STMT_TASK_BOOKING, "ii",
	    r->s.student_id, r->s.task_id)) <= 0)
		return rc;
	if (hdf_get_value(r->hdf, "Tmp.0.bk.id", NULL) != NULL &&
	    (row = hdf_get_obj(r->hdf, "Tmp.0.bk")) != NULL) {
		err = hdf_copy(r->hdf, "Booking", row);
		nerr_ignore(&err);
		booking_shown(r);
	}
	hdf_remove_tree(r->hdf, "Tmp.0.bk");
	if ((row = hdf_get_obj(r->hdf, "Tmp.0")) != NULL) {
		err = hdf_copy(r->hdf, "Task", row);
		nerr_ignore(&err);
	}
	hdf_remove_tree(r->hdf, "Tmp");
	return 1;
}

/*
 * The steps a page needs (ST_* bits) after the task, which the caller
 * read into Task.* (rc is what the read returned: 1 found, 0 none, or a
 * db code).  Returns 0 when they are done, else 303 to the first step
 * missing (or a failure status).
 */
static int
steps_read(struct req *r, long long need, int rc)
{

	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0)
		return web_redirect(r, "/task");
	if ((need & ST_CODE) &&
	    (r->s.student_id == 0 || !(r->s.flags & ST_CODE)))
		return web_redirect(r, "/code");
	if ((need & ST_CONFIRMED) && !(r->s.flags & ST_CONFIRMED))
		return web_redirect(r, "/confirm");
	if ((need & ST_IDCARD) && !(r->s.flags & ST_IDCARD) &&
	    hdf_get_int_value(r->hdf, "Task.require_id_photo", 0))
		return web_redirect(r, "/idcard");
	return 0;
}

/* The same, reading the task. */
static int
steps(struct req *r, long long need)
{

	return steps_read(r, need, load_task(r));
}

/* --- guessing ------------------------------------------------------------
 *
 * Task codes, 采集码 and ID numbers can be guessed, and thousands of
 * students share a few campus NAT addresses.  So (README "Throttles"):
 * failures count per session, and a session past Throttle.SessionFailures
 * in 10 minutes is refused for every try, right or wrong, until its window
 * ends, so that it learns nothing more.  Failures also count per address;
 * past Throttle.AddressFailures (a ceiling no campus reaches) the address
 * is slowed, not shut: each session new to a step waits a few seconds
 * first, more the further the address is past the ceiling.
 */

#define GUESS_WINDOW	600	/* seconds */

/* A throttle key: "what:s:" and the first 8 bytes of the session key. */
static void
sess_key(const struct req *r, const char *what, char *out, size_t outsz)
{
	char	 hex[17];

	sodium_bin2hex(hex, sizeof(hex), r->s.key, 8);
	snprintf(out, outsz, "%s:s:%s", what, hex);
}

/* Refuse with 429 for left seconds; the page says until when. */
static int
refuse(struct req *r, int left, const char *why)
{
	char		 when[8];
	time_t		 t = clock_now() + left + 8 * 3600;	/* Asia/Shanghai */
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M", &tm);
	r->retry_after = left > 0 ? left : 1;
	web_setf(r, "Tmp.Refused", "%s请于 %s 后再试。", why, when);
	r->err = hdf_get_value(r->hdf, "Tmp.Refused", why);
	return 429;
}

/*
 * Before a try under what ("task", "code", "find"): a session over its
 * own limit is refused whatever it sends; with slow != 0 a session new to
 * this step waits first while its address is past the ceiling.  Returns
 * 0 to go on, 429, or a failure status.
 */
static int
guess_gate(struct req *r, const char *what, int slow)
{
	char		 k[96], w[32];
	long long	 n, ceiling, steps, delay;
	int		 rc, left;

	sess_key(r, what, k, sizeof(k));
	rc = throttle_hit(k, (int)conf_int("Throttle.SessionFailures", 10),
	    GUESS_WINDOW, 0);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 1)
		return refuse(r, throttle_left(GUESS_WINDOW),
		    "错误次数过多，已暂停尝试。");
	if (!slow)
		return 0;
	snprintf(k, sizeof(k), "fail:ip:%s", r->client);
	if ((n = throttle_count(k, GUESS_WINDOW, 0)) < 0)
		return web_dberr((int)n);
	ceiling = conf_int("Throttle.AddressFailures", 500);
	if (n < ceiling)
		return 0;
	steps = (n - ceiling) / (ceiling / 5 > 0 ? ceiling / 5 : 1);
	delay = conf_int("Throttle.SlowSeconds", 2) << (steps > 16 ? 16 : steps);
	if (delay > conf_int("Throttle.MaxSlowSeconds", 120))
		delay = conf_int("Throttle.MaxSlowSeconds", 120);
	snprintf(w, sizeof(w), "wait:%s", what);
	sess_key(r, w, k, sizeof(k));
	if ((rc = throttle_wait(k, (int)delay, &left)) < 0)
		return web_dberr(rc);
	if (rc == 1) {
		log_info("student %s: address %s past its ceiling (%lld), "
		    "session waits %d s", what, r->client, n, left);
		return refuse(r, left, "当前网络访问人数较多，正在排队。");
	}
	return 0;
}

/* Count a failed try under what for the session and its address.
 * Returns 0 or a failure status. */
static int
guess_failed(struct req *r, const char *what)
{
	char	 k[96];
	int	 rc;

	sess_key(r, what, k, sizeof(k));
	if ((rc = throttle_hit(k, 1, GUESS_WINDOW, 1)) < 0)
		return web_dberr(rc);
	snprintf(k, sizeof(k), "fail:ip:%s", r->client);
	if ((rc = throttle_hit(k, 1, GUESS_WINDOW, 1)) < 0)
		return web_dberr(rc);
	return 0;
}

/* The student is known now: new session id, progress saved.  Returns 0
 * or a failure status. */
static int
identified(struct req *r, long long task_id, long long student_id,
    long long flags)
{
	int	 rc;

	r->s.task_id = task_id;
	r->s.student_id = student_id;
	r->s.flags = flags;
	r->s.pending = 0;
	if ((rc = sess_rotate(r)) < 0 || (rc = sess_save(r)) < 0)
		return web_dberr(rc);
	return 0;
}

/* Save the session's progress.  0 or a failure status. */
static int
save(struct req *r)
{
	int	 rc;

	return (rc = sess_save(r)) < 0 ? web_dberr(rc) : 0;
}

/* RFC 5987 attr-char percent-encoding of s into out.  0, or -1 if too long. */
static int
pct_encode(const char *s, int strict, char *out, size_t outsz)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const char		*keep = strict ? "-._~" : "!#$&+-.^_`|~";
	size_t			 o = 0;
	unsigned char		 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (o + 4 > outsz)
			return -1;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || (c != '\0' && strchr(keep, c))) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
	return 0;
}

/* --- entrance, FAQ, help ------------------------------------------------ */

/* GET / : the entrance (第1步); with a booking in the session, shows it. */
static int
page_index(struct req *r)
{
	int	 rc;

	if ((rc = load_booking(r)) < 0)
		return web_dberr(rc);
	/* The teacher's answers to what this student (or this phone) told
	 * them. */
	if (r->s.valid && (rc = report_student_hdf(r->hdf, r->s.student_id,
	    r->s.key)) < 0)
		return web_dberr(rc);
	if (web_has(r, "reported"))
		web_set(r, "Page.Reported", "1");
	return web_page(r, "student/index.cs");
}

/*
 * POST /report : to the school's teacher, from the confirm page (wrong
 * 学籍 data: the student is known) or after a 采集码 that is not on the
 * roster (only the name typed and the code are known).  Five in an hour
 * per session.
 */
static int
page_report(struct req *r)
{
	const char	*kind = web_str(r, "kind"), *msg = web_str(r, "message");
	const char	*name = web_str(r, "name"), *code = web_str(r, "code");
	char		 k[64];
	enum report_kind rk;
	int		 rc;

	if ((rc = load_task(r)) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return web_redirect(r, "/task");
	if (kind != NULL && strcmp(kind, "data_error") == 0) {
		if (r->s.student_id == 0)
			return web_redirect(r, "/code");
		rk = REPORT_DATA_ERROR;
		if (msg == NULL)
			return web_fail(r, 422, "请写明哪项信息有误、正确的应是什么");
	} else if (kind != NULL && strcmp(kind, "not_on_roster") == 0) {
		rk = REPORT_NOT_ON_ROSTER;
		if (name == NULL)
			return web_fail(r, 422, "请填写您的姓名，以便老师核对名单");
	} else
		return 400;
	if ((rc = sess_save(r)) < 0)	/* the answer comes back to it */
		return web_dberr(rc);
	sess_key(r, "report", k, sizeof(k));
	if ((rc = throttle_hit(k, 5, 3600, 1)) < 0)
		return web_dberr(rc);
	if (rc == 1)
		return refuse(r, throttle_left(3600),
		    "反馈提交过于频繁，老师会尽快处理已提交的反馈。");
	if ((rc = report_add(r->s.task_id, rk == REPORT_DATA_ERROR ?
	    r->s.student_id : 0, r->s.key, rk, name, code, msg)) < 0)
		return web_dberr(rc);
	log_info("report (%s) for task %lld", kind, r->s.task_id);
	return web_redirect(r, "/?reported=1");
}

static int
page_faq(struct req *r)
{

	web_set(r, "Page.Title", "常见问题");
	web_set(r, "Page.Back", "/");
	return web_page(r, "student/faq.cs");
}

static int
page_help(struct req *r)
{

	web_set(r, "Page.Title", "联系客服");
	web_set(r, "Page.Back", "/");
	return web_page(r, "student/help.cs");
}

/* --- 第2步 task code ------------------------------------------------------ */

/* GET/POST /task : the task code.  A right code is never refused for its
 * address; a session past its own limit is refused for every code. */
static int
page_task(struct req *r)
{
	long long	 id = 0, open = 0;
	int		 rc;

	web_set(r, "Page.Title", "填写任务代码");
	web_set(r, "Page.Back", "/");
	if (r->method != M_POST)
		return web_page(r, "student/task.cs");

	if ((rc = guess_gate(r, "task", 0)) != 0)
		return rc;
	if (!web_has(r, "task_code"))
		rc = 0;
	else if ((rc = db_one(&set, STMT_TASK_BY_CODE, "s", "ii",
	    web_str(r, "task_code"), &id, &open)) < 0)
		return web_dberr(rc);
	if (rc == 1 && !open)
		/* The window is over: the task's students find their
		 * records, photo and refund there. */
		return web_redirect(r, "/find?closed=1");
	if (rc == 0) {
		if ((rc = guess_gate(r, "task", 1)) != 0 ||
		    (rc = guess_failed(r, "task")) != 0)
			return rc;
		web_fail(r, 422, "任务代码不正确，请与学校负责老师确认");
		return web_page(r, "student/task.cs");
	}
	r->s.task_id = id;
	r->s.student_id = 0;
	r->s.pending = 0;
	r->s.flags = 0;
	if ((rc = save(r)) != 0)
		return rc;
	return web_redirect(r, "/code");
}

/* --- 第3步 采集码 ---------------------------------------------------------- */

/* Statuses and messages for the image and QR outcomes. */
static const struct {
	int		 code;
	int		 status;
	const char	*msg;
} qr_errors[] = {
	{ IMG_NOTIMAGE, 415, "请上传 JPG 或 PNG 格式的采集码图片" },
	{ IMG_TOOBIG, 413, "图片像素过多（超过 4000 万像素或边长超过 10000 像素），请上传学信网下载的采集码原图" },
	{ IMG_CORRUPT, 422, "图片已损坏，无法读取，请重新上传" },
	{ QR_NONE, 422, "未识别到二维码，请上传学信网下载的采集码图片（请勿上传截图），并确保二维码完整清晰" },
};

/*
 * Phones may send HEIC (iPhone camera) or WebP when the form accepts any image type.
 * They are not decoded here; the student is told what to do instead.
 * Returns the message, or NULL for anything else.
 */
static const char *
phone_format(const unsigned char *b, size_t n)
{

	if (n >= 12 && memcmp(b + 4, "ftyp", 4) == 0 &&
	    (memcmp(b + 8, "heic", 4) == 0 || memcmp(b + 8, "heix", 4) == 0 ||
	    memcmp(b + 8, "mif1", 4) == 0 || memcmp(b + 8, "msf1", 4) == 0 ||
	    memcmp(b + 8, "hevc", 4) == 0))
		return "暂不支持 HEIC 格式的照片。请在手机“设置-相机-格式”中选择“兼容性最佳”后重拍，或打开图片后截图，再上传 JPG/PNG 图片";
	if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
		return "暂不支持 WebP 格式的图片，请保存为 JPG 或截图后再上传";
	return NULL;
}

/* The 采集码 from the typed (or browser-read) text or the uploaded image
 * into *payload (malloc'd).  Returns 0, or a status with the form's
 * message set. */
static int
read_code(struct req *r, char **payload, size_t *plen)
{
	unsigned char	*buf;
	const char	*text = web_str(r, "collect_code"), *why;
	size_t		 len, i;
	int		 rc;

	*payload = NULL;
	*plen = 0;
	if (text != NULL) {
		if ((*payload = strdup(text)) == NULL)
			return 500;
		*plen = strlen(text);
		return 0;
	}
	if (!web_has(r, "code_image"))
		return web_fail(r, 422, "请选择要上传的采集码图片");
	if ((rc = web_slurp(web_file(r, "code_image"), UPLOAD_MAX, &buf,
	    &len)) != 0)
		return rc;
	if ((why = phone_format(buf, len)) != NULL) {
		free(buf);
		return web_fail(r, 415, why);
	}
	rc = qr_decode_image(buf, len, payload, plen);
	free(buf);
	if (rc == IMG_OK)
		return 0;
	for (i = 0; i < sizeof(qr_errors) / sizeof(qr_errors[0]); i++)
		if (qr_errors[i].code == rc)
			return web_fail(r, qr_errors[i].status,
			    qr_errors[i].msg);
	return 500;
}

/*
 * GET/POST /code : the 采集码, as an image decoded here or as the text the
 * browser read from it.  The code starts a booking; it does not open one:
 * when its student already has a booking made in another session, the
 * full ID number is asked first (/find), since the confirm page shows the
 * last four to anyone holding the code.
 */
static int
page_code(struct req *r)
{
	char		*payload = NULL, st[16];
	size_t		 plen = 0;
	long long	 sid, bid;
	int		 rc, mine;

	web_set(r, "Page.Title", "上传采集码");
	web_set(r, "Page.Back", "/task");
	if ((rc = steps(r, 0)) != 0)
		return rc;
	if (r->method != M_POST)
		return web_page(r, "student/code.cs");
	if ((rc = guess_gate(r, "code", 1)) != 0)
		return rc;
	if ((rc = read_code(r, &payload, &plen)) != 0) {
		if (rc >= 500 || rc == 413 || rc == 400)
			return rc;
		return web_page(r, "student/code.cs");
	}
	rc = resolve_student(r->s.task_id, payload, plen, &sid);
	free(payload);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0) {
		if ((rc = guess_failed(r, "code")) != 0)
			return rc;
		web_fail(r, 422, "该采集码不属于本次采集任务，请确认任务代码正确，并上传本人的采集码");
		web_set(r, "Report.Offer", "1");
		return web_page(r, "student/code.cs");
	}
	if ((rc = booking_active(sid, &bid, st)) < 0)
		return web_dberr(rc);
	mine = r->s.student_id == sid && (r->s.flags & ST_CODE);
	if (bid > 0 && !mine) {
		/* Nothing of this student is shown before the ID number. */
		r->s.student_id = 0;
		r->s.flags = 0;
		r->s.pending = sid;
		if ((rc = save(r)) != 0)
			return rc;
		return web_redirect(r, "/find");
	}
	if (mine)
		return web_redirect(r, bid > 0 ? "/booking" : "/confirm");
	if ((rc = identified(r, r->s.task_id, sid,
	    bid > 0 ? ST_ALL : ST_CODE)) != 0)
		return rc;
	return web_redirect(r, "/confirm");
}

/* --- 第4步 confirm ---------------------------------------------------------- */

/* The session student's 学籍 data into Student.*, masked.  1, 0, or db. */
static int
load_student(struct req *r)
{
	char	 code[65], name[UTF8_BUF(64)], idn[19], no[33];
	char	 cat[UTF8_BUF(32)], lvl[UTF8_BUF(32)], cls[UTF8_BUF(64)];
	char	 masked[UTF8_BUF(64)], last4[5];
	int	 rc;

	rc = db_one(&set, STMT_STUDENT, "ii", "sssssss", r->s.student_id,
	    r->s.task_id, code, sizeof(code), name, sizeof(name), idn,
	    sizeof(idn), no, sizeof(no), cat, sizeof(cat), lvl, sizeof(lvl),
	    cls, sizeof(cls));
	if (rc != 1)
		return rc;
	name_mask(name, masked, sizeof(masked));
	idnum_last4(idn, last4);
	explicit_bzero(idn, sizeof(idn));
	web_set(r, "Student.collect_code", code);
	web_set(r, "Student.name", masked);
	web_set(r, "Student.id_last4", last4);
	web_set(r, "Student.student_no", no);
	web_set(r, "Student.edu_category", cat);
	web_set(r, "Student.edu_level", lvl);
	web_set(r, "Student.class_name", cls);
	return 1;
}

/* GET/POST /confirm : check the 学籍 data (第4步). */
static int
page_confirm(struct req *r)
{
	int	 rc;

	web_set(r, "Page.Title", "采集码认证");
	web_set(r, "Page.Back", "/code");
	if ((rc = steps(r, ST_CODE)) != 0)
		return rc;
	if (r->method == M_POST) {
		r->s.flags |= ST_CONFIRMED;
		if ((rc = save(r)) != 0)
			return rc;
		return web_redirect(r, hdf_get_int_value(r->hdf,
		    "Task.require_id_photo", 0) ? "/idcard" : "/slots");
	}
	if ((rc = load_student(r)) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return web_redirect(r, "/code");
	return web_page(r, "student/confirm.cs");
}

/* --- 身份证照片 -------------------------------------------------------------- */

/*
 * GET/POST /idcard : the ID-card photo, stored for staff only.  It is
 * sensitive personal information (PIPL Art. 28): the page says what is
 * collected, why, how long and who sees it, and the student's separate
 * consent (单独同意, Art. 29), a box not ticked in advance, comes first;
 * without it nothing is read or stored (core/privacy.c records it).
 */
static int
page_idcard(struct req *r)
{
	unsigned char	*buf, *jpg = NULL;
	const char	*why;
	size_t		 len, jlen = 0;
	int		 rc;

	web_set(r, "Page.Title", "上传身份证照片");
	web_set(r, "Page.Back", "/confirm");
	web_set(r, "Privacy.Version", privacy_notice_version());
	web_setf(r, "Privacy.PurgeDays", "%d", privacy_purge_days());
	if ((rc = steps(r, ST_CODE | ST_CONFIRMED)) != 0)
		return rc;
	if (r->method != M_POST)
		return web_page(r, "student/idcard.cs");
	if (!web_has(r, "consent")) {
		web_fail(r, 422, "请先阅读《身份证照片收集告知书》，勾选同意后再上传");
		return web_page(r, "student/idcard.cs");
	}
	if (!web_has(r, "id_image")) {
		web_fail(r, 422, "请选择要上传的身份证照片");
		return web_page(r, "student/idcard.cs");
	}

	if ((rc = web_slurp(web_file(r, "id_image"), UPLOAD_MAX, &buf,
	    &len)) != 0)
		return rc;
	if ((why = phone_format(buf, len)) != NULL) {
		free(buf);
		web_fail(r, 415, why);
		return web_page(r, "student/idcard.cs");
	}
	rc = img_reencode_idcard(buf, len, &jpg, &jlen);
	free(buf);
	if (rc == IMG_SYSERR)
		return 500;
	if (rc != IMG_OK) {
		web_set(r, "Idcard.Failed", "1");
		web_fail(r, rc == IMG_NOTIMAGE ? 415 : 422,
		    "身份证图片识别失败，请重新拍摄上传");
		return web_page(r, "student/idcard.cs");
	}
	rc = privacy_idcard_add(r->s.student_id, r->s.task_id, jpg, jlen);
	free(jpg);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 404)
		return 404;
	if (rc == 409) {
		web_fail(r, 409, "本次采集已结束，无需再上传身份证照片");
		return web_page(r, "student/idcard.cs");
	}
	r->s.flags |= ST_IDCARD;
	if ((rc = save(r)) != 0)
		return rc;
	return web_redirect(r, "/slots");
}

/* --- 第5步 slots ------------------------------------------------------------- */

/* t (UNIX time) in Beijing time by strftime format fmt. */
static void
cn_time(long long t, const char *fmt, char *out, size_t outsz)
{
	time_t		 tt = (time_t)(t + 8 * 3600);
	struct tm	 tm;

	gmtime_r(&tt, &tm);
	strftime(out, outsz, fmt, &tm);
}

/*
 * The bookable days (with the seats left on each) into Days.* and the
 * chosen day's slots into Slots.*: want when it is one of them, else the
 * first day with a seat, else the first.  The seats come from seats.c,
 * checked against Task.seats_sig (load_task_booking).  0 or status.
 */
static int
load_slots(struct req *r, const char *want)
{
	const struct seat_slot	*s;
	char			 key[64], day[16], prev[16] = "", v[16];
	struct tm		 tm;
	time_t			 tt;
	long long		 left = 0;
	int			 n, i, nd = 0, pick = -1, first_free = -1;

	if ((n = seats_list(r->s.task_id, hdf_get_value(r->hdf,
	    "Task.seats_sig", NULL), &s)) < 0)
		return web_dberr(n);
	for (i = 0; i <= n; i++) {
		if (i < n)
			cn_time(s[i].starts, "%Y-%m-%d", day, sizeof(day));
		if (i > 0 && (i == n || strcmp(day, prev) != 0)) {
			/* the day before ends */
			snprintf(key, sizeof(key), "Days.%d.seats_left", nd - 1);
			hdf_set_int_value(r->hdf, key, (int)left);
			if (first_free < 0 && left > 0)
				first_free = nd - 1;
		}
		if (i == n)
			break;
		if (i == 0 || strcmp(day, prev) != 0) {
			snprintf(key, sizeof(key), "Days.%d.day", nd);
			hdf_set_value(r->hdf, key, day);
			snprintf(key, sizeof(key), "Days.%d.md", nd);
			cn_time(s[i].starts, "%m-%d", v, sizeof(v));
			hdf_set_value(r->hdf, key, v);
			tt = (time_t)(s[i].starts + 8 * 3600);
			gmtime_r(&tt, &tm);
			snprintf(key, sizeof(key), "Days.%d.dow", nd);
			hdf_set_int_value(r->hdf, key, tm.tm_wday + 1);
			if (pick < 0 && want != NULL && strcmp(day, want) == 0)
				pick = nd;
			snprintf(prev, sizeof(prev), "%s", day);
			left = 0;
			nd++;
		}
		left += s[i].left;
	}
	if (pick < 0)
		pick = first_free >= 0 ? first_free : 0;
	if (nd == 0)
		return 0;
	snprintf(key, sizeof(key), "Days.%d.day", pick);
	snprintf(day, sizeof(day), "%s", hdf_get_value(r->hdf, key, ""));
	web_set(r, "Day", day);
	for (i = 0, nd = 0; i < n; i++) {
		cn_time(s[i].starts, "%Y-%m-%d", v, sizeof(v));
		if (strcmp(v, day) != 0)
			continue;
		snprintf(key, sizeof(key), "Slots.%d.id", nd);
		snprintf(v, sizeof(v), "%lld", s[i].id);
		hdf_set_value(r->hdf, key, v);
		snprintf(key, sizeof(key), "Slots.%d.t_from", nd);
		cn_time(s[i].starts, "%H:%M", v, sizeof(v));
		hdf_set_value(r->hdf, key, v);
		snprintf(key, sizeof(key), "Slots.%d.t_to", nd);
		cn_time(s[i].ends, "%H:%M", v, sizeof(v));
		hdf_set_value(r->hdf, key, v);
		snprintf(key, sizeof(key), "Slots.%d.seats_left", nd);
		hdf_set_int_value(r->hdf, key, (int)s[i].left);
		nd++;
	}
	return 0;
}

/* Outcomes of taking or moving a seat: status and message. */
static int
seat_failed(struct req *r, int rc)
{

	if (rc == BK_FULL || rc == BK_BADSLOT)
		return web_fail(r, oc_status(oc_booking(rc)),
		    oc_message(oc_booking(rc)));
	return web_outcome(r, oc_booking(rc));
}

/* The change of slot, before it is made: from the booking's slot to the
 * chosen one, with a form that makes it (confirm=1).  Works without
 * JavaScript. */
static int
change_confirm(struct req *r)
{
	int	 rc;

	web_set(r, "Page.Title", "确认更改预约时间");
	rc = db_hdf(r->hdf, "New", &set, STMT_SLOT_ONE, "ii",
	    web_int(r, "slot_id"), r->s.task_id);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0)
		return seat_failed(r, BK_BADSLOT);
	return web_page(r, "student/slot_change.cs");
}

/* Is a booking in state st active (booking_active's states)? */
static int
is_active(const char *st)
{

	return strcmp(st, "held") == 0 || strcmp(st, "booked") == 0 ||
	    strcmp(st, "checked_in") == 0 || strcmp(st, "collected") == 0;
}

/*
 * GET/POST /slots : pick a slot (第5步), or move the booking to another.
 * A page view is three round trips at most: the session, the task with
 * the student's booking, and the seats (kept a second, seats.c).  No
 * write on a page view: seats of unpaid holds past their time go back in
 * the sweep, and at booking time when a slot is full.
 */
static int
page_slots(struct req *r)
{
	const char	*st;
	long long	 bid;
	int		 rc, active, held;

	web_set(r, "Page.Title", "预约确认");
	web_set(r, "Page.Back", "/");
	if ((rc = steps_read(r, ST_ALL, load_task_booking(r))) != 0)
		return rc;
	/* The latest booking is the active one if there is one: a student
	 * has at most one, and a new one is never made beside it. */
	st = hdf_get_value(r->hdf, "Booking.state", "");
	active = is_active(st);
	bid = active ? strtoll(hdf_get_value(r->hdf, "Booking.id", "0"),
	    NULL, 10) : 0;
	if (active && strcmp(st, "held") != 0 && strcmp(st, "booked") != 0)
		return web_redirect(r, "/booking");	/* checked in */

	if (r->method == M_POST) {
		if (!web_has(r, "slot_id"))
			web_fail(r, 422, "请选择预约时段");
		else if (!web_has(r, "agree"))
			web_fail(r, 422, "请阅读并勾选同意预约须知");
		else {
			if (active && !web_has(r, "confirm") &&
			    web_int(r, "slot_id") != hdf_get_int_value(r->hdf,
			    "Booking.slot_id", 0))
				return change_confirm(r);
			if (active) {
				rc = booking_change(bid, web_int(r, "slot_id"));
				held = strcmp(st, "held") == 0;
			} else
				rc = booking_take(r->s.task_id,
				    hdf_get_int_value(r->hdf, "Task.fee_fen", 0),
				    r->s.student_id, web_int(r, "slot_id"),
				    &bid, &held);
			if (rc == BK_ACTIVE || rc == BK_STATE)
				return web_redirect(r, "/booking");
			if (rc == 0)
				return web_redirect(r, held ? "/pay" :
				    "/booking");
			if ((rc = seat_failed(r, rc)) >= 500)
				return rc;
		}
	}
	if ((rc = load_slots(r, web_str(r, "date"))) != 0)
		return rc;
	return web_page(r, "student/slots.cs");
}

/* --- 第6步 pre-payment --------------------------------------------------------- */

/* GET/POST /pay : the amount and the freeze; POST goes to the provider. */
static int
page_pay(struct req *r)
{
	char		 st[16], url[512] = "";
	long long	 bid;
	int		 rc, again;

	web_set(r, "Page.Title", "预支付");
	web_set(r, "Page.Back", "/booking");
	if ((rc = steps(r, ST_ALL)) != 0)
		return rc;
	if ((rc = booking_active(r->s.student_id, &bid, st)) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return web_redirect(r, "/slots");
	if ((rc = load_booking(r)) < 0)
		return web_dberr(rc);
	/* A held seat pays; a booked one confirms its hold again when asked
	 * (需重新授权), or after it was moved to 到场支付. */
	again = hdf_get_value(r->hdf, "Booking.reauth_by", NULL) != NULL ||
	    hdf_get_int_value(r->hdf, "Booking.pay_onsite", 0) == 1;
	if (strcmp(st, "held") != 0 && !(again &&
	    (strcmp(st, "booked") == 0 || strcmp(st, "checked_in") == 0)))
		return web_redirect(r, "/booking");
	web_set(r, "Pay.Again", again ? "1" : "0");
	if (r->method == M_POST) {
		rc = pay_start(bid, url, sizeof(url));
		if (rc == PAY_OK && url[0] != '\0')
			return web_redirect(r, "%s", url);
		if (rc == PAY_NOT_PAYABLE)
			return web_redirect(r, "/booking");
		if (rc != PAY_PROVIDER)
			return web_outcome(r, oc_pay(rc));
		/* The provider failed: the page again, to retry. */
		web_set(r, "Pay.ProviderFailed", "1");
		r->err = oc_message(OC_PAY_PROVIDER);
	}
	return web_page(r, "student/pay.cs");
}

/*
 * The way back from the bank without the session that paid: another
 * browser, or a cross-site return whose cookies SameSite=Lax kept back.
 * The bank's signed order reference (pay.h) leads to the order's state,
 * nothing personal, and a way to sign in.
 */
static int
pay_return_public(struct req *r)
{
	char		 pst[16] = "", bst[16] = "";
	const char	*ref = web_str(r, "order_ref"), *st;
	int		 rc;

	if ((rc = pay_order_state(ref, pst, sizeof(pst), bst,
	    sizeof(bst))) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return web_redirect(r, "/");
	if (strcmp(bst, "cancelled") == 0 || strcmp(bst, "expired") == 0)
		st = "ended";
	else if (strcmp(pst, "authorized") == 0 ||
	    strcmp(pst, "captured") == 0 || strcmp(bst, "booked") == 0 ||
	    strcmp(bst, "checked_in") == 0 || strcmp(bst, "collected") == 0)
		st = "ok";
	else if (strcmp(pst, "failed") == 0)
		st = "failed";
	else {
		st = "pending";
		web_setf(r, "Page.Refresh", "2;url=/pay/return?order_ref=%s",
		    ref);
	}
	web_set(r, "Pay.Public", st);
	return web_page(r, "student/pay_return.cs");
}

/* GET /pay/return : the browser back from the provider.  Shows the state
 * the signed notification left in the database; changes nothing. */
static int
page_pay_return(struct req *r)
{
	char	 pst[16] = "", why[80] = "", bst[16] = "";
	int	 rc;

	web_set(r, "Page.Title", "支付结果");
	web_set(r, "Page.Back", "/");
	if (r->s.student_id == 0)
		return pay_return_public(r);
	rc = db_one(&set, STMT_PAY_LAST, "i", "sss", r->s.student_id,
	    pst, sizeof(pst), why, sizeof(why), bst, sizeof(bst));
	if (rc < 0)
		return web_dberr(rc);
	if (strcmp(bst, "booked") == 0 || strcmp(pst, "authorized") == 0 ||
	    strcmp(pst, "captured") == 0)
		return web_redirect(r, "/booking");
	if (rc == 0 || strcmp(bst, "held") != 0)
		return web_redirect(r, "/booking");
	if (strcmp(pst, "failed") == 0) {
		web_set(r, "Pay.Failed", strstr(why, "insufficient") ||
		    strstr(why, "funds") || strstr(why, "余额") ?
		    "funds" : "bind");
		if ((rc = load_booking(r)) < 0)
			return web_dberr(rc);
	} else {
		web_set(r, "Pay.Pending", "1");
		web_set(r, "Page.Refresh", "2");	/* until it is known */
	}
	return web_page(r, "student/pay_return.cs");
}

/* POST /pay/notify : the provider's signed server-to-server message. */
static int
page_pay_notify(struct req *r)
{
	char	 body[2048];
	int	 rc;

	if (r->status != 0)	/* a field failed validation */
		return 400;
	if (web_verify_signed(r, body, sizeof(body)) != 0)
		return 400;
	rc = pay_apply(web_str(r, "event_id"), web_str(r, "order_ref"),
	    web_str(r, "type"), web_int(r, "amount_fen"),
	    web_str(r, "reason"), body);
	if (rc < 0)
		return web_dberr(rc);
	if (rc != 200)
		return rc;
	if ((r->body = (unsigned char *)strdup("OK")) == NULL)
		return 500;
	r->bodylen = 2;
	r->ctype = "text/plain; charset=utf-8";
	return 200;
}

/* --- 第7步 the booking ------------------------------------------------------- */

/* GET /booking : state, slot, amount, the 预约二维码, cancel and change. */
static int
page_booking(struct req *r)
{
	int	 rc;

	web_set(r, "Page.Title", "我的预约");
	web_set(r, "Page.Back", "/");
	if (r->s.student_id == 0)
		return web_redirect(r, "/find");
	if ((rc = load_task(r)) < 0 || (rc = load_booking(r)) < 0)
		return web_dberr(rc);
	return web_page(r, "student/booking.cs");
}

/* The full ID number as typed: spaces dropped, x as X.  0, or -1 when it
 * cannot be one. */
static int
idnum_typed(const char *in, char out[19])
{
	size_t	 n = 0;

	for (; in != NULL && *in != '\0'; in++) {
		if (*in == ' ')
			continue;
		if (n == 18)
			return -1;
		out[n++] = *in == 'x' ? 'X' : *in;
	}
	out[n] = '\0';
	return n == 18 && strspn(out, "0123456789X") == 18 ? 0 : -1;
}

#define FIND_WINDOW	3600	/* seconds: wrong ID numbers per student */

/*
 * The full ID number typed (field id_number) for student sid, against
 * idn, the roster's (wiped here).  Wrong numbers count toward that
 * student's lock: Throttle.IdFailures in an hour, then an hour closed
 * for every try, right or wrong.  Returns 0 with *right, or a status.
 */
static int
id_matches(struct req *r, long long sid, char idn[19], int *right)
{
	char	 typed[19], k[64];
	int	 rc, left;

	*right = 0;
	snprintf(k, sizeof(k), "idlock:%lld", sid);
	if ((rc = throttle_locked(k, &left)) < 0) {
		explicit_bzero(idn, 19);
		return web_dberr(rc);
	}
	if (rc == 1) {
		explicit_bzero(idn, 19);
		return refuse(r, left, "身份证号错误次数过多，为保护个人信息，"
		    "该学生的查找已关闭 1 小时。请使用预约时的手机查看，"
		    "或到拍摄现场请工作人员协助。");
	}
	*right = idnum_typed(web_str(r, "id_number"), typed) == 0 &&
	    strlen(idn) == 18 && sodium_memcmp(typed, idn, 18) == 0;
	explicit_bzero(idn, 19);
	explicit_bzero(typed, sizeof(typed));
	if (*right)
		return 0;
	snprintf(k, sizeof(k), "idfail:%lld", sid);
	rc = throttle_hit(k, (int)conf_int("Throttle.IdFailures", 5),
	    FIND_WINDOW, 1);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 1) {
		log_info("student %lld: /find closed for an hour", sid);
		snprintf(k, sizeof(k), "idlock:%lld", sid);
		if ((rc = throttle_lock(k, FIND_WINDOW)) < 0)
			return web_dberr(rc);
	}
	return 0;
}

/*
 * GET /booking/cancel : are you sure?  POST : cancel the held or booked
 * booking, once.  A session back after more than a day away gives the
 * full ID number first (the one lasting session must not let a found
 * phone cancel someone's booking).
 */
static int
page_cancel(struct req *r)
{
	char		 st[16], idn[19];
	long long	 bid, sid, tid;
	int		 rc, right;

	web_set(r, "Page.Title", "取消预约");
	web_set(r, "Page.Back", "/booking");
	if (r->s.student_id == 0)
		return web_redirect(r, "/find");
	if ((rc = booking_active(r->s.student_id, &bid, st)) < 0)
		return web_dberr(rc);
	if (rc == 0 || (strcmp(st, "held") != 0 && strcmp(st, "booked") != 0))
		return web_redirect(r, "/booking");
	if (r->s.flags & ST_STALE)
		web_set(r, "Cancel.AskId", "1");
	if (r->method == M_GET || r->status != 0) {
		if ((rc = load_task(r)) < 0 || (rc = load_booking(r)) < 0)
			return web_dberr(rc);
		return web_page(r, "student/cancel.cs");
	}
	if (r->s.flags & ST_STALE) {
		rc = db_one(&set, STMT_FIND_PENDING, "i", "iis",
		    r->s.student_id, &sid, &tid, idn, sizeof(idn));
		if (rc < 0)
			return web_dberr(rc);
		if (rc == 0)
			return web_redirect(r, "/find");
		if ((rc = id_matches(r, sid, idn, &right)) != 0)
			return rc;
		if (!right) {
			web_fail(r, 422, "身份证号不正确，请输入本人完整的身份证号");
			if ((rc = load_task(r)) < 0 ||
			    (rc = load_booking(r)) < 0)
				return web_dberr(rc);
			return web_page(r, "student/cancel.cs");
		}
		r->s.flags &= ~ST_STALE;
		if ((rc = save(r)) != 0)
			return rc;
	}
	if ((rc = booking_cancel(bid, "student", NULL)) < 0)
		return web_dberr(rc);
	return web_redirect(r, "/booking");
}

/* GET /healthz : for monitoring and load balancers: 200 "ok" when the
 * database answers, else 503. */
static int
page_health(struct req *r)
{
	int	 ok = db_ping() == 0;

	if ((r->body = (unsigned char *)strdup(ok ? "ok\n" :
	    "database unavailable\n")) == NULL)
		return 500;
	r->bodylen = strlen((char *)r->body);
	r->ctype = "text/plain; charset=utf-8";
	return ok ? 200 : 503;
}

/* POST /leave : “不是本人？换一个采集码”: the session ends here. */
static int
page_leave(struct req *r)
{

	sess_end(r);
	return web_redirect(r, "/task");
}

/* GET /booking/qr.png : the 预约二维码 of the session's own booking. */
static int
page_qr(struct req *r)
{
	char	 token[40];
	int	 rc;

	if (r->s.student_id == 0)
		return 404;
	rc = db_one(&set, STMT_TOKEN, "i", "s", r->s.student_id, token,
	    sizeof(token));
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0)
		return 404;
	if (qr_encode_png(token, 8, &r->body, &r->bodylen) != 0)
		return 500;
	r->ctype = "image/png";
	return 200;
}

/* --- return visit ------------------------------------------------------------ */




/*
 * GET/POST /find : the 采集码 (typed, or read in an earlier /code) and the
 * full ID number, from another phone or after the window.  Unknown codes
 * count against the session like other guesses; wrong ID numbers count
 * against the student: past Throttle.IdFailures in an hour that student's
 * /find is closed for an hour, for every try.
 */
static int
page_find(struct req *r)
{
	char		 code[RESOLVE_CODE_MAX + 1], idn[19], *payload = NULL;
	char		 st[16];
	const char	*c;
	size_t		 plen = 0;
	long long	 sid = 0, tid = 0, bid;
	int		 rc, right;

	web_set(r, "Page.Title", "查找我的预约");
	web_set(r, "Page.Back", "/");
	if (r->s.pending > 0)
		web_set(r, "Find.Pending", "1");
	if (web_has(r, "closed"))
		web_set(r, "Find.Closed", "1");
	if (r->method != M_POST)
		return web_page(r, "student/find.cs");

	if ((rc = guess_gate(r, "find", 1)) != 0)
		return rc;
	c = web_str(r, "collect_code");
	idn[0] = '\0';
	rc = 0;
	/* The 采集码 as an image (another phone has the picture, not the
	 * text): read here as /code reads it. */
	if (c == NULL && web_has(r, "code_image")) {
		if ((rc = read_code(r, &payload, &plen)) != 0) {
			if (rc >= 500 || rc == 413 || rc == 400)
				return rc;
			return web_page(r, "student/find.cs");
		}
		if (resolve_extract(payload, plen, code) == 0)
			rc = db_one(&set, STMT_FIND, "s", "iis", code, &sid,
			    &tid, idn, sizeof(idn));
		free(payload);
	} else if (c != NULL && resolve_extract(c, strlen(c), code) == 0)
		rc = db_one(&set, STMT_FIND, "s", "iis", code, &sid, &tid,
		    idn, sizeof(idn));
	else if (c == NULL && r->s.pending > 0)
		rc = db_one(&set, STMT_FIND_PENDING, "i", "iis", r->s.pending,
		    &sid, &tid, idn, sizeof(idn));
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0) {
		if ((rc = guess_failed(r, "find")) != 0)
			return rc;
		web_fail(r, 422, "未找到匹配的预约信息，请核对采集码和身份证号");
		return web_page(r, "student/find.cs");
	}
	if ((rc = id_matches(r, sid, idn, &right)) != 0)
		return rc;
	if (!right) {
		if ((rc = guess_failed(r, "find")) != 0)
			return rc;
		web_fail(r, 422, "未找到匹配的预约信息，请核对采集码和身份证号");
		return web_page(r, "student/find.cs");
	}
	if ((rc = booking_active(sid, &bid, st)) < 0)
		return web_dberr(rc);
	if ((rc = identified(r, tid, sid, rc == 1 ? ST_ALL : ST_CODE)) != 0)
		return rc;
	return web_redirect(r, bid > 0 ? "/booking" : "/confirm");
}

/* --- 采集完成后 records ------------------------------------------------------- */

/* GET /records : the session student's collection records. */
static int
page_records(struct req *r)
{
	HDF	*x;
	int	 rc;

	web_set(r, "Page.Title", "采集记录");
	web_set(r, "Page.Back", "/");
	if (r->s.student_id != 0 &&
	    (rc = db_hdf(r->hdf, "Records", &set, STMT_RECORDS, "i",
	    r->s.student_id)) < 0)
		return web_dberr(rc);
	for (x = hdf_obj_child(hdf_get_obj(r->hdf, "Records")); x != NULL;
	    x = hdf_obj_next(x))
		refund_by(x);
	web_set(r, "Known", r->s.student_id != 0 ? "1" : "0");
	return web_page(r, "student/records.cs");
}

/* GET /records/#.jpg : the current photo, owner only, as an attachment. */
static int
page_photo(struct req *r)
{
	char	*name = NULL, fname[320];
	int	 rc;

	if (r->s.student_id == 0)
		return 404;
	rc = db_one(&set, STMT_PHOTO, "ii", "BS", r->id[0], r->s.student_id,
	    &r->body, &r->bodylen, &name);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0)
		return 404;
	snprintf(fname, sizeof(fname), "%s-毕业照片.jpg", name ? name : "");
	free(name);
	if (pct_encode(fname, 0, r->filename, sizeof(r->filename)) != 0)
		snprintf(r->filename, sizeof(r->filename), "photo.jpg");
	/* ?view=1: shown in the page, where WeChat's browser lets the
	 * student long-press it into the album (it saves no attachment). */
	r->inline_file = web_int(r, "view") == 1;
	r->ctype = "image/jpeg";
	return 200;
}

/* --- the table ----------------------------------------------------------------- */

static const struct field task_fields[] = {
	{ "task_code", FT_CODE, 32, 0, "任务代码" },
};
static const struct field code_fields[] = {
	{ "code_image", FT_FILE, UPLOAD_MAX, 0, "采集码图片" },
	{ "collect_code", FT_TEXT, 200, 0, "采集码" },
};
static const struct field idcard_fields[] = {
	{ "id_image", FT_FILE, UPLOAD_MAX, 0, "身份证照片" },
	{ "consent", FT_BOOL, 2, 0, "单独同意" },
};
static const struct field slot_fields[] = {
	{ "slot_id", FT_INT, 15, 0, "预约时段" },
	{ "agree", FT_BOOL, 2, 0, "预约须知" },
	{ "date", FT_DATE, 10, 0, "日期" },
	{ "confirm", FT_BOOL, 2, 0, NULL },
};
static const struct field return_fields[] = {
	{ "order_ref", FT_CODE, 64, 0, NULL },
	{ "status", FT_CODE, 32, 0, NULL },
};
static const struct field notify_fields[] = {
	{ "event_id", FT_CODE, 64, F_REQ, NULL },
	{ "order_ref", FT_CODE, 64, F_REQ, NULL },
	{ "type", FT_CODE, 32, F_REQ, NULL },
	{ "amount_fen", FT_INT, 12, F_REQ, NULL },
	{ "reason", FT_TEXT, 128, 0, NULL },
};
static const struct field report_fields[] = {
	{ "kind", FT_CODE, 16, F_REQ, "反馈类型" },
	{ "message", FT_TEXT, 500, 0, "说明" },	/* characters */
	{ "name", FT_TEXT, 64, 0, "姓名" },
	{ "code", FT_TEXT, 64, 0, "采集码" },
};
static const struct field index_fields[] = {
	{ "reported", FT_BOOL, 2, 0, NULL },
};
static const struct field cancel_fields[] = {
	{ "id_number", FT_TEXT, 40, 0, "身份证号" },
};
static const struct field photo_fields[] = {
	{ "view", FT_BOOL, 2, 0, NULL },
};
static const struct field find_fields[] = {
	{ "collect_code", FT_TEXT, 200, 0, "采集码" },
	{ "code_image", FT_FILE, UPLOAD_MAX, 0, "采集码图片" },
	{ "id_number", FT_TEXT, 40, 0, "身份证号" },
	{ "closed", FT_BOOL, 2, 0, NULL },
};

static const struct page pages[] = {
	{ "/", M_GET, FIELDS(index_fields), 0, 0, page_index },
	{ "/faq", M_GET, NOFIELDS, PG_PUBLIC_CACHE, 0, page_faq },
	{ "/help", M_GET, NOFIELDS, PG_PUBLIC_CACHE, 0, page_help },
	{ "/task", M_GET | M_POST, FIELDS(task_fields), PG_FORM, 0, page_task },
	{ "/code", M_GET | M_POST, FIELDS(code_fields), PG_FORM, 0, page_code },
	{ "/confirm", M_GET | M_POST, NOFIELDS, PG_FORM, 0, page_confirm },
	{ "/idcard", M_GET | M_POST, FIELDS(idcard_fields), PG_FORM, 0,
	    page_idcard },
	{ "/slots", M_GET | M_POST, FIELDS(slot_fields), PG_FORM, 0,
	    page_slots },
	{ "/pay", M_GET | M_POST, NOFIELDS, PG_FORM, 0, page_pay },
	{ "/pay/return", M_GET, FIELDS(return_fields), PG_FORM, 0,
	    page_pay_return },
	{ "/pay/notify", M_POST, FIELDS(notify_fields), PG_NOCSRF | PG_RAW, 0,
	    page_pay_notify },
	{ "/booking", M_GET, NOFIELDS, PG_FORM, 0, page_booking },
	{ "/booking/cancel", M_GET | M_POST, FIELDS(cancel_fields), PG_SESSION,
	    0, page_cancel },
	{ "/leave", M_POST, NOFIELDS, 0, 0, page_leave },
	{ "/healthz", M_GET, NOFIELDS, PG_RAW, 0, page_health },
	{ "/report", M_POST, FIELDS(report_fields), PG_FORM, 0, page_report },
	{ "/booking/qr.png", M_GET, NOFIELDS, PG_RAW, 0, page_qr },
	{ "/find", M_GET | M_POST, FIELDS(find_fields), PG_FORM, 0, page_find },
	{ "/records", M_GET, NOFIELDS, 0, 0, page_records },
	{ "/records/#.jpg", M_GET, FIELDS(photo_fields), PG_RAW, 0, page_photo },
};

static void
student_init(void)
{

	if (img_init() != 0)
		log_warn("libmagic could not be loaded: uploads are refused");
	img_budget(conf_int("Upload.MaxSide", IMG_MAX_SIDE),
	    conf_int("Upload.MaxMegapixels", IMG_MAX_PIXELS / 1000000));
}

static const struct app app = {
	.name = "student",
	.cookie = "tucai_sid",
	.cookie_path = "/",
	.kind = SESS_STUDENT,
	.login = "/",
	.pages = pages,
	.npages = sizeof(pages) / sizeof(pages[0]),
	.init = student_init,
	.stale_after = STALE_AFTER,
	.stale_flag = ST_STALE,
};

int
main(void)
{

	return web_main(&app);
}
