/*
 * site_db.h - the collection day's rules and SQL: resolving a scanned
 * code, check-in with the day's shot number (拍摄号), walk-in bookings
 * (现场预约), storing photos with their history, and the photo export
 * listing.
 *
 * Visibility: every lookup takes school_id, the user's school (teacher,
 * or staff bound to a school); 0 means every school (operator, staff of
 * the collection unit).  "today" is the Asia/Shanghai date YYYY-MM-DD
 * (util_local_date), the day shot numbers count in.
 */
#ifndef TUCAI_SITE_DB_H
#define TUCAI_SITE_DB_H

#include <stddef.h>
#include <ClearSilver.h>

#include "domain/audit.h"

/* Outcomes besides db.h's error codes (which are negative). */
#define SITE_OK		0	/* done now */
#define SITE_AGAIN	1	/* already done before (idempotent repeat) */
#define SITE_WINDOW	2	/* outside the task's window, or task closed */
#define SITE_STATE	3	/* the booking's state does not allow it */
#define SITE_HAS	4	/* walk-in: the student already has a booking */

/*
 * Resolve a scanned or typed code: a booking token (32 hex) first, then a
 * 采集码 in a visible open task (the task whose window holds today wins).
 * Returns 1 with *student_id and *booking_id (the student's active
 * booking, 0 when none), 0 when nothing matches, or a db.h error code.
 */
int	 site_resolve(const char *code, long long school_id, const char *today,
	    long long *student_id, long long *booking_id);

/* The student's active booking id into *booking_id (0 when none), with
 * the visibility check: returns 1 visible student, 0 unknown or not
 * visible, or a db.h error code. */
int	 site_student_booking(long long student_id, long long school_id,
	    long long *booking_id);

/*
 * Check a booking in: held/booked -> checked_in with the next shot number
 * of the task and day (a race on the number is retried).  Returns
 * SITE_OK (checked in now) or SITE_AGAIN (checked in or collected before;
 * *shot_no is the number it got then), SITE_WINDOW, SITE_STATE
 * (cancelled/expired), or a db.h error code.  A check-in is audited
 * ("checkin", by who) in its transaction.
 */
int	 site_checkin(long long booking_id, const char *today,
	    long long *shot_no, const struct actor *who);

/*
 * Walk-in: create a booking already checked in (walkin = 1, no slot)
 * with the next shot number.  Returns SITE_OK with *booking_id,
 * SITE_HAS (an active booking exists: *booking_id is it), SITE_WINDOW,
 * or a db.h error code.  *fee_fen is the task's fee.  Audited
 * ("walkin", by who) in its transaction.
 */
int	 site_walkin(long long student_id, const char *today,
	    long long *booking_id, long long *fee_fen, const struct actor *who);

/* The booking's task: its photo size limit in KB and its school, for
 * the photo upload and the audit trail.  Returns 0 or a db.h error code. */
int	 site_booking_task(long long booking_id, long long *max_kb,
	    long long *school_id);

/* The fee the booking's task asks, in fen, and whether a payment already
 * covers it (authorized, captured or onsite): returns 0, or a db.h
 * error code. */
int	 site_fee(long long booking_id, long long *fee_fen, int *covered);

/*
 * Store a normalised photo for a checked-in (or, as a retake, collected)
 * booking: older photos of the student lose is_current, the new one is
 * current, and checked_in -> collected (once).  One transaction, the
 * booking row locked first so parallel uploads serialise.  Returns SITE_OK
 * (*collected_now 1 when this upload collected the booking), SITE_STATE
 * (not checked in), or a db.h error code.
 */
int	 site_photo_store(long long booking_id, const unsigned char *jpg,
	    size_t len, int quality, int bg_ok, long long user_id,
	    int *collected_now);

/* A JPEG of the student: photo_id 0 = the current photo, else that photo
 * of the student's history.  Returns 1 with *jpg malloc'd (caller frees),
 * 0 none, or a db.h error code. */
int	 site_photo_get(long long student_id, long long photo_id,
	    unsigned char **jpg, size_t *len);
/* The student's latest ID-card photo, as site_photo_get(). */
int	 site_idcard_get(long long student_id, unsigned char **jpg,
	    size_t *len);

/* Page data into hdf: Student.*, Booking.* (absent when none),
 * Payment.*, Photos.N.*, IdCard.  Returns 1, 0 when the student is
 * unknown or not visible, or a db.h error code. */
int	 site_student_hdf(HDF *, long long student_id, long long school_id,
	    int full_id);
/* Today's latest check-ins as Recent.N.{shot_no,name,student_id,state,
 * at,task}.  Returns the count or a db.h error code. */
int	 site_recent_hdf(HDF *, const char *today, long long school_id);

/* Task header for exports: returns 1 with code, 0 unknown/not visible,
 * or a db.h error code. */
int	 site_task_code(long long task_id, long long school_id, char *code,
	    size_t codesz);

/* One current photo of a task, for the ZIP export. */
struct site_zip_row {
	long long	 photo_id;
	char		*id_number, *collect_code, *student_no, *name,
			*class_name;
};

/* The task's current photos (metadata only), optionally of one class
 * (NULL = all), ordered by class and 学号.  Returns 0 with *rows malloc'd
 * (free with site_zip_free), or a db.h error code. */
int	 site_zip_list(long long task_id, const char *class_name,
	    struct site_zip_row **rows, size_t *n);
void	 site_zip_free(struct site_zip_row *, size_t);
/* The JPEG of one photo, as site_photo_get(). */
int	 site_zip_photo(long long photo_id, unsigned char **jpg, size_t *len);

#endif
