/*
 * log.c - plain line-oriented log file.  FastCGI programs run under
 * spawn-fcgi, which discards stdout/stderr, so everything goes to Log.File
 * (stderr when none is configured: the journal under systemd).
 *
 * Rotation: the file is opened again when SIGHUP came (logrotate's
 * postrotate, or systemctl reload), and also when the path no longer
 * names the file we write (logrotate moved it), checked at most once a
 * second; so a rotated log is never written to its old name for long,
 * whichever way it was rotated.  A log file the program cannot open makes
 * log_open() fail: the program says so on stderr and does not start,
 * instead of logging nowhere.  A file created by root (a first `tucai
 * migrate`) is given to the owner of its folder, so the workers can
 * write it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "infra/config.h"
#include "infra/log.h"

static FILE		*logfp;
static const char	*logprog = "tucai";
static const char	*logpath;
static volatile sig_atomic_t reopen_asked;
static time_t		 checked;

static void
on_hup(int sig)
{

	(void)sig;
	reopen_asked = 1;
}

/* Open logpath for appending.  0, or -1 with errno. */
static int
open_file(void)
{
	struct stat	 sb, dir;
	char		 d[4096], *slash;
	FILE		*fp;

	if ((fp = fopen(logpath, "a")) == NULL)
		return -1;
	setvbuf(fp, NULL, _IOLBF, 0);
	/* Made by root just now: the folder's owner writes it from now on. */
	if (geteuid() == 0 && fstat(fileno(fp), &sb) == 0 && sb.st_size == 0 &&
	    snprintf(d, sizeof(d), "%s", logpath) < (int)sizeof(d) &&
	    (slash = strrchr(d, '/')) != NULL) {
		*slash = '\0';
		if (stat(*d ? d : "/", &dir) == 0 && dir.st_uid != 0 &&
		    fchown(fileno(fp), dir.st_uid, dir.st_gid) != 0)
			fprintf(stderr, "%s: %s: chown: %s\n", logprog, logpath,
			    strerror(errno));
	}
	if (logfp != NULL)
		fclose(logfp);
	logfp = fp;
	return 0;
}

int
log_open(const char *prog)
{
	struct sigaction	 sa;
	const char		*path;

	logprog = prog;
	if ((path = conf_str("Log.File", NULL)) == NULL || *path == '\0')
		return 0;	/* stderr */
	logpath = path;
	if (open_file() != 0) {
		fprintf(stderr, "%s: cannot write Log.File %s: %s\n", prog,
		    path, strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	(void)sigaction(SIGHUP, &sa, NULL);
	return 0;
}

/* Reopen after SIGHUP, or when the path names another file (rotated). */
static void
maybe_reopen(void)
{
	struct stat	 a, b;
	time_t		 now;

	if (logpath == NULL || logfp == NULL)
		return;
	if (!reopen_asked) {
		if ((now = time(NULL)) == checked)
			return;
		checked = now;
		if (stat(logpath, &a) == 0 && fstat(fileno(logfp), &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return;
	}
	reopen_asked = 0;
	(void)open_file();	/* on failure the old file goes on */
}

static void
log_v(const char *level, const char *id, const char *fmt, va_list ap)
{
	FILE		*fp;
	char		 ts[32];
	time_t		 t = time(NULL);
	struct tm	 tm;

	maybe_reopen();
	fp = logfp != NULL ? logfp : stderr;
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
