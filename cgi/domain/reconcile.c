/*
 * reconcile.c - tucai's payments against the provider's statement (see
 * reconcile.h).
 *
 * The statement is read whole (one line an order, pay.h) and sorted by
 * order reference; tucai's payments of the same scope are walked against
 * it, then the provider's orders tucai did not list are looked up one by
 * one.  A state pair fits when it can occur in a correct system for a
 * moment (a notification still on its way: created here, authorised
 * there); anything else is a mismatch.  On-site payments never reach
 * the provider and are left out (the cash-up lists them).  The run, its
 * mismatches and the captured money per day on both sides are written in
 * one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/bstate.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "infra/util.h"
#include "domain/pay.h"
#include "domain/reconcile.h"

enum stmt {
	STMT_PAYMENTS,
	STMT_BY_REF,
	STMT_RUN_ADD,
	STMT_ITEM_ADD,
	STMT_TOTAL_ADD,
	STMT_DUE,
	STMT_RUNS,
	STMT_ITEMS,
	STMT_TOTALS,
	STMT_CASHUP,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_PAYMENTS: ? = '' for all, else the China day created or
	 * changed */
	"SELECT p.ref, p.state, p.amount_fen, p.booking_id, b.state, "
	"IF(p.state = 'captured', DATE_FORMAT(p.updated_at + INTERVAL 8 HOUR, "
	"'%Y-%m-%d'), '') FROM payment p JOIN booking b ON b.id = p.booking_id "
	"WHERE p.provider <> 'onsite' AND (? = '' OR "
	"DATE(p.created_at + INTERVAL 8 HOUR) = ? OR "
	"DATE(p.updated_at + INTERVAL 8 HOUR) = ?) ORDER BY p.ref",
	/* STMT_BY_REF */
	"SELECT p.ref, p.state, p.amount_fen, p.booking_id, b.state, "
	"IF(p.state = 'captured', DATE_FORMAT(p.updated_at + INTERVAL 8 HOUR, "
	"'%Y-%m-%d'), '') FROM payment p JOIN booking b ON b.id = p.booking_id "
	"WHERE p.ref = ?",
	/* STMT_RUN_ADD */
	"INSERT INTO reconcile_run (day, actor, checked, mismatches, failed) "
	"VALUES (?, ?, ?, ?, ?)",
	/* STMT_ITEM_ADD */
	"INSERT INTO reconcile_item (run_id, kind, order_ref, booking_id, "
	"detail) VALUES (?, ?, ?, NULLIF(?, 0), ?)",
	/* STMT_TOTAL_ADD */
	"INSERT INTO reconcile_total (run_id, day, bank_fen, tucai_fen) "
	"VALUES (?, ?, ?, ?)",
	/* STMT_DUE: a run today (China)? */
	"SELECT COUNT(*) FROM reconcile_run WHERE failed = 0 AND "
	"DATE(at + INTERVAL 8 HOUR) = DATE(UTC_TIMESTAMP() + INTERVAL 8 HOUR)",
	/* STMT_RUNS: the latest runs, for the operator's page */
	"SELECT id, DATE_FORMAT(at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i') AS at, "
	"IFNULL(DATE_FORMAT(day, '%Y-%m-%d'), '') AS day, actor, checked, "
	"mismatches, failed FROM reconcile_run ORDER BY id DESC LIMIT 10",
	/* STMT_ITEMS: one run's mismatches */
	"SELECT kind, order_ref AS ref, IFNULL(booking_id, 0) AS booking_id, "
	"detail FROM reconcile_item WHERE run_id = ? ORDER BY id LIMIT 500",
	/* STMT_TOTALS: the captured money per day of one run, both sides */
	"SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, bank_fen, tucai_fen, "
	"CONCAT(bank_fen DIV 100, '.', LPAD(bank_fen MOD 100, 2, '0')) AS bank, "
	"CONCAT(tucai_fen DIV 100, '.', LPAD(tucai_fen MOD 100, 2, '0')) "
	"AS tucai FROM reconcile_total WHERE run_id = ? ORDER BY day DESC "
	"LIMIT 60",
	/* STMT_CASHUP: 日结, the fees collected on site per day, staff
	 * member and method (the staff member from the audit trail) */
	"SELECT DATE_FORMAT(p.created_at + INTERVAL 8 HOUR, '%Y-%m-%d') AS day, "
	"IFNULL(a.actor, '?') AS actor, IFNULL(p.method, '') AS method, "
	"COUNT(*) AS n, SUM(p.amount_fen) AS fen, "
	"CONCAT(SUM(p.amount_fen) DIV 100, '.', "
	"LPAD(SUM(p.amount_fen) MOD 100, 2, '0')) AS yuan "
	"FROM payment p LEFT JOIN audit a ON a.action = 'pay_onsite' "
	"AND a.entity = 'booking' AND a.entity_id = p.booking_id "
	"WHERE p.state = 'onsite' GROUP BY day, actor, method "
	"ORDER BY day DESC, actor, method LIMIT 200",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("reconcile", stmts);

static const struct {
	const char	*kind;
	const char	*label;
} kinds[] = {
	{ "amount", "Lang.Reconcile.Kind.amount" },
	{ "state", "Lang.Reconcile.Kind.state" },
	{ "only_tucai", "Lang.Reconcile.Kind.only_tucai" },
	{ "only_ledger", "Lang.Reconcile.Kind.only_ledger" },
	{ "captured_twice", "Lang.Reconcile.Kind.captured_twice" },
	{ "frozen_cancelled", "Lang.Reconcile.Kind.frozen_cancelled" },
};

const char *
reconcile_label(const char *kind)
{
	size_t	 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kind != NULL && strcmp(kind, kinds[i].kind) == 0)
			return L(kinds[i].label);
	return "";
}

/* A payment or hold state in Chinese, for the operator's page. */
static const char *
cn(const char *state)
{
	static const struct {
		const char	*s, *cn;
	} names[] = {
		{ "created", "Lang.Reconcile.State.created" },
		{ "pending", "Lang.Reconcile.State.pending" },
		{ "authorized", "Lang.Reconcile.State.authorized" },
		{ "captured", "Lang.Reconcile.State.captured" },
		{ "voided", "Lang.Reconcile.State.voided" },
		{ "failed", "Lang.Reconcile.State.failed" },
		{ "declined", "Lang.Reconcile.State.declined" },
		{ "lapsed", "Lang.Reconcile.State.lapsed" },
		{ "onsite", "Lang.Reconcile.State.onsite" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(state, names[i].s) == 0)
			return L(names[i].cn);
	return state;
}

/* One order of the provider's statement. */
struct bline {
	char		 ref[33];
	char		 state[12];
	char		 cday[11];
	long long	 amount, captured;
	int		 captures, voids, expired, seen;
};

/* One payment of tucai's. */
struct tline {
	char		 ref[33];
	char		 state[12];
	char		 bstate[12];
	char		 cday[11];
	long long	 amount, booking;
};

struct tlist {
	struct tline	*t;
	size_t		 n, cap;
	int		 oom;
};

/* Splits the statement into lines.  Returns the count, or -1. */
static long
parse(char *text, struct bline **out)
{
	struct bline	*b = NULL, *nb;
	size_t		 n = 0, cap = 0;
	char		*line, *next, *f[8];
	long long	 num[3];
	int		 k;

	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (k = 0; k < 8; k++) {
			f[k] = line;
			if ((line = strchr(line, '\t')) != NULL)
				*line++ = '\0';
			else if (k < 7)
				break;
		}
		if (k < 7 || strlen(f[0]) >= sizeof(b->ref))
			continue;	/* not a line of ours */
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((nb = realloc(b, cap * sizeof(*b))) == NULL) {
				free(b);
				return -1;
			}
			b = nb;
		}
		memset(&b[n], 0, sizeof(b[n]));
		snprintf(b[n].ref, sizeof(b[n].ref), "%s", f[0]);
		snprintf(b[n].state, sizeof(b[n].state), "%s", f[1]);
		if (util_parse_ll(f[2], &b[n].amount) != 0 ||
		    util_parse_ll(f[3], &b[n].captured) != 0 ||
		    util_parse_ll(f[4], &num[0]) != 0 ||
		    util_parse_ll(f[5], &num[1]) != 0 ||
		    util_parse_ll(f[6], &num[2]) != 0) {
			log_warn("reconcile: statement line %zu malformed: "
			    "refused", n + 1);
			free(b);
			return -1;
		}
		b[n].captures = (int)num[0];
		b[n].voids = (int)num[1];
		b[n].expired = (int)num[2];
		snprintf(b[n].cday, sizeof(b[n].cday), "%s", f[7]);
		n++;
	}
	*out = b;
	return (long)n;
}

static int
by_ref(const void *a, const void *b)
{

	return strcmp(((const struct bline *)a)->ref,
	    ((const struct bline *)b)->ref);
}

static int
on_payment(void *arg, int ncol, char **val, unsigned long *len)
{
	struct tlist	*l = arg;
	struct tline	*nt, *t;

	if (l->oom || ncol != 6 || val[0] == NULL)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;

		if ((nt = realloc(l->t, cap * sizeof(*nt))) == NULL) {
			l->oom = 1;
			return 0;
		}
		l->t = nt;
		l->cap = cap;
	}
	t = &l->t[l->n++];
	memset(t, 0, sizeof(*t));
	snprintf(t->ref, sizeof(t->ref), "%s", val[0]);
	snprintf(t->state, sizeof(t->state), "%s", val[1] ? val[1] : "");
	t->amount = val[2] ? strtoll(val[2], NULL, 10) : 0;
	t->booking = val[3] ? strtoll(val[3], NULL, 10) : 0;
	snprintf(t->bstate, sizeof(t->bstate), "%s", val[4] ? val[4] : "");
	snprintf(t->cday, sizeof(t->cday), "%s", val[5] ? val[5] : "");
	return 0;
}

/* Adds a mismatch of kind, its detail a word with values (lang.h):
 * add(r, kind, ref, booking, "Lang.Reconcile.X", LI("n", 2)). */
#define add(r, kind, ref, booking, word, ...)				\
	add_v((r), (kind), (ref), (booking), (word), LARGS(__VA_ARGS__))

static int
add_v(struct recon *r, const char *kind, const char *ref, long long booking,
    const char *word, const struct larg *a, size_t na)
{
	struct recon_item	*ni, *it;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;

		if ((ni = realloc(r->item, cap * sizeof(*ni))) == NULL)
			return -1;
		r->item = ni;
		r->cap = cap;
	}
	it = &r->item[r->n++];
	it->kind = kind;
	snprintf(it->ref, sizeof(it->ref), "%s", ref);
	it->booking_id = booking;
	(void)lang_fmtv(it->detail, sizeof(it->detail), word, a, na);
	return 0;
}

/* Does tucai's state t fit the provider's b (expired: b's hold ran out)? */
static int
fits(const char *t, const char *b, int expired)
{

	if (strcmp(t, "captured") == 0)
		return strcmp(b, "captured") == 0;
	if (strcmp(t, "authorized") == 0)
		return strcmp(b, "authorized") == 0;
	if (strcmp(t, "voided") == 0)
		return strcmp(b, "voided") == 0 || strcmp(b, "declined") == 0 ||
		    strcmp(b, "pending") == 0;
	if (strcmp(t, "lapsed") == 0)
		return (strcmp(b, "authorized") == 0 && expired) ||
		    strcmp(b, "voided") == 0;
	if (strcmp(t, "failed") == 0)
		return strcmp(b, "declined") == 0 || strcmp(b, "pending") == 0 ||
		    strcmp(b, "voided") == 0;
	if (strcmp(t, "created") == 0)	/* the notification on its way */
		return strcmp(b, "pending") == 0 ||
		    strcmp(b, "authorized") == 0 || strcmp(b, "declined") == 0;
	return 0;
}

/* Compares one payment with the provider's line.  0 or -1 (memory). */
static int
compare(struct recon *r, const struct tline *t, const struct bline *b)
{
	enum booking_state	 bs = bs_parse(t->bstate);
	int			 ended = bs == BS_CANCELLED || bs == BS_EXPIRED;

	if (t->amount != b->amount &&
	    add(r, "amount", t->ref, t->booking, "Lang.Reconcile.Amount",
	    LI("tucai", t->amount), LI("bank", b->amount)) != 0)
		return -1;
	if (b->captures > 0 && b->captured != t->amount &&
	    add(r, "amount", t->ref, t->booking, "Lang.Reconcile.Captured",
	    LI("captured", b->captured), LI("amount", t->amount)) != 0)
		return -1;
	if (b->captures > 1 && add(r, "captured_twice", t->ref, t->booking,
	    "Lang.Reconcile.Captures", LI("n", b->captures)) != 0)
		return -1;
	/* A frozen hold for a booking that has ended: money held for no
	 * reason, whatever tucai believes of the payment. */
	if (ended && strcmp(b->state, "authorized") == 0 && !b->expired)
		return add(r, "frozen_cancelled", t->ref, t->booking,
		    "Lang.Reconcile.Frozen", LS("ended",
		    L(bs == BS_CANCELLED ?
		    "Lang.Reconcile.Cancelled" : "Lang.Reconcile.Expired")),
		    LI("amount", b->amount));
	if (!fits(t->state, b->state, b->expired))
		return add(r, "state", t->ref, t->booking,
		    "Lang.Reconcile.StateDiff", LS("tucai", cn(t->state)),
		    LS("bank", cn(b->state)), LS("expired", b->expired ?
		    L("Lang.Reconcile.HoldExpired") : ""));
	return 0;
}

/* Per-day captured money: bank and tucai sides. */
struct total {
	char		 day[11];
	long long	 bank, tucai;
};

struct totals {
	struct total	 t[400];
	int		 n;
};

static void
count(struct totals *tt, const char *day, long long bank, long long tucai)
{
	int	 i;

	if (day == NULL || *day == '\0')
		return;
	for (i = 0; i < tt->n; i++)
		if (strcmp(tt->t[i].day, day) == 0)
			break;
	if (i == tt->n) {
		if (tt->n == (int)(sizeof(tt->t) / sizeof(tt->t[0])))
			return;
		snprintf(tt->t[i].day, sizeof(tt->t[i].day), "%s", day);
		tt->t[i].bank = tt->t[i].tucai = 0;
		tt->n++;
	}
	tt->t[i].bank += bank;
	tt->t[i].tucai += tucai;
}

static int
by_booking(const void *a, const void *b)
{
	long long	 x = (*(const struct tline *const *)a)->booking;
	long long	 y = (*(const struct tline *const *)b)->booking;

	return x < y ? -1 : x > y;
}

/* Bookings with more than one captured payment (either side). */
static int
twice(struct recon *r, const struct tlist *l, struct bline *b, long nb)
{
	const struct tline	**v;
	struct bline		 key, *f;
	size_t			 i, j, n = 0;
	int			 caps;

	if (l->n == 0)
		return 0;
	if ((v = calloc(l->n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < l->n; i++)
		v[n++] = &l->t[i];
	qsort(v, n, sizeof(*v), by_booking);
	for (i = 0; i < n; i = j) {
		for (caps = 0, j = i; j < n && v[j]->booking == v[i]->booking;
		    j++) {
			snprintf(key.ref, sizeof(key.ref), "%s", v[j]->ref);
			f = nb > 0 ? bsearch(&key, b, (size_t)nb, sizeof(*b), by_ref) :
		    NULL;
			if (strcmp(v[j]->state, "captured") == 0 ||
			    (f != NULL && strcmp(f->state, "captured") == 0))
				caps++;
		}
		if (caps > 1 && add(r, "captured_twice", v[i]->ref,
		    v[i]->booking, "Lang.Reconcile.CapturedTwice",
		    LI("n", caps)) != 0) {
			free(v);
			return -1;
		}
	}
	free(v);
	return 0;
}

/* Writes the run, its items and totals.  0 or a db.h code. */
static int
record(const char *day, const struct actor *who, struct recon *r,
    const struct totals *tt)
{
	size_t	 i;
	int	 k, rc;

	if ((rc = db_begin()) < 0)
		return rc;
	if ((rc = db_exec(&set, STMT_RUN_ADD, "ssiii", day,
	    who != NULL && who->name != NULL ? who->name : "?",
	    (long long)r->checked, (long long)r->n,
	    (long long)r->failed)) < 0)
		goto fail;
	r->run_id = db_last_id();
	for (i = 0; i < r->n; i++)
		if ((rc = db_exec(&set, STMT_ITEM_ADD, "issis", r->run_id,
		    r->item[i].kind, r->item[i].ref, r->item[i].booking_id,
		    r->item[i].detail)) < 0)
			goto fail;
	for (k = 0; tt != NULL && k < tt->n; k++)
		if ((rc = db_exec(&set, STMT_TOTAL_ADD, "isii", r->run_id,
		    tt->t[k].day, tt->t[k].bank, tt->t[k].tucai)) < 0)
			goto fail;
	return db_commit();
fail:
	db_rollback();
	return rc;
}

int
reconcile(const char *day, const struct actor *who, struct recon *r)
{
	const struct pay_provider	*pp = pay_provider();
	struct bline			*b = NULL, key, *f;
	struct tlist			 l, one;
	struct totals			*tt = NULL;
	char				*text = NULL;
	const char			*d = day != NULL ? day : "";
	size_t				 len, i;
	long				 nb, k;
	int				 rc;

	memset(r, 0, sizeof(*r));
	memset(&l, 0, sizeof(l));
	if (pp != NULL && pp->statement == NULL) {
		/* No money online: nothing to compare; the cash-up is all. */
		rc = record(day, who, r, NULL);
		return rc < 0 ? rc : 0;
	}
	if (pp == NULL || pp->statement(day, &text, &len) != 0) {
		log_warn("reconcile: the provider's statement could not be had");
		r->failed = 1;
		rc = record(day, who, r, NULL);
		return rc < 0 ? rc : 1;
	}
	if ((nb = parse(text, &b)) < 0 || (tt = calloc(1, sizeof(*tt))) ==
	    NULL) {
		rc = DB_ERR;
		goto out;
	}
	/* An empty statement (no order yet) has no lines: b is NULL, which
	 * qsort() and bsearch() must not be given, even for 0 elements. */
	if (nb > 0)
		qsort(b, (size_t)nb, sizeof(*b), by_ref);
	if ((rc = db_each(&set, STMT_PAYMENTS, on_payment, &l, "sss", d, d,
	    d)) < 0)
		goto out;
	if (l.oom) {
		rc = DB_ERR;
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		const struct tline *t = &l.t[i];

		snprintf(key.ref, sizeof(key.ref), "%s", t->ref);
		f = nb > 0 ? bsearch(&key, b, (size_t)nb, sizeof(*b), by_ref) :
		    NULL;
		r->checked++;
		count(tt, t->cday, 0, strcmp(t->state, "captured") == 0 ?
		    t->amount : 0);
		if (f == NULL) {
			/* Open or failed orders may never have reached it. */
			if (strcmp(t->state, "created") != 0 &&
			    strcmp(t->state, "failed") != 0 &&
			    add(r, "only_tucai", t->ref, t->booking,
			    "Lang.Reconcile.OnlyTucai", LS("state",
			    cn(t->state)), LI("amount", t->amount)) != 0)
				goto oom;
			continue;
		}
		f->seen = 1;
		if (compare(r, t, f) != 0)
			goto oom;
	}
	for (k = 0; k < nb; k++) {
		count(tt, b[k].cday, b[k].captured, 0);
		if (b[k].seen)
			continue;
		memset(&one, 0, sizeof(one));
		rc = db_each(&set, STMT_BY_REF, on_payment, &one, "s",
		    b[k].ref);
		if (rc < 0 || one.oom) {
			free(one.t);
			rc = rc < 0 ? rc : DB_ERR;
			goto out;
		}
		r->checked++;
		if (one.n == 0) {
			if (add(r, "only_ledger", b[k].ref, 0,
			    "Lang.Reconcile.OnlyLedger", LS("state",
			    cn(b[k].state)), LI("amount", b[k].amount)) != 0) {
				free(one.t);
				goto oom;
			}
		} else if (compare(r, &one.t[0], &b[k]) != 0) {
			free(one.t);
			goto oom;
		}
		free(one.t);
	}
	if (twice(r, &l, b, nb) != 0)
		goto oom;
	rc = record(day, who, r, tt);
	log_info("reconcile%s%s: %d orders, %zu mismatches", day ? " " : "",
	    day ? day : "", r->checked, r->n);
	goto out;
oom:
	rc = DB_ERR;
out:
	free(tt);
	free(l.t);
	free(b);
	free(text);
	return rc;
}

void
reconcile_free(struct recon *r)
{

	free(r->item);
	memset(r, 0, sizeof(*r));
}

int
reconcile_runs_hdf(HDF *hdf)
{

	return db_hdf(hdf, "Recon.Runs", &set, STMT_RUNS, "");
}

int
reconcile_hdf(HDF *hdf)
{
	HDF		*k;
	NEOERR		*err;
	long long	 last;
	int		 rc;

	if ((rc = db_hdf(hdf, "Recon.Runs", &set, STMT_RUNS, "")) < 0)
		return rc;
	if (rc > 0) {
		last = hdf_get_int_value(hdf, "Recon.Runs.0.id", 0);
		if ((rc = db_hdf(hdf, "Recon.Items", &set, STMT_ITEMS, "i",
		    last)) < 0 ||
		    (rc = db_hdf(hdf, "Recon.Totals", &set, STMT_TOTALS, "i",
		    last)) < 0)
			return rc;
		for (k = hdf_obj_child(hdf_get_obj(hdf, "Recon.Items"));
		    k != NULL; k = hdf_obj_next(k))
			if ((err = hdf_set_value(k, "label", reconcile_label(
			    hdf_get_value(k, "kind", "")))) != STATUS_OK) {
				nerr_log_error(err);
				nerr_ignore(&err);
				return DB_ERR;
			}
	}
	return db_hdf(hdf, "Recon.Cashup", &set, STMT_CASHUP, "");
}

int
reconcile_due(void)
{
	long long	 n = 0;
	int		 rc;

	if ((rc = db_one(&set, STMT_DUE, "", "i", &n)) < 0)
		return rc;
	return n == 0;
}
