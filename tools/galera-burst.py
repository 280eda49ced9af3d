#!/usr/bin/env python3
"""tools/galera-burst.py - the booking burst of tools/try-galera (run by it,
not by hand: it needs the cluster, the two app hosts and the nginx that
tools/try-galera starts, and their paths in the environment).

GALERA_STUDENTS (1000) students of one new task, all from 127.0.0.1 (one
campus NAT), each with a session prepared beforehand through task code ->
采集码 -> confirm as tools/bench does, then GET /slots; then all of them POST
/slots at the same moment for one slot of GALERA_SEATS (150) seats.

Counts: 303 = booked, 409 = full (the expected answer once the seats are
gone), anything else = an error (a 503 from a conflict the app did not
absorb, a 502 from nginx, a timeout).  Then on every Galera node:
slots with booked > capacity (oversold) and slots whose booked differs
from their active bookings, and the nodes' wsrep counters of certification
failures and brute-force aborts during the burst; in the app hosts' logs
the conflicts the app retried (ER_LOCK_DEADLOCK, 1213).

Exit 0 only when nothing is oversold or inconsistent on any node and the
errors are under 1 %.  Environment (set by tools/try-galera): TUCAI_URL,
TUCAI_VAR/TUCAI_CONF/TUCAI_CLI of app host 1 (for the CLI and tlib.sql),
GALERA_SOCKETS (node sockets, space-separated), GALERA_APP_LOGS (the app
hosts' tucai.log), GALERA_REPORT (file for the report).
"""
import concurrent.futures
import os
import re
import statistics
import subprocess
import sys
import threading
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SRC, "t", "e2e"))
import tlib  # noqa: E402
import _student  # noqa: E402

N = int(os.environ.get("GALERA_STUDENTS", "1000"))
SEATS = int(os.environ.get("GALERA_SEATS", "150"))
SOCKETS = os.environ["GALERA_SOCKETS"].split()
LOGS = os.environ.get("GALERA_APP_LOGS", "").split()
REPORT = os.environ.get("GALERA_REPORT")
report = []


def say(line=""):
    print(line, flush=True)
    report.append(line)


def node_sql(sock, query):
    """SQL as root (unix_socket) on one node; the first column of each row."""
    out = subprocess.run(["mariadb", "--no-defaults", "-uroot", "--socket=" + sock,
                          "-N", "-B", "-e", query], check=True, capture_output=True,
                         text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def wsrep(sock):
    return dict((k, v) for k, v in node_sql(sock, "SHOW GLOBAL STATUS LIKE 'wsrep_%'"))


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def log_since(path, offset):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def prepare(task, st):
    """Task code -> 采集码 (as the text the page's script read) -> confirm
    -> GET /slots; returns the client, its CSRF token loaded."""
    c = tlib.Client(timeout=120)
    r = _student.enter_task(c, task["code"])
    assert r.status == 303, ("task", r.status, r.text[:200])
    r = _student.send_code(c, st["code"])
    assert r.status == 303, ("code", r.status, r.text[:200])
    c.get("/confirm")
    r = c.post("/confirm", {"csrf": c.csrf()})
    assert r.status == 303, ("confirm", r.status, r.text[:200])
    r = c.get("/slots")
    assert r.status == 200 and c.csrf(), ("slots", r.status, r.text[:200])
    return c


def main():
    say("tucai on Galera: %d students at once for %d seats, %s, %d cores"
        % (N, SEATS, time.strftime("%Y-%m-%d %H:%M"), os.cpu_count()))
    w0 = wsrep(SOCKETS[0])
    say("cluster: %s nodes, %s, provider %s"
        % (w0.get("wsrep_cluster_size"), w0.get("wsrep_cluster_status"),
           w0.get("wsrep_provider_version")))

    # One task, one slot of SEATS seats tomorrow, N students on the roster.
    task = _student.make_task(students=N, capacity=SEATS, fee="0", days=(1,),
                              hours=("08:00", "08:30"), every=30)
    assert len(task["slots"]) == 1, task["slots"]
    slot = task["slots"][0]

    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        clients = list(ex.map(lambda st: prepare(task, st), task["students"]))
    say("prepared %d sessions (task code, 采集码, confirm, GET /slots) through both app "
        "hosts in %.1f s" % (len(clients), time.time() - t0))

    before = [wsrep(s) for s in SOCKETS]
    offsets = [log_size(p) for p in LOGS]
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def book(i):
        c = clients[i]
        tok = c.csrf()
        barrier.wait()
        t = time.perf_counter()
        try:
            r = c.post("/slots", {"slot_id": str(slot), "agree": "1", "csrf": tok})
            status = r.status
            # 409 is "full" only with the full-slot message (OC_SEAT_FULL);
            # another 409 (e.g. OC_DB_CHECK, a CHECK constraint) is an error.
            if status == 409 and "已约满" not in r.text:
                status = "409-other"
        except Exception as e:  # a timeout or a reset connection is an error too
            status = "exc:%s" % type(e).__name__
        results[i] = (status, (time.perf_counter() - t) * 1000)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(len(clients))]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    time.sleep(1)   # let the nodes apply the last write sets before they are compared

    booked = sum(1 for s, _ in results if s == 303)
    full = sum(1 for s, _ in results if s == 409)
    errors = len(results) - booked - full
    kinds = {}
    for s, _ in results:
        if s not in (303, 409):
            kinds[s] = kinds.get(s, 0) + 1
    lat = sorted(ms for _, ms in results)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    err_rate = 100.0 * errors / len(results)
    say()
    say("burst: %d POST /slots at once in %.1f s" % (len(results), elapsed))
    say("  confirmed (303) %d, full (409) %d, errors %d = %.2f %%%s"
        % (booked, full, errors, err_rate,
           " (%s)" % ", ".join("%s: %d" % kv for kv in sorted(kinds.items(), key=str))
           if kinds else ""))
    say("  latency p50 %.0f ms, p99 %.0f ms, max %.0f ms" % (p(0.5), p(0.99), lat[-1]))

    # The seats, on every node.
    bad = oversold = 0
    for i, sock in enumerate(SOCKETS, 1):
        rows = node_sql(sock, "SELECT s.capacity, s.booked, (SELECT COUNT(*) FROM tucai.booking b "
                        "WHERE b.slot_id = s.id AND b.state IN ('held','booked','checked_in',"
                        "'collected')) FROM tucai.slot s WHERE s.id = %d" % slot)
        cap, bk, act = (int(x) for x in rows[0])
        over = node_sql(sock, "SELECT COUNT(*) FROM tucai.slot WHERE booked > capacity")[0][0]
        mism = node_sql(sock, "SELECT COUNT(*) FROM tucai.slot s WHERE booked <> (SELECT COUNT(*) "
                        "FROM tucai.booking b WHERE b.slot_id = s.id AND b.state IN "
                        "('held','booked','checked_in','collected'))")[0][0]
        ok = bk <= cap and bk == act and over == "0" and mism == "0"
        bad += not ok
        oversold = max(oversold, bk - cap)
        say("  node %d: capacity %d, booked %d, active bookings %d; oversold slots %s, "
            "slots with booked != active %s%s%s" % (
                i, cap, bk, act, over, mism, "" if ok else "  <-- WRONG",
                "" if bk == booked else "  (%d seats taken, %d confirmed to students: "
                "the rest were errors)" % (bk, booked)))

    # What Galera did, and what the app saw of it.
    after = [wsrep(s) for s in SOCKETS]
    delta = lambda k: [int(a.get(k, 0)) - int(b.get(k, 0)) for a, b in zip(after, before)]
    say("  wsrep_local_cert_failures per node %s, wsrep_local_bf_aborts %s, "
        "wsrep_local_replays %s" % (delta("wsrep_local_cert_failures"),
                                    delta("wsrep_local_bf_aborts"), delta("wsrep_local_replays")))
    text = "".join(log_since(pth, off) for pth, off in zip(LOGS, offsets))
    dead = text.count("Deadlock found when trying to get lock")
    # Where the 1213 came: "db: -[0]" is the COMMIT (a certification
    # failure, or a brute-force abort found at commit), "db: booking[0]" the
    # seat-taking UPDATE, "db: booking[4]" the INSERT of the booking (the
    # transaction was brute-force aborted by a write set from the other
    # node), others by statement set and number (cgi/*/*.c).
    where = {}
    for m in re.finditer(r"db: (\S+\[\d+\]): Deadlock found", text):
        k = {"-[0]": "COMMIT", "booking[0]": "UPDATE slot (take a seat)",
             "booking[4]": "INSERT booking"}.get(m.group(1), m.group(1))
        where[k] = where.get(k, 0) + 1
    waits = text.count("Lock wait timeout exceeded")
    warns = [l for l in text.splitlines() if re.search(r"\] (warn|error|incident)", l)]
    say("  the app hosts' log: %d statements ended with ER_LOCK_DEADLOCK (1213), retried "
        "with backoff (DB_TX), %d lock wait timeouts (1205); %d warnings or incidents"
        % (dead, waits, len(warns)))
    if where:
        say("    1213 at: " + ", ".join("%s %d" % kv for kv in sorted(where.items(), key=lambda kv: -kv[1])))
    for l in warns[:5]:
        say("    " + l[:200])

    verdict = bad == 0 and oversold == 0 and err_rate < 1.0
    say()
    say("RESULT: %s (booked %d of %d seats, oversold %d, errors %.2f %%)"
        % ("PASS" if verdict else "FAIL", booked, SEATS, oversold, err_rate))
    if REPORT:
        with open(REPORT, "w") as f:
            f.write("\n".join(report) + "\n")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
