/*
 * csvout.c - CSV writer for exports, see csvout.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "infra/csvout.h"
#include "infra/text.h"

/* Append b[0..n).  Returns 0, or -1 (sets err) out of memory. */
static int
put(struct csvout *c, const char *b, size_t n)
{
	char	*nb;
	size_t	 ncap;

	if (c->err)
		return -1;
	if (n > SIZE_MAX - c->len - 1)
		goto fail;
	if (c->len + n + 1 > c->cap) {
		ncap = c->cap ? c->cap : 4096;
		while (ncap < c->len + n + 1) {
			if (ncap > SIZE_MAX / 2)
				goto fail;
			ncap *= 2;
		}
		if ((nb = realloc(c->buf, ncap)) == NULL)
			goto fail;
		c->buf = nb;
		c->cap = ncap;
	}
	memcpy(c->buf + c->len, b, n);
	c->len += n;
	return 0;
fail:
	c->err = 1;
	return -1;
}

int
csvout_init(struct csvout *c, int gbk)
{

	memset(c, 0, sizeof(*c));
	c->gbk = gbk;
	return gbk ? 0 : put(c, "\xEF\xBB\xBF", 3);
}

int
csvout_field(struct csvout *c, const char *utf8)
{
	const char	*s = utf8 == NULL ? "" : utf8, *p;
	char		*enc = NULL;
	size_t		 n = strlen(s);
	int		 quote, rc = -1;

	if (c->err)
		return -1;
	if (!utf8_valid(s, n)) {
		c->err = 1;
		return -1;
	}
	if (c->gbk) {
		if (utf8_to_gb18030(s, n, &enc, &n) != 0) {
			c->err = 1;
			return -1;
		}
		s = enc;
	}
	/* The ASCII bytes looked at below mean the same in GB18030: its
	 * multi-byte forms never contain ',', '"', CR, LF or space. */
	quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ' ||
	    strpbrk(s, ",\"\r\n") != NULL);
	if (c->nfields++ > 0 && put(c, ",", 1) == -1)
		goto out;
	if (quote && put(c, "\"", 1) == -1)
		goto out;
	if (n > 0 && strchr("=+-@\t\r", s[0]) != NULL &&
	    put(c, "'", 1) == -1)
		goto out;
	if (quote) {
		while ((p = memchr(s, '"', n)) != NULL) {
			if (put(c, s, p - s + 1) == -1 || put(c, "\"", 1) == -1)
				goto out;
			n -= p - s + 1;
			s = p + 1;
		}
	}
	if (put(c, s, n) == -1 || (quote && put(c, "\"", 1) == -1))
		goto out;
	rc = 0;
out:
	free(enc);
	return rc;
}

int
csvout_text(struct csvout *c, const char *utf8)
{
	const char	*p;

	if (utf8 == NULL || *utf8 == '\0')
		return csvout_field(c, utf8);
	for (p = utf8; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || *p == '_' || *p == '*' ||
		    *p == '-'))
			return csvout_field(c, utf8);
	/* Only the characters above: no quote to double, one literal, and
	 * ASCII is the same bytes in GB18030. */
	if (c->err)
		return -1;
	if (c->nfields++ > 0 && put(c, ",", 1) == -1)
		return -1;
	if (put(c, "\"=\"\"", 4) == -1 || put(c, utf8, p - utf8) == -1 ||
	    put(c, "\"\"\"", 3) == -1)
		return -1;
	return 0;
}

int
csvout_endrow(struct csvout *c)
{

	c->nfields = 0;
	return put(c, "\r\n", 2);
}

int
csvout_take(struct csvout *c, char **buf, size_t *len)
{
	char	*b;

	*buf = NULL;
	*len = 0;
	if (c->err)
		return -1;
	if (c->buf == NULL) {
		if ((b = malloc(1)) == NULL) {
			c->err = 1;
			return -1;
		}
	} else
		b = c->buf;
	b[c->len] = '\0';
	*buf = b;
	*len = c->len;
	c->buf = NULL;
	c->len = c->cap = 0;
	return 0;
}

void
csvout_free(struct csvout *c)
{

	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
	c->nfields = 0;
}
