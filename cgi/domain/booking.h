/*
 * booking.h - booking rules: seats, holds, check-in, close-out, sweep.
 */
#ifndef TUCAI_BOOKING_H
#define TUCAI_BOOKING_H

#include "domain/audit.h"
#include "domain/bstate.h"
#include "infra/text.h"

/* A booking as the student's pages show it (booking_latest). */
struct booking {
	long long		 id;
	enum booking_state	 state;
	long long		 slot_id;	/* 0: none */
	long long		 shot_no;	/* 拍摄号; 0: not yet */
	char			 day[11];	/* the slot's day, YYYY-MM-DD; "" none */
	int			 dow;		/* its weekday, 1 = Sunday (MariaDB) */
	char			 t_from[6], t_to[6];	/* HH:MM, China time */
	char			 hold_until[6];	/* HH:MM; "" when not held */
	long long		 fee_fen;	/* the task's fee */
	char			 title[UTF8_BUF(200)];	/* the task's title */
	char			 pay_state[16];	/* the latest payment's; "" none */
	long long		 ended_ts;	/* when cancelled or expired; 0 */
	char			 reauth_by[17];	/* confirm the hold again by; "" */
	int			 pay_onsite;	/* moved to 到场支付 */
};

/* The student's latest booking, of any state.  1 found, 0 none, or a
 * db.h error code. */
int	 booking_latest(long long student_id, struct booking *);

struct close_counts {
	int	 cancelled;	/* bookings cancelled by this run */
	int	 voided;	/* holds released by this run */
	int	 captured;	/* collected bookings' holds captured by this run */
	int	 collected;	/* collected bookings left untouched */
};

#define BK_BLOCK_MAX	50

/* What closing a task would do, read before it is done (the operator's
 * confirmation page, the CLI's refusal). */
struct close_plan {
	char	 code[33];
	char	 last_day[11];	/* YYYY-MM-DD, China time */
	long long school_id;
	int	 window_over;	/* the last day has passed */
	int	 to_cancel;	/* held, booked or checked in */
	int	 checked_in;	/* of those: checked in, no photo yet */
	int	 holds;		/* frozen holds to release (with ended ones) */
	int	 collected;	/* photo taken */
	int	 to_capture;	/* of those: hold still frozen, to capture */
	int	 nblock;	/* entries in block[] */
	char	 block[BK_BLOCK_MAX][256];	/* "姓名（拍摄号 N）" */
};

struct sweep_counts {
	int	 expired;	/* unpaid held seats given back */
	int	 lapsed;	/* payment holds past their expiry */
	int	 sessions;	/* idle sessions removed */
	int	 asked;		/* open orders the provider was asked about */
	int	 reauth;	/* students asked to confirm a hold again */
	int	 onsite;	/* ... who did not in time: 到场支付 */
};

/* Outcomes of booking_take() and booking_change() besides 0 and db.h codes. */
#define BK_FULL		1	/* the slot has no seat left -> 409 */
#define BK_BADSLOT	2	/* not a future slot of this open task -> 422 */
#define BK_ACTIVE	3	/* the student already has an active booking */
#define BK_STATE	4	/* the booking is not held/booked any more */
/* ... and of booking_close_task() */
#define BK_EARLY	5	/* the window is not over: --force needed */
#define BK_CHECKEDIN	6	/* checked in without a photo: --force needed */
#define BK_PROVIDER	7	/* the payment provider failed: run again */

/*
 * Take a seat on slot_id of task_id for a student.  A slot that reads
 * full (as committed, no lock) is answered BK_FULL at once; else in one
 * transaction: a conditional UPDATE of the slot (booked < capacity,
 * future, task open), then the booking row: 'held' until now + Booking.HoldMinutes, or
 * 'booked' at once when the task is free (fee 0).  A fresh 128-bit token
 * is the 预约二维码 payload.  Returns 0 with *booking_id, BK_FULL,
 * BK_BADSLOT, BK_ACTIVE (the unique key booking_active refused a second
 * active booking: nothing changed), or a db.h error code.  fee_fen is
 * the task's fee, from the task row the request read already.  *held
 * says whether a seat taken waits for the money ('held', the student
 * goes on to pay) or is booked.  Seats of holds past their time are
 * given back only when the slot is full and has such holds.
 */
int	 booking_take(long long task_id, long long fee_fen,
	    long long student_id, long long slot_id, long long *booking_id,
	    int *held);

/*
 * Move a held or booked booking to another slot of its task, atomically:
 * the new seat is taken before the old one is given back, in one
 * transaction.  Returns 0 (also when new_slot is the current one),
 * BK_FULL or BK_BADSLOT (booking unchanged), BK_STATE, or a db.h code.
 */
int	 booking_change(long long booking_id, long long new_slot_id);

/*
 * The student's active booking (held, booked, checked_in or collected).
 * Returns 1 with *booking_id and *state, 0 when none (BS_NONE), or a db.h
 * error code.
 */
int	 booking_active(long long student_id, long long *booking_id,
	    enum booking_state *state);

/*
 * Inside the caller's transaction: the booking's row lock, taken before
 * any other row of the booking's (its payments).  *live is 1 when the
 * booking is held, booked, checked in or collected.  Returns 1, 0 when
 * there is no such booking (*live 0), or a db.h error code.
 */
int	 booking_lock(long long booking_id, int *live);

/*
 * Inside the caller's transaction, after booking_lock(): a new hold came
 * for a booking whose student was asked to confirm the pre-authorisation
 * again (or who was moved to 到场支付).  Returns 1 when it was such a
 * booking (the flags are cleared; the caller releases the older holds),
 * 0 otherwise, or a db.h error code.
 */
int	 booking_reauth_done(long long booking_id);

/*
 * The payment of a held booking was authorised: held -> booked (clears the
 * seat hold's expiry).  Returns 0 when booked now or already, 1 when the
 * booking is no longer held (expired or cancelled: the caller releases the
 * payment), or a db.h error code.  Called by pay.c inside its
 * transaction, after booking_lock().
 */
int	 booking_paid(long long booking_id);

/* Once per process, before any payment is applied: registers the three
 * calls above with pay.c (pay_listen). */
void	 booking_init(void);

/*
 * Cancel an active booking that is held or booked: the seat is given back
 * and the payment hold released exactly once (a conditional UPDATE on the
 * state, so two clicks or two tabs do it once).  Returns 0 cancelled now,
 * 1 not cancellable (already cancelled, checked in or collected), or a
 * db.h error code.  The booking is cancelled first and its hold released
 * after; when the provider fails the release, booking_sweep() retries it.
 */
int	 booking_cancel(long long booking_id, const char *reason,
	    const struct actor *);

/*
 * What closing task_id would do.  Returns 1 with *p filled, 0 when there
 * is no such task, or a db.h error code.
 */
int	 booking_close_plan(long long task_id, struct close_plan *p);

/*
 * Close a task whose window is over: cancel every uncollected booking and
 * release its hold, capture the holds of collected bookings still frozen,
 * exactly once each even when run twice at once or again after being
 * killed half-way.  Refused with BK_EARLY before the window's last day
 * has passed, and with BK_CHECKEDIN while bookings are checked in without
 * a photo, unless force (then reason, which the caller requires, is
 * audited).  Every close is audited with its counts.  Returns 0,
 * BK_PROVIDER when the payment provider could not be reached (run
 * again), BK_EARLY, BK_CHECKEDIN, or a db.h error code.
 */
int	 booking_close_task(long long task_id, const struct actor *,
	    int force, const char *reason, struct close_counts *);

/* Give back the seats of the task's unpaid holds past their time (so the
 * slot list is true even between sweeps).  Returns how many, or a db.h
 * error code. */
int	 booking_expire_task(long long task_id);

/* Housekeeping for cron.  Returns 0 or a db.h error code. */
int	 booking_sweep(struct sweep_counts *);

#endif
