/*
 * text.h - UTF-8 checks, masking of names, and GBK <-> UTF-8 conversion.
 *
 * Inside tucai all text is UTF-8.  GBK appears only at the edges: rosters
 * saved by Excel in China, and exports meant to be opened there.
 * Decoding uses GB18030, a superset of GBK (and of CP936), so every GBK
 * file decodes.  Encoding produces GBK (characters GBK lacks become '?',
 * see utf8_to_gbk) or, for exports, GB18030, which loses nothing.
 */
#ifndef TUCAI_TEXT_H
#define TUCAI_TEXT_H

#include <stddef.h>

/* Bytes a buffer needs for n characters of UTF-8 and the NUL: a 4-byte
 * character (CJK Extension B, 𠮷 U+20BB7) is as likely in a name as a
 * 3-byte one, so size every buffer of roster text with this. */
#define UTF8_BUF(n)	(4 * (n) + 1)

enum text_enc {
	TEXT_UNKNOWN = 0,	/* neither UTF-8 nor GB18030 */
	TEXT_UTF8,
	TEXT_GBK		/* decoded as GB18030 */
};

/* Returns 1 if s[0..len) is well-formed UTF-8: no overlong forms, no
 * surrogates (U+D800-U+DFFF), nothing above U+10FFFF; else 0.  NUL bytes
 * are allowed (they are valid U+0000). */
int	 utf8_valid(const char *s, size_t len);

/* Returns the number of code points in the NUL-terminated string s (each
 * byte of an invalid sequence counts as one). */
size_t	 utf8_chars(const char *s);

/* Returns 1 if the NUL-terminated s contains a control character (C0,
 * DEL, C1), a line or paragraph separator (U+2028/9), a bidirectional
 * override or isolate (U+202A-E, U+2066-9) or is not valid UTF-8; else 0. */
int	 utf8_has_control(const char *s);
/* The same without C0 (so \n and \t pass): what a text field's own
 * checks leave to it. */
int	 utf8_has_format_control(const char *s);

/*
 * Mask a personal name for display, by code points: one character ->
 * "*"; two -> first + "*"; more -> first + one '*' per middle character +
 * last.  李小芳 -> 李*芳, 李芳 -> 李*, 欧阳小芳 -> 欧**芳, "Anna Li" ->
 * "A*****i".  Invalid UTF-8 gives "*".  out is always NUL-terminated
 * (outsz > 0); if too small the result is cut at a character boundary.
 */
void	 name_mask(const char *name, char *out, size_t outsz);

/*
 * Guess the encoding of buf: a UTF-8 byte order mark means UTF-8 (*skip =
 * 3, the BOM's length, else *skip = 0); else well-formed UTF-8 means UTF-8
 * (pure ASCII included); else text that decodes as GB18030 means TEXT_GBK;
 * else TEXT_UNKNOWN.  skip may be NULL.
 */
enum text_enc text_detect(const char *buf, size_t len, size_t *skip);

/*
 * Decode GBK (as GB18030) to UTF-8.  Returns 0 with *out a malloc'd,
 * NUL-terminated buffer (caller frees) of *outlen bytes; returns -1 (out
 * of memory, or an invalid or truncated sequence) with *out = NULL.
 */
int	 gbk_to_utf8(const char *in, size_t inlen, char **out, size_t *outlen);

/*
 * Like gbk_to_utf8 but never fails on bad input: each byte that does not
 * start a valid GB18030 sequence is replaced by the byte 0xFF, which is
 * never valid in UTF-8, so the damage stays detectable downstream (line
 * structure is kept: GBK never uses '\n' inside a character).  Returns
 * the number of bytes replaced, or -1 if out of memory (*out = NULL).
 */
int	 gbk_to_utf8_marked(const char *in, size_t inlen, char **out,
	    size_t *outlen);

/*
 * Encode UTF-8 to GBK.  Characters with no GBK form (rare 汉字 outside
 * GBK, emoji) are each replaced by '?': an export must not fail on one
 * name, and the UTF-8 export stays available as the lossless choice.
 * Returns the number of characters replaced (>= 0) with *out malloc'd and
 * NUL-terminated (caller frees), or -1 (input not valid UTF-8, out of
 * memory) with *out = NULL.
 */
int	 utf8_to_gbk(const char *in, size_t inlen, char **out, size_t *outlen);

/*
 * Encode UTF-8 to GB18030, the national standard (GB 18030-2005) that
 * extends GBK to all of Unicode: every character GBK has keeps its GBK
 * bytes, so whatever read the GBK export reads this one the same way, and
 * the rest (𠮷 and the other CJK Extension B characters, emoji) get
 * four-byte sequences instead of '?'.  A reader that decodes strictly as
 * code page 936 shows only those few as unknown characters; Excel's
 * import with 简体中文(GB18030) (code page 54936) and WPS show them
 * right.  Returns 0 with *out malloc'd and
 * NUL-terminated (caller frees), or -1 (input not valid UTF-8, out of
 * memory) with *out = NULL.
 */
int	 utf8_to_gb18030(const char *in, size_t inlen, char **out,
	    size_t *outlen);

#endif
