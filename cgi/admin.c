/*
 * admin.c - the admin dashboard and site station (admin.fcgi).
 * (Being built: see issue 4 and 5.)
 */
#include "site.h"
#include "web.h"

static int
page_login(struct req *r)
{

	web_set(r, "Page.Title", "登录");
	return web_page(r, "admin/login.cs");
}

static const struct page pages[] = {
	{ "/admin/login", M_GET, NOFIELDS, PG_FORM, 0, page_login },
	{ "/admin/", M_GET, NOFIELDS, 0, R_ANY, page_login },
	{ "/admin", M_GET, NOFIELDS, 0, R_ANY, page_login },
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
};

int
main(void)
{
	struct app	 a = app;

	a.nmore = site_npages;	/* not a constant expression */
	return web_main(&a);
}
