/*
 * web.h - the request core shared by student.fcgi, admin.fcgi and bank.fcgi.
 *
 * A program declares its pages in a table (path, methods, fields, flags,
 * handler) and calls web_main().  For every request the core runs, in this
 * fixed order: method -> route -> content type -> session -> role -> CSRF ->
 * field validation -> handler -> the single response exit, which adds the
 * security headers.  Handlers never read raw query data: they get typed,
 * validated values through web_int()/web_str()/web_file().  A POST with
 * an undeclared or repeated key is refused (400); a GET ignores undeclared
 * keys (shared links carry from=, utm_...) but refuses repeated ones.
 */
#ifndef TUCAI_WEB_H
#define TUCAI_WEB_H

#include <stdio.h>
#include <ClearSilver.h>

#include "domain/outcome.h"
#include "infra/lang.h"
#include "infra/throttle.h"
#include "infra/valid.h"

#define M_GET	0x01
#define M_POST	0x02

/* page flags */
#define PG_FORM		0x0001	/* renders a form: make sure a session exists */
#define PG_SESSION	0x0002	/* needs an existing session (else 303 to app->start) */
#define PG_NOCSRF	0x0004	/* POST authenticated otherwise (signed notification) */
#define PG_RAW		0x0008	/* body is not HTML (PNG, CSV, ZIP) */
#define PG_PUBLIC_CACHE	0x0010	/* not personal: may be cached; no session */
#define PG_APP		0x1000	/* the program's own meaning (its table says) */

/* roles (admin) */
#define R_OPERATOR	0x01
#define R_TEACHER	0x02
#define R_STAFF		0x04
#define R_ANY		(R_OPERATOR | R_TEACHER | R_STAFF)

struct req;

struct page {
	const char		*path;	/* exact; '#' matches one decimal id */
	unsigned		 methods;
	const struct field	*fields;
	size_t			 nfields;
	unsigned		 flags;
	unsigned		 roles;	/* 0: no login needed */
	int			(*fn)(struct req *);
};

#define FIELDS(a) a, sizeof(a) / sizeof((a)[0])
#define NOFIELDS NULL, 0

enum sess_kind { SESS_STUDENT = 1, SESS_ADMIN = 2 };

struct app {
	const char		*name;		/* "student" */
	const char		*cookie;	/* cookie name */
	const char		*cookie_path;
	enum sess_kind		 kind;
	const char		*login;		/* where PG_SESSION/roles send strangers */
	const struct page	*pages;
	size_t			 npages;
	const struct page	*more;		/* a second table (site station) */
	size_t			 nmore;
	void			(*init)(void);	/* once per process, may be NULL */
	/* Admin: load the session's user (role, school); 0 ok, 403 disabled,
	 * 503 database.  NULL for apps without logins. */
	int			(*load_user)(struct req *);
	/* Read the session (instead of sess_load), with what the app's
	 * pages read first, in one round trip (sess_token, sess_found);
	 * 0 or a db.h code.  NULL: sess_load. */
	int			(*load_session)(struct req *);
	const char		*csp;		/* NULL: the strict default */
	/* A session unused this many seconds (0: never) gets stale_flag in
	 * its flags when it comes back: the app asks who it is again before
	 * anything grave (the student's cancel). */
	long long		 stale_after;
	long long		 stale_flag;
};

struct session {
	int		 token;		/* a well-formed cookie token (or a new one) */
	int		 valid;		/* ... that the database knows */
	unsigned char	 key[32];	/* sha256 of the cookie token */
	char		 csrf[44];	/* derived from key with Site.FormKey */
	long long	 user_id;
	long long	 task_id;
	long long	 student_id;
	long long	 flags;		/* app-defined step flags */
	long long	 pending;	/* student: 采集码 read, identity not proven */
	char		 wx_openid[65];	/* student: the hash of the WeChat user's
					 * openid, lower-case hex (domain/weixin.h);
					 * "" when not signed in through WeChat */
	int		 role;		/* filled in by the admin app */
	long long	 school_id;	/* filled in by the admin app (teacher) */
	int		 dirty;
};

#define WEB_MAXFIELDS	16
#define WEB_STREAMED	1	/* handler wrote the whole response itself */

struct req {
	const struct app	*app;
	const struct page	*page;
	void			*fx;	/* FCGX_Request */
	CGI			*cgi;
	HDF			*hdf;	/* template data (the CGI's HDF) */
	int			 method;
	const char		*path;
	char			 client[64];
	long long		 id[2];	/* '#' captures in order */
	struct fval		 v[WEB_MAXFIELDS];
	struct session		 s;
	void			*pre;	/* what app->load_session read besides
					 * the session, for the app; NULL */
	/* response */
	const char		*tmpl;	/* template for 200/409/415/422/429 */
	const char		*err;	/* message for error pages and forms */
	char			 msg[1024];	/* ... when formatted (web_failw) */
	char			 location[512];
	const char		*ctype;	/* raw body (PG_RAW) */
	unsigned char		*body;	/* malloc'd, freed by the core */
	size_t			 bodylen;
	char			 filename[640];	/* attachment name, percent-encoded */
	int			 inline_file;	/* ... shown in the page, not saved */
	int			 streamed;
	int			 status;	/* forced status for the form (422...) */
	int			 retry_after;	/* seconds, for 429 and 503 */
	char			 setcookie[256];
	int			 hdf_failed;	/* a template value was lost */
};

int		 web_main(const struct app *);

/* Typed access to the page's declared fields. */
long long	 web_int(struct req *, const char *name);
const char	*web_str(struct req *, const char *name);	/* NULL if not set */
FILE		*web_file(struct req *, const char *name);
int		 web_has(struct req *, const char *name);
/* A request header by its CGI name ("HTTP_X_TUCAI_SIGNATURE"), or NULL.
 * Points into the request; valid until the response. */
const char	*web_header(struct req *, const char *cgi_name);

/*
 * Verify a signed request received by a FastCGI program (the notification
 * POST /pay/notify, the bank's /bank/api/...): the canonical body
 * (infra/sign.h) is built from every Query.* parameter of the request, the
 * timestamp and signature come from the X-Tucai-Timestamp and
 * X-Tucai-Signature headers.  Call it from a PG_NOCSRF page's handler.
 * Returns 0 valid, -1 not (answer 400).  The same canonical body is copied
 * to body (for pay_apply's record), truncated to bodysz; body may be NULL.
 */
int		 web_verify_signed(struct req *, char *body, size_t bodysz);

/* Read an uploaded file into memory (at most max bytes).  Returns 0, or
 * 413 when it is larger, or 500. */
int		 web_slurp(FILE *, size_t max, unsigned char **buf, size_t *len);

/* Redirect helpers: set r->location, return 303. */
int		 web_redirect(struct req *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Form error: remember message and status; the handler then renders its
 * form as for a GET and returns web_page(). */
int		 web_fail(struct req *, int status, const char *msg);
/* The same with a word with values (lang.h), formatted into r->msg:
 * web_failw(r, 422, "Lang.Field.Required", LS("label", x)). */
#define web_failw(r, status, key, ...)					\
	web_failv((r), (status), (key), LARGS(__VA_ARGS__))
int		 web_failv(struct req *, int status, const char *key,
		    const struct larg *, size_t);
/* Render tmpl: returns r->status if a failure was recorded, else 200. */
int		 web_page(struct req *, const char *tmpl);
/* Map a db.h error code to 503 (connection) or 500. */
int		 web_dberr(int rc);
/* Answer with a named outcome (outcome.h): its status, and its message on
 * the error page. */
int		 web_outcome(struct req *, enum outcome);

/*
 * Session: sess_need() makes sure a token exists (cookie and CSRF token,
 * no database row); sess_save() writes the row (the first save creates
 * it); sess_rotate() gives the session a new id (login, identification);
 * sess_end() removes it.
 */
int		 sess_need(struct req *);
int		 sess_save(struct req *);
/*
 * For an app that reads the session row itself, together with what its
 * pages read first (app->load_session): sess_token() takes the cookie's
 * token into r->s (1 when there is one); the app's statement reads the
 * row as session.c does (the key, app->kind, seen within
 * sess_idle_minutes()), puts its fields into r->s and calls
 * sess_found() with the seconds since it was seen (0, or a db.h code).
 */
int		 sess_token(struct req *);
/* The session named by the cookie, read alone (what dispatch does for an
 * app without load_session): 0, or a db.h code. */
int		 sess_load(struct req *);
long long	 sess_idle_minutes(const struct req *);
int		 sess_found(struct req *, long long age);
int		 sess_rotate(struct req *);
void		 sess_end(struct req *);
/* End every admin session of user_id except the request's own (a user
 * who changes their own password stays logged in here, nowhere else).
 * Returns the number ended, or a db.h error code. */
int		 sess_end_user(struct req *, long long user_id);

/* Streaming responses (CSV, ZIP): headers first, then body pieces. */
void		 web_stream_begin(struct req *, const char *ctype, const char *filename);
int		 web_write(struct req *, const void *, size_t);

/* Set a value for the template.  A value that cannot be set (memory) or
 * formatted whole (too long) is logged, and the response becomes a 500:
 * a page never shows a cut or missing value as if it were whole. */
void		 web_set(struct req *, const char *key, const char *val);
/* Row n of a list for the template (list.n: "Slots.3"), made when
 * missing, and its values set by name: for long lists, where every
 * web_set would walk the path again.  NULL (and the response a 500, as
 * web_set) when it cannot be made; web_row_set then does nothing. */
HDF		*web_row(struct req *, const char *list, int n);
void		 web_row_set(struct req *, HDF *row, const char *name, const char *val);
void		 web_row_int(struct req *, HDF *row, const char *name, long long);
void		 web_setf(struct req *, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Set key to a word with values (lang.h): web_setw(r, "Tmp.Refused",
 * "Lang.Student.Refused.Until", LS("why", w), LS("when", t)). */
#define web_setw(r, hdfkey, word, ...)					\
	web_setv((r), (hdfkey), (word), LARGS(__VA_ARGS__))
void		 web_setv(struct req *, const char *hdfkey, const char *word,
		    const struct larg *, size_t);

#endif
