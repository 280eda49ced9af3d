/*
 * qr.h - QR codes: decoding 采集码 from uploaded photos and screenshots
 * (zbar), encoding them as PNG (libqrencode + libpng).
 * Result codes are those of image.h plus QR_NONE.
 */
#ifndef TUCAI_QR_H
#define TUCAI_QR_H

#include <stddef.h>

#define QR_NONE		(-5)	/* a valid image without a readable QR code */

/*
 * Decodes the first QR code in an encoded JPEG or PNG.  Returns IMG_OK
 * with *payload malloc'd (caller frees), NUL-terminated, and its length
 * in *plen (the data may itself hold NUL bytes: zbar runs in binary
 * mode); IMG_NOTIMAGE, IMG_TOOBIG, IMG_CORRUPT or IMG_SYSERR as
 * img_decode(); or QR_NONE.  On error *payload is NULL and *plen 0.
 * JPEG is tried at 1/4, 1/8, 1/2 and full scale (not full over
 * 2600 px), PNG at full, 1/2, 1/4 and 1/8 (1/2 first when large), then
 * inverted (dark mode), then in overlapping windows of a large photo
 * (small codes; at 1/2 only windows with finder-pattern candidates),
 * then smoothed and contrast-stretched.  See qr.c for the measurements.
 */
int	 qr_decode_image(const void *buf, size_t len, char **payload,
	    size_t *plen);

/*
 * Encodes text (8-bit mode, error correction level M) as a gray PNG
 * with modules of scale x scale pixels (1..64) and a 4-module quiet
 * zone.  Returns 0 with *png malloc'd (caller frees) and *pnglen set,
 * or -1 (bad arguments, text too long, out of memory).
 */
int	 qr_encode_png(const char *text, unsigned scale, unsigned char **png,
	    size_t *pnglen);

#endif
