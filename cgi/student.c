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
#include "infra/lang.h"
#include "infra/log.h"
#include "infra/ocr.h"
#include "domain/outcome.h"
#include "domain/pay.h"
#include "infra/httpc.h"
#include "infra/sign.h"
#include "domain/privacy.h"
#include "infra/qr.h"
#include "domain/report.h"
#include "domain/resolve.h"
#include "domain/seats.h"
#include "domain/task.h"
#include "infra/text.h"
#include "infra/util.h"
#include "http/web.h"
#include "infra/workday.h"
#include "domain/weixin.h"

/* Session step bits (r->s.flags). */
#define ST_CODE		0x01	/* 采集码 resolved: student_id is set */
#define ST_CONFIRMED	0x02	/* 学籍 data confirmed (第4步) */
#define ST_IDCARD	0x04	/* ID-card photo stored (when required) */
#define ST_ALL		(ST_CODE | ST_CONFIRMED | ST_IDCARD)
#define ST_STALE	0x08	/* back after more than a day away: the full
				 * ID number again before a cancel */
#define ST_IDFAIL1	0x10	/* /idcard: the card was not read once */
#define ST_IDFAIL2	0x20	/* ... twice: the typed number is offered */
#define ST_IDTYPED	0x40	/* FAQ 1: the full ID number typed instead of
				 * a card read; the booking gets the mark
				 * 现场核验身份证 (booking.id_check_onsite) */
#define STALE_AFTER	86400
#define ST_WX_DONE	0x100	/* WeChat sign-in tried in this session (done
				 * or failed): not sent to WeChat again */

#define UPLOAD_MAX	(10 * 1024 * 1024)
/* A provider's decline reason that names the balance, 余额, as Chinese
 * banks write it: matched in what the provider sends, never shown, so it
 * is no word of lang/zh.hdf; written as its UTF-8 bytes. */
#define FUNDS_ZH	"\xe4\xbd\x99\xe9\xa2\x9d"

enum stmt {
	STMT_TASK_BY_CODE,
	STMT_STUDENT,
	STMT_FIND,
	STMT_FIND_PENDING,
	STMT_TOKEN,
	STMT_PAY_LAST,
	STMT_RECORDS,
	STMT_SLOT_ONE,
	STMT_PHOTO,
	STMT_IDNUM,
	STMT_IDCHECK,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_TASK_BY_CODE: the task, and whether its window is open */
	"SELECT id, is_open = 1 AND "
	"last_day >= DATE(UTC_TIMESTAMP() + INTERVAL 8 HOUR) FROM task "
	"WHERE code = ?",
	/* STMT_STUDENT */
	"SELECT collect_code, name, id_number, student_no, edu_category, "
	"edu_level, class_name FROM student WHERE id = ? AND task_id = ?",
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
	/* STMT_IDNUM: the roster's number, for the ID card's */
	"SELECT id_number FROM student WHERE id = ? AND task_id = ?",
	/* STMT_IDCHECK: the booking's staff check the card itself (FAQ 1) */
	"UPDATE booking SET id_check_onsite = 1 WHERE id = ? AND student_id = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("student", stmts);

/* --- helpers ---------------------------------------------------------- */

/* --- reading, then the page's data ------------------------------------
 *
 * Rows are read into structs (domain/task.h, domain/booking.h); the rules
 * below decide on those; the template's HDF is written once, at the edge
 * (task_hdf, booking_hdf).
 */

/* The task for the template: Task.*. */
static void
task_hdf(struct req *r, const struct task *t)
{

	web_setf(r, "Task.id", "%lld", t->id);
	web_set(r, "Task.code", t->code);
	web_set(r, "Task.title", t->title);
	web_setf(r, "Task.fee_fen", "%lld", t->fee_fen);
	web_setf(r, "Task.require_id_photo", "%d", t->require_id_photo);
	web_set(r, "Task.notice", t->notice);
	web_setf(r, "Task.is_open", "%d", t->is_open);
	web_set(r, "Task.first_day", t->first_day);
	web_set(r, "Task.last_day", t->last_day);
	web_set(r, "Task.school_name", t->school_name);
	web_set(r, "Task.school_code", t->school_code);
	web_set(r, "Task.contact_name", t->contact_name);
	web_set(r, "Task.contact_phone", t->contact_phone);
}

/*
 * The session, read with its task and its student's active booking in
 * one statement (app.load_session; issue 14: a page view in as few round
 * trips as the data allows), the slots page with the seats' signature
 * too.  The task and the booking are kept for this request in r->pre,
 * for load_task() and load_task_seats(), while the session still names
 * the same task and student.
 */
static struct task_session	 pre;

/* A page that shows no task: its session is read alone (sess_load). */
#define PG_NOTASK	PG_APP

static int	 page_slots(struct req *);
static void	 ocr_load(void);

static int
student_session(struct req *r)
{
	int	 rc;

	if (r->page->flags & PG_NOTASK)
		return sess_load(r);
	if (!sess_token(r))
		return 0;
	rc = task_session_get(r->s.key, SESS_STUDENT, sess_idle_minutes(r),
	    r->page->fn == page_slots, &pre);
	if (rc <= 0)
		return rc;
	r->s.user_id = pre.user_id;
	r->s.task_id = pre.task_id;
	r->s.student_id = pre.student_id;
	r->s.flags = pre.flags;
	r->s.pending = pre.pending;
	snprintf(r->s.wx_openid, sizeof(r->s.wx_openid), "%s", pre.wx_openid);
	r->pre = &pre;
	return sess_found(r, pre.age);
}

/* What student_session() read, when it is still the session's. */
static const struct task_session *
pre_read(const struct req *r)
{
	const struct task_session *p = r->pre;

	if (p == NULL || !p->has_task || p->task_id != r->s.task_id ||
	    p->student_id != r->s.student_id)
		return NULL;
	return p;
}

/* The session's task, read and shown.  Returns 1, 0 (none), or db code. */
static int
load_task(struct req *r, struct task *t)
{
	const struct task_session *p;
	int	 rc;

	memset(t, 0, sizeof(*t));
	if (r->s.task_id == 0)
		return 0;
	if ((p = pre_read(r)) != NULL) {
		*t = p->t;
		rc = 1;
	} else
		rc = task_get(r->s.task_id, t);
	if (rc == 1)
		task_hdf(r, t);
	return rc;
}

/*
 * The date by which the frozen money of an ended booking is back
 * (“冻结款项将于 YYYY-MM-DD 前原路返回”): 3 working days after the
 * cancellation, in China, on the State Council's holiday calendar
 * (workday.c).  0 with out filled, -1 when there is none to show.
 */
static int
refund_by(long long ended_ts, char out[11])
{
	int	 y, m, d, rc;

	if (ended_ts <= 0)
		return -1;
	if (workday_cn_date((time_t)ended_ts, &y, &m, &d) != 0 ||
	    (rc = workday_add(y, m, d, 3, &y, &m, &d)) < 0 ||
	    workday_format(y, m, d, out) != 0)
		return -1;
	if (rc == 1)
		log_warn("refund date %s counted without a holiday calendar "
		    "for its year (Calendar.Path)", out);
	return 0;
}

/* The booking for the template: Booking.* (a value the row does not
 * have is left out, as the templates test for it). */
static void
booking_hdf(struct req *r, const struct booking *b)
{
	char	 fen[32], by[11];

	web_setf(r, "Booking.id", "%lld", b->id);
	web_set(r, "Booking.state", bs_name(b->state));
	if (b->shot_no > 0)
		web_setf(r, "Booking.shot_no", "%lld", b->shot_no);
	if (b->day[0] != '\0') {
		web_set(r, "Booking.day", b->day);
		web_setf(r, "Booking.dow", "%d", b->dow);
		web_set(r, "Booking.t_from", b->t_from);
		web_set(r, "Booking.t_to", b->t_to);
	}
	if (b->hold_until[0] != '\0')
		web_set(r, "Booking.hold_until", b->hold_until);
	if (b->slot_id > 0)
		web_setf(r, "Booking.slot_id", "%lld", b->slot_id);
	web_setf(r, "Booking.fee_fen", "%lld", b->fee_fen);
	web_set(r, "Booking.title", b->title);
	if (b->pay_state[0] != '\0')
		web_set(r, "Booking.pay_state", b->pay_state);
	web_setf(r, "Booking.ended_ts", "%lld", b->ended_ts);
	if (b->reauth_by[0] != '\0')
		web_set(r, "Booking.reauth_by", b->reauth_by);
	web_setf(r, "Booking.pay_onsite", "%d", b->pay_onsite);
	util_fen(b->fee_fen, fen, sizeof(fen));
	web_set(r, "Booking.amount", fen);
	if (refund_by(b->ended_ts, by) == 0)
		web_set(r, "Booking.refund_by", by);
}

/* The session student's latest booking, read and shown.  Returns 1, 0
 * (none), or db code. */
static int
load_booking(struct req *r, struct booking *b)
{
	int	 rc;

	memset(b, 0, sizeof(*b));
	if (r->s.student_id == 0)
		return 0;
	if ((rc = booking_latest(r->s.student_id, b)) == 1)
		booking_hdf(r, b);
	return rc;
}

/* The session's task with the signature of its seats and the student's
 * active booking (id, state), read in one round trip and shown (the
 * slots page).  Returns 1, 0 (no task), or db code. */
static int
load_task_seats(struct req *r, struct task *t, long long *bid,
    enum booking_state *st)
{
	const struct task_session *p;
	int	 rc;

	memset(t, 0, sizeof(*t));
	*bid = 0;
	*st = BS_NONE;
	if (r->s.task_id == 0)
		return 0;
	if ((p = pre_read(r)) != NULL && p->has_seats) {
		*t = p->t;
		*bid = p->booking_id;
		*st = p->state;
		rc = 1;
	} else
		rc = task_get_seats(r->s.task_id, r->s.student_id, t, bid,
		    st);
	if (rc == 1)
		task_hdf(r, t);
	return rc;
}

/*
 * The steps a page needs (ST_* bits) after the task, which the caller
 * read into t (rc is what the read returned: 1 found, 0 none, or a db
 * code).  Returns 0 when they are done, else 303 to the first step
 * missing (or a failure status).
 */
static int
steps_read(struct req *r, long long need, const struct task *t, int rc)
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
	    t->require_id_photo)
		return web_redirect(r, "/idcard");
	return 0;
}

/* The same, reading the task. */
static int
steps(struct req *r, long long need, struct task *t)
{

	return steps_read(r, need, t, load_task(r, t));
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

/* The throttle key of the session's WeChat user: "what:w:" and 16 hex
 * digits of the openid's hash.  1 when signed in through WeChat, else 0. */
static int
wx_key(const struct req *r, const char *what, char *out, size_t outsz)
{

	if (r->s.wx_openid[0] == '\0')
		return 0;
	snprintf(out, outsz, "%s:w:%.16s", what, r->s.wx_openid);
	return 1;
}

/* Refuse with 429 for left seconds; the page says why (a word) and
 * until when. */
static int
refuse(struct req *r, int left, const char *why)
{
	char		 when[8];
	time_t		 t = clock_now() + left + 8 * 3600;	/* Asia/Shanghai */
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M", &tm);
	r->retry_after = left > 0 ? left : 1;
	web_setw(r, "Tmp.Refused", "Lang.Student.Refused.Until",
	    LS("why", why), LS("when", when));
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
	/* A WeChat user's failures count across all their sessions: new
	 * cookies do not start the count again. */
	if (rc == 0 && wx_key(r, what, k, sizeof(k)))
		rc = throttle_hit(k, (int)conf_int("Throttle.SessionFailures",
		    10), GUESS_WINDOW, 0);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 1)
		return refuse(r, throttle_left(GUESS_WINDOW),
		    L("Lang.Student.Refused.Guesses"));
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
		return refuse(r, left, L("Lang.Student.Refused.Queue"));
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
	if (wx_key(r, what, k, sizeof(k)) &&
	    (rc = throttle_hit(k, 1, GUESS_WINDOW, 1)) < 0)
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
	r->s.flags = flags | (r->s.flags & ST_WX_DONE);
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

/* --- WeChat sign-in (weixin.h; README "WeChat sign-in") ---------------
 *
 * Optional: with Weixin.AppId and Weixin.Secret set, a student whose
 * browser is WeChat's is sent once per session through WeChat's web
 * authorisation (snsapi_base: silent) when opening an entry page (/,
 * /task, /find, /booking, /records), with a state bound to the session;
 * the callback exchanges the code for the openid, keeps its hash with the
 * session and opens that WeChat user's latest booking from any phone.
 * Whatever fails (refused, stale, network, 快照页) leads back to the page
 * with a message and today's flow (?wx=...), never to another round.
 * Outside WeChat, or without the configuration, nothing here acts.
 */

/* Where a sign-in goes on to: the state carries the index. */
static const char *const wx_next[] = {
	"/", "/task", "/find", "/booking", "/records"
};
#define WX_NEXT_N	(sizeof(wx_next) / sizeof(wx_next[0]))

/* The failures a page explains (?wx=), as the template names them. */
static const char *const wx_notices[] = {
	"refused", "expired", "network", "snapshot"
};

/* Give the session's WeChat user the booking bid (0: none) unless it
 * has one.  0 or a failure status. */
static int
wx_bind_session(struct req *r, long long bid)
{
	int	 rc;

	if (bid <= 0 || r->s.wx_openid[0] == '\0')
		return 0;
	return (rc = wx_bind(bid, r->s.wx_openid)) < 0 ? web_dberr(rc) : 0;
}

/* To WeChat's authorisation, back to wx_next[next].  Returns 303, or 0
 * when the URL cannot be made (logged; the page shows as today). */
static int
wx_start(struct req *r, int next)
{
	char	 state[WX_STATE_LEN + 1], url[sizeof(r->location)];

	sess_need(r);
	wx_state_make(r->s.key, clock_now(), next, state);
	if (wx_authorize_url(state, url, sizeof(url)) != 0) {
		log_warn("weixin: the authorise URL does not fit (Site.Url, "
		    "Weixin.AuthorizeUrl too long)");
		return 0;
	}
	return web_redirect(r, "%s", url);
}

/*
 * An entry page (wx_next[next]) in WeChat's browser: to WeChat once per
 * session (303), else 0 after Weixin.* for the template (signed in, the
 * failure's notice).  Needs the page's field wx.
 */
static int
wx_gate(struct req *r, int next)
{
	const char	*w = web_str(r, "wx");
	size_t		 i;
	int		 in;

	if (!wx_enabled())
		return 0;
	in = wx_in_wechat(web_header(r, "HTTP_USER_AGENT"));
	if (in && r->method == M_GET && r->s.wx_openid[0] == '\0' &&
	    !(r->s.flags & ST_WX_DONE) && w == NULL)
		return wx_start(r, next);
	if (in)
		web_set(r, "Weixin.In", "1");
	if (r->s.wx_openid[0] != '\0')
		web_set(r, "Weixin.Signed", "1");
	for (i = 0; w != NULL && i < sizeof(wx_notices) / sizeof(*wx_notices);
	    i++)
		if (strcmp(w, wx_notices[i]) == 0)
			web_set(r, "Weixin.Notice", w);
	return 0;
}

/* A sign-in that did not work: remembered for the session, and on to
 * the page with why.  303 or a failure status. */
static int
wx_failed(struct req *r, int next, const char *why)
{
	int	 rc;

	r->s.flags |= ST_WX_DONE;
	if ((rc = save(r)) != 0)
		return rc;
	return web_redirect(r, "%s?wx=%s", wx_next[next], why);
}

/* GET /weixin/login?next=N : “重新微信登录”, also after a failure. */
static int
page_wx_login(struct req *r)
{
	long long	 next = web_int(r, "next");
	int		 rc;

	if (!wx_enabled())
		return 404;
	if (next < 0 || (size_t)next >= WX_NEXT_N)
		next = 0;
	if (!wx_in_wechat(web_header(r, "HTTP_USER_AGENT")))
		return web_redirect(r, "%s", wx_next[next]);
	if ((rc = wx_start(r, (int)next)) != 0)
		return rc;
	return web_redirect(r, "%s?wx=network", wx_next[next]);
}

/*
 * GET /weixin/callback?code=&state= : back from WeChat.  The state must
 * be this session's and fresh (else a page of another session, or a
 * replayed one, could sign this browser in as someone else); no code: the
 * user refused.  The openid's hash stays with the session (a new session
 * id: a sign-in); the WeChat user's latest booking opens when the session
 * has no student yet, and a session's own active booking gets the hash.
 */
static int
page_wx_callback(struct req *r)
{
	char			 openid[WX_OPENID_MAX + 1];
	char			 hash[WX_HASH_HEX + 1];
	enum booking_state	 st;
	long long		 tid, sid, bid;
	int			 rc, next = 0, active;
	enum wx_outcome		 o;

	if (!wx_enabled())
		return 404;
	if (r->status != 0 || !r->s.token || wx_state_check(r->s.key,
	    web_str(r, "state"), clock_now(), &next) != 0 ||
	    (size_t)next >= WX_NEXT_N) {
		log_info("weixin: callback with a state not of this session "
		    "or too old");
		return wx_failed(r, 0, "expired");
	}
	if (!web_has(r, "code")) {
		log_info("weixin: the user did not authorise");
		return wx_failed(r, next, "refused");
	}
	if ((o = wx_exchange(web_str(r, "code"), openid)) != WX_OK)
		return wx_failed(r, next, o == WX_CODE ? "expired" :
		    o == WX_SNAPSHOT ? "snapshot" : "network");
	wx_openid_hash(openid, hash);
	explicit_bzero(openid, sizeof(openid));
	memcpy(r->s.wx_openid, hash, sizeof(hash));
	r->s.flags |= ST_WX_DONE;
	if (r->s.student_id == 0) {
		if ((rc = wx_booking_of(hash, &tid, &sid, &active)) < 0)
			return web_dberr(rc);
		if (rc == 1) {
			log_info("weixin: signed in; the WeChat user's booking "
			    "opens");
			if ((rc = identified(r, tid, sid,
			    active ? ST_ALL : ST_CODE)) != 0)
				return rc;
			return web_redirect(r, "%s", wx_next[next]);
		}
	} else {
		if ((rc = booking_active(r->s.student_id, &bid, &st)) < 0)
			return web_dberr(rc);
		if (rc == 1 && (rc = wx_bind_session(r, bid)) != 0)
			return rc;
	}
	log_info("weixin: signed in");
	if ((rc = sess_rotate(r)) < 0 || (rc = sess_save(r)) < 0)
		return web_dberr(rc);
	return web_redirect(r, "%s", wx_next[next]);
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
	struct booking	 b;
	int		 rc;

	if ((rc = wx_gate(r, 0)) != 0)
		return rc;
	if ((rc = load_booking(r, &b)) < 0)
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
	struct task	 t;
	int		 rc;

	if ((rc = load_task(r, &t)) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return web_redirect(r, "/task");
	if (kind != NULL && strcmp(kind, "data_error") == 0) {
		if (r->s.student_id == 0)
			return web_redirect(r, "/code");
		rk = REPORT_DATA_ERROR;
		if (msg == NULL)
			return web_fail(r, 422,
			    L("Lang.Student.Report.NoMessage"));
	} else if (kind != NULL && strcmp(kind, "not_on_roster") == 0) {
		rk = REPORT_NOT_ON_ROSTER;
		if (name == NULL)
			return web_fail(r, 422, L("Lang.Student.Report.NoName"));
	} else
		return 400;
	if ((rc = sess_save(r)) < 0)	/* the answer comes back to it */
		return web_dberr(rc);
	sess_key(r, "report", k, sizeof(k));
	if ((rc = throttle_hit(k, 5, 3600, 1)) < 0)
		return web_dberr(rc);
	if (rc == 1)
		return refuse(r, throttle_left(3600),
		    L("Lang.Student.Refused.Reports"));
	if ((rc = report_add(r->s.task_id, rk == REPORT_DATA_ERROR ?
	    r->s.student_id : 0, r->s.key, rk, name, code, msg)) < 0)
		return web_dberr(rc);
	log_info("report (%s) for task %lld", kind, r->s.task_id);
	return web_redirect(r, "/?reported=1");
}

static int
page_faq(struct req *r)
{

	web_set(r, "Page.Title", L("Lang.Student.Title.Faq"));
	web_set(r, "Page.Back", "/");
	return web_page(r, "student/faq.cs");
}

static int
page_help(struct req *r)
{

	web_set(r, "Page.Title", L("Lang.Student.Title.Help"));
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

	web_set(r, "Page.Title", L("Lang.Student.Title.Task"));
	web_set(r, "Page.Back", "/");
	if ((rc = wx_gate(r, 1)) != 0)
		return rc;
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
		web_fail(r, 422, L("Lang.Student.Task.Wrong"));
		return web_page(r, "student/task.cs");
	}
	r->s.task_id = id;
	r->s.student_id = 0;
	r->s.pending = 0;
	r->s.flags &= ST_WX_DONE;
	if ((rc = save(r)) != 0)
		return rc;
	return web_redirect(r, "/code");
}

/* --- 第3步 采集码 ---------------------------------------------------------- */

/* Statuses and messages for the image and QR outcomes. */
static const struct {
	int		 code;
	int		 status;
	const char	*msg;	/* a word's key */
} qr_errors[] = {
	{ IMG_NOTIMAGE, 415, "Lang.Student.Code.NotImage" },
	{ IMG_TOOBIG, 413, "Lang.Student.Code.TooBig" },
	{ IMG_CORRUPT, 422, "Lang.Student.Code.Corrupt" },
	{ QR_NONE, 422, "Lang.Student.Code.NoQr" },
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
		return L("Lang.Student.Heic");
	if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
		return L("Lang.Student.Webp");
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
		return web_fail(r, 422, L("Lang.Student.Code.None"));
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
			    L(qr_errors[i].msg));
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
	char			*payload = NULL;
	size_t			 plen = 0;
	long long		 sid, bid;
	enum booking_state	 st;
	struct task		 t;
	int			 rc, mine;

	web_set(r, "Page.Title", L("Lang.Student.Title.Code"));
	web_set(r, "Page.Back", "/task");
	if ((rc = steps(r, 0, &t)) != 0)
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
		web_fail(r, 422, L("Lang.Student.Code.NotInTask"));
		web_set(r, "Report.Offer", "1");
		return web_page(r, "student/code.cs");
	}
	if ((rc = booking_active(sid, &bid, &st)) < 0)
		return web_dberr(rc);
	mine = r->s.student_id == sid && (r->s.flags & ST_CODE);
	/* The WeChat user who made that booking (on another phone) is the
	 * stronger identity: the booking opens without the ID number. */
	if (bid > 0 && !mine && r->s.wx_openid[0] != '\0') {
		if ((rc = wx_bound(bid, r->s.wx_openid)) < 0)
			return web_dberr(rc);
		if (rc == 1) {
			if ((rc = identified(r, r->s.task_id, sid, ST_ALL)) != 0)
				return rc;
			return web_redirect(r, "/booking");
		}
	}
	if (bid > 0 && !mine) {
		/* Nothing of this student is shown before the ID number. */
		r->s.student_id = 0;
		r->s.flags &= ST_WX_DONE;
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
	struct task	 t;
	int		 rc;

	web_set(r, "Page.Title", L("Lang.Student.Title.Confirm"));
	web_set(r, "Page.Back", "/code");
	if ((rc = steps(r, ST_CODE, &t)) != 0)
		return rc;
	if (r->method == M_POST) {
		r->s.flags |= ST_CONFIRMED;
		if ((rc = save(r)) != 0)
			return rc;
		return web_redirect(r, t.require_id_photo ? "/idcard" :
		    "/slots");
	}
	if ((rc = load_student(r)) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return web_redirect(r, "/code");
	return web_page(r, "student/confirm.cs");
}

/* --- 身份证照片 -------------------------------------------------------------- */

/*
 * GET/POST /idcard : the ID-card photo, read and compared with the roster
 * (infra/ocr.c), stored for staff only.  It is sensitive personal
 * information (PIPL Art. 28): the page says what is collected, why, how
 * long and who sees it, and the student's separate consent (单独同意,
 * Art. 29), a box not ticked in advance, comes first; without it nothing
 * is read or stored (domain/privacy.c records it).
 *
 * The outcomes (ocr.h), each a 422 but the first:
 *  - the student's own card: the photo is stored, on to /slots;
 *  - another person's card (a valid number, read clearly, not the
 *    roster's): “身份证与学籍信息不一致”, nothing stored, upload again.
 *    No way round it from here: a roommate's card sent by mistake is
 *    replaced by one's own; one's own card read as another's means the
 *    roster is wrong (FAQ 2: the teacher corrects it) or, rarely, a
 *    misread, which another photo settles;
 *  - unreadable: “身份证图片识别失败”, nothing stored; the page offers
 *    “无法识别？继续预约” (/idcard/manual, FAQ 1) and after the second
 *    failure puts that form on the page itself.
 * The number read never leaves ocr.c; the roster's is wiped after use.
 */
static int
page_idcard(struct req *r)
{
	unsigned char	*buf, *jpg = NULL;
	char		 idn[32];
	const char	*why;
	size_t		 len, jlen = 0;
	struct task	 t;
	enum ocr_outcome o;
	int		 rc;

	web_set(r, "Page.Title", L("Lang.Student.Title.Idcard"));
	web_set(r, "Page.Back", "/confirm");
	web_set(r, "Privacy.Version", privacy_notice_version());
	web_setf(r, "Privacy.PurgeDays", "%d", privacy_purge_days());
	if ((rc = steps(r, ST_CODE | ST_CONFIRMED, &t)) != 0)
		return rc;
	if (r->s.flags & (ST_IDFAIL1 | ST_IDFAIL2))
		web_set(r, "Idcard.CanType", "1");
	if (r->s.flags & ST_IDFAIL2)
		web_set(r, "Idcard.Manual", "1");
	if (r->method != M_POST)
		return web_page(r, "student/idcard.cs");
	if (!web_has(r, "consent")) {
		web_fail(r, 422, L("Lang.Student.Idcard.NoConsent"));
		return web_page(r, "student/idcard.cs");
	}
	if (!web_has(r, "id_image")) {
		web_fail(r, 422, L("Lang.Student.Idcard.None"));
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
	rc = db_one(&set, STMT_IDNUM, "ii", "s", r->s.student_id,
	    r->s.task_id, idn, sizeof(idn));
	if (rc <= 0) {
		free(buf);
		return rc < 0 ? web_dberr(rc) : 404;
	}
	ocr_load();
	rc = ocr_idcard(buf, len, idn, &o, NULL);
	explicit_bzero(idn, sizeof(idn));
	if (rc == IMG_OK && o == OCR_MATCH)
		rc = img_reencode_idcard(buf, len, &jpg, &jlen);
	free(buf);
	if (rc == IMG_SYSERR)
		return 500;
	if (rc == IMG_TOOBIG) {
		web_fail(r, 413, L("Lang.Student.Idcard.TooLarge"));
		return web_page(r, "student/idcard.cs");
	}
	if (rc == IMG_OK && o == OCR_OTHER) {
		log_info("student %lld: /idcard: another person's card",
		    r->s.student_id);
		web_set(r, "Idcard.Other", "1");
		web_fail(r, 422, L("Lang.Student.Idcard.Other"));
		return web_page(r, "student/idcard.cs");
	}
	if (rc != IMG_OK || o != OCR_MATCH) {
		log_info("student %lld: /idcard: card not read", r->s.student_id);
		r->s.flags |= (r->s.flags & ST_IDFAIL1) ? ST_IDFAIL2 : ST_IDFAIL1;
		if ((rc = save(r)) != 0)
			return rc;
		web_set(r, "Idcard.Failed", "1");
		web_set(r, "Idcard.CanType", "1");
		if (r->s.flags & ST_IDFAIL2)
			web_set(r, "Idcard.Manual", "1");
		web_fail(r, 422, L("Lang.Student.Idcard.Failed"));
		return web_page(r, "student/idcard.cs");
	}
	rc = privacy_idcard_add(r->s.student_id, r->s.task_id, jpg, jlen);
	free(jpg);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 404)
		return 404;
	if (rc == 409) {
		web_fail(r, 409, L("Lang.Student.Idcard.Over"));
		return web_page(r, "student/idcard.cs");
	}
	r->s.flags |= ST_IDCARD;
	r->s.flags &= ~(ST_IDFAIL1 | ST_IDFAIL2 | ST_IDTYPED);
	if ((rc = save(r)) != 0)
		return rc;
	return web_redirect(r, "/slots");
}

/* --- 第5步 slots ------------------------------------------------------------- */

/*
 * The bookable days (with the seats left on each) into Days.* and the
 * chosen day's slots into Slots.*: want when it is one of them, else the
 * first day with a seat, else the first.  The seats come from seats.c,
 * checked against the signature read with the task (sig), with their
 * times in Beijing time.  0 or status.
 */
static int
load_slots(struct req *r, const char *want, const char *sig)
{
	const struct seat_slot	*s;
	HDF			*row = NULL;
	const char		*first = NULL, *free_day = NULL, *pick = NULL;
	long long		 left = 0;
	int			 n, i, nd = 0;

	if ((n = seats_list(r->s.task_id, sig, &s)) < 0)
		return web_dberr(n);
	for (i = 0; i <= n; i++) {
		if (nd > 0 && (i == n || strcmp(s[i].day, s[i - 1].day) != 0)) {
			/* the day before is complete */
			web_row_int(r, row, "seats_left", left);
			if (free_day == NULL && left > 0)
				free_day = s[i - 1].day;
		}
		if (i == n)
			break;
		if (nd == 0 || strcmp(s[i].day, s[i - 1].day) != 0) {
			row = web_row(r, "Days", nd);
			web_row_set(r, row, "day", s[i].day);
			web_row_set(r, row, "md", s[i].md);
			web_row_int(r, row, "dow", s[i].dow);
			if (nd == 0)
				first = s[i].day;
			if (pick == NULL && want != NULL &&
			    strcmp(s[i].day, want) == 0)
				pick = s[i].day;
			left = 0;
			nd++;
		}
		left += s[i].left;
	}
	if (nd == 0)
		return 0;
	if (pick == NULL)
		pick = free_day != NULL ? free_day : first;
	web_set(r, "Day", pick);
	for (i = 0, nd = 0; i < n; i++) {
		if (strcmp(s[i].day, pick) != 0)
			continue;
		row = web_row(r, "Slots", nd++);
		web_row_int(r, row, "id", s[i].id);
		web_row_set(r, row, "t_from", s[i].t_from);
		web_row_set(r, row, "t_to", s[i].t_to);
		web_row_int(r, row, "seats_left", s[i].left);
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

	web_set(r, "Page.Title", L("Lang.Student.Title.SlotChange"));
	rc = db_hdf(r->hdf, "New", &set, STMT_SLOT_ONE, "ii",
	    web_int(r, "slot_id"), r->s.task_id);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0)
		return seat_failed(r, BK_BADSLOT);
	return web_page(r, "student/slot_change.cs");
}

/*
 * GET/POST /slots : pick a slot (第5步), or move the booking to another.
 * A page view is one round trip, two when the seats changed: the session
 * with its task, the signature of the task's seats and the student's
 * active booking (student_session); the seats (kept a second, seats.c).
 * A student who has a booking reads it too.  No write on a page view:
 * seats of unpaid holds past their time go back in the sweep, and at
 * booking time when a slot is full.
 */
static int
page_slots(struct req *r)
{
	enum booking_state	 st;
	struct task		 t;
	struct booking		 b;
	long long		 bid;
	int			 rc, active, held;

	web_set(r, "Page.Title", L("Lang.Student.Title.Slots"));
	web_set(r, "Page.Back", "/");
	if ((rc = steps_read(r, ST_ALL, &t, load_task_seats(r, &t, &bid,
	    &st))) != 0)
		return rc;
	active = bid > 0;
	if (active && st != BS_HELD && st != BS_BOOKED)
		return web_redirect(r, "/booking");	/* checked in */
	memset(&b, 0, sizeof(b));
	if (active && (rc = load_booking(r, &b)) < 0)
		return web_dberr(rc);

	if (r->method == M_POST) {
		if (!web_has(r, "slot_id"))
			web_fail(r, 422, L("Lang.Student.Slots.None"));
		else if (!web_has(r, "agree"))
			web_fail(r, 422, L("Lang.Student.Slots.NoAgree"));
		else {
			if (active && !web_has(r, "confirm") &&
			    web_int(r, "slot_id") != b.slot_id)
				return change_confirm(r);
			if (active) {
				rc = booking_change(bid, web_int(r, "slot_id"));
				held = st == BS_HELD;
			} else
				rc = booking_take(r->s.task_id, t.fee_fen,
				    r->s.student_id, web_int(r, "slot_id"),
				    &bid, &held);
			if (rc == BK_ACTIVE || rc == BK_STATE)
				return web_redirect(r, "/booking");
			if (rc == 0) {
				if ((rc = wx_bind_session(r, bid)) != 0)
					return rc;
				if ((r->s.flags & ST_IDTYPED) &&
				    (rc = db_exec(&set, STMT_IDCHECK, "ii", bid,
				    r->s.student_id)) < 0)
					return web_dberr(rc);
				return web_redirect(r, held ? "/pay" :
				    "/booking");
			}
			if ((rc = seat_failed(r, rc)) >= 500)
				return rc;
		}
	}
	if ((rc = load_slots(r, web_str(r, "date"), t.seats_sig)) != 0)
		return rc;
	return web_page(r, "student/slots.cs");
}

/* --- 第6步 pre-payment --------------------------------------------------------- */

/* GET/POST /pay : the amount and the freeze; POST goes to the provider. */
static int
page_pay(struct req *r)
{
	char			 url[512] = "";
	enum booking_state	 st;
	struct task		 t;
	struct booking		 b;
	long long		 bid;
	int			 rc, again;

	web_set(r, "Page.Title", L("Lang.Student.Title.Pay"));
	web_set(r, "Page.Back", "/booking");
	if ((rc = steps(r, ST_ALL, &t)) != 0)
		return rc;
	if ((rc = booking_active(r->s.student_id, &bid, &st)) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return web_redirect(r, "/slots");
	if ((rc = load_booking(r, &b)) < 0)
		return web_dberr(rc);
	/* A held seat pays; a booked one confirms its hold again when asked
	 * (需重新授权), or after it was moved to 到场支付. */
	again = b.reauth_by[0] != '\0' || b.pay_onsite;
	if (st != BS_HELD && !(again &&
	    (st == BS_BOOKED || st == BS_CHECKED_IN)))
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
	char			 pst[16] = "", bst[16] = "";
	const char		*ref = web_str(r, "order_ref"), *st;
	enum booking_state	 bs;
	int			 rc;

	if ((rc = pay_order_state(ref, pst, sizeof(pst), bst,
	    sizeof(bst))) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return web_redirect(r, "/");
	bs = bs_parse(bst);
	if (bs == BS_CANCELLED || bs == BS_EXPIRED)
		st = "ended";
	else if (strcmp(pst, "authorized") == 0 ||
	    strcmp(pst, "captured") == 0 || bs == BS_BOOKED ||
	    bs == BS_CHECKED_IN || bs == BS_COLLECTED)
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
	char		 pst[16] = "", why[80] = "", bst[16] = "";
	struct booking	 b;
	int		 rc;

	web_set(r, "Page.Title", L("Lang.Student.Title.PayReturn"));
	web_set(r, "Page.Back", "/");
	if (r->s.student_id == 0)
		return pay_return_public(r);
	rc = db_one(&set, STMT_PAY_LAST, "i", "sss", r->s.student_id,
	    pst, sizeof(pst), why, sizeof(why), bst, sizeof(bst));
	if (rc < 0)
		return web_dberr(rc);
	if (bs_parse(bst) == BS_BOOKED || strcmp(pst, "authorized") == 0 ||
	    strcmp(pst, "captured") == 0)
		return web_redirect(r, "/booking");
	if (rc == 0 || bs_parse(bst) != BS_HELD)
		return web_redirect(r, "/booking");
	if (strcmp(pst, "failed") == 0) {
		web_set(r, "Pay.Failed", strstr(why, "insufficient") ||
		    strstr(why, "funds") || strstr(why, FUNDS_ZH) ?
		    "funds" : "bind");
		if ((rc = load_booking(r, &b)) < 0)
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
	struct task	 t;
	struct booking	 b;
	int		 rc;

	web_set(r, "Page.Title", L("Lang.Student.Title.Booking"));
	web_set(r, "Page.Back", "/");
	if ((rc = wx_gate(r, 3)) != 0)
		return rc;
	if (r->s.student_id == 0)
		return web_redirect(r, "/find");
	if ((rc = load_task(r, &t)) < 0 || (rc = load_booking(r, &b)) < 0)
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
		return refuse(r, left, L("Lang.Student.Refused.IdLocked"));
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
 * GET/POST /idcard/manual : FAQ 1 of the guide.  The card could not be
 * read (once, and the student chose “无法识别？继续预约”, or twice): the
 * full ID number typed instead, compared with the roster as /find does,
 * counting wrong numbers toward the same per-student lock, and the
 * session's guesses toward its limit.  Right: the step is done without a
 * photo and the booking will carry the mark 现场核验身份证, for the staff
 * to check the card itself at check-in.  Wrong: 422, nothing changes.
 * A card read as another person's gives no way here (see page_idcard).
 */
static int
page_idcard_manual(struct req *r)
{
	char		 idn[32];
	struct task	 t;
	int		 rc, right;

	web_set(r, "Page.Title", L("Lang.Student.Title.IdcardManual"));
	web_set(r, "Page.Back", "/idcard");
	if ((rc = steps(r, ST_CODE | ST_CONFIRMED, &t)) != 0)
		return rc;
	if (!t.require_id_photo ||
	    (r->s.flags & ST_IDCARD))
		return web_redirect(r, "/slots");
	if (!(r->s.flags & (ST_IDFAIL1 | ST_IDFAIL2)))
		return web_redirect(r, "/idcard");
	if (r->method != M_POST)
		return web_page(r, "student/idcard_manual.cs");
	if ((rc = guess_gate(r, "idcard", 1)) != 0)
		return rc;
	rc = db_one(&set, STMT_IDNUM, "ii", "s", r->s.student_id,
	    r->s.task_id, idn, sizeof(idn));
	if (rc <= 0)
		return rc < 0 ? web_dberr(rc) : 404;
	if ((rc = id_matches(r, r->s.student_id, idn, &right)) != 0)
		return rc;
	if (!right) {
		if ((rc = guess_failed(r, "idcard")) != 0)
			return rc;
		web_fail(r, 422, L("Lang.Student.Idcard.TypedWrong"));
		return web_page(r, "student/idcard_manual.cs");
	}
	log_info("student %lld: ID number typed (FAQ 1): card checked on site",
	    r->s.student_id);
	r->s.flags |= ST_IDCARD | ST_IDTYPED;
	if ((rc = save(r)) != 0)
		return rc;
	return web_redirect(r, "/slots");
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
	char			 idn[19];
	enum booking_state	 st;
	struct task		 t;
	struct booking		 b;
	long long		 bid, sid, tid;
	int			 rc, right;

	web_set(r, "Page.Title", L("Lang.Student.Title.Cancel"));
	web_set(r, "Page.Back", "/booking");
	if (r->s.student_id == 0)
		return web_redirect(r, "/find");
	if ((rc = booking_active(r->s.student_id, &bid, &st)) < 0)
		return web_dberr(rc);
	if (rc == 0 || (st != BS_HELD && st != BS_BOOKED))
		return web_redirect(r, "/booking");
	if (r->s.flags & ST_STALE)
		web_set(r, "Cancel.AskId", "1");
	if (r->method == M_GET || r->status != 0) {
		if ((rc = load_task(r, &t)) < 0 ||
		    (rc = load_booking(r, &b)) < 0)
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
			web_fail(r, 422, L("Lang.Student.Cancel.WrongId"));
			if ((rc = load_task(r, &t)) < 0 ||
			    (rc = load_booking(r, &b)) < 0)
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
	char			 code[RESOLVE_CODE_MAX + 1], idn[19];
	char			*payload = NULL;
	enum booking_state	 st;
	const char		*c;
	size_t		 plen = 0;
	long long	 sid = 0, tid = 0, bid;
	int			 rc, right;

	web_set(r, "Page.Title", L("Lang.Student.Title.Find"));
	web_set(r, "Page.Back", "/");
	if ((rc = wx_gate(r, 2)) != 0)
		return rc;
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
		web_fail(r, 422, L("Lang.Student.Find.NotFound"));
		return web_page(r, "student/find.cs");
	}
	if ((rc = id_matches(r, sid, idn, &right)) != 0)
		return rc;
	if (!right) {
		if ((rc = guess_failed(r, "find")) != 0)
			return rc;
		web_fail(r, 422, L("Lang.Student.Find.NotFound"));
		return web_page(r, "student/find.cs");
	}
	if ((rc = booking_active(sid, &bid, &st)) < 0)
		return web_dberr(rc);
	if ((rc = identified(r, tid, sid, rc == 1 ? ST_ALL : ST_CODE)) != 0)
		return rc;
	/* Proven with the ID number inside WeChat: the booking is this
	 * WeChat user's from now on (unless another's already). */
	if ((rc = wx_bind_session(r, bid)) != 0)
		return rc;
	return web_redirect(r, bid > 0 ? "/booking" : "/confirm");
}

/* --- 采集完成后 records ------------------------------------------------------- */

/* One record for the template, Records.N.* (the columns of
 * STMT_RECORDS), with its refund date when its money was frozen. */
struct records {
	struct req	*r;
	int		 n;
};

static int
record_row(void *arg, int ncol, char **val, unsigned long *len)
{
	static const char *const col[] = { "id", "state", "shot_no", "title",
	    "day", "at", "ended", "ended_ts", "pay_state", "settled",
	    "photo_id" };
	struct records	*rs = arg;
	char		 key[48], by[11];
	long long	 ended = 0;
	int		 i;

	for (i = 0; i < ncol && i < (int)(sizeof(col) / sizeof(col[0])); i++) {
		if (val[i] == NULL)
			continue;
		snprintf(key, sizeof(key), "Records.%d.%s", rs->n, col[i]);
		web_set(rs->r, key, val[i]);
		if (strcmp(col[i], "ended_ts") == 0 &&
		    util_parse_ll(val[i], &ended) != 0)
			ended = 0;
	}
	if (refund_by(ended, by) == 0) {
		snprintf(key, sizeof(key), "Records.%d.refund_by", rs->n);
		web_set(rs->r, key, by);
	}
	rs->n++;
	return 0;
}

/* GET /records : the session student's collection records. */
static int
page_records(struct req *r)
{
	struct records	 rs = { r, 0 };
	int		 rc;

	web_set(r, "Page.Title", L("Lang.Student.Title.Records"));
	web_set(r, "Page.Back", "/");
	if ((rc = wx_gate(r, 4)) != 0)
		return rc;
	if (r->s.student_id != 0 && (rc = db_each(&set, STMT_RECORDS,
	    record_row, &rs, "i", r->s.student_id)) < 0)
		return web_dberr(rc);
	web_set(r, "Known", r->s.student_id != 0 ? "1" : "0");
	return web_page(r, "student/records.cs");
}

/* GET /records/#.jpg : the current photo, owner only, as an attachment. */
static int
page_photo(struct req *r)
{
	char	*name = NULL, fname[320], base[300];
	int	 rc;

	if (r->s.student_id == 0)
		return 404;
	rc = db_one(&set, STMT_PHOTO, "ii", "BS", r->id[0], r->s.student_id,
	    &r->body, &r->bodylen, &name);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0)
		return 404;
	(void)LF(base, sizeof(base), "Lang.Student.PhotoFile",
	    LS("name", name ? name : ""));
	snprintf(fname, sizeof(fname), "%s.jpg", base);
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
	{ "task_code", FT_CODE, 32, 0, "Lang.Field.TaskCode" },
	{ "wx", FT_CODE, 16, 0, NULL },
};
static const struct field code_fields[] = {
	{ "code_image", FT_FILE, UPLOAD_MAX, 0, "Lang.Field.CodeImage" },
	{ "collect_code", FT_TEXT, 200, 0, "Lang.Field.CollectCode" },
};
static const struct field idcard_fields[] = {
	{ "id_image", FT_FILE, UPLOAD_MAX, 0, "Lang.Field.IdImage" },
	{ "consent", FT_BOOL, 2, 0, "Lang.Field.Consent" },
};
static const struct field idcard_manual_fields[] = {
	{ "id_number", FT_TEXT, 40, 0, "Lang.Field.IdNumber" },
};
static const struct field slot_fields[] = {
	{ "slot_id", FT_INT, 15, 0, "Lang.Field.Slot" },
	{ "agree", FT_BOOL, 2, 0, "Lang.Field.Notice" },
	{ "date", FT_DATE, 10, 0, "Lang.Field.Date" },
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
	{ "kind", FT_CODE, 16, F_REQ, "Lang.Field.ReportKind" },
	{ "message", FT_TEXT, 500, 0, "Lang.Field.Message" },	/* characters */
	{ "name", FT_TEXT, 64, 0, "Lang.Field.Name" },
	{ "code", FT_TEXT, 64, 0, "Lang.Field.CollectCode" },
};
static const struct field index_fields[] = {
	{ "reported", FT_BOOL, 2, 0, NULL },
	{ "wx", FT_CODE, 16, 0, NULL },
};
/* The entry pages' ?wx=: why a WeChat sign-in did not work. */
static const struct field wx_fields[] = {
	{ "wx", FT_CODE, 16, 0, NULL },
};
static const struct field wx_login_fields[] = {
	{ "next", FT_INT, 1, 0, NULL },
};
static const struct field wx_callback_fields[] = {
	{ "code", FT_CODE, 128, 0, NULL },
	{ "state", FT_CODE, 128, 0, NULL },
};
static const struct field cancel_fields[] = {
	{ "id_number", FT_TEXT, 40, 0, "Lang.Field.IdNumber" },
};
static const struct field photo_fields[] = {
	{ "view", FT_BOOL, 2, 0, NULL },
};
static const struct field find_fields[] = {
	{ "collect_code", FT_TEXT, 200, 0, "Lang.Field.CollectCode" },
	{ "code_image", FT_FILE, UPLOAD_MAX, 0, "Lang.Field.CodeImage" },
	{ "id_number", FT_TEXT, 40, 0, "Lang.Field.IdNumber" },
	{ "closed", FT_BOOL, 2, 0, NULL },
	{ "wx", FT_CODE, 16, 0, NULL },
};

static const struct page pages[] = {
	{ "/", M_GET, FIELDS(index_fields), PG_NOTASK, 0, page_index },
	{ "/faq", M_GET, NOFIELDS, PG_PUBLIC_CACHE, 0, page_faq },
	{ "/help", M_GET, NOFIELDS, PG_PUBLIC_CACHE, 0, page_help },
	{ "/task", M_GET | M_POST, FIELDS(task_fields), PG_FORM, 0, page_task },
	{ "/code", M_GET | M_POST, FIELDS(code_fields), PG_FORM, 0, page_code },
	{ "/confirm", M_GET | M_POST, NOFIELDS, PG_FORM, 0, page_confirm },
	{ "/idcard", M_GET | M_POST, FIELDS(idcard_fields), PG_FORM, 0,
	    page_idcard },
	{ "/idcard/manual", M_GET | M_POST, FIELDS(idcard_manual_fields),
	    PG_FORM, 0, page_idcard_manual },
	{ "/slots", M_GET | M_POST, FIELDS(slot_fields), PG_FORM, 0,
	    page_slots },
	{ "/pay", M_GET | M_POST, NOFIELDS, PG_FORM, 0, page_pay },
	{ "/pay/return", M_GET, FIELDS(return_fields), PG_FORM, 0,
	    page_pay_return },
	{ "/pay/notify", M_POST, FIELDS(notify_fields), PG_NOCSRF | PG_RAW, 0,
	    page_pay_notify },
	{ "/booking", M_GET, FIELDS(wx_fields), PG_FORM, 0, page_booking },
	{ "/booking/cancel", M_GET | M_POST, FIELDS(cancel_fields), PG_SESSION,
	    0, page_cancel },
	{ "/leave", M_POST, NOFIELDS, 0, 0, page_leave },
	{ "/healthz", M_GET, NOFIELDS, PG_RAW, 0, page_health },
	{ "/report", M_POST, FIELDS(report_fields), PG_FORM, 0, page_report },
	{ "/booking/qr.png", M_GET, NOFIELDS, PG_RAW, 0, page_qr },
	{ "/find", M_GET | M_POST, FIELDS(find_fields), PG_FORM, 0, page_find },
	{ "/records", M_GET, FIELDS(wx_fields), 0, 0, page_records },
	{ "/weixin/login", M_GET, FIELDS(wx_login_fields), 0, 0,
	    page_wx_login },
	{ "/weixin/callback", M_GET, FIELDS(wx_callback_fields), 0, 0,
	    page_wx_callback },
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

/*
 * Tesseract's model, loaded by the first ID card a worker reads (about
 * 0.2 s and 30 MB): the page workers never get one (uploads have a pool
 * of their own, README "Deployment"), so they do not carry it.  Tried
 * once per worker.
 */
static void
ocr_load(void)
{
	static int	 tried;

	if (tried)
		return;
	tried = 1;
	if (ocr_init(conf_str("Ocr.TessData", NULL)) != 0)
		log_warn("ID cards cannot be read: every /idcard upload is "
		    "answered as unreadable (FAQ 1 stays open)");
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
	.load_session = student_session,
	.stale_after = STALE_AFTER,
	.stale_flag = ST_STALE,
};

int
main(void)
{

	return web_main(&app);
}
