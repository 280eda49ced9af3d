/*
 * outcome.h - what a domain call came to, named, and what the user is told.
 *
 * The domains return their own codes (db.h: DB_* below 0; booking.h:
 * BK_*; pay.h: PAY_*), which never share a value.  The pages turn them
 * into an enum outcome here, and one table gives each outcome its HTTP
 * status and its message (a word of lang/zh.hdf, Lang.Outcome).
 */
#ifndef TUCAI_OUTCOME_H
#define TUCAI_OUTCOME_H

enum outcome {
	OC_OK,
	OC_DB_DOWN,		/* the database cannot be reached */
	OC_DB_BUSY,		/* a lost race, retried and lost again */
	OC_DB_ERROR,		/* a statement failed: a bug, logged */
	OC_DB_DUP,		/* a unique key said no */
	OC_DB_CHECK,		/* a CHECK constraint said no */
	OC_SEAT_FULL,		/* the slot has no seat left */
	OC_SEAT_BAD,		/* not a bookable slot */
	OC_BOOKING_ACTIVE,	/* the student has a booking already */
	OC_BOOKING_STATE,	/* the booking is past this step */
	OC_CLOSE_EARLY,		/* the window is still open */
	OC_CLOSE_CHECKEDIN,	/* students wait for their photo */
	OC_PAY_NOT_PAYABLE,	/* nothing to pay */
	OC_PAY_PROVIDER,	/* the payment provider failed */
	OC__MAX
};

/* The outcome of a db.h code (DB_ERR: down when the connection was lost,
 * else an error). */
enum outcome	 oc_db(int rc);
/* ... of booking.h's codes (0, BK_*, or a db.h code). */
enum outcome	 oc_booking(int rc);
/* ... of pay.h's codes (0, PAY_*, or a db.h code). */
enum outcome	 oc_pay(int rc);
int		 oc_status(enum outcome);
const char	*oc_message(enum outcome);

#endif
