/*
 * idnum.h - resident identity card numbers (GB 11643-1999).
 *
 * An ID number is 18 characters: a 6-digit region code, the birth date
 * YYYYMMDD, a 3-digit sequence (odd last digit = male) and a check
 * character 0-9 or X computed with ISO 7064 MOD 11-2.  Region codes are
 * not checked against a list.  ID numbers are personal data: never log
 * them; show them masked (idnum_mask) or by their last four characters.
 */
#ifndef TUCAI_IDNUM_H
#define TUCAI_IDNUM_H

#include <stddef.h>

/*
 * Check an ID number.  Returns 1 if valid, with the normalised form (a
 * lowercase x made X) in out; returns 0 if invalid, with out set to "" and
 * *reason pointing to a static Chinese message.  out and reason may be NULL.
 * No whitespace is trimmed.  The birth date must lie between 1900-01-01
 * and today (local time).
 */
int	 idnum_check(const char *in, char out[19], const char **reason);

/* Same, with "today" given as YYYYMMDD (for tests). */
int	 idnum_check_on(const char *in, char out[19], const char **reason,
	    long today);

/* The MOD 11-2 check character ('0'-'9' or 'X') of the first 17 digits,
 * or 0 if they are not 17 digits. */
char	 idnum_checkchar(const char *first17);

/*
 * Write a masked form into out (always NUL-terminated, outsz > 0): the
 * first 3 and last 4 characters shown, the rest '*', e.g.
 * "110***********123X".  Anything that is not 8..32 ASCII characters is
 * masked completely ("*").
 */
void	 idnum_mask(const char *id, char *out, size_t outsz);

/* The last four characters (X uppercase) into out, or "" if shorter or
 * not ASCII. */
void	 idnum_last4(const char *id, char out[5]);

#endif
