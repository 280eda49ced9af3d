/*
 * valid.h - the types of declared form fields (a page's table, web.h) and
 * their validators.
 */
#ifndef TUCAI_VALID_H
#define TUCAI_VALID_H

#include <stdio.h>

enum ftype {
	FT_INT,		/* decimal 0..2^53, into .i */
	FT_TEXT,	/* one line of valid UTF-8, trimmed, no control characters */
	FT_LINES,	/* like FT_TEXT but newlines allowed */
	FT_CODE,	/* ASCII letters, digits, '-', '_', '.' */
	FT_DATE,	/* YYYY-MM-DD */
	FT_TIME,	/* HH:MM */
	FT_MONEY,	/* yuan with up to 2 decimals, into fen in .i */
	FT_BOOL,	/* "1" or "on" -> .i = 1 */
	FT_FILE,	/* multipart file part: .fp, size in .i */
	FT_RAW		/* any valid UTF-8 (passwords); never echoed */
};

#define F_REQ	0x01	/* missing or empty -> 422 */

struct field {
	const char	*name;
	enum ftype	 type;
	unsigned	 max;	/* characters (FT_TEXT, FT_LINES), else bytes */
	unsigned	 flags;
	const char	*label;	/* its name in messages: a word's key */
};

struct fval {
	int		 set;
	long long	 i;
	const char	*s;	/* points into the request's HDF */
	FILE		*fp;
};


/*
 * Check the raw value v of field f and fill fv.  v is modified in place
 * (trimmed).  Returns NULL when valid, else a message for the user (a word).
 */
const char	*valid_field(const struct field *f, char *v, struct fval *fv);

/* Parse YYYY-MM-DD / HH:MM strictly; return 0 on success. */
int		 valid_date(const char *s, int *y, int *m, int *d);
int		 valid_time(const char *s, int *h, int *mi);
/* Parse a decimal yuan amount ("40", "40.5", "40.50") into fen. */
int		 valid_money(const char *s, long long *fen);

#endif
