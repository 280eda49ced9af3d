/*
 * audit.c - the audit trail (table audit).
 */
#include <string.h>

#include "domain/audit.h"
#include "infra/db.h"

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

/*
 * The value as the column takes it: at most max characters (the columns
 * count characters, not bytes), cut at a character boundary, so that a
 * long task notice or title is kept in part instead of failing the
 * INSERT.  Returns s itself when it fits, else a copy in buf (which has
 * room for max 4-byte characters), or NULL for NULL.
 */
static const char *
fit(const char *s, size_t max, char *buf, size_t bufsz)
{
	size_t	 i, n = 0;

	if (s == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++n > max)
			break;
	if (s[i] == '\0')
		return s;
	if (i >= bufsz)
		i = bufsz - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	memcpy(buf, s, i);
	buf[i] = '\0';
	return buf;
}

int
audit_add(const struct actor *a, const char *action, const char *entity,
    long long entity_id, long long school_id, const char *field,
    const char *before, const char *after, const char *reason)
{
	char	 nb[64 * 4 + 1], bb[255 * 4 + 1], ab[255 * 4 + 1];
	char	 rb[255 * 4 + 1];
	int	 rc;

	rc = db_exec(&set, STMT_AUDIT_ADD, "isssiissss", a->id,
	    fit(a->name, 64, nb, sizeof(nb)), action, entity, entity_id,
	    school_id, field, fit(before, 255, bb, sizeof(bb)),
	    fit(after, 255, ab, sizeof(ab)), fit(reason, 255, rb, sizeof(rb)));
	return rc < 0 ? rc : 0;
}
