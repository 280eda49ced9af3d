/*
 * test_qr_field.c - decode rates of qr_decode_image() on phone-like
 * photos (TAP).
 *
 * t/lib/mkimages.sh makes two sets from one generator with different
 * seeds: "field" (60 code images, the set the decoder was tuned on) and
 * "heldout" (110, judged once the tuning was done), each with 8 photos
 * and screenshots without a code.  Every code image holds its own
 * payload (PAYLOAD-F017, PAYLOAD-H017), so a decode of the wrong image
 * cannot pass.  Asserted: every image exists, every photo without a code
 * gives QR_NONE, the field set decodes at least 97 % and the held-out
 * set at least 99 % (109 of 110).  Misses are listed as comments.
 *
 * Times are not asserted (no timed tests); they are printed in a stable
 * format for tools/bench:
 *   # timing SET code n=N median=NNms p90=NNms p99=NNms max=NNms
 *   # timing SET noqr n=N median=...
 * and, with TUCAI_QR_TIMES=FILE, appended to FILE one line per image:
 * "name ms ok" (ok 1 when the result was right).  TUCAI_QR_SETS limits
 * the sets run (default "field heldout").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "infra/image.h"
#include "infra/qr.h"
#include "tap.h"

#define PAYLOAD	"TC-采集码-café-20250101-0007"
#define NOQR	8	/* FIELD_NOQR in mkimages.sh */

static const struct set {
	const char	*name;
	char		 tag;	/* payload suffix letter */
	int		 count;	/* FIELD_COUNT, HELDOUT_COUNT */
	int		 floor;	/* per cent that must decode */
} sets[] = {
	{ "field", 'F', 60, 97 },
	{ "heldout", 'H', 110, 99 },
};

static FILE	*times;

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Prints the timing comment for n times in t (sorted here). */
static void
report(const char *set, const char *what, double *t, int n)
{
	if (n == 0)
		return;
	qsort(t, n, sizeof(*t), cmp_double);
	/* Nearest rank: the smallest time with at least p % at or below. */
#define RANK(p)	t[(n * (p) + 99) / 100 - 1 < 0 ? 0 : (n * (p) + 99) / 100 - 1]
	printf("# timing %s %s n=%d median=%.0fms p90=%.0fms p99=%.0fms "
	    "max=%.0fms\n", set, what, n, RANK(50), RANK(90), RANK(99),
	    t[n - 1]);
#undef RANK
}

/*
 * Reads NAME.jpg or NAME.png into *b; returns the file name used in f
 * (size fs), or NULL when neither exists.
 */
static unsigned char *
read_either(const char *name, char *f, size_t fs, size_t *n)
{
	unsigned char	*b;

	snprintf(f, fs, "%s.jpg", name);
	if ((b = corpus_read(f, n)) != NULL)
		return b;
	snprintf(f, fs, "%s.png", name);
	return corpus_read(f, n);
}

/* Decodes one image; returns 1 when rc and payload are as expected. */
static int
one(const char *f, const unsigned char *b, size_t n, const char *want,
    double *ms)
{
	char	*p;
	size_t	 pl;
	double	 t0;
	int	 rc, good;

	t0 = corpus_ms();
	rc = qr_decode_image(b, n, &p, &pl);
	*ms = corpus_ms() - t0;
	if (want == NULL)
		good = rc == QR_NONE && p == NULL;
	else
		good = rc == IMG_OK && pl == strlen(want) &&
		    strcmp(p, want) == 0;
	if (!good)
		printf("# miss %s: rc %d, got '%s'\n", f, rc,
		    p != NULL ? p : "");
	if (times != NULL)
		fprintf(times, "%s %.1f %d\n", f, *ms, good);
	free(p);
	return good;
}

static void
run_set(const struct set *s)
{
	unsigned char	*b;
	char		 name[64], f[80], want[sizeof(PAYLOAD) + 16];
	double		*tc, tn[NOQR];
	size_t		 n;
	int		 i, found = 0, missing = 0, nc = 0, nn = 0, good;

	if (corpus_make(PAYLOAD, s->name) == -1) {
		ok(0, "t/lib/mkimages.sh %s (needs qrencode, /usr/bin/convert)",
		    s->name);
		return;
	}
	if ((tc = calloc(s->count, sizeof(*tc))) == NULL) {
		ok(0, "%s: memory", s->name);
		return;
	}
	for (i = 0; i < s->count; i++) {
		snprintf(name, sizeof(name), "%s_%03d", s->name, i);
		snprintf(want, sizeof(want), "%s-%c%03d", PAYLOAD, s->tag, i);
		if ((b = read_either(name, f, sizeof(f), &n)) == NULL) {
			printf("# missing %s\n", name);
			missing++;
			continue;
		}
		found += one(f, b, n, want, &tc[nc++]);
		free(b);
	}
	ok(missing == 0, "%s: all %d code images made (%d missing)",
	    s->name, s->count, missing);
	ok(found * 100 >= s->floor * s->count,
	    "%s: %d/%d decoded (%.1f %%, at least %d %%)", s->name, found,
	    s->count, 100.0 * found / s->count, s->floor);
	for (i = 0; i < NOQR; i++) {
		snprintf(name, sizeof(name), "%s_noqr_%02d", s->name, i);
		if ((b = read_either(name, f, sizeof(f), &n)) == NULL) {
			ok(0, "%s: readable", name);
			continue;
		}
		good = one(f, b, n, NULL, &tn[nn++]);
		ok(good, "%s: no code, QR_NONE", f);
		free(b);
	}
	report(s->name, "code", tc, nc);
	report(s->name, "noqr", tn, nn);
	free(tc);
}

int
main(void)
{
	const char	*only = getenv("TUCAI_QR_SETS"), *tf;
	size_t		 i;

	if (corpus_open("qrfield") == -1)
		return 1;
	ok(img_init() == 0, "img_init");
	if ((tf = getenv("TUCAI_QR_TIMES")) != NULL && *tf != '\0' &&
	    (times = fopen(tf, "a")) == NULL)
		printf("# cannot append to %s\n", tf);
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (only == NULL || strstr(only, sets[i].name) != NULL)
			run_set(&sets[i]);
	if (times != NULL)
		fclose(times);
	corpus_close();
	return tap_done();
}
