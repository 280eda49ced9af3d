/*
 * bstate.h - the states of a booking, the lowest file of the domain: the
 * booking rules, payments, the site day and reconciliation all decide on
 * them.
 */
#ifndef TUCAI_BSTATE_H
#define TUCAI_BSTATE_H

/*
 * The states of a booking (column booking.state): held -> booked ->
 * checked_in -> collected, or cancelled / expired.  One table in booking.c
 * gives each its SQL name and its label on pages.
 */
enum booking_state {
	BS_NONE = 0,	/* no booking: 未预约 ("unbooked" in lists) */
	BS_HELD,	/* a seat held until the fee is frozen */
	BS_BOOKED,
	BS_CHECKED_IN,
	BS_COLLECTED,	/* photo taken */
	BS_CANCELLED,
	BS_EXPIRED,	/* the hold ran out unpaid */
	BS__MAX
};

/* The SQL name ("held"; "unbooked" for BS_NONE) and the page's label. */
const char		*bs_name(enum booking_state);
const char		*bs_label(enum booking_state);
/* From a SQL name; BS_NONE for NULL, "" or an unknown name. */
enum booking_state	 bs_parse(const char *);
/* Held, booked, checked in or collected: the student's one booking. */
int			 bs_live(enum booking_state);

#endif
