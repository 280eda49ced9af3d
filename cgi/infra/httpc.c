/*
 * httpc.c - the HTTP client of server-to-server calls (libcurl): a signed
 * form POST, and a plain GET (WeChat's token endpoint), with short
 * timeouts (httpc.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "infra/httpc.h"
#include "infra/log.h"
#include "infra/sign.h"

static size_t
on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct httpc_buf	*b = arg;
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

void
httpc_url_for_log(const char *url, char *out, size_t outsz)
{
	size_t	 n = strcspn(url, "?#");

	if (outsz == 0)
		return;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, url, n);
	out[n] = '\0';
}

/* A handle for url with the common options (the answer into *b), or
 * NULL. */
static CURL *
handle(const char *url, struct httpc_buf *b)
{
	static int	 inited;
	CURL		*c;

	if (!inited && curl_global_init(CURL_GLOBAL_DEFAULT) == 0)
		inited = 1;
	if ((c = curl_easy_init()) == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* Short: a student's request waits for this call, and the bank's
	 * deliverer retries a notification that timed out. */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 3L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	return c;
}

/* Perform c; the HTTP status, or -1 logged with the URL cut before its
 * query. */
static long
perform(CURL *c, const char *method, const char *url)
{
	char		 shown[256];
	long		 status = -1;
	CURLcode	 cc;

	if ((cc = curl_easy_perform(c)) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else {
		httpc_url_for_log(url, shown, sizeof(shown));
		log_warn("%s %s: %s", method, shown, curl_easy_strerror(cc));
	}
	return status;
}

long
httpc_get(const char *url, struct httpc_buf *bp)
{
	CURL			*c;
	struct httpc_buf	 b = *bp;
	long			 status;

	if (b.p != NULL && b.cap > 0 && b.grow == 0)
		b.p[0] = '\0';
	b.len = 0;
	if ((c = handle(url, &b)) == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	status = perform(c, "GET", url);
	curl_easy_cleanup(c);
	*bp = b;
	return status;
}

/* POST body, signed, to url; the answer into b.  Returns the status or
 * -1 (logged). */
long
httpc_post_into(const char *url, const char *body, struct httpc_buf *bp)
{
	CURL			*c;
	struct curl_slist	*h = NULL;
	struct httpc_buf	 b = *bp;
	char			 ts[24], sig[65], line[128];
	long			 status;

	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	sign_make(ts, body, sig);
	if ((c = handle(url, &b)) == NULL)
		return -1;
	h = curl_slist_append(h,
	    "Content-Type: application/x-www-form-urlencoded");
	snprintf(line, sizeof(line), "X-Tucai-Timestamp: %s", ts);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "X-Tucai-Signature: %s", sig);
	h = curl_slist_append(h, line);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	status = perform(c, "POST", url);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	*bp = b;
	return status;
}

long
httpc_post_canon(const char *url, const char *body, char *resp, size_t respsz)
{
	struct httpc_buf	 b = { resp, 0, respsz, 0 };

	if (resp != NULL && respsz > 0)
		resp[0] = '\0';
	return httpc_post_into(url, body, &b);
}

long
httpc_post(const char *url, const struct sign_kv *kv, size_t n, char *resp,
    size_t respsz)
{
	char	*body;
	long	 status;

	if (resp != NULL && respsz > 0)
		resp[0] = '\0';
	if ((body = sign_canon(kv, n)) == NULL)
		return -1;
	status = httpc_post_canon(url, body, resp, respsz);
	free(body);
	return status;
}

