// site.mjs - browser test of the collection-day station (issue 5) in
// Debian's chromium via playwright-core: a laptop (1280x900) with a
// keyboard-wedge scanner (types the code, presses Enter) and a phone
// (390x844, touch).  Makes its own school, task, roster and staff user with
// the command line.  Screenshots go to $TUCAI_VAR/screenshots/site-*.png;
// prints TAP.  Alone:
//   cd t/browser && TUCAI_URL=http://127.0.0.1:8080 TUCAI_VAR=... node site.mjs
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const URL = (process.env.TUCAI_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const OUT = path.join(process.env.TUCAI_VAR || '.', 'screenshots');
const CHROMIUM = process.env.TUCAI_CHROMIUM || '/usr/bin/chromium';
const SRC = process.env.TUCAI_SRC ||
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = process.env.TUCAI_CLI || path.join(SRC, 'tools', 'tucai');
const PW = 'site-browser-Passw0rd';

// ---------------------------------------------------------------- TAP
let n = 0;
let failed = 0;
const clean = (s) => String(s).replace(/\s+/g, ' ').replace(/#/g, '\\#');
function diag(...msg) {
  for (const line of msg.join(' ').split('\n')) console.log('# ' + line);
}
function ok(cond, desc) {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${clean(desc)}`);
  return !!cond;
}
function is(got, want, desc) {
  const r = ok(got === want, desc);
  if (!r) diag(`     got: ${JSON.stringify(got)}`, `\n    want: ${JSON.stringify(want)}`);
  return r;
}
async function shot(page, name) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  ok(overflow <= 0, `${name}: no horizontal scrolling (overflow ${overflow} px)`);
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  return ok(size > 1000, `screenshot ${name}.png written (${size} bytes)`);
}

// ---------------------------------------------------------------- data
const rnd = () => Math.random().toString(36).slice(2, 8).toUpperCase();
function cli(args, input) {
  return execFileSync(CLI, args, { input: input || '', stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}
function day(plus) {
  const t = new Date(Date.now() + 8 * 3600e3 + plus * 86400e3);
  return t.toISOString().slice(0, 10);
}
function idnum(seq) {
  const base = '3101011997030' + String(1000 + (seq % 9000)).slice(-4);
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(base[i]) * w[i];
  return base + '10X98765432'[s % 11];
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
    .concat(codes.map((c, i) => `${c},${names[i]},${idnum(Number(school) + i)},B${school}${i},普通本科,普通高校,软件工程1班`));
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
  const context = await browser.newContext(phone ? {
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
    hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  } : {
    viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const tag = `site-${kind}`;

  await page.goto(URL + '/admin/login');
  await page.fill('input[name=username]', d.staff);
  await page.fill('input[name=password]', PW);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
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
  ok(errors.length === 0, `${kind}: no console errors (CSP)`);
  for (const e of errors) diag(`  ${e}`);
  await context.close();
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const d = setup();
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--headless', '--no-proxy-server'],
  });
  try {
    await station(browser, d, 'desktop');
    await station(browser, d, 'phone');
  } finally {
    await browser.close();
    fs.rmSync(d.tmp, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  ok(false, `browser run: ${e.message.split('\n')[0]}`);
  diag(e.stack || String(e));
}
console.log(`1..${n}`);
process.exitCode = failed ? 1 : 0;
