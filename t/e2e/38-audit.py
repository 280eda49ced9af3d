#!/usr/bin/env python3
"""A complete audit, in Chinese (issue 11 item 9): each staff action done
once through the web (or the command line where that is its way) leaves
one record with who, which student or task (entity, id, school) and
before/after; /admin/audit shows it with Chinese labels from the one table
in templates/admin/macros.cs (checked against every action code in the C
sources) and filters by task, user and date, scoped to the teacher's
school.  A refused login records the username typed and the address,
never the password.  A password or role change ends the user's other
sessions: an old cookie gets the login page."""
import glob
import html
import os
import re
import subprocess
import urllib.parse

from tlib import *
from adminlib import PW, idnum as aidnum, login, must, roster_csv, school, user
import _student as st

tmp = tmpdir()

# ------------------------------------------------------------ the one table

LABELS = {
    "login": "登录", "login_fail": "登录失败", "logout": "退出登录",
    "correct": "信息更正", "roster_update": "名单导入更新", "roster_import": "导入名单",
    "checkin": "签到", "walkin": "现场预约", "photo": "上传照片", "retake": "重拍照片",
    "idcard_view": "查看身份证照片", "pay_onsite": "现场收费",
    "task_add": "新建任务", "task_save": "修改任务", "task_close": "结束任务",
    "slot_add": "新增时段", "slot_capacity": "修改时段人数", "slot_delete": "删除时段",
    "export": "导出名单", "photos_zip": "导出照片包",
    "user_add": "新建用户", "user_role": "修改角色", "user_school": "修改所属学校",
    "user_password": "修改密码", "user_disable": "停用账号", "user_enable": "启用账号",
    "reconcile": "对账",
}

codes = set()
for path in glob.glob(os.path.join(SRC, "cgi", "**", "*.c"), recursive=True):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for m in re.finditer(r'(?:\baudit_add\([^,]+,|\blogin_audit\(|\bcheckin_audit\([^,]+,)\s*([^,]+),', text):
        codes.update(re.findall(r'"(\w+)"', m.group(1)))
ok(len(codes) >= 20, "action codes found in the C sources (%d)" % len(codes))
with open(os.path.join(SRC, "templates", "admin", "macros.cs"), encoding="utf-8") as f:
    macros = f.read()
action_def = re.search(r"<\?cs def:action_label\(a\) \?>(.*?)<\?cs /def \?>", macros, re.S)
ok(action_def, "macros.cs has the action_label table")
table = dict(re.findall(r'a == "(\w+)" \?>([^<]+)', action_def.group(1) if action_def else ""))
missing = sorted(c for c in codes if c not in table)
is_(missing, [], "every action code written by audit_add has a Chinese label")
for c in sorted(codes):
    if c in LABELS:
        is_(table.get(c), LABELS[c], "label of %s is %s" % (c, LABELS[c]))
ok(all(re.search(r"[\u4e00-\u9fff]", v) for v in table.values()), "every label is Chinese")


# ------------------------------------------------------------ helpers

def audits(where):
    """Audit rows matching where, oldest first: dicts of the columns."""
    cols = ["id", "actor", "actor_id", "action", "entity", "entity_id", "school_id",
            "field", "before_val", "after_val", "reason"]
    rows = sql_rows("SELECT id, actor, IFNULL(actor_id, 0), action, entity, entity_id, "
                    "IFNULL(school_id, 0), IFNULL(field, ''), IFNULL(before_val, ''), "
                    "IFNULL(after_val, ''), IFNULL(reason, '') FROM audit WHERE %s ORDER BY id" % where)
    return [dict(zip(cols, r)) for r in rows]


def one(where, desc):
    rows = audits(where)
    is_(len(rows), 1, desc + ": one audit record")
    return rows[0] if rows else {}


def page_rows(c, params=None):
    """The rows of /admin/audit as dicts of the shown (text) cells."""
    r = c.get("/admin/audit", params)
    out = []
    for action, body in re.findall(r'<tr class="ad-audit" data-action="([^"]*)">(.*?)</tr>', r.text, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", x)).strip()
                 for x in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
        if len(cells) >= 10:
            out.append(dict(code=action, at=cells[0], actor=cells[1], action=cells[2], entity=cells[3],
                            task=cells[4], field=cells[5], before=cells[6], after=cells[7],
                            reason=cells[8], school=cells[9]))
    return r, out


def shown(rows, code, **want):
    """The first page row of action code whose cells contain want."""
    for x in rows:
        if x["code"] == code and all(v in x[k] for k, v in want.items()):
            return x
    return None


def check_shown(rows, code, desc, **want):
    x = shown(rows, code, **want)
    ok(x, "%s shown on /admin/audit as %s %s" % (desc, LABELS[code], want))
    if x:
        is_(x["action"], LABELS[code], "%s: the action in Chinese" % desc)
    return x


def uid_of(name):
    return sql("SELECT id FROM user WHERE username = '%s'" % name)


# ------------------------------------------------------------ set-up (CLI)

sa, sb = school(), school()
sa_id = sql("SELECT id FROM school WHERE code = '%s'" % sa)
sb_id = sql("SELECT id FROM school WHERE code = '%s'" % sb)
op_u = user("operator")
teach_u = user("teacher", sa)
staff_u = user("staff")
teach_b = user("teacher", sb)
r0 = one("action = 'user_add' AND entity = 'user' AND entity_id = %s" % uid_of(teach_u), "CLI user add")
is_((r0.get("actor"), r0.get("after_val"), r0.get("school_id")), ("tucai-cli", "teacher", sa_id),
    "CLI user add: by tucai-cli, role after, the teacher's school")

tcode = unique("AU")
must(cli("task", "add", tcode, "--school", sa, "--title", "审计测试", "--from", shanghai(),
         "--to", shanghai(3), "--fee", "40"), "task add")
tid = sql("SELECT id FROM task WHERE code = '%s'" % tcode)
r0 = one("action = 'task_add' AND entity = 'task' AND entity_id = %s" % tid, "CLI task add")
is_((r0.get("actor"), r0.get("after_val"), r0.get("school_id")), ("tucai-cli", tcode, sa_id),
    "CLI task add: by tucai-cli, the code, the school")
must(cli("slots", "add", tcode, "--date", shanghai(1), "--from", "09:00", "--to", "11:00",
         "--every", "60", "--capacity", "10"), "slots add")
r0 = one("action = 'slot_add' AND entity = 'task' AND entity_id = %s" % tid, "CLI slots add")
like(r0.get("after_val", ""), r"%s，09:00–11:00，每 60 分钟，每个时段 10 人，新增 2 个" % shanghai(1),
     "CLI slots add: what was added")

people = []
for i, name in enumerate(["审甲", "审乙", "审丙"]):
    people.append({"code": "HX" + unique("", n=8).lower() + "%d" % i, "name": name,
                   "idn": idnum("44030419980101%03d" % (int(sa) % 300 + i)), "no": "A%s%d" % (sa, i)})
path = os.path.join(tmp, "roster.csv")
with open(path, "w", encoding="utf-8") as f:
    f.write(roster_csv([(p["code"], p["name"], p["idn"], p["no"], "审计1班") for p in people]))
must(cli("roster", "import", tcode, path), "roster import")
r0 = one("action = 'roster_import' AND entity_id = %s" % tid, "CLI roster import")
is_((r0.get("actor"), r0.get("entity"), r0.get("after_val")), ("tucai-cli", "task", "新增 3，更新 0，未变 0，拒绝 0"),
    "CLI roster import: on the task, with its counts")
sids = [sql("SELECT id FROM student WHERE collect_code = '%s'" % p["code"]) for p in people]

# ------------------------------------------------------------ logins

c = Client(source=fresh_source())
c.get("/admin/login")
secret = "Secret-" + unique("P")
ghost = "ghost-" + unique("").lower()
r = c.post("/admin/login", {"username": ghost, "password": secret, "csrf": c.csrf()})
is_(r.status, 422, "unknown user: 422")
a = one("action = 'login_fail' AND actor = '%s'" % ghost, "failed login of an unknown user")
is_((a.get("actor_id"), a.get("entity"), a.get("entity_id"), a.get("school_id"), a.get("field"),
     a.get("after_val"), a.get("reason")),
    ("0", "user", "0", "0", "address", c.source, "用户名不存在"),
    "unknown user: the username typed, no user, the address, why")
is_(sql("SELECT COUNT(*) FROM audit WHERE CONCAT_WS('|', actor, before_val, after_val, reason) "
        "LIKE '%%%s%%'" % secret), "0", "the password is nowhere in the audit table")
r = c.post("/admin/login", {"username": teach_u, "password": secret, "csrf": c.csrf()})
is_(r.status, 422, "wrong password: 422")
a = one("action = 'login_fail' AND actor = '%s'" % teach_u, "failed login of a known user")
is_((a.get("actor_id"), a.get("entity_id"), a.get("school_id"), a.get("reason")),
    ("0", uid_of(teach_u), sa_id, "密码错误"),
    "wrong password: on the user and their school, but not as its actor")
is_(sql("SELECT COUNT(*) FROM audit WHERE CONCAT_WS('|', actor, before_val, after_val, reason) "
        "LIKE '%%%s%%'" % secret), "0", "still no password in the audit table")

op = login(op_u)
a = audits("action = 'login' AND actor = '%s'" % op_u)
ok(a and a[-1]["actor_id"] == uid_of(op_u) and a[-1]["after_val"] == "127.0.0.1",
   "login: who and the address")
teacher = login(teach_u)
staff = login(staff_u)
teacher_b = login(teach_b)

# ------------------------------------------------------------ task and slots (web)

import datetime
d0 = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
d1 = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
wcode = unique("AW")
op.get("/admin/tasks/new")
form = {"code": wcode, "school": sa_id, "title": "网页审计任务", "first_day": d0, "last_day": d1,
        "fee": "35.50", "notice": "须知", "is_open": "1", "csrf": op.csrf()}
r = op.post("/admin/tasks/new", form)
is_(r.status, 303, "task created")
wid = sql("SELECT id FROM task WHERE code = '%s'" % wcode)
a = one("action = 'task_add' AND entity_id = %s" % wid, "web task create")
is_((a.get("actor"), a.get("school_id"), a.get("after_val")), (op_u, sa_id, wcode), "task create: who, school, code")
r = op.get("/admin/tasks/%s/edit" % wid)
r = op.post("/admin/tasks/%s/edit" % wid, dict(form, title="网页审计任务（改）", fee="40", csrf=op.csrf(r.text)))
is_(r.status, 303, "task edited")
a = audits("action = 'task_save' AND entity_id = %s" % wid)
is_(sorted((x["field"], x["before_val"], x["after_val"]) for x in a),
    [("fee", "35.50", "40.00"), ("title", "网页审计任务", "网页审计任务（改）")],
    "task edit: each changed field with before and after, nothing else")
r = op.get("/admin/tasks/%s" % wid)
r = op.post("/admin/tasks/%s/slots" % wid, {"date_from": d0, "date_to": d0, "time_from": "08:00",
                                            "time_to": "10:00", "every": "60", "capacity": "3",
                                            "csrf": op.csrf(r.text)})
is_(r.status, 303, "slots generated")
a = one("action = 'slot_add' AND entity_id = %s" % wid, "web slot generation")
like(a.get("after_val", ""), "新增 2 个", "slot generation: how many")
slots = sql_rows("SELECT id FROM slot WHERE task_id = %s ORDER BY starts_at" % wid)
s1, s2 = slots[0][0], slots[1][0]
r = op.post("/admin/slots/%s/capacity" % s1, {"capacity": "5", "csrf": op.csrf(op.get("/admin/tasks/%s" % wid).text)})
is_(r.status, 303, "capacity changed")
a = one("action = 'slot_capacity' AND entity = 'slot' AND entity_id = %s" % s1, "capacity change")
is_((a.get("field"), a.get("before_val"), a.get("after_val"), a.get("school_id")), ("capacity", "3", "5", sa_id),
    "capacity: before 3, after 5")
r = op.post("/admin/slots/%s/delete" % s2, {"csrf": op.csrf(op.get("/admin/tasks/%s" % wid).text)})
is_(r.status, 303, "slot deleted")
a = one("action = 'slot_delete' AND entity_id = %s" % wid, "slot deletion")
is_((a.get("entity"), a.get("field"), a.get("after_val")), ("task", "slot", ""), "slot deletion: on its task")
is_(a.get("before_val"), "%s 09:00–10:00，3 人" % d0, "slot deletion: what the slot was")

# ------------------------------------------------------------ roster (web), re-import, correction

extra = "HX" + unique("", n=8).lower() + "w"
text = roster_csv([(extra, "网页导入", idnum("44030419980202%03d" % (int(sa) % 300)), "W1", "审计2班"),
                   (people[2]["code"], "审丙改", people[2]["idn"], people[2]["no"], "审计1班")])
teacher.get("/admin/tasks/%s/roster" % tid)
r = teacher.post("/admin/tasks/%s/roster" % tid, {"csrf": teacher.csrf()},
                 files={"roster": ("名单.csv", text.encode("utf-8"), "text/csv")})
m = re.search(r'name="upload" value="(\d+)"', r.text)
r = teacher.post("/admin/tasks/%s/roster/commit" % tid, {"upload": m.group(1) if m else "0",
                                                          "csrf": teacher.csrf(r.text)})
is_(r.status, 303, "web roster import committed")
a = audits("action = 'roster_import' AND entity_id = %s AND actor = '%s'" % (tid, teach_u))
is_(len(a), 1, "web roster import: one record by the teacher")
is_(a[0]["after_val"] if a else "", "新增 1，更新 1，未变 0，拒绝 0", "with its counts")
a = one("action = 'roster_update' AND entity = 'student' AND entity_id = %s" % sids[2], "re-import of a student")
is_((a.get("field"), a.get("before_val"), a.get("after_val")), ("name", "审丙", "审丙改"), "re-import: name before/after")

r = teacher.get("/admin/students/%s" % sids[2])
r = teacher.post("/admin/students/%s" % sids[2], {
    "name": "审丙正", "id_number": people[2]["idn"], "student_no": people[2]["no"], "class_name": "审计1班",
    "edu_category": "普通本科", "edu_level": "普通高校", "reason": "核对身份证", "csrf": teacher.csrf(r.text)})
is_(r.status, 303, "correction")
a = one("action = 'correct' AND entity_id = %s" % sids[2], "correction")
is_((a.get("actor"), a.get("field"), a.get("before_val"), a.get("after_val"), a.get("reason")),
    (teach_u, "name", "审丙改", "审丙正", "核对身份证"), "correction: who, before, after, why")

# ------------------------------------------------------------ the collection day

T = {"code": tcode}
s0 = st.prepare(T, {"code": people[0]["code"]})
r = st.book(s0, sql("SELECT id FROM slot WHERE task_id = %s ORDER BY starts_at LIMIT 1" % tid))
is_(r.status, 303, "student 0 booked a slot")
ok(st.pay_card(s0), "student 0 paid")
bid0 = sql("SELECT id FROM booking WHERE active_student = %s" % sids[0])
staff.get("/admin/site")
r = staff.post("/admin/site/scan", {"code": people[0]["code"], "csrf": staff.csrf()})
is_(r.status, 303, "check-in at the station")
shot = sql("SELECT shot_no FROM booking WHERE id = %s" % bid0)
a = one("action = 'checkin' AND entity = 'booking' AND entity_id = %s" % bid0, "check-in")
is_((a.get("actor"), a.get("school_id"), a.get("field"), a.get("before_val"), a.get("after_val"), a.get("reason")),
    (staff_u, sa_id, "state", "booked", "checked_in", "拍摄号 %s" % shot), "check-in: who, state before/after, 拍摄号")
r = staff.post("/admin/site/scan", {"code": people[0]["code"], "csrf": staff.csrf()})
is_(len(audits("action = 'checkin' AND entity_id = %s" % bid0)), 1, "a second scan is not a second check-in")

r = staff.post("/admin/site/students/%s/photo" % sids[0], {"csrf": staff.csrf()},
               files={"photo": st.portrait(os.path.join(tmp, "p.jpg"))})
is_(r.status, 303, "photo uploaded")
a = one("action = 'photo' AND entity_id = %s" % bid0, "photo upload")
is_((a.get("actor"), a.get("field"), a.get("before_val"), a.get("after_val")),
    (staff_u, "state", "checked_in", "collected"), "photo: booking checked in -> collected")
r = staff.post("/admin/site/students/%s/photo" % sids[0],
               {"csrf": staff.csrf(staff.get("/admin/site/students/%s" % sids[0]).text)},
               files={"photo": os.path.join(tmp, "p.jpg")})
is_(r.status, 303, "photo taken again")
a = one("action = 'retake' AND entity_id = %s" % bid0, "retake")
like(a.get("after_val", ""), r"^\d+ KB$", "retake: the new photo's size")

staff.get("/admin/site")
r = staff.post("/admin/site/walkin", {"collect_code": people[1]["code"], "method": "cash", "csrf": staff.csrf()})
is_(r.status, 303, "walk-in")
bid1 = sql("SELECT id FROM booking WHERE active_student = %s" % sids[1])
a = one("action = 'walkin' AND entity = 'booking' AND entity_id = %s" % bid1, "walk-in")
is_((a.get("actor"), a.get("school_id"), a.get("before_val"), a.get("after_val")),
    (staff_u, sa_id, "", "checked_in"), "walk-in: no booking before, checked in after")
a = one("action = 'pay_onsite' AND entity_id = %s" % bid1, "on-site fee")
is_(a.get("after_val"), "现金 40.00 元", "on-site fee: method and amount in Chinese")

# ID card: a stored image, viewed by the staff member.
jpg = os.path.join(tmp, "id.jpg")
subprocess.run(["/usr/bin/convert", "-size", "64x40", "xc:#ddeeff", jpg], check=True)
with open(jpg, "rb") as f:
    hexjpg = f.read().hex()
sql_rows("INSERT INTO idcard (student_id, jpeg) VALUES (%s, X'%s')" % (sids[0], hexjpg))
r = staff.get("/admin/site/students/%s/idcard.jpg" % sids[0])
is_(r.status, 200, "ID-card photo served")
a = one("action = 'idcard_view' AND entity_id = %s" % sids[0], "ID-card view")
is_((a.get("actor"), a.get("entity"), a.get("school_id")), (staff_u, "student", sa_id), "ID-card view: who, whose")
is_(staff.get("/admin/site/students/%s/idcard.jpg" % sids[1]).status, 404, "no ID card: 404")
is_(len(audits("action = 'idcard_view' AND entity_id = %s" % sids[1])), 0, "and no view recorded")

# ------------------------------------------------------------ exports, close, reconcile

r = teacher.get("/admin/tasks/%s/export.csv" % tid)
is_(r.status, 200, "CSV export")
a = one("action = 'export' AND entity_id = %s" % tid, "export")
is_((a.get("actor"), a.get("entity"), a.get("school_id"), a.get("after_val")),
    (teach_u, "task", sa_id, "学生名单.csv"), "export: who, which task, which list")
is_(teacher_b.get("/admin/tasks/%s/export.csv" % tid).status, 404, "another school's teacher: 404")
is_(len(audits("action = 'export' AND entity_id = %s" % tid)), 1, "and no export recorded")
r = op.get("/admin/tasks/%s/photos.zip" % tid)
is_(r.status, 200, "photos.zip")
a = one("action = 'photos_zip' AND entity_id = %s" % tid, "photos.zip")
is_((a.get("actor"), a.get("school_id")), (op_u, sa_id), "photos.zip: who, which school")
like(a.get("after_val", ""), r"photos-%s\.zip，1 张" % tcode, "photos.zip: the file and its count")

r = op.get("/admin/tasks/%s/close" % wid)
r = op.post("/admin/tasks/%s/close" % wid, {"confirm_code": wcode, "force": "1", "reason": "审计测试提前结束",
                                            "csrf": op.csrf(r.text)})
is_(r.status, 303, "forced close")
a = one("action = 'task_close' AND entity_id = %s" % wid, "close")
is_((a.get("after_val"), a.get("reason")), ("取消 0，解冻 0，扣款 0，已采集 0，强制结束", "审计测试提前结束"),
    "close: the counts in Chinese, forced, with its reason")
r = op.post("/admin/reconcile", {"csrf": op.csrf(op.get("/admin/reconcile").text)})
is_(r.status, 303, "reconciliation run")
a = audits("action = 'reconcile' AND actor = '%s'" % op_u)
ok(a and re.match(r"^(完成|有不符)：核对 \d+ 笔订单，\d+ 处不符$", a[-1]["after_val"]), "reconcile: its result in Chinese")

# ------------------------------------------------------------ users and their sessions

r = op.get("/admin/users")
nu = "au" + unique("").lower()
r = op.post("/admin/users", {"username": nu, "password": "First-pass-1", "role": "staff", "csrf": op.csrf(r.text)})
is_(r.status, 303, "user created")
nid = uid_of(nu)
a = one("action = 'user_add' AND entity_id = %s" % nid, "web user create")
is_((a.get("actor"), a.get("after_val"), a.get("reason")), (op_u, "staff", nu), "user create: who, role, name")
n1, n2 = login(nu, "First-pass-1"), login(nu, "First-pass-1")
r = op.get("/admin/users/%s" % nid)
r = op.post("/admin/users/%s" % nid, {"role": "teacher", "school": sa_id, "csrf": op.csrf(r.text)})
is_(r.status, 303, "role changed")
a = one("action = 'user_role' AND entity_id = %s" % nid, "role change")
is_((a.get("before_val"), a.get("after_val"), a.get("school_id")), ("staff", "teacher", sa_id), "role: before, after")
ok(one("action = 'user_school' AND entity_id = %s" % nid, "school change").get("after_val", "").startswith("测试大学"),
   "school: the new school's name")
for cl, nm in ((n1, "first"), (n2, "second")):
    r = cl.get("/admin/")
    is_(r.status, 303, "the role change logged out the user's %s session" % nm)
    like(r.location or "", "/admin/login", "to the login page")
n1 = login(nu, "First-pass-1")
r = op.get("/admin/users/%s" % nid)
r = op.post("/admin/users/%s" % nid, {"role": "teacher", "school": sa_id, "password": "Second-pass-2",
                                      "csrf": op.csrf(r.text)})
is_(r.status, 303, "password reset")
a = one("action = 'user_password' AND entity_id = %s" % nid, "password reset")
is_((a.get("field"), a.get("before_val"), a.get("after_val")), ("password", "", ""),
    "password: the fact only, no password or hash")
is_(len(audits("action = 'user_role' AND entity_id = %s" % nid)), 1, "an unchanged role is not recorded again")
like(n1.get("/admin/").location or "", "/admin/login", "the password reset logged the user out")
r = op.get("/admin/users/%s" % nid)
r = op.post("/admin/users/%s" % nid, {"role": "teacher", "school": sa_id, "disabled": "1", "csrf": op.csrf(r.text)})
a = one("action = 'user_disable' AND entity_id = %s" % nid, "disable")
is_((a.get("before_val"), a.get("after_val")), ("0", "1"), "disable: before, after")

# An operator changing their own password: this session stays, the others end.
o2 = user("operator")
o2a, o2b = login(o2), login(o2)
old_cookie = o2a.cookie("tucai_admin")
o2id = uid_of(o2)
r = o2a.get("/admin/users/%s" % o2id)
r = o2a.post("/admin/users/%s" % o2id, {"role": "operator", "password": "Own-new-pass-3", "csrf": o2a.csrf(r.text)})
is_(r.status, 303, "own password changed")
is_(o2a.get("/admin/").status, 200, "the session that changed it stays logged in")
isnt(o2a.cookie("tucai_admin"), old_cookie, "with a new session id")
r = o2b.get("/admin/")
is_(r.status, 303, "the user's other session is logged out")
like(r.location or "", "/admin/login", "an old cookie gets the login page")
stale = Client()
stale.set_cookie("tucai_admin", old_cookie, "/admin")
is_(stale.get("/admin/").status, 303, "the cookie before the change is worth nothing")
login(o2, "Own-new-pass-3")

# Logout.
tmpc = login(staff_u)
tmpc.get("/admin/")
r = tmpc.post("/admin/logout", {"csrf": tmpc.csrf()})
is_(r.status, 303, "logout")
ok(audits("action = 'logout' AND actor = '%s'" % staff_u), "logout recorded")

# ------------------------------------------------------------ the page, in Chinese

r, rows = page_rows(op)
is_(r.status, 200, "operator's /admin/audit")
english = [x["code"] for x in rows if not re.search(r"[\u4e00-\u9fff]", x["action"]) or "其他操作" in x["action"]]
is_(english, [], "no action shown as an English code")
ok(all(re.search(r"[\u4e00-\u9fff]", x["entity"]) for x in rows), "every entity in Chinese")
ok(all(not re.fullmatch(r"[a-z_]+", x["field"]) for x in rows), "no field shown as an English code")
like(r.text, "<th>任务</th>", "a task column")
for kw in ("任务", "操作人", "开始日期", "结束日期", "筛选"):
    like(r.text, kw, "filter form: " + kw)

r, rows = page_rows(op, {"task": tid})
ok(rows, "task filter: rows")
ok(all(x["task"] == tcode for x in rows), "task filter: every row is about that task")
for code, desc, want in (
        ("checkin", "check-in", {"actor": staff_u, "field": "状态", "before": "已预约", "after": "已签到",
                                 "reason": "拍摄号"}),
        ("walkin", "walk-in", {"actor": staff_u, "after": "已签到", "entity": "预约"}),
        ("photo", "photo", {"before": "已签到", "after": "已采集"}),
        ("retake", "retake", {"field": "照片"}),
        ("pay_onsite", "on-site fee", {"after": "现金 40.00 元"}),
        ("idcard_view", "ID-card view", {"entity": "学生 #%s" % sids[0]}),
        ("export", "export", {"actor": teach_u, "field": "导出文件", "after": "学生名单.csv"}),
        ("photos_zip", "photos.zip", {"actor": op_u}),
        ("roster_import", "roster import", {"after": "新增 1，更新 1"}),
        ("roster_update", "re-import", {"field": "姓名", "before": "审丙", "after": "审丙改"}),
        ("correct", "correction", {"field": "姓名", "before": "审丙改", "after": "审丙正", "reason": "核对身份证"}),
        ("slot_add", "CLI slots", {"actor": "tucai-cli", "field": "时段"}),
        ("task_add", "CLI task", {"actor": "tucai-cli", "field": "任务代码", "after": tcode})):
    check_shown(rows, code, desc, **want)
ok(not any(x["code"] == "login" for x in rows), "task filter: no logins")

r, rows = page_rows(op, {"task": wid})
for code, desc, want in (
        ("task_save", "task edit", {"field": "费用（元）", "before": "35.50", "after": "40.00"}),
        ("slot_capacity", "capacity", {"field": "人数", "before": "3", "after": "5"}),
        ("slot_delete", "slot deletion", {"field": "时段", "before": "09:00–10:00"}),
        ("slot_add", "web slots", {"actor": op_u}),
        ("task_close", "close", {"after": "强制结束", "reason": "审计测试提前结束"})):
    check_shown(rows, code, desc, **want)

r, rows = page_rows(op, {"user": staff_u})
ok(rows and all(x["actor"] == staff_u for x in rows), "user filter: only that user's rows (%d)" % len(rows))
ok(shown(rows, "checkin") and shown(rows, "login") and shown(rows, "logout"), "user filter: the staff's day")
r, rows = page_rows(op, {"user": nu})
ok(shown(rows, "user_role", before="现场工作人员", after="学校负责老师") is None,
   "the user filter is by actor: changes made to a user are the operator's")
r, rows = page_rows(op, {"user": op_u})
check_shown(rows, "user_role", "role change", before="现场工作人员", after="学校负责老师")
check_shown(rows, "user_password", "password reset", field="密码")
check_shown(rows, "user_disable", "disable", before="否", after="是")
check_shown(rows, "user_add", "web user create", after="现场工作人员")
check_shown(rows, "reconcile", "reconcile", after="核对")
check_shown(rows, "login", "login", field="登录地址", after="127.0.0.1")
r, rows = page_rows(op, {"user": ghost})
x = check_shown(rows, "login_fail", "failed login", reason="用户名不存在")
ok(x and secret not in r.text, "the failed login's page shows no password")

today = shanghai()
tomorrow = shanghai(1)
r, rows = page_rows(op, {"task": tid, "from": today, "to": today})
ok(shown(rows, "checkin"), "date filter (today..today): today's check-in")
r, rows = page_rows(op, {"task": tid, "from": tomorrow})
is_(len(rows), 0, "date filter from tomorrow: nothing yet")
r, rows = page_rows(op, {"task": tid, "to": shanghai(-1)})
is_(len(rows), 0, "date filter up to yesterday: nothing")
is_(op.get("/admin/audit", {"from": "2025-13-40"}).status, 422, "a bad date: 422")

# Scope: the teacher of school A sees A's records only; B's teacher none of A's.
r, rows = page_rows(teacher)
ok(rows and all(x["school"] in ("测试大学" + sa,) for x in rows), "teacher A: only school A's records")
ok(not shown(rows, "login_fail", actor=ghost), "teacher A: no failed login of an unknown user")
ok(shown(rows, "login_fail", actor=teach_u), "teacher A: the failed login on their own account")
r, rows = page_rows(teacher_b, {"user": staff_u})
is_([x for x in rows if x["task"] == tcode], [], "teacher B: none of school A's")
is_(teacher_b.get("/admin/audit", {"task": tid}).status, 404, "teacher B: school A's task filter is 404")
is_(staff.get("/admin/audit").status, 403, "staff: no audit page")

# A masked ID number on the audit page, the full one only on the record page.
newid = idnum("44030419980303%03d" % (int(sa) % 300))
r = teacher.get("/admin/students/%s" % sids[2])
r = teacher.post("/admin/students/%s" % sids[2], {
    "name": "审丙正", "id_number": newid, "student_no": people[2]["no"], "class_name": "审计1班",
    "edu_category": "普通本科", "edu_level": "普通高校", "reason": "号码录错", "csrf": teacher.csrf(r.text)})
is_(r.status, 303, "ID number corrected")
r, rows = page_rows(teacher, {"task": tid})
x = check_shown(rows, "correct", "ID number correction", field="身份证号")
ok(x and x["after"] == newid[:3] + "*" * 11 + newid[-4:], "the audit page masks it")
unlike(r.text, newid, "the full number is not on the audit page")
like(teacher.get("/admin/students/%s" % sids[2]).text, newid, "the record page shows it to the teacher")
done()
