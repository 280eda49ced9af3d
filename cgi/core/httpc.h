/*
 * httpc.h - the server-to-server HTTP client (libcurl): the payment
 * provider's API (pay.c) and WeChat's token endpoint (weixin.c).
 *
 * Short timeouts (1 s to connect, 3 s in all): a student's request waits
 * for the call.  Only http and https; no redirects followed.  A failure is
 * logged with the URL cut before its query, which may carry a secret
 * (WeChat's access_token endpoint takes the AppSecret there).
 */
#ifndef TUCAI_HTTPC_H
#define TUCAI_HTTPC_H

#include <stddef.h>

/*
 * The answer's body: into p[0..cap) (NUL-terminated, cut at cap - 1)
 * when grow is 0; else p is realloc'd up to grow bytes (the caller frees
 * it) and a longer answer is an error.
 */
struct http_buf {
	char	*p;
	size_t	 len, cap;
	size_t	 grow;
};

/*
 * GET (body NULL) or POST body to url, with the extra header lines
 * headers (NULL-terminated array, may be NULL).  what names the caller in
 * the log ("pay", "weixin").  Returns the HTTP status, or -1 when no
 * answer came (logged).
 */
long	 http_call(const char *what, const char *url,
	    const char *const *headers, const char *body, struct http_buf *);

/* The URL as it may be logged: scheme, host and path, no query or
 * fragment, into out. */
void	 http_url_for_log(const char *url, char *out, size_t outsz);

#endif
