/*
 * fuzz_roster.c - fuzz harness for roster_parse().
 *
 * libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DTUCAI_LIBFUZZER \
 *     -Icgi -I/usr/include/ClearSilver -DSYSCONFDIR='"/etc"' \
 *     -DPKGDATADIR='"."' t/fuzz/fuzz_roster.c cgi/domain/roster.c \
 *     cgi/infra/text.c cgi/infra/idnum.c cgi/infra/lang.c \
 *     cgi/infra/config.c cgi/infra/log.c -lcsv -lneo_utl -lsodium \
 *     -lz -o fuzz_roster
 *   TUCAI_LANG=lang ./fuzz_roster t/fuzz/corpus/roster
 * The roster's column names are words (lang/zh.hdf): the harness reads
 * them from $TUCAI_LANG, else $srcdir/lang, else ./lang, and stops when
 * it cannot (without them no header would ever match).
 * AFL++ or a plain build: compile without -DTUCAI_LIBFUZZER and run
 *   fuzz_roster FILE...   (or read standard input when no FILE is given).
 *
 * Besides crashes it checks the promises of roster.h: every row's strings
 * are valid UTF-8, non-empty and free of control characters, rejects come
 * in line order with a reason, and a refusal leaves the roster empty.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infra/idnum.h"
#include "infra/lang.h"
#include "domain/roster.h"
#include "infra/text.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The words, once: see above. */
static void
words(void)
{
	static int	 loaded;
	const char	*dir = getenv("TUCAI_LANG"), *src = getenv("srcdir");
	char		 buf[1024];

	if (loaded)
		return;
	if (dir == NULL && src != NULL) {
		snprintf(buf, sizeof(buf), "%s/lang", src);
		dir = buf;
	}
	if (lang_load(dir != NULL ? dir : "lang") != 0) {
		fprintf(stderr, "fuzz_roster: cannot read zh.hdf (set "
		    "TUCAI_LANG to the lang folder)\n");
		abort();
	}
	loaded = 1;
}

/* Abort if s breaks the field promises. */
static void
check_field(const char *s)
{

	if (s == NULL || s[0] == '\0' || !utf8_valid(s, strlen(s)) ||
	    utf8_has_control(s))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roster	 r;
	char		 err[256], norm[19];
	size_t		 i;

	words();
	if (roster_parse(data, size, &r, err, sizeof(err)) != 0) {
		if (r.nrows != 0 || r.nrejects != 0 || err[0] == '\0' ||
		    !utf8_valid(err, strlen(err)))
			abort();
		return 0;
	}
	if (r.encoding == NULL)
		abort();
	for (i = 0; i < r.nrows; i++) {
		check_field(r.rows[i].collect_code);
		check_field(r.rows[i].name);
		check_field(r.rows[i].student_no);
		check_field(r.rows[i].edu_category);
		check_field(r.rows[i].edu_level);
		check_field(r.rows[i].class_name);
		if (idnum_check(r.rows[i].id_number, norm, NULL) != 1 ||
		    strcmp(norm, r.rows[i].id_number) != 0)
			abort();
		if (i > 0 && r.rows[i].line <= r.rows[i - 1].line)
			abort();
	}
	for (i = 0; i < r.nrejects; i++) {
		if (r.rejects[i].reason == NULL ||
		    !utf8_valid(r.rejects[i].reason,
		    strlen(r.rejects[i].reason)))
			abort();
		if (i > 0 && r.rejects[i].line <= r.rejects[i - 1].line)
			abort();
	}
	roster_free(&r);
	return 0;
}

#ifndef TUCAI_LIBFUZZER
/* Read all of fp.  Returns a malloc'd buffer (caller frees) or NULL. */
static uint8_t *
slurp(FILE *fp, size_t *len)
{
	uint8_t	*buf = NULL, *nb;
	size_t	 cap = 0, n;

	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, fp);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
main(int argc, char *argv[])
{
	FILE	*fp;
	uint8_t	*buf;
	size_t	 len;
	int	 i;

	for (i = 1; i < argc || (argc == 1 && i == 1); i++) {
		fp = argc == 1 ? stdin : fopen(argv[i], "rb");
		if (fp == NULL) {
			perror(argv[i]);
			return 1;
		}
		buf = slurp(fp, &len);
		if (fp != stdin)
			fclose(fp);
		if (buf == NULL) {
			fprintf(stderr, "%s: read failed\n",
			    argc == 1 ? "stdin" : argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return 0;
}
#endif
