#!/usr/bin/env python3
"""The guarded close-out (issue 10 item 2), on the instance's clock.

A task with five students: paid and booked, held and unpaid, paid and
checked in without a photo, paid and collected (photo taken, fee
captured), and one who never booked.  `tucai task close` inside the window
exits 1 with “采集期未结束（至 DATE），不能结束任务” and changes nothing;
--force needs --reason.  With the clock moved past the window, the
checked-in student blocks the close, listed by name and 拍摄号.  The
operator's confirmation page shows the counts and wants the task code
typed again; with “强制结束” and a reason it closes: each uncollected
booking cancelled once, each hold voided once at the bank, the collected
one captured once, and the close audited with its counts.  A close after
the window with nobody checked in needs no force; a forced close inside
the window is audited as forced."""
import os
import re
import subprocess

import adminlib
from tlib import (Client, cli, done, is_, like, ok, set_clock, shanghai, sql, sql_rows,
                  tmpdir, unlike)
from _student import book, make_task, pay_card as pay, portrait, prepare

DAY = 86400


def future_slot(t):
    return t["slots"][-1]


def states(tid):
    return dict(sql_rows("SELECT state, COUNT(*) FROM booking WHERE task_id = %d GROUP BY state" % tid))


def bank_kinds(tid, kind):
    """Ledger rows of kind per booking of the task, as {booking id: n}."""
    return dict((int(a), int(b)) for a, b in sql_rows(
        "SELECT p.booking_id, COUNT(l.id) FROM payment p JOIN booking b ON b.id = p.booking_id "
        "JOIN bank_hold h ON h.order_ref = p.ref LEFT JOIN bank_ledger l ON l.hold_id = h.id "
        "AND l.kind = '%s' WHERE b.task_id = %d GROUP BY p.booking_id" % (kind, tid)))


# Days off and make-up working days of the State Council's 2026 notice
# (国办发明电〔2025〕7号), written out here as the test's own oracle.
OFF_2026 = {"2026-01-01", "2026-01-02", "2026-01-03"} | \
    {"2026-02-%02d" % d for d in range(15, 24)} | {"2026-04-04", "2026-04-05", "2026-04-06"} | \
    {"2026-05-%02d" % d for d in range(1, 6)} | {"2026-06-19", "2026-06-20", "2026-06-21"} | \
    {"2026-09-25", "2026-09-26", "2026-09-27"} | {"2026-10-%02d" % d for d in range(1, 8)}
WORK_2026 = {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}


def refund_date(day, n=3):
    """n working days after day (YYYY-MM-DD), weekends only outside 2026."""
    import datetime
    d = datetime.date.fromisoformat(day)
    while n > 0:
        d += datetime.timedelta(days=1)
        s = d.isoformat()
        if s in WORK_2026 or (d.weekday() < 5 and s not in OFF_2026):
            n -= 1
    return d.isoformat()


# ---------------------------------------------------------------- set-up

T = make_task(students=5, capacity=10, fee="40", days=(0, 1))
S = T["students"]
last_day = shanghai(2)
people = [prepare(T, s) for s in S[:4]]
for i, c in enumerate(people):
    is_(book(c, future_slot(T)).status, 303, "student %d booked a seat" % i)
for i in (0, 2, 3):
    ok(pay(people[i]), "student %d paid (hold frozen)" % i)
is_(states(T["id"]), {"booked": "3", "held": "1"}, "3 booked and paid, 1 held unpaid")

staff = adminlib.user("staff")
st = adminlib.login(staff)
st.get("/admin/site")
tok = st.csrf()
bid = {}
for i in (2, 3):
    bid[i] = int(sql("SELECT b.id FROM booking b JOIN student s ON s.id = b.student_id "
                     "WHERE s.collect_code = '%s' AND b.active_student IS NOT NULL" % S[i]["code"]))
    token = sql("SELECT token FROM booking WHERE id = %d" % bid[i])
    r = st.post("/admin/site/scan", {"code": token, "csrf": tok})
    is_(r.status, 303, "student %d checked in at the station" % i)
    if i == 3:
        url = re.sub(r"\?.*", "", r.location or "")
        r = st.post(url + "/photo", {"csrf": tok},
                    files={"photo": portrait(os.path.join(tmpdir(), "p.jpg"))})
        is_(r.status, 303, "student 3's photo uploaded")
shot2 = sql("SELECT shot_no FROM booking WHERE id = %d" % bid[2])
is_(sql("SELECT state FROM booking WHERE id = %d" % bid[3]), "collected", "student 3 collected")
before = states(T["id"])

# ---------------------------------------------------------------- the clock
# Outside test mode a moved clock is refused: the same configuration
# without its Test block, and TUCAI_NOW set.
import tlib
with open(tlib.CONF, encoding="utf-8") as f:
    conf = re.sub(r"\nTest \{.*?\n\}\n", "\n", f.read(), flags=re.S)
prod = os.path.join(tmpdir(), "prod.hdf")
with open(prod, "w", encoding="utf-8") as f:
    f.write(conf)
binary = os.path.join(tlib.VAR, "build", "tucai")
p = subprocess.run([binary, "sweep"], env=dict(os.environ, TUCAI_CONF=prod, TUCAI_NOW="+86400"),
                   capture_output=True, text=True)
is_(p.returncode, 1, "production configuration + TUCAI_NOW: refused (exit 1)")
like(p.stderr, "Test.Enabled", "and told why")
p = subprocess.run([binary, "sweep"], env=dict(os.environ, TUCAI_CONF=prod, TUCAI_NOW=""),
                   capture_output=True, text=True)
is_(p.returncode, 0, "the same configuration on the system clock runs")

# ---------------------------------------------------------------- inside the window

rc, out, err = cli("task", "close", T["code"])
is_(rc, 1, "close inside the window: exit 1")
like(err, "采集期未结束（至 %s），不能结束任务" % last_day, "it says until when the window runs")
is_(states(T["id"]), before, "nothing changed")
is_(sql("SELECT is_open FROM task WHERE id = %d" % T["id"]), "1", "the task is still open")
rc, out, err = cli("task", "close", T["code"], "--force")
is_(rc, 1, "--force without --reason: exit 1")
like(err, "--reason", "it asks for the reason")
is_(states(T["id"]), before, "still nothing changed")

# ---------------------------------------------------------------- after the window

# A second task, nobody checked in: closes after its window without force.
T2 = make_task(students=2, capacity=5, fee="40", days=(1,))
c2 = prepare(T2, T2["students"][0])
book(c2, T2["slots"][0])
ok(pay(c2), "task 2: a student booked and paid")
# A third, to be closed early on purpose.
T3 = make_task(students=1, capacity=5, fee="40", days=(1,))
c3 = prepare(T3, T3["students"][0])
book(c3, T3["slots"][0])

set_clock(3 * DAY)
rc, out, err = cli("task", "close", T["code"])
is_(rc, 1, "after the window, a checked-in student without photo blocks the close")
like(err, "%s（拍摄号 %s）" % (re.escape(S[2]["name"]), shot2), "listed by name and 拍摄号")
unlike(err, S[3]["name"], "the collected student is not listed")
is_(states(T["id"]), before, "nothing changed")

op = adminlib.user("operator")
a = adminlib.login(op)
r = a.get("/admin/tasks/%d" % T["id"])
like(r.text, 'href="/admin/tasks/%d/close"' % T["id"], "the task page links to the confirmation")
r = a.get("/admin/tasks/%d/close" % T["id"])
is_(r.status, 200, "GET the confirmation page")
text = re.sub(r"<[^>]+>", " ", r.text)
like(text, r"取消未采集订单\s+3 个", "3 bookings to cancel")
like(text, r"解冻预支付款项（3 个工作日内原路返回）\s+2 笔", "2 holds to release")
like(text, r"已采集（不受影响）\s+1 人", "1 collected")
like(r.text, re.escape(S[2]["name"]), "the checked-in student is named")
like(r.text, 'name="confirm_code"', "the task code must be typed")
tok = a.csrf(r)
r = a.post("/admin/tasks/%d/close" % T["id"], {"csrf": tok, "confirm_code": "WRONG1"})
is_(r.status, 422, "a wrong task code: 422")
like(r.text, "请输入本任务的任务代码以确认", "with the message")
r = a.post("/admin/tasks/%d/close" % T["id"], {"csrf": tok, "confirm_code": T["code"]})
is_(r.status, 409, "the right code, but a checked-in student and no force: 409")
is_(states(T["id"]), before, "nothing changed by the refused posts")
r = a.post("/admin/tasks/%d/close" % T["id"], {"csrf": tok, "confirm_code": T["code"],
                                               "force": "1", "reason": "学生已离校，现场确认不再拍摄"})
is_(r.status, 303, "forced, with a reason: 303")
like(r.location or "", r"done=closed&n=3&v=2&k=0", "counts: 3 cancelled, 2 released, 0 captured now")
is_(states(T["id"]), {"cancelled": "3", "collected": "1"}, "3 cancelled, the collected one untouched")
is_(sql("SELECT SUM(booked) FROM slot WHERE task_id = %d" % T["id"]), "1", "only the collected seat stays taken")
voids = bank_kinds(T["id"], "void")
caps = bank_kinds(T["id"], "capture")
is_(sorted(voids.values()), [0, 1, 1], "each released hold voided once at the bank, the collected one not")
is_(caps.get(bid[3]), 1, "the collected booking captured once")
is_(sum(caps.values()), 1, "nothing else captured")
au = sql_rows("SELECT action, after_val, reason FROM audit WHERE entity = 'task' AND entity_id = %d "
              "AND action = 'task_close'" % T["id"])
is_(len(au), 1, "the close is audited once")
like(au[0][1] if au else "", r"取消 3，解冻 2，扣款 0，已采集 1，强制结束",
     "with its counts, as forced")
like(au[0][2] if au else "", "学生已离校", "and the reason")
rc, out, err = cli("task", "close", T["code"])
is_(rc, 0, "closing again: exit 0 (nothing blocks a closed task)")
like(out, r"0 cancelled, 0 holds released, 0 captured", "and nothing happens twice")
is_(sorted(bank_kinds(T["id"], "void").values()), [0, 1, 1], "still one void per hold")
closed_on = shanghai()
refund = refund_date(closed_on)
like(people[0].get("/booking").text, "已取消，冻结款项将于 %s 前原路返回" % refund,
     "student 0's booking: cancelled, refund by %s (3 working days after %s)" % (refund, closed_on))
like(people[0].get("/records").text, "冻结款项将于 %s 前原路返回" % refund, "the same on /records")

rc, out, err = cli("task", "close", T2["code"])
is_(rc, 0, "task 2 after its window: closes without force")
like(out, r"1 cancelled, 1 holds released", "its booking cancelled, its hold released")
set_clock(0)

# The refund date across National Day 2026: cancelled on Wednesday 30
# September; 1-7 October are off, Saturday 10 October is a working day.
import calendar
target = calendar.timegm((2026, 9, 30, 2, 0, 0)) # 10:00 in China
set_clock(target - int(__import__("time").time()))
T4 = make_task(students=1, capacity=5, fee="40", days=(1,))
c4 = prepare(T4, T4["students"][0])
book(c4, T4["slots"][0])
ok(pay(c4), "National Day: a student booked and paid on 2026-09-30")
c4.get("/booking")
r = c4.post("/booking/cancel", {"csrf": c4.csrf()})
is_(r.status, 303, "and cancelled the same day")
like(c4.get("/booking").text, "已取消，冻结款项将于 2026-10-10 前原路返回",
     "refund by 2026-10-10: 8 and 9 October, then the make-up Saturday")
set_clock(0)

rc, out, err = cli("task", "close", T3["code"], "--force", "--reason", "任务建错，重新发布")
is_(rc, 0, "task 3 closed inside its window with --force --reason")
like(sql("SELECT after_val FROM audit WHERE entity = 'task' AND entity_id = %d AND action = 'task_close'"
         % T3["id"]) or "", "强制结束", "audited as forced (强制结束)")
is_(sql("SELECT reason FROM audit WHERE entity = 'task' AND entity_id = %d AND action = 'task_close'"
        % T3["id"]), "任务建错，重新发布", "with its reason")
done()
