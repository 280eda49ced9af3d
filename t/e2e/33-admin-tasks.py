#!/usr/bin/env python3
"""Operator task pages: create and edit a task, bulk slot generation,
capacity never below booked, deleting only an empty slot, roster upload in
the web (preview with rejects by line, then commit)."""
import datetime
import re

from tlib import *
from adminlib import *

sc = school()
op = login(user("operator"))
r = op.get("/admin/users")
m = re.search(r'<option value="(\d+)">[^<]*（%s）' % sc, r.text)
ok(m, "school in the form")
school_id = m.group(1) if m else "0"

r = op.get("/admin/tasks/new")
is_(r.status, 200, "new task form")
code = unique("W")
d0 = datetime.date.today() + datetime.timedelta(days=1)
d1 = d0 + datetime.timedelta(days=2)
form = {"code": code, "school": school_id, "title": "网页任务<b>", "first_day": d0.isoformat(),
        "last_day": d1.isoformat(), "fee": "35.50", "notice": "请带身份证\n准时到场", "is_open": "1",
        "csrf": op.csrf()}
r = op.post("/admin/tasks/new", dict(form, last_day=(d0 - datetime.timedelta(days=1)).isoformat()))
is_(r.status, 422, "end before start: 422")
r = op.post("/admin/tasks/new", form)
is_(r.status, 303, "task created: 303")
m = re.search(r"/admin/tasks/(\d+)", r.location or "")
tid = int(m.group(1)) if m else 0
ok(tid, "redirected to the task page")
r = op.get("/admin/tasks/%d" % tid)
like(r.text, "网页任务&lt;b&gt;", "title shown, escaped")
like(r.text, "35.50", "fee shown")
r = op.post("/admin/tasks/new", dict(form, csrf=op.csrf()))
is_(r.status, 422, "same code again: 422")
like(r.text, "已被使用", "says the code is taken")
r = op.get("/admin/tasks/%d/edit" % tid)
r = op.post("/admin/tasks/%d/edit" % tid, dict(form, title="网页任务改", csrf=op.csrf(r.text)))
is_(r.status, 303, "task edited")
like(op.get("/admin/tasks/%d" % tid).text, "网页任务改", "new title")

# Bulk slots: 3 days x (08:00-10:00 + 14:00-15:00) every 30 min = 3 x 6 = 18.
r = op.get("/admin/tasks/%d" % tid)
slots = {"date_from": d0.isoformat(), "date_to": d1.isoformat(), "time_from": "08:00",
         "time_to": "10:00", "time_from2": "14:00", "time_to2": "15:00", "every": "30",
         "capacity": "3", "csrf": op.csrf(r.text)}
r = op.post("/admin/tasks/%d/slots" % tid, dict(slots, date_to=(d1 + datetime.timedelta(days=5)).isoformat()))
is_(r.status, 422, "dates outside the window: 422")
like(r.text, "采集时间范围", "says so")
r = op.post("/admin/tasks/%d/slots" % tid, slots)
is_(r.status, 303, "slots generated")
like(r.location or "", "n=18", "18 slots")
r = op.post("/admin/tasks/%d/slots" % tid, slots)
like(r.location or "", "n=0", "again: none added twice")
r = op.get("/admin/tasks/%d" % tid)
ids = re.findall(r'/admin/slots/(\d+)/capacity', r.text)
is_(len(ids), 18, "18 slots listed")
like(r.text, "08:00–08:30", "local times shown")

# Capacity: never below booked.
s1, s2 = ids[0], ids[1]
tok = op.csrf(r.text)
if sql("UPDATE slot SET booked = 2 WHERE id = %s" % s1) is None:
    skip("capacity never below booked", "needs root access to the test database")
else:
    r = op.post("/admin/slots/%s/capacity" % s1, {"capacity": "1", "csrf": tok})
    is_(r.status, 409, "capacity below booked: 409")
    is_(sql("SELECT capacity FROM slot WHERE id = %s" % s1).strip(), "3", "capacity unchanged")
    r = op.post("/admin/slots/%s/capacity" % s1, {"capacity": "2", "csrf": tok})
    is_(r.status, 303, "capacity = booked: allowed")
    r = op.post("/admin/slots/%s/delete" % s1, {"csrf": tok})
    is_(r.status, 409, "a slot with bookings cannot be deleted")
r = op.post("/admin/slots/%s/capacity" % s2, {"capacity": "10", "csrf": tok})
is_(r.status, 303, "capacity raised")
r = op.post("/admin/slots/%s/delete" % s2, {"csrf": tok})
is_(r.status, 303, "empty slot deleted")
r = op.get("/admin/tasks/%d" % tid)
is_(len(re.findall(r'/admin/slots/(\d+)/capacity', r.text)), 17, "17 slots left")
r = op.post("/admin/slots/%s/delete" % s2, {"csrf": tok})
is_(r.status, 404, "deleted slot: 404")

# Roster upload: preview with rejects by line, then commit.
c1, c2 = unique("U"), unique("U")
good = idnum(31)
badid = idnum(32)[:17] + ("0" if idnum(32)[17] != "0" else "1")
text = roster_csv([(c1, "张三", good, "N001", "软件1班"), (c2, "李四", badid, "N002", "软件1班"),
                   (c1, "重复", idnum(33), "N003", "软件2班")])
teacher = login(user("teacher", sc))
r = teacher.get("/admin/tasks/%d/roster" % tid)
is_(r.status, 200, "roster upload page (teacher)")
r = teacher.post("/admin/tasks/%d/roster" % tid, {"csrf": teacher.csrf()},
                 files={"roster": ("名单.csv", text.encode("gbk"), "text/csv")})
is_(r.status, 200, "preview")
like(r.text, "GBK", "encoding detected")
like(r.text, r"<td class=\"n\">3</td><td>身份证号校验位错误", "line 3 rejected: check digit")
like(r.text, r"<td class=\"n\">4</td><td>采集码重复", "line 4 rejected: repeated code")
unlike(r.text, good, "the preview masks ID numbers")
m = re.search(r'name="upload" value="(\d+)"', r.text)
ok(m, "the preview keeps the file on the server (an id, not the data)")
up = m.group(1) if m else "0"
ttok = teacher.csrf(r.text)
unlike(teacher.get("/admin/students", {"task": tid, "q": c1}).text, r"/admin/students/\d",
       "nothing imported before the commit")
other = login(user("teacher", sc))
other.get("/admin/")
r = other.post("/admin/tasks/%d/roster/commit" % tid, {"upload": up, "csrf": other.csrf()})
is_(r.status, 409, "another session cannot commit this upload")
r = teacher.post("/admin/tasks/%d/roster/commit" % tid, {"upload": up, "csrf": ttok})
is_(r.status, 303, "commit: 303")
like(r.location or "", "imported=1", "1 imported")
like(r.location or "", "rejected=2", "2 rejected")
r = teacher.get("/admin/students", {"task": tid, "q": c1})
like(r.text, "张三", "the student is there")
r = teacher.post("/admin/tasks/%d/roster/commit" % tid, {"upload": up, "csrf": teacher.csrf()})
is_(r.status, 409, "the same upload cannot be committed twice")
r = teacher.post("/admin/tasks/%d/roster" % tid, {"csrf": teacher.csrf(teacher.get("/admin/").text)},
                 files={"roster": ("x.csv", b"\x00\x01binary", "text/csv")})
is_(r.status, 422, "a file that is not a roster: 422")
done()
