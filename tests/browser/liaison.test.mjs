// School liaisons (学校联络员, #22): an organiser makes a liaison for a school
// on the round's distribution page; the liaison logs in, lands on
// 我的机房场次, opens a session for its school's pupils' link; one pupil
// answers in kiosk mode on the code; the liaison sees 1 answer, and the
// answer is stored with the session's mark.
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
      '2165000001,城关第一小学,小学,城区,1200,0,80\n' +
      '2165000002,城关第二小学,小学,城区,900,0,60\n',
  );
  mkdirSync(outputDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(page, username, password) {
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=login-submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

test('an organiser assigns a liaison; the liaison opens a room session, a pupil answers, the liaison sees 1 answer', async () => {
  const now = Date.now();
  const round = await organiser.call('POST', '/api/rounds', {
    name: '2026年县级自评（联络员）',
    purpose: 'self_assessment',
    opens_at: new Date(now - 3600e3).toISOString(),
    closes_at: new Date(now + 7 * 86400e3).toISOString(),
    groups: ['student'],
    min_answer_seconds: 0,
    duplicate_policy: 'refuse',
  });
  await organiser.call('POST', `/api/rounds/${round.id}/open`, {});
  const { links } = await organiser.call('GET', `/api/rounds/${round.id}/links`);
  const link = links.find((l) => l.group === 'student' && l.school_name === '城关第一小学');

  // The organiser makes the liaison on the distribution page.
  const org = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
  const op = await org.newPage();
  await login(op, organiserLogin.username, organiserLogin.password);
  await op.goto(`${server.url}/rounds/${round.id}/distribution`);
  const card = op.locator('[data-test=liaisons]');
  await card.waitFor();
  await card.locator('input[data-test=liaison-username]').fill('wang-liaison');
  await card.locator('[data-test=liaison-schools]').click();
  await op.locator('.el-select-dropdown__item:visible', { hasText: '城关第一小学' }).click();
  await op.keyboard.press('Escape');
  await card.locator('[data-test=liaison-create]').click();
  const box = op.locator('.el-message-box');
  await box.waitFor();
  const text = await box.locator('.el-message-box__message').textContent();
  const password = /初始密码：([^（]+)（/.exec(text)?.[1];
  assert.ok(password, text);
  await box.getByRole('button', { name: '知道了' }).click();
  await card.locator('[data-test=liaison-row]', { hasText: 'wang-liaison' }).waitFor();
  assert.match(await card.textContent(), /城关第一小学/);
  await op.screenshot({ path: path.join(outputDir, 'liaisons-card.png'), fullPage: true });
  const assigned = await organiser.call('GET', `/api/rounds/${round.id}/liaisons`);
  assert.deepEqual(assigned.map((l) => [l.username, l.school_ids]), [['wang-liaison', [link.school_id]]]);
  await org.close();

  // The liaison logs in and lands on its one page.
  const li = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const lp = await li.newPage();
  await login(lp, 'wang-liaison', password);
  await lp.waitForURL(`${server.url}/my-rooms`);
  await lp.getByRole('heading', { name: '我的机房场次' }).waitFor();
  // Only its school, and no other page of the console.
  assert.equal(await lp.getByText('城关第二小学').count(), 0);
  assert.equal(await lp.locator('.el-menu-item').count(), 1);
  await lp.goto(`${server.url}/rounds/${round.id}/report`);
  await lp.waitForURL(`${server.url}/my-rooms`);

  await lp.locator(`[data-test=room-link-${link.id}] [data-test=room-start]`).click();
  const codeCell = lp.locator('[data-test=room-session] [data-test=room-code]');
  await codeCell.waitFor();
  const code = (await codeCell.textContent()).replace(/\s/g, '');
  assert.match(code, /^\d{8}$/);
  assert.equal(await lp.locator('[data-test=room-answers]').textContent(), '答卷 0 份');

  // One pupil on the room's PC answers in kiosk mode.
  const pc = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await pc.newPage();
  await page.goto(`${server.url}/r`);
  await page.locator('input[name=code]').fill(code);
  await page.getByRole('button', { name: '开始答题' }).click();
  await page.waitForURL(`${server.url}/r/${code}`);
  await page.locator('#kiosk').getByText('机房答题').waitFor();
  const items = page.locator('fieldset.q[data-kind=choice]');
  const count = await items.count();
  for (let i = 0; i < count; i++) await items.nth(i).locator('label.opt').first().click();
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.locator('#thanks').getByText('提交成功').waitFor();
  await pc.close();

  // The liaison sees the answer counted.
  await lp.getByRole('button', { name: '刷新' }).click();
  await lp.locator('[data-test=room-answers]', { hasText: '答卷 1 份' }).waitFor();
  await lp.screenshot({ path: path.join(outputDir, 'liaison-my-rooms.png'), fullPage: true });
  const rows = server
    .sql(`SELECT validity || ':' || COALESCE(room_session_id, 0) FROM responses WHERE link_id = ${link.id} ORDER BY id`)
    .split('\n');
  const { sessions } = await organiser.call('GET', `/api/rounds/${round.id}/room-sessions`);
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].opened_by, 'wang-liaison');
  assert.deepEqual(rows, [`valid:${sessions[0].id}`]);

  // The teacher's sheet opens from the page.
  const [sheet] = await Promise.all([li.waitForEvent('page'), lp.getByRole('link', { name: /监督教师须知/ }).click()]);
  await sheet.waitForLoadState();
  await sheet.getByText('机房答题监督教师须知').first().waitFor();
  await sheet.close();

  // Ending the session early.
  await lp.locator('[data-test=room-close]').click();
  await lp.locator('.el-message-box').getByRole('button', { name: /确定|OK/ }).click();
  await lp.locator('[data-test=room-session]').waitFor({ state: 'detached' });
  await li.close();
});
