#!/usr/bin/env python3
"""Roles and scoping (QUALITY.md): a teacher of school A asking for school
B's task, student, export or audit by id gets 404 (logged); staff on
operator-only routes gets 403; a teacher on operator routes gets 403."""
from tlib import *
from adminlib import *

tmp = tmpdir()
sa, sb = school(), school()
ta, _, _ = task(sa)
tb, _, _ = task(sb)
ca, cb = unique("CA"), unique("CB")
roster(ta, [(ca, "甲同学", idnum(11), "A001", "甲班")], tmp)
roster(tb, [(cb, "乙同学", idnum(12), "B001", "乙班")], tmp)
op = login(user("operator"))
tid_a, tid_b = task_id(op, ta), task_id(op, tb)
sid_a, sid_b = student_id(op, tid_a, ca), student_id(op, tid_b, cb)
ok(tid_a and tid_b and sid_a and sid_b, "operator sees both schools' tasks and students")
if not (tid_a and tid_b and sid_a and sid_b):
    bail("setup")
sch_b = None
import re
m = re.search(r'<option value="(\d+)">[^<]*（%s）' % sb, op.get("/admin/users").text)
sch_b = m.group(1) if m else None
ok(sch_b, "school B's id from the users form")

teacher_a = login(user("teacher", sa))
t = teacher_a
is_(t.get("/admin/tasks/%d" % tid_a).status, 200, "teacher A: own task 200")
is_(t.get("/admin/students/%d" % sid_a).status, 200, "teacher A: own student 200")
is_(t.get("/admin/tasks/%d/export.csv" % tid_a).status, 200, "teacher A: own export 200")
r = t.get("/admin/")
like(r.text, re.escape(ta), "dashboard lists task A")
unlike(r.text, re.escape(tb), "dashboard does not list task B")

cases = [
    ("/admin/tasks/%d" % tid_b, "B's task"),
    ("/admin/students/%d" % sid_b, "B's student"),
    ("/admin/tasks/%d/export.csv" % tid_b, "B's export"),
    ("/admin/tasks/%d/export.csv?enc=gbk" % tid_b, "B's GBK export"),
    ("/admin/tasks/%d/unbooked.csv" % tid_b, "B's unbooked list"),
    ("/admin/tasks/%d/roster" % tid_b, "B's roster upload"),
    ("/admin/students?task=%d" % tid_b, "search in B's task"),
    ("/admin/audit?task=%d" % tid_b, "audit of B's task"),
    ("/admin/audit?student=%d" % sid_b, "audit of B's student"),
    ("/admin/tasks/999999999", "a task that does not exist"),
]
if sch_b:
    cases.append(("/admin/audit?school=%s" % sch_b, "audit of school B"))
for path, what in cases:
    is_(t.get(path).status, 404, "teacher A on %s: 404" % what)
r = t.get("/admin/students", {"q": cb})
is_(r.status, 200, "search without a task")
unlike(r.text, "/admin/students/%d\"" % sid_b, "does not find B's student")
like(r.text, "找到 0 人", "finds nobody")
# Writing to B's student: 404 and nothing changes.
t.get("/admin/students/%d" % sid_a)
r = t.post("/admin/students/%d" % sid_b, {"name": "篡改", "student_no": "B001", "class_name": "乙班",
                                          "edu_category": "普通本科", "edu_level": "普通高校",
                                          "reason": "x", "csrf": t.csrf()})
is_(r.status, 404, "teacher A correcting B's student: 404")
like(op.get("/admin/students/%d" % sid_b).text, "乙同学", "B's student unchanged")
log = log_text()
if log is None:
    skip("refusals are logged", "log not readable")
else:
    like(log, r"scope: user \d+ refused student %d of another school" % sid_b, "the refusal is logged")
    unlike(log, idnum(12), "the log holds no ID number")

for path in ("/admin/users", "/admin/tasks/new", "/admin/tasks/%d/edit" % tid_a):
    is_(t.get(path).status, 403, "teacher on %s: 403" % path)
r = t.post("/admin/tasks/%d/close" % tid_a, {"csrf": t.csrf(t.get("/admin/").text)})
is_(r.status, 403, "teacher closing a task: 403")

staff = login(user("staff"))
s = staff
for path in ("/admin/users", "/admin/tasks/new", "/admin/audit",
             "/admin/tasks/%d/export.csv" % tid_a, "/admin/tasks/%d/unbooked.csv" % tid_a,
             "/admin/tasks/%d/roster" % tid_a):
    is_(s.get(path).status, 403, "staff on %s: 403" % path)
tok = s.csrf(s.get("/admin/").text)
is_(s.post("/admin/tasks/%d/close" % tid_a, {"csrf": tok}).status, 403, "staff closing a task: 403")
is_(s.post("/admin/tasks/%d/slots" % tid_a, {"csrf": tok}).status, 403, "staff adding slots: 403")
r = s.get("/admin/students/%d" % sid_a)
is_(r.status, 200, "staff may open a record")
unlike(r.text, idnum(11), "staff does not see the full ID number")
like(r.text, re.escape(idnum(11)[:3] + "***********" + idnum(11)[-4:]), "staff sees it masked")
like(teacher_a.get("/admin/students/%d" % sid_a).text, idnum(11), "the teacher sees the full ID number")

anon = Client()
for path in ("/admin/tasks/%d" % tid_a, "/admin/students/%d" % sid_a, "/admin/audit",
             "/admin/tasks/%d/export.csv" % tid_a):
    r = anon.get(path)
    is_(r.status, 303, "not logged in, %s: 303" % path)
done()
