// upload.mjs - browser test of static/js/upload.js, the image uploads of
// the student pages (/code, /idcard), on an emulated phone (390x844,
// WeChat's in-app browser UA) in Debian's chromium:
//   A  the 采集码 read in the browser: only collect_code is posted, no
//      image -> /confirm; a code of another task: the server's 422 message
//      shown in the page;
//   B  the browser finds no code (html5-qrcode stubbed to find none): a
//      4000x3000 photo is shrunk to 2000x1500 JPEG before the multipart
//      upload, with a progress bar (upload throttled through CDP), and the
//      server decodes it -> /confirm; on /idcard, picking the photo before
//      the consent box is ticked sends nothing and says why (the server's
//      422 text); once ticked, the ID photo (4000x3000 stored, EXIF
//      Orientation 6) goes up as 1500x2000 with consent=1 -> /slots;
//   C  the first post answered 503 + Retry-After (page.route): “排队中，
//      请稍候”, then an automatic retry that succeeds, for the text post
//      (/code) and the multipart one (/idcard);
//   E  nginx's own error page (413, no main.tc-main): its message shown in
//      the page's error area;
//   D  without JavaScript the plain form still works -> /confirm.
// Makes its own school, task (ID photo required), slots and roster through
// the CLI; screenshots go to $TUCAI_VAR/screenshots/upload-*.png.
// Env: TUCAI_URL, TUCAI_VAR (and TUCAI_CLI).  Prints TAP.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  PHONE, URL, browse, cli, consoleErrors, day, diag, idnum, is, noErrors, ok, overflow,
  rnd, run, screenshot, SRC,
} from './_lib.mjs';

const CONVERT = process.env.CONVERT || '/usr/bin/convert';
// nginx's page for a full upload pool.
const BUSY = fs.readFileSync(path.join(SRC, 'static', 'busy.html'));

// Reports every text the upload panel and error area show to the test
// (window.__note, a binding that outlives the page; the page's CSP does not
// apply to scripts the test adds).
const WATCH = () => {
  let last = '';
  document.addEventListener('DOMContentLoaded', () => {
    const note = () => {
      for (const el of document.querySelectorAll('[data-upload-text], [data-upload-error] span')) {
        const t = el.textContent;
        if (t && t !== last) { last = t; window.__note(t); }
      }
    };
    new MutationObserver(note).observe(document.body,
      { subtree: true, childList: true, characterData: true, attributes: true });
  });
};

// A stand-in for html5-qrcode that never finds a code.
const NOQR = 'window.Html5Qrcode = function () {};' +
  'Html5Qrcode.prototype.scanFile = function () { return Promise.reject("No MultiFormat Readers were able to detect the code."); };' +
  'Html5Qrcode.prototype.clear = function () {};';

// The part NAME of a multipart body (Buffer): its bytes, or null.
function part(body, contentType, name) {
  const b = /boundary=(.+)$/.exec(contentType || '');
  if (!b || !body) return null;
  const sep = Buffer.from('--' + b[1]);
  let at = body.indexOf(sep);
  while (at >= 0) {
    const next = body.indexOf(sep, at + sep.length);
    if (next < 0) break;
    const chunk = body.subarray(at + sep.length, next);
    const head = chunk.indexOf('\r\n\r\n');
    if (head >= 0 && chunk.subarray(0, head).toString().includes(`name="${name}"`))
      return chunk.subarray(head + 4, chunk.length - 2);
    at = next;
  }
  return null;
}

// Width and height of an image file (ImageMagick, EXIF not applied).
function dims(file) {
  return execFileSync('identify', ['-format', '%w %h', file + '[0]']).toString().trim();
}

await run(async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tucai-upload-'));
  const tag = rnd();
  const school = String(80000 + Math.floor(Math.random() * 19999));
  const task = `UP${tag}`;
  const codes = { A: `HXUPA${tag}q1`, B: `HXUPB${tag}q2`, C: `HXUPC${tag}q3`, D: `HXUPD${tag}q4` };
  cli(['school', 'add', school, '云南大学']);
  cli(['task', 'add', task, '--school', school, '--title', '云南大学2026届毕业生图像采集',
    '--from', day(1), '--to', day(3), '--fee', '40', '--require-id-photo']);
  cli(['slots', 'add', task, '--date', day(1), '--from', '08:00', '--to', '11:00',
    '--every', '60', '--capacity', '10']);
  const csv = path.join(tmp, 'roster.csv');
  fs.writeFileSync(csv, '采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n' +
    Object.entries(codes).map(([k, c], i) =>
      `${c},张${k}明,${idnum('53010220010101' + String(100 + i))},20198374802${i}${i},普通本科,普通高校,软件工程1班`)
      .join('\n') + '\n');
  cli(['roster', 'import', task, csv]);

  // Images: plain codes; a 4000x3000 phone photo of the code; an ID-card
  // photo stored 4000x3000 turned, EXIF Orientation=6 (shows 3000x4000).
  const f = (n) => path.join(tmp, n);
  for (const k of Object.keys(codes)) execFileSync('qrencode', ['-s', '8', '-o', f(`code${k}.png`), codes[k]]);
  execFileSync('qrencode', ['-s', '8', '-o', f('other.png'), `HXNOT${tag}zz`]);
  execFileSync('qrencode', ['-s', '12', '-m', '2', '-o', f('big.png'), codes.B]);
  execFileSync(CONVERT, ['-size', '2000x1500', 'gradient:#9c948a-#5a5048',
    '-fill', '#d8d4cc', '-draw', 'rectangle 650,350 1400,1150',
    '(', f('big.png'), '-resize', '520x520', ')', '-geometry', '+740+440', '-composite',
    '-filter', 'triangle', '-resize', '4000x3000!', '-seed', '12', '-attenuate', '0.5',
    '+noise', 'Gaussian', '-quality', '92', '-strip', f('photo.jpg')]);
  // The ID cards: made cards of the right students (t/lib/mkidcards.py);
  // B's a 12 MP phone photo (4000x3000), with EXIF Orientation=6: shown
  // 3000x4000, the card turned.
  const ids = Object.keys(codes).map((k, i) => idnum('53010220010101' + String(100 + i)));
  const mkcard = (out, idn, kind, seed) => execFileSync('/usr/bin/python3',
    [path.join(SRC, 't', 'lib', 'mkidcards.py'), 'card', out, idn, '张明', '--kind', kind,
      '--seed', String(seed)]);
  mkcard(f('cardB.jpg'), ids[1], 'big', 2);
  execFileSync(CONVERT, [f('cardB.jpg'), '-quality', '92', '-strip', f('turned.jpg')]);
  // EXIF APP1 with Orientation=6 right after the SOI (as t/lib/mkimages.sh).
  const turned = fs.readFileSync(f('turned.jpg'));
  const app1 = Buffer.from('ffe10022457869660000' + '4d4d002a00000008' +
    '0001011200030000000100060000' + '00000000', 'hex');
  fs.writeFileSync(f('idcard.jpg'), Buffer.concat([turned.subarray(0, 2), app1, turned.subarray(2)]));
  mkcard(f('scanC.jpg'), ids[2], 'scan', 3);	// a scan, made 2400x1500
  execFileSync(CONVERT, [f('scanC.jpg'), '-resize', '2400x1500!', '-quality', '90', f('idcardC.jpg')]);
  mkcard(f('idcardD.jpg'), ids[3], 'scan', 2);
  // A WebP (Chrome reads it, the server does not): sent as JPEG.
  execFileSync(CONVERT, [f('codeB.png'), '-quality', '90', f('codeB.webp')]);
  // An iPhone's HEIC that this browser cannot decode: sent as it is.
  fs.writeFileSync(f('photo.heic'), Buffer.concat([Buffer.from('00000018667479706865696300000000', 'hex'),
    Buffer.alloc(4096, 7)]));
  const photoSize = fs.statSync(f('photo.jpg')).size;
  const idSize = fs.statSync(f('idcard.jpg')).size;
  diag(`photo.jpg ${dims(f('photo.jpg'))} ${photoSize} bytes, idcard.jpg ${dims(f('idcard.jpg'))} ${idSize} bytes`);

  try {
    await browse(async (browser) => {
      // A phone with the recorder; posts to /code and /idcard collected.
      async function phone(name, opts) {
        const context = await browser.newContext({ ...PHONE, ...(opts || {}) });
        context.setDefaultTimeout(30000);
        const page = await context.newPage();
        page.__said = [];
        await page.exposeBinding('__note', (src, t) => { page.__said.push(t); });
        await page.addInitScript(WATCH);
        page.__errors = consoleErrors(page);
        page.__posts = [];
        page.on('request', (q) => {
          if (q.method() !== 'POST' || !/\/(code|idcard)$/.test(q.url())) return;
          page.__posts.push({ path: new globalThis.URL(q.url()).pathname,
            type: q.headers()['content-type'] || '', body: q.postDataBuffer() });
        });
        page.__name = name;
        return page;
      }
      // To /code with the task code.
      async function toCode(page) {
        await page.goto(URL + '/task');
        await page.fill('#task_code', task);
        await Promise.all([page.waitForURL(/\/code$/), page.click('button[type=submit]')]);
      }
      async function shot(page, name) {
        ok(await screenshot(page, `upload-${name}`) > 1000, `${name}: screenshot written`);
        const over = await overflow(page);
        ok(over <= 0, `${name}: no horizontal scrolling at 390 px (overflow ${over})`);
      }
      // The console errors but those of expected 4xx/5xx answers.
      function clean(page, desc) {
        const e = page.__errors.splice(0).filter((m) => !/status of (422|503)/.test(m));
        noErrors(e, `${page.__name}: no console errors (CSP, scripts) ${desc}`);
      }
      const said = (page) => page.__said.splice(0);

      // ------------------------------------------------ A: read in the browser
      {
        const page = await phone('A');
        await toCode(page);
        await shot(page, 'A1-code');
        // A code of another task: the browser reads it, the server says no.
        const r422 = page.waitForResponse((r) => r.url().endsWith('/code') && r.request().method() === 'POST');
        await page.setInputFiles('#code_image', f('other.png'));
        is((await r422).status(), 422, 'A: a code of another task answers 422');
        await page.waitForSelector('.tc-alert:visible');
        const alert = await page.textContent('.tc-main > .tc-alert, [data-upload-error]:not([hidden])');
        ok(/不属于本次采集任务/.test(alert || ''), `A: the server's message shown in the page (${(alert || '').trim()})`);
        ok(page.url().endsWith('/code'), 'A: still on /code, the form ready again');
        await shot(page, 'A2-code-error');
        // HEIC that the browser cannot read: the file goes as it is and the
        // server's Chinese 415 is shown.
        page.__posts.length = 0;
        const r415 = page.waitForResponse((r) => r.url().endsWith('/code') && r.request().method() === 'POST');
        await page.setInputFiles('#code_image', { name: 'IMG_0001.HEIC', mimeType: 'image/heic',
          buffer: fs.readFileSync(f('photo.heic')) });
        is((await r415).status(), 415, 'A: a HEIC the browser cannot decode answers 415');
        await page.waitForFunction(() => /HEIC/.test((document.querySelector('.tc-main > .tc-alert') || {}).textContent || ''));
        // (the body of a post of the picked file itself is not shown to the
        // test; the server's HEIC message tells that it got the bytes as they were)
        ok(page.__posts.length === 1 && page.__posts[0].type.startsWith('multipart/form-data'),
          'A: the HEIC went as it was, multipart');
        ok(true, 'A: its message shown: ' + (await page.textContent('.tc-main > .tc-alert')).trim());
        await shot(page, 'A2b-heic');
        page.__errors.splice(0).filter((m) => !/status of 415/.test(m)).forEach((m) => page.__errors.push(m));
        page.__posts.length = 0;
        await Promise.all([page.waitForURL(/\/confirm$/), page.setInputFiles('#code_image', f('codeA.png'))]);
        ok(true, 'A: the 采集码 read in the browser -> /confirm');
        const p = page.__posts;
        is(p.length, 1, 'A: one post to /code');
        const body = p[0] ? p[0].body.toString() : '';
        ok(p[0] && p[0].type.startsWith('application/x-www-form-urlencoded') && !/charset/i.test(p[0].type),
          `A: posted urlencoded, without a charset (${p[0] && p[0].type})`);
        const q = new URLSearchParams(body);
        is(q.get('collect_code'), codes.A, 'A: collect_code is the code read in the browser');
        ok(q.get('csrf') && !body.includes('code_image') && body.length < 300,
          `A: csrf and the text only, no image (${body.length} bytes)`);
        ok((await page.content()).includes(codes.A), 'A: /confirm shows the 采集码');
        await shot(page, 'A3-confirm');
        clean(page, 'on A');
        await page.context().close();
      }

      // ------------------------------------------------ B: shrink + progress
      {
        const page = await phone('B');
        await page.route('**/static/vendor/html5-qrcode.min.js', (r) =>
          r.fulfill({ status: 200, contentType: 'application/javascript', body: NOQR }));
        await toCode(page);
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions',
          { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 300 * 1024 });
        const done = page.waitForURL(/\/confirm$/, { timeout: 60000 });
        await page.setInputFiles('#code_image', f('photo.jpg'));
        let seen = true;
        try {
          await page.waitForFunction(() => {
            const t = document.querySelector('[data-upload-text]');
            const bar = document.querySelector('[data-upload-bar]');
            return t && /正在上传 ([1-9]\d?)%/.test(t.textContent) && bar && bar.offsetWidth > 0;
          }, null, { timeout: 20000, polling: 50 });
        } catch (e) { seen = false; }
        ok(seen, 'B: the progress bar shows “正在上传 N%” with 0 < N < 100 and a bar');
        if (seen) await shot(page, 'B1-uploading');
        await done;
        await cdp.send('Network.emulateNetworkConditions',
          { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
        ok(true, 'B: no code found in the browser: the image sent, decoded by the server -> /confirm');
        const texts = said(page);
        const p = page.__posts.filter((x) => x.path === '/code');
        is(p.length, 1, 'B: one post to /code');
        const img = p[0] && part(p[0].body, p[0].type, 'code_image');
        ok(p[0] && p[0].type.startsWith('multipart/form-data'), 'B: a multipart post');
        ok(img && img.length > 0 && img.length < photoSize / 2,
          `B: the image sent is much smaller than the file (${img && img.length} of ${photoSize} bytes)`);
        if (img) {
          fs.writeFileSync(f('sentB.jpg'), img);
          is(dims(f('sentB.jpg')), '2000 1500', 'B: shrunk to 2000x1500 (longest side 2000) JPEG');
        }
        ok(p[0] && !p[0].body.includes(Buffer.from('collect_code')), 'B: no collect_code in it');
        await shot(page, 'B2-confirm');
        // A WebP of the code: converted to JPEG in the browser.
        await page.goto(URL + '/code');
        page.__posts.length = 0;
        await Promise.all([page.waitForURL(/\/confirm$/), page.setInputFiles('#code_image', f('codeB.webp'))]);
        const w = page.__posts[0] && part(page.__posts[0].body, page.__posts[0].type, 'code_image');
        ok(w && w[0] === 0xff && w[1] === 0xd8, 'B: a WebP went as JPEG, and the server read it -> /confirm');
        clean(page, 'on B /code');
        // The ID photo: EXIF Orientation=6 respected.
        await Promise.all([page.waitForURL(/\/idcard$/), page.click('text=确认无误，提交')]);
        await shot(page, 'B3-idcard');
        ok(!(await page.isChecked('#consent')), 'B: the consent box is not ticked in advance');
        page.__posts.length = 0;
        await page.setInputFiles('#id_image', f('idcard.jpg'));
        await page.waitForSelector('[data-upload-error]:visible');
        const why = (await page.textContent('[data-upload-error]')).trim();
        ok(/勾选同意/.test(why), `B: no consent: the upload stops with the message (${why})`);
        is(page.__posts.filter((x) => x.path === '/idcard').length, 0,
          'B: no consent: nothing was sent (the ID photo stays on the phone)');
        await shot(page, 'B3-idcard-no-consent');
        said(page);
        await page.check('#consent');
        ok(!(await page.isVisible('[data-upload-error]')), 'B: ticking the box clears the message');
        await shot(page, 'B3-idcard-consent');
        await Promise.all([page.waitForURL(/\/slots$/, { timeout: 60000 }),
          page.setInputFiles('#id_image', f('idcard.jpg'))]);
        ok(true, 'B: the ID photo uploaded -> /slots');
        const q = page.__posts.filter((x) => x.path === '/idcard');
        const id = q[0] && part(q[0].body, q[0].type, 'id_image');
        const agreed = q[0] && part(q[0].body, q[0].type, 'consent');
        ok(agreed && agreed.toString() === '1', 'B: the consent box went with the photo (consent=1)');
        ok(id && id.length < idSize / 2, `B: the ID photo sent shrunk (${id && id.length} of ${idSize} bytes)`);
        if (id) {
          fs.writeFileSync(f('sentId.jpg'), id);
          is(dims(f('sentId.jpg')), '1500 2000', 'B: turned as its EXIF says (portrait 1500x2000)');
        }
        diag('B said: ' + texts.join(' | '));
        ok(texts.some((t) => /正在上传 \d+%/.test(t)) && texts.some((t) => t === '正在识别…'),
          'B: “正在上传 N%” then “正在识别…”');
        clean(page, 'on B /idcard');
        await page.context().close();
      }

      // ------------------------------------------------ C: 503, queue, retry
      {
        const page = await phone('C');
        said(page);
        // The first post of each page gets nginx's 503 (its busy page).
        const busy = { '/code': 0, '/idcard': 0 };
        await page.route(/\/(code|idcard)$/, (r) => {
          const p = new globalThis.URL(r.request().url()).pathname;
          if (r.request().method() === 'POST' && busy[p]++ === 0) {
            return r.fulfill({ status: 503, headers: { 'Retry-After': '2', 'Cache-Control': 'no-store' },
              contentType: 'text/html; charset=utf-8', body: BUSY });
          }
          return r.continue();
        });
        await toCode(page);
        const done = page.waitForURL(/\/confirm$/, { timeout: 60000 });
        await page.setInputFiles('#code_image', f('codeC.png'));
        let queued = true;
        try {
          await page.waitForFunction(() => {
            const t = document.querySelector('[data-upload-text]');
            return t && t.offsetParent && /排队中，请稍候/.test(t.textContent);
          }, null, { timeout: 15000, polling: 50 });
        } catch (e) { queued = false; }
        ok(queued, 'C: a 503 with Retry-After shows “排队中，请稍候”');
        if (queued) await shot(page, 'C1-queued');
        ok(!(await page.isVisible('[data-upload-error]')), 'C: no error shown while queued');
        await done;
        const p = page.__posts.filter((x) => x.path === '/code');
        is(p.length, 2, 'C: /code posted twice: the 503, then the automatic retry');
        // What was sent first is sent again: the text when the browser
        // read the code within QR_TIMEOUT, else the image (a loaded
        // machine, as in a busy CI run, may take longer than that).
        diag('C posted: ' + p.map((x) => x.type.split(';')[0]).join(', '));
        ok(p.length === 2 && p[0].type.split(';')[0] === p[1].type.split(';')[0],
          'C: the retry sent what the first post sent');
        ok(true, 'C: the retry succeeded -> /confirm');
        clean(page, 'on C /code');
        await Promise.all([page.waitForURL(/\/idcard$/), page.click('text=确认无误，提交')]);
        said(page);
        await page.check('#consent');
        const slots = page.waitForURL(/\/slots$/, { timeout: 60000 });
        await page.setInputFiles('#id_image', f('idcardC.jpg'));
        await slots;
        const texts = said(page);
        const q = page.__posts.filter((x) => x.path === '/idcard');
        is(q.length, 2, 'C: /idcard posted twice (multipart): the 503, then the retry -> /slots');
        const sent = q[1] && part(q[1].body, q[1].type, 'id_image');
        if (sent) {
          fs.writeFileSync(f('sentC.jpg'), sent);
          is(dims(f('sentC.jpg')), '2000 1250', 'C: the 2400x1500 ID photo went as 2000x1250');
        }
        diag('C said on /idcard: ' + texts.join(' | '));
        ok(texts.some((t) => /排队中，请稍候/.test(t)), 'C: “排队中，请稍候” on /idcard too');
        await shot(page, 'C2-slots');
        clean(page, 'on C /idcard');
        await page.context().close();
      }

      // ------------------------------------------------ E: nginx's own page
      {
        const page = await phone('E');
        const big = fs.readFileSync(path.join(SRC, 'static', '413.html'));
        await page.route(/\/code$/, (r) => (r.request().method() === 'POST'
          ? r.fulfill({ status: 413, contentType: 'text/html; charset=utf-8', body: big })
          : r.continue()));
        await toCode(page);
        await page.setInputFiles('#code_image', f('codeD.png'));
        await page.waitForSelector('[data-upload-error]:visible');
        const msg = (await page.textContent('[data-upload-error]')).trim();
        ok(/上传的文件太大/.test(msg) && /10 MB/.test(msg), `E: nginx's 413 page: its message in the error area (${msg})`);
        ok(!(await page.isVisible('[data-upload-panel]')) && await page.isEnabled('button[type=submit]'),
          'E: the progress gone, the button ready again');
        await shot(page, 'E1-413');
        page.__errors.splice(0).filter((m) => !/status of 413/.test(m)).forEach((m) => page.__errors.push(m));
        clean(page, 'on E');
        await page.context().close();
      }

      // ------------------------------------------------ D: no JavaScript
      {
        const page = await phone('D', { javaScriptEnabled: false });
        await toCode(page);
        is(await page.getAttribute('#code_image', 'accept'), 'image/*', 'D: accept="image/*" (camera and gallery)');
        await page.setInputFiles('#code_image', f('codeD.png'));
        await Promise.all([page.waitForURL(/\/confirm$/), page.click('button[type=submit]')]);
        const p = page.__posts;
        // (chromium gives no body of a form's navigation with a file)
        ok(p.length === 1 && p[0].type.startsWith('multipart/form-data'),
          'D: without JavaScript the plain multipart form -> /confirm');
        await Promise.all([page.waitForURL(/\/idcard$/), page.click('text=确认无误，提交')]);
        is(await page.getAttribute('#id_image', 'accept'), 'image/*', 'D: /idcard accept="image/*"');
        await page.setInputFiles('#id_image', f('idcardD.jpg'));
        await page.check('#consent');
        await Promise.all([page.waitForURL(/\/slots$/), page.click('button[type=submit]')]);
        ok(true, 'D: the plain ID photo form -> /slots');
        await page.context().close();
      }
    });
  } finally {
    try { cli(['task', 'close', task, '--force', '--reason', 'browser test upload.mjs']); } catch (e) { /* ok */ }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
