#!/usr/bin/env python3
"""Admin login: right and wrong passwords, failures slowed per username and
address pair (429 after 5 in 15 minutes, no lock a stranger can impose),
session rotated on login, logout invalidates the old cookie, CSRF, roles."""
from tlib import *
from adminlib import *

sc = school()
name = user("teacher", sc)

c = Client()
r = c.get("/admin/")
is_(r.status, 303, "not logged in: 303")
like(r.location or "", r"/admin/login$", "to /admin/login")
r = c.get("/admin/login")
is_(r.status, 200, "login page")
before = c.cookie("tucai_admin")
ok(before, "login page sets a session cookie")
tok = c.csrf()
r = c.post("/admin/login", {"username": name, "password": "wrong-password", "csrf": tok})
is_(r.status, 422, "wrong password: 422")
like(r.text, "用户名或密码错误", "with 用户名或密码错误")
r = c.post("/admin/login", {"username": "nobody-" + unique(), "password": "x" * 9, "csrf": tok})
is_(r.status, 422, "unknown user: 422 too")
like(r.text, "用户名或密码错误", "same message for an unknown user")
r = c.post("/admin/login", {"username": name, "password": PW})
is_(r.status, 403, "login without csrf: 403")
r = c.post("/admin/login", {"username": name, "password": PW, "csrf": tok})
is_(r.status, 303, "right password: 303")
like(r.location or "", r"/admin/$", "to the dashboard")
after = c.cookie("tucai_admin")
ok(after and after != before, "session id rotated on login")
r = c.get("/admin/")
is_(r.status, 200, "dashboard with the new cookie")
like(r.text, name, "shows the user")
like(r.header("Content-Security-Policy", ""), "default-src", "CSP on admin pages")
is_(r.header("Cache-Control"), "no-store", "no-store on admin pages")
unlike(r.text, r"<script", "no scripts on the dashboard")

# The old (pre-login) cookie is worth nothing.
old = Client()
old.set_cookie("tucai_admin", before, "/admin")
r = old.get("/admin/")
is_(r.status, 303, "the pre-login cookie is not logged in")

# Logout: POST with csrf; the old cookie stops working.
r = c.get("/admin/")
r = c.post("/admin/logout", {})
is_(r.status, 403, "logout without csrf: 403")
is_(c.get("/admin/").status, 200, "still logged in after the refused logout")
r = c.get("/admin/")
r = c.post("/admin/logout", {"csrf": c.csrf()})
is_(r.status, 303, "logout: 303")
stale = Client()
stale.set_cookie("tucai_admin", after, "/admin")
r = stale.get("/admin/")
is_(r.status, 303, "the logged-out cookie no longer works")

# 5 failures of one username and address pair: that pair gets 429 for every
# try, but the account is not locked for anyone else.
name2 = user("staff")
c = Client()
c.get("/admin/login")
tok = c.csrf()
codes = []
for i in range(5):
    codes.append(c.post("/admin/login", {"username": name2, "password": "bad-%d-password" % i, "csrf": tok}).status)
is_(codes[:4], [422] * 4, "failures 1-4: 422")
is_(codes[4], 422, "failure 5: 422")
r = c.post("/admin/login", {"username": name2, "password": PW, "csrf": tok})
is_(r.status, 429, "slowed pair: the right password gets 429 too")
like(r.text, "15 分钟后再试", "the page says when")
unlike(r.text, "锁定", "no word of a locked account")
r = c.get("/admin/")
is_(r.status, 303, "and no session was given")
u = login(name2, source=fresh_source())
is_(u.get("/admin/").status, 200, "the same account from another address logs in: no lock for strangers")
# An unknown username is slowed the same way (nothing tells it apart).
codes = [c.post("/admin/login", {"username": "nobody-" + unique(), "password": "x" * 9, "csrf": tok}).status for i in range(2)]
is_(codes, [422, 422], "unknown users: 422, as wrong passwords")
# Another account is not affected.
name3 = user("staff")
r = c.post("/admin/login", {"username": name3, "password": PW, "csrf": tok})
is_(r.status, 303, "another account still logs in")

# Disabled user: logged out on the next request.
op = login(user("operator"))
t = login(name3)
is_(t.get("/admin/students").status, 200, "staff may search students")
is_(t.get("/admin/users").status, 403, "staff on /admin/users: 403")
r = op.get("/admin/users")
import re
uid = None
for mm in re.finditer(r"<tr><td>([^<]+)</td>.*?href=\"/admin/users/(\d+)\"", r.text, re.S):
    if mm.group(1) == name3:
        uid = mm.group(2)
ok(uid, "the operator sees the new user in the list")
r = op.get("/admin/users/%s" % uid)
r = op.post("/admin/users/%s" % uid, {"role": "staff", "school": "", "disabled": "1", "csrf": op.csrf()})
is_(r.status, 303, "operator disables the user")
r = t.get("/admin/students")
is_(r.status, 303, "the disabled user is logged out")
r = t.post("/admin/login", {"username": name3, "password": PW, "csrf": (t.get("/admin/login"), t.csrf())[1]})
is_(r.status, 403, "and cannot log in again")
done()
