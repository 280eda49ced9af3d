/*
 * io.c - a request's environment and output: the FastCGI request, or in
 * CGI mode (r->fx == NULL) the process's environment, stdin and stdout.
 * The ClearSilver callbacks (cgiwrap_init_emu) read and write the same.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ClearSilver.h>
#include <fcgiapp.h>

#include "http/web.h"
#include "http/http.h"

extern char **environ;

/*
 * The request's I/O: the FastCGI request, or in CGI mode (fx == NULL) the
 * process's environment, stdin and stdout.  The callbacks are ClearSilver's
 * (cgiwrap_init_emu), with data = the FCGX_Request or NULL.
 */

int
io_read(void *data, char *buf, int len)
{
	int	 n;

	if (data != NULL)
		n = FCGX_GetStr(buf, len, ((FCGX_Request *)data)->in);
	else
		n = (int)fread(buf, 1, (size_t)len, stdin);
	http_scan_body(buf, n);
	return n;
}

int
io_writef(void *data, const char *fmt, va_list ap)
{

	/* ClearSilver treats any non-zero return as an error. */
	if (data == NULL)
		return vfprintf(stdout, fmt, ap) < 0 ? -1 : 0;
	return FCGX_VFPrintF(((FCGX_Request *)data)->out, fmt, ap) < 0 ? -1 : 0;
}

int
io_write(void *data, const char *buf, int len)
{

	if (data == NULL)
		return (int)fwrite(buf, 1, (size_t)len, stdout);
	return FCGX_PutStr(buf, len, ((FCGX_Request *)data)->out);
}

static char **
envp_of(void *data)
{

	return data != NULL ? ((FCGX_Request *)data)->envp : environ;
}

/*
 * The FastCGI request's parameters sorted by name, for lookups: the CGI
 * kit asks for some forty names a request, and FCGX_GetParam compares
 * each with every parameter.  Parameters past IO_PARAMS (nginx sends
 * about thirty) are not indexed and are found by FCGX_GetParam.
 */
#define IO_PARAMS	128

static char	**ienv;		/* the envp indexed, or NULL */
static char	**iparam[IO_PARAMS];	/* into ienv */
static size_t	  nparam;
static int	  ipartial;	/* more parameters than indexed */

/* "NAME=value" entries by NAME. */
static int
entry_cmp(const char *x, const char *y)
{

	for (; *x == *y && *x != '=' && *x != '\0'; x++, y++)
		continue;
	return (*x == '=' ? 0 : (unsigned char)*x) -
	    (*y == '=' ? 0 : (unsigned char)*y);
}

/* ... and a name sent twice in the order sent, as FCGX_GetParam finds
 * the first (iparam holds pointers into the envp array, in its order). */
static int
param_cmp(const void *a, const void *b)
{
	char **const	*x = a, **const *y = b;
	int		 c;

	if ((c = entry_cmp(**x, **y)) != 0)
		return c;
	return *x < *y ? -1 : *x > *y;
}

/* A name against a "NAME=value" entry. */
static int
name_cmp(const void *key, const void *ent)
{
	const char	*k = key, *e = **(char **const *)ent;

	for (; *k == *e && *k != '\0'; k++, e++)
		continue;
	return (unsigned char)*k - (*e == '=' ? 0 : (unsigned char)*e);
}

void
io_index(void *data)
{
	char	**env;

	ienv = NULL;
	nparam = 0;
	ipartial = 0;
	if (data == NULL || (env = ((FCGX_Request *)data)->envp) == NULL)
		return;
	for (; env[nparam] != NULL; nparam++)
		if (nparam == IO_PARAMS) {
			ipartial = 1;
			break;
		} else
			iparam[nparam] = &env[nparam];
	qsort(iparam, nparam, sizeof(iparam[0]), param_cmp);
	ienv = ((FCGX_Request *)data)->envp;
}

/* The value of parameter name in the FastCGI request data. */
static char *
param(void *data, const char *name)
{
	char	***e, *eq;

	if (ienv == NULL || ienv != ((FCGX_Request *)data)->envp || ipartial)
		return FCGX_GetParam(name, ((FCGX_Request *)data)->envp);
	if ((e = bsearch(name, iparam, nparam, sizeof(iparam[0]),
	    name_cmp)) == NULL)
		return NULL;
	while (e > iparam && name_cmp(name, e - 1) == 0)
		e--;	/* the first sent */
	return (eq = strchr(**e, '=')) != NULL ? eq + 1 : NULL;
}

char *
io_getenv(void *data, const char *name)
{
	char	*v = data != NULL ? param(data, name) : getenv(name);

	return v ? strdup(v) : NULL;	/* ClearSilver frees it */
}

int
io_putenv(void *data, const char *k, const char *v)
{

	return -1;
}

int
io_iterenv(void *data, int n, char **k, char **v)
{
	char	**env = envp_of(data);
	char	 *eq;
	int	  i;

	*k = *v = NULL;
	for (i = 0; env[i] != NULL && i < n; i++)
		continue;
	if (env[i] == NULL || (eq = strchr(env[i], '=')) == NULL)
		return 0;
	*k = strndup(env[i], (size_t)(eq - env[i]));
	*v = strdup(eq + 1);
	return 0;
}

const char *
http_param(struct req *r, const char *name)
{

	if (r->fx == NULL)
		return getenv(name);
	return param(r->fx, name);
}

int
http_out(struct req *r, const void *buf, size_t len)
{

	if (len == 0)
		return 0;
	if (r->fx == NULL)
		return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
	return FCGX_PutStr(buf, (int)len, ((FCGX_Request *)r->fx)->out) ==
	    (int)len ? 0 : -1;
}

int
http_outs(struct req *r, const char *s)
{

	return http_out(r, s, strlen(s));
}

int
http_outf(struct req *r, const char *fmt, ...)
{
	char	 buf[2048];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;	/* a header line never is this long */
	return http_out(r, buf, (size_t)n);
}
