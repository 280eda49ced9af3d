#!/usr/bin/env python3
"""The collection day end to end (issue 5, CONTRACT 5): a student books and
pre-pays through the student pages and the sandbox bank; staff scan the
booking QR at the station, get the 拍摄号, upload the photo; the booking is
collected and the hold captured exactly once (a second upload does not
capture again); the student downloads the 480x640 JPEG from /records; the
operator's photos.zip holds {身份证号}.jpg and index.csv.  Also: check-in
outside the window refused, photo before check-in refused, walk-ins (typed
and as an image), the station's access rules."""
import io
import os
import re
import struct
import subprocess
import urllib.parse
import zipfile

from tlib import (Client, cli, done, idnum, is_, isnt, like, mkqr, ok, shanghai,
                  sql_rows, tmpdir, unique, unlike)

CARD_OK = "6222020000000000001"
PW = "site-test-Passw0rd"


def idnum_of(seq):
    """A valid ID number of this script's series."""
    return idnum("11010119990101%03d" % (seq % 1000))


def jpeg_size(data):
    """(width, height) from a JPEG's SOF marker, or None."""
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        m = data[i + 1]
        if m in (0xD8, 0x01) or 0xD0 <= m <= 0xD7:
            i += 2
            continue
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        if m in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return (w, h)
        i += 2 + n
    return None


def portrait(path, bg="#f4f4f4"):
    """A portrait-like JPEG: light background, a dark ellipse (head)."""
    subprocess.run(["/usr/bin/convert", "-size", "900x1200", "xc:" + bg, "-fill", "#3a2a20",
                    "-draw", "ellipse 450,520 200,260 0,360", "-fill", "#202850",
                    "-draw", "rectangle 150,900 750,1200", "-quality", "92", path], check=True, stderr=subprocess.DEVNULL)
    return path


# ---------------------------------------------------------------- set-up

school = unique("7", digits=True, n=5)
other_school = unique("6", digits=True, n=5)
task = unique("SITE")
future = unique("FUT")
rc, _, err = cli("school", "add", school, "现场测试大学")
is_(rc, 0, "school added " + err.strip())
rc, _, err = cli("school", "add", other_school, "另一所大学")
is_(rc, 0, "other school added " + err.strip())
rc, _, err = cli("task", "add", task, "--school", school, "--title", "现场采集测试",
                 "--from", shanghai(), "--to", shanghai(3), "--fee", "40")
is_(rc, 0, "task in its window added " + err.strip())
rc, _, err = cli("slots", "add", task, "--date", shanghai(1), "--from", "09:00", "--to", "11:00",
                 "--every", "60", "--capacity", "10")
is_(rc, 0, "slots added " + err.strip())
rc, _, err = cli("task", "add", future, "--school", school, "--title", "未来任务",
                 "--from", shanghai(10), "--to", shanghai(12), "--fee", "40")
is_(rc, 0, "task with a future window added " + err.strip())
rc, _, err = cli("slots", "add", future, "--date", shanghai(10), "--from", "09:00", "--to", "10:00",
                 "--every", "60", "--capacity", "10")
is_(rc, 0, "future slots added " + err.strip())

seq = int(school) % 500
students = {}
rows = ["采集码,姓名,身份证号,学号,学历类别,学历层次,班级"]
for i, (name, cls) in enumerate([("张三", "工商管理1班"), ("李四", "工商管理1班"),
                                 ("王五", "计算机2班"), ("赵六", "计算机2班"),
                                 ("钱七", "计算机2班")]):
    code = unique("HX") + "x"
    students[name] = {"code": code, "id": idnum_of(seq + i), "no": "2022%s%d" % (school, i), "cls": cls}
    rows.append("%s,%s,%s,%s,普通本科,普通高校,%s" % (code, name, students[name]["id"],
                                                 students[name]["no"], cls))
d = tmpdir()
with open(os.path.join(d, "roster.csv"), "w", encoding="utf-8") as f:
    f.write("\n".join(rows) + "\n")
rc, out, err = cli("roster", "import", task, os.path.join(d, "roster.csv"))
is_(rc, 0, "roster imported " + out.strip() + err.strip())
fut_code = unique("HF") + "x"
fut_id = idnum_of(seq + 7)
with open(os.path.join(d, "future.csv"), "w", encoding="utf-8") as f:
    f.write("采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n%s,孙八,%s,F1,普通本科,普通高校,未来1班\n"
            % (fut_code, fut_id))
rc, out, err = cli("roster", "import", future, os.path.join(d, "future.csv"))
is_(rc, 0, "future roster imported " + out.strip() + err.strip())

staff_u, op_u, teach_u = unique("st").lower(), unique("op").lower(), unique("te").lower()
for u, role, extra in ((staff_u, "staff", []), (op_u, "operator", []),
                       (teach_u, "teacher", ["--school", other_school])):
    rc, _, err = cli("user", "add", u, "--role", role, *extra, stdin=PW + "\n")
    is_(rc, 0, "user %s (%s) added %s" % (u, role, err.strip()))


def login(user):
    c = Client()
    c.get("/admin/login")
    r = c.post("/admin/login", {"username": user, "password": PW, "csrf": c.csrf()})
    is_(r.status, 303, "%s logs in" % user)
    return c


def book(task_code, code, day):
    """The student's way: task code, 采集码 image, confirm, slot, bank.
    Returns (client, order_ref)."""
    s = Client()
    s.get("/task")
    r = s.post("/task", {"task_code": task_code, "csrf": s.csrf()})
    is_(r.status, 303, "student: task code accepted")
    s.get("/code")
    png = mkqr(code, os.path.join(d, code + ".png"))
    r = s.post("/code", {"csrf": s.csrf()}, files={"code_image": png})
    is_(r.status, 303, "student: 采集码 image accepted")
    s.get("/confirm")
    r = s.post("/confirm", {"csrf": s.csrf()})
    is_(r.status, 303, "student: data confirmed")
    r = s.get("/slots?" + urllib.parse.urlencode({"date": day}))
    slots = [m for m in re.findall(r'<input[^>]*name="slot_id"[^>]*>', r.text) if "disabled" not in m]
    ok(slots, "student: a free slot is offered")
    slot = re.search(r'value="(\d+)"', slots[0]).group(1) if slots else "0"
    r = s.post("/slots", {"slot_id": slot, "agree": "1", "date": day, "csrf": s.csrf()})
    is_(r.status, 303, "student: slot taken")
    s.get("/pay")
    r = s.post("/pay", {"csrf": s.csrf()})
    is_(r.status, 303, "student: on to the bank")
    bank = s.get(r.location)
    is_(bank.status, 200, "bank: card form")
    action = re.search(r'<form[^>]*action="([^"]+)"', bank.text)
    r = s.post(action.group(1).replace("&amp;", "&") if action else "/bank/pay",
               {"card_no": CARD_OK, "csrf": s.csrf()})
    is_(r.status, 303, "bank: hold authorised")
    ref = (urllib.parse.parse_qs(urllib.parse.urlsplit(r.location or "").query).get("order_ref") or [""])[0]
    s.follow()
    r = s.get("/booking")
    like(r.text, "已预约|待签到|预约成功|冻结", "student: the booking is confirmed")
    return s, ref


def captures(ref):
    """Capture rows of the bank's ledger for an order."""
    return int(sql_rows("SELECT COUNT(*) FROM bank_ledger l JOIN bank_hold h ON h.id = l.hold_id "
                        "WHERE h.order_ref = '%s' AND l.kind = 'capture'" % ref)[0][0])


def student_url(location):
    m = re.search(r"/admin/site/students/(\d+)", location or "")
    return ("/admin/site/students/" + m.group(1)) if m else "/nowhere", (m.group(1) if m else "0")


def shot_of(text):
    m = re.search(r'id="st-shot-no">(\d+)<', text)
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- the day

zs = students["张三"]
stu, ref = book(task, zs["code"], shanghai(1))
ok(re.fullmatch(r"[0-9a-f]{32}", ref or ""), "the bank's order reference is known")
qr = stu.get("/booking/qr.png")
is_(qr.status, 200, "student: booking QR PNG")
with open(os.path.join(d, "booking.png"), "wb") as f:
    f.write(qr.body)
p = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(d, "booking.png")], stdout=subprocess.PIPE,
                   stderr=subprocess.DEVNULL)
token = p.stdout.decode().strip()
ok(re.fullmatch(r"[0-9a-f]{32}", token), "the booking QR decodes to an opaque token")

anon = Client()
r = anon.get("/admin/site")
is_(r.status, 303, "station without login: 303 to the login")
like(r.location or "", "/admin/login", "to /admin/login")

st = login(staff_u)
r = st.get("/admin/site")
is_(r.status, 200, "station page for staff")
stok = st.csrf()
like(r.text, 'name="code"[^>]*autofocus', "the scan field has the focus (scanner)")
like(r.text, 'name="code_image"', "an image of the code can be uploaded")
like(r.text, r'src="/static/vendor/html5-qrcode.min.js"', "html5-qrcode for the camera")
unlike(r.text, r"<script>(?!</script>)[^<]", "no inline scripts")

r = st.post("/admin/site/scan", {"code": token})
is_(r.status, 403, "scan without csrf: 403")
r = st.post("/admin/site/scan", {"code": "NOSUCHCODE123", "csrf": stok})
is_(r.status, 422, "unknown code: 422")
like(r.text, "未找到", "with a message")

# Before check-in the photo is refused.
rows_ = sql_rows("SELECT id FROM student WHERE collect_code = '%s'" % zs["code"])
zs_id = rows_[0][0] if rows_ else "0"
st.get("/admin/site")
r = st.post("/admin/site/students/%s/photo" % zs_id, {"csrf": stok},
            files={"photo": portrait(os.path.join(d, "p1.jpg"))})
is_(r.status, 409, "photo before check-in: 409")
like(r.text, "尚未签到", "with the reason")

st.get("/admin/site")
r = st.post("/admin/site/scan", {"code": token, "csrf": stok})
is_(r.status, 303, "scan of the booking QR: 303")
url, sid = student_url(r.location)
is_(sid, zs_id, "to the right student's station page")
r = st.get(r.location)
is_(r.status, 200, "student's station page")
shot = shot_of(r.text)
ok(shot is not None and shot >= 1, "the 拍摄号 is shown (%s)" % shot)
like(r.text, "签到成功", "check-in notice")
like(r.text, "张三", "full name shown to staff")
like(r.text, r"110\*+\d{3}[\dX]", "ID number masked for staff")
unlike(r.text, zs["id"], "full ID number not shown to staff")
like(r.text, "已冻结", "payment state: frozen")
like(r.text, 'href="/admin/students/%s"' % zs_id, "link to correct the data")
like(r.text, 'accept="image/\\*"', "photo input accepts images")
is_(sql_rows("SELECT state, shot_day FROM booking WHERE student_id = %s AND active_student IS NOT NULL" % zs_id),
    [["checked_in", shanghai()]], "booking checked in today")

r = st.post("/admin/site/scan", {"code": zs["code"], "csrf": stok})
is_(r.status, 303, "scanning the 采集码 again: 303")
r = st.get(r.location)
is_(shot_of(r.text), shot, "same 拍摄号 again (idempotent)")
like(r.text, "已签到", "says it is already checked in")

# Check-in by an uploaded image of the 采集码 (the second student, booked too).
ls = students["李四"]
stu2, ref2 = book(task, ls["code"], shanghai(1))
st.get("/admin/site")
r = st.post("/admin/site/scan", {"csrf": stok},
            files={"code_image": mkqr(ls["code"], os.path.join(d, "ls.png"))})
is_(r.status, 303, "check-in from an image of the 采集码")
r = st.get(r.location)
is_(shot_of(r.text), shot + 1, "the next 拍摄号")

# Photo.
r = st.post(url + "/photo", {"csrf": stok}, files={"photo": os.path.join(d, "p1.jpg")})
is_(r.status, 303, "photo upload: 303")
r = st.get(r.location)
like(r.text, "照片已保存", "photo stored notice")
like(r.text, "已扣款", "payment captured")
m = re.search(r'src="(/admin/site/students/\d+/photos/\d+\.jpg)"', r.text)
ok(m, "the current photo is shown")
if m:
    ph = st.get(m.group(1))
    is_(ph.header("Content-Type"), "image/jpeg", "photo served as image/jpeg")
    is_(jpeg_size(ph.body), (480, 640), "stored photo is 480x640")
    ok(len(ph.body) <= 40 * 1024, "stored photo is at most 40 KB (%d)" % len(ph.body))
    is_(ph.header("Cache-Control"), "no-store", "photo is no-store")
    is_(anon.get(m.group(1)).status, 303, "photo needs a login")
is_(sql_rows("SELECT state FROM booking WHERE student_id = %s AND active_student IS NOT NULL" % zs_id),
    [["collected"]], "booking collected")
is_(captures(ref), 1, "the bank captured the hold once")

# Retake: history kept, no second capture.
r = st.post(url + "/photo", {"csrf": stok},
            files={"photo": portrait(os.path.join(d, "p2.jpg"), bg="#eeeeee")})
is_(r.status, 303, "retake: 303")
r = st.get(r.location)
like(r.text, "历史照片", "photo history listed")
is_(sql_rows("SELECT COUNT(*), SUM(is_current) FROM photo WHERE student_id = %s" % zs_id), [["2", "1"]],
    "two photos kept, one current")
is_(captures(ref), 1, "double upload: still captured once")
is_(sql_rows("SELECT COUNT(*) FROM payment WHERE booking_id = (SELECT id FROM booking WHERE student_id = %s "
        "AND active_student IS NOT NULL) AND state = 'captured'" % zs_id), [["1"]], "one captured payment")

# A photo with a dark background: stored, with a warning.
r = st.post("/admin/site/students/%s/photo" % student_url(st.post("/admin/site/scan", {
    "code": ls["code"], "csrf": stok}).location)[1], {"csrf": stok},
    files={"photo": portrait(os.path.join(d, "dark.jpg"), bg="#202020")})
is_(r.status, 303, "dark-background photo stored")
like(st.get(r.location).text, "背景可能不是均匀的浅色", "with a background warning")
is_(captures(ref2), 1, "second student captured once")

# The student downloads the photo.
r = stu.get("/records")
is_(r.status, 200, "student: records")
m = re.search(r'href="([^"]+\.jpg)"', r.text)
ok(m, "records link to a .jpg")
if m:
    ph = stu.get(m.group(1))
    is_(ph.status, 200, "student downloads the photo")
    is_(ph.header("Content-Type"), "image/jpeg", "as image/jpeg")
    is_(jpeg_size(ph.body), (480, 640), "480x640 JPEG")
    p = subprocess.run(["identify", "-format", "%w %h %[colorspace] %m", "-"], input=ph.body,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    like(p.stdout.decode(), r"^480 640 sRGB JPEG", "identify agrees: 480x640 sRGB JPEG")
    is_(Client().get(m.group(1)).status in (303, 403, 404), True, "another client cannot download it")

# ---------------------------------------------------------------- walk-in

ww = students["王五"]
st.get("/admin/site")
r = st.post("/admin/site/walkin", {"collect_code": ww["code"], "method": "cash", "csrf": stok})
is_(r.status, 303, "walk-in (typed 采集码): 303")
wurl, wid = student_url(r.location)
r = st.get(r.location)
like(r.text, "现场预约成功", "walk-in notice")
ok(shot_of(r.text) is not None, "walk-in gets a 拍摄号")
like(r.text, "现场已收费", "fee collected on site shown")
is_(sql_rows("SELECT b.state, b.walkin, b.slot_id IS NULL, p.state, p.method, p.amount_fen FROM booking b "
        "JOIN payment p ON p.booking_id = b.id WHERE b.student_id = %s" % wid),
    [["checked_in", "1", "1", "onsite", "cash", "4000"]], "walk-in booking checked in, 40.00 cash")
r = st.post("/admin/site/walkin", {"collect_code": ww["code"], "method": "cash", "csrf": stok})
is_(r.status, 303, "walk-in again: 303")
is_(sql_rows("SELECT COUNT(*) FROM booking WHERE student_id = %s" % wid), [["1"]], "still one booking")
is_(sql_rows("SELECT COUNT(*) FROM payment WHERE booking_id IN (SELECT id FROM booking WHERE student_id = %s)" % wid),
    [["1"]], "and one onsite payment")

zl = students["赵六"]
r = st.post("/admin/site/walkin", {"method": "unpaid", "csrf": stok},
            files={"code_image": mkqr(zl["code"], os.path.join(d, "zl.png"))})
is_(r.status, 303, "walk-in from an image, fee later: 303")
zurl, zid = student_url(r.location)
r = st.get(zurl)
like(r.text, "未支付", "fee shown as due")
r = st.post(zurl + "/fee", {"method": "wechat", "csrf": stok})
is_(r.status, 303, "fee collected later: 303")
like(st.get(zurl).text, "现场已收费", "now paid on site")
r = st.post(zurl + "/photo", {"csrf": stok}, files={"photo": os.path.join(d, "p1.jpg")})
is_(r.status, 303, "walk-in photo: 303")
is_(sql_rows("SELECT state FROM booking WHERE student_id = %s" % zid), [["collected"]], "walk-in collected")

r = st.get("/admin/site")
like(r.text, "今日签到", "today's check-ins on the station")
for n in ("张三", "王五", "赵六"):
    like(r.text, n, "%s listed" % n)

# ---------------------------------------------------------------- window

sb, _ = book(future, fut_code, shanghai(10))
fq = sb.get("/booking/qr.png")
with open(os.path.join(d, "fut.png"), "wb") as f:
    f.write(fq.body)
ftoken = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(d, "fut.png")],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode().strip()
st.get("/admin/site")
r = st.post("/admin/site/scan", {"code": ftoken, "csrf": stok})
is_(r.status, 409, "check-in before the task's window: 409")
like(r.text, "不在该学校的集中采集时间内", "with a clear message")
fid = sql_rows("SELECT id FROM student WHERE collect_code = '%s'" % fut_code)[0][0]
is_(sql_rows("SELECT state, shot_no IS NULL FROM booking WHERE student_id = %s" % fid), [["booked", "1"]],
    "the booking is unchanged")
r = st.post("/admin/site/students/%s/photo" % fid, {"csrf": stok}, files={"photo": os.path.join(d, "p1.jpg")})
is_(r.status, 409, "photo for a booked but not checked-in student: 409")

# ---------------------------------------------------------------- access

r = st.get("/admin/tasks/%s/photos.zip" % sql_rows("SELECT id FROM task WHERE code = '%s'" % task)[0][0])
is_(r.status, 403, "staff cannot export photos")
tid = sql_rows("SELECT id FROM task WHERE code = '%s'" % task)[0][0]
te = login(teach_u)
is_(te.get("/admin/site").status, 403, "teacher is not station staff: 403")
is_(te.get("/admin/tasks/%s/photos.zip" % tid).status, 403,
    "teacher: 403 (the photo export holds full ID numbers: operator only)")

# ---------------------------------------------------------------- ZIP

op = login(op_u)
r = op.get("/admin/site/students/%s" % zs_id)
unlike(r.text, zs["id"], "the station masks the ID number even for the operator")
like(r.text, zs["id"][:3] + r"\*+" + zs["id"][-4:], "and shows it masked")
r = op.get("/admin/students/%s" % zs_id)
like(r.text, zs["id"], "the full ID number is on the operator's record page")
r = op.get("/admin/tasks/%s/photos.zip" % tid)
is_(r.status, 200, "photos.zip for the operator")
is_(r.header("Content-Type"), "application/zip", "as application/zip")
like(r.header("Content-Disposition", ""), "attachment", "as an attachment")
zpath = os.path.join(d, "photos.zip")
with open(zpath, "wb") as f:
    f.write(r.body)
p = subprocess.run(["unzip", "-l", zpath], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
is_(p.returncode, 0, "unzip -l reads it")
listing = p.stdout.decode("utf-8", "replace")
for n in ("张三", "李四", "赵六"):
    like(listing, re.escape(students[n]["id"]) + r"\.jpg", "%s's photo named by ID number" % n)
unlike(listing, students["钱七"]["id"], "no photo for a student without one")
like(listing, r"index\.csv", "index.csv inside")
p = subprocess.run(["unzip", "-p", zpath, "index.csv"], stdout=subprocess.PIPE)
csv = p.stdout
ok(csv.startswith(b"\xef\xbb\xbf"), "index.csv is UTF-8 with a BOM")
text = csv.decode("utf-8-sig")
like(text, r"^采集码,学号,姓名,班级,文件\r\n", "index.csv header")
like(text, '"=""%s""","=""%s""",张三,工商管理1班,%s.jpg' % (zs["code"], zs["no"], zs["id"]),
     "index row for 张三 (采集码 and 学号 as =\"...\": Excel keeps them text)")
is_(len(text.strip().splitlines()), 4, "header + 3 photos")
with zipfile.ZipFile(zpath) as z:
    one = z.read(zs["id"] + ".jpg")
    is_(jpeg_size(one), (480, 640), "the ZIP's photo is the 480x640 JPEG")
    ok(z.testzip() is None, "CRCs check out")

r = op.get("/admin/tasks/%s/photos.zip?by_class=1&class=%s" % (tid, urllib.parse.quote("计算机2班")))
is_(r.status, 200, "one class, in class folders")
with open(zpath, "wb") as f:
    f.write(r.body)
with zipfile.ZipFile(zpath) as z:
    names = z.namelist()
is_(sorted(names), sorted(["计算机2班/%s.jpg" % students["赵六"]["id"], "index.csv"]),
    "only that class, under its folder")

done()
