#!/usr/bin/env python3
"""Names of any length the registry allows, through every export (issue 11,
items 6 and 8).  Three names go through the roster import (UTF-8, then the
same file again as GB18030: an update that changes nothing), the teacher's
correction (POST /admin/students/ID), the CSV export (UTF-8, enc=gbk and
enc=gb18030, both GB18030), the .xlsx export read back with openpyxl, and
the photo ZIP with its index.csv:
  - a name of 32 characters with "·" (少数民族 transliteration);
  - a short name with "·";
  - a name with 𠮷 (U+20BB7, CJK Extension B: four bytes in UTF-8).
Limits are counted in characters and agree with the columns: a 64-character
name of four-byte characters is accepted, 65 characters are refused (422).
ID numbers (one ending in X) and 学号 with leading zeros stay text: ="..."
in the CSV, string cells in "@" columns in the .xlsx."""
import csv
import io
import os
import re
import sys
import subprocess
import urllib.parse
import zipfile

from tlib import Client, cli, done, is_, like, ok, skip, tmpdir, unique, unlike
from adminlib import idnum, log_text, login, must, school, student_id, task, task_id, user

try:
    import openpyxl
except ImportError:
    # python3-openpyxl is in TUCAI_PKGS (tools/lib.sh); the python3 that
    # runs the tests may be another than Debian's, so look where Debian
    # put it.  Missing, the reading-back checks fail: they are the point.
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import openpyxl
    except ImportError:
        openpyxl = None

N32 = "阿卜杜热合曼·买买提艾力·艾合买提江·吐尔逊·库尔班·热合曼"
N32 += "阿" * (32 - len(N32))
NDOT = "迪丽热巴·迪力木拉提"
NEXTB = "𠮷田𠀀子"
assert len(N32) == 32 and "·" in N32
assert any(len(ch.encode("utf-8")) == 4 for ch in NEXTB)

tmp = tmpdir()
sc = school()
tc, _, _ = task(sc)          # window from today: walk-ins work
teacher = login(user("teacher", sc))
op = login(user("operator"))
staff = login(user("staff"))

# ID numbers: the first ends in X (Excel must not touch it either).
seqs, seq = [], 100
while len(seqs) < 3:
    if (len(seqs) == 0) == idnum(seq).endswith("X"):
        seqs.append(seq)
    seq += 1
LONGCLS = "维吾尔语言文学（双语）" + "𠮷" * 10 + "专业2026届1班"
people = [
    {"code": unique("NM"), "name": N32, "idn": idnum(seqs[0]), "no": "0020260000000001",
     "cls": "少数民族预科1班"},
    {"code": unique("NM"), "name": NDOT, "idn": idnum(seqs[1]), "no": "0020260000000002",
     "cls": "少数民族预科1班"},
    {"code": unique("NM"), "name": NEXTB, "idn": idnum(seqs[2]), "no": "0020260000000003",
     "cls": "计算机𠮷班"},
]
ok(people[0]["idn"].endswith("X"), "one ID number ends in X")

# ---------------------------------------------------------------- import

head = "采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n"
text = head + "".join("%s,%s,%s,%s,普通本科,普通高校,%s\n" % (p["code"], p["name"], p["idn"], p["no"], p["cls"])
                      for p in people)
path = os.path.join(tmp, "roster-utf8.csv")
with open(path, "w", encoding="utf-8") as f:
    f.write(text)
rc, out, err = cli("roster", "import", tc, path)
is_(rc, 0, "roster import (UTF-8): exit 0 " + err.strip())
like(out, r"imported 3, rejected 0", "all three imported")

# The same file as GB18030 (what a Chinese Excel may save): 𠮷 has no GBK
# form, a GB18030 one; re-importing changes nothing and fails on nothing
# (a review saw a re-import fail at 32 characters).
path = os.path.join(tmp, "roster-gb18030.csv")
with open(path, "wb") as f:
    f.write(text.encode("gb18030"))
rc, out, err = cli("roster", "import", tc, path)
is_(rc, 0, "re-import as GB18030: exit 0 " + err.strip())
like(out, r"imported 3, rejected 0", "again all three, nothing rejected")

tid = task_id(op, tc)
for p in people:
    p["sid"] = student_id(teacher, tid, p["code"])
ok(tid and all(p["sid"] for p in people), "task and the three students found")
if not (tid and all(p["sid"] for p in people)):
    done()
    raise SystemExit

# ---------------------------------------------------------------- correction


def correct(p, reason, **changes):
    r = teacher.get("/admin/students/%d" % p["sid"])
    form = {"name": p["name"], "id_number": p["idn"], "student_no": p["no"], "class_name": p["cls"],
            "edu_category": "普通本科", "edu_level": "普通高校", "reason": reason,
            "csrf": teacher.csrf(r.text)}
    form.update(changes)
    return teacher.post("/admin/students/%d" % p["sid"], form)


for p in people:
    r = teacher.get("/admin/students/%d" % p["sid"])
    is_(r.status, 200, "record page of %s" % p["name"])
    like(r.text, re.escape(p["name"]), "shows the whole name %s" % p["name"])
    # The reported 500: a correction of another field of a long-named
    # student (the name is read back into a buffer and written again).
    new_cls = LONGCLS if p is people[0] else p["cls"] + "（转）"
    r = correct(p, "班级调整，学生本人确认", class_name=new_cls)
    is_(r.status, 303, "correction of the class of %s: 303" % p["name"])
    r = teacher.get("/admin/students/%d" % p["sid"])
    like(r.text, re.escape(p["name"]), "the name is intact after it")
    like(r.text, re.escape(new_cls), "the new class is shown")
    p["cls"] = new_cls
ok(len(LONGCLS) <= 64 and len(LONGCLS.encode("utf-8")) > 80, "the long class: under 64 characters, over 80 bytes")

# The name itself: 64 characters of four bytes are allowed, 65 are not.
n64 = "𠮷" * 63 + "·"
r = correct(people[2], "测试最长姓名", name=n64)
is_(r.status, 303, "a 64-character name (253 bytes): accepted")
like(teacher.get("/admin/students/%d" % people[2]["sid"]).text, re.escape(n64), "and shown whole")
r = correct(people[2], "测试过长姓名", name="𠮷" * 65)
is_(r.status, 422, "a 65-character name: 422")
like(r.text, "内容过长|64个字符", "with a message that it is too long")
r = correct(people[2], "改回原名", name=NEXTB)
is_(r.status, 303, "the 𠮷 name back: 303")
r = teacher.get("/admin/students/%d" % people[2]["sid"])
hist = r.text[r.text.find('id="history"'):]
like(hist, re.escape(n64), "the history keeps the 64-character value whole")
# Correct the 32-character name to another one of 32 characters.
n32b = N32[:-1] + "江"
r = correct(people[0], "姓名最后一字有误", name=n32b)
is_(r.status, 303, "32-character name corrected: 303")
like(teacher.get("/admin/students/%d" % people[0]["sid"]).text, re.escape(n32b), "the corrected 32-character name")
people[0]["name"] = n32b

# ---------------------------------------------------------------- CSV


def unx(s):
    return s[2:-1] if s.startswith('="') and s.endswith('"') else None


def check_csv(rows, label):
    is_(rows[0][:4], ["采集码", "姓名", "身份证号", "学号"], "%s: header" % label)
    by = {unx(row[0]): row for row in rows[1:]}
    for p in people:
        row = by.get(p["code"])
        ok(row is not None, "%s: %s's row, 采集码 as =\"...\"" % (label, p["name"]))
        if row is None:
            continue
        is_(row[1], p["name"], "%s: name %s intact" % (label, p["name"]))
        is_(row[2], '="%s"' % p["idn"], "%s: ID number as =\"...\" text" % (label))
        is_(row[3], '="%s"' % p["no"], "%s: 学号 with its leading zeros, as text" % label)
        is_(row[6], p["cls"], "%s: class intact" % label)


r = teacher.get("/admin/tasks/%d/export.csv" % tid)
is_(r.status, 200, "export.csv")
ok(r.body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM")
check_csv(list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline=""))), "UTF-8 CSV")
for enc in ("gbk", "gb18030"):
    r = teacher.get("/admin/tasks/%d/export.csv?enc=%s" % (tid, enc))
    is_(r.status, 200, "export.csv?enc=%s" % enc)
    like(r.header("Content-Type", ""), "charset=gb18030", "enc=%s is written as GB18030" % enc)
    ok(not r.body.startswith(b"\xef\xbb\xbf"), "enc=%s: no BOM" % enc)
    ok(b"?" not in r.body, "enc=%s: nothing replaced by '?'" % enc)
    ok("𠮷".encode("gb18030") in r.body, "enc=%s: 𠮷 in its four GB18030 bytes" % enc)
    try:
        body = r.body.decode("gb18030")
    except UnicodeDecodeError as e:
        body = ""
        ok(False, "decodes as GB18030: %s" % e)
    check_csv(list(csv.reader(io.StringIO(body, newline=""))), "CSV enc=%s" % enc)
r = teacher.get("/admin/tasks/%d/unbooked.csv" % tid)
rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))
is_(sorted(row[2] for row in rows[1:]), sorted(p["name"] for p in people), "unbooked.csv: the three names intact")
is_(sorted(row[1] for row in rows[1:]), sorted('="%s"' % p["no"] for p in people), "unbooked.csv: 学号 as text")

# The export imports again (the ="..." form is read back): no change.
path = os.path.join(tmp, "export.csv")
with open(path, "wb") as f:
    f.write(teacher.get("/admin/tasks/%d/export.csv" % tid).body)
rc, out, err = cli("roster", "import", tc, path)
is_(rc, 0, "the CSV export imports again " + err.strip())
like(out, r"imported 3, rejected 0", "all three rows read back")

# ---------------------------------------------------------------- xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
is_(Client().get("/admin/tasks/%d/export.xlsx" % tid).status, 303, "export.xlsx without login: to the login")
is_(staff.get("/admin/tasks/%d/export.xlsx" % tid).status, 403, "station staff: 403 (as the CSV)")
is_(staff.get("/admin/tasks/%d/unbooked.xlsx" % tid).status, 403, "unbooked.xlsx, staff: 403")
other = login(user("teacher", school()))
is_(other.get("/admin/tasks/%d/export.xlsx" % tid).status, 404, "another school's teacher: 404")


def workbook(path):
    r = teacher.get(path)
    is_(r.status, 200, path.split("/")[-1])
    is_(r.header("Content-Type", ""), XLSX, "as the .xlsx MIME type")
    cd = urllib.parse.unquote(r.header("Content-Disposition", ""))
    like(cd, r"attachment", "as an attachment")
    like(cd, re.escape(tc) + r"-.*\.xlsx", "named after the task, .xlsx")
    ok(r.body[:2] == b"PK", "a ZIP container")
    if openpyxl is None:
        ok(False, "read back with openpyxl (python3-openpyxl missing)")
        return None
    return openpyxl.load_workbook(io.BytesIO(r.body))


wb = workbook("/admin/tasks/%d/export.xlsx" % tid)
if wb is not None:
    ws = wb.worksheets[0]
    is_(ws.title, "学生名单", "sheet name")
    hdr = [c.value for c in ws[1]]
    is_(hdr, ["采集码", "姓名", "身份证号", "学号", "学历类别", "学历层次", "班级", "状态", "预约时段", "拍摄号"],
        "header row")
    ok(all(c.font.b for c in ws[1]), "the header is bold")
    is_(ws.freeze_panes, "A2", "the header row is frozen")
    ok(ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:"), "with an autofilter")
    wid = ws.column_dimensions["C"].width
    ok(wid is not None and 18 <= wid <= 50, "the ID number column is wide enough (%s)" % wid)
    by = {}
    for row in ws.iter_rows(min_row=2):
        by[row[0].value] = row
    is_(sorted(by), sorted(p["code"] for p in people), "every student once")
    for p in people:
        row = by.get(p["code"])
        if row is None:
            continue
        is_(row[1].value, p["name"], "xlsx: name %s intact" % p["name"])
        is_(row[2].value, p["idn"], "xlsx: ID number intact")
        is_(row[2].data_type, "s", "xlsx: ID number is a string cell")
        is_(row[2].number_format, "@", "xlsx: in a text-formatted cell")
        is_(row[3].value, p["no"], "xlsx: 学号 with its leading zeros")
        is_(row[3].data_type, "s", "xlsx: 学号 is a string cell")
        is_(row[6].value, p["cls"], "xlsx: class intact")
        is_(row[7].value, "未预约", "xlsx: state")
wb = workbook("/admin/tasks/%d/unbooked.xlsx" % tid)
if wb is not None:
    ws = wb.worksheets[0]
    is_([c.value for c in ws[1]], ["班级", "学号", "姓名", "采集码"], "unbooked.xlsx header")
    got = sorted((row[2].value, row[1].value, row[1].data_type) for row in ws.iter_rows(min_row=2))
    is_(got, sorted((p["name"], p["no"], "s") for p in people), "unbooked.xlsx: names and 学号 as strings")

r = teacher.get("/admin/tasks/%d" % tid)
like(r.text, r'href="/admin/tasks/%d/export\.xlsx"' % tid, "the task page links the .xlsx export")
like(r.text, r'href="/admin/tasks/%d/unbooked\.xlsx"' % tid, "and the not-booked .xlsx")
like(r.text, r'href="/admin/tasks/%d/export\.csv"' % tid, "the CSV export stays")

# ---------------------------------------------------------------- photo ZIP

jpg = os.path.join(tmp, "p.jpg")
subprocess.run(["/usr/bin/convert", "-size", "900x1200", "xc:#f4f4f4", "-fill", "#3a2a20",
                "-draw", "ellipse 450,520 200,260 0,360", "-fill", "#202850",
                "-draw", "rectangle 150,900 750,1200", "-quality", "92", jpg],
               check=True, stderr=subprocess.DEVNULL)
r = staff.get("/admin/site")
stok = staff.csrf(r.text)
for p in people:
    r = staff.post("/admin/site/walkin", {"collect_code": p["code"], "method": "cash", "csrf": stok})
    is_(r.status, 303, "walk-in of %s: 303" % p["name"])
    loc = r.location or ""
    page = staff.get(loc)
    like(page.text, re.escape(p["name"]), "the station page shows %s whole" % p["name"])
    r = staff.post(loc.split("?")[0] + "/photo", {"csrf": stok}, files={"photo": jpg})
    is_(r.status, 303, "photo of %s: 303" % p["name"])

r = op.get("/admin/tasks/%d/photos.zip" % tid)
is_(r.status, 200, "photos.zip")
with zipfile.ZipFile(io.BytesIO(r.body)) as z:
    names = z.namelist()
    index = z.read("index.csv") if "index.csv" in names else b""
is_(sorted(names), sorted(["index.csv"] + ["%s.jpg" % p["idn"] for p in people]),
    "a photo per student, named by ID number")
rows = list(csv.reader(io.StringIO(index.decode("utf-8-sig"), newline="")))
is_(rows[0] if rows else None, ["采集码", "学号", "姓名", "班级", "文件"], "index.csv header")
got = sorted((unx(row[0]), unx(row[1]), row[2], row[3], row[4]) for row in rows[1:])
is_(got, sorted((p["code"], p["no"], p["name"], p["cls"], p["idn"] + ".jpg") for p in people),
    "index.csv: names and classes intact, 采集码 and 学号 as text")
r = op.get("/admin/tasks/%d/photos.zip?by_class=1" % tid)
with zipfile.ZipFile(io.BytesIO(r.body)) as z:
    names = z.namelist()
ok("%s/%s.jpg" % (LONGCLS, people[0]["idn"]) in names, "by class: the long class name is the folder, whole")
ok("计算机𠮷班（转）/%s.jpg" % people[2]["idn"] in names, "and the 𠮷 class")

# After the photos the export says so.
if openpyxl is not None:
    wb = openpyxl.load_workbook(io.BytesIO(teacher.get("/admin/tasks/%d/export.xlsx" % tid).body))
    states = sorted(row[7].value for row in wb.worksheets[0].iter_rows(min_row=2))
    is_(states, ["已采集"] * 3, "xlsx after the photos: 已采集")

log = log_text()
if log is not None:
    unlike(log, r"cut to fit", "no database value was cut to fit a buffer")
done()
