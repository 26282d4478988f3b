// Room sessions (机房答题): the computer room's PC joins a session and three
// pupils answer in turn in one browser profile. Each answer is stored valid
// with the session's mark; nothing of a pupil (fields, draft, device
// cookie) is left for the next one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, outputDir } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

let server;
let browser;
let organiser;
let organiserLogin;

before(async () => {
  server = await startServer();
  browser = await launch();
  const admin = await Api.login(server.url, 'admin', server.adminPassword);
  organiserLogin = await admin.accountWithRole('organiser');
  organiser = organiserLogin.api;
  await organiser.call(
    'POST',
    '/api/schools/import',
    '学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n' +
      '2165000001,城关第一小学,小学,城区,1200,0,80\n',
  );
  mkdirSync(outputDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('three pupils answer in turn on one PC; each answer counts with the session; nothing of one is left for the next', async () => {
  const now = Date.now();
  const round = await organiser.call('POST', '/api/rounds', {
    name: '2026年县级自评',
    purpose: 'self_assessment',
    opens_at: new Date(now - 3600e3).toISOString(),
    closes_at: new Date(now + 7 * 86400e3).toISOString(),
    groups: ['student'],
    min_answer_seconds: 0,
    // Repeats from one device are refused: the room must not be one device.
    duplicate_policy: 'refuse',
  });
  await organiser.call('POST', `/api/rounds/${round.id}/open`, {});
  const { links } = await organiser.call('GET', `/api/rounds/${round.id}/links`);
  const link = links.find((l) => l.group === 'student');
  const session = await organiser.call(
    'POST',
    `/api/rounds/${round.id}/links/${link.id}/room-sessions`,
    {},
    [201],
  );

  // One browser profile: the room's PC, a desktop screen.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  // A pupil types the address and code shown on the projector.
  await page.goto(`${server.url}/r`);
  await page.locator('input[name=code]').fill(`${session.code.slice(0, 4)} ${session.code.slice(4)}`);
  await page.getByRole('button', { name: '开始答题' }).click();
  await page.waitForURL(`${server.url}/r/${session.code}`);

  const picks = [2, 1, 3];
  for (let pupil = 0; pupil < 3; pupil++) {
    await page.locator('#kiosk').getByText('机房答题').waitFor();
    // Nothing of the previous pupil: no choice made, no comment, no draft,
    // no device cookie.
    assert.equal(await page.locator('fieldset.q input[type=radio]:checked').count(), 0, `pupil ${pupil + 1} starts blank`);
    for (const t of await page.locator('textarea').all()) assert.equal(await t.inputValue(), '');
    assert.equal(await page.getByText('第1位同学的意见').count(), 0);
    const keys = await page.evaluate(() => Object.keys(localStorage));
    assert.deepEqual(keys.filter((k) => k.startsWith('renke:')), [], `no draft kept for pupil ${pupil + 1}`);
    const cookies = await context.cookies();
    assert.deepEqual(cookies.filter((c) => c.name.startsWith('renke_dev')), [], 'no device mark');

    const items = page.locator('fieldset.q[data-kind=choice]');
    const count = await items.count();
    for (let i = 0; i < count; i++) {
      const options = items.nth(i).locator('label.opt');
      await options.nth(Math.min(picks[pupil], await options.count()) - 1).click();
    }
    if (await page.locator('textarea').count()) {
      await page.locator('textarea').first().fill(`第${pupil + 1}位同学的意见`);
    }
    // While answering nothing goes to storage either.
    const during = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('renke:')));
    assert.deepEqual(during, []);
    await page.getByRole('button', { name: '提交问卷' }).click();
    await page.locator('#thanks').getByText('提交成功').waitFor();
    if (pupil === 0) await page.screenshot({ path: path.join(outputDir, 'room-thanks.png') });
    // The thank-you screen hides an emptied form.
    assert.equal(await page.locator('fieldset.q input[type=radio]:checked').count(), 0);
    await page.getByRole('link', { name: '下一位同学开始答题' }).click();
    await page.waitForLoadState('load');
  }
  await page.locator('#kiosk').waitFor();
  assert.equal(await page.locator('fieldset.q input[type=radio]:checked').count(), 0);
  await page.screenshot({ path: path.join(outputDir, 'room-next-pupil.png') });

  const rows = server
    .sql(`SELECT validity || ':' || COALESCE(room_session_id, 0) FROM responses WHERE link_id = ${link.id} ORDER BY id`)
    .split('\n');
  assert.deepEqual(rows, [1, 2, 3].map(() => `valid:${session.id}`));
  const { sessions } = await organiser.call('GET', `/api/rounds/${round.id}/room-sessions`);
  assert.equal(sessions[0].answers, 3);
  assert.equal(sessions[0].valid, 3);
  await context.close();
});

test('an organiser opens a room session from the console and sees its code, answers and flags', async () => {
  const now = Date.now();
  const round = await organiser.call('POST', '/api/rounds', {
    name: '2026年县级自评（机房）',
    purpose: 'self_assessment',
    opens_at: new Date(now - 3600e3).toISOString(),
    closes_at: new Date(now + 7 * 86400e3).toISOString(),
    groups: ['student'],
    min_answer_seconds: 0,
  });
  await organiser.call('POST', `/api/rounds/${round.id}/open`, {});
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=username]', organiserLogin.username);
  await page.fill('input[name=password]', organiserLogin.password);
  await page.click('[data-test=login-submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${server.url}/rounds/${round.id}/distribution`);
  await page.locator('[data-test=room-open]').first().click();
  const code = page.locator('[data-test=room-sessions] [data-test=room-code]').first();
  await code.waitFor();
  const { sessions } = await organiser.call('GET', `/api/rounds/${round.id}/room-sessions`);
  assert.equal(sessions.length, 1);
  assert.equal(await code.textContent(), sessions[0].code);
  assert.equal(sessions[0].opened_by, organiserLogin.username);
  await page.screenshot({ path: path.join(outputDir, 'room-sessions-console.png'), fullPage: true });
  await context.close();
});
