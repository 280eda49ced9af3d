/*
 * idnum.c - resident identity card numbers (GB 11643-1999), see idnum.h.
 */
#include <string.h>
#include <time.h>

#include "infra/clock.h"
#include "infra/idnum.h"
#include "infra/lang.h"

/* The reasons: words. */
static const char *const R_LEN = "Lang.Field.Id.Length";
static const char *const R_CHARS = "Lang.Field.Id.Chars";
static const char *const R_DATE = "Lang.Field.Id.Date";
static const char *const R_CHECK = "Lang.Field.Id.Check";

/* ISO 7064 MOD 11-2 weights (2^(17-i) mod 11) and check characters. */
static const int	 weights[17] =
    { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
static const char	 checkchars[11] = "10X98765432";

char
idnum_checkchar(const char *s)
{
	int	 i, sum = 0;

	for (i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		sum += (s[i] - '0') * weights[i];
	}
	return checkchars[sum % 11];
}

/* Returns the number of code points in s, counting invalid bytes singly
 * (only used to word the length message). */
static size_t
nchars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Returns 1 if y-m-d is a calendar date. */
static int
realdate(long y, long m, long d)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int	 leap, max;

	if (m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	max = mdays[m - 1] + (m == 2 && leap);
	return d <= max;
}

int
idnum_check_on(const char *in, char out[19], const char **reason, long today)
{
	const char	*r = NULL;
	char		 buf[19];
	long		 y, m, d, date;
	int		 i;

	if (out != NULL)
		out[0] = '\0';
	if (in == NULL || nchars(in) != 18 || strlen(in) != 18) {
		r = nchars(in == NULL ? "" : in) == 18 ? R_CHARS : R_LEN;
		goto bad;
	}
	for (i = 0; i < 17; i++)
		if (in[i] < '0' || in[i] > '9') {
			r = R_CHARS;
			goto bad;
		}
	if (!(in[17] >= '0' && in[17] <= '9') && in[17] != 'X' &&
	    in[17] != 'x') {
		r = R_CHARS;
		goto bad;
	}
	memcpy(buf, in, 18);
	buf[18] = '\0';
	if (buf[17] == 'x')
		buf[17] = 'X';

	y = (buf[6] - '0') * 1000 + (buf[7] - '0') * 100 +
	    (buf[8] - '0') * 10 + (buf[9] - '0');
	m = (buf[10] - '0') * 10 + (buf[11] - '0');
	d = (buf[12] - '0') * 10 + (buf[13] - '0');
	date = y * 10000 + m * 100 + d;
	if (!realdate(y, m, d) || date < 19000101 || date > today) {
		r = R_DATE;
		goto bad;
	}
	if (idnum_checkchar(buf) != buf[17]) {
		r = R_CHECK;
		goto bad;
	}
	if (out != NULL)
		memcpy(out, buf, 19);
	return 1;
bad:
	if (reason != NULL)
		*reason = L(r);
	return 0;
}

int
idnum_check(const char *in, char out[19], const char **reason)
{
	time_t		 t = clock_now();
	struct tm	 tm;
	long		 today = 99991231;

	if (localtime_r(&t, &tm) != NULL)
		today = (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 +
		    tm.tm_mday;
	return idnum_check_on(in, out, reason, today);
}

void
idnum_mask(const char *id, char *out, size_t outsz)
{
	size_t	 len, i;

	if (outsz == 0)
		return;
	len = id == NULL ? 0 : strlen(id);
	for (i = 0; i < len; i++)
		if ((unsigned char)id[i] < 0x21 || (unsigned char)id[i] > 0x7E)
			len = 0;
	if (len < 8 || len > 32 || len + 1 > outsz) {
		if (outsz > 1) {
			out[0] = '*';
			out[1] = '\0';
		} else
			out[0] = '\0';
		return;
	}
	memcpy(out, id, 3);
	memset(out + 3, '*', len - 7);
	memcpy(out + len - 4, id + len - 4, 4);
	out[len] = '\0';
	if (out[len - 1] == 'x')
		out[len - 1] = 'X';
}

void
idnum_last4(const char *id, char out[5])
{
	size_t	 len, i;

	out[0] = '\0';
	if (id == NULL || (len = strlen(id)) < 4)
		return;
	for (i = len - 4; i < len; i++)
		if ((unsigned char)id[i] < 0x21 || (unsigned char)id[i] > 0x7E)
			return;
	memcpy(out, id + len - 4, 5);
	if (out[3] == 'x')
		out[3] = 'X';
}
