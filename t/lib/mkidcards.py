#!/usr/bin/python3
"""mkidcards.py - made resident ID cards (the front, 人像面) for the tests.

usage:
  mkidcards.py card OUT.jpg IDNUMBER [NAME] [--seed N] [--kind KIND]
      one card holding IDNUMBER (e2e helpers): KIND scan (default),
      phone, glare, blur, dim, portrait, small (see below)
  mkidcards.py corpus OUTDIR SET
      a whole set with OUTDIR/index.tsv: "file<TAB>kind<TAB>class<TAB>roster"
      where roster is the number the photo is compared with (the
      student's) and class one of
        self      the student's own card (the number is roster)
        digit     another card whose number differs from roster in one
                  digit (its check character is then wrong)
        swap      two neighbouring digits of roster swapped
        valid     another person's card with a valid number
      SET: tune (60 own cards, for tuning the reader), heldout (110 own
      cards, judged with the floor in t/unit/test_ocr.c) or other (72
      other people's cards: 24 of each class but self)

Nothing here is a real person: the names are 测试/样例 names, the
addresses those of no place (演示省样例市), the numbers random (region
990000-999999 does not exist).  The card follows the front layout of the
second-generation card (GA 467): 85.6 x 54 mm, the labels in blue 黑体
(WenQuanYi Micro Hei), 姓名 larger, the photo on the right, the 公民身份号码
line at the bottom with the number in OCR-B (Debian's fonts-ocr-b), on a
pale background with fine guilloche lines.

Photos of it: straight scans (300-600 dpi, 2 degrees at most), phone photos
at an angle (any rotation, a quarter of them portrait), perspective, glare
(a bright spot, sometimes across the number), blur (gaussian or motion),
dim or low contrast, uneven light, noise, JPEG quality 65-92, on desk
backgrounds (wood, fabric, a white desk with papers, a dark table) and in
sizes as students send them: 2000 px (what /static/js/upload.js sends),
1280-1600 px (re-sent through a chat), 12 MP straight from the camera.

Deterministic: every draw comes from random.Random(seed), noise from its
randbytes(); the pictures depend only on Pillow's and libjpeg's versions.
Runs with Debian's python3 and python3-pil (no numpy); the sets are made
by a pool of $(nproc) processes.
"""
import math
import os
import random
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

HEI = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
CARD_W, CARD_H = 85.6, 54.0	# mm
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def checkchar(first17):
    """The GB 11643 MOD 11-2 check character of 17 digits."""
    s = sum(int(c) * w for c, w in zip(first17, WEIGHTS))
    return "10X98765432"[s % 11]


def valid(idn):
    return len(idn) == 18 and idn[:17].isdigit() and checkchar(idn[:17]) == idn[17]


def fake_number(rng):
    """A valid number of a region that does not exist (99xxxx)."""
    y = rng.randint(1996, 2005)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    first = "99%04d%04d%02d%02d%03d" % (rng.randint(0, 9999), y, m, d, rng.randint(0, 999))
    return first + checkchar(first)


SURNAMES = "测样演例虚模"
GIVEN = "试本示子拟甲乙丙丁戊己庚辛芳华明"


def fake_name(rng):
    return SURNAMES[rng.randrange(len(SURNAMES))] + "".join(
        GIVEN[rng.randrange(len(GIVEN))] for _ in range(rng.randint(1, 2)))


def font(path, px):
    return ImageFont.truetype(path, max(6, int(round(px))))


def draw_card(idn, name, rng, s):
    """The card front at s px/mm, RGBA with rounded corners."""
    W, H = int(CARD_W * s), int(CARD_H * s)
    mm = lambda v: int(round(v * s))
    # Background: pale blue-grey to pink, guilloche lines, a faint wave.
    top = (rng.randint(228, 242), rng.randint(234, 246), rng.randint(238, 250))
    bot = (rng.randint(236, 250), rng.randint(226, 238), rng.randint(226, 240))
    base = Image.new("RGB", (1, 2))
    base.putpixel((0, 0), top)
    base.putpixel((0, 1), bot)
    card = base.resize((W, H), Image.BILINEAR)
    d = ImageDraw.Draw(card)
    for k in range(26):
        ph = rng.uniform(0, 6.3)
        amp = rng.uniform(1.5, 4.0) * s
        y0 = k * H / 24.0
        col = (rng.randint(196, 222), rng.randint(208, 228), rng.randint(212, 235))
        pts = [(x, y0 + amp * math.sin(x / (6.0 * s) + ph)) for x in range(0, W + 8, 6)]
        d.line(pts, fill=col, width=max(1, int(s / 10)))
    for k in range(9):	# the faint circles of the rosette, lower left
        r = (6 + k * 2.2) * s
        d.ellipse((mm(22) - r, mm(30) - r, mm(22) + r, mm(30) + r),
                  outline=(214, 222, 232), width=max(1, int(s / 12)))
    blue = (rng.randint(20, 60), rng.randint(90, 130), rng.randint(160, 200))
    ink = (rng.randint(0, 30),) * 3
    lab = font(HEI, 2.5 * s)
    val = font(HEI, 3.0 * s)
    big = font(HEI, 3.8 * s)
    d.text((mm(6.5), mm(6.8)), "姓  名", fill=blue, font=lab)
    d.text((mm(15.5), mm(6.2)), name, fill=ink, font=big)
    d.text((mm(6.5), mm(13.2)), "性  别", fill=blue, font=lab)
    d.text((mm(15.5), mm(12.8)), rng.choice("男女"), fill=ink, font=val)
    d.text((mm(25.5), mm(13.2)), "民  族", fill=blue, font=lab)
    d.text((mm(34.0), mm(12.8)), "汉", fill=ink, font=val)
    d.text((mm(6.5), mm(19.6)), "出  生", fill=blue, font=lab)
    birth = idn[6:14]
    yy, mo, dd = birth[:4], str(int(birth[4:6])), str(int(birth[6:8]))
    d.text((mm(15.5), mm(19.2)), yy, fill=ink, font=val)
    d.text((mm(24.5), mm(19.6)), "年", fill=blue, font=lab)
    d.text((mm(29.0), mm(19.2)), mo, fill=ink, font=val)
    d.text((mm(33.5), mm(19.6)), "月", fill=blue, font=lab)
    d.text((mm(37.5), mm(19.2)), dd, fill=ink, font=val)
    d.text((mm(42.0), mm(19.6)), "日", fill=blue, font=lab)
    d.text((mm(6.5), mm(26.0)), "住  址", fill=blue, font=lab)
    addr = "演示省样例市测试区虚构路%d号%d栋%d室" % (
        rng.randint(1, 999), rng.randint(1, 30), rng.randint(101, 2808))
    for i in range(0, len(addr), 11):
        d.text((mm(15.5), mm(25.6 + 4.3 * (i // 11))), addr[i:i + 11], fill=ink, font=val)
    d.text((mm(6.5), mm(44.6)), "公民身份号码", fill=blue, font=lab)
    # The number: OCR-B, 3.6 mm em, character spacing 50/1000 em.
    nf = font(OCRB, 3.6 * s)
    x = mm(29.5)
    adv = nf.getlength("0") + 0.05 * 3.6 * s
    for ch in idn:
        d.text((x, mm(43.3)), ch, fill=ink, font=nf)
        x += adv
    # The photo: a grey-blue field and a head-and-shoulders silhouette.
    px0, py0, px1, py1 = mm(55.5), mm(5.5), mm(81.5), mm(38.0)
    d.rectangle((px0, py0, px1, py1), fill=(rng.randint(210, 235), rng.randint(220, 240), 245))
    cx = (px0 + px1) / 2
    skin = (rng.randint(180, 225), rng.randint(140, 180), rng.randint(110, 150))
    hair = (rng.randint(10, 50),) * 3
    d.ellipse((cx - mm(6.5), py0 + mm(4), cx + mm(6.5), py0 + mm(21)), fill=hair)
    d.ellipse((cx - mm(5.5), py0 + mm(6.5), cx + mm(5.5), py0 + mm(22)), fill=skin)
    d.pieslice((cx - mm(12), py0 + mm(22), cx + mm(12), py1 + mm(14)), 180, 360,
               fill=(rng.randint(20, 80),) * 3)
    # Rounded corners (radius 3.18 mm, ISO/IEC 7810).
    mask = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, W - 1, H - 1), radius=mm(3.18), fill=255)
    card = card.convert("RGBA")
    card.putalpha(mask)
    return card


def solve(a, b):
    """Gaussian elimination for the 8x8 perspective system."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def persp_coeffs(dst, src):
    """Pillow's PERSPECTIVE data mapping output points dst to input src."""
    a, b = [], []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.append(v)
    return solve(a, b)


def noise(rng, size, amp):
    """Deterministic noise of about +-amp around 0, as an 'L' image offset
    by 128 (for ImageChops.add(..., offset=-128))."""
    w, h = size
    u = Image.frombytes("L", size, rng.randbytes(w * h))
    return Image.blend(Image.new("L", size, 128), u, min(1.0, amp / 128.0))


def add_noise(rng, im, amp):
    n = noise(rng, im.size, amp).convert("RGB")
    return ImageChops.add(im, n, 1.0, -128)


def background(rng, W, H, style):
    """A desk at W x H, drawn at a quarter size and enlarged."""
    w, h = max(8, W // 4), max(8, H // 4)
    if style == "wood":
        c = (rng.randint(120, 170), rng.randint(80, 115), rng.randint(45, 75))
        im = Image.new("RGB", (w, h), c)
        g = noise(rng, (max(2, w // 40), h // 2), 28).resize((w, h), Image.BICUBIC)
        g = g.rotate(rng.uniform(-4, 4), Image.BILINEAR, fillcolor=128)
        im = ImageChops.add(im, g.convert("RGB"), 1.0, -128)
    elif style == "fabric":
        v = rng.randint(60, 150)
        im = Image.new("RGB", (w, h), (v, v + rng.randint(-10, 10), v + rng.randint(0, 25)))
        im = add_noise(rng, im, 40)
    elif style == "white":
        im = Image.new("RGB", (w, h), (rng.randint(196, 226),) * 3)
        d = ImageDraw.Draw(im)
        for _ in range(3):	# papers with lines of print
            x, y = rng.randint(-w // 4, w), rng.randint(-h // 4, h)
            pw, ph = rng.randint(w // 4, w // 2), rng.randint(h // 4, h // 2)
            d.rectangle((x, y, x + pw, y + ph), fill=(rng.randint(238, 252),) * 3,
                        outline=(200, 200, 200))
            for ly in range(y + 6, y + ph - 4, 7):
                d.line((x + 5, ly, x + pw - rng.randint(5, pw // 2 + 6), ly), fill=(150, 150, 150))
    else:	# dark table with a cup and a book
        v = rng.randint(25, 60)
        im = Image.new("RGB", (w, h), (v, v, v + 5))
        d = ImageDraw.Draw(im)
        d.ellipse((rng.randint(0, w), rng.randint(0, h), rng.randint(0, w) + w // 5,
                   rng.randint(0, h) + w // 5), fill=(rng.randint(100, 230),) * 3)
        x, y = rng.randint(0, w), rng.randint(0, h)
        d.rectangle((x, y, x + w // 3, y + h // 3), fill=(rng.randint(60, 200), 60, 40))
        im = add_noise(rng, im, 20)
    return im.resize((W, H), Image.BICUBIC)


def place(rng, img_w, img_h, cw, ch, frac, angle, tilt):
    """The card's corners in the photo: width frac of the photo's shorter
    fit, turned by angle (degrees), one side pulled in by tilt."""
    scale = frac * min(img_w / cw, img_h / ch) if abs(math.cos(math.radians(angle))) > 0.7 \
        else frac * min(img_w / ch, img_h / cw)
    hw, hh = cw * scale / 2, ch * scale / 2
    pts = [(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)]
    side = rng.randrange(4)
    out = []
    for i, (x, y) in enumerate(pts):
        if side == 0 and y < 0 or side == 2 and y > 0:
            x *= 1 - tilt
        if side == 1 and x > 0 or side == 3 and x < 0:
            y *= 1 - tilt
        x += rng.uniform(-0.02, 0.02) * hw
        y += rng.uniform(-0.02, 0.02) * hh
        a = math.radians(angle)
        out.append((x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)))
    # Shrink until the card is whole inside the photo (the page asks for
    # all four corners).
    minx = min(p[0] for p in out)
    maxx = max(p[0] for p in out)
    miny = min(p[1] for p in out)
    maxy = max(p[1] for p in out)
    g = min(1.0, (img_w - 16) / (maxx - minx), (img_h - 16) / (maxy - miny))
    out = [(x * g, y * g) for x, y in out]
    minx = min(p[0] for p in out)
    maxx = max(p[0] for p in out)
    miny = min(p[1] for p in out)
    maxy = max(p[1] for p in out)
    ox = rng.uniform(-minx + 4, img_w - maxx - 4) if img_w - maxx - 4 > -minx + 4 else img_w / 2
    oy = rng.uniform(-miny + 4, img_h - maxy - 4) if img_h - maxy - 4 > -miny + 4 else img_h / 2
    return [(x + ox, y + oy) for x, y in out]


def glare(rng, im, quad, on_number):
    """A bright elliptical spot (a lamp on the laminate)."""
    W, H = im.size
    if on_number:	# near the number: the lower part of the card
        a, b = rng.uniform(0.45, 0.85), rng.uniform(0.75, 0.95)
    else:
        a, b = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.7)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    cx = (1 - a) * (1 - b) * x0 + a * (1 - b) * x1 + a * b * x2 + (1 - a) * b * x3
    cy = (1 - a) * (1 - b) * y0 + a * (1 - b) * y1 + a * b * y2 + (1 - a) * b * y3
    size = math.hypot(x1 - x0, y1 - y0)
    r = size * rng.uniform(0.08, 0.2)
    m = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(m).ellipse((8, 20, 56, 44), fill=int(255 * rng.uniform(0.55, 0.85)))
    m = m.filter(ImageFilter.GaussianBlur(6)).rotate(rng.uniform(0, 180))
    box = (int(cx - 2 * r), int(cy - 2 * r), int(cx + 2 * r), int(cy + 2 * r))
    m = m.resize((box[2] - box[0], box[3] - box[1]), Image.BILINEAR)
    im.paste(Image.new("RGB", m.size, (255, 255, 250)), box[:2], m)


def motion(im, length):
    """Motion blur along x or y by averaging shifted copies."""
    n = max(2, int(length))
    acc = im
    for k in range(1, n):
        sh = ImageChops.offset(im, k, 0)
        acc = Image.blend(acc, sh, 1.0 / (k + 1))
    return acc


KINDS = ("scan", "phone", "glare", "blur", "dim", "portrait", "small", "motion", "big")


def photo(idn, name, seed, kind=None, draws=None):
    """One photo of a card holding idn.  Returns (Image, kind, quality)."""
    rng = random.Random(seed)
    if kind is None:
        r = rng.random()
        kind = ("scan" if r < 0.15 else "phone" if r < 0.40 else "glare" if r < 0.52
                else "blur" if r < 0.62 else "dim" if r < 0.72 else "portrait" if r < 0.82
                else "small" if r < 0.88 else "motion" if r < 0.93 else "big")
    q = rng.randint(65, 92)
    if kind == "scan":
        s = rng.choice((11.8, 15.0, 23.6))	# 300, 380, 600 dpi
        card = draw_card(idn, name, rng, s)
        pad = int(rng.uniform(0, 12) * s)
        W, H = card.size[0] + 2 * pad, card.size[1] + 2 * pad
        im = Image.new("RGB", (W, H), (rng.randint(236, 255),) * 3)
        c = card.rotate(rng.uniform(-2, 2), Image.BICUBIC, expand=True)
        im.paste(c, ((W - c.size[0]) // 2, (H - c.size[1]) // 2), c)
        im = add_noise(rng, im, 8)
        return im, kind, max(q, 80)
    portrait = kind == "portrait" or rng.random() < 0.15
    if kind == "big":
        W, H = rng.choice(((4000, 3000), (4032, 3024)))
    elif kind == "small":
        W = rng.choice((1280, 1440, 1600))
        H = W * 3 // 4
    else:
        W, H = 2000, 1500
    if portrait:
        W, H = H, W
    frac = rng.uniform(0.45, 0.92)
    if portrait and rng.random() < 0.6:
        angle = rng.choice((90, -90)) + rng.uniform(-15, 15)
    elif rng.random() < 0.1:
        angle = 180 + rng.uniform(-15, 15)
    else:
        angle = rng.uniform(-30, 30)
    tilt = rng.uniform(0.0, 0.22)
    # Card drawn at about the size it takes in the photo (at most 24 px/mm).
    s = min(24.0, max(10.0, frac * max(W, H) / CARD_W * 1.1))
    card = draw_card(idn, name, rng, s)
    cw, ch = card.size
    quad = place(rng, W, H, cw, ch, frac, angle, tilt)
    style = rng.choice(("wood", "fabric", "white", "dark"))
    im = background(rng, W, H, style)
    # Warp the card into the quad's bounding box only.
    bx0 = max(0, int(min(p[0] for p in quad)) - 2)
    by0 = max(0, int(min(p[1] for p in quad)) - 2)
    bx1 = min(W, int(max(p[0] for p in quad)) + 3)
    by1 = min(H, int(max(p[1] for p in quad)) + 3)
    local = [(x - bx0, y - by0) for x, y in quad]
    co = persp_coeffs(local, [(0, 0), (cw, 0), (cw, ch), (0, ch)])
    warped = card.transform((bx1 - bx0, by1 - by0), Image.PERSPECTIVE, co, Image.BICUBIC)
    # A soft shadow under the card, then the card.
    sh = Image.new("L", warped.size, 0)
    sh.paste(warped.getchannel("A"), (int(0.01 * W), int(0.01 * W)))
    sh = sh.filter(ImageFilter.GaussianBlur(0.006 * W)).point(lambda v: v * 0.45)
    im.paste(Image.new("RGB", warped.size, (0, 0, 0)), (bx0, by0), sh)
    im.paste(warped, (bx0, by0), warped)
    # Light: uneven, dim, glare.
    if rng.random() < 0.5 or kind == "dim":
        g = Image.linear_gradient("L").resize((512, 512)).rotate(
            rng.uniform(0, 360), Image.BILINEAR).crop((128, 128, 384, 384)).resize((W, H))
        lo = rng.randint(70, 140) if kind != "dim" else rng.randint(40, 90)
        g = g.point(lambda v: lo + (255 - lo) * v // 255)
        im = ImageChops.multiply(im, Image.merge("RGB", (g, g, g)))
    if kind == "dim":
        f = rng.uniform(0.35, 0.6)
        im = im.point(lambda v: int(v * f))
    if kind == "glare" or rng.random() < 0.1:
        glare(rng, im, quad, on_number=(kind == "glare" and rng.random() < 0.5))
    # Focus: card size matters, so the blur is in card pixels.
    px_mm = math.hypot(quad[1][0] - quad[0][0], quad[1][1] - quad[0][1]) / CARD_W
    if kind == "blur":
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.12, 0.25) * px_mm))
    elif kind == "motion":
        im = motion(im, rng.uniform(0.15, 0.35) * px_mm)
    else:
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2) * (W / 2000.0)))
    im = add_noise(rng, im, 10 if kind != "dim" else 22)
    return im, kind, q


def other_number(rng, roster, cls):
    if cls == "digit":
        i = rng.randrange(17)
        d = str((int(roster[i]) + rng.randint(1, 9)) % 10)
        return roster[:i] + d + roster[i + 1:]
    if cls == "swap":
        while True:
            i = rng.randrange(16)
            if roster[i] != roster[i + 1]:
                return roster[:i] + roster[i + 1] + roster[i] + roster[i + 2:]
    return fake_number(rng)


def save(im, path, q):
    if path.endswith(".png"):
        im.save(path, optimize=False)
    else:
        im.save(path, quality=q)


def corpus_job(job):
    path, idn, name, seed, kind = job
    im, k, q = photo(idn, name, seed, kind)
    save(im, path, q)
    return k


def corpus(out, which):
    seeds = {"tune": 1000, "heldout": 500000, "other": 900000}
    if which not in seeds:
        sys.exit("mkidcards.py: unknown set %s" % which)
    rng = random.Random(seeds[which])
    rows, jobs = [], []
    count = {"tune": 60, "heldout": 110, "other": 72}[which]
    classes = ("digit", "swap", "valid")
    for i in range(count):
        roster = fake_number(rng)
        cls = "self" if which != "other" else classes[i % 3]
        idn = roster if cls == "self" else other_number(rng, roster, cls)
        name = fake_name(rng)
        f = "%s_%03d.%s" % (which, i, "png" if rng.random() < 0.08 else "jpg")
        jobs.append((os.path.join(out, f), idn, name, seeds[which] + 17 * i + 1, None))
        rows.append([f, None, cls, roster])
    import multiprocessing
    with multiprocessing.Pool(os.cpu_count() or 2) as pool:
        kinds = pool.map(corpus_job, jobs, chunksize=1)
    with open(os.path.join(out, "index.tsv"), "w") as f:
        for row, k in zip(rows, kinds):
            row[1] = k
            f.write("\t".join(row) + "\n")


def main(argv):
    if len(argv) >= 3 and argv[0] == "corpus":
        os.makedirs(argv[1], exist_ok=True)
        corpus(argv[1], argv[2])
        return 0
    if len(argv) >= 3 and argv[0] == "card":
        out, idn = argv[1], argv[2].upper()
        rest = argv[3:]
        seed, kind, name = 1, "scan", "测试样本"
        while rest:
            a = rest.pop(0)
            if a == "--seed":
                seed = int(rest.pop(0))
            elif a == "--kind":
                kind = rest.pop(0)
            else:
                name = a
        if kind not in KINDS:
            sys.exit("mkidcards.py: unknown kind %s" % kind)
        im, _, q = photo(idn, name, seed, kind)
        save(im, out, q)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
