"""cgilib - tucai's programs run in CGI mode (cgi/http/fcgi.c): one request
from the environment and stdin, the response read from stdout.  No nginx:
the program talks to the running test instance's database (TUCAI_CONF).

    from cgilib import Cgi
    s = Cgi("student")
    r = s.get("/task")                 # the session cookie is kept
    r = s.post("/task", {"task_code": "PKU2026", "csrf": s.csrf()})
    r.status, r.header("Location"), r.text

run() is the low level: any method, path, query, body and headers, and
now= for the test clock of that one process (TUCAI_NOW: "+60" seconds
ahead, "@1767225600" a fixed time; clock.h).  routes() is the program's
route table (TUCAI_ROUTES=1).

The programs run as the instance's user (www-data) when the tests run as
root, as the FastCGI workers do, with the sanitizer settings of the
environment (tools/check counts their reports).
"""

import base64
import hashlib
import hmac
import html
import json
import os
import re
import subprocess
import urllib.parse

from tlib import CONF, VAR, conf_values, diag, multipart

APP_USER = "www-data"
SANITIZER = re.compile(r"runtime error:|ERROR: (Address|Leak|UndefinedBehavior)Sanitizer")
PROGRAMS = ("student", "admin", "bank")


def program(name):
    """The path of a program of the instance's build."""
    return os.path.join(VAR, "build", name + ".fcgi")


class Reply:
    """A CGI response: status (int), headers (list of (name, value)),
    body (bytes); .text, .header(name), .header_all(name), .cookies
    ({name: (value, {attr: value})}), .stderr."""

    def __init__(self, status, headers, body, stderr=b"", rc=0):
        self.status = status
        self.headers = headers
        self.body = body
        self.stderr = stderr.decode("utf-8", "replace")
        self.rc = rc
        self.cookies = {}
        for v in self.header_all("Set-Cookie"):
            parts = [p.strip() for p in v.split(";")]
            name, _, value = parts[0].partition("=")
            attrs = {}
            for a in parts[1:]:
                k, _, av = a.partition("=")
                attrs[k.strip().lower()] = av.strip()
            self.cookies[name] = (value, attrs)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def location(self):
        return self.header("Location")

    def __repr__(self):
        return "<Reply %d, %d bytes>" % (self.status, len(self.body))


def parse(out, stderr=b"", rc=0):
    """A Reply from a program's stdout (CGI: headers, a blank line, body)."""
    head, sep, body = out.partition(b"\r\n\r\n")
    if not sep:
        return Reply(0, [], out, stderr, rc)
    headers = []
    status = 200
    for line in head.decode("utf-8", "replace").split("\r\n"):
        k, _, v = line.partition(":")
        k, v = k.strip(), v.strip()
        if k.lower() == "status":
            status = int(v.split()[0]) if v.split() and v.split()[0].isdigit() else 0
        else:
            headers.append((k, v))
    return Reply(status, headers, body, stderr, rc)


def _env(extra=None, now=None):
    # As tools/lib.sh starts the workers (one thread for Tesseract).
    e = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TUCAI_CONF": CONF,
         "OMP_THREAD_LIMIT": "1"}
    for k, v in os.environ.items():
        if k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            e[k] = v
    if now is not None:
        e["TUCAI_NOW"] = str(now)
    e.update(extra or {})
    return e


def _cmd(prog):
    if os.geteuid() == 0:
        return ["setpriv", "--reuid=" + APP_USER, "--regid=" + APP_USER,
                "--init-groups", "--", program(prog)]
    return [program(prog)]


def run(prog, method="GET", path="/", query="", body=b"", ctype=None, cookie=None,
        headers=None, addr="127.0.0.1", now=None, env=None, timeout=120):
    """One request to prog ("student", "admin", "bank") in CGI mode.

    query: str (as sent) or a dict / list of pairs (urlencoded); body:
    bytes or str, sent on stdin with CONTENT_LENGTH; cookie: the Cookie
    header; headers: {"X-Tucai-Signature": ...} as HTTP_* variables.
    Returns a Reply."""
    if not isinstance(query, str):
        query = urllib.parse.urlencode(query)
    if isinstance(body, str):
        body = body.encode("utf-8")
    e = {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "REQUEST_METHOD": method,
        "DOCUMENT_URI": path,
        "SCRIPT_NAME": path,
        "REQUEST_URI": path + ("?" + query if query else ""),
        "QUERY_STRING": query,
        "REMOTE_ADDR": addr,
        "HTTP_USER_AGENT": "tucai-e2e/1 (cgilib.py)",
    }
    if method == "POST" or body:
        e["CONTENT_LENGTH"] = str(len(body))
    if ctype is not None:
        e["CONTENT_TYPE"] = ctype
    if cookie:
        e["HTTP_COOKIE"] = cookie
    for k, v in (headers or {}).items():
        e["HTTP_" + k.upper().replace("-", "_")] = v
    e.update(env or {})
    p = subprocess.run(_cmd(prog), input=body, env=_env(e, now), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    r = parse(p.stdout, p.stderr, p.returncode)
    if SANITIZER.search(r.stderr):
        # A fatal UBSan report goes to stderr whatever log_path says:
        # shown here, with the request, for the failure it causes.
        diag("%s %s %s: the program's stderr:" % (prog, method, path))
        diag(r.stderr[:3000])
    return r


def routes(prog):
    """The route table of prog: a list of {"path", "methods", "flags",
    "roles", "fields": [{"name", "type", "max", "flags", "label" (its word,
    or None), "text" (its name in the messages)}]}."""
    p = subprocess.run(_cmd(prog), input=b"", env=_env({"GATEWAY_INTERFACE": "CGI/1.1",
                                                        "TUCAI_ROUTES": "1"}),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return [json.loads(line) for line in p.stdout.decode("utf-8").splitlines() if line.strip()]


def digest(tables):
    """{table: SHA-256 of its rows} on the instance's database, as the
    application's user: what a test compares to show that nothing changed.
    (CHECKSUM TABLE is not used: it changed now and then on unchanged
    InnoDB rows.)"""
    cfg = conf_values()
    q = " ".join("SELECT 'TABLE %s'; SELECT * FROM `%s` ORDER BY 1;" % (t, t) for t in tables)
    p = subprocess.run(
        ["mariadb", "--no-defaults", "--default-character-set=utf8mb4",
         "--socket=" + cfg["DB.Socket"], "-u", cfg["DB.User"], "-p" + cfg["DB.Password"],
         cfg["DB.Name"], "-N", "-B", "-e", q],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        diag("digest: " + p.stderr.decode("utf-8", "replace"))
        return None
    out, name, h = {}, None, None
    for line in p.stdout.split(b"\n"):
        if line.startswith(b"TABLE "):
            name = line[6:].decode()
            h = out[name] = hashlib.sha256()
        elif h is not None:
            h.update(line + b"\n")
    return dict((k, v.hexdigest()[:16]) for k, v in out.items())


def csrf_of(token):
    """The CSRF token of a session cookie token (http/csrf.c):
    base64url(HMAC-SHA256(Site.FormKey, "csrf" || SHA-256(token)))."""
    key = hashlib.sha256(token.encode()).digest()
    mac = hmac.new(conf_values()["Site.FormKey"].encode(), b"csrf" + key,
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def form_csrf(text):
    """The csrf token of the first form in an HTML page, or None."""
    for tag in re.findall(r"<input\b[^>]*>", text or "", re.I):
        if re.search(r"""\bname\s*=\s*["']?csrf["'\s/>]""", tag, re.I):
            m = re.search(r"""\bvalue\s*=\s*"([^"]*)\"""", tag, re.I)
            if m:
                return html.unescape(m.group(1))
    return None


class Cgi:
    """A browser of one program in CGI mode: keeps its session cookie and
    the last page (for its csrf token).  addr is its REMOTE_ADDR; now= on
    a call (or .now for every call) moves the clock of that process."""

    def __init__(self, prog, addr="127.0.0.1", now=None):
        self.prog = prog
        self.addr = addr
        self.now = now
        self.cookies = {}
        self.last = None

    def cookie_header(self):
        return "; ".join("%s=%s" % kv for kv in self.cookies.items())

    def request(self, method, path, query="", body=b"", ctype=None, headers=None, now=None,
                cookie=None):
        r = run(self.prog, method, path, query=query, body=body, ctype=ctype,
                cookie=self.cookie_header() if cookie is None else cookie,
                headers=headers, addr=self.addr, now=now if now is not None else self.now)
        for name, (value, attrs) in r.cookies.items():
            if value == "" or attrs.get("max-age") == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        self.last = r
        return r

    def get(self, path, query="", **kw):
        if "?" in path and not query:
            path, _, query = path.partition("?")
        return self.request("GET", path, query=query, **kw)

    def post(self, path, fields=None, files=None, query="", **kw):
        """A form POST: fields is a dict or a list of pairs (a list may repeat
        a name; values may be bytes); with files {name: (filename, bytes,
        type)} the body is multipart/form-data."""
        items = list(fields.items()) if isinstance(fields, dict) else list(fields or [])
        if files:
            body, ctype = multipart(items, files)
        else:
            body = urllib.parse.urlencode(items).encode("ascii")
            ctype = "application/x-www-form-urlencoded"
        return self.request("POST", path, query=query, body=body, ctype=ctype, **kw)

    def csrf(self, reply=None):
        r = reply or self.last
        return form_csrf(r.text if r else "")

    def token(self, name=None):
        """The session cookie's value."""
        name = name or {"student": "tucai_sid", "admin": "tucai_admin",
                        "bank": "tucai_bank"}[self.prog]
        return self.cookies.get(name)
