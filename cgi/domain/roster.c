/*
 * roster.c - class roster CSV parsing, see roster.h.
 *
 * The file is fed to libcsv one physical line at a time so that every
 * record knows the line it starts on.  libcsv runs in strict mode: a stray
 * quote makes that record a reject and parsing resumes on the next line; a
 * quote still open at the end of the file refuses the whole file (it has
 * swallowed everything after it).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "infra/idnum.h"
#include "infra/lang.h"
#include "domain/roster.h"
#include "infra/text.h"

enum col {
	COL_CODE,
	COL_NAME,
	COL_ID,
	COL_NO,
	COL_CAT,
	COL_LEVEL,
	COL_CLASS,
	COL__MAX
};

enum ckind {
	CK_CODE,	/* ASCII [A-Za-z0-9_-] */
	CK_TEXT,	/* any characters but controls */
	CK_IDNUM	/* idnum_check() */
};

static const struct colinfo {
	const char	*title;		/* header text: a word's key */
	enum ckind	 kind;
	size_t		 min;		/* characters */
	size_t		 max;		/* = the column's VARCHAR(n) */
} cols[COL__MAX] = {
	/* Maxima in characters, as utf8mb4 VARCHAR counts them (schema/
	 * 001-init.sql, table student): a name of several parts joined by
	 * "·" (少数民族 transliterations) passes 32 characters. */
	{ "Lang.Roster.Column.Code", CK_CODE, 4, 64 },		/* COL_CODE */
	{ "Lang.Roster.Column.Name", CK_TEXT, 1, 64 },		/* COL_NAME */
	{ "Lang.Roster.Column.IdNumber", CK_IDNUM, 18, 18 },	/* COL_ID */
	{ "Lang.Roster.Column.StudentNo", CK_CODE, 1, 32 },	/* COL_NO */
	{ "Lang.Roster.Column.EduCategory", CK_TEXT, 1, 32 },	/* COL_CAT */
	{ "Lang.Roster.Column.EduLevel", CK_TEXT, 1, 32 },	/* COL_LEVEL */
	{ "Lang.Roster.Column.Class", CK_TEXT, 1, 64 },		/* COL_CLASS */
};

/* Leading records without any known column name (a title row) allowed
 * before the header. */
#define MAXTITLEROWS	5

/* A 采集码 already seen, in an open-addressing hash set. */
struct seen {
	const char	*code;		/* owned by struct pstate.codes */
	int		 line;
};

struct pstate {
	struct csv_parser	 csv;
	struct roster		*r;
	size_t			 rowcap, rejcap;
	int			 line;		/* line being fed */
	int			 between;	/* no record in progress */
	int			 rec_line;	/* first line of the record */
	size_t			 fieldno;	/* next field's index */
	int			 header;	/* header seen */
	int			 titles;	/* title rows skipped */
	size_t			 nrecords;
	char			**hdr;		/* header cells, while reading it */
	size_t			 nhdr, hdrcap;
	int			*colmap;	/* header index -> enum col or -1 */
	size_t			 ncolmap;
	char			*f[COL__MAX];	/* current record's fields */
	struct seen		*ht;
	size_t			 htcap, htn;
	char			**codes;	/* strings the hash set points to */
	size_t			 ncodes;
	int			 fatal;		/* stop: err is set */
	char			*err;
	size_t			 errsz;
};

/* Set the whole-file error (first one wins) to a word (lang.h), with
 * values: pfatal(st, "Lang.Roster.X", LI("line", n)), or pfatalw(st,
 * "Lang.Roster.Y") without.  A truncated message is still a message,
 * so truncation to the caller's buffer is accepted here. */
#define pfatal(st, word, ...)						\
	pfatal_v((st), (word), LARGS(__VA_ARGS__))
#define pfatalw(st, word)	pfatal_v((st), (word), NULL, 0)

static void
pfatal_v(struct pstate *st, const char *word, const struct larg *a,
    size_t n)
{
	char	 buf[1024];

	if (st->fatal)
		return;
	st->fatal = 1;
	if (n == 0)
		snprintf(buf, sizeof(buf), "%s", L(word));
	else
		(void)lang_fmtv(buf, sizeof(buf), word, a, n);
	(void)snprintf(st->err, st->errsz, "%s", buf);
}

/* The roster's column names, joined by sep, into buf (7 names of at
 * most 12 bytes fit in 128): found[c] set skips column c. */
static void
col_list(char *buf, size_t sz, const char *sep, const int *found)
{
	size_t	 i = 0;
	int	 c, w;

	buf[0] = '\0';
	for (c = 0; c < COL__MAX; c++) {
		if (found != NULL && found[c])
			continue;
		w = snprintf(buf + i, sz - i, "%s%s", i > 0 ? sep : "",
		    L(cols[c].title));
		if (w < 0 || (size_t)w >= sz - i)
			return;	/* cut: still names what it can */
		i += (size_t)w;
	}
}

/* Clear the current record's fields. */
static void
rec_clear(struct pstate *st)
{
	size_t	 i;

	for (i = 0; i < COL__MAX; i++) {
		free(st->f[i]);
		st->f[i] = NULL;
	}
	st->fieldno = 0;
}

static void
hdr_clear(struct pstate *st)
{
	size_t	 i;

	for (i = 0; i < st->nhdr; i++)
		free(st->hdr[i]);
	st->nhdr = 0;
}

/* Append a reject (its reason, the text why, copied: owned by the
 * roster).  Returns 0, or -1 out of memory (then fatal is set). */
static int
reject(struct pstate *st, int line, const char *why)
{
	struct roster_reject	*n;
	struct roster		*r = st->r;

	if (r->nrejects == st->rejcap) {
		st->rejcap = st->rejcap ? st->rejcap * 2 : 16;
		n = reallocarray(r->rejects, st->rejcap, sizeof(*n));
		if (n == NULL)
			goto oom;
		r->rejects = n;
	}
	if ((r->rejects[r->nrejects].reason = strdup(why)) == NULL)
		goto oom;
	r->rejects[r->nrejects++].line = line;
	return 0;
oom:
	pfatalw(st, "Lang.Roster.NoMemory");
	return -1;
}

/* Returns the length of the whitespace character at s[0..len) (ASCII
 * space, tab, CR, LF; U+00A0; U+3000; U+FEFF), else 0. */
static size_t
wslen(const unsigned char *s, size_t len)
{

	if (len >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' ||
	    s[0] == '\n'))
		return 1;
	if (len >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (len >= 3 && ((s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) ||
	    (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)))
		return 3;
	return 0;
}

/* Trim whitespace at both ends of s in place. */
static void
trim(char *s)
{
	unsigned char	*p = (unsigned char *)s;
	size_t		 len = strlen(s), n, start = 0;

	while (start < len && (n = wslen(p + start, len - start)) > 0)
		start += n;
	for (;;) {
		if (len > start && wslen(p + len - 1, 1) == 1)
			len--;
		else if (len >= start + 2 && wslen(p + len - 2, 2) == 2)
			len -= 2;
		else if (len >= start + 3 && wslen(p + len - 3, 3) == 3)
			len -= 3;
		else
			break;
	}
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
}

/* Undo the ="..." form in which exports write long numbers for Excel
 * (csvout_text): a field that is exactly =" value " with no other quote
 * becomes the value, in place. */
static void
unformula(char *s)
{
	size_t	 len = strlen(s);

	if (len < 3 || s[0] != '=' || s[1] != '"' || s[len - 1] != '"' ||
	    memchr(s + 2, '"', len - 3) != NULL)
		return;
	memmove(s, s + 2, len - 3);
	s[len - 3] = '\0';
}

/* Returns 1 if s has min..max characters all of [A-Za-z0-9_-]. */
static int
codeok(const char *s, size_t min, size_t max)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isascii((unsigned char)s[i]) ||
		    !(isalnum((unsigned char)s[i]) || s[i] == '_' ||
		    s[i] == '-'))
			return 0;
	return i >= min && i <= max;
}

static uint64_t
codehash(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)tolower((unsigned char)*s);
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * Look up code (ASCII case ignored) and add it if new.  Returns the line
 * it was first seen on, 0 if it is new, or -1 out of memory.
 */
static int
seen_add(struct pstate *st, const char *code, int line)
{
	struct seen	*nht;
	size_t		 i, ncap;
	char		**ncodes, *dup;

	if (st->htn + 1 > st->htcap / 2) {
		ncap = st->htcap ? st->htcap * 2 : 256;
		if ((nht = calloc(ncap, sizeof(*nht))) == NULL)
			return -1;
		for (i = 0; i < st->htcap; i++) {
			size_t	 j;

			if (st->ht[i].code == NULL)
				continue;
			j = codehash(st->ht[i].code) & (ncap - 1);
			while (nht[j].code != NULL)
				j = (j + 1) & (ncap - 1);
			nht[j] = st->ht[i];
		}
		free(st->ht);
		st->ht = nht;
		st->htcap = ncap;
		if ((ncodes = reallocarray(st->codes, ncap / 2,
		    sizeof(*ncodes))) == NULL)
			return -1;
		st->codes = ncodes;
	}
	i = codehash(code) & (st->htcap - 1);
	while (st->ht[i].code != NULL) {
		if (strcasecmp(st->ht[i].code, code) == 0)
			return st->ht[i].line;
		i = (i + 1) & (st->htcap - 1);
	}
	if ((dup = strdup(code)) == NULL)
		return -1;
	st->codes[st->ncodes++] = dup;
	st->ht[i].code = dup;
	st->ht[i].line = line;
	st->htn++;
	return 0;
}

/*
 * Handle the header record (cells in st->hdr).  Returns 0 (header taken,
 * or a title row skipped) or -1 with fatal set.
 */
static int
header_take(struct pstate *st)
{
	int	 found[COL__MAX];
	size_t	 i, nfound = 0;
	int	 c;
	char	 miss[256];

	memset(found, 0, sizeof(found));
	free(st->colmap);
	if ((st->colmap = calloc(st->nhdr ? st->nhdr : 1,
	    sizeof(int))) == NULL) {
		pfatalw(st, "Lang.Roster.NoMemory");
		return -1;
	}
	st->ncolmap = st->nhdr;
	for (i = 0; i < st->nhdr; i++) {
		trim(st->hdr[i]);
		st->colmap[i] = -1;
		for (c = 0; c < COL__MAX; c++)
			if (strcmp(st->hdr[i], L(cols[c].title)) == 0)
				break;
		if (c == COL__MAX)
			continue;
		if (found[c]) {
			pfatal(st, "Lang.Roster.ColumnTwice",
			    LS("column", L(cols[c].title)));
			return -1;
		}
		found[c] = 1;
		st->colmap[i] = c;
		nfound++;
	}
	if (nfound == 0) {
		if (++st->titles <= MAXTITLEROWS)
			return 0;	/* a title row; try the next record */
		col_list(miss, sizeof(miss), ",", NULL);
		pfatal(st, "Lang.Roster.NoHeader", LS("columns", miss));
		return -1;
	}
	if (nfound < COL__MAX) {
		col_list(miss, sizeof(miss), L("Lang.Roster.ListSep"), found);
		pfatal(st, "Lang.Roster.ColumnsMissing", LS("columns", miss));
		return -1;
	}
	st->header = 1;
	return 0;
}

/*
 * Check one trimmed, non-empty field.  Returns NULL if it is good (an ID
 * number is normalised in place), else a reason written into buf.
 */
static const char *
field_check(enum col c, char *s, char *buf, size_t bufsz)
{
	const struct colinfo	*ci = &cols[c];
	const char		*why;
	char			 norm[19];
	size_t			 n;
	int			 w;

	switch (ci->kind) {
	case CK_CODE:
		if (codeok(s, ci->min, ci->max))
			return NULL;
		w = LF(buf, bufsz, "Lang.Roster.BadFormat",
		    LS("column", L(ci->title)));
		break;
	case CK_IDNUM:
		if (idnum_check(s, norm, &why)) {
			memcpy(s, norm, sizeof(norm));
			return NULL;
		}
		return why;
	case CK_TEXT:
		if (utf8_has_control(s))
			w = LF(buf, bufsz, "Lang.Roster.Control",
			    LS("column", L(ci->title)));
		else if ((n = utf8_chars(s)) > ci->max)
			w = LF(buf, bufsz, "Lang.Roster.TooLong",
			    LS("column", L(ci->title)), LI("max", ci->max));
		else if (n < ci->min)
			w = LF(buf, bufsz, "Lang.Roster.TooShort",
			    LS("column", L(ci->title)));
		else
			return NULL;
		break;
	default:
		abort();
	}
	if (w != 0)
		return L("Lang.Roster.BadField");
	return buf;
}

/* Handle a data record in st->f.  Returns 0, or -1 with fatal set. */
static int
record_take(struct pstate *st)
{
	struct roster		*r = st->r;
	struct roster_row	*row, *n;
	const char		*why = NULL;
	char			 buf[128];
	size_t			 i;
	int			 dup = 0, empty = 1;

	if (++st->nrecords > ROSTER_MAXROWS) {
		pfatal(st, "Lang.Roster.TooManyRows", LI("max", ROSTER_MAXROWS));
		return -1;
	}
	for (i = 0; i < COL__MAX; i++) {
		if (st->f[i] == NULL)
			continue;
		if (!utf8_valid(st->f[i], strlen(st->f[i])))
			why = L("Lang.Roster.BadBytes");
		else {
			trim(st->f[i]);
			if (cols[i].kind != CK_TEXT)
				unformula(st->f[i]);
		}
		if (st->f[i][0] != '\0')
			empty = 0;
	}
	if (empty)
		return 0;

	/* The code counts as seen even if the record fails otherwise. */
	if (why == NULL && st->f[COL_CODE] != NULL &&
	    codeok(st->f[COL_CODE], cols[COL_CODE].min,
	    cols[COL_CODE].max) &&
	    (dup = seen_add(st, st->f[COL_CODE], st->rec_line)) < 0) {
		pfatalw(st, "Lang.Roster.NoMemory");
		return -1;
	}
	for (i = 0; why == NULL && i < COL__MAX; i++)
		if (st->f[i] == NULL || st->f[i][0] == '\0') {
			if (LF(buf, sizeof(buf), "Lang.Roster.Missing",
			    LS("column", L(cols[i].title))) != 0)
				why = L("Lang.Roster.MissingAny");
			else
				why = buf;
		}
	for (i = 0; why == NULL && i < COL__MAX; i++)
		why = field_check(i, st->f[i], buf, sizeof(buf));
	if (why == NULL && dup > 0) {
		if (LF(buf, sizeof(buf), "Lang.Roster.CodeTwice",
		    LI("line", dup)) != 0)
			why = L("Lang.Roster.CodeTwiceAny");
		else
			why = buf;
	}
	/* One person, one row: an ID number seen on an earlier valid row.
	 * The key cannot clash with a 采集码 (those have no ':'). */
	if (why == NULL) {
		char	 key[40];
		int	 idup;

		snprintf(key, sizeof(key), "id:%s", st->f[COL_ID]);
		if ((idup = seen_add(st, key, st->rec_line)) < 0) {
			pfatalw(st, "Lang.Roster.NoMemory");
			return -1;
		}
		if (idup > 0) {
			(void)LF(buf, sizeof(buf), "Lang.Roster.IdTwice",
			    LI("line", idup));
			why = buf;
		}
	}
	if (why != NULL)
		return reject(st, st->rec_line, why);

	if (r->nrows == st->rowcap) {
		st->rowcap = st->rowcap ? st->rowcap * 2 : 64;
		if ((n = reallocarray(r->rows, st->rowcap,
		    sizeof(*n))) == NULL) {
			pfatalw(st, "Lang.Roster.NoMemory");
			return -1;
		}
		r->rows = n;
	}
	row = &r->rows[r->nrows++];
	row->line = st->rec_line;
	row->collect_code = st->f[COL_CODE];
	row->name = st->f[COL_NAME];
	row->id_number = st->f[COL_ID];
	row->student_no = st->f[COL_NO];
	row->edu_category = st->f[COL_CAT];
	row->edu_level = st->f[COL_LEVEL];
	row->class_name = st->f[COL_CLASS];
	for (i = 0; i < COL__MAX; i++)
		st->f[i] = NULL;
	return 0;
}

/* libcsv: end of a field. */
static void
cb_field(void *s, size_t len, void *arg)
{
	struct pstate	*st = arg;
	char		**nh, *v;
	size_t		 idx = st->fieldno++;

	if (st->fatal)
		return;
	if (st->between) {
		st->between = 0;
		st->rec_line = st->line;
	}
	if (st->header &&
	    (idx >= st->ncolmap || st->colmap[idx] < 0))
		return;
	if ((v = malloc(len + 1)) == NULL) {
		pfatalw(st, "Lang.Roster.NoMemory");
		return;
	}
	if (len > 0)
		memcpy(v, s, len);
	v[len] = '\0';
	if (st->header) {
		st->f[st->colmap[idx]] = v;
		return;
	}
	if (st->nhdr == st->hdrcap) {
		st->hdrcap = st->hdrcap ? st->hdrcap * 2 : 16;
		if ((nh = reallocarray(st->hdr, st->hdrcap,
		    sizeof(*nh))) == NULL) {
			free(v);
			pfatalw(st, "Lang.Roster.NoMemory");
			return;
		}
		st->hdr = nh;
	}
	st->hdr[st->nhdr++] = v;
}

/* libcsv: end of a record. */
static void
cb_record(int c, void *arg)
{
	struct pstate	*st = arg;

	(void)c;
	if (!st->fatal) {
		if (st->between)
			st->rec_line = st->line;
		if (st->header)
			(void)record_take(st);
		else {
			(void)header_take(st);
			hdr_clear(st);
		}
	}
	rec_clear(st);
	st->between = 1;
}

/* Returns 1 if p[0..len) holds only spaces, tabs, CRs and LFs (a line
 * libcsv skips between records). */
static int
blankline(const char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			return 0;
	return 1;
}

/* Feed data[0..len) to libcsv line by line.  Returns 0 or -1 (fatal). */
static int
feed(struct pstate *st, const char *data, size_t len)
{
	const char	*p = data, *end = data + len, *q;
	size_t		 n;
	int		 e;

	while (p < end && !st->fatal) {
		for (q = p; q < end && *q != '\n' && *q != '\r'; q++)
			continue;
		if (q < end && *q == '\r' && q + 1 < end && q[1] == '\n')
			q++;
		if (q < end)
			q++;
		st->line++;
		if (st->between && !blankline(p, q - p)) {
			st->between = 0;
			st->rec_line = st->line;
		}
		n = csv_parse(&st->csv, p, q - p, cb_field, cb_record, st);
		if (n < (size_t)(q - p) && !st->fatal) {
			if ((e = csv_error(&st->csv)) != CSV_EPARSE) {
				pfatal(st, "Lang.Roster.Unparsable", LS("why",
				    L(e == CSV_ENOMEM ? "Lang.Roster.NoMemory" :
				    "Lang.Roster.Error")));
				break;
			}
			/* A stray quote: drop this record, restart on the
			 * next line with a fresh parser. */
			if (!st->header) {
				pfatal(st, "Lang.Roster.HeaderQuotes",
				    LI("line", st->rec_line));
				break;
			}
			if (reject(st, st->rec_line,
			    L("Lang.Roster.Quotes")) == -1)
				break;
			rec_clear(st);
			st->between = 1;
			csv_free(&st->csv);
			if (csv_init(&st->csv, CSV_STRICT | CSV_STRICT_FINI)
			    != 0) {
				pfatalw(st, "Lang.Roster.NoMemory");
				break;
			}
		}
		p = q;
	}
	if (st->fatal)
		return -1;
	if (csv_fini(&st->csv, cb_field, cb_record, st) != 0 && !st->fatal) {
		if (csv_error(&st->csv) == CSV_EPARSE)
			pfatal(st, "Lang.Roster.Unclosed",
			    LI("line", st->rec_line));
		else
			pfatalw(st, "Lang.Roster.UnparsableAny");
	}
	return st->fatal ? -1 : 0;
}

void
roster_free(struct roster *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrows; i++) {
		free(r->rows[i].collect_code);
		free(r->rows[i].name);
		free(r->rows[i].id_number);
		free(r->rows[i].student_no);
		free(r->rows[i].edu_category);
		free(r->rows[i].edu_level);
		free(r->rows[i].class_name);
	}
	free(r->rows);
	for (i = 0; i < r->nrejects; i++)
		free(r->rejects[i].reason);
	free(r->rejects);
	memset(r, 0, sizeof(*r));
}

static int
reject_cmp(const void *a, const void *b)
{
	const struct roster_reject *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

int
roster_drop_row(struct roster *r, size_t i, const char *reason)
{
	struct roster_reject	*n;
	struct roster_row	*row;
	char			*why;

	if (i >= r->nrows)
		return -1;
	if ((why = strdup(reason)) == NULL ||
	    (n = reallocarray(r->rejects, r->nrejects + 1, sizeof(*n))) == NULL) {
		free(why);
		return -1;
	}
	r->rejects = n;
	row = &r->rows[i];
	r->rejects[r->nrejects].line = row->line;
	r->rejects[r->nrejects++].reason = why;
	qsort(r->rejects, r->nrejects, sizeof(*r->rejects), reject_cmp);
	free(row->collect_code);
	free(row->name);
	free(row->id_number);
	free(row->student_no);
	free(row->edu_category);
	free(row->edu_level);
	free(row->class_name);
	memmove(row, row + 1, (r->nrows - i - 1) * sizeof(*row));
	r->nrows--;
	return 0;
}

/* Returns the first line of buf[0..len) containing a byte >= 0x80
 * (its start in *line and length in *linelen), or 0 if all ASCII. */
static int
firsthigh(const char *buf, size_t len, const char **line, size_t *linelen)
{
	size_t	 i, start = 0;
	int	 high = 0;

	for (i = 0; i < len; i++) {
		if ((unsigned char)buf[i] >= 0x80)
			high = 1;
		if (buf[i] == '\n' || buf[i] == '\r' || i + 1 == len) {
			if (high) {
				*line = buf + start;
				*linelen = i + 1 - start;
				return 1;
			}
			start = i + 1;
		}
	}
	return 0;
}

int
roster_parse(const void *vbuf, size_t len, struct roster *out,
    char *err, size_t errsz)
{
	struct pstate	 st;
	const char	*buf = vbuf, *data, *line;
	char		*conv = NULL, dummy[8], cols_named[256];
	size_t		 dlen, linelen, i;
	enum text_enc	 enc = TEXT_UTF8;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.r = out;
	st.err = errsz > 0 ? err : dummy;
	st.errsz = errsz > 0 ? errsz : sizeof(dummy);
	st.err[0] = '\0';
	st.between = 1;

	if (len > ROSTER_MAXBYTES) {
		pfatal(&st, "Lang.Roster.TooBig",
		    LI("mb", ROSTER_MAXBYTES / (1024 * 1024)));
		return -1;
	}
	if (len >= 2 && ((unsigned char)buf[0] == 0xFF ||
	    (unsigned char)buf[0] == 0xFE) &&
	    ((unsigned char)buf[1] == 0xFF || (unsigned char)buf[1] == 0xFE) &&
	    buf[0] != buf[1]) {
		pfatalw(&st, "Lang.Roster.Utf16");
		return -1;
	}
	if (memchr(buf, '\0', len) != NULL) {
		pfatalw(&st, "Lang.Roster.NotText");
		return -1;
	}

	data = buf;
	dlen = len;
	out->encoding = "UTF-8";
	if (dlen >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		dlen -= 3;
	} else if ((enc = text_detect(data, dlen, NULL)) == TEXT_UNKNOWN &&
	    firsthigh(data, dlen, &line, &linelen))
		/* Neither as a whole: go by the first non-ASCII line (the
		 * header, normally); bad bytes then reject their rows. */
		enc = text_detect(line, linelen, NULL);
	if (data == buf) {	/* no BOM */
		switch (enc) {
		case TEXT_UTF8:
			break;
		case TEXT_GBK:
			if (gbk_to_utf8_marked(data, dlen, &conv, &dlen) < 0) {
				pfatalw(&st, "Lang.Roster.NoMemory");
				return -1;
			}
			data = conv;
			out->encoding = "GBK";
			break;
		default:
			pfatalw(&st, "Lang.Roster.Encoding");
			return -1;
		}
	}
	if (blankline(data, dlen)) {
		pfatalw(&st, "Lang.Roster.Empty");
		goto done;
	}

	if (csv_init(&st.csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		pfatalw(&st, "Lang.Roster.NoMemory");
		goto done;
	}
	if (feed(&st, data, dlen) == 0) {
		if (!st.header) {
			col_list(cols_named, sizeof(cols_named), ",", NULL);
			pfatal(&st, "Lang.Roster.NoHeader",
			    LS("columns", cols_named));
		} else
			rc = 0;
	}
	csv_free(&st.csv);
done:
	rec_clear(&st);
	hdr_clear(&st);
	free(st.hdr);
	free(st.colmap);
	free(st.ht);
	for (i = 0; i < st.ncodes; i++)
		free(st.codes[i]);
	free(st.codes);
	free(conv);
	if (rc != 0) {
		roster_free(out);
		out->encoding = NULL;
	}
	return rc;
}
