#!/usr/bin/env python3
"""The programs in CGI mode (cgi/http/fcgi.c), without nginx, against the
instance's database: sessions (no row for a page view, the row on the
first POST that must be remembered, seen-at touched at most once a minute,
the 30-day student cookie, a new id on identification and on login, the
admin's idle expiry), CSRF (missing, wrong, another session's: 403 and
nothing changed; the right one passes; signed pages refuse bad
signatures) and the throttles of guess_gate (per session, per address)
and of the admin login and /find, with their 429 page and Retry-After.

The clock of one program run moves with TUCAI_NOW (clock.h): "+90" is 90 s
ahead; "@T" stops it at T, so that fixed windows are known exactly."""
import hashlib
import re
import hmac
import time
import urllib.parse

from tlib import *
from cgilib import Cgi, csrf_of, routes, run
from _student import make_task
from adminlib import PW, user

conf = conf_values()
DAYS = int(conf.get("Session.StudentDays", "30"))
IDLE = int(conf.get("Session.IdleMinutes", "30"))
SESS_FAIL = int(conf.get("Throttle.SessionFailures", "10"))
ADDR_FAIL = int(conf.get("Throttle.AddressFailures", "500"))
SLOW = int(conf.get("Throttle.SlowSeconds", "2"))
ID_FAIL = int(conf.get("Throttle.IdFailures", "5"))
LOGIN_FAIL = int(conf.get("Throttle.LoginFailures", "5"))

UTC = "SET time_zone = '+00:00'; "


def skey(token):
    return hashlib.sha256(token.encode()).hexdigest()


def sess(token):
    """The session row of a cookie token: (kind, user, task, student, seen_at
    as seconds), or None."""
    rows = sql_rows(UTC + "SELECT kind, IFNULL(user_id, 0), IFNULL(task_id, 0), "
                    "IFNULL(student_id, 0), UNIX_TIMESTAMP(seen_at) FROM session "
                    "WHERE skey = UNHEX('%s')" % skey(token))
    return [int(v) for v in rows[0]] if rows else None


def count(table, where="1"):
    return int(sql("SELECT COUNT(*) FROM %s WHERE %s" % (table, where)) or -1)


MAIN = ("school", "task", "slot", "student", "booking", "payment", "payment_event",
        "photo", "idcard", "user", "audit", "report", "bank_hold", "bank_ledger")


def snapshot():
    """Checksums of the main tables and the number of sessions."""
    rows = sql_rows("CHECKSUM TABLE " + ", ".join(MAIN))
    return dict((r[0], r[1]) for r in rows), count("session")


def message(r):
    """The message a page shows: its alert, or the error page's text."""
    import html
    for pat in (r'role="alert"[^>]*>(.*?)</(?:div|p)>', r'class="weui-msg__desc">(.*?)</p>'):
        for m in re.finditer(pat, r.text, re.S):
            text = " ".join(re.sub(r"<[^>]*>", "", m.group(1)).split())
            if text:
                return html.unescape(text)
    return ""


def shanghai_hm(t):
    return time.strftime("%H:%M", time.gmtime(t + 8 * 3600))


# ------------------------------------------------------------ CGI mode

r = run("student", "GET", "/")
is_(r.status, 200, "CGI mode: GET / of student.fcgi answers 200 on stdout")
like(r.header("Content-Type", ""), "text/html", "as HTML")
like(r.header("Content-Security-Policy", ""), "default-src 'self'", "with its CSP")
is_(r.header_all("Set-Cookie"), [], "an anonymous GET of / sets no cookie")
like(r.text, "毕业生采集", "the home page")
for prog, path in (("student", "/task"), ("admin", "/admin/login"), ("bank", "/bank/pay")):
    table = routes(prog)
    ok(any(p["path"] == path for p in table), "%s.fcgi lists its routes (%d, %s among them)"
       % (prog, len(table), path))

t = make_task(students=4)
code = t["code"]
people = t["students"]

# ------------------------------------------------------------ student sessions

s = Cgi("student")
n0 = count("session")
r = s.get("/task")
is_(r.status, 200, "GET /task (a form)")
tok = s.token()
like(tok or "", r"^[0-9a-f]{64}$", "a form sets a 256-bit session cookie")
v, attrs = r.cookies.get("tucai_sid", ("", {}))
is_(attrs.get("max-age"), str(DAYS * 86400), "the student cookie lives %d days (Max-Age)" % DAYS)
ok("httponly" in attrs, "HttpOnly")
is_(attrs.get("samesite"), "Lax", "SameSite=Lax")
is_(attrs.get("path"), "/", "Path=/")
is_(sess(tok), None, "no session row behind the form's cookie")
r = s.get("/task")
is_(r.header_all("Set-Cookie"), [], "the cookie is kept: no new one on the next page")
is_(count("session"), n0, "anonymous page views write no session row")
csrf = s.csrf()
ok(csrf and len(csrf) == 43, "the form carries the session's CSRF token")
is_(csrf, csrf_of(tok), "derived from the cookie with Site.FormKey (csrf.c)")
r = s.post("/task", {"task_code": "NOPE" + unique(), "csrf": csrf})
is_(r.status, 422, "a wrong task code: 422")
is_(sess(tok), None, "... and still no session row")
r = s.post("/task", {"task_code": code, "csrf": csrf})
is_(r.status, 303, "the right task code: 303")
is_(r.location, "/code", "to /code")
row = sess(tok)
ok(row is not None, "the first POST that must be remembered writes the row")
is_(row and row[0], 1, "a student session")
is_(row and row[2], t["id"], "with the task")

# seen_at: written at most once a minute
seen0 = row[4] if row else 0
r = s.get("/code", now="+30")
is_(r.status, 200, "GET /code 30 s later")
is_((sess(tok) or [0] * 5)[4], seen0, "30 s later: seen_at not written")
r = s.get("/code", now="+90")
is_(r.status, 200, "GET /code 90 s later")
moved = (sess(tok) or [0] * 5)[4] - seen0
ok(88 <= moved <= 150, "90 s later: seen_at touched (moved %d s)" % moved)

# identification: a new session id
r = s.get("/code")
csrf = s.csrf()
old = tok
r = s.post("/code", {"collect_code": people[0]["code"], "csrf": csrf})
is_(r.status, 303, "the right 采集码: 303")
is_(r.location, "/confirm", "to /confirm")
tok = s.token()
ok(tok and tok != old, "identification gives the session a new id")
is_(sess(old), None, "the old id is gone from the table")
row = sess(tok)
sid = int(sql("SELECT id FROM student WHERE collect_code = '%s'" % people[0]["code"]))
is_(row and row[3], sid, "the new id carries the student")
is_(r.cookies.get("tucai_sid", ("", {}))[1].get("max-age"), str(DAYS * 86400),
    "the new cookie lives %d days too" % DAYS)
r = run("student", "GET", "/confirm", cookie="tucai_sid=" + old)
is_(r.status, 303, "the old cookie is worth nothing (303)")
r = s.get("/confirm")
is_(r.status, 200, "the new one is at /confirm")

# the 30-day lifetime
s2 = Cgi("student")
s2.get("/task")
s2.post("/task", {"task_code": code, "csrf": s2.csrf()})
tok2 = s2.token()
seen2 = (sess(tok2) or [0] * 5)[4]
ok(seen2 > 0, "a second student session")
s2.get("/booking", now="+%d" % ((DAYS + 1) * 86400))
is_((sess(tok2) or [0] * 5)[4], seen2, "%d days later the session is not loaded (not touched)"
    % (DAYS + 1))
s2.get("/booking", now="+%d" % ((DAYS - 1) * 86400))
moved = (sess(tok2) or [0] * 5)[4] - seen2
ok(abs(moved - (DAYS - 1) * 86400) < 30, "%d days later it is (touched)" % (DAYS - 1))

# ------------------------------------------------------------ admin sessions

opname = user("operator")
a = Cgi("admin")
r = a.get("/admin/login")
pre = a.token()
attrs = r.cookies.get("tucai_admin", ("", {}))[1]
ok(pre and "max-age" not in attrs, "the admin cookie ends with the browser (no Max-Age)")
is_(attrs.get("path"), "/admin", "Path=/admin")
is_(sess(pre), None, "no row behind the login form")
r = a.post("/admin/login", {"username": opname, "password": PW, "csrf": a.csrf()})
is_(r.status, 303, "login: 303")
is_(r.location, "/admin/", "to the dashboard")
post = a.token()
ok(post and post != pre, "login gives the session a new id")
row = sess(post)
is_(row and row[0], 2, "an admin session row")
uid = int(sql("SELECT id FROM user WHERE username = '%s'" % opname))
is_(row and row[1], uid, "of the user")
is_(a.get("/admin/").status, 200, "the dashboard")
r = a.get("/admin/", now="+%d" % ((IDLE + 1) * 60))
is_(r.status, 303, "idle %d minutes: the session is over (303)" % (IDLE + 1))
is_(r.location, "/admin/login", "to the login")
r = a.get("/admin/", now="+%d" % ((IDLE - 1) * 60))
is_(r.status, 200, "idle %d minutes: still logged in" % (IDLE - 1))
is_(a.get("/admin/").status, 200, "and now")

# ------------------------------------------------------------ CSRF

c1 = Cgi("student")
c1.get("/task")
tok1, csrf1 = c1.token(), c1.csrf()
c2 = Cgi("student")
c2.get("/task")
csrf2 = c2.csrf()
ok(csrf1 != csrf2, "two sessions, two CSRF tokens")
before = snapshot()
for what, val in (("no token", None), ("a wrong token", "A" * 43),
                  ("a token one character short", csrf1[:42]),
                  ("a token one character long", csrf1 + "A"),
                  ("the other session's token", csrf2)):
    f = {"task_code": code}
    if val is not None:
        f["csrf"] = val
    r = c1.post("/task", f)
    is_(r.status, 403, "POST /task with %s: 403" % what)
    like(message(r), "页面已过期，请返回上一页刷新后重试", "... with the Chinese message")
r = run("student", "POST", "/task", body="task_code=%s&csrf=%s" % (code, csrf1),
        ctype="application/x-www-form-urlencoded")
is_(r.status, 403, "the right token without its cookie: 403")
is_(sess(tok1), None, "the refused POSTs wrote no session")
is_(snapshot(), before, "... and changed nothing")
r = c1.post("/task", {"task_code": code, "csrf": csrf1})
is_(r.status, 303, "the right token passes")
ok(sess(tok1) is not None, "and the session is written")

newname = unique("csrf").lower()
a.get("/admin/users")
good = a.csrf()
r = a.post("/admin/users", {"username": newname, "password": "pw-long-enough", "role": "staff",
                            "csrf": csrf1})
is_(r.status, 403, "admin: POST /admin/users with a student's token: 403")
like(message(r), "页面已过期", "... with the Chinese message")
is_(count("user", "username = '%s'" % newname), 0, "no user made")
r = a.post("/admin/logout", {"csrf": "x"})
is_(r.status, 403, "logout with a wrong token: 403")
is_(a.get("/admin/").status, 200, "still logged in")
r = a.post("/admin/users", {"username": newname, "password": "pw-long-enough", "role": "staff",
                            "csrf": good})
is_(r.status, 303, "with the right token the user is made (303)")
is_(count("user", "username = '%s'" % newname), 1, "one user")

# signed pages (PG_NOCSRF): the signature or nothing
secret = bytes.fromhex(conf["Pay.Secret"])


def signed(prog, path, fields, ts=None, key=secret, sig=None):
    q = lambda v: urllib.parse.quote(str(v), safe="-._~")
    body = "&".join("%s=%s" % (q(k), q(v)) for k, v in sorted(fields.items()))
    ts = str(int(time.time()) if ts is None else ts)
    if sig is None:
        sig = hmac.new(key, (ts + "\n" + body).encode(), hashlib.sha256).hexdigest()
    return run(prog, "POST", path, body=body, ctype="application/x-www-form-urlencoded",
               headers={"X-Tucai-Timestamp": ts, "X-Tucai-Signature": sig})


note_fields = {"event_id": "E" + unique(), "order_ref": "T" + unique(), "type": "authorized",
               "amount_fen": "4000"}
before = snapshot()
for what, kw in (("a wrong signature", {"sig": "0" * 64}),
                 ("another key's signature", {"key": b"not-the-secret"}),
                 ("a timestamp 10 minutes old", {"ts": int(time.time()) - 600}),
                 ("no signature", {"sig": ""})):
    r = signed("student", "/pay/notify", note_fields, **kw)
    is_(r.status, 400, "POST /pay/notify with %s: 400" % what)
    r = signed("bank", "/bank/api/query", {"order_ref": "T" + unique()}, **kw)
    is_(r.status, 400, "POST /bank/api/query with %s: 400" % what)
is_(snapshot(), before, "refused notifications and API calls changed nothing")
r = signed("bank", "/bank/api/query", {"order_ref": "T" + unique()})
ok(r.status not in (400, 403), "a well-signed query passes the door (%d)" % r.status)

# ------------------------------------------------------------ throttles

now = int(time.time())
T0 = now - now % 600 + 5          # 5 s into this 10-minute window (in the past)
left = 600 - 5

# per session: SESS_FAIL wrong task codes, then every try refused
g = Cgi("student", addr=fresh_source(), now="@%d" % T0)
g.get("/task")
gcsrf = g.csrf()
codes = [g.post("/task", {"task_code": "BAD%02d" % i + unique(), "csrf": gcsrf}).status
         for i in range(SESS_FAIL)]
is_(codes, [422] * SESS_FAIL, "%d wrong task codes: 422 each" % SESS_FAIL)
before = snapshot()
r = g.post("/task", {"task_code": code, "csrf": gcsrf})
is_(r.status, 429, "then even the right code: 429")
is_(r.header("Retry-After"), str(left), "Retry-After: the rest of the window (%d s)" % left)
like(message(r), "错误次数过多，已暂停尝试。请于 %s 后再试。" % shanghai_hm(T0 + left),
     "the 429 page says until when (Asia/Shanghai)")
is_(sess(g.token()), None, "the refused try wrote no session")
is_(snapshot(), before, "... and changed nothing")
r = g.post("/task", {"task_code": code, "csrf": gcsrf}, now="@%d" % (T0 + left))
is_(r.status, 303, "in the next window the session may try again")
h = Cgi("student", addr=g.addr, now="@%d" % T0)
h.get("/task")
r = h.post("/task", {"task_code": code, "csrf": h.csrf()})
is_(r.status, 303, "another session at the same address is not refused")

# per address: past Throttle.AddressFailures a session new to a step waits
addr = fresh_source()
sql(UTC + "INSERT INTO throttle (k, window_start, n) VALUES ('fail:ip:%s', "
    "FROM_UNIXTIME(%d), %d)" % (addr, T0 - 5, ADDR_FAIL))
w = Cgi("student", addr=addr, now="@%d" % T0)
w.get("/task")
r = w.post("/task", {"task_code": code, "csrf": w.csrf()})
is_(r.status, 303, "an address past its ceiling: the right task code is not slowed")
w.get("/code")
wcsrf = w.csrf()
before = snapshot()
r = w.post("/code", {"collect_code": people[1]["code"], "csrf": wcsrf})
is_(r.status, 429, "its session new to /code waits: 429")
is_(r.header("Retry-After"), str(SLOW), "Retry-After: Throttle.SlowSeconds (%d)" % SLOW)
like(message(r), "当前网络访问人数较多，正在排队。", "the queue's message")
is_(snapshot(), before, "nothing changed")
r = w.post("/code", {"collect_code": people[1]["code"], "csrf": wcsrf}, now="@%d" % (T0 + 1))
is_(r.status, 429, "1 s later it still waits")
is_(r.header("Retry-After"), str(SLOW - 1), "Retry-After counts down (%d)" % (SLOW - 1))
r = w.post("/code", {"collect_code": people[1]["code"], "csrf": wcsrf},
           now="@%d" % (T0 + SLOW))
is_(r.status, 303, "after the wait the session goes on (303)")
sql("UPDATE throttle SET n = %d WHERE k = 'fail:ip:%s'" % (ADDR_FAIL + ADDR_FAIL // 5, addr))
w2 = Cgi("student", addr=addr, now="@%d" % T0)
w2.get("/task")
w2.post("/task", {"task_code": code, "csrf": w2.csrf()})
w2.get("/code")
r = w2.post("/code", {"collect_code": people[2]["code"], "csrf": w2.csrf()})
is_(r.status, 429, "a fifth further past the ceiling: 429")
is_(r.header("Retry-After"), str(SLOW * 2), "the wait doubles (%d s)" % (SLOW * 2))

# /find: Throttle.IdFailures wrong ID numbers close that student's /find for an hour
H0 = now - now % 3600 + 5
f = Cgi("student", addr=fresh_source(), now="@%d" % H0)
f.get("/find")
fcsrf = f.csrf()
wrong = idnum("11010119900101%03d" % 7)
if wrong == people[3]["idn"]:
    wrong = idnum("11010119900101%03d" % 8)
codes = [f.post("/find", {"collect_code": people[3]["code"], "id_number": wrong,
                          "csrf": fcsrf}).status for _ in range(ID_FAIL)]
is_(codes, [422] * ID_FAIL, "%d wrong ID numbers at /find: 422 each" % ID_FAIL)
f2 = Cgi("student", addr=fresh_source(), now="@%d" % H0)
f2.get("/find")
f2csrf = f2.csrf()
before = snapshot()
r = f2.post("/find", {"collect_code": people[3]["code"], "id_number": people[3]["idn"],
                      "csrf": f2csrf})
is_(r.status, 429, "then the right number, from another session and address: 429")
is_(r.header("Retry-After"), "3600", "Retry-After: an hour")
like(message(r), "身份证号错误次数过多", "the page says why")
is_(snapshot(), before, "nothing changed")
r = f2.post("/find", {"collect_code": people[3]["code"], "id_number": people[3]["idn"],
                      "csrf": f2csrf}, now="@%d" % (H0 + 3600))
is_(r.status, 303, "an hour later the right number finds the booking")

# admin login: Throttle.LoginFailures per username and address
la = fresh_source()
l1 = Cgi("admin", addr=la)
l1.get("/admin/login")
lcsrf = l1.csrf()
codes = [l1.post("/admin/login", {"username": opname, "password": "wrong-%d" % i,
                                  "csrf": lcsrf}).status for i in range(LOGIN_FAIL)]
is_(codes, [422] * LOGIN_FAIL, "%d wrong passwords: 422 each" % LOGIN_FAIL)
audits = count("audit", "action = 'login_fail' AND after_val = '%s'" % la)
is_(audits, LOGIN_FAIL, "each audited as login_fail with the address")
before = snapshot()
r = l1.post("/admin/login", {"username": opname, "password": PW, "csrf": lcsrf})
is_(r.status, 429, "then the right password from that address: 429")
like(message(r), "登录失败次数过多", "with the Chinese message")
ok((r.header("Retry-After") or "").isdigit() and 0 < int(r.header("Retry-After")) <= 900,
   "and Retry-After (%s)" % r.header("Retry-After"))
is_(snapshot(), before, "nothing written")
l2 = Cgi("admin", addr=fresh_source())
l2.get("/admin/login")
r = l2.post("/admin/login", {"username": opname, "password": PW, "csrf": l2.csrf()})
is_(r.status, 303, "the same user from another address logs in")

# ------------------------------------------------------------ logout

a.get("/admin/")
r = a.post("/admin/logout", {"csrf": a.csrf()})
is_(r.status, 303, "logout: 303")
is_(r.cookies.get("tucai_admin", ("x", {}))[1].get("max-age"), "0", "the cookie is cleared")
is_(sess(post), None, "the row is gone")
r = run("admin", "GET", "/admin/", cookie="tucai_admin=" + post)
is_(r.status, 303, "the logged-out cookie is worth nothing")

done()
