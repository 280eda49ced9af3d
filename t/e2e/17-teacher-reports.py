#!/usr/bin/env python3
"""“Ask the teacher” leads somewhere (issue 11 item 11).  The operator
names the task's teacher; the confirm and slot pages show that name and
phone.  A student reports wrong 学籍 data from the confirm page, another
whose 采集码 is not on the roster reports from the 采集码 page; both wait
on the teacher's queue (masked ID number), the dashboard says so, the
teacher answers (audited), and each student sees the answer on the home
page.  A teacher of another school cannot answer them."""
import re

import adminlib
from tlib import Client, done, is_, like, ok, sql, unlike
from _student import make_task, prepare, send_code

T = make_task(students=2, capacity=5, fee="40", days=(1,))
school_code = sql("SELECT sc.code FROM school sc JOIN task t ON t.school_id = sc.id WHERE t.id = %d" % T["id"])
op = adminlib.login(adminlib.user("operator"))
r = op.get("/admin/tasks/%d/edit" % T["id"])
is_(r.status, 200, "the task's edit page")
like(r.text, 'name="contact_name"', "names a teacher")
row = sql("SELECT CONCAT_WS('|', code, school_id, title, first_day, last_day, "
          "CONCAT(fee_fen DIV 100, '.', LPAD(fee_fen MOD 100, 2, '0')), photo_max_kb) "
          "FROM task WHERE id = %d" % T["id"]).split("|")
r = op.post("/admin/tasks/%d/edit" % T["id"], {
    "csrf": op.csrf(r), "code": row[0], "school": row[1], "title": row[2], "first_day": row[3],
    "last_day": row[4], "fee": row[5], "photo_max_kb": row[6], "is_open": "1", "notice": "",
    "contact_name": "王老师", "contact_phone": "0871-65910001"})
is_(r.status, 303, "the operator saves the teacher's name and phone")

# A student with wrong data, on the confirm page.
a = Client()
a.get("/task")
a.post("/task", {"task_code": T["code"], "csrf": a.csrf()})
send_code(a, T["students"][0]["code"])
r = a.get("/confirm")
like(r.text, "学校负责老师：王老师", "the confirm page names the teacher")
like(r.text, 'href="tel:0871-65910001"', "with the phone as a tel: link")
tok_a = a.csrf(r)
r = a.post("/report", {"csrf": tok_a, "kind": "data_error", "message": ""})
is_(r.status, 422, "an empty report: 422")
r = a.post("/report", {"csrf": tok_a, "kind": "data_error", "message": "班级应为会计2班"})
is_((r.status, r.location), (303, "/?reported=1"), "the report is sent")
r = a.get("/?reported=1")
like(r.text, "已提交给学校负责老师", "the student is told")
like(r.text, "等待老师处理", "and sees it waiting")

# A student whose 采集码 is not on the roster.
b = Client()
b.get("/task")
b.post("/task", {"task_code": T["code"], "csrf": b.csrf()})
b.get("/code")
r = b.post("/code", {"csrf": b.csrf(), "collect_code": "HXNOTONROSTER0001"})
is_(r.status, 422, "a 采集码 not on the roster: 422")
like(r.text, "不在名单中", "offers to tell the teacher")
r = b.post("/report", {"csrf": b.csrf(r), "kind": "not_on_roster", "name": "李新同",
                       "code": "HXNOTONROSTER0001", "message": "会计2班"})
is_(r.status, 303, "the report is sent")

# The teacher's queue.
te = adminlib.login(adminlib.user("teacher", school_code))
r = te.get("/admin/")
like(r.text, r"有 <b>2</b> 条学生反馈等待处理", "the dashboard says two wait")
r = te.get("/admin/reports")
is_(r.status, 200, "the queue")
like(r.text, "班级应为会计2班", "the wrong-data report")
like(r.text, "李新同", "the not-on-roster one, with the typed name")
like(r.text, r"\d{3}\*{11}\d{3}[\dX]", "the ID number masked")
unlike(r.text, T["students"][0]["idn"], "never in full")
rid = [int(x) for x in re.findall(r'action="/admin/reports/(\d+)"', r.text)]
is_(len(rid), 2, "both can be answered")
other = adminlib.login(adminlib.user("teacher", adminlib.school()))
r = other.post("/admin/reports/%d" % rid[0], {"csrf": other.csrf(other.get("/admin/reports")),
                                              "answer": "不是你的"})
is_(r.status, 404, "a teacher of another school cannot answer")
tok = te.csrf(te.get("/admin/reports"))
for i in rid:
    r = te.post("/admin/reports/%d" % i, {"csrf": tok, "answer": "已核对并更正，请重新确认" if i == min(rid)
                                          else "名单已补录，请重新上传采集码"})
    is_(r.status, 303, "answered")
r = te.post("/admin/reports/%d" % rid[0], {"csrf": tok, "answer": "again"})
like(r.location or "", "done=already", "a second answer is refused (already answered)")
is_(sql("SELECT COUNT(*) FROM audit WHERE action = 'report_answer' AND entity = 'report' AND entity_id IN (%s)"
        % ",".join(map(str, rid))), "2", "each answer audited")
like(a.get("/").text, "老师回复：已核对并更正，请重新确认", "student A sees the answer on the home page")
like(b.get("/").text, "老师回复：名单已补录，请重新上传采集码", "student B (not on the roster) too")
unlike(te.get("/admin/").text, "条学生反馈等待处理", "nothing waits any more")
done()
