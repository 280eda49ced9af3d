#!/usr/bin/env python3
"""The student who comes back (issue 11 items 1-5), on the instance's clock.

A student books and pays, closes the browser and comes back a week later
(clock +7 days, `tucai sweep` in between): the cookie lived 30 days, the
home page shows the booking at once; a cancel now asks for the full ID
number first (the session was idle for more than a day); a wrong number
cancels nothing.  Another phone finds the booking with the 采集码 image
and the full ID number.  “不是本人？换一个采集码” ends the session.  After
the window the closed task's page says “本次采集已结束” and leads to
/find; the student sees the photo inline (长按图片保存到相册), and the
download keeps attachment."""
import os
import re

import adminlib
from tlib import Client, cli, done, is_, isnt, like, ok, set_clock, sql, tmpdir, unlike
from _student import book, make_task, pay_card, portrait, prepare, qr

DAY = 86400
T = make_task(students=3, capacity=5, fee="40", days=(1, 9))
S = T["students"]
c = prepare(T, S[0])
r = book(c, T["slots"][-1])                       # day 9
ok(pay_card(c), "the student booked day 9 and paid")
r = c.get("/booking")
like(r.text, "预约成功", "booked")

# The cookie: 30 days, HttpOnly, SameSite=Lax (checked on a fresh sign-in).
d = Client(source=c.source)
r = d.get("/task")
sc = r.header("Set-Cookie", "")
like(sc, r"tucai_sid=[0-9a-f]{64}", "the student cookie")
like(sc, r"Max-Age=2592000", "lives 30 days")
like(sc, r"HttpOnly", "HttpOnly")
like(sc, r"SameSite=Lax", "SameSite=Lax")

# A week later, the same browser.
set_clock(7 * DAY)
rc, out, err = cli("sweep")
is_(rc, 0, "tucai sweep ran in between")
r = c.get("/")
is_(r.status, 200, "a week later: the home page")
like(r.text, "我的预约", "shows the booking at once")
like(r.text, re.escape(T["code"]) + "|测试采集", "of this task")
r = c.get("/booking/cancel")
is_(r.status, 200, "cancel asks first")
like(r.text, 'name="id_number"', "and, after a week away, for the full ID number")
tok = c.csrf(r)
r = c.post("/booking/cancel", {"csrf": tok, "id_number": S[1]["idn"]})
is_(r.status, 422, "someone else's number: 422")
like(r.text, "身份证号不正确", "with the message")
is_(sql("SELECT COUNT(*) FROM booking b JOIN student s ON s.id = b.student_id WHERE s.collect_code = '%s' "
        "AND b.state = 'booked'" % S[0]["code"]), "1", "nothing cancelled")
r = c.get("/booking/cancel")
like(r.text, 'name="id_number"', "still asked")

# Another phone: the 采集码 image and the full ID number.
p2 = Client(source=c.source)
p2.get("/find")
r = p2.post("/find", {"csrf": p2.csrf(), "id_number": S[0]["idn"]}, files={"code_image": qr(S[0]["code"])})
is_((r.status, r.location), (303, "/booking"), "another phone: 采集码 image + ID number -> /booking")
like(p2.get("/booking").text, "预约成功", "it sees the booking")
p3 = Client(source=c.source)
p3.get("/find")
r = p3.post("/find", {"csrf": p3.csrf(), "id_number": S[1]["idn"]}, files={"code_image": qr(S[0]["code"])})
is_(r.status, 422, "the image with another student's number: 422")

# “不是本人？换一个采集码”
r = p2.get("/")
like(r.text, "不是本人？换一个采集码", "the home page offers to leave")
r = p2.post("/leave", {"csrf": p2.csrf(r)})
is_((r.status, r.location), (303, "/task"), "leaving: -> /task")
unlike(p2.get("/").text, "tc-card_booking", "the session is gone: no booking on the home page")
is_(p2.get("/booking").status, 303, "its booking page is not reachable any more")

# The first phone gives the number, then cancels.
r = c.get("/booking/cancel")
r = c.post("/booking/cancel", {"csrf": c.csrf(r), "id_number": S[0]["idn"]})
is_((r.status, r.location), (303, "/booking"), "with the right number: cancelled")
like(c.get("/booking").text, "已取消，冻结款项将于", "with the refund date")

# After the window: another student, collected, comes back.
set_clock(0)
e = prepare(T, S[2])
book(e, T["slots"][0])                            # day 1
ok(pay_card(e), "a second student booked day 1 and paid")
staff = adminlib.user("staff")
set_clock(1 * DAY)
st = adminlib.login(staff)
st.get("/admin/site")
tok = st.csrf()
bid = sql("SELECT b.id FROM booking b JOIN student s ON s.id = b.student_id WHERE s.collect_code = '%s' "
          "AND b.active_student IS NOT NULL" % S[2]["code"])
r = st.post("/admin/site/scan", {"code": sql("SELECT token FROM booking WHERE id = %s" % bid), "csrf": tok})
is_(r.status, 303, "day 1: checked in")
url = re.sub(r"\?.*", "", r.location or "")
r = st.post(url + "/photo", {"csrf": tok}, files={"photo": portrait(os.path.join(tmpdir(), "p.jpg"))})
is_(r.status, 303, "photo uploaded (fee captured)")
set_clock(20 * DAY)
rc, out, err = cli("task", "close", T["code"])
is_(rc, 0, "after the window the task is closed")
f = Client(source=c.source)
f.get("/task")
r = f.post("/task", {"task_code": T["code"], "csrf": f.csrf()})
is_(r.status, 303, "the closed task's code")
like(r.location or "", r"/find\?closed=1", "leads to /find")
r = f.get(r.location)
like(r.text, "本次采集已结束", "which says the collection is over")
r = f.post("/find", {"csrf": f.csrf(r), "collect_code": S[2]["code"], "id_number": S[2]["idn"]})
is_(r.status, 303, "the collected student signs in after the close")
r = f.get("/records")
m = re.search(r'<img src="(/records/\d+\.jpg)\?view=1"', r.text)
ok(m, "the photo is shown in the page")
like(r.text, "长按图片保存到相册", "with 长按图片保存到相册")
if m:
    v = f.get(m.group(1) + "?view=1")
    is_(v.status, 200, "the inline photo")
    like(v.header("Content-Disposition") or "", r"^inline;", "sent inline (WeChat saves no attachment)")
    a = f.get(m.group(1))
    like(a.header("Content-Disposition") or "", r"^attachment;.*%E6%AF%95%E4%B8%9A%E7%85%A7%E7%89%87\.jpg",
         "the download link keeps attachment, named 姓名-毕业照片.jpg")
    unlike(a.header("Content-Disposition") or "", S[2]["idn"], "no ID number in the name")
set_clock(0)
done()
