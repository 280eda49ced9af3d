/*
 * weixin.c - WeChat sign-in (网页授权, snsapi_base): configuration, the
 * session-bound state, the openid's hash, the code exchange and the
 * openid's bookings.  See weixin.h; the pages are in student.c
 * (/weixin/login, /weixin/callback), the sandbox authorisation server in
 * wxsandbox.c (bank.fcgi).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "infra/config.h"
#include "infra/db.h"
#include "infra/httpc.h"
#include "infra/log.h"
#include "domain/weixin.h"

#define WX_AUTHORIZE	"https://open.weixin.qq.com/connect/oauth2/authorize"
#define WX_TOKEN	"https://api.weixin.qq.com/sns/oauth2/access_token"

enum stmt {
	STMT_BOOKING_OF,
	STMT_BIND,
	STMT_BOUND,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_BOOKING_OF: the openid's latest booking */
	"SELECT id, task_id, student_id, "
	"state IN ('held','booked','checked_in','collected') FROM booking "
	"WHERE wx_openid = UNHEX(?) ORDER BY id DESC LIMIT 1",
	/* STMT_BIND: a booking gets the openid once; never another's */
	"UPDATE booking SET wx_openid = UNHEX(?) WHERE id = ? "
	"AND wx_openid IS NULL",
	/* STMT_BOUND */
	"SELECT 1 FROM booking WHERE id = ? AND wx_openid = UNHEX(?)",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("weixin", stmts);

/* --- configuration ---------------------------------------------------- */

/* Letters and digits only, 1 to max characters. */
static int
alnum(const char *s, size_t max)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	return i > 0 && i <= max;
}

int
wx_enabled(void)
{

	return *conf_str("Weixin.AppId", "") != '\0' &&
	    *conf_str("Weixin.Secret", "") != '\0';
}

/* A URL the programs may call or send a browser to: http(s), and in
 * production https. */
static int
url_ok(const char *key, const char *url, int production)
{

	if (strncmp(url, "https://", 8) == 0)
		return 1;
	if (!production && strncmp(url, "http://", 7) == 0)
		return 1;
	log_warn("%s %s: %s", key, url, production ?
	    "must be an https:// URL on a production site" :
	    "must be an http(s):// URL");
	return 0;
}

int
wx_check_config(void)
{
	const char	*authz = conf_str("Weixin.AuthorizeUrl", WX_AUTHORIZE);
	const char	*token = conf_str("Weixin.TokenUrl", WX_TOKEN);
	int		 prod = conf_int("Site.Production", 0) == 1;

	if (*conf_str("Weixin.AppId", "") == '\0') {
		if (*conf_str("Weixin.Secret", "") != '\0')
			log_warn("Weixin.Secret without Weixin.AppId: "
			    "WeChat sign-in stays off");
		return 0;
	}
	if (!alnum(conf_str("Weixin.AppId", ""), 32) ||
	    !alnum(conf_str("Weixin.Secret", ""), 64)) {
		log_warn("Weixin.AppId and Weixin.Secret: letters and digits "
		    "as the official account's settings show them (tucai.hdf(5)); "
		    "not starting");
		return -1;
	}
	if (strlen(conf_str("Weixin.IdKey", "")) < 32) {
		log_warn("Weixin.IdKey is missing or shorter than 32 "
		    "characters (tucai.hdf(5)): not starting");
		return -1;
	}
	if (!url_ok("Weixin.AuthorizeUrl", authz, prod) ||
	    !url_ok("Weixin.TokenUrl", token, prod) ||
	    !url_ok("Site.Url", conf_str("Site.Url", ""), prod))
		return -1;
	if (prod && (strstr(authz, "/weixin-sandbox/") != NULL ||
	    strstr(token, "/weixin-sandbox/") != NULL)) {
		log_warn("Weixin URLs name the sandbox with Site.Production "
		    "= 1: the sandbox signs anyone in; not starting");
		return -1;
	}
	return 0;
}

int
wx_in_wechat(const char *ua)
{

	return ua != NULL && strstr(ua, "MicroMessenger") != NULL &&
	    strstr(ua, "wxwork") == NULL;
}

/* A key from configuration: hex-decoded, or its bytes when not hex.
 * Returns its length. */
static size_t
conf_key(const char *name, unsigned char *key, size_t keysz)
{
	const char	*s = conf_str(name, "");
	size_t		 len = 0;

	if (*s == '\0')
		return 0;
	if (sodium_hex2bin(key, keysz, s, strlen(s), NULL, &len, NULL) == 0 &&
	    len > 0 && len * 2 == strlen(s))
		return len;
	len = strlen(s) < keysz ? strlen(s) : keysz;
	memcpy(key, s, len);
	return len;
}

/* --- the openid's hash -------------------------------------------------- */

void
wx_hash_with(const unsigned char *key, size_t klen, const char *appid,
    const char *openid, char out[WX_HASH_HEX + 1])
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 mac[32];

	/* The AppId is part of it: openids are per 公众号. */
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"openid\n",
	    7);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)appid,
	    strlen(appid) + 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)openid,
	    strlen(openid));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, WX_HASH_HEX + 1, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

void
wx_openid_hash(const char *openid, char out[WX_HASH_HEX + 1])
{
	unsigned char	 key[128];
	size_t		 klen = conf_key("Weixin.IdKey", key, sizeof(key));

	wx_hash_with(key, klen, conf_str("Weixin.AppId", ""), openid, out);
	sodium_memzero(key, sizeof(key));
}

/* --- the state ---------------------------------------------------------- */

/* The MAC part of a state: 16 bytes of HMAC-SHA256(key, "wxstate\n" skey
 * ts next), hex. */
static void
state_mac(const unsigned char *key, size_t klen, const unsigned char skey[32],
    const char head[12], char hex[33])
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 mac[32];

	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"wxstate\n",
	    8);
	crypto_auth_hmacsha256_update(&st, skey, 32);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)head, 11);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, 33, mac, 16);
	sodium_memzero(&st, sizeof(st));
}

void
wx_state_with(const unsigned char *key, size_t klen,
    const unsigned char skey[32], time_t now, int next,
    char out[WX_STATE_LEN + 1])
{
	char	 head[32];

	snprintf(head, sizeof(head), "%010lld%d",
	    (long long)now % 10000000000LL, next < 0 || next > 9 ? 0 : next);
	head[11] = '\0';
	memcpy(out, head, 11);
	state_mac(key, klen, skey, head, out + 11);
}

int
wx_state_check_with(const unsigned char *key, size_t klen,
    const unsigned char skey[32], const char *state, time_t now, int *next)
{
	char		 head[12], want[33];
	long long	 t = 0;
	size_t		 i;

	*next = 0;
	if (state == NULL || strlen(state) != WX_STATE_LEN ||
	    strspn(state, "0123456789") < 11 ||
	    strspn(state + 11, "0123456789abcdef") != 32)
		return -1;
	memcpy(head, state, 11);
	head[11] = '\0';
	state_mac(key, klen, skey, head, want);
	if (sodium_memcmp(want, state + 11, 32) != 0)
		return -1;
	for (i = 0; i < 10; i++)
		t = t * 10 + (head[i] - '0');
	if (t > (long long)now + 60 || t < (long long)now - WX_STATE_TTL)
		return -2;
	*next = head[10] - '0';
	return 0;
}

void
wx_state_make(const unsigned char skey[32], time_t now, int next,
    char out[WX_STATE_LEN + 1])
{
	const char	*k = conf_str("Site.FormKey", "");

	wx_state_with((const unsigned char *)k, strlen(k), skey, now, next,
	    out);
}

int
wx_state_check(const unsigned char skey[32], const char *state, time_t now,
    int *next)
{
	const char	*k = conf_str("Site.FormKey", "");

	return wx_state_check_with((const unsigned char *)k, strlen(k), skey,
	    state, now, next);
}

/* --- URLs --------------------------------------------------------------- */

/* Append s percent-encoded (RFC 3986 unreserved kept) at out + *o.
 * 0, or -1 when it does not fit. */
static int
pct(const char *s, char *out, size_t outsz, size_t *o)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (*o + 4 > outsz)
			return -1;
		if (isalnum(c) || strchr("-._~", c) != NULL) {
			out[(*o)++] = (char)c;
			continue;
		}
		out[(*o)++] = '%';
		out[(*o)++] = hex[c >> 4];
		out[(*o)++] = hex[c & 15];
	}
	out[*o] = '\0';
	return 0;
}

/* Append the literal s.  0 or -1. */
static int
lit(const char *s, char *out, size_t outsz, size_t *o)
{
	size_t	 n = strlen(s);

	if (*o + n + 1 > outsz)
		return -1;
	memcpy(out + *o, s, n + 1);
	*o += n;
	return 0;
}

int
wx_authorize_url(const char *state, char *out, size_t outsz)
{
	char	 back[512];
	size_t	 o = 0;
	int	 n;

	n = snprintf(back, sizeof(back), "%s/weixin/callback",
	    conf_str("Site.Url", ""));
	if (n < 0 || (size_t)n >= sizeof(back))
		return -1;
	/* #wechat_redirect: WeChat's page wants it at the end. */
	if (lit(conf_str("Weixin.AuthorizeUrl", WX_AUTHORIZE), out, outsz,
	    &o) != 0 || lit("?appid=", out, outsz, &o) != 0 ||
	    pct(conf_str("Weixin.AppId", ""), out, outsz, &o) != 0 ||
	    lit("&redirect_uri=", out, outsz, &o) != 0 ||
	    pct(back, out, outsz, &o) != 0 ||
	    lit("&response_type=code&scope=snsapi_base&state=", out, outsz,
	    &o) != 0 || pct(state, out, outsz, &o) != 0 ||
	    lit("#wechat_redirect", out, outsz, &o) != 0)
		return -1;
	return 0;
}

/* --- the exchange ------------------------------------------------------- */

/* An openid as WeChat writes them: [A-Za-z0-9_-], 1..WX_OPENID_MAX. */
static int
openid_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n > 0 && n <= WX_OPENID_MAX &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") == n;
}

enum wx_outcome
wx_parse_token(const char *text, size_t len, char openid[WX_OPENID_MAX + 1],
    long long *errcode)
{
	json_t		*root, *v;
	json_error_t	 jerr;
	enum wx_outcome	 out = WX_NETWORK;
	const char	*s;

	openid[0] = '\0';
	*errcode = 0;
	if (text == NULL || (root = json_loadb(text, len,
	    JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return WX_NETWORK;
	if (!json_is_object(root))
		goto done;
	v = json_object_get(root, "errcode");
	if (v != NULL && json_is_integer(v) && json_integer_value(v) != 0) {
		*errcode = json_integer_value(v);
		switch (*errcode) {
		case 40029:	/* invalid code */
		case 40163:	/* code been used */
		case 42003:	/* code expired */
		case 41008:	/* missing code */
			out = WX_CODE;
			break;
		case 40001:	/* invalid credential */
		case 40013:	/* invalid appid */
		case 40125:	/* invalid appsecret */
		case 40164:	/* address not in the IP whitelist */
		case 41002:	/* missing appid */
		case 41004:	/* missing secret */
			out = WX_CONFIG;
			break;
		default:	/* -1 system busy, and what is not known */
			out = WX_NETWORK;
		}
		goto done;
	}
	if (v != NULL && !json_is_integer(v))
		goto done;
	v = json_object_get(root, "is_snapshotuser");
	if (v != NULL && json_is_integer(v) && json_integer_value(v) == 1) {
		out = WX_SNAPSHOT;
		goto done;
	}
	v = json_object_get(root, "openid");
	if (v == NULL || !json_is_string(v) ||
	    !openid_ok(s = json_string_value(v)))
		goto done;
	snprintf(openid, WX_OPENID_MAX + 1, "%s", s);
	out = WX_OK;
done:
	json_decref(root);
	return out;
}

enum wx_outcome
wx_exchange(const char *code, char openid[WX_OPENID_MAX + 1])
{
	char		 url[1024], resp[4096];
	struct httpc_buf b = { resp, 0, sizeof(resp), 0 };
	size_t		 o = 0;
	long		 status;
	long long	 errcode = 0;
	enum wx_outcome	 out;

	openid[0] = '\0';
	if (lit(conf_str("Weixin.TokenUrl", WX_TOKEN), url, sizeof(url),
	    &o) != 0 || lit("?appid=", url, sizeof(url), &o) != 0 ||
	    pct(conf_str("Weixin.AppId", ""), url, sizeof(url), &o) != 0 ||
	    lit("&secret=", url, sizeof(url), &o) != 0 ||
	    pct(conf_str("Weixin.Secret", ""), url, sizeof(url), &o) != 0 ||
	    lit("&code=", url, sizeof(url), &o) != 0 ||
	    pct(code, url, sizeof(url), &o) != 0 ||
	    lit("&grant_type=authorization_code", url, sizeof(url),
	    &o) != 0) {
		sodium_memzero(url, sizeof(url));
		return WX_NETWORK;
	}
	status = httpc_get(url, &b);
	sodium_memzero(url, sizeof(url));
	if (status != 200) {
		if (status > 0)
			log_warn("weixin: token endpoint answered HTTP %ld",
			    status);
		return WX_NETWORK;
	}
	out = wx_parse_token(resp, b.len, openid, &errcode);
	/* The answer holds an access token: wiped, never logged. */
	sodium_memzero(resp, sizeof(resp));
	switch (out) {
	case WX_OK:
		break;
	case WX_CONFIG:
		log_warn("weixin: the token endpoint refused the official account's "
		    "credentials or this server's address (errcode %lld): "
		    "check Weixin.AppId, Weixin.Secret and the IP whitelist",
		    errcode);
		break;
	case WX_SNAPSHOT:
		log_info("weixin: sign-in from a snapshot page (virtual openid) "
		    "refused");
		break;
	default:
		log_info("weixin: sign-in exchange failed (errcode %lld)",
		    errcode);
	}
	return out;
}

/* --- the openid's bookings ---------------------------------------------- */

int
wx_booking_of(const char *hash, long long *task_id, long long *student_id,
    int *active)
{
	long long	 id, act = 0;
	int		 rc;

	*task_id = *student_id = 0;
	*active = 0;
	rc = db_one(&set, STMT_BOOKING_OF, "s", "iiii", hash, &id, task_id,
	    student_id, &act);
	if (rc == 1)
		*active = act != 0;
	return rc;
}

int
wx_bind(long long booking_id, const char *hash)
{

	return db_exec(&set, STMT_BIND, "si", hash, booking_id);
}

int
wx_bound(long long booking_id, const char *hash)
{
	long long	 one;

	return db_one(&set, STMT_BOUND, "is", "i", booking_id, hash, &one);
}
