/*
 * db.h - the MariaDB layer.  Only files named db*.c include <mysql.h>.
 *
 * Statements live in per-module tables (struct db_set): an enum of
 * statement names paired with a const array of SQL text, prepared once per
 * connection and cached.  Parameters and results are described by short
 * format strings so callers never touch MYSQL_BIND:
 *
 *   in:  'i' long long        's' const char * (NULL = SQL NULL)
 *        'b' const void *, size_t (blob)
 *   out: 'i' long long *      's' char *, size_t (buffer, NUL-terminated; a
 *        value too long is logged and cut at a UTF-8 character boundary)
 *        'S' char ** (malloc'd, caller frees; NULL for SQL NULL)
 *        'B' unsigned char **, size_t * (malloc'd blob, caller frees)
 *
 * Return values: >= 0 success (rows affected / rows found);
 *   DB_ERR   the server is unreachable or failed: the request answers 503;
 *   DB_DUP   a unique key was violated (an expected outcome, e.g. 409);
 *   DB_CHECK a CHECK constraint failed (expected, e.g. a full slot);
 *   DB_RETRY a deadlock or lock wait timeout: the server rolled the
 *            transaction back; the caller may run the whole of it again.
 * After a lost connection the layer reconnects by itself on the next call.
 */
#ifndef TUCAI_DB_H
#define TUCAI_DB_H

#include <stddef.h>
#include <ClearSilver.h>

#define DB_ERR   (-1)
#define DB_DUP   (-2)
#define DB_CHECK (-3)
#define DB_RETRY (-4)

struct db_set {
	const char		*name;	/* for logs */
	const char *const	*sql;	/* statement texts, indexed by the module's enum */
	size_t			 n;
	size_t			 base;	/* filled in by the layer: cache slot offset */
};

#define DB_SET(name, arr) { name, arr, sizeof(arr) / sizeof((arr)[0]), 0 }

/* Connect using the configuration (DB.Socket, DB.Name, DB.User, DB.Password).
 * Returns 0 on success, DB_ERR otherwise (the caller may continue: every later
 * call tries again). */
int	 db_open(void);
/* Before db_open(): connect as DB.AdminUser / DB.AdminPassword (default
 * root over the socket), the account that owns the schema (migrate). */
void	 db_admin(void);
void	 db_close(void);
/* Is the connection usable right now?  Reconnects if needed.  0 = yes. */
int	 db_ensure(void);
/* Did the last DB_ERR come from a lost connection (vs. a bad statement)? */
int	 db_lost(void);

/* Is the database there (for /healthz)?  0 or DB_ERR. */
int	 db_ping(void);

/* Explicit short transactions.  Return 0 or DB_ERR. */
int	 db_begin(void);
int	 db_commit(void);
void	 db_rollback(void);

/* Execute a statement; returns rows affected. */
int	 db_exec(struct db_set *, int stmt, const char *in, ...);
/* Fetch the first row into outputs; returns 1 if found, 0 if none. */
int	 db_one(struct db_set *, int stmt, const char *in, const char *out, ...);
/* Fetch every row into HDF: PREFIX.N.column = value (column = SQL alias).
 * Returns the number of rows. */
int	 db_hdf(HDF *, const char *prefix, struct db_set *, int stmt, const char *in, ...);

/* Row-by-row iteration for exports: the callback gets each row's columns as
 * strings (NULL for SQL NULL) with their lengths; it returns 0 to go on. */
typedef int (*db_row_cb)(void *arg, int ncol, char **val, unsigned long *len);
int	 db_each(struct db_set *, int stmt, db_row_cb, void *arg, const char *in, ...);

/*
 * Lost races.  DB_TRIES runs in all (8: a 150-seat burst on a Galera
 * cluster lost 5 in a row now and then, tools/try-galera).
 * db_backoff(attempt) sleeps a jittered 5 ms << attempt (at most 200 ms)
 * and returns 1, or returns 0 when attempt was the last.
 * DB_TX(rc, call) runs call, a whole transaction that begins and ends
 * (commits or rolls back) itself, again while it gives DB_RETRY:
 *
 *	DB_TX(rc, end_once(stmt, id, reason));
 */
#define DB_TRIES 8
int	 db_backoff(int attempt);
#define DB_TX(rc, call) do {						\
	int a_;								\
	for (a_ = 0; ((rc) = (call)) == DB_RETRY && db_backoff(a_); a_++) \
		continue;						\
} while (0)

long long db_last_id(void);
/* Run a script of ';'-separated statements (migrations).  0 or DB_ERR. */
int	 db_script(const char *sql, char *err, size_t errsz);

#endif
