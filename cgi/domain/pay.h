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

/*
 * What a payment tells its booking, inside the payment's transaction: the
 * booking's row lock first (lock order booking -> payment), then a new
 * hold for a booking asked to confirm again (reauth_done), or the hold
 * that books the seat (paid).  Each returns what booking.h says of
 * booking_lock(), booking_reauth_done() and booking_paid().  booking.c
 * registers them (booking_init), so payment never calls booking: the
 * arrows point one way, booking -> payment.
 */
struct pay_listener {
	int	(*lock)(long long booking_id, int *live);
	int	(*reauth_done)(long long booking_id);
	int	(*paid)(long long booking_id);
};
void	 pay_listen(const struct pay_listener *);

/* The sandbox (pay_sandbox.c); more providers plug in beside it. */
extern const struct pay_provider pay_sandbox;

/* The provider named by Pay.Provider, or NULL. */
const struct pay_provider *pay_provider(void);
/* Does the provider take money online (a hold)?  0 for "onsite". */
int	 pay_online(void);
/* At start: Pay.Provider known, and not the sandbox when Site.Production
 * = 1.  0, or -1 (logged): the program must not start. */
int	 pay_check_config(void);
/* The hold's lifetime: Pay.HoldDays, else the provider's (1 to 30). */
int	 pay_hold_days(void);

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
 * only); /pay/notify checks them with web_verify_signed() and passes them on.  Returns 200 (applied or duplicate),
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
