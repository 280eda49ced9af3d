/*
 * site.c - the collection-day station of admin.fcgi (issue 5): scan a
 * booking QR or 采集码 and check the student in with the day's shot number
 * (拍摄号), book walk-ins (现场预约) with the fee collected on site, upload
 * the photo (normalised to the 学信网 spec), which collects the booking and
 * captures the payment once, and export a task's photos as a streamed ZIP.
 *
 * Pages are rows of site_pages[]; the rules and SQL live in core/site_db.c.
 * A redirect back to the student's page carries only a short notice code
 * (?n=checkin), never personal data.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "infra/csvout.h"
#include "infra/db.h"
#include "infra/image.h"
#include "infra/log.h"
#include "domain/pay.h"
#include "domain/privacy.h"
#include "infra/qr.h"
#include "domain/resolve.h"
#include "http/scope.h"
#include "site.h"
#include "domain/site_db.h"
#include "infra/text.h"
#include "infra/util.h"
#include "infra/zipout.h"

#define UPLOAD_MAX	10485760	/* bytes of one uploaded image */

/* Notices shown on the student's page after a redirect: ?n=CODE. */
static const struct notice {
	const char	*code;
	const char	*text;	/* a word's key */
} notices[] = {
	{ "checkin", "Lang.Site.Notice.checkin" },
	{ "again", "Lang.Site.Notice.again" },
	{ "nobook", "Lang.Site.Notice.nobook" },
	{ "walkin", "Lang.Site.Notice.walkin" },
	{ "has", "Lang.Site.Notice.has" },
	{ "photo", "Lang.Site.Notice.photo" },
	{ "retry", "Lang.Site.Notice.retry" },
	{ "fee", "Lang.Site.Notice.fee" },
	{ "paid", "Lang.Site.Notice.paid" },
	{ "captured", "Lang.Site.Notice.captured" },
};

/* Ways staff collect the fee on site (pay_onsite's method). */
static const char *const methods[] = {
	"cash", "wechat", "alipay", "card",
};

/* --- helpers ----------------------------------------------------------- */

static const struct actor *
actor(struct req *r, struct actor *a)
{

	a->id = r->s.user_id;
	a->name = hdf_get_value(r->hdf, "User.Name", "staff");
	return a;
}


static int
known_method(const char *m)
{
	size_t	 i;

	for (i = 0; m != NULL && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(m, methods[i]) == 0)
			return 1;
	return 0;
}

/*
 * The code of the request: the typed/scanned text field, else the QR in
 * the uploaded image, reduced to the code it carries (resolve_extract:
 * a URL may carry it).  Returns 0 with code filled, or an HTTP status with
 * r->err set (415 not an image, 422 no code, 413, 500).
 */
static int
request_code(struct req *r, const char *textfield,
    char code[RESOLVE_CODE_MAX + 1])
{
	const char	*text = web_str(r, textfield);
	unsigned char	*buf;
	size_t		 len, plen;
	char		*payload = NULL;
	int		 rc;

	if (text != NULL && *text != '\0') {
		if (resolve_extract(text, strlen(text), code) != 0)
			return web_fail(r, 422,
			    L("Lang.Site.Code.Unreadable"));
		return 0;
	}
	if (web_file(r, "code_image") == NULL)
		return web_fail(r, 422, L("Lang.Site.Code.None"));
	if ((rc = web_slurp(web_file(r, "code_image"), UPLOAD_MAX, &buf,
	    &len)) != 0)
		return rc;
	rc = qr_decode_image(buf, len, &payload, &plen);
	free(buf);
	switch (rc) {
	case IMG_OK:
		break;
	case IMG_NOTIMAGE:
		return web_fail(r, 415, L("Lang.Site.Code.NotImage"));
	case IMG_SYSERR:
		return 500;
	case QR_NONE:
		return web_fail(r, 422, L("Lang.Site.Code.NoQr"));
	default:
		return web_fail(r, 422, L("Lang.Site.Code.BadImage"));
	}
	rc = resolve_extract(payload, plen, code);
	free(payload);
	if (rc != 0)
		return web_fail(r, 422, L("Lang.Site.Code.BadPayload"));
	return 0;
}

/* --- page data ---------------------------------------------------------- */

/* Fill the station (scan form + today's check-ins). */
static int
render_station(struct req *r)
{
	char	 today[11];
	int	 rc;

	util_local_date(today, 0);
	web_set(r, "Page.Title", L("Lang.Site.Title"));
	web_set(r, "Site.Today", today);
	if ((rc = site_recent_hdf(r->hdf, today, scope_filter(r))) < 0)
		return web_dberr(rc);
	return web_page(r, "admin/site.cs");
}

/* Payment flags for the template: Site.FeeDue when the fee is still to
 * be collected on site, Site.CaptureRetry when a collected booking's hold
 * is not captured yet.  Returns 0 or a db.h error code. */
static int
payment_flags(struct req *r, long long bid)
{
	long long	 fee;
	int		 covered, rc;
	const char	*pst, *bst;

	if ((rc = site_fee(bid, &fee, &covered)) < 0)
		return rc;
	if (fee > 0 && !covered)
		web_set(r, "Site.FeeDue", "1");
	pst = hdf_get_value(r->hdf, "Payment.0.state", "");
	bst = hdf_get_value(r->hdf, "Booking.0.state", "");
	if (strcmp(bst, "collected") == 0 && strcmp(pst, "authorized") == 0)
		web_set(r, "Site.CaptureRetry", "1");
	return 0;
}

/* Fill and render the student's station page (status from r->status). */
static int
render_student(struct req *r, long long sid)
{
	long long	 bid;
	int		 rc;

	if ((rc = scope_student(r, sid, NULL, NULL)) != 0)
		return rc;
	/* The station always masks the ID number: the full one is shown only on
	 * the record page (/admin/students/ID) of teachers and operators. */
	rc = site_student_hdf(r->hdf, sid, scope_filter(r), 0);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0)
		return 404;
	if ((rc = site_student_booking(sid, scope_filter(r), &bid)) < 0)
		return web_dberr(rc);
	if (bid != 0 && (rc = payment_flags(r, bid)) < 0)
		return web_dberr(rc);
	web_set(r, "Page.Title", hdf_get_value(r->hdf, "Student.0.name",
	    L("Lang.Admin.Title.Student")));
	return web_page(r, "admin/site_student.cs");
}

/* Check the booking in and answer: 303 to the student's page, or the
 * page with 409 outside the window.  note: the notice for a first
 * check-in ("checkin", "has"). */
static int
checkin_answer(struct req *r, long long sid, long long bid, const char *note)
{
	struct actor	 a;
	char		 today[11];
	long long	 shot;
	int		 rc;

	util_local_date(today, 0);
	rc = site_checkin(bid, today, &shot, actor(r, &a));
	switch (rc) {
	case SITE_OK:
		log_info("site: booking %lld checked in, shot %lld", bid, shot);
		return web_redirect(r, "/admin/site/students/%lld?n=%s", sid,
		    note);
	case SITE_AGAIN:
		return web_redirect(r, "/admin/site/students/%lld?n=again", sid);
	case SITE_WINDOW:
		web_fail(r, 409, L("Lang.Site.Window.Checkin"));
		return render_student(r, sid);
	case SITE_STATE:
		web_fail(r, 409, L("Lang.Site.BookingGone"));
		return render_student(r, sid);
	default:
		return web_dberr(rc);
	}
}

/* --- pages -------------------------------------------------------------- */

static int
page_station(struct req *r)
{

	return render_station(r);
}

static const struct field scan_fields[] = {
	{ "code", FT_TEXT, 512, 0, "Lang.Field.ScanCode" },
	{ "code_image", FT_FILE, UPLOAD_MAX, 0, "Lang.Field.QrImage" },
};

/* The student named by the code in field (typed, or an image of it) and
 * their active booking (bid 0: none); today gets the local date.  Returns
 * 0, or the answer when there is none: the station again with the field's
 * error or with notfound. */
static int
resolve_field(struct req *r, const char *field, const char *notfound,
    char today[11], long long *sid, long long *bid)
{
	char	 code[RESOLVE_CODE_MAX + 1];
	int	 rc;

	if ((rc = request_code(r, field, code)) != 0)
		return rc >= 500 || rc == 413 ? rc : render_station(r);
	util_local_date(today, 0);
	rc = site_resolve(code, scope_filter(r), today, sid, bid);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0) {
		web_fail(r, 422, notfound);
		return render_station(r);
	}
	return 0;
}

static int
page_scan(struct req *r)
{
	char		 today[11];
	long long	 sid, bid;
	int		 rc;

	if (r->method == M_GET)
		return render_station(r);
	if ((rc = resolve_field(r, "code",
	    L("Lang.Site.Code.NotFound"), today, &sid, &bid)) != 0)
		return rc;
	if (bid == 0)
		return web_redirect(r, "/admin/site/students/%lld?n=nobook",
		    sid);
	return checkin_answer(r, sid, bid, "checkin");
}

static const struct field walkin_fields[] = {
	{ "collect_code", FT_TEXT, 512, 0, "Lang.Field.CollectCode" },
	{ "code_image", FT_FILE, UPLOAD_MAX, 0, "Lang.Field.CodeImage" },
	{ "method", FT_CODE, 16, 0, "Lang.Field.PayMethod" },
};

/* Record the walk-in's fee (method "unpaid" or a free task: nothing; the
 * page then offers to collect it later).  Returns 0 or a db.h error. */
static int
walkin_fee(struct req *r, long long bid, long long fee, const char *method)
{
	struct actor	 a;
	int		 rc;

	if (fee <= 0 || method == NULL || strcmp(method, "unpaid") == 0)
		return 0;
	rc = pay_onsite(bid, fee, method, actor(r, &a));
	return rc == PAY_NOT_PAYABLE ? 0 : rc;
}

static int
page_walkin(struct req *r)
{
	struct actor	 a;
	char		 today[11];
	const char	*method = web_str(r, "method");
	long long	 sid, bid, fee;
	int		 rc;

	if (r->method == M_GET)
		return render_station(r);
	if (method != NULL && strcmp(method, "unpaid") != 0 &&
	    !known_method(method)) {
		web_fail(r, 422, L("Lang.Site.NoMethod"));
		return render_station(r);
	}
	if ((rc = resolve_field(r, "collect_code",
	    L("Lang.Site.Code.NotOnRoster"), today, &sid, &bid)) != 0)
		return rc;
	if (bid != 0)
		return checkin_answer(r, sid, bid, "has");
	rc = site_walkin(sid, today, &bid, &fee, actor(r, &a));
	switch (rc) {
	case SITE_OK:
		break;
	case SITE_HAS:
		return checkin_answer(r, sid, bid, "has");
	case SITE_WINDOW:
		web_fail(r, 409, L("Lang.Site.Window.Walkin"));
		return render_student(r, sid);
	default:
		return web_dberr(rc);
	}
	log_info("site: walk-in booking %lld for student %lld", bid, sid);
	if ((rc = walkin_fee(r, bid, fee, method)) < 0)
		return web_dberr(rc);
	return web_redirect(r, "/admin/site/students/%lld?n=walkin", sid);
}

static const struct field student_fields[] = {
	{ "n", FT_CODE, 16, 0, "Lang.Field.Hint" },
};

static int
page_student(struct req *r)
{
	const char	*n = r->method == M_GET && r->status == 0 ?
			    web_str(r, "n") : NULL;
	size_t		 i;

	for (i = 0; n != NULL && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(n, notices[i].code) == 0)
			web_set(r, "Page.Notice", L(notices[i].text));
	return render_student(r, r->id[0]);
}

/* The student's active booking for a POST on the student's page.
 * Returns 0 with *bid (0 when none), or an HTTP status. */
static int
student_booking(struct req *r, long long *bid)
{
	int	 rc;

	if ((rc = scope_student(r, r->id[0], NULL, NULL)) != 0)
		return rc;
	if ((rc = site_student_booking(r->id[0], scope_filter(r), bid)) < 0)
		return web_dberr(rc);
	return rc == 0 ? 404 : 0;
}

static const struct field photo_fields[] = {
	{ "photo", FT_FILE, UPLOAD_MAX, F_REQ, "Lang.Field.Photo" },
};

/* Normalise the uploaded photo.  Returns 0 with *jpg (caller frees), or
 * an HTTP status with r->err set. */
static int
photo_normalise(struct req *r, long long max_kb, unsigned char **jpg,
    size_t *len, int *quality, int *bg_ok)
{
	unsigned char	*buf;
	size_t		 blen;
	int		 rc;

	*jpg = NULL;
	if ((rc = web_slurp(web_file(r, "photo"), UPLOAD_MAX, &buf,
	    &blen)) != 0)
		return rc;
	rc = img_photo(buf, blen, (size_t)max_kb * 1024, jpg, len, quality,
	    bg_ok);
	free(buf);
	switch (rc) {
	case IMG_OK:
		return 0;
	case IMG_NOTIMAGE:
		return web_fail(r, 415, L("Lang.Site.Photo.NotImage"));
	case IMG_TOOBIG:
		return web_fail(r, 422, L("Lang.Site.Photo.TooBig"));
	case IMG_CORRUPT:
		return web_fail(r, 422, L("Lang.Site.Photo.Corrupt"));
	default:
		return 500;
	}
}

/* Capture the booking's hold (idempotent).  Returns the notice code. */
static const char *
capture(long long bid)
{
	int	 rc = pay_capture_booking(bid);

	if (rc == PAY_OK || rc == PAY_NOT_PAYABLE)
		return "photo";
	log_warn("site: capture of booking %lld failed (%d), retry later",
	    bid, rc);
	return "retry";
}

static int
page_photo(struct req *r)
{
	unsigned char	*jpg;
	size_t		 len;
	long long	 bid, max_kb, school;
	int		 rc, quality, bg_ok, now;
	struct actor	 a;
	char		 size[32];

	if (r->method == M_GET)
		return render_student(r, r->id[0]);
	if ((rc = student_booking(r, &bid)) != 0)
		return rc;
	if (bid == 0) {
		web_fail(r, 409, L("Lang.Site.Photo.NotCheckedIn"));
		return render_student(r, r->id[0]);
	}
	if ((rc = site_booking_task(bid, &max_kb, &school)) < 0)
		return web_dberr(rc);
	if ((rc = photo_normalise(r, max_kb, &jpg, &len, &quality,
	    &bg_ok)) != 0)
		return rc >= 500 || rc == 413 ? rc : render_student(r, r->id[0]);
	rc = site_photo_store(bid, jpg, len, quality, bg_ok, r->s.user_id,
	    &now);
	free(jpg);
	if (rc == SITE_STATE) {
		web_fail(r, 409, L("Lang.Site.Photo.NotCheckedIn"));
		return render_student(r, r->id[0]);
	}
	if (rc != SITE_OK)
		return web_dberr(rc);
	log_info("site: photo for booking %lld stored (%zu bytes, q%d%s)",
	    bid, len, quality, bg_ok ? "" : ", background warning");
	/* The first photo collects the booking; a retake replaces the
	 * current photo (its size is the after value). */
	snprintf(size, sizeof(size), "%zu KB", (len + 1023) / 1024);
	if ((rc = audit_add(actor(r, &a), now ? "photo" : "retake", "booking",
	    bid, school, now ? "state" : "photo", now ? "checked_in" : NULL,
	    now ? "collected" : size, NULL)) < 0)
		return web_dberr(rc);
	return web_redirect(r, "/admin/site/students/%lld?n=%s", r->id[0],
	    capture(bid));
}

static int
page_capture(struct req *r)
{
	long long	 bid;
	int		 rc;
	const char	*n;

	if ((rc = student_booking(r, &bid)) != 0)
		return rc;
	if (bid == 0)
		return 409;
	n = capture(bid);
	return web_redirect(r, "/admin/site/students/%lld?n=%s", r->id[0],
	    strcmp(n, "photo") == 0 ? "captured" : n);
}

static const struct field fee_fields[] = {
	{ "method", FT_CODE, 16, F_REQ, "Lang.Field.PayMethod" },
};

static int
page_fee(struct req *r)
{
	const char	*method;
	long long	 bid, fee;
	int		 rc, covered;
	struct actor	 a;

	if (r->method == M_GET)
		return render_student(r, r->id[0]);
	if ((rc = student_booking(r, &bid)) != 0)
		return rc;
	method = web_str(r, "method");
	if (!known_method(method)) {
		web_fail(r, 422, L("Lang.Site.NoMethod"));
		return render_student(r, r->id[0]);
	}
	if (bid == 0) {
		web_fail(r, 409, L("Lang.Site.NoBooking"));
		return render_student(r, r->id[0]);
	}
	if ((rc = site_fee(bid, &fee, &covered)) < 0)
		return web_dberr(rc);
	if (covered || fee <= 0)
		return web_redirect(r, "/admin/site/students/%lld?n=paid",
		    r->id[0]);
	if ((rc = pay_onsite(bid, fee, method, actor(r, &a))) < 0)
		return web_dberr(rc);
	return web_redirect(r, "/admin/site/students/%lld?n=%s", r->id[0],
	    rc == PAY_NOT_PAYABLE ? "paid" : "fee");
}

/* Send a JPEG (photo or ID card) of a student the user may see. */
static int
send_jpeg(struct req *r, int rc, unsigned char *jpg, size_t len)
{

	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0) {
		free(jpg);
		return 404;
	}
	r->body = jpg;
	r->bodylen = len;
	r->ctype = "image/jpeg";
	return 200;
}

static int
page_photo_jpg(struct req *r)
{
	unsigned char	*jpg;
	size_t		 len;
	int		 rc;

	if ((rc = scope_student(r, r->id[0], NULL, NULL)) != 0)
		return rc;
	rc = site_photo_get(r->id[0], r->id[1], &jpg, &len);
	return send_jpeg(r, rc, jpg, len);
}

/* Each view of an ID-card photo is audited (PIPL: sensitive personal
 * information), before the image leaves. */
static int
page_idcard_jpg(struct req *r)
{
	struct actor	 a;
	unsigned char	*jpg;
	size_t		 len;
	long long	 school;
	int		 rc, err;

	if ((rc = scope_student(r, r->id[0], NULL, &school)) != 0)
		return rc;
	rc = site_idcard_get(r->id[0], &jpg, &len);
	if (rc == 1 && (err = audit_add(actor(r, &a), "idcard_view", "student",
	    r->id[0], school, NULL, NULL, NULL, NULL)) < 0) {
		free(jpg);
		return web_dberr(err);
	}
	return send_jpeg(r, rc, jpg, len);
}

/* --- photos.zip ----------------------------------------------------------- */

static const struct field zip_fields[] = {
	{ "class", FT_TEXT, 64, 0, "Lang.Field.Class" },
	{ "by_class", FT_BOOL, 8, 0, "Lang.Field.ByClass" },
};

static int
zip_sink(void *arg, const void *buf, size_t len)
{

	return web_write(arg, buf, len);
}

/* A class name made safe as a folder name: no '/', '\\', leading '.',
 * control characters.  Writes into out. */
static void
folder_name(const char *cls, char *out, size_t sz)
{
	size_t	 i;

	snprintf(out, sz, "%s", *cls != '\0' ? cls :
	    L("Lang.Site.Zip.NoClass"));
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == '/' || out[i] == '\\' ||
		    (unsigned char)out[i] < 0x20 || (i == 0 && out[i] == '.'))
			out[i] = '_';
}

/* Write one photo entry and its index row.  Returns 0, or -1 when the
 * stream broke (logged). */
static int
zip_entry(struct zipout *z, struct csvout *csv,
    const struct site_zip_row *row, int by_class)
{
	unsigned char	*jpg;
	size_t		 len;
	char		 dir[UTF8_BUF(64)], name[UTF8_BUF(64) + 32];
	int		 rc;

	if ((rc = site_zip_photo(row->photo_id, &jpg, &len)) <= 0) {
		log_warn("site: zip: photo %lld unreadable (%d)", row->photo_id,
		    rc);
		return rc < 0 ? -1 : 0;
	}
	folder_name(row->class_name, dir, sizeof(dir));
	snprintf(name, sizeof(name), "%s%s%s.jpg", by_class ? dir : "",
	    by_class ? "/" : "", row->id_number);
	rc = zipout_add(z, name, jpg, len);
	free(jpg);
	if (rc != 0)
		return -1;
	csvout_text(csv, row->collect_code);	/* Excel keeps them text */
	csvout_text(csv, row->student_no);
	csvout_field(csv, row->name);
	csvout_field(csv, row->class_name);
	csvout_field(csv, name);
	return csvout_endrow(csv);
}

/* Stream the archive: photos one at a time, then index.csv.  Returns 0,
 * or -1 when it broke off (the client gets a truncated archive). */
static int
zip_stream(struct req *r, const struct site_zip_row *rows, size_t n,
    int by_class)
{
	static const char *const head[] = {
		"Lang.Roster.Column.Code", "Lang.Roster.Column.StudentNo",
		"Lang.Roster.Column.Name", "Lang.Roster.Column.Class",
		"Lang.Site.Zip.File",
	};
	struct zipout	*z;
	struct csvout	 csv;
	char		*buf = NULL;
	size_t		 i, len;
	int		 rc = 0;

	if ((z = zipout_open(zip_sink, r)) == NULL)
		return -1;
	csvout_init(&csv, 0);
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csvout_field(&csv, L(head[i]));
	csvout_endrow(&csv);
	for (i = 0; i < n && rc == 0; i++)
		rc = zip_entry(z, &csv, &rows[i], by_class);
	if (rc == 0 && (csvout_take(&csv, &buf, &len) != 0 ||
	    zipout_add(z, "index.csv", buf, len) != 0))
		rc = -1;
	free(buf);
	csvout_free(&csv);
	if (zipout_close(z) != 0)
		rc = -1;
	return rc;
}

/*
 * A whole-task archive went out complete: recorded, so that `tucai purge`
 * knows the photos named by ID number were delivered (core/privacy.c).
 * One class only is not the whole task.  A failure is logged: the purge
 * then waits for the next export, which is the safe side.
 */
static void
zip_done(struct req *r, const struct site_zip_row *rows, size_t n)
{
	const char	*cls = web_str(r, "class");
	long long	 last = 0;
	size_t		 i;
	int		 rc;

	if (cls != NULL && *cls != '\0')
		return;
	for (i = 0; i < n; i++)
		if (rows[i].photo_id > last)
			last = rows[i].photo_id;
	if ((rc = privacy_export_done(r->id[0], r->s.user_id, last, n)) != 0)
		log_warn("site: photos.zip of task %lld not recorded (db %d)",
		    r->id[0], rc);
}

static int
page_zip(struct req *r)
{
	struct site_zip_row	*rows;
	struct actor		 a;
	size_t			 n;
	char			 code[40], fname[80], what[512], cls[256];
	char			 id[17];
	long long		 school;
	int			 rc;

	if ((rc = scope_task(r, r->id[0], &school)) != 0)
		return rc;
	rc = site_task_code(r->id[0], scope_filter(r), code, sizeof(code));
	if (rc <= 0)
		return rc < 0 ? web_dberr(rc) : 404;
	if ((rc = site_zip_list(r->id[0], web_str(r, "class"), &rows,
	    &n)) < 0)
		return web_dberr(rc);
	snprintf(fname, sizeof(fname), "photos-%s.zip", code);
	/* Who took the photos (named by ID number) is recorded before any
	 * leaves. */
	cls[0] = '\0';
	if (web_str(r, "class") != NULL)
		(void)LF(cls, sizeof(cls), "Lang.Site.Audit.ZipClass",
		    LS("class", web_str(r, "class")));
	(void)LF(what, sizeof(what), "Lang.Site.Audit.Zip", LS("file", fname),
	    LI("n", n), LS("class", cls));
	if ((rc = audit_add(actor(r, &a), "photos_zip", "task", r->id[0],
	    school, "file", NULL, what, NULL)) < 0) {
		site_zip_free(rows, n);
		return web_dberr(rc);
	}
	web_stream_begin(r, "application/zip", fname);
	if (zip_stream(r, rows, n, web_int(r, "by_class") != 0) != 0)
		log_incident(id, "site: photos.zip of task %lld broke off",
		    r->id[0]);
	else {
		log_info("site: photos.zip of task %lld: %zu photos",
		    r->id[0], n);
		zip_done(r, rows, n);
	}
	site_zip_free(rows, n);
	return WEB_STREAMED;
}

#define STATION	(R_STAFF | R_OPERATOR)

const struct page site_pages[] = {
	{ "/admin/site", M_GET, NOFIELDS, PG_FORM, STATION, page_station },
	{ "/admin/site/scan", M_POST, FIELDS(scan_fields), PG_FORM, STATION,
	    page_scan },
	{ "/admin/site/walkin", M_POST, FIELDS(walkin_fields), PG_FORM,
	    STATION, page_walkin },
	{ "/admin/site/students/#", M_GET, FIELDS(student_fields), PG_FORM,
	    STATION, page_student },
	{ "/admin/site/students/#/photo", M_POST, FIELDS(photo_fields),
	    PG_FORM, STATION, page_photo },
	{ "/admin/site/students/#/fee", M_POST, FIELDS(fee_fields), PG_FORM,
	    STATION, page_fee },
	{ "/admin/site/students/#/capture", M_POST, NOFIELDS, PG_FORM,
	    STATION, page_capture },
	{ "/admin/site/students/#/photo.jpg", M_GET, NOFIELDS, PG_RAW,
	    STATION, page_photo_jpg },
	{ "/admin/site/students/#/photos/#.jpg", M_GET, NOFIELDS, PG_RAW,
	    STATION, page_photo_jpg },
	{ "/admin/site/students/#/idcard.jpg", M_GET, NOFIELDS, PG_RAW,
	    STATION, page_idcard_jpg },
	{ "/admin/tasks/#/photos.zip", M_GET, FIELDS(zip_fields), PG_RAW,
	    R_OPERATOR, page_zip },
};
const size_t site_npages = sizeof(site_pages) / sizeof(site_pages[0]);
