/*
 * privacy.h - PIPL (个人信息保护法): the separate consent to the ID-card
 * photo, the record of the operator's photos.zip exports, and the purge of
 * a closed task's ID-card photos and full ID numbers (tucai purge, sweep).
 * See schema/011-privacy.sql and README "Operations".
 */
#ifndef TUCAI_PRIVACY_H
#define TUCAI_PRIVACY_H

#include <stddef.h>

#include "domain/audit.h"

/*
 * The version of the notice on /idcard (templates/student/idcard.cs),
 * recorded with every consent.  Change it with the notice's text; an
 * instance that edits the template sets Privacy.NoticeVersion instead.
 */
#define PRIVACY_NOTICE_VERSION	"2025-06-v1"

/* Privacy.NoticeVersion, else PRIVACY_NOTICE_VERSION. */
const char	*privacy_notice_version(void);

/* Privacy.PurgeDays (default 30, at least 1): how long after its close a
 * task's ID-card photos and full ID numbers are kept. */
int		 privacy_purge_days(void);

/*
 * Store a student's ID-card photo (re-encoded JPEG jpg[0..len)) with the
 * consent the student gave to it, under the notice's version, in one
 * transaction that locks the student's row first.  Returns 0, 404 when
 * the student is not one of task_id, or a db.h error code.
 */
int		 privacy_idcard_add(long long student_id, long long task_id,
		    const void *jpg, size_t len);

/*
 * A photos.zip of the whole task went out complete: photos entries, the
 * newest of them last_photo_id.  user_id 0 for none.  Returns 0 or a db.h
 * error code.
 */
int		 privacy_export_done(long long task_id, long long user_id,
		    long long last_photo_id, size_t photos);

/* Outcomes of privacy_purge() besides 0 and db.h codes. */
#define PURGE_OPEN	1	/* the task is not closed */
#define PURGE_EARLY	2	/* closed less than Privacy.PurgeDays ago */
#define PURGE_EXPORT	3	/* a photo newer than the last photos.zip */
#define PURGE_DONE	4	/* purged before: nothing to do */
#define PURGE_NONE	5	/* no such task */

struct purge_info {
	char	 closed_at[20];	/* Asia/Shanghai, "YYYY-MM-DD HH:MM" */
	char	 due_at[20];	/* closed_at + Privacy.PurgeDays */
	char	 purged_at[20];	/* PURGE_DONE: when */
	int	 days;		/* Privacy.PurgeDays */
	int	 idcards;	/* ID-card photos removed */
	int	 masked;	/* students' ID numbers masked */
	int	 audit;		/* ID numbers masked in audit values */
	int	 uploads;	/* roster files waiting for a commit, removed */
};

/*
 * Purge the closed task task_id: remove its ID-card photos and the roster
 * files still waiting in roster_upload, mask its students' ID numbers
 * (and those in the audit trail's before/after values), keep the
 * students, their diploma photos and bookings; mark the task purged and
 * audit it (actor who, counts in after_val).  Refused (PURGE_*) while the
 * task is open, closed less than Privacy.PurgeDays ago, or holding a photo
 * newer than its last whole-task photos.zip.  Safe to run again, also
 * after an interruption.  Returns 0 with *pi filled, a PURGE_* outcome
 * (pi says why), or a db.h error code.
 */
int		 privacy_purge(long long task_id, const struct actor *who,
		    struct purge_info *pi);

struct purge_sweep {
	int	 purged;	/* tasks purged */
	int	 waiting;	/* due, but photos.zip not exported */
	char	 first[33];	/* the first of those waiting (a task code) */
};

/* Purge every task closed more than Privacy.PurgeDays ago and not purged
 * yet (actor who).  Returns 0 or a db.h error code. */
int		 privacy_sweep(const struct actor *who, struct purge_sweep *);

#endif
