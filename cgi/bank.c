/*
 * bank.c - the sandbox payment gateway (bank.fcgi).  (Being built: issue 3.)
 */
#include "web.h"

static int
page_pay(struct req *r)
{

	return 404;
}

static const struct page pages[] = {
	{ "/bank/pay", M_GET, NOFIELDS, PG_FORM, 0, page_pay },
};

static const struct app app = {
	.name = "bank",
	.cookie = "tucai_bank",
	.cookie_path = "/bank",
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
