/*
 * bank.h - parts of the sandbox bank (bank.fcgi) kept in files of their
 * own.
 */
#ifndef TUCAI_BANK_H
#define TUCAI_BANK_H

struct req;

/* POST /bank/api/statement: the statement (bank_stmt.c). */
int	 bank_api_statement(struct req *);

#endif
