/*
 * audit.c - the audit trail (table audit).
 */
#include "audit.h"
#include "db.h"

enum stmt {
	STMT_AUDIT_ADD,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_AUDIT_ADD */
	"INSERT INTO audit (actor_id, actor, action, entity, entity_id, "
	"school_id, field, before_val, after_val, reason) "
	"VALUES (NULLIF(?, 0), ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?)",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("audit", stmts);

int
audit_add(const struct actor *a, const char *action, const char *entity,
    long long entity_id, long long school_id, const char *field,
    const char *before, const char *after, const char *reason)
{
	int	 rc;

	rc = db_exec(&set, STMT_AUDIT_ADD, "isssiissss", a->id, a->name,
	    action, entity, entity_id, school_id, field, before, after, reason);
	return rc < 0 ? rc : 0;
}
