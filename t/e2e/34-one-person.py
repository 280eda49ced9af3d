#!/usr/bin/env python3
"""One person, one student of a task: an ID number appears once per task
(the photo export names files by it).  The roster import reports a repeat
by line, in the file or against the database; a correction to another
student's number is refused with the reason; another task may have it."""
import os

import adminlib
from tlib import cli, done, is_, like, ok, sql, tmpdir, unique

school = adminlib.school()
task, d0, d1 = adminlib.task(school)
task2, _, _ = adminlib.task(school)
tmp = tmpdir()
A, B, C, D = (unique("HXI") for _ in range(4))
p = os.path.join(tmp, "r1.csv")
with open(p, "w", encoding="utf-8") as f:
    f.write(adminlib.roster_csv([(A, "甲", adminlib.idnum(41), "I1", "一班"),
                                 (B, "乙", adminlib.idnum(42), "I2", "一班"),
                                 (C, "丙", adminlib.idnum(41), "I3", "一班")]))
rc, out, err = cli("roster", "import", task, p)
is_(rc, 0, "import with a repeated ID number in the file")
like(out, "imported 2, rejected 1", "the repeat is rejected: " + out.strip())
like(err, r"line 4: 身份证号重复（与第2行）", "by line, naming the first: " + err.strip())

p = os.path.join(tmp, "r2.csv")
with open(p, "w", encoding="utf-8") as f:
    f.write(adminlib.roster_csv([(D, "丁", adminlib.idnum(42), "I4", "二班")]))
rc, out, err = cli("roster", "import", task, p)
is_(rc, 0, "import of a new 采集码 with a number the task already has")
like(out, "imported 0, rejected 1", "rejected: " + out.strip())
like(err, "line 2: 身份证号与本任务已有学生重复", "with the reason")
rc, out, err = cli("roster", "import", task2, p)
like(out, "imported 1, rejected 0", "another task may have the same person")

op = adminlib.login(adminlib.user("operator"))
sid = sql("SELECT id FROM student WHERE collect_code = '%s'" % B)
r = op.get("/admin/students/%s" % sid)
r = op.post("/admin/students/%s" % sid, {"id_number": adminlib.idnum(41), "reason": "核对",
                                         "csrf": op.csrf(r)})
is_(r.status, 422, "correcting B to A's ID number: 422")
like(r.text, "身份证号与本任务其他学生重复", "with the reason")
is_(sql("SELECT id_number FROM student WHERE id = %s" % sid), adminlib.idnum(42), "B unchanged")
is_(sql("SELECT COUNT(*) FROM audit WHERE entity = 'student' AND entity_id = %s" % sid), "0",
    "and nothing audited")

done()
