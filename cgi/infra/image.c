/*
 * image.c - checking, decoding and re-encoding uploaded JPEG/PNG images.
 *
 * Order of trust: libmagic and the file signature pick the decoder, the
 * header gives the dimensions (refused over the limits before anything
 * is allocated), then the whole image is decoded with errors caught by
 * setjmp.  Stored images are always our own re-encoding: no EXIF, GPS
 * or other metadata survives.
 */
#include <sys/types.h>

#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <libexif/exif-data.h>
#include <magic.h>
#include <png.h>

#include "infra/image.h"

/* Bytes given to libmagic: the signatures are at the start. */
#define SNIFF_MAX	65536

/* libjpeg working memory limit and progressive scan limit. */
#define JPEG_MEM_MAX	(400L * 1024 * 1024)
#define JPEG_MAX_SCANS	500

/* libpng: largest ancillary chunk kept in memory, chunks cached. */
#define PNG_CHUNK_MAX	(4UL * 1024 * 1024)
#define PNG_CACHE_MAX	128

/* Background check on the 480x640 photo. */
#define BG_STRIP_PCT	6	/* strip width, % of the photo width */
#define BG_SIDE_PCT	50	/* side strips cover this % of the height */
#define BG_MIN_LUMA	140	/* mean luminance at least */
#define BG_MAX_SD	16	/* luminance standard deviation at most */
#define BG_MAX_CHSD	24	/* per-channel standard deviation at most */
#define BG_MAX_DIFF	24	/* top/left/right mean luminance spread */

/* Photo JPEG quality steps. */
#define PHOTO_Q_START	90
#define PHOTO_Q_MIN	60
#define PHOTO_Q_STEP	5
#define IDCARD_Q	85
/* Luminance standard deviation under which an ID photo is blank. */
#define IDCARD_MIN_SD	4

static magic_t	 cookie;	/* the only global: libmagic handle */

static const unsigned char png_sig[8] =
    { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* Luminance (BT.601) of an RGB pixel, 0..255. */
#define LUMA(p)	((77 * (p)[0] + 150 * (p)[1] + 29 * (p)[2] + 128) >> 8)

int
img_init(void)
{

	if (cookie != NULL)
		return 0;
	if ((cookie = magic_open(MAGIC_MIME_TYPE)) == NULL)
		return -1;
	if (magic_load(cookie, NULL) == -1) {
		magic_close(cookie);
		cookie = NULL;
		return -1;
	}
	return 0;
}

enum img_type
img_sniff(const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	const char		*mt;

	if (buf == NULL || len < 8)
		return IMG_NONE;
	if (cookie == NULL && img_init() == -1)
		return IMG_NONE;
	mt = magic_buffer(cookie, buf, len > SNIFF_MAX ? SNIFF_MAX : len);
	if (mt == NULL)
		return IMG_NONE;
	if (strcmp(mt, "image/jpeg") == 0 &&
	    p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return IMG_JPEG;
	if ((strcmp(mt, "image/png") == 0 || strcmp(mt, "image/apng") == 0) &&
	    memcmp(p, png_sig, sizeof(png_sig)) == 0)
		return IMG_PNG;
	return IMG_NONE;
}

/* The pixel budget (img_budget()), never above the compiled-in limits. */
static unsigned long	budget_side = IMG_MAX_SIDE;
static uint64_t		budget_pixels = IMG_MAX_PIXELS;

void
img_budget(long long side, long long megapixels)
{

	budget_side = side > 0 && side <= IMG_MAX_SIDE ?
	    (unsigned long)side : IMG_MAX_SIDE;
	budget_pixels = megapixels > 0 &&
	    (uint64_t)megapixels * 1000000 <= IMG_MAX_PIXELS ?
	    (uint64_t)megapixels * 1000000 : IMG_MAX_PIXELS;
}

static unsigned long
max_side(void)
{

	return budget_side;
}

static uint64_t
max_pixels(void)
{

	return budget_pixels;
}

/* Returns IMG_OK, IMG_CORRUPT (a zero side) or IMG_TOOBIG. */
static int
dims_check(unsigned long w, unsigned long h)
{

	if (w == 0 || h == 0)
		return IMG_CORRUPT;
	if (w > max_side() || h > max_side() || (uint64_t)w * h > max_pixels())
		return IMG_TOOBIG;
	return IMG_OK;
}

/*
 * Walks the JPEG marker segments from SOI up to SOS.  Returns 1 and
 * sets w and h from the first SOFn, else 0.  When exif is not NULL it
 * is set to the first APP1 "Exif" segment body (NULL if none).
 * Pointers point into p; nothing is allocated.
 */
static int
jpeg_scan(const unsigned char *p, size_t len, unsigned *w, unsigned *h,
    const unsigned char **exif, size_t *exiflen)
{
	size_t		 i = 2, seg;
	unsigned	 m;
	int		 found = 0;

	if (exif != NULL) {
		*exif = NULL;
		*exiflen = 0;
	}
	if (len < 4 || p[0] != 0xff || p[1] != 0xd8)
		return 0;
	while (i + 2 <= len) {
		if (p[i] != 0xff)
			break;
		m = p[i + 1];
		if (m == 0xff) {		/* fill byte */
			i++;
			continue;
		}
		i += 2;
		if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue;		/* no length */
		if (m == 0xd9 || m == 0xda)	/* EOI, SOS */
			break;
		if (i + 2 > len)
			break;
		seg = (size_t)p[i] << 8 | p[i + 1];
		if (seg < 2 || seg > len - i)
			break;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
		    m != 0xcc && seg >= 8 && !found) {
			*h = (unsigned)p[i + 3] << 8 | p[i + 4];
			*w = (unsigned)p[i + 5] << 8 | p[i + 6];
			found = 1;
		} else if (m == 0xe1 && exif != NULL && *exif == NULL &&
		    seg >= 8 && memcmp(p + i + 2, "Exif\0\0", 6) == 0) {
			*exif = p + i + 2;
			*exiflen = seg - 2;
		}
		i += seg;
	}
	return found;
}

int
img_dims(const void *buf, size_t len, enum img_type type,
    unsigned *w, unsigned *h)
{
	const unsigned char	*p = buf;
	unsigned long		 pw, ph;

	*w = *h = 0;
	switch (type) {
	case IMG_PNG:
		if (len < 24 || memcmp(p, png_sig, 8) != 0 ||
		    memcmp(p + 8, "\0\0\0\15IHDR", 8) != 0)
			return IMG_CORRUPT;
		pw = (unsigned long)p[16] << 24 | p[17] << 16 |
		    p[18] << 8 | p[19];
		ph = (unsigned long)p[20] << 24 | p[21] << 16 |
		    p[22] << 8 | p[23];
		*w = pw > UINT_MAX ? UINT_MAX : pw;
		*h = ph > UINT_MAX ? UINT_MAX : ph;
		return dims_check(pw, ph);
	case IMG_JPEG:
		if (!jpeg_scan(p, len, w, h, NULL, NULL))
			return IMG_CORRUPT;
		return dims_check(*w, *h);
	default:
		return IMG_NOTIMAGE;
	}
}

void
img_free(struct img *im)
{

	if (im == NULL)
		return;
	free(im->px);
	memset(im, 0, sizeof(*im));
}

/*
 * libjpeg error handling: errors and corrupt-data warnings jump back to
 * the caller's setjmp; nothing is printed.  mem/cap/len belong to the
 * memory destination of the encoder (so they survive the longjmp).
 */
struct jerr {
	struct jpeg_error_mgr	 pub;
	jmp_buf			 jb;
	int			 rc;	/* result to return after longjmp */
};

static void
jerr_exit(j_common_ptr c)
{
	struct jerr	*e = (struct jerr *)c->err;

	if (c->err->msg_code == JERR_OUT_OF_MEMORY)
		e->rc = IMG_SYSERR;
	else if (c->err->msg_code == JERR_NO_BACKING_STORE)
		e->rc = IMG_TOOBIG;
	else if (e->rc == IMG_OK)
		e->rc = IMG_CORRUPT;
	longjmp(e->jb, 1);
}

static void
jerr_emit(j_common_ptr c, int level)
{
	struct jerr	*e = (struct jerr *)c->err;

	if (level >= 0)
		return;			/* trace messages */
	switch (c->err->msg_code) {
	case JWRN_ARITH_BAD_CODE:
	case JWRN_HIT_MARKER:
	case JWRN_HUFF_BAD_CODE:
	case JWRN_JPEG_EOF:
	case JWRN_MUST_RESYNC:
	case JWRN_NOT_SEQUENTIAL:
	case JWRN_BOGUS_PROGRESSION:
		e->rc = IMG_CORRUPT;	/* truncated or damaged data */
		longjmp(e->jb, 1);
	default:
		break;			/* harmless oddities */
	}
}

static void
jerr_output(j_common_ptr c)
{

	(void)c;
}

/* Stops endless progressive files. */
static void
jprogress(j_common_ptr c)
{
	struct jerr	*e = (struct jerr *)c->err;

	if (c->is_decompressor &&
	    ((j_decompress_ptr)c)->input_scan_number > JPEG_MAX_SCANS) {
		e->rc = IMG_CORRUPT;
		longjmp(e->jb, 1);
	}
}

static void
jerr_setup(struct jerr *e)
{

	memset(e, 0, sizeof(*e));
	jpeg_std_error(&e->pub);
	e->pub.error_exit = jerr_exit;
	e->pub.emit_message = jerr_emit;
	e->pub.output_message = jerr_output;
	e->rc = IMG_OK;
}

/* One CMYK row (Adobe files store it inverted) to gray or RGB. */
static void
cmyk_row(const unsigned char *in, unsigned char *out, unsigned w, int gray,
    int inverted)
{
	unsigned	 x, c, m, y, k, r, g, b;

	for (x = 0; x < w; x++, in += 4) {
		c = in[0], m = in[1], y = in[2], k = in[3];
		if (!inverted) {
			c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
		}
		r = c * k / 255, g = m * k / 255, b = y * k / 255;
		if (gray)
			*out++ = (77 * r + 150 * g + 29 * b + 128) >> 8;
		else {
			*out++ = r;
			*out++ = g;
			*out++ = b;
		}
	}
}

/*
 * Decodes a JPEG at scale 1/denom (1, 2, 4 or 8) to gray or RGB into
 * out (zeroed on error).  Returns IMG_OK, IMG_TOOBIG, IMG_CORRUPT or IMG_SYSERR.
 */
static int
decode_jpeg(const unsigned char *buf, size_t len, int gray, unsigned denom,
    struct img *out)
{
	struct jpeg_decompress_struct	 c;
	struct jpeg_progress_mgr	 prog;
	struct jerr			 e;
	unsigned char *volatile		 px = NULL;
	unsigned char *volatile		 tmp = NULL;
	JSAMPROW			 rows[16];
	unsigned			 ch, w, h, i, n;
	int				 rc, cmyk;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	memset(&prog, 0, sizeof(prog));
	jerr_setup(&e);
	c.err = &e.pub;
	if (setjmp(e.jb)) {
		jpeg_destroy_decompress(&c);
		free(px);
		free(tmp);
		return e.rc == IMG_OK ? IMG_CORRUPT : e.rc;
	}
	jpeg_create_decompress(&c);
	c.mem->max_memory_to_use = JPEG_MEM_MAX;
	prog.progress_monitor = jprogress;
	c.progress = &prog;
	jpeg_mem_src(&c, buf, len);
	jpeg_read_header(&c, TRUE);
	if ((rc = dims_check(c.image_width, c.image_height)) != IMG_OK) {
		e.rc = rc;
		longjmp(e.jb, 1);
	}
	c.scale_num = 1;
	c.scale_denom = denom;
	cmyk = c.jpeg_color_space == JCS_CMYK || c.jpeg_color_space == JCS_YCCK;
	if (cmyk)
		c.out_color_space = JCS_CMYK;
	else
		c.out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_start_decompress(&c);
	ch = gray ? 1 : 3;
	w = c.output_width;
	h = c.output_height;
	if ((unsigned)c.output_components != (cmyk ? 4 : ch) || w == 0 ||
	    h == 0)
		longjmp(e.jb, 1);
	if ((px = malloc((size_t)w * h * ch)) == NULL ||
	    (cmyk && (tmp = malloc((size_t)w * 4)) == NULL)) {
		e.rc = IMG_SYSERR;
		longjmp(e.jb, 1);
	}
	while (c.output_scanline < h) {
		if (cmyk) {
			rows[0] = tmp;
			n = 1;
		} else {
			n = h - c.output_scanline;
			if (n > 16)
				n = 16;
			for (i = 0; i < n; i++)
				rows[i] = px +
				    (size_t)(c.output_scanline + i) * w * ch;
		}
		i = c.output_scanline;
		if ((n = jpeg_read_scanlines(&c, rows, n)) == 0)
			longjmp(e.jb, 1);
		if (cmyk)
			cmyk_row(tmp, px + (size_t)i * w * ch, w, gray,
			    c.saw_Adobe_marker);
	}
	jpeg_finish_decompress(&c);
	jpeg_destroy_decompress(&c);
	free(tmp);
	out->w = w;
	out->h = h;
	out->ch = ch;
	out->px = px;
	return IMG_OK;
}

/*
 * EXIF Orientation (1..8) of a JPEG, 1 when absent or unreadable.
 * Only the APP1 segment found by jpeg_scan() is given to libexif.
 */
static int
jpeg_orientation(const unsigned char *buf, size_t len)
{
	const unsigned char	*ex;
	size_t			 exlen;
	unsigned		 w, h;
	ExifData		*ed;
	ExifEntry		*ee;
	int			 o = 1;

	jpeg_scan(buf, len, &w, &h, &ex, &exlen);
	if (ex == NULL)
		return 1;
	if ((ed = exif_data_new()) == NULL)
		return 1;
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_load_data(ed, ex, exlen);
	ee = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
	if (ee != NULL && ee->format == EXIF_FORMAT_SHORT &&
	    ee->components >= 1 && ee->size >= 2 && ee->data != NULL)
		o = exif_get_short(ee->data, exif_data_get_byte_order(ed));
	exif_data_unref(ed);
	return o >= 1 && o <= 8 ? o : 1;
}

/*
 * Turns im upright for EXIF orientation o (1..8).  Returns IMG_OK or
 * IMG_SYSERR (im unchanged).
 */
static int
img_orient(struct img *im, int o)
{
	unsigned char	*np, *d;
	const unsigned char *s;
	ptrdiff_t	 w = im->w, h = im->h, start, xs, ys, row;
	unsigned	 nw, nh, x, y, k, ch = im->ch;

	switch (o) {
	case 2: start = w - 1; xs = -1; ys = w; break;
	case 3: start = (h - 1) * w + w - 1; xs = -1; ys = -w; break;
	case 4: start = (h - 1) * w; xs = 1; ys = -w; break;
	case 5: start = 0; xs = w; ys = 1; break;
	case 6: start = (h - 1) * w; xs = -w; ys = 1; break;
	case 7: start = (h - 1) * w + w - 1; xs = -w; ys = -1; break;
	case 8: start = w - 1; xs = w; ys = -1; break;
	default:
		return IMG_OK;
	}
	if (o >= 5) {
		nw = im->h;
		nh = im->w;
	} else {
		nw = im->w;
		nh = im->h;
	}
	if ((np = malloc((size_t)nw * nh * ch)) == NULL)
		return IMG_SYSERR;
	d = np;
	for (y = 0; y < nh; y++) {
		row = start + (ptrdiff_t)y * ys;
		for (x = 0; x < nw; x++) {
			s = im->px + (row + (ptrdiff_t)x * xs) * (ptrdiff_t)ch;
			for (k = 0; k < ch; k++)
				*d++ = s[k];
		}
	}
	free(im->px);
	im->px = np;
	im->w = nw;
	im->h = nh;
	return IMG_OK;
}

/* libpng reads from memory; errors jump back without printing. */
struct pngsrc {
	const unsigned char	*p;
	size_t			 len, off;
};

static void
png_rd(png_structp png, png_bytep data, size_t n)
{
	struct pngsrc	*s = png_get_io_ptr(png);

	if (n > s->len - s->off)
		png_error(png, "truncated");
	memcpy(data, s->p + s->off, n);
	s->off += n;
}

static void
png_err(png_structp png, png_const_charp msg)
{

	(void)msg;
	png_longjmp(png, 1);
}

static void
png_warn(png_structp png, png_const_charp msg)
{

	(void)png;
	(void)msg;
}

/*
 * Converts n pixels of nc channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA)
 * to gray (gray != 0) or RGB, compositing transparency on white.
 */
static void
png_flatten(const unsigned char *in, unsigned char *out, size_t n,
    unsigned nc, int gray)
{
	size_t		 i;
	unsigned	 k, a, v[3], nv = nc >= 3 ? 3 : 1;

	for (i = 0; i < n; i++, in += nc) {
		a = nc == 2 || nc == 4 ? in[nv] : 255;
		for (k = 0; k < nv; k++)
			v[k] = a == 255 ? in[k] :
			    (in[k] * a + 255 * (255 - a) + 127) / 255;
		if (nv == 1)
			v[1] = v[2] = v[0];
		if (gray)
			*out++ = nv == 1 ? v[0] :
			    (77 * v[0] + 150 * v[1] + 29 * v[2] + 128) >> 8;
		else {
			*out++ = v[0];
			*out++ = v[1];
			*out++ = v[2];
		}
	}
}

/*
 * Decodes a PNG in full to gray or RGB (transparency composited on
 * white) into out (zeroed on error).  Returns IMG_OK, IMG_TOOBIG,
 * IMG_CORRUPT or IMG_SYSERR.
 */
static int
decode_png(const unsigned char *buf, size_t len, int gray, struct img *out)
{
	png_structp			 png;
	png_infop			 info;
	struct pngsrc			 src;
	unsigned char *volatile		 px = NULL;
	unsigned char *volatile		 raw = NULL;
	png_bytep *volatile		 rows = NULL;
	volatile int			 rc = IMG_CORRUPT;
	png_uint_32			 w, h, y;
	int				 depth, color, ilace, passes, p;
	unsigned			 ch, nc;
	size_t				 rb;

	memset(out, 0, sizeof(*out));
	src.p = buf;
	src.len = len;
	src.off = 0;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
	    png_err, png_warn);
	if (png == NULL)
		return IMG_SYSERR;
	if ((info = png_create_info_struct(png)) == NULL) {
		png_destroy_read_struct(&png, NULL, NULL);
		return IMG_SYSERR;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(px);
		free(raw);
		free(rows);
		return rc;
	}
	png_set_user_limits(png, (png_uint_32)max_side(),
	    (png_uint_32)max_side());
	png_set_chunk_cache_max(png, PNG_CACHE_MAX);
	png_set_chunk_malloc_max(png, PNG_CHUNK_MAX);
	png_set_read_fn(png, &src, png_rd);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &color, &ilace, NULL, NULL);
	if ((rc = dims_check(w, h)) != IMG_OK)
		png_longjmp(png, 1);
	rc = IMG_CORRUPT;

	png_set_expand(png);
	png_set_strip_16(png);
	/* Colour to gray is ours: libpng's is gamma-exact but slow. */
	if (!gray && !(color & PNG_COLOR_MASK_COLOR))
		png_set_gray_to_rgb(png);
	passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);

	ch = gray ? 1 : 3;
	nc = png_get_channels(png, info);
	rb = png_get_rowbytes(png, info);
	if (nc < 1 || nc > 4 || (!gray && nc < 3) || rb != (size_t)w * nc ||
	    png_get_bit_depth(png, info) != 8)
		png_longjmp(png, 1);

	rc = IMG_SYSERR;
	if ((px = malloc((size_t)w * h * ch)) == NULL)
		png_longjmp(png, 1);
	if (passes > 1) {
		/* Interlaced: the whole image is needed in every pass. */
		if ((raw = malloc(rb * h)) == NULL ||
		    (rows = calloc(h, sizeof(*rows))) == NULL)
			png_longjmp(png, 1);
		for (y = 0; y < h; y++)
			rows[y] = raw + rb * y;
		rc = IMG_CORRUPT;
		png_read_image(png, rows);
		png_flatten(raw, px, (size_t)w * h, nc, gray);
	} else {
		if ((raw = malloc(rb)) == NULL)
			png_longjmp(png, 1);
		rc = IMG_CORRUPT;
		for (p = 0; p < passes; p++)
			for (y = 0; y < h; y++) {
				png_read_row(png, raw, NULL);
				png_flatten(raw, px + (size_t)y * w * ch,
				    w, nc, gray);
			}
	}
	png_read_end(png, NULL);	/* a missing IEND is truncation */
	png_destroy_read_struct(&png, &info, NULL);
	free(raw);
	free(rows);
	out->w = w;
	out->h = h;
	out->ch = ch;
	out->px = px;
	return IMG_OK;
}

int
img_downscale(struct img *im, unsigned f)
{
	unsigned char	*np, *d;
	unsigned	 nw, nh, x, y, i, j, k, ch = im->ch, fx, fy;
	unsigned long	 sum;

	if (f <= 1 || im->px == NULL)
		return IMG_OK;
	nw = im->w / f ? im->w / f : 1;
	nh = im->h / f ? im->h / f : 1;
	fx = im->w < f ? im->w : f;
	fy = im->h < f ? im->h : f;
	if ((np = malloc((size_t)nw * nh * ch)) == NULL)
		return IMG_SYSERR;
	d = np;
	for (y = 0; y < nh; y++)
		for (x = 0; x < nw; x++)
			for (k = 0; k < ch; k++) {
				sum = 0;
				for (j = 0; j < fy; j++)
					for (i = 0; i < fx; i++)
						sum += im->px[((size_t)(y * fy +
						    j) * im->w + x * fx + i) *
						    ch + k];
				*d++ = (sum + fx * fy / 2) / (fx * fy);
			}
	free(im->px);
	im->px = np;
	im->w = nw;
	im->h = nh;
	return IMG_OK;
}

int
img_decode_type(const void *buf, size_t len, enum img_type type, int gray,
    unsigned denom, int orient, struct img *out)
{
	unsigned	 w, h;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (type != IMG_JPEG && type != IMG_PNG)
		return IMG_NOTIMAGE;
	if ((rc = img_dims(buf, len, type, &w, &h)) != IMG_OK)
		return rc;
	if (denom != 2 && denom != 4 && denom != 8)
		denom = 1;
	if (type == IMG_JPEG) {
		if ((rc = decode_jpeg(buf, len, gray, denom, out)) != IMG_OK)
			return rc;
		if (orient &&
		    (rc = img_orient(out, jpeg_orientation(buf, len))) != IMG_OK)
			img_free(out);
		return rc;
	}
	if ((rc = decode_png(buf, len, gray, out)) != IMG_OK)
		return rc;
	if ((rc = img_downscale(out, denom)) != IMG_OK)
		img_free(out);
	return rc;
}

int
img_decode(const void *buf, size_t len, int gray, unsigned denom,
    struct img *out)
{

	return img_decode_type(buf, len, img_sniff(buf, len), gray, denom,
	    1, out);
}

/*
 * Resampling weights for one axis: output i takes n[i] source samples
 * from first[i] with weights w[i * max ...] (sum 1).  Downscaling
 * averages the covered area exactly; upscaling is bilinear.
 */
struct axis {
	unsigned	*first, *n, max;
	float		*w;
};

static void
axis_free(struct axis *a)
{

	free(a->first);
	free(a->n);
	free(a->w);
}

/* Returns 0 or -1 (out of memory, a freed). */
static int
axis_make(struct axis *a, unsigned in, unsigned out)
{
	double		 s = (double)in / out, lo, hi, c, f;
	unsigned	 i, j, k;
	long		 j0;

	a->max = (unsigned)s + 2;
	a->first = calloc(out, sizeof(unsigned));
	a->n = calloc(out, sizeof(unsigned));
	a->w = calloc((size_t)out * a->max, sizeof(float));
	if (a->first == NULL || a->n == NULL || a->w == NULL) {
		axis_free(a);
		return -1;
	}
	for (i = 0; i < out; i++) {
		float	*w = a->w + (size_t)i * a->max;

		if (s >= 1) {
			lo = i * s;
			hi = lo + s;
			j = (unsigned)lo;
			a->first[i] = j;
			for (k = 0; j < in && j < hi && k < a->max; j++, k++) {
				f = (j + 1 < hi ? j + 1 : hi) -
				    (j > lo ? j : lo);
				w[k] = f / s;
			}
			a->n[i] = k;
		} else {
			c = (i + 0.5) * s - 0.5;
			if (c < 0)
				c = 0;
			j0 = (long)c;
			f = c - j0;
			a->first[i] = j0;
			if ((unsigned)j0 + 1 < in) {
				w[0] = 1 - f;
				w[1] = f;
				a->n[i] = 2;
			} else {
				w[0] = 1;
				a->n[i] = 1;
			}
		}
	}
	return 0;
}

/*
 * Resamples the sw x sh rectangle at src (row stride in bytes, ch
 * channels) to dst (nw x nh, newly allocated, caller frees with
 * img_free()).  Returns IMG_OK or IMG_SYSERR.
 */
static int
resample(const unsigned char *src, size_t stride, unsigned sw, unsigned sh,
    unsigned ch, unsigned nw, unsigned nh, struct img *dst)
{
	struct axis	 ax, ay;
	float		*tmp, acc[3];
	const float	*w;
	unsigned	 x, y, k, c;
	const unsigned char *s;
	const float	*t;
	float		 v;

	memset(dst, 0, sizeof(*dst));
	if (axis_make(&ax, sw, nw) == -1)
		return IMG_SYSERR;
	if (axis_make(&ay, sh, nh) == -1) {
		axis_free(&ax);
		return IMG_SYSERR;
	}
	tmp = malloc((size_t)nw * sh * ch * sizeof(float));
	dst->px = malloc((size_t)nw * nh * ch);
	if (tmp == NULL || dst->px == NULL) {
		free(tmp);
		free(dst->px);
		dst->px = NULL;
		axis_free(&ax);
		axis_free(&ay);
		return IMG_SYSERR;
	}
	/* Horizontal pass into tmp (nw x sh floats). */
	for (y = 0; y < sh; y++)
		for (x = 0; x < nw; x++) {
			s = src + y * stride + (size_t)ax.first[x] * ch;
			w = ax.w + (size_t)x * ax.max;
			for (c = 0; c < ch; c++)
				acc[c] = 0;
			for (k = 0; k < ax.n[x]; k++, s += ch)
				for (c = 0; c < ch; c++)
					acc[c] += w[k] * s[c];
			for (c = 0; c < ch; c++)
				tmp[((size_t)y * nw + x) * ch + c] = acc[c];
		}
	/* Vertical pass into dst. */
	for (y = 0; y < nh; y++) {
		w = ay.w + (size_t)y * ay.max;
		for (x = 0; x < nw; x++) {
			for (c = 0; c < ch; c++)
				acc[c] = 0;
			t = tmp + ((size_t)ay.first[y] * nw + x) * ch;
			for (k = 0; k < ay.n[y]; k++, t += (size_t)nw * ch)
				for (c = 0; c < ch; c++)
					acc[c] += w[k] * t[c];
			for (c = 0; c < ch; c++) {
				v = acc[c] + 0.5f;
				dst->px[((size_t)y * nw + x) * ch + c] =
				    v < 0 ? 0 : v > 255 ? 255 : (unsigned char)v;
			}
		}
	}
	free(tmp);
	axis_free(&ax);
	axis_free(&ay);
	dst->w = nw;
	dst->h = nh;
	dst->ch = ch;
	return IMG_OK;
}

/* JPEG destination: a growing malloc'd buffer that survives longjmp. */
struct memdst {
	struct jpeg_destination_mgr	 pub;
	unsigned char			*buf;
	size_t				 cap, len;
};

static void
memdst_init(j_compress_ptr c)
{
	struct memdst	*d = (struct memdst *)c->dest;

	if (d->buf == NULL) {
		d->cap = 64 * 1024;
		if ((d->buf = malloc(d->cap)) == NULL)
			ERREXIT1(c, JERR_OUT_OF_MEMORY, 10);
	}
	d->pub.next_output_byte = d->buf;
	d->pub.free_in_buffer = d->cap;
}

static boolean
memdst_empty(j_compress_ptr c)
{
	struct memdst	*d = (struct memdst *)c->dest;
	unsigned char	*nb;

	if ((nb = realloc(d->buf, d->cap * 2)) == NULL)
		ERREXIT1(c, JERR_OUT_OF_MEMORY, 11);
	d->buf = nb;
	d->pub.next_output_byte = nb + d->cap;
	d->pub.free_in_buffer = d->cap;
	d->cap *= 2;
	return TRUE;
}

static void
memdst_term(j_compress_ptr c)
{
	struct memdst	*d = (struct memdst *)c->dest;

	d->len = d->cap - d->pub.free_in_buffer;
}

/*
 * Encodes im (gray or RGB) as a baseline JPEG with only a JFIF header.
 * Returns IMG_OK with *out malloc'd (caller frees) or IMG_SYSERR.
 */
static int
encode_jpeg(const struct img *im, int quality, unsigned char **out,
    size_t *outlen)
{
	struct jpeg_compress_struct	 c;
	struct jerr			 e;
	struct memdst			 d;
	JSAMPROW			 row;

	*out = NULL;
	*outlen = 0;
	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	jerr_setup(&e);
	c.err = &e.pub;
	if (setjmp(e.jb)) {
		jpeg_destroy_compress(&c);
		free(d.buf);
		return IMG_SYSERR;
	}
	jpeg_create_compress(&c);
	d.pub.init_destination = memdst_init;
	d.pub.empty_output_buffer = memdst_empty;
	d.pub.term_destination = memdst_term;
	c.dest = &d.pub;
	c.image_width = im->w;
	c.image_height = im->h;
	c.input_components = im->ch;
	c.in_color_space = im->ch == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	c.optimize_coding = TRUE;
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		row = im->px + (size_t)c.next_scanline * im->w * im->ch;
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	*out = d.buf;
	*outlen = d.len;
	return IMG_OK;
}

/* Height of the largest 3:4 crop of a w x h image. */
static unsigned long
crop_h(unsigned long w, unsigned long h)
{

	return w * 4 > h * 3 ? h : w * 4 / 3;
}

/*
 * Largest libjpeg denominator keeping both sides of the decoded image
 * (either orientation) at least need_h of crop height (photo) or the
 * longer side at least need_long (ID card).
 */
static unsigned
pick_denom(enum img_type type, unsigned w, unsigned h, unsigned need_h,
    unsigned need_long)
{
	unsigned	 d;
	unsigned long	 ch1, ch2, m;

	if (type != IMG_JPEG)
		return 1;
	for (d = 8; d > 1; d /= 2) {
		if (need_h) {
			ch1 = crop_h(w / d, h / d);
			ch2 = crop_h(h / d, w / d);
			if ((ch1 < ch2 ? ch1 : ch2) >= need_h)
				return d;
		} else {
			m = (w > h ? w : h) / d;
			if (m >= need_long)
				return d;
		}
	}
	return 1;
}

/*
 * Whether the top and side strips of an RGB photo are one light
 * colour.  Returns 1 or 0.
 */
static int
photo_bg_ok(const struct img *im)
{
	unsigned	 sw, sh, x, y, r, k;
	unsigned	 box[3][4];	/* x0, y0, x1, y1 */
	double		 sum, sq, csum[3], csq[3], rmean[3], n, rn, m, var;
	double		 lo, hi;
	const unsigned char *p;
	unsigned	 l;

	sw = im->w * BG_STRIP_PCT / 100;
	sh = im->h * BG_SIDE_PCT / 100;
	if (sw == 0 || sh <= sw)
		return 0;
	/* top, left, right */
	box[0][0] = 0, box[0][1] = 0, box[0][2] = im->w, box[0][3] = sw;
	box[1][0] = 0, box[1][1] = sw, box[1][2] = sw, box[1][3] = sh;
	box[2][0] = im->w - sw, box[2][1] = sw, box[2][2] = im->w,
	    box[2][3] = sh;
	sum = sq = n = 0;
	for (k = 0; k < 3; k++)
		csum[k] = csq[k] = 0;
	for (r = 0; r < 3; r++) {
		double	 rs = 0;

		rn = 0;
		for (y = box[r][1]; y < box[r][3]; y++)
			for (x = box[r][0]; x < box[r][2]; x++) {
				p = im->px + ((size_t)y * im->w + x) * 3;
				l = LUMA(p);
				rs += l;
				sq += (double)l * l;
				for (k = 0; k < 3; k++) {
					csum[k] += p[k];
					csq[k] += (double)p[k] * p[k];
				}
				rn++;
			}
		rmean[r] = rs / rn;
		sum += rs;
		n += rn;
	}
	m = sum / n;
	var = sq / n - m * m;
	if (m < BG_MIN_LUMA || var > BG_MAX_SD * BG_MAX_SD)
		return 0;
	for (k = 0; k < 3; k++) {
		double	 cm = csum[k] / n;

		if (csq[k] / n - cm * cm > BG_MAX_CHSD * BG_MAX_CHSD)
			return 0;
	}
	lo = hi = rmean[0];
	for (r = 1; r < 3; r++) {
		if (rmean[r] < lo)
			lo = rmean[r];
		if (rmean[r] > hi)
			hi = rmean[r];
	}
	return hi - lo <= BG_MAX_DIFF;
}

int
img_photo(const void *buf, size_t len, size_t max_bytes,
    unsigned char **jpg, size_t *jpglen, int *quality, int *bg_ok)
{
	struct img	 im, out;
	enum img_type	 type;
	unsigned	 w, h, cw, chh, x0, y0;
	unsigned char	*j;
	size_t		 jl;
	int		 rc, q;

	*jpg = NULL;
	*jpglen = 0;
	*quality = 0;
	*bg_ok = 0;
	if ((type = img_sniff(buf, len)) == IMG_NONE)
		return IMG_NOTIMAGE;
	if ((rc = img_dims(buf, len, type, &w, &h)) != IMG_OK)
		return rc;
	rc = img_decode_type(buf, len, type, 0,
	    pick_denom(type, w, h, IMG_PHOTO_H, 0), 1, &im);
	if (rc != IMG_OK)
		return rc;

	/* Centre crop to 3:4. */
	if ((unsigned long)im.w * 4 > (unsigned long)im.h * 3) {
		chh = im.h;
		cw = (unsigned long)im.h * 3 / 4;
	} else {
		cw = im.w;
		chh = (unsigned long)im.w * 4 / 3;
	}
	if (cw == 0 || chh == 0) {
		img_free(&im);
		return IMG_CORRUPT;
	}
	x0 = (im.w - cw) / 2;
	y0 = (im.h - chh) / 2;
	rc = resample(im.px + ((size_t)y0 * im.w + x0) * 3, (size_t)im.w * 3,
	    cw, chh, 3, IMG_PHOTO_W, IMG_PHOTO_H, &out);
	img_free(&im);
	if (rc != IMG_OK)
		return rc;
	*bg_ok = photo_bg_ok(&out);

	for (q = PHOTO_Q_START; q >= PHOTO_Q_MIN; q -= PHOTO_Q_STEP) {
		if ((rc = encode_jpeg(&out, q, &j, &jl)) != IMG_OK)
			break;
		if (jl <= max_bytes) {
			*jpg = j;
			*jpglen = jl;
			*quality = q;
			break;
		}
		free(j);
		rc = IMG_TOOBIG;
	}
	img_free(&out);
	if (rc != IMG_OK)
		*bg_ok = 0;
	return rc;
}

/* Luminance variance of an RGB image (every 4th pixel each way). */
static double
luma_var(const struct img *im)
{
	unsigned	 x, y, l;
	double		 s = 0, sq = 0, n = 0, m;
	const unsigned char *p;

	for (y = 0; y < im->h; y += 4)
		for (x = 0; x < im->w; x += 4) {
			p = im->px + ((size_t)y * im->w + x) * 3;
			l = LUMA(p);
			s += l;
			sq += (double)l * l;
			n++;
		}
	if (n == 0)
		return 0;
	m = s / n;
	return sq / n - m * m;
}

int
img_reencode_idcard(const void *buf, size_t len, unsigned char **jpg,
    size_t *jpglen)
{
	struct img	 im, out;
	enum img_type	 type;
	unsigned	 w, h, nw, nh, lng;
	int		 rc;

	*jpg = NULL;
	*jpglen = 0;
	if ((type = img_sniff(buf, len)) == IMG_NONE)
		return IMG_NOTIMAGE;
	if ((rc = img_dims(buf, len, type, &w, &h)) != IMG_OK)
		return rc;
	if ((w < h ? w : h) < IMG_IDCARD_MIN)
		return IMG_CORRUPT;
	rc = img_decode_type(buf, len, type, 0,
	    pick_denom(type, w, h, 0, IMG_IDCARD_MAX), 1, &im);
	if (rc != IMG_OK)
		return rc;
	if (luma_var(&im) < IDCARD_MIN_SD * IDCARD_MIN_SD) {
		img_free(&im);
		return IMG_CORRUPT;
	}
	lng = im.w > im.h ? im.w : im.h;
	if (lng > IMG_IDCARD_MAX) {
		nw = (unsigned)((unsigned long)im.w * IMG_IDCARD_MAX / lng);
		nh = (unsigned)((unsigned long)im.h * IMG_IDCARD_MAX / lng);
		if (nw == 0)
			nw = 1;
		if (nh == 0)
			nh = 1;
		rc = resample(im.px, (size_t)im.w * 3, im.w, im.h, 3,
		    nw, nh, &out);
		img_free(&im);
		if (rc != IMG_OK)
			return rc;
		im = out;
	}
	rc = encode_jpeg(&im, IDCARD_Q, jpg, jpglen);
	img_free(&im);
	return rc;
}
