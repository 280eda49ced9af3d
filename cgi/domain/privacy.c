/*
 * privacy.c - PIPL: consent to the ID-card photo, photos.zip exports, and
 * the purge of a closed task (see privacy.h, schema/011-privacy.sql).
 *
 * What a closed task keeps, and why: the school must keep the diploma
 * photo and whose it is (student rows: 采集码, name, 学号, class; photo;
 * bookings and payments for the accounts).  What it no longer needs once
 * the photos are delivered: the ID-card photo (shown to the station staff
 * only, to check the person on the day) and the full ID number, which
 * only names the files of photos.zip.  So the purge waits for that export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "domain/privacy.h"

/* ID-card photos removed per transaction: each is up to a few hundred KB,
 * and a task has thousands. */
#define PURGE_BATCH	200

/* The masked form of an ID number column, as idnum_mask() writes it:
 * first 3 and last 4 shown.  Values already masked stay as they are. */
#define MASK(c)	"IF(" c " IS NULL OR LOCATE('*', " c ") > 0, " c ", "	\
		"IF(CHAR_LENGTH(" c ") BETWEEN 8 AND 32, CONCAT(LEFT(" c	\
		", 3), REPEAT('*', CHAR_LENGTH(" c ") - 7), RIGHT(" c	\
		", 4)), '*'))"

enum stmt {
	STMT_IDCARD_LOCK,
	STMT_CONSENT_ADD,
	STMT_IDCARD_ADD,
	STMT_EXPORT_ADD,
	STMT_TASK_LOCK,
	STMT_LAST_PHOTO,
	STMT_LAST_EXPORT,
	STMT_IDCARD_DEL,
	STMT_STUDENT_MASK,
	STMT_AUDIT_MASK,
	STMT_UPLOAD_DEL,
	STMT_OPENID_DEL,
	STMT_TASK_PURGED,
	STMT_DUE,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_IDCARD_LOCK: the student of the task, and whether the task
	 * still takes ID-card photos; shared locks on both rows, so that
	 * uploads run side by side and a purge (FOR UPDATE) waits for them */
	"SELECT t.closed_at IS NULL AND t.purged_at IS NULL FROM student s "
	"JOIN task t ON t.id = s.task_id WHERE s.id = ? AND s.task_id = ? "
	"LOCK IN SHARE MODE",
	/* STMT_CONSENT_ADD */
	"INSERT INTO idcard_consent (student_id, task_id, notice_version) "
	"VALUES (?, ?, ?)",
	/* STMT_IDCARD_ADD */
	"INSERT INTO idcard (student_id, consent_id, jpeg) VALUES (?, ?, ?)",
	/* STMT_EXPORT_ADD */
	"INSERT INTO photo_export (task_id, user_id, last_photo_id, photos) "
	"VALUES (?, NULLIF(?, 0), ?, ?)",
	/* STMT_TASK_LOCK: the task, locked for the purge: closed, due,
	 * purged, and its times (Asia/Shanghai) */
	"SELECT school_id, closed_at IS NOT NULL, "
	"IFNULL(closed_at <= UTC_TIMESTAMP() - INTERVAL ? DAY, 0), "
	"purged_at IS NOT NULL, "
	"IFNULL(DATE_FORMAT(closed_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i'), ''), "
	"IFNULL(DATE_FORMAT(closed_at + INTERVAL ? DAY + INTERVAL 8 HOUR, "
	"'%Y-%m-%d %H:%i'), ''), "
	"IFNULL(DATE_FORMAT(purged_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i'), '') "
	"FROM task WHERE id = ? FOR UPDATE",
	/* STMT_LAST_PHOTO: the task's newest diploma photo */
	"SELECT IFNULL(MAX(p.id), 0) FROM photo p "
	"JOIN student s ON s.id = p.student_id WHERE s.task_id = ?",
	/* STMT_LAST_EXPORT: the newest photo a whole-task photos.zip held */
	"SELECT IFNULL(MAX(last_photo_id), 0) FROM photo_export "
	"WHERE task_id = ?",
	/* STMT_IDCARD_DEL: a batch of the task's ID-card photos */
	"DELETE FROM idcard WHERE student_id IN "
	"(SELECT id FROM student WHERE task_id = ?) LIMIT 200",
	/* STMT_STUDENT_MASK: 18 characters stay 18 (CHAR(18)); idnum_masked
	 * lets two masked numbers be alike (schema/011) */
	"UPDATE student SET id_number = " MASK("id_number") ", "
	"idnum_masked = id WHERE task_id = ? AND idnum_masked = 0",
	/* STMT_AUDIT_MASK: ID numbers in the audit trail's values (roster
	 * updates, corrections); the rows themselves stay */
	"UPDATE audit a JOIN student s ON s.id = a.entity_id "
	"SET a.before_val = " MASK("a.before_val") ", "
	"a.after_val = " MASK("a.after_val") " "
	"WHERE a.entity = 'student' AND a.field = 'id_number' "
	"AND s.task_id = ? AND (LOCATE('*', IFNULL(a.before_val, '*')) = 0 "
	"OR LOCATE('*', IFNULL(a.after_val, '*')) = 0)",
	/* STMT_UPLOAD_DEL: roster files between preview and commit */
	"DELETE FROM roster_upload WHERE task_id = ?",
	/* STMT_OPENID_DEL: the WeChat users' hashes (schema/014): a purged
	 * task's booking is no longer found by openid */
	"UPDATE booking SET wx_openid = NULL WHERE task_id = ? "
	"AND wx_openid IS NOT NULL",
	/* STMT_TASK_PURGED */
	"UPDATE task SET purged_at = UTC_TIMESTAMP() WHERE id = ? "
	"AND purged_at IS NULL",
	/* STMT_DUE: tasks closed long enough ago and not purged, by id */
	"SELECT id, code FROM task WHERE closed_at IS NOT NULL "
	"AND purged_at IS NULL AND closed_at <= UTC_TIMESTAMP() - INTERVAL ? DAY "
	"AND id > ? ORDER BY id LIMIT 100",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("privacy", stmts);

const char *
privacy_notice_version(void)
{
	const char	*v = conf_str("Privacy.NoticeVersion", NULL);

	return v != NULL && *v != '\0' ? v : PRIVACY_NOTICE_VERSION;
}

int
privacy_purge_days(void)
{
	long long	 d = conf_int("Privacy.PurgeDays", 30);

	/* 0 or less would purge at the close, before the photos went out;
	 * more than ten years is a typo. */
	if (d < 1)
		d = 1;
	if (d > 3650)
		d = 3650;
	return (int)d;
}

/* --- consent -------------------------------------------------------------- */

static int
idcard_tx(long long student_id, long long task_id, const char *version,
    const void *jpg, size_t len)
{
	long long	 open, cid;
	int		 rc;

	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_IDCARD_LOCK, "ii", "i", student_id, task_id,
	    &open);
	if (rc <= 0 || !open) {
		db_rollback();
		return rc < 0 ? rc : rc == 0 ? 404 : 409;
	}
	if ((rc = db_exec(&set, STMT_CONSENT_ADD, "iis", student_id, task_id,
	    version)) < 0)
		goto fail;
	if ((cid = db_last_id()) <= 0) {
		rc = DB_ERR;
		goto fail;
	}
	if ((rc = db_exec(&set, STMT_IDCARD_ADD, "iib", student_id, cid,
	    jpg, len)) < 0)
		goto fail;
	return db_commit();
fail:
	db_rollback();
	return rc;
}

int
privacy_idcard_add(long long student_id, long long task_id, const void *jpg,
    size_t len)
{
	const char	*version = privacy_notice_version();
	int		 rc;

	DB_TX(rc, idcard_tx(student_id, task_id, version, jpg, len));
	if (rc == 0)
		log_info("privacy: student %lld consented (notice %s) and "
		    "uploaded an ID-card photo", student_id, version);
	return rc;
}

int
privacy_export_done(long long task_id, long long user_id,
    long long last_photo_id, size_t photos)
{
	int	 rc;

	rc = db_exec(&set, STMT_EXPORT_ADD, "iiii", task_id, user_id,
	    last_photo_id, (long long)photos);
	return rc < 0 ? rc : 0;
}

/* --- purge ------------------------------------------------------------------ */

/*
 * Inside a transaction: lock the task's row and check that it may be
 * purged.  Returns 0 (school set), a PURGE_* outcome, or db.h code.
 */
static int
purge_check(long long task_id, struct purge_info *pi, long long *school)
{
	long long	 closed, due, purged, photo, exported;
	int		 rc;

	rc = db_one(&set, STMT_TASK_LOCK, "iii", "iiiisss",
	    (long long)pi->days, (long long)pi->days, task_id, school, &closed,
	    &due, &purged, pi->closed_at, sizeof(pi->closed_at), pi->due_at,
	    sizeof(pi->due_at), pi->purged_at, sizeof(pi->purged_at));
	if (rc < 0)
		return rc;
	if (rc == 0)
		return PURGE_NONE;
	if (purged)
		return PURGE_DONE;
	if (!closed)
		return PURGE_OPEN;
	if (!due)
		return PURGE_EARLY;
	if ((rc = db_one(&set, STMT_LAST_PHOTO, "i", "i", task_id,
	    &photo)) < 0)
		return rc;
	if ((rc = db_one(&set, STMT_LAST_EXPORT, "i", "i", task_id,
	    &exported)) < 0)
		return rc;
	if (photo > exported)
		return PURGE_EXPORT;
	return 0;
}

/* One batch of ID-card photos, in its own transaction, *n of them.
 * Returns 0, a PURGE_* outcome, or a db.h code. */
static int
purge_batch(long long task_id, struct purge_info *pi, int *n)
{
	long long	 school;
	int		 rc;

	*n = 0;
	if ((rc = db_begin()) < 0)
		return rc;
	if ((rc = purge_check(task_id, pi, &school)) != 0)
		goto fail;
	if ((rc = db_exec(&set, STMT_IDCARD_DEL, "i", task_id)) < 0)
		goto fail;
	*n = rc;
	return db_commit();
fail:
	db_rollback();
	return rc;
}

/* The rest, in one transaction: the last ID-card photos, the masks, the
 * mark and the audit record. */
static int
purge_final(long long task_id, const struct actor *who, struct purge_info *pi,
    int before)
{
	char		 after[200];
	long long	 school;
	int		 rc;

	pi->idcards = before;
	pi->masked = pi->audit = pi->uploads = 0;
	if ((rc = db_begin()) < 0)
		return rc;
	if ((rc = purge_check(task_id, pi, &school)) != 0)
		goto fail;
	if ((rc = db_exec(&set, STMT_IDCARD_DEL, "i", task_id)) < 0)
		goto fail;
	pi->idcards += rc;
	if ((rc = db_exec(&set, STMT_STUDENT_MASK, "i", task_id)) < 0)
		goto fail;
	pi->masked = rc;
	if ((rc = db_exec(&set, STMT_AUDIT_MASK, "i", task_id)) < 0)
		goto fail;
	pi->audit = rc;
	if ((rc = db_exec(&set, STMT_UPLOAD_DEL, "i", task_id)) < 0)
		goto fail;
	pi->uploads = rc;
	if ((rc = db_exec(&set, STMT_OPENID_DEL, "i", task_id)) < 0)
		goto fail;
	if ((rc = db_exec(&set, STMT_TASK_PURGED, "i", task_id)) < 0)
		goto fail;
	snprintf(after, sizeof(after), "idcards=%d masked=%d audit_masked=%d "
	    "roster_uploads=%d days=%d", pi->idcards, pi->masked, pi->audit,
	    pi->uploads, pi->days);
	if ((rc = audit_add(who, "purge", "task", task_id, school, NULL, NULL,
	    after, L("Lang.Admin.Audit.Purged"))) < 0)
		goto fail;
	if ((rc = db_commit()) < 0)
		return rc;
	log_info("privacy: task %lld purged by %s: %s", task_id,
	    who != NULL && who->name != NULL ? who->name : "?", after);
	return 0;
fail:
	db_rollback();
	return rc;
}

int
privacy_purge(long long task_id, const struct actor *who,
    struct purge_info *pi)
{
	int	 rc, n, total = 0;

	memset(pi, 0, sizeof(*pi));
	pi->days = privacy_purge_days();
	/* The photos go in batches of short transactions, each checking
	 * again under the task's lock; a purge cut off half-way leaves a
	 * task that is not marked purged, and the next run finishes it. */
	do {
		DB_TX(rc, purge_batch(task_id, pi, &n));
		if (rc != 0)
			return rc;
		total += n;
	} while (n == PURGE_BATCH);
	DB_TX(rc, purge_final(task_id, who, pi, total));
	return rc;
}

/* --- sweep ------------------------------------------------------------------ */

struct due {
	long long	 id[100];
	char		 code[100][33];
	int		 n;
};

static int
due_cb(void *arg, int ncol, char **val, unsigned long *len)
{
	struct due	*d = arg;

	if (d->n >= (int)(sizeof(d->id) / sizeof(d->id[0])) || ncol < 2 ||
	    val[0] == NULL || val[1] == NULL)
		return 0;
	d->id[d->n] = strtoll(val[0], NULL, 10);
	snprintf(d->code[d->n], sizeof(d->code[0]), "%s", val[1]);
	d->n++;
	return 0;
}

int
privacy_sweep(const struct actor *who, struct purge_sweep *ps)
{
	struct purge_info	 pi;
	struct due		*d;
	long long		 last = 0;
	int			 i, rc = 0;

	memset(ps, 0, sizeof(*ps));
	if ((d = malloc(sizeof(*d))) == NULL)
		return DB_ERR;
	do {
		d->n = 0;
		if ((rc = db_each(&set, STMT_DUE, due_cb, d, "ii",
		    (long long)privacy_purge_days(), last)) < 0)
			break;
		rc = 0;
		for (i = 0; i < d->n && rc == 0; i++) {
			last = d->id[i];
			switch ((rc = privacy_purge(d->id[i], who, &pi))) {
			case 0:
				ps->purged++;
				break;
			case PURGE_EXPORT:
				/* Waits for the operator; said by the sweep. */
				if (ps->waiting++ == 0)
					snprintf(ps->first, sizeof(ps->first),
					    "%s", d->code[i]);
				rc = 0;
				break;
			case PURGE_DONE:
			case PURGE_OPEN:
			case PURGE_EARLY:
			case PURGE_NONE:
				/* Changed since it was listed. */
				rc = 0;
				break;
			default:
				break;
			}
		}
	} while (rc == 0 && d->n == (int)(sizeof(d->id) / sizeof(d->id[0])));
	free(d);
	return rc;
}
