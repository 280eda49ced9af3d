/*
 * student_db.h - roster storage shared by `tucai roster import` and the
 * admin roster upload: one transaction, audited updates.
 */
#ifndef TUCAI_STUDENT_DB_H
#define TUCAI_STUDENT_DB_H

#include "audit.h"
#include "roster.h"

/*
 * Store the valid rows of a parsed roster into task_id in one transaction.
 * A 采集码 already in the task updates that student; each changed field is
 * audited (reason "名单导入").  Returns 0 with the counts, or a db.h error
 * code with nothing changed.
 */
int	 roster_store(long long task_id, const struct roster *,
	    const struct actor *, int *inserted, int *updated);

#endif
