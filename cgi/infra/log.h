/*
 * log.h - one line per event to the file Log.File (or stderr).
 * Never log ID numbers, passwords, session ids or payment secrets.
 */
#ifndef TUCAI_LOG_H
#define TUCAI_LOG_H

/* Opens Log.File (none: stderr) and reopens it on SIGHUP or when it was
 * rotated away.  Returns 0, or -1 (said on stderr) when the file cannot be
 * written: the program must not start. */
int	 log_open(const char *prog);
void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs an error under a fresh incident id, copied to id (17 bytes). */
void	 log_incident(char id[17], const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same at level "info": a refusal (4xx) the user was shown. */
void	 log_refusal(char id[17], const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
