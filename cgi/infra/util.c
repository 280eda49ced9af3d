/*
 * util.c - small helpers.  China has no daylight saving time, so
 * Asia/Shanghai is UTC+8 all year.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "infra/clock.h"
#include "infra/util.h"
#include "infra/valid.h"

#define CST_OFFSET (8 * 3600)

void
util_token_hex(char *out, size_t nbytes)
{
	unsigned char	 buf[64];

	if (nbytes > sizeof(buf))
		nbytes = sizeof(buf);
	randombytes_buf(buf, nbytes);
	sodium_bin2hex(out, nbytes * 2 + 1, buf, nbytes);
}

void
util_fen(long long fen, char *out, size_t sz)
{

	snprintf(out, sz, "%lld.%02lld", fen / 100, fen % 100);
}

void
util_local_date(char out[11], int plus_days)
{
	time_t		 t = clock_now() + CST_OFFSET + (time_t)plus_days * 86400;
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
util_local_to_utc(const char *date, const char *hhmm, char out[20])
{
	struct tm	 tm;
	int		 y, m, d, h = 0, mi = 0;
	time_t		 t;

	if (valid_date(date, &y, &m, &d) != 0)
		return -1;
	if (hhmm != NULL && valid_time(hhmm, &h, &mi) != 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	t = timegm(&tm) - CST_OFFSET;
	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
	return 0;
}

int
util_parse_ll(const char *s, long long *v)
{
	char		*end;
	long long	 n;

	if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || (*s == '-' && end == s + 1))
		return -1;
	*v = n;
	return 0;
}

int
util_fmt(char *out, size_t sz, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (sz == 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(out, sz, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sz) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
