/*
 * db.c - MariaDB Connector/C behind a small, format-string API (db.h).
 *
 * One connection per process.  Statements are prepared on first use and
 * cached per connection.  The connector's automatic reconnect option is
 * deliberately not used (prepared statements die and transactions silently
 * go on in autocommit after an automatic reconnect): on a lost connection
 * every statement is closed and the next call connects again.  Outside a transaction a
 * statement that fails because the connection was lost is retried once on
 * a fresh connection; inside one, the caller gets DB_ERR and the request
 * answers 503 with nothing confirmed to the user.
 *
 * A statement outside a transaction that the server chose as a deadlock
 * victim (or whose lock wait timed out) is run again here, with jittered
 * backoff (db_backoff); a transaction is run again by its caller through
 * DB_TX (db.h), with the same backoff.  Those are the only two places
 * where a lost race is retried.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <sodium.h>

#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/log.h"
#include "infra/util.h"

#define DB_MAXPARAM	32

static MYSQL		 *conn;
static MYSQL_STMT	**cache;	/* by set->base + stmt */
static size_t		  ncache;
static size_t		  nextbase = 1;
static int		  intx;		/* inside a transaction */
static int		  lost;		/* the last DB_ERR was a lost connection */
static long long	  ts_set;	/* SET timestamp in force, 0 = none */
static int		  admin;	/* connect as DB.AdminUser (migrate) */

static int
is_lost(unsigned int e)
{

	switch (e) {
	case CR_SERVER_GONE_ERROR:	/* 2006 */
	case CR_SERVER_LOST:		/* 2013 */
	case CR_CONNECTION_ERROR:	/* 2002 */
	case CR_CONN_HOST_ERROR:	/* 2003 */
	case CR_COMMANDS_OUT_OF_SYNC:	/* 2014 */
	case ER_UNKNOWN_STMT_HANDLER:	/* 1243 */
	case ER_SERVER_SHUTDOWN:	/* 1053 */
	case 1927:			/* connection killed */
	case 2055:			/* lost connection at reading */
	case 4031:			/* idle client disconnected */
		return 1;
	default:
		return 0;
	}
}

static void
drop(void)
{
	size_t	 i;

	for (i = 0; i < ncache; i++)
		if (cache[i] != NULL) {
			mysql_stmt_close(cache[i]);
			cache[i] = NULL;
		}
	if (conn != NULL)
		mysql_close(conn);
	conn = NULL;
	intx = 0;
	ts_set = 0;
}

int
db_open(void)
{
	unsigned int	 timeout = 3, rw = 30;
	const char	*host;
	const char	*init =
	    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,"
	    "NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO',"
	    " tx_isolation = 'READ-COMMITTED'";

	if (conn != NULL)
		return 0;
	if ((conn = mysql_init(NULL)) == NULL)
		return DB_ERR;
	mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(conn, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(conn, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(conn, MYSQL_INIT_COMMAND, init);
	/* DB.Host (an app host whose database is elsewhere: another host,
	 * a Galera node) over TCP with DB.Port, else the local socket. */
	host = conf_str("DB.Host", "");
	if (mysql_real_connect(conn, *host != '\0' ? host : NULL,
	    admin ? conf_str("DB.AdminUser", "root") :
	    conf_str("DB.User", "tucai"),
	    admin ? conf_str("DB.AdminPassword", "") :
	    conf_str("DB.Password", ""),
	    conf_str("DB.Name", "tucai"),
	    *host != '\0' ? (unsigned)conf_int("DB.Port", 3306) : 0,
	    *host != '\0' ? NULL :
	    conf_str("DB.Socket", "/run/mysqld/mysqld.sock"), 0) == NULL) {
		log_warn("db: connect: %s", mysql_error(conn));
		mysql_close(conn);
		conn = NULL;
		lost = 1;
		return DB_ERR;
	}
	lost = 0;
	return 0;
}

void
db_admin(void)
{

	admin = 1;
}

void
db_close(void)
{

	drop();
	free(cache);
	cache = NULL;
	ncache = 0;
}

int
db_ensure(void)
{

	if (conn == NULL)
		return db_open();
	return 0;
}

int
db_lost(void)
{

	return lost;
}

/*
 * The session's clock follows clock_now() when a test moved it: MariaDB's
 * UTC_TIMESTAMP(), NOW() and column defaults read the timestamp variable.
 * Set at most once a second; nothing at all on the system clock.  The
 * value is a number made here, not user input.
 */
static void
sync_clock(void)
{
	char		 q[64];
	long long	 want;

	if (conn == NULL)
		return;
	want = clock_offset() != 0 ? (long long)clock_now() : 0;
	if (want == ts_set)
		return;
	if (want == 0)
		snprintf(q, sizeof(q), "SET timestamp = DEFAULT");
	else
		snprintf(q, sizeof(q), "SET timestamp = %lld", want);
	if (mysql_query(conn, q) == 0)
		ts_set = want;
	else
		log_warn("db: %s: %s", q, mysql_error(conn));
}

int
db_backoff(int attempt)
{
	unsigned	 us;

	if (attempt + 1 >= DB_TRIES)
		return 0;
	/* 5, 10, 20, 40, 80, 160 ms and then 200 ms, each jittered by up
	 * to as much again, so that the victims of one deadlock (or, on
	 * Galera, one certification conflict) do not meet again at once. */
	us = attempt < 6 ? 5000u << attempt : 200000u;
	us += randombytes_uniform(us);
	usleep(us);
	return 1;
}

/* Note an error of the connection or a statement; returns the DB_ code. */
static int
fail(struct db_set *set, int stmt, unsigned int e, const char *msg)
{

	if (e == ER_DUP_ENTRY)
		return DB_DUP;
	if (e == ER_CONSTRAINT_FAILED || e == ER_WARN_DATA_OUT_OF_RANGE)
		return DB_CHECK;
	/* Deadlock victim, lock wait timeout, and (Galera) a certification
	 * conflict, which is reported as a deadlock; 1020: the record changed
	 * since it was read (snapshot isolation). */
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT || e == 1020) {
		log_info("db: %s[%d]: %u %s (retried)", set ? set->name : "-",
		    stmt, e, msg);
		return DB_RETRY;
	}
	if (is_lost(e)) {
		log_warn("db: connection lost (%u %s)", e, msg);
		drop();
		lost = 1;
		return DB_ERR;
	}
	lost = 0;
	log_warn("db: %s[%d]: %u %s", set ? set->name : "-", stmt, e, msg);
	return DB_ERR;
}

static MYSQL_STMT *
prepare(struct db_set *set, int stmt)
{
	MYSQL_STMT	*st;
	size_t		 k, need;

	if (set->base == 0) {
		set->base = nextbase;
		nextbase += set->n;
	}
	k = set->base + (size_t)stmt;
	if (k >= ncache) {
		need = nextbase + 64;
		if ((cache = realloc(cache, need * sizeof(*cache))) == NULL)
			abort();
		memset(cache + ncache, 0, (need - ncache) * sizeof(*cache));
		ncache = need;
	}
	if (cache[k] != NULL)
		return cache[k];
	if ((st = mysql_stmt_init(conn)) == NULL)
		return NULL;
	if (mysql_stmt_prepare(st, set->sql[stmt], strlen(set->sql[stmt]))) {
		fail(set, stmt, mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	return cache[k] = st;
}

struct params {
	MYSQL_BIND	 b[DB_MAXPARAM];
	long long	 iv[DB_MAXPARAM];
	unsigned long	 len[DB_MAXPARAM];
	my_bool		 isnull[DB_MAXPARAM];
	int		 n;
};

/* Consume input arguments described by fmt; returns 0 or -1 (bad format). */
static int
bind_in(struct params *p, const char *fmt, va_list *ap)
{
	const char	*s;
	const void	*v;
	int		 i;

	memset(p, 0, sizeof(*p));
	for (i = 0; fmt != NULL && fmt[i] != '\0'; i++) {
		if (i >= DB_MAXPARAM)
			return -1;
		switch (fmt[i]) {
		case 'i':
			p->iv[i] = va_arg(*ap, long long);
			p->b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			p->b[i].buffer = &p->iv[i];
			break;
		case 's':
			s = va_arg(*ap, const char *);
			p->b[i].buffer_type = MYSQL_TYPE_STRING;
			if (s == NULL) {
				p->isnull[i] = 1;
				p->b[i].is_null = &p->isnull[i];
			} else {
				p->b[i].buffer = (void *)s;
				p->len[i] = strlen(s);
				p->b[i].buffer_length = p->len[i];
				p->b[i].length = &p->len[i];
			}
			break;
		case 'b':
			v = va_arg(*ap, const void *);
			p->len[i] = va_arg(*ap, size_t);
			p->b[i].buffer_type = MYSQL_TYPE_BLOB;
			p->b[i].buffer = (void *)v;
			p->b[i].buffer_length = p->len[i];
			p->b[i].length = &p->len[i];
			break;
		default:
			return -1;
		}
	}
	p->n = i;
	return 0;
}

struct result {
	int		 ncol;
	MYSQL_FIELD	*f;
	MYSQL_BIND	*b;
	char		**val;
	unsigned long	*len;
	my_bool		*isnull;
	MYSQL_RES	*meta;
};

static void
result_free(struct result *r)
{
	int	 i;

	for (i = 0; i < r->ncol; i++)
		free(r->b[i].buffer);
	free(r->b);
	free(r->val);
	free(r->len);
	free(r->isnull);
	if (r->meta != NULL)
		mysql_free_result(r->meta);
	memset(r, 0, sizeof(*r));
}

static int
is_numeric(enum enum_field_types t)
{

	switch (t) {
	case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_INT24: case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_FLOAT:
	case MYSQL_TYPE_DOUBLE: case MYSQL_TYPE_DECIMAL: case MYSQL_TYPE_NEWDECIMAL:
	case MYSQL_TYPE_DATE: case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_TIMESTAMP:
	case MYSQL_TYPE_TIME: case MYSQL_TYPE_YEAR:
		return 1;
	default:
		return 0;
	}
}

/*
 * Prepare (cached), bind, execute.  With a result set, buffer it and bind
 * every column as a string.  Returns rows affected / found, or DB_*.
 * Retries once on a fresh connection when not in a transaction.
 */
static int
run(struct db_set *set, int stmt, const char *in, va_list ap, struct result *r)
{
	MYSQL_STMT	*st;
	struct params	 p;
	va_list		 cp;
	my_bool		 one = 1;
	int		 try, raced, i, rc;
	unsigned long	 sz;
	my_ulonglong	 affected;

	memset(r, 0, sizeof(*r));
	for (try = 0, raced = 0; try < 2; try++) {
		if (db_ensure() != 0)
			return DB_ERR;
		sync_clock();
		if ((st = prepare(set, stmt)) == NULL) {
			if (conn == NULL && !intx && try == 0)
				continue;
			return DB_ERR;
		}
		va_copy(cp, ap);
		rc = bind_in(&p, in, &cp);
		va_end(cp);
		if (rc != 0 || (unsigned long)p.n != mysql_stmt_param_count(st)) {
			log_warn("db: %s[%d]: bad parameter format", set->name, stmt);
			return DB_ERR;
		}
		if (p.n > 0 && mysql_stmt_bind_param(st, p.b))
			return fail(set, stmt, mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &one);
		if (mysql_stmt_execute(st) == 0)
			break;
		rc = fail(set, stmt, mysql_stmt_errno(st), mysql_stmt_error(st));
		if (rc == DB_ERR && conn == NULL && !intx && try == 0)
			continue;
		/* A lone statement lost a race: it is its own transaction,
		 * rolled back, so it is simply run again. */
		if (rc == DB_RETRY && !intx && db_backoff(raced++)) {
			try--;
			continue;
		}
		return rc;
	}
	if (try == 2)
		return DB_ERR;

	if ((r->meta = mysql_stmt_result_metadata(st)) == NULL) {
		/* (my_ulonglong)-1 would read as DB_ERR: say what it was. */
		if ((affected = mysql_stmt_affected_rows(st)) ==
		    (my_ulonglong)-1) {
			log_warn("db: %s[%d]: no row count (%u %s)", set->name,
			    stmt, mysql_stmt_errno(st), mysql_stmt_error(st));
			return DB_ERR;
		}
		return affected > INT_MAX ? INT_MAX : (int)affected;
	}
	if (mysql_stmt_store_result(st)) {
		rc = fail(set, stmt, mysql_stmt_errno(st), mysql_stmt_error(st));
		result_free(r);
		return rc;
	}
	r->ncol = (int)mysql_num_fields(r->meta);
	r->f = mysql_fetch_fields(r->meta);
	r->b = calloc(r->ncol, sizeof(*r->b));
	r->val = calloc(r->ncol, sizeof(*r->val));
	r->len = calloc(r->ncol, sizeof(*r->len));
	r->isnull = calloc(r->ncol, sizeof(*r->isnull));
	if (r->b == NULL || r->val == NULL || r->len == NULL || r->isnull == NULL)
		abort();
	for (i = 0; i < r->ncol; i++) {
		sz = is_numeric(r->f[i].type) ? 64 : r->f[i].max_length + 1;
		if ((r->b[i].buffer = malloc(sz)) == NULL)
			abort();
		r->b[i].buffer_type = MYSQL_TYPE_STRING;
		r->b[i].buffer_length = sz;
		r->b[i].length = &r->len[i];
		r->b[i].is_null = &r->isnull[i];
	}
	if (mysql_stmt_bind_result(st, r->b)) {
		rc = fail(set, stmt, mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_stmt_free_result(st);
		result_free(r);
		return rc;
	}
	return (int)mysql_stmt_num_rows(st);
}

/* Fetch the next buffered row: 1 row, 0 end, DB_ERR. */
static int
next(struct db_set *set, int stmt, struct result *r)
{
	MYSQL_STMT	*st = cache[set->base + (size_t)stmt];
	int		 rc, i;

	rc = mysql_stmt_fetch(st);
	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc != 0 && rc != MYSQL_DATA_TRUNCATED)
		return fail(set, stmt, mysql_stmt_errno(st), mysql_stmt_error(st));
	for (i = 0; i < r->ncol; i++) {
		if (r->isnull[i]) {
			r->val[i] = NULL;
			continue;
		}
		r->val[i] = r->b[i].buffer;
		if (r->len[i] >= r->b[i].buffer_length)
			r->len[i] = r->b[i].buffer_length - 1;
		r->val[i][r->len[i]] = '\0';
	}
	return 1;
}

static void
finish(struct db_set *set, int stmt, struct result *r)
{

	if (conn != NULL && r->meta != NULL)
		mysql_stmt_free_result(cache[set->base + (size_t)stmt]);
	result_free(r);
}

int
db_exec(struct db_set *set, int stmt, const char *in, ...)
{
	struct result	 r;
	va_list		 ap;
	int		 rc;

	va_start(ap, in);
	rc = run(set, stmt, in, ap, &r);
	va_end(ap);
	if (r.meta != NULL)
		finish(set, stmt, &r);
	return rc;
}

/* Skip n input arguments described by fmt. */
static void
skip_in(const char *fmt, va_list *ap)
{

	for (; fmt != NULL && *fmt != '\0'; fmt++)
		switch (*fmt) {
		case 'i':
			(void)va_arg(*ap, long long);
			break;
		case 's':
			(void)va_arg(*ap, const char *);
			break;
		case 'b':
			(void)va_arg(*ap, const void *);
			(void)va_arg(*ap, size_t);
			break;
		}
}

/*
 * Copy a string column into a caller's buffer of sz bytes.  A value that
 * does not fit means the buffer was sized wrong (size buffers of text with
 * UTF8_BUF, text.h): it is logged and cut at a character boundary, never
 * inside a UTF-8 sequence, which MariaDB would refuse when the value is
 * written back ("Incorrect string value", a 500 on a long name).
 */
static void
copy_out(struct db_set *set, int stmt, int col, char *s, size_t sz,
    const char *v)
{
	size_t	 n;

	if (sz == 0)
		return;
	n = v == NULL ? 0 : strlen(v);
	if (n >= sz) {
		log_warn("db: %s statement %d column %d: %zu bytes cut to "
		    "fit %zu", set->name, stmt, col, n, sz - 1);
		n = sz - 1;
		while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(s, v, n);
	s[n] = '\0';
}

int
db_one(struct db_set *set, int stmt, const char *in, const char *out, ...)
{
	struct result	 r;
	va_list		 ap;
	int		 rc, i;
	char		*s, **sp;
	size_t		 sz;
	unsigned char	**bp;
	size_t		*lp;
	long long	*ip;

	va_start(ap, out);
	rc = run(set, stmt, in, ap, &r);
	if (rc < 0 || r.meta == NULL) {
		va_end(ap);
		return rc < 0 ? rc : 0;
	}
	if ((rc = next(set, stmt, &r)) == 1) {
		skip_in(in, &ap);
		for (i = 0; out[i] != '\0' && i < r.ncol; i++) {
			switch (out[i]) {
			case 'i':
				ip = va_arg(ap, long long *);
				/* An integer column: a text that is not
				 * one is the schema's bug, logged. */
				if (r.val[i] == NULL)
					*ip = 0;
				else if (util_parse_ll(r.val[i], ip) != 0) {
					log_warn("db: %s statement %d column %d "
					    "is not an integer", set->name, stmt,
					    i);
					*ip = strtoll(r.val[i], NULL, 10);
				}
				break;
			case 's':
				s = va_arg(ap, char *);
				sz = va_arg(ap, size_t);
				copy_out(set, stmt, i, s, sz, r.val[i]);
				break;
			case 'S':
				sp = va_arg(ap, char **);
				*sp = r.val[i] ? strdup(r.val[i]) : NULL;
				break;
			case 'B':
				bp = va_arg(ap, unsigned char **);
				lp = va_arg(ap, size_t *);
				*lp = r.val[i] ? r.len[i] : 0;
				if ((*bp = malloc(*lp + 1)) == NULL)
					abort();
				if (*lp)
					memcpy(*bp, r.val[i], *lp);
				break;
			default:
				abort();
			}
		}
	}
	va_end(ap);
	finish(set, stmt, &r);
	return rc;
}

int
db_hdf(HDF *hdf, const char *prefix, struct db_set *set, int stmt, const char *in, ...)
{
	NEOERR		*err = STATUS_OK;
	struct result	 r;
	va_list		 ap;
	int		 rc, n = 0, i;
	char		 key[256];

	va_start(ap, in);
	rc = run(set, stmt, in, ap, &r);
	va_end(ap);
	if (rc < 0 || r.meta == NULL)
		return rc < 0 ? rc : 0;
	while ((rc = next(set, stmt, &r)) == 1) {
		for (i = 0; i < r.ncol; i++) {
			if (r.val[i] == NULL)
				continue;
			if (util_fmt(key, sizeof(key), "%s.%d.%s", prefix, n,
			    r.f[i].name) != 0 ||
			    (err = hdf_set_value(hdf, key, r.val[i])) !=
			    STATUS_OK) {
				if (err != STATUS_OK) {
					nerr_log_error(err);
					nerr_ignore(&err);
				}
				log_warn("db: %s statement %d: a row could not "
				    "be kept for the page", set->name, stmt);
				rc = DB_ERR;
				break;
			}
		}
		if (rc == DB_ERR)
			break;
		n++;
	}
	finish(set, stmt, &r);
	return rc < 0 ? rc : n;
}

int
db_each(struct db_set *set, int stmt, db_row_cb cb, void *arg, const char *in, ...)
{
	struct result	 r;
	va_list		 ap;
	int		 rc, n = 0;

	va_start(ap, in);
	rc = run(set, stmt, in, ap, &r);
	va_end(ap);
	if (rc < 0 || r.meta == NULL)
		return rc < 0 ? rc : 0;
	while ((rc = next(set, stmt, &r)) == 1) {
		n++;
		if (cb(arg, r.ncol, r.val, r.len) != 0)
			break;
	}
	finish(set, stmt, &r);
	return rc < 0 ? rc : n;
}

long long
db_last_id(void)
{

	return conn ? (long long)mysql_insert_id(conn) : 0;
}

static int
simple(const char *q)
{

	if (db_ensure() != 0)
		return DB_ERR;
	sync_clock();
	if (mysql_query(conn, q))
		return fail(NULL, 0, mysql_errno(conn), mysql_error(conn));
	return 0;
}

int
db_ping(void)
{
	int	 rc;

	/* Once more on a fresh connection when the old one was lost. */
	if ((rc = simple("DO 1")) == DB_ERR && lost)
		rc = simple("DO 1");
	return rc;
}

int
db_begin(void)
{
	int	 rc;

	/* Nothing has happened yet: a connection found lost here (the
	 * server restarted since this worker's last request) is simply
	 * opened again, once. */
	if ((rc = simple("START TRANSACTION")) == DB_ERR && lost)
		rc = simple("START TRANSACTION");
	if (rc == 0)
		intx = 1;
	return rc;
}

int
db_commit(void)
{
	int	 rc;

	rc = simple("COMMIT");
	intx = 0;
	return rc;
}

void
db_rollback(void)
{

	if (conn != NULL && mysql_query(conn, "ROLLBACK"))
		fail(NULL, 0, mysql_errno(conn), mysql_error(conn));
	intx = 0;
}

int
db_script(const char *sql, char *err, size_t errsz)
{
	MYSQL_RES	*res;
	int		 rc = 0, st;

	if (db_ensure() != 0) {
		snprintf(err, errsz, "cannot connect to the database");
		return DB_ERR;
	}
	mysql_set_server_option(conn, MYSQL_OPTION_MULTI_STATEMENTS_ON);
	st = mysql_real_query(conn, sql, strlen(sql));
	for (;;) {
		if (st != 0) {
			snprintf(err, errsz, "%s", mysql_error(conn));
			rc = DB_ERR;
			break;
		}
		if ((res = mysql_store_result(conn)) != NULL)
			mysql_free_result(res);
		if ((st = mysql_next_result(conn)) == -1) {
			st = 0;
			break;
		}
	}
	/* Drain anything left after an error. */
	while (rc != 0 && mysql_next_result(conn) == 0)
		if ((res = mysql_store_result(conn)) != NULL)
			mysql_free_result(res);
	if (conn != NULL)
		mysql_set_server_option(conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return rc;
}
