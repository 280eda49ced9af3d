/*
 * httpc.c - the HTTP client of server-to-server calls (libcurl): a signed
 * form POST with short timeouts (httpc.h).
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

/* POST body, signed, to url; the answer into b.  Returns the status or
 * -1 (logged). */
long
httpc_post_into(const char *url, const char *body, struct httpc_buf *bp)
{
	static int		 inited;
	CURL			*c;
	struct curl_slist	*h = NULL;
	struct httpc_buf		 b = *bp;
	char			 ts[24], sig[65], line[128];
	long			 status = -1;
	CURLcode		 cc;

	if (!inited && curl_global_init(CURL_GLOBAL_DEFAULT) == 0)
		inited = 1;
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	sign_make(ts, body, sig);
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
		log_warn("POST %s: %s", url, curl_easy_strerror(cc));
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

