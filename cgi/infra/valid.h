/*
 * valid.h - validators for declared form fields (web.h struct field).
 */
#ifndef TUCAI_VALID_H
#define TUCAI_VALID_H

#include "http/web.h"

/*
 * Check the raw value v of field f and fill fv.  v is modified in place
 * (trimmed).  Returns NULL when valid, else a Chinese message for the user.
 */
const char	*valid_field(const struct field *f, char *v, struct fval *fv);

/* Parse YYYY-MM-DD / HH:MM strictly; return 0 on success. */
int		 valid_date(const char *s, int *y, int *m, int *d);
int		 valid_time(const char *s, int *h, int *mi);
/* Parse a decimal yuan amount ("40", "40.5", "40.50") into fen. */
int		 valid_money(const char *s, long long *fen);

#endif
