/*
 * test_workday.c - TAP tests for workday.c (China's working days).
 *
 * The shipped calendars are read from $srcdir/etc/holidays (srcdir
 * defaults to "."); broken calendars are written to a fresh temporary
 * folder, removed at the end.  Every expected date below was worked out
 * by hand from the weekday of 1 January (2025: Wednesday, 2026:
 * Thursday, 2027: Friday) and the notices' dates, as the comments show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "infra/config.h"
#include "infra/workday.h"
#include "tap.h"

static char	 tmpdir[256];
static char	*made[32];
static int	 nmade;

/* Returns 1 if y-m-d plus n working days is want with return code rc. */
static int
add_is(int y, int m, int d, int n, const char *want, int rc)
{
	int	 oy = 0, om = 0, od = 0, r;
	char	 got[11];

	r = workday_add(y, m, d, n, &oy, &om, &od);
	workday_format(oy, om, od, got);
	if (r != rc || strcmp(got, want) != 0) {
		printf("#   %04d-%02d-%02d + %d: got %s (rc %d), want %s "
		    "(rc %d)\n", y, m, d, n, got, r, want, rc);
		return 0;
	}
	return 1;
}

/* Write a calendar file into the temporary folder; returns its path. */
static const char *
mkcal(const char *name, const char *text)
{
	char	 path[512];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
	if (nmade < (int)(sizeof(made) / sizeof(made[0])))
		made[nmade++] = strdup(path);
	return made[nmade - 1];
}

/* Returns 1 if loading path fails with an error containing every want. */
static int
refused(const char *path, const char *want1, const char *want2)
{
	const char	*e;

	if (workday_load(path) != -1) {
		printf("#   %s was accepted\n", path);
		return 0;
	}
	e = workday_error();
	printf("#   refused: %s\n", e);
	return strstr(e, want1) != NULL &&
	    (want2 == NULL || strstr(e, want2) != NULL);
}

/* The UTC instant of a UTC date and time (timegm is glibc's, not ours). */
static time_t
utc(int y, int m, int d, int hh, int mm, int ss)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	return timegm(&tm);
}

/* Working days in year y by workday_is_workday. */
static int
count_year(int y)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int	 m, d, n = 0;

	for (m = 1; m <= 12; m++)
		for (d = 1; d <= mdays[m - 1]; d++)
			n += workday_is_workday(y, m, d) == 1;
	return n;
}

/* A good calendar body for a test year, with one line replaced. */
#define HEAD(y)								\
	"Holiday {\n  Year = " #y "\n"					\
	"  Notice = test calendar, not a real notice\n"			\
	"  Number = none\n  Issued = 2000-01-01\n"

int
main(void)
{
	const char	*src = getenv("srcdir"), *p;
	char		 dir[512], out[11];
	int		 y, m, d, i;
	time_t		 t;

	if (src == NULL || *src == '\0')
		src = ".";
	snprintf(dir, sizeof(dir), "%s/etc/holidays", src);
	if ((p = getenv("TMPDIR")) == NULL || *p == '\0')
		p = "/tmp";
	if ((size_t)snprintf(tmpdir, sizeof(tmpdir), "%s/test_workday.XXXXXX",
	    p) >= sizeof(tmpdir) || mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}

	/* -- the shipped calendars -- */
	ok(workday_load(dir) == 0, "the shipped calendars load from %s (%s)",
	    dir, workday_error());
	ok(workday_has_year(2025) && workday_has_year(2026) &&
	    !workday_has_year(2027) && !workday_has_year(2024),
	    "2025 and 2026 are loaded, 2024 and 2027 are not");
	/*
	 * 2026: 365 days from a Thursday = 52 weeks + 1 Thursday, so 261
	 * weekdays.  Weekdays off: 元旦 1/1-1/2 (2), 春节 2/16-2/20 and
	 * 2/23 (6), 清明 4/6 (1), 劳动节 5/1, 5/4, 5/5 (3), 端午 6/19 (1),
	 * 中秋 9/25 (1), 国庆 10/1, 10/2, 10/5-10/7 (5): 19.  Make-up days:
	 * 1/4, 2/14, 2/28, 5/9, 9/20, 10/10: 6.  261 - 19 + 6 = 248.
	 */
	ok(count_year(2026) == 248, "2026 has 248 working days (got %d)",
	    count_year(2026));
	/*
	 * 2025: from a Wednesday, 261 weekdays.  Weekdays off: 1/1 (1),
	 * 春节 1/28-1/31, 2/3, 2/4 (6), 4/4 (1), 5/1, 5/2, 5/5 (3), 6/2 (1),
	 * 国庆中秋 10/1-10/3, 10/6-10/8 (6): 18.  Make-up days: 1/26, 2/8,
	 * 4/27, 9/28, 10/11: 5.  261 - 18 + 5 = 248.
	 */
	ok(count_year(2025) == 248, "2025 has 248 working days (got %d)",
	    count_year(2025));

	/* -- workday_is_workday -- */
	ok(workday_is_workday(2026, 10, 10) == 1,
	    "2026-10-10, a make-up Saturday, is a working day");
	ok(workday_is_workday(2026, 10, 1) == 0 &&
	    workday_is_workday(2026, 10, 7) == 0,
	    "2026-10-01 and 10-07 (Wednesday) are days off");
	ok(workday_is_workday(2026, 10, 11) == 0,
	    "2026-10-11, a plain Sunday, is not a working day");
	ok(workday_is_workday(2027, 1, 1) == 1,
	    "2027-01-01, a Friday without calendar, counts as working");
	ok(workday_is_workday(2026, 2, 29) == -1, "2026-02-29 is no date");

	/* -- workday_add -- */
	/* 2026-03-09 is a Monday (3/1 is a Sunday); no holiday in March. */
	ok(add_is(2026, 3, 9, 3, "2026-03-12", 0),
	    "Mon 2026-03-09 + 3 = Thu 03-12 (10, 11, 12)");
	ok(add_is(2026, 3, 12, 3, "2026-03-17", 0),
	    "Thu 2026-03-12 + 3 = Tue 03-17 (13; 14-15 weekend; 16, 17)");
	/*
	 * National Day 2026: 9/30 is a Wednesday; 10/1 (Thu) to 10/7 (Wed)
	 * off; 10/8 Thu is 1, 10/9 Fri is 2, 10/10 the make-up Saturday
	 * is 3.
	 */
	ok(add_is(2026, 9, 30, 3, "2026-10-10", 0),
	    "Wed 2026-09-30 + 3 = Sat 10-10, the make-up day, across 国庆");
	/* 10/10 is 1, 10/11 Sunday off, 10/12 Mon is 2. */
	ok(add_is(2026, 10, 9, 2, "2026-10-12", 0),
	    "Fri 2026-10-09 + 2 = Mon 10-12 (10-10 counted, 10-11 not)");
	/* 9/18 is a Friday; 9/19 Sat off; 9/20 is a make-up Sunday. */
	ok(add_is(2026, 9, 18, 1, "2026-09-20", 0),
	    "Fri 2026-09-18 + 1 = Sun 09-20, a make-up Sunday");
	/* 2/26 Thu; 2/27 Fri is 1, 2/28 the make-up Saturday is 2. */
	ok(add_is(2026, 2, 26, 2, "2026-02-28", 0),
	    "Thu 2026-02-26 + 2 = Sat 02-28, a make-up Saturday");
	/*
	 * Spring Festival 2026: 2/12 is a Thursday; 2/13 Fri is 1, 2/14
	 * the make-up Saturday is 2, 2/15 (Sun) to 2/23 (Mon) off, 2/24
	 * Tue is 3.
	 */
	ok(add_is(2026, 2, 12, 3, "2026-02-24", 0),
	    "Thu 2026-02-12 + 3 = Tue 02-24, across 春节");
	/*
	 * Labour Day 2025: 4/25 is a Friday; 4/26 Sat off, 4/27 make-up
	 * Sunday 1, 4/28 Mon 2, 4/29 3, 4/30 4, 5/1-5/5 off, 5/6 Tue 5.
	 */
	ok(add_is(2025, 4, 25, 5, "2025-05-06", 0),
	    "Fri 2025-04-25 + 5 = Tue 05-06, across 劳动节 with 04-27");
	/*
	 * From 2025 into 2026, both with calendars: 12/30 is a Tuesday;
	 * 12/31 Wed 1, 1/1-1/3 off, 1/4 the make-up Sunday 2, 1/5 Mon 3.
	 */
	ok(add_is(2025, 12, 30, 3, "2026-01-05", 0),
	    "Tue 2025-12-30 + 3 = Mon 2026-01-05 across 元旦, no fallback");
	/* 12/28 is a Monday: 29, 30, 31 stay in 2026, so no flag. */
	ok(add_is(2026, 12, 28, 3, "2026-12-31", 0),
	    "Mon 2026-12-28 + 3 = Thu 12-31: 2027 not needed, no flag");
	/*
	 * Into 2027, which has no calendar: 12/30 is a Wednesday; 12/31
	 * Thu 1, 2027-01-01 Fri 2 (weekends only: no 元旦 yet), 1/2-1/3
	 * weekend, 1/4 Mon 3; and the fallback is reported.
	 */
	ok(add_is(2026, 12, 30, 3, "2027-01-04", 1),
	    "Wed 2026-12-30 + 3 = Mon 2027-01-04, flagged weekends-only");
	ok(add_is(2026, 10, 1, 0, "2026-10-01", 0),
	    "n = 0 gives the day back, even a holiday");
	y = m = d = 7;
	ok(workday_add(2026, 2, 29, 3, &y, &m, &d) == -1 &&
	    workday_add(2026, 1, 1, -1, &y, &m, &d) == -1 &&
	    workday_add(2026, 1, 1, 1001, &y, &m, &d) == -1 &&
	    workday_add(2026, 13, 1, 1, &y, &m, &d) == -1 &&
	    y == 7 && m == 7 && d == 7,
	    "a bad date or n is refused, outputs left alone");

	/* -- China dates -- */
	/*
	 * 2026-03-12T16:00:00Z: 2026-01-01 is day 56 * 365 + 14 leap days
	 * = 20454 since 1970; 3/12 is 31 + 28 + 11 = 70 days later, 20524;
	 * 20524 * 86400 + 16 * 3600 = 1773331200.  In China it is
	 * 2026-03-13 00:00, a Friday.
	 */
	t = 1773331200;
	ok(utc(2026, 3, 12, 16, 0, 0) == t, "hand epoch agrees with timegm");
	ok(workday_cn_date(t, &y, &m, &d) == 0 && y == 2026 && m == 3 &&
	    d == 13, "16:00 UTC on 03-12 is 03-13 in China");
	ok(workday_cn_date(t - 1, &y, &m, &d) == 0 && y == 2026 && m == 3 &&
	    d == 12, "15:59:59 UTC on 03-12 is still 03-12 in China");
	/* China Fri 3/13 + 3: Mon 16, Tue 17, Wed 18. */
	ok(workday_deadline(t, 3, out) == 0, "deadline at 16:00 UTC");
	is_str(out, "2026-03-18", "cancelled 03-13 00:00 China: refund by 03-18");
	/* China Thu 3/12 23:59:59 + 3: Fri 13, Mon 16, Tue 17. */
	ok(workday_deadline(t - 1, 3, out) == 0, "deadline at 15:59:59 UTC");
	is_str(out, "2026-03-17", "cancelled 03-12 23:59 China: refund by 03-17");
	/* 1969-12-31T16:00:00Z is 1970-01-01 00:00 in China. */
	ok(workday_cn_date(-8 * 3600, &y, &m, &d) == 0 && y == 1970 &&
	    m == 1 && d == 1, "an instant before 1970 gets its China date");
	/* Wed 2026-12-30 12:00 China is 04:00Z; + 3 into 2027 as above. */
	ok(workday_deadline(utc(2026, 12, 30, 4, 0, 0), 3, out) == 1,
	    "a deadline in 2027 reports the fallback");
	is_str(out, "2027-01-04", "its date is still given: 2027-01-04");
	ok(workday_format(2026, 1, 4, out) == 0, "format 2026-01-04");
	is_str(out, "2026-01-04", "zero-padded YYYY-MM-DD");
	ok(workday_format(2025, 2, 29, out) == -1 && out[0] == '\0',
	    "format refuses 2025-02-29");

	/* -- workday_check -- */
	ok(workday_check(utc(2026, 3, 12, 4, 0, 0)) == 0,
	    "March 2026: nothing missing (2027 not asked for yet)");
	ok(workday_check(utc(2026, 10, 31, 4, 0, 0)) == 0,
	    "31 October 2026: nothing missing yet");
	/* 2026-10-31T16:00Z is 1 November in China. */
	ok(workday_check(utc(2026, 10, 31, 16, 0, 0)) == 1,
	    "1 November 2026 (China): the 2027 calendar is missing");
	ok(workday_check(utc(2027, 3, 1, 4, 0, 0)) == 1,
	    "March 2027: the current year is missing");

	/* -- the loader refuses broken calendars -- */
	/* ClearSilver itself accepts these two; workday.c counts braces. */
	p = mkcal("cn-2027.hdf", HEAD(2027) "  Off {\n    A = 2027-01-01\n");
	ok(refused(p, "cn-2027.hdf", "line 1 is not closed"),
	    "an unclosed block is refused, naming the file and line");
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-01-01\n  }\n}\n}\n");
	/* HEAD is lines 1-5; Off { 6, A 7, } 8, } 9: the } on 10 is extra. */
	ok(refused(p, "line 10: this } closes no block", NULL),
	    "a } too many is refused, naming the line");
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A 2027-01-01\n  }\n}\n");
	ok(refused(p, "cn-2027.hdf: cannot read", "Unable to parse line"),
	    "an HDF syntax error is refused with ClearSilver's reason");
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-01-01 # New Year\n  }\n}\n");
	ok(refused(p, "\"#\" is not a date", NULL),
	    "a trailing comment (HDF keeps it in the value) is refused");
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-02-30\n  }\n}\n");
	ok(refused(p, "Holiday.Off.A", "\"2027-02-30\" is not a date"),
	    "a day that does not exist is refused, naming key and value");
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-1-1\n  }\n}\n");
	ok(refused(p, "\"2027-1-1\" is not a date", NULL),
	    "a date not written YYYY-MM-DD is refused");
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-01-03..2027-01-01\n  }\n}\n");
	ok(refused(p, "runs backwards", NULL), "a backwards range is refused");
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2026-12-31..2027-01-01\n  }\n}\n");
	ok(refused(p, "outside the year 2027", NULL),
	    "a date outside Year is refused");
	/* 2027-01-05 is a Tuesday (1/1 Friday). */
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-01-01\n  }\n"
	    "  Work {\n    A = 2027-01-05\n  }\n}\n");
	ok(refused(p, "2027-01-05 is a weekday", NULL),
	    "a make-up day on a weekday (a typo) is refused");
	/* 2027-01-02 is a Saturday. */
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-01-01..2027-01-03\n  }\n"
	    "  Work {\n    A = 2027-01-02\n  }\n}\n");
	ok(refused(p, "both a day off and a make-up", NULL),
	    "a day both off and worked is refused");
	p = mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-01-01\n  }\n  Wrok {\n  }\n}\n");
	ok(refused(p, "unknown key Holiday.Wrok", NULL),
	    "an unknown key is refused");
	p = mkcal("cn-2027.hdf", "Holiday {\n  Year = 2027\n"
	    "  Notice = x\n  Issued = 2000-01-01\n"
	    "  Off {\n    A = 2027-01-01\n  }\n}\n");
	ok(refused(p, "Holiday.Number is missing", NULL),
	    "a calendar without its notice's number is refused");
	p = mkcal("cn-2028.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-01-01\n  }\n}\n");
	ok(refused(p, "file name says 2028", NULL),
	    "a file name and Year that disagree are refused");
	unlink(p);
	p = mkcal("cn-2027.hdf", HEAD(2027) "}\n");
	ok(refused(p, "Holiday.Off lists no holidays", NULL),
	    "a calendar without days off is refused");
	p = mkcal("cn-2027.hdf", HEAD(20x7) "  Off {\n    A = 2027-01-01\n"
	    "  }\n}\n");
	ok(refused(p, "Holiday.Year must be a year", NULL),
	    "a Year that is not a number is refused");
	p = mkcal("cn-2027.hdf", "Holday {\n  Year = 2027\n}\n");
	ok(refused(p, "unknown key Holday", NULL),
	    "a misspelt top block is refused");
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/nope");
	ok(refused(dir, "nope", "No such file"), "a missing path is refused");
	dir[strlen(dir) - strlen("/nope")] = '\0';
	ok(workday_has_year(2026) && !workday_has_year(2027) &&
	    add_is(2026, 9, 30, 3, "2026-10-10", 0),
	    "after all those refusals the shipped calendars still work");

	/* A folder with one good and one bad file is refused whole. */
	mkcal("cn-2098.hdf", HEAD(2098)
	    "  Off {\n    A = 2098-01-01\n  }\n}\n");
	mkcal("cn-2027.hdf", HEAD(2027)
	    "  Off {\n    A = 2027-01-01\n  }\n  Work {\n    A = 2027-01-04\n"
	    "  }\n}\n");
	/* 2027-01-04 is a Monday: cn-2027.hdf is bad, cn-2098.hdf good. */
	ok(refused(tmpdir, "cn-2027.hdf", "is a weekday") &&
	    !workday_has_year(2098) && workday_has_year(2026),
	    "a folder with one bad file is refused whole");
	/* Two files for one year. */
	mkcal("cn-2027.hdf", HEAD(2098)
	    "  Off {\n    A = 2098-01-01\n  }\n}\n");
	unlink(made[nmade - 1]);
	p = mkcal("x-2098.hdf", HEAD(2098)
	    "  Off {\n    A = 2098-01-02\n  }\n}\n");
	ok(refused(tmpdir, "2098 is loaded twice", NULL),
	    "a year in two files is refused");
	unlink(p);
	/* Now only cn-2098.hdf is left: a good folder replaces everything. */
	ok(workday_load(tmpdir) == 0 && workday_has_year(2098) &&
	    !workday_has_year(2026) && workday_error()[0] == '\0',
	    "loading another folder replaces the calendars (%s)",
	    workday_error());
	workday_clear();
	/* Without calendars 2026-09-30 + 3 is Thu, Fri, Mon 10-05. */
	ok(!workday_has_year(2098) &&
	    add_is(2026, 9, 30, 3, "2026-10-05", 1),
	    "with no calendar at all, weekends only and flagged");
	ok(workday_load(dir) == 0 && workday_has_year(2026),
	    "the shipped calendars load again");

	/* workday_init reads Calendar.Path from the configuration. */
	{
		char	 conf[1024];

		snprintf(conf, sizeof(conf), "Calendar {\n  Path = %s\n}\n",
		    dir);
		p = mkcal("tucai.hdf.conf", conf);
		setenv("TUCAI_CONF", p, 1);
		workday_clear();
		ok(conf_load() == 0 && workday_init() == 0 &&
		    workday_has_year(2026),
		    "workday_init loads Calendar.Path from the configuration");
	}

	for (i = 0; i < nmade; i++) {
		unlink(made[i]);
		free(made[i]);
	}
	rmdir(tmpdir);
	return tap_done();
}
