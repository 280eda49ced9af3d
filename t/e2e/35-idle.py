#!/usr/bin/env python3
"""Idle sessions end (QUALITY: "logout and idle timeout invalidate it"):
an admin session unused for 30 minutes (Session.IdleMinutes) sends the user
back to the login page; a student's lasts 30 days (Session.StudentDays)."""
import adminlib
from tlib import done, is_, like, sql
from _student import make_task, prepare

op = adminlib.login(adminlib.user("operator"))
is_(op.get("/admin/").status, 200, "logged in")
sql("UPDATE session SET seen_at = UTC_TIMESTAMP() - INTERVAL 29 MINUTE "
    "WHERE kind = 2 AND user_id = (SELECT MAX(id) FROM user)")
is_(op.get("/admin/").status, 200, "29 idle minutes: still logged in")
sql("UPDATE session SET seen_at = UTC_TIMESTAMP() - INTERVAL 31 MINUTE "
    "WHERE kind = 2 AND user_id = (SELECT MAX(id) FROM user)")
r = op.get("/admin/")
is_(r.status, 303, "31 idle minutes: the session is over")
like(r.location or "", "/admin/login$", "back to the login page")

task = make_task(students=1, days=(1,))
c = prepare(task, task["students"][0])
is_(c.last.status, 200, "a student at /slots")
sid = sql("SELECT id FROM student WHERE collect_code = '%s'" % task["students"][0]["code"])
sql("UPDATE session SET seen_at = UTC_TIMESTAMP() - INTERVAL 7 DAY "
    "WHERE kind = 1 AND student_id = %s" % sid)
r = c.get("/slots")
is_(r.status, 200, "7 idle days: the student is still at /slots")
sql("UPDATE session SET seen_at = UTC_TIMESTAMP() - INTERVAL 31 DAY "
    "WHERE kind = 1 AND student_id = %s" % sid)
r = c.get("/slots")
is_(r.status, 303, "31 idle days: the student starts over")

done()
