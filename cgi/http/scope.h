/*
 * scope.h - the one place that decides whether the logged-in admin user
 * may see a record.  Operators see everything; a teacher sees only the
 * records of the school in the session (r->s.school_id); staff without a
 * school see every school, staff bound to a school only that one.
 *
 * Every refusal answers 404 (the record "does not exist" for this user,
 * so ids of other schools cannot be probed) and is logged with log_info:
 * user id, kind of record and id, never personal data.
 */
#ifndef TUCAI_SCOPE_H
#define TUCAI_SCOPE_H

#include "http/web.h"

/* The school a list must be limited to: 0 = every school (operator, staff
 * without a school), > 0 = that school, -1 = nothing (teacher without a
 * school). */
long long	 scope_filter(const struct req *);

/* May the user see this school / task / student / slot?  Return 0 when yes,
 * 404 when the record is unknown or out of scope (logged), or 500/503 on a
 * database error.  The out parameters (may be NULL) get the record's task
 * and school when the answer is 0. */
int		 scope_school(struct req *, long long school_id);
int		 scope_task(struct req *, long long task_id, long long *school_id);
int		 scope_student(struct req *, long long student_id,
		    long long *task_id, long long *school_id);
int		 scope_slot(struct req *, long long slot_id, long long *task_id);

#endif
