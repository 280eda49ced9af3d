/*
 * zipout.h - a ZIP archive written as a stream (libarchive), for exports
 * too large to build in memory: each entry is handed over, written and
 * forgotten.  Entries are stored (JPEG does not compress), names are UTF-8
 * (the archive sets the language-encoding flag).
 */
#ifndef TUCAI_ZIPOUT_H
#define TUCAI_ZIPOUT_H

#include <stddef.h>

/* Where the bytes go: returns 0, or -1 to stop (client gone). */
typedef int (*zipout_sink)(void *arg, const void *buf, size_t len);

struct zipout;

/* Start an archive.  Returns the writer (caller ends it with
 * zipout_close()), or NULL when out of memory or libarchive failed. */
struct zipout	*zipout_open(zipout_sink, void *arg);

/* Append one regular file named name (UTF-8, relative, '/' separated)
 * holding data[0..len).  Returns 0, or -1 (sink failed, libarchive error:
 * the archive is unusable, close it). */
int		 zipout_add(struct zipout *, const char *name,
		    const void *data, size_t len);

/* Write the central directory and free the writer (NULL-safe).
 * Returns 0, or -1 when the archive could not be finished. */
int		 zipout_close(struct zipout *);

#endif
