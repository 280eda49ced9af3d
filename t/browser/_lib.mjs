// _lib.mjs - what the browser tests share: the environment, TAP output,
// Debian's chromium through playwright-core, the emulated devices,
// screenshots, the command line and test data.  (tools/check runs every
// t/browser/*.mjs but this one.)
//
//   import { ok, run, browse, PHONE, shot } from './_lib.mjs';
//   await run(async () => {
//     await browse(async (browser) => {
//       const page = await (await browser.newContext(PHONE)).newPage();
//       ...
//       await shot(page, 'name');
//     });
//   });
//
// Env: TUCAI_URL, TUCAI_VAR (screenshots go to $TUCAI_VAR/screenshots),
// TUCAI_SRC, TUCAI_CLI (default tools/tucai), TUCAI_CHROMIUM.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const URL = (process.env.TUCAI_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const VAR = process.env.TUCAI_VAR || '.';
export const OUT = path.join(VAR, 'screenshots');
export const SRC = process.env.TUCAI_SRC ||
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = process.env.TUCAI_CLI || path.join(SRC, 'tools', 'tucai');
export const CHROMIUM = process.env.TUCAI_CHROMIUM || '/usr/bin/chromium';
// WeChat's in-app browser on an iPhone.
export const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323a) NetType/WIFI Language/zh_CN';

// Context options (browser.newContext), all in Chinese and Shanghai time: a
// phone (390x844, touch), the same as WeChat's in-app browser, a desktop
// (1280x900).
export const MOBILE = {
  viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
  hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
};
export const PHONE = { ...MOBILE, userAgent: UA };
export const DESKTOP = {
  viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
};

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

// run(main): makes OUT, runs main; an exception is one failed test; then
// the plan and the exit status.
export async function run(main) {
  try {
    fs.mkdirSync(OUT, { recursive: true });
    await main();
  } catch (e) {
    ok(false, `browser run: ${e.message.split('\n')[0]}`);
    diag(e.stack || String(e));
  }
  console.log(`1..${n}`);
  process.exitCode = failed ? 1 : 0;
}

// ---------------------------------------------------------------- browser

// browse(fn): fn(browser) with a headless chromium, closed afterwards.
export async function browse(fn) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--headless', '--no-proxy-server'],
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

// consoleErrors(page, ignore): the list that the page's console errors
// (those not matching the RegExp ignore) and uncaught exceptions go to.
export function consoleErrors(page, ignore) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !(ignore && ignore.test(m.text()))) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

// noErrors(errors, desc): one test that errors is empty; shows them.
export function noErrors(errors, desc) {
  const r = ok(errors.length === 0, desc);
  for (const e of errors) diag(`  ${e}`);
  return r;
}

// How far the page is wider than the window (px; <= 0: no horizontal scrolling).
export function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

// screenshot(page, name): a full-page screenshot to OUT/name.png; its size.
export async function screenshot(page, name) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return fs.existsSync(file) ? fs.statSync(file).size : 0;
}

// shot(page, name): screenshot() as one test.
export async function shot(page, name) {
  const size = await screenshot(page, name);
  return ok(size > 1000, `screenshot ${name}.png written (${size} bytes)`);
}

// login(page, user, pw): the admin login form; returns the URL it leads to.
export async function login(page, user, pw) {
  await page.goto(URL + '/admin/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', pw);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return page.url();
}

// ---------------------------------------------------------------- data

// cli(args, input): tools/tucai ARGS on the instance; its output.
export function cli(args, input) {
  return execFileSync(CLI, args, { input: input || '', stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

// A random tag of 6 upper-case letters and digits.
export const rnd = () => Math.random().toString(36).slice(2, 8).toUpperCase();

// The Asia/Shanghai date (UTC+8, no DST) plus days, YYYY-MM-DD.
export function day(plus) {
  return new Date(Date.now() + 8 * 3600e3 + plus * 86400e3).toISOString().slice(0, 10);
}

// A valid GB 11643 ID number: 17 digits and their check character.
export function idnum(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[s % 11];
}
