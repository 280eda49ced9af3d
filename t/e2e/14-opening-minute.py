#!/usr/bin/env python3
"""The opening minute on a campus (issue 9): 1,000 students behind one NAT
address (127.0.0.1, through the nginx configuration the project ships, no
forwarded headers) enter the right task code and their 采集码 within a
minute, and none is refused.  In the same minute a guessing session from
that address is throttled, and a student who mistyped the task code ten
times does not block the others.  An anonymous page view writes no row."""
import concurrent.futures
import time

from tlib import Client, diag, done, fresh_source, is_, like, ok, sql
from _student import enter_task, make_task

N = 1000
T = make_task(students=N, capacity=200, days=(1, 2))


def session_rows():
    return int(sql("SELECT COUNT(*) FROM session"))


# Page views write nothing.
before = session_rows()
for i in range(50):
    Client().get("/task")
is_(session_rows(), before, "50 anonymous page views wrote no session row")

# A student with ten typos first: throttled, alone.
typo = Client()
typo.get("/task")
tok = typo.csrf()
st = [typo.post("/task", {"csrf": tok, "task_code": "WRONG%02d" % i}).status for i in range(10)]
is_(st, [422] * 10, "ten typos: 422 each")
r = typo.post("/task", {"csrf": tok, "task_code": T["code"]})
is_(r.status, 429, "the typing session is paused, even for the right code")
like(r.text, "后再试", "its page says when")
ok(r.header("Retry-After", "").isdigit(), "with Retry-After")

# A guesser of 采集码 in its own session.
guess = Client()
enter_task(guess, T["code"])
guess.get("/code")
gtok = guess.csrf()
gs = [guess.post("/code", {"csrf": gtok, "collect_code": "HXguess%06d" % i}).status for i in range(12)]


def student(i):
    """task code -> 采集码 (the text the browser read) -> /confirm."""
    s = T["students"][i]
    c = Client(timeout=120)
    try:
        if c.get("/task").status != 200:
            return "GET /task %d" % c.last.status
        r = c.post("/task", {"csrf": c.csrf(), "task_code": T["code"]})
        if (r.status, r.location) != (303, "/code"):
            return "POST /task %d" % r.status
        if c.get("/code").status != 200:
            return "GET /code %d" % c.last.status
        r = c.post("/code", {"csrf": c.csrf(), "collect_code": s["code"]})
        if (r.status, r.location) != (303, "/confirm"):
            return "POST /code %d" % r.status
        r = c.get("/confirm")
        if r.status != 200 or s["last4"] not in r.text:
            return "GET /confirm %d" % r.status
        return None
    except Exception as e:  # a refused or reset connection is a refusal
        return repr(e)


t0 = time.time()
with concurrent.futures.ThreadPoolExecutor(max_workers=32) as ex:
    res = list(ex.map(student, range(N)))
took = time.time() - t0
bad = [r for r in res if r]
diag("%d students in %.1f s (%.0f students/s); first failures: %s" % (N, took, N / took, bad[:5]))
is_(len(bad), 0, "%d students from one address: none refused" % N)
ok(took < 60, "all of them within the minute (%.1f s)" % took)

is_(gs[:10], [422] * 10, "the guesser's first ten unknown 采集码: 422")
is_(gs[10:], [429, 429], "then the guessing session is throttled (429)")
r = guess.post("/code", {"csrf": gtok, "collect_code": T["students"][0]["code"]})
is_(r.status, 429, "throttled guesser: refused even for a real code, so it learns nothing")

# The typing student's neighbours were never blocked; a fresh session of
# the same student gets in at once.
again = Client()
r = enter_task(again, T["code"])
is_((r.status, r.location), (303, "/code"), "the student who mistyped, in a new session: straight in")

# --- an address past its ceiling (500 failures in 10 minutes) is slowed -------
# Counters live in fixed 10-minute windows: start well inside one.
if time.time() % 600 > 560:
    time.sleep(600 - time.time() % 600 + 1)
bad_addr = fresh_source()


def guesser(j):
    g = Client(source=bad_addr)
    g.get("/task")
    tok = g.csrf()
    return [g.post("/task", {"csrf": tok, "task_code": "NOPE%02d%02d" % (j, i)}).status for i in range(10)]


with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
    flat = [x for st in ex.map(guesser, range(50)) for x in st]
is_(flat.count(422), 500, "500 wrong task codes from one address, 10 per session: 422 each")
g = Client(source=bad_addr)
g.get("/task")
gt = g.csrf()
r = g.post("/task", {"csrf": gt, "task_code": "NOPE9999"})
is_(r.status, 429, "past the ceiling, a new session's wrong code first waits")
wait = int(r.header("Retry-After", "0") or 0)
ok(1 <= wait <= 10, "a few seconds (Retry-After %d)" % wait)
like(r.text, "排队", "the page says it is queueing")
r = g.post("/task", {"csrf": gt, "task_code": T["code"]})
is_((r.status, r.location), (303, "/code"), "a right task code is never refused for its address")
time.sleep(wait + 1)
h = Client(source=bad_addr)
h.get("/task")
r = h.post("/task", {"csrf": h.csrf(), "task_code": "NOPE9998"})
is_(r.status, 429, "another new session waits too (slowed, not shut)")
g2 = Client(source=bad_addr)
g2.get("/task")
g2t = g2.csrf()
g2.post("/task", {"csrf": g2t, "task_code": "NOPE9997"})
r = g2.post("/task", {"csrf": g2t, "task_code": "NOPE9996"})
ok(r.status == 429, "still waiting before its time")
time.sleep(int(r.header("Retry-After", "1") or 1) + 1)
r = g2.post("/task", {"csrf": g2t, "task_code": "NOPE9995"})
is_(r.status, 422, "after its wait the session is heard again (422)")
c = Client()
r = enter_task(c, T["code"])
is_((r.status, r.location), (303, "/code"), "the campus address is not affected")
done()
