/*
 * student.c - the student pages (student.fcgi): the guide's 第1-7步 and
 * 采集完成后.  See CONTRACT section 3.  Pages are declared in the table at
 * the bottom; each handler gets validated fields and a session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "web.h"

enum stmt {
	STMT_TASK_BY_CODE,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_TASK_BY_CODE: open tasks whose window has not ended */
	"SELECT id FROM task WHERE code = ? AND is_open = 1 "
	"AND last_day >= DATE(UTC_TIMESTAMP() + INTERVAL 8 HOUR)",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("student", stmts);

/* GET / : the entrance (第1步). */
static int
page_index(struct req *r)
{

	return web_page(r, "student/index.cs");
}

static int
page_faq(struct req *r)
{

	web_set(r, "Page.Title", "常见问题");
	web_set(r, "Page.Back", "/");
	return web_page(r, "student/faq.cs");
}

static int
page_help(struct req *r)
{

	web_set(r, "Page.Title", "联系客服");
	web_set(r, "Page.Back", "/");
	return web_page(r, "student/help.cs");
}

/* GET/POST /task : the task code (第2步), throttled per session and address. */
static int
page_task(struct req *r)
{
	char		 kip[96], ksess[96];
	long long	 id;
	int		 rc;

	web_set(r, "Page.Title", "填写任务代码");
	web_set(r, "Page.Back", "/");
	if (r->method != M_POST)
		return web_page(r, "student/task.cs");

	snprintf(kip, sizeof(kip), "task:ip:%s", r->client);
	snprintf(ksess, sizeof(ksess), "task:s:%02x%02x%02x%02x%02x%02x%02x%02x",
	    r->s.key[0], r->s.key[1], r->s.key[2], r->s.key[3],
	    r->s.key[4], r->s.key[5], r->s.key[6], r->s.key[7]);
	if ((rc = web_throttle(kip, 10, 600, 0)) != 0 ||
	    (rc = web_throttle(ksess, 10, 600, 0)) != 0)
		return rc < 0 ? web_dberr(rc) : 429;

	rc = db_one(&set, STMT_TASK_BY_CODE, "s", "i",
	    web_str(r, "task_code"), &id);
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0) {
		if ((rc = web_throttle(kip, 10, 600, 1)) < 0 ||
		    (rc = web_throttle(ksess, 10, 600, 1)) < 0)
			return web_dberr(rc);
		web_fail(r, 422, "任务代码不正确，请与学校负责老师确认");
		return web_page(r, "student/task.cs");
	}
	r->s.task_id = id;
	r->s.student_id = 0;
	r->s.flags = 0;
	if ((rc = sess_save(r)) < 0)
		return web_dberr(rc);
	return web_redirect(r, "/code");
}

static const struct field task_fields[] = {
	{ "task_code", FT_CODE, 32, F_REQ, "任务代码" },
};

static const struct page pages[] = {
	{ "/", M_GET, NOFIELDS, 0, 0, page_index },
	{ "/faq", M_GET, NOFIELDS, PG_PUBLIC_CACHE, 0, page_faq },
	{ "/help", M_GET, NOFIELDS, PG_PUBLIC_CACHE, 0, page_help },
	{ "/task", M_GET | M_POST, FIELDS(task_fields), PG_FORM, 0, page_task },
};

static const struct app app = {
	.name = "student",
	.cookie = "tucai_sid",
	.cookie_path = "/",
	.kind = SESS_STUDENT,
	.login = "/",
	.pages = pages,
	.npages = sizeof(pages) / sizeof(pages[0]),
};

int
main(void)
{

	return web_main(&app);
}
