/*
 * ocr.h - reading the number of a resident ID card (居民身份证, the front)
 * from a photo with Tesseract, and comparing it with the roster's.
 *
 * The card is found in the photo (its four edges), straightened to its
 * own 85.6 x 54 mm, and the 公民身份号码 line cut from the front's layout;
 * Tesseract reads it with a digits-and-X whitelist; the GB 11643 check
 * character (idnum.h) must hold.  The number read is compared with the
 * roster's and forgotten: nothing here stores or logs it, and the
 * buffers that held it are wiped.  Only the outcome leaves.
 *
 * Process state: one Tesseract engine, made by ocr_init() before the
 * accept loop (its model takes about 0.1 s to load) and reused.  Not
 * thread-safe (one request at a time per process, as everywhere).
 * Tesseract links OpenMP: run the workers with OMP_THREAD_LIMIT=1 (read
 * by libgomp when the program starts), so that one read takes one core.
 */
#ifndef TUCAI_OCR_H
#define TUCAI_OCR_H

#include <stddef.h>

enum ocr_outcome {
	OCR_MATCH = 0,		/* the roster's number, read clearly */
	OCR_OTHER,		/* a valid number, read clearly, not the roster's */
	OCR_UNREADABLE,		/* no card or no clear, valid number */
	OCR__MAX
};

/* What a read did, for tests and timings (no part of the number). */
struct ocr_stats {
	double		 ms;		/* wall time of ocr_idcard() */
	int		 quads;		/* card outlines tried */
	int		 reads;		/* Tesseract runs */
	int		 whole;		/* 1: no outline, the whole image tried */
};

/*
 * Loads Tesseract's "eng" model from tessdata (NULL: Tesseract's
 * compiled-in folder, /usr/share/tesseract-ocr/5/tessdata on Debian)
 * once per process; later calls do nothing.  Returns 0, or -1 (logged)
 * when the model cannot be loaded: ocr_idcard() then answers
 * OCR_UNREADABLE for every photo.
 */
int	 ocr_init(const char *tessdata);

/* 1 when ocr_init() succeeded. */
int	 ocr_ready(void);

/* Frees the engine (at exit; for leak checkers). */
void	 ocr_end(void);

/*
 * Reads the card in an encoded JPEG or PNG and compares its number with
 * roster (18 characters, as stored).  Returns IMG_OK with *out set, or
 * IMG_NOTIMAGE, IMG_TOOBIG, IMG_CORRUPT, IMG_SYSERR as img_decode().
 * OCR_MATCH only for a read of 18 characters with a valid check
 * character, every character read with confidence, equal to roster,
 * and no clear read of a different number from the same photo.  st may
 * be NULL.  A 12 MP photo takes about 0.2-0.5 s on one core.
 */
int	 ocr_idcard(const void *buf, size_t len, const char *roster,
	    enum ocr_outcome *out, struct ocr_stats *st);

#endif
