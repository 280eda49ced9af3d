/*
 * auth.c - admin logins and the session's user (see auth.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "domain/audit.h"
#include "http/auth.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "infra/text.h"

enum stmt {
	STMT_USER_BY_NAME,
	STMT_USER_LOAD,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_USER_BY_NAME: hash, disabled (locked_until is no longer
	 * set: failures slow a username and address pair instead) */
	"SELECT id, pw_hash, disabled, "
	"COALESCE(locked_until > UTC_TIMESTAMP(), 0), COALESCE(school_id, 0) "
	"FROM user "
	"WHERE username = ?",
	/* STMT_USER_LOAD */
	"SELECT u.username, u.role, COALESCE(u.school_id, 0), u.disabled, "
	"COALESCE(s.name, '') FROM user u LEFT JOIN school s "
	"ON s.id = u.school_id WHERE u.id = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("auth", stmts);

static const struct role {
	const char	*name;	/* database */
	int		 bit;
	const char	*zh;	/* shown in the layout: a word's key */
} roles[] = {
	{ "operator", R_OPERATOR, "Lang.Admin.Role.operator" },
	{ "teacher", R_TEACHER, "Lang.Admin.Role.teacher" },
	{ "staff", R_STAFF, "Lang.Admin.Role.staff" },
};

int
auth_role(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].bit;
	return 0;
}

int
auth_hash(const char *pw, char *out, size_t outsz)
{

	if (outsz < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

/* Spend the time of one verification for an unknown user, so that the
 * answer's timing does not tell which usernames exist. */
static void
burn(const char *pw)
{
	static char	 dummy[crypto_pwhash_STRBYTES];

	if (dummy[0] == '\0' && auth_hash("tucai-not-a-user", dummy,
	    sizeof(dummy)) != 0)
		return;
	if (crypto_pwhash_str_verify(dummy, pw, strlen(pw)) == 0)
		log_warn("auth: the dummy hash matched");
}

/* The throttle key of a username and address pair (the name hashed: the
 * table holds no usernames someone mistyped). */
static void
pair_key(const char *username, const char *client, char *out, size_t outsz)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		 hex[17];

	crypto_hash_sha256(h, (const unsigned char *)username,
	    strlen(username));
	sodium_bin2hex(hex, sizeof(hex), h, 8);
	snprintf(out, outsz, "login:%s:%s", hex, client);
}

/*
 * The audit entry of a login ("login") or of a refused one ("login_fail",
 * with why).  A refused one names the username that was typed, never the
 * password, and no user id as its actor: nobody proved to be that user.
 * The address is the after value.  Returns 0 or a db.h error code.
 */
static int
login_audit(const char *action, const char *username, long long uid,
    long long school, const char *client, const char *why)
{
	struct actor	 a;

	a.id = why == NULL ? uid : 0;
	a.name = username;
	return audit_add(&a, action, "user", uid, school, "address", NULL,
	    client, why);
}

int
auth_login(const char *username, const char *pw, const char *client,
    long long *uid)
{
	char		 hash[crypto_pwhash_STRBYTES], key[128];
	long long	 disabled = 0, locked = 0, school = 0;
	int		 rc, limit, known;

	*uid = 0;
	limit = (int)conf_int("Throttle.LoginFailures", AUTH_MAXFAIL);
	pair_key(username, client, key, sizeof(key));
	if ((rc = throttle_hit(key, limit, AUTH_WINDOW, 0)) != 0) {
		if (rc > 0)
			log_info("admin login: pair slowed down (%s)", client);
		return rc < 0 ? rc : 429;
	}
	rc = db_one(&set, STMT_USER_BY_NAME, "s", "isiii", username, uid,
	    hash, sizeof(hash), &disabled, &locked, &school);
	if (rc < 0)
		return rc;
	known = rc == 1;
	if (rc == 0) {
		burn(pw);
		log_info("admin login: unknown user");
	} else if (crypto_pwhash_str_verify(hash, pw, strlen(pw)) != 0) {
		log_info("admin login: user %lld wrong password", *uid);
		rc = 0;
	}
	if (rc == 0) {
		/* A user that exists is named (and its school can see the
		 * attempt); an unknown name only by the text typed. */
		if ((rc = login_audit("login_fail", username, *uid, school,
		    client, L(known ? "Lang.Admin.Audit.WrongPassword" :
		    "Lang.Admin.Audit.NoSuchUser"))) < 0)
			return rc;
		*uid = 0;
		if ((rc = throttle_hit(key, limit, AUTH_WINDOW, 1)) < 0)
			return rc;
		return 422;
	}
	if (disabled) {
		log_info("admin login: user %lld disabled", *uid);
		if ((rc = login_audit("login_fail", username, *uid, school,
		    client, L("Lang.Admin.Audit.UserDisabled"))) < 0)
			return rc;
		return 403;
	}
	log_info("admin login: user %lld logged in", *uid);
	return login_audit("login", username, *uid, school, client, NULL);
}

int
auth_load_user(struct req *r)
{
	char		 name[UTF8_BUF(64)], role[16], school[UTF8_BUF(100)];
	long long	 sid = 0, disabled = 0;
	size_t		 i;
	int		 rc;

	rc = db_one(&set, STMT_USER_LOAD, "i", "ssiis", r->s.user_id,
	    name, sizeof(name), role, sizeof(role), &sid, &disabled,
	    school, sizeof(school));
	if (rc < 0)
		return web_dberr(rc);
	if (rc == 0 || disabled) {
		log_info("admin: user %lld disabled or gone: logged out",
		    r->s.user_id);
		sess_end(r);
		return 0;
	}
	r->s.role = auth_role(role);
	r->s.school_id = sid;
	web_set(r, "User.Name", name);
	web_setf(r, "User.Id", "%lld", r->s.user_id);
	web_set(r, "User.School", school);
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].bit == r->s.role)
			web_set(r, "User.RoleName", L(roles[i].zh));
	web_set(r, "User.Role", role);
	if (r->s.role == R_OPERATOR)
		web_set(r, "User.IsOperator", "1");
	if (r->s.role & (R_OPERATOR | R_STAFF))
		web_set(r, "User.CanSite", "1");
	web_set(r, "User.CanStudents", "1");
	if (r->s.role & (R_OPERATOR | R_TEACHER)) {
		web_set(r, "User.CanAudit", "1");
		web_set(r, "User.FullId", "1");
		web_set(r, "User.CanExport", "1");
	}
	return 0;
}
