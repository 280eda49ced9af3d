/*
 * test_lang.c - TAP tests for lang.c (the words) and for the words'
 * users: a missing word is caught here, not by a student.
 *
 * First lang.c on words of its own (a temporary zh.hdf): lookups, a
 * missing key shown as itself, words with values and every refusal.
 * Then the sources ($srcdir, default "."):
 *   - no string literal in cgi/ (C, comments aside) holds Chinese;
 *   - every key the C code names ("Lang.X.Y") is a word of lang/zh.hdf;
 *   - a word's {names} are exactly the values its callers pass with
 *     LS()/LI() in the same call, and a word without names gets none;
 *   - every Lang.* name in templates/ is in lang/zh.hdf;
 *   - every word of lang/zh.hdf is used by the C code or a template, and
 *     its braces are well formed.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ClearSilver.h>

#include "infra/lang.h"
#include "tap.h"

/* ------------------------------------------------------------ lang.c */

static void
test_lang_c(void)
{
	char		 dir[] = "/tmp/test_lang.XXXXXX", path[128], buf[64];
	char		 small[8];
	FILE		*fp;

	ok(L("Lang.Any.Key") != NULL && strcmp(L("Lang.Any.Key"),
	    "Lang.Any.Key") == 0, "no words loaded: L() gives the key");
	ok(LF(buf, sizeof(buf), "Lang.T.Plain") == -1 &&
	    strcmp(buf, "Lang.T.Plain") == 0,
	    "no words loaded: LF() refuses, buf holds the key");
	ok(mkdtemp(dir) != NULL, "temporary folder");
	snprintf(path, sizeof(path), "%s/zh.hdf", dir);
	ok(lang_load(dir) == -1, "a folder without zh.hdf is refused");
	fp = fopen(path, "w");
	ok(fp != NULL, "write %s", path);
	if (fp == NULL)
		return;
	fputs("Other { X = 1 }\n", fp);
	fclose(fp);
	ok(lang_load(dir) == -1, "a zh.hdf without a Lang block is refused");
	fp = fopen(path, "w");
	fputs("Lang {\n"
	    "  T {\n"
	    "    Plain = 请求无效\n"
	    "    One = 请填写{label}\n"
	    "    Two = {from} 至 {to}，共 {n} 个，{n} 个新增\n"
	    "    Open = 未闭合 {name\n"
	    "    Empty = 空 {}\n"
	    "    Long = 这是一个比较长的句子\n"
	    "    Multi << EOM\n"
	    "第一行\n"
	    "第二行\n"
	    "EOM\n"
	    "  }\n"
	    "}\n", fp);
	fclose(fp);
	ok(lang_load(dir) == 0 && lang_hdf() != NULL, "words loaded");
	is_str(L("Lang.T.Plain"), "请求无效", "L() gives the word");
	is_str(L("Lang.T.Nope"), "Lang.T.Nope", "a missing word: the key");
	is_str(L("Lang.T"), "Lang.T", "a block is no word: the key");
	is_str(L("Lang.T.Multi"), "第一行\n第二行\n",
	    "a multi-line word keeps its lines");

	ok(LF(buf, sizeof(buf), "Lang.T.One", LS("label", "姓名")) == 0,
	    "one value");
	is_str(buf, "请填写姓名", "... filled in");
	ok(LF(buf, sizeof(buf), "Lang.T.One", LS("label", NULL)) == 0 &&
	    strcmp(buf, "请填写") == 0, "a NULL string prints as nothing");
	ok(LF(buf, sizeof(buf), "Lang.T.Two", LS("to", "5"),
	    LI("n", -12), LS("from", "1")) == 0, "values in any order");
	is_str(buf, "1 至 5，共 -12 个，-12 个新增",
	    "... each by name, a name used twice, numbers in decimal");
	ok(LF(buf, sizeof(buf), "Lang.T.Plain", LS("x", "1")) == -1 &&
	    strcmp(buf, "Lang.T.Plain") == 0,
	    "a value the word does not use: refused, the key shown");
	ok(LF(buf, sizeof(buf), "Lang.T.One", LS("name", "1")) == -1,
	    "a name the caller does not give: refused");
	ok(LF(buf, sizeof(buf), "Lang.T.One") == -1,
	    "a word with a name, no values: refused");
	ok(LF(buf, sizeof(buf), "Lang.T.Two", LS("from", "1"),
	    LS("to", "5")) == -1, "one value missing: refused");
	ok(LF(buf, sizeof(buf), "Lang.T.Open", LS("name", "x")) == -1,
	    "'{' without '}': refused");
	ok(LF(buf, sizeof(buf), "Lang.T.Empty") == -1, "'{}': refused");
	ok(LF(buf, sizeof(buf), "Lang.T.Nope") == -1 &&
	    strcmp(buf, "Lang.T.Nope") == 0, "a missing word: refused");
	ok(LF(small, sizeof(small), "Lang.T.Long") == -1 &&
	    strcmp(small, "Lang.T.") == 0,
	    "too long for the buffer: refused (no cut word), key cut");
	ok(LF(buf, 31, "Lang.T.Long") == 0 && LF(buf, 30, "Lang.T.Long") == -1,
	    "exactly fitting (30 bytes and NUL) is fine, one less is not");
	ok(LF(buf, sizeof(buf), "Lang.T.One", LS("label", "这是一个比较长的"
	    "句子这是一个比较长的句子")) == -1,
	    "a value making it too long: refused");

	unlink(path);
	rmdir(dir);
}

/* ----------------------------------------------------- the sources */

enum tok { T_IDENT, T_STR, T_PUNCT };

struct token {
	enum tok	 type;
	char		*text;	/* identifier, punctuation, or the literal's
				 * bytes without quotes, escapes undone */
	int		 line;
};

struct file {
	char		*path;	/* relative to srcdir */
	struct token	*t;
	size_t		 n, cap;
};

static struct file	*files;
static size_t		 nfiles;

/* Words: key, and whether something uses it. */
struct word {
	char		*key;
	const char	*text;
	int		 used;
};

static struct word	*words;
static size_t		 nwords;

static void *
xrealloc(void *p, size_t n)
{

	if ((p = realloc(p, n)) == NULL) {
		perror("realloc");
		exit(2);
	}
	return p;
}

static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 sz;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	sz = ftell(fp);
	rewind(fp);
	buf = xrealloc(NULL, (size_t)sz + 1);
	if (fread(buf, 1, (size_t)sz, fp) != (size_t)sz) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	buf[sz] = '\0';
	fclose(fp);
	return buf;
}

static void
add_token(struct file *f, enum tok type, const char *s, size_t len, int line)
{
	struct token	*t;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 1024;
		f->t = xrealloc(f->t, f->cap * sizeof(*f->t));
	}
	t = &f->t[f->n++];
	t->type = type;
	t->text = xrealloc(NULL, len + 1);
	memcpy(t->text, s, len);
	t->text[len] = '\0';
	t->line = line;
}

/*
 * C, as far as this test needs it: comments skipped, string and
 * character literals read (escapes kept but for \" and \\), identifiers,
 * and single-character punctuation.
 */
static void
lex(struct file *f, const char *s)
{
	const char	*p = s, *q;
	char		*lit;
	size_t		 n;
	int		 line = 1;

	while (*p != '\0') {
		if (*p == '\n') {
			line++;
			p++;
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p != '\0' && !(p[0] == '*' && p[1] == '/'); p++)
				if (*p == '\n')
					line++;
			if (*p != '\0')
				p += 2;
		} else if (p[0] == '/' && p[1] == '/') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (*p == '"' || *p == '\'') {
			char	 quote = *p++;

			lit = xrealloc(NULL, strlen(p) + 1);
			for (n = 0; *p != '\0' && *p != quote && *p != '\n'; p++) {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\' ||
				    p[1] == '\''))
					p++;
				lit[n++] = *p;
			}
			if (*p == quote)
				p++;
			if (quote == '"')
				add_token(f, T_STR, lit, n, line);
			free(lit);
		} else if (*p == '_' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z')) {
			for (q = p; *q == '_' || (*q >= 'a' && *q <= 'z') ||
			    (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9');
			    q++)
				continue;
			add_token(f, T_IDENT, p, (size_t)(q - p), line);
			p = q;
		} else if (*p == ' ' || *p == '\t' || *p == '\r' ||
		    (*p >= '0' && *p <= '9')) {
			p++;
		} else {
			add_token(f, T_PUNCT, p, 1, line);
			p++;
		}
	}
}

/* Does s hold a Chinese character or CJK / full-width punctuation? */
static int
has_cjk(const unsigned char *s)
{
	unsigned int	 c;

	for (; *s != '\0'; s++) {
		if (*s < 0xe0 || *s >= 0xf0 || s[1] == '\0' || s[2] == '\0')
			continue;	/* 3-byte sequences only: U+0800-FFFF */
		c = (unsigned int)(*s & 0x0f) << 12 |
		    (unsigned int)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		if ((c >= 0x3000 && c <= 0x303f) ||	/* CJK punctuation */
		    (c >= 0x3400 && c <= 0x4dbf) ||	/* extension A */
		    (c >= 0x4e00 && c <= 0x9fff) ||	/* unified */
		    (c >= 0xff00 && c <= 0xffef))	/* full-width forms */
			return 1;
	}
	return 0;
}

static int
ends(const char *s, const char *suffix)
{
	size_t	 l = strlen(s), m = strlen(suffix);

	return l > m && strcmp(s + l - m, suffix) == 0;
}

/* Call fn for every file under srcdir/rel whose name ends in one of
 * suffixes (NULL-terminated), in name order. */
static void
read_tree(const char *srcdir, const char *rel, const char *const *suffixes,
    void (*fn)(const char *, const char *, const char *))
{
	struct dirent	**list;
	struct stat	 st;
	char		 path[2048], sub[1024];
	int		 i, n;
	size_t		 k;

	snprintf(path, sizeof(path), "%s/%s", srcdir, rel);
	if ((n = scandir(path, &list, NULL, alphasort)) < 0)
		return;
	for (i = 0; i < n; i++) {
		const char *d = list[i]->d_name;

		snprintf(sub, sizeof(sub), "%s/%s", rel, d);
		snprintf(path, sizeof(path), "%s/%s", srcdir, sub);
		if (d[0] != '.' && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				read_tree(srcdir, sub, suffixes, fn);
			else
				for (k = 0; suffixes[k] != NULL; k++)
					if (ends(d, suffixes[k])) {
						fn(srcdir, sub, path);
						break;
					}
		}
		free(list[i]);
	}
	free(list);
}

static void
add_c(const char *srcdir, const char *rel, const char *path)
{
	struct file	*f;
	char		*s;

	if ((s = slurp(path)) == NULL)
		return;
	files = xrealloc(files, (nfiles + 1) * sizeof(*files));
	f = &files[nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = strdup(rel);
	lex(f, s);
	free(s);
}

static struct word *
find_word(const char *key)
{
	size_t	 i;

	for (i = 0; i < nwords; i++)
		if (strcmp(words[i].key, key) == 0)
			return &words[i];
	return NULL;
}

/* Collect every node with a value under h, named prefix.name. */
static void
collect(HDF *h, const char *prefix)
{
	HDF		*c;
	char		 key[512];

	for (c = hdf_obj_child(h); c != NULL; c = hdf_obj_next(c)) {
		snprintf(key, sizeof(key), "%s.%s", prefix, hdf_obj_name(c));
		if (hdf_obj_value(c) != NULL) {
			words = xrealloc(words, (nwords + 1) * sizeof(*words));
			words[nwords].key = strdup(key);
			words[nwords].text = hdf_obj_value(c);
			words[nwords].used = 0;
			nwords++;
		}
		collect(c, key);
	}
}

/* The {names} of text, sorted and joined with ',' into out. */
static int
names_of(const char *text, char *out, size_t sz)
{
	char		 list[LARG_MAX][64];
	const char	*p, *e;
	int		 n = 0, i, j;
	size_t		 len;

	out[0] = '\0';
	for (p = text; (p = strchr(p, '{')) != NULL; p = e + 1) {
		if ((e = strchr(p, '}')) == NULL || e == p + 1 ||
		    (len = (size_t)(e - p - 1)) >= sizeof(list[0]) ||
		    n == LARG_MAX)
			return -1;
		for (i = 1; p + i < e; i++)
			if (!((p[i] >= 'a' && p[i] <= 'z') || p[i] == '_' ||
			    (p[i] >= '0' && p[i] <= '9')))
				return -1;
		memcpy(list[n], p + 1, len);
		list[n][len] = '\0';
		for (i = 0; i < n && strcmp(list[i], list[n]) != 0; i++)
			continue;
		if (i == n)
			n++;
	}
	for (i = 0; i < n; i++)	/* sort: n is small */
		for (j = i + 1; j < n; j++)
			if (strcmp(list[i], list[j]) > 0) {
				char tmp[64];
				memcpy(tmp, list[i], sizeof(tmp));
				memcpy(list[i], list[j], sizeof(tmp));
				memcpy(list[j], tmp, sizeof(tmp));
			}
	for (i = 0; i < n; i++) {
		if (strlen(out) + strlen(list[i]) + 2 > sz)
			return -1;
		if (i > 0)
			strcat(out, ",");
		strcat(out, list[i]);
	}
	return 0;
}

/*
 * The names given with LS("x", ...) / LI("x", ...) after token k, up to
 * the end of the call holding it (or of the statement, or of the table
 * entry): sorted, joined with ','.
 */
static void
names_given(const struct file *f, size_t k, char *out, size_t sz)
{
	char		 text[LARG_MAX * 66];
	size_t		 j;
	int		 depth = 0;

	text[0] = '\0';
	for (j = k + 1; j < f->n; j++) {
		const struct token *t = &f->t[j];

		if (t->type == T_PUNCT) {
			if (t->text[0] == '(')
				depth++;
			else if (t->text[0] == ')' && --depth < 0)
				break;
			else if (strchr(";{}", t->text[0]) != NULL)
				break;
			continue;
		}
		if (t->type == T_IDENT && (strcmp(t->text, "LS") == 0 ||
		    strcmp(t->text, "LI") == 0) && j + 2 < f->n &&
		    f->t[j + 1].text[0] == '(' && f->t[j + 2].type == T_STR &&
		    strlen(text) + strlen(f->t[j + 2].text) + 4 < sizeof(text)) {
			strcat(text, "{");
			strcat(text, f->t[j + 2].text);
			strcat(text, "}");
		}
	}
	if (names_of(text, out, sz) != 0)
		snprintf(out, sz, "?");
}

static int	 bad_template_keys;

static void
scan_template(const char *srcdir, const char *rel, const char *path)
{
	char		*s, *p, key[256];
	size_t		 n, i, len;
	struct word	*w;

	if ((s = slurp(path)) == NULL)
		return;
	for (p = s; (p = strstr(p, "Lang.")) != NULL; p += n) {
		if (p > s && (p[-1] == '_' || (p[-1] >= 'A' && p[-1] <= 'Z') ||
		    (p[-1] >= 'a' && p[-1] <= 'z') || p[-1] == '.')) {
			n = 5;
			continue;
		}
		for (n = 0; n + 1 < sizeof(key) && (p[n] == '.' || p[n] == '_' ||
		    (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' && p[n] <= 'z') ||
		    (p[n] >= '0' && p[n] <= '9')); n++)
			key[n] = p[n];
		while (n > 0 && key[n - 1] == '.')
			n--;
		key[n] = '\0';
		/* A word, or a block of words (Lang.X[name]): all used. */
		len = strlen(key);
		if ((w = find_word(key)) != NULL) {
			w->used = 1;
			continue;
		}
		for (w = NULL, i = 0; i < nwords; i++)
			if (strncmp(words[i].key, key, len) == 0 &&
			    words[i].key[len] == '.') {
				words[i].used = 1;
				w = &words[i];
			}
		if (w == NULL) {
			printf("# %s: %s is not in lang/zh.hdf\n", rel, key);
			bad_template_keys++;
		}
	}
	free(s);
}

static const char *const c_files[] = { ".c", ".h", NULL };
static const char *const cs_files[] = { ".cs", NULL };

static void
test_sources(const char *srcdir)
{
	char		 dir[1024], want[512], given[512];
	size_t		 i, k;
	int		 cjk = 0, missing = 0, mismatch = 0, unused = 0, braces = 0;
	struct word	*w;

	snprintf(dir, sizeof(dir), "%s/lang", srcdir);
	ok(lang_load(dir) == 0, "lang/zh.hdf loads");
	if (lang_hdf() == NULL)
		return;
	collect(hdf_get_obj(lang_hdf(), "Lang"), "Lang");
	ok(nwords > 100, "lang/zh.hdf has its words (%zu)", nwords);

	read_tree(srcdir, "cgi", c_files, add_c);
	ok(nfiles > 40, "the C sources of cgi/ read (%zu files)", nfiles);
	for (i = 0; i < nfiles; i++) {
		const struct file *f = &files[i];

		for (k = 0; k < f->n; k++) {
			const struct token *t = &f->t[k];

			if (t->type != T_STR)
				continue;
			if (has_cjk((const unsigned char *)t->text)) {
				printf("# %s:%d: Chinese in C: \"%s\"\n",
				    f->path, t->line, t->text);
				cjk++;
			}
			if (strncmp(t->text, "Lang.", 5) != 0)
				continue;
			if ((w = find_word(t->text)) == NULL) {
				printf("# %s:%d: %s is not in lang/zh.hdf\n",
				    f->path, t->line, t->text);
				missing++;
				continue;
			}
			w->used = 1;
			if (names_of(w->text, want, sizeof(want)) != 0)
				continue;	/* reported below */
			names_given(f, k, given, sizeof(given));
			if (strcmp(want, given) != 0) {
				printf("# %s:%d: %s takes {%s}, given {%s}\n",
				    f->path, t->line, t->text, want, given);
				mismatch++;
			}
		}
	}
	ok(cjk == 0, "no Chinese string literal in cgi/ (%d found)", cjk);
	ok(missing == 0, "every key in cgi/ is a word of lang/zh.hdf "
	    "(%d missing)", missing);
	ok(mismatch == 0, "every word gets exactly its {values} (%d wrong)",
	    mismatch);

	read_tree(srcdir, "templates", cs_files, scan_template);
	ok(bad_template_keys == 0, "every Lang.* of templates/ is in "
	    "lang/zh.hdf (%d missing)", bad_template_keys);

	for (i = 0; i < nwords; i++) {
		if (names_of(words[i].text, want, sizeof(want)) != 0) {
			printf("# %s: braces not of the form {name}: %s\n",
			    words[i].key, words[i].text);
			braces++;
		}
		if (!words[i].used) {
			printf("# %s: used by no C file and no template\n",
			    words[i].key);
			unused++;
		}
	}
	ok(braces == 0, "every word's braces are {name} (%d not)", braces);
	ok(unused == 0, "every word of lang/zh.hdf is used (%d not)", unused);
}

int
main(void)
{
	const char	*srcdir = getenv("srcdir");

	if (srcdir == NULL)
		srcdir = ".";
	test_lang_c();
	test_sources(srcdir);
	return tap_done();
}
