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

#include "audit.h"

struct pay_provider {
	const char	*name;
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
};

/* The provider named by Pay.Provider, or NULL. */
const struct pay_provider *pay_provider(void);

/* Sign / verify "ts\n" + canonical body with Pay.Secret.  sig is hex.
 * pay_verify returns 0 when valid and fresh (|now - ts| <= 300 s). */
void	 pay_sign(const char *ts, const char *body, char sig[65]);
int	 pay_verify(const char *ts, const char *body, const char *sig);

/*
 * Start paying for a booking: create (or reuse the open) payment row and
 * ask the provider for a hold.  Fills the browser's URL.  Returns 0,
 * 1 when the booking is not payable (not held, or already paid), -1 when
 * the provider failed, or a db.h error code.
 */
int	 pay_start(long long booking_id, char *url, size_t urlsz);

/*
 * Apply a verified notification.  Returns 200 (applied or duplicate),
 * 400 (unknown order, amount mismatch, bad event), or a db.h error code.
 */
int	 pay_apply(const char *event_id, const char *order_ref,
	    const char *type, long long amount_fen, const char *reason,
	    const char *body);

/* Capture the booking's authorised hold exactly once (photo taken).
 * Returns 0 captured now or before, 1 nothing to capture (lapsed, onsite,
 * free task), -1 provider error (retry later), or a db.h error code. */
int	 pay_capture_booking(long long booking_id);

/* Release the booking's hold, exactly once.  0 released or nothing to
 * release, -1 provider error, or a db.h error code. */
int	 pay_void_booking(long long booking_id);

/* Record a fee collected on site by staff (walk-in or lapsed hold). */
int	 pay_onsite(long long booking_id, long long amount_fen,
	    const char *method, const struct actor *);

#endif
