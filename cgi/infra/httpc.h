/*
 * httpc.h - the HTTP client of server-to-server calls (libcurl).
 */
#ifndef TUCAI_HTTPC_H
#define TUCAI_HTTPC_H

#include <stddef.h>

#include "infra/sign.h"

/*
 * POST the signed canonical body of kv to url (server-to-server, libcurl,
 * 5 s timeout).  The response body (at most respsz - 1 bytes) is copied to
 * resp when not NULL.  Returns the HTTP status, or -1 when no answer came.
 */
long	 httpc_post(const char *url, const struct sign_kv *, size_t n,
	    char *resp, size_t respsz);
/* The same for a body already in canonical form (an outbox row): signed
 * with the current time. */
long	 httpc_post_canon(const char *url, const char *canon, char *resp,
	    size_t respsz);

/*
 * The answer's buffer: a fixed one (p, cap; grow 0), or one that grows
 * (malloc'd into p, caller frees) up to grow bytes.
 */
struct httpc_buf {
	char	*p;
	size_t	 len, cap;
	size_t	 grow;
};
/* POST the signed body to url, the answer into *b.  The HTTP status, or
 * -1 (logged). */
long	 httpc_post_into(const char *url, const char *body, struct httpc_buf *);
/* GET url (unsigned: WeChat's token endpoint), the answer into *b.  The
 * HTTP status, or -1 (logged). */
long	 httpc_get(const char *url, struct httpc_buf *);
/* The URL as it may be logged: cut before its query or fragment, which
 * may carry a secret (the token endpoint's AppSecret is there).  Every
 * failure above is logged so. */
void	 httpc_url_for_log(const char *url, char *out, size_t outsz);

#endif
