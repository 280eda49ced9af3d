/*
 * image.c - checking, decoding and re-encoding uploaded JPEG/PNG images.
 *
 * Order of trust: libmagic and the file signature pick the decoder, the
 * header gives the dimensions (refused over the pixel budget before
 * anything is decoded), then libvips decodes, resizes and re-encodes.
 * Stored images are always our own re-encoding: no EXIF, GPS or other
 * metadata survives.
 *
 * libvips runs as a streaming pipeline: a JPEG is shrunk by libjpeg's
 * DCT scaling while it is read (shrink-on-load), the rest is resampled
 * with lanczos3 (vips_resize), and only the small result is held in
 * memory, so a 12 MP photo or a 4000x3000 PNG never exists decoded in
 * full.  It is set up once per process, lazily (vips_up()): one worker
 * thread per pipeline, no operation cache, and only its built-in JPEG
 * and PNG loaders (every other loader is blocked, and the optional
 * modules -- ImageMagick, poppler, HEIF, JPEG XL, OpenSlide -- are not
 * even loaded), so a FastCGI worker stays small and does one thing.
 *
 * One path stays with libjpeg: the gray planes of a JPEG for the QR
 * decoder (jpeg_gray()).  libjpeg gives the luminance plane without
 * decoding chroma; libvips decodes RGB, and on the QR field corpus that
 * cost 22 % more CPU per image (median 53.5 ms against 43.7 ms).
 */
#include <sys/types.h>

#include <limits.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <magic.h>
#include <vips/vips.h>

#include "infra/image.h"

/* Bytes given to libmagic: the signatures are at the start. */
#define SNIFF_MAX	65536

/* Progressive JPEG scans at most (endless progressive files). */
#define JPEG_MAX_SCANS	500
/* libjpeg working memory limit (jpeg_gray()). */
#define JPEG_MEM_MAX	(400L * 1024 * 1024)

/*
 * libvips looks for its optional modules under $VIPSHOME/lib; unless
 * the operator set VIPSHOME, it points at a folder without any (vips'
 * own messages are not translated then, and are never shown).
 */
#define VIPSHOME_NONE	"/nonexistent"

/* Background check on the 480x640 photo. */
#define BG_STRIP_PCT	6	/* strip width, % of the photo width */
#define BG_SIDE_PCT	50	/* side strips cover this % of the height */
#define BG_MIN_LUMA	140	/* mean luminance at least */
#define BG_MAX_SD	16	/* luminance standard deviation at most */
#define BG_MAX_CHSD	24	/* per-channel standard deviation at most */
#define BG_MAX_DIFF	24	/* top/left/right mean luminance spread */

/* Photo JPEG quality range, searched from the top. */
#define PHOTO_Q_MAX	90
#define PHOTO_Q_MIN	60
#define IDCARD_Q	85
/* Luminance standard deviation under which an ID photo is blank. */
#define IDCARD_MIN_SD	4

/*
 * Shrink-on-load (libjpeg's DCT scaling) leaves at least this factor to
 * lanczos3, which keeps fine detail that DCT scaling blurs or aliases.
 * Photo: 2 (PSNR against a lanczos3 reference from the lossless source,
 * 12 MP phone JPEG: 45.2 dB, 44.4 dB with 1, 40.1 dB the old decoder at
 * 1/4 plus area averaging; 85 ms CPU against 67 ms and 48 ms).  ID card:
 * 1 (staff read it at 1600 px; 141 ms against 215 ms with 2).
 */
#define PHOTO_GAP	2
#define IDCARD_GAP	1

/* Rows computed at a time when pixels are copied out. */
#define EXPORT_STRIP	64

static magic_t	 cookie;	/* libmagic handle */
static int	 vips_state;	/* 0 not set up, 1 up, -1 failed */

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

/* GLib log handler for libvips: its warnings are about hostile input. */
static void
vips_quiet(const char *domain, GLogLevelFlags level, const char *msg,
    void *arg)
{

	(void)domain;
	(void)level;
	(void)msg;
	(void)arg;
}

/*
 * Starts libvips once per process (VIPS_INIT is not to be repeated) and
 * bounds what a worker holds: pipelines run on one thread, nothing is
 * cached between requests, and only the JPEG and PNG loaders can run.
 * Returns 0 or -1.
 */
static int
vips_up(void)
{

	if (vips_state != 0)
		return vips_state == 1 ? 0 : -1;
	vips_state = -1;
	if (getenv("VIPSHOME") == NULL &&
	    setenv("VIPSHOME", VIPSHOME_NONE, 0) == -1)
		return -1;
	/*
	 * Before the first pipeline starts libvips' worker threads: one
	 * malloc arena, or each thread's own arena keeps its peak (10 ID
	 * cards in a row: 80 MB resident instead of 44 MB, flat after).
	 */
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 1);
#endif
	if (VIPS_INIT("tucai") != 0) {
		vips_error_clear();
		return -1;
	}
	g_log_set_handler("VIPS", G_LOG_LEVEL_MASK, vips_quiet, NULL);
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	vips_block_untrusted_set(TRUE);
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
	vips_operation_block_set("VipsForeignLoadPng", FALSE);
	vips_state = 1;
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

/* Returns IMG_OK, IMG_CORRUPT (a zero side) or IMG_TOOBIG. */
static int
dims_check(unsigned long w, unsigned long h)
{

	if (w == 0 || h == 0)
		return IMG_CORRUPT;
	if (w > budget_side || h > budget_side ||
	    (uint64_t)w * h > budget_pixels)
		return IMG_TOOBIG;
	return IMG_OK;
}

/*
 * Walks the JPEG marker segments from SOI up to SOS.  Returns 1 and
 * sets w and h from the first SOFn, else 0.  *sos is set to the offset
 * of the first SOS marker (0 when none was reached).
 */
static int
jpeg_scan(const unsigned char *p, size_t len, unsigned *w, unsigned *h,
    size_t *sos)
{
	size_t		 i = 2, seg;
	unsigned	 m;
	int		 found = 0;

	*sos = 0;
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
		if (m == 0xda)
			*sos = i - 2;
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
		}
		i += seg;
	}
	return found;
}

/*
 * Whether a JPEG's image data, from its first SOS on, ends with EOI
 * after at most JPEG_MAX_SCANS scans (endless progressive files).  In
 * entropy-coded data an 0xff byte is always followed by 0x00 or RSTn, so
 * every 0xff 0xda there is a scan and 0xff 0xd9 the end.  libvips stops
 * reading after the last row: a file cut after it, or whose lost data
 * decodes as valid codes (zeros), would pass; libjpeg's
 * jpeg_finish_decompress() refused it (JWRN_JPEG_EOF).  Data after EOI
 * (other images of an MPF file, padding) is not looked at.
 */
static int
jpeg_whole(const unsigned char *p, size_t len)
{
	const unsigned char	*e = p + len, *q;
	size_t			 sos, scans = 0;
	unsigned		 w, h;

	if (!jpeg_scan(p, len, &w, &h, &sos) || sos == 0)
		return 0;
	for (p += sos; p < e && (q = memchr(p, 0xff, e - p)) != NULL; ) {
		for (p = q + 1; p < e && *p == 0xff; p++)
			continue;
		if (p < e && *p == 0xda && ++scans > JPEG_MAX_SCANS)
			return 0;
		if (p < e && *p == 0xd9)
			return 1;
	}
	return 0;
}

/*
 * Whether a PNG's chunks run whole from the signature to IEND: libvips
 * stops reading after the last row, so a file cut inside its last
 * chunks would pass (libpng's png_read_end() refused it).
 */
static int
png_whole(const unsigned char *p, size_t len)
{
	size_t	 i = 8, n;

	while (i + 12 <= len) {
		n = (size_t)p[i] << 24 | (size_t)p[i + 1] << 16 |
		    (size_t)p[i + 2] << 8 | p[i + 3];
		if (n > len - i - 12)
			return 0;
		if (memcmp(p + i + 4, "IEND", 4) == 0)
			return 1;
		i += n + 12;
	}
	return 0;
}

int
img_dims(const void *buf, size_t len, enum img_type type,
    unsigned *w, unsigned *h)
{
	const unsigned char	*p = buf;
	unsigned long		 pw, ph;
	size_t			 sos;

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
		if (!jpeg_scan(p, len, w, h, &sos))
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
 * the caller's setjmp; nothing is printed.
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

/* One CMYK row (Adobe files store it inverted) to gray. */
static void
cmyk_gray(const unsigned char *in, unsigned char *out, unsigned w,
    int inverted)
{
	unsigned	 x, c, m, y, k, r, g, b;

	for (x = 0; x < w; x++, in += 4) {
		c = in[0], m = in[1], y = in[2], k = in[3];
		if (!inverted) {
			c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
		}
		r = c * k / 255, g = m * k / 255, b = y * k / 255;
		*out++ = (77 * r + 150 * g + 29 * b + 128) >> 8;
	}
}

/*
 * The luminance plane of a JPEG at scale 1/denom (1, 2, 4 or 8) into out
 * (zeroed on error), by libjpeg alone: the QR decoder's levels.  Gray
 * output skips the chroma planes, which libvips' RGB decode cannot
 * (a third more time per level on 12 MP photos).  Returns IMG_OK,
 * IMG_TOOBIG, IMG_CORRUPT or IMG_SYSERR.
 */
static int
jpeg_gray(const unsigned char *buf, size_t len, unsigned denom,
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
		c.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&c);
	ch = 1;
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
			cmyk_gray(tmp, px + (size_t)i * w, w,
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
 * The work of one call: the images made along a pipeline hang off ctx
 * (vips_object_local_array()) and go with it in pipe_close().
 */
#define PIPE_MAX	16

struct pipe {
	VipsObject	 *ctx;
	VipsImage	**t;	/* PIPE_MAX slots, t[n - 1] the last made */
	int		  n;
};

/* Returns 0 or -1 (libvips could not be set up). */
static int
pipe_open(struct pipe *pp)
{

	memset(pp, 0, sizeof(*pp));
	if (vips_up() == -1)
		return -1;
	vips_error_clear();
	if ((pp->ctx = VIPS_OBJECT(vips_image_new())) == NULL)
		return -1;
	pp->t = (VipsImage **)vips_object_local_array(pp->ctx, PIPE_MAX);
	return 0;
}

static void
pipe_close(struct pipe *pp)
{

	if (pp->ctx != NULL)
		g_object_unref(pp->ctx);
	memset(pp, 0, sizeof(*pp));
	vips_error_clear();
}

/* The last image made, or NULL. */
static VipsImage *
pipe_top(const struct pipe *pp)
{

	return pp->n > 0 ? pp->t[pp->n - 1] : NULL;
}

/* A free slot for the next image.  Returns NULL when none is left. */
static VipsImage **
pipe_slot(struct pipe *pp)
{

	return pp->n < PIPE_MAX ? &pp->t[pp->n++] : NULL;
}

/*
 * The input of the next step (the last image) and its output slot.
 * Returns 0 or -1.
 */
static int
pipe_step(struct pipe *pp, VipsImage **in, VipsImage ***out)
{

	if ((*in = pipe_top(pp)) == NULL || (*out = pipe_slot(pp)) == NULL)
		return -1;
	return 0;
}

/*
 * Opens buf (type already sniffed, dimensions checked) for sequential
 * reading, a JPEG shrunk on load by shrink (1, 2, 4 or 8).  Only the
 * header is read here; truncation and decoder errors fail the pipeline
 * when its pixels are computed.  Returns 0 or -1.
 */
static int
pipe_load(struct pipe *pp, const void *buf, size_t len, enum img_type type,
    unsigned shrink)
{
	VipsImage	**o;

	if ((o = pipe_slot(pp)) == NULL)
		return -1;
	if (type == IMG_JPEG)
		return vips_jpegload_buffer((void *)buf, len, o,
		    "shrink", (int)shrink, "access", VIPS_ACCESS_SEQUENTIAL,
		    "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	return vips_pngload_buffer((void *)buf, len, o,
	    "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_ERROR,
	    NULL);
}

/*
 * The last image as 8-bit RGB, or kept gray when it is gray and gray is
 * asked for, with transparency composited on white.  CMYK, 16-bit and
 * palette images are converted by libvips.  Returns 0 or -1.
 */
static int
pipe_rgb8(struct pipe *pp, int gray)
{
	VipsArrayDouble	*white;
	VipsImage	*in, **o;
	int		 rc;

	if (pipe_step(pp, &in, &o) == -1 ||
	    vips_colourspace(in, o, gray && in->Bands < 3 ?
	    VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB, NULL) != 0)
		return -1;
	if (vips_image_hasalpha(pipe_top(pp))) {
		if (pipe_step(pp, &in, &o) == -1 ||
		    (white = vips_array_double_newv(1, 255.0)) == NULL)
			return -1;
		rc = vips_flatten(in, o, "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (rc != 0)
			return -1;
	}
	if (pipe_top(pp)->BandFmt != VIPS_FORMAT_UCHAR &&
	    (pipe_step(pp, &in, &o) == -1 || vips_cast_uchar(in, o, NULL) != 0))
		return -1;
	in = pipe_top(pp);
	return in->Bands == 3 || (gray && in->Bands == 1) ? 0 : -1;
}

/*
 * Box average of the last image by f (> 1) each way, as the old
 * in-place downscale: w / f columns (1 when narrower than f), the
 * remainder dropped.  Returns 0 or -1.
 */
static int
pipe_box(struct pipe *pp, unsigned f)
{
	VipsImage	*in, **o;
	int		 fx, fy, nw, nh;

	if ((in = pipe_top(pp)) == NULL)
		return -1;
	fx = in->Xsize < (int)f ? in->Xsize : (int)f;
	fy = in->Ysize < (int)f ? in->Ysize : (int)f;
	nw = in->Xsize / fx;
	nh = in->Ysize / fy;
	if ((nw * fx != in->Xsize || nh * fy != in->Ysize) &&
	    (pipe_step(pp, &in, &o) == -1 ||
	    vips_extract_area(in, o, 0, 0, nw * fx, nh * fy, NULL) != 0))
		return -1;
	if (pipe_step(pp, &in, &o) == -1 ||
	    vips_shrink(in, o, (double)fx, (double)fy, NULL) != 0)
		return -1;
	return pipe_top(pp)->Xsize == nw && pipe_top(pp)->Ysize == nh ? 0 : -1;
}

/*
 * Lanczos3 resample of the last image to exactly w x h.  Returns 0 or
 * -1.
 */
static int
pipe_resize(struct pipe *pp, int w, int h)
{
	VipsImage	*in, **o;

	if (pipe_step(pp, &in, &o) == -1)
		return -1;
	if (in->Xsize == w && in->Ysize == h)
		return vips_copy(in, o, NULL);
	if (vips_resize(in, o, (double)w / in->Xsize,
	    "vscale", (double)h / in->Ysize,
	    "kernel", VIPS_KERNEL_LANCZOS3, NULL) != 0)
		return -1;
	return pipe_top(pp)->Xsize == w && pipe_top(pp)->Ysize == h ? 0 : -1;
}

/*
 * Whether libjpeg warned about damaged data.  libvips keeps the first
 * warning of a load in its error buffer and goes on, so the ones the
 * old decoder refused are refused here by their text (libjpeg's
 * message table): JWRN_HIT_MARKER, JWRN_HUFF_BAD_CODE,
 * JWRN_ARITH_BAD_CODE, JWRN_MUST_RESYNC, JWRN_JPEG_EOF,
 * JWRN_NOT_SEQUENTIAL and JWRN_BOGUS_PROGRESSION.  Harmless oddities
 * that cameras write (JWRN_EXTRANEOUS_DATA, a bad ICC marker, an
 * unknown JFIF revision) pass.
 */
static int
jpeg_damaged(void)
{
	static const char *const damage[] = {
		"premature end of data segment",	/* JWRN_HIT_MARKER */
		"bad Huffman code",			/* JWRN_HUFF_BAD_CODE */
		"bad arithmetic code",			/* JWRN_ARITH_BAD_CODE */
		"instead of RST",			/* JWRN_MUST_RESYNC */
		"Premature end of JPEG file",		/* JWRN_JPEG_EOF */
		"Invalid SOS parameters",		/* JWRN_NOT_SEQUENTIAL */
		"Inconsistent progression",	/* JWRN_BOGUS_PROGRESSION */
	};
	const char	*e = vips_error_buffer();
	size_t		 i;

	for (i = 0; i < sizeof(damage) / sizeof(damage[0]); i++)
		if (strstr(e, damage[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Runs the pipeline: the last image is decoded into memory.  Returns 0,
 * or -1 when decoding failed (truncated, damaged, out of memory).
 */
static int
pipe_memory(struct pipe *pp, enum img_type type)
{
	VipsImage	*in, **o;

	if (pipe_step(pp, &in, &o) == -1 ||
	    (*o = vips_image_copy_memory(in)) == NULL)
		return -1;
	return type == IMG_JPEG && jpeg_damaged() ? -1 : 0;
}

/*
 * Turns the last image (in memory) upright by its EXIF Orientation, for
 * a JPEG; PNG is kept as stored.  Returns 0 or -1.
 */
static int
pipe_upright(struct pipe *pp, enum img_type type)
{
	VipsImage	*in, **o;

	if (type != IMG_JPEG || vips_image_get_orientation(pipe_top(pp)) <= 1)
		return 0;
	if (pipe_step(pp, &in, &o) == -1 || vips_autorot(in, o, NULL) != 0)
		return -1;
	return pipe_memory(pp, IMG_PNG);
}

/*
 * A view of the last image (8-bit, in memory) as struct img: px is
 * owned by the pipeline, never freed with img_free().
 */
static struct img
pipe_view(const struct pipe *pp)
{
	VipsImage	*im = pipe_top(pp);
	struct img	 v;

	v.w = im->Xsize;
	v.h = im->Ysize;
	v.ch = im->Bands;
	v.px = VIPS_IMAGE_ADDR(im, 0, 0);
	return v;
}

/*
 * Computes the last image (8-bit, 1 or 3 bands) strip by strip into out,
 * as gray when asked (BT.601 luminance of RGB, as libjpeg's own gray):
 * only a strip and the result are held.  Returns IMG_OK, IMG_CORRUPT
 * (decoding failed) or IMG_SYSERR.
 */
static int
pipe_export(struct pipe *pp, enum img_type type, int gray, struct img *out)
{
	VipsImage	*im = pipe_top(pp);
	VipsRegion	*reg;
	VipsRect	 r;
	const unsigned char *s;
	unsigned char	*d;
	unsigned	 ch = gray ? 1 : 3, w, x;
	int		 y, k;

	memset(out, 0, sizeof(*out));
	if (im == NULL || im->BandFmt != VIPS_FORMAT_UCHAR ||
	    (im->Bands != 3 && !(gray && im->Bands == 1)))
		return IMG_CORRUPT;
	w = im->Xsize;
	if ((out->px = malloc((size_t)w * im->Ysize * ch)) == NULL)
		return IMG_SYSERR;
	if ((reg = vips_region_new(im)) == NULL) {
		img_free(out);
		return IMG_SYSERR;
	}
	for (y = 0; y < im->Ysize; y += r.height) {
		r.left = 0;
		r.top = y;
		r.width = im->Xsize;
		r.height = im->Ysize - y < EXPORT_STRIP ?
		    im->Ysize - y : EXPORT_STRIP;
		if (vips_region_prepare(reg, &r) != 0)
			break;
		for (k = 0; k < r.height; k++) {
			s = VIPS_REGION_ADDR(reg, 0, y + k);
			d = out->px + (size_t)(y + k) * w * ch;
			if ((unsigned)im->Bands == ch)
				memcpy(d, s, (size_t)w * ch);
			else
				for (x = 0; x < w; x++, s += 3)
					d[x] = LUMA(s);
		}
	}
	g_object_unref(reg);
	if (y < im->Ysize || (type == IMG_JPEG && jpeg_damaged())) {
		img_free(out);
		return IMG_CORRUPT;
	}
	out->w = w;
	out->h = im->Ysize;
	out->ch = ch;
	return IMG_OK;
}

/*
 * Largest JPEG shrink-on-load (8, 4, 2, 1) for a downscale by factor
 * that leaves at least gap to the resampler.
 */
static unsigned
jpeg_shrink(double factor, unsigned gap)
{
	unsigned	 s;

	for (s = 8; s > 1; s /= 2)
		if (factor >= (double)s * gap)
			return s;
	return 1;
}

/*
 * Checks common to every decode: type known, header within the pixel
 * budget, the file whole (JPEG: EOI after the scans, not too many
 * scans; PNG: chunks up to IEND).  Returns IMG_OK or an error code.
 */
static int
precheck(const void *buf, size_t len, enum img_type type, unsigned *w,
    unsigned *h)
{
	int	 rc;

	*w = *h = 0;
	if (type != IMG_JPEG && type != IMG_PNG)
		return IMG_NOTIMAGE;
	if ((rc = img_dims(buf, len, type, w, h)) != IMG_OK)
		return rc;
	if (type == IMG_JPEG && !jpeg_whole(buf, len))
		return IMG_CORRUPT;
	if (type == IMG_PNG && !png_whole(buf, len))
		return IMG_CORRUPT;
	return IMG_OK;
}

/*
 * Turns a JPEG's gray plane (jpeg_gray()) upright by the EXIF
 * Orientation libvips reads from the header.  Returns IMG_OK (im
 * replaced, or kept when upright) or IMG_SYSERR (im unchanged).
 */
static int
gray_upright(const void *buf, size_t len, struct img *im)
{
	struct pipe	 pp;
	struct img	 out;
	VipsImage	*in, **o;
	int		 rc = IMG_SYSERR, orientation;

	if (pipe_open(&pp) == -1)
		return IMG_SYSERR;
	if (pipe_load(&pp, buf, len, IMG_JPEG, 1) != 0) {
		pipe_close(&pp);
		return IMG_SYSERR;
	}
	if ((orientation = vips_image_get_orientation(pipe_top(&pp))) <= 1) {
		pipe_close(&pp);
		return IMG_OK;
	}
	if ((o = pipe_slot(&pp)) != NULL &&
	    (*o = vips_image_new_from_memory(im->px, (size_t)im->w * im->h,
	    im->w, im->h, 1, VIPS_FORMAT_UCHAR)) != NULL) {
		in = *o;
		vips_image_set_int(in, VIPS_META_ORIENTATION, orientation);
		if ((o = pipe_slot(&pp)) != NULL &&
		    vips_autorot(in, o, NULL) == 0)
			rc = pipe_export(&pp, IMG_PNG, 1, &out);
	}
	pipe_close(&pp);		/* before im->px goes */
	if (rc != IMG_OK)
		return IMG_SYSERR;
	free(im->px);
	*im = out;
	return IMG_OK;
}

int
img_decode_type(const void *buf, size_t len, enum img_type type, int gray,
    unsigned denom, int orient, struct img *out)
{
	struct pipe	 pp;
	unsigned	 w, h;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if ((rc = precheck(buf, len, type, &w, &h)) != IMG_OK)
		return rc;
	if (denom != 2 && denom != 4 && denom != 8)
		denom = 1;
	while (denom > 1 && (w / denom == 0 || h / denom == 0))
		denom /= 2;
	if (type == IMG_JPEG && gray) {
		if ((rc = jpeg_gray(buf, len, denom, out)) == IMG_OK && orient &&
		    (rc = gray_upright(buf, len, out)) != IMG_OK)
			img_free(out);
		return rc;
	}
	if (pipe_open(&pp) == -1)
		return IMG_SYSERR;
	rc = IMG_CORRUPT;
	if (pipe_load(&pp, buf, len, type, type == IMG_JPEG ? denom : 1) == 0 &&
	    (type == IMG_JPEG || denom == 1 || pipe_box(&pp, denom) == 0) &&
	    pipe_rgb8(&pp, gray) == 0 &&
	    (!orient || type != IMG_JPEG ||
	    vips_image_get_orientation(pipe_top(&pp)) <= 1 ||
	    (pipe_memory(&pp, type) == 0 && pipe_upright(&pp, type) == 0)))
		rc = pipe_export(&pp, type, gray, out);
	pipe_close(&pp);
	return rc;
}

int
img_decode(const void *buf, size_t len, int gray, unsigned denom,
    struct img *out)
{

	return img_decode_type(buf, len, img_sniff(buf, len), gray, denom,
	    1, out);
}

int
img_downscale(struct img *im, unsigned f)
{
	struct pipe	 pp;
	struct img	 out;
	VipsImage	**o;
	int		 rc = IMG_SYSERR;

	if (f <= 1 || im->px == NULL)
		return IMG_OK;
	if (pipe_open(&pp) == -1)
		return IMG_SYSERR;
	if ((o = pipe_slot(&pp)) != NULL &&
	    (*o = vips_image_new_from_memory(im->px,
	    (size_t)im->w * im->h * im->ch, im->w, im->h, im->ch,
	    VIPS_FORMAT_UCHAR)) != NULL &&
	    pipe_box(&pp, f) == 0)
		rc = pipe_export(&pp, IMG_PNG, im->ch == 1, &out);
	pipe_close(&pp);		/* before im->px goes */
	if (rc != IMG_OK)
		return IMG_SYSERR;
	free(im->px);
	*im = out;
	return IMG_OK;
}

/*
 * The in-memory 8-bit image im as a baseline JPEG of quality q: 4:2:0,
 * optimised Huffman tables, no metadata (no JFIF, EXIF, ICC or XMP
 * segment).  Returns IMG_OK with *out malloc'd (caller frees) or
 * IMG_SYSERR.
 */
static int
encode_jpeg(VipsImage *im, int q, unsigned char **out, size_t *outlen)
{
	void	*b = NULL;
	size_t	 n = 0;

	*out = NULL;
	*outlen = 0;
	if (vips_jpegsave_buffer(im, &b, &n, "Q", q, "strip", TRUE,
	    "optimize_coding", TRUE, "interlace", FALSE,
	    "subsample_mode", VIPS_FOREIGN_SUBSAMPLE_ON, NULL) != 0) {
		vips_error_clear();
		return IMG_SYSERR;
	}
	if ((*out = malloc(n > 0 ? n : 1)) == NULL) {
		g_free(b);
		return IMG_SYSERR;
	}
	memcpy(*out, b, n);
	*outlen = n;
	g_free(b);
	return IMG_OK;
}

/*
 * The highest quality in PHOTO_Q_MIN..PHOTO_Q_MAX whose JPEG of im is at
 * most max bytes: the top first (most photos fit), then a bisection
 * (the size grows with the quality).  Returns IMG_OK with *jpg, *jpglen
 * and *quality set, IMG_TOOBIG or IMG_SYSERR.
 */
static int
photo_encode(VipsImage *im, size_t max, unsigned char **jpg, size_t *jpglen,
    int *quality)
{
	unsigned char	*b, *best;
	size_t		 n, bestn;
	int		 good, bad, q, rc;

	if ((rc = encode_jpeg(im, PHOTO_Q_MAX, &b, &n)) != IMG_OK)
		return rc;
	if (n <= max) {
		*jpg = b, *jpglen = n, *quality = PHOTO_Q_MAX;
		return IMG_OK;
	}
	free(b);
	if ((rc = encode_jpeg(im, PHOTO_Q_MIN, &best, &bestn)) != IMG_OK)
		return rc;
	if (bestn > max) {
		free(best);
		return IMG_TOOBIG;
	}
	/* good fits, bad does not. */
	for (good = PHOTO_Q_MIN, bad = PHOTO_Q_MAX; bad - good > 1; ) {
		q = (good + bad) / 2;
		if ((rc = encode_jpeg(im, q, &b, &n)) != IMG_OK) {
			free(best);
			return rc;
		}
		if (n <= max) {
			free(best);
			best = b, bestn = n, good = q;
		} else {
			free(b);
			bad = q;
		}
	}
	*jpg = best, *jpglen = bestn, *quality = good;
	return IMG_OK;
}

/*
 * Size of the largest w:h box inside an iw x ih image, into *cw, *ch.
 */
static void
crop_box(int iw, int ih, int w, int h, int *cw, int *ch)
{

	if ((int64_t)iw * h > (int64_t)ih * w) {
		*ch = ih;
		*cw = (int)((int64_t)ih * w / h);
	} else {
		*cw = iw;
		*ch = (int)((int64_t)iw * h / w);
	}
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

/*
 * The photo pipeline up to the 480x640 RGB image in memory: opened once
 * for the header (orientation), again shrunk on load; the centre 3:4
 * box of the stored image (the centre box of the upright one: a turn
 * keeps the centre), resampled, turned upright.  Returns IMG_OK or
 * IMG_CORRUPT.
 */
static int
photo_pipe(struct pipe *pp, const void *buf, size_t len, enum img_type type)
{
	VipsImage	*in, **o;
	int		 tw, th, cw, ch;
	unsigned	 s;

	if (pipe_load(pp, buf, len, type, 1) == -1)
		return IMG_CORRUPT;
	in = pipe_top(pp);
	if (type == IMG_JPEG && vips_image_get_orientation_swap(in))
		tw = IMG_PHOTO_H, th = IMG_PHOTO_W;
	else
		tw = IMG_PHOTO_W, th = IMG_PHOTO_H;
	crop_box(in->Xsize, in->Ysize, tw, th, &cw, &ch);
	if (type == IMG_JPEG &&
	    (s = jpeg_shrink((double)ch / th, PHOTO_GAP)) > 1 &&
	    pipe_load(pp, buf, len, type, s) == -1)
		return IMG_CORRUPT;
	in = pipe_top(pp);
	crop_box(in->Xsize, in->Ysize, tw, th, &cw, &ch);
	if (cw == 0 || ch == 0 || pipe_step(pp, &in, &o) == -1 ||
	    vips_extract_area(in, o, (in->Xsize - cw) / 2,
	    (in->Ysize - ch) / 2, cw, ch, NULL) != 0 ||
	    pipe_rgb8(pp, 0) != 0 || pipe_resize(pp, tw, th) != 0 ||
	    pipe_memory(pp, type) != 0 || pipe_upright(pp, type) != 0)
		return IMG_CORRUPT;
	in = pipe_top(pp);
	return in->Xsize == IMG_PHOTO_W && in->Ysize == IMG_PHOTO_H ?
	    IMG_OK : IMG_CORRUPT;
}

int
img_photo(const void *buf, size_t len, size_t max_bytes,
    unsigned char **jpg, size_t *jpglen, int *quality, int *bg_ok)
{
	struct pipe	 pp;
	struct img	 v;
	enum img_type	 type;
	unsigned	 w, h;
	int		 rc;

	*jpg = NULL;
	*jpglen = 0;
	*quality = 0;
	*bg_ok = 0;
	type = img_sniff(buf, len);
	if ((rc = precheck(buf, len, type, &w, &h)) != IMG_OK)
		return rc;
	if (pipe_open(&pp) == -1)
		return IMG_SYSERR;
	if ((rc = photo_pipe(&pp, buf, len, type)) == IMG_OK) {
		v = pipe_view(&pp);
		rc = photo_encode(pipe_top(&pp), max_bytes, jpg, jpglen,
		    quality);
		if (rc == IMG_OK)
			*bg_ok = photo_bg_ok(&v);
		else
			*quality = 0;
	}
	pipe_close(&pp);
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
	struct pipe	 pp;
	struct img	 v;
	enum img_type	 type;
	VipsImage	*in;
	unsigned	 w, h, s;
	int		 rc, lng, nw, nh;

	*jpg = NULL;
	*jpglen = 0;
	type = img_sniff(buf, len);
	if ((rc = precheck(buf, len, type, &w, &h)) != IMG_OK)
		return rc;
	if ((w < h ? w : h) < IMG_IDCARD_MIN)
		return IMG_CORRUPT;
	if (pipe_open(&pp) == -1)
		return IMG_SYSERR;
	rc = IMG_CORRUPT;
	if (pipe_load(&pp, buf, len, type, 1) == -1)
		goto out;
	in = pipe_top(&pp);
	nw = in->Xsize;
	nh = in->Ysize;
	lng = nw > nh ? nw : nh;
	if (lng > IMG_IDCARD_MAX) {
		nw = (int)((int64_t)nw * IMG_IDCARD_MAX / lng);
		nh = (int)((int64_t)nh * IMG_IDCARD_MAX / lng);
		if (nw == 0)
			nw = 1;
		if (nh == 0)
			nh = 1;
		if (type == IMG_JPEG &&
		    (s = jpeg_shrink((double)lng / IMG_IDCARD_MAX,
		    IDCARD_GAP)) > 1 &&
		    pipe_load(&pp, buf, len, type, s) == -1)
			goto out;
	}
	if (pipe_rgb8(&pp, 0) != 0 || pipe_resize(&pp, nw, nh) != 0 ||
	    pipe_memory(&pp, type) != 0 || pipe_upright(&pp, type) != 0)
		goto out;
	v = pipe_view(&pp);
	if (luma_var(&v) < IDCARD_MIN_SD * IDCARD_MIN_SD)
		goto out;
	rc = encode_jpeg(pipe_top(&pp), IDCARD_Q, jpg, jpglen);
out:
	pipe_close(&pp);
	return rc;
}
