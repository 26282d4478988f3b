// A data-entry clerk (录入员) keys paper sheets in the console with the
// number keys: scan code typed by a USB scanner, one key per item with
// auto-advance, Backspace back, Enter saves; the report then counts them
// with source paper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

const SCHOOLS = [
  '学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数',
  '2165000001,城关第一小学,小学,城区,1200,0,80',
].join('\n');

test('a clerk keys two sheets with the number keys and the report counts them as paper', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await Api.login(server.url, 'admin', server.adminPassword);
    await admin.call('PUT', '/api/county', { name: '奇台县', admin_code: '652325', resident_population: 250000 });
    await admin.call('POST', '/api/schools/import', SCHOOLS);
    const round = await admin.call('POST', '/api/rounds', {
      name: '2026年县级自评', purpose: 'self_assessment', groups: ['parent'],
      opens_at: new Date(Date.now() - 3600e3).toISOString(),
      closes_at: new Date(Date.now() + 5 * 86400e3).toISOString(),
    });
    await admin.call('POST', `/api/rounds/${round.id}/open`, {});
    const clerk = await admin.accountWithRole('clerk');
    const me = await clerk.api.call('GET', '/api/auth/me');
    await admin.call('PUT', `/api/rounds/${round.id}/paper`, { double_entry: false, clerk_ids: [me.id] });
    const entry = await clerk.api.call('GET', `/api/rounds/${round.id}/paper`);
    const link = entry.links[0];
    const items = entry.questionnaires[0].items;
    const choice = items.filter((i) => i.kind !== 'text').length;

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=username]', clerk.username);
    await page.fill('input[name=password]', clerk.password);
    await page.click('[data-test=login-submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto(`${server.url}/paper/${round.id}`);
    await page.locator('[data-test=paper-scan]').waitFor();

    for (const n of [1, 2]) {
      // A USB scanner types the sheet's code and Enter.
      await page.fill('[data-test=paper-scan]', `RKP:${link.id}:P${link.id}-000${n}`);
      await page.press('[data-test=paper-scan]', 'Enter');
      const keys = page.locator('[data-test=paper-keys]');
      await keys.waitFor();
      await keys.focus();
      // A wrong key, Backspace, then 1 (满意) on every choice item.
      await page.keyboard.press('2');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      for (let k = 0; k < choice; k += 1) await page.keyboard.press('1');
      const marks = await page.locator('[data-test=paper-marks]').innerText();
      assert.ok(!marks.includes('·'), `every item keyed: ${marks}`);
      await page.keyboard.press('Enter');
      await page.locator('[data-test=paper-saved]').getByText(`P${link.id}-000${n}`).waitFor();
    }
    const report = await admin.call('GET', `/api/rounds/${round.id}/report`);
    const paper = report.modes.find((m) => m.mode === 'paper');
    assert.equal(paper.responses, 2);
    assert.equal(paper.valid, 2);
    assert.equal(paper.rate, 1);
    assert.equal(report.modes.find((m) => m.mode === 'web').responses, 0);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('a supervisor settles a double-entry mismatch on the review page and the sheet counts as keyed twice', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await Api.login(server.url, 'admin', server.adminPassword);
    await admin.call('PUT', '/api/county', { name: '奇台县', admin_code: '652325', resident_population: 250000 });
    await admin.call('POST', '/api/schools/import', SCHOOLS);
    const round = await admin.call('POST', '/api/rounds', {
      name: '2026年县级自评', purpose: 'self_assessment', groups: ['parent'],
      opens_at: new Date(Date.now() - 3600e3).toISOString(),
      closes_at: new Date(Date.now() + 5 * 86400e3).toISOString(),
    });
    await admin.call('POST', `/api/rounds/${round.id}/open`, {});
    const first = await admin.accountWithRole('clerk');
    const second = await admin.accountWithRole('clerk');
    const ids = [];
    for (const c of [first, second]) ids.push((await c.api.call('GET', '/api/auth/me')).id);
    await admin.call('PUT', `/api/rounds/${round.id}/paper`, { double_entry: true, clerk_ids: ids });
    const entry = await first.api.call('GET', `/api/rounds/${round.id}/paper`);
    const link = entry.links[0];
    const items = entry.questionnaires[0].items;
    const marks = (mark) => items.map((i) => (i.kind === 'text' ? '0' : mark)).join('');
    const firstMarks = marks('1');
    // The second clerk misreads the first choice item as 2.
    const at = items.findIndex((i) => i.kind !== 'text');
    const secondMarks = firstMarks.slice(0, at) + '2' + firstMarks.slice(at + 1);
    const key = (c, m) => c.api.call('POST', `/api/rounds/${round.id}/paper/sheets`,
      { client_id: crypto.randomUUID(), link_id: link.id, serial: 'D-0001', marks: m }, [201]);
    await key(first, firstMarks);
    const mismatch = await key(second, secondMarks);
    assert.equal(mismatch.status, 'mismatch');

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', server.adminPassword);
    await page.click('[data-test=login-submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    // From the round's 发放 tab to the review page.
    await page.goto(`${server.url}/rounds/${round.id}/distribution`);
    await page.click('[data-test=paper-review-link]');
    await page.locator('[data-test=paper-review]').getByText('D-0001').waitFor();
    const input = page.locator('input[data-test=review-marks], [data-test=review-marks] input').first();
    assert.equal(await input.inputValue(), firstMarks);
    // The paper says 满意 (1): the first entry was right.
    await page.click('[data-test=review-resolve]');
    await page.locator('[data-test=paper-review]').getByText('没有待核对的问卷').waitFor();
    const report = await admin.call('GET', `/api/rounds/${round.id}/report`);
    assert.equal(report.sources.find((s) => s.mode === 'paper_double').responses, 1);
    assert.equal(report.paper_sheets.unresolved ?? 0, 0);
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
