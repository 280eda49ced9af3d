#!/usr/bin/env python3
"""The request core through nginx: session cookie attributes, CSRF, unknown
and repeated parameters, content types, hostile input, body limits, and
the task-code throttle (CONTRACT 3, QUALITY "Sessions, access, input")."""
import re

from tlib import Client, cli, done, is_, like, ok, unique, unlike, diag

# A task of our own, so that this script does not depend on demo data.
school = unique("9", digits=True, n=5)
task = unique("CORE")
rc, out, err = cli("school", "add", school, "核心测试学校")
is_(rc, 0, "school added: " + err.strip())
rc, out, err = cli("task", "add", task, "--school", school, "--title", "核心测试",
                   "--from", "2026-01-01", "--to", "2099-12-31", "--fee", "40")
is_(rc, 0, "task added: " + err.strip())

c = Client()
r = c.get("/task")
is_(r.status, 200, "GET /task shows the form")
sc = r.header("Set-Cookie", "")
like(sc, r"^tucai_sid=[0-9a-f]{64};", "a session cookie with a 256-bit random id")
like(sc, r"HttpOnly", "cookie is HttpOnly")
like(sc, r"SameSite=Lax", "cookie is SameSite=Lax")
unlike(sc, r"Secure", "no Secure flag on plain http (Site.SecureCookies = 0)")
is_(r.header("Cache-Control"), "no-store", "personal pages are no-store")
token = c.csrf()
ok(token and len(token) == 43, "the form carries a 256-bit csrf token")

r = c.post("/task", {"task_code": task})
is_(r.status, 403, "POST without csrf: 403")
r = c.post("/task", {"task_code": task, "csrf": "x" * 43})
is_(r.status, 403, "POST with a wrong csrf: 403")
other = Client()
other.get("/task")
r = other.post("/task", {"task_code": task, "csrf": token})
is_(r.status, 403, "another session's csrf token: 403")

r = c.post("/task", {"task_code": task, "csrf": token, "admin": "1"})
is_(r.status, 400, "an unknown parameter is refused (400)")
r = c.post("/task", [("task_code", task), ("task_code", "X"), ("csrf", token)])
is_(r.status, 400, "a repeated parameter is refused (400)")
r = c.post("/task", [("task_code[]", task), ("csrf", token)])
is_(r.status, 400, "a bracketed parameter name is refused (400)")
r = c.request("POST", "/task", body='{"task_code":"%s"}' % task,
              headers={"Content-Type": "application/json"})
is_(r.status, 415, "a JSON body is refused (415)")
r = c.request("PUT", "/task", body="")
ok(r.status in (405, 400), "PUT is refused (%d)" % r.status)

for bad, what in ((task + "<script>", "markup"), ("' OR '1'='1", "SQL"),
                  ("\u4efb\u52a1", "Chinese"), ("A" * 200, "overlong")):
    r = c.post("/task", {"task_code": bad, "csrf": token})
    is_(r.status, 422, "task code with %s: 422" % what)
    unlike(r.text, r"<script>", "no markup echoed (%s)" % what)
r = c.request("POST", "/task", body=("task_code=%s%%00x&csrf=" % task).encode() + token.encode(),
              headers={"Content-Type": "application/x-www-form-urlencoded"})
is_(r.status, 400, "NUL byte after a valid task code: refused (400), not cut short")
r = c.get("/task?task_code=%s%%00x" % task)
is_(r.status, 400, "NUL byte in the query string: 400")
r = c.request("POST", "/task", body=b"--x\r\n", headers={"Content-Type": "multipart/form-data"})
is_(r.status, 400, "multipart without a boundary: 400 (the parser is never reached)")
r = c.request("POST", "/task", body=b"", headers={"Content-Type": "multipart/form-data; boundary="})
is_(r.status, 400, "multipart with an empty boundary: 400")
body = (b"--bnd\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--bnd--\r\n")
r = c.request("POST", "/task", body=body, headers={"Content-Type": "multipart/form-data; boundary=bnd"})
is_(r.status, 400, "a multipart part with an empty name: 400, not 500")
r = c.get("/task")
is_(r.status, 200, "the worker is alive after the malformed bodies")
r = c.get("/?from=singlemessage&isappinstalled=0")
is_(r.status, 200, "a shared link with WeChat's extra parameters opens the entrance")
r = c.get("/faq?utm_source=notice")
is_(r.status, 200, "unknown query keys are ignored on a GET")
r = c.request("POST", "/task", body=b"task_code=%ff%fe&csrf=" + token.encode(),
              headers={"Content-Type": "application/x-www-form-urlencoded"})
ok(r.status in (400, 422), "invalid UTF-8: %d, not 500" % r.status)

r = c.post("/task", {"task_code": "NOSUCH" + task, "csrf": token})
is_(r.status, 422, "wrong task code: 422")
like(r.text, "任务代码不正确，请与学校负责老师确认", "with the guide's message")
r = c.post("/task", {"task_code": task, "csrf": token})
is_(r.status, 303, "right task code: 303")
like(r.location or "", r"/code$", "on to /code")

# Body over the limit: nginx answers 413 before the app reads it.
big = b"x" * (12 * 1024 * 1024)
r = c.post("/code", {"csrf": token}, files={"code_image": ("a.png", big, "image/png")})
is_(r.status, 413, "12 MB upload: 413")

# Throttle: 10 wrong codes in 10 minutes -> 429, per session.
t = Client()
t.get("/task")
tok = t.csrf()
codes = [t.post("/task", {"task_code": "WRONG%d" % i, "csrf": tok}).status
         for i in range(11)]
is_(codes[:10], [422] * 10, "ten wrong codes: 422 each")
is_(codes[10], 429, "the eleventh: 429")
r = t.post("/task", {"task_code": task, "csrf": tok})
is_(r.status, 429, "even the right code is throttled now")

done()
