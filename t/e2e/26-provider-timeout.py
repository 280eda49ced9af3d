#!/usr/bin/env python3
"""The provider answers too late (issue 10 item 9): the sandbox bank is
told to answer its cancel and capture calls 4 s after it has done the
work, past the app's 3 s timeout, as a provider whose answer is lost.  A
student cancels: the seat is given back at once, the bank voids the hold,
and tucai, not having heard, keeps trying with the same order reference
(tucai sweep): the hold is voided once.  Also notifications out of order:
a late "declined" for an authorised order, and a late "authorized" for a
voided one, change nothing."""
import os
import time

from tlib import signed_post, Client, cli, done, is_, like, ok, sql
from _student import book, make_task, pay_card, prepare



def voids(ref):
    return int(sql("SELECT COUNT(*) FROM bank_ledger l JOIN bank_hold h ON h.id = l.hold_id "
                   "WHERE h.order_ref = '%s' AND l.kind = 'void'" % ref))


T = make_task(students=2, capacity=5, fee="40", days=(1,))
c = prepare(T, T["students"][0])
book(c, T["slots"][0])
ok(pay_card(c), "a student paid (hold frozen)")
bid = int(sql("SELECT b.id FROM booking b JOIN student s ON s.id = b.student_id WHERE s.collect_code = '%s' "
              "AND b.active_student IS NOT NULL" % T["students"][0]["code"]))
ref = sql("SELECT ref FROM payment WHERE booking_id = %d AND state = 'authorized'" % bid)
slot = T["slots"][0]
seats = int(sql("SELECT booked FROM slot WHERE id = %d" % slot))

r = signed_post("/bank/api/sandbox", {"slow_ms": "4000"})
is_(r.status, 200, "the bank now answers cancel and capture 4 s late")
try:
    c.get("/booking")
    t0 = time.time()
    r = c.post("/booking/cancel", {"csrf": c.csrf()})
    took = time.time() - t0
    is_(r.status, 303, "the student's cancel is answered (%.1f s)" % took)
    ok(took < 6, "within the app's timeout, not the bank's delay")
    is_(sql("SELECT state FROM booking WHERE id = %d" % bid), "cancelled", "the booking is cancelled")
    is_(int(sql("SELECT booked FROM slot WHERE id = %d" % slot)), seats - 1, "the seat is given back at once")
    is_(voids(ref), 1, "the bank voided the hold (its answer was lost)")
    is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref), "authorized",
        "tucai has not heard: still frozen on its side")
finally:
    r = signed_post("/bank/api/sandbox", {"reset": "1"})
    is_(r.status, 200, "the bank answers at once again")

rc, out, err = cli("sweep")
is_(rc, 0, "tucai sweep")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref), "voided", "the retry with the same reference: voided")
is_(voids(ref), 1, "and the bank voided it once")
rc, out, err = cli("sweep")
is_(voids(ref), 1, "a second sweep changes nothing")
rc, out, err = cli("reconcile")
ok(ref not in out, "reconciliation finds nothing wrong with it")
like(c.get("/booking").text, "已取消，冻结款项将于", "the student is told when the money is back")

# Out of order.
c2 = prepare(T, T["students"][1])
book(c2, T["slots"][0])
ok(pay_card(c2), "another student paid")
bid2 = int(sql("SELECT b.id FROM booking b JOIN student s ON s.id = b.student_id WHERE s.collect_code = '%s' "
               "AND b.active_student IS NOT NULL" % T["students"][1]["code"]))
ref2 = sql("SELECT ref FROM payment WHERE booking_id = %d AND state = 'authorized'" % bid2)
r = signed_post("/pay/notify", {"event_id": os.urandom(16).hex(), "order_ref": ref2, "type": "declined",
                                "amount_fen": "4000", "reason": "card_bind_failed"})
is_(r.status, 200, "a late 'declined' for an authorised order: accepted")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref2), "authorized", "and ignored: still authorised")
is_(sql("SELECT state FROM booking WHERE id = %d" % bid2), "booked", "still booked")
r = signed_post("/pay/notify", {"event_id": os.urandom(16).hex(), "order_ref": ref, "type": "authorized",
                                "amount_fen": "4000"})
is_(r.status, 200, "a late 'authorized' for a voided order: accepted")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref), "voided", "and ignored: still voided")
is_(sql("SELECT state FROM booking WHERE id = %d" % bid), "cancelled", "the booking stays cancelled")
done()
