/*
 * test_valid.c - field validation (valid.c): every type, lengths, UTF-8,
 * control characters, trimming.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "infra/valid.h"

static const char *
check(enum ftype t, unsigned max, unsigned flags, const char *in,
    struct fval *fv)
{
	static char		 buf[4096];
	struct field		 f = { "x", t, max, flags, "字段" };

	memset(fv, 0, sizeof(*fv));
	snprintf(buf, sizeof(buf), "%s", in);
	return valid_field(&f, buf, fv);
}

int
main(void)
{
	struct fval	 fv;
	long long	 fen;
	int		 y, m, d, h, mi;
	char		 nul[] = "ab\0cd";

	ok(check(FT_INT, 10, 0, "42", &fv) == NULL && fv.i == 42, "int 42");
	ok(check(FT_INT, 10, 0, "-1", &fv) != NULL, "negative int refused");
	ok(check(FT_INT, 10, 0, "1e3", &fv) != NULL, "1e3 refused");
	ok(check(FT_INT, 20, 0, "9999999999999999", &fv) != NULL,
	    "16-digit int refused");
	ok(check(FT_INT, 10, 0, " 7 ", &fv) == NULL && fv.i == 7,
	    "int trimmed");
	ok(check(FT_TEXT, 10, F_REQ, "", &fv) != NULL, "required empty refused");
	ok(check(FT_TEXT, 10, 0, "", &fv) == NULL && !fv.set,
	    "optional empty is not set");
	ok(check(FT_TEXT, 3, 0, "李小芳", &fv) == NULL,
	    "3 characters of Chinese (9 bytes) fit a max of 3");
	ok(check(FT_TEXT, 2, 0, "李小芳", &fv) != NULL,
	    "over max characters refused");
	ok(check(FT_TEXT, 3, 0, "𠮷·李", &fv) == NULL,
	    "a 4-byte character counts as one");
	ok(check(FT_CODE, 3, 0, "abcd", &fv) != NULL,
	    "codes count bytes (ASCII)");
	ok(check(FT_TEXT, 100, 0, "a\x01" "b", &fv) != NULL,
	    "control character refused");
	ok(check(FT_TEXT, 100, 0, "a\nb", &fv) != NULL, "newline refused in text");
	ok(check(FT_LINES, 100, 0, "a\nb", &fv) == NULL, "newline ok in lines");
	ok(check(FT_TEXT, 100, 0, "李\xe2\x80\xae" "gpj.exe", &fv) != NULL,
	    "U+202E (right-to-left override) refused in text");
	ok(check(FT_LINES, 100, 0, "a\xe2\x81\xa6" "b", &fv) != NULL,
	    "U+2066 (left-to-right isolate) refused in lines");
	ok(check(FT_LINES, 100, 0, "a\xe2\x80\xa8" "b", &fv) != NULL,
	    "U+2028 (line separator) refused in lines");
	ok(check(FT_TEXT, 100, 0, "a\xc2\x85" "b", &fv) != NULL,
	    "U+0085 (a C1 control) refused in text");
	ok(check(FT_TEXT, 100, 0, "李小芳\xe2\x80\x8f", &fv) == NULL,
	    "U+200F (a right-to-left mark, no override) passes");
	ok(check(FT_TEXT, 100, 0, "\xc0\xaf", &fv) != NULL,
	    "overlong UTF-8 refused");
	ok(check(FT_TEXT, 100, 0, "\xed\xa0\x80", &fv) != NULL,
	    "surrogate refused");
	ok(check(FT_TEXT, 100, 0, "\xff", &fv) != NULL, "invalid byte refused");
	ok(check(FT_TEXT, 100, 0, nul, &fv) == NULL && strcmp(fv.s, "ab") == 0,
	    "NUL ends the value (CGI kit gives C strings)");
	ok(check(FT_TEXT, 100, 0, "<script>alert(1)</script>", &fv) == NULL,
	    "markup is text (escaped on output)");
	ok(check(FT_TEXT, 100, 0, "' OR 1=1 --", &fv) == NULL,
	    "SQL metacharacters are text (prepared statements)");
	ok(check(FT_CODE, 32, 0, "PKU2026", &fv) == NULL, "code ok");
	ok(check(FT_CODE, 32, 0, "PKU 2026", &fv) != NULL, "space in code refused");
	ok(check(FT_CODE, 32, 0, "任务", &fv) != NULL, "Chinese in code refused");
	ok(check(FT_CODE, 32, 0, "a'b", &fv) != NULL, "quote in code refused");
	ok(check(FT_DATE, 10, 0, "2026-02-29", &fv) != NULL, "2026-02-29 refused");
	ok(check(FT_DATE, 10, 0, "2028-02-29", &fv) == NULL, "2028-02-29 ok");
	ok(check(FT_DATE, 10, 0, "2026-13-01", &fv) != NULL, "month 13 refused");
	ok(check(FT_TIME, 5, 0, "08:30", &fv) == NULL, "time ok");
	ok(check(FT_TIME, 5, 0, "24:00", &fv) != NULL, "24:00 refused");
	ok(check(FT_MONEY, 12, 0, "40", &fv) == NULL && fv.i == 4000, "40 -> 4000");
	ok(check(FT_MONEY, 12, 0, "35.5", &fv) == NULL && fv.i == 3550,
	    "35.5 -> 3550");
	ok(check(FT_MONEY, 12, 0, "1.234", &fv) != NULL, "3 decimals refused");
	ok(check(FT_MONEY, 12, 0, "-3", &fv) != NULL, "negative refused");
	ok(check(FT_BOOL, 2, 0, "1", &fv) == NULL && fv.i == 1, "bool 1");
	ok(check(FT_BOOL, 2, 0, "2", &fv) != NULL, "bool 2 refused");
	ok(valid_money("0.01", &fen) == 0 && fen == 1, "valid_money 0.01");
	ok(valid_date("2026-11-29", &y, &m, &d) == 0 && y == 2026 && m == 11 &&
	    d == 29, "valid_date parts");
	ok(valid_time("7:30", &h, &mi) != 0, "H:MM refused");
	return tap_done();
}
