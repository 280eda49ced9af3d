// shots.mjs - browser test: the student pages on an emulated phone (390x844,
// touch, WeChat's in-app browser user agent) in Debian's chromium, driven by
// playwright-core.  Screenshots go to $TUCAI_VAR/screenshots/; prints TAP.
// Run by tools/check (env TUCAI_URL, TUCAI_VAR); alone:
//   cd t/browser && npm install && TUCAI_URL=http://127.0.0.1:8080 node shots.mjs
//
// To add a page: push onto PAGES, or write a step in main() with the helpers
// (ok, is, diag, shot).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const URL = (process.env.TUCAI_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const OUT = path.join(process.env.TUCAI_VAR || '.', 'screenshots');
const CHROMIUM = process.env.TUCAI_CHROMIUM || '/usr/bin/chromium';
// WeChat's in-app browser on an iPhone.
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323a) NetType/WIFI Language/zh_CN';

// Pages screenshotted as they are: [file name, path].
const PAGES = [
  ['home', '/'],
  ['faq', '/faq'],
];

// ---------------------------------------------------------------- TAP
let n = 0;
let failed = 0;
const clean = (s) => String(s).replace(/\s+/g, ' ').replace(/#/g, '\\#');
export function diag(...msg) {
  for (const line of msg.join(' ').split('\n')) console.log('# ' + line);
}
export function ok(cond, desc) {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${clean(desc)}`);
  return !!cond;
}
export function is(got, want, desc) {
  const r = ok(got === want, desc);
  if (!r) diag(`     got: ${JSON.stringify(got)}`, `\n    want: ${JSON.stringify(want)}`);
  return r;
}

// shot(page, name): a full-page screenshot to OUT/name.png; one test.
export async function shot(page, name) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  return ok(size > 1000, `screenshot ${name}.png written (${size} bytes)`);
}

// ---------------------------------------------------------------- run
async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--headless', '--no-proxy-server'],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent: UA,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    context.setDefaultTimeout(30000);
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));

    for (const [name, p] of PAGES) {
      errors.length = 0;
      const resp = await page.goto(URL + p, { waitUntil: 'load' });
      is(resp && resp.status(), 200, `GET ${p} answers 200`);
      await shot(page, name);
      // Mobile-first: a viewport meta tag (else phones lay the page out 980
      // px wide and shrink it), and nothing wider than the screen.
      const width = await page.evaluate(() => window.innerWidth);
      ok(width === 390, `${p}: mobile viewport (layout width ${width} px)`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth);
      ok(overflow <= 0, `${p}: no horizontal scrolling at 390 px (overflow ${overflow} px)`);
      // CSP violations and script errors show up as console errors.
      ok(errors.length === 0, `${p}: no console errors`);
      for (const e of errors) diag(`  ${e}`);
    }
  } finally {
    await browser.close();
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
