/*
 * outcome.c - the one table of outcomes: HTTP status and message, a word
 * of lang/zh.hdf (Lang.Outcome; see outcome.h).
 */
#include <stddef.h>

#include "domain/booking.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "domain/outcome.h"
#include "domain/pay.h"

static const struct {
	int		 status;
	const char	*msg;	/* a word's key, or NULL: the status's title */
} table[OC__MAX] = {
	[OC_OK] = { 200, NULL },
	[OC_DB_DOWN] = { 503, "Lang.Outcome.DbDown" },
	[OC_DB_BUSY] = { 503, "Lang.Outcome.DbBusy" },
	[OC_DB_ERROR] = { 500, NULL },
	[OC_DB_DUP] = { 409, "Lang.Outcome.DbDup" },
	[OC_DB_CHECK] = { 409, "Lang.Outcome.DbCheck" },
	[OC_SEAT_FULL] = { 409, "Lang.Outcome.SeatFull" },
	[OC_SEAT_BAD] = { 422, "Lang.Outcome.SeatBad" },
	[OC_BOOKING_ACTIVE] = { 409, "Lang.Outcome.BookingActive" },
	[OC_BOOKING_STATE] = { 409, "Lang.Outcome.BookingState" },
	[OC_CLOSE_EARLY] = { 409, "Lang.Outcome.CloseEarly" },
	[OC_CLOSE_CHECKEDIN] = { 409, "Lang.Outcome.CloseCheckedIn" },
	[OC_PAY_NOT_PAYABLE] = { 409, "Lang.Outcome.PayNotPayable" },
	[OC_PAY_PROVIDER] = { 503, "Lang.Outcome.PayProvider" },
};

enum outcome
oc_db(int rc)
{

	switch (rc) {
	case 0:
		return OC_OK;
	case DB_RETRY:
		return OC_DB_BUSY;
	case DB_DUP:
		return OC_DB_DUP;
	case DB_CHECK:
		return OC_DB_CHECK;
	default:
		if (rc > 0)
			return OC_OK;
		return db_lost() ? OC_DB_DOWN : OC_DB_ERROR;
	}
}

enum outcome
oc_booking(int rc)
{

	switch (rc) {
	case BK_FULL:
		return OC_SEAT_FULL;
	case BK_BADSLOT:
		return OC_SEAT_BAD;
	case BK_ACTIVE:
		return OC_BOOKING_ACTIVE;
	case BK_STATE:
		return OC_BOOKING_STATE;
	case BK_EARLY:
		return OC_CLOSE_EARLY;
	case BK_CHECKEDIN:
		return OC_CLOSE_CHECKEDIN;
	case BK_PROVIDER:
		return OC_PAY_PROVIDER;
	default:
		return oc_db(rc);
	}
}

enum outcome
oc_pay(int rc)
{

	switch (rc) {
	case PAY_NOT_PAYABLE:
		return OC_PAY_NOT_PAYABLE;
	case PAY_PROVIDER:
		return OC_PAY_PROVIDER;
	default:
		return oc_db(rc);
	}
}

int
oc_status(enum outcome o)
{

	return o >= 0 && o < OC__MAX ? table[o].status : 500;
}

const char *
oc_message(enum outcome o)
{

	return o >= 0 && o < OC__MAX && table[o].msg != NULL ?
	    L(table[o].msg) : NULL;
}
