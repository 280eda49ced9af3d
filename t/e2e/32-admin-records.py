#!/usr/bin/env python3
"""Record correction (FAQ 2) with its audit entry on the record page and in
/admin/audit; invalid ID number refused with the reason; CSRF; the CSV
export round trip (UTF-8 with BOM, GBK) with Chinese and hostile names."""
import csv
import io
import urllib.parse
import re

from tlib import *
from adminlib import *

tmp = tmpdir()
sc = school()
tc, _, _ = task(sc)
codes = [unique("R") for _ in range(4)]
hostile = ['<script>alert(1)</script>', '王"引号",逗号', "=cmd|' /C calc'!A0", "欧阳小芳"]
roster(tc, [(codes[i], hostile[i], idnum(20 + i), "S%03d" % i, "计算机1班" if i < 2 else "计算机2班")
            for i in range(4)], tmp)
teacher = login(user("teacher", sc))
op = login(user("operator"))
tid = task_id(op, tc)
sid = student_id(teacher, tid, codes[3])
ok(tid and sid, "task and student found")
if not (tid and sid):
    bail("setup")

r = teacher.get("/admin/students/%d" % sid)
is_(r.status, 200, "record page")
like(r.text, "欧阳小芳", "shows the name")
like(r.text, idnum(23), "teacher sees the full ID number")
form = {"name": "欧阳晓芳", "id_number": idnum(23), "student_no": "S003", "class_name": "计算机2班",
        "edu_category": "普通本科", "edu_level": "普通高校", "reason": "学生持身份证核对，姓名有误"}

# CSRF missing: 403 and nothing changed.
r = teacher.post("/admin/students/%d" % sid, form)
is_(r.status, 403, "correction without csrf: 403")
unlike(teacher.get("/admin/students/%d" % sid).text, "欧阳晓芳", "nothing changed")

# Reason required.
f2 = dict(form, reason="", csrf=teacher.csrf())
r = teacher.post("/admin/students/%d" % sid, f2)
is_(r.status, 422, "without a reason: 422")
like(r.text, "原因", "asks for the reason")

# Invalid ID number: refused with the reason.
bad = idnum(23)[:17] + ("0" if idnum(23)[17] != "0" else "1")
f3 = dict(form, id_number=bad, csrf=teacher.csrf())
r = teacher.post("/admin/students/%d" % sid, f3)
is_(r.status, 422, "invalid ID number: 422")
like(r.text, "校验位", "with the reason (校验位错误)")
r = teacher.get("/admin/students/%d" % sid)
unlike(r.text, "欧阳晓芳", "nothing changed by the refused form")

# The correction.
r = teacher.post("/admin/students/%d" % sid, dict(form, csrf=teacher.csrf(r.text)))
is_(r.status, 303, "correction: 303")
r = teacher.follow()
is_(r.status, 200, "back on the record page")
like(r.text, "欧阳晓芳", "the new name is shown")
hist = r.text[r.text.find('id="history"'):]
like(hist, "欧阳小芳", "the history shows the value before")
like(hist, "欧阳晓芳", "and after")
like(hist, "学生持身份证核对", "and the reason")
ok(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", hist), "and when")
r = teacher.get("/admin/audit")
is_(r.status, 200, "teacher's /admin/audit")
like(r.text, "欧阳晓芳", "the audit entry is in /admin/audit")
like(r.text, "/admin/students/%d" % sid, "linked to the record")
like(op.get("/admin/audit?student=%d" % sid).text, "学生持身份证核对", "the operator sees it too")

# ID number change: audited, masked in /admin/audit.
newid = idnum(99)
r = teacher.get("/admin/students/%d" % sid)
r = teacher.post("/admin/students/%d" % sid, dict(form, name="欧阳晓芳", id_number=newid,
                                                   reason="身份证号录入错误", csrf=teacher.csrf(r.text)))
is_(r.status, 303, "ID number corrected")
a = teacher.get("/admin/audit").text
unlike(a, newid, "the full ID number is not in /admin/audit")
like(a, re.escape(newid[:3] + "***********" + newid[-4:]), "it is shown masked")

# Hostile names are escaped on the pages.
r = teacher.get("/admin/students", {"task": tid})
unlike(r.text, "<script>alert", "no raw <script> in the search results")
like(r.text, "&lt;script&gt;", "the name is escaped")

# CSV export, UTF-8 with BOM.
r = teacher.get("/admin/tasks/%d/export.csv" % tid)
is_(r.status, 200, "export.csv")
like(r.header("Content-Type", ""), "text/csv", "text/csv")
like(r.header("Content-Disposition", ""), "attachment", "as an attachment")
ok(r.body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM")
rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))
is_(rows[0][:3], ["采集码", "姓名", "身份证号"], "header row")


def unx(s):
    """The value of a long number written as ="..." (Excel keeps it text)."""
    return s[2:-1] if s.startswith('="') and s.endswith('"') else s


by = {unx(row[0]): row for row in rows[1:]}
is_(set(by), set(codes), "every student once")
is_(by[codes[0]][1], "<script>alert(1)</script>", "<script> name round-trips")
is_(by[codes[1]][1], '王"引号",逗号', "quotes and commas round-trip")
is_(by[codes[2]][1], "'=cmd|' /C calc'!A0", "a formula is defused with a leading apostrophe")
is_(by[codes[3]][1], "欧阳晓芳", "the corrected name")
is_(by[codes[3]][2], '="%s"' % newid, "teacher's export holds the ID number, as =\"...\" text")
is_(by[codes[3]][7], "未预约", "state column")

# GBK.
r = teacher.get("/admin/tasks/%d/export.csv?enc=gbk" % tid)
is_(r.status, 200, "export.csv?enc=gbk")
ok(not r.body.startswith(b"\xef\xbb\xbf"), "GBK without a BOM")
try:
    text = r.body.decode("gbk")
    ok(True, "decodes as GBK")
except UnicodeDecodeError as e:
    text = ""
    ok(False, "decodes as GBK: %s" % e)
rows = list(csv.reader(io.StringIO(text, newline="")))
by = {unx(row[0]): row for row in rows[1:]} if rows else {}
is_(by.get(codes[1], [None, None])[1], '王"引号",逗号', "GBK: Chinese with quotes round-trips")
is_(by.get(codes[3], [None, None])[1], "欧阳晓芳", "GBK: the corrected name")
is_(rows[0][1] if rows else None, "姓名", "GBK: Chinese header")
is_(teacher.get("/admin/tasks/%d/export.csv?enc=latin9" % tid).status, 400, "unknown encoding: 400")

# Not-booked list per class.
r = teacher.get("/admin/tasks/%d/unbooked.csv" % tid)
is_(r.status, 200, "unbooked.csv")
rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))
is_(rows[0], ["班级", "学号", "姓名", "采集码"], "unbooked header")
is_(len(rows) - 1, 4, "all four not booked")
is_([row[0] for row in rows[1:]], sorted(row[0] for row in rows[1:]), "sorted by class")
# The list behind a number of the dashboard exports too.
r = teacher.get("/admin/students?task=%d&state=unbooked" % tid)
like(r.text, r'href="/admin/tasks/%d/export\.xlsx\?state=unbooked' % tid, "the list links its export")
r = teacher.get("/admin/tasks/%d/export.csv?state=unbooked" % tid)
is_(r.status, 200, "export.csv?state=unbooked")
rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))
is_(len(rows) - 1, 4, "only the four not booked")
is_(sorted(set(row[7] for row in rows[1:])), ["未预约"], "each of them 未预约")
r = teacher.get("/admin/tasks/%d/export.csv?state=unbooked&class=%s" % (tid, urllib.parse.quote("计算机1班")))
rows2 = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))
ok(all(row[6] == "计算机1班" for row in rows2[1:]), "and by class (%d rows)" % (len(rows2) - 1))
r = teacher.get("/admin/tasks/%d" % tid)
like(r.text, "计算机1班", "task page lists the classes")
like(r.text, r"class=[^\"]*&amp;state=unbooked", "with links to the not-booked students per class")
done()
