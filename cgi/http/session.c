/*
 * session.c - sessions: a random 256-bit token in a cookie, known to the
 * database by its SHA-256 (a stolen table holds no usable cookie).
 *
 * Its CSRF token is derived from it (csrf.c), so that an anonymous form
 * carries a valid token without any row behind it: the row is written
 * when the visitor first submits something that must be remembered
 * (sess_save), never for a page view.  Seen-at is written at most once a
 * minute.
 */
#include <stdio.h>
#include <string.h>

#include <ClearSilver.h>
#include <sodium.h>

#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/log.h"
#include "http/web.h"
#include "http/http.h"

/* The session statements. */
enum stmt {
	STMT_SESS_GET,
	STMT_SESS_TOUCH,
	STMT_SESS_SAVE,
	STMT_SESS_ROTATE,
	STMT_SESS_END,
	STMT_SESS_END_USER,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_SESS_GET: the live session, and seconds since it was seen */
	"SELECT IFNULL(user_id, 0), IFNULL(task_id, 0), IFNULL(student_id, 0), "
	"flags, IFNULL(pending_student, 0), "
	"TIMESTAMPDIFF(SECOND, seen_at, UTC_TIMESTAMP()), "
	"IFNULL(LOWER(HEX(wx_openid)), '') FROM session "
	"WHERE skey = ? AND kind = ? "
	"AND seen_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE",
	/* STMT_SESS_TOUCH (with the flags, which a long absence may change) */
	"UPDATE session SET seen_at = UTC_TIMESTAMP(), flags = ? WHERE skey = ?",
	/* STMT_SESS_SAVE: the first save writes the row */
	"INSERT INTO session (skey, kind, csrf, user_id, task_id, student_id, "
	"flags, pending_student, wx_openid) VALUES (?, ?, '', NULLIF(?, 0), "
	"NULLIF(?, 0), NULLIF(?, 0), ?, NULLIF(?, 0), UNHEX(NULLIF(?, ''))) "
	"ON DUPLICATE KEY UPDATE "
	"user_id = VALUES(user_id), task_id = VALUES(task_id), "
	"student_id = VALUES(student_id), flags = VALUES(flags), "
	"pending_student = VALUES(pending_student), "
	"wx_openid = VALUES(wx_openid), seen_at = UTC_TIMESTAMP()",
	/* STMT_SESS_ROTATE */
	"UPDATE session SET skey = ? WHERE skey = ?",
	/* STMT_SESS_END */
	"DELETE FROM session WHERE skey = ?",
	/* STMT_SESS_END_USER: a user's admin sessions but the request's */
	"DELETE FROM session WHERE kind = ? AND user_id = ? AND skey <> ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("session", stmts);

static void
set_cookie(struct req *r, const char *token, int expire)
{
	int		 secure = conf_int("Site.SecureCookies", 0) != 0;
	char		 age[32] = "";
	long long	 days = conf_int("Session.StudentDays", 30);

	/* Students keep their link to the booking across browser restarts
	 * (CONTRACT 3); admin cookies end with the browser. */
	if (expire)
		snprintf(age, sizeof(age), "; Max-Age=0");
	else if (r->app->kind == SESS_STUDENT && days > 0)
		snprintf(age, sizeof(age), "; Max-Age=%lld", days * 86400);
	snprintf(r->setcookie, sizeof(r->setcookie),
	    "%s=%s; Path=%s; HttpOnly; SameSite=Lax%s%s", r->app->cookie,
	    expire ? "" : token, r->app->cookie_path, secure ? "; Secure" : "",
	    age);
}

/* A new token: the cookie value in hex, its key and CSRF token in r->s. */
static void
new_token(struct req *r, char hex[65])
{
	unsigned char	 raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, 65, raw, sizeof(raw));
	crypto_hash_sha256(r->s.key, (unsigned char *)hex, 64);
	csrf_derive(r->s.key, r->s.csrf);
	r->s.token = 1;
	web_set(r, "CSRF", r->s.csrf);
}

long long
sess_idle_minutes(const struct req *r)
{

	return r->app->kind == SESS_ADMIN ?
	    conf_int("Session.IdleMinutes", 30) :
	    conf_int("Session.StudentDays", 30) * 1440;
}

/*
 * The cookie's token: its key and CSRF token into r->s (r->s.token).  A
 * well-formed token is kept (its CSRF token is valid) even when no row
 * stands behind it.  1 when the cookie holds one, else 0.
 */
int
sess_token(struct req *r)
{
	char		 key[128];
	const char	*tok;

	snprintf(key, sizeof(key), "Cookie.%s", r->app->cookie);
	tok = hdf_get_value(r->hdf, key, NULL);
	if (tok == NULL || strlen(tok) != 64 || strspn(tok,
	    "0123456789abcdef") != 64)
		return 0;
	crypto_hash_sha256(r->s.key, (const unsigned char *)tok, 64);
	csrf_derive(r->s.key, r->s.csrf);
	r->s.token = 1;
	return 1;
}

/*
 * The row of r->s's session was read (its fields are in r->s; age is the
 * seconds since it was seen): the session is valid.  A session back after
 * a long time is flagged, in the same write as the touch; seen-at is
 * written at most once a minute.  0, or a db.h error code.
 */
int
sess_found(struct req *r, long long age)
{
	int	 rc;

	r->s.valid = 1;
	if (r->app->stale_after > 0 && age > r->app->stale_after &&
	    r->s.student_id != 0)
		r->s.flags |= r->app->stale_flag;
	if (age >= 60 && (rc = db_exec(&set, STMT_SESS_TOUCH, "ib",
	    r->s.flags, (const char *)r->s.key, (size_t)32)) < 0)
		return rc;
	return 0;
}

/*
 * The session named by the cookie (sess_token), and its row when the
 * database knows it (r->s.valid).  Returns 0, or a db.h error code.
 */
int
sess_load(struct req *r)
{
	long long	 age = 0;
	int		 rc;

	if (!sess_token(r))
		return 0;
	rc = db_one(&set, STMT_SESS_GET, "bii", "iiiiiis",
	    (const char *)r->s.key, (size_t)32, (long long)r->app->kind,
	    sess_idle_minutes(r), &r->s.user_id, &r->s.task_id,
	    &r->s.student_id, &r->s.flags, &r->s.pending, &age,
	    r->s.wx_openid, sizeof(r->s.wx_openid));
	if (rc <= 0)
		return rc;
	return sess_found(r, age);
}

int
sess_need(struct req *r)
{
	char	 hex[65];

	if (r->s.token)
		return 0;
	new_token(r, hex);
	set_cookie(r, hex, 0);
	return 0;
}

int
sess_save(struct req *r)
{
	int	 rc;

	sess_need(r);
	rc = db_exec(&set, STMT_SESS_SAVE, "biiiiiis", (const char *)r->s.key,
	    (size_t)32, (long long)r->app->kind, r->s.user_id, r->s.task_id,
	    r->s.student_id, r->s.flags, r->s.pending, r->s.wx_openid);
	if (rc < 0)
		return rc;
	r->s.valid = 1;
	return 0;
}

int
sess_rotate(struct req *r)
{
	unsigned char	 old[32];
	char		 hex[65];
	int		 rc, had = r->s.valid;

	memcpy(old, r->s.key, sizeof(old));
	new_token(r, hex);
	if (had && (rc = db_exec(&set, STMT_SESS_ROTATE, "bb",
	    (const char *)r->s.key, (size_t)32, (const char *)old,
	    (size_t)32)) < 0)
		return rc;
	set_cookie(r, hex, 0);
	return 0;
}

void
sess_end(struct req *r)
{

	if (r->s.valid)
		(void)db_exec(&set, STMT_SESS_END, "b",
		    (const char *)r->s.key, (size_t)32);
	memset(&r->s, 0, sizeof(r->s));
	hdf_remove_tree(r->hdf, "CSRF");
	set_cookie(r, "", 1);
}

int
sess_end_user(struct req *r, long long user_id)
{

	return db_exec(&set, STMT_SESS_END_USER, "iib",
	    (long long)SESS_ADMIN, user_id, (const char *)r->s.key,
	    (size_t)32);
}
