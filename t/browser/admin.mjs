// admin.mjs - browser test: the admin dashboard at desktop size (1280x900)
// in Debian's chromium via playwright-core.  Makes its own school, task,
// roster, slots and users through the CLI (and, as root, a few bookings
// straight in the test database so the charts have something to show),
// then screenshots the dashboard, the task page, a student record after a
// correction, and the audit log into $TUCAI_VAR/screenshots/.  Prints TAP.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------- TAP
let n = 0;
let failed = 0;
const clean = (s) => String(s).replace(/\s+/g, ' ').replace(/#/g, '\\#');
function diag(...msg) { for (const line of msg.join(' ').split('\n')) console.log('# ' + line); }
function ok(cond, desc) {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${clean(desc)}`);
  return !!cond;
}
async function shot(page, name) {
  const file = path.join(VAR, 'screenshots', `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  return ok(size > 1000, `screenshot ${name}.png written (${size} bytes)`);
}

const URL = (process.env.TUCAI_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const VAR = process.env.TUCAI_VAR || '.';
const SRC = process.env.TUCAI_SRC || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const CLI = process.env.TUCAI_CLI || path.join(SRC, 'tools', 'tucai');
const CHROMIUM = process.env.TUCAI_CHROMIUM || '/usr/bin/chromium';
const PW = 'shots-admin-pw';

const rnd = () => Math.random().toString(36).slice(2, 8).toUpperCase();
const cli = (args, input) => execFileSync(CLI, args, { input: input || '', stdio: ['pipe', 'pipe', 'pipe'] }).toString();
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idnum(seq) {
  const body = `11010519900${String(seq % 9 + 1)}${String(seq % 28 + 10)}${String(seq % 1000).padStart(3, '0')}`.slice(0, 17);
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body[i]) * W[i];
  return body + '10X98765432'[s % 11];
}
function sql(q) {
  const sock = path.join(VAR, 'run', 'mysqld.sock');
  if (process.getuid() !== 0 || !fs.existsSync(sock)) return null;
  return execFileSync('mariadb', ['--no-defaults', `--socket=${sock}`, '-uroot',
    '--default-character-set=utf8mb4', '-N', '-B', 'tucai', '-e', q]).toString();
}

function setup() {
  const school = '8' + String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
  cli(['school', 'add', school, '云南工商学院']);
  const code = 'YN' + rnd();
  const d0 = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const d1 = new Date(Date.now() + 8 * 3600e3 + 4 * 86400e3).toISOString().slice(0, 10);
  cli(['task', 'add', code, '--school', school, '--title', '2026届毕业生图像采集', '--from', d0, '--to', d1, '--fee', '40']);
  cli(['slots', 'add', code, '--date', d0, '--from', '08:30', '--to', '11:30', '--every', '30', '--capacity', '12']);
  const classes = ['会计1班', '会计2班', '软件工程1班', '市场营销1班', '护理1班'];
  const surn = '李王张刘陈杨赵黄周吴';
  const given = ['小芳', '浩然', '雨欣', '子轩', '梓涵', '一诺', '欣怡', '宇航', '思远', '佳怡'];
  let csv = '采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n';
  let n = 0;
  classes.forEach((cls, ci) => {
    for (let i = 0; i < 8 + ci * 2; i++, n++)
      csv += `HX${code}${String(n).padStart(4, '0')},${surn[n % 10]}${given[(n * 3) % 10]},${idnum(n)},20${String(260000 + n)},普通本科,普通高校,${cls}\n`;
  });
  const f = path.join(VAR, `shots-roster-${code}.csv`);
  fs.writeFileSync(f, csv);
  cli(['roster', 'import', code, f]);
  fs.unlinkSync(f);
  const op = 'op' + rnd().toLowerCase(), te = 'te' + rnd().toLowerCase();
  cli(['user', 'add', op, '--role', 'operator'], PW + '\n');
  cli(['user', 'add', te, '--role', 'teacher', '--school', school], PW + '\n');
  // Some progress, unevenly per class (as root only).
  const states = ['booked', 'booked', 'collected', 'checked_in', 'booked', 'collected'];
  const take = [0.9, 0.7, 0.5, 0.25, 0.1];
  const t = sql(`SELECT id FROM task WHERE code = '${code}'`);
  if (t) {
    const tid = t.trim();
    const slots = sql(`SELECT id FROM slot WHERE task_id = ${tid} ORDER BY starts_at`).trim().split('\n');
    const studs = sql(`SELECT id, class_name FROM student WHERE task_id = ${tid} ORDER BY id`).trim().split('\n').map((l) => l.split('\t'));
    let k = 0;
    classes.forEach((cls, ci) => {
      const mine = studs.filter((s) => s[1] === cls);
      mine.slice(0, Math.round(mine.length * take[ci])).forEach((s) => {
        const slot = slots[k % slots.length];
        const st = states[k % states.length];
        const tok = (Math.random().toString(16).slice(2) + Math.random().toString(16).slice(2) + '0'.repeat(32)).slice(0, 32);
        sql(`INSERT INTO booking (task_id, student_id, slot_id, state, token) VALUES (${tid}, ${s[0]}, ${slot}, '${st}', '${tok}'); ` +
          `UPDATE slot SET booked = booked + 1 WHERE id = ${slot}`);
        k++;
      });
    });
    sql(`INSERT INTO booking (task_id, student_id, slot_id, state, token, cancelled_at) VALUES (${tid}, ${studs[studs.length - 1][0]}, ${slots[0]}, 'cancelled', '${'c'.repeat(24)}${rnd().toLowerCase().padEnd(8, '0')}', UTC_TIMESTAMP())`);
  }
  return { code, op, te };
}

async function login(page, user) {
  await page.goto(URL + '/admin/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', PW);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return page.url();
}

async function main() {
  const OUT = path.join(VAR, 'screenshots');
  fs.mkdirSync(OUT, { recursive: true });
  const data = setup();
  ok(true, `test data: task ${data.code}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--headless', '--no-proxy-server'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));

    await page.goto(URL + '/admin/login');
    await shot(page, 'admin-login');
    const url = await login(page, data.te);
    ok(url.endsWith('/admin/'), `teacher logged in (${url})`);
    ok(await page.locator('table.ad-chart svg rect').count() > 0, 'dashboard draws SVG bars');
    await shot(page, 'admin-dashboard');
    await page.click(`a:text("${data.code}")`);
    ok(/\/admin\/tasks\/\d+$/.test(page.url()), 'task page opened from the dashboard');
    ok(await page.locator('text=各班预约进度').count() === 1, 'task page shows progress per class');
    await shot(page, 'admin-task');
    await page.click('a:text("查看未预约学生")');
    await shot(page, 'admin-students');
    await page.locator('table.ad-table a[href^="/admin/students/"]').first().click();
    await page.fill('input[name=name]', '王晓芳');
    await page.fill('input[name=reason]', '学生持身份证到办公室核对，姓名录入有误');
    await Promise.all([page.waitForNavigation(), page.click('button:text("保存更正")')]);
    ok(await page.locator('text=信息已更正').count() === 1, 'correction saved');
    await shot(page, 'admin-student');
    await page.goto(URL + '/admin/audit');
    ok(await page.locator('text=王晓芳').count() > 0, 'audit shows the correction');
    await shot(page, 'admin-audit');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    ok(overflow <= 0, `no horizontal scrolling at 1280 px (overflow ${overflow})`);
    ok(errors.length === 0, 'no console errors (CSP)');
    for (const e of errors) diag(`  ${e}`);

    const p2 = await context.browser().newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' }).then((c) => c.newPage());
    await login(p2, data.op);
    await p2.goto(URL + '/admin/users');
    await shot(p2, 'admin-users');
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
