/*
 * text.c - UTF-8 checks, name masking, GBK conversion; see text.h.
 */
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "infra/text.h"

/*
 * Decode one UTF-8 sequence at s (len > 0 bytes available).  Returns its
 * length 1..4 with the code point in *cp, or 0 if it is malformed
 * (overlong, surrogate, above U+10FFFF, truncated, stray continuation).
 */
static size_t
utf8_dec(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t	 c = s[0], min;
	size_t		 n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 n;

	while (len > 0) {
		if (*p < 0x80) {
			p++;
			len--;
			continue;
		}
		if ((n = utf8_dec(p, len, &cp)) == 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

size_t
utf8_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* C1 controls, the line and paragraph separators, and the bidi
 * embeddings, overrides and isolates (a U+202E turns "gpj.exe" around). */
static int
is_format_control(uint32_t c)
{

	return (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
	    (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static int
has_control(const char *s, int c0)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), n;
	uint32_t		 c;

	while (len > 0) {
		if ((n = utf8_dec(p, len, &c)) == 0)
			return 1;
		if ((c0 && c < 0x20) || is_format_control(c))
			return 1;
		p += n;
		len -= n;
	}
	return 0;
}

int
utf8_has_control(const char *s)
{

	return has_control(s, 1);
}

int
utf8_has_format_control(const char *s)
{

	return has_control(s, 0);
}

void
name_mask(const char *name, char *out, size_t outsz)
{
	const unsigned char	*p = (const unsigned char *)name;
	size_t			 len, n, first, nch, i, o;
	uint32_t		 cp;

	if (outsz == 0)
		return;
	out[0] = '\0';
	len = name == NULL ? 0 : strlen(name);
	if (len == 0)
		return;
	if (!utf8_valid(name, len)) {
		if (outsz > 1) {
			out[0] = '*';
			out[1] = '\0';
		}
		return;
	}
	nch = utf8_chars(name);
	first = utf8_dec(p, len, &cp);
	o = 0;
	if (nch == 1) {
		if (outsz > 1)
			out[o++] = '*';
		out[o] = '\0';
		return;
	}
	/* First character. */
	if (first + 1 > outsz)
		return;
	memcpy(out, name, first);
	o = first;
	/* One '*' per middle character; at least one. */
	n = nch >= 3 ? nch - 2 : 1;
	for (i = 0; i < n && o + 1 < outsz; i++)
		out[o++] = '*';
	out[o] = '\0';
	if (i < n || nch == 2)
		return;
	/* Last character: back up over continuation bytes. */
	for (i = len - 1; i > 0 && (p[i] & 0xC0) == 0x80; i--)
		continue;
	if (o + (len - i) + 1 > outsz)
		return;
	memcpy(out + o, name + i, len - i);
	out[o + len - i] = '\0';
}

enum conv_mode {
	CONV_STRICT,	/* fail on any bad or unconvertible input */
	CONV_MARK,	/* replace each bad input byte by 0xFF */
	CONV_QMARK	/* replace each unconvertible UTF-8 character by '?' */
};

/*
 * Convert with iconv.  Returns the number of replacements (>= 0) with
 * *out malloc'd and NUL-terminated (caller frees), or -1 with *out = NULL.
 */
static int
conv(const char *to, const char *from, enum conv_mode mode,
    const char *in, size_t inlen, char **out, size_t *outlen)
{
	iconv_t		 cd;
	char		*buf = NULL, *nbuf, *ip, *op;
	size_t		 cap, il, ol, done, skip;
	long		 nrep = 0;
	uint32_t	 cp;

	*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if ((cd = iconv_open(to, from)) == (iconv_t)-1)
		return -1;
	if (inlen > (SIZE_MAX - 16) / 2)
		goto fail;
	cap = inlen + inlen / 2 + 16;
	if ((buf = malloc(cap)) == NULL)
		goto fail;
	ip = (char *)in;
	il = inlen;
	op = buf;
	ol = cap - 1;	/* room for the NUL */
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == E2BIG) {
			done = op - buf;
			if (cap > SIZE_MAX / 2)
				goto fail;
			if ((nbuf = realloc(buf, cap * 2)) == NULL)
				goto fail;
			buf = nbuf;
			cap *= 2;
			op = buf + done;
			ol = cap - 1 - done;
			continue;
		}
		if ((errno != EILSEQ && errno != EINVAL) ||
		    mode == CONV_STRICT)
			goto fail;
		if (ol < 1) {
			/* Make room for the replacement next time round. */
			done = op - buf;
			if ((nbuf = realloc(buf, cap * 2)) == NULL)
				goto fail;
			buf = nbuf;
			cap *= 2;
			op = buf + done;
			ol = cap - 1 - done;
		}
		if (mode == CONV_MARK) {
			*op++ = (char)0xFF;
			skip = 1;
		} else {
			*op++ = '?';
			skip = utf8_dec((unsigned char *)ip, il, &cp);
			if (skip == 0)
				goto fail;
		}
		ol--;
		ip += skip;
		il -= skip;
		if (nrep < INT_MAX)
			nrep++;
		/* Reset any shift state after the bad input. */
		(void)iconv(cd, NULL, NULL, NULL, NULL);
	}
	*op = '\0';
	iconv_close(cd);
	*out = buf;
	if (outlen != NULL)
		*outlen = op - buf;
	return (int)nrep;
fail:
	free(buf);
	iconv_close(cd);
	return -1;
}

int
gbk_to_utf8(const char *in, size_t inlen, char **out, size_t *outlen)
{

	return conv("UTF-8", "GB18030", CONV_STRICT, in, inlen, out, outlen)
	    < 0 ? -1 : 0;
}

int
gbk_to_utf8_marked(const char *in, size_t inlen, char **out,
    size_t *outlen)
{

	return conv("UTF-8", "GB18030", CONV_MARK, in, inlen, out, outlen);
}

int
utf8_to_gbk(const char *in, size_t inlen, char **out, size_t *outlen)
{

	*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (!utf8_valid(in, inlen))
		return -1;
	return conv("GBK", "UTF-8", CONV_QMARK, in, inlen, out, outlen);
}

int
utf8_to_gb18030(const char *in, size_t inlen, char **out, size_t *outlen)
{

	*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (!utf8_valid(in, inlen))
		return -1;
	/* Every code point has a GB18030 form: strict never replaces. */
	return conv("GB18030", "UTF-8", CONV_STRICT, in, inlen, out, outlen)
	    < 0 ? -1 : 0;
}

enum text_enc
text_detect(const char *buf, size_t len, size_t *skip)
{
	char	*tmp;

	if (skip != NULL)
		*skip = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		if (skip != NULL)
			*skip = 3;
		return TEXT_UTF8;
	}
	if (utf8_valid(buf, len))
		return TEXT_UTF8;
	if (gbk_to_utf8(buf, len, &tmp, NULL) == 0) {
		free(tmp);
		return TEXT_GBK;
	}
	return TEXT_UNKNOWN;
}
