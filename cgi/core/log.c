/*
 * log.c - plain line-oriented log file.  FastCGI programs run under
 * spawn-fcgi, which discards stdout/stderr, so everything goes to Log.File.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "log.h"

static FILE		*logfp;
static const char	*logprog = "tucai";

void
log_open(const char *prog)
{
	const char	*path;

	logprog = prog;
	if ((path = conf_str("Log.File", NULL)) != NULL && *path != '\0')
		logfp = fopen(path, "a");
	if (logfp != NULL)
		setvbuf(logfp, NULL, _IOLBF, 0);
}

static void
log_v(const char *level, const char *id, const char *fmt, va_list ap)
{
	FILE		*fp = logfp != NULL ? logfp : stderr;
	char		 ts[32];
	time_t		 t = time(NULL);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(fp, "%s %s[%d] %s%s%s: ", ts, logprog, (int)getpid(), level,
	    id ? " incident=" : "", id ? id : "");
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_v("info", NULL, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_v("warn", NULL, fmt, ap);
	va_end(ap);
}

/* Log under a fresh incident id (16 hex digits, copied to id). */
static void
log_id(const char *level, char id[17], const char *fmt, va_list ap)
{
	unsigned char	 r[8];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(id, 17, r, sizeof(r));
	log_v(level, id, fmt, ap);
}

void
log_incident(char id[17], const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_id("error", id, fmt, ap);
	va_end(ap);
}

void
log_refusal(char id[17], const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_id("info", id, fmt, ap);
	va_end(ap);
}
