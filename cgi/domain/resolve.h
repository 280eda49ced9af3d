/*
 * resolve.h - from a decoded 采集码 QR payload to a student of a task.
 *
 * The 采集码 is opaque (学信网 encrypts it); tucai resolves it through the
 * roster the operator loaded for the task.  This is the one place that
 * does so, so that another resolver (an online lookup at the collection
 * unit) can replace the roster later without touching the pages.
 */
#ifndef TUCAI_RESOLVE_H
#define TUCAI_RESOLVE_H

#include <stddef.h>

#define RESOLVE_CODE_MAX	64

/*
 * Extract the 采集码 from a QR payload of len bytes (it may hold NUL
 * bytes): either the code itself (4..64 of [A-Za-z0-9_-], surrounding
 * white space ignored) or an http(s) URL carrying it as a query parameter
 * (code, collect_code, cjm, cjcode, c) or as its last path segment.
 * Returns 0 with the code in out, or -1 when the payload holds no code.
 */
int	 resolve_extract(const char *payload, size_t len,
	    char out[RESOLVE_CODE_MAX + 1]);

/*
 * Map a payload to a student of task_id through the roster.  Returns 1
 * with *student_id set, 0 when the payload is not a 采集码 of this task,
 * or a db.h error code.
 */
int	 resolve_student(long long task_id, const char *payload, size_t len,
	    long long *student_id);

#endif
