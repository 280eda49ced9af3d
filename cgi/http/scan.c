/*
 * scan.c - the raw body as it is read (io.c feeds it): a NUL byte, which
 * the CGI kit would silently cut a value at, is found in urlencoded
 * bodies and in multipart text values and part headers (file parts are
 * left alone), across reads of any size.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"

/*
 * NUL bytes: the CGI kit keeps values as C strings, so a NUL byte (a
 * decoded %00, or a raw one) would cut a value short without a word, and
 * in an urlencoded body the fields after it too.  They are refused (400):
 * in the query string, and while the body is read (io_read sees the raw
 * bytes): "%00" and raw NULs in urlencoded bodies; in multipart bodies,
 * raw NULs in the parts' headers and in the values of the parts that are
 * not files (a file's bytes are its own; the image code checks them).
 */
enum mp_state {
	MP_PREAMBLE,	/* before the first delimiter */
	MP_DELIM,	/* after a delimiter: "--" ends, a line break goes on */
	MP_HEADERS,	/* a part's header lines */
	MP_DATA,	/* a part's content, up to the next delimiter */
	MP_END		/* after the closing delimiter */
};

#define MP_BOUNDARY_MAX	128	/* RFC 2046 allows 70 */

static struct {
	int		 on;		/* scanning: 1 urlencoded, 2 multipart */
	int		 seen;		/* a NUL found */
	char		 tail[2];	/* last two bytes of the previous read */
	/* multipart */
	char		 delim[4 + MP_BOUNDARY_MAX + 1];	/* CRLF "--" boundary */
	size_t		 dlen;		/* its length */
	size_t		 m;		/* bytes of it matched so far */
	enum mp_state	 st;
	int		 dashes;	/* "-" after a delimiter */
	int		 linelen;	/* bytes of the header line so far */
	int		 quoted;	/* inside a quoted header value */
	int		 file;		/* the part's headers give a filename */
	char		 win[10];	/* the last 10 header bytes, lowercased */
} nulscan;

int
http_has_pct00(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i + 2 < len; i++)
		if (s[i] == '%' && s[i + 1] == '0' && s[i + 2] == '0')
			return 1;
	return 0;
}

/*
 * Scan multipart bodies for the boundary of ct; 0, or -1 when it has
 * none we can use (the body is then refused).
 */
static int
mp_start(const char *ct)
{
	const char	*b;
	size_t		 n;

	if ((b = strcasestr(ct, "boundary=")) == NULL)
		return -1;
	b += 9;
	if (*b == '"')
		n = strcspn(++b, "\"");
	else
		n = strcspn(b, "; \t");
	if (n == 0 || n > MP_BOUNDARY_MAX || memchr(b, '\r', n) != NULL)
		return -1;
	memcpy(nulscan.delim, "\r\n--", 4);
	memcpy(nulscan.delim + 4, b, n);
	nulscan.dlen = 4 + n;
	nulscan.delim[nulscan.dlen] = '\0';
	/* The first delimiter opens the body without a line break. */
	nulscan.m = 2;
	nulscan.st = MP_PREAMBLE;
	nulscan.on = 2;
	return 0;
}

/* One header byte: the header block ends at an empty line; a filename
 * parameter outside quotes makes the part a file. */
static void
mp_header(unsigned char c)
{

	if (c == '\n') {
		if (nulscan.linelen == 0)
			nulscan.st = MP_DATA;
		nulscan.linelen = nulscan.quoted = 0;
		return;
	}
	if (c == '\r')
		return;
	nulscan.linelen++;
	if (c == '"')
		nulscan.quoted = !nulscan.quoted;
	memmove(nulscan.win, nulscan.win + 1, sizeof(nulscan.win) - 1);
	nulscan.win[sizeof(nulscan.win) - 1] = (char)tolower(c);
	if (!nulscan.quoted && memcmp(nulscan.win + 1, "filename=", 9) == 0 &&
	    (nulscan.win[0] == ';' || nulscan.win[0] == ' ' ||
	    nulscan.win[0] == '\t'))
		nulscan.file = 1;
}

static void
mp_scan(const unsigned char *buf, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char c = buf[i];

		switch (nulscan.st) {
		case MP_PREAMBLE:
		case MP_DATA:
			if (c == '\0' && nulscan.st == MP_DATA && !nulscan.file)
				nulscan.seen = 1;
			/* The delimiter's only CR is its first byte: a
			 * mismatch starts again at this one. */
			if (c == (unsigned char)nulscan.delim[nulscan.m]) {
				if (++nulscan.m == nulscan.dlen) {
					nulscan.m = 0;
					nulscan.dashes = 0;
					nulscan.st = MP_DELIM;
				}
			} else
				nulscan.m = c == '\r' ? 1 : 0;
			break;
		case MP_DELIM:
			if (c == '\0')
				nulscan.seen = 1;
			else if (c == '-' && ++nulscan.dashes == 2)
				nulscan.st = MP_END;
			else if (c == '\n') {
				nulscan.st = MP_HEADERS;
				nulscan.linelen = nulscan.quoted = 0;
				nulscan.file = 0;
				memset(nulscan.win, 0, sizeof(nulscan.win));
			}
			break;
		case MP_HEADERS:
			if (c == '\0')
				nulscan.seen = 1;
			mp_header(c);
			break;
		case MP_END:
			break;
		}
	}
}

int
http_scan_start(int post, const char *ct)
{

	memset(&nulscan, 0, sizeof(nulscan));
	if (!post || ct == NULL)
		return 0;
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		nulscan.on = 1;
	else if (strncasecmp(ct, "multipart/form-data", 19) == 0 &&
	    mp_start(ct) != 0)
		return 400;
	return 0;
}

int
http_scan_end(void)
{
	int	 seen = nulscan.seen;

	memset(&nulscan, 0, sizeof(nulscan));
	return seen;
}

void
http_scan_body(const char *buf, int n)
{
	char	 edge[6];

	if (!nulscan.on || n <= 0)
		return;
	if (nulscan.on == 2) {
		mp_scan((const unsigned char *)buf, (size_t)n);
		return;
	}
	if (memchr(buf, '\0', (size_t)n) != NULL)
		nulscan.seen = 1;
	/* A "%00" split over two reads. */
	memcpy(edge, nulscan.tail, 2);
	memcpy(edge + 2, buf, n < 2 ? (size_t)n : 2);
	if (http_has_pct00(edge, 2 + (n < 2 ? (size_t)n : 2)) ||
	    http_has_pct00(buf, (size_t)n))
		nulscan.seen = 1;
	if (n >= 2)
		memcpy(nulscan.tail, buf + n - 2, 2);
	else {
		nulscan.tail[0] = nulscan.tail[1];
		nulscan.tail[1] = buf[0];
	}
}
