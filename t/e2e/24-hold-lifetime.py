#!/usr/bin/env python3
"""Holds that outlive nothing (issue 10 item 4), on the instance's clock.

A window of two weeks; two students book a seat on its day 12 and pay on
day 0.  The sandbox keeps a hold 7 days (Pay.HoldDays), so on day 6
`tucai sweep` asks both to confirm the pre-authorisation again
(“需重新授权”, with the deadline), on the home page and /booking.  A does:
a new hold is frozen and the old one released, once.  B does not: after
the deadline the booking becomes 到场支付, the old hold lapses, and the
station shows it and collects the fee on site.  A photo is released to the
student only when the fee is captured or recorded as collected on site."""
import os
import re

import adminlib
from tlib import cli, done, is_, like, ok, set_clock, sql, sql_rows, tmpdir, unlike
from _student import bank_kinds, book, make_task, pay_card, portrait, prepare

DAY = 86400
T = make_task(students=2, capacity=5, fee="40", days=(0, 12))
slot = T["slots"][-1]                                  # day 12
A, B = (prepare(T, s) for s in T["students"])
for name, c in (("A", A), ("B", B)):
    is_(book(c, slot).status, 303, "%s booked a seat on day 12" % name)
    ok(pay_card(c), "%s froze the fee on day 0" % name)
bid = dict((n, int(sql("SELECT b.id FROM booking b JOIN student s ON s.id = b.student_id "
                       "WHERE s.collect_code = '%s' AND b.active_student IS NOT NULL" % s["code"])))
           for n, s in zip("AB", T["students"]))
where = "b.id IN (%d, %d)" % (bid["A"], bid["B"])
old_ref = dict((n, sql("SELECT ref FROM payment WHERE booking_id = %d AND state = 'authorized'" % bid[n]))
               for n in "AB")

def asked():
    return [r[0] for r in sql_rows("SELECT reauth_by IS NOT NULL FROM booking b WHERE %s ORDER BY id" % where)]


rc, out, err = cli("sweep")
is_(asked(), ["0", "0"], "day 0: the hold reaches day 7, nobody is asked yet")

# ---------------------------------------------------------------- day 6
set_clock(6 * DAY)
rc, out, err = cli("sweep")
is_(rc, 0, "day 6: sweep")
like(out, r"asked [1-9]\d* students to confirm their hold again", "the sweep reports whom it asked")
is_(asked(), ["1", "1"], "both students are asked to confirm again")
deadline = sql("SELECT DATE_FORMAT(reauth_by + INTERVAL 8 HOUR, '%%Y-%%m-%%d %%H:%%i') FROM booking "
               "WHERE id = %d" % bid["A"])
ok(deadline, "a deadline is set (%s, the old hold's end)" % deadline)
r = A.get("/booking")
like(r.text, "需重新授权", "A's booking page: 需重新授权")
like(r.text, re.escape(deadline or "x") + " 前重新确认预授权", "with the deadline")
like(A.get("/").text, "需重新授权", "and on the home page")
rc, out, err = cli("sweep")
is_(sql("SELECT DATE_FORMAT(reauth_by + INTERVAL 8 HOUR, '%%Y-%%m-%%d %%H:%%i') FROM booking "
        "WHERE id = %d" % bid["A"]), deadline, "a second sweep leaves the deadline as it was")

ok(pay_card(A), "A confirms the pre-authorisation again (new hold at the bank)")
is_(sql("SELECT COUNT(*) FROM payment WHERE booking_id = %d AND state = 'authorized'" % bid["A"]), "1",
    "A has one frozen hold")
new_ref = sql("SELECT ref FROM payment WHERE booking_id = %d AND state = 'authorized'" % bid["A"])
ok(new_ref and new_ref != old_ref["A"], "and it is the new one")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % old_ref["A"]), "voided", "the old hold is released")
is_(bank_kinds("b.id = %d" % bid["A"], "void").get(old_ref["A"]), 1, "voided once at the bank")
is_(sql("SELECT reauth_by IS NULL AND pay_onsite = 0 FROM booking WHERE id = %d" % bid["A"]), "1",
    "A is no longer asked")
unlike(A.get("/booking").text, "需重新授权", "A's booking page is plain again")
is_(sql("SELECT state FROM booking WHERE id = %d" % bid["A"]), "booked", "A stays booked on the same slot")

# ---------------------------------------------------------------- day 8
set_clock(8 * DAY)
rc, out, err = cli("sweep")
like(out, r"[1-9]\d* to pay on site", "day 8: the sweep reports 到场支付")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % old_ref["B"]), "lapsed", "B's old hold lapsed")
is_(sql("SELECT pay_onsite FROM booking WHERE id = %d" % bid["B"]), "1", "B's booking is 到场支付")
is_(sql("SELECT state FROM booking WHERE id = %d" % bid["B"]), "booked", "and still booked")
like(B.get("/booking").text, "到场支付", "B's booking page says 到场支付")
unlike(B.get("/booking").text, "需重新授权", "and no longer asks to confirm")
rc, out, err = cli("sweep")
is_(sql_rows("SELECT reauth_by IS NULL, pay_onsite FROM booking b WHERE %s ORDER BY id" % where),
    [["1", "0"], ["1", "1"]], "a second sweep changes nothing: A paid online, B 到场支付")

# ---------------------------------------------------------------- day 12
set_clock(12 * DAY)
staff = adminlib.user("staff")
st = adminlib.login(staff)
st.get("/admin/site")
tok = st.csrf()
urls = {}
for n in "AB":
    token = sql("SELECT token FROM booking WHERE id = %d" % bid[n])
    r = st.post("/admin/site/scan", {"code": token, "csrf": tok})
    is_(r.status, 303, "day 12: %s checked in" % n)
    urls[n] = re.sub(r"\?.*", "", r.location or "")
r = st.get(urls["B"])
like(r.text, "到场支付 — 现场收费", "the station shows B as 到场支付")
unlike(st.get(urls["A"]).text, "现场收费", "and A as paid online")
jpg = portrait(os.path.join(tmpdir(), "p.jpg"))
for n in "AB":
    r = st.post(urls[n] + "/photo", {"csrf": tok}, files={"photo": jpg})
    is_(r.status, 303, "%s's photo uploaded" % n)
is_(bank_kinds("b.id = %d" % bid["A"], "capture").get(new_ref), 1, "A's new hold captured once")
is_(sum(bank_kinds(where, "capture").values()), 1, "nothing else captured")

r = A.get("/records")
m = re.search(r'href="(/records/\d+\.jpg)"', r.text)
ok(m, "A (captured) may download the photo")
if m:
    is_(A.get(m.group(1)).status, 200, "A's photo: 200")
r = B.get("/records")
unlike(r.text, r'href="/records/\d+\.jpg"', "B (fee not collected) has no download yet")
like(r.text, "采集费用结清后", "and is told why")
pid = sql("SELECT id FROM photo WHERE booking_id = %d AND is_current = 1" % bid["B"])
is_(B.get("/records/%s.jpg" % pid).status, 404, "B's photo URL: 404 before the fee")
r = st.post(urls["B"] + "/fee", {"csrf": tok, "method": "cash"})
is_(r.status, 303, "the station records B's fee, in cash")
is_(sql("SELECT COUNT(*) FROM payment WHERE booking_id = %d AND state = 'onsite' AND amount_fen = 4000"
        % bid["B"]), "1", "one on-site payment of 40.00")
is_(B.get("/records/%s.jpg" % pid).status, 200, "B's photo: 200 once the fee is collected")
is_(sorted(bank_kinds(where, "void").values()), [0, 0, 1], "exactly one void in all (A's old hold)")
set_clock(0)
done()
