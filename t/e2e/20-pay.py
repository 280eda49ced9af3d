#!/usr/bin/env python3
"""Pre-payment through the sandbox bank (CONTRACT 3 /pay, 4; issue 3 item 7).

Students of a task made for this script go task code -> 采集码 -> confirm ->
slot -> /pay -> the bank's card page:
  card ...0001 -> booking booked; ...0002 -> 银行卡绑定失败 (retry works);
  ...0003 -> 余额不足; malformed -> 422 on the bank page.
Notifications: bad signature, stale timestamp, amount mismatch -> 400 and no
change; the same notification 5x in parallel -> one change; /pay/return
alone changes nothing.  The bank's capture and void happen once however
often (and concurrently) they are asked for; its API refuses bad signatures.
"""
import hashlib
import hmac
import os
import re
import threading
import time
import urllib.parse

from tlib import (Client, URL, cli, conf_values, done, idnum, is_, like, mkqr,
                  ok, sql, tmpdir, unique, unlike, bail)

CARD_OK, CARD_BIND, CARD_FUNDS = ("6222020000000000001", "6222020000000000002",
                                  "6222020000000000003")
SECRET = bytes.fromhex(conf_values()["Pay.Secret"])


def canon(fields):
    q = lambda s: urllib.parse.quote(str(s), safe="-._~")
    return "&".join("%s=%s" % (q(k), q(v)) for k, v in sorted(fields.items()) if v != "")


def signed_post(path, fields, ts=None, key=SECRET, client=None):
    """POST fields signed like the bank does (optionally a wrong key/ts)."""
    body = canon(fields)
    ts = str(int(time.time()) if ts is None else ts)
    sig = hmac.new(key, (ts + "\n" + body).encode(), hashlib.sha256).hexdigest()
    c = client or Client(source="127.0.0.1")
    return c.request("POST", path, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Tucai-Timestamp": ts, "X-Tucai-Signature": sig})


def id_number(seq):
    """A valid 18-character ID number (GB 11643 MOD 11-2)."""
    return idnum("11010120000101%03d" % (seq % 1000))


# ------------------------------------------------------------ set-up

school = unique("9", digits=True, n=5)
task = unique("PAY")
day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 + 86400))
last = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 + 5 * 86400))
steps = [
    ("school", "add", school, "支付测试大学" + school),
    ("task", "add", task, "--school", school, "--title", "支付测试采集",
     "--from", day, "--to", last, "--fee", "40"),
    ("slots", "add", task, "--date", day, "--from", "09:00", "--to", "11:00",
     "--every", "30", "--capacity", "20"),
]
for s in steps:
    rc, out, err = cli(*s)
    if rc != 0:
        bail("cli %s: %s" % (" ".join(s), err.strip()))
codes = [unique("HXP") for _ in range(6)]
roster = os.path.join(tmpdir(), "roster.csv")
with open(roster, "w", encoding="utf-8") as f:
    f.write("采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n")
    for i, code in enumerate(codes):
        f.write("%s,测试%d,%s,S%d,普通本科,普通高校,支付1班\n" % (
            code, i, id_number(i), i))
rc, out, err = cli("roster", "import", task, roster)
if rc != 0:
    bail("roster import: " + err)


def to_pay(code):
    """A new student: through the steps to the bank's card page.
    Returns (client, bank page response, order_ref)."""
    c = Client()
    c.get("/task")
    r = c.post("/task", {"task_code": task, "csrf": c.csrf()})
    if r.status != 303:
        bail("POST /task: %d" % r.status)
    c.get("/code")
    png = mkqr(code, os.path.join(tmpdir(), code + ".png"))
    r = c.post("/code", {"csrf": c.csrf()}, files={"code_image": png})
    if r.status != 303 or not (r.location or "").endswith("/confirm"):
        bail("POST /code: %d %s" % (r.status, r.location))
    c.get("/confirm")
    r = c.post("/confirm", {"csrf": c.csrf()})
    if r.status != 303:
        bail("POST /confirm: %d" % r.status)
    r = c.get("/slots", {"date": day})
    slot = re.search(r'name="slot_id" value="(\d+)"', r.text)
    if not slot:
        bail("no slot on /slots")
    r = c.post("/slots", {"slot_id": slot.group(1), "agree": "1", "date": day,
                          "csrf": c.csrf()})
    if r.status != 303:
        bail("POST /slots: %d" % r.status)
    pay = c.get("/pay")
    r = c.post("/pay", {"csrf": c.csrf(pay)})
    if r.status != 303 or "/bank/pay?t=" not in (r.location or ""):
        bail("POST /pay: %d %s" % (r.status, r.location))
    bank = c.get(r.location)
    ref = re.search(r'data-ref="([0-9a-f]{32})"', bank.text)
    return c, bank, pay, (ref.group(1) if ref else None)


def booking_state(c):
    m = re.search(r"tc-status_(\w+)", c.get("/booking").text)
    return m.group(1) if m else None


def card(c, bank, number):
    return c.post(bank.url, {"card_no": number, "csrf": c.csrf(bank)})


def notify(ref, event=None, type_="authorized", amount=4000, **kw):
    return signed_post("/pay/notify", {
        "event_id": event or os.urandom(16).hex(), "order_ref": ref,
        "type": type_, "amount_fen": amount, "reason": ""}, **kw)


def statement():
    """The bank's signed statement (对账单): {order_ref: fields}."""
    r = signed_post("/bank/api/statement", {})
    out = {}
    for line in r.text.splitlines():
        f = line.split("\t")
        if len(f) == 8:
            out[f[0]] = {"state": f[1], "amount": int(f[2]), "captured": int(f[3]),
                         "capture": int(f[4]), "void": int(f[5]), "expired": f[6] == "1"}
    return out


def ledger_count(ref, kind):
    """Rows of kind in the bank's ledger for the order."""
    return int(sql("SELECT COUNT(*) FROM bank_ledger l JOIN bank_hold h ON h.id = l.hold_id "
                   "WHERE h.order_ref = '%s' AND l.kind = '%s'" % (ref, kind)))


# ------------------------------------------------- A: card 1, forged notes

a, bank, pay, ref = to_pay(codes[0])
like(pay.text, "预支付", "/pay shows it is a pre-payment")
like(pay.text, "冻结", "/pay says the money is frozen")
like(pay.text, r"40\.00", "/pay shows the task's fee")
is_(bank.status, 200, "the browser reaches the bank's card page")
like(bank.text, "预授权（冻结）", "bank page: 预授权（冻结）")
like(bank.text, r"¥</span>40\.00", "bank page: the amount 40.00")
like(bank.text, 'name="card_no"', "bank page: card_no field")
like(bank.text, "沙箱测试卡", "bank page: the test-card box")
ok(a.csrf(bank), "bank form carries csrf")
ok(ref, "bank page shows the order number")

r = card(a, bank, "1234 5678")
is_(r.status, 422, "malformed card number: 422 on the bank page")
like(r.text, "银行卡号", "with a message about the card number")
r = a.post(bank.url, {"card_no": CARD_OK})
is_(r.status, 403, "card form without csrf: 403")

r = a.get("/pay/return", {"order_ref": ref})
is_(booking_state(a), "held", "GET /pay/return alone changes nothing")

r = notify(ref, key=b"not the secret")
is_(r.status, 400, "notification with a bad signature: 400")
r = notify(ref, ts=int(time.time()) - 400)
is_(r.status, 400, "notification 400 s old: 400")
r = notify(ref, amount=1)
is_(r.status, 400, "notification with another amount: 400")
r = notify("0" * 32)
is_(r.status, 400, "notification for an unknown order: 400")
r = Client(source="127.0.0.1").request(
    "POST", "/pay/notify", body=canon({"event_id": "x2", "order_ref": ref,
                                       "type": "authorized", "amount_fen": 4000}),
    headers={"Content-Type": "application/x-www-form-urlencoded"})
is_(r.status, 400, "notification without signature headers: 400")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref), "created",
    "after the forged ones: payment still created")
is_(booking_state(a), "held", "and the booking still held")
r = notify(ref, ts=int(time.time()) - 200)
is_(r.status, 200, "a correctly signed notification 200 s old: 200")
is_(booking_state(a), "booked", "and it applies: booked")

# ------------------------------------------------- B: card 1 at the bank

b, bank_b, _, ref_b = to_pay(codes[1])
r = card(b, bank_b, CARD_OK)
is_(r.status, 303, "card 1: 303")
like(r.location or "", r"/pay/return\?order_ref=" + ref_b, "to /pay/return")
r = b.follow()
is_(booking_state(b), "booked", "card 1: the booking is booked")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref_b), "authorized",
    "card 1: the payment is authorised (frozen)")
r = card(b, bank_b, CARD_OK)
is_(r.status, 303, "the card form sent twice: same answer")
is_(ledger_count(ref_b, "authorize"), 1, "ledger: one authorize row")
is_(sql("SELECT COUNT(*) FROM bank_outbox o JOIN bank_hold h ON h.id = o.hold_id "
        "WHERE h.order_ref = '%s' AND o.delivered_at IS NOT NULL" % ref_b), "1",
    "the notification was delivered once")

# ------------------------------------------------- C: card 2, then retry

c, bank_c, _, ref_c = to_pay(codes[2])
r = card(c, bank_c, CARD_BIND)
is_(r.status, 303, "card 2: 303 to the return page")
r = c.follow()
like(r.text, "银行卡绑定失败", "card 2: /pay/return shows 银行卡绑定失败")
like(r.text, 'action="/pay"', "with a retry")
like(r.text, "现场预约", "and the on-site option")
is_(booking_state(c), "held", "card 2: booking stays held")
is_(sql("SELECT CONCAT(state, ' ', failure) FROM payment WHERE ref = '%s'" % ref_c),
    "failed card_bind_failed", "card 2: payment failed, card_bind_failed")
r = c.post("/pay", {"csrf": c.csrf()})
is_(r.status, 303, "retry: POST /pay again")
bank_c2 = c.get(r.location)
ref_c2 = re.search(r'data-ref="([0-9a-f]{32})"', bank_c2.text)
ok(ref_c2 and ref_c2.group(1) != ref_c, "retry: a new order at the bank")
r = card(c, bank_c2, CARD_OK)
c.follow()
is_(booking_state(c), "booked", "retry with card 1: booked")

# ------------------------------------------------- D: card 3

d, bank_d, _, ref_d = to_pay(codes[3])
r = card(d, bank_d, CARD_FUNDS)
r = d.follow()
like(r.text, "余额不足", "card 3: /pay/return shows 余额不足")
is_(booking_state(d), "held", "card 3: booking stays held")
r = card(d, bank_d, "6222021234567890123")
is_(r.status, 303, "the decided order's form again: same answer, no change")
is_(sql("SELECT failure FROM payment WHERE ref = '%s'" % ref_d),
    "insufficient_funds", "card 3: failure insufficient_funds")

# ------------------------------------------------- E: 5 duplicates at once

e, bank_e, _, ref_e = to_pay(codes[4])
event = os.urandom(16).hex()
results = []


def send(ev):
    results.append(notify(ref_e, event=ev).status)


threads = [threading.Thread(target=send, args=(event,)) for _ in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
is_(sorted(results), [200] * 5, "the same notification 5x in parallel: all 200")
is_(sql("SELECT COUNT(*) FROM payment_event WHERE event_id = '%s'" % event), "1",
    "recorded once")
is_(booking_state(e), "booked", "and applied: booked")
results.clear()
threads = [threading.Thread(target=send, args=(os.urandom(16).hex(),))
           for _ in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
is_(sorted(results), [200] * 5, "5 more with new event ids: 200")
is_(sql("SELECT COUNT(*) FROM payment WHERE booking_id = (SELECT booking_id FROM "
        "payment WHERE ref = '%s')" % ref_e), "1", "still one payment")

r = card(e, bank_e, CARD_OK)
is_(r.status, 303, "E's card at the bank after all: 303")
is_(sql("SELECT COUNT(*) FROM payment_event WHERE payment_id = (SELECT id FROM "
        "payment WHERE ref = '%s')" % ref_e), "7",
    "its notification recorded (1 + 5 + the bank's)")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref_e), "authorized",
    "without a second change")

# ------------------------------------------------- bank API: capture / void

r = signed_post("/bank/api/capture", {"order_ref": ref_b, "amount_fen": 4000},
                key=b"wrong")
is_(r.status, 400, "bank API with a bad signature: 400")
r = signed_post("/bank/api/capture", {"order_ref": ref_b, "amount_fen": 4001})
is_(r.status, 400, "capture of another amount: 400")
results = []


def capture():
    results.append(signed_post("/bank/api/capture",
                               {"order_ref": ref_b, "amount_fen": 4000}).status)


threads = [threading.Thread(target=capture) for _ in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
is_(sorted(results), [200] * 5, "capture 5x in parallel: all 200")
is_(ledger_count(ref_b, "capture"), 1, "ledger: exactly one capture")
r = signed_post("/bank/api/cancel", {"order_ref": ref_b})
is_(r.status, 409, "void after capture: 409")

results = []


def cancel():
    results.append(signed_post("/bank/api/cancel", {"order_ref": ref_e}).status)


threads = [threading.Thread(target=cancel) for _ in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
is_(sorted(results), [200] * 5, "void 5x in parallel: all 200")
is_(ledger_count(ref_e, "void"), 1, "ledger: exactly one void")
r = signed_post("/bank/api/capture", {"order_ref": ref_e, "amount_fen": 4000})
is_(r.status, 409, "capture after void: 409")
r = signed_post("/bank/api/query", {"order_ref": ref_e})
is_(r.status, 200, "query answers")
like(r.text, "state=voided", "query: voided")

# ------------------------------------------------- the student's cancel

f, bank_f, _, ref_f = to_pay(codes[5])
card(f, bank_f, CARD_OK)
f.follow()
is_(booking_state(f), "booked", "F booked")
bk = f.get("/booking")
r = f.post("/booking/cancel", {"csrf": f.csrf(bk)})
is_(r.status, 303, "F cancels the booking")
is_(ledger_count(ref_f, "void"), 1, "the hold is released at the bank once")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref_f), "voided",
    "payment voided")
r = signed_post("/bank/api/cancel", {"order_ref": ref_f})
is_(r.status, 200, "void again: 200")
is_(ledger_count(ref_f, "void"), 1, "still one void row")

# The way back from the bank in a fresh browser (no cookies): the signed
# order reference leads to the order's state only.
fresh = Client()
r = fresh.get("/pay/return?order_ref=" + ref_b)
is_(r.status, 200, "back from the bank without a session: the order's state page")
like(r.text, "预支付已冻结，预约成功", "it says the fee is frozen and the booking made")
like(r.text, 'href="/find"', "with the way to sign in")
unlike(r.text, r"\d{17}[\dX]|\d{4}$", "no ID number on it")
forged = ref_b[:24] + ("0" if ref_b[24] != "0" else "1") + ref_b[25:]
is_(fresh.get("/pay/return?order_ref=" + forged).status, 303, "a reference whose tag does not match: to /")
is_(fresh.get("/pay/return?order_ref=" + os.urandom(16).hex()).status, 303, "a made-up one: to /")
is_(Client().get("/bank/ledger").status, 404, "the public ledger page is gone")
r = Client().request("POST", "/bank/api/statement", body="",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
is_(r.status, 400, "the statement without a signature: 400")
r = signed_post("/bank/api/statement", {})
is_(r.status, 200, "the signed statement: 200")
like(r.text, re.escape(ref_b) + r"\t", "the statement lists the orders")

done()
