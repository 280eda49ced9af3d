/*
 * fcgi.c - the FastCGI loop, and the fixed order every request runs in:
 * method -> route -> content type and size -> body -> session -> role ->
 * CSRF -> fields -> handler -> render_respond().
 *
 * ClearSilver's CGI kit parses the query, cookies and multipart uploads.
 * One request at a time per process (the CGI kit keeps global state).
 * Started without a FastCGI socket on stdin (from a shell, a test), the
 * program answers one CGI request: environment and stdin in, the response
 * on stdout (FCGX_IsCGI).  In CGI mode TUCAI_ROUTES=1 prints the route
 * table instead (print_routes), for the tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ClearSilver.h>
#include <fcgiapp.h>
#include <sodium.h>

#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "infra/tmpl.h"
#include "http/web.h"
#include "http/http.h"
#include "domain/booking.h"
#include "domain/pay.h"
#include "domain/weixin.h"
#include "infra/workday.h"


static int
dispatch(struct req *r)
{
	int	 rc;

	if ((rc = http_route(r)) != 0 || (rc = http_read_body(r)) != 0)
		return rc;

	/* session (public pages never touch it: they answer without the
	 * database) */
	if (!(r->page->flags & PG_PUBLIC_CACHE) &&
	    (rc = r->app->load_session != NULL ? r->app->load_session(r) :
	    sess_load(r)) < 0)
		return web_dberr(rc);
	if (r->s.token)
		web_set(r, "CSRF", r->s.csrf);
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
	if ((rc = csrf_check(r)) != 0)
		return rc;

	/* fields */
	if ((rc = http_check_fields(r)) != 0) {
		if (rc != 422 || r->method != M_POST)
			return rc;
		/* Show the form again with the message. */
		r->status = 422;
		r->method = M_GET;
		memset(r->v, 0, sizeof(r->v));
	}
	return r->page->fn(r);
}

/* What every page's HDF starts with: escaping, uploads, templates and the
 * 客服 numbers. */
static NEOERR *
defaults(HDF *hdf)
{
	NEOERR	*err;

	if ((err = hdf_set_value(hdf, "Config.VarEscapeMode", "html")) ||
	    (err = hdf_set_value(hdf, "Config.TimeFooter", "0")) ||
	    (err = hdf_set_value(hdf, "Config.Upload.TmpDir",
	    conf_str("Paths.Tmp", "/tmp"))) ||
	    (err = hdf_set_value(hdf, "hdf.loadpaths.0",
	    conf_str("Paths.Templates", PKGDATADIR "/templates"))) ||
	    (err = hdf_set_value(hdf, "Support.Phone",
	    conf_str("Support.Phone", ""))) ||
	    (err = render_support(hdf, conf_str("Support.Phone", ""))) ||
	    (err = hdf_set_value(hdf, "Support.Email",
	    conf_str("Support.Email", ""))))
		return nerr_pass(err);
	return STATUS_OK;
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
	io_index(fx);
	cgiwrap_init_emu(fx, io_read, io_writef, io_write, io_getenv,
	    io_putenv, io_iterenv);
	if ((err = hdf_init(&hdf)) != STATUS_OK) {
		nerr_ignore(&err);
		return;
	}
	if ((err = defaults(hdf)) != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		hdf_destroy(&hdf);
		http_outs(&r, "Status: 500 Internal Server Error\r\n"
		    "Content-Type: text/plain\r\n\r\n500\n");
		return;
	}
	if ((err = cgi_init(&cgi, hdf)) != STATUS_OK) {
		/* cgi_init destroyed the HDF. */
		nerr_ignore(&err);
		http_outs(&r, "Status: 500 Internal Server Error\r\n"
		    "Content-Type: text/plain\r\n\r\n500\n");
		return;
	}
	r.cgi = cgi;
	r.hdf = cgi->hdf;
	if ((ra = http_param(&r, "REMOTE_ADDR")) != NULL)
		snprintf(r.client, sizeof(r.client), "%s", ra);
	status = dispatch(&r);
	if (status == WEB_STREAMED)
		r.streamed = 1;
	render_respond(&r, status);
	free(r.body);
	cgi_destroy(&cgi);
}

/*
 * CGI mode: started by a CGI server or a test (GATEWAY_INTERFACE set) and
 * not on a FastCGI socket.  A FastCGI server never sets the variable in
 * the process's own environment, so a worker cannot fall into this mode.
 */
static int
cgi_mode(void)
{
	const char	*gw = getenv("GATEWAY_INTERFACE");

	return gw != NULL && strncmp(gw, "CGI/", 4) == 0 && FCGX_IsCGI();
}

/*
 * The route table, for the tests (TUCAI_ROUTES=1 in CGI mode only): one
 * JSON object a line per page, in the order of the tables:
 *   {"path": "/task", "methods": ["GET", "POST"], "flags": ["FORM"],
 *    "roles": 0, "fields": [{"name": "task_code", "type": "code",
 *    "max": 32, "flags": ["REQ"], "label": "任务代码",
 *    "text": "任务代码"}, ...]}
 * (after the configuration and the words are read: label is the label's
 * word or null, text the field's name in the messages: that word, or the
 * field's own name).
 */
static const char *const ftype_names[] = {
	"int", "text", "lines", "code", "date", "time", "money", "bool",
	"file", "raw",
};
_Static_assert(sizeof(ftype_names) / sizeof(ftype_names[0]) == FT_RAW + 1,
    "ftype_names");

static const struct {
	unsigned	 bit;
	const char	*name;
} pg_flag_names[] = {
	{ PG_FORM, "FORM" }, { PG_SESSION, "SESSION" }, { PG_NOCSRF, "NOCSRF" },
	{ PG_RAW, "RAW" }, { PG_PUBLIC_CACHE, "PUBLIC_CACHE" },
};

/* A JSON string (the labels are UTF-8, written as they are). */
static void
json_str(const char *s)
{

	putchar('"');
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void
print_routes(const struct app *app)
{
	const struct page	*pg;
	const struct field	*f;
	size_t			 i, j, k;
	const char		*sep;

	for (i = 0; i < app->npages + app->nmore; i++) {
		pg = i < app->npages ? &app->pages[i] :
		    &app->more[i - app->npages];
		printf("{\"path\": ");
		json_str(pg->path);
		printf(", \"methods\": [%s%s%s], \"flags\": [",
		    (pg->methods & M_GET) ? "\"GET\"" : "",
		    (pg->methods & M_GET) && (pg->methods & M_POST) ? ", " : "",
		    (pg->methods & M_POST) ? "\"POST\"" : "");
		for (sep = "", k = 0; k < sizeof(pg_flag_names) /
		    sizeof(pg_flag_names[0]); k++)
			if (pg->flags & pg_flag_names[k].bit) {
				printf("%s\"%s\"", sep, pg_flag_names[k].name);
				sep = ", ";
			}
		printf("], \"roles\": %u, \"fields\": [", pg->roles);
		for (j = 0; j < pg->nfields; j++) {
			f = &pg->fields[j];
			printf("%s{\"name\": ", j > 0 ? ", " : "");
			json_str(f->name);
			printf(", \"type\": \"%s\", \"max\": %u, \"flags\": [%s], "
			    "\"label\": ", (size_t)f->type < sizeof(ftype_names) /
			    sizeof(ftype_names[0]) ? ftype_names[f->type] : "?",
			    f->max, (f->flags & F_REQ) ? "\"REQ\"" : "");
			if (f->label != NULL)
				json_str(L(f->label));
			else
				printf("null");
			/* The field's name in the messages (request.c): its
			 * label, or its name when it has none. */
			printf(", \"text\": ");
			json_str(f->label != NULL ? L(f->label) : f->name);
			putchar('}');
		}
		printf("]}\n");
	}
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
	/* Without its words a page would show keys: not starting is the
	 * louder failure (the file is named in the log). */
	if (lang_init() != 0)
		return 1;
	if (cgi_mode() && getenv("TUCAI_ROUTES") != NULL) {
		/* The route table for the tests (labels in words), nothing
		 * else. */
		print_routes(app);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (strlen(conf_str("Site.FormKey", "")) < 32) {
		log_warn("Site.FormKey is missing or shorter than 32 "
		    "characters (tucai.hdf(5)): not starting");
		return 1;
	}
	if (clock_init() != 0 || pay_check_config() != 0 ||
	    wx_check_config() != 0)
		return 1;
	/* A missing calendar only makes refund dates count weekends; it is
	 * logged (and again by every sweep), and the site still runs. */
	if (workday_init() == 0)
		(void)workday_check(clock_now());
	render_init();
	booking_init();
	if (sodium_init() < 0)
		return 1;
	if (app->init != NULL)
		app->init();
	(void)db_open();	/* a later request retries */
	if (cgi_mode()) {
		/* One request from a CGI server or a test (fcgi.c). */
		handle(app, NULL);
		fflush(stdout);
		db_close();
		return 0;
	}
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
	tmpl_forget();
	db_close();
	log_info("stopped");
	return 0;
}
