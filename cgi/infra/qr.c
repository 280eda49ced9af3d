/*
 * qr.c - QR codes: decoding with zbar, encoding with libqrencode and
 * libpng's simplified API.
 *
 * Decoding strategy (see STACK-NOTES): zbar gets 8-bit gray (Y800),
 * only the QR symbology is enabled and binary mode keeps the bytes as
 * they are.  zbar reads codes best at a few pixels a module: noise and
 * moire average out at reduced scale, and large modules full of noise
 * fail.  Passes, cheapest and most often right first, each only while
 * nothing was found:
 *
 *  1. Whole levels.  JPEG is decoded by libjpeg at 1/4, 1/8, 1/2, then
 *     full size (DCT scaling); PNG (screenshots, generated codes) once,
 *     scanned at full size, 1/2, 1/4, 1/8 box-averaged (1/2 first when
 *     large).  A reduced level is skipped when its longer side would be
 *     under QR_MIN_SIDE pixels (QR_TINY_SIDE for 1/8 and for the 1/4 of
 *     a small JPEG: a re-sent 1280x960 photo with a big noisy code is
 *     read at 320 px and nowhere else).  Full size is skipped for JPEG
 *     longer than QR_FULL_MAX: on 28 noisy 12 MP test photos it never
 *     found a code the smaller levels missed and cost 0.6-0.9 s a miss.
 *  2. The first level inverted (dark mode screenshots).
 *  3. Windows: QR_TILE px squares overlapping by half, all of them on
 *     the 1/4 level of a large photo (12 at 12 MP), then on the largest
 *     level only the QR_TILES_CAND windows holding most finder-pattern
 *     candidates (finder_map: 1:1:3:1:1 runs found both across and down
 *     in a locally thresholded copy).  A small code in a window is read
 *     where the whole photo fails, because zbar's binarizer adapts over
 *     a span that grows with the image width (up to 256 px); scanning
 *     every window of the 1/2 level instead cost 240 ms a photo.
 *  4. The largest level blurred 3x3 and contrast-stretched, whole, then
 *     its candidate windows again (small noisy codes).
 *
 * Measured on a 2-core shared machine with t/lib/mkimages.sh (an
 * extended draw of its tuning set: 240 code images, 40 % of them 12 MP
 * photos with the code 5-10 % of the width): the decoder before the
 * window passes read 213 of 240, this one 240; the winning pass was
 * 1/4 for 165, 1/2 for 35, 1/8 for 20, inverted 10, windows 7, smoothed
 * 3.  CPU per image: median 39 ms, p99 394 ms, max 548 ms; a 12 MP
 * photo without a code runs every pass in 350-410 ms (the old decoder
 * 180-220 ms).  Held out, never tuned on: 109 of 110 in test_qr_field's
 * heldout set, 239 of 240 on a second draw with other seeds (misses: a
 * 5 % low-contrast blurred code, a dim noisy 21 % one).
 */
#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>
#include <zbar.h>

#include "infra/image.h"
#include "infra/qr.h"

#define QR_LEVELS	4	/* scales tried: 1, 1/2, 1/4, 1/8 */
#define QR_MIN_SIDE	400	/* skip smaller reduced levels */
#define QR_TINY_SIDE	240	/* ... except 1/8 and a small JPEG's 1/4 */
#define QR_TILE		400	/* window side of the tile scans */
#define QR_TILE_MIN	1000	/* a 1/4 level this long: all windows; */
				/* a largest level twice that: candidates */
#define QR_TILES_MAX	256	/* more windows (over ~10 MP): no window */
				/* pass, which bounds its time and memory */
#define QR_TILES_CAND	8	/* candidate windows scanned at most */
#define QR_BLK		16	/* finder_map threshold blocks */
#define QR_CELL		8	/* finder_map cells */
#define QR_FLAT		12	/* finder_map: flatter blocks are ignored */
#define QR_CAND_MIN	3	/* candidate cells a window needs */
#define QR_PNG_BIG	1600	/* PNG this long: try 1/2 before full */
#define QR_FULL_MAX	2600	/* JPEG longer: no full-size scan */
#define QR_QUIET	4	/* quiet zone in modules */
#define QR_MAX_SCALE	64

/*
 * Scans a gray image.  Returns IMG_OK with *payload malloc'd (caller
 * frees), QR_NONE, or IMG_SYSERR.
 */
static int
scan_gray(zbar_image_scanner_t *sc, const struct img *im, char **payload,
    size_t *plen)
{
	zbar_image_t		*zi;
	const zbar_symbol_t	*sym;
	const char		*data;
	unsigned		 n;
	int			 rc = QR_NONE;

	if ((zi = zbar_image_create()) == NULL)
		return IMG_SYSERR;
	zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zi, im->w, im->h);
	zbar_image_set_data(zi, im->px, (unsigned long)im->w * im->h, NULL);
	if (zbar_scan_image(sc, zi) < 0) {
		zbar_image_destroy(zi);
		return IMG_SYSERR;
	}
	for (sym = zbar_image_first_symbol(zi); sym != NULL;
	    sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		data = zbar_symbol_get_data(sym);
		n = zbar_symbol_get_data_length(sym);
		if (data == NULL)
			continue;
		if ((*payload = malloc((size_t)n + 1)) == NULL) {
			rc = IMG_SYSERR;
			break;
		}
		memcpy(*payload, data, n);
		(*payload)[n] = '\0';
		*plen = n;
		rc = IMG_OK;
		break;
	}
	zbar_image_destroy(zi);
	return rc;
}

/* Inverts a gray image in place. */
static void
invert(struct img *im)
{
	size_t	 i, n = (size_t)im->w * im->h;

	for (i = 0; i < n; i++)
		im->px[i] = 255 - im->px[i];
}

/*
 * The gray image at scale 1/d into lv: JPEG decoded by libjpeg at that
 * scale (orientation is irrelevant to zbar), PNG box-averaged from the
 * full decode kept in *full.  Returns IMG_OK or an error code.
 */
static int
level(const void *buf, size_t len, enum img_type type, unsigned d,
    struct img *full, struct img *lv)
{
	size_t	 n;
	int	 rc;

	memset(lv, 0, sizeof(*lv));
	if (type == IMG_JPEG)
		return img_decode_type(buf, len, type, 1, d, 0, lv);
	if (full->px == NULL &&
	    (rc = img_decode_type(buf, len, type, 1, 1, 0, full)) != IMG_OK)
		return rc;
	n = (size_t)full->w * full->h;
	if ((lv->px = malloc(n)) == NULL)
		return IMG_SYSERR;
	memcpy(lv->px, full->px, n);
	lv->w = full->w;
	lv->h = full->h;
	lv->ch = 1;
	if ((rc = img_downscale(lv, d)) != IMG_OK)
		img_free(lv);
	return rc;
}

/*
 * Noise suppression for the last resort: a 3x3 box blur, then the
 * levels stretched so the 1st..99th percentile spans 0..255.  Returns
 * IMG_OK or IMG_SYSERR (image unchanged).
 */
static int
smooth_stretch(struct img *im)
{
	unsigned char	*t;
	size_t		 hist[256], n = (size_t)im->w * im->h, c, i;
	unsigned	 x, y, w = im->w, h = im->h, lo, hi, s, k;

	if (w < 3 || h < 3)
		return IMG_OK;
	if ((t = malloc(n)) == NULL)
		return IMG_SYSERR;
	for (y = 0; y < h; y++) {
		const unsigned char *r = im->px + (size_t)y * w;
		unsigned char *o = t + (size_t)y * w;

		o[0] = (2 * r[0] + r[1] + 1) / 3;
		for (x = 1; x + 1 < w; x++)
			o[x] = (r[x - 1] + r[x] + r[x + 1] + 1) / 3;
		o[w - 1] = (r[w - 2] + 2 * r[w - 1] + 1) / 3;
	}
	for (y = 0; y < h; y++) {
		const unsigned char *a = t + (size_t)(y ? y - 1 : 0) * w;
		const unsigned char *b = t + (size_t)y * w;
		const unsigned char *c2 = t + (size_t)(y + 1 < h ? y + 1 : y) * w;
		unsigned char *o = im->px + (size_t)y * w;

		for (x = 0; x < w; x++)
			o[x] = (a[x] + b[x] + c2[x] + 1) / 3;
	}
	free(t);

	memset(hist, 0, sizeof(hist));
	for (i = 0; i < n; i++)
		hist[im->px[i]]++;
	for (lo = 0, c = 0; lo < 255 && c + hist[lo] < n / 100; lo++)
		c += hist[lo];
	for (hi = 255, c = 0; hi > 0 && c + hist[hi] < n / 100; hi--)
		c += hist[hi];
	if (hi <= lo)
		return IMG_OK;
	for (i = 0; i < n; i++) {
		s = im->px[i];
		k = s <= lo ? 0 : s >= hi ? 255 : (s - lo) * 255 / (hi - lo);
		im->px[i] = k;
	}
	return IMG_OK;
}

/* Whether runs r[0..4] (dark, light, dark, light, dark) are 1:1:3:1:1. */
static int
finder_runs(const unsigned *r)
{
	unsigned	 t = r[0] + r[1] + r[2] + r[3] + r[4], i;

	if (t < 7 * 2 || t > 7 * 40)
		return 0;
	for (i = 0; i < 5; i++) {
		if (i == 2) {
			if (7 * r[i] < 2 * t || 7 * r[i] > 4 * t)
				return 0;
		} else if (14 * r[i] < t || 14 * r[i] > 3 * t)
			return 0;
	}
	return 1;
}

/*
 * Finder-pattern candidates for the window scans: im binarized against
 * the mean of the 48 x 48 pixels around each 16 x 16 block, then every
 * row and every column searched for the dark-light-dark-light-dark runs
 * of 1:1:3:1:1 (each outer run 1/2..3/2 unit, the middle 2..4 units,
 * units of 2..40 pixels) that mark a QR finder.  A cell of the map
 * (QR_CELL pixels square) counts when a row hit and a column hit fall
 * in it or next to it: random texture and text seldom match both ways,
 * a finder in a readable code nearly always does.  Returns the map (mw x mh, malloc'd, 1 = hit)
 * or NULL when out of memory.
 */
static unsigned char *
finder_map(const struct img *im, unsigned *mwp, unsigned *mhp)
{
	unsigned char	*bit = NULL, *hm = NULL, *vm = NULL, *out = NULL;
	unsigned	*bs = NULL, *thr = NULL;
	uint64_t	*bq = NULL, sq;
	uint16_t	*run = NULL;
	unsigned char	*col = NULL;
	unsigned	 w = im->w, h = im->h, bw, bh, mw, mh, x, y, i, j;
	unsigned	 r[5], n, cur, len, xc, yc, sum, cnt;
	int		 di, dj;

	bw = (w + QR_BLK - 1) / QR_BLK;
	bh = (h + QR_BLK - 1) / QR_BLK;
	mw = (w + QR_CELL - 1) / QR_CELL;
	mh = (h + QR_CELL - 1) / QR_CELL;
	if ((bit = malloc((size_t)w * h)) == NULL ||
	    (bs = calloc((size_t)bw * bh, sizeof(*bs))) == NULL ||
	    (bq = calloc((size_t)bw * bh, sizeof(*bq))) == NULL ||
	    (thr = malloc((size_t)bw * bh * sizeof(*thr))) == NULL ||
	    (hm = calloc((size_t)mw * mh, 1)) == NULL ||
	    (vm = calloc((size_t)mw * mh, 1)) == NULL ||
	    (out = calloc((size_t)mw * mh, 1)) == NULL ||
	    (run = calloc((size_t)w * 6, sizeof(*run))) == NULL ||
	    (col = calloc(w, 1)) == NULL)
		goto fail;

	/* Block means, then each block's threshold over 3 x 3 blocks. */
	for (y = 0; y < h; y++) {
		const unsigned char *p = im->px + (size_t)y * w;

		for (x = 0; x < w; x++) {
			bs[(y / QR_BLK) * bw + x / QR_BLK] += p[x];
			bq[(y / QR_BLK) * bw + x / QR_BLK] += p[x] * p[x];
		}
	}
	for (j = 0; j < bh; j++)
		for (i = 0; i < bw; i++) {
			sum = cnt = 0;
			sq = 0;
			for (dj = -1; dj <= 1; dj++)
				for (di = -1; di <= 1; di++) {
					if ((int)i + di < 0 || i + di >= bw ||
					    (int)j + dj < 0 || j + dj >= bh)
						continue;
					sum += bs[(j + dj) * bw + i + di];
					sq += bq[(j + dj) * bw + i + di];
					cnt += (i + di + 1 < bw ? QR_BLK : w -
					    (bw - 1) * QR_BLK) *
					    (j + dj + 1 < bh ? QR_BLK : h -
					    (bh - 1) * QR_BLK);
				}
			/*
			 * Flat areas (standard deviation under QR_FLAT)
			 * get threshold 0: all light, no runs from noise.
			 */
			if (cnt == 0 || sq / cnt - (uint64_t)(sum / cnt) *
			    (sum / cnt) < QR_FLAT * QR_FLAT)
				thr[j * bw + i] = 0;
			else
				thr[j * bw + i] = sum / cnt;
		}
	for (y = 0; y < h; y++) {
		const unsigned char *p = im->px + (size_t)y * w;
		const unsigned *t = thr + (y / QR_BLK) * bw;
		unsigned char *o = bit + (size_t)y * w;

		for (x = 0; x < w; x++)
			o[x] = p[x] < t[x / QR_BLK];
	}

	/* Rows. */
	for (y = 0; y < h; y++) {
		const unsigned char *o = bit + (size_t)y * w;

		memset(r, 0, sizeof(r));
		n = 0;
		cur = o[0];
		len = 0;
		for (x = 0; x <= w; x++) {
			if (x < w && o[x] == cur) {
				len++;
				continue;
			}
			memmove(r, r + 1, 4 * sizeof(r[0]));
			r[4] = len;
			if (n < 5)
				n++;
			if (cur && n == 5 && finder_runs(r)) {
				xc = x - r[4] - r[3] - r[2] / 2;
				if (hm[(y / QR_CELL) * mw + xc / QR_CELL] < 255)
					hm[(y / QR_CELL) * mw + xc / QR_CELL]++;
			}
			if (x < w) {
				cur = o[x];
				len = 1;
			}
		}
	}
	/* Columns, a row at a time: per column its colour and 6 runs. */
	for (y = 0; y <= h; y++) {
		const unsigned char *o = bit + (size_t)(y < h ? y : 0) * w;

		for (x = 0; x < w; x++) {
			uint16_t *q = run + (size_t)x * 6;

			if (y == 0) {
				col[x] = o[x];
				q[5] = 1;
				continue;
			}
			if (y < h && o[x] == col[x]) {
				if (q[5] < UINT16_MAX)
					q[5]++;
				continue;
			}
			/* q[0..3] the runs before, q[4] a count of runs */
			for (i = 0; i < 4; i++)
				r[i] = q[i];
			r[4] = q[5];
			if (col[x] && q[4] >= 4 && finder_runs(r)) {
				yc = y - r[4] - r[3] - r[2] / 2;
				if (vm[(yc / QR_CELL) * mw + x / QR_CELL] < 255)
					vm[(yc / QR_CELL) * mw + x / QR_CELL]++;
			}
			memmove(q, q + 1, 3 * sizeof(q[0]));
			q[3] = q[5];
			if (q[4] < 4)
				q[4]++;
			if (y < h) {
				col[x] = o[x];
				q[5] = 1;
			}
		}
	}
	for (j = 0; j < mh; j++)
		for (i = 0; i < mw; i++) {
			if (hm[j * mw + i] == 0)
				continue;
			for (dj = -1; dj <= 1; dj++)
				for (di = -1; di <= 1; di++)
					if ((int)i + di >= 0 && i + di < mw &&
					    (int)j + dj >= 0 && j + dj < mh &&
					    vm[(j + dj) * mw + i + di] != 0)
						out[j * mw + i] = 1;
		}
	free(bit);
	free(bs);
	free(bq);
	free(thr);
	free(hm);
	free(vm);
	free(run);
	free(col);
	*mwp = mw;
	*mhp = mh;
	return out;
fail:
	free(bit);
	free(bs);
	free(bq);
	free(thr);
	free(hm);
	free(vm);
	free(out);
	free(run);
	free(col);
	return NULL;
}

/*
 * Scans overlapping t x t windows of im (step t/2, the last window of a
 * row or column flush with the edge), so that a small code fills a good
 * part of a window: zbar's QR binarizer adapts over a window that grows
 * with the image width (up to 256 px), which washes out a small, dim
 * code in a large photo.  With max > 0 only windows holding finder
 * candidates (finder_map) are scanned, at most max, those with the most
 * candidate cells first.  Images not larger than t are left to the
 * whole-image scans.  Returns like scan_gray().
 */
static int
scan_tiles(zbar_image_scanner_t *sc, const struct img *im, unsigned t,
    unsigned max, char **payload, size_t *plen)
{
	unsigned char	*map = NULL;
	unsigned	 mw = 0, mh = 0, cx, cy;
	struct img	 tile;
	unsigned	 nx, ny, ix, iy, x0, y0, tw, th, y, i, j, nt, best;
	unsigned	 score[QR_TILES_MAX], pos[QR_TILES_MAX];
	int		 rc = QR_NONE;

	if (im->px == NULL || (im->w <= t && im->h <= t) || t < 2)
		return QR_NONE;
	tw = im->w < t ? im->w : t;
	th = im->h < t ? im->h : t;
	nx = im->w > tw ? (im->w - tw + t / 2 - 1) / (t / 2) + 1 : 1;
	ny = im->h > th ? (im->h - th + t / 2 - 1) / (t / 2) + 1 : 1;
	if (nx > QR_TILES_MAX || ny > QR_TILES_MAX / nx)
		return QR_NONE;
	nt = nx * ny;
	for (i = 0; i < nt; i++) {
		pos[i] = i;
		score[i] = 0;
	}
	if (max > 0) {
		if ((map = finder_map(im, &mw, &mh)) == NULL)
			return IMG_SYSERR;
		for (i = 0; i < nt; i++) {
			iy = i / nx;
			ix = i % nx;
			x0 = nx > 1 ? (unsigned)((unsigned long)(im->w - tw) *
			    ix / (nx - 1)) : 0;
			y0 = ny > 1 ? (unsigned)((unsigned long)(im->h - th) *
			    iy / (ny - 1)) : 0;
			for (cy = y0 / QR_CELL; cy < (y0 + th) / QR_CELL &&
			    cy < mh; cy++)
				for (cx = x0 / QR_CELL; cx < (x0 + tw) /
				    QR_CELL && cx < mw; cx++)
					score[i] += map[cy * mw + cx];
		}
		free(map);
		if (max > nt)
			max = nt;
		/* Partial selection sort: the max best to the front. */
		for (i = 0; i < max; i++) {
			best = i;
			for (j = i + 1; j < nt; j++)
				if (score[pos[j]] > score[pos[best]])
					best = j;
			j = pos[i];
			pos[i] = pos[best];
			pos[best] = j;
		}
		/* Windows without a candidate are not worth a scan. */
		for (nt = 0; nt < max && score[pos[nt]] >= QR_CAND_MIN; nt++)
			;
	}
	if ((tile.px = malloc((size_t)tw * th)) == NULL)
		return IMG_SYSERR;
	tile.w = tw;
	tile.h = th;
	tile.ch = 1;
	for (i = 0; i < nt && rc == QR_NONE; i++) {
		iy = pos[i] / nx;
		ix = pos[i] % nx;
		y0 = ny > 1 ? (unsigned)((unsigned long)(im->h - th) * iy /
		    (ny - 1)) : 0;
		x0 = nx > 1 ? (unsigned)((unsigned long)(im->w - tw) * ix /
		    (nx - 1)) : 0;
		for (y = 0; y < th; y++)
			memcpy(tile.px + (size_t)y * tw, im->px +
			    (size_t)(y0 + y) * im->w + x0, tw);
		rc = scan_gray(sc, &tile, payload, plen);
	}
	free(tile.px);
	return rc;
}

int
qr_decode_image(const void *buf, size_t len, char **payload, size_t *plen)
{
	zbar_image_scanner_t	*sc;
	struct img		 full, lv[QR_LEVELS], *enh;
	enum img_type		 type;
	unsigned		 w, h, lng, d, min, dd[QR_LEVELS];
	static const unsigned	 jden[] = { 4, 8, 2, 1 };
	static const unsigned	 pden[] = { 1, 2, 4, 8 };
	static const unsigned	 pbig[] = { 2, 4, 1, 8 };
	const unsigned		*den;
	size_t			 i, n = 0;
	int			 rc;

	*payload = NULL;
	*plen = 0;
	if ((type = img_sniff(buf, len)) == IMG_NONE)
		return IMG_NOTIMAGE;
	if ((rc = img_dims(buf, len, type, &w, &h)) != IMG_OK)
		return rc;
	lng = w > h ? w : h;
	if (type == IMG_JPEG)
		den = jden;
	else
		den = lng >= QR_PNG_BIG ? pbig : pden;

	if ((sc = zbar_image_scanner_create()) == NULL)
		return IMG_SYSERR;
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);

	memset(&full, 0, sizeof(full));
	memset(lv, 0, sizeof(lv));
	rc = QR_NONE;
	for (i = 0; i < QR_LEVELS && rc == QR_NONE; i++) {
		d = den[i];
		min = d == 8 || (type == IMG_JPEG && d == 4 &&
		    lng < QR_MIN_SIDE * 4) ? QR_TINY_SIDE : QR_MIN_SIDE;
		if (d > 1 && lng / d < min)
			continue;
		if (d == 1 && type == IMG_JPEG && lng > QR_FULL_MAX)
			continue;
		if ((rc = level(buf, len, type, d, &full, &lv[n])) != IMG_OK)
			break;
		dd[n] = d;
		rc = scan_gray(sc, &lv[n], payload, plen);
		n++;
	}
	/* Dark mode (light modules on black): the first level inverted. */
	if (rc == QR_NONE && n > 0) {
		invert(&lv[0]);
		rc = scan_gray(sc, &lv[0], payload, plen);
		invert(&lv[0]);
	}
	/* Small codes in large photos: all windows of the 1/4 level. */
	for (i = 0; i < n && rc == QR_NONE; i++)
		if (dd[i] == 4 && lng / 4 >= QR_TILE_MIN)
			rc = scan_tiles(sc, &lv[i], QR_TILE, 0, payload, plen);
	/*
	 * Smaller codes still: the windows of the largest level that hold
	 * finder candidates.
	 */
	enh = NULL;
	for (i = 0; i < n; i++)
		if (enh == NULL || lv[i].w > enh->w)
			enh = &lv[i];
	if (rc == QR_NONE && enh != NULL && (enh->w > enh->h ? enh->w :
	    enh->h) >= 2 * QR_TILE_MIN)
		rc = scan_tiles(sc, enh, QR_TILE, QR_TILES_CAND, payload, plen);
	/*
	 * Noisy photos: the largest level smoothed and stretched, whole,
	 * then its candidate windows again (a small noisy code; a blurred
	 * one was better served by the raw windows above).
	 */
	if (rc == QR_NONE && enh != NULL &&
	    (rc = smooth_stretch(enh)) == IMG_OK)
		rc = scan_gray(sc, enh, payload, plen);
	if (rc == QR_NONE && enh != NULL && (enh->w > enh->h ? enh->w :
	    enh->h) >= 2 * QR_TILE_MIN)
		rc = scan_tiles(sc, enh, QR_TILE, QR_TILES_CAND, payload, plen);
	for (i = 0; i < n; i++)
		img_free(&lv[i]);
	img_free(&full);
	zbar_image_scanner_destroy(sc);
	if (rc != IMG_OK) {
		free(*payload);
		*payload = NULL;
		*plen = 0;
	}
	return rc;
}

int
qr_encode_png(const char *text, unsigned scale, unsigned char **png,
    size_t *pnglen)
{
	QRcode		*qr;
	png_image	 pi;
	unsigned char	*px = NULL, *out = NULL;
	unsigned	 side, x, y, mx, my;
	png_alloc_size_t sz = 0;

	*png = NULL;
	*pnglen = 0;
	memset(&pi, 0, sizeof(pi));
	if (text == NULL || scale == 0 || scale > QR_MAX_SCALE)
		return -1;
	if ((qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M)) == NULL)
		return -1;
	side = ((unsigned)qr->width + 2 * QR_QUIET) * scale;
	if ((px = malloc((size_t)side * side)) == NULL)
		goto fail;
	memset(px, 0xff, (size_t)side * side);
	for (y = 0; y < side; y++) {
		my = y / scale;
		if (my < QR_QUIET || my >= QR_QUIET + (unsigned)qr->width)
			continue;
		for (x = 0; x < side; x++) {
			mx = x / scale;
			if (mx < QR_QUIET ||
			    mx >= QR_QUIET + (unsigned)qr->width)
				continue;
			if (qr->data[(my - QR_QUIET) * qr->width +
			    (mx - QR_QUIET)] & 1)
				px[(size_t)y * side + x] = 0;
		}
	}

	pi.version = PNG_IMAGE_VERSION;
	pi.width = side;
	pi.height = side;
	pi.format = PNG_FORMAT_GRAY;
	/* First call sizes the output, second writes it. */
	if (!png_image_write_get_memory_size(pi, sz, 0, px, 0, NULL) ||
	    sz == 0)
		goto fail;
	if ((out = malloc(sz)) == NULL)
		goto fail;
	if (!png_image_write_to_memory(&pi, out, &sz, 0, px, 0, NULL))
		goto fail;
	png_image_free(&pi);
	free(px);
	QRcode_free(qr);
	*png = out;
	*pnglen = sz;
	return 0;
fail:
	png_image_free(&pi);
	free(out);
	free(px);
	QRcode_free(qr);
	return -1;
}
