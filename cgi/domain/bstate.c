/*
 * bstate.c - the states of a booking (bstate.h).
 */
#include <string.h>

#include "domain/bstate.h"
#include "infra/lang.h"

/* The states: SQL names (the column's ENUM) and labels, by enum. */
static const struct {
	const char	*name;
	const char	*label;	/* a word of lang/zh.hdf */
} states[BS__MAX] = {
	[BS_NONE] = { "unbooked", "Lang.State.unbooked" },
	[BS_HELD] = { "held", "Lang.State.held" },
	[BS_BOOKED] = { "booked", "Lang.State.booked" },
	[BS_CHECKED_IN] = { "checked_in", "Lang.State.checked_in" },
	[BS_COLLECTED] = { "collected", "Lang.State.collected" },
	[BS_CANCELLED] = { "cancelled", "Lang.State.cancelled" },
	[BS_EXPIRED] = { "expired", "Lang.State.expired" },
};

const char *
bs_name(enum booking_state s)
{

	return s >= 0 && s < BS__MAX ? states[s].name : states[BS_NONE].name;
}

const char *
bs_label(enum booking_state s)
{

	return L(s >= 0 && s < BS__MAX ? states[s].label :
	    states[BS_NONE].label);
}

enum booking_state
bs_parse(const char *name)
{
	int	 i;

	for (i = BS_HELD; name != NULL && i < BS__MAX; i++)
		if (strcmp(name, states[i].name) == 0)
			return (enum booking_state)i;
	return BS_NONE;
}

int
bs_live(enum booking_state s)
{

	return s == BS_HELD || s == BS_BOOKED || s == BS_CHECKED_IN ||
	    s == BS_COLLECTED;
}
