// student.mjs - browser test: the whole student booking flow on an emulated
// phone (390x844, touch, WeChat's in-app browser UA) in Debian's chromium:
// entrance -> task code (and a wrong one) -> 采集码 upload (and a wrong
// code) -> confirm -> slots -> pay -> sandbox bank -> booking with its QR
// -> records, FAQ, help, find.  Makes its own school, task, slots and
// roster through the CLI; screenshots go to $TUCAI_VAR/screenshots/student-*.png.
// Env: TUCAI_URL, TUCAI_VAR (and TUCAI_CLI, default tools/tucai).  Prints TAP.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  PHONE, URL, browse, cli, consoleErrors, day, idnum, is, noErrors, ok, overflow,
  run, screenshot,
} from './_lib.mjs';

// One shot per step; a step checks status, the screen width and the CSP.
async function step(page, errors, name, status, desc) {
  ok(await screenshot(page, `student-${name}`) > 1000, `${name}: screenshot written`);
  if (status !== undefined) is(page.__status, status, `${name}: ${desc || 'status'}`);
  const over = await overflow(page);
  ok(over <= 0, `${name}: no horizontal scrolling at 390 px (overflow ${over})`);
  // The browser reports an expected 4xx page as a failed resource.
  if (status >= 400) {
    for (let i = errors.length - 1; i >= 0; i--)
      if (errors[i].includes(`status of ${status}`)) errors.splice(i, 1);
  }
  noErrors(errors.splice(0), `${name}: no console errors`);
}

await run(async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tucai-shots-'));
  // Own data.
  const tag = Math.random().toString(36).slice(2, 8).toUpperCase();
  const school = String(80000 + Math.floor(Math.random() * 19999));
  const task = `BR${tag}`;
  const code = `HXBR${tag}a1b2`;
  cli(['school', 'add', school, '北京大学']);
  cli(['task', 'add', task, '--school', school, '--title', '北京大学2026届毕业生图像采集',
    '--from', day(1), '--to', day(6), '--fee', '40']);
  for (let d = 1; d <= 6; d++) {
    cli(['slots', 'add', task, '--date', day(d), '--from', '08:00', '--to', '11:00',
      '--every', '60', '--capacity', '10']);
  }
  const csv = path.join(tmp, 'roster.csv');
  fs.writeFileSync(csv, '采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n' +
    `${code},李小芳,${idnum('51010720010305021')},2019837480219,普通本科,普通高校,工商管理1班\n`);
  cli(['roster', 'import', task, csv]);
  const good = path.join(tmp, 'code.png');
  const other = path.join(tmp, 'other.png');
  execFileSync('qrencode', ['-s', '8', '-o', good, code]);
  execFileSync('qrencode', ['-s', '8', '-o', other, `HXNOT${tag}zz`]);

  try {
    await browse(async (browser) => {
      const context = await browser.newContext(PHONE);
      context.setDefaultTimeout(30000);
      const page = await context.newPage();
      const errors = consoleErrors(page);
      page.on('response', (r) => { if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) page.__status = r.status(); });

      await page.goto(URL + '/');
      await step(page, errors, '01-home', 200);
      await page.click('a.tc-entry');
      await step(page, errors, '02-task', 200);
      await page.fill('#task_code', 'NOSUCH' + tag);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      await step(page, errors, '03-task-error', 422, 'wrong task code');
      ok((await page.content()).includes('任务代码不正确，请与学校负责老师确认'), 'wrong code message');
      await page.fill('#task_code', task);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      ok(page.url().endsWith('/code'), 'task code -> /code');
      await step(page, errors, '04-code', 200);
      ok((await page.content()).includes('请勿上传截图'), 'code page warns: no screenshots');
      // With JavaScript (static/js/upload.js) picking the image starts the
      // upload, and the server's error page is shown in place (no navigation).
      const refused = page.waitForResponse((r) => r.url().endsWith('/code') && r.request().method() === 'POST');
      await page.setInputFiles('#code_image', other);
      page.__status = (await refused).status();
      await page.waitForSelector('.tc-main > .tc-alert');
      await step(page, errors, '05-code-error', 422, 'a code of another task');
      ok((await page.textContent('.tc-main > .tc-alert')).includes('不属于本次采集任务'), 'the server\'s message shown in the page');
      const codePosts = [];
      page.on('request', (q) => {
        if (q.method() === 'POST' && q.url().endsWith('/code')) codePosts.push(q.postData() || '');
      });
      await Promise.all([page.waitForURL(/\/confirm$/), page.setInputFiles('#code_image', good)]);
      ok(page.url().endsWith('/confirm'), 'upload -> /confirm');
      ok(codePosts.length === 1 && codePosts[0].startsWith('csrf=') && codePosts[0].includes('collect_code=')
        && !codePosts[0].includes('Content-Disposition'),
        'the browser read the 采集码: only its text was sent, no image (' + codePosts.map((b) => b.length) + ' bytes)');
      await step(page, errors, '06-confirm', 200);
      ok((await page.content()).includes('李*芳'), 'name masked');
      await Promise.all([page.waitForNavigation(), page.click('text=确认无误，提交')]);
      ok(page.url().endsWith('/slots'), 'confirm -> /slots');
      await step(page, errors, '07-slots', 200);
      await page.click('.tc-slot:not(.is-full) >> nth=1');
      await page.check('#agree');
      await step(page, errors, '08-slots-picked');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/slots"] button[type=submit]')]);
      ok(page.url().endsWith('/pay'), 'slot -> /pay');
      await step(page, errors, '09-pay', 200);
      ok((await page.content()).includes('预支付'), 'pay page explains 预支付');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/pay"] button[type=submit]')]);
      ok(page.url().includes('/bank/'), 'pay -> the bank page');
      await step(page, errors, '10-bank', 200);
      await page.fill('input[name=card_no]', '6222020000000000001');
      await Promise.all([page.waitForNavigation(), page.click('form button[type=submit], form input[type=submit]')]);
      // The notification may come a moment after the browser: refresh.
      for (let i = 0; i < 10 && !page.url().endsWith('/booking'); i++) {
        await page.waitForTimeout(500);
        await page.goto(URL + '/pay/return');
      }
      ok(page.url().endsWith('/booking'), 'paid -> /booking');
      await step(page, errors, '11-booking', 200);
      const qrOk = await page.evaluate(() => {
        const img = document.querySelector('img[src="/booking/qr.png"]');
        return !!img && img.complete && img.naturalWidth > 0;
      });
      ok(qrOk, 'booking page shows the 预约二维码');
      await page.goto(URL + '/');
      await step(page, errors, '12-home-booked', 200);
      await page.goto(URL + '/records');
      await step(page, errors, '13-records', 200);
      await page.goto(URL + '/faq');
      await step(page, errors, '14-faq', 200);
      await page.goto(URL + '/help');
      await step(page, errors, '15-help', 200);
      await page.goto(URL + '/find');
      await step(page, errors, '16-find', 200);
      // A second phone: wrong find, then the right one.
      const p2 = await browser.newContext(PHONE);
      const page2 = await p2.newPage();
      page2.on('response', (r) => { if (r.request().isNavigationRequest()) page2.__status = r.status(); });
      await page2.goto(URL + '/find');
      await page2.fill('#collect_code', code);
      await page2.fill('#id_number', idnum('51010720010305022'));
      await Promise.all([page2.waitForNavigation(), page2.click('button[type=submit]')]);
      await step(page2, errors, '17-find-error', 422, 'wrong ID number');
      await page2.fill('#collect_code', code);
      await page2.fill('#id_number', idnum('51010720010305021'));
      await Promise.all([page2.waitForNavigation(), page2.click('button[type=submit]')]);
      ok(page2.url().endsWith('/booking'), 'find -> /booking on another device');
      await p2.close();
      // Cancel: the refund wording.
      await page.goto(URL + '/booking');
      await Promise.all([page.waitForNavigation(), page.click('text=取消预约')]);
      await step(page, errors, '17b-cancel-confirm', 200);
      ok((await page.content()).includes('确认取消预约'), 'cancel asks first');
      await Promise.all([page.waitForNavigation(), page.click('button:has-text("确认取消预约")')]);
      await step(page, errors, '18-cancelled', 200);
      ok(/已取消，冻结款项将于 \d{4}-\d\d-\d\d 前原路返回/.test(await page.content()),
        'refund wording after cancel, with the date');
    });
  } finally {
    cli(['task', 'close', task, '--force', '--reason', 'browser test done']);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
