/*
 * xlsxout.h - one-sheet .xlsx workbooks for exports, written with
 * Debian's libxlsxwriter.
 *
 * Every cell is a string cell (worksheet_write_string), so Excel never
 * turns an 18-digit ID number into 5.10107E+17 or drops a 学号's leading
 * zeros; columns declared as text also carry the number format "@" (文本),
 * so a value typed into them later stays text too.  A string cell is never
 * a formula, whatever it begins with: no apostrophe defence is needed
 * (unlike csvout.h), and none is added, so the cells hold the exact text.
 * Row 0 is the header: bold, frozen, with an autofilter.  Column widths
 * follow the widest value (a non-ASCII character counts two), within
 * limits.
 *
 * libxlsxwriter writes to a named file, not to memory: the workbook is
 * built in a mkstemp file (0600) under the given folder, in the library's
 * constant-memory mode (one row in memory at a time; its own temporary
 * files go to the same folder), and read back from the still-open file
 * descriptor when finished.  The file is unlinked as soon as the library
 * has written it, and by xlsxout_free() in every other case.
 *
 * Use: xlsxout_open, xlsxout_text_column..., (xlsxout_cell...,
 * xlsxout_endrow)..., xlsxout_finish, then the headers, xlsxout_send,
 * xlsxout_free.
 */
#ifndef TUCAI_XLSXOUT_H
#define TUCAI_XLSXOUT_H

#include <stddef.h>

#define XLSXOUT_MAXCOLS	16

/* Where the finished workbook goes: returns 0, or -1 to stop. */
typedef int (*xlsxout_sink)(void *arg, const void *buf, size_t len);

struct xlsxout;

/* Start a workbook with one sheet named sheet (UTF-8, at most 31
 * characters, none of []:*?/\) in the folder tmpdir.  Returns the writer
 * (end it with xlsxout_free()), or NULL (folder not writable, out of
 * memory, libxlsxwriter refused; logged). */
struct xlsxout	*xlsxout_open(const char *tmpdir, const char *sheet);

/* Declare column col (0-based, < XLSXOUT_MAXCOLS) as text: its cells get
 * the "@" format.  Returns 0, or -1 (col out of range). */
int		 xlsxout_text_column(struct xlsxout *, int col);

/* Append one string cell (UTF-8, NULL = empty) to the current row.
 * Returns 0, or -1 (invalid UTF-8, more than XLSXOUT_MAXCOLS cells, the
 * sheet's row limit, library error; logged); the error sticks and
 * xlsxout_finish() fails. */
int		 xlsxout_cell(struct xlsxout *, const char *utf8);

/* End the current row (the first row is the header).  Returns 0 or -1. */
int		 xlsxout_endrow(struct xlsxout *);

/* Rows written so far, the header included. */
size_t		 xlsxout_rows(const struct xlsxout *);

/* Write the workbook out (widths, filter, the zip container).  Returns 0,
 * or -1 when it could not be finished (an earlier error, disk full;
 * logged): nothing was sent, the caller can still answer 500. */
int		 xlsxout_finish(struct xlsxout *);

/* Hand the finished workbook to sink in chunks.  Returns 0, or -1 (not
 * finished, read error, or the sink stopped). */
int		 xlsxout_send(struct xlsxout *, xlsxout_sink, void *arg);

/* Remove the file and free the writer, finished or not (NULL-safe). */
void		 xlsxout_free(struct xlsxout *);

#endif
