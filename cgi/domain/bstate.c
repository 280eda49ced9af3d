/*
 * bstate.c - the states of a booking (bstate.h).
 */
#include <string.h>

#include "domain/bstate.h"

/* The states: SQL names (the column's ENUM) and labels, by enum. */
static const struct {
	const char	*name;
	const char	*label;
} states[BS__MAX] = {
	[BS_NONE] = { "unbooked", "未预约" },
	[BS_HELD] = { "held", "待支付" },
	[BS_BOOKED] = { "booked", "已预约" },
	[BS_CHECKED_IN] = { "checked_in", "已签到" },
	[BS_COLLECTED] = { "collected", "已采集" },
	[BS_CANCELLED] = { "cancelled", "已取消" },
	[BS_EXPIRED] = { "expired", "已过期" },
};

const char *
bs_name(enum booking_state s)
{

	return s >= 0 && s < BS__MAX ? states[s].name : states[BS_NONE].name;
}

const char *
bs_label(enum booking_state s)
{

	return s >= 0 && s < BS__MAX ? states[s].label : states[BS_NONE].label;
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
