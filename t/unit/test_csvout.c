/*
 * test_csvout.c - TAP tests for csvout.c (CSV export writer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infra/csvout.h"
#include "domain/roster.h"
#include "infra/lang.h"
#include "tap.h"

/* Write one field into a fresh GBK-less, BOM-less view: returns the
 * bytes written for it (static buffer). */
static const char *
one(const char *field)
{
	static char	 res[256];
	struct csvout	 c;
	char		*b;
	size_t		 len;

	csvout_init(&c, 0);
	csvout_field(&c, field);
	if (csvout_take(&c, &b, &len) != 0 || len - 3 >= sizeof(res))
		return "(error)";
	memcpy(res, b + 3, len - 3);	/* skip the BOM */
	res[len - 3] = '\0';
	free(b);
	csvout_free(&c);
	return res;
}

static int
one_is(const char *field, const char *want)
{
	const char	*got = one(field);

	if (strcmp(got, want) != 0) {
		printf("# field [%s] gave [%s], want [%s]\n", field, got, want);
		return 0;
	}
	return 1;
}

static const char *const hdr[7] = { "采集码", "姓名", "身份证号", "学号",
    "学历类别", "学历层次", "班级" };
static const char *const rows[3][7] = {
	{ "HX04873chdu394hf", "李小芳", "510107200103050219",
	  "2019837480219", "普通本科", "普通高校", "工商管理1班" },
	{ "CODE2", "Li, \"Anna\"", "11010519491231002X", "S-2",
	  "普通本科", "普通高校", "工商管理 2班" },
	{ "CODE3", "<b>欧阳小芳</b>", "440304199901011239", "S_3",
	  "普通本科", "普通高校", "会计学1班" },
};

/* Write the header and rows with a writer in the given mode, taking the
 * output in two chunks.  Returns a malloc'd buffer or NULL. */
static char *
write_roster(int gbk, size_t *len)
{
	struct csvout	 c;
	char		*a, *b, *all;
	size_t		 alen, blen;
	int		 i, j;

	csvout_init(&c, gbk);
	for (j = 0; j < 7; j++)
		csvout_field(&c, hdr[j]);
	csvout_endrow(&c);
	if (csvout_take(&c, &a, &alen) != 0)
		return NULL;
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 7; j++)
			if (j == 0 || j == 2 || j == 3)	/* as the export */
				csvout_text(&c, rows[i][j]);
			else
				csvout_field(&c, rows[i][j]);
		csvout_endrow(&c);
	}
	if (csvout_take(&c, &b, &blen) != 0) {
		free(a);
		return NULL;
	}
	csvout_free(&c);
	if ((all = malloc(alen + blen + 1)) != NULL) {
		memcpy(all, a, alen);
		memcpy(all + alen, b, blen);
		*len = alen + blen;
	}
	free(a);
	free(b);
	return all;
}

/* Returns 1 if the parsed roster has exactly the rows written. */
static int
same_rows(const struct roster *r)
{
	int	 i;

	if (r->nrows != 3 || r->nrejects != 0)
		return 0;
	for (i = 0; i < 3; i++) {
		const struct roster_row	*w = &r->rows[i];

		if (strcmp(w->collect_code, rows[i][0]) != 0 ||
		    strcmp(w->name, rows[i][1]) != 0 ||
		    strcmp(w->id_number, rows[i][2]) != 0 ||
		    strcmp(w->student_no, rows[i][3]) != 0 ||
		    strcmp(w->edu_category, rows[i][4]) != 0 ||
		    strcmp(w->edu_level, rows[i][5]) != 0 ||
		    strcmp(w->class_name, rows[i][6]) != 0 ||
		    w->line != i + 2)
			return 0;
	}
	return 1;
}

int
main(void)
{
	struct csvout	 c;
	struct roster	 r;
	char		*b, err[256], words[1024];
	size_t		 len;
	int		 rc;

	plan(29);

	/* The roster's column names are words. */
	snprintf(words, sizeof(words), "%s/lang", getenv("srcdir") ?
	    getenv("srcdir") : ".");
	ok(lang_load(words) == 0, "the words (lang/zh.hdf) load");

	csvout_init(&c, 0);
	csvout_field(&c, "a");
	csvout_field(&c, NULL);
	csvout_field(&c, "李");
	csvout_endrow(&c);
	csvout_field(&c, "b");
	csvout_endrow(&c);
	rc = csvout_take(&c, &b, &len);
	ok(rc == 0 && len == 14 &&
	    memcmp(b, "\xEF\xBB\xBF" "a,,李\r\nb\r\n", 14) == 0,
	    "UTF-8: BOM, commas, CRLF, NULL as empty");
	free(b);
	csvout_field(&c, "c");
	csvout_endrow(&c);
	rc = csvout_take(&c, &b, &len);
	ok(rc == 0 && len == 3 && memcmp(b, "c\r\n", 3) == 0,
	    "after take the writer continues empty, no second BOM");
	free(b);
	rc = csvout_take(&c, &b, &len);
	ok(rc == 0 && len == 0 && b != NULL && b[0] == '\0',
	    "take of nothing gives an empty buffer");
	free(b);
	csvout_free(&c);

	ok(one_is("plain", "plain"), "plain field unquoted");
	ok(one_is("a,b", "\"a,b\""), "comma quoted");
	ok(one_is("say \"hi\"", "\"say \"\"hi\"\"\""), "quotes doubled");
	ok(one_is("a\nb", "\"a\nb\""), "newline quoted");
	ok(one_is("a\rb", "\"a\rb\""), "CR quoted");
	ok(one_is(" a", "\" a\""), "leading space quoted");
	ok(one_is("a ", "\"a \""), "trailing space quoted");
	ok(one_is("", ""), "empty field");
	ok(one_is("=1+1", "'=1+1"), "= defused");
	ok(one_is("+86 138", "'+86 138"), "+ defused");
	ok(one_is("-5", "'-5"), "- defused");
	ok(one_is("@SUM(A1)", "'@SUM(A1)"), "@ defused");
	ok(one_is("\tx", "'\tx"), "TAB defused");
	ok(one_is("\rx", "\"'\rx\""), "CR defused and quoted");
	ok(one_is("=HYPERLINK(\"http://x\",\"y\")",
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
	    "formula with quotes and comma: apostrophe inside the quotes");
	ok(one_is("a=b-c", "a=b-c"), "operators later in the field untouched");

	csvout_init(&c, 0);
	ok(csvout_field(&c, "\xE6\x9D") == -1 && csvout_field(&c, "x") == -1 &&
	    csvout_take(&c, &b, &len) == -1 && b == NULL,
	    "invalid UTF-8 refused; the error sticks");
	csvout_free(&c);

	/* GB18030 (enc=gbk): GBK's bytes for GBK's characters, four bytes
	 * for the rest instead of '?'. */
	csvout_init(&c, 1);
	csvout_field(&c, "李小芳");
	csvout_field(&c, "a\xF0\x9F\x98\x80,");
	csvout_field(&c, "𠮷·");
	csvout_endrow(&c);
	rc = csvout_take(&c, &b, &len);
	ok(rc == 0 && len == 24 &&
	    memcmp(b, "\xC0\xEE\xD0\xA1\xB7\xBC,\"a\x94\x39\xFC\x36,\","
	    "\x95\x34\xB2\x35\xA1\xA4\r\n", 24) == 0,
	    "GB18030: no BOM, GBK bytes, emoji and 𠮷 in four bytes, · kept");
	free(b);
	csvout_free(&c);

	/* Long numbers as text for Excel. */
	csvout_init(&c, 0);
	csvout_text(&c, "510107200103050219");
	csvout_text(&c, "0012");
	csvout_text(&c, "5101**********0219");
	csvout_text(&c, "=HYPERLINK(\"x\")");
	csvout_text(&c, "1,2");
	csvout_text(&c, "");
	csvout_endrow(&c);
	rc = csvout_take(&c, &b, &len);
	ok(rc == 0 && strcmp(b + 3, "\"=\"\"510107200103050219\"\"\","
	    "\"=\"\"0012\"\"\",\"=\"\"5101**********0219\"\"\","
	    "\"'=HYPERLINK(\"\"x\"\")\",\"1,2\",\r\n") == 0,
	    "csvout_text: =\"...\" for digits, masks, codes; anything else "
	    "as a plain field, formula defence kept");
	free(b);
	csvout_free(&c);

	/* Round trips through roster_parse. */
	b = write_roster(0, &len);
	rc = b == NULL ? -2 : roster_parse(b, len, &r, err, sizeof(err));
	ok(rc == 0 && strcmp(r.encoding, "UTF-8") == 0,
	    "UTF-8 export parses as a roster");
	ok(rc == 0 && same_rows(&r), "UTF-8 round trip keeps every field");
	roster_free(&r);
	free(b);

	b = write_roster(1, &len);
	rc = b == NULL ? -2 : roster_parse(b, len, &r, err, sizeof(err));
	ok(rc == 0 && strcmp(r.encoding, "GBK") == 0,
	    "GB18030 export parses as a GBK (GB18030) roster");
	ok(rc == 0 && same_rows(&r), "GB18030 round trip keeps every field");
	roster_free(&r);
	free(b);

	/* A header-like text with commas stays one field. */
	csvout_init(&c, 0);
	csvout_field(&c, "采集码,姓名,身份证号,学号,学历类别,学历层次,班级");
	csvout_endrow(&c);
	rc = csvout_take(&c, &b, &len);
	ok(rc == 0 && strstr(b, "\"采集码,姓名") != NULL,
	    "a field holding commas is one quoted field");
	free(b);
	csvout_free(&c);

	csvout_init(&c, 1);
	csvout_free(&c);
	csvout_free(&c);
	ok(1, "csvout_free twice is safe");

	return tap_done();
}
