/*
 * http.h - what the files of http/ share among themselves.  Programs use
 * web.h only.
 *
 *   fcgi.c      the loop, CGI mode and the order of a request (dispatch)
 *   io.c        the request's environment and output (FastCGI or CGI)
 *   request.c   route, body checks, declared fields and their values
 *   scan.c      NUL bytes in the raw body, as it is read
 *   session.c   the session cookie and its row
 *   csrf.c      the CSRF token of a session
 *   throttle.c  counters and waits
 *   render.c    templates, headers and the single response exit
 */
#ifndef TUCAI_HTTP_H
#define TUCAI_HTTP_H

#include <stdarg.h>
#include <stddef.h>

#include <ClearSilver.h>

struct req;

/* io.c: the request's environment and output (FastCGI, or CGI mode),
 * and ClearSilver's callbacks for them (data: the FCGX_Request or NULL) */
int		 io_read(void *data, char *buf, int len);
int		 io_writef(void *data, const char *fmt, va_list ap);
int		 io_write(void *data, const char *buf, int len);
/* Index the FastCGI request's parameters for io_getenv and http_param
 * (data: the FCGX_Request, NULL in CGI mode); once a request, first. */
void		 io_index(void *data);
char		*io_getenv(void *data, const char *name);
int		 io_putenv(void *data, const char *k, const char *v);
int		 io_iterenv(void *data, int n, char **k, char **v);
const char	*http_param(struct req *, const char *name);
int		 http_out(struct req *, const void *, size_t);
int		 http_outs(struct req *, const char *);
int		 http_outf(struct req *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* request.c */
int		 http_route(struct req *);
int		 http_read_body(struct req *);
int		 http_check_fields(struct req *);
int		 http_match(const char *pat, const char *path, long long id[2]);
int		 http_check_ctype(const char *ct);
int		 http_has_pct00(const char *s, size_t len);
/* The NUL scan of the body being read (io_read): start it for a POST of
 * content type ct (0, or 400 for a multipart type whose boundary cannot
 * be scanned), feed it every read, end it: 1 when a NUL byte was found
 * where the CGI kit would cut a value at it. */
int		 http_scan_start(int post, const char *ct);
void		 http_scan_body(const char *buf, int n);
int		 http_scan_end(void);
int		 field_index(const struct req *, const char *name);


/* csrf.c */
void		 csrf_derive(const unsigned char key[32], char out[44]);
int		 csrf_check(struct req *);

/* render.c */
void		 render_init(void);
NEOERR		*render_support(HDF *, const char *phones);
void		 render_respond(struct req *, int status);

#endif
