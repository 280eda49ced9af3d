#!/usr/bin/env python3
"""Faults (QUALITY "Faults"): MariaDB killed with SIGKILL while the site is
served -> 503 pages with an incident id, then recovery by itself once the
server is back, without restarting the FastCGI programs; a FastCGI worker
killed -> restarted, the site keeps answering."""
import os
import signal
import subprocess
import time

from tlib import Client, SRC, VAR, done, is_, like, ok, diag

env = dict(os.environ, TUCAI_VAR=VAR)
dbctl = os.path.join(SRC, "tools", "dbctl")


def workers(name):
    """PIDs of the instance's NAME.fcgi worker processes."""
    prog = os.path.join(VAR, "build", name + ".fcgi")
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].decode(errors="replace") == prog:
            pids.append(int(p))
    return pids


c = Client()
r = c.get("/task")
is_(r.status, 200, "the site answers")

before = workers("student")
ok(len(before) >= 1, "student.fcgi workers found: %s" % before)

p = subprocess.run([dbctl, "kill"], env=env, capture_output=True, text=True)
is_(p.returncode, 0, "mariadbd killed (SIGKILL) " + p.stderr.strip())
r = c.get("/task")
is_(r.status, 503, "a page that needs the database: 503")
like(r.text, "系统繁忙", "the 503 page says 系统繁忙 in Chinese")
like(r.text, r"错误编号：[0-9a-f]{16}", "with an incident id")
r = c.get("/faq")
is_(r.status, 200, "a page without the database still answers")

p = subprocess.run([dbctl, "start"], env=env, capture_output=True, text=True)
is_(p.returncode, 0, "mariadbd started again " + p.stderr.strip())
statuses = [c.get("/task").status for _ in range(3)]
is_(statuses, [200, 200, 200], "pages recover by themselves")
is_(sorted(workers("student")), sorted(before), "without restarting the workers")

# A worker killed: multiwatch starts a new one, the site keeps answering.
pid = before[0]
os.kill(pid, signal.SIGKILL)
deadline = time.time() + 10
while time.time() < deadline:
    now = workers("student")
    if pid not in now and len(now) >= len(before):
        break
    time.sleep(0.2)
now = workers("student")
ok(pid not in now and len(now) >= len(before),
   "the killed worker was replaced (%s -> %s)" % (before, now))
statuses = [c.get("/faq").status for _ in range(6)]
is_(statuses, [200] * 6, "the site answers after the worker's death")

done()
