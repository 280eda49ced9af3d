/*
 * ocr.c - the number of a resident ID card read with Tesseract (ocr.h).
 *
 * Steps, each a function below:
 *  1. decode gray (image.c), at 1/2 or 1/4 when the photo is large, and
 *     a copy box-averaged to at most DET_MAX px for finding the card;
 *  2. edges (Sobel, thinned along the gradient) and a Hough transform
 *     voting near each edge pixel's own direction: the strongest lines;
 *  3. card outlines: two nearly parallel pairs of lines crossing at
 *     60-120 degrees, with the card's proportions (85.6 : 54, allowing
 *     for perspective) and edge pixels along most of each side; the
 *     best few, then the whole photo (a scan cut to the card);
 *  4. for an outline, the homography of the card onto it; the band of
 *     the 公民身份号码 line (front layout: x 28-97 %, y 74-95 % of the
 *     card) sampled from the decoded photo at BAND_PXMM px per mm, in
 *     both readings of the outline (upright and turned 180 degrees);
 *  5. Tesseract (single line, whitelist 0-9 X) on the band as it is and
 *     with its background flattened (leptonica), for glare and shade;
 *  6. the decision (decide()): a run of 18 characters, each read with
 *     confidence, with a valid check character.
 * Every buffer that held characters read is wiped before it is freed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "infra/idnum.h"
#include "infra/image.h"
#include "infra/log.h"
#include "infra/ocr.h"

#define DEC_MAX		2400	/* decoded photo: longer side at most (denom) */
#define DET_MAX		640	/* card finding: longer side at most */
#define CARD_WMM	85.6
#define CARD_HMM	54.0
#define BAND_U0		0.24	/* the number's band, card fractions */
#define BAND_U1		1.00
#define BAND_V0		0.64
#define BAND_V1		1.00
#define DIGIT_H		(2.85 * BAND_PXMM)	/* digit height in the band */
#define BAND_PXMM	11.0	/* band scale: digits about 31 px high */
#define MAXLINES	60
#define MAXQUADS	3
#define MAXREADS	8	/* Tesseract runs per photo at most */
#define CONF_MIN	55.0f	/* every character of a read at least this */
#define ANG_VOTE	3	/* degrees either side of the gradient */

static TessBaseAPI	*api;
static int		 ready;

struct line {
	int	 t;		/* normal angle, degrees 0..179 */
	double	 rho;		/* x cos t + y sin t = rho */
	int	 votes;
};

struct quad {
	double	 x[4], y[4];	/* corners, clockwise on screen */
	double	 score;
};

static double	 cs[180], sn[180];

/* --- engine ------------------------------------------------------------------ */

int
ocr_init(const char *tessdata)
{
	/* Init-only parameters: no dictionaries (a number is no word). */
	char	*names[] = { "load_system_dawg", "load_freq_dawg",
	    "load_punc_dawg", "load_number_dawg", "load_unambig_dawg",
	    "load_bigram_dawg" };
	char	*values[] = { "0", "0", "0", "0", "0", "0" };
	int	 i;

	if (ready)
		return 0;
	for (i = 0; i < 180; i++) {
		cs[i] = cos(i * M_PI / 180);
		sn[i] = sin(i * M_PI / 180);
	}
	setMsgSeverity(L_SEVERITY_NONE);	/* leptonica: no stderr chatter */
	if ((api = TessBaseAPICreate()) == NULL)
		return -1;
	if (TessBaseAPIInit4(api, tessdata, "eng", OEM_LSTM_ONLY, NULL, 0,
	    names, values, sizeof(names) / sizeof(names[0]), 0) != 0) {
		log_warn("ocr: Tesseract's eng model not loaded (%s): ID cards "
		    "are not read", tessdata != NULL ? tessdata : "default folder");
		TessBaseAPIDelete(api);
		api = NULL;
		return -1;
	}
	TessBaseAPISetVariable(api, "tessedit_char_whitelist", "0123456789X");
	TessBaseAPISetVariable(api, "user_defined_dpi", "300");
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	TessBaseAPISetPageSegMode(api, PSM_SINGLE_LINE);
	if (getenv("OMP_THREAD_LIMIT") == NULL)
		log_info("ocr: OMP_THREAD_LIMIT not set: Tesseract may use "
		    "several cores per read");
	ready = 1;
	return 0;
}

int
ocr_ready(void)
{

	return ready;
}

void
ocr_end(void)
{

	if (api != NULL) {
		TessBaseAPIEnd(api);
		TessBaseAPIDelete(api);
	}
	api = NULL;
	ready = 0;
}

/* --- 2. edges and lines ------------------------------------------------------- */

/*
 * Thinned edges of the gray image s: e[i] = 1 + the gradient's direction
 * in degrees (0..179) where the Sobel magnitude is a local maximum along
 * the gradient and over the threshold, else 0.  Returns 0 or -1.
 */
static int
edges(const struct img *s, unsigned short **out)
{
	unsigned	 w = s->w, h = s->h, x, y, i, hist[1024], thr, acc, k;
	unsigned char	*b;
	unsigned short	*e;
	short		*gx, *gy;
	int		*mag;
	const unsigned char *p;
	size_t		 n = (size_t)w * h;

	*out = NULL;
	b = malloc(n);
	gx = calloc(n, sizeof(*gx));
	gy = calloc(n, sizeof(*gy));
	mag = calloc(n, sizeof(*mag));
	e = calloc(n, sizeof(*e));
	if (b == NULL || gx == NULL || gy == NULL || mag == NULL || e == NULL)
		goto fail;
	/* [1 2 1] smoothing both ways, twice: noise and desk texture
	 * fade, a card's long edges stay */
	memcpy(b, s->px, n);
	for (k = 0; k < 2; k++) {
		memcpy(gx, b, n);	/* gx as a byte copy of b */
		for (y = 1; y + 1 < h; y++)
			for (x = 1; x + 1 < w; x++) {
				p = (unsigned char *)gx + (size_t)y * w + x;
				b[(size_t)y * w + x] = (p[-(long)w - 1] +
				    2 * p[-(long)w] + p[-(long)w + 1] +
				    2 * p[-1] + 4 * p[0] + 2 * p[1] +
				    p[w - 1] + 2 * p[w] + p[w + 1] + 8) / 16;
			}
	}
	memset(gx, 0, n * sizeof(*gx));
	memset(hist, 0, sizeof(hist));
	for (y = 1; y + 1 < h; y++)
		for (x = 1; x + 1 < w; x++) {
			p = b + (size_t)y * w + x;
			i = (size_t)y * w + x;
			gx[i] = (p[-(long)w + 1] + 2 * p[1] + p[w + 1]) -
			    (p[-(long)w - 1] + 2 * p[-1] + p[w - 1]);
			gy[i] = (p[w - 1] + 2 * p[w] + p[w + 1]) -
			    (p[-(long)w - 1] + 2 * p[-(long)w] + p[-(long)w + 1]);
			mag[i] = abs(gx[i]) + abs(gy[i]);
			hist[mag[i] > 1023 ? 1023 : mag[i]]++;
		}
	/* Threshold: the top 12 % of magnitudes, never under 24 (a step
	 * of 6 gray levels: a pale card on a white desk). */
	for (thr = 1023, acc = 0; thr > 12; thr--)
		if ((acc += hist[thr]) > n * 20 / 100)
			break;
	for (y = 2; y + 2 < h; y++)
		for (x = 2; x + 2 < w; x++) {
			int	 m, a, d1, d2, dx, dy;
			double	 ang;

			i = (size_t)y * w + x;
			if ((m = mag[i]) < (int)thr)
				continue;
			ang = atan2(gy[i], gx[i]) * 180 / M_PI;
			if (ang < 0)
				ang += 180;
			a = (int)(ang + 0.5) % 180;
			/* neighbours along the gradient */
			if (a < 23 || a >= 158) {
				dx = 1; dy = 0;
			} else if (a < 68) {
				dx = 1; dy = 1;
			} else if (a < 113) {
				dx = 0; dy = 1;
			} else {
				dx = -1; dy = 1;
			}
			d1 = mag[i + dy * (long)w + dx];
			d2 = mag[i - dy * (long)w - dx];
			if (m >= d1 && m > d2)
				e[i] = 1 + a;
		}
	free(b);
	free(gx);
	free(gy);
	free(mag);
	*out = e;
	return 0;
fail:
	free(b);
	free(gx);
	free(gy);
	free(mag);
	free(e);
	return -1;
}

static int
line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	return y->votes - x->votes;
}

/* Angle between two normal angles, 0..90. */
static int
angdiff(int a, int b)
{
	int	 d = abs(a - b) % 180;

	return d > 90 ? 180 - d : d;
}

/*
 * Hough transform of the edges: each edge pixel votes for the lines
 * through it within ANG_VOTE degrees of its own direction.  The local
 * maxima with the most votes go into l[] (at most max).  Returns how
 * many, or -1.
 */
static int
hough(const unsigned short *e, unsigned w, unsigned h, struct line *l, int max)
{
	int		 diag = (int)ceil(sqrt((double)w * w + (double)h * h));
	int		 nr = 2 * diag + 1, t, r, k, n = 0, dt, dr, minv, j;
	unsigned	 x, y;
	int		*acc;
	struct line	 cand[8 * MAXLINES];
	int		 nc = 0;

	if ((acc = calloc((size_t)180 * nr, sizeof(*acc))) == NULL)
		return -1;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			int	 a = e[(size_t)y * w + x];

			if (a == 0)
				continue;
			a--;
			for (k = -ANG_VOTE; k <= ANG_VOTE; k++) {
				t = (a + k + 180) % 180;
				r = (int)lround(x * cs[t] + y * sn[t]) + diag;
				acc[t * nr + r]++;
			}
		}
	minv = (int)((w < h ? w : h) * 0.08);
	if (minv < 12)
		minv = 12;
	for (t = 0; t < 180; t++)
		for (r = 0; r < nr; r++) {
			int	 v = acc[t * nr + r], best = 1;

			if (v < minv)
				continue;
			for (dt = -3; dt <= 3 && best; dt++)
				for (dr = -8; dr <= 8; dr++) {
					int	 tt = t + dt, rr = r + dr;

					if (tt < 0 || tt >= 180 || rr < 0 ||
					    rr >= nr || (dt == 0 && dr == 0))
						continue;
					if (acc[tt * nr + rr] > v ||
					    (acc[tt * nr + rr] == v &&
					    (dt < 0 || (dt == 0 && dr < 0)))) {
						best = 0;
						break;
					}
				}
			if (!best)
				continue;
			if (nc < (int)(sizeof(cand) / sizeof(cand[0]))) {
				cand[nc].t = t;
				cand[nc].rho = r - diag;
				cand[nc++].votes = v;
			} else {
				qsort(cand, nc, sizeof(cand[0]), line_cmp);
				if (v > cand[nc - 1].votes) {
					cand[nc - 1].t = t;
					cand[nc - 1].rho = r - diag;
					cand[nc - 1].votes = v;
				}
			}
		}
	free(acc);
	qsort(cand, nc, sizeof(cand[0]), line_cmp);
	/* The same line near t = 0 and t = 179 (rho of opposite sign),
	 * and lines too close to each other: keep the stronger. */
	for (k = 0; k < nc && n < max; k++) {
		int	 near = 0;

		/* At most 6 lines of about one direction: a striped desk
		 * (wood grain) must not fill the list. */
		for (j = 0; j < n; j++)
			if (angdiff(cand[k].t, l[j].t) <= 2)
				near++;
		if (near >= 4)
			continue;
		for (j = 0; j < n; j++) {
			int	 d = abs(cand[k].t - l[j].t);
			double	 rr = d > 90 ? -l[j].rho : l[j].rho;

			if (angdiff(cand[k].t, l[j].t) <= 3 &&
			    fabs(cand[k].rho - rr) < 10)
				break;
		}
		if (j == n)
			l[n++] = cand[k];
	}
	return n;
}

/* --- 3. card outlines ----------------------------------------------------------- */

/* Where lines a and b cross.  Returns 0, or -1 when nearly parallel. */
static int
cross(const struct line *a, const struct line *b, double *x, double *y)
{
	double	 det = cs[a->t] * sn[b->t] - sn[a->t] * cs[b->t];

	if (fabs(det) < 1e-6)
		return -1;
	*x = (a->rho * sn[b->t] - b->rho * sn[a->t]) / det;
	*y = (cs[a->t] * b->rho - cs[b->t] * a->rho) / det;
	return 0;
}

/* The share of a side (x0,y0)-(x1,y1) with an edge pixel of about the
 * side's direction within 2 px, corners (rounded on a card) left out. */
static double
coverage(const unsigned short *e, unsigned w, unsigned h, double x0,
    double y0, double x1, double y1)
{
	double	 len = hypot(x1 - x0, y1 - y0), nx, ny, t, px, py;
	int	 ns, i, k, hit = 0, normal;

	if (len < 8)
		return 0;
	nx = -(y1 - y0) / len;
	ny = (x1 - x0) / len;
	normal = (int)lround(atan2(ny, nx) * 180 / M_PI);
	normal = (normal % 180 + 180) % 180;
	ns = (int)(len / 2);
	if (ns > 200)
		ns = 200;
	for (i = 0; i < ns; i++) {
		t = 0.08 + 0.84 * (i + 0.5) / ns;
		for (k = -2; k <= 2; k++) {
			int	 a;

			px = x0 + t * (x1 - x0) + k * nx;
			py = y0 + t * (y1 - y0) + k * ny;
			if (px < 0 || py < 0 || px >= w || py >= h)
				continue;
			a = e[(size_t)py * w + (size_t)px];
			if (a != 0 && angdiff(a - 1, normal) <= 12) {
				hit++;
				break;
			}
		}
	}
	return (double)hit / ns;
}

/* Puts the corners in clockwise order on screen (y down) with the side
 * p0-p1 one of the long sides.  Returns 0, or -1 when not convex. */
static int
order(struct quad *q)
{
	double	 c, sgn = 0, t;
	int	 i, j, k;

	for (i = 0; i < 4; i++) {
		j = (i + 1) % 4;
		k = (i + 2) % 4;
		c = (q->x[j] - q->x[i]) * (q->y[k] - q->y[j]) -
		    (q->y[j] - q->y[i]) * (q->x[k] - q->x[j]);
		if (c == 0 || (sgn != 0 && (c > 0) != (sgn > 0)))
			return -1;
		sgn = c;
	}
	if (sgn < 0) {		/* counter-clockwise: swap p1 and p3 */
		t = q->x[1]; q->x[1] = q->x[3]; q->x[3] = t;
		t = q->y[1]; q->y[1] = q->y[3]; q->y[3] = t;
	}
	if (hypot(q->x[1] - q->x[0], q->y[1] - q->y[0]) +
	    hypot(q->x[3] - q->x[2], q->y[3] - q->y[2]) <
	    hypot(q->x[2] - q->x[1], q->y[2] - q->y[1]) +
	    hypot(q->x[0] - q->x[3], q->y[0] - q->y[3])) {
		t = q->x[0]; q->x[0] = q->x[1]; q->x[1] = q->x[2];
		q->x[2] = q->x[3]; q->x[3] = t;
		t = q->y[0]; q->y[0] = q->y[1]; q->y[1] = q->y[2];
		q->y[2] = q->y[3]; q->y[3] = t;
	}
	return 0;
}

static double
area(const struct quad *q)
{
	double	 a = 0;
	int	 i;

	for (i = 0; i < 4; i++)
		a += q->x[i] * q->y[(i + 1) % 4] - q->x[(i + 1) % 4] * q->y[i];
	return fabs(a) / 2;
}

/*
 * The card outlines among the lines, best first, into q[] (at most
 * max).  Returns how many.
 */
static int
outlines(const unsigned short *e, unsigned w, unsigned h,
    const struct line *l, int nl, struct quad *q, int max)
{
	int		 a1, a2, b1, b2, i, n = 0, j;
	double		 img = (double)w * h, side = w < h ? w : h;
	struct quad	 c;

	for (a1 = 0; a1 < nl; a1++)
	for (a2 = a1 + 1; a2 < nl; a2++) {
		if (angdiff(l[a1].t, l[a2].t) > 20)
			continue;
		for (b1 = 0; b1 < nl; b1++) {
			if (b1 == a1 || b1 == a2 ||
			    angdiff(l[a1].t, l[b1].t) < 60)
				continue;
			for (b2 = b1 + 1; b2 < nl; b2++) {
				double	 cov[4], lo, mean, ar, ratio, s01, s12;
				double	 score;

				if (b2 == a1 || b2 == a2 ||
				    angdiff(l[b1].t, l[b2].t) > 20 ||
				    angdiff(l[a1].t, l[b2].t) < 60)
					continue;
				if (cross(&l[a1], &l[b1], &c.x[0], &c.y[0]) ||
				    cross(&l[a1], &l[b2], &c.x[1], &c.y[1]) ||
				    cross(&l[a2], &l[b2], &c.x[2], &c.y[2]) ||
				    cross(&l[a2], &l[b1], &c.x[3], &c.y[3]))
					continue;
				for (i = 0; i < 4; i++)
					if (c.x[i] < -0.03 * w ||
					    c.x[i] > 1.03 * w ||
					    c.y[i] < -0.03 * h ||
					    c.y[i] > 1.03 * h)
						break;
				if (i < 4 || order(&c) != 0)
					continue;
				ar = area(&c) / img;
				if (ar < 0.04)
					continue;
				s01 = hypot(c.x[1] - c.x[0], c.y[1] - c.y[0]) +
				    hypot(c.x[3] - c.x[2], c.y[3] - c.y[2]);
				s12 = hypot(c.x[2] - c.x[1], c.y[2] - c.y[1]) +
				    hypot(c.x[0] - c.x[3], c.y[0] - c.y[3]);
				ratio = s01 / s12;
				if (ratio < 1.25 || ratio > 2.1 ||
				    s12 / 2 < 0.12 * side)
					continue;
				lo = 1;
				mean = 0;
				for (i = 0; i < 4; i++) {
					cov[i] = coverage(e, w, h, c.x[i],
					    c.y[i], c.x[(i + 1) % 4],
					    c.y[(i + 1) % 4]);
					mean += cov[i] / 4;
					if (cov[i] < lo)
						lo = cov[i];
				}
				if (lo < 0.3 || mean < 0.5)
					continue;
				score = mean * (0.6 + 0.4 * sqrt(ar)) *
				    exp(-pow((ratio - 1.585) / 0.45, 2));
				c.score = score;
				/* keep the best max, distinct */
				for (j = 0; j < n; j++) {
					double	 d = 0;

					for (i = 0; i < 4; i++)
						d += hypot(q[j].x[i] - c.x[i],
						    q[j].y[i] - c.y[i]);
					if (d < 0.1 * side)
						break;
				}
				if (j < n) {
					if (score > q[j].score)
						q[j] = c;
				} else if (n < max)
					q[n++] = c;
				else if (score > q[n - 1].score)
					q[n - 1] = c;
				/* sorted, best first */
				for (j = n - 1; j > 0 && q[j].score >
				    q[j - 1].score; j--) {
					struct quad	 t = q[j];

					q[j] = q[j - 1];
					q[j - 1] = t;
				}
			}
		}
	}
	return n;
}

/* --- 4. the number's band ------------------------------------------------------ */

/* Homography of the unit square onto the quad with p0 at (0,0), p1 at
 * (1,0), p2 at (1,1), p3 at (0,1) (Heckbert).  m[0..7] = a..h of
 * x = (a u + b v + c) / (g u + h v + 1), y = (d u + e v + f) / (...). */
static void
square_to_quad(const double *x, const double *y, double m[8])
{
	double	 dx1 = x[1] - x[2], dx2 = x[3] - x[2];
	double	 dx3 = x[0] - x[1] + x[2] - x[3];
	double	 dy1 = y[1] - y[2], dy2 = y[3] - y[2];
	double	 dy3 = y[0] - y[1] + y[2] - y[3];
	double	 den = dx1 * dy2 - dx2 * dy1, g = 0, h = 0;

	if ((fabs(dx3) > 1e-9 || fabs(dy3) > 1e-9) && fabs(den) > 1e-12) {
		g = (dx3 * dy2 - dx2 * dy3) / den;
		h = (dx1 * dy3 - dx3 * dy1) / den;
	}
	m[0] = x[1] - x[0] + g * x[1];
	m[1] = x[3] - x[0] + h * x[3];
	m[2] = x[0];
	m[3] = y[1] - y[0] + g * y[1];
	m[4] = y[3] - y[0] + h * y[3];
	m[5] = y[0];
	m[6] = g;
	m[7] = h;
}

static double
bilinear(const struct img *s, double x, double y)
{
	int		 x0, y0;
	double		 fx, fy;
	const unsigned char *p;

	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x > s->w - 1.001)
		x = s->w - 1.001;
	if (y > s->h - 1.001)
		y = s->h - 1.001;
	x0 = (int)x;
	y0 = (int)y;
	fx = x - x0;
	fy = y - y0;
	p = s->px + (size_t)y0 * s->w + x0;
	return (p[0] * (1 - fx) + p[1] * fx) * (1 - fy) +
	    (p[s->w] * (1 - fx) + p[s->w + 1] * fx) * fy;
}

/*
 * The number's band of the card on quad q (corners in s's pixels), in
 * reading rot (0 upright, 1 turned 180 degrees), into a new PIX (8 bpp)
 * of about BAND_PXMM px per mm, averaging several samples per pixel
 * when the photo is finer.  NULL on error.
 */
static PIX *
band(const struct img *s, const struct quad *q, int rot)
{
	double		 x[4], y[4], m[8], pxmm, u, v, X, Y, D, acc;
	int		 W, H, i, j, ss, a, b, k;
	PIX		*pix;
	l_uint32	*data, *line;
	int		 wpl;

	for (k = 0; k < 4; k++) {
		x[k] = q->x[(k + 2 * rot) % 4];
		y[k] = q->y[(k + 2 * rot) % 4];
	}
	square_to_quad(x, y, m);
	pxmm = (hypot(x[1] - x[0], y[1] - y[0]) +
	    hypot(x[2] - x[3], y[2] - y[3])) / 2 / CARD_WMM;
	ss = pxmm > 2.4 * BAND_PXMM ? 3 : pxmm > 1.4 * BAND_PXMM ? 2 : 1;
	W = (int)((BAND_U1 - BAND_U0) * CARD_WMM * BAND_PXMM);
	H = (int)((BAND_V1 - BAND_V0) * CARD_HMM * BAND_PXMM);
	if ((pix = pixCreate(W, H, 8)) == NULL)
		return NULL;
	data = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (j = 0; j < H; j++) {
		line = data + (size_t)j * wpl;
		for (i = 0; i < W; i++) {
			acc = 0;
			for (b = 0; b < ss; b++)
				for (a = 0; a < ss; a++) {
					u = BAND_U0 + (BAND_U1 - BAND_U0) *
					    (i + (a + 0.5) / ss) / W;
					v = BAND_V0 + (BAND_V1 - BAND_V0) *
					    (j + (b + 0.5) / ss) / H;
					D = m[6] * u + m[7] * v + 1;
					X = (m[0] * u + m[1] * v + m[2]) / D;
					Y = (m[3] * u + m[4] * v + m[5]) / D;
					acc += bilinear(s, X, Y);
				}
			SET_DATA_BYTE(line, i, (int)(acc / (ss * ss) + 0.5));
		}
	}
	return pix;
}

/* --- 5. Tesseract -------------------------------------------------------------- */

struct read {
	char	 s[64];		/* characters read, 0-9 X */
	float	 conf[64];
	int	 n;
};

/* One Tesseract run on pix (8 bpp).  Returns 0 or -1. */
static int
tess(PIX *pix, struct read *rd)
{
	TessResultIterator	*it;
	TessPageIterator	*pi;
	char			*t;

	memset(rd, 0, sizeof(*rd));
	TessBaseAPISetImage2(api, pix);
	if (TessBaseAPIRecognize(api, NULL) != 0) {
		TessBaseAPIClear(api);
		return -1;
	}
	if ((it = TessBaseAPIGetIterator(api)) != NULL) {
		pi = TessResultIteratorGetPageIterator(it);
		do {
			if ((t = TessResultIteratorGetUTF8Text(it,
			    RIL_SYMBOL)) == NULL)
				continue;
			if (strlen(t) == 1 && strchr("0123456789X", t[0]) &&
			    rd->n < (int)sizeof(rd->s) - 1) {
				rd->conf[rd->n] =
				    TessResultIteratorConfidence(it, RIL_SYMBOL);
				rd->s[rd->n++] = t[0];
			}
			explicit_bzero(t, strlen(t));
			TessDeleteText(t);
		} while (TessPageIteratorNext(pi, RIL_SYMBOL));
		TessResultIteratorDelete(it);
	}
	TessBaseAPIClear(api);
	return 0;
}

/* The band with its background flattened (glare, shade, dim light) and
 * its contrast stretched.  NULL on error. */
static PIX *
flatten(PIX *pix)
{
	NUMA		*na;
	PIX		*st, *n;
	l_float32	 lo = 0, hi = 255;
	l_uint32	*d;
	int		 W = pixGetWidth(pix), H = pixGetHeight(pix), wpl, x, y;
	int		 v, a, b;

	/* stretch 1 % .. 99.5 % to the full range (a dim photo's paper is
	 * dark, and leptonica takes dark for ink) */
	if ((na = pixGetGrayHistogram(pix, 1)) == NULL)
		return NULL;
	numaHistogramGetValFromRank(na, 0.01, &lo);
	numaHistogramGetValFromRank(na, 0.995, &hi);
	numaDestroy(&na);
	if ((st = pixCopy(NULL, pix)) == NULL)
		return NULL;
	a = (int)lo;
	b = (int)hi > a + 8 ? (int)hi : a + 8;
	d = pixGetData(st);
	wpl = pixGetWpl(st);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			v = GET_DATA_BYTE(d + (size_t)y * wpl, x);
			v = (v - a) * 255 / (b - a);
			SET_DATA_BYTE(d + (size_t)y * wpl, x,
			    v < 0 ? 0 : v > 255 ? 255 : v);
		}
	n = pixBackgroundNormSimple(st, NULL, NULL);
	pixDestroy(&st);
	return n;
}

/*
 * The number's line in the band: the connected components of the
 * flattened band's dark pixels that are digit-sized, and of those the
 * largest group on one line (centres and heights alike); at least 12
 * (a digit may break or two may touch).  *box gets the line with a
 * margin, in band pixels, and *dh the digits' height.  Returns 1, or 0
 * when there is no such line (the wrong way up, no card).
 */
static int
row(PIX *flat, BOX **box, int *dh)
{
	PIX	*bin;
	BOXA	*ba;
	int	 n, i, j, best = -1, bestn = 0, x0, y0, x1, y1, cnt;
	int	 bx, by, bw, bh, W = pixGetWidth(flat), H = pixGetHeight(flat);
	int	*cx, *cy, *hh, *ok, *xs, *ys, *ws;

	*box = NULL;
	if ((bin = pixThresholdToBinary(flat, 140)) == NULL)
		return 0;
	ba = pixConnComp(bin, NULL, 8);
	pixDestroy(&bin);
	if (ba == NULL)
		return 0;
	n = boxaGetCount(ba);
	cx = calloc(n + 1, sizeof(int));
	cy = calloc(n + 1, sizeof(int));
	hh = calloc(n + 1, sizeof(int));
	ok = calloc(n + 1, sizeof(int));
	xs = calloc(n + 1, sizeof(int));
	ys = calloc(n + 1, sizeof(int));
	ws = calloc(n + 1, sizeof(int));
	if (cx == NULL || cy == NULL || hh == NULL || ok == NULL ||
	    xs == NULL || ys == NULL || ws == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		boxaGetBoxGeometry(ba, i, &bx, &by, &bw, &bh);
		ok[i] = bh >= 0.45 * DIGIT_H && bh <= 2.2 * DIGIT_H &&
		    bw <= 1.2 * bh && bw >= 0.08 * bh;
		cx[i] = bx + bw / 2;
		cy[i] = by + bh / 2;
		hh[i] = bh;
		xs[i] = bx;
		ys[i] = by;
		ws[i] = bw;
	}
	for (i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		for (cnt = 0, j = 0; j < n; j++)
			if (ok[j] && abs(cy[j] - cy[i]) < 0.3 * hh[i] &&
			    abs(hh[j] - hh[i]) < 0.25 * hh[i])
				cnt++;
		if (cnt > bestn || (cnt == bestn && best >= 0 && cy[i] > cy[best])) {
			bestn = cnt;
			best = i;
		}
	}
	if (best < 0 || bestn < 12)
		goto out;
	/* The members along x; the label 公民身份号码 on the same line is
	 * cut off at the widest gap (2.6 digit heights; the digits' pitch
	 * is one): the run with the most members stays. */
	for (i = 0, cnt = 0; i < n; i++)
		if (ok[i] && abs(cy[i] - cy[best]) < 0.3 * hh[best] &&
		    abs(hh[i] - hh[best]) < 0.25 * hh[best])
			ok[i] = 2;
	{
		int	 lo = -1, runlo = -1, runn = 0, bestlo = 0, besthi = W;
		int	 last = -1, k, nx;

		/* walk the members from left to right by repeated minimum */
		for (;;) {
			nx = -1;
			for (k = 0; k < n; k++)
				if (ok[k] == 2 && xs[k] > last &&
				    (nx < 0 || xs[k] < xs[nx]))
					nx = k;
			if (nx < 0)
				break;
			if (lo >= 0 && xs[nx] - lo > 1.6 * hh[best]) {
				if (runn > cnt) {
					cnt = runn;
					bestlo = runlo;
					besthi = lo;
				}
				runn = 0;
			}
			if (runn == 0)
				runlo = xs[nx];
			runn++;
			if (xs[nx] + ws[nx] > lo)
				lo = xs[nx] + ws[nx];
			last = xs[nx];
			/* equal x: take them all */
			for (k = 0; k < n; k++)
				if (ok[k] == 2 && xs[k] == last && k != nx)
					runn++;
		}
		if (runn > cnt) {
			cnt = runn;
			bestlo = runlo;
			besthi = lo;
		}
		if (cnt < 12)
			goto out;
		for (k = 0; k < n; k++)
			if (ok[k] == 2 && (xs[k] < bestlo || xs[k] >= besthi))
				ok[k] = 1;
	}
	x0 = W;
	y0 = H;
	x1 = y1 = 0;
	for (j = 0; j < n; j++)
		if (ok[j] == 2) {
			if (xs[j] < x0)
				x0 = xs[j];
			if (ys[j] < y0)
				y0 = ys[j];
			if (xs[j] + ws[j] > x1)
				x1 = xs[j] + ws[j];
			if (ys[j] + hh[j] > y1)
				y1 = ys[j] + hh[j];
		}
	*dh = y1 - y0;
	x0 -= *dh;
	x1 += *dh;
	y0 -= *dh * 4 / 10;
	y1 += *dh * 4 / 10;
	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > W)
		x1 = W;
	if (y1 > H)
		y1 = H;
	*box = boxCreate(x0, y0, x1 - x0, y1 - y0);
out:
	free(cx);
	free(cy);
	free(hh);
	free(ok);
	free(xs);
	free(ys);
	free(ws);
	boxaDestroy(&ba);
	return *box != NULL;
}

/* --- 6. the decision ----------------------------------------------------------- */

/* State over the reads of one photo. */
struct verdict {
	int	 valid;		/* a valid number read clearly */
	int	 match;		/* ... and it was the roster's */
	int	 veto;		/* a clear read of 18 characters not the roster's */
};

/*
 * Weighs one read.  Returns 1 when the photo is decided: 18 characters,
 * each read with confidence, the check character right.  Else 0; a
 * clear read of 18 characters that is not the roster's number (a wrong
 * check character: another card, or a misread) vetoes a match by a
 * later read of the same photo.  Reads of more or fewer characters
 * decide nothing: no window of a longer read is taken, as a window has
 * one chance in 11 of a right check character by accident.
 */
static int
decide(const struct read *rd, const char *roster, struct verdict *vd)
{
	int	 k;
	char	 c;

	if (rd->n != 18)
		return 0;
	for (k = 0; k < 18; k++)
		if (rd->conf[k] < CONF_MIN)
			return 0;
	c = idnum_checkchar(rd->s);
	if (c != 0 && c == rd->s[17]) {
		vd->valid = 1;
		vd->match = memcmp(rd->s, roster, 18) == 0;
		return 1;
	}
	if (memcmp(rd->s, roster, 18) != 0)
		vd->veto = 1;
	return 0;
}

/* --- the whole ------------------------------------------------------------------ */

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
ocr_idcard(const void *buf, size_t len, const char *roster,
    enum ocr_outcome *out, struct ocr_stats *st)
{
	struct img	 im, sm;
	struct ocr_stats stats;
	struct line	 l[MAXLINES];
	struct quad	 q[MAXQUADS + 1];
	struct read	 rd;
	struct verdict	 vd;
	unsigned short	*e = NULL;
	unsigned	 w, h, denom, f;
	enum img_type	 type;
	int		 rc, nl, nq, i, rot, var;
	double		 t0 = now_ms(), k;

	memset(&stats, 0, sizeof(stats));
	memset(&vd, 0, sizeof(vd));
	memset(&sm, 0, sizeof(sm));
	*out = OCR_UNREADABLE;
	if ((type = img_sniff(buf, len)) == IMG_NONE)
		return IMG_NOTIMAGE;
	if ((rc = img_dims(buf, len, type, &w, &h)) != IMG_OK)
		return rc;
	for (denom = 1; denom < 8 && (w > h ? w : h) / denom > DEC_MAX;
	    denom *= 2)
		;
	if ((rc = img_decode(buf, len, 1, denom, &im)) != IMG_OK)
		return rc;
	rc = IMG_OK;
	if (!ready || roster == NULL || strlen(roster) != 18 ||
	    im.w < 200 || im.h < 120)
		goto done;
	/* 1. the small copy for finding the card */
	f = ((im.w > im.h ? im.w : im.h) + DET_MAX - 1) / DET_MAX;
	sm.w = im.w;
	sm.h = im.h;
	sm.ch = 1;
	if ((sm.px = malloc((size_t)im.w * im.h)) == NULL) {
		rc = IMG_SYSERR;
		goto done;
	}
	memcpy(sm.px, im.px, (size_t)im.w * im.h);
	if (f > 1 && img_downscale(&sm, f) != IMG_OK) {
		rc = IMG_SYSERR;
		goto done;
	}
	k = (double)im.w / sm.w;
	/* 2., 3. */
	if (edges(&sm, &e) != 0 || (nl = hough(e, sm.w, sm.h, l,
	    MAXLINES)) < 0) {
		rc = IMG_SYSERR;
		goto done;
	}
	nq = outlines(e, sm.w, sm.h, l, nl, q, MAXQUADS);
	stats.quads = nq;
	for (i = 0; i < nq; i++)
		for (rot = 0; rot < 4; rot++) {
			q[i].x[rot] = (q[i].x[rot] + 0.5) * k - 0.5;
			q[i].y[rot] = (q[i].y[rot] + 0.5) * k - 0.5;
		}
	/* The whole photo last: a scan cut to the card. */
	q[nq].x[0] = 0;
	q[nq].y[0] = 0;
	q[nq].x[1] = im.w - 1;
	q[nq].y[1] = 0;
	q[nq].x[2] = im.w - 1;
	q[nq].y[2] = im.h - 1;
	q[nq].x[3] = 0;
	q[nq].y[3] = im.h - 1;
	order(&q[nq]);
	nq++;
	/* 4.-6. */
	for (i = 0; i < nq && stats.reads < MAXREADS; i++) {
		if (i == nq - 1)
			stats.whole = 1;
		for (rot = 0; rot < 2; rot++) {
			PIX	*b, *fl, *n;
			BOX	*bx;
			int	 dh;

			if ((b = band(&im, &q[i], rot)) == NULL) {
				rc = IMG_SYSERR;
				goto done;
			}
			if ((fl = flatten(b)) == NULL || !row(fl, &bx, &dh)) {
				pixDestroy(&fl);
				pixDestroy(&b);
				continue;
			}
			for (var = 0; var < 2; var++) {
				n = pixClipRectangle(var == 0 ? b : fl, bx, NULL);
				if (n == NULL)
					continue;
				rc = tess(n, &rd);
				pixDestroy(&n);
				stats.reads++;
				if (rc != 0) {
					rc = IMG_OK;
					continue;
				}
				if (decide(&rd, roster, &vd)) {
					explicit_bzero(&rd, sizeof(rd));
					boxDestroy(&bx);
					pixDestroy(&fl);
					pixDestroy(&b);
					goto decided;
				}
				explicit_bzero(&rd, sizeof(rd));
			}
			boxDestroy(&bx);
			pixDestroy(&fl);
			pixDestroy(&b);
		}
	}
decided:
	if (vd.valid)
		*out = vd.match && !vd.veto ? OCR_MATCH :
		    vd.match ? OCR_UNREADABLE : OCR_OTHER;
done:
	free(e);
	img_free(&sm);
	img_free(&im);
	stats.ms = now_ms() - t0;
	if (st != NULL)
		*st = stats;
	return rc;
}
