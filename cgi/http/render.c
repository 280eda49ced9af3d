/*
 * render.c - the response: HDF helpers, ClearSilver rendering and the
 * single exit every response goes out through, with its security headers.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ClearSilver.h>

#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "infra/tmpl.h"
#include "http/web.h"
#include "http/http.h"
#include "domain/outcome.h"

/* The strict default policy; form-action also allows the origins of
 * Site.FormTargets (e.g. a real payment gateway the /pay form redirects
 * to), filled in by web_main(). */
static char default_csp[1024] =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

void
render_init(void)
{
	const char	*t = conf_str("Site.FormTargets", "");
	size_t		 i, n = strlen(default_csp);

	/* Origins only: letters, digits and :/.- separated by spaces. */
	for (i = 0; t[i] != '\0'; i++)
		if (!isalnum((unsigned char)t[i]) && strchr(":/.- ", t[i]) == NULL) {
			log_warn("Site.FormTargets ignored: not a list of origins");
			return;
		}
	if (*t != '\0' && n + 1 + strlen(t) < sizeof(default_csp))
		snprintf(default_csp + n, sizeof(default_csp) - n, " %s", t);
}

void
web_set(struct req *r, const char *key, const char *val)
{
	NEOERR	*err;

	if ((err = hdf_set_value(r->hdf, key, val)) != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		r->hdf_failed = 1;
	}
}

HDF *
web_row(struct req *r, const char *list, int n)
{
	NEOERR	*err;
	HDF	*row;
	char	 key[64];

	if ((size_t)snprintf(key, sizeof(key), "%s.%d", list, n) >=
	    sizeof(key)) {
		r->hdf_failed = 1;
		return NULL;
	}
	if ((err = hdf_get_node(r->hdf, key, &row)) != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		r->hdf_failed = 1;
		return NULL;
	}
	return row;
}

void
web_row_set(struct req *r, HDF *row, const char *name, const char *val)
{
	NEOERR	*err;

	if (row == NULL)
		return;
	if ((err = hdf_set_value(row, name, val)) != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		r->hdf_failed = 1;
	}
}

void
web_row_int(struct req *r, HDF *row, const char *name, long long v)
{
	char	 buf[24];

	snprintf(buf, sizeof(buf), "%lld", v);
	web_row_set(r, row, name, buf);
}

void
web_setf(struct req *r, const char *key, const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		log_warn("web_setf %s: value too long, refused", key);
		r->hdf_failed = 1;
		return;
	}
	web_set(r, key, buf);
}

int
web_redirect(struct req *r, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(r->location, sizeof(r->location), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(r->location))
		abort();
	return 303;
}

int
web_fail(struct req *r, int status, const char *msg)
{

	r->status = status;
	r->err = msg;
	return status;
}

int
web_failv(struct req *r, int status, const char *key, const struct larg *a,
    size_t n)
{

	(void)lang_fmtv(r->msg, sizeof(r->msg), key, a, n);	/* logged */
	return web_fail(r, status, r->msg);
}

void
web_setv(struct req *r, const char *hdfkey, const char *word,
    const struct larg *a, size_t n)
{
	char	 buf[1024];

	(void)lang_fmtv(buf, sizeof(buf), word, a, n);	/* logged */
	hdf_set_value(r->hdf, hdfkey, buf);
}

int
web_page(struct req *r, const char *tmpl)
{

	r->tmpl = tmpl;
	return r->status ? r->status : 200;
}

int
web_outcome(struct req *r, enum outcome o)
{

	if (oc_message(o) != NULL)
		r->err = oc_message(o);
	if (oc_status(o) == 503 && r->retry_after == 0)
		r->retry_after = 5;
	return oc_status(o);
}

int
web_dberr(int rc)
{

	if (rc == DB_RETRY)
		return 503;	/* contention: the user may simply try again */
	return (rc == DB_ERR && db_lost()) ? 503 : 500;
}

/* --- output -------------------------------------------------------- */

static const char *
reason(int status)
{

	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

static const char *
title(int status)
{

	switch (status) {
	case 400: return L("Lang.Http.400");
	case 403: return L("Lang.Http.403");
	case 404: return L("Lang.Http.404");
	case 405: return L("Lang.Http.405");
	case 409: return L("Lang.Http.409");
	case 413: return L("Lang.Http.413");
	case 415: return L("Lang.Http.415");
	case 422: return L("Lang.Http.422");
	case 429: return L("Lang.Http.429");
	case 503: return L("Lang.Http.503");
	default: return L("Lang.Http.500");
	}
}

static void
headers(struct req *r, int status, const char *ctype)
{

	http_outf(r, "Status: %d %s\r\n", status, reason(status));
	if (ctype != NULL)
		http_outf(r, "Content-Type: %s\r\n", ctype);
	http_outf(r, "Content-Security-Policy: %s\r\n",
	    r->app->csp ? r->app->csp : default_csp);
	http_outs(r, "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Permissions-Policy: geolocation=(), microphone=()\r\n");
	if (r->page == NULL || !(r->page->flags & PG_PUBLIC_CACHE))
		http_outs(r, "Cache-Control: no-store\r\n");
	if (r->setcookie[0] != '\0')
		http_outf(r, "Set-Cookie: %s\r\n", r->setcookie);
	if (r->retry_after > 0 && (status == 429 || status == 503))
		http_outf(r, "Retry-After: %d\r\n", r->retry_after);
	if (status == 303)
		http_outf(r, "Location: %s\r\n", r->location);
	if (r->filename[0] != '\0')
		/* RFC 6266/5987: UTF-8 name, percent-encoded. */
		http_outf(r, "Content-Disposition: %s; "
		    "filename=\"download\"; filename*=UTF-8''%s\r\n",
		    r->inline_file ? "inline" : "attachment", r->filename);
}

/* Render a template to a string.  Returns 0, or -1 (logged). */
static int
render(struct req *r, const char *tmpl, STRING *out)
{
	NEOERR	*err;
	STRING	 e;
	char	 id[17];

	string_init(out);
	/* The words, Lang.*: ClearSilver looks a name up there when the
	 * request's HDF has no such name (read-only: set: in a template
	 * writes to the request's HDF). */
	if ((err = tmpl_render(r->hdf, lang_hdf(), tmpl, out)) == STATUS_OK)
		return 0;
	string_init(&e);
	nerr_error_string(err, &e);
	log_incident(id, "template %s: %s", tmpl, e.buf ? e.buf : "?");
	string_clear(&e);
	nerr_ignore(&err);
	string_clear(out);
	web_set(r, "Error.Incident", id);
	return -1;
}

/* The one exit: every response goes out through here. */
void
render_respond(struct req *r, int status)
{
	STRING		 body;
	char		 id[17];

	if (r->streamed)
		return;
	if (r->hdf_failed && status != 303 && status < 500)
		status = 500;	/* logged where the value was lost */
	if (status == 303) {
		headers(r, 303, NULL);
		http_outs(r, "\r\n");
		return;
	}
	if (r->body != NULL && status == 200) {
		headers(r, 200, r->ctype);
		http_outf(r, "Content-Length: %lu\r\n\r\n",
		    (unsigned long)r->bodylen);
		http_out(r, r->body, r->bodylen);
		return;
	}
	if (status >= 500 && hdf_get_value(r->hdf, "Error.Incident", NULL) == NULL) {
		log_incident(id, "%s %s -> %d", r->app->name,
		    r->page ? r->page->path : "-", status);
		web_set(r, "Error.Incident", id);
	}
	if (r->tmpl != NULL && status < 500 && status != 403 && status != 404) {
		if (r->err != NULL)
			web_set(r, "Page.Error", r->err);
		if (render(r, r->tmpl, &body) == 0) {
			headers(r, status, "text/html; charset=utf-8");
			http_outf(r, "Content-Length: %d\r\n\r\n", body.len);
			http_out(r, body.buf, (size_t)body.len);
			string_clear(&body);
			return;
		}
		status = 500;
	}
	/* Error page, under an incident id the user can quote. */
	if (status == 200)
		status = 500;
	if (hdf_get_value(r->hdf, "Error.Incident", NULL) == NULL) {
		log_refusal(id, "%s %s -> %d", r->app->name,
		    r->page ? r->page->path : "-", status);
		web_set(r, "Error.Incident", id);
	}
	web_setf(r, "Error.Status", "%d", status);
	web_set(r, "Error.Title", title(status));
	/* A 503 because the database went away says so. */
	if (r->err == NULL && status == 503 && db_lost()) {
		r->err = oc_message(OC_DB_DOWN);
		if (r->retry_after == 0)
			r->retry_after = 5;
	}
	if (r->err != NULL)
		web_set(r, "Error.Message", r->err);
	if (r->app->kind == SESS_ADMIN)
		web_set(r, "Error.Admin", "1");
	if (render(r, "error.cs", &body) == 0) {
		headers(r, status, "text/html; charset=utf-8");
		http_outf(r, "Content-Length: %d\r\n\r\n", body.len);
		http_out(r, body.buf, (size_t)body.len);
		string_clear(&body);
		return;
	}
	headers(r, status, "text/plain; charset=utf-8");
	http_outf(r, "\r\n%d %s\n", status, title(status));
}

void
web_stream_begin(struct req *r, const char *ctype, const char *filename)
{
	char		*esc = NULL;

	if (filename != NULL && cgi_url_escape(filename, &esc) == STATUS_OK &&
	    esc != NULL)
		snprintf(r->filename, sizeof(r->filename), "%s", esc);
	free(esc);
	headers(r, 200, ctype);
	http_outs(r, "\r\n");
	r->streamed = 1;
}

int
web_write(struct req *r, const void *buf, size_t len)
{

	return http_out(r, buf, len);
}

/*
 * The 客服 numbers for tel: links: Support.Phone may hold several
 * ("0871-64094592/18187109418"); each becomes Support.Tel.N.shown (as
 * written) and .tel (digits, a leading + kept).
 */
NEOERR *
render_support(HDF *hdf, const char *p)
{
	char	 shown[64], tel[40], key[48];
	size_t	 ns, nt;
	int	 k = 0;
	NEOERR	*err;

	while (*p != '\0' && k < 4) {
		ns = nt = 0;
		for (; *p != '\0' && *p != '/' && *p != ',' && *p != ';'; p++) {
			if (ns + 1 < sizeof(shown) && (*p != ' ' || ns > 0))
				shown[ns++] = *p;
			if (nt + 1 < sizeof(tel) && ((*p >= '0' && *p <= '9') ||
			    (*p == '+' && nt == 0)))
				tel[nt++] = *p;
		}
		shown[ns] = tel[nt] = '\0';
		if (*p != '\0')
			p++;
		if (nt < 3)
			continue;
		snprintf(key, sizeof(key), "Support.Tel.%d.shown", k);
		if ((err = hdf_set_value(hdf, key, shown)) != STATUS_OK)
			return nerr_pass(err);
		snprintf(key, sizeof(key), "Support.Tel.%d.tel", k);
		if ((err = hdf_set_value(hdf, key, tel)) != STATUS_OK)
			return nerr_pass(err);
		k++;
	}
	return STATUS_OK;
}
