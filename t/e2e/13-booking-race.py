#!/usr/bin/env python3
"""One booking, three changes at the same moment (issue 9 item 3): the
student's cancel, the student's change of slot (from another tab), and a
repeated payment notification, 100 rounds.  Afterwards, for every slot,
`booked` equals its active bookings; every cancelled booking's hold was
voided exactly once at the bank, and no live booking's hold was voided."""
import concurrent.futures
import hashlib
import hmac
import os
import re
import threading
import time
import urllib.parse

from tlib import Client, bail, conf_values, diag, done, is_, ok, sql, sql_rows
from _student import make_task, prepare

CARD_OK = "6222020000000000001"
SECRET = bytes.fromhex(conf_values()["Pay.Secret"])
ROUNDS = 100
T = make_task(students=ROUNDS, capacity=ROUNDS, fee="40", days=(1,),
              hours=("08:00", "10:00"), every=60)
A, B = T["slots"][0], T["slots"][1]


def notify(ref):
    fields = {"event_id": os.urandom(16).hex(), "order_ref": ref,
              "type": "authorized", "amount_fen": "4000"}
    q = lambda s: urllib.parse.quote(str(s), safe="-._~")
    body = "&".join("%s=%s" % (q(k), q(v)) for k, v in sorted(fields.items()))
    ts = str(int(time.time()))
    sig = hmac.new(SECRET, (ts + "\n" + body).encode(), hashlib.sha256).hexdigest()
    return Client().request("POST", "/pay/notify", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Tucai-Timestamp": ts, "X-Tucai-Signature": sig})


def paid(i):
    """Student i booked on slot A and paid with the test card."""
    c = prepare(T, T["students"][i])
    r = c.post("/slots", {"csrf": c.csrf(), "slot_id": str(A), "agree": "1"})
    if (r.status, r.location) != (303, "/pay"):
        return None, None
    pay = c.get("/pay")
    r = c.post("/pay", {"csrf": c.csrf(pay)})
    if r.status != 303 or "/bank/pay?t=" not in (r.location or ""):
        return None, None
    bank = c.get(r.location)
    m = re.search(r'data-ref="([0-9a-f]{32})"', bank.text)
    c.post(bank.url, {"card_no": CARD_OK, "csrf": c.csrf(bank)})
    return c, (m.group(1) if m else None)


# Many at once, as on the opening day: the notifications come through a
# pool of their own (no worker waits on a call back into itself).
with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
    ready = list(ex.map(paid, range(ROUNDS)))
n_ok = sum(1 for c, ref in ready if c and ref)
is_(n_ok, ROUNDS, "%d students booked and paid (hold authorised at the bank)" % ROUNDS)
if n_ok != ROUNDS:
    bail("set-up failed")


def round_(i):
    c, ref = ready[i]
    c.get("/booking")
    tok = c.csrf()
    tab = Client()
    for name, (value, path) in c.cookies.items():
        tab.set_cookie(name, value, path)
    go = threading.Barrier(3)
    out = {}

    def cancel():
        go.wait()
        out["cancel"] = c.post("/booking/cancel", {"csrf": tok}).status

    def change():
        go.wait()
        out["change"] = tab.post("/slots", {"csrf": tok, "slot_id": str(B), "agree": "1",
                                            "confirm": "1"}).status

    def note():
        go.wait()
        out["notify"] = notify(ref).status

    th = [threading.Thread(target=f) for f in (cancel, change, note)]
    [t.start() for t in th]
    [t.join() for t in th]
    return out


t0 = time.time()
with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
    outs = list(ex.map(round_, range(ROUNDS)))
diag("%d rounds in %.1f s; statuses e.g. %s" % (ROUNDS, time.time() - t0, outs[:3]))
ok(all(o.get("cancel") in (303,) for o in outs), "every cancel answered 303")
ok(all(o.get("change") in (303, 409, 422) for o in outs), "every change answered 303/409/422")
ok(all(o.get("notify") == 200 for o in outs), "every repeated notification answered 200")

# Seats: booked equals the active bookings on every slot of the task.
rows = sql_rows("SELECT s.id, s.booked, (SELECT COUNT(*) FROM booking b WHERE b.slot_id = s.id "
                "AND b.state IN ('held','booked','checked_in','collected')) FROM slot s "
                "WHERE s.task_id = %d" % T["id"])
bad = [r for r in rows if r[1] != r[2]]
is_(bad, [], "every slot: booked == active bookings (%s)" % rows)
states = dict(sql_rows("SELECT state, COUNT(*) FROM booking WHERE task_id = %d GROUP BY state" % T["id"]))
diag("booking states after the race: %s" % states)
# A change that came after the cancel books the student again (a new hold).
is_(int(states.get("cancelled", 0)), ROUNDS, "every paid booking ended cancelled")

# Money: each released hold voided exactly once; no live booking's hold voided.
voids = sql_rows(
    "SELECT b.id, b.state, (SELECT COUNT(*) FROM bank_ledger l JOIN bank_hold h ON h.id = l.hold_id "
    "JOIN payment p ON p.ref = h.order_ref WHERE p.booking_id = b.id AND l.kind = 'void') "
    "FROM booking b WHERE b.task_id = %d" % T["id"])
wrong = [v for v in voids if (v[1] in ("cancelled", "expired")) != (v[2] == "1")]
is_(wrong, [], "cancelled bookings: one void each at the bank; live ones: none")
frozen = sql("SELECT COUNT(*) FROM payment p JOIN booking b ON b.id = p.booking_id "
             "WHERE b.task_id = %d AND b.state = 'cancelled' AND p.state IN ('created','authorized')" % T["id"])
is_(frozen, "0", "no cancelled booking keeps a frozen payment")
done()
