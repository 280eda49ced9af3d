#!/usr/bin/env python3
"""MariaDB stopped while a student pays (issue 10 item 6): POST /pay
answers 503 with the database's message (not the payment provider's),
and nothing is half-done; once MariaDB is back the same page pays, and
the money is frozen once: one payment, one hold at the bank, nothing
captured.  Outcomes are named per domain, so a lost database can no
longer look like a failed provider."""
import os
import subprocess

from tlib import SRC, VAR, diag, done, is_, like, ok, sql, unlike
from _student import CARD_OK, book, make_task, prepare

env = dict(os.environ, TUCAI_VAR=VAR)
dbctl = os.path.join(SRC, "tools", "dbctl")

T = make_task(students=1, capacity=5, fee="40", days=(1,))
c = prepare(T, T["students"][0])
is_(book(c, T["slots"][0]).status, 303, "a held seat, on to /pay")
page = c.get("/pay")
is_(page.status, 200, "the /pay page")
tok = c.csrf(page)

p = subprocess.run([dbctl, "stop"], env=env, capture_output=True, text=True)
is_(p.returncode, 0, "mariadbd stopped")
try:
    r = c.post("/pay", {"csrf": tok})
    is_(r.status, 503, "POST /pay with the database down: 503")
    like(r.text, "数据库暂时无法连接", "with the database's message")
    unlike(r.text, "支付服务暂时无法连接", "not the payment provider's")
    like(r.header("Retry-After") or "", r"^\d+$", "and a Retry-After")
finally:
    p = subprocess.run([dbctl, "start"], env=env, capture_output=True, text=True)
    is_(p.returncode, 0, "mariadbd started again")

bid = int(sql("SELECT b.id FROM booking b JOIN student s ON s.id = b.student_id WHERE s.collect_code = '%s' "
              "AND b.active_student IS NOT NULL" % T["students"][0]["code"]))
is_(sql("SELECT COUNT(*) FROM payment WHERE booking_id = %d" % bid), "0", "nothing was started while it was down")
r = c.post("/pay", {"csrf": tok})
is_(r.status, 303, "the same form again, the database back: 303 to the bank")
ok("/bank/pay?t=" in (r.location or ""), "to the bank's card page")
bank = c.get(r.location)
r = c.post(bank.url, {"card_no": CARD_OK, "csrf": c.csrf(bank)})
is_(r.status, 303, "the card froze the fee")
is_(sql("SELECT state FROM booking WHERE id = %d" % bid), "booked", "booked")
is_(sql("SELECT COUNT(*) FROM payment WHERE booking_id = %d" % bid), "1", "one payment")
is_(sql("SELECT COUNT(*) FROM payment WHERE booking_id = %d AND state = 'authorized'" % bid), "1",
    "frozen once")
is_(sql("SELECT COUNT(*) FROM bank_hold h JOIN payment p ON p.ref = h.order_ref WHERE p.booking_id = %d "
        "AND h.state = 'authorized'" % bid), "1", "one hold at the bank")
is_(sql("SELECT COUNT(*) FROM bank_ledger l JOIN bank_hold h ON h.id = l.hold_id JOIN payment p "
        "ON p.ref = h.order_ref WHERE p.booking_id = %d AND l.kind = 'capture'" % bid), "0", "nothing captured")
done()
