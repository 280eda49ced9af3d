#!/usr/bin/env python3
"""The student booking flow, step by step, and every error path of it
(CONTRACT 3; issue 3 items 2-6, 8, 9; issue 5 item 5).

A task of its own with students from a generated roster; real QR images
(qrencode + the ImageMagick corpus of t/lib/mkimages.sh) go through nginx.
"""
import os
import re
import subprocess

from tlib import Client, done, is_, isnt, like, ok, tmpdir, unlike, diag
from _student import (book, enter_task, idcard, make_task, prepare, qr, sql,
                      upload_code)

T = make_task(students=8, capacity=10, days=(1, 2))
S = T["students"]
OTHER = make_task(students=1, days=(1,))

# --- entrance and task code -------------------------------------------------
c = Client()
r = c.get("/")
is_(r.status, 200, "GET / answers")
like(r.text, "毕业生采集", "the entrance names 毕业生采集")
r = c.get("/code")
is_((r.status, r.location), (303, "/task"), "/code without a task -> /task")
r = enter_task(c, "NOPE" + T["code"])
is_(r.status, 422, "wrong task code -> 422")
like(r.text, "任务代码不正确，请与学校负责老师确认", "wrong task code: the guide's message")
r = c.post("/task", {"task_code": T["code"]})
is_(r.status, 403, "POST without csrf -> 403")
r = enter_task(c, T["code"])
is_((r.status, r.location), (303, "/code"), "right task code -> /code")

g = Client()
statuses = [enter_task(g, "BAD%02d" % i).status for i in range(12)]
is_(statuses[:10], [422] * 10, "ten wrong codes: 422 each")
is_(statuses[10], 429, "the eleventh -> 429")

# --- 采集码 upload -----------------------------------------------------------------
r = c.get("/code")
like(r.text, "请勿上传截图", "warning: no screenshots")
like(r.text, "本人采集码", "warning: own code only")
d = tmpdir()
txt = os.path.join(d, "notimage.png")
with open(txt, "w") as f:
    f.write("just some text, not an image\n")
r = upload_code(c, txt)
is_(r.status, 415, "a text file named .png -> 415")
noqr = os.path.join(d, "noqr.jpg")
subprocess.run(["/usr/bin/convert", "-size", "800x600", "gradient:#a09080-#403830",
                "-fill", "#e0e0e0", "-draw", "rectangle 100,100 400,400", noqr], check=True)
r = upload_code(c, noqr)
is_(r.status, 422, "a photo without a QR code -> 422")
like(r.text, "未识别到二维码", "no QR: message")
r = upload_code(c, qr(OTHER["students"][0]["code"]))
is_(r.status, 422, "another task's 采集码 -> 422")
like(r.text, "该采集码不属于本次采集任务", "not this task: message")
r = upload_code(c, qr("HXnotinanyroster42"))
is_(r.status, 422, "an unknown 采集码 -> 422")
r = c.post("/code", {"csrf": c.csrf()})
is_(r.status, 422, "no file -> 422")

# Phone-like images of the code all decode and resolve.
for i, variant in enumerate(["screenshot", "rot90", "rot15", "persp", "exif6", "screen", "photo12mp"]):
    k = Client()
    enter_task(k, T["code"])
    r = upload_code(k, qr(S[0]["code"], variant))
    is_((r.status, r.location), (303, "/confirm"), "采集码 as %s -> /confirm" % variant)
k = Client()
enter_task(k, T["code"])
url = os.path.join(d, "url.png")
subprocess.run(["qrencode", "-s", "6", "-o", url,
                "https://my.chsi.com.cn/archive/cjm/show?code=%s&from=app" % S[0]["code"]], check=True)
r = upload_code(k, url)
is_((r.status, r.location), (303, "/confirm"), "a URL carrying the code as ?code= -> /confirm")
subprocess.run(["qrencode", "-s", "6", "-o", url,
                "https://example.edu.cn/cjm/%s" % S[0]["code"]], check=True)
k = Client()
enter_task(k, T["code"])
r = upload_code(k, url)
is_((r.status, r.location), (303, "/confirm"), "a URL with the code as last segment -> /confirm")

# --- confirm -----------------------------------------------------------------------
old = c.cookie("tucai_sid")
r = upload_code(c, qr(S[0]["code"]))
is_((r.status, r.location), (303, "/confirm"), "own 采集码 -> /confirm")
isnt(c.cookie("tucai_sid"), old, "the session id is rotated when the student is identified")
r = c.get("/confirm")
is_(r.status, 200, "GET /confirm")
for label in ("采集码", "学校名称", "学校代码", "姓名", "证件号", "学历类别", "学历层次", "学号", "班级",
              "确认无误，提交", "重新上传采集码", "信息有误"):
    like(r.text, label, "confirm shows " + label)
like(r.text, S[0]["name"][0] + r"\*+" + S[0]["name"][-1], "name masked like 李*芳")
unlike(r.text, S[0]["name"], "the full name is not shown")
like(r.text, S[0]["last4"], "ID number: last four shown")
like(r.text, 'href="/code"', "link back to the upload")

# --- skipping steps ----------------------------------------------------------------
k = Client()
enter_task(k, T["code"])
k.get("/code")
r = k.post("/slots", {"csrf": k.csrf(), "slot_id": str(T["slots"][0]), "agree": "1"})
is_((r.status, r.location), (303, "/code"), "POST /slots without a code -> back to /code")
k.get("/code")
r = k.post("/confirm", {"csrf": k.csrf()})
is_((r.status, r.location), (303, "/code"), "POST /confirm without a code -> /code")
k2 = Client()
enter_task(k2, T["code"])
upload_code(k2, qr(S[1]["code"]))
k2.get("/confirm")
r = k2.post("/slots", {"csrf": k2.csrf(), "slot_id": str(T["slots"][0]), "agree": "1"})
is_((r.status, r.location), (303, "/confirm"), "POST /slots before confirming -> /confirm")
r = Client().post("/slots", {"slot_id": str(T["slots"][0]), "agree": "1"})
is_(r.status, 403, "POST /slots without any session -> 403")
is_(sql("SELECT COUNT(*) FROM booking WHERE task_id = %d" % T["id"]), "0", "no booking from skipped steps")

# --- slots ----------------------------------------------------------------------------
r = c.post("/confirm", {"csrf": c.csrf()})
is_((r.status, r.location), (303, "/slots"), "confirm -> /slots (no ID photo needed)")
r = c.get("/slots")
is_(r.status, 200, "GET /slots")
like(r.text, "预约须知", "the notice")
like(r.text, 'name="agree"', "the agree checkbox")
like(r.text, "剩余 10 个", "seats left shown")
r = c.post("/slots", {"csrf": c.csrf(), "slot_id": str(T["slots"][0])})
is_(r.status, 422, "without agree -> 422")
r = c.post("/slots", {"csrf": c.csrf(), "slot_id": str(OTHER["slots"][0]), "agree": "1"})
is_(r.status, 422, "a slot of another task -> 422")
past = sql("SELECT id FROM slot WHERE starts_at < UTC_TIMESTAMP() ORDER BY id LIMIT 1")
if past:
    r = c.post("/slots", {"csrf": c.csrf(), "slot_id": past, "agree": "1"})
    is_(r.status, 422, "a past slot -> 422")
r = book(c, T["slots"][0])
is_((r.status, r.location), (303, "/pay"), "slot taken -> /pay")
is_(sql("SELECT booked FROM slot WHERE id = %d" % T["slots"][0]), "1", "slot.booked counts it")
is_(sql("SELECT state FROM booking WHERE task_id = %d" % T["id"]), "held", "booking is held")
r = c.get("/pay")
is_(r.status, 200, "GET /pay")
like(r.text, "40.00", "the amount from the task")
like(r.text, "预支付", "pre-authorisation wording")
like(r.text, "冻结", "frozen wording")
r = c.get("/booking")
like(r.text, "待支付", "booking page: state held in Chinese")
like(r.text, 'action="/booking/cancel"', "a cancel button (its GET asks first)")
r = c.get("/booking/qr.png")
is_(r.status, 200, "own booking QR")
is_(r.headers.get("Content-Type"), "image/png", "QR is a PNG")
ok(r.body[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature")
r = Client().get("/booking/qr.png")
is_(r.status, 404, "someone else's (no) session: QR 404")
r = k2.get("/booking/qr.png")
is_(r.status, 404, "another student's session: QR 404")
r = c.get("/")
like(r.text, "我的预约", "the entrance shows the booking")

# Already booked: the 采集码 again in the same session leads to the booking;
# in a fresh session it asks for the full ID number first (/find).
r = upload_code(c, qr(S[0]["code"]))
is_((r.status, r.location), (303, "/booking"), "采集码 with a booking, same session -> /booking")
k3 = Client()
enter_task(k3, T["code"])
r = upload_code(k3, qr(S[0]["code"]))
is_((r.status, r.location), (303, "/find"), "采集码 with a booking, another session -> /find")

# Full slot: 409 with the message.
F = make_task(students=2, capacity=1, days=(1,), hours=("08:00", "09:00"))
a = prepare(F, F["students"][0])
is_(book(a, F["slots"][0]).status, 303, "the only seat")
b = prepare(F, F["students"][1])
r = book(b, F["slots"][0])
is_(r.status, 409, "full slot -> 409")
like(r.text, "该时段已约满", "full: message")
like(b.get("/slots").text, "已约满", "full slot shown as 已约满")

# --- /find: 采集码 + the full ID number --------------------------------------------------
def wrong_idn(idn):
    return idn[:-2] + ("00" if idn[-2:] != "00" else "11")


f = Client()
f.get("/find")
r = f.post("/find", {"csrf": f.csrf(), "collect_code": S[0]["code"], "id_number": S[0]["last4"]})
is_(r.status, 422, "/find with only the last four -> 422 (the full number is asked)")
r = f.post("/find", {"csrf": f.csrf(), "collect_code": S[0]["code"], "id_number": wrong_idn(S[0]["idn"])})
is_(r.status, 422, "/find with a wrong ID number -> 422")
like(r.text, "未找到匹配的预约信息", "generic message")
r = f.post("/find", {"csrf": f.csrf(), "collect_code": "HXnobody00", "id_number": S[0]["idn"]})
is_(r.status, 422, "/find with a wrong code -> 422, same message")
like(r.text, "未找到匹配的预约信息", "same generic message")
r = f.post("/find", {"csrf": f.csrf(), "collect_code": S[0]["code"], "id_number": S[0]["idn"].lower()})
is_((r.status, r.location), (303, "/booking"), "/find right -> /booking")
like(f.get("/booking").text, "待支付", "the booking on the other device")
ok(S[0]["idn"] not in f.get("/booking").text, "the full ID number is shown on no student page")
f2 = Client()
f2.get("/find")
tok2 = f2.csrf()
st = [f2.post("/find", {"csrf": tok2, "collect_code": "HXguess%02d" % i, "id_number": "110101199003074578"}).status
      for i in range(11)]
is_(st[:10], [422] * 10, "ten wrong /find: 422")
is_(st[10], 429, "then 429")
r = f2.post("/find", {"csrf": tok2, "collect_code": S[0]["code"], "id_number": S[0]["idn"]})
is_(r.status, 429, "the throttled session is refused even with the right pair")
like(r.text, "后再试", "the 429 page says when")
f3 = Client()
f3.get("/find")
r = f3.post("/find", {"csrf": f3.csrf(), "collect_code": S[2]["code"], "id_number": S[2]["idn"]})
is_((r.status, r.location), (303, "/confirm"), "/find without a booking -> /confirm")

# The 采集码 image alone does not open a booking made in another session.
x = Client()
enter_task(x, T["code"])
r = upload_code(x, qr(S[0]["code"]))
is_((r.status, r.location), (303, "/find"), "another phone with the 采集码 -> /find (ID number asked)")
is_(x.get("/booking").status, 303, "nothing of the booking before the ID number")
is_(x.get("/records").status, 200, "records page answers")
ok(S[0]["name"][-1] not in x.get("/booking").text, "no name shown")
r = x.get("/find")
like(r.text, "完整身份证号", "/find asks for the full ID number")
r = x.post("/find", {"csrf": x.csrf(), "id_number": S[0]["idn"]})
is_((r.status, r.location), (303, "/booking"), "with the full number -> /booking")

# Five wrong ID numbers for one student close its /find for an hour, for everyone.
for i in range(5):
    y = Client()
    y.get("/find")
    y.post("/find", {"csrf": y.csrf(), "collect_code": S[1]["code"], "id_number": wrong_idn(S[1]["idn"])})
y = Client()
y.get("/find")
r = y.post("/find", {"csrf": y.csrf(), "collect_code": S[1]["code"], "id_number": S[1]["idn"]})
is_(r.status, 429, "5 wrong numbers: that student's /find is closed, even for the right number")
like(r.text, "预约时的手机", "the student is told to use the booking phone or ask staff")
z = Client()
z.get("/find")
r = z.post("/find", {"csrf": z.csrf(), "collect_code": S[2]["code"], "id_number": S[2]["idn"]})
is_(r.status, 303, "another student's /find is not affected")

# --- records and the photo --------------------------------------------------------------
bid = sql("SELECT id FROM booking WHERE task_id = %d AND state = 'held'" % T["id"])
sid = sql("SELECT student_id FROM booking WHERE id = %s" % bid)
jpg = os.path.join(d, "p.jpg")
subprocess.run(["/usr/bin/convert", "-size", "48x64", "xc:#f0f0f0", jpg], check=True)
with open(jpg, "rb") as fh:
    hexjpg = fh.read().hex()
sql("UPDATE booking SET state = 'collected', shot_day = DATE(UTC_TIMESTAMP()), shot_no = 7, "
    "checked_in_at = UTC_TIMESTAMP(), collected_at = UTC_TIMESTAMP() WHERE id = %s" % bid)
sql("INSERT INTO photo (booking_id, student_id, jpeg, bytes, quality, bg_ok) "
    "VALUES (%s, %s, 0x%s, %d, 90, 1)" % (bid, sid, hexjpg, len(hexjpg) // 2))
pid = sql("SELECT MAX(id) FROM photo WHERE booking_id = %s" % bid)
r = c.get("/records")
unlike(r.text, 'href="/records/%s.jpg"' % pid, "fee not settled: no link to the photo yet")
like(r.text, "采集费用结清后", "the student is told why")
is_(c.get("/records/%s.jpg" % pid).status, 404, "and the photo is not served")
sql("INSERT INTO payment (booking_id, provider, ref, amount_fen, state, method) VALUES "
    "(%s, 'onsite', '%s', 4000, 'onsite', 'cash')" % (bid, os.urandom(16).hex()))
r = c.get("/records")
is_(r.status, 200, "GET /records")
like(r.text, 'href="/records/%s.jpg"' % pid, "a link to the photo")
like(r.text, "拍摄号", "shot number shown")
r = c.get("/records/%s.jpg" % pid)
is_(r.status, 200, "own photo")
is_(r.headers.get("Content-Type"), "image/jpeg", "image/jpeg")
is_(r.headers.get("Cache-Control"), "no-store", "no-store")
is_(r.headers.get("X-Content-Type-Options"), "nosniff", "nosniff")
like(r.headers.get("Content-Disposition") or "", r"attachment;.*filename\*=UTF-8''%E5%AD%A6%E7%94%9F.*%E6%AF%95%E4%B8%9A%E7%85%A7%E7%89%87\.jpg",
     "attachment named 姓名-毕业照片.jpg")
ok(r.body == open(jpg, "rb").read(), "the stored bytes")
is_(k2.get("/records/%s.jpg" % pid).status, 404, "another student's photo -> 404")
is_(Client().get("/records/%s.jpg" % pid).status, 404, "no session -> 404")
like(Client().get("/records").text, "/find", "records without a session point to /find")

# --- the ID-card photo (task option) ------------------------------------------------------
I = make_task(students=1, days=(1,), require_id=True)
k = Client()
enter_task(k, I["code"])
upload_code(k, qr(I["students"][0]["code"]))
k.get("/confirm")
r = k.post("/confirm", {"csrf": k.csrf()})
is_((r.status, r.location), (303, "/idcard"), "task requires an ID photo -> /idcard")
r = k.get("/slots")
is_((r.status, r.location), (303, "/idcard"), "/slots before the ID photo -> /idcard")
blank = os.path.join(d, "blank.jpg")
subprocess.run(["/usr/bin/convert", "-size", "800x600", "xc:gray60", blank], check=True)
k.get("/idcard")
r = k.post("/idcard", {"csrf": k.csrf(), "consent": "1"}, files={"id_image": blank})
is_(r.status, 422, "an unusable ID photo -> 422")
like(r.text, "身份证图片识别失败", "the guide's message")
like(r.text, "现场预约", "the on-site option")
card = idcard(I["students"][0]["idn"])
r = k.post("/idcard", {"csrf": k.csrf(), "consent": "1"}, files={"id_image": card})
is_((r.status, r.location), (303, "/slots"), "the student's own card, read -> /slots")
is_(sql("SELECT COUNT(*) FROM idcard i JOIN student s ON s.id = i.student_id WHERE s.task_id = %d" % I["id"]),
    "1", "ID photo stored (staff only)")

# --- a free task books at once --------------------------------------------------------------
Z = make_task(students=1, fee="0", days=(1,))
k = prepare(Z, Z["students"][0])
r = book(k, Z["slots"][0])
is_((r.status, r.location), (303, "/booking"), "fee 0: booked without paying")
is_(sql("SELECT state FROM booking WHERE task_id = %d" % Z["id"]), "booked", "state booked")
like(k.get("/booking").text, "预约二维码", "booking QR shown")
for t in (T, OTHER, F, I, Z):
    from tlib import cli
    cli("task", "close", t["code"], "--force", "--reason", "test cleanup")
done()
