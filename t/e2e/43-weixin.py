#!/usr/bin/env python3
"""WeChat sign-in (网页授权, snsapi_base) through the sandbox authorisation
server (issue 15 items 3 and 4), through nginx.

The instance is configured for it (Weixin.AppId, Secret, IdKey, the
sandbox's URLs: tools/serve's tucai.hdf).  A phone with WeChat's
User-Agent is sent to the sandbox's 授权登录 page with a state bound to its
session, approves as a sandbox WeChat user and comes back signed in; it
books and pays.  A "second phone" (a new cookie jar, the same WeChat user)
sees the booking at once, without the 采集码 or the ID number; another
WeChat user sees nothing, and the 采集码 alone still leads it to /find.
Guesses count per WeChat user: clearing the cookies does not reset the
limit.  A refused authorisation, a state of another session, a code used
twice, a failing token endpoint, a 快照页 virtual user and an expired
state all fall back to today's flow with a Chinese message; a browser that
is not WeChat is never redirected.  Only hashes of openids are stored; the
secret, the codes and the openids never reach the log.  Without the
Weixin configuration (student.fcgi started on a socket of its own with a
copy of tucai.hdf), WeChat's browser is not redirected either.
"""
import base64
import hashlib
import hmac
import os
import re
import shutil
import subprocess
import time
import urllib.parse

from tlib import (CONF, URL, VAR, Client, bail, conf_values, done, fresh_source, is_,
                  isnt, like, ok, set_clock, sql, sql_rows, tmpdir, unique, unlike)
from _student import book, enter_task, make_task, pay_card, prepare, send_code

CFG = conf_values()
APPID = CFG.get("Weixin.AppId", "")
SECRET = CFG.get("Weixin.Secret", "")
if not APPID or not SECRET or "/weixin-sandbox/" not in CFG.get("Weixin.AuthorizeUrl", ""):
    bail("the instance has no sandbox WeChat configuration (Weixin.* in tucai.hdf; "
         "tools/serve writes it unless TUCAI_WEIXIN=0)")

WX_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) "
         "NetType/WIFI Language/zh_CN")
SAFARI_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
FALLBACK = "继续使用任务代码和采集码"
RUN = unique("")   # sandbox user names of this run: a rerun starts afresh


def who(name):
    return name + RUN


def phone(ua=WX_UA, ask=True):
    """A new phone (cookie jar, address).  In WeChat, with ask (the
    default), its sandbox account is set to show the 授权登录 page at every
    authorisation (/weixin-sandbox/phone), so that the test picks the user;
    without, the sandbox authorises silently as snsapi_base does."""
    c = Client(source=fresh_source())
    c.headers["User-Agent"] = ua
    if ask and ua == WX_UA:
        r = c.get("/weixin-sandbox/phone")
        f = hidden(r.text)
        f["ask"] = "1"
        c.post("/weixin-sandbox/phone", f)
    return c


def openid_of(user):
    """The sandbox's openid of a user name (cgi/wxsandbox.c)."""
    mac = hmac.new(SECRET.encode(), APPID.encode() + b"\0" + user.encode(), hashlib.sha256).digest()
    return "o" + base64.urlsafe_b64encode(mac).decode().rstrip("=")[:27]


def openid_hash(openid):
    """What tucai stores: HMAC-SHA256(Weixin.IdKey, "openid\\n" AppId NUL openid)."""
    key = CFG["Weixin.IdKey"]
    try:
        kb = bytes.fromhex(key)
    except ValueError:
        kb = key.encode()
    return hmac.new(kb, b"openid\n" + APPID.encode() + b"\0" + openid.encode(),
                    hashlib.sha256).hexdigest().upper()


def hidden(text):
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', text))


def authorize(c, r, user="沙箱用户甲", decision="allow", fault=None, snapshot=False, other=None):
    """From a 303 to the sandbox's authorise URL (or that URL): the page,
    the decision.  Returns the sandbox's 303 back to tucai (code and
    state).  user may be any name (the page's radio buttons offer three;
    other is the page's text field for another name)."""
    loc = (r if isinstance(r, str) else r.location).split("#", 1)[0]
    page = c.get(loc)
    if page.status != 200:
        return page
    f = {k: urllib.parse.unquote(v) for k, v in hidden(page.text).items()}
    f = {k: v.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"') for k, v in f.items()}
    f["decision"] = decision
    f["user"] = user
    if other:
        f["other"] = other
    if fault:
        f["fault"] = fault
    if snapshot:
        f["snapshot"] = "1"
    return c.post("/weixin-sandbox/connect/oauth2/authorize", f)


def sign_in(c, path="/", **kw):
    """GET path in WeChat: redirected, approved at the sandbox, back through
    /weixin/callback.  Returns the callback's response."""
    r = c.get(path)
    if r.status != 303 or "/weixin-sandbox/" not in (r.location or ""):
        return r
    back = authorize(c, r, **kw)
    if back.status != 303:
        return back
    return c.get(back.location)


# ---------------------------------------------------------------- outside WeChat

for ua, name in ((None, "the tests' own client"), (SAFARI_UA, "Safari on an iPhone")):
    c = phone(ua) if ua else Client(source=fresh_source())
    for path in ("/", "/task", "/find", "/booking", "/records"):
        r = c.get(path)
        ok(r.status in (200, 303) and "weixin" not in (r.location or ""),
           "%s: %s is never sent to WeChat (%d %s)" % (name, path, r.status, r.location or ""))

# ---------------------------------------------------------------- the redirect

a1 = phone()
r = a1.get("/")
is_(r.status, 303, "WeChat's browser at /: 303")
loc = r.location or ""
ok(loc.startswith(CFG["Weixin.AuthorizeUrl"] + "?"), "to Weixin.AuthorizeUrl")
q = urllib.parse.parse_qs(urllib.parse.urlsplit(loc.split("#")[0]).query)
is_(q.get("appid"), [APPID], "appid")
is_(q.get("redirect_uri"), [CFG["Site.Url"] + "/weixin/callback"], "redirect_uri: Site.Url/weixin/callback")
is_(q.get("response_type"), ["code"], "response_type=code")
is_(q.get("scope"), ["snsapi_base"], "scope=snsapi_base (silent)")
ok(re.fullmatch(r"[0-9a-f]{43}", (q.get("state") or [""])[0]) is not None,
   "state: 43 of [0-9a-f] (WeChat allows a-zA-Z0-9, 128 bytes)")
ok(loc.endswith("#wechat_redirect"), "#wechat_redirect at the end")
like(r.header("Set-Cookie", ""), r"tucai_sid=[0-9a-f]{64}", "the session cookie the state is bound to")
is_(a1.get("/healthz").status, 200, "/healthz is not redirected")

page = a1.get(loc.split("#")[0])
is_(page.status, 200, "the sandbox's authorise page")
like(page.text, "授权登录", "授权登录")
like(page.text, "沙箱用户甲", "offers sandbox users")
like(page.text, re.escape(openid_of("沙箱用户甲")), "with their openids")
like(page.text, "weui", "WeUI")
for bad, code in (({"appid": "wxnotthisone"}, "10016"), ({"scope": "snsapi_login"}, "10005"),
                  ({"redirect_uri": "https://evil.example/weixin/callback"}, "10003")):
    qq = dict((k, v[0]) for k, v in q.items())
    qq.update(bad)
    r = a1.get("/weixin-sandbox/connect/oauth2/authorize?" + urllib.parse.urlencode(qq))
    like(r.text, 'data-errcode="%s"' % code, "sandbox refuses %s like WeChat (%s)" % (list(bad)[0], code))

# ---------------------------------------------------------------- silent, as snsapi_base

q1 = phone(ask=False)
r = q1.get("/")
is_(r.status, 303, "a phone without a sandbox account: to the authorisation")
r = q1.get(r.location.split("#")[0])
ok(r.status == 303 and "/weixin/callback?code=" in (r.location or ""),
   "the sandbox answers at once, no page (snsapi_base is silent)")
like(r.header("Set-Cookie", ""), r"tucai_wxsb=s[A-Za-z0-9_-]{28}; Path=/weixin-sandbox",
     "and remembers this phone's new WeChat user")
r = q1.get(r.location)
is_((r.status, r.location), (303, "/"), "signed in, back to /")
like(q1.get("/").text, "已通过微信登录", "the home page as usual, signed in")
oid = q1.cookie("tucai_wxsb")[1:]
q1.cookies.pop("tucai_sid", None)
r = sign_in(q1, "/")
is_((r.status, r.location), (303, "/"), "tucai's cookie gone: signed in again at once")
is_(sql("SELECT COUNT(*) FROM session WHERE wx_openid = UNHEX('%s')" % openid_hash(oid)), "2",
    "as the same WeChat user (the phone's)")
q2 = phone(ask=False)
sign_in(q2, "/")
isnt(q2.cookie("tucai_wxsb"), q1.cookie("tucai_wxsb"), "another phone: another WeChat user")
r = q1.get("/weixin-sandbox/phone")
like(r.text, 'data-openid="%s"' % re.escape(oid), "the sandbox's 本机微信账号 page shows it")

# ---------------------------------------------------------------- sign-in and booking

T = make_task(students=4, capacity=5, fee="40", days=(1, 2))
S = T["students"]
A, B = who("甲"), who("乙")
sessions_before = int(sql("SELECT COUNT(*) FROM session WHERE wx_openid IS NOT NULL"))
back = authorize(a1, loc, user=A)
is_(back.status, 303, "approved: the sandbox sends the browser back")
like(back.location or "", r"^%s/weixin/callback\?code=[0-9a-f]{32}&state=[0-9a-f]{43}$" % re.escape(CFG["Site.Url"]),
     "to redirect_uri with code and state")
first_callback = back.location
r = a1.get(back.location)
is_((r.status, r.location), (303, "/"), "the callback signs in and goes on to /")
ok(int(sql("SELECT COUNT(*) FROM session WHERE wx_openid IS NOT NULL")) == sessions_before + 1,
   "the session keeps the openid's hash")
is_(sql("SELECT COUNT(*) FROM session WHERE wx_openid = UNHEX('%s')" % openid_hash(openid_of(A))), "1",
    "as HMAC(Weixin.IdKey, AppId, openid)")
r = a1.get("/")
is_(r.status, 200, "signed in: / is not redirected again")
like(r.text, "已通过微信登录", "the home page says so")

r = enter_task(a1, T["code"])
is_(r.status, 303, "signed in, the student still enters the task code")
send_code(a1, S[0]["code"])
a1.get("/confirm")
a1.post("/confirm", {"csrf": a1.csrf()})
a1.get("/slots")
r = book(a1, T["slots"][0])
is_((r.status, r.location), (303, "/pay"), "books a slot")
ok(pay_card(a1), "pays with the test card")
like(a1.get("/booking").text, "预约成功", "booked")
is_(sql("SELECT HEX(b.wx_openid) FROM booking b JOIN student s ON s.id = b.student_id "
        "WHERE s.collect_code = '%s'" % S[0]["code"]), openid_hash(openid_of(A)),
    "the booking keeps the openid's hash")

# ---------------------------------------------------------------- the second phone

a2 = phone()
r = sign_in(a2, "/", user=A)
is_((r.status, r.location), (303, "/"), "second phone, same WeChat user: signed in")
r = a2.get("/")
like(r.text, "我的预约", "the home page shows the booking at once")
like(r.text, re.escape("测试采集" + T["code"]), "of this task")
r = a2.get("/booking")
is_(r.status, 200, "/booking")
like(r.text, "预约成功", "booked, without the 采集码 or the ID number")
is_(a2.get("/booking/qr.png").status, 200, "and its 预约二维码")
r = a2.get("/records")
is_(r.status, 200, "/records answers for it")

b1 = phone()
r = sign_in(b1, "/booking", user=B)
is_((r.status, r.location), (303, "/booking"), "another WeChat user: signed in, back to /booking")
r = b1.get("/booking")
is_((r.status, r.location), (303, "/find"), "sees no booking (led to /find)")
unlike(b1.get("/").text, "tc-card_booking", "nothing on its home page")
enter_task(b1, T["code"])
r = send_code(b1, S[0]["code"])
is_((r.status, r.location), (303, "/find"),
    "another WeChat user with A's 采集码: the ID number is asked first (issue 11), not the booking")
is_(b1.get("/booking/qr.png").status, 404, "no QR for it")

# A phone signed in before its WeChat user booked on another phone: the
# 采集码 typed there opens the booking, as openid is the stronger identity
# than the 采集码 alone (issue 11's rule stays for everyone else).
a3 = phone()
r = sign_in(a3, "/", user=who("丙"))
is_((r.status, r.location), (303, "/"), "a phone of 沙箱用户丙 signs in (no booking yet)")
p3 = phone()
sign_in(p3, "/", user=who("丙"))
prepare(T, S[1], c=p3)
r = book(p3, T["slots"][0])
is_((r.status, r.location), (303, "/pay"), "丙 books on another phone")
enter_task(a3, T["code"])
r = send_code(a3, S[1]["code"])
is_((r.status, r.location), (303, "/booking"),
    "the first phone types that 采集码: the booking opens, no ID number asked")
like(a3.get("/booking").text, "待支付", "it is 丙's held booking")

# /find in WeChat, proven with the ID number, binds a booking made elsewhere.
c2 = prepare(T, S[2], c=phone(SAFARI_UA))
book(c2, T["slots"][0])
d1 = phone()
sign_in(d1, "/find", other=who("丁"))
d1.get("/find")
r = d1.post("/find", {"csrf": d1.csrf(), "collect_code": S[2]["code"], "id_number": S[2]["idn"]})
is_((r.status, r.location), (303, "/booking"), "/find with the ID number in WeChat")
is_(sql("SELECT HEX(b.wx_openid) FROM booking b JOIN student s ON s.id = b.student_id "
        "WHERE s.collect_code = '%s'" % S[2]["code"]), openid_hash(openid_of(who("丁"))),
    "binds the booking to that WeChat user")
d2 = phone()
sign_in(d2, "/", user=who("丁"))
like(d2.get("/booking").text, "待支付|预约成功", "whose next phone then finds it without anything typed")

# ---------------------------------------------------------------- throttles per openid

g1 = phone()
r = sign_in(g1, "/task", user=who("猜码者"))
is_((r.status, r.location), (303, "/task"), "a guesser signs in through WeChat")
limit = int(CFG.get("Throttle.SessionFailures", "10"))
codes = []
for i in range(limit):
    g1.get("/task")
    codes.append(g1.post("/task", {"task_code": "WRONG%03d" % i, "csrf": g1.csrf()}).status)
is_(codes, [422] * limit, "%d wrong task codes: 422 each" % limit)
g1.get("/task")
is_(g1.post("/task", {"task_code": "WRONGX", "csrf": g1.csrf()}).status, 429, "the next: 429")
g2 = phone()
r = sign_in(g2, "/task", user=who("猜码者"))
is_((r.status, r.location), (303, "/task"), "cookies cleared: a new session, signed in again as the same WeChat user")
g2.get("/task")
r = g2.post("/task", {"task_code": "WRONGY", "csrf": g2.csrf()})
is_(r.status, 429, "still refused: the limit is kept per WeChat user")
like(r.text, "错误次数过多", "with the message")
g2.get("/task")
is_(g2.post("/task", {"task_code": T["code"], "csrf": g2.csrf()}).status, 429,
    "refused for a right code too (it learns nothing)")
g3 = phone()
sign_in(g3, "/task", user=who("另一位同学"))
g3.get("/task")
is_(g3.post("/task", {"task_code": "WRONGZ", "csrf": g3.csrf()}).status, 422,
    "another WeChat user on the same address: not refused")
g4 = phone(SAFARI_UA)
g4.get("/task")
is_(g4.post("/task", {"task_code": T["code"], "csrf": g4.csrf()}).status, 303,
    "a browser outside WeChat: not refused")

# ---------------------------------------------------------------- failures fall back

def falls_back(c, r, want, desc):
    """r: the callback's answer.  It leads on (303) to a page with the
    message and today's flow; that page is not sent to WeChat again."""
    ok(r.status == 303 and "weixin-sandbox" not in (r.location or ""), desc + ": 303 on (%d %s)" % (r.status, r.location))
    page = c.get(r.location) if r.status == 303 else r
    is_(page.status, 200, desc + ": a page, not a dead end")
    like(page.text, want, desc + ": says why")
    like(page.text, FALLBACK, desc + ": offers today's flow")
    like(page.text, 'href="/weixin/login', desc + ": and to try again")
    r2 = c.get("/task")
    is_(r2.status, 200, desc + ": /task answers without another WeChat round")
    return page


n1 = phone()
r = sign_in(n1, "/", decision="deny", user=A)
falls_back(n1, r, "未完成微信授权", "refused")
enter_task(n1, T["code"])
r = send_code(n1, S[3]["code"])
is_((r.status, r.location), (303, "/confirm"), "refused: the 采集码 flow works as today")
is_(sql("SELECT COUNT(*) FROM session s WHERE s.student_id = (SELECT id FROM student WHERE collect_code = '%s') "
        "AND s.wx_openid IS NOT NULL" % S[3]["code"]), "0", "and the session has no openid")

n2 = phone()
r = sign_in(n2, "/", fault="down", user=A)
falls_back(n2, r, "暂时无法连接微信", "token endpoint down (HTTP 502)")
n3 = phone()
r = sign_in(n3, "/", fault="busy", user=A)
falls_back(n3, r, "暂时无法连接微信", "token endpoint busy (errcode -1)")
n4 = phone()
r = sign_in(n4, "/", snapshot=True, user=A)
falls_back(n4, r, "快照页", "快照页模式 (virtual openid)")
is_(sql("SELECT COUNT(*) FROM session WHERE wx_openid = UNHEX('%s')" % openid_hash(openid_of(A))), "2",
    "no session got an openid from these (A's two phones only)")

# The callback again (the back button, a refresh): its code is spent and
# its state belonged to the session before sign-in (a new session id).
r = a1.get(first_callback)
falls_back(a1, r, "授权已失效", "the same callback again")
like(a1.get("/booking").text, "预约成功", "the phone keeps its booking")

# Login CSRF: another session's code and state are refused.
v1, v2 = phone(), phone()
r = v1.get("/")
back = authorize(v1, r, user=who("攻击者"))
r = v2.get(back.location)
falls_back(v2, r, "授权已失效", "a callback made for another session")
is_(sql("SELECT COUNT(*) FROM session WHERE wx_openid = UNHEX('%s')" % openid_hash(openid_of(who("攻击者")))), "0",
    "no session took the attacker's openid")
r = v2.get("/weixin/callback?state=zzz&code=abc")
ok(r.status in (303, 422), "a malformed state: no 500 (%d)" % r.status)

# The state lives 10 minutes.
e1 = phone()
r = e1.get("/")
back = authorize(e1, r, user=who("迟到的同学"))
set_clock(11 * 60)
r = e1.get(back.location)
falls_back(e1, r, "授权已失效", "a state older than 10 minutes")
set_clock(0)

# Trying again works, and /weixin/login asks even after a failure.
r = n1.get("/weixin/login?next=0")
is_(r.status, 303, "/weixin/login: another try")
ok("/weixin-sandbox/" in (r.location or ""), "to the authorise page")
back = authorize(n1, r, user=who("戊"))
r = n1.get(back.location)
is_((r.status, r.location), (303, "/"), "signed in on the second try")
like(n1.get("/").text, "已通过微信登录", "signed in")

# ---------------------------------------------------------------- the token endpoint

s = phone()
r = s.get("/weixin-sandbox/connect/oauth2/authorize?" + urllib.parse.urlencode(
    {"appid": APPID, "redirect_uri": CFG["Site.Url"] + "/weixin/callback", "response_type": "code",
     "scope": "snsapi_base", "state": "abc"}))
f = hidden(r.text)
f.update({"decision": "allow", "user": A})
r = s.post("/weixin-sandbox/connect/oauth2/authorize", f)
code = urllib.parse.parse_qs(urllib.parse.urlsplit(r.location).query)["code"][0]
tok = "/weixin-sandbox/sns/oauth2/access_token?"
j = s.get(tok + urllib.parse.urlencode({"appid": APPID, "secret": "0" * len(SECRET), "code": code,
                                        "grant_type": "authorization_code"})).json()
is_(j.get("errcode"), 40125, "token endpoint: a wrong secret -> 40125")
j = s.get(tok + urllib.parse.urlencode({"appid": APPID, "secret": SECRET, "code": code,
                                        "grant_type": "authorization_code"})).json()
is_((j.get("openid"), j.get("scope"), j.get("expires_in")), (openid_of(A), "snsapi_base", 7200),
    "the code gives the openid")
ok(j.get("access_token") and "errcode" not in j, "and an access token")
j = s.get(tok + urllib.parse.urlencode({"appid": APPID, "secret": SECRET, "code": code,
                                        "grant_type": "authorization_code"})).json()
is_(j.get("errcode"), 40163, "used once: again -> 40163 code been used")
j = s.get(tok + urllib.parse.urlencode({"appid": APPID, "secret": SECRET, "code": "f" * 32,
                                        "grant_type": "authorization_code"})).json()
is_(j.get("errcode"), 40029, "an unknown code -> 40029")
f["decision"] = "allow"
r = s.post("/weixin-sandbox/connect/oauth2/authorize", f)
code = urllib.parse.parse_qs(urllib.parse.urlsplit(r.location).query)["code"][0]
set_clock(301)
j = s.get(tok + urllib.parse.urlencode({"appid": APPID, "secret": SECRET, "code": code,
                                        "grant_type": "authorization_code"})).json()
is_(j.get("errcode"), 42003, "after 5 minutes -> 42003 code expired")
set_clock(0)
f2 = dict(f)
f2["sig"] = "0" * 64
r = s.post("/weixin-sandbox/connect/oauth2/authorize", f2)
like(r.text, 'data-errcode="10003"', "a decision whose signature does not match: refused")

# ---------------------------------------------------------------- the log

logf = CFG.get("Log.File")
text = open(logf, encoding="utf-8", errors="replace").read() if logf and os.path.exists(logf) else ""
ok(len(text) > 0, "the log is there")
unlike(text, re.escape(SECRET), "the log has no Weixin.Secret")
for u in (A, B, who("猜码者")):
    unlike(text, re.escape(openid_of(u)), "the log has no openid (%s)" % u)
unlike(text, re.escape(first_callback.split("code=")[1].split("&")[0]), "the log has no code")
like(text, r"weixin: sign-in exchange failed \(errcode -1\)", "failures are logged by errcode")

# ---------------------------------------------------------------- without configuration

def cgi_run(prog, conf, path, ua):
    """One GET answered by prog in CGI mode (GATEWAY_INTERFACE set); the
    finished process (stdout: headers and body)."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TUCAI_CONF": conf,
           "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "PATH_INFO": path,
           "DOCUMENT_URI": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
           "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
           "HTTP_USER_AGENT": ua, "HTTP_HOST": "127.0.0.1"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    cmd = [prog]
    if os.getuid() == 0 and shutil.which("setpriv"):
        cmd = ["setpriv", "--reuid=www-data", "--regid=www-data", "--clear-groups", prog]
    return subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)


def cgi_get(prog, conf, path, ua):
    return cgi_run(prog, conf, path, ua).stdout.decode("utf-8", "replace")


prog = os.path.join(VAR, "build", "student.fcgi")
d = tmpdir()
os.chmod(d, 0o755)
plain = os.path.join(d, "tucai-noweixin.hdf")
with open(CONF, encoding="utf-8") as fin:
    conf = fin.read()
conf = re.sub(r"\nWeixin \{.*?\n\}\n", "\n", conf, flags=re.S)
ok("Weixin {" not in conf and "Weixin {" in open(CONF, encoding="utf-8").read(),
   "a copy of tucai.hdf without the Weixin block")
with open(plain, "w", encoding="utf-8") as fout:
    fout.write(conf)
os.chmod(plain, 0o644)
out = cgi_get(prog, plain, "/", WX_UA)
like(out, r"^Status: 200", "unconfigured: WeChat's browser gets the home page (200)")
unlike(out, r"weixin-sandbox|open\.weixin|^Location", "and is not redirected")
like(out, "毕业生采集", "today's entrance")
out = cgi_get(prog, plain, "/weixin/callback", WX_UA)
like(out, r"^Status: 404", "unconfigured: /weixin/callback is not there (404)")
out = cgi_get(prog, CONF, "/", WX_UA)
like(out, r"^Status: 303", "the same program with the configuration: 303 (the check can fail)")

# ---------------------------------------------------------------- production

def prod_conf(name, weixin):
    """A copy of tucai.hdf as a production site would have it: Production = 1,
    Pay.Provider onsite (the sandbox bank is refused there anyway), with or
    without the sandbox Weixin block."""
    text = open(CONF, encoding="utf-8").read()
    text = text.replace("SecureCookies = 0", "SecureCookies = 0\n  Production = 1")
    text = re.sub(r"(\n\s*Provider =) sandbox", r"\1 onsite", text)
    if not weixin:
        text = re.sub(r"\nWeixin \{.*?\n\}\n", "\n", text, flags=re.S)
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o644)
    return path


bank = os.path.join(VAR, "build", "bank.fcgi")
pc = prod_conf("tucai-prod.hdf", weixin=False)
ok("Production = 1" in open(pc, encoding="utf-8").read(), "a production copy of tucai.hdf")
out = cgi_get(bank, pc, "/weixin-sandbox/connect/oauth2/authorize", WX_UA)
like(out, r"^Status: 404", "Site.Production = 1: the sandbox's authorise page answers 404")
out = cgi_get(bank, pc, "/weixin-sandbox/sns/oauth2/access_token", WX_UA)
like(out, r"^Status: 404", "and its token endpoint 404")
out = cgi_get(bank, pc, "/weixin-sandbox/phone", WX_UA)
like(out, r"^Status: 404", "and its 本机微信账号 page 404")
pw = prod_conf("tucai-prod-wx.hdf", weixin=True)
for prog in (os.path.join(VAR, "build", "student.fcgi"), bank):
    p = cgi_run(prog, pw, "/", WX_UA)
    is_((p.returncode, p.stdout), (1, b""),
        "Site.Production = 1 with the sandbox's Weixin URLs: %s does not start" % os.path.basename(prog))

done()
