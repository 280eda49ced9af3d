/*
 * seats.c - the seats left on a task's slots for the student pages, one
 * statement, kept per worker for at most a second (issue 14: GET /slots
 * in at most three round trips, and usually one).
 *
 * A kept list is used only while the task's seat signature (SEATS_SIG,
 * which the request's task statement reads) is unchanged, the list is
 * younger than a second, no hold it counts as taken has run out since
 * (the list reads when the first does), and the test clock (clock.c) did
 * not move.  So a seat taken or given back anywhere, or a hold running
 * out unpaid, shows on the next page; what may be up to a second old is
 * a slot that started or was deleted meanwhile, or two changes in one
 * microsecond (in one second under a test clock, which the server's
 * clock follows).
 * The booking itself never reads this (booking.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/seats.h"
#include "infra/clock.h"
#include "infra/db.h"

enum stmt {
	STMT_LIST,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_LIST: the bookable slots, with unpaid holds past their
	 * time counted as free (the page writes nothing: booking_take()
	 * gives such seats back when it finds a slot full, the sweep
	 * for the rest) */
	"SELECT s.id, UNIX_TIMESTAMP(s.starts_at), UNIX_TIMESTAMP(s.ends_at), "
	"CAST(s.capacity AS SIGNED) - s.booked + "
	"(SELECT COUNT(*) FROM booking h WHERE h.slot_id = s.id "
	"AND h.state = 'held' AND h.hold_expires_at < UTC_TIMESTAMP()), "
	/* when the first hold still counted as taken runs out */
	"(SELECT UNIX_TIMESTAMP(MIN(h.hold_expires_at)) FROM booking h "
	"WHERE h.slot_id = s.id AND h.state = 'held' "
	"AND h.hold_expires_at >= UTC_TIMESTAMP()), UNIX_TIMESTAMP(), "
	/* Beijing time (UTC+8, no summer time) */
	"DATE_FORMAT(s.starts_at + INTERVAL 8 HOUR, '%Y-%m-%d'), "
	"DATE_FORMAT(s.starts_at + INTERVAL 8 HOUR, '%m-%d'), "
	"DAYOFWEEK(s.starts_at + INTERVAL 8 HOUR), "
	"DATE_FORMAT(s.starts_at + INTERVAL 8 HOUR, '%H:%i'), "
	"DATE_FORMAT(s.ends_at + INTERVAL 8 HOUR, '%H:%i') "
	"FROM slot s JOIN task t ON t.id = s.task_id "
	"WHERE s.task_id = ? AND s.starts_at > UTC_TIMESTAMP() "
	"AND DATE(s.starts_at + INTERVAL 8 HOUR) "
	"BETWEEN t.first_day AND t.last_day ORDER BY s.starts_at",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("seats", stmts);

#define KEPT		8	/* tasks a worker keeps lists of */
#define MAX_AGE		1.0	/* seconds */
#define SIG_MAX		128

struct kept {
	long long		 task_id;
	char			 sig[SIG_MAX];
	double			 at;		/* monotonic seconds */
	long long		 offset;	/* clock_offset() then */
	long long		 db_now;	/* the server's UNIX time then */
	long long		 runs_out;	/* ... when the first hold counted
						 * as taken runs out; 0: none */
	int			 n, cap;
	struct seat_slot	*rows;
};

static struct kept	 kept[KEPT];

static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
row_cb(void *arg, int ncol, char **val, unsigned long *len)
{
	struct kept	*k = arg;
	struct seat_slot *s;
	long long	 t;

	if (ncol < 11)
		return 1;
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		if ((k->rows = realloc(k->rows, (size_t)k->cap *
		    sizeof(*k->rows))) == NULL)
			abort();
	}
	s = &k->rows[k->n++];
	s->id = val[0] ? strtoll(val[0], NULL, 10) : 0;
	s->starts = val[1] ? strtoll(val[1], NULL, 10) : 0;
	s->ends = val[2] ? strtoll(val[2], NULL, 10) : 0;
	s->left = val[3] ? strtoll(val[3], NULL, 10) : 0;
	if (val[4] != NULL && (t = strtoll(val[4], NULL, 10)) > 0 &&
	    (k->runs_out == 0 || t < k->runs_out))
		k->runs_out = t;
	k->db_now = val[5] ? strtoll(val[5], NULL, 10) : 0;
	snprintf(s->day, sizeof(s->day), "%s", val[6] ? val[6] : "");
	snprintf(s->md, sizeof(s->md), "%s", val[7] ? val[7] : "");
	s->dow = val[8] ? atoi(val[8]) : 0;
	snprintf(s->t_from, sizeof(s->t_from), "%s", val[9] ? val[9] : "");
	snprintf(s->t_to, sizeof(s->t_to), "%s", val[10] ? val[10] : "");
	return 0;
}

int
seats_list(long long task_id, const char *sig,
    const struct seat_slot **rows)
{
	struct kept	*k = NULL, *old = &kept[0];
	double		 now = mono();
	int		 i, rc;

	if (sig == NULL)
		sig = "";
	for (i = 0; i < KEPT; i++) {
		if (kept[i].task_id == task_id) {
			k = &kept[i];
			break;
		}
		if (kept[i].at < old->at)
			old = &kept[i];
	}
	/* A hold runs out on the server's clock: the time since the list
	 * was read, on the monotonic clock, is added to the server's then. */
	if (k != NULL && *sig != '\0' && strcmp(k->sig, sig) == 0 &&
	    now - k->at < MAX_AGE && k->offset == clock_offset() &&
	    (k->runs_out == 0 || k->db_now + (now - k->at) < k->runs_out)) {
		*rows = k->rows;
		return k->n;
	}
	if (k == NULL) {
		k = old;
		k->task_id = 0;
	}
	k->n = 0;
	k->at = 0;
	k->runs_out = 0;
	k->db_now = 0;
	if ((rc = db_each(&set, STMT_LIST, row_cb, k, "i", task_id)) < 0) {
		k->task_id = 0;
		return rc;
	}
	k->task_id = task_id;
	snprintf(k->sig, sizeof(k->sig), "%s", sig);
	k->at = now;
	k->offset = clock_offset();
	*rows = k->rows;
	return k->n;
}
