/*
 * util.h - small helpers: random tokens, money and time formatting.
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

#endif
