#!/usr/bin/env python3
"""Every kind of response carries the security headers of QUALITY.md
("Every response: CSP, nosniff, frame-ancestors/X-Frame-Options,
Referrer-Policy; personal pages no-store; no version banner"): pages,
redirects, error pages, PNG, CSV, and nginx's own pages."""
import adminlib
from tlib import Client, done, is_, like, ok, unlike
from _student import book, make_task, prepare


def headers_ok(r, what, personal=True):
    csp = r.header("Content-Security-Policy", "")
    ok(csp and ("frame-ancestors 'none'" in csp or r.header("X-Frame-Options")),
       "%s: CSP with frame-ancestors (%d)" % (what, r.status))
    is_((r.header("X-Content-Type-Options") or "").lower(), "nosniff", "%s: nosniff" % what)
    ok(r.header("Referrer-Policy"), "%s: Referrer-Policy" % what)
    unlike(r.header("Server", ""), r"\d", "%s: no version banner" % what)
    if personal:
        like(r.header("Cache-Control", ""), "no-store", "%s: no-store" % what)


task = make_task(students=1, days=(1,))
c = prepare(task, task["students"][0])
headers_ok(c.last, "slot page")
r = book(c, task["slots"][0])
is_(r.status, 303, "booked")
headers_ok(r, "303 redirect")
r = c.get("/booking/qr.png")
is_(r.header("Content-Type"), "image/png", "QR as PNG")
headers_ok(r, "booking QR PNG")
r = c.get("/no-such-page")
headers_ok(r, "404 page")
r = c.post("/booking/cancel", {})
is_(r.status, 403, "POST without csrf")
headers_ok(r, "403 page")

op = adminlib.login(adminlib.user("operator"))
r = op.get("/admin/tasks/%d/export.csv" % task["id"])
is_(r.status, 200, "CSV export")
headers_ok(r, "CSV export")
like(r.header("Content-Disposition", ""), "attachment", "CSV as an attachment")

anon = Client()
r = anon.post("/code", {"x": "1"}, files={"code_image": ("a.png", b"x" * (12 << 20), "image/png")})
is_(r.status, 413, "nginx's 413")
headers_ok(r, "nginx 413 page", personal=False)
r = anon.request("GET", "/%00")
is_(r.status, 400, "nginx's 400")
headers_ok(r, "nginx 400 page", personal=False)
r = anon.get("/favicon.ico")
headers_ok(r, "favicon", personal=False)
r = anon.get("/static/css/tucai.css")
headers_ok(r, "static file", personal=False)

done()
