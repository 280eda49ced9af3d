/*
 * booking.h - booking rules: seats, holds, check-in, close-out, sweep.
 */
#ifndef TUCAI_BOOKING_H
#define TUCAI_BOOKING_H

#include "audit.h"

struct close_counts {
	int	 cancelled;	/* bookings cancelled by this run */
	int	 voided;	/* holds released by this run */
	int	 collected;	/* collected bookings left untouched */
};

struct sweep_counts {
	int	 expired;	/* unpaid held seats given back */
	int	 lapsed;	/* payment holds past their expiry */
	int	 sessions;	/* idle sessions removed */
};

/*
 * Close a task whose window is over: cancel every uncollected booking and
 * release its hold, exactly once even when run twice at once or again after
 * being killed half-way.  Returns 0, 1 when the payment provider could not
 * be reached (run again), or a db.h error code.
 */
int	 booking_close_task(long long task_id, const struct actor *,
	    struct close_counts *);

/* Housekeeping for cron.  Returns 0 or a db.h error code. */
int	 booking_sweep(struct sweep_counts *);

#endif
