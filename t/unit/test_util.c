/*
 * test_util.c - unit tests for cgi/infra/util.c (TAP): the checked number
 * parser and the formatting that refuses truncation.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "infra/util.h"
#include "tap.h"

int
main(void)
{
	long long	 v = 7;
	char		 buf[8];

	ok(util_parse_ll("4000", &v) == 0 && v == 4000, "a number parses");
	ok(util_parse_ll("-12", &v) == 0 && v == -12, "a negative number");
	ok(util_parse_ll("0", &v) == 0 && v == 0, "zero");
	v = 7;
	ok(util_parse_ll("", &v) != 0 && v == 7, "empty is refused, v kept");
	ok(util_parse_ll(NULL, &v) != 0, "NULL is refused");
	ok(util_parse_ll("12abc", &v) != 0 && v == 7, "trailing letters");
	ok(util_parse_ll(" 12", &v) != 0, "a leading space");
	ok(util_parse_ll("12 ", &v) != 0, "a trailing space");
	ok(util_parse_ll("+12", &v) != 0, "a plus sign");
	ok(util_parse_ll("-", &v) != 0, "a lone minus");
	ok(util_parse_ll("1.5", &v) != 0, "a fraction");
	ok(util_parse_ll("9223372036854775807", &v) == 0 && v == LLONG_MAX,
	    "the largest long long");
	ok(util_parse_ll("9223372036854775808", &v) != 0,
	    "one past it is refused, not clamped");
	ok(util_parse_ll("99999999999999999999999", &v) != 0, "far past it");

	ok(util_fmt(buf, sizeof(buf), "%s", "1234567") == 0 &&
	    strcmp(buf, "1234567") == 0, "fits exactly");
	ok(util_fmt(buf, sizeof(buf), "%s", "12345678") != 0 && buf[0] == '\0',
	    "one byte too long: refused, and nothing cut is left");
	ok(util_fmt(buf, sizeof(buf), "%d-%d", 1, 2) == 0 &&
	    strcmp(buf, "1-2") == 0, "formats");
	ok(util_fmt(buf, 0, "x") != 0, "no room at all");
	return tap_done();
}
