#!/usr/bin/env python3
"""Image uploads run in a FastCGI pool of their own (issue 9 item 5), at
most TUCAI_UPLOAD_WORKERS x 4 at once through nginx.  When it is full the
student gets 503 with Retry-After and a page that says 排队中，请稍候 and
refreshes by itself, never a bare 502/504; pages and the 采集码 text keep
answering from the main pool meanwhile."""
import threading

from tlib import Client, diag, done, is_, like, ok
from _student import enter_task, make_task, qr

T = make_task(students=2)
photo = qr(T["students"][0]["code"], "photo12mp")
N = 16
clients = []
for i in range(N):
    c = Client(timeout=120)
    enter_task(c, T["code"])
    c.get("/code")
    clients.append((c, c.csrf()))
res = [None] * N
go = threading.Barrier(N + 1)


def up(i):
    c, tok = clients[i]
    go.wait()
    try:
        res[i] = c.post("/code", {"csrf": tok}, files={"code_image": photo})
    except Exception as e:
        res[i] = e


th = [threading.Thread(target=up, args=(i,)) for i in range(N)]
[t.start() for t in th]
go.wait()
# While the pool is busy, a page and the text path answer from the main pool.
side = Client()
is_(side.get("/task").status, 200, "a page answers while the upload pool is busy")
[t.join() for t in th]
codes = [getattr(r, "status", repr(r)) for r in res]
diag("statuses: %s" % codes)
ok(all(s in (303, 503) for s in codes), "every upload got through (303) or was queued (503); no 502/504")
ok(codes.count(303) >= 1, "some uploads were decoded (%d)" % codes.count(303))
busy = [r for r in res if getattr(r, "status", 0) == 503]
ok(len(busy) >= 1, "a full pool answers 503 (%d of %d)" % (len(busy), N))
if busy:
    like(busy[0].text, "排队中，请稍候", "the queue page says 排队中，请稍候")
    like(busy[0].text, 'http-equiv="refresh"', "and refreshes by itself")
    ok(busy[0].header("Retry-After", "").isdigit(), "with Retry-After")
    like(busy[0].header("Content-Security-Policy", ""), "frame-ancestors", "with the security headers")
# Afterwards a queued student's upload goes through.
q = [i for i in range(N) if getattr(res[i], "status", 0) == 503]
if q:
    c, tok = clients[q[0]]
    r = c.post("/code", {"csrf": tok}, files={"code_image": photo})
    is_(r.status, 303, "once the pool is free, the queued student's upload is decoded")

# The pixel budget, read from the header: a long PNG within the byte limit
# is refused with 413 and a Chinese message, before any decoding.
import os
import subprocess
import time
from tlib import tmpdir
wide = os.path.join(tmpdir(), "wide.png")
# (ImageMagick's policy refuses 16k px; a plain grey PNG written here)
import struct
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


W, H = 19999, 2000
raw = zlib.compress((b"\0" + b"\xff" * W) * H, 9)
with open(wide, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
w = Client()
enter_task(w, T["code"])
w.get("/code")
t0 = time.time()
r = w.post("/code", {"csrf": w.csrf()}, files={"code_image": wide})
is_(r.status, 413, "19,999 x 2,000 PNG (%d bytes): 413" % os.path.getsize(wide))
like(r.text, "像素", "with a Chinese message about the pixels")
diag("refused in %.0f ms" % ((time.time() - t0) * 1000))

# Phones send HEIC and WebP when the input accepts image/*: the student is
# told what to do.
heic = os.path.join(tmpdir(), "IMG_0001.heic")
with open(heic, "wb") as f:
    f.write(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 2000)
webp = os.path.join(tmpdir(), "code.webp")
with open(webp, "wb") as f:
    f.write(b"RIFF\x00\x10\x00\x00WEBPVP8 " + b"\0" * 2000)
for path, word in ((heic, "兼容性最佳"), (webp, "WebP")):
    w.get("/code")
    r = w.post("/code", {"csrf": w.csrf()}, files={"code_image": path})
    is_(r.status, 415, "%s: 415" % os.path.basename(path))
    like(r.text, word, "%s: says what to do" % os.path.basename(path))
done()
