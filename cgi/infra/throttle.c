/*
 * throttle.c - counters in fixed windows and timed waits, in the database
 * (table throttle) so that every worker and every app host sees the same
 * count (throttle.h).
 */
#include <time.h>

#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/log.h"
#include "infra/throttle.h"

/* The throttle counters and waits (table throttle; the sweep forgets
 * rows older than a day). */
enum stmt {
	STMT_THROTTLE_ADD,
	STMT_THROTTLE_GET,
	STMT_WAIT_ADD,
	STMT_WAIT_GET,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_THROTTLE_ADD */
	"INSERT INTO throttle (k, window_start, n) VALUES (?, "
	"FROM_UNIXTIME(UNIX_TIMESTAMP() DIV ? * ?), ?) "
	"ON DUPLICATE KEY UPDATE n = n + VALUES(n)",
	/* STMT_THROTTLE_GET */
	"SELECT n FROM throttle WHERE k = ? AND "
	"window_start = FROM_UNIXTIME(UNIX_TIMESTAMP() DIV ? * ?)",
	/* STMT_WAIT_ADD: a wait under a key (window_start is the
	 * moment it ends; rows older than a day go with the sweep) */
	"INSERT IGNORE INTO throttle (k, window_start, n) VALUES (?, "
	"FROM_UNIXTIME(UNIX_TIMESTAMP() + ?), 0)",
	/* STMT_WAIT_GET: the latest wait under the key, and now */
	"SELECT UNIX_TIMESTAMP(MAX(window_start)), UNIX_TIMESTAMP() "
	"FROM throttle WHERE k = ? HAVING COUNT(*) > 0",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("throttle", stmts);

int
throttle_hit(const char *key, int limit, int window_s, int count)
{
	long long	 n;

	if ((n = throttle_count(key, window_s, count)) < 0)
		return (int)n;
	return n >= limit ? 1 : 0;
}

long long
throttle_count(const char *key, int window_s, int count)
{
	long long	 n = 0;
	int		 rc;

	if (count > 0 && (rc = db_exec(&set, STMT_THROTTLE_ADD, "siii", key,
	    (long long)window_s, (long long)window_s, (long long)count)) < 0)
		return rc;
	rc = db_one(&set, STMT_THROTTLE_GET, "sii", "i", key,
	    (long long)window_s, (long long)window_s, &n);
	if (rc < 0)
		return rc;
	return n;
}

int
throttle_left(int window_s)
{
	time_t	 now = clock_now();

	return window_s - (int)(now % window_s);
}

int
throttle_locked(const char *key, int *left)
{
	long long	 at = 0, now = 0;
	int		 rc;

	*left = 0;
	if ((rc = db_one(&set, STMT_WAIT_GET, "s", "ii", key, &at, &now)) < 0)
		return rc;
	if (rc == 0)
		return 2;	/* never set */
	if (now >= at)
		return 0;
	*left = (int)(at - now);
	return 1;
}

int
throttle_lock(const char *key, int seconds)
{
	int	 rc;

	rc = db_exec(&set, STMT_WAIT_ADD, "si", key, (long long)seconds);
	return rc < 0 ? rc : 0;
}

int
throttle_wait(const char *key, int delay_s, int *left)
{
	int	 rc;

	if ((rc = throttle_locked(key, left)) != 2)
		return rc;
	if ((rc = throttle_lock(key, delay_s)) < 0)
		return rc;
	*left = delay_s;
	return 1;
}
