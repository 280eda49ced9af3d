/*
 * test_zipout.c - the streamed ZIP writer: entries written through the
 * sink come back intact (names in UTF-8, stored, CRCs right) when
 * libarchive reads the archive; a failing sink is reported.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "tap.h"
#include "infra/zipout.h"

struct buf {
	unsigned char	*p;
	size_t		 len, calls;
};

/* Sink into memory.  Returns 0, or -1 when out of memory. */
static int
to_mem(void *arg, const void *data, size_t len)
{
	struct buf	*b = arg;
	unsigned char	*np;

	if ((np = realloc(b->p, b->len + len)) == NULL)
		return -1;
	b->p = np;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->calls++;
	return 0;
}

static int
refuse(void *arg, const void *data, size_t len)
{

	return -1;
}

int
main(void)
{
	struct buf		 b = { NULL, 0, 0 };
	struct zipout		*z;
	struct archive		*a;
	struct archive_entry	*e;
	unsigned char		 jpg[3000], back[4000];
	const char		*csv = "\xef\xbb\xbf采集码,文件\r\nHX1,110.jpg\r\n";
	la_ssize_t		 n;
	size_t			 i;
	int			 entries = 0, rc;

	/* libarchive converts entry names through the locale */
	setlocale(LC_ALL, "C.UTF-8");
	for (i = 0; i < sizeof(jpg); i++)
		jpg[i] = (unsigned char)(i * 7);
	z = zipout_open(to_mem, &b);
	ok(z != NULL, "open");
	ok(zipout_add(z, "计算机2班/11010119990101001X.jpg", jpg,
	    sizeof(jpg)) == 0, "add a photo under a Chinese folder name");
	ok(zipout_add(z, "index.csv", csv, strlen(csv)) == 0, "add index.csv");
	ok(zipout_add(z, "empty.txt", "", 0) == 0, "add an empty file");
	ok(zipout_close(z) == 0, "close");
	ok(b.len > sizeof(jpg) && memcmp(b.p, "PK\003\004", 4) == 0,
	    "a ZIP came out through the sink (%zu bytes, %zu writes)", b.len,
	    b.calls);

	a = archive_read_new();
	/* seekable: entries are streamed with data descriptors */
	archive_read_support_format_zip_seekable(a);
	ok(archive_read_open_memory(a, b.p, b.len) == ARCHIVE_OK, "readable");
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    rc == ARCHIVE_WARN) {
		n = archive_read_data(a, back, sizeof(back));
		printf("# entry %s, %zd bytes\n", archive_entry_pathname(e), n);
		switch (entries++) {
		case 0:
			is_str(archive_entry_pathname_utf8(e),
			    "计算机2班/11010119990101001X.jpg", "first name");
			ok(n == (la_ssize_t)sizeof(jpg) &&
			    memcmp(back, jpg, sizeof(jpg)) == 0,
			    "first content intact");
			break;
		case 1:
			is_str(archive_entry_pathname_utf8(e), "index.csv",
			    "second name");
			ok(n == (la_ssize_t)strlen(csv) &&
			    memcmp(back, csv, strlen(csv)) == 0,
			    "index.csv intact");
			break;
		default:
			ok(n == 0, "empty file is empty");
		}
	}
	ok(entries == 3, "three entries (%d)", entries);
	archive_read_free(a);
	free(b.p);

	/* A sink that refuses every write: the failure must surface, at
	 * open, at the add or at the close; never all three "fine". */
	{
		int	 opened, add = 0, end = 0;

		z = zipout_open(refuse, NULL);
		opened = z != NULL;
		if (opened) {
			add = zipout_add(z, "a.jpg", jpg, sizeof(jpg));
			end = zipout_close(z);
		}
		ok(!opened || add != 0 || end != 0,
		    "a broken sink is reported (open %d, add %d, close %d)",
		    opened, add, end);
	}
	ok(zipout_close(NULL) == 0, "close(NULL) is a no-op");
	return tap_done();
}
