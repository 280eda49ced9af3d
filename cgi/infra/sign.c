/*
 * sign.c - signed server-to-server requests (sign.h): HMAC-SHA256 under
 * Pay.Secret over the timestamp and a canonical form body, and reading a
 * form body back.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ClearSilver.h>
#include <sodium.h>

#include "infra/config.h"
#include "infra/sign.h"

/* The shared key: Pay.Secret hex-decoded (or its bytes when not hex).
 * Returns the key length, 0 when none is configured. */
static size_t
secret(unsigned char *key, size_t keysz)
{
	const char	*s = conf_str("Pay.Secret", "");
	size_t		 len = 0;

	if (*s == '\0')
		return 0;
	if (sodium_hex2bin(key, keysz, s, strlen(s), NULL, &len, NULL) == 0 &&
	    len > 0)
		return len;
	len = strlen(s) < keysz ? strlen(s) : keysz;
	memcpy(key, s, len);
	return len;
}

void
sign_make(const char *ts, const char *body, char sig[65])
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 key[128], mac[32];
	size_t				 klen = secret(key, sizeof(key));

	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts,
	    strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body,
	    strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(sig, 65, mac, sizeof(mac));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&st, sizeof(st));
}

int
sign_check(const char *ts, const char *body, const char *sig)
{
	unsigned char	 key[128];
	char		 want[65];
	/* The wall clock, not clock_now(): freshness of a signature is a
	 * matter of the wire, and a provider signs with its real time. */
	long long	 t = 0, now = (long long)time(NULL);
	size_t		 i;

	if (ts == NULL || body == NULL || sig == NULL ||
	    strlen(sig) != 64 || *ts == '\0' || strlen(ts) > 12)
		return -1;
	for (i = 0; ts[i] != '\0'; i++) {
		if (!isdigit((unsigned char)ts[i]))
			return -1;
		t = t * 10 + (ts[i] - '0');
	}
	if (t < now - SIGN_WINDOW || t > now + SIGN_WINDOW)
		return -1;
	if (secret(key, sizeof(key)) == 0)
		return -1;
	sodium_memzero(key, sizeof(key));
	sign_make(ts, body, want);
	return sodium_memcmp(want, sig, 64) == 0 ? 0 : -1;
}

/* Append s percent-encoded (RFC 3986 unreserved kept). */
static NEOERR *
pct(STRING *out, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	NEOERR			*err = STATUS_OK;
	unsigned char		 c;

	for (; *s != '\0' && err == STATUS_OK; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			err = string_append_char(out, (char)c);
		else if ((err = string_append_char(out, '%')) == STATUS_OK &&
		    (err = string_append_char(out, hex[c >> 4])) == STATUS_OK)
			err = string_append_char(out, hex[c & 15]);
	}
	return err;
}

static int
kv_cmp(const void *a, const void *b)
{
	const struct sign_kv	*x = *(const struct sign_kv *const *)a;
	const struct sign_kv	*y = *(const struct sign_kv *const *)b;

	return strcmp(x->k, y->k);
}

char *
sign_canon(const struct sign_kv *kv, size_t n)
{
	const struct sign_kv	**p;
	STRING			  s;
	NEOERR			 *err = STATUS_OK;
	size_t			  i, used = 0;

	if ((p = calloc(n + 1, sizeof(*p))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		p[i] = &kv[i];
	qsort(p, n, sizeof(*p), kv_cmp);
	string_init(&s);
	for (i = 0; i < n && err == STATUS_OK; i++) {
		if (p[i]->v == NULL || p[i]->v[0] == '\0')
			continue;
		if (used++ > 0)
			err = string_append_char(&s, '&');
		if (err == STATUS_OK && (err = pct(&s, p[i]->k)) == STATUS_OK &&
		    (err = string_append_char(&s, '=')) == STATUS_OK)
			err = pct(&s, p[i]->v);
	}
	free(p);
	if (err != STATUS_OK) {
		nerr_ignore(&err);
		string_clear(&s);
		return NULL;
	}
	return s.buf != NULL ? s.buf : strdup("");
}

/* Decode %XX and '+' of src[0..len) into out.  0 ok, -1 too long/bad. */
static int
form_decode(const char *src, size_t len, char *out, size_t outsz)
{
	size_t		 i, o = 0;
	unsigned int	 x;

	for (i = 0; i < len; i++) {
		if (o + 1 >= outsz)
			return -1;
		if (src[i] == '+')
			out[o++] = ' ';
		else if (src[i] == '%' && i + 2 < len &&
		    isxdigit((unsigned char)src[i + 1]) &&
		    isxdigit((unsigned char)src[i + 2]) &&
		    sscanf(src + i + 1, "%2x", &x) == 1) {
			out[o++] = (char)x;
			i += 2;
		} else
			out[o++] = src[i];
	}
	out[o] = '\0';
	return 0;
}

int
sign_form_get(const char *form, const char *key, char *out, size_t outsz)
{
	const char	*p = form, *amp, *eq;
	size_t		 klen = strlen(key);

	while (p != NULL && *p != '\0') {
		amp = strchr(p, '&');
		eq = strchr(p, '=');
		if (eq != NULL && (amp == NULL || eq < amp) &&
		    (size_t)(eq - p) == klen && strncmp(p, key, klen) == 0)
			return form_decode(eq + 1, amp ? (size_t)(amp - eq - 1) :
			    strlen(eq + 1), out, outsz);
		p = amp ? amp + 1 : NULL;
	}
	return -1;
}

