// admin.mjs - browser test: the admin dashboard at desktop size (1280x900)
// in Debian's chromium via playwright-core.  Makes its own school, task,
// roster, slots and users through the CLI (and, as root, a few bookings
// straight in the test database so the charts have something to show),
// then screenshots the dashboard, the task page, a student record after a
// correction, and the audit log into $TUCAI_VAR/screenshots/.  Prints TAP.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  DESKTOP, URL, VAR, browse, cli, consoleErrors, day, idnum, login, noErrors, ok, overflow,
  rnd, run, shot,
} from './_lib.mjs';

const PW = 'shots-admin-pw';

// A valid ID number for the seq-th student.
function seqid(seq) {
  return idnum(`11010519900${String(seq % 9 + 1)}${String(seq % 28 + 10)}${String(seq % 1000).padStart(3, '0')}`.slice(0, 17));
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
  const d0 = day(0);
  const d1 = day(4);
  cli(['task', 'add', code, '--school', school, '--title', '2026届毕业生图像采集', '--from', d0, '--to', d1, '--fee', '40']);
  cli(['slots', 'add', code, '--date', d0, '--from', '08:30', '--to', '11:30', '--every', '30', '--capacity', '12']);
  const classes = ['会计1班', '会计2班', '软件工程1班', '市场营销1班', '护理1班'];
  const surn = '李王张刘陈杨赵黄周吴';
  const given = ['小芳', '浩然', '雨欣', '子轩', '梓涵', '一诺', '欣怡', '宇航', '思远', '佳怡'];
  let csv = '采集码,姓名,身份证号,学号,学历类别,学历层次,班级\n';
  let n = 0;
  classes.forEach((cls, ci) => {
    for (let i = 0; i < 8 + ci * 2; i++, n++)
      csv += `HX${code}${String(n).padStart(4, '0')},${surn[n % 10]}${given[(n * 3) % 10]},${seqid(n)},20${String(260000 + n)},普通本科,普通高校,${cls}\n`;
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

await run(async () => {
  const data = setup();
  ok(true, `test data: task ${data.code}`);
  await browse(async (browser) => {
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    const errors = consoleErrors(page);

    await page.goto(URL + '/admin/login');
    await shot(page, 'admin-login');
    const url = await login(page, data.te, PW);
    ok(url.endsWith('/admin/'), `teacher logged in (${url})`);
    ok(await page.locator('table.ad-chart svg rect').count() > 0, 'dashboard draws SVG bars');
    await shot(page, 'admin-dashboard');
    await page.click(`a:text("${data.code}")`);
    ok(/\/admin\/tasks\/\d+$/.test(page.url()), 'task page opened from the dashboard');
    ok(await page.locator('text=各班预约进度').count() === 1, 'task page shows progress per class');
    ok(await page.locator('text=各班采集进度（按人数）').count() === 1, 'and the counts of people per class');
    await shot(page, 'admin-task');
    await page.locator('a[href*="state=unbooked"]').last().click();
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
    const over = await overflow(page);
    ok(over <= 0, `no horizontal scrolling at 1280 px (overflow ${over})`);
    noErrors(errors, 'no console errors (CSP)');

    const p2 = await browser.newContext(DESKTOP).then((c) => c.newPage());
    await login(p2, data.op, PW);
    await p2.goto(URL + '/admin/users');
    await shot(p2, 'admin-users');
    // The operator's close-out confirmation (the window is still open)
    // and the reconciliation page.
    const tid = (sql(`SELECT id FROM task WHERE code = '${data.code}'`) || '').trim();
    const e2 = consoleErrors(p2);
    let resp = await p2.goto(`${URL}/admin/tasks/${tid}/close`);
    ok(resp.status() === 200, 'close-out confirmation page');
    ok((await p2.content()).includes('采集期未结束'), 'it warns that the window is still open');
    ok(await p2.locator('input[name=confirm_code]').count() === 1, 'the task code must be typed');
    await shot(p2, 'admin-task-close');
    resp = await p2.goto(`${URL}/admin/reconcile`);
    ok(resp.status() === 200, 'reconciliation page');
    ok((await p2.content()).includes('现场收费日结'), 'with the on-site cash-up');
    await shot(p2, 'admin-reconcile');
    const o2 = await overflow(p2);
    ok(o2 <= 0, `reconciliation: no horizontal scrolling (overflow ${o2})`);
    noErrors(e2, 'close-out and reconciliation: no console errors');
  });
});
