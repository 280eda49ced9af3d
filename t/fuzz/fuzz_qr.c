/*
 * fuzz_qr.c - fuzz harness for qr_decode_image() (and so for the whole
 * image path: libmagic sniffing, header checks, libjpeg, libvips, zbar).
 *
 * libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DTUCAI_LIBFUZZER \
 *     -Icgi $(pkg-config --cflags zbar libqrencode libpng libjpeg \
 *     vips libmagic) cgi/infra/image.c cgi/infra/qr.c t/fuzz/fuzz_qr.c \
 *     $(pkg-config --libs zbar libqrencode libpng libjpeg vips \
 *     libmagic) -o fuzz_qr
 *   ./fuzz_qr -max_len=2000000 -rss_limit_mb=1024 CORPUS_DIR
 *   (seed CORPUS_DIR with t/lib/mkimages.sh output)
 *
 * AFL or plain runs (no -DTUCAI_LIBFUZZER): the main() below runs each
 * file named on the command line once ("@@" for AFL), e.g.
 *   afl-clang-fast ... -o fuzz_qr && afl-fuzz -i in -o out ./fuzz_qr @@
 * and prints each result code.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "infra/image.h"
#include "infra/qr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 inited;
	char		*payload;
	size_t		 plen;
	int		 rc;

	if (!inited) {
		if (img_init() == -1)
			abort();
		inited = 1;
	}
	rc = qr_decode_image(data, size, &payload, &plen);
	if (rc == IMG_OK && (payload == NULL || payload[plen] != '\0'))
		abort();
	if (rc != IMG_OK && payload != NULL)
		abort();
	free(payload);
	return 0;
}

#ifndef TUCAI_LIBFUZZER
/* Reads a whole file into a malloc'd buffer; NULL on error. */
static unsigned char *
slurp(const char *fn, size_t *len)
{
	FILE		*f;
	unsigned char	*b = NULL, *nb;
	size_t		 cap = 0, n = 0, r;

	if ((f = fopen(fn, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(b, cap)) == NULL) {
				free(b);
				fclose(f);
				return NULL;
			}
			b = nb;
		}
		if ((r = fread(b + n, 1, cap - n, f)) == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return b;
}

int
main(int argc, char *argv[])
{
	unsigned char	*b;
	size_t		 n, plen;
	char		*payload;
	int		 i, rc;

	if (img_init() == -1) {
		fprintf(stderr, "img_init failed\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if ((b = slurp(argv[i], &n)) == NULL) {
			perror(argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput(b, n);
		rc = qr_decode_image(b, n, &payload, &plen);
		printf("%s: %d%s%s\n", argv[i], rc, rc == IMG_OK ? " " : "",
		    rc == IMG_OK ? payload : "");
		free(payload);
		free(b);
	}
	return 0;
}
#endif
