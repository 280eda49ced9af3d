/*
 * test_roster.c - TAP tests for roster.c (class roster CSV import).
 * Fixtures are read from $srcdir/t/fixtures (srcdir defaults to ".").
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/roster.h"
#include "infra/lang.h"
#include "tap.h"
#include "infra/text.h"

#define HDR "采集码,姓名,身份证号,学号,学历类别,学历层次,班级"
/* Valid ID numbers (check digits computed). */
#define ID1 "11010519491231002X"
#define ID2 "510107200103050219"
#define ID3 "440304199901011239"
#define ROW(code, name, id) code "," name "," id ",S001,普通本科,普通高校,一班"

/* Parse a NUL-terminated string.  Returns roster_parse()'s value. */
static int
parse(const char *s, struct roster *r, char *err, size_t errsz)
{

	return roster_parse(s, strlen(s), r, err, errsz);
}

/* Returns 1 if r has a reject on line with exactly reason. */
static int
has_reject(const struct roster *r, int line, const char *reason)
{
	size_t	 i;

	for (i = 0; i < r->nrejects; i++)
		if (r->rejects[i].line == line &&
		    strcmp(r->rejects[i].reason, reason) == 0)
			return 1;
	printf("# no reject \"%s\" on line %d; have:\n", reason, line);
	for (i = 0; i < r->nrejects; i++)
		printf("#   line %d: %s\n", r->rejects[i].line,
		    r->rejects[i].reason);
	return 0;
}

/* Returns 1 if parsing s fails with a message containing want. */
static int
refused(const char *s, size_t len, const char *want)
{
	struct roster	 r;
	char		 err[256];
	int		 rc;

	rc = roster_parse(s, len, &r, err, sizeof(err));
	if (rc != -1 || strstr(err, want) == NULL) {
		printf("# rc %d err \"%s\", want \"%s\"\n", rc, err, want);
		roster_free(&r);
		return 0;
	}
	return r.nrows == 0 && r.nrejects == 0 && r.rows == NULL;
}

/* Read a fixture.  Returns a malloc'd buffer (caller frees) or NULL. */
static char *
fixture(const char *name, size_t *len)
{
	const char	*dir = getenv("srcdir");
	char		 path[1024], *buf;
	FILE		*fp;
	long		 n;
	int		 w;

	w = snprintf(path, sizeof(path), "%s/t/fixtures/%s",
	    dir != NULL ? dir : ".", name);
	if (w < 0 || (size_t)w >= sizeof(path))
		return NULL;
	if ((fp = fopen(path, "rb")) == NULL) {
		printf("# %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 ||
	    (buf = malloc(n + 1)) == NULL) {
		fclose(fp);
		return NULL;
	}
	if (fread(buf, 1, n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	buf[n] = '\0';
	fclose(fp);
	*len = n;
	return buf;
}

/* Encode UTF-8 text to GBK with iconv directly (independent of text.c).
 * Returns a malloc'd buffer (caller frees) or NULL. */
static char *
to_gbk(const char *s, size_t *len)
{
	iconv_t	 cd;
	char	*buf, *ip = (char *)s, *op;
	size_t	 il = strlen(s), ol = il * 2 + 1;

	if ((cd = iconv_open("GBK", "UTF-8")) == (iconv_t)-1)
		return NULL;
	if ((buf = op = malloc(ol)) == NULL ||
	    iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		free(buf);
		iconv_close(cd);
		return NULL;
	}
	iconv_close(cd);
	*len = op - buf;
	return buf;
}

int
main(void)
{
	struct roster	 r;
	char		 err[256], m[64], words[1024], *buf, *big;
	size_t		 len, i;
	int		 rc;

	plan(60);

	/* The column names and messages are words. */
	snprintf(words, sizeof(words), "%s/lang", getenv("srcdir") ?
	    getenv("srcdir") : ".");
	ok(lang_load(words) == 0, "the words (lang/zh.hdf) load");

	/* The demo fixture. */
	buf = fixture("roster-demo.csv", &len);
	rc = buf == NULL ? -2 : roster_parse(buf, len, &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 12 && r.nrejects == 0 &&
	    strcmp(r.encoding, "UTF-8") == 0,
	    "demo fixture: 12 students, no rejects, UTF-8");
	ok(rc == 0 && r.rows[0].line == 2 &&
	    strcmp(r.rows[0].collect_code, "HX04873chdu394hf") == 0 &&
	    strcmp(r.rows[0].name, "李小芳") == 0 &&
	    strcmp(r.rows[0].id_number, ID2) == 0 &&
	    strcmp(r.rows[0].student_no, "2019837480219") == 0 &&
	    strcmp(r.rows[0].edu_category, "普通本科") == 0 &&
	    strcmp(r.rows[0].edu_level, "普通高校") == 0 &&
	    strcmp(r.rows[0].class_name, "工商管理1班") == 0,
	    "demo fixture: the guide's sample student");
	if (rc == 0)
		name_mask(r.rows[0].name, m, sizeof(m));
	ok(rc == 0 && strcmp(m, "李*芳") == 0, "demo student masks as 李*芳");
	roster_free(&r);
	free(buf);

	/* The GBK fixture. */
	buf = fixture("roster-gbk.csv", &len);
	rc = buf == NULL ? -2 : roster_parse(buf, len, &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 5 && r.nrejects == 2 &&
	    strcmp(r.encoding, "GBK") == 0,
	    "GBK fixture: 5 imported, 2 rejected, GBK");
	ok(rc == 0 && has_reject(&r, 4, "身份证号校验位错误") &&
	    has_reject(&r, 8, "采集码重复（与第3行）"),
	    "GBK fixture: bad ID on line 4, duplicate on line 8");
	ok(rc == 0 && strcmp(r.rows[0].name, "马晓峰") == 0 &&
	    strcmp(r.rows[2].id_number, "51010620010419869X") == 0,
	    "GBK fixture: names decoded, X check digit kept");
	roster_free(&r);
	free(buf);

	/* UTF-8 with BOM, LF. */
	rc = parse("\xEF\xBB\xBF" HDR "\n" ROW("CODE1", "李小芳", ID1) "\n",
	    &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 1 && strcmp(r.encoding, "UTF-8") == 0 &&
	    strcmp(r.rows[0].collect_code, "CODE1") == 0,
	    "UTF-8 with BOM: BOM stripped from the first column name");
	roster_free(&r);

	/* UTF-8 without BOM, CRLF, no final newline. */
	rc = parse(HDR "\r\n" ROW("CODE1", "李小芳", ID1) "\r\n"
	    ROW("CODE2", "王浩然", ID2), &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 2 && r.rows[1].line == 3 &&
	    strcmp(r.rows[1].class_name, "一班") == 0,
	    "CRLF without BOM or final newline");
	roster_free(&r);

	/* GBK made by iconv from UTF-8 text. */
	buf = to_gbk(HDR "\r\n" ROW("CODE1", "欧阳小芳", ID1) "\r\n"
	    ROW("CODE2", "李芳", "1101051949123100") "\r\n", &len);
	rc = buf == NULL ? -2 : roster_parse(buf, len, &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 1 && strcmp(r.encoding, "GBK") == 0 &&
	    strcmp(r.rows[0].name, "欧阳小芳") == 0,
	    "GBK roster decoded to UTF-8");
	ok(rc == 0 && has_reject(&r, 3, "身份证号应为18位"),
	    "GBK roster: short ID rejected on line 3");
	roster_free(&r);
	free(buf);

	/* Quoted fields: commas, doubled quotes, embedded newlines. */
	rc = parse("备注," HDR "\n"
	    "\"line one\nline two, with comma\",CODE1,\"Li, Anna\"," ID1
	    ",S001,普通本科,普通高校,\"一班\"\n"
	    "x,CODE2,\"李\"\"小\"\"芳\"," ID2 ",S002,普通本科,普通高校,一班\n"
	    "x,CODE3,\"王\n浩然\"," ID3 ",S003,普通本科,普通高校,一班\n"
	    "x,CODE4,赵一鸣," ID3 ",S004,普通本科,普通高校,一班\n",
	    &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 3 && r.rows[0].line == 2 &&
	    strcmp(r.rows[0].name, "Li, Anna") == 0,
	    "quoted comma kept; multi-line record reports its first line");
	ok(rc == 0 && r.rows[1].line == 4 &&
	    strcmp(r.rows[1].name, "李\"小\"芳") == 0,
	    "doubled quotes decoded; line numbers count embedded newlines");
	ok(rc == 0 && has_reject(&r, 5, "姓名含有控制字符") &&
	    r.rows[2].line == 7,
	    "newline inside a name rejected on its first line");
	roster_free(&r);

	/* Columns in another order, unknown columns ignored, spaces. */
	rc = parse(" 班级 ,学号,其他,姓名,身份证号,学历层次,学历类别,采集码\n"
	    "\xE3\x80\x80会计学1班 ,A-01,whatever, 吴婷 ,11010519491231002x,"
	    "普通高校,普通本科, CODE_1 \n", &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 1 &&
	    strcmp(r.rows[0].class_name, "会计学1班") == 0 &&
	    strcmp(r.rows[0].student_no, "A-01") == 0 &&
	    strcmp(r.rows[0].name, "吴婷") == 0 &&
	    strcmp(r.rows[0].collect_code, "CODE_1") == 0 &&
	    strcmp(r.rows[0].edu_level, "普通高校") == 0 &&
	    strcmp(r.rows[0].edu_category, "普通本科") == 0,
	    "columns in any order, trimmed (incl. U+3000), extras ignored");
	ok(rc == 0 && strcmp(r.rows[0].id_number, ID1) == 0,
	    "lowercase x stored as X");
	roster_free(&r);

	/* Whole-file refusals. */
	ok(refused("采集码,姓名,学号,学历类别,学历层次,班级\n",
	    strlen("采集码,姓名,学号,学历类别,学历层次,班级\n"), "身份证号"),
	    "missing column refused, named");
	ok(refused("采集码,姓名,学号,学历类别,学历层次\nx\n",
	    strlen("采集码,姓名,学号,学历类别,学历层次\nx\n"),
	    "表头缺少列：身份证号、班级"), "all missing columns named");
	ok(refused(HDR ",姓名\n", strlen(HDR ",姓名\n"), "表头列重复：姓名"),
	    "repeated column refused");
	ok(refused("", 0, "文件为空"), "empty file refused");
	ok(refused("\xEF\xBB\xBF \r\n\n", 6, "文件为空"),
	    "BOM and blank lines only: empty");
	ok(refused("a,b\nc,d\n1,2\n3,4\n5,6\n7,8\n", 24, "找不到表头"),
	    "no header refused");
	ok(refused("PK\x03\x04\0\0\0", 7, "不是文本文件"),
	    "binary (NUL bytes, e.g. xlsx) refused");
	ok(refused("\xFF\xFE\x47\x00", 4, "UTF-16"), "UTF-16 refused");
	ok(refused("\x80\x80\x80\n", 4, "编码"), "neither UTF-8 nor GBK");
	ok(refused(HDR "\n" ROW("CODE1", "\"李小芳", ID1) "\n",
	    strlen(HDR "\n" ROW("CODE1", "\"李小芳", ID1) "\n"), "第2行的引号"),
	    "quote never closed refuses the file, names the line");
	big = calloc(1, ROSTER_MAXBYTES + 1);
	ok(big != NULL && refused(big, ROSTER_MAXBYTES + 1, "文件过大"),
	    "over 20 MB refused");
	free(big);
	/* 100001 records of one field each. */
	len = strlen(HDR "\n") + (ROSTER_MAXROWS + 1) * 6;
	if ((big = malloc(len + 1)) != NULL) {
		memcpy(big, HDR "\n", strlen(HDR "\n"));
		for (i = 0; i <= ROSTER_MAXROWS; i++)
			memcpy(big + strlen(HDR "\n") + i * 6, "ABCDE\n", 6);
	}
	ok(big != NULL && refused(big, len, "行数过多"),
	    "more than 100000 records refused");
	free(big);

	/* Header only, title row, blank and empty lines. */
	rc = parse(HDR "\n", &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 0 && r.nrejects == 0,
	    "header only: zero rows");
	roster_free(&r);
	rc = parse("2024届毕业生名单,,,,,,\n" HDR "\n\n,,,,,,\n"
	    ROW("CODE1", "李小芳", ID1) "\n  \n" ROW("CODE2", "x", "1") "\n"
	    ",,,,,,\n", &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 1 && r.rows[0].line == 5 &&
	    r.nrejects == 1 && has_reject(&r, 7, "身份证号应为18位"),
	    "title row, blank lines and ,,,,,, skipped; lines still right");
	roster_free(&r);

	/* Lone CR line endings (old Mac). */
	rc = parse(HDR "\r" ROW("CODE1", "李小芳", ID1) "\r"
	    ROW("CODE2", "王浩然", "123") "\r", &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 1 && has_reject(&r, 3, "身份证号应为18位"),
	    "lone CR ends lines too");
	roster_free(&r);

	/* Row rules, each with its line. */
	rc = parse(HDR "\n"
	    ROW("CODE1", "李小芳", ID1) "\n"			/* 2 ok */
	    ROW("CODE2", "王浩然", "110105194912310021") "\n"	/* 3 */
	    ROW("CODE3", "张雨欣", "11010519491231002") "\n"	/* 4 */
	    ROW("CODE4", "刘子轩", "1101051949123100AB") "\n"	/* 5 */
	    ROW("CODE5", "陈思远", "110105199902301236") "\n"	/* 6 */
	    ROW("CODE1", "杨梦琪", ID3) "\n"			/* 7 dup */
	    ROW("code1", "赵一鸣", ID3) "\n"			/* 8 dup */
	    ROW("C1", "黄嘉怡", ID3) "\n"			/* 9 */
	    ROW("CODE 9", "周俊杰", ID3) "\n"			/* 10 */
	    "CODE10,,"ID3",S1,普通本科,普通高校,一班\n"		/* 11 */
	    "CODE11,吴婷," ID3 ",S1,普通本科\n"			/* 12 */
	    "CODE12,孙明轩," ID3 ",S/1,普通本科,普通高校,一班\n"	/* 13 */
	    ROW("CODE13", "一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五", ID3) "\n"				/* 14 */
	    ROW("CODE14", "a\x01" "b", ID3) "\n"			/* 15 */
	    ROW("CODE15", "\xE6\x9D", ID3) "\n"			/* 16 */
	    ROW("CODE16", "马\"晓峰", ID3) "\n"			/* 17 */
	    ROW("CODE17", "林诗涵", "440304199901011247") "\n"			/* 18 ok */
	    ROW("CODE18", "<script>alert(1)</script>", "440304199901011255") "\n"	/* 19 ok */
	    ROW("CODE19", "\"Robert'); DROP TABLE s;--\"", "440304199901011263") "\n" /* 20 ok */
	    ROW("CODE20", "\"\"\"; SELECT 1 -- '\"", "440304199901011271") "\n"	/* 21 ok */
	    ROW("CODE21", "\xF0\x9F\x98\x80小芳", "44030419990101128X") "\n"	/* 22 ok */
	    ROW("CODE22", "重复者", "440304199901011247") "\n",		/* 23 dup ID */
	    &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 6 && r.nrejects == 16 &&
	    strcmp(r.encoding, "UTF-8") == 0,
	    "row rules: 6 accepted, 16 rejected, one bad byte keeps UTF-8");
	ok(rc == 0 && has_reject(&r, 23, "身份证号重复（与第18行）"),
	    "one person, one row: a repeated ID number names the first line");
	ok(rc == 0 && has_reject(&r, 3, "身份证号校验位错误"), "wrong check");
	ok(rc == 0 && has_reject(&r, 4, "身份证号应为18位"), "short ID");
	ok(rc == 0 && has_reject(&r, 5, "身份证号只能包含数字和末位X"),
	    "letters in ID");
	ok(rc == 0 && has_reject(&r, 6, "身份证号出生日期无效"), "bad date");
	ok(rc == 0 && has_reject(&r, 7, "采集码重复（与第2行）"),
	    "duplicate 采集码 names the first line");
	ok(rc == 0 && has_reject(&r, 8, "采集码重复（与第2行）"),
	    "duplicate ignores ASCII case");
	ok(rc == 0 && has_reject(&r, 9, "采集码格式不正确"), "code too short");
	ok(rc == 0 && has_reject(&r, 10, "采集码格式不正确"),
	    "space inside code");
	ok(rc == 0 && has_reject(&r, 11, "缺少字段：姓名"), "empty name");
	ok(rc == 0 && has_reject(&r, 12, "缺少字段：学历层次"), "short row");
	ok(rc == 0 && has_reject(&r, 13, "学号格式不正确"), "bad 学号");
	ok(rc == 0 && has_reject(&r, 14, "姓名过长（最多64个字）"),
	    "65-character name too long");
	ok(rc == 0 && has_reject(&r, 15, "姓名含有控制字符"),
	    "control character in name");
	ok(rc == 0 && has_reject(&r, 16,
	    "含有无法识别的字符（文件编码不正确）"),
	    "invalid UTF-8 in a UTF-8 file rejects the row");
	ok(rc == 0 && has_reject(&r, 17, "引号使用不正确（含逗号、引号或换行"
	    "的字段应整体加双引号，字段内的引号写两个）"),
	    "stray quote rejects the row, parsing goes on");
	ok(rc == 0 && r.rows[1].line == 18 &&
	    strcmp(r.rows[1].name, "林诗涵") == 0,
	    "row after a stray quote parsed normally");
	ok(rc == 0 && strcmp(r.rows[2].name, "<script>alert(1)</script>") == 0,
	    "HTML in a name accepted as text");
	ok(rc == 0 && strcmp(r.rows[3].name, "Robert'); DROP TABLE s;--") == 0,
	    "SQL metacharacters accepted as text");
	ok(rc == 0 && strcmp(r.rows[4].name, "\"; SELECT 1 -- '") == 0,
	    "quotes in a name accepted as text");
	ok(rc == 0 && strcmp(r.rows[5].name, "\xF0\x9F\x98\x80小芳") == 0,
	    "emoji accepted");
	for (i = 1; rc == 0 && i < r.nrejects; i++)
		if (r.rejects[i].line <= r.rejects[i - 1].line)
			break;
	ok(rc == 0 && i == r.nrejects, "rejects in line order");
	roster_free(&r);

	/* Long names, counted in characters: 64 four-byte characters (256
	 * bytes) fit; "·" names; the ="..." form of tucai's own export. */
#define X8 "𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷"
	rc = parse(HDR "\n" ROW("CODE1", X8 X8 X8 X8 X8 X8 X8 X8, ID1) "\n"
	    ROW("CODE2", "阿依古丽·买买提·艾合买提江·阿卜杜热合曼·"
	    "吐尔逊·库尔班·热合曼", ID2) "\n"
	    "\"=\"\"CODE3\"\"\",张三,\"=\"\"" ID3 "\"\"\",\"=\"\"0012\"\"\","
	    "普通本科,普通高校,\"=\"\"一班\"\"\"\n", &r, err, sizeof(err));
#undef X8
	ok(rc == 0 && r.nrows == 3 && r.nrejects == 0 &&
	    strlen(r.rows[0].name) == 256,
	    "64 characters of CJK Extension B (256 bytes) accepted");
	ok(rc == 0 && r.nrows == 3 && strcmp(r.rows[2].id_number, ID3) == 0 &&
	    strcmp(r.rows[2].collect_code, "CODE3") == 0 &&
	    strcmp(r.rows[2].student_no, "0012") == 0,
	    "=\"...\" of the export read as the bare 采集码, ID number, 学号");
	ok(rc == 0 && r.nrows == 3 &&
	    strcmp(r.rows[2].class_name, "=\"一班\"") == 0,
	    "... but text columns keep what they hold");
	roster_free(&r);

	/* A duplicate of a rejected row is still a duplicate. */
	rc = parse(HDR "\n" ROW("CODE1", "李小芳", "1") "\n"
	    ROW("CODE1", "李小芳", ID1) "\n", &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 0 && has_reject(&r, 3,
	    "采集码重复（与第2行）"),
	    "code of a rejected row still counts as seen");
	roster_free(&r);

	/* Invalid bytes in a GBK file reject only their row. */
	buf = to_gbk(HDR "\n" ROW("CODE1", "李小芳", ID1) "\n"
	    ROW("CODE2", "王浩然", ID2) "\n", &len);
	if (buf != NULL) {
		char	*p = strstr(buf, "CODE2,");

		if (p != NULL)
			p[6] = (char)0xFF;	/* first byte of 王 */
	}
	rc = buf == NULL ? -2 : roster_parse(buf, len, &r, err, sizeof(err));
	ok(rc == 0 && r.nrows == 1 && strcmp(r.encoding, "GBK") == 0 &&
	    has_reject(&r, 3, "含有无法识别的字符（文件编码不正确）"),
	    "bad byte in a GBK file rejects that row only");
	roster_free(&r);
	free(buf);

	/* roster_free twice and on an empty roster is safe. */
	memset(&r, 0, sizeof(r));
	roster_free(&r);
	roster_free(NULL);
	ok(1, "roster_free on empty and NULL");

	return tap_done();
}
