/*
 * test_image.c - unit tests for cgi/infra/image.c (TAP).
 *
 * Generates its corpus with t/lib/mkimages.sh (set "img") in a fresh
 * temporary folder, found through $srcdir, and removes it at the end.
 * Missing qrencode or ImageMagick make the run fail, not skip.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "infra/image.h"
#include "tap.h"

/* img_decode of a corpus file; returns its code (-100: unreadable). */
static int
decode_file(const char *name, int gray, unsigned denom, struct img *im)
{
	unsigned char	*b;
	size_t		 n;
	int		 rc;

	memset(im, 0, sizeof(*im));
	if ((b = corpus_read(name, &n)) == NULL)
		return -100;
	rc = img_decode(b, n, gray, denom, im);
	free(b);
	return rc;
}

/* Whether a JPEG holds an APP1 (EXIF/XMP) segment or the word "Exif". */
static int
has_meta(const unsigned char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i + 4 <= n; i++)
		if (memcmp(p + i, "Exif", 4) == 0)
			return 1;
	for (i = 2; i + 4 <= n && p[i] == 0xff; ) {
		if (p[i + 1] == 0xe1 || p[i + 1] == 0xed)
			return 1;
		if (p[i + 1] == 0xda)
			break;
		i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	}
	return 0;
}

/* Whether the JPEG is baseline (SOF0) with 3 components. */
static int
is_baseline_rgb(const unsigned char *p, size_t n)
{
	size_t	 i;

	for (i = 2; i + 10 <= n && p[i] == 0xff; ) {
		if (p[i + 1] == 0xc0)
			return p[i + 9] == 3;
		if (p[i + 1] >= 0xc1 && p[i + 1] <= 0xcf && p[i + 1] != 0xc4 &&
		    p[i + 1] != 0xc8 && p[i + 1] != 0xcc)
			return 0;
		if (p[i + 1] == 0xda)
			break;
		i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	}
	return 0;
}

static const unsigned char *
px_at(const struct img *im, unsigned x, unsigned y)
{

	return im->px + ((size_t)y * im->w + x) * im->ch;
}

static void
test_sniff(void)
{
	static const char *notimg[] = { "bad_text.png", "bad_html.png",
	    "bad_elf.png", "bad_pdf.jpg", "bad_svg.png", "bad_empty.jpg" };
	unsigned char	*b;
	size_t		 n, i;
	struct img	 im;
	int		 rc;

	b = corpus_read("qr_plain.png", &n);
	ok(b != NULL && img_sniff(b, n) == IMG_PNG, "sniff PNG");
	free(b);
	b = corpus_read("img_idcard.jpg", &n);
	ok(b != NULL && img_sniff(b, n) == IMG_JPEG, "sniff JPEG");
	free(b);
	ok(img_sniff(NULL, 0) == IMG_NONE, "sniff NULL");
	for (i = 0; i < sizeof(notimg) / sizeof(notimg[0]); i++) {
		b = corpus_read(notimg[i], &n);
		ok(b != NULL && img_sniff(b, n) == IMG_NONE,
		    "sniff %s: not an image", notimg[i]);
		free(b);
		rc = decode_file(notimg[i], 0, 1, &im);
		ok(rc == IMG_NOTIMAGE && im.px == NULL,
		    "decode %s: IMG_NOTIMAGE (%d)", notimg[i], rc);
	}
	b = corpus_read("bad_magic.jpg", &n);
	ok(b != NULL && img_sniff(b, n) == IMG_JPEG,
	    "libmagic takes a bare JPEG signature for JPEG");
	free(b);
	rc = decode_file("bad_magic.jpg", 0, 1, &im);
	ok(rc == IMG_CORRUPT, "... but decoding says IMG_CORRUPT (%d)", rc);
}

static void
test_dims(void)
{
	struct img	 im;
	unsigned char	*b;
	size_t		 n;
	unsigned	 w, h;
	int		 rc;

	b = corpus_read("qr_plain.png", &n);
	rc = img_dims(b, n, IMG_PNG, &w, &h);
	ok(rc == IMG_OK && w == h && w > 100 && decode_file("qr_plain.png",
	    1, 1, &im) == IMG_OK && im.w == w && im.h == h,
	    "dims PNG from IHDR = decoded size");
	img_free(&im);
	free(b);
	b = corpus_read("img_idcard.jpg", &n);
	rc = img_dims(b, n, IMG_JPEG, &w, &h);
	ok(rc == IMG_OK && w == 2400 && h == 1500, "dims JPEG %ux%u", w, h);
	free(b);
	b = corpus_read("bad_flood.png", &n);
	rc = img_dims(b, n, img_sniff(b, n), &w, &h);
	ok(rc == IMG_TOOBIG && w == 30000 && h == 30000,
	    "pixel-flood PNG 30000x30000 refused from IHDR (%d)", rc);
	free(b);
	b = corpus_read("bad_flood.jpg", &n);
	rc = img_dims(b, n, img_sniff(b, n), &w, &h);
	ok(rc == IMG_TOOBIG && w == 65535 && h == 65535,
	    "JPEG SOF 65535x65535 refused from the header (%d)", rc);
	free(b);
	/* The pixel budget (40 MP, 10,000 px a side), read from IHDR. */
	b = corpus_read("qr_plain.png", &n);
	{
		static const struct { unsigned w, h; int want; } t[] = {
			{ 19999, 2000, IMG_TOOBIG },	/* 40 MP minus a bit */
			{ 10001, 100, IMG_TOOBIG },	/* a side too long */
			{ 9999, 4000, IMG_OK },		/* just inside */
			{ 8000, 5001, IMG_TOOBIG },	/* over 40 MP */
		};
		size_t	 i;
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			unsigned char *p = b + 16;
			p[0] = t[i].w >> 24; p[1] = t[i].w >> 16;
			p[2] = t[i].w >> 8; p[3] = t[i].w;
			p[4] = t[i].h >> 24; p[5] = t[i].h >> 16;
			p[6] = t[i].h >> 8; p[7] = t[i].h;
			rc = img_dims(b, n, IMG_PNG, &w, &h);
			ok(rc == t[i].want, "pixel budget: %ux%u -> %d",
			    t[i].w, t[i].h, rc);
		}
	}
	free(b);
}

static void
test_bad(void)
{
	static const struct {
		const char	*f;
		int		 rc;
	} t[] = {
		{ "bad_flood.png", IMG_TOOBIG },
		{ "bad_flood.jpg", IMG_TOOBIG },
		{ "bad_trunc.png", IMG_CORRUPT },
		{ "bad_trunc.jpg", IMG_CORRUPT },
		{ "bad_corrupt.jpg", IMG_CORRUPT },
	};
	struct img	 im;
	size_t		 i;
	int		 rc, g;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (g = 0; g < 2; g++) {
			rc = decode_file(t[i].f, g, 1, &im);
			ok(rc == t[i].rc && im.px == NULL,
			    "decode %s %s: %d (want %d)", t[i].f,
			    g ? "gray" : "rgb", rc, t[i].rc);
		}
}

/* Every truncation and many random byte changes: no crash, no leak. */
static void
test_damage(const char *name)
{
	unsigned char	*b, *c;
	size_t		 n, cut, i;
	struct img	 im;
	unsigned	 k, bad = 0, okc = 0, seed = 12345;
	int		 rc;

	b = corpus_read(name, &n);
	if (b == NULL || (c = malloc(n)) == NULL) {
		ok(0, "%s: readable", name);
		free(b);
		return;
	}
	for (k = 0; k < 32; k++) {
		cut = n * k / 32;
		rc = img_decode(b, cut, 0, 1, &im);
		if (rc == IMG_OK)
			bad++;
		img_free(&im);
	}
	ok(bad == 0, "%s: 32 truncations all refused (%u decoded)", name, bad);
	bad = 0;
	for (k = 0; k < 300; k++) {
		memcpy(c, b, n);
		for (i = 0; i < 1 + k % 8; i++) {
			seed = seed * 1103515245 + 12345;
			c[(seed >> 8) % n] = (unsigned char)(seed >> 20);
		}
		rc = img_decode(c, n, k & 1, 1 << (k % 4), &im);
		if (rc == IMG_OK) {
			okc++;
			if (im.px == NULL || im.w == 0 || im.h == 0)
				bad++;
		} else if (rc != IMG_NOTIMAGE && rc != IMG_CORRUPT &&
		    rc != IMG_TOOBIG) {
			printf("# mutation %u: %d\n", k, rc);
			bad++;
		}
		img_free(&im);
	}
	ok(bad == 0, "%s: 300 mutations handled (%u still decoded)",
	    name, okc);
	free(c);
	free(b);
}

/*
 * A JPEG is decoded only when whole: its lost data replaced by zeros
 * (which may decode as valid codes) and no EOI is refused; harmless
 * oddities cameras write pass: extraneous bytes before EOI, data after
 * it (the further images of an MPF file).
 */
static void
test_whole(void)
{
	unsigned char	*b, *c, *j;
	size_t		 n, m, jl;
	struct img	 im;
	int		 rc, rg, q, bg;

	b = corpus_read("img_idcard.jpg", &n);
	if (b == NULL || n < 4000 || b[n - 2] != 0xff || b[n - 1] != 0xd9 ||
	    (c = malloc(n + 1000)) == NULL) {
		ok(0, "img_idcard.jpg readable, ends with EOI");
		free(b);
		return;
	}
	m = n / 3;
	memcpy(c, b, m);
	memset(c + m, 0, 5000);
	rc = img_photo(c, m + 5000, 200 * 1024, &j, &jl, &q, &bg);
	rg = img_decode(c, m + 5000, 1, 4, &im);
	img_free(&im);
	ok(rc == IMG_CORRUPT && j == NULL && rg == IMG_CORRUPT,
	    "JPEG data lost to zeros, no EOI: photo %d, gray %d", rc, rg);

	memcpy(c, b, n - 2);
	memcpy(c + n - 2, "\x12\x34\xff\xd9", 4);
	rc = img_photo(c, n + 2, 200 * 1024, &j, &jl, &q, &bg);
	free(j);
	rg = img_decode(c, n + 2, 1, 4, &im);
	img_free(&im);
	ok(rc == IMG_OK && rg == IMG_OK,
	    "extraneous bytes before EOI pass: photo %d, gray %d", rc, rg);

	memcpy(c, b, n);
	memset(c + n, 0xa5, 1000);
	rc = img_photo(c, n + 1000, 200 * 1024, &j, &jl, &q, &bg);
	free(j);
	rg = img_decode(c, n + 1000, 0, 1, &im);
	img_free(&im);
	ok(rc == IMG_OK && rg == IMG_OK,
	    "data after EOI passes: photo %d, rgb %d", rc, rg);
	free(c);
	free(b);
}

static void
test_decode(void)
{
	struct img	 im;
	unsigned	 w;
	const unsigned char *p;
	int		 rc;

	rc = decode_file("img_orient6.jpg", 0, 1, &im);
	ok(rc == IMG_OK && im.w == 60 && im.h == 40 && im.ch == 3,
	    "EXIF orientation 6: stored 40x60 decoded upright %ux%u",
	    im.w, im.h);
	if (rc == IMG_OK) {
		p = px_at(&im, 4, 4);
		ok(p[0] > 200 && p[1] < 80 && p[2] < 80,
		    "red block top-left after orientation (%u,%u,%u)",
		    p[0], p[1], p[2]);
		p = px_at(&im, 55, 35);
		ok(p[0] > 200 && p[1] > 200 && p[2] > 200,
		    "white bottom-right after orientation");
	} else {
		ok(0, "red block top-left after orientation");
		ok(0, "white bottom-right after orientation");
	}
	img_free(&im);
	rc = decode_file("img_orient6.jpg", 1, 1, &im);
	ok(rc == IMG_OK && im.w == 60 && im.h == 40 && im.ch == 1,
	    "EXIF orientation 6, gray: %ux%u ch %u", im.w, im.h, im.ch);
	img_free(&im);

	rc = decode_file("img_idcard.jpg", 1, 4, &im);
	ok(rc == IMG_OK && im.w == 600 && im.h == 375 && im.ch == 1,
	    "JPEG at 1/4 gray: %ux%u", im.w, im.h);
	img_free(&im);
	rc = decode_file("img_idcard.jpg", 0, 8, &im);
	ok(rc == IMG_OK && im.w == 300 && im.h == 187 && im.ch == 3,
	    "JPEG at 1/8 RGB: %ux%u (sides rounded down)", im.w, im.h);
	img_free(&im);
	rc = decode_file("qr_plain.png", 1, 1, &im);
	w = im.w;
	img_free(&im);
	rc = decode_file("qr_plain.png", 1, 2, &im);
	ok(rc == IMG_OK && im.w == w / 2 && im.h == w / 2 && im.ch == 1,
	    "PNG at 1/2 gray: %ux%u from %u", im.w, im.h, w);
	img_free(&im);

	rc = decode_file("img_rgba.png", 0, 1, &im);
	ok(rc == IMG_OK && im.w == 100 && im.ch == 3 &&
	    px_at(&im, 50, 50)[0] < 20 && px_at(&im, 2, 2)[0] > 235 &&
	    px_at(&im, 2, 2)[2] > 235,
	    "transparent PNG composited on white");
	img_free(&im);
	rc = decode_file("img_rgba.png", 1, 1, &im);
	ok(rc == IMG_OK && im.ch == 1 && im.px[50 * 100 + 50] < 20 &&
	    im.px[0] > 235, "transparent PNG, gray");
	img_free(&im);
	img_free(NULL);
	ok(1, "img_free(NULL) is harmless");
}

static void
test_photo(void)
{
	unsigned char	*b, *j;
	size_t		 n, jl, jl90;
	struct img	 im;
	unsigned	 w, h;
	int		 rc, q, bg;
	double		 t0, t1;

	b = corpus_read("img_portrait.jpg", &n);
	t0 = corpus_ms();
	rc = img_photo(b, n, 100 * 1024, &j, &jl, &q, &bg);
	t1 = corpus_ms();
	printf("# img_photo 1200x1600 JPEG -> 480x640: %.1f ms, q%d, %zu bytes\n",
	    t1 - t0, q, jl);
	ok(rc == IMG_OK && j != NULL, "photo: normalised (%d)", rc);
	ok(rc == IMG_OK && img_sniff(j, jl) == IMG_JPEG &&
	    img_dims(j, jl, IMG_JPEG, &w, &h) == IMG_OK && w == 480 &&
	    h == 640, "photo: JPEG 480x640");
	ok(rc == IMG_OK && is_baseline_rgb(j, jl), "photo: baseline, 3 components");
	ok(rc == IMG_OK && !has_meta(j, jl), "photo: no EXIF/metadata");
	ok(q >= 60 && q <= 90 && jl <= 100 * 1024, "photo: q%d, %zu bytes", q, jl);
	ok(bg == 1, "photo: uniform light background detected");
	ok(rc == IMG_OK && img_decode(j, jl, 0, 1, &im) == IMG_OK &&
	    im.w == 480 && im.h == 640, "photo: output decodes");
	img_free(&im);
	free(j);

	/* Quality steps: just under the q90 size forces a lower quality. */
	rc = img_photo(b, n, SIZE_MAX, &j, &jl90, &q, &bg);
	ok(rc == IMG_OK && q == 90, "photo: q90 when size allows");
	free(j);
	rc = img_photo(b, n, jl90 - 1, &j, &jl, &q, &bg);
	ok(rc == IMG_OK && q < 90 && q >= 60 && jl < jl90,
	    "photo: lower quality q%d to fit %zu bytes", q, jl90 - 1);
	free(j);
	rc = img_photo(b, n, 2000, &j, &jl, &q, &bg);
	ok(rc == IMG_TOOBIG && j == NULL && jl == 0,
	    "photo: IMG_TOOBIG when even q60 is too big");
	free(b);

	b = corpus_read("img_portrait_busy.jpg", &n);
	rc = img_photo(b, n, 200 * 1024, &j, &jl, &q, &bg);
	ok(rc == IMG_OK && bg == 0, "photo: busy background not ok");
	free(j);
	free(b);

	b = corpus_read("img_idcard.jpg", &n);
	rc = img_photo(b, n, 200 * 1024, &j, &jl, &q, &bg);
	ok(rc == IMG_OK && img_dims(j, jl, IMG_JPEG, &w, &h) == IMG_OK &&
	    w == 480 && h == 640, "photo: landscape input cropped to 3:4");
	free(j);
	free(b);

	/* Orientation applied before the crop: red block stays top-left. */
	b = corpus_read("img_orient6.jpg", &n);
	rc = img_photo(b, n, 200 * 1024, &j, &jl, &q, &bg);
	ok(rc == IMG_OK && img_decode(j, jl, 0, 1, &im) == IMG_OK &&
	    px_at(&im, 20, 40)[0] > 180 && px_at(&im, 20, 40)[1] < 100 &&
	    px_at(&im, 400, 600)[1] > 200,
	    "photo: EXIF orientation applied before cropping");
	img_free(&im);
	free(j);
	free(b);

	b = corpus_read("bad_flood.png", &n);
	rc = img_photo(b, n, 100000, &j, &jl, &q, &bg);
	ok(rc == IMG_TOOBIG && j == NULL, "photo: pixel flood refused");
	free(b);
	b = corpus_read("bad_html.png", &n);
	rc = img_photo(b, n, 100000, &j, &jl, &q, &bg);
	ok(rc == IMG_NOTIMAGE && j == NULL, "photo: HTML refused");
	free(b);
}

static void
test_idcard(void)
{
	unsigned char	*b, *j;
	size_t		 n, jl;
	unsigned	 w, h;
	int		 rc;
	double		 t0, t1;

	b = corpus_read("img_idcard.jpg", &n);
	t0 = corpus_ms();
	rc = img_reencode_idcard(b, n, &j, &jl);
	t1 = corpus_ms();
	printf("# img_reencode_idcard 2400x1500 -> 1600x1000: %.1f ms\n",
	    t1 - t0);
	w = h = 0;
	if (rc == IMG_OK)
		img_dims(j, jl, IMG_JPEG, &w, &h);
	ok(rc == IMG_OK && w == 1600 && h == 1000, "idcard: scaled to %ux%u",
	    w, h);
	ok(rc == IMG_OK && !has_meta(j, jl), "idcard: no metadata");
	free(j);
	free(b);

	b = corpus_read("qr_plain.png", &n);
	rc = img_reencode_idcard(b, n, &j, &jl);
	ok(rc == IMG_CORRUPT && j == NULL,
	    "idcard: 148 px PNG too small (%d)", rc);
	free(b);
	b = corpus_read("img_tiny.jpg", &n);
	rc = img_reencode_idcard(b, n, &j, &jl);
	ok(rc == IMG_CORRUPT && j == NULL, "idcard: 150x100 refused (%d)", rc);
	free(b);
	b = corpus_read("img_blank.jpg", &n);
	rc = img_reencode_idcard(b, n, &j, &jl);
	ok(rc == IMG_CORRUPT && j == NULL, "idcard: uniform image refused (%d)",
	    rc);
	free(b);
	b = corpus_read("img_portrait.jpg", &n);
	rc = img_reencode_idcard(b, n, &j, &jl);
	w = h = 0;
	if (rc == IMG_OK)
		img_dims(j, jl, IMG_JPEG, &w, &h);
	ok(rc == IMG_OK && w == 1200 && h == 1600, "idcard: 1200x1600 kept "
	    "(%ux%u)", w, h);
	free(j);
	free(b);
	b = corpus_read("img_orient6.jpg", &n);
	rc = img_reencode_idcard(b, n, &j, &jl);
	ok(rc == IMG_CORRUPT, "idcard: 60x40 refused");
	free(b);
	b = corpus_read("bad_flood.jpg", &n);
	rc = img_reencode_idcard(b, n, &j, &jl);
	ok(rc == IMG_TOOBIG && j == NULL, "idcard: flood JPEG refused");
	free(b);
	b = corpus_read("bad_svg.png", &n);
	rc = img_reencode_idcard(b, n, &j, &jl);
	ok(rc == IMG_NOTIMAGE && j == NULL, "idcard: SVG refused");
	free(b);
}

int
main(void)
{

	if (corpus_open("img") == -1)
		return 1;
	ok(img_init() == 0 && img_init() == 0, "img_init, twice");
	if (corpus_make("TUCAI-IMAGE-TEST", "img") == -1) {
		ok(0, "t/lib/mkimages.sh (needs qrencode, /usr/bin/convert)");
		corpus_close();
		tap_done();
		return 1;
	}
	test_sniff();
	test_dims();
	test_bad();
	test_damage("qr_plain.png");
	test_damage("img_orient6.jpg");
	test_whole();
	test_decode();
	test_photo();
	test_idcard();
	corpus_close();
	return tap_done();
}
