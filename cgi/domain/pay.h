/*
 * pay.h - payments: the provider interface and the payment records.
 *
 * A provider holds (freezes) the fee when the student pays, captures it
 * after the photo, and voids (releases) it when the booking is cancelled.
 * The `sandbox` provider talks HTTP (libcurl) to bank.fcgi; a real gateway
 * plugs in behind the same struct.  Notifications are signed (HMAC-SHA256
 * over the timestamp and the canonical body), checked in constant time
 * with a 300 s tolerance, deduplicated by event id, and checked against the
 * order's amount.  Every transition is idempotent, keyed by our order ref.
 */
#ifndef TUCAI_PAY_H
#define TUCAI_PAY_H

#include <stddef.h>

#include "domain/audit.h"

struct req;

/*
 * The provider calls (authorize, capture, cancel, query) return 0 on
 * success, -1 when the provider could not be reached or failed, and 1 when
 * the provider refused because of the order's state: authorize, the order
 * is already decided (use a new ref); capture, the hold is no longer
 * capturable (voided, declined, expired).
 */

struct pay_provider {
	const char	*name;
	/* How long the provider keeps a hold, in days (the default of
	 * Pay.HoldDays): a merchant cannot renew one without the payer. */
	int		 hold_days;
	/* Ask for a hold of amount_fen for order ref; fills the URL to send
	 * the browser to.  0 ok, -1 provider unreachable or refused. */
	int		(*authorize)(const char *ref, long long amount_fen,
			    const char *desc, char *url, size_t urlsz);
	/* Capture a hold.  0 ok (also when already captured), -1 error. */
	int		(*capture)(const char *ref, long long amount_fen);
	/* Release a hold.  0 ok (also when already voided/declined), -1. */
	int		(*cancel)(const char *ref);
	/* Ask the provider for the order's state ("authorized", ...). */
	int		(*query)(const char *ref, char *state, size_t sz);
	/* The statement (对账单) of day (YYYY-MM-DD, China; NULL: every
	 * order), as text malloc'd into *text (caller frees): one order a
	 * line, tab-separated: order_ref state amount_fen captured_fen
	 * captures voids expired capture_day.  0 ok, -1 error. */
	int		(*statement)(const char *day, char **text, size_t *len);
};

/* The provider named by Pay.Provider, or NULL. */
const struct pay_provider *pay_provider(void);
/* Does the provider take money online (a hold)?  0 for "onsite". */
int	 pay_online(void);
/* At start: Pay.Provider known, and not the sandbox when Site.Production
 * = 1.  0, or -1 (logged): the program must not start. */
int	 pay_check_config(void);
/* The hold's lifetime: Pay.HoldDays, else the provider's (1 to 30). */
int	 pay_hold_days(void);

/* Sign / verify "ts\n" + canonical body with Pay.Secret.  sig is hex.
 * pay_verify returns 0 when valid and fresh (|now - ts| <= 300 s), -1 when
 * not (bad or missing signature, timestamp malformed or out of window,
 * no secret configured).  The comparison is constant-time. */
#define PAY_WINDOW	300
void	 pay_sign(const char *ts, const char *body, char sig[65]);
int	 pay_verify(const char *ts, const char *body, const char *sig);

/*
 * Canonical body: the fields sorted by name (bytewise), empty values left
 * out, each "name=value" with both percent-encoded (RFC 3986 unreserved
 * characters kept, %XX upper case), joined by '&'.  It is also a valid
 * application/x-www-form-urlencoded body: the sender posts it as is.
 * Returns a malloc'd string (caller frees), or NULL when out of memory.
 */
struct pay_kv {
	const char	*k;
	const char	*v;	/* NULL or "" = left out */
};
char	*pay_canon(const struct pay_kv *, size_t n);

/*
 * Verify a signed request received by a FastCGI program (the notification
 * POST /pay/notify, the bank's /bank/api/...): the canonical body is built
 * from every Query.* parameter of the request, the timestamp and signature
 * come from the X-Tucai-Timestamp and X-Tucai-Signature headers.  Call it
 * from a PG_NOCSRF page's handler.  Returns 0 valid, -1 not (answer 400).
 * The same canonical body is copied to body (for pay_apply's record),
 * truncated to bodysz; body may be NULL.
 */
int	 pay_verify_req(struct req *, char *body, size_t bodysz);

/*
 * POST the signed canonical body of kv to url (server-to-server, libcurl,
 * 5 s timeout).  The response body (at most respsz - 1 bytes) is copied to
 * resp when not NULL.  Returns the HTTP status, or -1 when no answer came.
 */
long	 pay_post(const char *url, const struct pay_kv *, size_t n,
	    char *resp, size_t respsz);
/* The same for a body already in canonical form (an outbox row): signed
 * with the current time. */
long	 pay_post_body(const char *url, const char *canon, char *resp,
	    size_t respsz);

/* Find key in an x-www-form-urlencoded string and decode its value into
 * out.  Returns 0 found, -1 not found or too long. */
int	 pay_form_get(const char *form, const char *key, char *out,
	    size_t outsz);

/*
 * Order references: 24 random hex digits and a tag of 8, an HMAC under
 * Site.FormKey, so that the reference the bank sends the browser back
 * with is signed: pay_ref_signed() is 1 only for one we made.
 * pay_order_state() gives the states of a signed reference's payment and
 * booking (nothing personal): 1 found, 0 not (or not signed), or db.h.
 */
void	 pay_new_ref(char ref[33]);
int	 pay_ref_signed(const char *ref);
int	 pay_order_state(const char *ref, char *pstate, size_t psz,
	    char *bstate, size_t bsz);

/*
 * Outcomes of the payment calls.  They are never negative, so they never
 * meet a db.h code (outcome.h names them for the pages).
 */
enum pay_outcome {
	PAY_OK = 0,
	PAY_NOT_PAYABLE = 1,	/* nothing to pay, capture or record */
	PAY_PROVIDER = 2	/* the provider could not be reached or refused */
};

/*
 * Start paying for a booking: create (or reuse the open) payment row and
 * ask the provider for a hold.  Fills the browser's URL.  Returns PAY_OK,
 * PAY_NOT_PAYABLE (not held and not asked to confirm again, or already
 * paid), PAY_PROVIDER, or a db.h error code.
 */
int	 pay_start(long long booking_id, char *url, size_t urlsz);

/*
 * Apply a verified notification.  The sandbox bank posts the fields
 * event_id, order_ref, type (authorized | declined | captured | voided),
 * amount_fen and reason (card_bind_failed | insufficient_funds, declined
 * only); /pay/notify checks them with pay_verify_req() and passes them on.  Returns 200 (applied or duplicate),
 * 400 (unknown order, amount mismatch, bad event), or a db.h error code.
 */
int	 pay_apply(const char *event_id, const char *order_ref,
	    const char *type, long long amount_fen, const char *reason,
	    const char *body);

/* Capture the booking's authorised hold exactly once (photo taken).
 * Returns PAY_OK captured now or before, PAY_NOT_PAYABLE nothing to
 * capture (lapsed, onsite, free task), PAY_PROVIDER (retry later), or a
 * db.h error code. */
int	 pay_capture_booking(long long booking_id);

/* Release the booking's hold, exactly once.  PAY_OK released or nothing
 * to release, PAY_PROVIDER, or a db.h error code. */
int	 pay_void_booking(long long booking_id);

/* Housekeeping: ask the provider about open orders not heard of for two
 * minutes (a notification lost on the way is sent again).  Returns 0 with
 * the number asked, or a db.h error code. */
int	 pay_reconcile(int *asked);

/* Record a fee collected on site by staff (walk-in or lapsed hold).
 * method: cash, card, wechat, alipay.  Audited.  Returns PAY_OK recorded,
 * PAY_NOT_PAYABLE the booking is already paid (a hold, captured, onsite),
 * DB_CHECK bad method or amount or unknown booking, or a db.h error. */
int	 pay_onsite(long long booking_id, long long amount_fen,
	    const char *method, const struct actor *);

/* The booking's payment for display: state ("authorized", ...), amount and
 * failure reason of its latest payment.  Returns 1 found, 0 none, or a db.h
 * error code. */
int	 pay_status(long long booking_id, char *state, size_t statesz,
	    long long *amount_fen, char *failure, size_t failuresz);

#endif
