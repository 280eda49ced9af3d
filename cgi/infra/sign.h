/*
 * sign.h - signed server-to-server requests: the notification a provider
 * posts to /pay/notify, tucai's calls to the provider, the bank's outbox.
 */
#ifndef TUCAI_SIGN_H
#define TUCAI_SIGN_H

#include <stddef.h>

/* Sign / verify "ts\n" + canonical body with Pay.Secret.  sig is hex.
 * sign_check returns 0 when valid and fresh (|now - ts| <= 300 s), -1 when
 * not (bad or missing signature, timestamp malformed or out of window,
 * no secret configured).  The comparison is constant-time. */
#define SIGN_WINDOW	300
void	 sign_make(const char *ts, const char *body, char sig[65]);
int	 sign_check(const char *ts, const char *body, const char *sig);

/*
 * Canonical body: the fields sorted by name (bytewise), empty values left
 * out, each "name=value" with both percent-encoded (RFC 3986 unreserved
 * characters kept, %XX upper case), joined by '&'.  It is also a valid
 * application/x-www-form-urlencoded body: the sender posts it as is.
 * Returns a malloc'd string (caller frees), or NULL when out of memory.
 */
struct sign_kv {
	const char	*k;
	const char	*v;	/* NULL or "" = left out */
};
char	*sign_canon(const struct sign_kv *, size_t n);

/* Find key in an x-www-form-urlencoded string and decode its value into
 * out.  Returns 0 found, -1 not found or too long. */
int	 sign_form_get(const char *form, const char *key, char *out,
	    size_t outsz);


#endif
