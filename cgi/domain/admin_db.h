/*
 * admin_db.h - the SQL of the admin dashboard (admin.c): lists into HDF,
 * task and slot changes, roster uploads kept between preview and commit,
 * exports, users.  Scoping is not done here: callers pass the school
 * filter from scope_filter() and check records with scope.h first.
 *
 * Return values: as db.h (>= 0 rows, or DB_ERR/DB_DUP/DB_CHECK) unless a
 * function says otherwise; 404 and 409 are the expected refusals.
 */
#ifndef TUCAI_ADMIN_DB_H
#define TUCAI_ADMIN_DB_H

#include <stddef.h>
#include <ClearSilver.h>

#include "domain/audit.h"
#include "infra/db.h"

/* Tasks with their counts (total, booked, checked_in, collected,
 * unbooked, cancelled) under PREFIX.N; school 0 = all, -1 = none;
 * task 0 = every task, else only that one. */
int	 adb_tasks(HDF *, const char *prefix, long long school, long long task);
/* The task's slots (local day, start, end, capacity, booked, pct, refs). */
int	 adb_slots(HDF *, const char *prefix, long long task);
/* Progress per class, the slowest first (class_name, total, active,
 * collected, unbooked, pct). */
int	 adb_classes(HDF *, const char *prefix, long long task);
/* Schools (id, code, name). */
int	 adb_schools(HDF *, const char *prefix);

struct adb_task {
	const char	*code, *title, *first_day, *last_day, *notice;
	long long	 school_id, fee_fen, require_id_photo, is_open;
	long long	 photo_max_kb;	/* the collection photo's size limit */
};
/* Insert (*tid == 0; sets *tid) or update task *tid, audited.  Returns 0,
 * DB_DUP (code taken), 404 (no such school), or a db.h error. */
int	 adb_task_save(const struct adb_task *, long long *tid,
	    const struct actor *);

/* The teacher named on the student pages (NULL or "": none).  0 or db. */
int	 adb_task_contact(long long tid, const char *name, const char *phone,
	    const struct actor *);

struct adb_slotgen {
	long long	 task_id, every, capacity;
	const char	*date_from, *date_to;	/* YYYY-MM-DD, local */
	const char	*from[2], *to[2];	/* HH:MM; [1] may be NULL */
	const char	*first_day, *last_day;	/* the task's window */
	long long	 school_id;		/* the task's (audit) */
};
/* NULL when the request makes sense, else a Chinese message. */
const char *adb_slotgen_check(const struct adb_slotgen *);
/* Add the slots (dates x time ranges x every N minutes) in one
 * transaction with its audit entry; existing start times are kept.
 * 0 with *added, or error. */
int	 adb_slots_add(const struct adb_slotgen *, int *added,
	    const struct actor *);
/* Set a slot's capacity, never below its booked seats.  0, 409, error. */
int	 adb_slot_capacity(long long slot, long long cap, const struct actor *);
/* Delete a slot nobody booked (booked = 0, no booking row), audited on
 * its task with what the slot was.  0, 409. */
int	 adb_slot_delete(long long slot, const struct actor *);

/* Roster file kept between preview and commit, tied to the session key,
 * the user and the task.  put: 0 with *id.  get: 1 with *buf (malloc'd,
 * caller frees), 0 unknown/expired/not this session's.  del: 0. */
int	 adb_upload_put(const unsigned char key[32], long long user,
	    long long task, const unsigned char *buf, size_t len, long long *id);
int	 adb_upload_get(long long id, const unsigned char key[32],
	    long long user, long long task, unsigned char **buf, size_t *len);
int	 adb_upload_del(long long id);

/* Export rows of a task to cb.  kind 0: collect_code, name, id_number,
 * student_no, edu_category, edu_level, class_name, state (NULL: none),
 * slot, shot_no; kind 1 (not booked): class_name, student_no, name,
 * collect_code. */
int	 adb_export(long long task, int kind, const char *state,
	    const char *class_name, db_row_cb cb, void *arg);

struct adb_search {
	long long	 school, task;
	const char	*q, *state, *class_name;	/* NULL = any */
};
/* Students found (at most 200) under PREFIX.N. */
int	 adb_search(HDF *, const char *prefix, const struct adb_search *);

/* A student's record into Rec.0, Bookings, Payments and History (the
 * audit entries; id numbers masked when mask).  Returns 1, 0 unknown. */
int	 adb_student(HDF *, long long id, int mask);

struct adb_auditq {
	long long	 scope, school, task, student;	/* 0 = any */
	const char	*user;		/* the actor's username; NULL = any */
	const char	*from, *to;	/* local YYYY-MM-DD, inclusive; NULL */
};
/* The last 300 audit entries matching, each with task_id and task_code
 * (0 and "" when not about a task): id numbers always masked, because
 * only the record page may show one in full. */
int	 adb_audit(HDF *, const char *prefix, const struct adb_auditq *);

/* Users (uid 0: all) under PREFIX.N. */
int	 adb_users(HDF *, const char *prefix, long long uid);
/* Create (*uid == 0: sets *uid) or change user *uid: role, school,
 * disabled, and the password hash when not NULL (which also unlocks).
 * Each changed field audited in the same transaction.  0, DB_DUP
 * (username taken), 404 (no such school), error. */
int	 adb_user_save(long long *uid, const char *username, const char *role,
	    long long school, long long disabled, const char *hash,
	    const struct actor *);

#endif
