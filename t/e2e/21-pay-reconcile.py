#!/usr/bin/env python3
"""A notification lost on the way (QUALITY "Booking and money", DESIGN
"notifications ... may arrive twice or out of order"): the bank decided the
hold but the app never heard.  `tucai sweep` asks the provider about open
orders not heard of for two minutes; the bank sends the notification again
and the booking ends up booked, exactly once."""
import re

from tlib import cli, done, is_, like, ok, sql
from _student import book, make_task, prepare

CARD_OK = "6222020000000000001"

task = make_task(students=1, fee="40", days=(1,))
c = prepare(task, task["students"][0])
r = book(c, task["slots"][0])
is_(r.status, 303, "seat taken")
pay = c.get("/pay")
r = c.post("/pay", {"csrf": c.csrf(pay)})
is_(r.status, 303, "POST /pay sends the browser to the bank")
bank = c.get(r.location)
r = c.post(bank.url, {"card_no": CARD_OK, "csrf": c.csrf(bank)})
is_(r.status, 303, "card accepted, back to the app")
bid = sql("SELECT b.id FROM booking b JOIN student s ON s.id = b.student_id "
          "WHERE s.collect_code = '%s'" % task["students"][0]["code"])
is_(sql("SELECT state FROM booking WHERE id = %s" % bid), "booked", "booked")
ref = sql("SELECT ref FROM payment WHERE booking_id = %s" % bid)
ok(re.fullmatch(r"[0-9a-f]{32}", ref or ""), "the order reference")

# Pretend the notification never arrived (the bank's delivery failed).
sql("UPDATE payment SET state = 'created', hold_expires_at = NULL, "
    "created_at = UTC_TIMESTAMP() - INTERVAL 5 MINUTE WHERE ref = '%s'" % ref)
sql("UPDATE booking SET state = 'held', hold_expires_at = UTC_TIMESTAMP() + "
    "INTERVAL 10 MINUTE WHERE id = %s" % bid)
sql("DELETE e FROM payment_event e JOIN payment p ON p.id = e.payment_id "
    "WHERE p.ref = '%s'" % ref)
sql("UPDATE bank_outbox o JOIN bank_hold h ON h.id = o.hold_id "
    "SET o.delivered_at = NULL WHERE h.order_ref = '%s'" % ref)
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref), "created",
    "the app does not know the order was decided")

rc, out, err = cli("sweep")
is_(rc, 0, "tucai sweep")
like(out, r"asked the provider about [1-9]", "sweep asked the provider: " + out.strip())
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref), "authorized",
    "the notification came again: payment authorized")
is_(sql("SELECT state FROM booking WHERE id = %s" % bid), "booked", "booking booked")
is_(sql("SELECT COUNT(*) FROM payment_event e JOIN payment p ON p.id = e.payment_id "
        "WHERE p.ref = '%s'" % ref), "1", "one event recorded")
rc, out, err = cli("sweep")
like(out, r"asked the provider about 0 ", "a second sweep has nothing to ask")

done()
