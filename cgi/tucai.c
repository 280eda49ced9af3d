/*
 * tucai.c - the operator's command line (CONTRACT section 2).
 *
 * Exit 0 on success, 1 when the operation is refused (message on stderr,
 * nothing half-done), 2 on bad usage.  Acts on the instance whose
 * configuration $TUCAI_CONF names.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <time.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "domain/audit.h"
#include "domain/booking.h"
#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/idnum.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "domain/pay.h"
#include "domain/privacy.h"
#include "domain/reconcile.h"
#include "domain/roster.h"
#include "domain/student_db.h"
#include "infra/util.h"
#include "infra/valid.h"
#include "infra/workday.h"

enum stmt {
	STMT_MIG_TABLE,
	STMT_MIG_HAVE,
	STMT_MIG_ADD,
	STMT_SCHOOL_ADD,
	STMT_SCHOOL_ID,
	STMT_USER_ADD,
	STMT_TASK_ADD,
	STMT_TASK_GET,
	STMT_TASK_SCHOOL,
	STMT_SLOT_ADD,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_MIG_TABLE */
	"CREATE TABLE IF NOT EXISTS schema_migration ("
	"version INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,"
	" applied_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP()) ENGINE=InnoDB "
	"DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
	/* STMT_MIG_HAVE */
	"SELECT version FROM schema_migration WHERE version = ?",
	/* STMT_MIG_ADD */
	"INSERT INTO schema_migration (version, name) VALUES (?, ?)",
	/* STMT_SCHOOL_ADD */
	"INSERT INTO school (code, name) VALUES (?, ?)",
	/* STMT_SCHOOL_ID */
	"SELECT id FROM school WHERE code = ?",
	/* STMT_USER_ADD */
	"INSERT INTO user (username, pw_hash, role, school_id) "
	"VALUES (?, ?, ?, NULLIF(?, 0))",
	/* STMT_TASK_ADD */
	"INSERT INTO task (code, school_id, title, first_day, last_day, "
	"fee_fen, notice, require_id_photo, photo_max_kb) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/* STMT_TASK_GET */
	"SELECT id, first_day, last_day FROM task WHERE code = ?",
	/* STMT_TASK_SCHOOL */
	"SELECT school_id FROM task WHERE id = ?",
	/* STMT_SLOT_ADD */
	"INSERT INTO slot (task_id, starts_at, ends_at, capacity) "
	"VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("cli", stmts);

static const struct actor cli_actor = { 0, "tucai-cli" };
static const struct actor sweep_actor = { 0, "tucai-sweep" };

/* One line to the operator on stderr: "tucai: " and msg. */
static void
say(const char *word)
{

	fprintf(stderr, "tucai: %s\n", word);
}

static int
usage(void)
{

	fputs("usage: tucai migrate\n"
	    "       tucai school add CODE NAME\n"
	    "       tucai user add USERNAME --role operator|teacher|staff "
	    "[--school CODE]   (password on stdin)\n"
	    "       tucai task add CODE --school CODE --title TITLE --from DATE "
	    "--to DATE --fee YUAN [--require-id-photo] [--notice TEXT] "
	    "[--photo-max-kb N]\n"
	    "       tucai slots add TASKCODE --date DATE --from HH:MM --to HH:MM "
	    "--every MINUTES --capacity N\n"
	    "       tucai roster import TASKCODE FILE.csv\n"
	    "       tucai task close TASKCODE [--force --reason TEXT]\n"
	    "       tucai purge TASKCODE\n"
	    "       tucai sweep\n"
	    "       tucai reconcile [--date YYYY-MM-DD]\n"
	    "       tucai init-config [FILE]\n"
	    "       tucai backup DIR\n"
	    "       tucai restore FILE [DATABASE]\n", stderr);
	return 2;
}

static int
refuse(const char *msg)
{

	fprintf(stderr, "tucai: %s\n", msg);
	return 1;
}

static int
dbfail(int rc)
{

	if (rc == DB_DUP)
		return refuse("already exists");
	return refuse(db_lost() ? "database unavailable" : "database error "
	    "(see the log)");
}

/* --- migrate ---------------------------------------------------------- */

static int
sql_file(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return n > 8 && d->d_name[0] >= '0' && d->d_name[0] <= '9' &&
	    strcmp(d->d_name + n - 4, ".sql") == 0;
}

static int
read_file(const char *path, char **buf, size_t *len, size_t max)
{
	FILE	*fp;
	long	 sz;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 ||
	    (size_t)sz > max || fseek(fp, 0, SEEK_SET) != 0) {
		fclose(fp);
		errno = EFBIG;
		return -1;
	}
	if ((*buf = malloc((size_t)sz + 1)) == NULL ||
	    fread(*buf, 1, (size_t)sz, fp) != (size_t)sz) {
		free(*buf);
		fclose(fp);
		return -1;
	}
	(*buf)[sz] = '\0';
	*len = (size_t)sz;
	fclose(fp);
	return 0;
}

static int
cmd_migrate(int argc, char **argv)
{
	struct dirent	**list;
	const char	*dir = conf_str("Paths.Schema", PKGDATADIR "/schema");
	char		 path[4096], err[512], *sql;
	size_t		 len;
	long long	 v, have;
	int		 n, i, rc, applied = 0, status = 0;

	if (argc != 1)
		return usage();
	if ((rc = db_exec(&set, STMT_MIG_TABLE, "")) < 0)
		return dbfail(rc);
	if ((n = scandir(dir, &list, sql_file, alphasort)) < 0)
		return refuse("cannot read the schema folder");
	for (i = 0; i < n; i++) {
		if (status != 0)
			goto next;
		v = strtoll(list[i]->d_name, NULL, 10);
		if ((rc = db_one(&set, STMT_MIG_HAVE, "i", "i", v, &have)) < 0) {
			status = dbfail(rc);
			goto next;
		}
		if (rc == 1)
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (read_file(path, &sql, &len, 1 << 20) != 0) {
			fprintf(stderr, "tucai: %s: %s\n", path, strerror(errno));
			status = 1;
			goto next;
		}
		rc = db_script(sql, err, sizeof(err));
		free(sql);
		if (rc != 0) {
			fprintf(stderr, "tucai: %s: %s\n", list[i]->d_name, err);
			status = 1;
			goto next;
		}
		if ((rc = db_exec(&set, STMT_MIG_ADD, "is", v,
		    list[i]->d_name)) < 0) {
			status = dbfail(rc);
			goto next;
		}
		printf("applied %s\n", list[i]->d_name);
		applied++;
next:
		free(list[i]);
	}
	free(list);
	if (status == 0)
		printf("schema up to date (%d applied)\n", applied);
	return status;
}

/* --- school, user, task, slots ---------------------------------------- */

static int
school_id(const char *code, long long *id)
{
	int	 rc;

	if ((rc = db_one(&set, STMT_SCHOOL_ID, "s", "i", code, id)) < 0)
		return dbfail(rc);
	if (rc == 0) {
		fprintf(stderr, "tucai: no school with code %s\n", code);
		return 1;
	}
	return 0;
}

static int
check_code(const char *code, size_t max)
{
	size_t	 i;

	if (*code == '\0' || strlen(code) > max)
		return -1;
	for (i = 0; code[i] != '\0'; i++)
		if (!((code[i] >= '0' && code[i] <= '9') ||
		    (code[i] >= 'A' && code[i] <= 'Z') ||
		    (code[i] >= 'a' && code[i] <= 'z') ||
		    code[i] == '-' || code[i] == '_'))
			return -1;
	return 0;
}

static int
cmd_school(int argc, char **argv)
{
	int	 rc;

	if (argc != 4 || strcmp(argv[1], "add") != 0)
		return usage();
	if (check_code(argv[2], 16) != 0)
		return refuse("school code: letters and digits, at most 16");
	if (strlen(argv[3]) == 0 || strlen(argv[3]) > 300)
		return refuse("school name: 1 to 100 characters");
	if ((rc = db_exec(&set, STMT_SCHOOL_ADD, "ss", argv[2], argv[3])) < 0)
		return dbfail(rc);
	printf("school %s added\n", argv[2]);
	return 0;
}

static int
cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "school", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*role = NULL, *school = NULL, *name;
	char		 pw[256], hash[crypto_pwhash_STRBYTES];
	long long	 sid = 0;
	size_t		 n;
	int		 c, rc;

	if (argc < 3 || strcmp(argv[1], "add") != 0)
		return usage();
	name = argv[2];
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'r': role = optarg; break;
		case 's': school = optarg; break;
		default: return usage();
		}
	if (optind != argc || role == NULL)
		return usage();
	if (strcmp(role, "operator") && strcmp(role, "teacher") &&
	    strcmp(role, "staff"))
		return usage();
	if (check_code(name, 64) != 0)
		return refuse("username: letters, digits, '-' and '_'");
	if (strcmp(role, "teacher") == 0 && school == NULL)
		return refuse("a teacher needs --school");
	if (school != NULL && (rc = school_id(school, &sid)) != 0)
		return rc;
	if (fgets(pw, sizeof(pw), stdin) == NULL)
		return refuse("password expected on standard input");
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < 8)
		return refuse("password: at least 8 characters");
	if (crypto_pwhash_str(hash, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return refuse("out of memory hashing the password");
	sodium_memzero(pw, sizeof(pw));
	if ((rc = db_exec(&set, STMT_USER_ADD, "sssi", name, hash, role,
	    sid)) < 0)
		return dbfail(rc);
	if ((rc = audit_add(&cli_actor, "user_add", "user", db_last_id(), sid,
	    "role", NULL, role, name)) < 0)
		return dbfail(rc);
	printf("user %s added (%s)\n", name, role);
	return 0;
}

static int
task_get(const char *code, long long *id, char first[11], char last[11])
{
	int	 rc;

	rc = db_one(&set, STMT_TASK_GET, "s", "iss", code, id, first,
	    (size_t)11, last, (size_t)11);
	if (rc < 0)
		return dbfail(rc);
	if (rc == 0) {
		fprintf(stderr, "tucai: no task with code %s\n", code);
		return 1;
	}
	return 0;
}

static int
cmd_task_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "school", required_argument, NULL, 's' },
		{ "title", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'u' },
		{ "fee", required_argument, NULL, 'e' },
		{ "notice", required_argument, NULL, 'n' },
		{ "require-id-photo", no_argument, NULL, 'i' },
		{ "photo-max-kb", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*school = NULL, *title = NULL, *from = NULL, *to = NULL;
	const char	*fee = NULL, *notice, *code;
	char		 dflt[2048];
	long long	 sid, fen, maxkb = 40;
	int		 c, rc, idphoto = 0, y, m, d;
	size_t		 n;

	if (argc < 3)
		return usage();
	/* The default 预约须知; a word of several lines keeps its last
	 * newline (HDF), the notice has none. */
	snprintf(dflt, sizeof(dflt), "%s", L("Lang.Cli.TaskNotice"));
	if ((n = strlen(dflt)) > 0 && dflt[n - 1] == '\n')
		dflt[n - 1] = '\0';
	notice = dflt;
	code = argv[2];
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 's': school = optarg; break;
		case 't': title = optarg; break;
		case 'f': from = optarg; break;
		case 'u': to = optarg; break;
		case 'e': fee = optarg; break;
		case 'n': notice = optarg; break;
		case 'i': idphoto = 1; break;
		case 'k':
			if (util_parse_ll(optarg, &maxkb) != 0)
				return refuse("--photo-max-kb: a number");
			break;
		default: return usage();
		}
	if (optind != argc || !school || !title || !from || !to || !fee)
		return usage();
	if (maxkb < 20 || maxkb > 500)
		return refuse("--photo-max-kb: 20 to 500");
	if (check_code(code, 32) != 0)
		return refuse("task code: letters and digits, at most 32");
	if (valid_date(from, &y, &m, &d) || valid_date(to, &y, &m, &d))
		return refuse("dates are YYYY-MM-DD");
	if (strcmp(to, from) < 0)
		return refuse("--to is before --from");
	if (valid_money(fee, &fen) != 0)
		return refuse("--fee is an amount in yuan, e.g. 40 or 35.50");
	if (*title == '\0' || strlen(title) > 600)
		return refuse("--title: 1 to 200 characters");
	if ((rc = school_id(school, &sid)) != 0)
		return rc;
	if ((rc = db_exec(&set, STMT_TASK_ADD, "sisssisii", code, sid, title,
	    from, to, fen, notice, (long long)idphoto, maxkb)) < 0)
		return dbfail(rc);
	if ((rc = audit_add(&cli_actor, "task_add", "task", db_last_id(), sid,
	    "code", NULL, code, NULL)) < 0)
		return dbfail(rc);
	printf("task %s added\n", code);
	return 0;
}

static int
cmd_slots(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "every", required_argument, NULL, 'e' },
		{ "capacity", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*date = NULL, *from = NULL, *to = NULL;
	char		 first[11], last[11], a[16], b[16], sa[20], sb[20];
	char		 what[256];
	long long	 tid, every = 0, cap = 0, school = 0;
	int		 c, rc, h1, m1, h2, m2, t, added = 0, total = 0;

	if (argc < 3 || strcmp(argv[1], "add") != 0)
		return usage();
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'd': date = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'e':
			if (util_parse_ll(optarg, &every) != 0)
				return refuse("--every: a number of minutes");
			break;
		case 'c':
			if (util_parse_ll(optarg, &cap) != 0)
				return refuse("--capacity: a number");
			break;
		default: return usage();
		}
	if (optind != argc || !date || !from || !to)
		return usage();
	if (every < 5 || every > 720)
		return refuse("--every: 5 to 720 minutes");
	if (cap < 1 || cap > 10000)
		return refuse("--capacity: 1 to 10000");
	if (valid_time(from, &h1, &m1) || valid_time(to, &h2, &m2))
		return refuse("times are HH:MM");
	if (h2 * 60 + m2 <= h1 * 60 + m1)
		return refuse("--to must be after --from");
	if ((rc = task_get(argv[2], &tid, first, last)) != 0)
		return rc;
	if (strlen(date) != 10 || util_local_to_utc(date, "00:00", sa) != 0)
		return refuse("dates are YYYY-MM-DD");
	if (strcmp(date, first) < 0 || strcmp(date, last) > 0)
		return refuse("the date is outside the task's window");
	if ((rc = db_one(&set, STMT_TASK_SCHOOL, "i", "i", tid, &school)) < 0)
		return dbfail(rc);
	if ((rc = db_begin()) < 0)
		return dbfail(rc);
	for (t = h1 * 60 + m1; t + every <= h2 * 60 + m2; t += (int)every) {
		snprintf(a, sizeof(a), "%02d:%02d", t / 60, t % 60);
		snprintf(b, sizeof(b), "%02d:%02d", (t + (int)every) / 60,
		    (t + (int)every) % 60);
		util_local_to_utc(date, a, sa);
		util_local_to_utc(date, b, sb);
		rc = db_exec(&set, STMT_SLOT_ADD, "issi", tid, sa, sb, cap);
		if (rc < 0) {
			db_rollback();
			return dbfail(rc);
		}
		added += rc == 1;
		total++;
	}
	(void)LF(what, sizeof(what), "Lang.Cli.Audit.SlotsAdded",
	    LS("date", date), LS("from", from), LS("to", to),
	    LI("every", every), LI("capacity", cap), LI("added", added));
	if ((rc = audit_add(&cli_actor, "slot_add", "task", tid, school, "slots",
	    NULL, what, NULL)) < 0 || (rc = db_commit()) < 0) {
		db_rollback();
		return dbfail(rc);
	}
	printf("added %d slots on %s (%d already there)\n", added, date,
	    total - added);
	return 0;
}

/* --- roster ------------------------------------------------------------ */

static int
cmd_roster(int argc, char **argv)
{
	struct roster	 ro;
	char		 first[11], last[11], err[256], *buf;
	size_t		 len, i;
	long long	 tid;
	int		 rc, ins, upd;

	if (argc != 4 || strcmp(argv[1], "import") != 0)
		return usage();
	if ((rc = task_get(argv[2], &tid, first, last)) != 0)
		return rc;
	if (read_file(argv[3], &buf, &len, 20 << 20) != 0) {
		fprintf(stderr, "tucai: %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	rc = roster_parse(buf, len, &ro, err, sizeof(err));
	free(buf);
	if (rc != 0)
		return refuse(err);
	/* Stored first: the database adds rejects of its own (an ID number
	 * another student of the task has). */
	if ((rc = roster_store(tid, &ro, &cli_actor, &ins, &upd)) != 0) {
		roster_free(&ro);
		return dbfail(rc);
	}
	for (i = 0; i < ro.nrejects; i++)
		fprintf(stderr, "line %d: %s\n", ro.rejects[i].line,
		    ro.rejects[i].reason);
	printf("imported %zu, rejected %zu\n", ro.nrows, ro.nrejects);
	if (upd > 0)
		printf("(%d new, %d updated, %zu unchanged)\n", ins, upd,
		    ro.nrows - (size_t)ins - (size_t)upd);
	roster_free(&ro);
	return 0;
}

/* --- close-out and housekeeping ------------------------------------- */

/* The operator's close-out: refused inside the window and while someone
 * is checked in without a photo, unless --force with a reason. */
static int
cmd_task_close(int argc, char **argv)
{
	struct close_counts	 cc;
	struct close_plan	*p;
	const char		*reason = NULL;
	long long		 tid;
	char			 first[11], last[11], msg[256];
	int			 i, rc, force = 0;

	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else
			return usage();
	}
	if (force && (reason == NULL || *reason == '\0'))
		return refuse("--force needs --reason TEXT (it is audited)");
	if ((rc = task_get(argv[2], &tid, first, last)) != 0)
		return rc;
	if ((p = malloc(sizeof(*p))) == NULL)
		return refuse("out of memory");
	if ((rc = booking_close_plan(tid, p)) < 0) {
		free(p);
		return dbfail(rc);
	}
	if (!p->window_over && !force) {
		(void)LF(msg, sizeof(msg), "Lang.Cli.Close.Early",
		    LS("last_day", p->last_day));
		say(msg);
		fprintf(stderr, "tucai: to close it anyway: --force --reason "
		    "TEXT\n");
		free(p);
		return 1;
	}
	if (p->checked_in > 0 && !force) {
		(void)LF(msg, sizeof(msg), "Lang.Cli.Close.CheckedIn",
		    LI("n", p->checked_in));
		say(msg);
		for (i = 0; i < p->nblock; i++)
			fprintf(stderr, "  %s\n", p->block[i]);
		if (p->checked_in > p->nblock) {
			(void)LF(msg, sizeof(msg), "Lang.Cli.Close.More",
			    LI("n", p->checked_in - p->nblock));
			fprintf(stderr, "  %s\n", msg);
		}
		fprintf(stderr, "tucai: upload their photos, or "
		    "--force --reason TEXT\n");
		free(p);
		return 1;
	}
	free(p);
	rc = booking_close_task(tid, &cli_actor, force, reason, &cc);
	if (rc == BK_PROVIDER)
		return refuse("payment provider unavailable; run again");
	if (rc != 0)
		return dbfail(rc);
	printf("task %s closed: %d cancelled, %d holds released, "
	    "%d captured, %d collected\n", argv[2], cc.cancelled, cc.voided,
	    cc.captured, cc.collected);
	return 0;
}

static int
cmd_task(int argc, char **argv)
{

	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return cmd_task_add(argc, argv);
	if (argc < 3 || strcmp(argv[1], "close") != 0)
		return usage();
	return cmd_task_close(argc, argv);
}

static int
cmd_sweep(int argc, char **argv)
{
	struct sweep_counts	 sc;
	int			 rc;

	if (argc != 1)
		return usage();
	if ((rc = booking_sweep(&sc)) != 0)
		return dbfail(rc);
	printf("expired %d unpaid holds, lapsed %d payments, removed %d "
	    "sessions, asked the provider about %d open orders, asked %d "
	    "students to confirm their hold again, %d to pay on site\n",
	    sc.expired, sc.lapsed, sc.sessions, sc.asked, sc.reauth,
	    sc.onsite);
	/* Once a day the money is reconciled with the provider. */
	if ((rc = reconcile_due()) < 0)
		return dbfail(rc);
	if (rc == 1) {
		struct recon	 rr;

		rc = reconcile(NULL, &cli_actor, &rr);
		if (rc == 0)
			printf("reconciled %d orders: %zu mismatches%s\n",
			    rr.checked, rr.n, rr.n ? " (tucai reconcile "
			    "lists them)" : "");
		else if (rc == 1)
			fprintf(stderr, "tucai: reconciliation: the "
			    "provider's statement could not be had\n");
		reconcile_free(&rr);
		if (rc < 0)
			return dbfail(rc);
	}
	/* PIPL: the tasks closed long enough ago lose their ID-card photos
	 * and full ID numbers, once photos.zip went out. */
	{
		struct purge_sweep	 ps;

		if ((rc = privacy_sweep(&sweep_actor, &ps)) < 0)
			return dbfail(rc);
		if (ps.purged > 0)
			printf("purged %d closed tasks (ID-card photos, ID "
			    "numbers)\n", ps.purged);
		if (ps.waiting > 0)
			fprintf(stderr, "tucai: %d closed tasks (%s%s) wait "
			    "for their photos.zip before the purge\n",
			    ps.waiting, ps.first, ps.waiting > 1 ? ", ..." : "");
	}
	/* Refund dates need this year's and (from November) next year's
	 * holiday notice: say so where the operator looks. */
	if (workday_check(clock_now()) > 0)
		fprintf(stderr, "tucai: warning: a holiday calendar is missing "
		    "(Calendar.Path; see the log)\n");
	return 0;
}

/*
 * PIPL: a task closed more than Privacy.PurgeDays ago loses its ID-card
 * photos and full ID numbers (core/privacy.c).  Refused while it is open,
 * too recent, or while a photo is newer than its last photos.zip: that
 * archive names the photos by ID number and is the school's copy.
 */
static int
cmd_purge(int argc, char **argv)
{
	struct purge_info	 pi;
	char			 first[11], last[11], msg[256];
	long long		 tid;
	int			 rc;

	if (argc != 2)
		return usage();
	if ((rc = task_get(argv[1], &tid, first, last)) != 0)
		return rc;
	rc = privacy_purge(tid, &cli_actor, &pi);
	switch (rc) {
	case 0:
		printf("task %s purged: %d ID-card photos removed, %d ID "
		    "numbers masked, %d audit values masked, %d roster "
		    "uploads removed\n", argv[1], pi.idcards, pi.masked,
		    pi.audit, pi.uploads);
		return 0;
	case PURGE_DONE:
		printf("task %s was purged at %s: nothing to do\n", argv[1],
		    pi.purged_at);
		return 0;
	case PURGE_OPEN:
		return refuse(L("Lang.Cli.Purge.Open"));
	case PURGE_EARLY:
		(void)LF(msg, sizeof(msg), "Lang.Cli.Purge.Early",
		    LI("days", pi.days), LS("closed_at", pi.closed_at),
		    LS("due_at", pi.due_at));
		return refuse(msg);
	case PURGE_EXPORT:
		return refuse(L("Lang.Cli.Purge.Export"));
	case PURGE_NONE:
		return refuse("no such task");
	default:
		return dbfail(rc);
	}
}

/* Print a run's mismatches; exit 1 when there is one (or no statement). */
static int
recon_print(const struct recon *rr, int rc)
{
	size_t	 i;

	if (rc < 0)
		return dbfail(rc);
	if (rc == 1)
		return refuse("the provider's statement could not be had; "
		    "run again");
	for (i = 0; i < rr->n; i++)
		printf("%s\t%s\tbooking %lld\t%s\n", rr->item[i].kind,
		    rr->item[i].ref, rr->item[i].booking_id,
		    rr->item[i].detail);
	printf("reconciled %d orders: %zu mismatch%s\n", rr->checked, rr->n,
	    rr->n == 1 ? "" : "es");
	return rr->n > 0 ? 1 : 0;
}

static int
cmd_reconcile(int argc, char **argv)
{
	struct recon	 rr;
	const char	*day = NULL;
	int		 y, m, d, rc;

	if (argc == 3 && strcmp(argv[1], "--date") == 0)
		day = argv[2];
	else if (argc != 1)
		return usage();
	if (day != NULL && valid_date(day, &y, &m, &d) != 0)
		return refuse("--date: YYYY-MM-DD");
	rc = reconcile(day, &cli_actor, &rr);
	if (rc >= 0) {
		char	 after[160];

		(void)LF(after, sizeof(after), "Lang.Cli.Audit.Reconciled",
		    LS("result", rc == 1 ? L("Lang.Admin.Audit.NoStatement") :
		    L("Lang.Admin.Audit.Done")), LI("checked", rr.checked),
		    LI("diffs", rr.n));
		if (audit_add(&cli_actor, "reconcile", "payment", 0, 0, NULL,
		    NULL, after, day) < 0) {
			reconcile_free(&rr);
			return dbfail(DB_ERR);
		}
	}
	rc = recon_print(&rr, rc);
	reconcile_free(&rr);
	return rc;
}

/* --- installation: configuration, backups -------------------------- */

/*
 * tucai init-config [FILE]: a production configuration with fresh random
 * secrets, root:tucai 0640 (the programs' group reads it; nginx and other
 * users cannot).  Refuses to overwrite a file.  Runs before any
 * configuration exists.
 */
static int
cmd_init_config(int argc, char **argv)
{
	const char	*path = argc >= 2 ? argv[1] : SYSCONFDIR "/tucai.hdf";
	char		 formkey[65], paykey[65], dbpw[49], idkey[65];
	unsigned char	 b[32];
	struct group	*g;
	FILE		*fp;
	int		 fd;

	if (argc > 2)
		return usage();
	if ((g = getgrnam("tucai")) == NULL)
		return refuse("no group tucai: make the system user first "
		    "(adduser --system --group --home /var/lib/tucai tucai)");
	if (sodium_init() < 0)
		return 1;
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(formkey, sizeof(formkey), b, 32);
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(paykey, sizeof(paykey), b, 32);
	randombytes_buf(b, 24);
	sodium_bin2hex(dbpw, sizeof(dbpw), b, 24);
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(idkey, sizeof(idkey), b, 32);
	sodium_memzero(b, sizeof(b));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0640)) == -1) {
		fprintf(stderr, "tucai: %s: %s%s\n", path, strerror(errno),
		    errno == EEXIST ? " (not overwritten)" : "");
		return 1;
	}
	if (fchown(fd, 0, g->gr_gid) != 0 || fchmod(fd, 0640) != 0 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "tucai: %s: %s\n", path, strerror(errno));
		close(fd);
		unlink(path);
		return 1;
	}
	fprintf(fp,
	    "# %s - tucai's configuration (tucai.hdf(5)), made by\n"
	    "# `tucai init-config`.  It holds secrets: root:tucai, 0640.\n"
	    "# Edit Site.Url, Support and Pay; everything else is a sound default.\n"
	    "\n"
	    "Site {\n"
	    "  # The address students open (https: cookies get Secure).\n"
	    "  Url = https://photo.example.edu.cn\n"
	    "  SecureCookies = 1\n"
	    "  # A production site: the sandbox bank is refused.\n"
	    "  Production = 1\n"
	    "  FormKey = %s\n"
	    "}\n\n"
	    "DB {\n"
	    "  # The local MariaDB over its socket; the account of\n"
	    "  # schema/grants.sql (unix_socket: no password needed).\n"
	    "  Socket = /run/mysqld/mysqld.sock\n"
	    "  Name = tucai\n"
	    "  User = tucai\n"
	    "  # Only for an account reached over the network:\n"
	    "  Password = %s\n"
	    "  # `tucai migrate` runs as this account (root over the socket).\n"
	    "  AdminUser = root\n"
	    "}\n\n"
	    "Paths {\n"
	    "  Templates = %s/templates\n"
	    "  Lang = %s/lang\n"
	    "  Schema = %s/schema\n"
	    "  Tmp = /var/lib/tucai/tmp\n"
	    "}\n\n"
	    "Log {\n"
	    "  # Reopened on SIGHUP and when rotated (etc/logrotate.d/tucai).\n"
	    "  File = /var/log/tucai/tucai.log\n"
	    "}\n\n"
	    "Calendar {\n"
	    "  Path = %s/holidays\n"
	    "}\n\n"
	    "Pay {\n"
	    "  # onsite: students book without paying online, the station\n"
	    "  # collects the fee (the daily cash-up).  A real provider plugs in as\n"
	    "  # doc/PROVIDERS.md says.\n"
	    "  Provider = onsite\n"
	    "  Secret = %s\n"
	    "}\n\n"
	    "Support {\n"
	    "  Phone = \n"
	    "  Email = \n"
	    "}\n\n"
	    "Weixin {\n"
	    "  # WeChat sign-in (README \"WeChat sign-in\"): the official\n"
	    "  # account's AppID and AppSecret (its developer settings,\n"
	    "  # basic configuration); empty: off.\n"
	    "  AppId = \n"
	    "  Secret = \n"
	    "  # Key of the openids' hashes; keep it (all app hosts alike).\n"
	    "  IdKey = %s\n"
	    "}\n",
	    path, formkey, dbpw, PKGDATADIR, PKGDATADIR, PKGDATADIR,
	    PKGDATADIR, paykey, idkey);
	sodium_memzero(formkey, sizeof(formkey));
	sodium_memzero(paykey, sizeof(paykey));
	sodium_memzero(dbpw, sizeof(dbpw));
	sodium_memzero(idkey, sizeof(idkey));
	if (fclose(fp) != 0) {
		fprintf(stderr, "tucai: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("wrote %s (root:tucai 0640); edit Site.Url and Support, then "
	    "run the steps of README \"Deployment\"\n", path);
	return 0;
}

/* Run argv with stdin from fd_in and stdout to fd_out (-1: inherit).
 * Returns the exit status, or -1. */
static int
run_cmd(char *const argv[], int fd_in, int fd_out)
{
	pid_t	 pid;
	int	 st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (fd_in != -1 && dup2(fd_in, 0) == -1)
			_exit(127);
		if (fd_out != -1 && dup2(fd_out, 1) == -1)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "tucai: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Start argv writing into a pipe; *fd is its read end.  Returns the pid
 * or -1. */
static pid_t
spawn_reader(char *const argv[], int *fd)
{
	int	 p[2];
	pid_t	 pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 1) == -1)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "tucai: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

static int
reap(pid_t pid)
{
	int	 st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * tucai backup DIR: a consistent dump (mariadb-dump --single-transaction,
 * as the administrator over the socket), gzip'd, mode 0600, named by the
 * time; dumps older than Backup.KeepDays (14) in DIR are removed.
 */
static int
cmd_backup(int argc, char **argv)
{
	char		 sock[600], file[4096], stamp[32], old[4096];
	char		*dump[] = { "mariadb-dump", "--no-defaults", sock,
			    "-uroot", "--single-transaction", "--routines",
			    "--default-character-set=utf8mb4", NULL, NULL };
	char		*gz[] = { "gzip", "-c", NULL };
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	time_t		 now = time(NULL);
	struct tm	 tm;
	long long	 keep = conf_int("Backup.KeepDays", 14);
	pid_t		 pid;
	int		 fd, out, rc, removed = 0;

	if (argc != 2)
		return usage();
	snprintf(sock, sizeof(sock), "--socket=%s",
	    conf_str("DB.Socket", "/run/mysqld/mysqld.sock"));
	dump[7] = (char *)conf_str("DB.Name", "tucai");
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(file, sizeof(file), "%s/tucai-%s.sql.gz", argv[1], stamp);
	umask(077);
	if ((out = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
		fprintf(stderr, "tucai: %s: %s\n", file, strerror(errno));
		return 1;
	}
	if ((pid = spawn_reader(dump, &fd)) == -1) {
		close(out);
		unlink(file);
		return refuse("cannot start mariadb-dump");
	}
	rc = run_cmd(gz, fd, out);
	close(fd);
	if (reap(pid) != 0 || rc != 0 || fsync(out) != 0) {
		close(out);
		unlink(file);
		return refuse("the dump failed (see above); nothing kept");
	}
	close(out);
	if ((d = opendir(argv[1])) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "tucai-", 6) != 0 ||
			    strstr(de->d_name, ".sql.gz") == NULL)
				continue;
			snprintf(old, sizeof(old), "%s/%s", argv[1], de->d_name);
			if (stat(old, &sb) == 0 &&
			    sb.st_mtime < now - keep * 86400 && unlink(old) == 0)
				removed++;
		}
		closedir(d);
	}
	printf("backup %s (0600); %d older than %lld days removed\n", file,
	    removed, keep);
	return 0;
}

/*
 * tucai restore FILE [DATABASE]: a backup into a scratch database
 * (default tucai_restore_test, made afresh), never over the live one;
 * prints what it holds, for the restore test of README "Backups".
 */
static int
cmd_restore(int argc, char **argv)
{
	char		 sock[600], q[512];
	const char	*db = argc >= 3 ? argv[2] : "tucai_restore_test";
	char		*gz[] = { "gzip", "-dc", argv[1], NULL };
	char		*sql[] = { "mariadb", "--no-defaults", sock, "-uroot",
			    "--default-character-set=utf8mb4", NULL, NULL };
	char		*mk[] = { "mariadb", "--no-defaults", sock, "-uroot",
			    "-e", q, NULL };
	size_t		 i;
	pid_t		 pid;
	int		 fd, rc;

	if (argc < 2 || argc > 3)
		return usage();
	for (i = 0; db[i] != '\0'; i++)
		if (!((db[i] >= 'a' && db[i] <= 'z') || db[i] == '_' ||
		    (db[i] >= '0' && db[i] <= '9')))
			return refuse("DATABASE: lowercase letters, digits, _");
	if (strcmp(db, conf_str("DB.Name", "tucai")) == 0)
		return refuse("restore goes into a scratch database, not the "
		    "live one");
	snprintf(sock, sizeof(sock), "--socket=%s",
	    conf_str("DB.Socket", "/run/mysqld/mysqld.sock"));
	snprintf(q, sizeof(q), "DROP DATABASE IF EXISTS %s; CREATE DATABASE "
	    "%s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", db, db);
	if (run_cmd(mk, -1, -1) != 0)
		return refuse("cannot make the scratch database");
	sql[5] = (char *)db;
	if ((pid = spawn_reader(gz, &fd)) == -1)
		return refuse("cannot start gzip");
	rc = run_cmd(sql, fd, -1);
	close(fd);
	if (reap(pid) != 0 || rc != 0)
		return refuse("the restore failed (see above)");
	snprintf(q, sizeof(q), "SELECT (SELECT COUNT(*) FROM %s.student) "
	    "AS students, (SELECT COUNT(*) FROM %s.booking) AS bookings, "
	    "(SELECT COUNT(*) FROM %s.payment) AS payments, (SELECT COUNT(*) "
	    "FROM %s.photo) AS photos", db, db, db, db);
	printf("restored %s into %s:\n", argv[1], db);
	fflush(stdout);
	return run_cmd(mk, -1, -1) == 0 ? 0 : 1;
}

static const struct cmd {
	const char	*name;
	int		(*fn)(int, char **);
} cmds[] = {
	{ "migrate", cmd_migrate },
	{ "school", cmd_school },
	{ "user", cmd_user },
	{ "task", cmd_task },
	{ "slots", cmd_slots },
	{ "roster", cmd_roster },
	{ "sweep", cmd_sweep },
	{ "purge", cmd_purge },
	{ "reconcile", cmd_reconcile },
	{ "backup", cmd_backup },
	{ "restore", cmd_restore },
};

int
main(int argc, char *argv[])
{
	size_t	 i;
	int	 rc, admin;

	if (argc < 2)
		return usage();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			break;
	if (strcmp(argv[1], "init-config") == 0)
		return cmd_init_config(argc - 1, argv + 1);
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		return usage();
	if (conf_load() != 0)
		return 1;
	if (log_open("tucai") != 0)
		return 1;
	/* Without the words the messages show their keys; every command
	 * still works (migrate, backup). */
	if (lang_init() != 0)
		fprintf(stderr, "tucai: cannot read the words (Paths.Lang, "
		    "zh.hdf): messages show their keys; see the log\n");
	if (clock_init() != 0)
		return refuse("a moved clock (TUCAI_NOW, Test.ClockFile) is only "
		    "for a test instance (Test.Enabled = 1); see the log");
	if (pay_check_config() != 0)
		return refuse("Pay.Provider: unknown, or the sandbox on a "
		    "production site (Site.Production = 1); see the log");
	booking_init();
	(void)workday_init();	/* logged when missing; dates then count
				 * weekends only */
	if (sodium_init() < 0)
		return 1;
	/* The schema and the dumps belong to the administrator account; the
	 * programs' account may only change rows (schema/grants.sql). */
	admin = strcmp(cmds[i].name, "migrate") == 0 ||
	    strcmp(cmds[i].name, "backup") == 0 ||
	    strcmp(cmds[i].name, "restore") == 0;
	if (admin)
		db_admin();
	if (db_open() != 0)
		return refuse(!admin && geteuid() == 0 ?
		    "cannot connect to the database (see the log); as root? "
		    "run it as the user tucai: runuser -u tucai -- tucai ..." :
		    "cannot connect to the database");
	rc = cmds[i].fn(argc - 1, argv + 1);
	db_close();
	return rc;
}
