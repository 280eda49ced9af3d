#!/usr/bin/env python3
"""50 students pay at the same moment (issue 10 item 5, "No worker ever
waits on a call back into itself").  With 2 student workers, paying used to
deadlock: the page workers wait for the bank (POST /pay -> authorize) while
the bank delivered its notification to those same workers inside its
request.  Now /pay/notify has a FastCGI pool of its own and the bank's
notifications leave from its outbox through the deliverers.

Each half: 50 students, all from the one shared address, go GET /pay,
POST /pay (303 to the bank), the card page, POST the card (303 back), at
once.  Then every booking is booked, every payment authorised, exactly one
'authorized' event per payment, every outbox row delivered, and nginx saw
exactly one POST /pay/notify per payment (no row sent twice: two
deliverers run, and in notify-first mode the bank worker sends the row
itself while the deliverers look at the outbox).

  A  outbox mode, Bank.WaitMs 0: the bank answers the card at once and the
     deliverers notify afterwards (the return page may come first).
  B  notify-first: the bank posts the notification before it answers.
  C  restarts and retries: with the deliverers stopped the rows wait; with
     /pay/notify down they are retried with growing pauses; once it is back
     each is delivered once.

The mode is switched through the sandbox bank's signed API
(POST /bank/api/sandbox), which stores it in the bank's own table, so that
no program restarts; it is reset to tucai.hdf's at the end.
"""
import concurrent.futures
import hashlib
import hmac
import os
import re
import subprocess
import threading
import time
import urllib.parse

from tlib import (SRC, VAR, Client, bail, conf_values, diag, done, is_, ok,
                  sql, sql_rows)
from _student import make_task, prepare

CARD_OK = "6222020000000000001"
SECRET = bytes.fromhex(conf_values()["Pay.Secret"])
N = 50
ACCESS_LOG = os.path.join(VAR, "log", "nginx-access.log")


def signed_post(path, fields):
    q = lambda s: urllib.parse.quote(str(s), safe="-._~")
    body = "&".join("%s=%s" % (q(k), q(v)) for k, v in sorted(fields.items()))
    ts = str(int(time.time()))
    sig = hmac.new(SECRET, (ts + "\n" + body).encode(), hashlib.sha256).hexdigest()
    return Client().request("POST", path, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Tucai-Timestamp": ts, "X-Tucai-Signature": sig})


def sandbox(**fields):
    r = signed_post("/bank/api/sandbox", fields)
    return r.status, r.text


def notify_posts():
    """POST /pay/notify lines in nginx's access log so far."""
    try:
        with open(ACCESS_LOG, encoding="utf-8", errors="replace") as f:
            return sum(1 for line in f if '"POST /pay/notify ' in line)
    except OSError:
        return -1


def lib(*commands):
    """Runs tools/lib.sh functions on this instance (as tools/serve would)."""
    script = '. "$1/tools/lib.sh" && shift && for c in "$@"; do eval "$c"; done'
    return subprocess.run(["bash", "-c", script, "lib", SRC] + list(commands),
                          env=dict(os.environ, TUCAI_VAR=VAR),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=60).returncode


def pool_size(name):
    """Workers of a FastCGI pool: children of its multiwatch."""
    try:
        with open(os.path.join(VAR, "run", name + ".pid")) as f:
            pid = f.read().strip()
    except OSError:
        return -1
    n = 0
    for p in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % p) as f:
                n += f.read().rsplit(")", 1)[1].split()[1] == pid
        except (OSError, IndexError):
            pass
    return n


def ready(task, i):
    """Student i at /pay with a held seat.  Returns the client or None."""
    c = prepare(task, task["students"][i])
    r = c.post("/slots", {"csrf": c.csrf(), "slot_id": str(task["slots"][0]), "agree": "1"})
    return c if (r.status, r.location) == (303, "/pay") else None


def pay(c, go):
    """GET /pay, POST /pay, the bank's card page, POST the card, the return
    page: what each answered and how long it took."""
    out = {"err": None}
    try:
        go.wait()
        t0 = time.time()
        page = c.get("/pay")
        r = c.post("/pay", {"csrf": c.csrf(page)})
        out["pay"] = (r.status, r.location or "")
        out["pay_s"] = time.time() - t0
        if r.status != 303 or "/bank/pay?t=" not in (r.location or ""):
            out["err"] = "POST /pay %d" % r.status
            return out
        bank = c.get(r.location)
        m = re.search(r'data-ref="([0-9a-f]{32})"', bank.text)
        out["ref"] = m.group(1) if m else None
        t1 = time.time()
        r = c.post(bank.url, {"card_no": CARD_OK, "csrf": c.csrf(bank)})
        out["card"] = (r.status, r.location or "")
        out["card_s"] = time.time() - t1
        if r.status != 303 or "/pay/return?order_ref=" not in (r.location or ""):
            out["err"] = "card POST %d" % r.status
            return out
        r = c.get(r.location)
        # 303 to /booking: the notification was there; 200: 正在确认
        out["return"] = r.status
        out["total_s"] = time.time() - t0
    except Exception as e:  # a timeout or reset counts as an error
        out["err"] = repr(e)
    return out


def settle(task, seconds=30):
    """Waits until no payment of the task is 'created' and no outbox row of
    its orders is undelivered.  Returns the seconds waited."""
    t0 = time.time()
    while time.time() - t0 < seconds:
        open_ = sql("SELECT COUNT(*) FROM payment p JOIN booking b ON b.id = p.booking_id "
                    "WHERE b.task_id = %d AND p.state = 'created'" % task["id"])
        owed = sql("SELECT COUNT(*) FROM bank_outbox o JOIN bank_hold h ON h.id = o.hold_id "
                   "JOIN payment p ON p.ref = h.order_ref JOIN booking b ON b.id = p.booking_id "
                   "WHERE b.task_id = %d AND o.delivered_at IS NULL" % task["id"])
        if open_ == "0" and owed == "0":
            break
        time.sleep(0.2)
    return time.time() - t0


def check_paid(task, label, n, posts_before):
    tid = task["id"]
    is_(sql("SELECT COUNT(*) FROM booking WHERE task_id = %d AND state = 'booked'" % tid),
        str(n), "%s: %d bookings booked" % (label, n))
    is_(sql("SELECT COUNT(*) FROM payment p JOIN booking b ON b.id = p.booking_id "
            "WHERE b.task_id = %d AND p.state = 'authorized'" % tid),
        str(n), "%s: %d payments authorised" % (label, n))
    ev = sql_rows("SELECT p.ref, (SELECT COUNT(*) FROM payment_event e WHERE e.payment_id = p.id "
                  "AND e.kind = 'authorized') FROM payment p JOIN booking b ON b.id = p.booking_id "
                  "WHERE b.task_id = %d" % tid)
    is_(sorted(set(e[1] for e in ev)), ["1"], "%s: exactly one 'authorized' event per payment" % label)
    out = sql_rows("SELECT COUNT(*), SUM(o.delivered_at IS NOT NULL), SUM(o.attempts), "
                   "MAX(o.attempts), SUM(o.last_status = 200) FROM bank_outbox o "
                   "JOIN bank_hold h ON h.id = o.hold_id JOIN payment p ON p.ref = h.order_ref "
                   "JOIN booking b ON b.id = p.booking_id WHERE b.task_id = %d" % tid)
    rows, delivered, attempts, most, st200 = out[0] if out else ("?",) * 5
    is_((rows, delivered), (str(n), str(n)), "%s: %d outbox rows, all delivered" % (label, n))
    diag("%s: outbox attempts %s in all, at most %s for one row" % (label, attempts, most))
    return attempts


def burst(task, label):
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
        clients = list(ex.map(lambda i: ready(task, i), range(N)))
    n_ready = sum(1 for c in clients if c)
    is_(n_ready, N, "%s: %d students with a held seat" % (label, N))
    if n_ready != N:
        bail("set-up failed")
    posts0 = notify_posts()
    go = threading.Barrier(N)
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=N) as ex:
        res = list(ex.map(lambda c: pay(c, go), clients))
    wall = time.time() - t0
    errs = [r["err"] for r in res if r["err"]]
    is_(errs, [], "%s: no errors" % label)
    is_(sum(1 for r in res if r.get("pay", (0,))[0] == 303), N,
        "%s: every POST /pay answered 303 to the bank" % label)
    is_(sum(1 for r in res if r.get("card", (0,))[0] == 303), N,
        "%s: every card POST was sent back to /pay/return" % label)
    waited = settle(task)
    decided = sum(1 for r in res if r.get("return") == 303)
    mx = lambda k: max((r.get(k, 0) for r in res), default=0)
    diag("%s: %d paid in %.1f s; slowest POST /pay %.2f s, card POST %.2f s, whole flow %.2f s; "
         "return page decided for %d of %d at once; settled %.1f s later"
         % (label, N, wall, mx("pay_s"), mx("card_s"), mx("total_s"), decided, N, waited))
    attempts = check_paid(task, label, N, posts0)
    # Each row sent once: one POST per payment reached nginx.
    is_(notify_posts() - posts0, N, "%s: %d POST /pay/notify, one per payment" % (label, N))
    is_(attempts, str(N), "%s: one attempt per outbox row" % label)
    return wall


diag("pools: student %d, notify %d workers; deliverers %d" % (
    pool_size("student"), pool_size("notify"),
    sum(1 for f in os.listdir(os.path.join(VAR, "run")) if f.startswith("deliver-"))))

try:
    # ------------------------------------------------- A: outbox, no wait
    st, body = sandbox(notify_first=0, wait_ms=0)
    is_((st, body), (200, "notify_first=0&wait_ms=0"), "A: sandbox set to outbox mode, no wait")
    burst(make_task(students=N, capacity=N, fee="40", days=(1,), hours=("08:00", "09:00")),
          "A outbox")

    # ------------------------------------------------- B: notify-first
    st, body = sandbox(notify_first=1)
    is_((st, body), (200, "notify_first=1&wait_ms=0"), "B: sandbox set to notify-first")
    burst(make_task(students=N, capacity=N, fee="40", days=(1,), hours=("08:00", "09:00")),
          "B notify-first")

    # ------------------------------------------------- C: restarts, retries
    M = 5
    sandbox(notify_first=0, wait_ms=0)
    task = make_task(students=M, capacity=M, fee="40", days=(1,), hours=("08:00", "09:00"))
    is_(lib("deliver_stop"), 0, "C: deliverers stopped")
    clients = [ready(task, i) for i in range(M)]
    go = threading.Barrier(1)
    res = [pay(c, go) for c in clients]
    is_([r["err"] for r in res if r["err"]], [], "C: %d paid at the bank with no deliverer" % M)
    time.sleep(0.5)
    is_(sql("SELECT COUNT(*) FROM payment p JOIN booking b ON b.id = p.booking_id "
            "WHERE b.task_id = %d AND p.state = 'created'" % task["id"]), str(M),
        "C: the app has not heard yet")
    is_(lib("fcgi_stop notify"), 0, "C: /pay/notify's pool stopped (nginx answers 502)")
    is_(lib("deliver_start"), 0, "C: deliverers started again")
    time.sleep(3)
    rows = sql_rows("SELECT o.attempts, o.last_status, o.delivered_at IS NULL, "
                    "TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), o.next_attempt_at) "
                    "FROM bank_outbox o JOIN bank_hold h ON h.id = o.hold_id "
                    "JOIN payment p ON p.ref = h.order_ref JOIN booking b ON b.id = p.booking_id "
                    "WHERE b.task_id = %d" % task["id"])
    diag("C: with /pay/notify down, after 3 s: %s" % rows)
    ok(len(rows) == M and all(int(r[0]) >= 2 and r[1] == "502" and r[2] == "1" for r in rows),
       "C: every row tried again (>= 2 attempts, 502), none lost")
    ok(all(int(r[0]) <= 4 for r in rows), "C: with growing pauses (at most 4 attempts in 3 s)")
    is_(lib("fcgi_start notify"), 0, "C: /pay/notify's pool back")
    waited = settle(task, 30)
    diag("C: delivered %.1f s after /pay/notify came back" % waited)
    check_paid(task, "C", M, 0)
finally:
    lib("fcgi_start notify", "deliver_start")
    st, body = sandbox(reset=1)
    is_(st, 200, "sandbox mode back to tucai.hdf's (%s)" % body)

done()
