/*
 * student_db.h - roster storage shared by `tucai roster import` and the
 * admin roster upload: one transaction, audited updates.
 */
#ifndef TUCAI_STUDENT_DB_H
#define TUCAI_STUDENT_DB_H

#include "domain/audit.h"
#include "domain/roster.h"

/*
 * Store the valid rows of a parsed roster into task_id in one transaction.
 * A 采集码 already in the task updates that student; each changed field is
 * audited (reason "名单导入").  A row whose ID number belongs to another
 * student of the task is moved to the rejects (roster_drop_row).  Returns
 * 0 with the counts, or a db.h error code with nothing changed.
 */
int	 roster_store(long long task_id, struct roster *,
	    const struct actor *, int *inserted, int *updated);

/*
 * A correction of a student's 学籍 data (FAQ 2) by a teacher, operator or
 * staff member.  Each member is the new value, or NULL to keep the old one.
 */
struct student_fix {
	const char	*name;		/* 1..32 characters */
	const char	*id_number;	/* checked with idnum_check() */
	const char	*student_no;	/* 1..32 of [A-Za-z0-9_-] */
	const char	*class_name;	/* 1..32 characters */
	const char	*edu_category;	/* 1..32 characters */
	const char	*edu_level;	/* 1..32 characters */
};

/*
 * Validate and apply a correction in one transaction: every field that
 * changes is audited (action "correct": who, when, before, after, reason).
 * reason is required.  Returns 0 with *changed = the number of fields
 * changed (0: nothing to do), 422 with *why pointing to a static Chinese
 * message when a value is invalid (nothing changed), 404 when the student
 * does not exist, or a db.h error code (nothing changed).
 */
int	 student_correct(long long student_id, const struct student_fix *,
	    const char *reason, const struct actor *, int *changed,
	    const char **why);

#endif
