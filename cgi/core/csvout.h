/*
 * csvout.h - a small CSV writer for exports, built in memory and taken
 * out chunk by chunk so a large export can be streamed.
 *
 * Output follows RFC 4180: fields separated by ',', records ended by
 * CRLF, a field quoted (with '"' doubled) when it contains ',', '"', CR,
 * LF, or begins or ends with a space.
 *
 * Formula injection: a spreadsheet runs a cell that begins with '=', '+',
 * '-', '@', TAB or CR as a formula.  Such a field is written with a
 * leading apostrophe ('), which Excel and WPS treat as "this is text"
 * and do not display.  So "-5" exports as "'-5" and "=HYPERLINK(...)" as
 * "'=HYPERLINK(...)": exports are for reading, not for arithmetic.
 *
 * Encoding: UTF-8 with a byte order mark (so Excel recognises it), or GBK
 * without one for old Excel versions; in GBK, characters GBK lacks become
 * '?' and are counted in .replaced.
 */
#ifndef TUCAI_CSVOUT_H
#define TUCAI_CSVOUT_H

#include <stddef.h>

struct csvout {
	char	*buf;		/* pending output, not NUL-terminated */
	size_t	 len, cap;
	int	 gbk;		/* encode fields as GBK */
	size_t	 nfields;	/* fields in the current record */
	size_t	 replaced;	/* characters written as '?' (GBK only) */
	int	 err;		/* sticky: out of memory or bad input */
};

/* Start a writer (gbk = 0: UTF-8, begins with a BOM; gbk = 1: GBK, no
 * BOM).  Returns 0, or -1 out of memory (the writer is then in error). */
int	 csvout_init(struct csvout *, int gbk);

/* Append one field (UTF-8, NULL = empty).  Returns 0, or -1 if the text
 * is not valid UTF-8 or memory ran out; the error sticks and
 * csvout_take() will fail. */
int	 csvout_field(struct csvout *, const char *utf8);

/* End the current record.  Returns 0 or -1 (as above). */
int	 csvout_endrow(struct csvout *);

/* Hand the pending output to the caller: returns 0 with *buf malloc'd
 * (caller frees; NUL-terminated for convenience) holding *len bytes,
 * then the writer continues empty (no second BOM); returns -1 with
 * *buf = NULL if the writer is in error. */
int	 csvout_take(struct csvout *, char **buf, size_t *len);

/* Free the pending output.  The writer may be init'd again. */
void	 csvout_free(struct csvout *);

#endif
