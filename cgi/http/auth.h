/*
 * auth.h - admin logins: Argon2id passwords (libsodium), slowed failures, and the
 * session's user (role and school) for every admin request.
 */
#ifndef TUCAI_AUTH_H
#define TUCAI_AUTH_H

#include <stddef.h>

#include "http/web.h"

#define AUTH_MAXFAIL	5	/* failures of a pair (Throttle.LoginFailures) */
#define AUTH_WINDOW	900	/* ... in this many seconds */

/*
 * Check a username and password from address client.  Failures count per
 * username and address pair, never per account, so that nobody can lock
 * someone else out.  Returns 0 with *uid set, 422 wrong username or
 * password (the same for both), 429 the pair failed too often in the
 * last 15 minutes (for every try, right or wrong), 403 the account is
 * disabled, or a db.h error code.  Never logs the password.
 */
int	 auth_login(const char *username, const char *password,
	    const char *client, long long *uid);

/* Hash a password (Argon2id, interactive limits) into out.  0 or -1. */
int	 auth_hash(const char *password, char *out, size_t outsz);

/*
 * The app's load_user hook: fills r->s.role (R_*) and r->s.school_id from
 * the user table and User.* in the HDF for the layout.  A user that is
 * disabled or gone is logged out (session ended, r->s.user_id = 0).
 * Returns 0, or 500/503 on a database error.
 */
int	 auth_load_user(struct req *);

/* Role name in the database ("operator") -> R_* bit, 0 when unknown. */
int	 auth_role(const char *);

#endif
