/*
 * admin.c - the admin dashboard (admin.fcgi); the site station's pages
 * come from site.c through app.more.
 *
 * Who may do what is decided in two places only: the roles column of the
 * page table below (checked by the core before a handler runs), and
 * core/scope.c for every record asked for by id (another school's record
 * answers 404).  SQL that is not a module's lives in admin_db.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/admin_db.h"
#include "http/auth.h"
#include "domain/booking.h"
#include "infra/chart.h"
#include "infra/csvout.h"
#include "infra/db.h"
#include "infra/idnum.h"
#include "infra/log.h"
#include "domain/reconcile.h"
#include "domain/report.h"
#include "domain/roster.h"
#include "http/scope.h"
#include "site.h"
#include "domain/student_db.h"
#include "infra/util.h"
#include "infra/valid.h"
#include "http/web.h"
#include "infra/xlsxout.h"

#define R_DESK	(R_OPERATOR | R_TEACHER)	/* the office, not the site */

/* The logged-in user as the audit trail names them. */
static struct actor
actor_of(struct req *r)
{
	struct actor	 a;

	a.id = r->s.user_id;
	a.name = hdf_get_value(r->hdf, "User.Name", "?");
	return a;
}

/* --- login ----------------------------------------------------------- */

static const struct field login_fields[] = {
	{ "username", FT_TEXT, 64, F_REQ, "Lang.Field.Username" },
	{ "password", FT_RAW, 256, F_REQ, "Lang.Field.Password" },
};

static int
page_login(struct req *r)
{
	long long	 uid;
	int		 rc;

	web_set(r, "Page.Title", L("Lang.Admin.Title.Login"));
	if (r->method == M_POST) {
		rc = auth_login(web_str(r, "username"), web_str(r, "password"),
		    r->client, &uid);
		if (rc < 0)
			return web_dberr(rc);
		if (rc == 422)
			web_fail(r, 422, L("Lang.Admin.Login.Wrong"));
		else if (rc == 429) {
			r->retry_after = throttle_left(AUTH_WINDOW);
			web_fail(r, 429, L("Lang.Admin.Login.Throttled"));
		}
		else if (rc == 403)
			web_fail(r, 403, L("Lang.Admin.Login.Disabled"));
		else {
			r->s.user_id = uid;
			if ((rc = sess_rotate(r)) < 0 ||
			    (rc = sess_save(r)) < 0)
				return web_dberr(rc);
			return web_redirect(r, "/admin/");
		}
	} else if (r->s.user_id > 0 && r->status == 0)
		return web_redirect(r, "/admin/");
	return web_page(r, "admin/login.cs");
}

static int
page_logout(struct req *r)
{
	struct actor	 a = actor_of(r);
	int		 rc;

	log_info("admin: user %lld logged out", r->s.user_id);
	if ((rc = audit_add(&a, "logout", "user", r->s.user_id,
	    r->s.school_id, NULL, NULL, NULL, NULL)) < 0)
		return web_dberr(rc);
	sess_end(r);
	return web_redirect(r, "/admin/login");
}

static int
page_root(struct req *r)
{

	return web_redirect(r, "/admin/");
}

/* --- dashboard and task page ----------------------------------------- */

/* The counts of one task as a bar chart under KEY.chart. */
static void
task_chart(struct req *r, const char *key)
{
	static const struct { const char *label, *col, *kind; } bars[] = {
		{ "Lang.State.unbooked", "unbooked", "bad" },
		{ "Lang.State.held", "unpaid", "warn" },
		{ "Lang.State.booked", "booked", "info" },
		{ "Lang.State.checked_in", "checked_in", "info" },
		{ "Lang.State.collected", "collected", "ok" },
		{ "Lang.State.cancelled", "cancelled", "muted" },
	};
	HDF		*t = hdf_get_obj(r->hdf, key);
	char		 out[128];
	long long	 max;
	size_t		 i;

	if (t == NULL)
		return;
	max = hdf_get_int_value(t, "total", 0);
	for (i = 0; i < sizeof(bars) / sizeof(bars[0]); i++)
		if (hdf_get_int_value(t, bars[i].col, 0) > max)
			max = hdf_get_int_value(t, bars[i].col, 0);
	snprintf(out, sizeof(out), "%s.chart", key);
	for (i = 0; i < sizeof(bars) / sizeof(bars[0]); i++) {
		chart_add(r->hdf, out, L(bars[i].label),
		    hdf_get_int_value(t, bars[i].col, 0), max);
		snprintf(out, sizeof(out), "%s.chart.bars.%zu.kind", key, i);
		web_set(r, out, bars[i].kind);
		snprintf(out, sizeof(out), "%s.chart", key);
	}
	chart_done(r->hdf, out);
}

static int
page_dash(struct req *r)
{
	char	 key[64];
	int	 n, i;

	web_set(r, "Page.Title", L("Lang.Admin.Title.Dash"));
	web_set(r, "Page.Nav", "dash");
	if ((n = adb_tasks(r->hdf, "Tasks", scope_filter(r), 0)) < 0)
		return web_dberr(n);
	if ((r->s.role & R_OPERATOR) && (i = reconcile_runs_hdf(r->hdf)) < 0)
		return web_dberr(i);
	if (r->s.role & R_DESK) {
		long long	 open = 0;

		if ((i = report_open_count(scope_filter(r), &open)) < 0)
			return web_dberr(i);
		web_setf(r, "Reports.open", "%lld", open);
	}
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "Tasks.%d", i);
		task_chart(r, key);
	}
	return web_page(r, "admin/dash.cs");
}

static const struct field task_view_fields[] = {
	{ "done", FT_CODE, 16, 0, NULL },
	{ "imported", FT_INT, 0, 0, NULL },
	{ "rejected", FT_INT, 0, 0, NULL },
	{ "n", FT_INT, 0, 0, NULL },
	{ "v", FT_INT, 0, 0, NULL },
	{ "k", FT_INT, 0, 0, NULL },
};

/* Load task r->id[0] (already scoped) into Tasks.0.  0, 404 or 5xx. */
static int
load_task(struct req *r)
{
	int	 rc;

	if ((rc = scope_task(r, r->id[0], NULL)) != 0)
		return rc;
	if ((rc = adb_tasks(r->hdf, "Tasks", 0, r->id[0])) < 0)
		return web_dberr(rc);
	return rc == 1 ? 0 : 404;
}

/* The task page of task r->id[0] (status kept: a form error of the slot
 * form shows here too). */
static int
task_render(struct req *r)
{
	int	 rc;

	if ((rc = load_task(r)) != 0)
		return rc;
	task_chart(r, "Tasks.0");
	if ((rc = adb_slots(r->hdf, "Slots", r->id[0])) < 0 ||
	    (rc = adb_classes(r->hdf, "Classes", r->id[0])) < 0)
		return web_dberr(rc);
	chart_bars(r->hdf, "ClassChart", "Classes", "class_name", "active",
	    "total");
	web_set(r, "Page.Title", hdf_get_value(r->hdf, "Tasks.0.title", ""));
	return web_page(r, "admin/task.cs");
}

static int
page_task(struct req *r)
{

	web_set(r, "Page.Done", web_str(r, "done"));
	web_setf(r, "Page.Imported", "%lld", web_int(r, "imported"));
	web_setf(r, "Page.Rejected", "%lld", web_int(r, "rejected"));
	web_setf(r, "Page.N", "%lld", web_int(r, "n"));
	web_setf(r, "Page.V", "%lld", web_int(r, "v"));
	web_setf(r, "Page.K", "%lld", web_int(r, "k"));
	return task_render(r);
}

/* --- task create / edit (operator) ----------------------------------- */

static const struct field task_fields[] = {
	{ "code", FT_CODE, 32, F_REQ, "Lang.Field.TaskCode" },
	{ "school", FT_INT, 0, F_REQ, "Lang.Field.School" },
	{ "title", FT_TEXT, 200, F_REQ, "Lang.Field.TaskTitle" },	/* characters */
	{ "first_day", FT_DATE, 10, F_REQ, "Lang.Field.DateFrom" },
	{ "last_day", FT_DATE, 10, F_REQ, "Lang.Field.DateTo" },
	{ "fee", FT_MONEY, 12, F_REQ, "Lang.Field.Fee" },
	{ "notice", FT_LINES, 8000, 0, "Lang.Field.Notice" },
	{ "require_id_photo", FT_BOOL, 0, 0, "Lang.Field.RequireIdPhoto" },
	{ "is_open", FT_BOOL, 0, 0, "Lang.Field.IsOpen" },
	{ "photo_max_kb", FT_INT, 4, 0, "Lang.Field.PhotoMaxKb" },
	{ "contact_name", FT_TEXT, 64, 0, "Lang.Field.ContactName" },
	{ "contact_phone", FT_TEXT, 32, 0, "Lang.Field.ContactPhone" },
};

static int
task_save(struct req *r, long long *tid)
{
	struct adb_task	 t;
	struct actor	 a = actor_of(r);
	int		 rc;

	memset(&t, 0, sizeof(t));
	t.code = web_str(r, "code");
	t.school_id = web_int(r, "school");
	t.title = web_str(r, "title");
	t.first_day = web_str(r, "first_day");
	t.last_day = web_str(r, "last_day");
	t.fee_fen = web_int(r, "fee");
	t.notice = web_str(r, "notice") ? web_str(r, "notice") : "";
	t.require_id_photo = web_int(r, "require_id_photo");
	t.is_open = web_int(r, "is_open");
	t.photo_max_kb = web_has(r, "photo_max_kb") ?
	    web_int(r, "photo_max_kb") : 40;
	if (t.photo_max_kb < 20 || t.photo_max_kb > 500)
		return web_fail(r, 422, L("Lang.Admin.Task.PhotoMaxKb"));
	if (strcmp(t.last_day, t.first_day) < 0)
		return web_fail(r, 422, L("Lang.Admin.DateOrder"));
	if (t.fee_fen > 100000)
		return web_fail(r, 422, L("Lang.Admin.Task.FeeMax"));
	rc = adb_task_save(&t, tid, &a);
	if (rc == DB_DUP)
		return web_fail(r, 422, L("Lang.Admin.Task.CodeTaken"));
	if (rc == 404)
		return web_fail(r, 422, L("Lang.Admin.Task.NoSchool"));
	if (rc < 0)
		return web_dberr(rc);
	/* The teacher the student pages name (联系学校负责老师). */
	if ((rc = adb_task_contact(*tid, web_str(r, "contact_name"),
	    web_str(r, "contact_phone"), &a)) < 0)
		return web_dberr(rc);
	return 0;
}

static int
page_task_edit(struct req *r)
{
	long long	 tid = r->id[0];
	int		 rc;

	if (tid > 0 && (rc = load_task(r)) != 0)
		return rc;
	if (r->method == M_POST) {
		if ((rc = task_save(r, &tid)) == 0)
			return web_redirect(r, "/admin/tasks/%lld?done=saved",
			    tid);
		if (rc >= 500)
			return rc;
	}
	if ((rc = adb_schools(r->hdf, "Schools")) < 0)
		return web_dberr(rc);
	if (tid == 0)
		web_set(r, "Tasks.0.is_new", "1");	/* the form's with: */
	web_set(r, "Page.Title", tid > 0 ? L("Lang.Admin.Title.TaskEdit") :
	    L("Lang.Admin.Title.TaskNew"));
	return web_page(r, "admin/task_edit.cs");
}

/* --- slots (operator) -------------------------------------------------- */

static const struct field slots_fields[] = {
	{ "date_from", FT_DATE, 10, F_REQ, "Lang.Field.DateFrom" },
	{ "date_to", FT_DATE, 10, F_REQ, "Lang.Field.DateTo" },
	{ "time_from", FT_TIME, 5, F_REQ, "Lang.Field.TimeFrom" },
	{ "time_to", FT_TIME, 5, F_REQ, "Lang.Field.TimeTo" },
	{ "time_from2", FT_TIME, 5, 0, "Lang.Field.TimeFrom2" },
	{ "time_to2", FT_TIME, 5, 0, "Lang.Field.TimeTo2" },
	{ "every", FT_INT, 0, F_REQ, "Lang.Field.Every" },
	{ "capacity", FT_INT, 0, F_REQ, "Lang.Field.Capacity" },
};

static int
page_slots_add(struct req *r)
{
	struct adb_slotgen	 g;
	struct actor		 a = actor_of(r);
	int			 rc, added = 0;

	if ((rc = load_task(r)) != 0)
		return rc;
	memset(&g, 0, sizeof(g));
	g.task_id = r->id[0];
	g.date_from = web_str(r, "date_from");
	g.date_to = web_str(r, "date_to");
	g.from[0] = web_str(r, "time_from");
	g.to[0] = web_str(r, "time_to");
	g.from[1] = web_str(r, "time_from2");
	g.to[1] = web_str(r, "time_to2");
	g.every = web_int(r, "every");
	g.capacity = web_int(r, "capacity");
	g.first_day = hdf_get_value(r->hdf, "Tasks.0.first_day", "");
	g.last_day = hdf_get_value(r->hdf, "Tasks.0.last_day", "");
	g.school_id = hdf_get_int_value(r->hdf, "Tasks.0.school_id", 0);
	if (r->status == 0) {
		const char *why = adb_slotgen_check(&g);

		if (why != NULL)
			web_fail(r, 422, why);
		else if ((rc = adb_slots_add(&g, &added, &a)) < 0)
			return web_dberr(rc);
		else
			return web_redirect(r,
			    "/admin/tasks/%lld?done=slots&n=%d", g.task_id, added);
	}
	/* The form error: show the task page with the message. */
	return task_render(r);
}

static const struct field cap_fields[] = {
	{ "capacity", FT_INT, 0, F_REQ, "Lang.Field.Seats" },
};

static int
page_slot_cap(struct req *r)
{
	struct actor	 a = actor_of(r);
	long long	 tid;
	int		 rc;

	if ((rc = scope_slot(r, r->id[0], &tid)) != 0)
		return rc;
	if (r->status != 0)
		return r->status;
	rc = adb_slot_capacity(r->id[0], web_int(r, "capacity"), &a);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 409) {
		r->err = L("Lang.Admin.Slot.BelowBooked");
		return 409;
	}
	return web_redirect(r, "/admin/tasks/%lld?done=capacity#slots", tid);
}

static int
page_slot_del(struct req *r)
{
	struct actor	 a = actor_of(r);
	long long	 tid;
	int		 rc;

	if ((rc = scope_slot(r, r->id[0], &tid)) != 0)
		return rc;
	if ((rc = adb_slot_delete(r->id[0], &a)) < 0)
		return web_dberr(rc);
	if (rc == 409) {
		r->err = L("Lang.Admin.Slot.HasBookings");
		return 409;
	}
	return web_redirect(r, "/admin/tasks/%lld?done=deleted#slots", tid);
}

static const struct field close_fields[] = {
	{ "confirm_code", FT_CODE, 32, 0, "Lang.Field.TaskCode" },
	{ "reason", FT_TEXT, 200, 0, "Lang.Field.Reason" },
	{ "force", FT_BOOL, 0, 0, "Lang.Field.Force" },
};

/* The confirmation page: what the close will do, then the task code
 * typed again. */
static int
close_render(struct req *r, long long tid, const struct close_plan *p)
{
	char	 key[32];
	int	 i;

	web_set(r, "Page.Title", L("Lang.Admin.Title.Close"));
	web_set(r, "Page.Nav", "tasks");
	web_setf(r, "Plan.task_id", "%lld", tid);
	web_set(r, "Plan.code", p->code);
	web_set(r, "Plan.last_day", p->last_day);
	web_setf(r, "Plan.window_over", "%d", p->window_over);
	web_setf(r, "Plan.to_cancel", "%d", p->to_cancel);
	web_setf(r, "Plan.checked_in", "%d", p->checked_in);
	web_setf(r, "Plan.holds", "%d", p->holds);
	web_setf(r, "Plan.collected", "%d", p->collected);
	web_setf(r, "Plan.to_capture", "%d", p->to_capture);
	web_setf(r, "Plan.more", "%d", p->checked_in - p->nblock);
	for (i = 0; i < p->nblock; i++) {
		snprintf(key, sizeof(key), "Plan.block.%d", i);
		web_set(r, key, p->block[i]);
	}
	return web_page(r, "admin/task_close.cs");
}

/* GET/POST /admin/tasks/ID/close (operator). */
static int
page_close(struct req *r)
{
	struct close_counts	 cc;
	struct close_plan	*p;
	struct actor		 a = actor_of(r);
	const char		*code, *reason;
	int			 rc, force, need;

	if ((rc = scope_task(r, r->id[0], NULL)) != 0)
		return rc;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return 500;
	if ((rc = booking_close_plan(r->id[0], p)) <= 0) {
		free(p);
		return rc < 0 ? web_dberr(rc) : 404;
	}
	if (r->method == M_GET || r->status != 0) {
		rc = close_render(r, r->id[0], p);
		free(p);
		return rc;
	}
	code = web_str(r, "confirm_code");
	reason = web_str(r, "reason");
	force = web_int(r, "force") == 1;
	need = !p->window_over || p->checked_in > 0;
	if (code == NULL || strcmp(code, p->code) != 0)
		web_fail(r, 422, L("Lang.Admin.Close.ConfirmCode"));
	else if (!p->window_over && !(force && reason != NULL))
		web_fail(r, 422, L("Lang.Admin.Close.Early"));
	else if (p->checked_in > 0 && !(force && reason != NULL))
		web_fail(r, 409, L("Lang.Admin.Close.CheckedIn"));
	if (r->status != 0) {
		rc = close_render(r, r->id[0], p);
		free(p);
		return rc;
	}
	free(p);
	rc = booking_close_task(r->id[0], &a, need && force, reason, &cc);
	if (rc != 0)
		return web_outcome(r, oc_booking(rc));
	return web_redirect(r, "/admin/tasks/%lld?done=closed&n=%d&v=%d&k=%d",
	    r->id[0], cc.cancelled, cc.voided, cc.captured);
}

/* --- reconciliation (operator) ------------------------------------------ */

/* GET /admin/reconcile: the latest runs and mismatches, the captured money
 * per day on both sides, the on-site cash-up.  POST: reconcile now. */
static int
page_reconcile(struct req *r)
{
	struct recon	 rr;
	struct actor	 a = actor_of(r);
	char		 after[160];
	int		 rc, err;

	if (r->method == M_POST) {
		rc = reconcile(NULL, &a, &rr);
		(void)LF(after, sizeof(after), "Lang.Admin.Audit.Reconciled",
		    LS("result", rc == 1 ? L("Lang.Admin.Audit.NoStatement") :
		    L("Lang.Admin.Audit.Done")), LI("checked", rr.checked),
		    LI("diffs", rr.n));
		reconcile_free(&rr);
		if (rc < 0)
			return web_dberr(rc);
		if ((err = audit_add(&a, "reconcile", "payment", 0, 0, NULL,
		    NULL, after, NULL)) < 0)
			return web_dberr(err);
		return web_redirect(r, "/admin/reconcile?done=%s",
		    rc == 1 ? "failed" : "run");
	}
	web_set(r, "Page.Title", L("Lang.Admin.Title.Reconcile"));
	web_set(r, "Page.Nav", "reconcile");
	web_set(r, "Page.Done", web_str(r, "done"));
	if ((rc = reconcile_hdf(r->hdf)) < 0)
		return web_dberr(rc);
	return web_page(r, "admin/reconcile.cs");
}

static const struct field reconcile_fields[] = {
	{ "done", FT_CODE, 16, 0, NULL },
};

/* --- students' reports (teacher, operator) ------------------------------ */

static const struct field report_fields[] = {
	{ "answer", FT_TEXT, 500, 0, "Lang.Field.Answer" },	/* characters */
};
static const struct field reports_view_fields[] = {
	{ "done", FT_CODE, 16, 0, NULL },
};

/* GET /admin/reports: the queue of the user's school; POST
 * /admin/reports/ID: answer one (audited). */
static int
reports_render(struct req *r, const char *done)
{
	int	 rc;

	web_set(r, "Page.Title", L("Lang.Admin.Title.Reports"));
	web_set(r, "Page.Nav", "reports");
	web_set(r, "Page.Done", done);
	if ((rc = report_queue_hdf(r->hdf, scope_filter(r))) < 0)
		return web_dberr(rc);
	return web_page(r, "admin/reports.cs");
}

static int
page_reports(struct req *r)
{

	return reports_render(r, web_has(r, "done") ? web_str(r, "done") : "");
}

static int
page_report_answer(struct req *r)
{
	struct actor	 a = actor_of(r);
	long long	 school = 0;
	int		 rc;

	if ((rc = report_school(r->id[0], &school)) < 0)
		return web_dberr(rc);
	if (rc == 0 || (scope_filter(r) != 0 && scope_filter(r) != school))
		return 404;
	if (r->status != 0)	/* the answer refused at the door */
		return reports_render(r, "");
	if (web_str(r, "answer") == NULL) {
		web_fail(r, 422, L("Lang.Admin.Report.NoAnswer"));
		return reports_render(r, "");
	}
	if ((rc = report_answer(r->id[0], web_str(r, "answer"), &a)) < 0)
		return web_dberr(rc);
	return web_redirect(r, "/admin/reports?done=%s", rc == 1 ?
	    "already" : "answered");
}

/* --- roster upload ----------------------------------------------------- */

static const struct field roster_fields[] = {
	{ "roster", FT_FILE, 10485760, F_REQ, "Lang.Field.RosterFile" },
};

static const struct field commit_fields[] = {
	{ "upload", FT_INT, 0, F_REQ, NULL },
};

/* Rejects and the first rows of a parsed roster into Preview.*. */
static void
preview(struct req *r, const struct roster *ro)
{
	char	 k[64], m[32];
	size_t	 i;

	web_setf(r, "Preview.rows", "%zu", ro->nrows);
	web_setf(r, "Preview.rejects", "%zu", ro->nrejects);
	web_set(r, "Preview.encoding", ro->encoding);
	for (i = 0; i < ro->nrejects && i < 500; i++) {
		snprintf(k, sizeof(k), "Preview.Rejects.%zu.line", i);
		web_setf(r, k, "%d", ro->rejects[i].line);
		snprintf(k, sizeof(k), "Preview.Rejects.%zu.reason", i);
		web_set(r, k, ro->rejects[i].reason);
	}
	for (i = 0; i < ro->nrows && i < 20; i++) {
		const struct roster_row *w = &ro->rows[i];
#define PV(f, v) do { snprintf(k, sizeof(k), "Preview.Rows.%zu." f, i); \
		web_set(r, k, v); } while (0)
		idnum_mask(w->id_number, m, sizeof(m));
		PV("line", "");
		web_setf(r, k, "%d", w->line);
		PV("collect_code", w->collect_code);
		PV("name", w->name);
		PV("id", m);
		PV("student_no", w->student_no);
		PV("class_name", w->class_name);
		PV("edu", w->edu_level);
#undef PV
	}
}

static int
page_roster(struct req *r)
{
	struct roster	 ro;
	unsigned char	*buf = NULL;
	size_t		 len;
	long long	 up = 0;
	char		 err[256];
	int		 rc;

	if ((rc = load_task(r)) != 0)
		return rc;
	web_set(r, "Page.Title", L("Lang.Admin.Title.Roster"));
	if (r->method != M_POST)
		return web_page(r, "admin/roster.cs");
	if ((rc = web_slurp(web_file(r, "roster"), 10485760, &buf, &len)) != 0)
		return rc;
	if (roster_parse(buf, len, &ro, err, sizeof(err)) != 0) {
		free(buf);
		web_fail(r, 422, NULL);
		web_set(r, "Page.Error", err);
		return web_page(r, "admin/roster.cs");
	}
	rc = adb_upload_put(r->s.key, r->s.user_id, r->id[0], buf, len, &up);
	free(buf);
	if (rc < 0) {
		roster_free(&ro);
		return web_dberr(rc);
	}
	preview(r, &ro);
	roster_free(&ro);
	web_setf(r, "Preview.upload", "%lld", up);
	return web_page(r, "admin/roster.cs");
}

static int
page_roster_commit(struct req *r)
{
	struct roster	 ro;
	struct actor	 a = actor_of(r);
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	char		 err[256];
	int		 rc, ins, upd;

	if ((rc = scope_task(r, r->id[0], NULL)) != 0)
		return rc;
	if (r->status != 0)	/* the upload id refused at the door */
		return r->status;
	rc = adb_upload_get(web_int(r, "upload"), r->s.key, r->s.user_id,
	    r->id[0], &buf, &len);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0) {
		r->err = L("Lang.Admin.Roster.Gone");
		return 409;
	}
	rc = roster_parse(buf, len, &ro, err, sizeof(err));
	free(buf);
	if (rc != 0) {
		r->err = L("Lang.Admin.Roster.Unreadable");
		return 409;
	}
	rc = roster_store(r->id[0], &ro, &a, &ins, &upd);
	if (rc == 0)
		rc = adb_upload_del(web_int(r, "upload"));
	if (rc < 0) {
		roster_free(&ro);
		return web_dberr(rc);
	}
	log_info("admin: user %lld imported roster into task %lld: %zu rows, "
	    "%zu rejected", r->s.user_id, r->id[0], ro.nrows, ro.nrejects);
	rc = web_redirect(r, "/admin/tasks/%lld?done=roster&imported=%zu&"
	    "rejected=%zu", r->id[0], ro.nrows, ro.nrejects);
	roster_free(&ro);
	return rc;
}

/* --- exports ------------------------------------------------------------ */

static const struct field export_fields[] = {
	{ "enc", FT_CODE, 8, 0, NULL },
	{ "state", FT_CODE, 16, 0, NULL },	/* the dashboard's lists */
	{ "class", FT_TEXT, 64, 0, NULL },
};

struct exp {
	struct req	*r;
	struct csvout	 c;
	struct xlsxout	*x;	/* the .xlsx export; NULL: the CSV in c */
	int		 rows;
	int		 mask;	/* column index to mask, or -1 */
	int		 state;	/* column index of the booking state, or -1 */
	unsigned	 text;	/* bit i: column i holds a long number */
};

/* The MIME type of .xlsx (ECMA-376 / ISO/IEC 29500). */
#define XLSX_CTYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static const char *
state_zh(const char *s)
{
	static const char *const map[][2] = {
		{ "held", "Lang.State.held" },
		{ "booked", "Lang.State.booked" },
		{ "checked_in", "Lang.State.checked_in" },
		{ "collected", "Lang.State.collected" },
		{ "cancelled", "Lang.State.cancelled" },
		{ "expired", "Lang.State.expired" },
		{ "unbooked", "Lang.State.unbooked" },
	};
	size_t	 i;

	for (i = 0; s != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(s, map[i][0]) == 0)
			return L(map[i][1]);
	return L("Lang.State.unbooked");
}

/* Send what the writer holds.  0 or -1. */
static int
exp_flush(struct exp *e)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	if (e->x != NULL)
		return 0;	/* the workbook is sent when finished */
	if (csvout_take(&e->c, &buf, &len) != 0)
		return -1;
	rc = web_write(e->r, buf, len);
	free(buf);
	return rc;
}

/* One cell of column i: a string cell in the workbook; in the CSV, long
 * numbers in the ="..." form that Excel keeps as text (csvout.h). */
static void
exp_cell(struct exp *e, int i, const char *v)
{

	if (e->x != NULL)
		(void)xlsxout_cell(e->x, v);	/* errors stick */
	else if (e->text & (1U << i))
		(void)csvout_text(&e->c, v);
	else
		(void)csvout_field(&e->c, v);
}

static int
xlsx_sink(void *arg, const void *buf, size_t len)
{

	return web_write(arg, buf, len);
}

static int
exp_row(void *arg, int ncol, char **val, unsigned long *len)
{
	struct exp	*e = arg;
	char		 m[32];
	int		 i;

	for (i = 0; i < ncol; i++) {
		if (i == e->mask) {
			idnum_mask(val[i] ? val[i] : "", m, sizeof(m));
			exp_cell(e, i, m);
		} else if (i == e->state)
			exp_cell(e, i, state_zh(val[i]));
		else
			exp_cell(e, i, val[i]);
	}
	if (e->x != NULL)
		(void)xlsxout_endrow(e->x);
	else
		csvout_endrow(&e->c);
	if (++e->rows % 200 == 0)
		return exp_flush(e);
	return 0;
}

/*
 * Stream one export.  kind 0: every student with state; 1: not booked.
 * CSV: UTF-8 with BOM, or enc=gbk / enc=gb18030, both written as GB18030
 * (csvout.h); streamed as the rows come.  xlsx: the workbook is built
 * first (xlsxout.h), so a database or disk failure is still a plain error
 * page, then sent.
 */
static int
export(struct req *r, int kind, int xlsx)
{
	/* The first seven of kind 0 are the roster's columns: the export
	 * can be uploaded again as a roster. */
	static const char *const heads[2][10] = {
		{ "Lang.Roster.Column.Code", "Lang.Roster.Column.Name",
		  "Lang.Roster.Column.IdNumber", "Lang.Roster.Column.StudentNo",
		  "Lang.Roster.Column.EduCategory", "Lang.Roster.Column.EduLevel",
		  "Lang.Roster.Column.Class", "Lang.Admin.Export.State",
		  "Lang.Admin.Export.Slot", "Lang.Admin.Export.Shot" },
		{ "Lang.Roster.Column.Class", "Lang.Roster.Column.StudentNo",
		  "Lang.Roster.Column.Name", "Lang.Roster.Column.Code" },
	};
	/* 采集码, 身份证号, 学号; 学号, 采集码: kept as text. */
	static const unsigned text[2] = { 1U << 0 | 1U << 2 | 1U << 3,
	    1U << 1 | 1U << 3 };
	struct exp	 e;
	const char	*enc = xlsx ? NULL : web_str(r, "enc");
	char		 fname[128];
	int		 rc, i, gb;

	if ((rc = load_task(r)) != 0)
		return rc;
	if (enc != NULL && strcmp(enc, "gbk") != 0 &&
	    strcmp(enc, "gb18030") != 0 && strcmp(enc, "utf8") != 0)
		return 400;
	gb = enc != NULL && strcmp(enc, "utf8") != 0;
	memset(&e, 0, sizeof(e));
	e.r = r;
	e.mask = (kind == 0 && !(r->s.role & R_DESK)) ? 2 : -1;
	e.state = kind == 0 ? 7 : -1;
	e.text = text[kind];
	if (xlsx) {
		e.x = xlsxout_open(hdf_get_value(r->hdf,
		    "Config.Upload.TmpDir", "/tmp"),
		    L(kind == 0 ? "Lang.Admin.Export.Students" :
		    "Lang.Admin.Export.Unbooked"));
		if (e.x == NULL)
			return 500;
		for (i = 0; i < 10; i++)
			if ((e.text & (1U << i)) &&
			    xlsxout_text_column(e.x, i) != 0)
				abort();
	} else if (csvout_init(&e.c, gb) != 0)
		return 500;
	for (i = 0; i < 10 && heads[kind][i] != NULL; i++)
		if (e.x != NULL)
			(void)xlsxout_cell(e.x, L(heads[kind][i]));
		else
			csvout_field(&e.c, L(heads[kind][i]));
	if (e.x != NULL)
		(void)xlsxout_endrow(e.x);
	else
		csvout_endrow(&e.c);
	snprintf(fname, sizeof(fname), "%s-%s.%s",
	    hdf_get_value(r->hdf, "Tasks.0.code", "task"),
	    L(kind == 0 ? "Lang.Admin.Export.Students" :
	    "Lang.Admin.Export.Unbooked"), xlsx ? "xlsx" : "csv");
	if (xlsx) {
		rc = adb_export(r->id[0], kind, web_str(r, "state"),
		    web_str(r, "class"), exp_row, &e);
		if (rc < 0 || xlsxout_finish(e.x) != 0) {
			log_warn("admin: xlsx export of task %lld failed "
			    "(db %d)", r->id[0], rc);
			xlsxout_free(e.x);
			return rc < 0 ? web_dberr(rc) : 500;
		}
		web_stream_begin(r, XLSX_CTYPE, fname);
		if (xlsxout_send(e.x, xlsx_sink, r) != 0)
			log_warn("admin: xlsx export of task %lld broke off",
			    r->id[0]);
		xlsxout_free(e.x);
	} else {
		web_stream_begin(r, gb ? "text/csv; charset=gb18030" :
		    "text/csv; charset=utf-8", fname);
		rc = adb_export(r->id[0], kind, web_str(r, "state"),
		    web_str(r, "class"), exp_row, &e);
		if (rc < 0)
			log_warn("admin: export of task %lld failed (db %d)",
			    r->id[0], rc);
		else
			(void)exp_flush(&e);
		csvout_free(&e.c);
	}
	log_info("admin: user %lld exported task %lld (%d rows, %s)",
	    r->s.user_id, r->id[0], e.rows, xlsx ? "xlsx" : "csv");
	return WEB_STREAMED;
}

/* Record who exports which list (a word's key) of task r->id[0], as a
 * file of type ext, before any of it leaves: 0, or the status to answer
 * (404 out of scope, 5xx). */
static int
export_audit(struct req *r, const char *list, const char *ext)
{
	struct actor	 a = actor_of(r);
	const char	*enc = web_str(r, "enc");
	char		 after[128];
	long long	 school;
	int		 rc;

	if ((rc = scope_task(r, r->id[0], &school)) != 0)
		return rc;
	snprintf(after, sizeof(after), "%s.%s%s%s", L(list), ext,
	    enc ? " " : "", enc ? enc : "");
	if ((rc = audit_add(&a, "export", "task", r->id[0], school, "file",
	    NULL, after, NULL)) < 0)
		return web_dberr(rc);
	return 0;
}

static int
page_export(struct req *r)
{
	int	 rc;

	if ((rc = export_audit(r, "Lang.Admin.Export.Students", "csv")) != 0)
		return rc;
	return export(r, 0, 0);
}

static int
page_unbooked(struct req *r)
{
	int	 rc;

	if ((rc = export_audit(r, "Lang.Admin.Export.Unbooked", "csv")) != 0)
		return rc;
	return export(r, 1, 0);
}

static int
page_export_xlsx(struct req *r)
{
	int	 rc;

	if ((rc = export_audit(r, "Lang.Admin.Export.Students", "xlsx")) != 0)
		return rc;
	return export(r, 0, 1);
}

static int
page_unbooked_xlsx(struct req *r)
{
	int	 rc;

	if ((rc = export_audit(r, "Lang.Admin.Export.Unbooked", "xlsx")) != 0)
		return rc;
	return export(r, 1, 1);
}

/* --- students ------------------------------------------------------------ */

static const struct field search_fields[] = {
	{ "task", FT_INT, 0, 0, NULL },
	{ "q", FT_TEXT, 64, 0, NULL },
	{ "state", FT_CODE, 16, 0, NULL },
	{ "class", FT_TEXT, 128, 0, NULL },
};

static int
page_students(struct req *r)
{
	struct adb_search	 s;
	const char		*st = web_str(r, "state");
	int			 rc;

	memset(&s, 0, sizeof(s));
	s.school = scope_filter(r);
	s.task = web_int(r, "task");
	s.q = web_str(r, "q");
	s.state = st;
	s.class_name = web_str(r, "class");
	if (st != NULL && strcmp(st, "unbooked") && strcmp(st, "held") &&
	    strcmp(st, "booked") && strcmp(st, "checked_in") &&
	    strcmp(st, "collected") && strcmp(st, "cancelled"))
		return 400;
	if (s.task > 0 && (rc = scope_task(r, s.task, NULL)) != 0)
		return rc;
	if ((rc = adb_tasks(r->hdf, "Tasks", s.school, 0)) < 0 ||
	    (rc = adb_search(r->hdf, "Found", &s)) < 0)
		return web_dberr(rc);
	web_setf(r, "Search.count", "%d", rc);
	web_setf(r, "Search.task", "%lld", s.task);
	web_set(r, "Page.Title", L("Lang.Admin.Title.Students"));
	web_set(r, "Page.Nav", "students");
	return web_page(r, "admin/students.cs");
}

static const struct field student_fields[] = {
	{ "name", FT_TEXT, 64, 0, "Lang.Field.Name" },	/* characters */
	{ "id_number", FT_TEXT, 18, 0, "Lang.Field.IdNumber" },
	{ "student_no", FT_TEXT, 32, 0, "Lang.Field.StudentNo" },
	{ "class_name", FT_TEXT, 64, 0, "Lang.Field.Class" },
	{ "edu_category", FT_TEXT, 32, 0, "Lang.Field.EduCategory" },
	{ "edu_level", FT_TEXT, 32, 0, "Lang.Field.EduLevel" },
	{ "reason", FT_TEXT, 200, 0, "Lang.Field.FixReason" },
	{ "done", FT_INT, 0, 0, NULL },
};

static int
student_post(struct req *r)
{
	struct student_fix	 fx;
	struct actor		 a = actor_of(r);
	const char		*why = NULL;
	int			 rc, changed = 0;

	fx.name = web_str(r, "name");
	fx.id_number = web_str(r, "id_number");
	fx.student_no = web_str(r, "student_no");
	fx.class_name = web_str(r, "class_name");
	fx.edu_category = web_str(r, "edu_category");
	fx.edu_level = web_str(r, "edu_level");
	rc = student_correct(r->id[0], &fx, web_str(r, "reason"), &a,
	    &changed, &why);
	if (rc == 422) {
		web_fail(r, 422, why);
		return 0;
	}
	if (rc == 404)
		return 404;
	if (rc < 0)
		return web_dberr(rc);
	log_info("admin: user %lld corrected student %lld (%d fields)",
	    r->s.user_id, r->id[0], changed);
	return web_redirect(r, "/admin/students/%lld?done=%d", r->id[0],
	    changed > 0 ? 1 : 2);
}

static int
page_student(struct req *r)
{
	char	 m[32];
	int	 rc, full = (r->s.role & R_DESK) != 0;

	if ((rc = scope_student(r, r->id[0], NULL, NULL)) != 0)
		return rc;
	if (r->method == M_POST && r->status == 0 &&
	    (rc = student_post(r)) != 0)
		return rc;
	if ((rc = adb_student(r->hdf, r->id[0], !full)) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return 404;
	if (!full) {
		idnum_mask(hdf_get_value(r->hdf, "Rec.0.id_number", ""), m,
		    sizeof(m));
		web_set(r, "Rec.0.id_number", m);
	}
	web_set(r, "Page.Title", hdf_get_value(r->hdf, "Rec.0.name",
	    L("Lang.Admin.Title.Student")));
	web_set(r, "Page.Nav", "students");
	web_setf(r, "Page.Done", "%lld", web_int(r, "done"));
	return web_page(r, "admin/student.cs");
}

/* --- audit ---------------------------------------------------------------- */

static const struct field audit_fields[] = {
	{ "school", FT_INT, 0, 0, NULL },
	{ "task", FT_INT, 0, 0, NULL },
	{ "student", FT_INT, 0, 0, NULL },
	{ "user", FT_TEXT, 64, 0, "Lang.Field.Actor" },
	{ "from", FT_DATE, 10, 0, "Lang.Field.DateFrom" },
	{ "to", FT_DATE, 10, 0, "Lang.Field.DateTo" },
};

static int
page_audit(struct req *r)
{
	struct adb_auditq	 q;
	int			 rc;

	memset(&q, 0, sizeof(q));
	q.scope = scope_filter(r);
	q.school = web_int(r, "school");
	q.task = web_int(r, "task");
	q.student = web_int(r, "student");
	q.user = web_str(r, "user");
	q.from = web_str(r, "from");
	q.to = web_str(r, "to");
	if ((q.school > 0 && (rc = scope_school(r, q.school)) != 0) ||
	    (q.task > 0 && (rc = scope_task(r, q.task, NULL)) != 0) ||
	    (q.student > 0 &&
	    (rc = scope_student(r, q.student, NULL, NULL)) != 0))
		return rc;
	if ((rc = adb_audit(r->hdf, "Audit", &q)) < 0 ||
	    (rc = adb_tasks(r->hdf, "Tasks", q.scope, 0)) < 0)
		return web_dberr(rc);
	web_setf(r, "Filter.task", "%lld", q.task);
	web_set(r, "Page.Title", L("Lang.Admin.Title.Audit"));
	web_set(r, "Page.Nav", "audit");
	return web_page(r, "admin/audit.cs");
}

/* --- users (operator) ------------------------------------------------------ */

static const struct field user_fields[] = {
	{ "username", FT_CODE, 64, 0, "Lang.Field.Username" },
	{ "password", FT_RAW, 256, 0, "Lang.Field.Password" },
	{ "role", FT_CODE, 16, 0, "Lang.Field.Role" },
	{ "school", FT_INT, 0, 0, "Lang.Field.School" },
	{ "disabled", FT_BOOL, 0, 0, "Lang.Field.Disabled" },
	{ "done", FT_INT, 0, 0, NULL },
};

/* Check role, school and password of the user form.  NULL or a message. */
static const char *
user_check(struct req *r, int need_pw)
{
	const char	*role = web_str(r, "role"), *pw = web_str(r, "password");

	if (role == NULL || auth_role(role) == 0)
		return L("Lang.Admin.User.NoRole");
	if (strcmp(role, "teacher") == 0 && web_int(r, "school") <= 0)
		return L("Lang.Admin.User.TeacherSchool");
	if ((need_pw || pw != NULL) && (pw == NULL || strlen(pw) < 8))
		return L("Lang.Admin.User.ShortPassword");
	return NULL;
}

/*
 * A new password, a new role or a disabled account ends the user's other
 * sessions at once: whoever held them must log in again under the new
 * terms.  The session of this request stays (an operator changing their
 * own password remains logged in here, with a new session id).
 */
static int
user_sessions_end(struct req *r, long long uid)
{
	int	 n, rc;

	if ((n = sess_end_user(r, uid)) < 0)
		return n;
	log_info("admin: user %lld changed: %d other sessions ended", uid, n);
	if (uid == r->s.user_id && (rc = sess_rotate(r)) < 0)
		return rc;
	return 0;
}

static int
user_post(struct req *r, long long uid)
{
	struct actor	 a = actor_of(r);
	const char	*why, *pw = web_str(r, "password");
	char		 hash[256] = "", orole[16];
	int		 rc;

	if ((why = user_check(r, uid == 0)) != NULL ||
	    (uid == 0 && web_str(r, "username") == NULL &&
	    (why = L("Lang.Admin.User.NoUsername"))))
		return web_fail(r, 422, why);
	if (uid == r->s.user_id && (web_int(r, "disabled") ||
	    strcmp(web_str(r, "role"), "operator") != 0))
		return web_fail(r, 422, L("Lang.Admin.User.Self"));
	if (pw != NULL && auth_hash(pw, hash, sizeof(hash)) != 0)
		return 500;
	snprintf(orole, sizeof(orole), "%s",
	    hdf_get_value(r->hdf, "Users.0.role", ""));
	rc = adb_user_save(&uid, web_str(r, "username"), web_str(r, "role"),
	    web_int(r, "school"), web_int(r, "disabled"), hash[0] ? hash :
	    NULL, &a);
	if (rc == DB_DUP)
		return web_fail(r, 422, L("Lang.Admin.User.Taken"));
	if (rc == 404)
		return web_fail(r, 422, L("Lang.Admin.User.NoSuchSchool"));
	if (rc < 0)
		return web_dberr(rc);
	if (orole[0] != '\0' && (pw != NULL || web_int(r, "disabled") ||
	    strcmp(orole, web_str(r, "role")) != 0) &&
	    (rc = user_sessions_end(r, uid)) < 0)
		return web_dberr(rc);
	return web_redirect(r, "/admin/users/%lld?done=1", uid);
}

static int
page_users(struct req *r)
{
	int	 rc;

	if (r->method == M_POST && r->status == 0 &&
	    (rc = user_post(r, 0)) != 422)
		return rc;
	if ((rc = adb_users(r->hdf, "Users", 0)) < 0 ||
	    (rc = adb_schools(r->hdf, "Schools")) < 0)
		return web_dberr(rc);
	web_set(r, "Page.Title", L("Lang.Admin.Title.Users"));
	web_set(r, "Page.Nav", "users");
	return web_page(r, "admin/users.cs");
}

static int
page_user(struct req *r)
{
	int	 rc;

	if ((rc = adb_users(r->hdf, "Users", r->id[0])) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return 404;
	if (r->method == M_POST && r->status == 0 &&
	    (rc = user_post(r, r->id[0])) != 422)
		return rc;
	if ((rc = adb_schools(r->hdf, "Schools")) < 0)
		return web_dberr(rc);
	web_set(r, "Page.Title", L("Lang.Admin.Title.User"));
	web_set(r, "Page.Nav", "users");
	web_setf(r, "Page.Done", "%lld", web_int(r, "done"));
	return web_page(r, "admin/user.cs");
}

/* --- the table ----------------------------------------------------------- */

static const struct page pages[] = {
	{ "/admin/login", M_GET | M_POST, FIELDS(login_fields), PG_FORM, 0,
	  page_login },
	{ "/admin/logout", M_POST, NOFIELDS, 0, R_ANY, page_logout },
	{ "/admin", M_GET, NOFIELDS, 0, 0, page_root },
	{ "/admin/", M_GET, NOFIELDS, PG_FORM, R_ANY, page_dash },
	{ "/admin/tasks/new", M_GET | M_POST, FIELDS(task_fields), PG_FORM,
	  R_OPERATOR, page_task_edit },
	{ "/admin/tasks/#", M_GET, FIELDS(task_view_fields), PG_FORM, R_ANY,
	  page_task },
	{ "/admin/tasks/#/edit", M_GET | M_POST, FIELDS(task_fields), PG_FORM,
	  R_OPERATOR, page_task_edit },
	{ "/admin/tasks/#/slots", M_POST, FIELDS(slots_fields), PG_FORM,
	  R_OPERATOR, page_slots_add },
	{ "/admin/slots/#/capacity", M_POST, FIELDS(cap_fields), 0,
	  R_OPERATOR, page_slot_cap },
	{ "/admin/slots/#/delete", M_POST, NOFIELDS, 0, R_OPERATOR,
	  page_slot_del },
	{ "/admin/tasks/#/roster", M_GET | M_POST, FIELDS(roster_fields),
	  PG_FORM, R_DESK, page_roster },
	{ "/admin/tasks/#/roster/commit", M_POST, FIELDS(commit_fields), 0,
	  R_DESK, page_roster_commit },
	{ "/admin/tasks/#/export.csv", M_GET, FIELDS(export_fields), PG_RAW,
	  R_DESK, page_export },
	{ "/admin/tasks/#/unbooked.csv", M_GET, FIELDS(export_fields), PG_RAW,
	  R_DESK, page_unbooked },
	{ "/admin/tasks/#/export.xlsx", M_GET, FIELDS(export_fields), PG_RAW,
	  R_DESK, page_export_xlsx },
	{ "/admin/tasks/#/unbooked.xlsx", M_GET, FIELDS(export_fields),
	  PG_RAW, R_DESK, page_unbooked_xlsx },
	{ "/admin/tasks/#/close", M_GET | M_POST, FIELDS(close_fields),
	  PG_FORM, R_OPERATOR, page_close },
	{ "/admin/reports", M_GET, FIELDS(reports_view_fields), PG_FORM, R_DESK,
	  page_reports },
	{ "/admin/reports/#", M_POST, FIELDS(report_fields), PG_FORM, R_DESK,
	  page_report_answer },
	{ "/admin/reconcile", M_GET | M_POST, FIELDS(reconcile_fields),
	  PG_FORM, R_OPERATOR, page_reconcile },
	{ "/admin/students", M_GET, FIELDS(search_fields), PG_FORM, R_ANY,
	  page_students },
	{ "/admin/students/#", M_GET | M_POST, FIELDS(student_fields),
	  PG_FORM, R_ANY, page_student },
	{ "/admin/audit", M_GET, FIELDS(audit_fields), PG_FORM, R_DESK,
	  page_audit },
	{ "/admin/users", M_GET | M_POST, FIELDS(user_fields), PG_FORM,
	  R_OPERATOR, page_users },
	{ "/admin/users/#", M_GET | M_POST, FIELDS(user_fields), PG_FORM,
	  R_OPERATOR, page_user },
};

static const struct app app = {
	.name = "admin",
	.cookie = "tucai_admin",
	.cookie_path = "/admin",
	.kind = SESS_ADMIN,
	.login = "/admin/login",
	.pages = pages,
	.npages = sizeof(pages) / sizeof(pages[0]),
	.more = site_pages,
	.load_user = auth_load_user,
};

int
main(void)
{
	struct app	 a = app;

	a.nmore = site_npages;	/* not a constant expression */
	return web_main(&a);
}
