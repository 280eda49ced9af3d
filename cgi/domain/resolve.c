/*
 * resolve.c - 采集码 payload -> student, through the task's roster.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "infra/db.h"
#include "domain/resolve.h"

enum stmt {
	STMT_BY_CODE,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_BY_CODE (collation ignores case, like the roster import) */
	"SELECT id FROM student WHERE task_id = ? AND collect_code = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("resolve", stmts);

/* Query parameter names that may carry the code, in order of preference. */
static const char *const params[] = { "code", "collect_code", "cjm",
    "cjcode", "c" };

static int
code_char(int c)
{

	return isalnum(c) || c == '-' || c == '_';
}

/* Copy s[0..n) to out if it is a well-formed code.  0 or -1. */
static int
take(const char *s, size_t n, char out[RESOLVE_CODE_MAX + 1])
{
	size_t	 i;

	if (n < 4 || n > RESOLVE_CODE_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if (!code_char((unsigned char)s[i]))
			return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* The code from the URL's query string q[0..n) (no '#'). */
static int
from_query(const char *q, size_t n, char out[RESOLVE_CODE_MAX + 1])
{
	const char	*p, *end, *eq, *amp;
	size_t		 k, klen;

	for (k = 0; k < sizeof(params) / sizeof(params[0]); k++) {
		klen = strlen(params[k]);
		for (p = q, end = q + n; p < end; p = amp + 1) {
			if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
				amp = end;
			eq = memchr(p, '=', (size_t)(amp - p));
			if (eq != NULL && (size_t)(eq - p) == klen &&
			    strncasecmp(p, params[k], klen) == 0 &&
			    take(eq + 1, (size_t)(amp - eq - 1), out) == 0)
				return 0;
		}
	}
	return -1;
}

int
resolve_extract(const char *payload, size_t len,
    char out[RESOLVE_CODE_MAX + 1])
{
	const char	*s = payload, *e = payload + len, *path, *q, *frag, *seg;

	out[0] = '\0';
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (memchr(s, '\0', (size_t)(e - s)) != NULL)
		return -1;
	if (take(s, (size_t)(e - s), out) == 0)
		return 0;
	if (!((size_t)(e - s) > 8 && (strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0)))
		return -1;
	if ((frag = memchr(s, '#', (size_t)(e - s))) != NULL)
		e = frag;
	path = memchr(s + 8, '/', (size_t)(e - s - 8));
	q = memchr(s, '?', (size_t)(e - s));
	if (q != NULL && from_query(q + 1, (size_t)(e - q - 1), out) == 0)
		return 0;
	if (path == NULL)
		return -1;
	if (q != NULL)
		e = q;
	while (e > path && e[-1] == '/')
		e--;
	for (seg = e; seg > path && seg[-1] != '/'; seg--)
		continue;
	return take(seg, (size_t)(e - seg), out);
}

int
resolve_student(long long task_id, const char *payload, size_t len,
    long long *student_id)
{
	char	 code[RESOLVE_CODE_MAX + 1];

	*student_id = 0;
	if (resolve_extract(payload, len, code) != 0)
		return 0;
	return db_one(&set, STMT_BY_CODE, "is", "i", task_id, code,
	    student_id);
}
