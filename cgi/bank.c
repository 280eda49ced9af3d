/*
 * bank.c - the sandbox payment gateway (bank.fcgi), standing in for a real
 * bank's pre-authorisation (冻结) service.  CONTRACT section 4.
 *
 *   POST /bank/api/authorize   the app opens an order: a pending hold and a
 *                              one-time token for the browser's card page
 *   GET/POST /bank/pay?t=      the card-binding page; the test card decides
 *   POST /bank/api/capture     take the frozen money (once per order)
 *   POST /bank/api/cancel      release it (once per order)
 *   POST /bank/api/query       the order's state; re-sends a notification
 *                              that could not be delivered
 *   POST /bank/api/redeliver   re-sends every undelivered notification
 *   POST /bank/api/sandbox     sets the sandbox's notification mode
 *   POST /bank/api/statement   the statement (对账单) for reconciliation
 *                              (bank_stmt.c)
 *
 * Notifications go through the outbox (bank_outbox).  They are delivered
 * by `bank.fcgi --deliver`, a loop outside every request (see deliver_main
 * below): a bank worker never posts to the app while the app's page
 * workers may be waiting for it, so no pool waits on a call back into
 * itself.  In notify-first mode (Bank.NotifyFirst, or /bank/api/sandbox)
 * the card page and the query send the notification themselves before they
 * answer, as some real providers do; /pay/notify has a FastCGI pool of its
 * own, so that does not deadlock either.
 *
 * The API calls are signed like the notifications (pay.h); a bad or stale
 * signature gets 400.  The bank keeps its own tables (bank_hold,
 * bank_ledger, bank_outbox); each state change is a conditional UPDATE on a
 * locked hold, and a ledger row is unique per (hold, kind), so a capture or
 * a void happens once however often it is asked for.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bank.h"
#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "domain/pay.h"
#include "infra/httpc.h"
#include "infra/sign.h"
#include "infra/util.h"
#include "http/web.h"

enum stmt {
	STMT_HOLD_NEW,
	STMT_HOLD_REFRESH,
	STMT_HOLD_BY_ORDER,
	STMT_HOLD_BY_TOKEN,
	STMT_DECIDE,
	STMT_CAPTURE,
	STMT_VOID,
	STMT_LEDGER_ADD,
	STMT_OUTBOX_ADD,
	STMT_OUTBOX_CLAIM_DUE,
	STMT_OUTBOX_CLAIM_HOLD,
	STMT_OUTBOX_CLAIMED,
	STMT_OUTBOX_MARK,
	STMT_OUTBOX_UNCLAIM,
	STMT_OUTBOX_REVIVE,
	STMT_OUTBOX_OWED,
	STMT_SANDBOX_GET,
	STMT_SANDBOX_SET,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_HOLD_NEW: an order waiting for its card, 1 hour */
	"INSERT INTO bank_hold (hold_ref, order_ref, token, amount_fen, descr, "
	"state, expires_at) VALUES (?, ?, ?, ?, ?, 'pending', "
	"UTC_TIMESTAMP() + INTERVAL 1 HOUR)",
	/* STMT_HOLD_REFRESH: the app asks again for a pending order */
	"UPDATE bank_hold SET expires_at = UTC_TIMESTAMP() + INTERVAL 1 HOUR "
	"WHERE id = ? AND state = 'pending'",
	/* STMT_HOLD_BY_ORDER (locked) */
	"SELECT id, COALESCE(token, ''), amount_fen, state, "
	"expires_at < UTC_TIMESTAMP() FROM bank_hold WHERE order_ref = ? "
	"FOR UPDATE",
	/* STMT_HOLD_BY_TOKEN (locked) */
	"SELECT id, order_ref, amount_fen, descr, state, "
	"expires_at < UTC_TIMESTAMP() FROM bank_hold WHERE token = ? "
	"FOR UPDATE",
	/* STMT_DECIDE: the card decided a pending order */
	"UPDATE bank_hold SET state = ?, reason = ?, card_last4 = ?, "
	"expires_at = UTC_TIMESTAMP() + INTERVAL 7 DAY, "
	"updated_at = UTC_TIMESTAMP() WHERE id = ? AND state = 'pending'",
	/* STMT_CAPTURE */
	"UPDATE bank_hold SET state = 'captured', updated_at = UTC_TIMESTAMP() "
	"WHERE id = ? AND state = 'authorized'",
	/* STMT_VOID */
	"UPDATE bank_hold SET state = 'voided', updated_at = UTC_TIMESTAMP() "
	"WHERE id = ? AND state IN ('pending', 'authorized')",
	/* STMT_LEDGER_ADD: once per (hold, kind) */
	"INSERT INTO bank_ledger (hold_id, kind, amount_fen) VALUES (?, ?, ?)",
	/* STMT_OUTBOX_ADD: due now; claimed already (lease > 0 s) when the
	 * worker will send it itself (notify-first) */
	"INSERT INTO bank_outbox (hold_id, event_id, body, claim, claim_until) "
	"VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3) + INTERVAL ? SECOND)",
	/* STMT_OUTBOX_CLAIM_DUE: the deliverer takes a few due rows nobody
	 * holds.  A row another deliverer has locked is re-read once that one
	 * commits (READ COMMITTED) and skipped when it was claimed meanwhile,
	 * so one row is never taken twice. */
	"UPDATE bank_outbox SET claim = ?, "
	"claim_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND "
	"WHERE next_attempt_at <= UTC_TIMESTAMP(3) AND delivered_at IS NULL "
	"AND (claim_until IS NULL OR claim_until <= UTC_TIMESTAMP(3)) "
	"ORDER BY next_attempt_at, id LIMIT 4",
	/* STMT_OUTBOX_CLAIM_HOLD: a query takes what the hold still owes,
	 * due or not, given up or not (asked: send it now) */
	"UPDATE bank_outbox SET claim = ?, "
	"claim_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND, gave_up_at = NULL "
	"WHERE hold_id = ? AND delivered_at IS NULL "
	"AND (claim_until IS NULL OR claim_until <= UTC_TIMESTAMP(3)) LIMIT 20",
	/* STMT_OUTBOX_CLAIMED */
	"SELECT id, body, attempts FROM bank_outbox WHERE claim = ? "
	"AND delivered_at IS NULL ORDER BY id LIMIT 20",
	/* STMT_OUTBOX_MARK: one attempt by the claim's holder; delivered or
	 * given up (nothing planned), or due again after the backoff (us) */
	"UPDATE bank_outbox SET attempts = attempts + 1, last_status = ?, "
	"delivered_at = IF(? = 1, UTC_TIMESTAMP(), NULL), "
	"gave_up_at = IF(? = 1, UTC_TIMESTAMP(), NULL), "
	"next_attempt_at = IF(? = 1, NULL, "
	"UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND), "
	"claim = NULL, claim_until = NULL WHERE id = ? AND claim = ?",
	/* STMT_OUTBOX_UNCLAIM: rows a stopping deliverer did not try */
	"UPDATE bank_outbox SET claim = NULL, claim_until = NULL "
	"WHERE claim = ?",
	/* STMT_OUTBOX_REVIVE: due now, also when given up (of one hold, or
	 * all) */
	"UPDATE bank_outbox SET next_attempt_at = UTC_TIMESTAMP(3), "
	"gave_up_at = NULL WHERE delivered_at IS NULL "
	"AND (? = 0 OR hold_id = ?)",
	/* STMT_OUTBOX_OWED: notifications of a hold with an attempt planned */
	"SELECT COUNT(*) FROM bank_outbox WHERE hold_id = ? "
	"AND delivered_at IS NULL AND next_attempt_at IS NOT NULL",
	/* STMT_SANDBOX_GET: -1 = as configured */
	"SELECT COALESCE(notify_first, -1), COALESCE(wait_ms, -1), "
	"COALESCE(slow_ms, 0) FROM bank_sandbox WHERE id = 1",
	/* STMT_SANDBOX_SET: NULL = as configured */
	"UPDATE bank_sandbox SET notify_first = ?, wait_ms = ?, slow_ms = ? "
	"WHERE id = 1",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("bank", stmts);

/* The test cards (CONTRACT section 4); any other well-formed number
 * fails to bind like ...0002. */
static const struct card {
	const char	*no;
	const char	*type;		/* notification type */
	const char	*reason;	/* decline reason, NULL when held */
} cards[] = {
	{ "6222020000000000001", "authorized", NULL },
	{ "6222020000000000002", "declined", "card_bind_failed" },
	{ "6222020000000000003", "declined", "insufficient_funds" },
};

static const struct card other_card = { "", "declined", "card_bind_failed" };

/* A hold as the handlers see it. */
struct hold {
	long long	 id;
	char		 order_ref[40];
	char		 token[40];
	char		 descr[200];
	char		 state[16];
	long long	 amount;
	long long	 expired;
};

/* --- helpers --------------------------------------------------------- */

/* Answer an API call with a urlencoded body.  Returns 200 (or 500). */
static int
reply(struct req *r, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[512], *s;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) || (s = strdup(buf)) == NULL)
		return 500;
	r->body = (unsigned char *)s;
	r->bodylen = (size_t)n;
	r->ctype = "application/x-www-form-urlencoded";
	return 200;
}

/* An API request: fields valid and signature good.  0 or 400. */
static int
api_check(struct req *r)
{

	if (r->status != 0 || r->method != M_POST)
		return 400;	/* a field failed validation */
	return web_verify_signed(r, NULL, 0) == 0 ? 0 : 400;
}

/* Lock the hold of order_ref (inside a transaction).  1, 0 or db error. */
static int
hold_by_order(const char *order_ref, struct hold *h)
{

	memset(h, 0, sizeof(*h));
	snprintf(h->order_ref, sizeof(h->order_ref), "%s", order_ref);
	return db_one(&set, STMT_HOLD_BY_ORDER, "s", "isisi", order_ref,
	    &h->id, h->token, sizeof(h->token), &h->amount, h->state,
	    sizeof(h->state), &h->expired);
}

/* The start of an order API call (capture, cancel, query): the request
 * checked, a transaction begun and the hold of order_ref locked into h.
 * Returns 0 inside the transaction, or the status to answer after a
 * rollback (400, 404 unknown order, or a db error's). */
static int
api_hold(struct req *r, struct hold *h)
{
	int	 rc;

	if ((rc = api_check(r)) != 0)
		return rc;
	if ((rc = db_begin()) < 0)
		return web_dberr(rc);
	if ((rc = hold_by_order(web_str(r, "order_ref"), h)) <= 0) {
		db_rollback();
		return rc < 0 ? web_dberr(rc) : 404;
	}
	return 0;
}

static int
hold_by_token(const char *token, struct hold *h)
{

	memset(h, 0, sizeof(*h));
	snprintf(h->token, sizeof(h->token), "%s", token);
	return db_one(&set, STMT_HOLD_BY_TOKEN, "s", "isissi", token, &h->id,
	    h->order_ref, sizeof(h->order_ref), &h->amount, h->descr,
	    sizeof(h->descr), h->state, sizeof(h->state), &h->expired);
}

/* Ledger row, once: a duplicate means it was written before.  0 or err. */
static int
ledger(long long hold_id, const char *kind, long long amount)
{
	int	 rc;

	rc = db_exec(&set, STMT_LEDGER_ADD, "isi", hold_id, kind, amount);
	return rc == DB_DUP ? 0 : rc < 0 ? rc : 0;
}

/* --- the outbox ------------------------------------------------------ */

/*
 * How notifications leave the bank.  Defaults from tucai.hdf (Bank.*),
 * the first two overridden by the row that POST /bank/api/sandbox sets.
 */
struct mode {
	int		 first;		/* notify before answering */
	long long	 wait_ms;	/* outbox mode: wait for the deliverer */
	long long	 slow_ms;	/* answer capture/cancel this late */
};

#define LEASE_S		60	/* a claim lasts this long: 4 rows x 7 s */
#define WAIT_STEP_US	20000	/* how often a waiting worker looks */

static void
mode_get(struct mode *m)
{
	long long	 first = -1, wait = -1, slow = 0;

	m->first = conf_int("Bank.NotifyFirst", 0) != 0;
	m->wait_ms = conf_int("Bank.WaitMs", 2000);
	m->slow_ms = 0;
	/* A database error leaves the configured mode. */
	if (db_one(&set, STMT_SANDBOX_GET, "", "iii", &first, &wait,
	    &slow) == 1) {
		if (first >= 0)
			m->first = first != 0;
		if (wait >= 0)
			m->wait_ms = wait;
		if (slow > 0 && slow <= 10000)
			m->slow_ms = slow;
	}
	if (m->wait_ms < 0)
		m->wait_ms = 0;
	if (m->wait_ms > 2000)
		m->wait_ms = 2000;	/* under the app's 3 s call timeout */
}

/* The sandbox's late answer (tests): the work is done and committed, the
 * answer comes after slow_ms, past the app's timeout. */
static void
answer_late(void)
{
	struct mode	 m;

	mode_get(&m);
	if (m.slow_ms > 0) {
		log_info("bank: sandbox answers %lld ms late", m.slow_ms);
		usleep((useconds_t)m.slow_ms * 1000);
	}
}

struct outbox {
	long long	 id[20];
	long long	 attempts[20];
	char		*body[20];
	int		 n;
};

static int
on_outbox(void *arg, int ncol, char **val, unsigned long *len)
{
	struct outbox	*o = arg;

	if (o->n < 20 && ncol == 3 && val[0] != NULL && val[1] != NULL &&
	    val[2] != NULL && (o->body[o->n] = strdup(val[1])) != NULL) {
		o->id[o->n] = strtoll(val[0], NULL, 10);
		o->attempts[o->n] = strtoll(val[2], NULL, 10);
		o->n++;
	}
	return 0;
}

/* The pause before attempt number `done + 1`: Bank.RetryBaseMs doubled
 * per attempt made, at most Bank.RetryMaxMs, with jitter (half of it
 * random) so that the retries of a burst do not come back together.
 * In microseconds. */
static long long
backoff_us(long long done)
{
	long long	 base = conf_int("Bank.RetryBaseMs", 500);
	long long	 cap = conf_int("Bank.RetryMaxMs", 300000);
	long long	 d = base > 0 ? base : 1;

	if (cap < 1)
		cap = 1;
	if (cap > 86400000)
		cap = 86400000;	/* a day; keeps the jitter's range in 32 bits */
	while (--done > 0 && d < cap)
		d *= 2;
	if (d > cap)
		d = cap;
	d = d / 2 + (long long)randombytes_uniform((uint32_t)(d / 2 + 1));
	return d * 1000;
}

/*
 * Send the rows held under claim to Pay.NotifyUrl, one attempt each, and
 * record the outcome: delivered on 200; given up on 400 (the app refuses
 * it: retrying would not help) or after Bank.MaxAttempts; otherwise due
 * again after the backoff.  *stop (may be NULL) is looked at between rows:
 * the rows not tried are handed back.  Returns the number delivered.
 */
static int
send_claimed(const char *claim, volatile sig_atomic_t *stop)
{
	struct outbox	 o;
	const char	*url = conf_str("Pay.NotifyUrl",
	    "http://127.0.0.1:8080/pay/notify");
	long long	 max = conf_int("Bank.MaxAttempts", 12), wait;
	long		 st;
	int		 i, ok, gave_up, done = 0;

	memset(&o, 0, sizeof(o));
	if (db_each(&set, STMT_OUTBOX_CLAIMED, on_outbox, &o, "s", claim) < 0)
		return 0;
	for (i = 0; i < o.n; i++) {
		if (stop != NULL && *stop) {
			free(o.body[i]);
			continue;
		}
		st = httpc_post_canon(url, o.body[i], NULL, 0);
		free(o.body[i]);
		ok = st == 200;
		gave_up = !ok && (st == 400 || o.attempts[i] + 1 >= max);
		wait = ok || gave_up ? 0 : backoff_us(o.attempts[i] + 1);
		if (db_exec(&set, STMT_OUTBOX_MARK, "iiiiiis", (long long)st,
		    (long long)ok, (long long)gave_up,
		    (long long)(ok || gave_up), wait, o.id[i], claim) < 0)
			log_warn("bank: notification %lld: outcome not "
			    "recorded (its claim runs out)", o.id[i]);
		if (ok)
			done++;
		else if (gave_up)
			log_warn("bank: notification %lld given up after %lld "
			    "attempts (%s, last status %ld); POST "
			    "/bank/api/redeliver sends it again", o.id[i],
			    o.attempts[i] + 1, st == 400 ? "refused" :
			    "Bank.MaxAttempts", st);
		else
			log_warn("bank: notification %lld attempt %lld failed "
			    "(status %ld), next in %lld ms", o.id[i],
			    o.attempts[i] + 1, st, wait / 1000);
	}
	if (stop != NULL && *stop)
		(void)db_exec(&set, STMT_OUTBOX_UNCLAIM, "s", claim);
	return done;
}

/* Notify-first: send now what hold_id owes (a query asked, or the card
 * page decided it under claim).  Returns the number delivered. */
static int
send_hold(long long hold_id)
{
	char	 claim[33];
	int	 rc;

	util_token_hex(claim, 16);
	if ((rc = db_exec(&set, STMT_OUTBOX_CLAIM_HOLD, "sii", claim,
	    (long long)LEASE_S, hold_id)) <= 0)
		return 0;
	return send_claimed(claim, NULL);
}

/* Outbox mode: wait (at most ms) until the deliverer has delivered or
 * given up what hold_id owes.  The worker makes no call to the app; it
 * looks at the outbox.  Returns 1 when nothing is owed any more. */
static int
wait_owed(long long hold_id, long long ms)
{
	struct timespec	 t0, t;
	long long	 owed = 1;

	if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0)
		return 0;
	for (;;) {
		if (db_one(&set, STMT_OUTBOX_OWED, "i", "i", hold_id,
		    &owed) != 1)
			return 0;
		if (owed == 0)
			return 1;
		if (clock_gettime(CLOCK_MONOTONIC, &t) != 0 ||
		    (t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 >= ms)
			return 0;
		(void)usleep(WAIT_STEP_US);
	}
}

/* Decide a pending hold by card (locked, in a transaction) and queue the
 * notification, under claim when not NULL (the worker sends it itself).
 * Returns 0, or a db.h error code. */
static int
decide(const struct hold *h, const struct card *c, const char *last4,
    const char *claim)
{
	struct sign_kv	 kv[5];
	char		 event[33], amount[24], *body;
	int		 rc;

	if ((rc = db_exec(&set, STMT_DECIDE, "sssi", c->type, c->reason,
	    last4, h->id)) < 0)
		return rc;
	if ((rc = ledger(h->id, c->reason ? "decline" : "authorize",
	    h->amount)) < 0)
		return rc;
	util_token_hex(event, 16);
	snprintf(amount, sizeof(amount), "%lld", h->amount);
	kv[0] = (struct sign_kv){ "event_id", event };
	kv[1] = (struct sign_kv){ "order_ref", h->order_ref };
	kv[2] = (struct sign_kv){ "type", c->type };
	kv[3] = (struct sign_kv){ "amount_fen", amount };
	kv[4] = (struct sign_kv){ "reason", c->reason };
	if ((body = sign_canon(kv, 5)) == NULL)
		return DB_ERR;
	rc = db_exec(&set, STMT_OUTBOX_ADD, "isssi", h->id, event, body, claim,
	    (long long)(claim != NULL ? LEASE_S : 0));
	free(body);
	return rc < 0 ? rc : 0;
}

/* Card number: digits (spaces allowed between groups), 16 to 19 of them.
 * Copies the digits to out.  0 ok, -1 malformed. */
static int
card_norm(const char *in, char out[20])
{
	size_t	 n = 0;

	for (; in != NULL && *in != '\0'; in++) {
		if (*in == ' ')
			continue;
		if (!isdigit((unsigned char)*in) || n == 19)
			return -1;
		out[n++] = *in;
	}
	out[n] = '\0';
	return n >= 16 ? 0 : -1;
}

static const struct card *
card_find(const char *no)
{
	size_t	 i;

	for (i = 0; i < sizeof(cards) / sizeof(cards[0]); i++)
		if (strcmp(cards[i].no, no) == 0)
			return &cards[i];
	return &other_card;
}

/* --- the card page ------------------------------------------------------ */

/* Fill the page's data for hold h.  Returns the template to render. */
static const char *
pay_view(struct req *r, const struct hold *h)
{
	char	 yuan[32], key[32];
	size_t	 i;

	util_fen(h->amount, yuan, sizeof(yuan));
	web_set(r, "Page.Title", L("Lang.Bank.Title"));
	web_set(r, "Order.Token", h->token);
	web_set(r, "Order.Desc", h->descr);
	web_set(r, "Order.Ref", h->order_ref);
	web_set(r, "Order.Yuan", yuan);
	web_set(r, "Order.State", h->state);
	web_set(r, "Order.Expired", h->expired ? "1" : "0");
	web_setf(r, "Order.Return", "%s?order_ref=%s",
	    conf_str("Pay.ReturnUrl", "/pay/return"), h->order_ref);
	for (i = 0; i < sizeof(cards) / sizeof(cards[0]); i++) {
		snprintf(key, sizeof(key), "Cards.%zu.No", i);
		web_set(r, key, cards[i].no);
		snprintf(key, sizeof(key), "Cards.%zu.Result", i);
		web_set(r, key, cards[i].reason == NULL ? "authorized" :
		    cards[i].reason);
	}
	if (strcmp(h->state, "pending") != 0 || h->expired)
		return "bank/done.cs";
	return "bank/pay.cs";
}

/* POST with a card: decide the order.  Returns the status. */
static int
pay_submit(struct req *r, struct hold *h)
{
	const struct card	*c;
	struct mode		 m;
	char			 no[20], claim[33];
	int			 rc;

	if (card_norm(web_str(r, "card_no"), no) != 0) {
		db_rollback();
		web_fail(r, 422, L("Lang.Bank.BadCard"));
		return web_page(r, pay_view(r, h));
	}
	c = card_find(no);
	mode_get(&m);
	util_token_hex(claim, 16);
	if ((rc = decide(h, c, no + strlen(no) - 4, m.first ? claim :
	    NULL)) < 0 || (rc = db_commit()) < 0) {
		db_rollback();
		return web_dberr(rc);
	}
	log_info("bank: order %s %s%s%s", h->order_ref, c->type,
	    c->reason ? " " : "", c->reason ? c->reason : "");
	/*
	 * Notify-first: one attempt from here, before the browser is sent
	 * back (a failed one is the deliverer's after the backoff).
	 * Otherwise the deliverer sends it; the browser is sent back once it
	 * did, or after Bank.WaitMs at most, and the app's return page tells
	 * a payment still being confirmed.
	 */
	if (m.first)
		(void)send_claimed(claim, NULL);
	else if (m.wait_ms > 0)
		(void)wait_owed(h->id, m.wait_ms);
	return web_redirect(r, "%s?order_ref=%s",
	    conf_str("Pay.ReturnUrl", "/pay/return"), h->order_ref);
}

/* GET/POST /bank/pay?t=TOKEN */
static int
page_pay(struct req *r)
{
	struct hold	 h;
	const char	*t = web_str(r, "t");
	int		 rc;

	web_set(r, "Page.Title", L("Lang.Bank.Title"));
	if (t == NULL)
		return r->status ? web_page(r, "bank/done.cs") : 404;
	if ((rc = db_begin()) < 0)
		return web_dberr(rc);
	if ((rc = hold_by_token(t, &h)) <= 0) {
		db_rollback();
		return rc < 0 ? web_dberr(rc) : 404;
	}
	if (r->method == M_POST && strcmp(h.state, "pending") == 0 &&
	    !h.expired)
		return pay_submit(r, &h);
	db_rollback();
	if (r->method == M_POST && (strcmp(h.state, "authorized") == 0 ||
	    strcmp(h.state, "declined") == 0))
		/* Sent twice (double tap, back button): same answer. */
		return web_redirect(r, "%s?order_ref=%s",
		    conf_str("Pay.ReturnUrl", "/pay/return"), h.order_ref);
	if (r->method == M_POST)
		r->status = 409;
	return web_page(r, pay_view(r, &h));
}

/* --- the API ------------------------------------------------------------ */

/* POST /bank/api/authorize: order_ref, amount_fen, desc -> token=... */
static int
api_authorize(struct req *r)
{
	struct hold	 h;
	const char	*ref = web_str(r, "order_ref"), *desc = web_str(r, "desc");
	long long	 amount = web_int(r, "amount_fen");
	char		 hold_ref[33], token[33];
	int		 rc;

	if ((rc = api_check(r)) != 0)
		return rc;
	if (amount <= 0)
		return 400;
	util_token_hex(hold_ref, 16);
	util_token_hex(token, 16);
	rc = db_exec(&set, STMT_HOLD_NEW, "sssis", hold_ref, ref, token,
	    amount, desc != NULL ? desc : "");
	if (rc >= 0)
		return reply(r, "token=%s&state=pending", token);
	if (rc != DB_DUP)
		return web_dberr(rc);
	/* Asked again for the same order: the same token while pending. */
	if ((rc = db_begin()) < 0)
		return web_dberr(rc);
	if ((rc = hold_by_order(ref, &h)) <= 0) {
		db_rollback();
		return rc < 0 ? web_dberr(rc) : 409;
	}
	if (strcmp(h.state, "pending") != 0 || h.amount != amount) {
		db_rollback();
		return 409;
	}
	if ((rc = db_exec(&set, STMT_HOLD_REFRESH, "i", h.id)) < 0 ||
	    (rc = db_commit()) < 0) {
		db_rollback();
		return web_dberr(rc);
	}
	return reply(r, "token=%s&state=pending", h.token);
}

/* POST /bank/api/capture: order_ref, amount_fen.  200 captured (now or
 * before), 409 not capturable, 404 unknown, 400 amount differs. */
static int
api_capture(struct req *r)
{
	struct hold	 h;
	int		 rc;

	if ((rc = api_hold(r, &h)) != 0)
		return rc;
	if (h.amount != web_int(r, "amount_fen")) {
		db_rollback();
		return 400;
	}
	if (strcmp(h.state, "captured") == 0) {
		db_rollback();
		return reply(r, "state=captured");
	}
	if (strcmp(h.state, "authorized") != 0 || h.expired) {
		db_rollback();
		return 409;
	}
	if ((rc = db_exec(&set, STMT_CAPTURE, "i", h.id)) < 0 ||
	    (rc = ledger(h.id, "capture", h.amount)) < 0 ||
	    (rc = db_commit()) < 0) {
		db_rollback();
		return web_dberr(rc);
	}
	log_info("bank: order %s captured", h.order_ref);
	answer_late();
	return reply(r, "state=captured");
}

/* POST /bank/api/cancel: order_ref.  200 released (now or before, or
 * declined), 409 captured already, 404 unknown. */
static int
api_cancel(struct req *r)
{
	struct hold	 h;
	int		 rc, held;

	if ((rc = api_hold(r, &h)) != 0)
		return rc;
	if (strcmp(h.state, "captured") == 0) {
		db_rollback();
		return 409;
	}
	if (strcmp(h.state, "voided") == 0 ||
	    strcmp(h.state, "declined") == 0) {
		db_rollback();
		return reply(r, "state=%s", h.state);
	}
	held = strcmp(h.state, "authorized") == 0;
	if ((rc = db_exec(&set, STMT_VOID, "i", h.id)) < 0 ||
	    (held && (rc = ledger(h.id, "void", h.amount)) < 0) ||
	    (rc = db_commit()) < 0) {
		db_rollback();
		return web_dberr(rc);
	}
	log_info("bank: order %s voided", h.order_ref);
	answer_late();
	return reply(r, "state=voided");
}

/* POST /bank/api/query: order_ref -> state=...; re-sends what is owed. */
static int
api_query(struct req *r)
{
	struct hold	 h;
	struct mode	 m;
	int		 rc;

	if ((rc = api_hold(r, &h)) != 0)
		return rc;
	db_rollback();
	/* What the hold still owes is sent again: at once (notify-first),
	 * or by the deliverer, now rather than after its backoff. */
	mode_get(&m);
	if (m.first)
		(void)send_hold(h.id);
	else if (db_exec(&set, STMT_OUTBOX_REVIVE, "ii", h.id, h.id) > 0 &&
	    m.wait_ms > 0)
		(void)wait_owed(h.id, m.wait_ms);
	return reply(r, "state=%s", h.expired && strcmp(h.state,
	    "authorized") == 0 ? "expired" : h.state);
}

/* POST /bank/api/redeliver -> queued=N: every undelivered notification
 * (given up ones too) is due now; the deliverer sends them. */
static int
api_redeliver(struct req *r)
{
	int	 rc;

	if ((rc = api_check(r)) != 0)
		return rc;
	if ((rc = db_exec(&set, STMT_OUTBOX_REVIVE, "ii", 0LL, 0LL)) < 0)
		return web_dberr(rc);
	return reply(r, "queued=%d", rc);
}

/*
 * POST /bank/api/sandbox: notify_first (0 | 1), wait_ms (0..2000),
 * slow_ms (0..10000: capture and cancel answer that late), or
 * reset=1 (back to tucai.hdf) -> notify_first=N&wait_ms=N in force.  The
 * sandbox's behaviour, set by tests without restarting the bank; signed
 * like every API call.  A real provider has no such thing: this program
 * is only ever the sandbox.
 */
static int
api_sandbox(struct req *r)
{
	struct mode	 m;
	char		 first[4], wait[24], slow[24];
	const char	*f = NULL, *w = NULL, *sl = NULL;
	int		 rc;

	if ((rc = api_check(r)) != 0)
		return rc;
	if (!web_int(r, "reset")) {
		mode_get(&m);
		snprintf(first, sizeof(first), "%d", web_has(r, "notify_first") ?
		    web_int(r, "notify_first") != 0 : m.first);
		snprintf(wait, sizeof(wait), "%lld", web_has(r, "wait_ms") ?
		    web_int(r, "wait_ms") : m.wait_ms);
		snprintf(slow, sizeof(slow), "%lld", web_has(r, "slow_ms") ?
		    web_int(r, "slow_ms") : m.slow_ms);
		f = first;
		w = wait;
		sl = slow;
	}
	if ((rc = db_exec(&set, STMT_SANDBOX_SET, "sss", f, w, sl)) < 0)
		return web_dberr(rc);
	mode_get(&m);
	log_info("bank: sandbox mode %s, wait %lld ms, answers %lld ms late",
	    m.first ? "notify-first" : "outbox", m.wait_ms, m.slow_ms);
	if (m.slow_ms > 0)
		return reply(r, "notify_first=%d&wait_ms=%lld&slow_ms=%lld",
		    m.first, m.wait_ms, m.slow_ms);
	return reply(r, "notify_first=%d&wait_ms=%lld", m.first, m.wait_ms);
}

static const struct field pay_fields[] = {
	{ "t", FT_CODE, 64, F_REQ, "Lang.Field.Order" },
	{ "card_no", FT_TEXT, 40, 0, "Lang.Field.CardNo" },
};

static const struct field authorize_fields[] = {
	{ "order_ref", FT_CODE, 32, F_REQ, "order_ref" },
	{ "amount_fen", FT_INT, 10, F_REQ, "amount_fen" },
	{ "desc", FT_TEXT, 200, 0, "desc" },
};

static const struct field capture_fields[] = {
	{ "order_ref", FT_CODE, 32, F_REQ, "order_ref" },
	{ "amount_fen", FT_INT, 10, F_REQ, "amount_fen" },
};

static const struct field order_fields[] = {
	{ "order_ref", FT_CODE, 32, F_REQ, "order_ref" },
};

static const struct field statement_fields[] = {
	{ "day", FT_DATE, 10, 0, "day" },
};

static const struct field sandbox_fields[] = {
	{ "notify_first", FT_INT, 1, 0, "notify_first" },
	{ "wait_ms", FT_INT, 4, 0, "wait_ms" },
	{ "reset", FT_INT, 1, 0, "reset" },
	{ "slow_ms", FT_INT, 5, 0, "slow_ms" },
};

#define API	(PG_NOCSRF | PG_RAW)

static const struct page pages[] = {
	{ "/bank/pay", M_GET | M_POST, FIELDS(pay_fields), PG_FORM, 0,
	    page_pay },
	{ "/bank/api/authorize", M_POST, FIELDS(authorize_fields), API, 0,
	    api_authorize },
	{ "/bank/api/capture", M_POST, FIELDS(capture_fields), API, 0,
	    api_capture },
	{ "/bank/api/cancel", M_POST, FIELDS(order_fields), API, 0,
	    api_cancel },
	{ "/bank/api/query", M_POST, FIELDS(order_fields), API, 0,
	    api_query },
	{ "/bank/api/redeliver", M_POST, NOFIELDS, API, 0, api_redeliver },
	{ "/bank/api/sandbox", M_POST, FIELDS(sandbox_fields), API, 0,
	    api_sandbox },
	{ "/bank/api/statement", M_POST, FIELDS(statement_fields), API, 0,
	    bank_api_statement },
};

static const struct app app = {
	.name = "bank",
	.cookie = "tucai_bank",
	.cookie_path = "/bank",
	.kind = SESS_STUDENT,
	.login = "/bank/pay",
	.pages = pages,
	.npages = sizeof(pages) / sizeof(pages[0]),
	.more = wxsb_pages,	/* the sandbox WeChat (wxsandbox.c) */
};

/* --- the deliverer (bank.fcgi --deliver) ------------------------------- */

static volatile sig_atomic_t	 stopping;

static void
on_stop(int sig)
{

	stopping = 1;
}

/* Sleep ms, or less when a signal comes. */
static void
nap(long long ms)
{
	struct timespec	 ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	(void)nanosleep(&ts, NULL);
}

/*
 * The delivery loop: every Bank.PollMs (100 ms) it claims up to 4 due rows
 * of bank_outbox and sends them (right away again while it finds some).
 * Rows stay in the table until delivered, so a restart loses nothing; a
 * claim whose deliverer died runs out after LEASE_S and the row is taken
 * again.  Any number of deliverers may run: a row is claimed by one of
 * them at a time.  SIGTERM or SIGINT ends the loop after the attempt in
 * flight.
 */
static int
deliver_main(void)
{
	struct sigaction sa;
	long long	 poll;
	char		 claim[33];
	int		 rc;

	if (conf_load() != 0)
		return 1;
	if (log_open("bank-deliver") != 0)
		return 1;
	if (clock_init() != 0 || pay_check_config() != 0 ||
	    sodium_init() < 0)
		return 1;
	poll = conf_int("Bank.PollMs", 100);
	if (poll < 10)
		poll = 10;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: the nap ends */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0)
		return 1;
	(void)db_open();	/* the loop retries */
	log_info("deliverer started (every %lld ms to %s)", poll,
	    conf_str("Pay.NotifyUrl", "http://127.0.0.1:8080/pay/notify"));
	while (!stopping) {
		clock_tick();	/* a test may move the clock meanwhile */
		util_token_hex(claim, 16);
		rc = db_exec(&set, STMT_OUTBOX_CLAIM_DUE, "si", claim,
		    (long long)LEASE_S);
		if (rc > 0)
			(void)send_claimed(claim, &stopping);
		else if (rc == 0 || rc == DB_RETRY)
			nap(poll);
		else
			nap(1000);	/* the database is away */
	}
	db_close();
	log_info("deliverer stopped");
	return 0;
}

int
main(int argc, char *argv[])
{

	if (argc == 2 && strcmp(argv[1], "--deliver") == 0)
		return deliver_main();
	if (argc != 1) {
		fprintf(stderr, "usage: bank.fcgi [--deliver]\n");
		return 2;
	}
	{
		struct app	 a = app;

		a.nmore = wxsb_npages;	/* not a constant expression */
		return web_main(&a);
	}
}
