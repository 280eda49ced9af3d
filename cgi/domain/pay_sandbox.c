/*
 * pay_sandbox.c - the sandbox provider: bank.fcgi's API (/bank/api/...)
 * over signed HTTP (infra/httpc.c).  A model for a real provider: see
 * doc/PROVIDERS.md.  Refused with Site.Production = 1 (pay_check_config).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/pay.h"
#include "infra/config.h"
#include "infra/httpc.h"
#include "infra/sign.h"

/* POST to Pay.ApiUrl + "/" + op.  Returns the HTTP status or -1. */
static long
sb_call(const char *op, const struct sign_kv *kv, size_t n, char *resp,
    size_t respsz)
{
	char	 url[512];

	snprintf(url, sizeof(url), "%s/%s",
	    conf_str("Pay.ApiUrl", "http://127.0.0.1:8080/bank/api"), op);
	return httpc_post(url, kv, n, resp, respsz);
}

static int
sb_authorize(const char *ref, long long amount_fen, const char *desc,
    char *url, size_t urlsz)
{
	char		 amount[24], resp[256], token[80];
	struct sign_kv	 kv[] = { { "order_ref", ref }, { "amount_fen", amount },
	    { "desc", desc } };
	long		 st;
	int		 n;

	snprintf(amount, sizeof(amount), "%lld", amount_fen);
	st = sb_call("authorize", kv, 3, resp, sizeof(resp));
	if (st == 409)
		return 1;
	if (st != 200 || sign_form_get(resp, "token", token, sizeof(token)))
		return -1;
	n = snprintf(url, urlsz, "%s?t=%s", conf_str("Pay.GatewayUrl",
	    "http://127.0.0.1:8080/bank/pay"), token);
	return n < 0 || (size_t)n >= urlsz ? -1 : 0;
}

static int
sb_capture(const char *ref, long long amount_fen)
{
	char		 amount[24];
	struct sign_kv	 kv[] = { { "order_ref", ref }, { "amount_fen", amount } };
	long		 st;

	snprintf(amount, sizeof(amount), "%lld", amount_fen);
	st = sb_call("capture", kv, 2, NULL, 0);
	return st == 200 ? 0 : st == 409 ? 1 : -1;
}

/* The statement: POST .../statement (day or all); at most 64 MB. */
static int
sb_statement(const char *day, char **text, size_t *len)
{
	struct sign_kv	 kv[] = { { "day", day != NULL ? day : "" } };
	struct httpc_buf	 b = { NULL, 0, 0, (size_t)64 << 20 };
	char		 url[512], *body;
	long		 st;

	*text = NULL;
	*len = 0;
	snprintf(url, sizeof(url), "%s/statement",
	    conf_str("Pay.ApiUrl", "http://127.0.0.1:8080/bank/api"));
	if ((body = sign_canon(kv, 1)) == NULL)
		return -1;
	st = httpc_post_into(url, body, &b);
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
	struct sign_kv	 kv[] = { { "order_ref", ref } };
	long		 st;

	/* 404: the bank never saw the order, so nothing is held. */
	st = sb_call("cancel", kv, 1, NULL, 0);
	return st == 200 || st == 404 ? 0 : st == 409 ? 1 : -1;
}

static int
sb_query(const char *ref, char *state, size_t sz)
{
	struct sign_kv	 kv[] = { { "order_ref", ref } };
	char		 resp[256];
	long		 st;

	st = sb_call("query", kv, 1, resp, sizeof(resp));
	if (st == 404) {
		snprintf(state, sz, "unknown");
		return 0;
	}
	if (st != 200 || sign_form_get(resp, "state", state, sz) != 0)
		return -1;
	return 0;
}


const struct pay_provider pay_sandbox = {
	"sandbox", 7, sb_authorize, sb_capture, sb_cancel, sb_query,
	sb_statement
};
