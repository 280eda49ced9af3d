"""_student - helpers shared by the student-flow tests (10-19): a task of
their own made through the CLI, the roster with valid ID numbers, the steps
task -> 采集码 -> confirm, and SQL checks on the instance's database."""
import os
import re
import subprocess
import tempfile

from tlib import (SRC, Client, bail, cli, idnum, mkqr, shanghai, sql, sql_rows,
                  tmpdir, unique)


def make_task(students=3, capacity=10, fee="40", days=(1, 2), hours=("08:00", "10:00"),
              every=60, require_id=False):
    """A school, an open task with slots and a roster of its own.  Returns
    {"code", "id", "students": [{"code", "last4", "idn", "name"}], "slots": [ids]}."""
    school = unique("", digits=True, n=5)
    code = unique("E")
    rc, out, err = cli("school", "add", school, "测试大学" + school)
    if rc != 0:
        bail("school add: " + err)
    args = ["task", "add", code, "--school", school, "--title", "测试采集" + code,
            "--from", shanghai(min(days)), "--to", shanghai(max(days) + 1), "--fee", fee]
    if require_id:
        args.append("--require-id-photo")
    rc, out, err = cli(*args)
    if rc != 0:
        bail("task add: " + err)
    for d in days:
        rc, out, err = cli("slots", "add", code, "--date", shanghai(d), "--from", hours[0],
                           "--to", hours[1], "--every", every, "--capacity", capacity)
        if rc != 0:
            bail("slots add: " + err)
    rows, people = [], []
    for i in range(students):
        cc = "HX" + unique("", n=8).lower() + "%04d" % i
        first = "51010720010305%03d" % (i % 1000)
        idn = idnum(first)
        name = "学生" + "甲乙丙丁戊己庚辛壬癸"[i % 10] + "芳"
        rows.append("%s,%s,%s,S%08d,普通本科,普通高校,工商管理%d班" % (cc, name, idn, i, i % 3 + 1))
        people.append({"code": cc, "last4": idn[-4:], "idn": idn, "name": name})
    path = os.path.join(tmpdir(), code + ".csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n" + "\n".join(rows) + "\n")
    rc, out, err = cli("roster", "import", code, path)
    if rc != 0:
        bail("roster import: " + err)
    tid = sql("SELECT id FROM task WHERE code = '%s'" % code)
    slots = [int(row[0]) for row in
             sql_rows("SELECT id FROM slot WHERE task_id = %s ORDER BY starts_at" % tid)]
    return {"code": code, "id": int(tid), "students": people, "slots": slots}


_corpus = {}


def qr(text, variant=None):
    """A QR image file holding text: a plain qrencode PNG, or a variant of
    t/lib/mkimages.sh's "qr" corpus (screenshot, rot90, persp, exif6,
    screen, photo12mp, ...), generated once per payload."""
    if variant is None:
        safe = re.sub(r"[^A-Za-z0-9]", "_", text)[:40]
        return mkqr(text, os.path.join(tmpdir(), safe + "-plain.png"))
    if text not in _corpus:
        d = tempfile.mkdtemp(prefix="qr-", dir=tmpdir())
        subprocess.run(["sh", os.path.join(SRC, "t", "lib", "mkimages.sh"), d, text, "qr"],
                       check=True, stdout=subprocess.DEVNULL)
        _corpus[text] = d
    for ext in (".png", ".jpg"):
        p = os.path.join(_corpus[text], "qr_" + variant + ext)
        if os.path.exists(p):
            return p
    raise RuntimeError("no qr_%s image" % variant)


def idcard(idn, kind="scan", seed=1, name="测试样本"):
    """A made ID card (t/lib/mkidcards.py) holding idn: a straight scan by
    default, or a phone photo (kind phone, glare, blur, dim, portrait,
    small, motion, big).  Made once per (idn, kind, seed); returns its path."""
    path = os.path.join(tmpdir(), "idcard-%s-%s-%d.jpg" % (idn, kind, seed))
    if not os.path.exists(path):
        subprocess.run(["/usr/bin/python3", os.path.join(SRC, "t", "lib", "mkidcards.py"),
                        "card", path, idn, name, "--kind", kind, "--seed", str(seed)],
                       check=True)
    return path


def enter_task(c, task_code):
    """GET + POST /task.  Returns the POST's response."""
    c.get("/task")
    return c.post("/task", {"task_code": task_code, "csrf": c.csrf()})


def upload_code(c, path):
    c.get("/code")
    return c.post("/code", {"csrf": c.csrf()}, files={"code_image": path})


def send_code(c, text):
    """GET + POST /code with the 采集码 text, as the page's script sends it
    after reading the code in the browser."""
    c.get("/code")
    return c.post("/code", {"csrf": c.csrf(), "collect_code": text})


def prepare(task, student, c=None, image=False):
    """A client that went task -> 采集码 -> confirm for student; at /slots.
    The code goes as the text the browser read (image=True: the image)."""
    c = c or Client()
    enter_task(c, task["code"])
    if image:
        upload_code(c, qr(student["code"]))
    else:
        send_code(c, student["code"])
    c.get("/confirm")
    c.post("/confirm", {"csrf": c.csrf()})
    c.get("/slots")
    return c


def book(c, slot_id):
    """POST /slots for slot_id with agree.  Needs a page with the form loaded."""
    return c.post("/slots", {"csrf": c.csrf(), "slot_id": str(slot_id), "agree": "1"})


CARD_OK = "6222020000000000001"


def pay_card(c):
    """A student whose booking waits for the money (/pay) pays with the
    test card at the sandbox bank.  True when the bank sent them back."""
    c.get("/pay")
    r = c.post("/pay", {"csrf": c.csrf()})
    if r.status != 303 or "/bank/pay?t=" not in (r.location or ""):
        return False
    bank = c.get(r.location)
    r = c.post(bank.url, {"card_no": CARD_OK, "csrf": c.csrf(bank)})
    return r.status == 303


def portrait(path):
    """A portrait-like JPEG for the station's photo upload."""
    subprocess.run(["/usr/bin/convert", "-size", "900x1200", "xc:#f4f4f4", "-fill", "#3a2a20",
                    "-draw", "ellipse 450,520 200,260 0,360", "-fill", "#202850",
                    "-draw", "rectangle 150,900 750,1200", "-quality", "92", path],
                   check=True, stderr=subprocess.DEVNULL)
    return path


def bank_kinds(where, kind):
    """Rows of kind ('void', 'capture', ...) in the bank's ledger per
    payment of the bookings matched by where (SQL on booking b), as
    {payment ref: n}."""
    return dict((a, int(b)) for a, b in sql_rows(
        "SELECT p.ref, COUNT(l.id) FROM payment p JOIN booking b ON b.id = p.booking_id "
        "JOIN bank_hold h ON h.order_ref = p.ref LEFT JOIN bank_ledger l ON l.hold_id = h.id "
        "AND l.kind = '%s' WHERE %s GROUP BY p.ref" % (kind, where)))
