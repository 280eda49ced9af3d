/*
 * test_scan.c - the NUL scan of request bodies (http/scan.c): the
 * CGI kit keeps values as C strings, so a NUL byte would cut a value
 * short; it is found in urlencoded bodies (%00 or raw) and in multipart
 * headers and non-file values, never in a file's bytes.  Every body is
 * fed whole and in reads of 1 to 7 bytes (cb_read gets any split).
 */
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "tap.h"

#define MP	"multipart/form-data; boundary=XyZ42"
#define URL	"application/x-www-form-urlencoded"

/* The scan of body (len bytes) in reads of step bytes (0: whole). */
static int
scan(const char *ct, const char *body, size_t len, size_t step)
{
	size_t	 i, n;

	if (http_scan_start(1, ct) != 0)
		return -1;
	for (i = 0; i < len; i += n) {
		n = step == 0 || len - i < step ? len - i : step;
		http_scan_body(body + i, (int)n);
	}
	return http_scan_end();
}

/* want for every split of body. */
static void
check(const char *ct, const char *body, size_t len, int want, const char *what)
{
	size_t	 step;
	int	 got, bad = 0;

	for (step = 0; step <= 7; step++)
		if ((got = scan(ct, body, len, step)) != want) {
			printf("# %s: reads of %zu bytes: %d\n", what, step, got);
			bad = 1;
		}
	ok(!bad, "%s: %s", what, want == 1 ? "NUL found" : want == 0 ?
	    "clean" : "refused");
}

#define CHECK(ct, lit, want, what) check(ct, lit, sizeof(lit) - 1, want, what)

int
main(void)
{

	/* urlencoded */
	CHECK(URL, "a=b&c=d", 0, "urlencoded, plain");
	CHECK(URL, "a=b%00c&d=e", 1, "urlencoded, %00");
	CHECK(URL, "a=b\0c&d=e", 1, "urlencoded, a raw NUL");
	CHECK(URL, "a=%0&b=0", 0, "urlencoded, %0 then 0 elsewhere");
	CHECK(URL, "a=b%20c%", 0, "urlencoded, a lone % at the end");

	/* multipart: values */
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
	    "hello\r\n--XyZ42--\r\n", 0, "multipart, a text value");
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
	    "he\0llo\r\n--XyZ42--\r\n", 1, "multipart, a NUL in a text value");
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
	    "\x89PNG\0\0\0\r\n--XyZ4\0\r\n-\0\r\n\r\n--XyZ42--\r\n", 0,
	    "multipart, NULs and near-delimiters in a file");
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"a.png\"\r\n\r\n\0\0\r\n--XyZ42\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\nx\0y\r\n"
	    "--XyZ42--\r\n", 1, "multipart, a NUL in a text value after a file");
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
	    "x\r\n--XyZ42\r\nContent-Disposition: form-data; name=\"f\"; "
	    "FileName=\"a.png\"\r\n\r\n\0\0\r\n--XyZ42--\r\n", 0,
	    "multipart, a file after a text value (filename in any case)");
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; "
	    "name=\"a; filename=x\"\r\n\r\nx\0y\r\n--XyZ42--\r\n", 1,
	    "multipart, filename= inside a quoted name is not a file");
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; name=\"a\"; "
	    "filename*=UTF-8''a.png\r\n\r\nx\0y\r\n--XyZ42--\r\n", 1,
	    "multipart, filename*= is not a file to the CGI kit");
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n"
	    "\r\nxy\r\n--XyZ42--\r\n", 1, "multipart, a NUL in a part's headers");
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
	    "\r\n--XyZ42--\r\nepilogue\0\0", 0,
	    "multipart, an empty value; NULs after the end");
	CHECK(MP, "preamble\0\r\n--XyZ42\r\nContent-Disposition: form-data; "
	    "name=\"a\"\r\n\r\nv\r\n--XyZ42--\r\n", 0,
	    "multipart, a NUL in the preamble");
	CHECK(MP, "--XyZ42\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
	    "\r\r\n--XyZ42\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n"
	    "\0\r\n--XyZ42--\r\n", 1, "multipart, CR CR LF before a delimiter");
	CHECK("multipart/form-data; boundary=\"XyZ42\"", "--XyZ42\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\nx\0\r\n--XyZ42--\r\n",
	    1, "multipart, a quoted boundary");

	/* content types */
	CHECK("multipart/form-data; boundary=", "x", -1,
	    "multipart without a boundary");
	CHECK("multipart/form-data; boundary=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "x", -1,
	    "multipart with a boundary over 128 bytes");
	CHECK("text/plain", "a\0b", 0, "another type is not scanned");
	ok(http_scan_start(0, URL) == 0 && (http_scan_body("a%00", 4),
	    http_scan_end()) == 0, "a GET's body is not scanned");
	return tap_done();
}
