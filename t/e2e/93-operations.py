#!/usr/bin/env python3
"""Operations (issue 12 items 2, 5, 6, 7, 9): `tucai backup DIR` writes a
consistent gzip'd dump, mode 0600, and `tucai restore FILE` brings it back
into a scratch database with the same rows; `tucai init-config` writes a
production configuration with fresh secrets, root:tucai 0640, and never
overwrites one; the sandbox bank is refused on a production site; a log
file the program cannot write stops it with a clear message; the log is
reopened when rotated; /healthz answers for monitoring."""
import grp
import os
import re
import stat
import subprocess
import time

import adminlib
import tlib
from tlib import Client, cli, done, is_, like, ok, sql, tmpdir, unlike

BIN = os.path.join(tlib.VAR, "build", "tucai")
d = tmpdir()


def run(conf_text, *args, env=None):
    path = os.path.join(d, "t%d.hdf" % time.monotonic_ns())
    with open(path, "w", encoding="utf-8") as f:
        f.write(conf_text)
    e = dict(os.environ, TUCAI_CONF=path)
    e.update(env or {})
    return subprocess.run([BIN] + list(args), env=e, capture_output=True, text=True)


with open(tlib.CONF, encoding="utf-8") as f:
    conf = f.read()

# --- backup and restore -------------------------------------------------------
students = sql("SELECT COUNT(*) FROM student")
rc, out, err = cli("backup", d)
is_(rc, 0, "tucai backup DIR")
m = re.search(r"backup (\S+\.sql\.gz)", out)
ok(m and os.path.exists(m.group(1)), "the dump is there")
path = m.group(1) if m else "/nonexistent"
if os.path.exists(path):
    is_(stat.S_IMODE(os.stat(path).st_mode), 0o600, "mode 0600")
    with open(path, "rb") as f:
        is_(f.read(2), b"\x1f\x8b", "gzip'd")
rc, out, err = cli("restore", path)
is_(rc, 0, "tucai restore FILE: into the scratch database")
like(out, r"restored .* into tucai_restore_test", "says where")
is_((adminlib.sql("SELECT COUNT(*) FROM tucai_restore_test.student") or "").strip(), students,
    "the same students")
ok(int((adminlib.sql("SELECT COUNT(*) FROM tucai_restore_test.schema_migration") or "0").strip() or 0) > 0,
   "and the schema's migrations")
rc, out, err = cli("restore", path, "tucai")
is_(rc, 1, "never over the live database")
adminlib.sql("DROP DATABASE tucai_restore_test")

# --- init-config --------------------------------------------------------------
made_group = False
try:
    grp.getgrnam("tucai")
except KeyError:
    subprocess.run(["groupadd", "--system", "tucai"], check=True)
    made_group = True
try:
    target = os.path.join(d, "tucai.hdf")
    p = subprocess.run([BIN, "init-config", target], capture_output=True, text=True)
    is_(p.returncode, 0, "tucai init-config FILE")
    st = os.stat(target)
    is_((stat.S_IMODE(st.st_mode), st.st_uid, grp.getgrgid(st.st_gid).gr_name), (0o640, 0, "tucai"),
        "root:tucai 0640")
    text = open(target, encoding="utf-8").read()
    like(text, r"FormKey = [0-9a-f]{64}", "a fresh form key")
    like(text, r"Production = 1", "a production site")
    like(text, r"Provider = onsite", "fees collected on site until a provider is set up")
    unlike(text, "@", "no placeholders left")
    p2 = subprocess.run([BIN, "init-config", os.path.join(d, "tucai2.hdf")], capture_output=True, text=True)
    key1 = re.search(r"FormKey = (\w+)", text).group(1)
    key2 = re.search(r"FormKey = (\w+)", open(os.path.join(d, "tucai2.hdf")).read()).group(1)
    ok(key1 != key2, "each run makes new secrets")
    p = subprocess.run([BIN, "init-config", target], capture_output=True, text=True)
    is_(p.returncode, 1, "an existing file is not overwritten")
finally:
    if made_group:
        subprocess.run(["groupdel", "tucai"])

# --- production refuses the sandbox; an unwritable log stops the program -----
p = run(conf + "\nSite.Production = 1\n", "sweep")
is_(p.returncode, 1, "sandbox on a production site: refused")
like(p.stderr, "sandbox", "and said")
p = run(conf + "\nSite.Production = 1\nPay.Provider = onsite\n", "sweep")
is_(p.returncode, 0, "the on-site provider runs on a production site")
p = run(re.sub(r"File = .*", "File = /nonexistent/dir/tucai.log", conf, count=1), "sweep")
is_(p.returncode, 1, "a log file it cannot write: exit 1")
like(p.stderr, "cannot write Log.File /nonexistent/dir/tucai.log", "with a clear message")

# --- the log is reopened when rotated ----------------------------------------
# As logrotate does it ("create"): the file moved away, a new one made
# with the same owner and mode; the programs must move to the new one.
log = re.search(r"File = (.*)", conf).group(1).strip()
st = os.stat(log)
os.rename(log, log + ".1")
with open(log, "w"):
    pass
os.chown(log, st.st_uid, st.st_gid)
os.chmod(log, stat.S_IMODE(st.st_mode))
for _ in range(3):
    Client().get("/nosuchpage-%d" % time.monotonic_ns())
    time.sleep(1.1)
ok(os.path.getsize(log) > 0, "after a rotation the programs write the new file")
with open(log + ".1", encoding="utf-8", errors="replace") as f:
    old_tail = f.read()[-4000:]
ok("nosuchpage" not in old_tail.split("\n")[-2], "not the old one")
# One log again, in the file the programs now write (same inode), so that
# later scripts (99-privacy) read all of it.
with open(log, "r+b") as f, open(log + ".1", "rb") as g:
    new = f.read()
    f.seek(0)
    f.write(g.read() + new)
    f.truncate()
os.unlink(log + ".1")

# --- the production nginx site ------------------------------------------------
# The same etc/nginx/tucai.conf.in the tests run behind, filled as make
# install fills it (TLS, port 80 to https), must be a valid nginx site.
build = os.path.join(tlib.VAR, "build")
p = subprocess.run(["make", "-s", "-C", build, "etc/nginx/tucai.conf"], capture_output=True, text=True)
is_(p.returncode, 0, "make etc/nginx/tucai.conf (the production site)")
site = open(os.path.join(build, "etc", "nginx", "tucai.conf"), encoding="utf-8").read()
unlike(site, r"@[A-Z_]+@", "no placeholder left")
like(site, r"listen 443 ssl", "https")
like(site, r"return 301 https://", "port 80 sends to https")
like(site, r"unix:/run/tucai/student\.sock", "the programs' sockets under /run/tucai")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", os.path.join(d, "k.pem"),
                "-out", os.path.join(d, "c.pem"), "-days", "1", "-subj", "/CN=t"], capture_output=True, check=True)
site = site.replace("/etc/ssl/certs/tucai.pem", os.path.join(d, "c.pem"))
site = site.replace("/etc/ssl/private/tucai.key", os.path.join(d, "k.pem"))
with open(os.path.join(d, "site.conf"), "w", encoding="utf-8") as f:
    f.write(site)
with open(os.path.join(d, "main.conf"), "w") as f:
    f.write("events {}\nhttp { include /etc/nginx/mime.types; include %s/site.conf; }\n"
            "pid %s/nginx.pid;\nerror_log %s/nginx-err.log;\n" % (d, d, d))
p = subprocess.run(["nginx", "-t", "-p", d, "-c", os.path.join(d, "main.conf")], capture_output=True, text=True)
is_(p.returncode, 0, "nginx -t accepts it (%s)" % p.stderr.strip().splitlines()[-1:])

# --- monitoring ---------------------------------------------------------------
r = Client().get("/healthz")
is_((r.status, r.text), (200, "ok\n"), "/healthz: ok when the database answers")
done()
