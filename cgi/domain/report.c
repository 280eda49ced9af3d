/*
 * report.c - students' reports to their school's teacher (see report.h).
 */
#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "infra/db.h"
#include "domain/report.h"

enum stmt {
	STMT_ADD,
	STMT_MINE,
	STMT_QUEUE,
	STMT_OPEN,
	STMT_SCHOOL,
	STMT_LOCK,
	STMT_ANSWER,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_ADD */
	"INSERT INTO report (task_id, student_id, skey, kind, name, code, "
	"message) VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?)",
	/* STMT_MINE: the student's, or the session's when not known */
	"SELECT kind, message, state, IFNULL(answer, '') AS answer, "
	"DATE_FORMAT(created_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i') AS at "
	"FROM report WHERE (? > 0 AND student_id = ?) OR skey = ? "
	"ORDER BY id DESC LIMIT 5",
	/* STMT_QUEUE: open first; masked ID number, nothing more */
	"SELECT r.id, r.kind, r.state, r.name AS typed_name, r.code, "
	"r.message, IFNULL(r.answer, '') AS answer, "
	"IFNULL(r.answered_by, '') AS answered_by, "
	"DATE_FORMAT(r.created_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%i') AS at, "
	"t.code AS task_code, t.id AS task_id, IFNULL(s.id, 0) AS student_id, "
	"IFNULL(s.name, '') AS name, IFNULL(s.class_name, '') AS class_name, "
	"IFNULL(CONCAT(LEFT(s.id_number, 3), '***********', "
	"RIGHT(s.id_number, 4)), '') AS id_shown "
	"FROM report r JOIN task t ON t.id = r.task_id "
	"LEFT JOIN student s ON s.id = r.student_id "
	"WHERE (? = 0 OR t.school_id = ?) "
	"ORDER BY r.state = 'open' DESC, r.id DESC LIMIT 200",
	/* STMT_OPEN */
	"SELECT COUNT(*) FROM report r JOIN task t ON t.id = r.task_id "
	"WHERE r.state = 'open' AND (? = 0 OR t.school_id = ?)",
	/* STMT_SCHOOL */
	"SELECT t.school_id FROM report r JOIN task t ON t.id = r.task_id "
	"WHERE r.id = ?",
	/* STMT_LOCK */
	"SELECT r.state, r.message, t.school_id FROM report r "
	"JOIN task t ON t.id = r.task_id WHERE r.id = ? FOR UPDATE",
	/* STMT_ANSWER */
	"UPDATE report SET state = 'answered', answer = ?, answered_by = ?, "
	"answered_at = UTC_TIMESTAMP() WHERE id = ? AND state = 'open'",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("report", stmts);

int
report_add(long long task_id, long long student_id,
    const unsigned char skey[32], enum report_kind kind, const char *name,
    const char *code, const char *message)
{
	int	 rc;

	rc = db_exec(&set, STMT_ADD, "iibssss", task_id, student_id,
	    (const void *)skey, (size_t)32,
	    kind == REPORT_DATA_ERROR ? "data_error" : "not_on_roster",
	    name != NULL ? name : "", code != NULL ? code : "",
	    message != NULL ? message : "");
	return rc < 0 ? rc : 0;
}

int
report_student_hdf(HDF *hdf, long long student_id,
    const unsigned char skey[32])
{

	return db_hdf(hdf, "Reports", &set, STMT_MINE, "iib", student_id,
	    student_id, (const void *)skey, (size_t)32);
}

int
report_queue_hdf(HDF *hdf, long long school_id)
{

	return db_hdf(hdf, "Reports", &set, STMT_QUEUE, "ii", school_id,
	    school_id);
}

int
report_open_count(long long school_id, long long *n)
{
	int	 rc;

	*n = 0;
	rc = db_one(&set, STMT_OPEN, "ii", "i", school_id, school_id, n);
	return rc < 0 ? rc : 0;
}

int
report_school(long long id, long long *school_id)
{

	return db_one(&set, STMT_SCHOOL, "i", "i", id, school_id);
}

/* The first max characters of UTF-8 s into out (the audit's columns hold
 * 255 characters). */
static void
cut(const char *s, size_t max, char *out, size_t outsz)
{
	size_t	 i = 0, n = 0;

	while (s[i] != '\0' && n < max && i + 4 < outsz) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		n++;
	}
	memcpy(out, s, i);
	out[i] = '\0';
}

static int
answer_once(long long id, const char *answer, const struct actor *who)
{
	char		 state[16], message[2001], before[1024], after[1024];
	long long	 school;
	int		 rc;

	if ((rc = db_begin()) < 0)
		return rc;
	rc = db_one(&set, STMT_LOCK, "i", "ssi", id, state, sizeof(state),
	    message, sizeof(message), &school);
	if (rc <= 0 || strcmp(state, "open") != 0) {
		db_rollback();
		return rc < 0 ? rc : 1;
	}
	cut(message, 250, before, sizeof(before));
	cut(answer, 250, after, sizeof(after));
	if ((rc = db_exec(&set, STMT_ANSWER, "ssi", answer,
	    who != NULL && who->name != NULL ? who->name : "?", id)) < 0 ||
	    (rc = audit_add(who, "report_answer", "report", id, school,
	    NULL, before, after, NULL)) < 0) {
		db_rollback();
		return rc;
	}
	return db_commit();
}

int
report_answer(long long id, const char *answer, const struct actor *who)
{
	int	 rc;

	DB_TX(rc, answer_once(id, answer, who));
	return rc;
}
