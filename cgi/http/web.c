/*
 * web.c - FastCGI + ClearSilver request core (see web.h).
 *
 * ClearSilver's CGI kit parses the query, cookies and multipart uploads;
 * this file owns everything else: routing, field validation, sessions,
 * CSRF, rendering and the single response exit with its security headers.
 * One request at a time per process (the CGI kit keeps global state).
 */
#define _GNU_SOURCE	/* strcasestr */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ClearSilver.h>
#include <fcgiapp.h>
#include <sodium.h>

#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/log.h"
#include "domain/outcome.h"
#include "domain/pay.h"
#include "infra/valid.h"
#include "http/web.h"
#include "infra/workday.h"

/* Sessions and throttling counters: the core's own statements. */
enum stmt {
	STMT_SESS_GET,
	STMT_SESS_TOUCH,
	STMT_SESS_SAVE,
	STMT_SESS_ROTATE,
	STMT_SESS_END,
	STMT_SESS_END_USER,
	STMT_THROTTLE_ADD,
	STMT_THROTTLE_GET,
	STMT_WAIT_ADD,
	STMT_WAIT_GET,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_SESS_GET: the live session, and seconds since it was seen */
	"SELECT IFNULL(user_id, 0), IFNULL(task_id, 0), IFNULL(student_id, 0), "
	"flags, IFNULL(pending_student, 0), "
	"TIMESTAMPDIFF(SECOND, seen_at, UTC_TIMESTAMP()) FROM session "
	"WHERE skey = ? AND kind = ? "
	"AND seen_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE",
	/* STMT_SESS_TOUCH (with the flags, which a long absence may change) */
	"UPDATE session SET seen_at = UTC_TIMESTAMP(), flags = ? WHERE skey = ?",
	/* STMT_SESS_SAVE: the first save writes the row */
	"INSERT INTO session (skey, kind, csrf, user_id, task_id, student_id, "
	"flags, pending_student) VALUES (?, ?, '', NULLIF(?, 0), NULLIF(?, 0), "
	"NULLIF(?, 0), ?, NULLIF(?, 0)) ON DUPLICATE KEY UPDATE "
	"user_id = VALUES(user_id), task_id = VALUES(task_id), "
	"student_id = VALUES(student_id), flags = VALUES(flags), "
	"pending_student = VALUES(pending_student), seen_at = UTC_TIMESTAMP()",
	/* STMT_SESS_ROTATE */
	"UPDATE session SET skey = ? WHERE skey = ?",
	/* STMT_SESS_END */
	"DELETE FROM session WHERE skey = ?",
	/* STMT_SESS_END_USER: a user's admin sessions but the request's */
	"DELETE FROM session WHERE kind = ? AND user_id = ? AND skey <> ?",
	/* STMT_THROTTLE_ADD */
	"INSERT INTO throttle (k, window_start, n) VALUES (?, "
	"FROM_UNIXTIME(UNIX_TIMESTAMP() DIV ? * ?), ?) "
	"ON DUPLICATE KEY UPDATE n = n + VALUES(n)",
	/* STMT_THROTTLE_GET */
	"SELECT n FROM throttle WHERE k = ? AND "
	"window_start = FROM_UNIXTIME(UNIX_TIMESTAMP() DIV ? * ?)",
	/* STMT_WAIT_ADD: a wait under a key (window_start is the
	 * moment it ends; rows older than a day go with the sweep) */
	"INSERT IGNORE INTO throttle (k, window_start, n) VALUES (?, "
	"FROM_UNIXTIME(UNIX_TIMESTAMP() + ?), 0)",
	/* STMT_WAIT_GET: the latest wait under the key, and now */
	"SELECT UNIX_TIMESTAMP(MAX(window_start)), UNIX_TIMESTAMP() "
	"FROM throttle WHERE k = ? HAVING COUNT(*) > 0",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("web", stmts);

/* The strict default policy; form-action also allows the origins of
 * Site.FormTargets (e.g. a real payment gateway the /pay form redirects
 * to), filled in by web_main(). */
static char default_csp[1024] =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

static void
csp_init(void)
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

/* --- FastCGI callbacks for cgiwrap_init_emu() ------------------------- */

static void	scan_body(const char *, int);

static int
cb_read(void *data, char *buf, int len)
{
	int	 n = FCGX_GetStr(buf, len, ((FCGX_Request *)data)->in);

	scan_body(buf, n);
	return n;
}

static int
cb_writef(void *data, const char *fmt, va_list ap)
{

	/* ClearSilver treats any non-zero return as an error. */
	return FCGX_VFPrintF(((FCGX_Request *)data)->out, fmt, ap) < 0 ? -1 : 0;
}

static int
cb_write(void *data, const char *buf, int len)
{

	return FCGX_PutStr(buf, len, ((FCGX_Request *)data)->out);
}

static char *
cb_getenv(void *data, const char *name)
{
	char	*v = FCGX_GetParam(name, ((FCGX_Request *)data)->envp);

	return v ? strdup(v) : NULL;	/* ClearSilver frees it */
}

static int
cb_putenv(void *data, const char *k, const char *v)
{

	return -1;
}

static int
cb_iterenv(void *data, int n, char **k, char **v)
{
	char	**env = ((FCGX_Request *)data)->envp;
	char	 *eq;
	int	  i;

	*k = *v = NULL;
	for (i = 0; env[i] != NULL && i < n; i++)
		continue;
	if (env[i] == NULL || (eq = strchr(env[i], '=')) == NULL)
		return 0;
	*k = strndup(env[i], (size_t)(eq - env[i]));
	*v = strdup(eq + 1);
	return 0;
}

static const char *
param(struct req *r, const char *name)
{

	return FCGX_GetParam(name, ((FCGX_Request *)r->fx)->envp);
}

/* --- values -------------------------------------------------------- */

static int
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

	return param(r, cgi_name);
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

void
web_set(struct req *r, const char *key, const char *val)
{

	hdf_set_value(r->hdf, key, val);
}

void
web_setf(struct req *r, const char *key, const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hdf_set_value(r->hdf, key, buf);
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

/* --- sessions ------------------------------------------------------ */

/*
 * A session is a random 256-bit token in a cookie; the database knows it
 * by its SHA-256 (a stolen table holds no usable cookie).  Its CSRF token
 * is derived from it with the site's secret, so that an anonymous form
 * carries a valid token without any row behind it: the row is written
 * when the visitor first submits something that must be remembered
 * (sess_save), never for a page view.
 */

static void
set_cookie(struct req *r, const char *token, int expire)
{
	int		 secure = conf_int("Site.SecureCookies", 0) != 0;
	char		 age[32] = "";
	long long	 days = conf_int("Session.StudentDays", 30);

	/* Students keep their link to the booking across browser restarts
	 * (CONTRACT 3); admin cookies end with the browser. */
	if (expire)
		snprintf(age, sizeof(age), "; Max-Age=0");
	else if (r->app->kind == SESS_STUDENT && days > 0)
		snprintf(age, sizeof(age), "; Max-Age=%lld", days * 86400);
	snprintf(r->setcookie, sizeof(r->setcookie),
	    "%s=%s; Path=%s; HttpOnly; SameSite=Lax%s%s", r->app->cookie,
	    expire ? "" : token, r->app->cookie_path, secure ? "; Secure" : "",
	    age);
}

/* The CSRF token of the session key: base64url(HMAC-SHA256(secret, key)). */
static void
derive_csrf(const unsigned char key[32], char out[44])
{
	unsigned char	 mac[crypto_auth_hmacsha256_BYTES];
	const char	*secret = conf_str("Site.FormKey", "");

	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
	    strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf", 4);
	crypto_auth_hmacsha256_update(&st, key, 32);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(out, 44, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* A new token: the cookie value in hex, its key and CSRF token in r->s. */
static void
new_token(struct req *r, char hex[65])
{
	unsigned char	 raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, 65, raw, sizeof(raw));
	crypto_hash_sha256(r->s.key, (unsigned char *)hex, 64);
	derive_csrf(r->s.key, r->s.csrf);
	r->s.token = 1;
	hdf_set_value(r->hdf, "CSRF", r->s.csrf);
}

static long long
idle_minutes(const struct req *r)
{

	return r->app->kind == SESS_ADMIN ?
	    conf_int("Session.IdleMinutes", 30) :
	    conf_int("Session.StudentDays", 30) * 1440;
}

/*
 * The session named by the cookie.  A well-formed token is kept (its
 * CSRF token is valid) even when no row stands behind it; r->s.valid
 * says whether the database knows it.  Seen-at is written at most once a
 * minute.  Returns 0, or a db.h error code.
 */
static int
sess_load(struct req *r)
{
	char		 key[128];
	const char	*tok;
	long long	 age = 0;
	int		 rc;

	snprintf(key, sizeof(key), "Cookie.%s", r->app->cookie);
	tok = hdf_get_value(r->hdf, key, NULL);
	if (tok == NULL || strlen(tok) != 64 || strspn(tok,
	    "0123456789abcdef") != 64)
		return 0;
	crypto_hash_sha256(r->s.key, (const unsigned char *)tok, 64);
	derive_csrf(r->s.key, r->s.csrf);
	r->s.token = 1;
	rc = db_one(&set, STMT_SESS_GET, "bii", "iiiiii",
	    (const char *)r->s.key, (size_t)32, (long long)r->app->kind,
	    idle_minutes(r), &r->s.user_id, &r->s.task_id,
	    &r->s.student_id, &r->s.flags, &r->s.pending, &age);
	if (rc <= 0)
		return rc;
	r->s.valid = 1;
	/* Back after a long time: flagged in the same write as the touch. */
	if (r->app->stale_after > 0 && age > r->app->stale_after &&
	    r->s.student_id != 0)
		r->s.flags |= r->app->stale_flag;
	if (age >= 60 && (rc = db_exec(&set, STMT_SESS_TOUCH, "ib",
	    r->s.flags, (const char *)r->s.key, (size_t)32)) < 0)
		return rc;
	return 0;
}

int
sess_need(struct req *r)
{
	char	 hex[65];

	if (r->s.token)
		return 0;
	new_token(r, hex);
	set_cookie(r, hex, 0);
	return 0;
}

int
sess_save(struct req *r)
{
	int	 rc;

	sess_need(r);
	rc = db_exec(&set, STMT_SESS_SAVE, "biiiiii", (const char *)r->s.key,
	    (size_t)32, (long long)r->app->kind, r->s.user_id, r->s.task_id,
	    r->s.student_id, r->s.flags, r->s.pending);
	if (rc < 0)
		return rc;
	r->s.valid = 1;
	return 0;
}

int
sess_rotate(struct req *r)
{
	unsigned char	 old[32];
	char		 hex[65];
	int		 rc, had = r->s.valid;

	memcpy(old, r->s.key, sizeof(old));
	new_token(r, hex);
	if (had && (rc = db_exec(&set, STMT_SESS_ROTATE, "bb",
	    (const char *)r->s.key, (size_t)32, (const char *)old,
	    (size_t)32)) < 0)
		return rc;
	set_cookie(r, hex, 0);
	return 0;
}

void
sess_end(struct req *r)
{

	if (r->s.valid)
		(void)db_exec(&set, STMT_SESS_END, "b",
		    (const char *)r->s.key, (size_t)32);
	memset(&r->s, 0, sizeof(r->s));
	hdf_remove_tree(r->hdf, "CSRF");
	set_cookie(r, "", 1);
}

int
sess_end_user(struct req *r, long long user_id)
{

	return db_exec(&set, STMT_SESS_END_USER, "iib",
	    (long long)SESS_ADMIN, user_id, (const char *)r->s.key,
	    (size_t)32);
}

int
web_throttle(const char *key, int limit, int window_s, int count)
{
	long long	 n;

	if ((n = web_throttle_count(key, window_s, count)) < 0)
		return (int)n;
	return n >= limit ? 1 : 0;
}

long long
web_throttle_count(const char *key, int window_s, int count)
{
	long long	 n = 0;
	int		 rc;

	if (count > 0 && (rc = db_exec(&set, STMT_THROTTLE_ADD, "siii", key,
	    (long long)window_s, (long long)window_s, (long long)count)) < 0)
		return rc;
	rc = db_one(&set, STMT_THROTTLE_GET, "sii", "i", key,
	    (long long)window_s, (long long)window_s, &n);
	if (rc < 0)
		return rc;
	return n;
}

int
web_throttle_left(int window_s)
{
	time_t	 now = clock_now();

	return window_s - (int)(now % window_s);
}

int
web_locked(const char *key, int *left)
{
	long long	 at = 0, now = 0;
	int		 rc;

	*left = 0;
	if ((rc = db_one(&set, STMT_WAIT_GET, "s", "ii", key, &at, &now)) < 0)
		return rc;
	if (rc == 0)
		return 2;	/* never set */
	if (now >= at)
		return 0;
	*left = (int)(at - now);
	return 1;
}

int
web_lock(const char *key, int seconds)
{
	int	 rc;

	rc = db_exec(&set, STMT_WAIT_ADD, "si", key, (long long)seconds);
	return rc < 0 ? rc : 0;
}

int
web_wait(const char *key, int delay_s, int *left)
{
	int	 rc;

	if ((rc = web_locked(key, left)) != 2)
		return rc;
	if ((rc = web_lock(key, delay_s)) < 0)
		return rc;
	*left = delay_s;
	return 1;
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
	case 400: return "请求无效";
	case 403: return "无权访问";
	case 404: return "页面不存在";
	case 405: return "不支持的请求方式";
	case 409: return "操作冲突";
	case 413: return "文件过大";
	case 415: return "文件类型不支持";
	case 422: return "提交的信息有误";
	case 429: return "操作过于频繁";
	case 503: return "系统繁忙";
	default: return "系统错误";
	}
}

static void
headers(struct req *r, int status, const char *ctype)
{
	FCGX_Stream	*out = ((FCGX_Request *)r->fx)->out;

	FCGX_FPrintF(out, "Status: %d %s\r\n", status, reason(status));
	if (ctype != NULL)
		FCGX_FPrintF(out, "Content-Type: %s\r\n", ctype);
	FCGX_FPrintF(out, "Content-Security-Policy: %s\r\n",
	    r->app->csp ? r->app->csp : default_csp);
	FCGX_PutS("X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Permissions-Policy: geolocation=(), microphone=()\r\n", out);
	if (r->page == NULL || !(r->page->flags & PG_PUBLIC_CACHE))
		FCGX_PutS("Cache-Control: no-store\r\n", out);
	if (r->setcookie[0] != '\0')
		FCGX_FPrintF(out, "Set-Cookie: %s\r\n", r->setcookie);
	if (r->retry_after > 0 && (status == 429 || status == 503))
		FCGX_FPrintF(out, "Retry-After: %d\r\n", r->retry_after);
	if (status == 303)
		FCGX_FPrintF(out, "Location: %s\r\n", r->location);
	if (r->filename[0] != '\0')
		/* RFC 6266/5987: UTF-8 name, percent-encoded. */
		FCGX_FPrintF(out, "Content-Disposition: %s; "
		    "filename=\"download\"; filename*=UTF-8''%s\r\n",
		    r->inline_file ? "inline" : "attachment", r->filename);
}

static NEOERR *
render_cb(void *ctx, char *s)
{

	return string_append((STRING *)ctx, s);
}

/* Render a template to a string.  Returns 0, or -1 (logged). */
static int
render(struct req *r, const char *tmpl, STRING *out)
{
	CSPARSE	*cs = NULL;
	NEOERR	*err;
	STRING	 e;
	char	 id[17];

	string_init(out);
	if ((err = cs_init(&cs, r->hdf)) == STATUS_OK &&
	    (err = cgi_register_strfuncs(cs)) == STATUS_OK &&
	    (err = cs_parse_file(cs, tmpl)) == STATUS_OK)
		err = cs_render(cs, out, render_cb);
	cs_destroy(&cs);
	if (err == STATUS_OK)
		return 0;
	string_init(&e);
	nerr_error_string(err, &e);
	log_incident(id, "template %s: %s", tmpl, e.buf ? e.buf : "?");
	string_clear(&e);
	nerr_ignore(&err);
	string_clear(out);
	hdf_set_value(r->hdf, "Error.Incident", id);
	return -1;
}

/* The one exit: every response goes out through here. */
static void
respond(struct req *r, int status)
{
	FCGX_Stream	*out = ((FCGX_Request *)r->fx)->out;
	STRING		 body;
	char		 id[17];

	if (r->streamed)
		return;
	if (status == 303) {
		headers(r, 303, NULL);
		FCGX_PutS("\r\n", out);
		return;
	}
	if (r->body != NULL && status == 200) {
		headers(r, 200, r->ctype);
		FCGX_FPrintF(out, "Content-Length: %lu\r\n\r\n",
		    (unsigned long)r->bodylen);	/* FCGX has no %zu */
		FCGX_PutStr((const char *)r->body, (int)r->bodylen, out);
		return;
	}
	if (status >= 500 && hdf_get_value(r->hdf, "Error.Incident", NULL) == NULL) {
		log_incident(id, "%s %s -> %d", r->app->name,
		    r->page ? r->page->path : "-", status);
		hdf_set_value(r->hdf, "Error.Incident", id);
	}
	if (r->tmpl != NULL && status < 500 && status != 403 && status != 404) {
		if (r->err != NULL)
			hdf_set_value(r->hdf, "Page.Error", r->err);
		if (render(r, r->tmpl, &body) == 0) {
			headers(r, status, "text/html; charset=utf-8");
			FCGX_FPrintF(out, "Content-Length: %d\r\n\r\n", body.len);
			FCGX_PutStr(body.buf, body.len, out);
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
		hdf_set_value(r->hdf, "Error.Incident", id);
	}
	hdf_set_int_value(r->hdf, "Error.Status", status);
	hdf_set_value(r->hdf, "Error.Title", title(status));
	/* A 503 because the database went away says so. */
	if (r->err == NULL && status == 503 && db_lost()) {
		r->err = oc_message(OC_DB_DOWN);
		if (r->retry_after == 0)
			r->retry_after = 5;
	}
	if (r->err != NULL)
		hdf_set_value(r->hdf, "Error.Message", r->err);
	if (r->app->kind == SESS_ADMIN)
		hdf_set_value(r->hdf, "Error.Admin", "1");
	if (render(r, "error.cs", &body) == 0) {
		headers(r, status, "text/html; charset=utf-8");
		FCGX_FPrintF(out, "Content-Length: %d\r\n\r\n", body.len);
		FCGX_PutStr(body.buf, body.len, out);
		string_clear(&body);
		return;
	}
	headers(r, status, "text/plain; charset=utf-8");
	FCGX_FPrintF(out, "\r\n%d %s\n", status, title(status));
}

void
web_stream_begin(struct req *r, const char *ctype, const char *filename)
{
	FCGX_Stream	*out = ((FCGX_Request *)r->fx)->out;
	char		*esc = NULL;

	if (filename != NULL && cgi_url_escape(filename, &esc) == STATUS_OK &&
	    esc != NULL)
		snprintf(r->filename, sizeof(r->filename), "%s", esc);
	free(esc);
	headers(r, 200, ctype);
	FCGX_PutS("\r\n", out);
	r->streamed = 1;
}

int
web_write(struct req *r, const void *buf, size_t len)
{
	FCGX_Stream	*out = ((FCGX_Request *)r->fx)->out;

	return FCGX_PutStr(buf, (int)len, out) == (int)len ? 0 : -1;
}

/* --- request handling ------------------------------------------------ */

/* Match path against pattern; '#' matches a decimal id.  1 if matched. */
static int
match(const char *pat, const char *path, long long id[2])
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
static int
check_fields(struct req *r)
{
	HDF			*q, *c;
	const struct field	*f;
	const char		*name, *msg;
	char			*v;
	size_t			 i;
	int			 k;
	struct stat		 st;
	static char		 errbuf[256];

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
				if ((f->flags & F_REQ) && r->method == M_POST) {
					snprintf(errbuf, sizeof(errbuf),
					    "请选择要上传的%s", f->label ? f->label : "文件");
					r->err = errbuf;
					return 422;
				}
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
			if ((f->flags & F_REQ) && r->method == M_POST) {
				snprintf(errbuf, sizeof(errbuf), "请填写%s",
				    f->label ? f->label : f->name);
				r->err = errbuf;
				return 422;
			}
			continue;
		}
		if (*v == '\0' && r->method == M_GET)
			continue;
		if ((msg = valid_field(f, v, &r->v[i])) != NULL) {
			snprintf(errbuf, sizeof(errbuf), "%s：%s",
			    f->label ? f->label : f->name, msg);
			r->err = errbuf;
			return 422;
		}
	}
	return 0;
}

/*
 * A POST body we can parse: urlencoded, or multipart with a non-empty
 * boundary (ClearSilver's parser crashes without one).  Returns 0 when
 * allowed, 415 for another type, 400 for a multipart type without a
 * boundary.
 */
static int
check_ctype(const char *ct)
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

/*
 * NUL bytes: the CGI kit decodes %00 into C strings and so would cut a
 * value short without a word.  Refuse them in the query string, and in
 * urlencoded bodies while they are read (cb_read sees the raw bytes).
 */
static struct {
	int	 on;		/* scanning this request's body */
	int	 seen;		/* %00 found */
	char	 tail[2];	/* last two bytes of the previous read */
} nulscan;

static int
has_pct00(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i + 2 < len; i++)
		if (s[i] == '%' && s[i + 1] == '0' && s[i + 2] == '0')
			return 1;
	return 0;
}

static void
scan_body(const char *buf, int n)
{
	char	 edge[6];

	if (!nulscan.on || n <= 0)
		return;
	/* A "%00" split over two reads. */
	memcpy(edge, nulscan.tail, 2);
	memcpy(edge + 2, buf, n < 2 ? (size_t)n : 2);
	if (has_pct00(edge, 2 + (n < 2 ? (size_t)n : 2)) ||
	    has_pct00(buf, (size_t)n))
		nulscan.seen = 1;
	if (n >= 2)
		memcpy(nulscan.tail, buf + n - 2, 2);
	else {
		nulscan.tail[0] = nulscan.tail[1];
		nulscan.tail[1] = buf[0];
	}
}

static int
dispatch(struct req *r)
{
	const char	*m, *ct, *csrf, *q;
	const char	*cl;
	size_t		 i;
	int		 rc, pathmatch = 0;
	long long	 maxbody;
	NEOERR		*err;

	/* method */
	if ((m = param(r, "REQUEST_METHOD")) == NULL)
		return 400;
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		r->method = M_GET;
	else if (strcmp(m, "POST") == 0)
		r->method = M_POST;
	else
		return 405;

	/* route */
	if ((r->path = param(r, "PATH_INFO")) == NULL || *r->path == '\0')
		r->path = param(r, "DOCUMENT_URI");
	if (r->path == NULL)
		return 404;
	for (i = 0; i < r->app->npages + r->app->nmore; i++) {
		const struct page *pg = i < r->app->npages ?
		    &r->app->pages[i] : &r->app->more[i - r->app->npages];
		if (!match(pg->path, r->path, r->id))
			continue;
		pathmatch = 1;
		if (pg->methods & r->method) {
			r->page = pg;
			break;
		}
	}
	if (r->page == NULL)
		return pathmatch ? 405 : 404;

	/* content type and size, before anything is read */
	ct = param(r, "CONTENT_TYPE");
	if (r->method == M_POST && (rc = check_ctype(ct)) != 0)
		return rc;
	if ((q = param(r, "QUERY_STRING")) != NULL &&
	    has_pct00(q, strlen(q)))
		return 400;
	memset(&nulscan, 0, sizeof(nulscan));
	nulscan.on = r->method == M_POST && ct != NULL &&
	    strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
	maxbody = conf_int("Upload.MaxBytes", 10485760) + 65536;
	if ((cl = param(r, "CONTENT_LENGTH")) != NULL && atoll(cl) > maxbody)
		return 413;

	err = cgi_parse(r->cgi);
	nulscan.on = 0;
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
			hdf_set_value(r->hdf, "Error.Incident", id);
			string_clear(&s);
			return 500;
		}
		log_info("%s %s: malformed body refused", r->app->name, r->path);
		string_clear(&s);
		return 400;
	}
	if (nulscan.seen) {
		log_info("%s %s: NUL byte refused", r->app->name, r->path);
		return 400;
	}

	/* session (public pages never touch it: they answer without the
	 * database) */
	if (!(r->page->flags & PG_PUBLIC_CACHE) && (rc = sess_load(r)) < 0)
		return web_dberr(rc);
	if (r->s.token)
		hdf_set_value(r->hdf, "CSRF", r->s.csrf);
	if (r->app->load_user != NULL && r->s.valid && r->s.user_id > 0)
		if ((rc = r->app->load_user(r)) != 0)
			return rc;
	if (((r->page->flags & PG_SESSION) && !r->s.valid) ||
	    (r->page->roles != 0 && r->s.user_id == 0))
		return web_redirect(r, "%s", r->app->login);
	if (r->page->roles != 0 && !(r->page->roles & r->s.role)) {
		log_info("%s %s: role %d refused", r->app->name, r->path,
		    r->s.role);
		return 403;
	}
	if ((r->page->flags & PG_FORM) && (rc = sess_need(r)) < 0)
		return web_dberr(rc);

	/* CSRF */
	if (r->method == M_POST && !(r->page->flags & PG_NOCSRF)) {
		csrf = hdf_get_value(r->hdf, "Query.csrf", NULL);
		if (!r->s.token || csrf == NULL || strlen(csrf) != 43 ||
		    sodium_memcmp(csrf, r->s.csrf, 43) != 0) {
			log_info("%s %s: CSRF check failed", r->app->name,
			    r->path);
			r->err = "页面已过期，请返回上一页刷新后重试。";
			return 403;
		}
	}

	/* fields */
	if ((rc = check_fields(r)) != 0) {
		if (rc != 422 || r->method != M_POST)
			return rc;
		/* Show the form again with the message. */
		r->status = 422;
		r->method = M_GET;
		memset(r->v, 0, sizeof(r->v));
	}
	return r->page->fn(r);
}

/*
 * The 客服 numbers for tel: links: Support.Phone may hold several
 * ("0871-64094592/18187109418"); each becomes Support.Tel.N.shown (as
 * written) and .tel (digits, a leading + kept).
 */
static void
support_tels(HDF *hdf, const char *p)
{
	char	 shown[64], tel[40], key[48];
	size_t	 ns, nt;
	int	 k = 0;

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
		hdf_set_value(hdf, key, shown);
		snprintf(key, sizeof(key), "Support.Tel.%d.tel", k);
		hdf_set_value(hdf, key, tel);
		k++;
	}
}

static void
handle(const struct app *app, FCGX_Request *fx)
{
	struct req	 r;
	HDF		*hdf = NULL;
	CGI		*cgi = NULL;
	NEOERR		*err;
	const char	*ra;
	int		 status;

	clock_tick();
	memset(&r, 0, sizeof(r));
	r.app = app;
	r.fx = fx;
	cgiwrap_init_emu(fx, cb_read, cb_writef, cb_write, cb_getenv,
	    cb_putenv, cb_iterenv);
	if ((err = hdf_init(&hdf)) != STATUS_OK) {
		nerr_ignore(&err);
		return;
	}
	hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	hdf_set_value(hdf, "Config.TimeFooter", "0");
	hdf_set_value(hdf, "Config.Upload.TmpDir", conf_str("Paths.Tmp", "/tmp"));
	hdf_set_value(hdf, "hdf.loadpaths.0",
	    conf_str("Paths.Templates", PKGDATADIR "/templates"));
	hdf_set_value(hdf, "Support.Phone", conf_str("Support.Phone", ""));
	support_tels(hdf, conf_str("Support.Phone", ""));
	hdf_set_value(hdf, "Support.Email", conf_str("Support.Email", ""));
	if ((err = cgi_init(&cgi, hdf)) != STATUS_OK) {
		/* cgi_init destroyed the HDF. */
		nerr_ignore(&err);
		FCGX_PutS("Status: 500 Internal Server Error\r\n"
		    "Content-Type: text/plain\r\n\r\n500\n", fx->out);
		return;
	}
	r.cgi = cgi;
	r.hdf = cgi->hdf;
	if ((ra = FCGX_GetParam("REMOTE_ADDR", fx->envp)) != NULL)
		snprintf(r.client, sizeof(r.client), "%s", ra);
	status = dispatch(&r);
	if (status == WEB_STREAMED)
		r.streamed = 1;
	respond(&r, status);
	free(r.body);
	cgi_destroy(&cgi);
}

/*
 * SIGTERM (multiwatch or spawn-fcgi stopping us): finish the request in
 * hand, then leave the accept loop and exit normally.  No SA_RESTART, so a
 * blocking accept() returns at once.
 */
static void
on_term(int sig)
{

	FCGX_ShutdownPending();
}

int
web_main(const struct app *app)
{
	FCGX_Request	 fx;
	struct sigaction sa;

	if (conf_load() != 0)
		return 1;
	if (log_open(app->name) != 0)
		return 1;
	if (strlen(conf_str("Site.FormKey", "")) < 32) {
		log_warn("Site.FormKey is missing or shorter than 32 "
		    "characters (tucai.hdf(5)): not starting");
		return 1;
	}
	if (clock_init() != 0 || pay_check_config() != 0)
		return 1;
	/* A missing calendar only makes refund dates count weekends; it is
	 * logged (and again by every sweep), and the site still runs. */
	if (workday_init() == 0)
		(void)workday_check(clock_now());
	csp_init();
	if (sodium_init() < 0)
		return 1;
	if (app->init != NULL)
		app->init();
	(void)db_open();	/* a later request retries */
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fx, 0, 0) != 0)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	log_info("started");
	while (FCGX_Accept_r(&fx) >= 0) {
		handle(app, &fx);
		FCGX_Finish_r(&fx);
	}
	FCGX_Free(&fx, 1);
	db_close();
	log_info("stopped");
	return 0;
}
