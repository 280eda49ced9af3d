/*
 * image.h - checking, decoding and re-encoding uploaded JPEG/PNG images.
 *
 * Every function sniffs the content with libmagic, reads the dimensions
 * from the header and refuses oversized images before any pixel memory
 * is allocated, checks the file is whole (JPEG up to EOI, PNG up to
 * IEND), then decodes fully (libmagic alone is never trusted).  libvips
 * decodes, resizes (lanczos3) and re-encodes, streaming; the QR
 * decoder's JPEG gray planes come from libjpeg.  Corrupt data never
 * aborts the process: decoder errors are reported as IMG_CORRUPT.
 *
 * Global state: the libmagic cookie set up by img_init(), and libvips,
 * set up once per process on first use (one worker thread, no cache).
 */
#ifndef TUCAI_IMAGE_H
#define TUCAI_IMAGE_H

#include <stddef.h>

enum img_type { IMG_NONE = 0, IMG_JPEG, IMG_PNG };

/* Result codes shared by image and qr functions. */
#define IMG_OK		0
#define IMG_NOTIMAGE	(-1)	/* not JPEG/PNG by content -> HTTP 415 */
#define IMG_TOOBIG	(-2)	/* over the pixel budget in the header -> 413 */
#define IMG_CORRUPT	(-3)	/* truncated/corrupt/undecodable -> 422 */
#define IMG_SYSERR	(-4)	/* out of memory etc. -> 500 */

/* The pixel budget checked from the header, before decoding: at most
 * these, lowered by Upload.MaxMegapixels and Upload.MaxSide. */
#define IMG_MAX_PIXELS	40000000UL	/* 40 megapixels */
#define IMG_MAX_SIDE	10000U

/* Lower the pixel budget (Upload.MaxSide, Upload.MaxMegapixels); values
 * out of range keep the compiled-in limits. */
void		 img_budget(long long max_side, long long max_megapixels);

/* Collection photo output size (学信网 spec). */
#define IMG_PHOTO_W	480
#define IMG_PHOTO_H	640

/* ID card: longer side at most this, shorter side at least IDCARD_MIN. */
#define IMG_IDCARD_MAX	1600
#define IMG_IDCARD_MIN	200

/*
 * Opens and loads the libmagic database (once per process, before the
 * accept loop; later calls do nothing).  Returns 0 or -1.  libvips is
 * started later, by the first decode (a request without images never
 * pays for it).
 */
int		 img_init(void);

/*
 * Content type of buf by libmagic, confirmed by the file signature.
 * Returns IMG_NONE for anything that is not JPEG or PNG (or when
 * img_init() failed).
 */
enum img_type	 img_sniff(const void *buf, size_t len);

/*
 * Dimensions from the header only (PNG IHDR, JPEG SOFn), no decoding.
 * Returns IMG_OK, IMG_TOOBIG (over IMG_MAX_PIXELS or IMG_MAX_SIDE; w and
 * h are still set), or IMG_CORRUPT (no header, zero size).
 */
int		 img_dims(const void *buf, size_t len, enum img_type type,
		    unsigned *w, unsigned *h);

/* Decoded pixels: ch = 1 (gray) or 3 (RGB), row-major, w * ch per row. */
struct img {
	unsigned	 w, h, ch;
	unsigned char	*px;	/* malloc'd, owned by the struct */
};

/* Frees px (may be NULL) and zeroes the struct. */
void		 img_free(struct img *);

/*
 * Sniffs, checks the header dimensions, then decodes buf to 8-bit gray
 * (gray != 0: BT.601 luminance) or RGB.  JPEG is decoded at scale
 * 1/denom by DCT scaling (denom 1, 2, 4 or 8; others mean 1; lowered so
 * that no side is 0; sides rounded down, except libjpeg's gray planes,
 * rounded up) and turned upright by its EXIF Orientation; PNG (alpha
 * composited on white) is box-averaged down by denom as it is read.
 * On IMG_OK, *out holds pixels the caller frees with img_free(); on
 * error *out is zeroed.
 */
int		 img_decode(const void *buf, size_t len, int gray,
		    unsigned denom, struct img *out);

/*
 * Collection photo: decode (shrunk on load), centre-crop to 3:4,
 * resample (lanczos3) to 480x640 RGB, orient, encode a baseline 4:2:0
 * JPEG without metadata (no JFIF, EXIF, ICC or XMP segment) at the
 * highest quality from 90 down to 60 whose output is at most max_bytes
 * (IMG_TOOBIG if even 60 is too big).  On IMG_OK *jpg (malloc'd, caller
 * frees) and *jpglen hold the JPEG, *quality the quality used, and
 * *bg_ok is 1 when the top and side border strips are a uniform light
 * colour, else 0.  On error *jpg is NULL.
 */
int		 img_photo(const void *buf, size_t len, size_t max_bytes,
		    unsigned char **jpg, size_t *jpglen, int *quality,
		    int *bg_ok);

/*
 * ID-card photo: decode, scale (lanczos3) so the longer side is at most
 * 1600, orient, re-encode as JPEG quality 85 without metadata.  Returns
 * IMG_CORRUPT when the image is unusable (shorter side under 200 px or
 * nearly uniform), other codes as img_decode().  On IMG_OK *jpg is
 * malloc'd (caller frees); on error it is NULL.
 */
int		 img_reencode_idcard(const void *buf, size_t len,
		    unsigned char **jpg, size_t *jpglen);

/*
 * Helpers shared with qr.c.  img_decode_type() is img_decode() for an
 * already sniffed type with orientation optional (orient != 0 applies
 * it; gray JPEG is libjpeg's luminance plane, turned by libvips).
 * img_downscale() box-averages in place by an integer factor (> 1):
 * w / f by h / f, the remainder dropped; returns IMG_OK or IMG_SYSERR
 * (image unchanged).
 */
int		 img_decode_type(const void *buf, size_t len,
		    enum img_type type, int gray, unsigned denom, int orient,
		    struct img *out);
int		 img_downscale(struct img *, unsigned factor);

#endif
