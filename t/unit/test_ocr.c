/*
 * test_ocr.c - reading ID cards with ocr_idcard() (TAP): match rate and
 * false-accept rate on made cards.
 *
 * t/lib/mkidcards.py makes the sets (see there) into a fresh folder:
 * "heldout" (110 photos of the student's own card, judged once the
 * reader was tuned on the "tune" set of the same generator with other
 * seeds) and "other" (72 photos of other people's cards: the number
 * differs from the student's in one digit, has two neighbouring digits
 * swapped, or is another valid number).  Every photo is compared with
 * the roster number of index.tsv.  Besides, every held-out photo is
 * compared with a second roster number, valid and two digits away from
 * its card's (the student's record holds another person's number).
 *
 * Asserted: no photo of another person's card, and no card compared
 * with another roster number, ever gives OCR_MATCH (false-accept rate
 * 0); the held-out match rate is at least FLOOR_HELDOUT per cent; other
 * people's cards with a valid number mostly come out OCR_OTHER (the
 * student is told the card is not theirs), at least FLOOR_OTHER.
 * Rates, misses per kind and times are printed; times are not asserted
 * (no timed tests):
 *   # rate SET match=N/M (P %) other=N unreadable=N
 *   # timing SET n=N median=NNms p90=NNms max=NNms (12 MP: median=NNms)
 * TUCAI_OCR_SETS names the sets (default "heldout other"; "tune" for
 * tuning).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "infra/idnum.h"
#include "infra/image.h"
#include "infra/ocr.h"
#include "tap.h"

#define FLOOR_TUNE	90	/* per cent */
#define FLOOR_HELDOUT	85
#define FLOOR_OTHER	60	/* valid other numbers said to be another's */

static const char *const names[OCR__MAX] = { "match", "other", "unreadable" };

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
timing(const char *set, double *t, int n, double *big, int nbig)
{
	if (n == 0)
		return;
	qsort(t, n, sizeof(*t), cmp_double);
	printf("# timing %s n=%d median=%.0fms p90=%.0fms max=%.0fms", set, n,
	    t[n / 2], t[n * 9 / 10], t[n - 1]);
	if (nbig > 0) {
		qsort(big, nbig, sizeof(*big), cmp_double);
		printf(" (12 MP: n=%d median=%.0fms max=%.0fms)", nbig,
		    big[nbig / 2], big[nbig - 1]);
	}
	printf("\n");
}

/* A valid number two digits away from idn: one digit changed, the
 * check character made again. */
static void
neighbour(const char *idn, char out[19])
{
	memcpy(out, idn, 18);
	out[18] = '\0';
	out[9] = out[9] == '9' ? '0' : out[9] + 1;
	out[17] = idnum_checkchar(out);
}

struct tally {
	int	 n, by[OCR__MAX], fa, missing;
	double	 t[200], big[200];
	int	 nbig;
};

/* Runs one set; returns 0, or -1 when it could not be made. */
static int
run(const char *set, struct tally *ta, struct tally *cross)
{
	unsigned char	*idx, *b;
	size_t		 n, bl;
	char		*line, *save = NULL, roster[19], other[19];
	struct ocr_stats st;
	enum ocr_outcome o;
	int		 rc;

	memset(ta, 0, sizeof(*ta));
	if (corpus_idcards(set) != 0) {
		ok(0, "%s: mkidcards.py made the set", set);
		return -1;
	}
	if ((idx = corpus_read("index.tsv", &n)) == NULL) {
		ok(0, "%s: index.tsv", set);
		return -1;
	}
	idx[n] = '\0';
	for (line = strtok_r((char *)idx, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char	*f = line, *kind, *cls, *ros;

		if ((kind = strchr(f, '\t')) == NULL ||
		    (cls = strchr(kind + 1, '\t')) == NULL ||
		    (ros = strchr(cls + 1, '\t')) == NULL)
			continue;
		*kind++ = *cls++ = *ros++ = '\0';
		snprintf(roster, sizeof(roster), "%s", ros);
		if ((b = corpus_read(f, &bl)) == NULL) {
			ta->missing++;
			continue;
		}
		rc = ocr_idcard(b, bl, roster, &o, &st);
		if (rc != IMG_OK) {
			ok(0, "%s: %s read (%d)", set, f, rc);
			free(b);
			continue;
		}
		if (ta->n < 200)
			ta->t[ta->n] = st.ms;
		if (strcmp(kind, "big") == 0 && ta->nbig < 200)
			ta->big[ta->nbig++] = st.ms;
		ta->n++;
		ta->by[o]++;
		if (strcmp(cls, "self") == 0) {
			if (o != OCR_MATCH)
				printf("# %s %s (%s): %s, %d outlines, %d reads, "
				    "%.0f ms\n", set, f, kind, names[o],
				    st.quads, st.reads, st.ms);
		} else if (o == OCR_MATCH) {
			ta->fa++;
			printf("# FALSE ACCEPT %s %s (%s, %s)\n", set, f, kind,
			    cls);
		} else if (strcmp(cls, "valid") == 0 && o != OCR_OTHER)
			printf("# %s %s (%s, valid other): %s\n", set, f, kind,
			    names[o]);
		if (cross != NULL && strcmp(cls, "self") == 0) {
			neighbour(roster, other);
			rc = ocr_idcard(b, bl, other, &o, &st);
			cross->n++;
			if (rc == IMG_OK)
				cross->by[o]++;
			if (rc == IMG_OK && o == OCR_MATCH) {
				cross->fa++;
				printf("# FALSE ACCEPT %s %s against another "
				    "roster number\n", set, f);
			}
		}
		free(b);
	}
	free(idx);
	return 0;
}

static void
test_errors(void)
{
	enum ocr_outcome o;
	static const char text[] = "not an image at all, just text\n";
	int	 rc;

	rc = ocr_idcard(text, sizeof(text) - 1, "990000200001011234", &o,
	    NULL);
	ok(rc == IMG_NOTIMAGE && o == OCR_UNREADABLE, "text: IMG_NOTIMAGE (%d)",
	    rc);
}

int
main(void)
{
	const char	*sets = getenv("TUCAI_OCR_SETS");
	struct tally	 ta, cross;
	int		 pct;

	if (sets == NULL || *sets == '\0')
		sets = "heldout other";
	if (img_init() != 0) {
		printf("Bail out! libmagic\n");
		return 1;
	}
	ok(ocr_init(NULL) == 0 && ocr_ready(), "Tesseract's eng model loaded");
	test_errors();
	if (corpus_open("ocr") != 0)
		return 1;
	if (strstr(sets, "tune") != NULL && run("tune", &ta, NULL) == 0) {
		pct = ta.n ? 100 * ta.by[OCR_MATCH] / ta.n : 0;
		printf("# rate tune match=%d/%d (%d %%) other=%d unreadable=%d\n",
		    ta.by[OCR_MATCH], ta.n, pct, ta.by[OCR_OTHER],
		    ta.by[OCR_UNREADABLE]);
		timing("tune", ta.t, ta.n, ta.big, ta.nbig);
		ok(ta.n == 60 && ta.missing == 0, "tune: 60 photos");
		ok(pct >= FLOOR_TUNE, "tune: match rate %d %% >= %d %%", pct,
		    FLOOR_TUNE);
	}
	if (strstr(sets, "heldout") != NULL) {
		memset(&cross, 0, sizeof(cross));
		if (run("heldout", &ta, &cross) == 0) {
			pct = ta.n ? 100 * ta.by[OCR_MATCH] / ta.n : 0;
			printf("# rate heldout match=%d/%d (%d %%) other=%d "
			    "unreadable=%d\n", ta.by[OCR_MATCH], ta.n, pct,
			    ta.by[OCR_OTHER], ta.by[OCR_UNREADABLE]);
			printf("# rate heldout-against-another-number "
			    "false-accept=%d/%d other=%d unreadable=%d\n",
			    cross.fa, cross.n, cross.by[OCR_OTHER],
			    cross.by[OCR_UNREADABLE]);
			timing("heldout", ta.t, ta.n, ta.big, ta.nbig);
			ok(ta.n == 110 && ta.missing == 0, "heldout: 110 photos");
			ok(pct >= FLOOR_HELDOUT, "heldout: match rate %d %% >= "
			    "%d %%", pct, FLOOR_HELDOUT);
			ok(cross.n == 110 && cross.fa == 0, "heldout against "
			    "another valid number: no match (%d of %d)",
			    cross.fa, cross.n);
		}
	}
	if (strstr(sets, "other") != NULL && run("other", &ta, NULL) == 0) {
		printf("# rate other false-accept=%d/%d (%.1f %%) other=%d "
		    "unreadable=%d\n", ta.fa, ta.n,
		    ta.n ? 100.0 * ta.fa / ta.n : 0, ta.by[OCR_OTHER],
		    ta.by[OCR_UNREADABLE]);
		timing("other", ta.t, ta.n, ta.big, ta.nbig);
		ok(ta.n == 72 && ta.missing == 0, "other: 72 photos");
		ok(ta.fa == 0, "other people's cards: false-accept rate 0 "
		    "(%d of %d)", ta.fa, ta.n);
	}
	corpus_close();
	ocr_end();
	return tap_done();
}
