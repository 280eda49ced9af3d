/*
 * corpus.h - the image corpus of the C unit tests: t/lib/mkimages.sh run
 * into a fresh temporary folder (found through $srcdir, made under
 * $TMPDIR or /tmp), its files read back, the folder removed at the end.
 */
#ifndef TUCAI_CORPUS_H
#define TUCAI_CORPUS_H

#include <stddef.h>

/* Makes the folder TMPDIR/tucai-NAME.XXXXXX.  Returns 0, or -1 after
 * printing "Bail out!". */
int		 corpus_open(const char *name);
/* Runs mkimages.sh OUT PAYLOAD SET into the folder; returns 0 or -1. */
int		 corpus_make(const char *payload, const char *set);
/* Runs t/lib/mkidcards.py corpus OUT SET (Debian's python3 with Pillow)
 * into the folder; returns 0 or -1. */
int		 corpus_idcards(const char *set);
/* Reads a corpus file into a malloc'd buffer (caller frees; one byte
 * more than *len is allocated).  NULL on error, with *len 0. */
unsigned char	*corpus_read(const char *file, size_t *len);
/* Removes the folder and its files. */
void		 corpus_close(void);
/* Monotonic clock in milliseconds, for the timings the tests print. */
double		 corpus_ms(void);

#endif
