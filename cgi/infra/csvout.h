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
 * Long numbers: Excel converts a field of digits to a number, so an
 * 18-digit ID number shows as 5.10107E+17 and loses its last three digits,
 * a 学号 loses its leading zeros and "2019-01" becomes a date.  Fields of
 * such columns go through csvout_text(), which writes ="510107200103050219"
 * (RFC 4180-quoted: "=""510107200103050219""").  Excel and WPS on Windows
 * open that as a formula whose value is the text, shown and copied as the
 * bare digits, on a plain double-click open.  A leading apostrophe does
 * not do that in a CSV file (Excel shows the apostrophe; it is a typing
 * convention), and a leading TAB leaves an invisible character in the
 * cell that then ends up in whatever the teacher pastes it into.  It is
 * not a door for formula injection: only values made of [0-9A-Za-z_*-]
 * are wrapped (what the roster allows in these columns, plus the '*' of
 * masking), so the formula is always one string literal; anything else
 * is written by csvout_field() with the apostrophe defence above.  Other
 * CSV readers see the literal ="..." text; roster_parse() reads it back
 * as the bare value, so an export can be imported again.
 *
 * Encoding: UTF-8 with a byte order mark (so Excel recognises it), or
 * GB18030 without one for Excel versions that ignore the BOM (enc=gbk or
 * enc=gb18030).  GB18030 writes every GBK character with GBK's bytes, so
 * it opens as the GBK export did, and has four-byte forms for the rest, so
 * a name with 𠮷 (CJK Extension B) is no longer replaced by '?' (see
 * utf8_to_gb18030 for which readers show those).
 */
#ifndef TUCAI_CSVOUT_H
#define TUCAI_CSVOUT_H

#include <stddef.h>

struct csvout {
	char	*buf;		/* pending output, not NUL-terminated */
	size_t	 len, cap;
	int	 gbk;		/* encode fields as GB18030 (GBK's superset) */
	size_t	 nfields;	/* fields in the current record */
	int	 err;		/* sticky: out of memory or bad input */
};

/* Start a writer (gbk = 0: UTF-8, begins with a BOM; gbk = 1: GB18030,
 * no BOM).  Returns 0, or -1 out of memory (the writer is then in error). */
int	 csvout_init(struct csvout *, int gbk);

/* Append one field (UTF-8, NULL = empty).  Returns 0, or -1 if the text
 * is not valid UTF-8 or memory ran out; the error sticks and
 * csvout_take() will fail. */
int	 csvout_field(struct csvout *, const char *utf8);

/* Append one field of a long-number column (ID number, 学号, 采集码) so
 * that Excel keeps it as text: ="..." as described above when the value
 * is made of [0-9A-Za-z_*-], else as csvout_field().  Returns as that. */
int	 csvout_text(struct csvout *, const char *utf8);

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
