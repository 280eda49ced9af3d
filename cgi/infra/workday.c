/*
 * workday.c - China's working-day calendar: weekends, the public
 * holidays and the make-up working days (调休) of each year's State
 * Council notice, read from one HDF file per year.
 *
 * A calendar file looks like this (see etc/holidays/cn-2026.hdf):
 *
 *	Holiday {
 *	  Year = 2026
 *	  Notice = 国务院办公厅关于2026年部分节假日安排的通知
 *	  Number = 国办发明电〔2025〕7号
 *	  Issued = 2025-11-04
 *	  Off {
 *	    NewYear = 2026-01-01..2026-01-03
 *	  }
 *	  Work {
 *	    NewYear = 2026-01-04
 *	  }
 *	}
 *
 * Off and Work hold one line per holiday (ASCII names: HDF names cannot
 * be Chinese), each a list of dates or ranges "A..B" separated by blanks
 * or commas.  The file is refused, with the file, key and value in the
 * message, when anything is off: an unknown key, a date that does not
 * exist or lies outside Year, a range running backwards, a make-up day
 * that is not a Saturday or Sunday (a weekday is a working day already,
 * so it is a typo), a day both off and worked, a year loaded twice, or a
 * missing citation.  Refusing loudly is safer than promising students a
 * refund date from a calendar with a typo in it.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ClearSilver.h>

#include "infra/config.h"
#include "infra/log.h"
#include "infra/workday.h"

#define YEAR_MIN	1900
#define YEAR_MAX	9999
#define MAX_ADD		1000

/* What a year's calendar says about one day. */
enum {
	DAY_RULE = 0,	/* not in the notice: Monday-Friday work */
	DAY_OFF,	/* 放假 */
	DAY_WORK	/* 调休上班 */
};

struct cal {
	int		 year;
	unsigned char	 day[366];	/* by day of the year, 0-based */
};

/* The loaded calendars, and the ones being read by workday_load. */
static struct cal	 cals[WORKDAY_MAXYEARS], next[WORKDAY_MAXYEARS];
static int		 ncals, nnext;
static char		 errbuf[512];

static void	 set_err(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

static void
set_err(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
}

/*
 * Proleptic Gregorian date arithmetic on day numbers (days since
 * 1970-01-01), after Howard Hinnant's public-domain algorithms: plain
 * integers, so neither the process's time zone nor mktime's range play
 * any part.
 */
static long long
days_from_civil(int y, int m, int d)
{
	long long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long long z, int *y, int *m, int *d)
{
	long long	 era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 = Sunday ... 6 = Saturday. */
static int
weekday(long long z)
{

	return (int)(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

static int
leap(int y)
{

	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
valid_date(int y, int m, int d)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* Day of the year, 0-based, of a valid date. */
static int
yday(int y, int m, int d)
{

	return (int)(days_from_civil(y, m, d) - days_from_civil(y, 1, 1));
}

static const struct cal *
find(const struct cal *tab, int n, int y)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (tab[i].year == y)
			return &tab[i];
	return NULL;
}

/*
 * Read "YYYY-MM-DD" at s: exactly that shape, a date that exists.
 * Returns the first character after it, or NULL.
 */
static const char *
parse_date(const char *s, int *y, int *m, int *d)
{
	int	 i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return NULL;
		} else if (!isdigit((unsigned char)s[i]))
			return NULL;
	}
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (!valid_date(*y, *m, *d))
		return NULL;
	return s + 10;
}

/*
 * Mark the days of one Off or Work line (kind DAY_OFF or DAY_WORK) in c.
 * where is "file: Holiday.Off.Name" for the messages.
 */
static int
mark_line(struct cal *c, int kind, const char *where, const char *val)
{
	const char	*p = val, *q;
	long long	 a, b, z;
	int		 y, m, d, y2, m2, d2, i, any = 0;
	char		 tok[32];

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		/* The token, for the messages. */
		for (i = 0; p[i] != '\0' && p[i] != ' ' && p[i] != '\t' &&
		    p[i] != ',' && i < (int)sizeof(tok) - 1; i++)
			tok[i] = p[i];
		tok[i] = '\0';
		if ((q = parse_date(p, &y, &m, &d)) == NULL) {
			set_err("%s: \"%s\" is not a date YYYY-MM-DD", where,
			    tok);
			return -1;
		}
		y2 = y, m2 = m, d2 = d;
		if (q[0] == '.' && q[1] == '.') {
			if ((q = parse_date(q + 2, &y2, &m2, &d2)) == NULL) {
				set_err("%s: \"%s\" is not a range "
				    "YYYY-MM-DD..YYYY-MM-DD", where, tok);
				return -1;
			}
		}
		if (*q != '\0' && *q != ' ' && *q != '\t' && *q != ',') {
			set_err("%s: \"%s\" is not a date YYYY-MM-DD", where,
			    tok);
			return -1;
		}
		if (y != c->year || y2 != c->year) {
			set_err("%s: %s lies outside the year %d", where, tok,
			    c->year);
			return -1;
		}
		a = days_from_civil(y, m, d);
		b = days_from_civil(y2, m2, d2);
		if (b < a) {
			set_err("%s: the range %s runs backwards", where, tok);
			return -1;
		}
		for (z = a; z <= b; z++) {
			int	 yd = (int)(z - days_from_civil(c->year, 1, 1));
			int	 wd = weekday(z);
			int	 zy, zm, zd;

			civil_from_days(z, &zy, &zm, &zd);
			if (kind == DAY_WORK && wd != 0 && wd != 6) {
				set_err("%s: %04d-%02d-%02d is a weekday, a "
				    "working day already; a make-up day "
				    "(Work) is a Saturday or Sunday",
				    where, zy, zm, zd);
				return -1;
			}
			if (c->day[yd] != DAY_RULE && c->day[yd] != kind) {
				set_err("%s: %04d-%02d-%02d is both a day off "
				    "and a make-up working day", where, zy,
				    zm, zd);
				return -1;
			}
			c->day[yd] = (unsigned char)kind;
		}
		any = 1;
		p = q;
	}
	if (!any) {
		set_err("%s: no dates", where);
		return -1;
	}
	return 0;
}

/* Mark every line of the block Off or Work. */
static int
mark_block(struct cal *c, int kind, const char *file, HDF *blk)
{
	HDF		*h;
	const char	*bname = hdf_obj_name(blk), *v;
	char		 where[PATH_MAX + 64];
	int		 lines = 0;

	v = hdf_obj_value(blk);
	if (v != NULL && *v != '\0') {
		set_err("%s: Holiday.%s must be a block { Name = dates }",
		    file, bname);
		return -1;
	}
	for (h = hdf_obj_child(blk); h != NULL; h = hdf_obj_next(h)) {
		snprintf(where, sizeof(where), "%s: Holiday.%s.%s", file,
		    bname, hdf_obj_name(h));
		if (hdf_obj_child(h) != NULL) {
			set_err("%s: unexpected block; write Name = dates",
			    where);
			return -1;
		}
		if ((v = hdf_obj_value(h)) == NULL)
			v = "";
		if (mark_line(c, kind, where, v) == -1)
			return -1;
		lines++;
	}
	if (kind == DAY_OFF && lines == 0) {
		set_err("%s: Holiday.Off lists no holidays", file);
		return -1;
	}
	return 0;
}

/* The year in a name ending "-YYYY.hdf", or 0. */
static int
name_year(const char *path)
{
	const char	*b = strrchr(path, '/');
	size_t		 n;
	int		 i, y = 0;

	b = b != NULL ? b + 1 : path;
	if ((n = strlen(b)) < 9 || strcmp(b + n - 4, ".hdf") != 0 ||
	    b[n - 9] != '-')
		return 0;
	for (i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)b[n - 8 + i]))
			return 0;
		y = y * 10 + (b[n - 8 + i] - '0');
	}
	return y;
}

/* Parse a whole number at s, YEAR_MIN to YEAR_MAX, or return 0. */
static int
parse_year(const char *s)
{
	char	*end;
	long	 n;

	if (s == NULL || !isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < YEAR_MIN || n > YEAR_MAX)
		return 0;
	return (int)n;
}

/*
 * ClearSilver's parser takes a file whose last block is never closed, or
 * that closes one block too many, without a word; a lost brace is how a
 * hand edit goes wrong, so count them here.  Heredoc values (Name << EOM)
 * and comments are skipped; a brace inside a value does not count.
 */
static int
check_braces(const char *path)
{
	FILE		*fp;
	char		*line = NULL, *p, *e, tag[64] = "";
	size_t		 cap = 0;
	ssize_t		 len;
	long		 lineno = 0, open_at = 0;
	int		 depth = 0, ret = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		set_err("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		for (e = line + len; e > p && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		if (tag[0] != '\0') {
			if (strcmp(p, tag) == 0)
				tag[0] = '\0';
			continue;
		}
		if (*p == '\0' || *p == '#')
			continue;
		if (strcspn(p, "=:") < strlen(p))
			continue;
		if ((e = strstr(p, "<<")) != NULL) {
			for (e += 2; *e == ' ' || *e == '\t'; e++)
				;
			snprintf(tag, sizeof(tag), "%s", e);
			continue;
		}
		if (strcmp(p, "}") == 0) {
			if (--depth < 0) {
				set_err("%s: line %ld: this } closes no block",
				    path, lineno);
				ret = -1;
				break;
			}
		} else if (p[strlen(p) - 1] == '{') {
			if (depth++ == 0)
				open_at = lineno;
		}
	}
	if (ret == 0 && ferror(fp)) {
		set_err("%s: %s", path, strerror(errno));
		ret = -1;
	} else if (ret == 0 && depth > 0) {
		set_err("%s: the block opened on line %ld is not closed "
		    "(a } is missing)", path, open_at);
		ret = -1;
	}
	free(line);
	fclose(fp);
	return ret;
}

/* The citation fields a calendar must carry. */
static const char *const cite[] = { "Notice", "Number", "Issued" };

/* Read one calendar file into next[nnext]. */
static int
load_file(const char *path)
{
	HDF		*hdf = NULL, *top, *h;
	NEOERR		*err;
	STRING		 s;
	struct cal	*c;
	const char	*n, *v;
	int		 y, ny, i, ret = -1, yy, mm, dd;

	if (check_braces(path) == -1)
		goto out;
	if ((err = hdf_init(&hdf)) != STATUS_OK ||
	    (err = hdf_read_file(hdf, path)) != STATUS_OK) {
		string_init(&s);
		nerr_error_string(err, &s);
		set_err("%s: cannot read: %s", path, s.buf ? s.buf : "?");
		string_clear(&s);
		nerr_ignore(&err);
		goto out;
	}
	/* Only Holiday at the top: a stray key is a misplaced brace. */
	for (h = hdf_obj_child(hdf); h != NULL; h = hdf_obj_next(h))
		if (strcmp(hdf_obj_name(h), "Holiday") != 0) {
			set_err("%s: unknown key %s (only Holiday { ... })",
			    path, hdf_obj_name(h));
			goto out;
		}
	if ((top = hdf_get_obj(hdf, "Holiday")) == NULL) {
		set_err("%s: no Holiday { ... } block", path);
		goto out;
	}
	if ((y = parse_year(hdf_get_value(top, "Year", NULL))) == 0) {
		set_err("%s: Holiday.Year must be a year %d-%d", path,
		    YEAR_MIN, YEAR_MAX);
		goto out;
	}
	if ((ny = name_year(path)) != 0 && ny != y) {
		set_err("%s: the file name says %d but Holiday.Year is %d",
		    path, ny, y);
		goto out;
	}
	if (find(next, nnext, y) != NULL) {
		set_err("%s: the year %d is loaded twice", path, y);
		goto out;
	}
	if (nnext >= WORKDAY_MAXYEARS) {
		set_err("%s: more than %d years of calendars", path,
		    WORKDAY_MAXYEARS);
		goto out;
	}
	/* Ship no calendar without the notice it comes from. */
	for (i = 0; i < (int)(sizeof(cite) / sizeof(cite[0])); i++) {
		v = hdf_get_value(top, cite[i], NULL);
		if (v == NULL || *v == '\0') {
			set_err("%s: Holiday.%s is missing: cite the State "
			    "Council notice the dates come from", path,
			    cite[i]);
			goto out;
		}
	}
	v = hdf_get_value(top, "Issued", "");
	if (parse_date(v, &yy, &mm, &dd) == NULL || v[10] != '\0') {
		set_err("%s: Holiday.Issued \"%s\" is not a date YYYY-MM-DD",
		    path, v);
		goto out;
	}

	c = &next[nnext];
	memset(c, 0, sizeof(*c));
	c->year = y;
	for (h = hdf_obj_child(top); h != NULL; h = hdf_obj_next(h)) {
		n = hdf_obj_name(h);
		if (strcmp(n, "Off") == 0) {
			if (mark_block(c, DAY_OFF, path, h) == -1)
				goto out;
		} else if (strcmp(n, "Work") == 0) {
			if (mark_block(c, DAY_WORK, path, h) == -1)
				goto out;
		} else if (strcmp(n, "Year") != 0 && strcmp(n, "Notice") != 0 &&
		    strcmp(n, "Number") != 0 && strcmp(n, "Issued") != 0 &&
		    strcmp(n, "Source") != 0) {
			set_err("%s: unknown key Holiday.%s (Year, Notice, "
			    "Number, Issued, Source, Off, Work)", path, n);
			goto out;
		}
	}
	if (hdf_get_obj(top, "Off") == NULL) {
		set_err("%s: Holiday.Off lists no holidays", path);
		goto out;
	}
	nnext++;
	ret = 0;
out:
	if (hdf != NULL)
		hdf_destroy(&hdf);
	return ret;
}

static int
hdf_name(const struct dirent *e)
{
	size_t	 n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 4 &&
	    strcmp(e->d_name + n - 4, ".hdf") == 0;
}

static int
load_dir(const char *dir)
{
	struct dirent	**ents = NULL;
	char		  path[PATH_MAX];
	int		  i, n, ret = 0;

	if ((n = scandir(dir, &ents, hdf_name, alphasort)) == -1) {
		set_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (n == 0) {
		set_err("%s: no calendar (*.hdf) in this folder", dir);
		ret = -1;
	}
	for (i = 0; i < n; i++) {
		if (ret == 0) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			    ents[i]->d_name) >= sizeof(path)) {
				set_err("%s/%s: path too long", dir,
				    ents[i]->d_name);
				ret = -1;
			} else if (load_file(path) == -1)
				ret = -1;
		}
		free(ents[i]);
	}
	free(ents);
	return ret;
}

int
workday_load(const char *path)
{
	struct stat	 st;
	char		 years[WORKDAY_MAXYEARS * 5 + 1];
	size_t		 off = 0;
	int		 i, r;

	errbuf[0] = '\0';
	nnext = 0;
	if (path == NULL || *path == '\0') {
		set_err("no calendar path (Calendar.Path)");
		r = -1;
	} else if (stat(path, &st) == -1) {
		set_err("%s: %s", path, strerror(errno));
		r = -1;
	} else if (S_ISDIR(st.st_mode))
		r = load_dir(path);
	else
		r = load_file(path);
	if (r == -1) {
		log_warn("workday: calendar refused, none of it used: %s",
		    errbuf);
		return -1;
	}
	memcpy(cals, next, sizeof(next[0]) * (size_t)nnext);
	ncals = nnext;
	for (i = 0; i < ncals && off + 6 < sizeof(years); i++)
		off += (size_t)snprintf(years + off, sizeof(years) - off,
		    " %d", cals[i].year);
	years[off] = '\0';
	log_info("workday: calendars loaded from %s:%s", path, years);
	return 0;
}

int
workday_init(void)
{

	return workday_load(conf_str("Calendar.Path", PKGDATADIR "/holidays"));
}

void
workday_clear(void)
{

	ncals = 0;
	errbuf[0] = '\0';
}

const char *
workday_error(void)
{

	return errbuf;
}

int
workday_has_year(int y)
{

	return find(cals, ncals, y) != NULL;
}

/* Working day or not, for a valid date; *nocal set when y has no calendar. */
static int
is_work(int y, int m, int d, int *nocal)
{
	const struct cal	*c;
	int			 wd;

	if ((c = find(cals, ncals, y)) != NULL) {
		switch (c->day[yday(y, m, d)]) {
		case DAY_OFF:
			return 0;
		case DAY_WORK:
			return 1;
		}
	} else if (nocal != NULL)
		*nocal = 1;
	wd = weekday(days_from_civil(y, m, d));
	return wd != 0 && wd != 6;
}

int
workday_is_workday(int y, int m, int d)
{

	if (!valid_date(y, m, d))
		return -1;
	return is_work(y, m, d, NULL);
}

int
workday_add(int y, int m, int d, int n, int *oy, int *om, int *od)
{
	long long	 z;
	int		 k = 0, nocal = 0, cy, cm, cd;

	if (!valid_date(y, m, d) || n < 0 || n > MAX_ADD)
		return -1;
	z = days_from_civil(y, m, d);
	cy = y, cm = m, cd = d;
	while (k < n) {
		civil_from_days(++z, &cy, &cm, &cd);
		if (cy > YEAR_MAX)
			return -1;
		if (is_work(cy, cm, cd, &nocal))
			k++;
	}
	*oy = cy;
	*om = cm;
	*od = cd;
	return nocal;
}

int
workday_cn_date(time_t t, int *y, int *m, int *d)
{
	long long	 s = (long long)t + 8 * 3600, z;
	int		 yy, mm, dd;

	/* Floor division: an instant before 1970 still gets its own day. */
	z = s / 86400;
	if (s % 86400 < 0)
		z--;
	civil_from_days(z, &yy, &mm, &dd);
	if (yy < YEAR_MIN || yy > YEAR_MAX)
		return -1;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

int
workday_format(int y, int m, int d, char out[11])
{

	out[0] = '\0';
	if (!valid_date(y, m, d))
		return -1;
	/* By hand: snprintf's bounds cannot see valid_date's ranges. */
	out[0] = '0' + y / 1000;
	out[1] = '0' + y / 100 % 10;
	out[2] = '0' + y / 10 % 10;
	out[3] = '0' + y % 10;
	out[4] = '-';
	out[5] = '0' + m / 10;
	out[6] = '0' + m % 10;
	out[7] = '-';
	out[8] = '0' + d / 10;
	out[9] = '0' + d % 10;
	out[10] = '\0';
	return 0;
}

int
workday_deadline(time_t now, int n, char out[11])
{
	int	 y, m, d, r;

	out[0] = '\0';
	if (workday_cn_date(now, &y, &m, &d) == -1)
		return -1;
	if ((r = workday_add(y, m, d, n, &y, &m, &d)) == -1)
		return -1;
	workday_format(y, m, d, out);
	return r;
}

int
workday_check(time_t now)
{
	int	 y, m, d, missing = 0;

	if (workday_cn_date(now, &y, &m, &d) == -1)
		return 0;
	if (!workday_has_year(y)) {
		log_warn("workday: no calendar for the current year %d: "
		    "refund dates count weekends only; add cn-%d.hdf from "
		    "the State Council notice (see tucai.hdf(5))", y, y);
		missing++;
	}
	if (m >= 11 && y < YEAR_MAX && !workday_has_year(y + 1)) {
		log_warn("workday: no calendar for the next year %d yet: "
		    "add cn-%d.hdf once the State Council notice is out",
		    y + 1, y + 1);
		missing++;
	}
	return missing;
}
