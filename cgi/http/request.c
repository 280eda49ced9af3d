/*
 * request.c - what a request carries: the route, the body checks, the
 * declared fields and their typed values.  Handlers never read raw query
 * data (web.h).
 */
#define _GNU_SOURCE	/* strcasestr */
#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ClearSilver.h>

#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/log.h"
#include "http/web.h"
#include "http/http.h"
#include "infra/sign.h"
#include "infra/util.h"
#include "infra/valid.h"

/* --- values -------------------------------------------------------- */

int
field_index(const struct req *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->page->nfields; i++)
		if (strcmp(r->page->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

long long
web_int(struct req *r, const char *name)
{
	int	 i = field_index(r, name);

	if (i < 0)
		abort();	/* a handler asked for an undeclared field */
	return r->v[i].set ? r->v[i].i : 0;
}

const char *
web_str(struct req *r, const char *name)
{
	int	 i = field_index(r, name);

	if (i < 0)
		abort();
	return r->v[i].set ? r->v[i].s : NULL;
}

FILE *
web_file(struct req *r, const char *name)
{
	int	 i = field_index(r, name);

	if (i < 0)
		abort();
	return r->v[i].set ? r->v[i].fp : NULL;
}

int
web_has(struct req *r, const char *name)
{
	int	 i = field_index(r, name);

	if (i < 0)
		abort();
	return r->v[i].set;
}

const char *
web_header(struct req *r, const char *cgi_name)
{

	return http_param(r, cgi_name);
}

int
web_slurp(FILE *fp, size_t max, unsigned char **buf, size_t *len)
{
	struct stat	 st;
	size_t		 n;

	*buf = NULL;
	*len = 0;
	if (fp == NULL || fstat(fileno(fp), &st) != 0)
		return 500;
	if ((size_t)st.st_size > max)
		return 413;
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL)
		return 500;
	rewind(fp);
	n = fread(*buf, 1, (size_t)st.st_size, fp);
	if (n != (size_t)st.st_size) {
		free(*buf);
		*buf = NULL;
		return 500;
	}
	*len = n;
	return 0;
}

/* --- request handling ------------------------------------------------ */

/* Match path against pattern; '#' matches a decimal id.  1 if matched. */
int
http_match(const char *pat, const char *path, long long id[2])
{
	int		 n = 0;
	long long	 v;

	while (*pat != '\0') {
		if (*pat == '#') {
			if (!isdigit((unsigned char)*path) || *path == '0')
				return 0;
			for (v = 0; isdigit((unsigned char)*path); path++) {
				if (v > 1000000000000LL)
					return 0;
				v = v * 10 + (*path - '0');
			}
			if (n < 2)
				id[n++] = v;
			pat++;
			continue;
		}
		if (*pat++ != *path++)
			return 0;
	}
	return *path == '\0';
}

/*
 * Check every Query.* key against the page's fields: unknown keys and
 * repeated keys are refused (400).  Then validate each declared field.
 * Returns 0, 400, 413 or 422 (with r->err set).
 */
int
http_check_fields(struct req *r)
{
	HDF			*q, *c;
	const struct field	*f;
	const char		*name, *msg;
	char			*v;
	size_t			 i;
	int			 k;
	struct stat		 st;

	q = hdf_get_obj(r->hdf, "Query");
	for (c = q ? hdf_obj_child(q) : NULL; c != NULL; c = hdf_obj_next(c)) {
		name = hdf_obj_name(c);
		if (strcmp(name, "csrf") == 0 && r->method == M_POST)
			k = -2;
		else if ((k = field_index(r, name)) < 0) {
			/* A GET changes nothing: links shared from WeChat
			 * and the like add their own keys (from=, utm_...).
			 * Those are ignored; a POST must be exact. */
			if (r->method == M_GET)
				continue;
			log_info("%s %s: unknown parameter refused",
			    r->app->name, r->page->path);
			return 400;
		}
		if (hdf_obj_child(c) != NULL &&
		    (k < 0 || r->page->fields[k].type != FT_FILE ||
		    hdf_get_obj(c, "0") != NULL)) {
			log_info("%s %s: repeated parameter refused",
			    r->app->name, r->page->path);
			return 400;
		}
	}
	for (i = 0; i < r->page->nfields && i < WEB_MAXFIELDS; i++) {
		f = &r->page->fields[i];
		memset(&r->v[i], 0, sizeof(r->v[i]));
		c = q ? hdf_get_obj(q, f->name) : NULL;
		if (f->type == FT_FILE) {
			FILE *fp = r->method == M_POST ?
			    cgi_filehandle(r->cgi, f->name) : NULL;
			if (fp == NULL || fstat(fileno(fp), &st) != 0 ||
			    st.st_size == 0) {
				if ((f->flags & F_REQ) && r->method == M_POST)
					return web_failw(r, 422,
					    "Lang.Field.ChooseFile", LS("label",
					    L(f->label ? f->label :
					    "Lang.Field.File")));
				continue;
			}
			if (f->max > 0 && (size_t)st.st_size > f->max)
				return 413;
			r->v[i].set = 1;
			r->v[i].fp = fp;
			r->v[i].i = st.st_size;
			continue;
		}
		if (c == NULL || (v = hdf_obj_value(c)) == NULL) {
			/* Required means required in a POST; a GET shows
			 * the empty form. */
			if ((f->flags & F_REQ) && r->method == M_POST)
				return web_failw(r, 422, "Lang.Field.Required",
				    LS("label", f->label ? L(f->label) :
				    f->name));
			continue;
		}
		if (*v == '\0' && r->method == M_GET)
			continue;
		if ((msg = valid_field(f, v, &r->v[i])) != NULL)
			return web_failw(r, 422, "Lang.Field.Invalid",
			    LS("label", f->label ? L(f->label) : f->name),
			    LS("why", msg));
	}
	return 0;
}

/*
 * A POST body we can parse: urlencoded, or multipart with a non-empty
 * boundary (ClearSilver's parser crashes without one).  Returns 0 when
 * allowed, 415 for another type, 400 for a multipart type without a
 * boundary.
 */
int
http_check_ctype(const char *ct)
{
	const char	*b;

	if (ct == NULL)
		return 0;	/* empty POST body */
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		return 0;
	if (strncasecmp(ct, "multipart/form-data", 19) != 0)
		return 415;
	if ((b = strcasestr(ct, "boundary=")) == NULL)
		return 400;
	b += 9;
	if (*b == '"')
		b++;
	return (*b == '\0' || *b == '"' || *b == ';' || *b == ' ') ? 400 : 0;
}


/* Method and route: r->method, r->path, r->page and r->id.  0, 404 or
 * 405 (or 400 without a method). */
int
http_route(struct req *r)
{
	const char	*m;
	size_t		 i;
	int		 pathmatch = 0;

	/* method */
	if ((m = http_param(r, "REQUEST_METHOD")) == NULL)
		return 400;
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		r->method = M_GET;
	else if (strcmp(m, "POST") == 0)
		r->method = M_POST;
	else
		return 405;

	/* route */
	if ((r->path = http_param(r, "PATH_INFO")) == NULL || *r->path == '\0')
		r->path = http_param(r, "DOCUMENT_URI");
	if (r->path == NULL)
		return 404;
	for (i = 0; i < r->app->npages + r->app->nmore; i++) {
		const struct page *pg = i < r->app->npages ?
		    &r->app->pages[i] : &r->app->more[i - r->app->npages];
		if (!http_match(pg->path, r->path, r->id))
			continue;
		pathmatch = 1;
		if (pg->methods & r->method) {
			r->page = pg;
			break;
		}
	}
	if (r->page == NULL)
		return pathmatch ? 405 : 404;

	return 0;
}

/*
 * Content type and size, before anything is read; then the body, parsed by
 * the CGI kit (multipart files into Paths.Tmp).  0, or 400, 413, 415 or
 * 500.
 */
int
http_read_body(struct req *r)
{
	const char	*ct, *cl, *q;
	long long	 maxbody, clen;
	NEOERR		*err;
	int		 rc, seen;

	/* content type and size, before anything is read */
	ct = http_param(r, "CONTENT_TYPE");
	if (r->method == M_POST && (rc = http_check_ctype(ct)) != 0)
		return rc;
	if ((q = http_param(r, "QUERY_STRING")) != NULL &&
	    http_has_pct00(q, strlen(q)))
		return 400;
	if (http_scan_start(r->method == M_POST, ct) != 0) {
		log_info("%s %s: multipart boundary refused", r->app->name,
		    r->path);
		return 400;
	}
	maxbody = conf_int("Upload.MaxBytes", 10485760) + 65536;
	if ((cl = http_param(r, "CONTENT_LENGTH")) != NULL && *cl != '\0') {
		if (util_parse_ll(cl, &clen) != 0 || clen < 0)
			return 400;
		if (clen > maxbody)
			return 413;
	}

	err = cgi_parse(r->cgi);
	seen = http_scan_end();
	if (err != STATUS_OK) {
		char id[17];
		STRING s;
		int sys = nerr_match(err, NERR_IO) || nerr_match(err, NERR_SYSTEM) ||
		    nerr_match(err, NERR_NOMEM);
		string_init(&s);
		nerr_error_string(err, &s);
		nerr_ignore(&err);
		if (sys) {
			/* Upload temp folder unwritable or full. */
			log_incident(id, "cgi_parse: %s", s.buf ? s.buf : "?");
			web_set(r, "Error.Incident", id);
			string_clear(&s);
			return 500;
		}
		log_info("%s %s: malformed body refused", r->app->name, r->path);
		string_clear(&s);
		return 400;
	}
	if (seen) {
		log_info("%s %s: NUL byte refused", r->app->name, r->path);
		return 400;
	}

	return 0;
}

/* A signed server-to-server request (web.h). */
int
web_verify_signed(struct req *r, char *body, size_t bodysz)
{
	struct sign_kv	 kv[WEB_MAXFIELDS];
	HDF		*q, *c;
	const char	*ts, *sig;
	char		*canon;
	size_t		 n = 0;
	int		 rc;

	if (body != NULL && bodysz > 0)
		body[0] = '\0';
	q = hdf_get_obj(r->hdf, "Query");
	for (c = q ? hdf_obj_child(q) : NULL; c != NULL; c = hdf_obj_next(c)) {
		if (n == WEB_MAXFIELDS)
			return -1;
		kv[n].k = hdf_obj_name(c);
		kv[n].v = hdf_obj_value(c);
		n++;
	}
	if ((canon = sign_canon(kv, n)) == NULL)
		return -1;
	ts = web_header(r, "HTTP_X_TUCAI_TIMESTAMP");
	sig = web_header(r, "HTTP_X_TUCAI_SIGNATURE");
	rc = sign_check(ts, canon, sig);
	if (rc != 0)
		log_info("%s %s: bad or stale signature refused",
		    r->app->name, r->path);
	if (body != NULL && bodysz > 0)
		snprintf(body, bodysz, "%s", canon);
	free(canon);
	return rc;
}
