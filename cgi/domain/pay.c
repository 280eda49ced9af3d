/*
 * pay.c - payments: the provider table (pay_sandbox.c, onsite) and
 * the payment records (see pay.h).
 *
 * Every state change is a conditional UPDATE keyed by our order ref
 * ("... WHERE ref = ? AND state = 'created'"), so a repeated or concurrent
 * notification, capture or void changes a payment at most once.  Provider
 * calls are made outside transactions; the bank side is idempotent by
 * order ref, so a call repeated after a crash is harmless.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ClearSilver.h>
#include <sodium.h>

#include "domain/audit.h"
#include "domain/bstate.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "domain/pay.h"
#include "infra/text.h"
#include "infra/util.h"

enum stmt {
	STMT_BOOKING_LOCK,
	STMT_PAY_BOOKING,
	STMT_PAID,
	STMT_OPEN,
	STMT_NEW,
	STMT_STALE,
	STMT_EVENT,
	STMT_PAY_LOCK,
	STMT_OTHER_PAID,
	STMT_TO_AUTHORIZED,
	STMT_TO_FAILED,
	STMT_TO_CAPTURED,
	STMT_TO_VOIDED,
	STMT_TO_LAPSED,
	STMT_CAPTURABLE,
	STMT_VOIDABLE,
	STMT_ONSITE_NEW,
	STMT_STATUS,
	STMT_UNHEARD,
	STMT_VOID_OTHERS,
	STMT_ORDER_STATE,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_BOOKING_LOCK: the booking, its fee and school (row locked);
	 * again: asked to confirm its hold again, or 到场支付 */
	"SELECT b.state, t.fee_fen, t.title, t.school_id, "
	"b.reauth_by IS NOT NULL OR b.pay_onsite = 1 FROM booking b "
	"JOIN task t ON t.id = b.task_id WHERE b.id = ? FOR UPDATE",
	/* STMT_PAY_BOOKING: the booking an order belongs to (no lock: the
	 * booking's row lock is taken before the payment's) */
	"SELECT booking_id FROM payment WHERE ref = ?",
	/* STMT_PAID: payments that already cover the booking */
	"SELECT COUNT(*) FROM payment WHERE booking_id = ? "
	"AND state IN ('authorized', 'captured', 'onsite')",
	/* STMT_OPEN: the open order of the booking, for the same amount */
	"SELECT ref FROM payment WHERE booking_id = ? AND state = 'created' "
	"AND amount_fen = ? ORDER BY id DESC LIMIT 1",
	/* STMT_NEW */
	"INSERT INTO payment (booking_id, provider, ref, amount_fen, state) "
	"VALUES (?, ?, ?, ?, 'created')",
	/* STMT_STALE: an open order the provider has decided without telling */
	"UPDATE payment SET state = 'failed', failure = 'stale', "
	"updated_at = UTC_TIMESTAMP() WHERE ref = ? AND state = 'created'",
	/* STMT_EVENT: deduplication by the provider's event id */
	"INSERT INTO payment_event (payment_id, event_id, kind, body) "
	"VALUES (?, ?, ?, ?)",
	/* STMT_PAY_LOCK */
	"SELECT id, booking_id, amount_fen FROM payment WHERE ref = ? "
	"FOR UPDATE",
	/* STMT_OTHER_PAID: another payment already covers the booking */
	"SELECT COUNT(*) FROM payment WHERE booking_id = ? AND id <> ? "
	"AND state IN ('authorized', 'captured', 'onsite')",
	/* STMT_TO_AUTHORIZED */
	"UPDATE payment SET state = 'authorized', "
	"hold_expires_at = UTC_TIMESTAMP() + INTERVAL ? DAY, "
	"updated_at = UTC_TIMESTAMP() WHERE id = ? AND state = 'created'",
	/* STMT_TO_FAILED */
	"UPDATE payment SET state = 'failed', failure = ?, "
	"updated_at = UTC_TIMESTAMP() WHERE id = ? AND state = 'created'",
	/* STMT_TO_CAPTURED: the provider is the authority on money taken,
	 * also when the sweep lapsed the hold while the capture was on its
	 * way */
	"UPDATE payment SET state = 'captured', updated_at = UTC_TIMESTAMP() "
	"WHERE ref = ? AND state IN ('authorized', 'lapsed')",
	/* STMT_TO_VOIDED */
	"UPDATE payment SET state = 'voided', updated_at = UTC_TIMESTAMP() "
	"WHERE ref = ? AND state IN ('created', 'authorized')",
	/* STMT_TO_LAPSED */
	"UPDATE payment SET state = 'lapsed', updated_at = UTC_TIMESTAMP() "
	"WHERE ref = ? AND state = 'authorized'",
	/* STMT_CAPTURABLE: the hold to capture (or the captured one) */
	"SELECT ref, amount_fen, state, "
	"COALESCE(hold_expires_at < UTC_TIMESTAMP(), 0) FROM payment "
	"WHERE booking_id = ? AND state IN ('authorized', 'captured') "
	"ORDER BY state = 'captured' DESC, id DESC LIMIT 1",
	/* STMT_VOIDABLE: open orders and holds of the booking */
	"SELECT ref FROM payment WHERE booking_id = ? "
	"AND state IN ('created', 'authorized') ORDER BY id",
	/* STMT_ONSITE_NEW */
	"INSERT INTO payment (booking_id, provider, ref, amount_fen, state, "
	"method) VALUES (?, 'onsite', ?, ?, 'onsite', ?)",
	/* STMT_STATUS: the latest payment of the booking */
	"SELECT state, amount_fen, COALESCE(failure, '') FROM payment "
	"WHERE booking_id = ? ORDER BY id DESC LIMIT 1",
	/* STMT_UNHEARD: open orders we have not heard about for a while */
	"SELECT ref FROM payment WHERE state = 'created' AND "
	"created_at < UTC_TIMESTAMP() - INTERVAL 2 MINUTE AND "
	"created_at > UTC_TIMESTAMP() - INTERVAL 1 DAY ORDER BY id LIMIT 200",
	/* STMT_VOID_OTHERS: the booking's older holds and orders, once a
	 * new hold (the confirmation again) replaced them */
	"SELECT ref FROM payment WHERE booking_id = ? AND ref <> ? "
	"AND state IN ('created', 'authorized') ORDER BY id",
	/* STMT_ORDER_STATE: an order's state and its booking's, nothing else */
	"SELECT p.state, b.state FROM payment p JOIN booking b "
	"ON b.id = p.booking_id WHERE p.ref = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("pay", stmts);

/* The booking side of a payment (pay_listen). */
static const struct pay_listener *listener;

void
pay_listen(const struct pay_listener *l)
{

	listener = l;
}

/* --- order references ------------------------------------------------ */

/* The tag of an order reference's random part: HMAC-SHA256 under
 * Site.FormKey, 4 bytes as hex. */
static void
ref_tag(const char *rnd, char tag[9])
{
	crypto_auth_hmacsha256_state	 st;
	const char			*key = conf_str("Site.FormKey", "");
	unsigned char			 mac[32];

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key,
	    strlen(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"order:", 6);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)rnd, 24);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(tag, 9, mac, 4);
	sodium_memzero(&st, sizeof(st));
}

void
pay_new_ref(char ref[33])
{

	util_token_hex(ref, 12);
	ref_tag(ref, ref + 24);
}

int
pay_ref_signed(const char *ref)
{
	char	 tag[9];
	size_t	 i;

	if (ref == NULL || strlen(ref) != 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)ref[i]))
			return 0;
	ref_tag(ref, tag);
	return sodium_memcmp(tag, ref + 24, 8) == 0;
}

int
pay_order_state(const char *ref, char *pstate, size_t psz, char *bstate,
    size_t bsz)
{

	if (!pay_ref_signed(ref))
		return 0;
	return db_one(&set, STMT_ORDER_STATE, "s", "ss", ref, pstate, psz,
	    bstate, bsz);
}

/* No money online: students book without paying, the station collects
 * the fee (pay_onsite) and the cash-up (日结) counts it. */
static const struct pay_provider onsite = {
	"onsite", 0, NULL, NULL, NULL, NULL, NULL
};

/* The providers Pay.Provider may name (doc/PROVIDERS.md). */
static const struct pay_provider *const providers[] = {
	&pay_sandbox,
	&onsite,
};

const struct pay_provider *
pay_provider(void)
{
	const char	*name = conf_str("Pay.Provider", "sandbox");
	size_t		 i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

int
pay_online(void)
{
	const struct pay_provider	*pp = pay_provider();

	return pp != NULL && pp->authorize != NULL;
}

int
pay_check_config(void)
{

	if (pay_provider() == NULL) {
		log_warn("Pay.Provider %s: no such provider (sandbox, onsite)",
		    conf_str("Pay.Provider", "sandbox"));
		return -1;
	}
	if (conf_int("Site.Production", 0) == 1 &&
	    strcmp(pay_provider()->name, "sandbox") == 0) {
		log_warn("Pay.Provider = sandbox with Site.Production = 1: "
		    "the sandbox approves any test card; refusing to start");
		return -1;
	}
	return 0;
}

int
pay_hold_days(void)
{
	const struct pay_provider	*pp = pay_provider();
	long long			 d;

	d = conf_int("Pay.HoldDays", pp != NULL ? pp->hold_days : 7);
	return d < 1 ? 1 : d > 30 ? 30 : (int)d;
}

/* --- payment records -------------------------------------------------- */

/*
 * In one transaction with the booking row locked (two tabs at once share
 * one order): find or create the open order.  Returns 0 with ref, amount
 * and desc filled, 1 not payable, or a db.h error code.
 */
static int
order_open(long long booking_id, char ref[33], long long *amount,
    char *desc, size_t descsz)
{
	char		 state[16];
	long long	 school, paid, again;
	int		 rc;

	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_BOOKING_LOCK, "i", "sisii", booking_id,
	    state, sizeof(state), amount, desc, descsz, &school, &again);
	if (rc <= 0 || *amount <= 0)
		goto done;
	/* A held seat pays; a booked one only to confirm its hold again
	 * (the old one would lapse before the slot). */
	if (again && (bs_parse(state) == BS_BOOKED ||
	    bs_parse(state) == BS_CHECKED_IN))
		;
	else if (bs_parse(state) != BS_HELD)
		goto done;
	else if ((rc = db_one(&set, STMT_PAID, "i", "i", booking_id,
	    &paid)) <= 0 || paid > 0)
		goto done;
	rc = db_one(&set, STMT_OPEN, "ii", "s", booking_id, *amount,
	    ref, (size_t)33);
	if (rc == 0) {
		pay_new_ref(ref);
		rc = db_exec(&set, STMT_NEW, "issi", booking_id,
		    pay_provider()->name, ref, *amount);
	}
	if (rc < 0)
		goto done;
	if ((rc = db_commit()) < 0)
		return rc;
	return 0;
done:
	db_rollback();
	return rc < 0 ? rc : 1;
}

int
pay_start(long long booking_id, char *url, size_t urlsz)
{
	const struct pay_provider	*pp = pay_provider();
	char				 ref[33], desc[UTF8_BUF(200)], state[32];
	long long			 amount;
	int				 rc, tries;

	if (pp == NULL || pp->authorize == NULL) {
		log_warn("pay: Pay.Provider %s takes no money online",
		    pp != NULL ? pp->name : "?");
		return PAY_PROVIDER;
	}
	for (tries = 0; tries < 2; tries++) {
		DB_TX(rc, order_open(booking_id, ref, &amount, desc,
		    sizeof(desc)));
		if (rc != 0)
			return rc == 1 ? PAY_NOT_PAYABLE : rc;
		if ((rc = pp->authorize(ref, amount, desc, url, urlsz)) == 0)
			return PAY_OK;
		if (rc < 0)
			return PAY_PROVIDER;
		/* Decided at the provider but we never heard: asking makes
		 * the bank send the notification again; an order still open
		 * after that is stale, and a new one is made. */
		log_info("pay: order %s already decided, querying", ref);
		if (pp->query(ref, state, sizeof(state)) != 0)
			return PAY_PROVIDER;
		if ((rc = db_exec(&set, STMT_STALE, "s", ref)) < 0)
			return rc;
	}
	return PAY_PROVIDER;
}

/* Release a hold that nothing needs (booking gone, or paid twice). */
static void
release(const char *ref)
{
	const struct pay_provider	*pp = pay_provider();

	if (pp != NULL && pp->cancel != NULL && pp->cancel(ref) == 0)
		(void)db_exec(&set, STMT_TO_VOIDED, "s", ref);
	else
		log_warn("pay: could not release order %s (close-out or "
		    "sweep will)", ref);
}

/* Change the locked payment per the event type.  Returns rows changed
 * (0 or 1), 400 for an unknown type, or a db.h error code. */
static int
transition(long long pid, const char *ref, const char *type,
    const char *reason)
{

	if (strcmp(type, "authorized") == 0)
		return db_exec(&set, STMT_TO_AUTHORIZED, "ii", pay_hold_days(),
		    pid);
	if (strcmp(type, "declined") == 0)
		return db_exec(&set, STMT_TO_FAILED, "si",
		    reason != NULL && *reason != '\0' ? reason : "declined",
		    pid);
	if (strcmp(type, "captured") == 0)
		return db_exec(&set, STMT_TO_CAPTURED, "s", ref);
	if (strcmp(type, "voided") == 0)
		return db_exec(&set, STMT_TO_VOIDED, "s", ref);
	return 400;
}

struct refs {
	char	 ref[16][33];
	int	 n;
};

static int
on_ref(void *arg, int ncol, char **val, unsigned long *len)
{
	struct refs	*r = arg;

	if (r->n < 16 && ncol == 1 && val[0] != NULL)
		snprintf(r->ref[r->n++], 33, "%s", val[0]);
	return 0;
}

/* The booking of an order, 0 if none. */
static long long
booking_of(const char *ref)
{
	long long	 b = 0;

	if (db_one(&set, STMT_PAY_BOOKING, "s", "i", ref, &b) <= 0)
		return 0;
	return b;
}

/* Release every hold and open order of the booking but keep (the new
 * hold that replaced them). */
static void
void_others(long long booking_id, const char *keep)
{
	struct refs	 r;
	int		 i;

	memset(&r, 0, sizeof(r));
	if (booking_id == 0 || db_each(&set, STMT_VOID_OTHERS, on_ref, &r,
	    "is", booking_id, keep) < 0)
		return;
	for (i = 0; i < r.n; i++) {
		log_info("pay: order %s replaced by %s", r.ref[i], keep);
		release(r.ref[i]);
	}
}

/*
 * One notification in one transaction.  Lock order, as everywhere: the
 * booking's row first, then the payment's, so that a cancel, a change of
 * slot, a check-in and this notification of the same booking queue on
 * the booking.  An authorisation books the held seat in the same
 * commit; one that comes for a booking that has ended (or is paid by
 * another order) sets *release_it to 1, and the hold goes back after the
 * commit; the confirmation again of a booking whose hold would lapse
 * sets it to 2, and the booking's older holds go back instead.
 * Returns 200, 400 or a db.h code.
 */
static int
apply_once(const char *event_id, const char *order_ref, const char *type,
    long long amount_fen, const char *reason, const char *body,
    int *release_it)
{
	long long	 pid, booking, amount, other = 0;
	int		 rc, changed, live;

	*release_it = 0;
	if (listener == NULL) {
		log_warn("pay: no booking listener (booking_init not called)");
		return DB_ERR;
	}
	if ((rc = db_begin()) < 0)
		return rc;
	if ((rc = db_one(&set, STMT_PAY_BOOKING, "s", "i", order_ref,
	    &booking)) <= 0) {
		db_rollback();
		return rc < 0 ? rc : 400;
	}
	if ((rc = listener->lock(booking, &live)) < 0)
		goto fail;
	if ((rc = db_one(&set, STMT_PAY_LOCK, "s", "iii", order_ref, &pid,
	    &booking, &amount)) <= 0) {
		db_rollback();
		return rc < 0 ? rc : 400;
	}
	/* Deduplication by the provider's event id, under the lock. */
	rc = db_exec(&set, STMT_EVENT, "isss", pid, event_id, type,
	    body != NULL ? body : "");
	if (rc == DB_DUP) {
		db_rollback();
		log_info("pay: duplicate event for order %s ignored", order_ref);
		return 200;
	}
	if (rc < 0)
		goto fail;
	if (amount != amount_fen) {
		db_rollback();
		log_warn("pay: order %s: amount %lld does not match %lld",
		    order_ref, amount_fen, amount);
		return 400;
	}
	if ((changed = transition(pid, order_ref, type, reason)) == 400) {
		db_rollback();
		return 400;
	}
	if ((rc = changed) < 0)
		goto fail;
	if (changed && strcmp(type, "authorized") == 0) {
		if ((rc = db_one(&set, STMT_OTHER_PAID, "ii", "i", booking,
		    pid, &other)) < 0)
			goto fail;
		/* The hold stands: book the seat; or it is the student's
		 * confirmation again, and the older holds go; or give the
		 * money back when the booking went meanwhile or is paid
		 * already. */
		if (!live)
			*release_it = 1;
		else if ((rc = listener->reauth_done(booking)) < 0)
			goto fail;
		else if (rc == 1) {
			if (other > 0)
				*release_it = 2;
		} else if (other > 0)
			*release_it = 1;
		else if ((rc = listener->paid(booking)) < 0)
			goto fail;
		else if (rc == 1)
			*release_it = 1;
	}
	if ((rc = db_commit()) < 0)
		return rc;
	log_info("pay: order %s %s%s", order_ref, type,
	    changed ? "" : " (no change)");
	return 200;
fail:
	db_rollback();
	return rc;
}

int
pay_apply(const char *event_id, const char *order_ref, const char *type,
    long long amount_fen, const char *reason, const char *body)
{
	int	 rc, release_it;

	if (event_id == NULL || order_ref == NULL || type == NULL ||
	    *event_id == '\0')
		return 400;
	DB_TX(rc, apply_once(event_id, order_ref, type, amount_fen, reason,
	    body, &release_it));
	if (rc == 200 && release_it == 1)
		release(order_ref);
	else if (rc == 200 && release_it == 2)
		void_others(booking_of(order_ref), order_ref);
	return rc;
}

int
pay_capture_booking(long long booking_id)
{
	const struct pay_provider	*pp = pay_provider();
	char				 ref[33], state[16];
	long long			 amount, expired;
	int				 rc;

	rc = db_one(&set, STMT_CAPTURABLE, "i", "sisi", booking_id,
	    ref, sizeof(ref), &amount, state, sizeof(state), &expired);
	if (rc <= 0)
		return rc < 0 ? rc : PAY_NOT_PAYABLE;
	if (strcmp(state, "captured") == 0)
		return PAY_OK;
	if (pp == NULL || pp->capture == NULL)
		return PAY_PROVIDER;
	/* The bank captures once per order, so a retry after a crash
	 * between its answer and our UPDATE is safe. */
	if ((rc = pp->capture(ref, amount)) < 0)
		return PAY_PROVIDER;
	if (rc == 1) {
		log_warn("pay: order %s: hold not capturable%s", ref,
		    expired ? " (expired)" : "");
		if (expired && (rc = db_exec(&set, STMT_TO_LAPSED, "s",
		    ref)) < 0)
			return rc;
		return PAY_NOT_PAYABLE;
	}
	if ((rc = db_exec(&set, STMT_TO_CAPTURED, "s", ref)) < 0)
		return rc;
	log_info("pay: order %s captured%s", ref, rc ? "" : " (before)");
	return PAY_OK;
}

int
pay_void_booking(long long booking_id)
{
	const struct pay_provider	*pp = pay_provider();
	struct refs			 r;
	int				 i, rc;

	memset(&r, 0, sizeof(r));
	if ((rc = db_each(&set, STMT_VOIDABLE, on_ref, &r, "i",
	    booking_id)) < 0)
		return rc;
	for (i = 0; i < r.n; i++) {
		if (pp == NULL || pp->cancel == NULL ||
		    (rc = pp->cancel(r.ref[i])) < 0)
			return PAY_PROVIDER;
		if (rc == 1) {
			/* Captured at the bank already: reflect it. */
			log_warn("pay: order %s captured, cannot void",
			    r.ref[i]);
			if ((rc = db_exec(&set, STMT_TO_CAPTURED, "s",
			    r.ref[i])) < 0)
				return rc;
			continue;
		}
		if ((rc = db_exec(&set, STMT_TO_VOIDED, "s", r.ref[i])) < 0)
			return rc;
		log_info("pay: order %s voided%s", r.ref[i],
		    rc ? "" : " (before)");
	}
	return 0;
}

static const char *const onsite_methods[] = {
	"cash", "card", "wechat", "alipay",
};
/* ... as the audit trail shows them: words */
static const char *const onsite_zh[] = {
	"Lang.Pay.Method.cash", "Lang.Pay.Method.card",
	"Lang.Pay.Method.wechat", "Lang.Pay.Method.alipay",
};
_Static_assert(sizeof(onsite_zh) == sizeof(onsite_methods), "onsite_zh");

static int
onsite_once(long long booking_id, long long amount_fen, const char *method,
    const struct actor *who)
{
	char		 ref[33], state[16], title[UTF8_BUF(200)], after[128];
	char		 yuan[32];
	long long	 fee, school, paid, again;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(onsite_methods) / sizeof(onsite_methods[0]);
	    i++)
		if (method != NULL && strcmp(method, onsite_methods[i]) == 0)
			break;
	if (i == sizeof(onsite_methods) / sizeof(onsite_methods[0]) ||
	    amount_fen < 0)
		return DB_CHECK;
	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_BOOKING_LOCK, "i", "sisii", booking_id,
	    state, sizeof(state), &fee, title, sizeof(title), &school, &again);
	if (rc <= 0) {
		db_rollback();
		return rc < 0 ? rc : DB_CHECK;
	}
	if ((rc = db_one(&set, STMT_PAID, "i", "i", booking_id, &paid)) < 0)
		goto fail;
	if (paid > 0) {
		db_rollback();
		return PAY_NOT_PAYABLE;
	}
	util_token_hex(ref, 16);
	if ((rc = db_exec(&set, STMT_ONSITE_NEW, "isis", booking_id, ref,
	    amount_fen, method)) < 0)
		goto fail;
	snprintf(yuan, sizeof(yuan), "%lld.%02lld", amount_fen / 100,
	    amount_fen % 100);
	(void)LF(after, sizeof(after), "Lang.Pay.Onsite",
	    LS("method", L(onsite_zh[i])), LS("yuan", yuan));
	if ((rc = audit_add(who, "pay_onsite", "booking", booking_id, school,
	    "payment", NULL, after, NULL)) < 0)
		goto fail;
	return db_commit();
fail:
	db_rollback();
	return rc;
}

int
pay_onsite(long long booking_id, long long amount_fen, const char *method,
    const struct actor *who)
{
	int	 rc;

	DB_TX(rc, onsite_once(booking_id, amount_fen, method, who));
	return rc;
}

int
pay_status(long long booking_id, char *state, size_t statesz,
    long long *amount_fen, char *failure, size_t failuresz)
{

	return db_one(&set, STMT_STATUS, "i", "sis", booking_id, state,
	    statesz, amount_fen, failure, failuresz);
}

/* Collects refs from STMT_UNHEARD. */
struct reflist {
	char	 ref[200][33];
	int	 n;
};

static int
ref_cb(void *arg, int ncol, char **val, unsigned long *len)
{
	struct reflist	*l = arg;

	if (l->n < 200 && val[0] != NULL)
		snprintf(l->ref[l->n++], sizeof(l->ref[0]), "%s", val[0]);
	return 0;
}

int
pay_reconcile(int *asked)
{
	const struct pay_provider	*pp = pay_provider();
	struct reflist			*l;
	char				 state[32];
	int				 rc, i;

	*asked = 0;
	if (pp == NULL || pp->query == NULL)
		return 0;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return DB_ERR;
	if ((rc = db_each(&set, STMT_UNHEARD, ref_cb, l, "")) < 0) {
		free(l);
		return rc;
	}
	/* Asking makes the provider send a decided order's notification
	 * again; an undecided one stays open until its seat expires. */
	for (i = 0; i < l->n; i++)
		if (pp->query(l->ref[i], state, sizeof(state)) == 0)
			(*asked)++;
	free(l);
	return 0;
}
