/*
 * admin_db.c - the admin dashboard's SQL (see admin_db.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/admin_db.h"
#include "infra/lang.h"
#include "infra/text.h"
#include "infra/util.h"
#include "infra/valid.h"

/* Local date/time of a UTC column, as shown. */
#define LOCAL_DT(c)	"DATE_FORMAT(" c " + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i')"
/* Mask an audit value when it is an id number and ? = 1. */
#define MASKED(c)	"IF(a.field = 'id_number' AND ? = 1, CONCAT(LEFT(" c \
			", 3), '***********', RIGHT(" c ", 4)), " c ")"

enum stmt {
	STMT_TASKS,
	STMT_TASK_CONTACT,
	STMT_SLOTS,
	STMT_CLASSES,
	STMT_SCHOOLS,
	STMT_SCHOOL_GET,
	STMT_TASK_ADD,
	STMT_TASK_SET,
	STMT_TASK_OLD,
	STMT_SLOT_ADD,
	STMT_SLOT_GET,
	STMT_SLOT_CAP,
	STMT_SLOT_DEL,
	STMT_UP_PURGE,
	STMT_UP_ADD,
	STMT_UP_GET,
	STMT_UP_DEL,
	STMT_EXPORT,
	STMT_UNBOOKED,
	STMT_SEARCH,
	STMT_STUDENT,
	STMT_BOOKINGS,
	STMT_PAYMENTS,
	STMT_HISTORY,
	STMT_AUDIT,
	STMT_USERS,
	STMT_USER_ADD,
	STMT_USER_SET,
	STMT_USER_PW,
	STMT_USER_OLD,
	STMT__MAX
};

/*
 * A person's state (the dashboard counts people, not bookings): the
 * active booking's (held = 待支付, booked = 已预约 and paid or free,
 * checked_in, collected); else cancelled when they had one that ended;
 * else unbooked.  Needs student s and their active booking b.
 */
#define PERSON_STATE							\
	"COALESCE(b.state, IF(EXISTS (SELECT 1 FROM booking e "		\
	"WHERE e.student_id = s.id), 'cancelled', 'unbooked'))"
/* The counts of people by state p, over a derived table. */
#define PEOPLE_COUNTS							\
	"COUNT(*) AS total, SUM(p = 'unbooked') AS unbooked, "		\
	"SUM(p = 'held') AS unpaid, SUM(p = 'booked') AS booked, "	\
	"SUM(p = 'checked_in') AS checked_in, "				\
	"SUM(p = 'collected') AS collected, "				\
	"SUM(p = 'cancelled') AS cancelled"

static const char *const stmts[STMT__MAX] = {
	/* STMT_TASKS */
	"SELECT t.id, t.code, t.title, t.school_id, sc.name AS school, "
	"sc.code AS school_code, t.is_open, t.require_id_photo, t.notice, "
	"t.photo_max_kb, IFNULL(t.contact_name, '') AS contact_name, "
	"IFNULL(t.contact_phone, '') AS contact_phone, "
	"DATE_FORMAT(t.first_day, '%Y-%m-%d') AS first_day, "
	"DATE_FORMAT(t.last_day, '%Y-%m-%d') AS last_day, "
	"CAST(t.fee_fen / 100 AS DECIMAL(10,2)) AS fee, "
	"t.closed_at IS NOT NULL AS closed, "
	"IFNULL(c.total, 0) AS total, IFNULL(c.unbooked, 0) AS unbooked, "
	"IFNULL(c.unpaid, 0) AS unpaid, IFNULL(c.booked, 0) AS booked, "
	"IFNULL(c.checked_in, 0) AS checked_in, "
	"IFNULL(c.collected, 0) AS collected, "
	"IFNULL(c.cancelled, 0) AS cancelled, "
	"(SELECT COUNT(*) FROM slot WHERE slot.task_id = t.id) AS slots "
	"FROM task t JOIN school sc ON sc.id = t.school_id "
	"LEFT JOIN (SELECT task_id, " PEOPLE_COUNTS " FROM (SELECT s.task_id, "
	PERSON_STATE " AS p FROM student s LEFT JOIN booking b "
	"ON b.active_student = s.id) x GROUP BY task_id) c ON c.task_id = t.id "
	"WHERE (? = 0 OR t.school_id = ?) AND (? = 0 OR t.id = ?) "
	"ORDER BY t.id DESC LIMIT 100",
	/* STMT_TASK_CONTACT */
	"UPDATE task SET contact_name = NULLIF(?, ''), contact_phone = "
	"NULLIF(?, '') WHERE id = ?",
	/* STMT_SLOTS */
	"SELECT id, DATE_FORMAT(starts_at + INTERVAL 8 HOUR, '%Y-%m-%d') AS day, "
	"DATE_FORMAT(starts_at + INTERVAL 8 HOUR, '%H:%i') AS start, "
	"DATE_FORMAT(ends_at + INTERVAL 8 HOUR, '%H:%i') AS end, capacity, "
	"booked, capacity - booked AS free, "
	"IF(capacity = 0, 0, booked * 100 DIV capacity) AS pct, "
	"(SELECT COUNT(*) FROM booking b WHERE b.slot_id = slot.id) AS refs "
	"FROM slot WHERE task_id = ? ORDER BY starts_at LIMIT 2000",
	/* STMT_CLASSES: people per class, by the state of each (pct: who
	 * has a seat or more) */
	"SELECT class_name, " PEOPLE_COUNTS ", "
	"SUM(p IN ('held','booked','checked_in','collected')) AS active, "
	"SUM(p IN ('held','booked','checked_in','collected')) * 100 DIV "
	"COUNT(*) AS pct FROM (SELECT s.class_name, " PERSON_STATE " AS p "
	"FROM student s LEFT JOIN booking b ON b.active_student = s.id "
	"WHERE s.task_id = ?) x GROUP BY class_name "
	"ORDER BY pct, class_name LIMIT 500",
	/* STMT_SCHOOLS */
	"SELECT id, code, name FROM school ORDER BY code",
	/* STMT_SCHOOL_GET */
	"SELECT id FROM school WHERE id = ?",
	/* STMT_TASK_ADD */
	"INSERT INTO task (code, school_id, title, first_day, last_day, "
	"fee_fen, notice, require_id_photo, is_open, photo_max_kb) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/* STMT_TASK_SET */
	"UPDATE task SET code = ?, school_id = ?, title = ?, first_day = ?, "
	"last_day = ?, fee_fen = ?, notice = ?, require_id_photo = ?, "
	"is_open = ?, photo_max_kb = ? WHERE id = ?",
	/* STMT_TASK_OLD: the task before an edit (the audit's before values),
	 * with the names of its school and of the school it may move to */
	"SELECT t.code, sc.name, t.title, "
	"DATE_FORMAT(t.first_day, '%Y-%m-%d'), DATE_FORMAT(t.last_day, '%Y-%m-%d'), "
	"t.fee_fen, t.notice, t.require_id_photo, t.is_open, t.photo_max_kb, "
	"(SELECT name FROM school WHERE id = ?) "
	"FROM task t JOIN school sc ON sc.id = t.school_id WHERE t.id = ? "
	"FOR UPDATE",
	/* STMT_SLOT_ADD */
	"INSERT INTO slot (task_id, starts_at, ends_at, capacity) "
	"VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id",
	/* STMT_SLOT_GET (and what the audit says of a slot) */
	"SELECT capacity, booked, t.school_id, slot.task_id, "
	LOCAL_DT("slot.starts_at") ", DATE_FORMAT(slot.ends_at + INTERVAL 8 HOUR, "
	"'%H:%i') FROM slot JOIN task t ON t.id = slot.task_id WHERE slot.id = ?",
	/* STMT_SLOT_CAP: never below what is booked */
	"UPDATE slot SET capacity = ? WHERE id = ? AND booked <= ?",
	/* STMT_SLOT_DEL: only a slot nobody ever booked */
	"DELETE FROM slot WHERE id = ? AND booked = 0 AND NOT EXISTS "
	"(SELECT 1 FROM booking b WHERE b.slot_id = ?)",
	/* STMT_UP_PURGE */
	"DELETE FROM roster_upload WHERE skey = ? "
	"OR created_at < UTC_TIMESTAMP() - INTERVAL 1 HOUR",
	/* STMT_UP_ADD */
	"INSERT INTO roster_upload (skey, user_id, task_id, data) "
	"VALUES (?, ?, ?, ?)",
	/* STMT_UP_GET */
	"SELECT data FROM roster_upload WHERE id = ? AND skey = ? "
	"AND user_id = ? AND task_id = ? "
	"AND created_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR",
	/* STMT_UP_DEL */
	"DELETE FROM roster_upload WHERE id = ?",
	/* STMT_EXPORT: the people of the task, by state and class when asked
	 * (the list behind a number of the dashboard) */
	"SELECT s.collect_code, s.name, s.id_number, s.student_no, "
	"s.edu_category, s.edu_level, s.class_name, " PERSON_STATE ", "
	LOCAL_DT("sl.starts_at") ", b.shot_no "
	"FROM student s LEFT JOIN booking b ON b.active_student = s.id "
	"LEFT JOIN slot sl ON sl.id = b.slot_id WHERE s.task_id = ? "
	"AND (? = '' OR " PERSON_STATE " = ?) AND (? = '' OR s.class_name = ?) "
	"ORDER BY s.class_name, s.student_no, s.id",
	/* STMT_UNBOOKED */
	"SELECT s.class_name, s.student_no, s.name, s.collect_code "
	"FROM student s WHERE s.task_id = ? AND NOT EXISTS "
	"(SELECT 1 FROM booking b WHERE b.active_student = s.id) "
	"ORDER BY s.class_name, s.student_no, s.id",
	/* STMT_SEARCH */
	"SELECT s.id, s.name, s.student_no, s.collect_code, s.class_name, "
	"t.code AS task_code, t.id AS task_id, " PERSON_STATE " AS state "
	"FROM student s JOIN task t ON t.id = s.task_id "
	"LEFT JOIN booking b ON b.active_student = s.id "
	"WHERE (? = 0 OR t.school_id = ?) AND (? = 0 OR s.task_id = ?) "
	"AND (? = '' OR s.name LIKE ? OR s.student_no LIKE ? "
	" OR s.collect_code = ?) "
	"AND (? = '' OR s.class_name = ?) "
	"AND (? = '' OR " PERSON_STATE " = ?) "
	"ORDER BY s.class_name, s.student_no, s.id LIMIT 200",
	/* STMT_STUDENT */
	"SELECT s.id, s.task_id, s.collect_code, s.name, s.id_number, "
	"s.student_no, s.edu_category, s.edu_level, s.class_name, "
	LOCAL_DT("s.updated_at") " AS updated, t.code AS task_code, "
	"t.title AS task_title, sc.name AS school "
	"FROM student s JOIN task t ON t.id = s.task_id "
	"JOIN school sc ON sc.id = t.school_id WHERE s.id = ?",
	/* STMT_BOOKINGS */
	"SELECT b.id, b.state, b.walkin, b.shot_no, "
	LOCAL_DT("b.created_at") " AS created, "
	LOCAL_DT("sl.starts_at") " AS slot, "
	LOCAL_DT("b.checked_in_at") " AS checked_in, "
	LOCAL_DT("b.collected_at") " AS collected, "
	LOCAL_DT("b.cancelled_at") " AS cancelled, b.cancel_reason "
	"FROM booking b LEFT JOIN slot sl ON sl.id = b.slot_id "
	"WHERE b.student_id = ? ORDER BY b.id DESC",
	/* STMT_PAYMENTS */
	"SELECT p.id, p.booking_id, p.provider, "
	"CAST(p.amount_fen / 100 AS DECIMAL(10,2)) AS amount, p.state, "
	"p.method, p.failure, " LOCAL_DT("p.created_at") " AS created, "
	LOCAL_DT("p.updated_at") " AS updated "
	"FROM payment p JOIN booking b ON b.id = p.booking_id "
	"WHERE b.student_id = ? ORDER BY p.id DESC",
	/* STMT_HISTORY */
	"SELECT " LOCAL_DT("a.at") " AS at, a.actor, a.action, a.field, "
	MASKED("a.before_val") " AS before_val, "
	MASKED("a.after_val") " AS after_val, a.reason "
	"FROM audit a WHERE a.entity = 'student' AND a.entity_id = ? "
	"ORDER BY a.id DESC LIMIT 200",
	/* STMT_AUDIT: an entry's task is the task itself, or the task of its
	 * student, booking or slot (a deleted slot is recorded on its task);
	 * dates are local (UTC+8) and both ends included */
	"SELECT a.id, " LOCAL_DT("a.at") " AS at, a.actor, a.action, a.entity, "
	"a.entity_id, a.field, " MASKED("a.before_val") " AS before_val, "
	MASKED("a.after_val") " AS after_val, a.reason, sc.name AS school, "
	"COALESCE(t.id, 0) AS task_id, COALESCE(t.code, '') AS task_code "
	"FROM audit a LEFT JOIN school sc ON sc.id = a.school_id "
	"LEFT JOIN task t ON t.id = CASE a.entity "
	" WHEN 'task' THEN a.entity_id "
	" WHEN 'student' THEN (SELECT task_id FROM student WHERE id = a.entity_id) "
	" WHEN 'booking' THEN (SELECT task_id FROM booking WHERE id = a.entity_id) "
	" WHEN 'slot' THEN (SELECT task_id FROM slot WHERE id = a.entity_id) END "
	"WHERE (? = 0 OR a.school_id = ?) AND (? = 0 OR a.school_id = ?) "
	"AND (? = 0 OR (a.entity = 'task' AND a.entity_id = ?) "
	" OR (a.entity = 'student' AND a.entity_id IN "
	"  (SELECT id FROM student WHERE task_id = ?)) "
	" OR (a.entity = 'booking' AND a.entity_id IN "
	"  (SELECT id FROM booking WHERE task_id = ?)) "
	" OR (a.entity = 'slot' AND a.entity_id IN "
	"  (SELECT id FROM slot WHERE task_id = ?))) "
	"AND (? = 0 OR (a.entity = 'student' AND a.entity_id = ?)) "
	"AND (? IS NULL OR a.actor = ?) "
	"AND (? IS NULL OR a.at >= CAST(? AS DATETIME) - INTERVAL 8 HOUR) "
	"AND (? IS NULL OR a.at < CAST(? AS DATETIME) + INTERVAL 16 HOUR) "
	"ORDER BY a.id DESC LIMIT 300",
	/* STMT_USERS */
	"SELECT u.id, u.username, u.role, COALESCE(u.school_id, 0) AS school_id, "
	"COALESCE(sc.name, '') AS school, u.disabled, u.failed_logins, "
	"COALESCE(u.locked_until > UTC_TIMESTAMP(), 0) AS locked, "
	LOCAL_DT("u.created_at") " AS created "
	"FROM user u LEFT JOIN school sc ON sc.id = u.school_id "
	"WHERE (? = 0 OR u.id = ?) ORDER BY u.username",
	/* STMT_USER_ADD */
	"INSERT INTO user (username, pw_hash, role, school_id, disabled) "
	"VALUES (?, ?, ?, NULLIF(?, 0), ?)",
	/* STMT_USER_SET */
	"UPDATE user SET role = ?, school_id = NULLIF(?, 0), disabled = ? "
	"WHERE id = ?",
	/* STMT_USER_PW */
	"UPDATE user SET pw_hash = ?, failed_logins = 0, locked_until = NULL "
	"WHERE id = ?",
	/* STMT_USER_OLD: the user before a change (the audit's before values) */
	"SELECT u.role, COALESCE(u.school_id, 0), u.disabled, "
	"COALESCE(sc.name, ''), (SELECT name FROM school WHERE id = ?) "
	"FROM user u LEFT JOIN school sc ON sc.id = u.school_id "
	"WHERE u.id = ? FOR UPDATE",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("admin", stmts);

int
adb_tasks(HDF *hdf, const char *prefix, long long school, long long task)
{

	return db_hdf(hdf, prefix, &set, STMT_TASKS, "iiii", school, school,
	    task, task);
}

int
adb_slots(HDF *hdf, const char *prefix, long long task)
{

	return db_hdf(hdf, prefix, &set, STMT_SLOTS, "i", task);
}

int
adb_classes(HDF *hdf, const char *prefix, long long task)
{

	return db_hdf(hdf, prefix, &set, STMT_CLASSES, "i", task);
}

int
adb_schools(HDF *hdf, const char *prefix)
{

	return db_hdf(hdf, prefix, &set, STMT_SCHOOLS, "");
}

/* 1 when school id exists, 0 not, or a db.h error. */
static int
school_exists(long long id)
{
	long long	 x;

	return db_one(&set, STMT_SCHOOL_GET, "i", "i", id, &x);
}

/* Yuan of an amount in fen, as the form shows it. */
static void
yuan(long long fen, char *out, size_t outsz)
{

	snprintf(out, outsz, "%lld.%02lld", fen / 100, fen % 100);
}

/* Audit each field of task tid that changed: before and after. */
static int
task_audit_changes(const struct adb_task *t, long long tid,
    const struct actor *who)
{
	static const char *const names[] = { "code", "school", "title",
	    "first_day", "last_day", "fee", "notice", "require_id_photo",
	    "is_open", "photo_max_kb" };
	char		*code = NULL, *sname = NULL, *title = NULL, *d0 = NULL;
	char		*d1 = NULL, *notice = NULL, *nname = NULL;
	char		 ob[4][24], nb[4][24];
	const char	*old[10], *neu[10];
	long long	 fee = 0, idp = 0, open = 0, kb = 0;
	size_t		 i;
	int		 rc;

	rc = db_one(&set, STMT_TASK_OLD, "ii", "SSSSSiSiiiS", t->school_id, tid,
	    &code, &sname, &title, &d0, &d1, &fee, &notice, &idp, &open, &kb,
	    &nname);
	if (rc == 1) {
		yuan(fee, ob[0], sizeof(ob[0]));
		yuan(t->fee_fen, nb[0], sizeof(nb[0]));
		snprintf(ob[1], sizeof(ob[1]), "%lld", idp);
		snprintf(nb[1], sizeof(nb[1]), "%lld", t->require_id_photo);
		snprintf(ob[2], sizeof(ob[2]), "%lld", open);
		snprintf(nb[2], sizeof(nb[2]), "%lld", t->is_open);
		snprintf(ob[3], sizeof(ob[3]), "%lld", kb);
		snprintf(nb[3], sizeof(nb[3]), "%lld", t->photo_max_kb);
		old[0] = code; neu[0] = t->code;
		old[1] = sname; neu[1] = nname;
		old[2] = title; neu[2] = t->title;
		old[3] = d0; neu[3] = t->first_day;
		old[4] = d1; neu[4] = t->last_day;
		old[5] = ob[0]; neu[5] = nb[0];
		old[6] = notice; neu[6] = t->notice;
		old[7] = ob[1]; neu[7] = nb[1];
		old[8] = ob[2]; neu[8] = nb[2];
		old[9] = ob[3]; neu[9] = nb[3];
		for (i = 0; i < 10 && rc >= 0; i++)
			if (strcmp(old[i] ? old[i] : "", neu[i] ? neu[i] : "")
			    != 0)
				rc = audit_add(who, "task_save", "task", tid,
				    t->school_id, names[i], old[i], neu[i], NULL);
	}
	free(code);
	free(sname);
	free(title);
	free(d0);
	free(d1);
	free(notice);
	free(nname);
	return rc < 0 ? rc : 0;
}

static int
task_save_once(const struct adb_task *t, long long *tid,
    const struct actor *who, int isnew)
{
	int	 rc;

	if ((rc = db_begin()) < 0)
		return rc;
	if (isnew) {
		rc = db_exec(&set, STMT_TASK_ADD, "sisssisiii", t->code,
		    t->school_id, t->title, t->first_day, t->last_day,
		    t->fee_fen, t->notice, t->require_id_photo, t->is_open,
		    t->photo_max_kb);
		if (rc >= 0) {
			*tid = db_last_id();
			rc = audit_add(who, "task_add", "task", *tid,
			    t->school_id, "code", NULL, t->code, NULL);
		}
	} else if ((rc = task_audit_changes(t, *tid, who)) >= 0)
		rc = db_exec(&set, STMT_TASK_SET, "sisssisiiii", t->code,
		    t->school_id, t->title, t->first_day, t->last_day,
		    t->fee_fen, t->notice, t->require_id_photo, t->is_open,
		    t->photo_max_kb, *tid);
	if (rc >= 0 && (rc = db_commit()) == 0)
		return 0;
	db_rollback();
	if (isnew)
		*tid = 0;
	return rc;
}

int
adb_task_save(const struct adb_task *t, long long *tid,
    const struct actor *who)
{
	int	 rc, isnew = *tid == 0;

	if ((rc = school_exists(t->school_id)) <= 0)
		return rc < 0 ? rc : 404;
	DB_TX(rc, task_save_once(t, tid, who, isnew));
	return rc;
}

/* --- slots ----------------------------------------------------------- */

static int
minutes(const char *hhmm)
{
	int	 h, m;

	if (hhmm == NULL || valid_time(hhmm, &h, &m) != 0)
		return -1;
	return h * 60 + m;
}

/* Days from 1970-01-01 of a YYYY-MM-DD date, or -1. */
static long
dayno(const char *date)
{
	struct tm	 tm;
	int		 y, m, d;

	if (date == NULL || valid_date(date, &y, &m, &d) != 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	return (long)(timegm(&tm) / 86400);
}

static void
daystr(long day, char out[11])
{
	time_t		 t = (time_t)day * 86400 + 43200;
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

#define SLOTGEN_MAX	2000

const char *
adb_slotgen_check(const struct adb_slotgen *g)
{
	long	 a = dayno(g->date_from), b = dayno(g->date_to);
	long	 fa = dayno(g->first_day), fb = dayno(g->last_day);
	long	 n = 0, per;
	int	 k;

	if (a < 0 || b < 0 || b < a)
		return L("Lang.Admin.DateOrder");
	if (a < fa || b > fb)
		return L("Lang.Admin.Slot.Window");
	if (g->every < 5 || g->every > 720)
		return L("Lang.Admin.Slot.Every");
	if (g->capacity < 1 || g->capacity > 10000)
		return L("Lang.Admin.Slot.Capacity");
	if ((g->from[1] == NULL) != (g->to[1] == NULL))
		return L("Lang.Admin.Slot.SecondPair");
	for (k = 0; k < 2; k++) {
		if (g->from[k] == NULL)
			continue;
		if (minutes(g->to[k]) - minutes(g->from[k]) < g->every)
			return L("Lang.Admin.Slot.TooShort");
		per = (minutes(g->to[k]) - minutes(g->from[k])) / g->every;
		n += per * (b - a + 1);
	}
	if (n > SLOTGEN_MAX)
		return L("Lang.Admin.Slot.TooMany");
	return NULL;
}

/* The audit entry of a slot generation: what was asked for and how many
 * slots were new.  Returns 0 or a db.h error code. */
static int
slots_audit(const struct adb_slotgen *g, int added, const struct actor *who)
{
	char	 what[256], more[64] = "";

	if (g->from[1] != NULL)
		(void)LF(more, sizeof(more), "Lang.Admin.Audit.SlotsSecond",
		    LS("from", g->from[1]), LS("to", g->to[1]));
	(void)LF(what, sizeof(what), "Lang.Admin.Audit.SlotsAdded",
	    LS("date_from", g->date_from), LS("date_to", g->date_to),
	    LS("from", g->from[0]), LS("to", g->to[0]), LS("second", more),
	    LI("every", g->every), LI("capacity", g->capacity),
	    LI("added", added));
	return audit_add(who, "slot_add", "task", g->task_id, g->school_id,
	    "slots", NULL, what, NULL);
}

static int
adb_slots_add_once(const struct adb_slotgen *g, int *added,
    const struct actor *who)
{
	long	 d, a = dayno(g->date_from), b = dayno(g->date_to);
	char	 date[11], hm[16], sa[20], sb[20];
	int	 k, t, end, rc;

	*added = 0;
	if ((rc = db_begin()) < 0)
		return rc;
	for (d = a; d <= b; d++) {
		daystr(d, date);
		for (k = 0; k < 2; k++) {
			if (g->from[k] == NULL)
				continue;
			end = minutes(g->to[k]);
			for (t = minutes(g->from[k]); t + g->every <= end;
			    t += (int)g->every) {
				snprintf(hm, sizeof(hm), "%02d:%02d", t / 60,
				    t % 60);
				util_local_to_utc(date, hm, sa);
				snprintf(hm, sizeof(hm), "%02d:%02d",
				    (t + (int)g->every) / 60,
				    (t + (int)g->every) % 60);
				util_local_to_utc(date, hm, sb);
				rc = db_exec(&set, STMT_SLOT_ADD, "issi",
				    g->task_id, sa, sb, g->capacity);
				if (rc < 0) {
					db_rollback();
					*added = 0;
					return rc;
				}
				*added += rc == 1;
			}
		}
	}
	if ((rc = slots_audit(g, *added, who)) < 0 ||
	    (rc = db_commit()) < 0) {
		db_rollback();
		*added = 0;
		return rc;
	}
	return 0;
}

int
adb_slots_add(const struct adb_slotgen *g, int *added,
    const struct actor *who)
{
	int	 rc;

	DB_TX(rc, adb_slots_add_once(g, added, who));
	return rc;
}

int
adb_slot_capacity(long long slot, long long cap, const struct actor *who)
{
	long long	 old = 0, booked = 0, school = 0;
	char		 b[32], a[32];
	int		 rc;

	if (cap < 0 || cap > 10000)
		return 409;
	if ((rc = db_one(&set, STMT_SLOT_GET, "i", "iii", slot, &old, &booked,
	    &school)) <= 0)
		return rc < 0 ? rc : 409;
	rc = db_exec(&set, STMT_SLOT_CAP, "iii", cap, slot, cap);
	if (rc == DB_CHECK || rc == 0)
		return rc == 0 && old == cap ? 0 : 409;
	if (rc < 0)
		return rc;
	snprintf(b, sizeof(b), "%lld", old);
	snprintf(a, sizeof(a), "%lld", cap);
	rc = audit_add(who, "slot_capacity", "slot", slot, school, "capacity",
	    b, a, NULL);
	return rc < 0 ? rc : 0;
}

/* One attempt at deleting a slot and recording it on its task (the slot
 * row is gone afterwards: the task keeps what it was). */
static int
slot_delete_once(long long slot, const struct actor *who)
{
	long long	 cap = 0, booked = 0, school = 0, task = 0;
	char		 from[20], to[8], what[128];
	int		 rc;

	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_SLOT_GET, "i", "iiiiss", slot, &cap, &booked,
	    &school, &task, from, sizeof(from), to, sizeof(to));
	if (rc == 1)
		rc = db_exec(&set, STMT_SLOT_DEL, "ii", slot, slot);
	if (rc == 1) {
		(void)LF(what, sizeof(what), "Lang.Admin.Audit.SlotDeleted",
		    LS("from", from), LS("to", to), LI("capacity", cap));
		rc = audit_add(who, "slot_delete", "task", task, school, "slot",
		    what, NULL, NULL);
		if (rc == 0 && (rc = db_commit()) == 0)
			return 0;
	}
	db_rollback();
	return rc < 0 ? rc : 409;
}

int
adb_slot_delete(long long slot, const struct actor *who)
{
	int	 rc;

	DB_TX(rc, slot_delete_once(slot, who));
	return rc;
}

/* --- roster uploads ---------------------------------------------------- */

int
adb_upload_put(const unsigned char key[32], long long user, long long task,
    const unsigned char *buf, size_t len, long long *id)
{
	int	 rc;

	*id = 0;
	if ((rc = db_exec(&set, STMT_UP_PURGE, "b", (const void *)key,
	    (size_t)32)) < 0)
		return rc;
	if ((rc = db_exec(&set, STMT_UP_ADD, "biib", (const void *)key,
	    (size_t)32, user, task, (const void *)buf, len)) < 0)
		return rc;
	*id = db_last_id();
	return 0;
}

int
adb_upload_get(long long id, const unsigned char key[32], long long user,
    long long task, unsigned char **buf, size_t *len)
{

	*buf = NULL;
	*len = 0;
	return db_one(&set, STMT_UP_GET, "ibii", "B", id, (const void *)key,
	    (size_t)32, user, task, buf, len);
}

int
adb_upload_del(long long id)
{
	int	 rc;

	rc = db_exec(&set, STMT_UP_DEL, "i", id);
	return rc < 0 ? rc : 0;
}

/* --- lists --------------------------------------------------------------- */

int
adb_export(long long task, int kind, const char *state, const char *cls,
    db_row_cb cb, void *arg)
{
	const char	*st = state != NULL ? state : "";
	const char	*cl = cls != NULL ? cls : "";

	if (kind != 0)
		return db_each(&set, STMT_UNBOOKED, cb, arg, "i", task);
	return db_each(&set, STMT_EXPORT, cb, arg, "issss", task, st, st, cl,
	    cl);
}

int
adb_task_contact(long long tid, const char *name, const char *phone,
    const struct actor *who)
{
	int	 rc;

	(void)who;	/* the task's save is audited with the rest */
	rc = db_exec(&set, STMT_TASK_CONTACT, "ssi", name != NULL ? name : "",
	    phone != NULL ? phone : "", tid);
	return rc < 0 ? rc : 0;
}

int
adb_search(HDF *hdf, const char *prefix, const struct adb_search *s)
{
	char		 like[2 * UTF8_BUF(64) + 4], pre[2 * UTF8_BUF(64) + 4];
	const char	*q = s->q ? s->q : "", *st = s->state ? s->state : "";
	const char	*cl = s->class_name ? s->class_name : "", *p;
	size_t		 n = 0;

	/* %q% with LIKE's own characters taken literally. */
	like[n++] = '%';
	for (p = q; *p != '\0' && n < sizeof(like) - 4; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			like[n++] = '\\';
		like[n++] = *p;
	}
	like[n] = '\0';
	snprintf(pre, sizeof(pre), "%s%%", like + 1);
	like[n++] = '%';
	like[n] = '\0';
	return db_hdf(hdf, prefix, &set, STMT_SEARCH, "iiiissssssss",
	    s->school, s->school, s->task, s->task, q, like, pre, q, cl, cl,
	    st, st);
}

int
adb_student(HDF *hdf, long long id, int mask)
{
	int	 rc;

	if ((rc = db_hdf(hdf, "Rec", &set, STMT_STUDENT, "i", id)) <= 0)
		return rc;
	if ((rc = db_hdf(hdf, "Bookings", &set, STMT_BOOKINGS, "i", id)) < 0 ||
	    (rc = db_hdf(hdf, "Payments", &set, STMT_PAYMENTS, "i", id)) < 0 ||
	    (rc = db_hdf(hdf, "History", &set, STMT_HISTORY, "iii",
	    (long long)mask, (long long)mask, id)) < 0)
		return rc;
	return 1;
}

int
adb_audit(HDF *hdf, const char *prefix, const struct adb_auditq *q)
{

	return db_hdf(hdf, prefix, &set, STMT_AUDIT, "iiiiiiiiiiiiissssss",
	    1LL, 1LL, q->scope, q->scope, q->school, q->school, q->task,
	    q->task, q->task, q->task, q->task, q->student, q->student,
	    q->user, q->user, q->from, q->from, q->to, q->to);
}

/* --- users ----------------------------------------------------------------- */

int
adb_users(HDF *hdf, const char *prefix, long long uid)
{

	return db_hdf(hdf, prefix, &set, STMT_USERS, "ii", uid, uid);
}

/* Audit each change of user uid (role, school, disabled; the password
 * only as the fact: neither it nor its hash is written down). */
static int
user_audit_changes(long long uid, const char *role, long long school,
    long long disabled, const char *hash, const struct actor *who)
{
	char		 orole[16], osname[304], nsname[304];
	char		 od[4], nd[4];
	long long	 oschool = 0, odis = 0;
	int		 rc;

	rc = db_one(&set, STMT_USER_OLD, "ii", "siiss", school, uid, orole,
	    sizeof(orole), &oschool, &odis, osname, sizeof(osname), nsname,
	    sizeof(nsname));
	if (rc <= 0)
		return rc < 0 ? rc : 404;
	snprintf(od, sizeof(od), "%lld", odis);
	snprintf(nd, sizeof(nd), "%lld", disabled);
	rc = 0;
	if (strcmp(orole, role) != 0)
		rc = audit_add(who, "user_role", "user", uid, school, "role",
		    orole, role, NULL);
	if (rc == 0 && oschool != school)
		rc = audit_add(who, "user_school", "user", uid, school,
		    "school", osname, nsname, NULL);
	if (rc == 0 && odis != disabled)
		rc = audit_add(who, disabled ? "user_disable" : "user_enable",
		    "user", uid, school, "disabled", od, nd, NULL);
	if (rc == 0 && hash != NULL)
		rc = audit_add(who, "user_password", "user", uid, school,
		    "password", NULL, NULL, NULL);
	return rc;
}

static int
user_save_once(long long *uid, const char *username, const char *role,
    long long school, long long disabled, const char *hash,
    const struct actor *who)
{
	int	 rc, isnew = *uid == 0;

	if ((rc = db_begin()) < 0)
		return rc;
	if (isnew) {
		rc = db_exec(&set, STMT_USER_ADD, "sssii", username, hash,
		    role, school, disabled);
		if (rc >= 0) {
			*uid = db_last_id();
			rc = audit_add(who, "user_add", "user", *uid, school,
			    "role", NULL, role, username);
		}
	} else if ((rc = user_audit_changes(*uid, role, school, disabled,
	    hash, who)) == 0 &&
	    (rc = db_exec(&set, STMT_USER_SET, "siii", role, school, disabled,
	    *uid)) >= 0 && hash != NULL)
		rc = db_exec(&set, STMT_USER_PW, "si", hash, *uid);
	if (rc >= 0 && (rc = db_commit()) == 0)
		return 0;
	db_rollback();
	if (isnew)
		*uid = 0;
	return rc == 404 ? DB_ERR : rc;
}

int
adb_user_save(long long *uid, const char *username, const char *role,
    long long school, long long disabled, const char *hash,
    const struct actor *who)
{
	int	 rc;

	if (school > 0 && (rc = school_exists(school)) <= 0)
		return rc < 0 ? rc : 404;
	if (*uid == 0 && hash == NULL)
		return DB_ERR;
	DB_TX(rc, user_save_once(uid, username, role, school, disabled, hash,
	    who));
	return rc;
}
