/*
 * csrf.c - the CSRF token of a session: base64url(HMAC-SHA256(Site.FormKey,
 * "csrf" || session key)), checked on every POST but the PG_NOCSRF pages
 * (signed notifications), in constant time.
 */
#include <string.h>

#include <ClearSilver.h>
#include <sodium.h>

#include "infra/config.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "http/web.h"
#include "http/http.h"

/* The CSRF token of the session key: base64url(HMAC-SHA256(secret, key)). */
void
csrf_derive(const unsigned char key[32], char out[44])
{
	unsigned char	 mac[crypto_auth_hmacsha256_BYTES];
	const char	*secret = conf_str("Site.FormKey", "");

	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
	    strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf", 4);
	crypto_auth_hmacsha256_update(&st, key, 32);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(out, 44, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
csrf_check(struct req *r)
{
	const char	*csrf;

	if (r->method != M_POST || (r->page->flags & PG_NOCSRF))
		return 0;
	csrf = hdf_get_value(r->hdf, "Query.csrf", NULL);
	if (!r->s.token || csrf == NULL || strlen(csrf) != 43 ||
	    sodium_memcmp(csrf, r->s.csrf, 43) != 0) {
		log_info("%s %s: CSRF check failed", r->app->name, r->path);
		r->err = L("Lang.Http.CsrfExpired");
		return 403;
	}
	return 0;
}
