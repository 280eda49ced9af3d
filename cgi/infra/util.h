/*
 * util.h - small helpers: random tokens, money and time formatting, checked
 * number parsing and formatting.
 */
#ifndef TUCAI_UTIL_H
#define TUCAI_UTIL_H

#include <stddef.h>

/* Fill out with 2*nbytes hex characters of libsodium randomness + NUL. */
void	 util_token_hex(char *out, size_t nbytes);
/* 4000 -> "40.00" */
void	 util_fen(long long fen, char *out, size_t sz);
/* Today's date in Asia/Shanghai, plus days, as YYYY-MM-DD. */
void	 util_local_date(char out[11], int plus_days);
/* Asia/Shanghai "YYYY-MM-DD[ HH:MM]" -> UTC "YYYY-MM-DD HH:MM:SS".  0 ok. */
int	 util_local_to_utc(const char *date, const char *hhmm, char out[20]);

/*
 * Checked parsing and formatting (the one way numbers come in from a
 * request header or a row read as text, and the one way a buffer is
 * filled with a format).
 * util_parse_ll: all of s is a decimal number (an optional '-', digits,
 * nothing else) within long long.  0 with *v set, or -1 (v untouched).
 * util_fmt: snprintf that refuses truncation: 0, or -1 when the result
 * did not fit (out then holds "" so that a cut value is never used).
 */
int	 util_parse_ll(const char *s, long long *v);
int	 util_fmt(char *out, size_t sz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
