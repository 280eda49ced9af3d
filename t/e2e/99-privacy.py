#!/usr/bin/env python3
"""Runs last: after every other test has gone through the instance, its
logs hold no full ID number (GB 11643, check digit valid), no password
that the tests used, and no session id (QUALITY: "Full ID numbers never in
logs, URLs"; "secrets never in logs")."""
import os
import re

from tlib import VAR, diag, done, is_, ok

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def is_idnum(s):
    if not s[:17].isdigit():
        return False
    return "10X98765432"[sum(int(d) * k for d, k in zip(s, W)) % 11] == s[17].upper()


logs = [os.path.join(VAR, "log", f) for f in ("tucai.log", "nginx-access.log",
                                                "nginx-error.log")]
for path in logs:
    if not os.path.exists(path):
        ok(False, "%s exists" % path)
        continue
    text = open(path, encoding="utf-8", errors="replace").read()
    if not path.endswith("error.log"):
        ok(len(text) > 0, "%s has content (%d bytes)" % (os.path.basename(path), len(text)))
    ids = [m for m in re.findall(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])", text) if is_idnum(m)]
    is_(len(ids), 0, "%s: no ID numbers" % os.path.basename(path))
    if ids:
        diag("first: %s***" % ids[0][:6])
    for secret in ("tucai-demo", "site-test-Passw0rd", "pw-e2e-admin-1"):
        ok(secret not in text, "%s: no password %r" % (os.path.basename(path), secret[:3] + "…"))
    ok(not re.search(r"tucai_(sid|admin)=[0-9a-f]{64}", text),
       "%s: no session cookie" % os.path.basename(path))
    ok("Pay.Secret" not in text and "X-Tucai-Signature" not in text,
       "%s: no payment secret or signature" % os.path.basename(path))

done()
