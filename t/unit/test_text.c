/*
 * test_text.c - TAP tests for text.c (UTF-8, name masking, GBK).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "infra/text.h"

/* Returns 1 if utf8_valid() on the string literal s gives want. */
static int
valid_is(const char *s, size_t len, int want)
{

	return utf8_valid(s, len) == want;
}

/* Returns 1 if name_mask(in) with a roomy buffer equals want. */
static int
mask_is(const char *in, const char *want)
{
	char	 out[128];

	name_mask(in, out, sizeof(out));
	if (strcmp(out, want) != 0) {
		printf("# mask(%s) = %s, want %s\n", in, out, want);
		return 0;
	}
	return 1;
}

int
main(void)
{
	char		*g, *u, out[16];
	size_t		 glen, ulen, skip;
	int		 rc;

	plan(43);

	ok(valid_is("", 0, 1), "empty string is valid");
	ok(valid_is("abc", 3, 1), "ASCII is valid");
	ok(valid_is("李小芳", strlen("李小芳"), 1), "Chinese is valid");
	ok(valid_is("\xF0\x9F\x98\x80", 4, 1), "emoji (4 bytes) is valid");
	ok(valid_is("\xF4\x8F\xBF\xBF", 4, 1), "U+10FFFF is valid");
	ok(valid_is("\xC0\xAF", 2, 0), "overlong '/' (C0 AF) refused");
	ok(valid_is("\xE0\x80\xAF", 3, 0), "overlong 3-byte refused");
	ok(valid_is("\xF0\x80\x80\xAF", 4, 0), "overlong 4-byte refused");
	ok(valid_is("\xED\xA0\x80", 3, 0), "surrogate U+D800 refused");
	ok(valid_is("\xED\xBF\xBF", 3, 0), "surrogate U+DFFF refused");
	ok(valid_is("\xF4\x90\x80\x80", 4, 0), "U+110000 refused");
	ok(valid_is("\xF5\x80\x80\x80", 4, 0), "F5 lead byte refused");
	ok(valid_is("\x80", 1, 0), "stray continuation refused");
	ok(valid_is("\xE6\x9D", 2, 0), "truncated sequence refused");
	ok(valid_is("\xFF", 1, 0), "FF refused");
	ok(valid_is("a\0b", 3, 1), "NUL is valid UTF-8 (length given)");

	ok(utf8_chars("李小芳") == 3, "utf8_chars counts code points");
	ok(utf8_chars("Anna Li") == 7, "utf8_chars of ASCII");
	ok(utf8_chars("") == 0, "utf8_chars of empty");

	ok(!utf8_has_control("李小芳 Anna"), "plain text has no control");
	ok(utf8_has_control("a\nb") && utf8_has_control("a\tb") &&
	    utf8_has_control("a\x7F"), "C0 and DEL are controls");
	ok(utf8_has_control("a\xC2\x85"), "C1 NEL is a control");
	ok(utf8_has_control("a\xE2\x80\xAE" "b"), "RLO override is a control");
	ok(utf8_has_control("\xFF"), "invalid UTF-8 counts as control");

	ok(mask_is("李小芳", "李*芳"), "李小芳 -> 李*芳");
	ok(mask_is("李芳", "李*"), "李芳 -> 李*");
	ok(mask_is("欧阳小芳", "欧**芳"), "欧阳小芳 -> 欧**芳");
	ok(mask_is("李", "*"), "single character -> *");
	ok(mask_is("Anna Li", "A*****i"), "Anna Li -> A*****i");
	ok(mask_is("\xF0\x9F\x98\x80\xE5\xB0\x8F\xF0\x9F\x98\x81",
	    "\xF0\x9F\x98\x80*\xF0\x9F\x98\x81"),
	    "emoji kept whole at the ends");
	ok(mask_is("", ""), "empty name -> empty");
	ok(mask_is("\xE6\x9D", "*"), "invalid UTF-8 -> *");
	name_mask("欧阳小芳", out, 6);
	ok(strcmp(out, "欧**") == 0, "small buffer cuts at a character");
	name_mask("欧阳小芳", out, 3);
	ok(out[0] == '\0', "buffer too small for a character -> empty");

	/* GBK round trip. */
	rc = utf8_to_gbk("李小芳,欧阳", strlen("李小芳,欧阳"), &g, &glen);
	ok(rc == 0 && glen == 11 &&
	    memcmp(g, "\xC0\xEE\xD0\xA1\xB7\xBC,\xC5\xB7\xD1\xF4", 11) == 0,
	    "UTF-8 -> GBK bytes");
	ok(gbk_to_utf8(g, glen, &u, &ulen) == 0 &&
	    strcmp(u, "李小芳,欧阳") == 0 && ulen == strlen(u),
	    "GBK -> UTF-8 round trip");
	free(u);
	ok(text_detect(g, glen, &skip) == TEXT_GBK && skip == 0,
	    "GBK bytes detected as GBK");
	free(g);

	rc = utf8_to_gbk("a\xF0\x9F\x98\x80" "b", 6, &g, &glen);
	ok(rc == 1 && strcmp(g, "a?b") == 0,
	    "emoji has no GBK form: replaced by ?, counted");
	free(g);
	ok(utf8_to_gbk("\xFF", 1, &g, &glen) == -1 && g == NULL,
	    "invalid UTF-8 cannot be encoded");
	ok(gbk_to_utf8("\xC0\xEE\xFF", 3, &u, &ulen) == -1 && u == NULL,
	    "invalid GBK refused by the strict decoder");
	ok(gbk_to_utf8_marked("\xC0\xEE\xFF\n\xC0", 5, &u, &ulen) == 2 &&
	    ulen == 6 && memcmp(u, "李\xFF\n\xFF", 6) == 0,
	    "marked decoder replaces bad bytes by FF, keeps newlines");
	free(u);

	ok(text_detect("\xEF\xBB\xBF李", 6, &skip) == TEXT_UTF8 && skip == 3,
	    "BOM detected and skipped");
	ok(text_detect("李", 3, &skip) == TEXT_UTF8 && skip == 0 &&
	    text_detect("\x80", 1, NULL) == TEXT_UNKNOWN,
	    "UTF-8 without BOM; 0x80 alone is neither");

	return tap_done();
}
