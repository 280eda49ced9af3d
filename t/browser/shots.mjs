// shots.mjs - browser test: the student pages on an emulated phone (390x844,
// touch, WeChat's in-app browser user agent) in Debian's chromium, driven by
// playwright-core.  Screenshots go to $TUCAI_VAR/screenshots/; prints TAP.
// Run by tools/check (env TUCAI_URL, TUCAI_VAR); alone:
//   cd t/browser && npm install && TUCAI_URL=http://127.0.0.1:8080 node shots.mjs
//
// To add a page: push onto PAGES, or write a step with the helpers of
// _lib.mjs (ok, is, diag, shot).
import {
  PHONE, URL, browse, consoleErrors, is, noErrors, ok, overflow, run, shot,
} from './_lib.mjs';

// Pages screenshotted as they are: [file name, path].
const PAGES = [
  ['home', '/'],
  ['faq', '/faq'],
];

await run(() => browse(async (browser) => {
  const context = await browser.newContext(PHONE);
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  const errors = consoleErrors(page);

  for (const [name, p] of PAGES) {
    errors.length = 0;
    const resp = await page.goto(URL + p, { waitUntil: 'load' });
    is(resp && resp.status(), 200, `GET ${p} answers 200`);
    await shot(page, name);
    // Mobile-first: a viewport meta tag (else phones lay the page out 980
    // px wide and shrink it), and nothing wider than the screen.
    const width = await page.evaluate(() => window.innerWidth);
    ok(width === 390, `${p}: mobile viewport (layout width ${width} px)`);
    const over = await overflow(page);
    ok(over <= 0, `${p}: no horizontal scrolling at 390 px (overflow ${over} px)`);
    // CSP violations and script errors show up as console errors.
    noErrors(errors, `${p}: no console errors`);
  }
}));
