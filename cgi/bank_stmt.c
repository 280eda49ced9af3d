/*
 * bank_stmt.c - the sandbox bank's statement (对账单), as a real
 * provider's reconciliation download: POST /bank/api/statement, signed
 * like every API call (pay.h), optionally for one day (China time).
 *
 * The body is text, one hold a line, tab-separated:
 *
 *	order_ref  state  amount_fen  captured_fen  captures  voids  expired
 *	capture_day
 *
 * state is the hold's (pending, authorized, captured, voided, declined);
 * captured_fen the sum of its capture rows; captures and voids how many
 * ledger rows of that kind it has; expired 1 when an authorised hold is
 * past its time; capture_day the China date of the capture (empty when
 * none).  With day, the holds created or changed on that day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "infra/db.h"
#include "domain/pay.h"
#include "infra/httpc.h"
#include "infra/sign.h"
#include "http/web.h"

enum stmt {
	STMT_STATEMENT,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_STATEMENT: ? = '' for every hold, else YYYY-MM-DD */
	"SELECT h.order_ref, h.state, h.amount_fen, "
	"IFNULL(SUM(IF(l.kind = 'capture', l.amount_fen, 0)), 0), "
	"IFNULL(SUM(l.kind = 'capture'), 0), IFNULL(SUM(l.kind = 'void'), 0), "
	"h.state = 'authorized' AND h.expires_at < UTC_TIMESTAMP(), "
	"IFNULL(DATE_FORMAT(MAX(IF(l.kind = 'capture', l.at, NULL)) + "
	"INTERVAL 8 HOUR, '%Y-%m-%d'), '') "
	"FROM bank_hold h LEFT JOIN bank_ledger l ON l.hold_id = h.id "
	"WHERE ? = '' OR DATE(h.created_at + INTERVAL 8 HOUR) = ? "
	"OR DATE(h.updated_at + INTERVAL 8 HOUR) = ? "
	"GROUP BY h.id ORDER BY h.id",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("bank_stmt", stmts);

struct out {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};

static int
on_line(void *arg, int ncol, char **val, unsigned long *len)
{
	struct out	*o = arg;
	size_t		 need = 0;
	char		*np;
	int		 i;

	if (o->oom || ncol != 8)
		return 0;
	for (i = 0; i < ncol; i++)
		need += (val[i] != NULL ? len[i] : 0) + 1;
	if (o->len + need + 1 > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 65536;

		while (cap < o->len + need + 1)
			cap *= 2;
		if ((np = realloc(o->p, cap)) == NULL) {
			o->oom = 1;
			return 0;
		}
		o->p = np;
		o->cap = cap;
	}
	for (i = 0; i < ncol; i++) {
		if (val[i] != NULL) {
			memcpy(o->p + o->len, val[i], len[i]);
			o->len += len[i];
		}
		o->p[o->len++] = i + 1 < ncol ? '\t' : '\n';
	}
	o->p[o->len] = '\0';
	return 0;
}

int
bank_api_statement(struct req *r)
{
	struct out	 o;
	const char	*day;
	int		 rc;

	if (r->status != 0 || r->method != M_POST ||
	    web_verify_signed(r, NULL, 0) != 0)
		return 400;
	day = web_str(r, "day") != NULL ? web_str(r, "day") : "";
	memset(&o, 0, sizeof(o));
	rc = db_each(&set, STMT_STATEMENT, on_line, &o, "sss", day, day, day);
	if (rc < 0 || o.oom) {
		free(o.p);
		return rc < 0 ? web_dberr(rc) : 500;
	}
	if (o.p == NULL && (o.p = strdup("")) == NULL)
		return 500;
	r->body = (unsigned char *)o.p;
	r->bodylen = o.len;
	r->ctype = "text/plain; charset=utf-8";
	return 200;
}
