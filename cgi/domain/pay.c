/*
 * pay.c - payments: signing, the provider table (sandbox over libcurl) and
 * the payment records (see pay.h).
 *
 * Every state change is a conditional UPDATE keyed by our order ref
 * ("... WHERE ref = ? AND state = 'created'"), so a repeated or concurrent
 * notification, capture or void changes a payment at most once.  Provider
 * calls are made outside transactions; the bank side is idempotent by
 * order ref, so a call repeated after a crash is harmless.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ClearSilver.h>
#include <curl/curl.h>
#include <sodium.h>

#include "domain/audit.h"
#include "domain/booking.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/log.h"
#include "domain/pay.h"
#include "infra/text.h"
#include "infra/util.h"
#include "http/web.h"

enum stmt {
	STMT_BOOKING_LOCK,
	STMT_PAY_BOOKING,
	STMT_PAID,
	STMT_OPEN,
	STMT_NEW,
	STMT_STALE,
	STMT_EVENT,
	STMT_PAY_LOCK,
	STMT_OTHER_PAID,
	STMT_TO_AUTHORIZED,
	STMT_TO_FAILED,
	STMT_TO_CAPTURED,
	STMT_TO_VOIDED,
	STMT_TO_LAPSED,
	STMT_CAPTURABLE,
	STMT_VOIDABLE,
	STMT_ONSITE_NEW,
	STMT_STATUS,
	STMT_UNHEARD,
	STMT_VOID_OTHERS,
	STMT_ORDER_STATE,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_BOOKING_LOCK: the booking, its fee and school (row locked);
	 * again: asked to confirm its hold again, or 到场支付 */
	"SELECT b.state, t.fee_fen, t.title, t.school_id, "
	"b.reauth_by IS NOT NULL OR b.pay_onsite = 1 FROM booking b "
	"JOIN task t ON t.id = b.task_id WHERE b.id = ? FOR UPDATE",
	/* STMT_PAY_BOOKING: the booking an order belongs to (no lock: the
	 * booking's row lock is taken before the payment's) */
	"SELECT booking_id FROM payment WHERE ref = ?",
	/* STMT_PAID: payments that already cover the booking */
	"SELECT COUNT(*) FROM payment WHERE booking_id = ? "
	"AND state IN ('authorized', 'captured', 'onsite')",
	/* STMT_OPEN: the open order of the booking, for the same amount */
	"SELECT ref FROM payment WHERE booking_id = ? AND state = 'created' "
	"AND amount_fen = ? ORDER BY id DESC LIMIT 1",
	/* STMT_NEW */
	"INSERT INTO payment (booking_id, provider, ref, amount_fen, state) "
	"VALUES (?, ?, ?, ?, 'created')",
	/* STMT_STALE: an open order the provider has decided without telling */
	"UPDATE payment SET state = 'failed', failure = 'stale', "
	"updated_at = UTC_TIMESTAMP() WHERE ref = ? AND state = 'created'",
	/* STMT_EVENT: deduplication by the provider's event id */
	"INSERT INTO payment_event (payment_id, event_id, kind, body) "
	"VALUES (?, ?, ?, ?)",
	/* STMT_PAY_LOCK */
	"SELECT id, booking_id, amount_fen FROM payment WHERE ref = ? "
	"FOR UPDATE",
	/* STMT_OTHER_PAID: another payment already covers the booking */
	"SELECT COUNT(*) FROM payment WHERE booking_id = ? AND id <> ? "
	"AND state IN ('authorized', 'captured', 'onsite')",
	/* STMT_TO_AUTHORIZED */
	"UPDATE payment SET state = 'authorized', "
	"hold_expires_at = UTC_TIMESTAMP() + INTERVAL ? DAY, "
	"updated_at = UTC_TIMESTAMP() WHERE id = ? AND state = 'created'",
	/* STMT_TO_FAILED */
	"UPDATE payment SET state = 'failed', failure = ?, "
	"updated_at = UTC_TIMESTAMP() WHERE id = ? AND state = 'created'",
	/* STMT_TO_CAPTURED: the provider is the authority on money taken,
	 * also when the sweep lapsed the hold while the capture was on its
	 * way */
	"UPDATE payment SET state = 'captured', updated_at = UTC_TIMESTAMP() "
	"WHERE ref = ? AND state IN ('authorized', 'lapsed')",
	/* STMT_TO_VOIDED */
	"UPDATE payment SET state = 'voided', updated_at = UTC_TIMESTAMP() "
	"WHERE ref = ? AND state IN ('created', 'authorized')",
	/* STMT_TO_LAPSED */
	"UPDATE payment SET state = 'lapsed', updated_at = UTC_TIMESTAMP() "
	"WHERE ref = ? AND state = 'authorized'",
	/* STMT_CAPTURABLE: the hold to capture (or the captured one) */
	"SELECT ref, amount_fen, state, "
	"COALESCE(hold_expires_at < UTC_TIMESTAMP(), 0) FROM payment "
	"WHERE booking_id = ? AND state IN ('authorized', 'captured') "
	"ORDER BY state = 'captured' DESC, id DESC LIMIT 1",
	/* STMT_VOIDABLE: open orders and holds of the booking */
	"SELECT ref FROM payment WHERE booking_id = ? "
	"AND state IN ('created', 'authorized') ORDER BY id",
	/* STMT_ONSITE_NEW */
	"INSERT INTO payment (booking_id, provider, ref, amount_fen, state, "
	"method) VALUES (?, 'onsite', ?, ?, 'onsite', ?)",
	/* STMT_STATUS: the latest payment of the booking */
	"SELECT state, amount_fen, COALESCE(failure, '') FROM payment "
	"WHERE booking_id = ? ORDER BY id DESC LIMIT 1",
	/* STMT_UNHEARD: open orders we have not heard about for a while */
	"SELECT ref FROM payment WHERE state = 'created' AND "
	"created_at < UTC_TIMESTAMP() - INTERVAL 2 MINUTE AND "
	"created_at > UTC_TIMESTAMP() - INTERVAL 1 DAY ORDER BY id LIMIT 200",
	/* STMT_VOID_OTHERS: the booking's older holds and orders, once a
	 * new hold (the confirmation again) replaced them */
	"SELECT ref FROM payment WHERE booking_id = ? AND ref <> ? "
	"AND state IN ('created', 'authorized') ORDER BY id",
	/* STMT_ORDER_STATE: an order's state and its booking's, nothing else */
	"SELECT p.state, b.state FROM payment p JOIN booking b "
	"ON b.id = p.booking_id WHERE p.ref = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("pay", stmts);

/* --- signing ------------------------------------------------------- */

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
pay_sign(const char *ts, const char *body, char sig[65])
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
pay_verify(const char *ts, const char *body, const char *sig)
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
	if (t < now - PAY_WINDOW || t > now + PAY_WINDOW)
		return -1;
	if (secret(key, sizeof(key)) == 0)
		return -1;
	sodium_memzero(key, sizeof(key));
	pay_sign(ts, body, want);
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
	const struct pay_kv	*x = *(const struct pay_kv *const *)a;
	const struct pay_kv	*y = *(const struct pay_kv *const *)b;

	return strcmp(x->k, y->k);
}

char *
pay_canon(const struct pay_kv *kv, size_t n)
{
	const struct pay_kv	**p;
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

int
pay_verify_req(struct req *r, char *body, size_t bodysz)
{
	struct pay_kv	 kv[WEB_MAXFIELDS];
	HDF		*q, *c;
	const char	*ts, *sig;
	char		*canon;
	size_t		 n = 0;
	int		 rc;

	if (body != NULL && bodysz > 0)
		body[0] = '\0';
	q = hdf_get_obj(r->hdf, "Query");
	for (c = q ? hdf_obj_child(q) : NULL; c != NULL; c = hdf_obj_next(c)) {
		if (n == WEB_MAXFIELDS)
			return -1;
		kv[n].k = hdf_obj_name(c);
		kv[n].v = hdf_obj_value(c);
		n++;
	}
	if ((canon = pay_canon(kv, n)) == NULL)
		return -1;
	ts = web_header(r, "HTTP_X_TUCAI_TIMESTAMP");
	sig = web_header(r, "HTTP_X_TUCAI_SIGNATURE");
	rc = pay_verify(ts, canon, sig);
	if (rc != 0)
		log_info("%s %s: bad or stale signature refused",
		    r->app->name, r->path);
	if (body != NULL && bodysz > 0)
		snprintf(body, bodysz, "%s", canon);
	free(canon);
	return rc;
}

/* --- order references ------------------------------------------------ */

/* The tag of an order reference's random part: HMAC-SHA256 under
 * Site.FormKey, 4 bytes as hex. */
static void
ref_tag(const char *rnd, char tag[9])
{
	crypto_auth_hmacsha256_state	 st;
	const char			*key = conf_str("Site.FormKey", "");
	unsigned char			 mac[32];

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key,
	    strlen(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"order:", 6);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)rnd, 24);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(tag, 9, mac, 4);
	sodium_memzero(&st, sizeof(st));
}

void
pay_new_ref(char ref[33])
{

	util_token_hex(ref, 12);
	ref_tag(ref, ref + 24);
}

int
pay_ref_signed(const char *ref)
{
	char	 tag[9];
	size_t	 i;

	if (ref == NULL || strlen(ref) != 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)ref[i]))
			return 0;
	ref_tag(ref, tag);
	return sodium_memcmp(tag, ref + 24, 8) == 0;
}

int
pay_order_state(const char *ref, char *pstate, size_t psz, char *bstate,
    size_t bsz)
{

	if (!pay_ref_signed(ref))
		return 0;
	return db_one(&set, STMT_ORDER_STATE, "s", "ss", ref, pstate, psz,
	    bstate, bsz);
}

/* --- HTTP client ------------------------------------------------------ */

struct buf {
	char	*p;
	size_t	 len, cap;
	size_t	 grow;	/* grow p up to this many bytes (0: fixed) */
};

static size_t
on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf	*b = arg;
	size_t		 n = size * nmemb, take, cap;
	char		*np;

	if (b->grow > 0 && b->len + n + 1 > b->cap) {
		if (b->len + n + 1 > b->grow)
			return 0;	/* too big: curl stops with an error */
		for (cap = b->cap ? b->cap : 65536; cap < b->len + n + 1;)
			cap *= 2;
		if (cap > b->grow)
			cap = b->grow;
		if ((np = realloc(b->p, cap)) == NULL)
			return 0;
		b->p = np;
		b->cap = cap;
	}
	if (b->p == NULL || b->cap == 0)
		return n;
	take = b->len + n < b->cap - 1 ? n : b->cap - 1 - b->len;
	memcpy(b->p + b->len, data, take);
	b->len += take;
	b->p[b->len] = '\0';
	return n;
}

/* POST body, signed, to url; the answer into b.  Returns the status or
 * -1 (logged). */
static long
post_into(const char *url, const char *body, struct buf *bp)
{
	static int		 inited;
	CURL			*c;
	struct curl_slist	*h = NULL;
	struct buf		 b = *bp;
	char			 ts[24], sig[65], line[128];
	long			 status = -1;
	CURLcode		 cc;

	if (!inited && curl_global_init(CURL_GLOBAL_DEFAULT) == 0)
		inited = 1;
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	pay_sign(ts, body, sig);
	if ((c = curl_easy_init()) == NULL)
		return -1;
	h = curl_slist_append(h,
	    "Content-Type: application/x-www-form-urlencoded");
	snprintf(line, sizeof(line), "X-Tucai-Timestamp: %s", ts);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "X-Tucai-Signature: %s", sig);
	h = curl_slist_append(h, line);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* Short: a student's request waits for this call, and the bank's
	 * deliverer retries a notification that timed out. */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 3L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if ((cc = curl_easy_perform(c)) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else
		log_warn("pay: POST %s: %s", url, curl_easy_strerror(cc));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	*bp = b;
	return status;
}

long
pay_post_body(const char *url, const char *body, char *resp, size_t respsz)
{
	struct buf	 b = { resp, 0, respsz, 0 };

	if (resp != NULL && respsz > 0)
		resp[0] = '\0';
	return post_into(url, body, &b);
}

long
pay_post(const char *url, const struct pay_kv *kv, size_t n, char *resp,
    size_t respsz)
{
	char	*body;
	long	 status;

	if (resp != NULL && respsz > 0)
		resp[0] = '\0';
	if ((body = pay_canon(kv, n)) == NULL)
		return -1;
	status = pay_post_body(url, body, resp, respsz);
	free(body);
	return status;
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
pay_form_get(const char *form, const char *key, char *out, size_t outsz)
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

/* --- the sandbox provider (bank.fcgi) -------------------------------- */

/* POST to Pay.ApiUrl + "/" + op.  Returns the HTTP status or -1. */
static long
sb_call(const char *op, const struct pay_kv *kv, size_t n, char *resp,
    size_t respsz)
{
	char	 url[512];

	snprintf(url, sizeof(url), "%s/%s",
	    conf_str("Pay.ApiUrl", "http://127.0.0.1:8080/bank/api"), op);
	return pay_post(url, kv, n, resp, respsz);
}

static int
sb_authorize(const char *ref, long long amount_fen, const char *desc,
    char *url, size_t urlsz)
{
	char		 amount[24], resp[256], token[80];
	struct pay_kv	 kv[] = { { "order_ref", ref }, { "amount_fen", amount },
	    { "desc", desc } };
	long		 st;
	int		 n;

	snprintf(amount, sizeof(amount), "%lld", amount_fen);
	st = sb_call("authorize", kv, 3, resp, sizeof(resp));
	if (st == 409)
		return 1;
	if (st != 200 || pay_form_get(resp, "token", token, sizeof(token)))
		return -1;
	n = snprintf(url, urlsz, "%s?t=%s", conf_str("Pay.GatewayUrl",
	    "http://127.0.0.1:8080/bank/pay"), token);
	return n < 0 || (size_t)n >= urlsz ? -1 : 0;
}

static int
sb_capture(const char *ref, long long amount_fen)
{
	char		 amount[24];
	struct pay_kv	 kv[] = { { "order_ref", ref }, { "amount_fen", amount } };
	long		 st;

	snprintf(amount, sizeof(amount), "%lld", amount_fen);
	st = sb_call("capture", kv, 2, NULL, 0);
	return st == 200 ? 0 : st == 409 ? 1 : -1;
}

/* The statement: POST .../statement (day or all); at most 64 MB. */
static int
sb_statement(const char *day, char **text, size_t *len)
{
	struct pay_kv	 kv[] = { { "day", day != NULL ? day : "" } };
	struct buf	 b = { NULL, 0, 0, (size_t)64 << 20 };
	char		 url[512], *body;
	long		 st;

	*text = NULL;
	*len = 0;
	snprintf(url, sizeof(url), "%s/statement",
	    conf_str("Pay.ApiUrl", "http://127.0.0.1:8080/bank/api"));
	if ((body = pay_canon(kv, 1)) == NULL)
		return -1;
	st = post_into(url, body, &b);
	free(body);
	if (st != 200) {
		free(b.p);
		return -1;
	}
	if (b.p == NULL && (b.p = strdup("")) == NULL)
		return -1;
	*text = b.p;
	*len = b.len;
	return 0;
}

static int
sb_cancel(const char *ref)
{
	struct pay_kv	 kv[] = { { "order_ref", ref } };
	long		 st;

	/* 404: the bank never saw the order, so nothing is held. */
	st = sb_call("cancel", kv, 1, NULL, 0);
	return st == 200 || st == 404 ? 0 : st == 409 ? 1 : -1;
}

static int
sb_query(const char *ref, char *state, size_t sz)
{
	struct pay_kv	 kv[] = { { "order_ref", ref } };
	char		 resp[256];
	long		 st;

	st = sb_call("query", kv, 1, resp, sizeof(resp));
	if (st == 404) {
		snprintf(state, sz, "unknown");
		return 0;
	}
	if (st != 200 || pay_form_get(resp, "state", state, sz) != 0)
		return -1;
	return 0;
}

static const struct pay_provider providers[] = {
	{ "sandbox", 7, sb_authorize, sb_capture, sb_cancel, sb_query,
	    sb_statement },
	/* No money online: students book without paying, the station
	 * collects the fee (pay_onsite) and the cash-up (日结) counts it. */
	{ "onsite", 0, NULL, NULL, NULL, NULL, NULL },
};

const struct pay_provider *
pay_provider(void)
{
	const char	*name = conf_str("Pay.Provider", "sandbox");
	size_t		 i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcmp(providers[i].name, name) == 0)
			return &providers[i];
	return NULL;
}

int
pay_online(void)
{
	const struct pay_provider	*pp = pay_provider();

	return pp != NULL && pp->authorize != NULL;
}

int
pay_check_config(void)
{

	if (pay_provider() == NULL) {
		log_warn("Pay.Provider %s: no such provider (sandbox, onsite)",
		    conf_str("Pay.Provider", "sandbox"));
		return -1;
	}
	if (conf_int("Site.Production", 0) == 1 &&
	    strcmp(pay_provider()->name, "sandbox") == 0) {
		log_warn("Pay.Provider = sandbox with Site.Production = 1: "
		    "the sandbox approves any test card; refusing to start");
		return -1;
	}
	return 0;
}

int
pay_hold_days(void)
{
	const struct pay_provider	*pp = pay_provider();
	long long			 d;

	d = conf_int("Pay.HoldDays", pp != NULL ? pp->hold_days : 7);
	return d < 1 ? 1 : d > 30 ? 30 : (int)d;
}

/* --- payment records -------------------------------------------------- */

/*
 * In one transaction with the booking row locked (two tabs at once share
 * one order): find or create the open order.  Returns 0 with ref, amount
 * and desc filled, 1 not payable, or a db.h error code.
 */
static int
order_open(long long booking_id, char ref[33], long long *amount,
    char *desc, size_t descsz)
{
	char		 state[16];
	long long	 school, paid, again;
	int		 rc;

	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_BOOKING_LOCK, "i", "sisii", booking_id,
	    state, sizeof(state), amount, desc, descsz, &school, &again);
	if (rc <= 0 || *amount <= 0)
		goto done;
	/* A held seat pays; a booked one only to confirm its hold again
	 * (the old one would lapse before the slot). */
	if (again && (strcmp(state, "booked") == 0 ||
	    strcmp(state, "checked_in") == 0))
		;
	else if (strcmp(state, "held") != 0)
		goto done;
	else if ((rc = db_one(&set, STMT_PAID, "i", "i", booking_id,
	    &paid)) <= 0 || paid > 0)
		goto done;
	rc = db_one(&set, STMT_OPEN, "ii", "s", booking_id, *amount,
	    ref, (size_t)33);
	if (rc == 0) {
		pay_new_ref(ref);
		rc = db_exec(&set, STMT_NEW, "issi", booking_id,
		    pay_provider()->name, ref, *amount);
	}
	if (rc < 0)
		goto done;
	if ((rc = db_commit()) < 0)
		return rc;
	return 0;
done:
	db_rollback();
	return rc < 0 ? rc : 1;
}

int
pay_start(long long booking_id, char *url, size_t urlsz)
{
	const struct pay_provider	*pp = pay_provider();
	char				 ref[33], desc[UTF8_BUF(200)], state[32];
	long long			 amount;
	int				 rc, tries;

	if (pp == NULL || pp->authorize == NULL) {
		log_warn("pay: Pay.Provider %s takes no money online",
		    pp != NULL ? pp->name : "?");
		return PAY_PROVIDER;
	}
	for (tries = 0; tries < 2; tries++) {
		DB_TX(rc, order_open(booking_id, ref, &amount, desc,
		    sizeof(desc)));
		if (rc != 0)
			return rc == 1 ? PAY_NOT_PAYABLE : rc;
		if ((rc = pp->authorize(ref, amount, desc, url, urlsz)) == 0)
			return PAY_OK;
		if (rc < 0)
			return PAY_PROVIDER;
		/* Decided at the provider but we never heard: asking makes
		 * the bank send the notification again; an order still open
		 * after that is stale, and a new one is made. */
		log_info("pay: order %s already decided, querying", ref);
		if (pp->query(ref, state, sizeof(state)) != 0)
			return PAY_PROVIDER;
		if ((rc = db_exec(&set, STMT_STALE, "s", ref)) < 0)
			return rc;
	}
	return PAY_PROVIDER;
}

/* Release a hold that nothing needs (booking gone, or paid twice). */
static void
release(const char *ref)
{
	const struct pay_provider	*pp = pay_provider();

	if (pp != NULL && pp->cancel != NULL && pp->cancel(ref) == 0)
		(void)db_exec(&set, STMT_TO_VOIDED, "s", ref);
	else
		log_warn("pay: could not release order %s (close-out or "
		    "sweep will)", ref);
}

/* Change the locked payment per the event type.  Returns rows changed
 * (0 or 1), 400 for an unknown type, or a db.h error code. */
static int
transition(long long pid, const char *ref, const char *type,
    const char *reason)
{

	if (strcmp(type, "authorized") == 0)
		return db_exec(&set, STMT_TO_AUTHORIZED, "ii", pay_hold_days(),
		    pid);
	if (strcmp(type, "declined") == 0)
		return db_exec(&set, STMT_TO_FAILED, "si",
		    reason != NULL && *reason != '\0' ? reason : "declined",
		    pid);
	if (strcmp(type, "captured") == 0)
		return db_exec(&set, STMT_TO_CAPTURED, "s", ref);
	if (strcmp(type, "voided") == 0)
		return db_exec(&set, STMT_TO_VOIDED, "s", ref);
	return 400;
}

struct refs {
	char	 ref[16][33];
	int	 n;
};

static int
on_ref(void *arg, int ncol, char **val, unsigned long *len)
{
	struct refs	*r = arg;

	if (r->n < 16 && ncol == 1 && val[0] != NULL)
		snprintf(r->ref[r->n++], 33, "%s", val[0]);
	return 0;
}

/* The booking of an order, 0 if none. */
static long long
booking_of(const char *ref)
{
	long long	 b = 0;

	if (db_one(&set, STMT_PAY_BOOKING, "s", "i", ref, &b) <= 0)
		return 0;
	return b;
}

/* Release every hold and open order of the booking but keep (the new
 * hold that replaced them). */
static void
void_others(long long booking_id, const char *keep)
{
	struct refs	 r;
	int		 i;

	memset(&r, 0, sizeof(r));
	if (booking_id == 0 || db_each(&set, STMT_VOID_OTHERS, on_ref, &r,
	    "is", booking_id, keep) < 0)
		return;
	for (i = 0; i < r.n; i++) {
		log_info("pay: order %s replaced by %s", r.ref[i], keep);
		release(r.ref[i]);
	}
}

/*
 * One notification in one transaction.  Lock order, as everywhere: the
 * booking's row first, then the payment's, so that a cancel, a change of
 * slot, a check-in and this notification of the same booking queue on
 * the booking.  An authorisation books the held seat in the same
 * commit; one that comes for a booking that has ended (or is paid by
 * another order) sets *release_it to 1, and the hold goes back after the
 * commit; the confirmation again of a booking whose hold would lapse
 * sets it to 2, and the booking's older holds go back instead.
 * Returns 200, 400 or a db.h code.
 */
static int
apply_once(const char *event_id, const char *order_ref, const char *type,
    long long amount_fen, const char *reason, const char *body,
    int *release_it)
{
	long long	 pid, booking, amount, other = 0;
	int		 rc, changed, live;

	*release_it = 0;
	if ((rc = db_begin()) < 0)
		return rc;
	if ((rc = db_one(&set, STMT_PAY_BOOKING, "s", "i", order_ref,
	    &booking)) <= 0) {
		db_rollback();
		return rc < 0 ? rc : 400;
	}
	if ((rc = booking_lock(booking, &live)) < 0)
		goto fail;
	if ((rc = db_one(&set, STMT_PAY_LOCK, "s", "iii", order_ref, &pid,
	    &booking, &amount)) <= 0) {
		db_rollback();
		return rc < 0 ? rc : 400;
	}
	/* Deduplication by the provider's event id, under the lock. */
	rc = db_exec(&set, STMT_EVENT, "isss", pid, event_id, type,
	    body != NULL ? body : "");
	if (rc == DB_DUP) {
		db_rollback();
		log_info("pay: duplicate event for order %s ignored", order_ref);
		return 200;
	}
	if (rc < 0)
		goto fail;
	if (amount != amount_fen) {
		db_rollback();
		log_warn("pay: order %s: amount %lld does not match %lld",
		    order_ref, amount_fen, amount);
		return 400;
	}
	if ((changed = transition(pid, order_ref, type, reason)) == 400) {
		db_rollback();
		return 400;
	}
	if ((rc = changed) < 0)
		goto fail;
	if (changed && strcmp(type, "authorized") == 0) {
		if ((rc = db_one(&set, STMT_OTHER_PAID, "ii", "i", booking,
		    pid, &other)) < 0)
			goto fail;
		/* The hold stands: book the seat; or it is the student's
		 * confirmation again, and the older holds go; or give the
		 * money back when the booking went meanwhile or is paid
		 * already. */
		if (!live)
			*release_it = 1;
		else if ((rc = booking_reauth_done(booking)) < 0)
			goto fail;
		else if (rc == 1) {
			if (other > 0)
				*release_it = 2;
		} else if (other > 0)
			*release_it = 1;
		else if ((rc = booking_paid(booking)) < 0)
			goto fail;
		else if (rc == 1)
			*release_it = 1;
	}
	if ((rc = db_commit()) < 0)
		return rc;
	log_info("pay: order %s %s%s", order_ref, type,
	    changed ? "" : " (no change)");
	return 200;
fail:
	db_rollback();
	return rc;
}

int
pay_apply(const char *event_id, const char *order_ref, const char *type,
    long long amount_fen, const char *reason, const char *body)
{
	int	 rc, release_it;

	if (event_id == NULL || order_ref == NULL || type == NULL ||
	    *event_id == '\0')
		return 400;
	DB_TX(rc, apply_once(event_id, order_ref, type, amount_fen, reason,
	    body, &release_it));
	if (rc == 200 && release_it == 1)
		release(order_ref);
	else if (rc == 200 && release_it == 2)
		void_others(booking_of(order_ref), order_ref);
	return rc;
}

int
pay_capture_booking(long long booking_id)
{
	const struct pay_provider	*pp = pay_provider();
	char				 ref[33], state[16];
	long long			 amount, expired;
	int				 rc;

	rc = db_one(&set, STMT_CAPTURABLE, "i", "sisi", booking_id,
	    ref, sizeof(ref), &amount, state, sizeof(state), &expired);
	if (rc <= 0)
		return rc < 0 ? rc : PAY_NOT_PAYABLE;
	if (strcmp(state, "captured") == 0)
		return PAY_OK;
	if (pp == NULL || pp->capture == NULL)
		return PAY_PROVIDER;
	/* The bank captures once per order, so a retry after a crash
	 * between its answer and our UPDATE is safe. */
	if ((rc = pp->capture(ref, amount)) < 0)
		return PAY_PROVIDER;
	if (rc == 1) {
		log_warn("pay: order %s: hold not capturable%s", ref,
		    expired ? " (expired)" : "");
		if (expired && (rc = db_exec(&set, STMT_TO_LAPSED, "s",
		    ref)) < 0)
			return rc;
		return PAY_NOT_PAYABLE;
	}
	if ((rc = db_exec(&set, STMT_TO_CAPTURED, "s", ref)) < 0)
		return rc;
	log_info("pay: order %s captured%s", ref, rc ? "" : " (before)");
	return PAY_OK;
}

int
pay_void_booking(long long booking_id)
{
	const struct pay_provider	*pp = pay_provider();
	struct refs			 r;
	int				 i, rc;

	memset(&r, 0, sizeof(r));
	if ((rc = db_each(&set, STMT_VOIDABLE, on_ref, &r, "i",
	    booking_id)) < 0)
		return rc;
	for (i = 0; i < r.n; i++) {
		if (pp == NULL || pp->cancel == NULL ||
		    (rc = pp->cancel(r.ref[i])) < 0)
			return PAY_PROVIDER;
		if (rc == 1) {
			/* Captured at the bank already: reflect it. */
			log_warn("pay: order %s captured, cannot void",
			    r.ref[i]);
			if ((rc = db_exec(&set, STMT_TO_CAPTURED, "s",
			    r.ref[i])) < 0)
				return rc;
			continue;
		}
		if ((rc = db_exec(&set, STMT_TO_VOIDED, "s", r.ref[i])) < 0)
			return rc;
		log_info("pay: order %s voided%s", r.ref[i],
		    rc ? "" : " (before)");
	}
	return 0;
}

static const char *const onsite_methods[] = {
	"cash", "card", "wechat", "alipay",
};
/* ... as the audit trail shows them */
static const char *const onsite_zh[] = {
	"现金", "银行卡", "微信", "支付宝",
};
_Static_assert(sizeof(onsite_zh) == sizeof(onsite_methods), "onsite_zh");

static int
onsite_once(long long booking_id, long long amount_fen, const char *method,
    const struct actor *who)
{
	char		 ref[33], state[16], title[UTF8_BUF(200)], after[64];
	long long	 fee, school, paid, again;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(onsite_methods) / sizeof(onsite_methods[0]);
	    i++)
		if (method != NULL && strcmp(method, onsite_methods[i]) == 0)
			break;
	if (i == sizeof(onsite_methods) / sizeof(onsite_methods[0]) ||
	    amount_fen < 0)
		return DB_CHECK;
	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_BOOKING_LOCK, "i", "sisii", booking_id,
	    state, sizeof(state), &fee, title, sizeof(title), &school, &again);
	if (rc <= 0) {
		db_rollback();
		return rc < 0 ? rc : DB_CHECK;
	}
	if ((rc = db_one(&set, STMT_PAID, "i", "i", booking_id, &paid)) < 0)
		goto fail;
	if (paid > 0) {
		db_rollback();
		return PAY_NOT_PAYABLE;
	}
	util_token_hex(ref, 16);
	if ((rc = db_exec(&set, STMT_ONSITE_NEW, "isis", booking_id, ref,
	    amount_fen, method)) < 0)
		goto fail;
	snprintf(after, sizeof(after), "%s %lld.%02lld 元", onsite_zh[i],
	    amount_fen / 100, amount_fen % 100);
	if ((rc = audit_add(who, "pay_onsite", "booking", booking_id, school,
	    "payment", NULL, after, NULL)) < 0)
		goto fail;
	return db_commit();
fail:
	db_rollback();
	return rc;
}

int
pay_onsite(long long booking_id, long long amount_fen, const char *method,
    const struct actor *who)
{
	int	 rc;

	DB_TX(rc, onsite_once(booking_id, amount_fen, method, who));
	return rc;
}

int
pay_status(long long booking_id, char *state, size_t statesz,
    long long *amount_fen, char *failure, size_t failuresz)
{

	return db_one(&set, STMT_STATUS, "i", "sis", booking_id, state,
	    statesz, amount_fen, failure, failuresz);
}

/* Collects refs from STMT_UNHEARD. */
struct reflist {
	char	 ref[200][33];
	int	 n;
};

static int
ref_cb(void *arg, int ncol, char **val, unsigned long *len)
{
	struct reflist	*l = arg;

	if (l->n < 200 && val[0] != NULL)
		snprintf(l->ref[l->n++], sizeof(l->ref[0]), "%s", val[0]);
	return 0;
}

int
pay_reconcile(int *asked)
{
	const struct pay_provider	*pp = pay_provider();
	struct reflist			*l;
	char				 state[32];
	int				 rc, i;

	*asked = 0;
	if (pp == NULL || pp->query == NULL)
		return 0;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return DB_ERR;
	if ((rc = db_each(&set, STMT_UNHEARD, ref_cb, l, "")) < 0) {
		free(l);
		return rc;
	}
	/* Asking makes the provider send a decided order's notification
	 * again; an undecided one stays open until its seat expires. */
	for (i = 0; i < l->n; i++)
		if (pp->query(l->ref[i], state, sizeof(state)) == 0)
			(*asked)++;
	free(l);
	return 0;
}
