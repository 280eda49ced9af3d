/*
 * throttle.h - counters in fixed windows and timed waits, kept in the
 * database so that every worker and app host counts the same.
 */
#ifndef TUCAI_THROTTLE_H
#define TUCAI_THROTTLE_H

/*
 * Counters live in fixed windows of window_s seconds.
 * throttle_hit() adds count (may be 0) under key and returns 1 when the
 * window's total is at least limit, else 0, or a db.h error code.
 * throttle_count() returns the total (or a db.h error code).
 * throttle_left() is the number of seconds until the current window
 * ends.  throttle_lock() closes key for seconds; throttle_locked() returns 1 (with
 * *left seconds to go) while it is closed, 0 once it has passed, 2 when
 * it was never closed (or a db.h error code).  throttle_wait() closes key for
 * delay_s seconds the first time it is asked and returns 1 (with *left)
 * until that has passed, then 0 (for a day: the sweep forgets it).
 */
int		 throttle_hit(const char *key, int limit, int window_s, int count);
long long	 throttle_count(const char *key, int window_s, int count);
int		 throttle_left(int window_s);
int		 throttle_lock(const char *key, int seconds);
int		 throttle_locked(const char *key, int *left);
int		 throttle_wait(const char *key, int delay_s, int *left);

#endif
