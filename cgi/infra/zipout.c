/*
 * zipout.c - streamed ZIP writing over libarchive (see zipout.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include "infra/log.h"
#include "infra/zipout.h"

struct zipout {
	struct archive	*a;
	zipout_sink	 sink;
	void		*arg;
	int		 failed;
};

/* libarchive's write callback: everything or an error. */
static la_ssize_t
zip_write_cb(struct archive *a, void *data, const void *buf, size_t len)
{
	struct zipout	*z = data;

	if (z->failed || z->sink(z->arg, buf, len) != 0) {
		z->failed = 1;
		archive_set_error(a, EIO, "client gone");
		return -1;
	}
	return (la_ssize_t)len;
}

struct zipout *
zipout_open(zipout_sink sink, void *arg)
{
	struct zipout	*z;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		return NULL;
	z->sink = sink;
	z->arg = arg;
	if ((z->a = archive_write_new()) == NULL) {
		free(z);
		return NULL;
	}
	/* No block padding: the stream ends where the archive ends. */
	if (archive_write_set_format_zip(z->a) != ARCHIVE_OK ||
	    archive_write_set_options(z->a,
	    "zip:compression=store,zip:hdrcharset=UTF-8") != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(z->a, 0) != ARCHIVE_OK ||
	    archive_write_open(z->a, z, NULL, zip_write_cb, NULL) !=
	    ARCHIVE_OK) {
		log_warn("zipout: %s", archive_error_string(z->a) ?
		    archive_error_string(z->a) : "open failed");
		archive_write_free(z->a);
		free(z);
		return NULL;
	}
	return z;
}

int
zipout_add(struct zipout *z, const char *name, const void *data, size_t len)
{
	struct archive_entry	*e;
	int			 rc = -1;

	if (z == NULL || z->failed || (e = archive_entry_new()) == NULL)
		return -1;
	archive_entry_set_pathname_utf8(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, time(NULL), 0);
	if (archive_write_header(z->a, e) == ARCHIVE_OK &&
	    (len == 0 ||
	    archive_write_data(z->a, data, len) == (la_ssize_t)len) &&
	    archive_write_finish_entry(z->a) == ARCHIVE_OK)
		rc = 0;
	archive_entry_free(e);
	if (rc != 0)
		z->failed = 1;
	return rc;
}

int
zipout_close(struct zipout *z)
{
	int	 rc;

	if (z == NULL)
		return 0;
	rc = z->failed ? -1 : 0;
	if (archive_write_close(z->a) != ARCHIVE_OK)
		rc = -1;
	archive_write_free(z->a);
	free(z);
	return rc;
}
