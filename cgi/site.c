/*
 * site.c - the site station (扫码签到, 现场预约, 照片上传).  (Being built:
 * issue 5.)
 */
#include "site.h"

static int
page_site(struct req *r)
{

	return 404;
}

const struct page site_pages[] = {
	{ "/admin/site", M_GET, NOFIELDS, PG_FORM, R_STAFF | R_OPERATOR, page_site },
};
const size_t site_npages = sizeof(site_pages) / sizeof(site_pages[0]);
