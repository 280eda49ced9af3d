"""tlib - helpers for tucai's end-to-end tests (python3, standard library only).

A test is a script t/e2e/NN-name.py that tools/check runs against a live
instance (real nginx + FastCGI + MariaDB) with these in the environment:

    TUCAI_URL   base URL, e.g. http://127.0.0.1:8181
    TUCAI_VAR   the instance folder
    TUCAI_CONF  its tucai.hdf
    TUCAI_SRC   the source tree
    TUCAI_CLI   tools/tucai (the command line, acting on that instance)

It prints TAP: one line per check, the plan at the end (done()).

    from tlib import *
    c = Client()
    r = c.get("/")
    is_(r.status, 200, "home page")
    like(r.text, "毕业生采集", "entrance")
    done()

Client: its own cookie jar, no automatic redirects, and by default the one
address 127.0.0.1 that every client shares, as a campus behind its NAT
does.  Per-address cases pass source=fresh_source() (a new 127.x.y.z).
"""

import datetime
import html
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import time
import urllib.parse

__all__ = [
    "URL", "VAR", "CONF", "SRC", "CLI",
    "ok", "is_", "isnt", "like", "unlike", "skip", "diag", "note", "done", "bail",
    "Client", "Response", "cli", "unique", "mkqr", "tmpdir", "fresh_source",
    "conf_values", "sql", "sql_rows", "idnum", "shanghai",
]

URL = os.environ.get("TUCAI_URL", "http://127.0.0.1:8080").rstrip("/")
VAR = os.environ.get("TUCAI_VAR", "")
CONF = os.environ.get("TUCAI_CONF", "")
SRC = os.environ.get(
    "TUCAI_SRC", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CLI = os.environ.get("TUCAI_CLI", os.path.join(SRC, "tools", "tucai"))

# ---------------------------------------------------------------- TAP

_n = 0
_failed = 0

# Unbuffered enough for tools/check to show progress and to keep the order of
# stdout and stderr in its log.
sys.stdout.reconfigure(line_buffering=True)


def _desc(desc):
    return " ".join(str(desc).split()).replace("#", "\\#")


def diag(*msg):
    """Prints a TAP comment (to stdout, in order with the results)."""
    for line in " ".join(str(m) for m in msg).splitlines() or [""]:
        print("# " + line)


note = diag


def ok(cond, desc=""):
    """One test: passes when cond is true.  Returns bool(cond)."""
    global _n, _failed
    _n += 1
    cond = bool(cond)
    if not cond:
        _failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", _n, _desc(desc)))
    if not cond:
        # Where it failed: the test script's line.
        f = sys._getframe(1)
        while f and f.f_code.co_filename == __file__:
            f = f.f_back
        if f:
            diag("  Failed test at %s line %d." % (os.path.basename(f.f_code.co_filename), f.f_lineno))
    return cond


def _show(v):
    if isinstance(v, bytes):
        v = v[:300]
    s = repr(v)
    return s if len(s) <= 500 else s[:500] + "..."


def is_(got, want, desc=""):
    """Passes when got == want; shows both otherwise."""
    r = ok(got == want, desc)
    if not r:
        diag("         got: " + _show(got))
        diag("    expected: " + _show(want))
    return r


def isnt(got, unwanted, desc=""):
    r = ok(got != unwanted, desc)
    if not r:
        diag("         got: " + _show(got))
        diag("    expected: anything else")
    return r


def like(text, pattern, desc=""):
    """Passes when the regular expression (str) matches text (str or bytes)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    r = ok(text is not None and re.search(pattern, text) is not None, desc)
    if not r:
        diag("    %s" % _show(text))
        diag("    doesn't match %r" % pattern)
    return r


def unlike(text, pattern, desc=""):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    m = re.search(pattern, text or "")
    r = ok(m is None, desc)
    if not r:
        diag("    matches %r at: %s" % (pattern, _show(text[max(0, m.start() - 80):m.end() + 80])))
    return r


def skip(desc, reason):
    """A test that is not run; counts as skipped."""
    global _n
    _n += 1
    print("ok %d - %s # SKIP %s" % (_n, _desc(desc), reason))


def bail(reason):
    """Stops the script: the rest cannot run."""
    print("Bail out! " + reason)
    sys.exit(255)


def done():
    """Prints the plan and exits: 0 when every test passed, else 1."""
    print("1..%d" % _n)
    if _failed:
        diag("Looks like you failed %d test%s of %d." % (_failed, "s"[:_failed != 1], _n))
    sys.stdout.flush()
    sys.exit(1 if _failed else 0)


# ---------------------------------------------------------------- HTTP

class Response:
    """status, headers (case-insensitive .get / .get_all), body (bytes).

    Unpacks as (status, headers, body); .text is the body as UTF-8."""

    def __init__(self, status, headers, body, method, url):
        self.status = status
        self.headers = headers
        self.body = body
        self.method = method
        self.url = url

    def __iter__(self):
        return iter((self.status, self.headers, self.body))

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def location(self):
        """The Location header, or None."""
        return self.headers.get("Location")

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<Response %s %s: %d, %d bytes>" % (self.method, self.url, self.status, len(self.body))


# A random start, so that scripts run one after another use other addresses
# (nginx remembers an address's request rate across scripts).
_source_counter = itertools.count(random.randrange(254 ** 3))


def fresh_source():
    """A loopback address (127.a.b.c, all routed to lo on Linux), new per call."""
    n = next(_source_counter) % (254 ** 3)
    return "127.%d.%d.%d" % (n // 254 ** 2 + 1, (n // 254) % 254 + 1, n % 254 + 1)


class Client:
    """An HTTP client with its own cookies; does not follow redirects.

    Client(base_url=URL, source=None): source is the local address to send
    from (default: 127.0.0.1, shared by all; fresh_source() for another)."""

    def __init__(self, base_url=None, source=None, timeout=60):
        self.base = (base_url or URL).rstrip("/")
        u = urllib.parse.urlsplit(self.base)
        self.scheme = u.scheme
        self.host = u.hostname
        self.port = u.port or (443 if u.scheme == "https" else 80)
        self.source = source or "127.0.0.1"
        self.timeout = timeout
        self.cookies = {}          # name -> (value, path)
        self.last = None           # the last Response
        self.headers = {"User-Agent": "tucai-e2e/1 (tlib.py)", "Accept-Language": "zh-CN"}

    # -- low level

    def _conn(self):
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        src = (self.source, 0) if self.host in ("127.0.0.1", "localhost") else None
        return cls(self.host, self.port, timeout=self.timeout, source_address=src)

    def _url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return self.base + (path if path.startswith("/") else "/" + path)

    def cookie(self, name):
        """The value of a cookie, or None."""
        c = self.cookies.get(name)
        return c[0] if c else None

    def set_cookie(self, name, value, path="/"):
        self.cookies[name] = (value, path)

    def clear_cookies(self):
        self.cookies.clear()

    def _cookie_header(self, path):
        pairs = ["%s=%s" % (k, v) for k, (v, p) in self.cookies.items()
                 if path == p or path.startswith(p.rstrip("/") + "/") or p == "/"]
        return "; ".join(pairs)

    def _store_cookies(self, headers):
        for sc in headers.get_all("Set-Cookie") or []:
            parts = [p.strip() for p in sc.split(";")]
            if "=" not in parts[0]:
                continue
            name, value = parts[0].split("=", 1)
            attrs = {}
            for a in parts[1:]:
                k, _, v = a.partition("=")
                attrs[k.strip().lower()] = v.strip()
            expired = False
            if attrs.get("max-age", "").lstrip("-").isdigit() and int(attrs["max-age"]) <= 0:
                expired = True
            elif "expires" in attrs:
                try:
                    from email.utils import parsedate_to_datetime
                    expired = parsedate_to_datetime(attrs["expires"]).timestamp() < time.time()
                except (TypeError, ValueError):
                    pass
            if expired or value == "" and "max-age" in attrs:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = (value, attrs.get("path") or "/")

    def request(self, method, path, body=None, headers=None):
        """Any request; body is bytes (or str).  Returns a Response."""
        url = self._url(path)
        u = urllib.parse.urlsplit(url)
        target = u.path or "/"
        if u.query:
            target += "?" + u.query
        h = dict(self.headers)
        ck = self._cookie_header(u.path or "/")
        if ck:
            h["Cookie"] = ck
        if isinstance(body, str):
            body = body.encode("utf-8")
        if body is not None:
            h["Content-Length"] = str(len(body))
        h.update(headers or {})
        conn = self._conn()
        try:
            conn.request(method, target, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            r = Response(resp.status, resp.headers, data, method, url)
        finally:
            conn.close()
        self._store_cookies(r.headers)
        self.last = r
        return r

    # -- the usual ones

    def get(self, path, params=None, headers=None):
        """GET path (with params urlencoded into the query string)."""
        if params:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params)
        return self.request("GET", path, headers=headers)

    def post(self, path, fields=None, files=None, headers=None):
        """POST a form.  fields: dict or list of (name, value) pairs (a list
        may repeat a name).  files: {name: (filename, bytes, content_type)}
        or {name: "/path/to/file"}; with files the body is multipart/form-data,
        else application/x-www-form-urlencoded."""
        items = list(fields.items()) if isinstance(fields, dict) else list(fields or [])
        if files:
            body, ctype = multipart(items, files)
        else:
            body = urllib.parse.urlencode([(k, v) for k, v in items]).encode("ascii")
            ctype = "application/x-www-form-urlencoded"
        h = {"Content-Type": ctype}
        h.update(headers or {})
        return self.request("POST", path, body=body, headers=h)

    def csrf(self, html_text=None):
        """The csrf token of a form in html_text (default: the last page)."""
        if html_text is None:
            html_text = self.last.text if self.last else ""
        elif isinstance(html_text, bytes):
            html_text = html_text.decode("utf-8", "replace")
        elif isinstance(html_text, Response):
            html_text = html_text.text
        for tag in re.findall(r"<input\b[^>]*>", html_text, re.I):
            if re.search(r"""\bname\s*=\s*["']?csrf["'\s/>]""", tag, re.I):
                m = re.search(r"""\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", tag, re.I)
                if m:
                    return html.unescape(next(g for g in m.groups() if g is not None))
        return None

    def follow(self, max_hops=10):
        """Follows the last response's redirects (GET) until a non-3xx answer."""
        r = self.last
        hops = 0
        while r is not None and r.status in (301, 302, 303, 307, 308) and r.location:
            if hops >= max_hops:
                raise RuntimeError("too many redirects from " + r.url)
            r = self.get(urllib.parse.urljoin(r.url, r.location))
            hops += 1
        return r


def multipart(items, files):
    """Builds a multipart/form-data body by hand: (body bytes, content type)."""
    boundary = "----tucai" + secrets.token_hex(12)
    out = []

    def enc(s):
        return s.encode("utf-8") if isinstance(s, str) else s

    def qname(s):
        return s.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")

    for name, value in items:
        out.append(b"--" + enc(boundary) + b"\r\n")
        out.append(b'Content-Disposition: form-data; name="' + enc(qname(name)) + b'"\r\n\r\n')
        out.append(enc(str(value) if not isinstance(value, (bytes, str)) else value) + b"\r\n")
    for name, spec in files.items():
        if isinstance(spec, str):
            with open(spec, "rb") as f:
                data = f.read()
            fname = os.path.basename(spec)
            ext = os.path.splitext(spec)[1].lower()
            ctype = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}.get(
                ext, "application/octet-stream")
        else:
            fname, data, ctype = (tuple(spec) + ("application/octet-stream",))[:3]
        out.append(b"--" + enc(boundary) + b"\r\n")
        out.append(b'Content-Disposition: form-data; name="' + enc(qname(name)) +
                   b'"; filename="' + enc(qname(fname)) + b'"\r\n')
        out.append(b"Content-Type: " + enc(ctype) + b"\r\n\r\n")
        out.append(enc(data) + b"\r\n")
    out.append(b"--" + enc(boundary) + b"--\r\n")
    return b"".join(out), "multipart/form-data; boundary=" + boundary


# ---------------------------------------------------------------- the rest

def cli(*args, stdin=None, timeout=120):
    """Runs tools/tucai ARGS; returns (rc, stdout, stderr) as str."""
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    p = subprocess.run([CLI] + [str(a) for a in args], input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


_unique_seq = itertools.count(1)


def unique(prefix="T", digits=False, n=6):
    """A code not used before in this test run: prefix + n random characters
    (upper-case letters and digits; only digits with digits=True, e.g. for
    school codes)."""
    alphabet = string.digits if digits else string.ascii_uppercase + string.digits
    seq = next(_unique_seq)
    tail = "".join(random.SystemRandom().choice(alphabet) for _ in range(n))
    return "%s%s%d" % (prefix, tail, seq) if not digits else "%s%s" % (prefix, tail)


_tmp = None


def tmpdir():
    """A temporary folder for this script, removed at exit."""
    global _tmp
    if _tmp is None:
        base = os.path.join(VAR, "tmp-e2e") if VAR and os.path.isdir(VAR) else None
        if base:
            os.makedirs(base, exist_ok=True)
        _tmp = tempfile.mkdtemp(prefix="e2e-", dir=base)
        import atexit
        atexit.register(shutil.rmtree, _tmp, True)
    return _tmp


_corpus = {}


def mkqr(text, path, variant=None):
    """Writes a QR code image holding text to path.

    Without variant: a plain PNG from qrencode (8 px modules).  With a variant
    (a name of t/lib/mkimages.sh's corpus without the qr_ prefix: "plain",
    "screenshot", "dark", "rot90", "rot180", "rot15", "persp", "exif6",
    "screen", "photo12mp", "exif12mp") the image comes from that corpus
    (mkimages.sh OUTDIR PAYLOAD qr), generated once per payload.  Returns
    path."""
    if variant is None:
        subprocess.run(["qrencode", "-s", "8", "-o", path, text], check=True)
        return path
    script = os.path.join(SRC, "t", "lib", "mkimages.sh")
    if not os.path.exists(script):
        raise RuntimeError("t/lib/mkimages.sh missing; cannot make variant " + variant)
    key = text
    if key not in _corpus:
        d = tempfile.mkdtemp(prefix="qr-", dir=tmpdir())
        subprocess.run(["sh", script, d, text, "qr"], check=True,
                       stdout=subprocess.DEVNULL)
        _corpus[key] = d
    d = _corpus[key]
    for ext in (".png", ".jpg"):
        src = os.path.join(d, "qr_" + variant + ext)
        if os.path.exists(src):
            shutil.copyfile(src, path)
            return path
    raise RuntimeError("mkimages.sh made no qr_%s image" % variant)


_conf = None


def conf_values():
    """Settings of the instance's tucai.hdf as {"DB.Socket": ..., "Pay.Secret": ...}
    (read once)."""
    global _conf
    if _conf is None:
        vals, stack = {}, []
        with open(CONF, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if line.endswith("{"):
                    stack.append(line[:-1].strip())
                elif line == "}":
                    stack.pop()
                elif "=" in line:
                    k, v = (s.strip() for s in line.split("=", 1))
                    vals[".".join(stack + [k])] = v
        _conf = vals
    return _conf


def sql_rows(query, timeout=60):
    """Runs SQL on the instance's database as the application's user (the DB
    settings of tucai.hdf).  Returns the rows, each a list of str; [] when
    the query failed (shown as a diag)."""
    cfg = conf_values()
    p = subprocess.run(
        ["mariadb", "--no-defaults", "--default-character-set=utf8mb4",
         "--socket=" + cfg["DB.Socket"], "-u", cfg["DB.User"],
         "-p" + cfg["DB.Password"], cfg["DB.Name"], "-N", "-B", "-e", query],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if p.returncode != 0:
        diag("sql failed: " + p.stderr.decode("utf-8", "replace"))
        return []
    return [line.split("\t") for line in p.stdout.decode("utf-8").splitlines()]


def sql(query, timeout=60):
    """The first column of the first row (str), or None."""
    rows = sql_rows(query, timeout)
    return rows[0][0] if rows else None


def idnum(first17):
    """A valid GB 11643 ID number: 17 digits and their MOD 11-2 check character."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * k for d, k in zip(first17, w)) % 11]


def signed_post(path, fields):
    """POST fields to path signed as the payment provider signs (Pay.Secret,
    HMAC-SHA256 of timestamp and canonical body; pay.h)."""
    import hashlib
    import hmac
    secret = bytes.fromhex(conf_values()["Pay.Secret"])
    q = lambda s: urllib.parse.quote(str(s), safe="-._~")
    body = "&".join("%s=%s" % (q(k), q(v)) for k, v in sorted(fields.items()) if v != "")
    ts = str(int(time.time()))
    sig = hmac.new(secret, (ts + "\n" + body).encode(), hashlib.sha256).hexdigest()
    return Client().request("POST", path, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Tucai-Timestamp": ts, "X-Tucai-Signature": sig})


_clock = [0]


def set_clock(seconds):
    """Moves the instance's clock (Test.ClockFile, tucai.hdf(5)) to the
    real one plus seconds; 0 puts it back.  A new file is renamed in, so
    that every worker sees the change at its next request.  A script
    that moves the clock gets it put back when it exits."""
    path = os.path.join(VAR, "clock")
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write("%+d\n" % int(seconds) if seconds else "")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    if seconds and not _clock[0]:
        import atexit
        atexit.register(set_clock, 0)
    _clock[0] = int(seconds)


def clock_offset():
    """The offset set_clock() put in force (seconds)."""
    return _clock[0]


def shanghai(days=0):
    """The Asia/Shanghai date (UTC+8, no DST) plus days, YYYY-MM-DD, on
    the instance's clock (set_clock)."""
    t = datetime.datetime.utcnow() + datetime.timedelta(hours=8, days=days,
                                                        seconds=_clock[0])
    return t.strftime("%Y-%m-%d")
