"""adminlib - helpers shared by the admin tests (t/e2e/3*-admin-*.py)."""
import os
import re
import subprocess

from tlib import Client, VAR, bail, cli, unique

PW = "pw-" + "e2e-admin-1"

_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idnum(seq):
    """A valid ID number (GB 11643) with sequence seq (0..999)."""
    body = "110105199003%02d%03d" % (seq % 28 + 1, seq % 1000)
    body = body[:17]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _W)) % 11]


def must(rc_out_err, what):
    rc, out, err = rc_out_err
    if rc != 0:
        bail("%s failed: %s %s" % (what, out, err))
    return out


def school():
    """A new school; returns its code."""
    code = unique("9", digits=True, n=5)
    must(cli("school", "add", code, "测试大学" + code), "school add")
    return code


def user(role, school_code=None, pw=PW):
    name = unique("u").lower()
    args = ["user", "add", name, "--role", role]
    if school_code:
        args += ["--school", school_code]
    must(cli(*args, stdin=pw + "\n"), "user add")
    return name


def task(school_code, days=(0, 10)):
    import datetime
    code = unique("T")
    d0 = datetime.date.today() + datetime.timedelta(days=days[0])
    d1 = datetime.date.today() + datetime.timedelta(days=days[1])
    must(cli("task", "add", code, "--school", school_code, "--title", "测试任务" + code,
             "--from", d0.isoformat(), "--to", d1.isoformat(), "--fee", "40"), "task add")
    return code, d0.isoformat(), d1.isoformat()


def roster_csv(rows):
    """rows: list of (collect_code, name, idnum, student_no, class) -> CSV text."""
    out = ["采集码,姓名,身份证号,学号,学历类别,学历层次,班级"]
    for code, name, idn, no, cls in rows:
        def q(s):
            return '"' + s.replace('"', '""') + '"' if any(ch in s for ch in ',"\n') else s
        out.append(",".join([code, q(name), idn, no, "普通本科", "普通高校", q(cls)]))
    return "\n".join(out) + "\n"


def roster(task_code, rows, tmp):
    path = os.path.join(tmp, unique("r") + ".csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(roster_csv(rows))
    must(cli("roster", "import", task_code, path), "roster import")


def login(username, pw=PW, source=None):
    """A Client logged in as username (bails when login fails)."""
    c = Client(source=source)
    c.get("/admin/login")
    r = c.post("/admin/login", {"username": username, "password": pw, "csrf": c.csrf()})
    if r.status != 303:
        bail("login of %s answered %d" % (username, r.status))
    return c


def task_id(c, code):
    """The id of task code as the operator's dashboard links it."""
    r = c.get("/admin/")
    m = re.search(r'href="/admin/tasks/(\d+)">' + re.escape(code) + "<", r.text)
    return int(m.group(1)) if m else None


def student_id(c, task, collect_code):
    r = c.get("/admin/students", {"task": task, "q": collect_code})
    m = re.search(r'href="/admin/students/(\d+)"', r.text)
    return int(m.group(1)) if m else None


def sql(query):
    """Runs SQL as the database's root (tests run as root); returns stdout
    or None when that is not possible."""
    sock = os.path.join(VAR, "run", "mysqld.sock")
    if not VAR or os.geteuid() != 0 or not os.path.exists(sock):
        return None
    p = subprocess.run(["mariadb", "--no-defaults", "--socket=" + sock, "-uroot",
                        "--default-character-set=utf8mb4", "-N", "-B", "tucai", "-e", query],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.stdout.decode() if p.returncode == 0 else None


def log_text():
    try:
        with open(os.path.join(VAR, "log", "tucai.log"), encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None
