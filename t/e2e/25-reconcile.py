#!/usr/bin/env python3
"""Reconciliation (issue 10 item 8): `tucai reconcile` compares tucai's
payments with the sandbox bank's signed statement and lists every
mismatch; it exits 1 when there is one.  One case per kind, each injected
into the bank's side of one order (or tucai's, for a fee taken twice):
amount, state, only in tucai, only in the ledger, captured twice, a hold
still frozen for a cancelled booking.  The operator's page shows the run,
the dashboard its result, and `tucai sweep` reconciles once a day.  The
public /bank/ledger page is gone."""
import os
import re

import adminlib
from tlib import Client, cli, done, is_, isnt, like, ok, set_clock, sql, sql_rows, unlike
from _student import book, make_task, pay_card, prepare

T = make_task(students=7, capacity=10, fee="40", days=(1,))
people = [prepare(T, s) for s in T["students"]]
for i, c in enumerate(people):
    book(c, T["slots"][0])
    ok(pay_card(c), "student %d paid (hold frozen)" % i)
bid = [int(sql("SELECT b.id FROM booking b JOIN student s ON s.id = b.student_id "
               "WHERE s.collect_code = '%s' AND b.active_student IS NOT NULL" % s["code"]))
       for s in T["students"]]
ref = [sql("SELECT ref FROM payment WHERE booking_id = %d AND state = 'authorized'" % b) for b in bid]
ok(all(ref), "every student has a frozen hold")


def run(*args):
    rc, out, err = cli("reconcile", *args)
    lines = [l.split("\t") for l in out.splitlines() if "\t" in l]
    return rc, out, [(l[0], l[1]) for l in lines]


def mine(items):
    return sorted(i for i in items if i[1] in ref or i[1] in extra)


extra = []
rc, out, items = run()
is_(mine(items), [], "before any injection: no mismatch on this task's orders")
like(out, r"reconciled \d+ orders", "it says how many orders it compared")


def hold(r):
    return sql("SELECT id FROM bank_hold WHERE order_ref = '%s'" % r)


# amount: the bank froze another sum
sql("UPDATE bank_hold SET amount_fen = 3990 WHERE order_ref = '%s'" % ref[0])
# state: captured at the bank, frozen in tucai
sql("UPDATE bank_hold SET state = 'captured' WHERE order_ref = '%s'" % ref[1])
sql("INSERT INTO bank_ledger (hold_id, kind, amount_fen) VALUES (%s, 'capture', 4000)" % hold(ref[1]))
# only in tucai: the bank has never heard of it
h2 = hold(ref[2])
sql("DELETE FROM bank_outbox WHERE hold_id = %s" % h2)
sql("DELETE FROM bank_ledger WHERE hold_id = %s" % h2)
sql("DELETE FROM bank_hold WHERE id = %s" % h2)
# only in the ledger: a hold for an order tucai never made
ghost = os.urandom(16).hex()
extra.append(ghost)
sql("INSERT INTO bank_hold (hold_ref, order_ref, card_last4, amount_fen, state, expires_at) VALUES "
    "('%s', '%s', '0001', 4000, 'authorized', UTC_TIMESTAMP() + INTERVAL 7 DAY)" % (os.urandom(16).hex(), ghost))
# captured twice: booking 3's fee taken on two orders
dup = os.urandom(16).hex()
extra.append(dup)
sql("UPDATE payment SET state = 'captured' WHERE ref = '%s'" % ref[3])
sql("UPDATE bank_hold SET state = 'captured' WHERE order_ref = '%s'" % ref[3])
sql("INSERT INTO bank_ledger (hold_id, kind, amount_fen) VALUES (%s, 'capture', 4000)" % hold(ref[3]))
sql("INSERT INTO payment (booking_id, provider, ref, amount_fen, state) VALUES (%d, 'sandbox', '%s', 4000, "
    "'captured')" % (bid[3], dup))
sql("INSERT INTO bank_hold (hold_ref, order_ref, card_last4, amount_fen, state, expires_at) VALUES "
    "('%s', '%s', '0001', 4000, 'captured', UTC_TIMESTAMP() + INTERVAL 7 DAY)" % (os.urandom(16).hex(), dup))
sql("INSERT INTO bank_ledger (hold_id, kind, amount_fen) VALUES (%s, 'capture', 4000)" % hold(dup))
# a hold still frozen for a cancelled booking
people[4].get("/booking")
is_(people[4].post("/booking/cancel", {"csrf": people[4].csrf()}).status, 303, "student 4 cancels")
is_(sql("SELECT state FROM payment WHERE ref = '%s'" % ref[4]), "voided", "tucai voided the hold")
sql("UPDATE bank_hold SET state = 'authorized' WHERE order_ref = '%s'" % ref[4])
sql("DELETE FROM bank_ledger WHERE hold_id = %s AND kind = 'void'" % hold(ref[4]))

rc, out, items = run()
is_(rc, 1, "tucai reconcile exits 1 on a mismatch")
got = mine(items)
for kind, r, what in (("amount", ref[0], "the amount differs"),
                      ("state", ref[1], "captured there, frozen here"),
                      ("only_tucai", ref[2], "only in tucai"),
                      ("only_ledger", ghost, "only in the ledger"),
                      ("frozen_cancelled", ref[4], "frozen for a cancelled booking")):
    ok((kind, r) in got, "%s: %s (%s)" % (kind, what, r[:8]))
ok([i for i in got if i[0] == "captured_twice" and i[1] in (ref[3], dup)],
   "captured_twice: one booking's fee taken on two orders")
ok(not [i for i in got if i[1] in (ref[5], ref[6])], "the untouched orders are not listed")
is_(len([i for i in got if i[0] == "frozen_cancelled"]), 1, "one frozen hold found")
line = [l for l in out.splitlines() if l.startswith("amount\t" + ref[0])]
like(line[0] if line else "", r"图采 4000 分，银行 3990 分", "with the amounts in fen")

# ---------------------------------------------------------------- the operator
op = adminlib.user("operator")
a = adminlib.login(op)
r = a.get("/admin/")
like(r.text, r"对账：.*处差异", "the dashboard shows the last result")
r = a.get("/admin/reconcile")
is_(r.status, 200, "the reconciliation page")
for label in ("金额不符", "状态不符", "仅在图采", "仅在银行", "重复扣款", "已取消仍冻结"):
    like(r.text, label, "it names the kind: " + label)
like(r.text, ref[0], "and the orders")
like(r.text, "现场收费日结", "beside the on-site cash-up")
n_runs = int(sql("SELECT COUNT(*) FROM reconcile_run"))
r = a.post("/admin/reconcile", {"csrf": a.csrf(r)})
is_(r.status, 303, "立即对账: 303")
is_(int(sql("SELECT COUNT(*) FROM reconcile_run")), n_runs + 1, "a run is recorded")
is_(sql("SELECT COUNT(*) FROM audit WHERE action = 'reconcile' AND actor = '%s'" % op), "1", "and audited")
teacher = adminlib.user("teacher", adminlib.school())
is_(adminlib.login(teacher).get("/admin/reconcile").status, 403, "teachers may not see it")

rc, out2, items2 = run("--date", sql("SELECT DATE(UTC_TIMESTAMP() + INTERVAL 8 HOUR)"))
is_(rc, 1, "--date today: exit 1 too")
ok(("amount", ref[0]) in items2, "and lists today's mismatches")
rc, out3, items3 = run("--date", "2020-01-01")
ok(not mine(items3), "a day without these orders lists none of them")
rc, _, _ = cli("reconcile", "--date", "2020-13-01")
is_(rc, 1, "a malformed date is refused")

# ---------------------------------------------------------------- once a day
# The first day after every run so far (another script may have moved the
# clock and swept already).
ahead = 1 + max(0, int(sql("SELECT IFNULL(DATEDIFF(MAX(at), UTC_TIMESTAMP()), 0) FROM reconcile_run")))
set_clock(ahead * 86400)
rc, out, err = cli("sweep")
like(out, r"reconciled \d+ orders", "a day later: the sweep reconciles")
rc, out, err = cli("sweep")
unlike(out, r"reconciled", "the second sweep of the day does not")
set_clock(0)

is_(Client().get("/bank/ledger").status, 404, "the public ledger page is gone")
done()
