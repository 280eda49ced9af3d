/*
 * audit.h - the audit trail: who changed what, when, before, after, why.
 */
#ifndef TUCAI_AUDIT_H
#define TUCAI_AUDIT_H

struct actor {
	long long	 id;	/* user id, 0 for the command line */
	const char	*name;	/* username, or "tucai-cli" */
};

/* Append one entry.  Returns 0 or a db.h error code. */
int	 audit_add(const struct actor *, const char *action, const char *entity,
	    long long entity_id, long long school_id, const char *field,
	    const char *before, const char *after, const char *reason);

#endif
