/*
 * roster.h - the class roster a school uploads: a CSV file whose header
 * row names the columns 采集码,姓名,身份证号,学号,学历类别,学历层次,班级
 * in any order (other columns are ignored).  UTF-8 with or without a BOM,
 * or GBK as Excel saves it in China; the encoding is detected.
 *
 * Parsing is pure: no database, no logging.  Rows that break a rule are
 * returned as rejects with a Chinese reason and their line number; the
 * caller imports the good rows and prints the rejects.
 */
#ifndef TUCAI_ROSTER_H
#define TUCAI_ROSTER_H

#include <stddef.h>

#define ROSTER_MAXBYTES	(20 * 1024 * 1024)
#define ROSTER_MAXROWS	100000

/* One accepted student.  Every string is non-empty, trimmed, valid UTF-8
 * without control characters; id_number is normalised (uppercase X). */
struct roster_row {
	int	 line;		/* physical line of the record's start */
	char	*collect_code;	/* 采集码: 4..64 of [A-Za-z0-9_-] */
	char	*name;		/* 姓名: 1..64 characters */
	char	*id_number;	/* 身份证号: valid per idnum_check() */
	char	*student_no;	/* 学号: 1..32 of [A-Za-z0-9_-] */
	char	*edu_category;	/* 学历类别: 1..32 characters */
	char	*edu_level;	/* 学历层次: 1..32 characters */
	char	*class_name;	/* 班级: 1..64 characters */
};

/* One refused record, e.g. {5, "身份证号校验位错误"}, in line order. */
struct roster_reject {
	int	 line;
	char	*reason;
};

struct roster {
	struct roster_row	*rows;
	size_t			 nrows;
	struct roster_reject	*rejects;
	size_t			 nrejects;
	const char		*encoding;	/* static: "UTF-8" or "GBK" */
};

/*
 * Parse the whole file buf[0..len).  Returns 0 and fills *out (the caller
 * calls roster_free(), which frees every string), or -1 with a Chinese
 * message in err (errsz > 0) when the file as a whole is unusable: empty,
 * not text, not UTF-8 or GBK, larger than ROSTER_MAXBYTES, more than
 * ROSTER_MAXROWS records, no header, a required column missing or
 * repeated, a quote never closed; *out is then empty.  A file with a
 * header and no data rows parses to zero rows.
 *
 * Encoding: a UTF-8 BOM means UTF-8; else a file that is UTF-8 as a
 * whole is UTF-8, and one that is GB18030 as a whole is GBK; else the
 * first line with non-ASCII bytes (the header) decides, and rows with
 * bytes invalid in that encoding are rejected one by one.
 *
 * Line numbers are physical lines ("\r\n", "\n" or a lone "\r" each end
 * one; the header is normally line 1); a record containing a quoted
 * newline reports the line it starts on.  Records whose known fields are
 * all empty (",,,,,," as Excel leaves them) are skipped silently.
 * 采集码, 身份证号 and 学号 written as ="..." (tucai's own CSV export, see
 * csvout.h) are read as the bare value.  Lengths are counted in
 * characters, as the database's utf8mb4 columns count them.  Each
 * other record either becomes a row or a reject with the first problem
 * found.  A 采集码 seen before (compared ignoring ASCII case, as the
 * database does) rejects the later record: "采集码重复（与第N行）".
 */
int	 roster_parse(const void *buf, size_t len, struct roster *out,
	    char *err, size_t errsz);

/* Free everything roster_parse() allocated; leaves *r empty.  NULL-safe. */
void	 roster_free(struct roster *r);

/*
 * Move row i to the rejects with reason (kept in line order): for rules
 * only the database can check, e.g. an ID number another student of the
 * task has.  Returns 0, or -1 out of memory (nothing changed).
 */
int	 roster_drop_row(struct roster *r, size_t i, const char *reason);

#endif
