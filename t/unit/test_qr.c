/*
 * test_qr.c - unit tests for cgi/infra/qr.c (TAP).
 *
 * Round trips through qr_encode_png and qr_decode_image, then decodes
 * the corpus made by t/lib/mkimages.sh (set "qr": screenshots, turned,
 * perspective, EXIF-oriented, screen photos, noisy 12 MP photos, and
 * hostile files) in a fresh temporary folder found through $srcdir.
 * Prints the decode rate and times as TAP comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "infra/image.h"
#include "infra/qr.h"
#include "tap.h"

#define PAYLOAD	"TC-采集码-café-20250101-0007"

/* Expected results for the hostile files. */
static const struct {
	const char	*f;
	int		 rc;
} bad[] = {
	{ "bad_text.png", IMG_NOTIMAGE },
	{ "bad_html.png", IMG_NOTIMAGE },
	{ "bad_elf.png", IMG_NOTIMAGE },
	{ "bad_pdf.jpg", IMG_NOTIMAGE },
	{ "bad_svg.png", IMG_NOTIMAGE },
	{ "bad_empty.jpg", IMG_NOTIMAGE },
	{ "bad_magic.jpg", IMG_CORRUPT },
	{ "bad_trunc.png", IMG_CORRUPT },
	{ "bad_trunc.jpg", IMG_CORRUPT },
	{ "bad_corrupt.jpg", IMG_CORRUPT },
	{ "bad_flood.png", IMG_TOOBIG },
	{ "bad_flood.jpg", IMG_TOOBIG },
};

static const char *good[] = {
	"qr_plain.png", "qr_screenshot.png", "qr_dark.png", "qr_rot90.png",
	"qr_rot180.png", "qr_rot15.png", "qr_persp.jpg", "qr_exif6.jpg",
	"qr_screen.jpg", "qr_photo12mp.jpg", "qr_exif12mp.jpg",
};

static void
test_encode(void)
{
	static const char	 bin[] = "\xff\xfe\x80\x01 binary \xc3\x28 ok";
	static const char	*texts[] = { "hello", PAYLOAD, bin,
	    "https://example.org/c?k=0123456789abcdef&t=1" };
	unsigned char		*png;
	size_t			 n, pl, i;
	char			*p, big[4000];
	unsigned		 w, h;
	int			 rc;

	rc = qr_encode_png("hello", 4, &png, &n);
	w = h = 0;
	if (rc == 0)
		img_dims(png, n, IMG_PNG, &w, &h);
	ok(rc == 0 && png != NULL && img_sniff(png, n) == IMG_PNG &&
	    w == (21 + 8) * 4 && h == w,
	    "encode: version 1 code, 4 px modules, quiet zone: %ux%u", w, h);
	free(png);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		rc = qr_encode_png(texts[i], 3, &png, &n);
		p = NULL;
		pl = 0;
		if (rc == 0)
			rc = qr_decode_image(png, n, &p, &pl);
		ok(rc == 0 && pl == strlen(texts[i]) &&
		    memcmp(p, texts[i], pl) == 0 && p[pl] == '\0',
		    "encode/decode round trip %zu (%zu bytes, binary-safe)",
		    i, pl);
		free(p);
		free(png);
	}
	ok(qr_encode_png("x", 0, &png, &n) == -1 && png == NULL,
	    "encode: scale 0 refused");
	ok(qr_encode_png("x", 65, &png, &n) == -1 && png == NULL,
	    "encode: scale 65 refused");
	ok(qr_encode_png(NULL, 4, &png, &n) == -1 && png == NULL,
	    "encode: NULL refused");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(qr_encode_png(big, 4, &png, &n) == -1 && png == NULL,
	    "encode: 3999 bytes too long for level M");
}

static void
test_corpus(void)
{
	unsigned char	*b;
	size_t		 n, pl, i;
	char		*p;
	int		 rc, found = 0;
	double		 t0, t1, tsum = 0, tmax = 0;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if ((b = corpus_read(good[i], &n)) == NULL) {
			ok(0, "%s: readable", good[i]);
			continue;
		}
		t0 = corpus_ms();
		rc = qr_decode_image(b, n, &p, &pl);
		t1 = corpus_ms();
		tsum += t1 - t0;
		if (t1 - t0 > tmax)
			tmax = t1 - t0;
		ok(rc == IMG_OK && pl == strlen(PAYLOAD) &&
		    strcmp(p, PAYLOAD) == 0, "decode %s (%.1f ms)", good[i],
		    t1 - t0);
		if (rc == IMG_OK && strcmp(p, PAYLOAD) == 0)
			found++;
		free(p);
		free(b);
	}
	printf("# decode rate %d/%zu, mean %.1f ms, max %.1f ms\n", found,
	    sizeof(good) / sizeof(good[0]),
	    tsum / (sizeof(good) / sizeof(good[0])), tmax);

	b = corpus_read("noqr_photo.jpg", &n);
	rc = qr_decode_image(b, n, &p, &pl);
	ok(rc == QR_NONE && p == NULL && pl == 0,
	    "photo without a code: QR_NONE (%d)", rc);
	free(b);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = corpus_read(bad[i].f, &n);
		p = (char *)1;
		rc = qr_decode_image(b, n, &p, &pl);
		ok(rc == bad[i].rc && p == NULL, "%s: %d (want %d)", bad[i].f,
		    rc, bad[i].rc);
		free(b);
	}
}

int
main(void)
{

	if (corpus_open("qr") == -1)
		return 1;
	ok(img_init() == 0, "img_init");
	test_encode();
	if (corpus_make(PAYLOAD, "qr") == -1) {
		ok(0, "t/lib/mkimages.sh (needs qrencode, /usr/bin/convert)");
		corpus_close();
		tap_done();
		return 1;
	}
	test_corpus();
	corpus_close();
	return tap_done();
}
