#!/usr/bin/env python3
"""A close-out killed half-way (issue 10 items 2 and 9): 24 students have
frozen holds; the task's window is over; the bank answers each cancel
150 ms late, so `tucai task close` takes seconds, and it is killed with
SIGKILL in the middle.  Run again, it finishes: every booking cancelled
once, every seat given back once, every hold voided once at the bank and
in tucai, and reconciliation finds nothing wrong with them."""
import concurrent.futures
import os
import re
import signal
import subprocess
import time

from tlib import signed_post, CLI, VAR, Client, cli, diag, done, is_, like, ok, set_clock, sql
from _student import book, make_task, pay_card, prepare

N = 24


T = make_task(students=N, capacity=N, fee="40", days=(1,))


def paid(s):
    c = prepare(T, s)
    return book(c, T["slots"][0]).status == 303 and pay_card(c)


with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
    n_paid = sum(ex.map(paid, T["students"]))
is_(n_paid, N, "%d students paid, 8 at a time" % N)
tid = T["id"]
is_(sql("SELECT COUNT(*) FROM payment p JOIN booking b ON b.id = p.booking_id WHERE b.task_id = %d "
        "AND p.state = 'authorized'" % tid), str(N), "%d holds frozen" % N)

set_clock(10 * 86400)                     # the window is over
is_(signed_post("/bank/api/sandbox", {"slow_ms": "150"}).status, 200, "the bank answers 150 ms late")
try:
    p = subprocess.Popen([CLI, "task", "close", T["code"]], env=dict(os.environ, TUCAI_VAR=VAR),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Until some, not all, holds are released at the bank.
    t0 = time.time()
    while time.time() - t0 < 30:
        v = int(sql("SELECT COUNT(*) FROM bank_ledger l JOIN bank_hold h ON h.id = l.hold_id JOIN payment p "
                    "ON p.ref = h.order_ref JOIN booking b ON b.id = p.booking_id WHERE b.task_id = %d "
                    "AND l.kind = 'void'" % tid))
        if v >= 3 or p.poll() is not None:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    diag("killed after %d voids at the bank" % v)
    ok(0 < v < N, "killed half-way (%d of %d voided)" % (v, N))
finally:
    signed_post("/bank/api/sandbox", {"reset": "1"})

rc, out, err = cli("task", "close", T["code"])
is_(rc, 0, "run again: the close finishes")
diag(out.strip())
is_(sql("SELECT COUNT(*) FROM booking WHERE task_id = %d AND state = 'cancelled'" % tid), str(N),
    "every booking cancelled")
is_(sql("SELECT booked FROM slot WHERE id = %d" % T["slots"][0]), "0", "every seat given back once")
is_(sql("SELECT COUNT(*) FROM payment p JOIN booking b ON b.id = p.booking_id WHERE b.task_id = %d "
        "AND p.state = 'voided'" % tid), str(N), "every hold voided in tucai")
per = [r for r in sql("SELECT COUNT(l.id) FROM payment p JOIN booking b ON b.id = p.booking_id JOIN bank_hold h "
                      "ON h.order_ref = p.ref LEFT JOIN bank_ledger l ON l.hold_id = h.id AND l.kind = 'void' "
                      "WHERE b.task_id = %d GROUP BY p.id" % tid).split("\n") if r]
is_(sorted(set(per)), ["1"], "each exactly once at the bank")
is_(sql("SELECT COUNT(*) FROM audit WHERE action = 'task_close' AND entity = 'task' AND entity_id = %d" % tid),
    "1", "the finished close is audited (the killed one never reached its record)")
rc, out, err = cli("task", "close", T["code"])
like(out, r"\b0 cancelled, 0 holds released", "a third run has nothing to do")
refs = [r for r in sql("SELECT p.ref FROM payment p JOIN booking b ON b.id = p.booking_id WHERE b.task_id = %d"
                       % tid).split("\n") if r]
rc, out, err = cli("reconcile")
ok(not [r for r in refs if r in out], "reconciliation: no mismatch on this task's orders")
set_clock(0)
done()
