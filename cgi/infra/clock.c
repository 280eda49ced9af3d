/*
 * clock.c - the one clock (see clock.h).
 *
 * SQL reads the same time: when the offset is not 0, db.c sets the
 * session's timestamp variable (SET timestamp = N) before a statement,
 * which MariaDB's UTC_TIMESTAMP(), NOW() and column defaults all follow.
 * In production the offset is 0 and nothing is set.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "infra/clock.h"
#include "infra/config.h"
#include "infra/log.h"

static int		 testmode;
static long long	 offset;	/* seconds added to the system clock */
static long long	 absolute;	/* or a fixed time ("@N"), 0 if none */
static struct timespec	 seen;		/* mtime of Test.ClockFile read */
static ino_t		 seen_ino;	/* and its inode (tests rename a new
					 * file in: a change within one tick
					 * of the file clock is still seen) */

/* Parses "+N", "-N", "N" (an offset) or "@N" (a fixed time).  0 or -1. */
static int
parse(const char *s, long long *off, long long *abs)
{
	char		*end;
	long long	 v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '\n') {
		*off = *abs = 0;
		return 0;
	}
	errno = 0;
	v = strtoll(*s == '@' ? s + 1 : s, &end, 10);
	if (errno != 0 || end == s || (*end != '\0' && *end != '\n' &&
	    *end != ' '))
		return -1;
	if (*s == '@') {
		if (v <= 0)
			return -1;
		*abs = v;
		*off = 0;
	} else {
		*abs = 0;
		*off = v;
	}
	return 0;
}

/* Reads the clock file when its mtime changed.  0 or -1. */
static int
read_file(const char *path, int force)
{
	struct stat	 sb;
	FILE		*f;
	char		 buf[64];
	long long	 o, a;

	if (stat(path, &sb) == -1) {
		if (errno != ENOENT)
			return -1;
		offset = absolute = 0;	/* no file: the system clock */
		memset(&seen, 0, sizeof(seen));
		seen_ino = 0;
		return 0;
	}
	if (!force && sb.st_mtim.tv_sec == seen.tv_sec &&
	    sb.st_mtim.tv_nsec == seen.tv_nsec && sb.st_ino == seen_ino)
		return 0;
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	if (parse(buf, &o, &a) != 0)
		return -1;
	offset = o;
	absolute = a;
	seen = sb.st_mtim;
	seen_ino = sb.st_ino;
	return 0;
}

int
clock_init(void)
{
	const char	*env = getenv("TUCAI_NOW");
	const char	*file = conf_str("Test.ClockFile", "");
	long long	 o, a;

	testmode = conf_int("Test.Enabled", 0) == 1;
	offset = absolute = 0;
	if (env != NULL && *env != '\0') {
		if (!testmode) {
			log_warn("TUCAI_NOW is set but Test.Enabled is not 1: "
			    "refusing to run on a moved clock");
			return -1;
		}
		if (parse(env, &o, &a) != 0) {
			log_warn("TUCAI_NOW: not an offset (+N) or a time (@N)");
			return -1;
		}
		offset = o;
		absolute = a;
		return 0;
	}
	if (*file == '\0')
		return 0;
	if (!testmode) {
		log_warn("Test.ClockFile is set but Test.Enabled is not 1: "
		    "refusing to run on a moved clock");
		return -1;
	}
	if (read_file(file, 1) != 0) {
		log_warn("Test.ClockFile %s: unreadable or not an offset",
		    file);
		return -1;
	}
	return 0;
}

void
clock_tick(void)
{
	const char	*file, *env;

	if (!testmode)
		return;
	if ((env = getenv("TUCAI_NOW")) != NULL && *env != '\0')
		return;
	file = conf_str("Test.ClockFile", "");
	if (*file != '\0' && read_file(file, 0) != 0)
		log_warn("Test.ClockFile %s: unreadable, clock unchanged",
		    file);
}

time_t
clock_now(void)
{

	if (absolute > 0)
		return (time_t)absolute;
	return time(NULL) + (time_t)offset;
}

long long
clock_offset(void)
{

	if (absolute > 0)
		return absolute - (long long)time(NULL);
	return offset;
}
