/*
 * xlsxout.c - .xlsx export writer, see xlsxout.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "infra/log.h"
#include "infra/text.h"
#include "infra/xlsxout.h"

/* Column widths in Excel's units (characters of the default font). */
#define WIDTH_MIN	6
#define WIDTH_MAX	50

struct xlsxout {
	lxw_workbook	*wb;		/* NULL once finished */
	lxw_worksheet	*ws;
	lxw_format	*bold, *text, *headtext;
	char		*path;		/* NULL once unlinked */
	int		 fd;		/* the mkstemp file, read back */
	unsigned	 textcol;	/* bit c: column c is text */
	size_t		 width[XLSXOUT_MAXCOLS];
	int		 col, ncols;	/* next cell of the row, widest row */
	lxw_row_t	 row;
	int		 err, finished;
};

static void
lxw_fail(struct xlsxout *x, const char *what, lxw_error e)
{

	log_warn("xlsxout: %s: %s", what, lxw_strerror(e));
	x->err = 1;
}

struct xlsxout *
xlsxout_open(const char *tmpdir, const char *sheet)
{
	lxw_workbook_options	 opt;
	struct xlsxout		*x;
	size_t			 n;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->fd = -1;
	n = strlen(tmpdir) + sizeof("/tucai-xlsx-XXXXXX");
	if ((x->path = malloc(n)) == NULL)
		goto fail;
	snprintf(x->path, n, "%s/tucai-xlsx-XXXXXX", tmpdir);
	if ((x->fd = mkstemp(x->path)) == -1) {
		log_warn("xlsxout: mkstemp in %s: %s", tmpdir, strerror(errno));
		goto fail;
	}
	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = (char *)tmpdir;
	/* The library fopen()s the path again ("wb"): same inode, so the
	 * bytes can be read back from x->fd after the name is gone. */
	if ((x->wb = workbook_new_opt(x->path, &opt)) == NULL) {
		log_warn("xlsxout: workbook_new_opt failed");
		goto fail;
	}
	if ((x->ws = workbook_add_worksheet(x->wb, sheet)) == NULL ||
	    (x->bold = workbook_add_format(x->wb)) == NULL ||
	    (x->text = workbook_add_format(x->wb)) == NULL ||
	    (x->headtext = workbook_add_format(x->wb)) == NULL) {
		log_warn("xlsxout: sheet or format refused");
		goto fail;
	}
	format_set_bold(x->bold);
	format_set_num_format(x->text, "@");
	format_set_bold(x->headtext);
	format_set_num_format(x->headtext, "@");
	worksheet_freeze_panes(x->ws, 1, 0);
	return x;
fail:
	xlsxout_free(x);
	return NULL;
}

int
xlsxout_text_column(struct xlsxout *x, int col)
{

	if (col < 0 || col >= XLSXOUT_MAXCOLS)
		return -1;
	x->textcol |= 1U << col;
	return 0;
}

/* Display width of s in Excel's units: ASCII one, others two. */
static size_t
dwidth(const char *s)
{
	size_t	 w = 0;

	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x80)
			w++;
		else if (((unsigned char)*s & 0xC0) != 0x80)
			w += 2;
	return w;
}

int
xlsxout_cell(struct xlsxout *x, const char *utf8)
{
	const char	*s = utf8 == NULL ? "" : utf8;
	lxw_format	*f;
	lxw_error	 e;
	size_t		 w;

	if (x->err || x->finished)
		return -1;
	if (x->col >= XLSXOUT_MAXCOLS || x->row >= LXW_ROW_MAX ||
	    !utf8_valid(s, strlen(s))) {
		log_warn("xlsxout: cell refused (row %u, column %d)",
		    (unsigned)x->row, x->col);
		x->err = 1;
		return -1;
	}
	if (x->textcol & (1U << x->col))
		f = x->row == 0 ? x->headtext : x->text;
	else
		f = x->row == 0 ? x->bold : NULL;
	/* An empty string cell is a blank; write a formatted blank so the
	 * column's text format covers it too. */
	if (*s == '\0')
		e = worksheet_write_blank(x->ws, x->row, x->col, f);
	else
		e = worksheet_write_string(x->ws, x->row, x->col, s, f);
	if (e != LXW_NO_ERROR) {
		lxw_fail(x, "write_string", e);
		return -1;
	}
	if ((w = dwidth(s)) > x->width[x->col])
		x->width[x->col] = w;
	x->col++;
	return 0;
}

int
xlsxout_endrow(struct xlsxout *x)
{

	if (x->err || x->finished)
		return -1;
	if (x->col > x->ncols)
		x->ncols = x->col;
	x->col = 0;
	x->row++;
	return 0;
}

size_t
xlsxout_rows(const struct xlsxout *x)
{

	return x->row;
}

int
xlsxout_finish(struct xlsxout *x)
{
	lxw_error	 e;
	double		 w;
	int		 c;

	if (x->finished)
		return 0;
	if (x->wb == NULL)
		return -1;
	for (c = 0; !x->err && c < x->ncols; c++) {
		w = (double)x->width[c] + 2;
		w = w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
		e = worksheet_set_column(x->ws, c, c, w,
		    (x->textcol & (1U << c)) ? x->text : NULL);
		if (e != LXW_NO_ERROR)
			lxw_fail(x, "set_column", e);
	}
	if (!x->err && x->row > 0 && x->ncols > 0 &&
	    (e = worksheet_autofilter(x->ws, 0, 0, x->row - 1,
	    x->ncols - 1)) != LXW_NO_ERROR)
		lxw_fail(x, "autofilter", e);
	/* workbook_close() also frees the workbook, error or not. */
	e = workbook_close(x->wb);
	x->wb = NULL;
	if (e != LXW_NO_ERROR)
		lxw_fail(x, "workbook_close", e);
	if (unlink(x->path) == -1 && !x->err) {
		log_warn("xlsxout: unlink %s: %s", x->path, strerror(errno));
		x->err = 1;
	}
	free(x->path);
	x->path = NULL;
	if (x->err)
		return -1;
	x->finished = 1;
	return 0;
}

int
xlsxout_send(struct xlsxout *x, xlsxout_sink sink, void *arg)
{
	char	 buf[65536];
	ssize_t	 n;

	if (!x->finished || lseek(x->fd, 0, SEEK_SET) == -1)
		return -1;
	for (;;) {
		if ((n = read(x->fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("xlsxout: read back: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		if (sink(arg, buf, (size_t)n) != 0)
			return -1;
	}
}

void
xlsxout_free(struct xlsxout *x)
{

	if (x == NULL)
		return;
	/* The library has no other way to free an unfinished workbook. */
	if (x->wb != NULL)
		(void)workbook_close(x->wb);
	if (x->path != NULL) {
		(void)unlink(x->path);
		free(x->path);
	}
	if (x->fd != -1)
		(void)close(x->fd);
	free(x);
}
