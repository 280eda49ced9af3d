#!/usr/bin/env python3
"""A task's photo size limit (学信网: ≤ 40 KB by default, configurable per
task): set by `tucai task add --photo-max-kb` and on the task form, within
20..500 KB, refused outside with a message."""
import adminlib
from tlib import cli, done, is_, like, shanghai, sql, unique

school = adminlib.school()
code = unique("PK")
rc, out, err = cli("task", "add", code, "--school", school, "--title", "照片规格", "--from",
                   shanghai(1), "--to", shanghai(3), "--fee", "40", "--photo-max-kb", "30")
is_(rc, 0, "task add --photo-max-kb 30")
is_(sql("SELECT photo_max_kb FROM task WHERE code = '%s'" % code), "30", "stored: 30 KB")
rc, out, err = cli("task", "add", unique("PK"), "--school", school, "--title", "x", "--from",
                   shanghai(1), "--to", shanghai(3), "--fee", "40", "--photo-max-kb", "5")
is_(rc, 1, "5 KB is refused (exit 1)")
like(err, "20 to 500", "with the range")
code2 = unique("PK")
rc, out, err = cli("task", "add", code2, "--school", school, "--title", "默认", "--from",
                   shanghai(1), "--to", shanghai(3), "--fee", "40")
is_(sql("SELECT photo_max_kb FROM task WHERE code = '%s'" % code2), "40", "default 40 KB")

op = adminlib.login(adminlib.user("operator"))
tid = sql("SELECT id FROM task WHERE code = '%s'" % code)
r = op.get("/admin/tasks/%s/edit" % tid)
is_(r.status, 200, "the task form")
like(r.text, 'name="photo_max_kb"[^>]*value="30"', "shows the limit")
sid = sql("SELECT school_id FROM task WHERE id = %s" % tid)
form = {"code": code, "school": sid, "title": "照片规格", "first_day": shanghai(1),
        "last_day": shanghai(3), "fee": "40", "notice": "须知", "is_open": "1",
        "photo_max_kb": "60", "csrf": op.csrf(r)}
r = op.post("/admin/tasks/%s/edit" % tid, form)
is_(r.status, 303, "saved")
is_(sql("SELECT photo_max_kb FROM task WHERE id = %s" % tid), "60", "now 60 KB")
r = op.get("/admin/tasks/%s/edit" % tid)
form.update(photo_max_kb="900", csrf=op.csrf(r))
r = op.post("/admin/tasks/%s/edit" % tid, form)
is_(r.status, 422, "900 KB: 422")
like(r.text, "照片大小上限应为 20 至 500 KB", "with the range")
is_(sql("SELECT photo_max_kb FROM task WHERE id = %s" % tid), "60", "unchanged")

done()
