/*
 * booking.c - booking rules: taking and moving seats, payment outcome,
 * cancel, close-out and the sweep.
 *
 * Every state change takes the booking's row lock first (SELECT ... FOR
 * UPDATE), then makes a conditional UPDATE on the state inside the same
 * short transaction as the seat it frees or takes, so that it
 * happens exactly once however often (or however concurrently) it is
 * asked for.  Calls to the payment provider (pay_void_booking) are made
 * after the commit, never inside a transaction; a release that failed is
 * retried by booking_sweep() and by a rerun of booking_close_task().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/booking.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "domain/pay.h"
#include "infra/util.h"

enum stmt {
	STMT_SEAT_TAKE,
	STMT_SEAT_GIVE,
	STMT_SLOT_CHECK,
	STMT_INSERT,
	STMT_LOCK,
	STMT_MOVE,
	STMT_ACTIVE,
	STMT_PAID,
	STMT_STATE,
	STMT_STATE_LOCK,
	STMT_CANCEL,
	STMT_CLOSE_TASK,
	STMT_CLOSE_LIST,
	STMT_CLOSE_ONE,
	STMT_COLLECTED,
	STMT_UNRELEASED,
	STMT_HAS_HOLD,
	STMT_REPAIR_PAID,
	STMT_EXPIRE_SLOT,
	STMT_EXPIRE_TASK,
	STMT_EXPIRE_LIST,
	STMT_EXPIRE_ONE,
	STMT_LAPSE,
	STMT_SESS_OLD,
	STMT_THROTTLE_OLD,
	STMT_PLAN_TASK,
	STMT_PLAN_COUNTS,
	STMT_PLAN_HOLDS,
	STMT_PLAN_BLOCK,
	STMT_TO_CAPTURE,
	STMT_REAUTH_LIST,
	STMT_REAUTH_ASK,
	STMT_REAUTH_LATE,
	STMT_REAUTH_ONSITE,
	STMT_REAUTH_DONE,
	STMT_LATEST,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_SEAT_TAKE: the only way a seat is taken */
	"UPDATE slot s JOIN task t ON t.id = s.task_id "
	"SET s.booked = s.booked + 1 "
	"WHERE s.id = ? AND s.task_id = ? AND s.booked < s.capacity "
	"AND s.starts_at > UTC_TIMESTAMP() AND t.is_open = 1 "
	"AND DATE(s.starts_at + INTERVAL 8 HOUR) BETWEEN t.first_day AND t.last_day",
	/* STMT_SEAT_GIVE */
	"UPDATE slot SET booked = booked - 1 WHERE id = ? AND booked > 0",
	/* STMT_SLOT_CHECK: a future slot of this open task, in its window?
	 * Has it a seat free, and how many of its holds ran out unpaid
	 * (their seats can go back)?  Read without locks */
	"SELECT s.id, s.booked < s.capacity, (SELECT COUNT(*) FROM booking h "
	"WHERE h.slot_id = s.id "
	"AND h.state = 'held' AND h.hold_expires_at < UTC_TIMESTAMP()) "
	"FROM slot s JOIN task t ON t.id = s.task_id "
	"WHERE s.id = ? AND s.task_id = ? AND s.starts_at > UTC_TIMESTAMP() "
	"AND t.is_open = 1 "
	"AND DATE(s.starts_at + INTERVAL 8 HOUR) BETWEEN t.first_day AND t.last_day",
	/* STMT_INSERT */
	"INSERT INTO booking (task_id, student_id, slot_id, state, token, "
	"hold_expires_at) VALUES (?, ?, ?, ?, ?, "
	"IF(? > 0, UTC_TIMESTAMP() + INTERVAL ? MINUTE, NULL))",
	/* STMT_LOCK: the booking's task and slot, locked for the change */
	"SELECT task_id, IFNULL(slot_id, 0) FROM booking "
	"WHERE id = ? AND state IN ('held','booked') FOR UPDATE",
	/* STMT_MOVE */
	"UPDATE booking SET slot_id = ? WHERE id = ? AND slot_id = ? "
	"AND state IN ('held','booked')",
	/* STMT_ACTIVE */
	"SELECT id, state FROM booking WHERE active_student = ?",
	/* STMT_PAID */
	"UPDATE booking SET state = 'booked', hold_expires_at = NULL "
	"WHERE id = ? AND state = 'held'",
	/* STMT_STATE */
	"SELECT state, IFNULL(slot_id, 0) FROM booking WHERE id = ?",
	/* STMT_STATE_LOCK: the same, with the booking's row lock, so that
	 * the slot read is the one the state change frees */
	"SELECT state, IFNULL(slot_id, 0) FROM booking WHERE id = ? FOR UPDATE",
	/* STMT_CANCEL */
	"UPDATE booking SET state = 'cancelled', cancelled_at = UTC_TIMESTAMP(), "
	"cancel_reason = ? WHERE id = ? AND state IN ('held','booked')",
	/* STMT_CLOSE_TASK */
	"UPDATE task SET is_open = 0, closed_at = IFNULL(closed_at, "
	"UTC_TIMESTAMP()) WHERE id = ?",
	/* STMT_CLOSE_LIST: the next batch still to cancel */
	"SELECT id FROM booking WHERE task_id = ? "
	"AND state IN ('held','booked','checked_in') ORDER BY id LIMIT 200",
	/* STMT_CLOSE_ONE */
	"UPDATE booking SET state = 'cancelled', cancelled_at = UTC_TIMESTAMP(), "
	"cancel_reason = ? WHERE id = ? "
	"AND state IN ('held','booked','checked_in')",
	/* STMT_COLLECTED */
	"SELECT COUNT(*) FROM booking WHERE task_id = ? AND state = 'collected'",
	/* STMT_UNRELEASED: ended bookings whose hold is still frozen
	 * (task_id 0: every task) */
	"SELECT DISTINCT b.id FROM booking b JOIN payment p "
	"ON p.booking_id = b.id WHERE (? = 0 OR b.task_id = ?) "
	"AND b.state IN ('cancelled','expired') "
	"AND p.state IN ('created','authorized') ORDER BY b.id LIMIT 500",
	/* STMT_HAS_HOLD */
	"SELECT COUNT(*) FROM payment WHERE booking_id = ? "
	"AND state = 'authorized'",
	/* STMT_REPAIR_PAID: a held booking whose payment was authorised.
	 * pay_apply() books the seat in the payment's own commit; this
	 * mends rows left by releases that committed them apart */
	"UPDATE booking b SET b.state = 'booked', b.hold_expires_at = NULL "
	"WHERE b.state = 'held' AND EXISTS (SELECT 1 FROM payment p "
	"WHERE p.booking_id = b.id AND p.state = 'authorized')",
	/* STMT_EXPIRE_SLOT: unpaid holds past their time on one slot */
	"SELECT id FROM booking WHERE slot_id = ? AND state = 'held' "
	"AND hold_expires_at < UTC_TIMESTAMP() ORDER BY id LIMIT 500",
	/* STMT_EXPIRE_TASK: the same for a whole task */
	"SELECT id FROM booking WHERE task_id = ? AND state = 'held' "
	"AND hold_expires_at < UTC_TIMESTAMP() ORDER BY id LIMIT 500",
	/* STMT_EXPIRE_LIST */
	"SELECT id FROM booking WHERE state = 'held' "
	"AND hold_expires_at < UTC_TIMESTAMP() ORDER BY id LIMIT 500",
	/* STMT_EXPIRE_ONE */
	"UPDATE booking SET state = 'expired', cancelled_at = UTC_TIMESTAMP(), "
	"cancel_reason = 'hold expired' WHERE id = ? AND state = 'held' "
	"AND hold_expires_at < UTC_TIMESTAMP()",
	/* STMT_LAPSE */
	"UPDATE payment SET state = 'lapsed', updated_at = UTC_TIMESTAMP() "
	"WHERE state = 'authorized' AND hold_expires_at < UTC_TIMESTAMP()",
	/* STMT_SESS_OLD: sessions past their idle time (admin: minutes,
	 * student: days; kinds as enum sess_kind) */
	"DELETE FROM session WHERE (kind = 2 AND "
	"seen_at < UTC_TIMESTAMP() - INTERVAL ? MINUTE) OR (kind = 1 AND "
	"seen_at < UTC_TIMESTAMP() - INTERVAL ? DAY)",
	/* STMT_THROTTLE_OLD */
	"DELETE FROM throttle WHERE window_start < UTC_TIMESTAMP() - "
	"INTERVAL 1 DAY",
	/* STMT_PLAN_TASK: has the window's last day passed in China? */
	"SELECT code, last_day, school_id, "
	"DATE(UTC_TIMESTAMP() + INTERVAL 8 HOUR) > last_day FROM task "
	"WHERE id = ?",
	/* STMT_PLAN_COUNTS */
	"SELECT COUNT(*), IFNULL(SUM(state = 'checked_in'), 0) FROM booking "
	"WHERE task_id = ? AND state IN ('held','booked','checked_in')",
	/* STMT_PLAN_HOLDS: frozen money of bookings a close ends (or ended);
	 * collected ones' to capture */
	"SELECT IFNULL(SUM(b.state <> 'collected'), 0), "
	"IFNULL(SUM(b.state = 'collected' AND p.state = 'authorized'), 0) "
	"FROM payment p JOIN booking b ON b.id = p.booking_id "
	"WHERE b.task_id = ? AND p.state IN ('created','authorized')",
	/* STMT_PLAN_BLOCK: checked in, no photo: who and which shot */
	"SELECT s.name, IFNULL(b.shot_no, 0) FROM booking b "
	"JOIN student s ON s.id = b.student_id WHERE b.task_id = ? "
	"AND b.state = 'checked_in' ORDER BY b.shot_day, b.shot_no LIMIT 50",
	/* STMT_TO_CAPTURE: collected bookings whose hold is still frozen */
	"SELECT DISTINCT b.id FROM booking b JOIN payment p "
	"ON p.booking_id = b.id WHERE b.task_id = ? AND b.state = 'collected' "
	"AND p.state = 'authorized' ORDER BY b.id LIMIT 500",
	/* STMT_REAUTH_LIST: booked seats whose hold lapses before the slot,
	 * once a new hold would reach the slot (? = Pay.HoldDays) or at the
	 * latest two days before the old one lapses */
	"SELECT b.id FROM booking b JOIN slot sl ON sl.id = b.slot_id "
	"JOIN payment p ON p.booking_id = b.id AND p.state = 'authorized' "
	"WHERE b.state = 'booked' AND b.reauth_by IS NULL AND b.pay_onsite = 0 "
	"AND p.hold_expires_at < sl.starts_at "
	"AND (sl.starts_at <= UTC_TIMESTAMP() + INTERVAL ? DAY OR "
	"p.hold_expires_at <= UTC_TIMESTAMP() + INTERVAL 2 DAY) "
	"AND NOT EXISTS (SELECT 1 FROM payment q WHERE q.booking_id = b.id "
	"AND q.state = 'authorized' AND q.hold_expires_at >= sl.starts_at) "
	"ORDER BY b.id LIMIT 500",
	/* STMT_REAUTH_ASK: ask until the latest hold lapses */
	"UPDATE booking b SET b.reauth_by = (SELECT MAX(p.hold_expires_at) "
	"FROM payment p WHERE p.booking_id = b.id AND p.state = 'authorized') "
	"WHERE b.id = ? AND b.state = 'booked' AND b.reauth_by IS NULL",
	/* STMT_REAUTH_LATE: asked, not confirmed, and the time is up */
	"SELECT id FROM booking WHERE reauth_by < UTC_TIMESTAMP() "
	"AND state IN ('booked','checked_in') ORDER BY id LIMIT 500",
	/* STMT_REAUTH_ONSITE: 到场支付 */
	"UPDATE booking SET reauth_by = NULL, pay_onsite = 1 "
	"WHERE id = ? AND reauth_by < UTC_TIMESTAMP()",
	/* STMT_REAUTH_DONE: a new hold came for a booking asked to confirm */
	"UPDATE booking SET reauth_by = NULL, pay_onsite = 0 "
	"WHERE id = ? AND (reauth_by IS NOT NULL OR pay_onsite = 1)",
	/* STMT_LATEST: the student's latest booking, for display */
	"SELECT b.id, b.state, IFNULL(b.shot_no, 0), "
	"IFNULL(DATE_FORMAT(sl.starts_at + INTERVAL 8 HOUR, '%Y-%m-%d'), ''), "
	"IFNULL(DAYOFWEEK(sl.starts_at + INTERVAL 8 HOUR), 0), "
	"IFNULL(DATE_FORMAT(sl.starts_at + INTERVAL 8 HOUR, '%H:%i'), ''), "
	"IFNULL(DATE_FORMAT(sl.ends_at + INTERVAL 8 HOUR, '%H:%i'), ''), "
	"IFNULL(DATE_FORMAT(b.hold_expires_at + INTERVAL 8 HOUR, '%H:%i'), ''), "
	"IFNULL(b.slot_id, 0), t.fee_fen, t.title, "
	"IFNULL((SELECT p.state FROM payment p WHERE p.booking_id = b.id "
	" ORDER BY p.id DESC LIMIT 1), ''), "
	"IFNULL(UNIX_TIMESTAMP(b.cancelled_at), 0), "
	"IFNULL(DATE_FORMAT(b.reauth_by + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i'), ''), "
	"b.pay_onsite "
	"FROM booking b JOIN task t ON t.id = b.task_id "
	"LEFT JOIN slot sl ON sl.id = b.slot_id "
	"WHERE b.student_id = ? ORDER BY b.id DESC LIMIT 1",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("booking", stmts);

/* Roll back and pass rc on. */
static int
fail(int rc)
{

	db_rollback();
	return rc;
}

/* Seats of the last slot slot_check() looked at that unpaid holds past
 * their time still occupy. */
static long long	 lapsed_holds;

/*
 * The slot as committed, outside any transaction and without a lock:
 * 0 when it has a seat free, BK_FULL, BK_BADSLOT (not a future slot of
 * this open task in its window), or db; sets lapsed_holds.  Before a
 * take, so that a full slot is answered without a transaction (most
 * answers of an opening minute); after a take that found no seat, to say
 * why.  The seat itself is only ever taken by STMT_SEAT_TAKE.
 */
static int
slot_check(long long task_id, long long slot_id)
{
	long long	 id, free_seat = 0;
	int		 rc;

	lapsed_holds = 0;
	rc = db_one(&set, STMT_SLOT_CHECK, "ii", "iii", slot_id, task_id, &id,
	    &free_seat, &lapsed_holds);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return BK_BADSLOT;
	return free_seat ? 0 : BK_FULL;
}

/* Why did STMT_SEAT_TAKE change nothing?  BK_BADSLOT, BK_FULL (with
 * lapsed_holds) or db.  After the transaction's end. */
static int
why_not(long long task_id, long long slot_id)
{
	int	 rc;

	rc = slot_check(task_id, slot_id);
	return rc == 0 ? BK_FULL : rc;	/* taken meanwhile */
}

static int	 expire_where(int stmt, long long id);


/* The request's work on a seat, made ready before its transaction. */
struct take {
	long long	 task_id, student_id, slot_id;
	long long	 hold;		/* minutes the seat waits for the money */
	char		 token[33];
};

/* The seat and the booking row, in one transaction of four round trips
 * (three, and the check, when the last seat went meanwhile). */
static int
take_once(const struct take *tk, long long *booking_id)
{
	int	 rc;

	*booking_id = 0;
	if ((rc = db_begin()) < 0)
		return rc;
	if ((rc = db_exec(&set, STMT_SEAT_TAKE, "ii", tk->slot_id,
	    tk->task_id)) < 0)
		return fail(rc);
	if (rc != 1) {
		db_rollback();
		return why_not(tk->task_id, tk->slot_id);
	}
	rc = db_exec(&set, STMT_INSERT, "iiissii", tk->task_id,
	    tk->student_id, tk->slot_id, bs_name(tk->hold > 0 ? BS_HELD :
	    BS_BOOKED), tk->token, tk->hold, tk->hold);
	if (rc == DB_DUP)
		return fail(BK_ACTIVE);
	if (rc < 0)
		return fail(rc);
	*booking_id = db_last_id();
	if ((rc = db_commit()) < 0)
		return fail(rc);
	return 0;
}

int
booking_take(long long task_id, long long fee, long long student_id,
    long long slot_id, long long *booking_id, int *held)
{
	struct take	 tk;
	int		 rc;

	/* Everything that can be is done before the transaction: a seat
	 * waits for the money only where money is paid online (with the
	 * on-site provider it is booked, and the station collects); the
	 * token is drawn once, for every try. */
	tk.task_id = task_id;
	tk.student_id = student_id;
	tk.slot_id = slot_id;
	tk.hold = fee > 0 && pay_online() ?
	    conf_int("Booking.HoldMinutes", 15) : 0;
	util_token_hex(tk.token, 16);
	*held = tk.hold > 0;
	*booking_id = 0;
	/* A full slot is told so without a transaction: no row lock is
	 * asked for, none waited for behind the commits of those who got
	 * the last seats.  Else the transaction decides. */
	if ((rc = slot_check(task_id, slot_id)) == 0)
		DB_TX(rc, take_once(&tk, booking_id));
	/* Full?  Seats whose unpaid hold ran out go back before anyone is
	 * told so, whether or not the sweep has run yet; then once more.
	 * Only here, and only when the check that found the slot full saw
	 * such holds: a page view never writes. */
	if (rc == BK_FULL && lapsed_holds > 0 &&
	    (rc = expire_where(STMT_EXPIRE_SLOT, slot_id)) >= 0)
		DB_TX(rc, rc > 0 ? take_once(&tk, booking_id) : BK_FULL);
	return rc;
}

static int
change_once(long long booking_id, long long new_slot)
{
	long long	 task_id, old_slot;
	int		 rc;

	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_LOCK, "i", "ii", booking_id, &task_id,
	    &old_slot);
	if (rc <= 0)
		return fail(rc < 0 ? rc : BK_STATE);
	if (old_slot == new_slot) {
		db_rollback();
		return 0;
	}
	/* The new seat first: when it is full nothing else changes. */
	if ((rc = db_exec(&set, STMT_SEAT_TAKE, "ii", new_slot, task_id)) < 0)
		return fail(rc);
	if (rc != 1) {
		db_rollback();
		return why_not(task_id, new_slot);
	}
	rc = db_exec(&set, STMT_MOVE, "iii", new_slot, booking_id, old_slot);
	if (rc != 1)
		return fail(rc < 0 ? rc : BK_STATE);
	if (old_slot > 0 &&
	    (rc = db_exec(&set, STMT_SEAT_GIVE, "i", old_slot)) < 0)
		return fail(rc);
	if ((rc = db_commit()) < 0)
		return fail(rc);
	return 0;
}

int
booking_change(long long booking_id, long long new_slot)
{
	int	 rc;

	DB_TX(rc, change_once(booking_id, new_slot));
	if (rc == BK_FULL && lapsed_holds > 0 &&
	    (rc = expire_where(STMT_EXPIRE_SLOT, new_slot)) >= 0)
		DB_TX(rc, rc > 0 ? change_once(booking_id, new_slot) : BK_FULL);
	return rc;
}

int
booking_active(long long student_id, long long *booking_id,
    enum booking_state *state)
{
	char	 st[16];
	int	 rc;

	*booking_id = 0;
	*state = BS_NONE;
	rc = db_one(&set, STMT_ACTIVE, "i", "is", student_id, booking_id,
	    st, sizeof(st));
	if (rc == 1)
		*state = bs_parse(st);
	return rc;
}

int
booking_latest(long long student_id, struct booking *b)
{
	char		 st[16];
	long long	 dow = 0, onsite = 0;
	int		 rc;

	memset(b, 0, sizeof(*b));
	rc = db_one(&set, STMT_LATEST, "i", "isisisssiissisi", student_id,
	    &b->id, st, sizeof(st), &b->shot_no, b->day, sizeof(b->day), &dow,
	    b->t_from, sizeof(b->t_from), b->t_to, sizeof(b->t_to),
	    b->hold_until, sizeof(b->hold_until), &b->slot_id, &b->fee_fen,
	    b->title, sizeof(b->title), b->pay_state, sizeof(b->pay_state),
	    &b->ended_ts, b->reauth_by, sizeof(b->reauth_by), &onsite);
	if (rc == 1) {
		b->state = bs_parse(st);
		b->dow = (int)dow;
		b->pay_onsite = onsite == 1;
	}
	return rc;
}

int
booking_lock(long long booking_id, int *live)
{
	char		 st[16];
	long long	 slot;
	int		 rc;

	*live = 0;
	rc = db_one(&set, STMT_STATE_LOCK, "i", "si", booking_id, st,
	    sizeof(st), &slot);
	if (rc == 1)
		*live = bs_live(bs_parse(st));
	return rc;
}

int
booking_reauth_done(long long booking_id)
{

	return db_exec(&set, STMT_REAUTH_DONE, "i", booking_id);
}

/* One booking's flag (ask or 到场支付) under its row lock.  1 changed,
 * 0 not, or a db code. */
static int
reauth_once(int stmt, long long booking_id)
{
	int	 live, rc;

	if ((rc = db_begin()) < 0)
		return rc;
	if ((rc = booking_lock(booking_id, &live)) <= 0 ||
	    (rc = db_exec(&set, stmt, "i", booking_id)) <= 0) {
		db_rollback();
		return rc;
	}
	if ((rc = db_commit()) < 0)
		return rc;
	return 1;
}

int
booking_paid(long long booking_id)
{
	char		 st[16];
	long long	 slot;
	int		 rc;

	if ((rc = db_exec(&set, STMT_PAID, "i", booking_id)) < 0)
		return rc;
	if (rc == 1)
		return 0;
	rc = db_one(&set, STMT_STATE, "i", "si", booking_id, st, sizeof(st),
	    &slot);
	if (rc < 0)
		return rc;
	if (rc == 1 && (bs_parse(st) == BS_BOOKED ||
	    bs_parse(st) == BS_CHECKED_IN || bs_parse(st) == BS_COLLECTED))
		return 0;
	return 1;
}

static const struct pay_listener listener = {
	booking_lock, booking_reauth_done, booking_paid
};

void
booking_init(void)
{

	pay_listen(&listener);
}

/*
 * End one booking with the conditional statement stmt (cancel, close or
 * expire) and give its seat back, in one transaction.  Returns 1 when it
 * ended now, 0 when it was not in a state stmt accepts, or a db code.
 */
static int
end_once(int stmt, long long booking_id, const char *reason)
{
	char		 st[16];
	long long	 slot = 0;
	int		 rc;

	if ((rc = db_begin()) < 0)
		return rc;
	/* The row lock first: a change of slot committed meanwhile moved
	 * the seat this booking holds. */
	rc = db_one(&set, STMT_STATE_LOCK, "i", "si", booking_id, st,
	    sizeof(st), &slot);
	if (rc <= 0)
		return fail(rc);
	rc = reason != NULL ?
	    db_exec(&set, stmt, "si", reason, booking_id) :
	    db_exec(&set, stmt, "i", booking_id);
	if (rc < 0)
		return fail(rc);
	if (rc == 0) {
		db_rollback();
		return 0;
	}
	if (slot > 0 && (rc = db_exec(&set, STMT_SEAT_GIVE, "i", slot)) < 0)
		return fail(rc);
	if ((rc = db_commit()) < 0)
		return fail(rc);
	return 1;
}

static int
end_booking(int stmt, long long booking_id, const char *reason)
{
	int	 rc;

	DB_TX(rc, end_once(stmt, booking_id, reason));
	return rc;
}

/* Release the booking's hold.  *released is 1 when a frozen hold was
 * released now.  Returns 0, PAY_PROVIDER (logged: the sweep retries), or
 * a db.h code. */
static int
release(long long booking_id, int *released)
{
	long long	 n = 0;
	int		 rc;

	*released = 0;
	if ((rc = db_one(&set, STMT_HAS_HOLD, "i", "i", booking_id, &n)) < 0)
		return rc;
	if ((rc = pay_void_booking(booking_id)) != PAY_OK) {
		if (rc == PAY_PROVIDER)
			log_warn("booking %lld: releasing the hold failed, "
			    "the sweep retries", booking_id);
		return rc;
	}
	*released = n > 0;
	return 0;
}

int
booking_cancel(long long booking_id, const char *reason,
    const struct actor *who)
{
	int	 rc, released;

	rc = end_booking(STMT_CANCEL, booking_id,
	    reason != NULL ? reason : "cancelled");
	if (rc < 0)
		return rc;
	if (rc == 0)
		return 1;
	log_info("booking %lld cancelled by %s", booking_id,
	    who != NULL && who->name != NULL ? who->name : "student");
	if ((rc = release(booking_id, &released)) < 0)
		return rc;	/* db error; the sweep retries the release */
	return 0;
}

/* A batch of booking ids filled by collect_cb() through db_each(). */
struct idlist {
	long long	 id[500];
	int		 n;
};

static int
collect_cb(void *arg, int ncol, char **val, unsigned long *len)
{
	struct idlist	*l = arg;

	if (l->n < (int)(sizeof(l->id) / sizeof(l->id[0])) && ncol > 0 &&
	    val[0] != NULL)
		l->id[l->n++] = strtoll(val[0], NULL, 10);
	return 0;
}

/* Release the holds of ended bookings (task_id 0: all tasks).  Adds the
 * releases to *voided.  Returns 0, 1 if the provider failed, or db. */
static int
release_ended(long long task_id, int *voided)
{
	struct idlist	 l;
	int		 i, rc, released, failed = 0;

	memset(&l, 0, sizeof(l));
	rc = db_each(&set, STMT_UNRELEASED, collect_cb, &l, "ii", task_id,
	    task_id);
	if (rc < 0)
		return rc;
	for (i = 0; i < l.n; i++) {
		if ((rc = release(l.id[i], &released)) < 0)
			return rc;
		if (rc == PAY_PROVIDER)
			failed = 1;
		else if (released && voided != NULL)
			(*voided)++;
	}
	return failed;
}

/* Fills the blocking list from STMT_PLAN_BLOCK rows. */
static int
block_cb(void *arg, int ncol, char **val, unsigned long *len)
{
	struct close_plan	*p = arg;

	if (p->nblock < BK_BLOCK_MAX && ncol == 2 && val[0] != NULL)
		(void)LF(p->block[p->nblock++], sizeof(p->block[0]),
		    "Lang.Admin.Close.Blocked", LS("name", val[0]),
		    LS("shot", val[1] != NULL ? val[1] : "-"));
	return 0;
}

int
booking_close_plan(long long task_id, struct close_plan *p)
{
	long long	 over = 0, n = 0, ci = 0, holds = 0, cap = 0;
	int		 rc;

	memset(p, 0, sizeof(*p));
	rc = db_one(&set, STMT_PLAN_TASK, "i", "ssii", task_id, p->code,
	    sizeof(p->code), p->last_day, sizeof(p->last_day), &p->school_id,
	    &over);
	if (rc <= 0)
		return rc;
	p->window_over = over != 0;
	if ((rc = db_one(&set, STMT_PLAN_COUNTS, "i", "ii", task_id, &n,
	    &ci)) < 0)
		return rc;
	p->to_cancel = (int)n;
	p->checked_in = (int)ci;
	if ((rc = db_one(&set, STMT_PLAN_HOLDS, "i", "ii", task_id, &holds,
	    &cap)) < 0)
		return rc;
	p->holds = (int)holds;
	p->to_capture = (int)cap;
	if ((rc = db_one(&set, STMT_COLLECTED, "i", "i", task_id, &n)) < 0)
		return rc;
	p->collected = (int)n;
	if (ci > 0 && (rc = db_each(&set, STMT_PLAN_BLOCK, block_cb, p, "i",
	    task_id)) < 0)
		return rc;
	return 1;
}

/* Capture the frozen holds of the task's collected bookings (the photo
 * was taken; a capture that failed then is made now).  Adds to
 * *captured.  Returns 0, 1 if the provider failed for one, or db. */
static int
capture_collected(long long task_id, int *captured)
{
	struct idlist	 l;
	int		 i, rc, failed = 0;

	memset(&l, 0, sizeof(l));
	if ((rc = db_each(&set, STMT_TO_CAPTURE, collect_cb, &l, "i",
	    task_id)) < 0)
		return rc;
	for (i = 0; i < l.n; i++) {
		rc = pay_capture_booking(l.id[i]);
		if (rc == PAY_OK)
			(*captured)++;
		else if (rc == PAY_PROVIDER)
			failed = 1;
		else if (rc < 0)
			return rc;
	}
	return failed;
}

int
booking_close_task(long long task_id, const struct actor *who, int force,
    const char *reason, struct close_counts *cc)
{
	struct close_plan	*p;
	struct idlist		 l;
	char			 after[256];
	long long		 school, collected = 0;
	int			 i, rc, failed;

	memset(cc, 0, sizeof(*cc));
	if ((p = malloc(sizeof(*p))) == NULL)
		return DB_ERR;
	if ((rc = booking_close_plan(task_id, p)) <= 0) {
		free(p);
		return rc < 0 ? rc : DB_CHECK;
	}
	school = p->school_id;
	rc = !p->window_over && !force ? BK_EARLY :
	    p->checked_in > 0 && !force ? BK_CHECKEDIN : 0;
	free(p);
	if (rc != 0)
		return rc;
	/* No new bookings from here on. */
	if ((rc = db_exec(&set, STMT_CLOSE_TASK, "i", task_id)) < 0)
		return rc;
	do {
		memset(&l, 0, sizeof(l));
		rc = db_each(&set, STMT_CLOSE_LIST, collect_cb, &l, "i",
		    task_id);
		if (rc < 0)
			return rc;
		for (i = 0; i < l.n; i++) {
			rc = end_booking(STMT_CLOSE_ONE, l.id[i],
			    "task closed");
			if (rc < 0)
				return rc;
			cc->cancelled += rc;
		}
	} while (l.n > 0);
	/* Holds of every ended booking, this run's and an earlier one's;
	 * then the collected ones' money is taken. */
	if ((failed = release_ended(task_id, &cc->voided)) < 0)
		return failed;
	if ((rc = capture_collected(task_id, &cc->captured)) < 0)
		return rc;
	failed |= rc;
	if ((rc = db_one(&set, STMT_COLLECTED, "i", "i", task_id,
	    &collected)) < 0)
		return rc;
	cc->collected = (int)collected;
	(void)LF(after, sizeof(after), "Lang.Admin.Audit.Closed",
	    LI("cancelled", cc->cancelled), LI("voided", cc->voided),
	    LI("captured", cc->captured), LI("collected", cc->collected),
	    LS("forced", force ? L("Lang.Admin.Audit.Forced") : ""),
	    LS("failed", failed ? L("Lang.Admin.Audit.ProviderDown") : ""));
	if ((rc = audit_add(who, "task_close", "task", task_id, school,
	    NULL, NULL, after, reason)) < 0)
		return rc;
	log_info("task %lld closed by %s: %s", task_id,
	    who != NULL && who->name ? who->name : "?", after);
	return failed ? BK_PROVIDER : 0;
}

/* Expire the unpaid holds past their time that stmt lists for id (a slot
 * or a task).  Returns how many, or a db.h error code.  Their payments, if
 * any, are settled by the sweep. */
static int
expire_where(int stmt, long long id)
{
	struct idlist	 l;
	int		 i, rc, n = 0;

	memset(&l, 0, sizeof(l));
	if ((rc = db_each(&set, stmt, collect_cb, &l, "i", id)) < 0)
		return rc;
	for (i = 0; i < l.n; i++) {
		if ((rc = end_booking(STMT_EXPIRE_ONE, l.id[i], NULL)) < 0)
			return rc;
		n += rc;
	}
	return n;
}

int
booking_expire_task(long long task_id)
{

	return expire_where(STMT_EXPIRE_TASK, task_id);
}

/* The sweep's part for holds shorter than the wait for the slot: ask
 * the student to confirm again; after the deadline, 到场支付. */
static int
reauth_sweep(struct sweep_counts *sc)
{
	struct idlist	 l;
	int		 i, rc;

	memset(&l, 0, sizeof(l));
	if ((rc = db_each(&set, STMT_REAUTH_LIST, collect_cb, &l, "i",
	    (long long)pay_hold_days())) < 0)
		return rc;
	for (i = 0; i < l.n; i++) {
		DB_TX(rc, reauth_once(STMT_REAUTH_ASK, l.id[i]));
		if (rc < 0)
			return rc;
		sc->reauth += rc;
	}
	memset(&l, 0, sizeof(l));
	if ((rc = db_each(&set, STMT_REAUTH_LATE, collect_cb, &l, "")) < 0)
		return rc;
	for (i = 0; i < l.n; i++) {
		DB_TX(rc, reauth_once(STMT_REAUTH_ONSITE, l.id[i]));
		if (rc < 0)
			return rc;
		if (rc == 1)
			log_info("booking %lld: hold not confirmed again in "
			    "time, fee collected on site", l.id[i]);
		sc->onsite += rc;
	}
	return 0;
}

int
booking_sweep(struct sweep_counts *sc)
{
	struct idlist	 l;
	int		 i, rc;

	memset(sc, 0, sizeof(*sc));
	if ((rc = pay_reconcile(&sc->asked)) < 0)
		return rc;
	if ((rc = db_exec(&set, STMT_REPAIR_PAID, "")) < 0)
		return rc;
	do {
		memset(&l, 0, sizeof(l));
		rc = db_each(&set, STMT_EXPIRE_LIST, collect_cb, &l, "");
		if (rc < 0)
			return rc;
		for (i = 0; i < l.n; i++) {
			if ((rc = end_booking(STMT_EXPIRE_ONE, l.id[i],
			    NULL)) < 0)
				return rc;
			sc->expired += rc;
		}
	} while (l.n == 500);
	if ((rc = release_ended(0, NULL)) < 0)
		return rc;
	if ((rc = reauth_sweep(sc)) < 0)
		return rc;
	if ((rc = db_exec(&set, STMT_LAPSE, "")) < 0)
		return rc;
	sc->lapsed = rc;
	if ((rc = db_exec(&set, STMT_SESS_OLD, "ii",
	    conf_int("Session.IdleMinutes", 30),
	    conf_int("Session.StudentDays", 30))) < 0)
		return rc;
	sc->sessions = rc;
	if ((rc = db_exec(&set, STMT_THROTTLE_OLD, "")) < 0)
		return rc;
	return 0;
}
