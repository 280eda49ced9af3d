/*
 * test_qr.c - unit tests for cgi/core/qr.c (TAP).
 *
 * Round trips through qr_encode_png and qr_decode_image, then decodes
 * the corpus made by t/lib/mkimages.sh (set "qr": screenshots, turned,
 * perspective, EXIF-oriented, screen photos, noisy 12 MP photos, and
 * hostile files) in a fresh temporary folder found through $srcdir.
 * Prints the decode rate and times as TAP comments.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image.h"
#include "qr.h"

static int	 tn, nfail;
static char	 dir[1024];

static void	 ok(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
ok(int cond, const char *fmt, ...)
{
	va_list	 ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tn);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!cond)
		nfail++;
}

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Runs mkimages.sh; returns 0 or -1. */
static int
mkimages(const char *out, const char *payload, const char *set)
{
	char		 script[PATH_MAX];
	const char	*src = getenv("srcdir");
	pid_t		 pid;
	int		 st;

	snprintf(script, sizeof(script), "%s/t/lib/mkimages.sh",
	    src != NULL ? src : ".");
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", script, out, payload, set, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void
rmtree(const char *d)
{
	DIR		*dp;
	struct dirent	*de;
	char		 p[PATH_MAX];

	if ((dp = opendir(d)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", d, de->d_name) <
		    (int)sizeof(p))
			unlink(p);
	}
	closedir(dp);
	rmdir(d);
}

/* Reads dir/name into a malloc'd buffer (caller frees); NULL on error. */
static unsigned char *
slurp(const char *name, size_t *len)
{
	char		 p[PATH_MAX];
	FILE		*f;
	unsigned char	*b;
	long		 n;

	*len = 0;
	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		return NULL;
	if ((f = fopen(p, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1 || (b = malloc(n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(b, 1, n, f) != (size_t)n) {
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	*len = n;
	return b;
}


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
		if ((b = slurp(good[i], &n)) == NULL) {
			ok(0, "%s: readable", good[i]);
			continue;
		}
		t0 = now_ms();
		rc = qr_decode_image(b, n, &p, &pl);
		t1 = now_ms();
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

	b = slurp("noqr_photo.jpg", &n);
	rc = qr_decode_image(b, n, &p, &pl);
	ok(rc == QR_NONE && p == NULL && pl == 0,
	    "photo without a code: QR_NONE (%d)", rc);
	free(b);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = slurp(bad[i].f, &n);
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
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/tucai-qr.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp %s\n", dir);
		return 1;
	}
	ok(img_init() == 0, "img_init");
	test_encode();
	if (mkimages(dir, PAYLOAD, "qr") == -1) {
		ok(0, "t/lib/mkimages.sh (needs qrencode, /usr/bin/convert)");
		rmtree(dir);
		printf("1..%d\n", tn);
		return 1;
	}
	test_corpus();
	rmtree(dir);
	printf("1..%d\n", tn);
	return nfail != 0;
}
