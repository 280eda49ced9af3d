// weixin.mjs - browser test: WeChat sign-in (网页授权) through the sandbox
// on an emulated phone with WeChat's user agent.  The phone's sandbox
// account is set to ask (本机微信账号), so the 授权登录 page shows; the
// student approves and lands on the home page signed in; another phone
// refuses and lands on the entrance with the message and today's flow.
// A phone not set to ask is signed in silently (snsapi_base), as the other
// browser tests are.  Screenshots: weixin-phone, weixin-authorize,
// weixin-home, weixin-refused.
import {
  PHONE, URL, browse, consoleErrors, noErrors, ok, overflow, run, shot,
} from './_lib.mjs';

// A new phone whose sandbox account asks at every authorisation.
async function askingPhone(browser) {
  const context = await browser.newContext(PHONE);
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  const errors = consoleErrors(page);
  await page.goto(URL + '/weixin-sandbox/phone');
  await page.check('#ask', { force: true });
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return { context, page, errors };
}

await run(() => browse(async (browser) => {
  let { context, page, errors } = await askingPhone(browser);
  ok((await page.textContent('body')).includes('每次授权显示授权页面'), '本机微信账号: set to ask');
  await shot(page, 'weixin-phone');

  await page.goto(URL + '/');
  ok(page.url().includes('/weixin-sandbox/connect/oauth2/authorize'), 'WeChat at /: the sandbox authorise page');
  const body = await page.textContent('body');
  ok(body.includes('授权登录') && body.includes('沙箱用户甲'), '授权登录 with the sandbox users');
  ok(await overflow(page) <= 0, 'authorise page: no horizontal scrolling at 390 px');
  await shot(page, 'weixin-authorize');
  await Promise.all([page.waitForNavigation({ url: URL + '/' }), page.click('button[value=allow]')]);
  ok(page.url() === URL + '/', 'approved: back on the home page');
  ok((await page.textContent('body')).includes('已通过微信登录'), 'signed in through WeChat');
  ok(await overflow(page) <= 0, 'home page: no horizontal scrolling at 390 px');
  await shot(page, 'weixin-home');
  noErrors(errors, 'no console errors (CSP included)');
  await context.close();

  ({ context, page, errors } = await askingPhone(browser));
  await page.goto(URL + '/');
  await Promise.all([page.waitForNavigation({ url: /wx=refused/ }), page.click('button[value=deny]')]);
  const text = await page.textContent('body');
  ok(text.includes('您未完成微信授权') && text.includes('继续使用任务代码和采集码预约'),
    'refused: the entrance with the message and today\'s flow');
  ok(await page.isVisible('a[href="/weixin/login?next=0"]'), 'and a way to try again');
  await shot(page, 'weixin-refused');
  await page.click('a.tc-entry');
  ok(page.url() === URL + '/task', '毕业生采集 leads to the task code, no second WeChat round');
  noErrors(errors, 'no console errors');
  await context.close();
}));
