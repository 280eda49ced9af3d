/*
 * seats.h - a task's bookable slots with the seats left, as the student
 * pages show them, kept per worker for at most a second.
 */
#ifndef TUCAI_SEATS_H
#define TUCAI_SEATS_H

/*
 * What the seats of the task in column col look like now: the newest
 * change of any of its slots (slot.changed_at, which the server sets on
 * every change of a row), one index lookup (schema 015).  A statement
 * that reads the task anyway selects it (one round trip less than asking
 * for the list) and hands it to seats_list().  Holds running out change
 * no row: seats_list() keeps the time the first live hold runs out.
 */
#define SEATS_SIG(col)							\
	"IFNULL((SELECT MAX(changed_at) FROM slot "			\
	"WHERE task_id = " col "), '')"

struct seat_slot {
	long long	 id;
	long long	 starts, ends;	/* UNIX time */
	long long	 left;		/* seats left; unpaid holds past their
					 * time count as free */
	/* the start and end in Beijing time, as the page shows them */
	char		 day[11];	/* YYYY-MM-DD */
	char		 md[6];		/* MM-DD */
	int		 dow;		/* 1 Sunday .. 7 Saturday */
	char		 t_from[6], t_to[6];	/* HH:MM */
};

/*
 * The future slots of the task's window, in time order, with the seats
 * left.  The answer may be up to a second old, and only while sig (from
 * SEATS_SIG, read by this request) is the one it was read with, no hold
 * counted as taken has run out since, and the clock was not moved: a
 * booking anywhere, or a hold running out, shows on the next page.
 * Booking itself always asks the database (booking.c).  Sets *rows
 * (valid until the next call) and returns their number, or a db.h error
 * code.
 */
int	 seats_list(long long task_id, const char *sig,
	    const struct seat_slot **rows);

#endif
