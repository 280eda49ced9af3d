#!/usr/bin/env python3
"""Seats and money on the student side (QUALITY "Booking and money";
issue 3 items 6-8): 200 concurrent bookings on a 10-seat slot, one booking
per student across two tabs, cancel exactly once, atomic change of slot,
paying through the sandbox bank, the sweep expiring an unpaid hold, and
`tucai task close` run twice."""
import re
import threading
import time
import urllib.parse

from tlib import Client, cli, diag, done, is_, like, ok, set_clock
from _student import book, make_task, prepare, sql


def active_count(task_id, slot_id=None):
    q = ("SELECT COUNT(*) FROM booking WHERE task_id = %d AND state IN "
         "('held','booked','checked_in','collected')" % task_id)
    if slot_id:
        q += " AND slot_id = %d" % slot_id
    return int(sql(q))


def booked(slot_id):
    return int(sql("SELECT booked FROM slot WHERE id = %d" % slot_id))


# --- 200 students, one 10-seat slot, all at once ---------------------------------
N = 200
C = make_task(students=N, capacity=10, days=(1,), hours=("08:00", "09:00"))
slot = C["slots"][0]
clients = [None] * N


def prep(i):
    clients[i] = prepare(C, C["students"][i])


# Prepared in a few threads (each its own session and address).
for start in range(0, N, 20):
    th = [threading.Thread(target=prep, args=(i,)) for i in range(start, min(N, start + 20))]
    [t.start() for t in th]
    [t.join() for t in th]
ready = sum(1 for k in clients if k and k.last and k.last.status == 200 and "slot_id" in k.last.text)
is_(ready, N, "%d students prepared through task -> 采集码 -> confirm" % N)
results = [None] * N
go = threading.Barrier(N)


def fire(i):
    k = clients[i]
    tok = k.csrf()
    go.wait()
    try:
        results[i] = k.post("/slots", {"csrf": tok, "slot_id": str(slot), "agree": "1"}).status
    except Exception as e:  # a refused connection counts as a failure
        results[i] = str(e)


th = [threading.Thread(target=fire, args=(i,)) for i in range(N)]
[t.start() for t in th]
[t.join() for t in th]
is_(results.count(303), 10, "exactly 10 of %d concurrent bookings succeed" % N)
is_(results.count(409), N - 10, "the other %d get 409" % (N - 10))
if results.count(303) + results.count(409) != N:
    diag("other outcomes: %r" % sorted(set(str(x) for x in results)))
is_(booked(slot), 10, "slot.booked = 10")
is_(active_count(C["id"], slot), 10, "10 active bookings on it")

# --- two tabs of one student -> one booking -------------------------------------------
T = make_task(students=4, capacity=5, days=(1, 2), hours=("08:00", "10:00"))
s1, s2, s3 = T["slots"][0], T["slots"][1], T["slots"][2]
tab1 = prepare(T, T["students"][0])
tab2 = Client(source=tab1.source)
tab2.cookies = tab1.cookies       # the same browser: one cookie jar
tok = tab1.csrf()
out = [None, None]
bar = threading.Barrier(2)


def tab(i, k, s):
    bar.wait()
    out[i] = k.post("/slots", {"csrf": tok, "slot_id": str(s), "agree": "1"}).status


a = threading.Thread(target=tab, args=(0, tab1, s1))
b = threading.Thread(target=tab, args=(1, tab2, s1))
a.start(); b.start(); a.join(); b.join()
ok(303 in out, "two tabs: one of them books (%r)" % out)
is_(active_count(T["id"]), 1, "two tabs: one booking")
is_(booked(s1), 1, "two tabs: one seat")
r = tab1.get("/slots")
r = book(tab1, s1)
is_(active_count(T["id"]), 1, "the same slot again: still one booking")
is_(booked(s1), 1, "and one seat")

# --- change of slot: atomic -----------------------------------------------------------------
r = tab1.get("/slots")
like(r.text, "当前预约", "/slots with a booking offers a change")
r = book(tab1, s2)
is_(r.status, 200, "change of slot: first a confirmation page")
like(r.text, "确认更改预约时间", "it asks")
like(r.text, r'name="confirm" value="1"', "a plain form, no script needed")
is_((booked(s1), booked(s2)), (1, 0), "nothing moved yet")
r = tab1.post("/slots", {"csrf": tab1.csrf(r), "slot_id": str(s2), "agree": "1", "confirm": "1"})
is_((r.status, r.location), (303, "/pay"), "confirmed: change of slot -> /pay (still unpaid)")
is_((booked(s1), booked(s2)), (0, 1), "seat moved: old given back, new taken")
sql("UPDATE slot SET booked = capacity WHERE id = %d" % s3)   # s3 full
tab1.get("/slots")
r = tab1.post("/slots", {"csrf": tab1.csrf(), "slot_id": str(s3), "agree": "1", "confirm": "1"})
is_(r.status, 409, "change to a full slot -> 409")
like(r.text, "该时段已约满", "full: message")
is_(sql("SELECT slot_id FROM booking WHERE task_id = %d AND state = 'held'" % T["id"]), str(s2),
    "the booking stays on its slot")
is_(booked(s2), 1, "its seat is kept")
sql("UPDATE slot SET booked = 0 WHERE id = %d" % s3)

# --- cancel twice -> seat back once ---------------------------------------------------------------
r = tab1.get("/booking")
like(r.text, r'<form method="get" action="/booking/cancel"', "the booking page leads to a confirmation, not straight to a cancel")
r = tab1.get("/booking/cancel")
is_(r.status, 200, "GET /booking/cancel: are you sure?")
like(r.text, "确认取消预约", "it asks")
is_(booked(s2), 1, "asking changes nothing")
tok = tab1.csrf(r)
outs = [None, None]


def cancel(i):
    bar.wait()
    outs[i] = tab1.post("/booking/cancel", {"csrf": tok}).status


a = threading.Thread(target=cancel, args=(0,))
b = threading.Thread(target=cancel, args=(1,))
a.start(); b.start(); a.join(); b.join()
is_(outs, [303, 303], "cancel twice at once: 303 both")
r = tab1.post("/booking/cancel", {"csrf": tok})
is_(r.status, 303, "cancel a third time: 303, nothing to do")
is_(booked(s2), 0, "the seat is given back once")
is_(sql("SELECT state FROM booking WHERE task_id = %d ORDER BY id DESC LIMIT 1" % T["id"]), "cancelled",
    "booking cancelled")
is_(sql("SELECT MIN(booked) FROM slot WHERE task_id = %d" % T["id"]), "0", "no seat count below zero")
r = tab1.get("/booking")
like(r.text, "已取消", "booking page: cancelled")
r = tab1.post("/booking/cancel", {})
is_(r.status, 403, "cancel without csrf -> 403")

# --- paying through the sandbox bank -------------------------------------------------------------
def pay_with(k, card):
    k.get("/pay")
    r = k.post("/pay", {"csrf": k.csrf()})
    if r.status != 303 or "/bank/" not in (r.location or ""):
        return r
    page = k.get(r.location)
    m = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    if not m:
        return page
    act = m.group(1).replace("&amp;", "&")
    r = k.post(urllib.parse.urljoin(r.location, act), {"csrf": k.csrf(), "card_no": card})
    for _ in range(20):
        r = k.get("/pay/return")
        if r.status == 303 or "正在确认" not in r.text:
            return r
        time.sleep(0.25)
    return r


p1 = prepare(T, T["students"][1])
book(p1, s1)
r = pay_with(p1, "6222020000000000002")
is_(r.status, 200, "card ...0002: /pay/return shows the failure")
like(r.text, "银行卡绑定失败", "card ...0002: 银行卡绑定失败")
like(r.text, "现场预约", "failure page offers on-site booking")
is_(sql("SELECT state FROM booking WHERE task_id = %d AND state IN ('held','booked')" % T["id"]), "held",
    "failed payment: booking still held")
r = pay_with(p1, "6222020000000000001")
is_((r.status, r.location), (303, "/booking"), "card ...0001: -> /booking")
is_(sql("SELECT state FROM booking WHERE task_id = %d AND state IN ('held','booked')" % T["id"]), "booked",
    "paid: booking booked")
r = p1.get("/booking")
like(r.text, "预约成功", "booking page: 预约成功")
like(r.text, "已冻结", "amount frozen shown")
r = p1.get("/pay/return")
is_((r.status, r.location), (303, "/booking"), "/pay/return again changes nothing, -> /booking")

# --- the sweep expires an unpaid hold --------------------------------------------------------------
p2 = prepare(T, T["students"][2])
book(p2, s3)
before = booked(s3)
sql("UPDATE booking SET hold_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE "
    "WHERE task_id = %d AND state = 'held'" % T["id"])
rc, out, err = cli("sweep")
is_(rc, 0, "tucai sweep")
like(out, r"expired [1-9]", "sweep reports the expiry")
is_(sql("SELECT state FROM booking WHERE task_id = %d ORDER BY id DESC LIMIT 1" % T["id"]), "expired",
    "the held booking expired")
is_(booked(s3), before - 1, "its seat is given back")
rc, out, err = cli("sweep")
is_(booked(s3), before - 1, "a second sweep gives nothing back again")
like(p2.get("/booking").text, "已过期", "booking page: expired")

# --- task close, twice ---------------------------------------------------------------------------------
p3 = prepare(T, T["students"][3])
book(p3, s3)                                   # held
rc, out, err = cli("task", "close", T["code"])
is_(rc, 1, "task close inside the window: refused")
set_clock(10 * 86400)                          # the window is over
rc, out, err = cli("task", "close", T["code"])
is_(rc, 0, "task close")
like(out, r"2 cancelled", "close: counts the booked and the held booking")
like(out, r"1 holds released", "close: one frozen hold released")
is_(active_count(T["id"]), 0, "no active booking left")
is_(sql("SELECT SUM(booked) FROM slot WHERE task_id = %d" % T["id"]), "0", "every seat given back")
is_(sql("SELECT is_open FROM task WHERE id = %d" % T["id"]), "0", "task closed")
is_(sql("SELECT p.state FROM payment p JOIN booking b ON b.id = p.booking_id WHERE b.task_id = %d "
        "AND p.state IN ('authorized','voided') ORDER BY p.id DESC LIMIT 1" % T["id"]), "voided",
    "the hold is voided")
rc, out, err = cli("task", "close", T["code"])
is_(rc, 0, "task close again")
like(out, r"0 cancelled, 0 holds released", "the second run changes nothing")
like(p1.get("/booking").text, r"已取消，冻结款项将于 \d{4}-\d\d-\d\d 前原路返回", "refund wording after close, with its date")
cli("task", "close", C["code"])
set_clock(0)
done()
