#!/usr/bin/env python3
"""An unpaid hold gives its seat back after Booking.HoldMinutes even when
no sweep has run (issue 3: "Unpaid holds expire after 15 minutes"): the
slot list counts such seats as free without writing anything (issue 14:
no write on a page view), and taking the seat expires the hold first."""
from tlib import done, is_, like, ok, set_clock, sql
from _student import book, make_task, prepare

task = make_task(students=2, capacity=1, fee="40", days=(1,), hours=("08:00", "09:00"))
slot = task["slots"][0]
a = prepare(task, task["students"][0])
is_(book(a, slot).status, 303, "student A holds the only seat (unpaid)")
b = prepare(task, task["students"][1])
r = b.get("/slots")
like(r.text, r'name="slot_id" value="%d" disabled' % slot, "B sees the slot full")
is_(book(b, slot).status, 409, "student B: the slot is full while A's hold runs")

# Every worker has the list (kept a second, seats.c) with A's seat taken.
for i in range(8):
    b.get("/slots")
# A's 15 minutes pass without payment (on the instance's clock, which
# MariaDB's follows: the hold runs out as it would in the field).
set_clock(16 * 60)
r = b.get("/slots")
is_(r.status, 200, "B opens the slot list again")
like(r.text, r'name="slot_id" value="%d" required' % slot,
     "the seat shows as free again without a sweep")
is_(book(b, slot).status, 303, "B takes the seat")
is_(sql("SELECT booked FROM slot WHERE id = %d" % slot), "1", "booked stays 1: given back once, taken once")
is_(sql("SELECT COUNT(*) FROM booking WHERE slot_id = %d AND state = 'expired'" % slot), "1",
    "A's booking expired")
r = a.get("/booking")
like(r.text, "已过期|已失效|超时", "A's booking page says it expired")

done()
