/*
 * site.h - the collection-day station, part of admin.fcgi.
 */
#ifndef TUCAI_SITE_H
#define TUCAI_SITE_H

#include "http/web.h"

extern const struct page	site_pages[];
extern const size_t		site_npages;

#endif
