// site.mjs - browser test of the collection-day station (issue 5) in
// Debian's chromium via playwright-core: a laptop (1280x900) with a
// keyboard-wedge scanner (types the code, presses Enter) and a phone
// (390x844, touch).  Makes its own school, task, roster and staff user with
// the command line.  Screenshots go to $TUCAI_VAR/screenshots/site-*.png;
// prints TAP.  Alone:
//   cd t/browser && TUCAI_URL=http://127.0.0.1:8080 TUCAI_VAR=... node site.mjs
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DESKTOP, MOBILE, URL, browse, cli, consoleErrors, day, idnum, is, login, noErrors, ok,
  overflow, rnd, run, shot as pageShot,
} from './_lib.mjs';

const PW = 'site-browser-Passw0rd';

// A screenshot after checking that nothing is wider than the window: two tests.
async function shot(page, name) {
  const over = await overflow(page);
  ok(over <= 0, `${name}: no horizontal scrolling (overflow ${over} px)`);
  return pageShot(page, name);
}

// ---------------------------------------------------------------- data
// A valid ID number for the seq-th student.
function seqid(seq) {
  return idnum('3101011997030' + String(1000 + (seq % 9000)).slice(-4));
}

function setup() {
  const school = '4' + String(Math.floor(Math.random() * 90000) + 10000);
  const task = 'BRS' + rnd();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'site-browser-'));
  cli(['school', 'add', school, '浏览器测试大学']);
  cli(['task', 'add', task, '--school', school, '--title', '现场采集浏览器测试',
    '--from', day(0), '--to', day(2), '--fee', '40']);
  const codes = [0, 1, 2].map(() => 'HB' + rnd() + rnd().toLowerCase());
  const names = ['周小明', '吴小红', '郑大伟'];
  const csv = ['采集码,姓名,身份证号,学号,学历类别,学历层次,班级']
    .concat(codes.map((c, i) => `${c},${names[i]},${seqid(Number(school) + i)},B${school}${i},普通本科,普通高校,软件工程1班`));
  fs.writeFileSync(path.join(tmp, 'roster.csv'), csv.join('\n') + '\n');
  cli(['roster', 'import', task, path.join(tmp, 'roster.csv')]);
  const staff = 'bs' + rnd().toLowerCase();
  cli(['user', 'add', staff, '--role', 'staff'], PW + '\n');
  const photo = path.join(tmp, 'photo.jpg');
  execFileSync('/usr/bin/convert', ['-size', '900x1200', 'xc:#f3f3f3', '-fill', '#3a2a20',
    '-draw', 'ellipse 450,520 200,260 0,360', '-fill', '#223',
    '-draw', 'rectangle 150,900 750,1200', photo], { stdio: 'ignore' });
  return { codes, names, staff, photo, tmp };
}

// ---------------------------------------------------------------- run
async function station(browser, d, kind) {
  const phone = kind === 'phone';
  const context = await browser.newContext(phone ? MOBILE : DESKTOP);
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  const errors = consoleErrors(page);
  const tag = `site-${kind}`;

  await login(page, d.staff, PW);
  const resp = await page.goto(URL + '/admin/site');
  is(resp && resp.status(), 200, `${kind}: station answers 200`);
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.name);
  is(focused, 'code', `${kind}: the scan field has the focus`);
  await shot(page, `${tag}-station`);

  // A walk-in for this device's student, typed into the walk-in form.
  const code = phone ? d.codes[1] : d.codes[0];
  await page.fill('#st-cc', code);
  await page.selectOption('#st-method', 'cash');
  await Promise.all([page.waitForNavigation(), page.click('#st-walkin-h ~ form button[type=submit]')]);
  ok(/\/admin\/site\/students\/\d+/.test(page.url()), `${kind}: walk-in lands on the student's page`);
  const shotNo = await page.textContent('#st-shot-no').catch(() => null);
  ok(shotNo && /^\d+$/.test(shotNo.trim()), `${kind}: 拍摄号 shown (${shotNo})`);
  const big = await page.evaluate(() => {
    const e = document.getElementById('st-shot-no');
    return e ? parseFloat(getComputedStyle(e).fontSize) : 0;
  });
  ok(big >= 72, `${kind}: the 拍摄号 is large (${big}px)`);
  await shot(page, `${tag}-checked-in`);

  // The photo.
  await page.setInputFiles('input[name=photo]', d.photo);
  await Promise.all([page.waitForNavigation(), page.click('.st-photo-form button[type=submit]')]);
  const text = await page.textContent('body');
  ok(/照片已保存/.test(text), `${kind}: photo stored`);
  ok(/现场已收费/.test(text), `${kind}: fee collected on site shown`);
  const loaded = await page.evaluate(() => {
    const i = document.querySelector('.st-current img');
    return i ? i.complete && i.naturalWidth : 0;
  });
  is(loaded, 480, `${kind}: the stored photo shows (480 px wide)`);
  await shot(page, `${tag}-collected`);

  if (!phone) {
    // A keyboard-wedge scanner: types the 采集码 and presses Enter.
    await page.goto(URL + '/admin/site');
    await page.keyboard.type(d.codes[2]);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    ok(/\/admin\/site\/students\/\d+\?n=nobook/.test(page.url()),
      'scanner: Enter submits; a student without a booking is offered a walk-in');
    await shot(page, `${tag}-nobook`);
    await page.goto(URL + '/admin/site');
    await shot(page, `${tag}-station-list`);
  }
  noErrors(errors, `${kind}: no console errors (CSP)`);
  await context.close();
}

await run(async () => {
  const d = setup();
  try {
    await browse(async (browser) => {
      await station(browser, d, 'desktop');
      await station(browser, d, 'phone');
    });
  } finally {
    fs.rmSync(d.tmp, { recursive: true, force: true });
  }
});
