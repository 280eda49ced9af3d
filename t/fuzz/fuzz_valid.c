/*
 * fuzz_valid.c - fuzz harness for the form-field validators (valid.c),
 * the first code that sees every query and form value.  The first byte
 * picks the field type, the rest is the value.  Promises checked: a value
 * that validates is valid UTF-8 without control characters (but newlines
 * for FT_LINES), within its length, and numbers are in range.
 *
 * libFuzzer:  clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *   -DTUCAI_LIBFUZZER -Icgi t/fuzz/fuzz_valid.c cgi/infra/valid.c \
 *   cgi/infra/text.c -o fuzz_valid && ./fuzz_valid t/fuzz/corpus/fields
 * Plain (AFL, regression): main() runs each file named on the command line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infra/text.h"
#include "infra/valid.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ftype types[] = { FT_INT, FT_TEXT, FT_LINES, FT_CODE,
	    FT_DATE, FT_TIME, FT_MONEY, FT_BOOL, FT_RAW };
	struct field	 f = { "x", FT_TEXT, 64, F_REQ, "x" };
	struct fval	 fv;
	char		*v;
	const char	*msg;
	size_t		 n, i;

	if (size < 1)
		return 0;
	f.type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	if ((v = malloc(size)) == NULL)
		return 0;
	memcpy(v, data + 1, size - 1);
	v[size - 1] = '\0';	/* the CGI kit hands over C strings */
	memset(&fv, 0, sizeof(fv));
	msg = valid_field(&f, v, &fv);
	if (msg != NULL && !utf8_valid(msg, strlen(msg)))
		abort();
	if (msg == NULL && fv.set) {
		n = strlen(fv.s);
		if (n > f.max || !utf8_valid(fv.s, n))
			abort();
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)fv.s[i];
			if (c == 0x7f || (c < 0x20 && !(f.type == FT_LINES &&
			    (c == '\n' || c == '\r' || c == '\t'))))
				abort();
		}
		if ((f.type == FT_INT || f.type == FT_MONEY) && fv.i < 0)
			abort();
	}
	free(v);
	return 0;
}

#ifndef TUCAI_LIBFUZZER
int
main(int argc, char *argv[])
{
	FILE	*fp;
	uint8_t	 buf[4096];
	size_t	 len;
	int	 i;

	for (i = 1; i < argc; i++) {
		if ((fp = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		len = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, len);
	}
	return 0;
}
#endif
