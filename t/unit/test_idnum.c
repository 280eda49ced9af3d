/*
 * test_idnum.c - TAP tests for idnum.c (GB 11643-1999 ID numbers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infra/idnum.h"
#include "infra/lang.h"
#include "tap.h"

/* Build a valid ID from 17 digits; out must hold 19 bytes. */
static void
mkid(const char *first17, char out[19])
{

	memcpy(out, first17, 17);
	out[17] = idnum_checkchar(first17);
	out[18] = '\0';
}

/* Returns 1 if in is invalid with exactly the reason want. */
static int
bad(const char *in, const char *want)
{
	char		 out[19] = "junk";
	const char	*why = NULL;

	if (idnum_check_on(in, out, &why, 20240601) != 0)
		return 0;
	return why != NULL && strcmp(why, want) == 0 && out[0] == '\0';
}

int
main(void)
{
	char		 out[19], id[19], m[1024], l4[5];
	const char	*why;
	int		 i, allok;

	plan(30);

	/* The reasons are words. */
	snprintf(m, sizeof(m), "%s/lang", getenv("srcdir") ? getenv("srcdir") :
	    ".");
	ok(lang_load(m) == 0, "the words (lang/zh.hdf) load");

	ok(idnum_check("11010519491231002X", out, &why) == 1 &&
	    strcmp(out, "11010519491231002X") == 0,
	    "well-known sample 11010519491231002X is valid");
	ok(idnum_check("11010519491231002x", out, &why) == 1 &&
	    strcmp(out, "11010519491231002X") == 0,
	    "lowercase x accepted and normalised to X");
	ok(idnum_check("510107200103050219", out, NULL) == 1,
	    "demo student 510107200103050219 is valid");
	ok(idnum_checkchar("11010519491231002") == 'X',
	    "checkchar of the sample is X");
	ok(idnum_checkchar("1101051949123100") == 0,
	    "checkchar needs 17 digits");
	ok(idnum_checkchar("1101051949123100a") == 0,
	    "checkchar refuses a letter");

	/* Generated IDs over many dates and sequences all check out. */
	allok = 1;
	for (i = 0; i < 200; i++) {
		char	 f[32];

		snprintf(f, sizeof(f), "510104%04d%02d%02d%03d",
		    1950 + i % 70, 1 + i % 12, 1 + i % 28, i * 7 % 1000);
		mkid(f, id);
		if (idnum_check(id, out, &why) != 1 || strcmp(out, id) != 0)
			allok = 0;
	}
	ok(allok, "200 generated IDs with computed check digits are valid");

	/* Every wrong check character is refused. */
	allok = 1;
	mkid("44030419990101123", id);
	for (i = 0; i < 11; i++) {
		char	 c = "0123456789X"[i];

		id[17] = c;
		if (c == idnum_checkchar(id))
			continue;
		if (!bad(id, "身份证号校验位错误"))
			allok = 0;
	}
	ok(allok, "all ten wrong check characters refused");
	ok(bad("110105194912310021", "身份证号校验位错误"),
	    "sample with check 1 instead of X refused");

	ok(bad("", "身份证号应为18位"), "empty refused: length");
	ok(bad("11010519491231002", "身份证号应为18位"), "17 chars: length");
	ok(bad("11010519491231002X1", "身份证号应为18位"), "19 chars: length");
	ok(bad("110105491231002", "身份证号应为18位"),
	    "old 15-digit number: length");
	ok(bad("1101051949A231002X", "身份证号只能包含数字和末位X"),
	    "letter in the middle refused");
	ok(bad("11010519491231002Y", "身份证号只能包含数字和末位X"),
	    "check char Y refused");
	ok(bad("X10105194912310021", "身份证号只能包含数字和末位X"),
	    "X at the start refused");
	ok(bad("１１０１０５１９４９１２３１００２X",
	    "身份证号只能包含数字和末位X"),
	    "full-width digits refused as characters, not length");
	ok(bad(" 11010519491231002X", "身份证号应为18位"),
	    "leading space is not trimmed");

	mkid("11010519990230123", id);
	ok(bad(id, "身份证号出生日期无效"), "February 30 refused");
	mkid("11010519000229123", id);
	ok(bad(id, "身份证号出生日期无效"), "1900-02-29 refused (not leap)");
	mkid("11010520000229123", id);
	ok(idnum_check_on(id, out, NULL, 20240601) == 1,
	    "2000-02-29 accepted (leap)");
	mkid("11010518991231123", id);
	ok(bad(id, "身份证号出生日期无效"), "1899 refused");
	mkid("11010520240602123", id);
	ok(bad(id, "身份证号出生日期无效"), "tomorrow refused");
	mkid("11010520011301123", id);
	ok(bad(id, "身份证号出生日期无效"), "month 13 refused");

	idnum_mask("11010519491231002X", m, sizeof(m));
	ok(strcmp(m, "110***********002X") == 0, "mask shows 3 + 4");
	idnum_mask("11010519491231002x", m, sizeof(m));
	ok(strcmp(m, "110***********002X") == 0, "mask uppercases x");
	idnum_mask("abc", m, sizeof(m));
	ok(strcmp(m, "*") == 0, "mask of a short string hides it all");
	idnum_mask("11010519491231002X", m, 5);
	ok(strcmp(m, "*") == 0, "mask into a small buffer hides it all");

	idnum_last4("510107200103050219", l4);
	ok(strcmp(l4, "0219") == 0, "last4 of the demo student is 0219");

	return tap_done();
}
