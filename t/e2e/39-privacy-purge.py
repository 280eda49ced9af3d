#!/usr/bin/env python3
"""PIPL (issue 11, item 10): the separate consent to the ID-card photo, and
the purge of a closed task.

/idcard shows the notice (what, why, how long, who) and a consent box that
is not ticked; without the tick the upload is refused (422) and nothing is
stored; with it the photo is stored with a consent row (notice version,
time).  `tucai purge TASKCODE` refuses an open task, a task closed less than
Privacy.PurgeDays (30) ago and a task whose newest photo is not in a
whole-task photos.zip; then it removes the ID-card photos, masks the ID
numbers (students and audit values), keeps the diploma photos and the
students, and is audited.  `tucai sweep` purges a due task by itself and
leaves one whose photos.zip is missing.  The clock is moved (set_clock)."""
import os
import re
import subprocess
import zipfile
import io

import adminlib
from _student import enter_task, idcard, make_task, send_code
from tlib import (Client, cli, done, is_, like, ok, set_clock, sql, sql_rows,
                  tmpdir, unlike)

DAY = 86400
d = tmpdir()


def image(path, *draw):
    subprocess.run(["/usr/bin/convert"] + list(draw) + [path], check=True,
                   stderr=subprocess.DEVNULL)
    return path


face = image(os.path.join(d, "face.jpg"), "-size", "600x800", "xc:#f2f2f2", "-fill", "#333",
             "-draw", "ellipse 300,350 140,180 0,360", "-quality", "90")



def to_idcard(task, student):
    """A student client at /idcard (task code, 采集码, confirm)."""
    c = Client()
    enter_task(c, task["code"])
    send_code(c, student["code"])
    c.get("/confirm")
    r = c.post("/confirm", {"csrf": c.csrf()})
    if (r.status, r.location) != (303, "/idcard"):
        ok(False, "confirm -> /idcard (%s %s)" % (r.status, r.location))
    return c


def idcards(task):
    return int(sql("SELECT COUNT(*) FROM idcard i JOIN student s ON s.id = i.student_id "
                   "WHERE s.task_id = %d" % task["id"]))


def consent_upload(task, student):
    c = to_idcard(task, student)
    c.get("/idcard")
    r = c.post("/idcard", {"csrf": c.csrf(), "consent": "1"},
               files={"id_image": idcard(student["idn"])})
    return r


staff = adminlib.user("staff")
operator = adminlib.user("operator")
st = adminlib.login(staff)
st.get("/admin/site")
stok = st.csrf()


def collect(task, student):
    """Walk-in at the station and a diploma photo: collected."""
    r = st.post("/admin/site/walkin", {"collect_code": student["code"], "method": "unpaid",
                                       "csrf": stok})
    m = re.search(r"/admin/site/students/(\d+)", r.location or "")
    if not m:
        ok(False, "walk-in of %s (%s)" % (student["code"], r.status))
        return None
    r = st.post("/admin/site/students/%s/photo" % m.group(1), {"csrf": stok},
                files={"photo": face})
    is_(r.status, 303, "diploma photo uploaded at the station")
    return m.group(1)


# ---------------------------------------------------------------- consent
T = make_task(students=3, fee="0", days=(0, 1), require_id=True)
A, B, C = T["students"]
card = idcard(A["idn"])
k = to_idcard(T, A)
r = k.get("/idcard")
is_(r.status, 200, "/idcard page")
for what in ("身份证照片收集告知书", "收集什么", "为什么收集", "保存多久", "谁能看到",
             "敏感个人信息", "满 30 天", "现场预约"):
    like(r.text, what, "the notice says: " + what)
m = re.search(r'<input[^>]*name="consent"[^>]*>', r.text)
ok(m is not None, "a consent checkbox")
ok(m is not None and "checked" not in m.group(0), "the consent box is not ticked in advance")
ok(m is not None and "required" in m.group(0), "the consent box is required by the form")
mv = re.search(r"告知书版本：([^<\s]+)", r.text)
ok(mv is not None, "the notice shows its version")
version = mv.group(1) if mv else "?"

r = k.post("/idcard", {"csrf": k.csrf()}, files={"id_image": card})
is_(r.status, 422, "an ID photo without consent -> 422")
like(r.text, "勾选同意", "the Chinese message asks for the consent")
is_(idcards(T), 0, "without consent nothing is stored")
is_(sql("SELECT COUNT(*) FROM idcard_consent WHERE task_id = %d" % T["id"]), "0",
    "no consent recorded")
r = k.post("/idcard", {"csrf": k.csrf(), "consent": "0"}, files={"id_image": card})
ok(r.status in (400, 422), "consent=0 is no consent (%d)" % r.status)
is_(idcards(T), 0, "still nothing stored")
r = k.get("/slots")
is_((r.status, r.location), (303, "/idcard"), "no step skipped: /slots -> /idcard")

k.get("/idcard")
r = k.post("/idcard", {"csrf": k.csrf(), "consent": "1"}, files={"id_image": card})
is_((r.status, r.location), (303, "/slots"), "with consent -> /slots")
is_(idcards(T), 1, "the ID photo is stored")
rows = sql_rows("SELECT c.notice_version, TIMESTAMPDIFF(SECOND, c.given_at, UTC_TIMESTAMP()) "
                "BETWEEN -5 AND 120, i.consent_id = c.id, c.student_id = i.student_id "
                "FROM idcard_consent c JOIN idcard i ON i.consent_id = c.id "
                "WHERE c.task_id = %d" % T["id"])
is_(rows, [[version, "1", "1", "1"]],
    "consent recorded with the notice's version (%s), its time, the student and task" % version)
r = consent_upload(T, B)
is_((r.status, r.location), (303, "/slots"), "a second student consents and uploads")

# ---------------------------------------------------------------- photos, export, close
sa = collect(T, A)
sb = collect(T, B)
op = adminlib.login(operator)
r = op.get("/admin/tasks/%d/photos.zip" % T["id"])
is_(r.status, 200, "the operator exports photos.zip")
is_(sql("SELECT COUNT(*) FROM photo_export WHERE task_id = %d" % T["id"]), "1",
    "the export is recorded")
# A retake after the export: the archive no longer holds the newest photo.
r = st.post("/admin/site/students/%s/photo" % sa, {"csrf": stok}, files={"photo": face})
is_(r.status, 303, "a retake after the export")

rc, out, err = cli("purge", T["code"])
is_(rc, 1, "purge of an open task: refused")
like(err, "尚未结束", "says the task is not closed")
rc, out, err = cli("task", "close", T["code"], "--force", "--reason", "e2e 39 privacy")
is_(rc, 0, "task closed early (--force)")
rc, out, err = cli("purge", T["code"])
is_(rc, 1, "purge the day of the close: refused")
like(err, "未满 30 天", "says: closed less than 30 days ago")
is_(idcards(T), 2, "ID photos still there")

# Two more tasks for the sweep: S exported after its last photo, W never.
S = make_task(students=1, fee="0", days=(0, 1), require_id=True)
W = make_task(students=1, fee="0", days=(0, 1), require_id=True)
for t in (S, W):
    r = consent_upload(t, t["students"][0])
    is_((r.status, r.location), (303, "/slots"), "task %s: consent and ID photo" % t["code"])
    collect(t, t["students"][0])
is_(op.get("/admin/tasks/%d/photos.zip" % S["id"]).status, 200, "S: photos.zip exported")
for t in (S, W):
    is_(cli("task", "close", t["code"], "--force", "--reason", "e2e 39 sweep")[0], 0,
        "task %s closed" % t["code"])

# A correction of B's ID number leaves the full numbers in the audit trail.
real_b = sql("SELECT id_number FROM student WHERE task_id = %d AND collect_code = '%s'"
             % (T["id"], B["code"]))
new_b = adminlib.idnum(777)
with open(os.path.join(d, "fix.csv"), "w", encoding="utf-8") as f:
    f.write("采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n%s,%s,%s,S%08d,普通本科,普通高校,工商管理2班\n"
            % (B["code"], B["name"], new_b, 1))
rc, out, err = cli("roster", "import", T["code"], os.path.join(d, "fix.csv"))
is_(rc, 0, "roster re-import corrects B's ID number (audited)")
ok(int(sql("SELECT COUNT(*) FROM audit a JOIN student s ON s.id = a.entity_id "
           "WHERE a.entity = 'student' AND a.field = 'id_number' AND s.task_id = %d "
           "AND a.after_val = '%s'" % (T["id"], new_b))) == 1,
   "the audit holds the full number before the purge")

# ---------------------------------------------------------------- 31 days later
set_clock(31 * DAY)
rc, out, err = cli("purge", T["code"])
is_(rc, 1, "31 days on, a photo newer than photos.zip: refused")
like(err, "尚未导出照片包", "says photos.zip must be exported first")
is_(idcards(T), 2, "ID photos still there")

op = adminlib.login(operator)
cls = sql("SELECT class_name FROM student WHERE task_id = %d LIMIT 1" % T["id"])
r = op.get("/admin/tasks/%d/photos.zip" % T["id"], {"class": cls})
is_(r.status, 200, "a one-class photos.zip")
is_(cli("purge", T["code"])[0], 1, "a one-class archive is not the whole task: still refused")
r = op.get("/admin/tasks/%d/photos.zip" % T["id"])
is_(r.status, 200, "the whole task's photos.zip again")
names = zipfile.ZipFile(io.BytesIO(r.body)).namelist() if r.status == 200 else []
ok(any(n.startswith(A["idn"]) for n in names), "the archive names the photos by ID number")

photos_before = sql("SELECT COUNT(*) FROM photo p JOIN student s ON s.id = p.student_id "
                    "WHERE s.task_id = %d" % T["id"])
# A WeChat user's hash on the task's bookings (schema/014): the purge
# clears it, so that nobody finds a purged task's booking by openid.
sql("UPDATE booking SET wx_openid = UNHEX(SHA2('purge-test', 256)) "
    "WHERE task_id = %d" % T["id"])
openids = sql("SELECT COUNT(*) FROM booking WHERE task_id = %d AND wx_openid IS NOT NULL"
              % T["id"])
rc, out, err = cli("purge", T["code"])
is_(rc, 0, "purge after the export: done")
ok(openids not in (None, "0"), "the task's bookings had a WeChat user's hash before")
is_(sql("SELECT COUNT(*) FROM booking WHERE task_id = %d AND wx_openid IS NOT NULL"
        % T["id"]), "0", "the purge cleared the WeChat users' hashes")
like(out, r"2 ID-card photos removed, 3 ID numbers masked", "counts printed")
is_(idcards(T), 0, "the ID-card photos are gone")
rows = sql_rows("SELECT collect_code, id_number, name, student_no FROM student "
                "WHERE task_id = %d ORDER BY id" % T["id"])
is_(len(rows), 3, "the students (the index) are kept")
for row, s in zip(rows, T["students"]):
    real = new_b if s is B else s["idn"]
    is_(row[1], real[:3] + "*" * 11 + real[-4:],
        "%s: ID number masked (first 3, last 4)" % s["code"])
    is_(row[2], s["name"], "%s: name kept" % s["code"])
is_(sql("SELECT COUNT(*) FROM photo p JOIN student s ON s.id = p.student_id "
        "WHERE s.task_id = %d" % T["id"]), photos_before, "the diploma photos are kept")
is_(sql("SELECT COUNT(*) FROM idcard_consent WHERE task_id = %d" % T["id"]), "2",
    "the consent records are kept")
audit = sql_rows("SELECT actor, after_val FROM audit WHERE action = 'purge' AND entity = 'task' "
                 "AND entity_id = %d" % T["id"])
is_(len(audit), 1, "the purge is audited once")
ok(audit and audit[0][0] == "tucai-cli" and "idcards=2" in audit[0][1]
   and "masked=3" in audit[0][1], "by tucai-cli, with the counts (%s)" % (audit and audit[0][1]))
left = sql("SELECT COUNT(*) FROM audit a JOIN student s ON s.id = a.entity_id "
           "WHERE a.entity = 'student' AND a.field = 'id_number' AND s.task_id = %d "
           "AND (a.after_val NOT LIKE '%%*%%' OR a.before_val NOT LIKE '%%*%%')" % T["id"])
is_(left, "0", "no full ID number left in the task's audit values")
unlike(sql("SELECT GROUP_CONCAT(CONCAT_WS(',', before_val, after_val)) FROM audit"),
       re.escape(real_b), "B's old number appears nowhere in the audit")
ok(sql("SELECT purged_at IS NOT NULL FROM task WHERE id = %d" % T["id"]) == "1",
   "the task is marked purged")
rc, out, err = cli("purge", T["code"])
is_(rc, 0, "purge again: nothing to do")
like(out, "nothing to do", "says so")
is_(sql("SELECT COUNT(*) FROM audit WHERE action = 'purge' AND entity_id = %d" % T["id"]), "1",
    "not audited twice")
# The students' records stay usable.
r = op.get("/admin/tasks/%d/photos.zip" % T["id"])
is_(r.status, 200, "photos.zip still answers after the purge")

# ---------------------------------------------------------------- sweep
top = sql("SELECT MAX(id) FROM audit")
kept = sql("SELECT COUNT(*) FROM audit WHERE id <= %s" % top)
rc, out, err = cli("sweep")
is_(rc, 0, "tucai sweep")
like(out, r"purged \d+ closed tasks", "sweep reports the purge")
is_(idcards(S), 0, "sweep purged the due, exported task")
like(sql("SELECT id_number FROM student WHERE task_id = %d" % S["id"]), r"^\d{3}\*{11}[\dX]{4}$",
     "its ID number masked")
is_(sql("SELECT actor FROM audit WHERE action = 'purge' AND entity_id = %d" % S["id"]),
    "tucai-sweep", "audited as tucai-sweep")
is_(idcards(W), 1, "the task without photos.zip is left alone")
like(err, "wait for their photos.zip", "sweep says a task waits for its photos.zip")
is_(sql("SELECT COUNT(*) FROM audit WHERE id <= %s" % top), kept,
    "the sweep deleted no audit row (kept 6 months and more: README Operations)")
ok(int(sql("SELECT COUNT(*) FROM audit WHERE action = 'task_close' AND entity_id = %d"
           % T["id"])) == 1, "the close of 31 days ago is still in the audit")

done()
