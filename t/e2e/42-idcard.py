#!/usr/bin/env python3
"""The ID card read (issue 15, items 1, 2, 4), through nginx: the card's
number read with Tesseract and compared with the roster.

- the student's own card (a made card, t/lib/mkidcards.py: a scan and a
  phone photo at an angle) passes, the photo is stored;
- another person's card (a roommate's, and one whose number differs in one
  digit) never passes: “身份证与学籍信息不一致” or “识别失败”, nothing stored,
  no FAQ 1 way offered for a card read as another's; the student then
  uploads their own and passes;
- an unreadable card: “身份证图片识别失败” and “无法识别？继续预约”
  (FAQ 1): the full ID number typed; a wrong one is refused (422, nothing
  changes), the right one goes on to a slot and a paid booking marked
  id_check_onsite; the staff station shows 现场核验身份证 on check-in;
- two failures put the typed-number form on the /idcard page itself;
- wrong typed numbers lock the student as /find does (429, even for the
  right number); a CSRF-less POST is refused;
- the number read is in no log and no table (only the photo of a match)."""
import os
import re
import subprocess

import adminlib
from _student import enter_task, idcard, make_task, pay_card, send_code
from tlib import Client, VAR, done, is_, like, ok, sql, sql_rows, tmpdir, unlike

d = tmpdir()
T = make_task(students=5, fee="40", days=(0, 1), require_id=True,
              hours=("00:00", "23:59"), every=60)
A, B, C, D, E = T["students"]
blank = os.path.join(d, "wall.jpg")
subprocess.run(["/usr/bin/convert", "-size", "1600x1200", "plasma:fractal", "-blur", "0x4",
                "-quality", "85", blank], check=True, stderr=subprocess.DEVNULL)


def at_idcard(student):
    c = Client()
    enter_task(c, T["code"])
    send_code(c, student["code"])
    c.get("/confirm")
    r = c.post("/confirm", {"csrf": c.csrf()})
    is_((r.status, r.location), (303, "/idcard"), "%s: confirm -> /idcard" % student["name"])
    c.get("/idcard")
    return c


def upload(c, path):
    c.get("/idcard")
    return c.post("/idcard", {"csrf": c.csrf(), "consent": "1"}, files={"id_image": path})


def photos(student):
    return int(sql("SELECT COUNT(*) FROM idcard i JOIN student s ON s.id = i.student_id "
                   "WHERE s.collect_code = '%s'" % student["code"]))


def sid(student):
    return sql("SELECT id FROM student WHERE collect_code = '%s'" % student["code"])


# ---------------------------------------------------------------- own card
a = at_idcard(A)
r = upload(a, idcard(A["idn"], "phone", seed=1))
is_((r.status, r.location), (303, "/slots"), "A: a phone photo of A's own card -> /slots")
is_(photos(A), 1, "A: the photo is stored")
r = a.get("/slots")
is_(r.status, 200, "A: on to the slots")

# ---------------------------------------------------------------- another person's card
b = at_idcard(B)
r = upload(b, idcard(A["idn"]))
is_(r.status, 422, "B sends A's card: 422")
like(r.text, "身份证与学籍信息不一致", "B: 身份证与学籍信息不一致")
like(r.text, "本人身份证", "B: asks for one's own card")
unlike(r.text, 'href="/idcard/manual"', "B: no FAQ 1 way for a card read as another's")
is_(photos(B), 0, "B: nothing stored (another person's card)")
r = b.get("/idcard/manual")
is_((r.status, r.location), (303, "/idcard"), "B: /idcard/manual not open after 'another's card'")
r = b.get("/slots")
is_((r.status, r.location), (303, "/idcard"), "B: /slots -> /idcard")
near = B["idn"][:9] + str((int(B["idn"][9]) + 3) % 10) + B["idn"][10:]
r = upload(b, idcard(near))
is_(r.status, 422, "B sends a card one digit away from B's number: 422, never passes")
is_(photos(B), 0, "B: still nothing stored")
r = upload(b, idcard(B["idn"], "glare", seed=1))
is_((r.status, r.location), (303, "/slots"), "B then sends B's own card: -> /slots")
is_(photos(B), 1, "B: the own card's photo stored")

# ---------------------------------------------------------------- unreadable -> FAQ 1
c = at_idcard(C)
r = c.get("/idcard/manual")
is_((r.status, r.location), (303, "/idcard"), "C: /idcard/manual closed before a failure")
r = upload(c, blank)
is_(r.status, 422, "C: a photo of a wall: 422")
like(r.text, "身份证图片识别失败", "C: 身份证图片识别失败")
like(r.text, 'href="/idcard/manual"[^>]*>无法识别？继续预约', "C: the choice 无法识别？继续预约")
is_(photos(C), 0, "C: nothing stored")
r = c.get("/idcard/manual")
is_(r.status, 200, "C: the FAQ 1 form")
like(r.text, 'name="id_number"', "C: asks for the full ID number")
like(r.text, "现场核验", "C: says the card is checked on site")
r = c.post("/idcard/manual", {"id_number": C["idn"]})
is_(r.status, 403, "C: a POST without csrf -> 403")
wrong = D["idn"]
c.get("/idcard/manual")
r = c.post("/idcard/manual", {"csrf": c.csrf(), "id_number": wrong})
is_(r.status, 422, "C: another student's number -> 422")
like(r.text, "身份证号与学籍信息不一致", "C: a clear Chinese message")
r = c.get("/slots")
is_((r.status, r.location), (303, "/idcard"), "C: nothing changed: /slots -> /idcard")
c.get("/idcard/manual")
r = c.post("/idcard/manual", {"csrf": c.csrf(), "id_number": C["idn"].lower()})
is_((r.status, r.location), (303, "/slots"), "C: the right number -> /slots")
r = c.get("/slots")
slot = T["slots"][-1]
r = c.post("/slots", {"csrf": c.csrf(), "slot_id": str(slot), "agree": "1"})
is_((r.status, r.location), (303, "/pay"), "C: a slot taken -> /pay")
ok(pay_card(c), "C: paid at the sandbox bank")
state = None
for _ in range(50):
    state = sql("SELECT state FROM booking WHERE student_id = %s ORDER BY id DESC LIMIT 1" % sid(C))
    if state == "booked":
        break
    subprocess.run(["sleep", "0.2"])
is_(state, "booked", "C: the booking is paid (booked)")
is_(sql("SELECT id_check_onsite FROM booking WHERE student_id = %s" % sid(C)), "1",
    "C: the booking is marked 现场核验身份证")
is_(sql("SELECT id_check_onsite FROM booking WHERE student_id = %s" % sid(A)) or "none",
    "none", "A has no booking yet")
is_(photos(C), 0, "C: no photo stored on the FAQ 1 way")

# ---------------------------------------------------------------- two failures
e = at_idcard(E)
r = upload(e, blank)
unlike(r.text, 'action="/idcard/manual"', "E: after one failure the form is not on the page")
r = upload(e, blank)
is_(r.status, 422, "E: a second failure: 422")
like(r.text, 'action="/idcard/manual"', "E: after two failures the typed-number form is on the page")

# ---------------------------------------------------------------- throttle (as /find)
k = at_idcard(D)
upload(k, blank)
k.get("/idcard/manual")
for i in range(5):
    r = k.post("/idcard/manual", {"csrf": k.csrf(), "id_number": B["idn"]})
last = r.status
r = k.post("/idcard/manual", {"csrf": k.csrf(), "id_number": D["idn"]})
is_(r.status, 429, "D: after 5 wrong numbers even the right one is refused (429; last %d)" % last)
like(r.text, "错误次数过多", "D: says why")
r = k.get("/slots")
is_((r.status, r.location), (303, "/idcard"), "D: still at /idcard")

# ---------------------------------------------------------------- the station
staff = adminlib.user("staff")
st = adminlib.login(staff)
st.get("/admin/site")
stok = st.csrf()
r = st.post("/admin/site/scan", {"code": C["code"], "csrf": stok})
is_(r.status, 303, "station: C scanned (check-in)")
r = st.get(r.location)
like(r.text, 'id="st-shot-no">\\d+<', "station: C got a shot number")
like(r.text, "现场核验身份证", "station: C's page says 现场核验身份证")
like(r.text, "查验身份证原件", "station: ... and asks to check the card itself")
is_(sql("SELECT state FROM booking WHERE student_id = %s" % sid(C)), "checked_in", "C checked in")
a.get("/slots")
r = a.post("/slots", {"csrf": a.csrf(), "slot_id": str(slot), "agree": "1"})
ok(pay_card(a), "A: paid")
r = st.post("/admin/site/scan", {"code": A["code"], "csrf": stok})
r = st.get(r.location)
like(r.text, 'id="st-shot-no">\\d+<', "station: A checked in")
unlike(r.text, "现场核验身份证", "station: A (card read online) has no such mark")
like(r.text, "身份证照片", "station: A's card photo is there for staff")

# ---------------------------------------------------------------- nothing read is kept
log = adminlib.log_text() or ""
ok(log != "", "the log was read")
for s in (A, B, C, D):
    unlike(log, s["idn"], "%s's full ID number is in no log" % s["name"])
unlike(log, near, "the number of the one-digit card is in no log")
cols = sql_rows("SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = DATABASE() AND table_name IN ('idcard', 'booking', "
                "'session', 'idcard_consent')")
ok(not [x for x in cols if re.search(r"number|ocr|read", x[1]) and x[1] != "id_check_onsite"],
   "no column holds a number read (%s)" % ", ".join(x[1] for x in cols if x[0] == "idcard"))
done()
