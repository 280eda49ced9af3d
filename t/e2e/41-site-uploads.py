#!/usr/bin/env python3
"""Hostile uploads at the site station (QUALITY "Uploads"): the photo of a
checked-in student and the image of a code.  Text, HTML, ELF, PDF, SVG
renamed .jpg -> 415; zero-byte, truncated, corrupt, pixel-flood PNG and a
JPEG claiming 65535x65535 -> 422; over the body limit -> 413; never a 500,
nothing stored, and the worker keeps answering.  Also parallel walk-ins get
distinct shot numbers (the booking_shot key and the retry)."""
import os
import re
import struct
import subprocess
import threading
import zlib

from tlib import (Client, cli, done, idnum, is_, like, ok, shanghai, sql_rows,
                  tmpdir, unique)

PW = "site-test-Passw0rd"


def idnum_of(seq):
    return idnum("22010219980202%03d" % (seq % 1000))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_flood(w, h):
    """A small PNG whose header claims w x h pixels."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


def jpeg_claiming(w, h):
    """A JPEG header with an SOF0 of w x h, then junk."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, h, w, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof + b"\x00" * 2000


school = unique("5", digits=True, n=5)
task = unique("UPL")
is_(cli("school", "add", school, "上传测试大学")[0], 0, "school added")
is_(cli("task", "add", task, "--school", school, "--title", "上传测试", "--from", shanghai(),
        "--to", shanghai(2), "--fee", "0")[0], 0, "free task in its window added")
d = tmpdir()
codes = [unique("UP") + "q" for _ in range(12)]
with open(os.path.join(d, "r.csv"), "w", encoding="utf-8") as f:
    f.write("采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n")
    for i, c in enumerate(codes):
        f.write("%s,学生%d,%s,U%d,普通本科,普通高校,一班\n" % (c, i, idnum_of(int(school) % 900 + i), i))
rc, out, err = cli("roster", "import", task, os.path.join(d, "r.csv"))
is_(rc, 0, "roster imported " + out.strip() + err.strip())
staff = unique("up").lower()
is_(cli("user", "add", staff, "--role", "staff", stdin=PW + "\n")[0], 0, "staff user added")

st = Client()
st.get("/admin/login")
is_(st.post("/admin/login", {"username": staff, "password": PW, "csrf": st.csrf()}).status, 303, "staff logs in")
st.get("/admin/site")
tok = st.csrf()
r = st.post("/admin/site/walkin", {"collect_code": codes[0], "method": "unpaid", "csrf": tok})
is_(r.status, 303, "walk-in checks the student in")
m = re.search(r"/admin/site/students/(\d+)", r.location or "")
sid = m.group(1) if m else "0"
like(st.get(r.location).text, "免费", "free task: nothing to collect")

good = os.path.join(d, "good.jpg")
subprocess.run(["/usr/bin/convert", "-size", "600x800", "xc:#f2f2f2", "-fill", "#333",
                "-draw", "ellipse 300,350 140,180 0,360", "-quality", "90", good],
               check=True, stderr=subprocess.DEVNULL)
with open(good, "rb") as f:
    jpg = f.read()
with open("/bin/true", "rb") as f:
    elf = f.read(4096)

cases = [
    ("plain text as .jpg", ("a.jpg", b"hello, I am not a picture\n" * 20, "image/jpeg"), 415),
    ("HTML as .png", ("a.png", b"<html><script>alert(1)</script></html>", "image/png"), 415),
    ("ELF as .jpg", ("a.jpg", elf, "image/jpeg"), 415),
    ("PDF as .jpg", ("a.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "image/jpeg"), 415),
    ("SVG as .png", ("a.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>', "image/png"), 415),
    ("zero bytes", ("a.jpg", b"", "image/jpeg"), 422),
    ("truncated JPEG", ("a.jpg", jpg[:len(jpg) // 3], "image/jpeg"), 422),
    ("corrupt JPEG body", ("a.jpg", jpg[:600] + b"\x00" * 5000, "image/jpeg"), 422),
    ("pixel-flood PNG 30000x30000", ("a.png", png_flood(30000, 30000), "image/png"), 422),
    ("JPEG claiming 65535x65535", ("a.jpg", jpeg_claiming(65535, 65535), "image/jpeg"), 422),
]
for what, spec, want in cases:
    r = st.post("/admin/site/students/%s/photo" % sid, {"csrf": tok}, files={"photo": spec})
    is_(r.status, want, "photo: %s -> %d" % (what, want))
    ok(r.status < 500, "photo: %s is not a server error" % what)
is_(sql_rows("SELECT COUNT(*) FROM photo WHERE student_id = %s" % sid), [["0"]], "nothing stored")
is_(sql_rows("SELECT state FROM booking WHERE student_id = %s" % sid), [["checked_in"]], "still checked in")

r = st.post("/admin/site/students/%s/photo" % sid, {"csrf": tok},
            files={"photo": ("x" * 280 + "/../../a.php%00.jpg", jpg, "image/jpeg")})
is_(r.status, 303, "a hostile client file name does not matter")
is_(sql_rows("SELECT COUNT(*), SUM(is_current) FROM photo WHERE student_id = %s" % sid), [["1", "1"]], "photo stored")
is_(sql_rows("SELECT state FROM booking WHERE student_id = %s" % sid), [["collected"]], "collected")

big = b"\xff\xd8" + b"x" * (12 * 1024 * 1024)
r = st.post("/admin/site/students/%s/photo" % sid, {"csrf": tok}, files={"photo": ("big.jpg", big, "image/jpeg")})
is_(r.status, 413, "12 MB body: 413")

# Images of codes at the scan field.
for what, spec, want in [
        ("text as a code image", ("c.png", b"not an image", "image/png"), 415),
        ("an image without a QR code", ("c.jpg", jpg, "image/jpeg"), 422),
        ("pixel-flood PNG as a code image", ("c.png", png_flood(30000, 30000), "image/png"), 422)]:
    r = st.post("/admin/site/scan", {"csrf": tok}, files={"code_image": spec})
    is_(r.status, want, "scan: %s -> %d" % (what, want))
r = st.post("/admin/site/scan", {"code": "<script>alert(1)</script>", "csrf": tok})
is_(r.status, 422, "markup as a code: 422")
ok("<script>alert" not in r.text, "not echoed as markup")
r = st.post("/admin/site/scan", {"code": "' OR '1'='1", "csrf": tok})
is_(r.status, 422, "SQL as a code: 422")
r = st.post("/admin/site/walkin", {"collect_code": codes[1], "method": "bitcoin", "csrf": tok})
is_(r.status, 422, "an unknown fee method: 422")
is_(sql_rows("SELECT COUNT(*) FROM booking WHERE student_id = (SELECT id FROM student WHERE collect_code = '%s')"
        % codes[1]), [["0"]], "no booking made")
is_(st.get("/admin/site").status, 200, "the station still answers")

# Parallel walk-ins from two stations: distinct shot numbers, one each.
st2 = Client()
st2.get("/admin/login")
st2.post("/admin/login", {"username": staff, "password": PW, "csrf": st2.csrf()})
st2.get("/admin/site")
tok2 = st2.csrf()
results = []


def walk(client, token, code):
    results.append(client.post("/admin/site/walkin", {"collect_code": code, "method": "unpaid",
                                                      "csrf": token}).status)


threads = [threading.Thread(target=walk, args=((st, tok) if i % 2 else (st2, tok2)) + (c,))
           for i, c in enumerate(codes[2:12])]
for t in threads:
    t.start()
for t in threads:
    t.join()
is_(sorted(results), [303] * 10, "10 parallel walk-ins: all 303")
shots = sql_rows("SELECT b.shot_no FROM booking b JOIN task t ON t.id = b.task_id WHERE t.code = '%s' "
            "ORDER BY b.shot_no" % task)
nums = [int(x[0]) for x in shots]
is_(nums, list(range(1, 12)), "shot numbers 1..11 without gaps or repeats")

done()
