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
 *   POST /bank/api/statement   the statement (对账单) for reconciliation
 *                              (bank_stmt.c)
 *
 * The API calls are signed like the notifications (pay.h); a bad or stale
 * signature gets 400.  The bank keeps its own tables (bank_hold,
 * bank_ledger, bank_outbox); each state change is a conditional UPDATE on a
 * locked hold, and a ledger row is unique per (hold, kind), so a capture or
 * a void happens once however often it is asked for.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "pay.h"
#include "util.h"
#include "web.h"

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
	STMT_OUTBOX_PENDING,
	STMT_OUTBOX_MARK,
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
	/* STMT_OUTBOX_ADD */
	"INSERT INTO bank_outbox (hold_id, event_id, body) VALUES (?, ?, ?)",
	/* STMT_OUTBOX_PENDING: undelivered notifications (of one hold, or all) */
	"SELECT id, body FROM bank_outbox WHERE delivered_at IS NULL "
	"AND (? = 0 OR hold_id = ?) ORDER BY id LIMIT 20",
	/* STMT_OUTBOX_MARK: one attempt, delivered when ok */
	"UPDATE bank_outbox SET attempts = attempts + 1, last_status = ?, "
	"delivered_at = IF(? = 1, UTC_TIMESTAMP(), NULL) "
	"WHERE id = ? AND delivered_at IS NULL",
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
	return pay_verify_req(r, NULL, 0) == 0 ? 0 : 400;
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

struct outbox {
	long long	 id[20];
	char		*body[20];
	int		 n;
};

static int
on_outbox(void *arg, int ncol, char **val, unsigned long *len)
{
	struct outbox	*o = arg;

	if (o->n < 20 && ncol == 2 && val[0] != NULL && val[1] != NULL &&
	    (o->body[o->n] = strdup(val[1])) != NULL)
		o->id[o->n++] = strtoll(val[0], NULL, 10);
	return 0;
}

/*
 * Send the undelivered notifications of one hold (or all, hold_id 0) to
 * Pay.NotifyUrl, each up to 3 times in quick succession.  Returns the
 * number delivered.
 */
static int
deliver(long long hold_id)
{
	static const useconds_t	 pause[] = { 0, 200000, 600000 };
	struct outbox		 o;
	const char		*url = conf_str("Pay.NotifyUrl",
	    "http://127.0.0.1:8080/pay/notify");
	long			 st = -1;
	int			 i, k, done = 0;

	memset(&o, 0, sizeof(o));
	if (db_each(&set, STMT_OUTBOX_PENDING, on_outbox, &o, "ii", hold_id,
	    hold_id) < 0)
		return 0;
	for (i = 0; i < o.n; i++) {
		for (k = 0; k < 3; k++) {
			if (pause[k])
				usleep(pause[k]);
			st = pay_post_body(url, o.body[i], NULL, 0);
			if (st == 200 || st == 400)
				break;	/* 400: refused, retrying won't help */
		}
		(void)db_exec(&set, STMT_OUTBOX_MARK, "iii", (long long)st,
		    (long long)(st == 200), o.id[i]);
		if (st == 200)
			done++;
		else
			log_warn("bank: notification %lld not delivered (%ld)",
			    o.id[i], st);
		free(o.body[i]);
	}
	return done;
}

/* Decide a pending hold by card (locked, in a transaction) and queue the
 * notification.  Returns 0, or a db.h error code. */
static int
decide(const struct hold *h, const struct card *c, const char *last4)
{
	struct pay_kv	 kv[5];
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
	kv[0] = (struct pay_kv){ "event_id", event };
	kv[1] = (struct pay_kv){ "order_ref", h->order_ref };
	kv[2] = (struct pay_kv){ "type", c->type };
	kv[3] = (struct pay_kv){ "amount_fen", amount };
	kv[4] = (struct pay_kv){ "reason", c->reason };
	if ((body = pay_canon(kv, 5)) == NULL)
		return DB_ERR;
	rc = db_exec(&set, STMT_OUTBOX_ADD, "iss", h->id, event, body);
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
	web_set(r, "Page.Title", "银行卡预授权");
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
	char			 no[20];
	int			 rc;

	if (card_norm(web_str(r, "card_no"), no) != 0) {
		db_rollback();
		web_fail(r, 422, "请输入正确的银行卡号（16 至 19 位数字）");
		return web_page(r, pay_view(r, h));
	}
	c = card_find(no);
	if ((rc = decide(h, c, no + strlen(no) - 4)) < 0 ||
	    (rc = db_commit()) < 0) {
		db_rollback();
		return web_dberr(rc);
	}
	log_info("bank: order %s %s%s%s", h->order_ref, c->type,
	    c->reason ? " " : "", c->reason ? c->reason : "");
	(void)deliver(h->id);
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

	web_set(r, "Page.Title", "银行卡预授权");
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
	return reply(r, "state=voided");
}

/* POST /bank/api/query: order_ref -> state=...; re-sends what is owed. */
static int
api_query(struct req *r)
{
	struct hold	 h;
	int		 rc;

	if ((rc = api_hold(r, &h)) != 0)
		return rc;
	db_rollback();
	(void)deliver(h.id);
	return reply(r, "state=%s", h.expired && strcmp(h.state,
	    "authorized") == 0 ? "expired" : h.state);
}

/* POST /bank/api/redeliver -> delivered=N */
static int
api_redeliver(struct req *r)
{
	int	 rc;

	if ((rc = api_check(r)) != 0)
		return rc;
	return reply(r, "delivered=%d", deliver(0));
}

static const struct field pay_fields[] = {
	{ "t", FT_CODE, 64, F_REQ, "订单" },
	{ "card_no", FT_TEXT, 40, 0, "银行卡号" },
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
};

int
main(void)
{

	return web_main(&app);
}
