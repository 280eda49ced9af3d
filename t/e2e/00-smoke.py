#!/usr/bin/env python3
"""Smoke: the instance answers through nginx, with the security headers, the
vendored WeUI stylesheet, a Chinese 404 page and the admin login redirect."""
import re

from tlib import Client, done, is_, like, ok, unlike, diag

c = Client()

r = c.get("/")
is_(r.status, 200, "GET / answers 200")
like(r.text, "毕业生采集", "home page shows the entrance 毕业生采集")
like(r.header("Content-Type", ""), r"^text/html", "home page is text/html")
csp = r.header("Content-Security-Policy", "")
ok(csp, "Content-Security-Policy is set")
is_(r.header("X-Content-Type-Options", "").lower(), "nosniff", "X-Content-Type-Options: nosniff")
ok(r.header("X-Frame-Options") or "frame-ancestors" in csp,
   "X-Frame-Options or CSP frame-ancestors is set")
ok(r.header("Referrer-Policy"), "Referrer-Policy is set")
server = r.header("Server", "")
unlike(server, r"nginx/\d", "no nginx version in Server: (%s)" % (server or "none"))
for h in ("X-Powered-By",):
    ok(r.header(h) is None, "no %s header" % h)

r = c.get("/static/vendor/weui.min.css")
is_(r.status, 200, "vendored WeUI stylesheet served")
like(r.header("Content-Type", ""), r"^text/css", "as text/css")
is_(r.header("X-Content-Type-Options", "").lower(), "nosniff", "static files: nosniff")

r = c.get("/static/package.json")
is_(r.status, 404, "static/package.json is not served")

r = c.get("/no-such-page-%d" % id(c))
is_(r.status, 404, "unknown path answers 404")
ok(re.search(r"[\u4e00-\u9fff]", r.text), "the 404 page is in Chinese")
unlike(r.text, r"nginx", "the 404 page is the app's, not nginx's")

r = c.get("/admin/")
is_(r.status, 303, "GET /admin/ without login answers 303")
like(r.location or "", r"/admin/login$", "and redirects to /admin/login")
r = c.follow()
is_(r.status, 200, "the login page answers 200")
ok(c.csrf() is not None, "the login form carries a csrf field")

done()
