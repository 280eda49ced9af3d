/*
 * report.h - “ask the teacher”: a student's report (a 采集码 not on the
 * roster, wrong 学籍 data) waits in the teacher's queue; the answer
 * reaches the student's home page.  Audited when answered.
 */
#ifndef TUCAI_REPORT_H
#define TUCAI_REPORT_H

#include <stddef.h>
#include <ClearSilver.h>

#include "domain/audit.h"

enum report_kind {
	REPORT_NOT_ON_ROSTER,
	REPORT_DATA_ERROR
};

/* Store a report of the session skey (32 bytes) for task_id (student_id
 * 0 when the student is not known).  Returns 0 or a db.h error code. */
int	 report_add(long long task_id, long long student_id,
	    const unsigned char skey[32], enum report_kind, const char *name,
	    const char *code, const char *message);

/* The student's reports (by student, or by the session when the student
 * is not known) into Reports.N: kind, message, state, answer, at.
 * Returns the number or a db.h error code. */
int	 report_student_hdf(HDF *, long long student_id,
	    const unsigned char skey[32]);

/* The queue for the staff pages: Reports.N of the school's tasks
 * (school_id 0: all), open first, with the student's masked data.
 * Returns the number or a db.h error code. */
int	 report_queue_hdf(HDF *, long long school_id);

/* How many are open (school_id 0: all).  >= 0 or a db.h error code. */
int	 report_open_count(long long school_id, long long *n);

/* The school of report id (for scoping): 1 with *school_id, 0 none. */
int	 report_school(long long id, long long *school_id);

/* Answer report id, once it is locked; audited.  Returns 0, 1 when it
 * was answered already, or a db.h error code. */
int	 report_answer(long long id, const char *answer, const struct actor *);

#endif
