"""fieldlib - every route's field validation, in CGI mode (cgilib), from the
programs' own route tables (TUCAI_ROUTES=1): for each declared field,
values that its type refuses (over-long, invalid UTF-8, the wrong type, a
control character), %00, a repeated key, and on a POST an unknown key and
a missing required field.  Each answers 400, 413 or 422 with a Chinese
message (a 422 names the field), and no main table changes (checksums
before and after each route).  The other fields of the request carry
valid values, so that a refusal that does not happen would reach the
handler and show.  Then: a valid but huge integer is never a 500, and a
NUL byte in a multipart text field is refused like %00.

The checks run per program, and an admin's routes in parts (main(progs,
part)), so that each t/e2e script stays within tools/check's time for one
script under the sanitizers: 04-cgi-fields.py (student.fcgi), 05- and
06-cgi-fields-admin.py (admin.fcgi, every other route each; 05 also
bank.fcgi)."""
import http.server
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from tlib import *
from cgilib import Cgi, csrf_of, routes, run
from _student import make_task
from adminlib import PW, user

MAIN = ("school", "task", "slot", "student", "booking", "payment", "payment_event",
        "photo", "idcard", "user", "audit", "report", "bank_hold", "bank_ledger",
        "roster_upload", "reconcile_run", "bank_sandbox")
CJK = re.compile("[\u4e00-\u9fff]")


def snapshot():
    return sql_rows("CHECKSUM TABLE " + ", ".join(MAIN))


def message(r):
    """The message a page shows: its alert, or the error page's text."""
    import html
    for pat in (r'role="alert"[^>]*>(.*?)</(?:div|p)>', r'class="weui-msg__desc">(.*?)</p>'):
        for m in re.finditer(pat, r.text, re.S):
            text = " ".join(re.sub(r"<[^>]*>", "", m.group(1)).split())
            if text:
                return html.unescape(text)
    return ""


def valid(f):
    """A value field f accepts."""
    return {"int": b"1", "text": "测试".encode(), "lines": "测试".encode(), "code": b"a1",
            "date": shanghai(1).encode(), "time": b"08:30", "money": b"40", "bool": b"1",
            "raw": b"password-123"}[f["type"]]


def invalid(f):
    """(what, value) pairs that field f's type refuses with 422."""
    t, m = f["type"], f["max"]
    out = []
    if t in ("text", "lines"):
        if m:
            out.append(("%d characters" % (m + 1), ("字" * (m + 1)).encode()))
        out.append(("a control character", b"a\x01b"))
    elif t == "raw":
        if m:
            out.append(("%d bytes" % (m + 1), b"p" * (m + 1)))
        out.append(("a control character", b"pass\x01word"))
    elif t == "code":
        if m:
            out.append(("%d characters" % (m + 1), b"a" * (m + 1)))
        out.append(("a space and <", b"a b<"))
    elif t == "int":
        if 0 < m < 15:
            out.append(("%d digits" % (m + 1), b"1" * (m + 1)))
        out += [("16 digits", b"1" * 16), ("a letter", b"12a")]
    elif t == "date":
        out += [("February 30", b"2026-02-30"), ("11 bytes", b"2026-05-011")]
    elif t == "time":
        out += [("25:00", b"25:00"), ("one digit", b"8:30")]
    elif t == "money":
        out += [("three decimals", b"1.234"), ("a sign", b"-1")]
    elif t == "bool":
        out.append(("yes", b"yes"))
    out.append(("invalid UTF-8", b"\xff\xfe"))
    return out


def enc(pairs):
    """urlencoded pairs; a value may be str (sent as it is: "a%00b") or bytes."""
    return "&".join("%s=%s" % (urllib.parse.quote(k), v if isinstance(v, str)
                               else urllib.parse.quote_from_bytes(v)) for k, v in pairs)


# ------------------------------------------------------------ the clients

t = make_task(students=4)
tid = make_task(students=1, require_id=True)
opname = user("operator")
sid = int(sql("SELECT id FROM student WHERE collect_code = '%s'" % t["students"][0]["code"]))
uid = int(sql("SELECT id FROM user WHERE username = '%s'" % opname))


def student(task=t, who=0, book=True):
    """A student confirmed (and with a held booking): every student form
    renders for it, so that a refused field shows on its form."""
    s = Cgi("student")
    s.get("/task")
    s.post("/task", {"task_code": task["code"], "csrf": csrf_of(s.token())})
    s.post("/code", {"collect_code": task["students"][who]["code"], "csrf": csrf_of(s.token())})
    r = s.post("/confirm", {"csrf": csrf_of(s.token())})
    if r.status != 303:
        bail("POST /confirm answered %d" % r.status)
    if book:
        r = s.post("/slots", {"slot_id": str(task["slots"][0]), "agree": "1",
                              "csrf": csrf_of(s.token())})
        if r.status != 303:
            bail("POST /slots answered %d" % r.status)
    return s


def admin():
    a = Cgi("admin")
    a.get("/admin/login")
    r = a.post("/admin/login", {"username": opname, "password": PW, "csrf": csrf_of(a.token())})
    if r.status != 303:
        bail("operator login answered %d" % r.status)
    return a


def bank():
    b = Cgi("bank")
    b.get("/bank/pay", "t=x")
    return b


clients = {"student": student(), "admin": admin(), "bank": bank()}
ok(sql("SELECT student_id FROM session WHERE skey = UNHEX(SHA2('%s', 256))"
       % clients["student"].token()) == str(sid), "an identified student session")
is_(sql("SELECT state FROM booking WHERE student_id = %d" % sid), "held", "with a held booking")
ok(clients["bank"].token(), "a bank session")
# /idcard and /idcard/manual: a student of a task that asks for the ID-card
# photo, at that step, after a photo that is no card (FAQ 1 opens).
IDCARD = student(tid, 0, book=False)
blank = os.path.join(tmpdir(), "blank.jpg")
subprocess.run(["/usr/bin/convert", "-size", "640x400", "xc:#f0f0f0", blank], check=True)
with open(blank, "rb") as fp:
    r = IDCARD.post("/idcard", {"consent": "1", "csrf": csrf_of(IDCARD.token())},
                    files={"id_image": ("card.jpg", fp.read(), "image/jpeg")})
is_(r.status, 422, "a photo that is no card: 422")
is_(IDCARD.get("/idcard").status, 200, "a student at /idcard")
is_(IDCARD.get("/idcard/manual").status, 200, "... and at /idcard/manual")
# A report to answer.
clients["student"].post("/report", {"kind": "data_error", "message": "姓名有误",
                                    "csrf": csrf_of(clients["student"].token())})
rid = int(sql("SELECT MAX(id) FROM report WHERE student_id = %d" % sid) or 0)
ok(rid > 0, "a report to answer")
# The pages that end a session get one of their own each time (made
# before the route's checksums: a login is audited).
ENDS = {"/leave": lambda: student(t, 1, book=False), "/admin/logout": admin}
spare = {}
IDS = {"tasks": t["id"], "slots": t["slots"][0], "students": sid, "users": uid,
       "reports": rid}


def concrete(path):
    """The route's path with its ids filled in."""
    segs = path.split("/")
    for i, s in enumerate(segs):
        if "#" in s:
            segs[i] = s.replace("#", str(IDS.get(segs[i - 1], 1)))
    return "/".join(segs)


def client_for(page, prog):
    """The client a request to page goes from (a spare one for the pages
    that end a session)."""
    if page["path"] in ENDS:
        return spare[page["path"]].pop()
    if page["path"] in ("/idcard", "/idcard/manual"):
        return IDCARD
    return clients[prog]


def send(prog, page, method, pairs, files=None, c=None):
    """One request to page by method with pairs (and files: multipart),
    from client c; the client's cookies are sent, never changed, so that
    requests may run side by side."""
    c = c or client_for(page, prog)
    path = concrete(page["path"])
    if method == "POST" and "NOCSRF" not in page["flags"]:
        pairs = pairs + [("csrf", csrf_of(c.token()))]
    kw = {"cookie": c.cookie_header(), "addr": c.addr}
    if method == "GET":
        return run(prog, "GET", path, query=enc(pairs), **kw)
    if files is not None:
        from tlib import multipart
        body, ctype = multipart(pairs, files)
        return run(prog, "POST", path, body=body, ctype=ctype, **kw)
    return run(prog, "POST", path, body=enc(pairs), ctype="application/x-www-form-urlencoded",
               **kw)


def refused(r, want, desc, label=None, signed=False):
    """r is one of want, with a Chinese message (naming label on a 422 of a
    page of ours; a signed page, which stands for another party's, may say
    only that the request is wrong, as WeChat's page does)."""
    good = ok(r.status in want, desc + " -> %s" % "/".join(map(str, want)))
    if not good:
        diag("got %d: %r" % (r.status, message(r)[:200]))
    msg = message(r)
    if not ok(CJK.search(msg), desc + ": a Chinese message"):
        diag("message: %r" % msg[:200])
    if label and r.status == 422 and not signed:
        if not ok(label in msg, desc + ": the message names the field (%s)" % label):
            diag("message: %r" % msg[:200])
    return good


# ------------------------------------------------------------ every route

def cases(prog, page):
    """The refusals to check on page: (description, statuses wanted, label
    to name or None, method, pairs, files)."""
    fields = [f for f in page["fields"] if f["type"] != "file"]
    files = [f for f in page["fields"] if f["type"] == "file"]
    # A form shows a refused field again (422); a page that only takes a
    # POST, and the signed ones, may answer 400.
    bad = (422,) if "GET" in page["methods"] and "NOCSRF" not in page["flags"] else (400, 422)
    out = []
    for method in page["methods"]:
        where = "%s %s" % (method, page["path"])
        base = [(f["name"], valid(f)) for f in fields]
        for f in fields:
            others = [(k, v) for k, v in base if k != f["name"]]
            label = f["label"] or f["name"]
            for what, v in invalid(f):
                out.append(("%s %s=%s" % (where, f["name"], what), bad, label, method,
                            others + [(f["name"], v)], None))
            out.append(("%s %s with %%00" % (where, f["name"]), (400,), None, method,
                        others + [(f["name"], "a%00b")], None))
            if method == "POST":
                out.append(("%s %s with a raw NUL" % (where, f["name"]), (400,), None, method,
                            others + [(f["name"], "a\0b")], None))
            out.append(("%s %s twice" % (where, f["name"]), (400,), None, method,
                        base + [(f["name"], valid(f))], None))
            if method == "POST" and "REQ" in f["flags"]:
                out.append(("%s without %s" % (where, f["name"]), bad, label, method, others,
                            None))
        if method == "POST":
            out.append(("%s with an unknown key" % where, (400,), None, method,
                        base + [("zz_unknown", b"1")], None))
            for f in files:
                big = ("big.jpg", b"\xff\xd8" + b"0" * f["max"], "image/jpeg")
                out.append(("%s %s of %d bytes" % (where, f["name"], f["max"] + 2), (413,),
                            None, method, base, {f["name"]: big}))
                if "REQ" in f["flags"]:
                    out.append(("%s without %s" % (where, f["name"]), bad,
                                f["label"] or f["name"], method, base, {}))
    return out


def pages(prog, part=None):
    """The routes of prog; part (k, n): every n-th from the k-th."""
    table = routes(prog)
    return [p for i, p in enumerate(table) if part is None or i % part[1] == part[0]]


# Values the door lets through that handlers must still cope with (odd()).
ODD = {"int": lambda f: ("the largest", b"9" * (f["max"] if 0 < f["max"] < 15 else 15)),
       "text": lambda f: ("spaces only", b"   "), "lines": lambda f: ("spaces only", b" \n "),
       "code": lambda f: ("spaces only", b"   ")}


class Empty(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def refusals(progs, part=None):
    """Every field of every route of progs: refused at the door, nothing
    changed."""
    total = 0
    t0 = time.time()
    pool = ThreadPoolExecutor(max_workers=4)
    for prog in progs:
        for page in pages(prog, part):
            todo = cases(prog, page)
            if page["path"] in ENDS:
                spare[page["path"]] = [ENDS[page["path"]]() for _ in todo]
            froms = [client_for(page, prog) for _ in todo]
            before = snapshot()
            replies = list(pool.map(lambda a: send(prog, page, a[0][3], a[0][4], a[0][5], a[1]),
                                    zip(todo, froms)))
            for (desc, want, label, _, _, _), r in zip(todo, replies):
                refused(r, want, desc, label, "NOCSRF" in page["flags"])
            total += len(todo)
            is_(snapshot(), before, "%s %s: no table changed" % (prog, page["path"]))
    diag("%d refusals checked in %.0f s" % (total, time.time() - t0))


def multipart_nul(progs, part=None):
    """A NUL byte in a multipart text field is refused as %00 is in an
    urlencoded one (the CGI kit would cut the value at it without a word)."""
    for prog in progs:
        for page in pages(prog, part):
            if "POST" not in page["methods"] or not any(f["type"] == "file" for f in page["fields"]):
                continue
            for f in page["fields"]:
                if f["type"] == "file":
                    continue
                before = snapshot()
                base = [(g["name"], valid(g)) for g in page["fields"]
                        if g["type"] != "file" and g["name"] != f["name"]]
                r = send(prog, page, "POST", base + [(f["name"], b"HX\x00<b>")], files={})
                refused(r, (400,), "POST %s multipart %s with a NUL byte" % (page["path"], f["name"]))
                is_(snapshot(), before, "... nothing changed")


def odd(progs, part=None):
    """The largest integer a field takes, and text of spaces only (trimmed
    to nothing): never a 5xx, never a crash.  These requests may act: they
    run last."""
    for prog in progs:
        if prog == "bank":
            continue
        for page in pages(prog, part):
            if "NOCSRF" in page["flags"] or page["path"] in ENDS:
                continue
            for method in page["methods"]:
                for f in page["fields"]:
                    if f["type"] not in ODD:
                        continue
                    base = [(g["name"], unique("h").lower().encode() if g["type"] == "code"
                             else valid(g)) for g in page["fields"]
                            if g["type"] != "file" and g["name"] != f["name"]]
                    what, v = ODD[f["type"]](f)
                    r = send(prog, page, method, base + [(f["name"], v)])
                    ok(0 < r.status < 500, "%s %s %s=%s: %d, not a 5xx" % (
                        method, page["path"], f["name"], what, r.status))


def empty_statement():
    """A first reconciliation, before the provider has any order: its
    statement is empty (the sandbox bank's answer then), which must
    reconcile (the empty list was sorted and searched through a NULL
    pointer: UBSan stopped the program)."""
    srv = http.server.HTTPServer(("127.0.0.1", 0), Empty)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    conf2 = os.path.join(tmpdir(), "tucai-empty-bank.hdf")
    with open(CONF, encoding="utf-8") as fi, open(conf2, "w", encoding="utf-8") as fo:
        fo.write(re.sub(r"(?m)^(\s*ApiUrl\s*=).*$", r"\1 http://127.0.0.1:%d" % srv.server_port,
                        fi.read()))
    os.chmod(conf2, 0o640)
    shutil.chown(conf2, group="www-data")
    os.chmod(os.path.dirname(conf2), 0o755)
    a = clients["admin"]
    runs = int(sql("SELECT COUNT(*) FROM reconcile_run"))
    r = run("admin", "POST", "/admin/reconcile", body=enc([("csrf", csrf_of(a.token()))]),
            ctype="application/x-www-form-urlencoded", cookie=a.cookie_header(),
            env={"TUCAI_CONF": conf2})
    is_(r.status, 303, "reconcile against an empty statement: 303")
    is_(r.location, "/admin/reconcile?done=run", "done (not failed)")
    is_(int(sql("SELECT COUNT(*) FROM reconcile_run")), runs + 1, "the run is recorded")
    if r.status != 303:
        diag(r.stderr[:2000])
    srv.shutdown()


def main(*groups, statement=False):
    """The checks for each group (programs, part): the routes of the
    programs (part (k, n): every n-th route from the k-th, or None: all);
    statement: also the empty statement's reconciliation."""
    for progs, part in groups:
        t0 = time.time()
        refusals(progs, part)
        multipart_nul(progs, part)
        if statement and "admin" in progs:
            empty_statement()
        odd(progs, part)
        diag("%s%s in %.0f s" % ("/".join(progs), " part %d/%d" % (part[0] + 1, part[1])
                                 if part else "", time.time() - t0))
    done()
