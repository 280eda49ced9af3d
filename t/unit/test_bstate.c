/*
 * test_bstate.c - unit tests for cgi/domain/bstate.c (TAP): one table of
 * booking states, names for SQL and labels for pages.
 */
#include <string.h>

#include "domain/bstate.h"
#include "tap.h"

int
main(void)
{
	static const char *const sql[] = { "held", "booked", "checked_in",
	    "collected", "cancelled", "expired" };
	size_t	 i;
	int	 s;

	/* Every SQL name of the column's ENUM (schema/001-init.sql) maps to
	 * a state and back. */
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		s = bs_parse(sql[i]);
		ok(s != BS_NONE && strcmp(bs_name(s), sql[i]) == 0,
		    "%s round-trips", sql[i]);
	}
	for (s = 0; s < BS__MAX; s++)
		ok(bs_label(s) != NULL && bs_label(s)[0] != '\0' &&
		    bs_name(s) != NULL, "state %d has a name and a label", s);
	ok(bs_parse(NULL) == BS_NONE, "NULL is no booking");
	ok(bs_parse("") == BS_NONE, "empty is no booking");
	ok(bs_parse("unbooked") == BS_NONE, "unbooked is no booking");
	ok(bs_parse("HELD") == BS_NONE, "names are exact");
	ok(bs_live(BS_HELD) && bs_live(BS_BOOKED) && bs_live(BS_CHECKED_IN) &&
	    bs_live(BS_COLLECTED), "held, booked, checked in, collected live");
	ok(!bs_live(BS_NONE) && !bs_live(BS_CANCELLED) &&
	    !bs_live(BS_EXPIRED), "none, cancelled, expired do not");
	ok(strcmp(bs_name(BS__MAX), "unbooked") == 0 &&
	    strcmp(bs_name(-1), "unbooked") == 0, "out of range is no booking");
	return tap_done();
}
