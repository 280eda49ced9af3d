/*
 * bank.h - parts of the sandbox bank (bank.fcgi) kept in files of their
 * own.
 */
#ifndef TUCAI_BANK_H
#define TUCAI_BANK_H

struct req;

/* POST /bank/api/statement: the statement (bank_stmt.c). */
int	 bank_api_statement(struct req *);

/* The sandbox WeChat authorisation server's pages (wxsandbox.c):
 * /weixin-sandbox/connect/oauth2/authorize and
 * /weixin-sandbox/sns/oauth2/access_token. */
#include <stddef.h>

#include "http/web.h"

extern const struct page	 wxsb_pages[];
extern const size_t		 wxsb_npages;

#endif
