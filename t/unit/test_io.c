/*
 * test_io.c - the FastCGI parameters by name (http/io.c): io_index()
 * sorts them once a request, and io_getenv() finds what FCGX_GetParam
 * would: the first of a name sent twice, nothing for a prefix or a
 * longer name, and with more parameters than it indexes, the same
 * through FCGX_GetParam.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "http/http.h"
#include "tap.h"

/* io_getenv(fx, name) against FCGX_GetParam, freed. */
static void
same(FCGX_Request *fx, const char *name)
{
	char		*got = io_getenv(fx, name);
	const char	*want = FCGX_GetParam(name, fx->envp);

	is_str(got, want, "%s as FCGX_GetParam finds it", name);
	free(got);
}

int
main(void)
{
	char		*env[] = {
		"SCRIPT_NAME=/first", "REQUEST_METHOD=GET", "HTTP_HOST=a.example",
		"HTTP_HOSTNAME=b", "HTTP=c", "QUERY_STRING=", "SCRIPT_NAME=",
		"HTTP_COOKIE=tucai_sid=x=y", "CONTENT_LENGTH=12", NULL,
	};
	char		*big[300], names[300][16];
	FCGX_Request	 fx;
	const char	*ask[] = {
		"SCRIPT_NAME", "REQUEST_METHOD", "HTTP_HOST", "HTTP_HOSTNAME",
		"HTTP", "HTTP_HOS", "HTTP_HOSTX", "QUERY_STRING", "HTTP_COOKIE",
		"CONTENT_LENGTH", "CONTENT", "", "ZZZ", "A",
	};
	char		*v;
	size_t		 i;

	memset(&fx, 0, sizeof(fx));
	fx.envp = env;
	io_index(&fx);
	for (i = 0; i < sizeof(ask) / sizeof(ask[0]); i++)
		same(&fx, ask[i]);
	v = io_getenv(&fx, "SCRIPT_NAME");
	is_str(v, "/first", "a name sent twice: the first");
	free(v);
	v = io_getenv(&fx, "HTTP_COOKIE");
	is_str(v, "tucai_sid=x=y", "a value with '=' in it");
	free(v);

	/* More than the index holds: the same answers. */
	for (i = 0; i < 299; i++) {
		snprintf(names[i], sizeof(names[i]), "P%03zu=%zu", 298 - i, i);
		big[i] = names[i];
	}
	big[299] = NULL;
	fx.envp = big;
	io_index(&fx);
	same(&fx, "P000");
	same(&fx, "P298");
	same(&fx, "P299");

	/* Another request's parameters, not indexed yet: still right. */
	fx.envp = env;
	same(&fx, "HTTP_HOST");
	return tap_done();
}
