// Assessments run from above (#18): a province organiser creates one over two
// counties and opens it in the console; a county organiser sees its part
// read-only; a province reviewer reads the county-by-county comparison.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, outputDir } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

mkdirSync(outputDir, { recursive: true });

async function desktop(browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  return context.newPage();
}

async function login(page, base, username, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=login-submit]');
  await page.getByRole('heading', { name: /欢迎/ }).waitFor();
}

/** An account at a node of the tree, logged in through the API. */
async function account(admin, role, regionId) {
  const username = `${role}${Math.floor(Math.random() * 1e6)}`;
  const password = 'correct horse battery';
  await admin.call('POST', '/api/accounts', { username, role, password, region_id: regionId });
  return { username, password, api: await Api.login(admin.base, username, password) };
}

/** `n` answers through a link, every item answered with `option`. */
async function answer(base, token, n, option) {
  const anon = new Api(base);
  const q = await anon.call('GET', `/api/public/links/${token}`);
  for (let i = 0; i < n; i += 1) {
    const answers = q.items
      .filter((it) => it.kind !== 'text')
      .map((it) => ({ item: it.id, option: Math.min(option, it.options.length) }));
    await anon.call('POST', `/api/public/links/${token}/responses`, { client_id: crypto.randomUUID(), answers, duration_ms: 90000 }, [201]);
  }
}

test('a province runs an assessment over two counties; a county reads its part; a reviewer compares', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await Api.login(server.url, 'admin', server.adminPassword);
    await admin.call(
      'POST',
      '/api/regions/import',
      '650000,新疆维吾尔自治区,\n652300,昌吉回族自治州,650000\n654000,伊犁哈萨克自治州,650000\n652327,吉木萨尔县,652300\n654002,伊宁市,654000\n',
    );
    const nodes = await admin.call('GET', '/api/regions');
    const node = (code) => nodes.find((n) => n.code === code);
    for (const [code, name, schoolCode] of [
      ['652327', '吉木萨尔县', '2165007001'],
      ['654002', '伊宁市', '2165008001'],
    ]) {
      const c = node(code).county_id;
      await admin.call('PUT', `/api/county?county_id=${c}`, { name, admin_code: code, resident_population: 200000 });
      await admin.call('POST', `/api/schools/import?county_id=${c}`, `学校标识码,学校名称,学校类型,所在地\n${schoolCode},${name}第一小学,小学,城区\n`);
    }
    const provinceOrg = await account(admin, 'organiser', node('650000').id);
    const countyOrg = await account(admin, 'organiser', node('652327').id);
    const provinceReviewer = await account(admin, 'reviewer', node('650000').id);

    // The province organiser creates the assessment over both counties and opens it.
    let page = await desktop(browser);
    await login(page, server.url, provinceOrg.username, provinceOrg.password);
    await page.getByRole('menuitem', { name: '上级评估' }).click();
    await page.click('[data-test=assessment-create]');
    await page.locator('input[data-test=assessment-name], [data-test=assessment-name] input').fill('2026年省级评估');
    for (const name of ['吉木萨尔县', '伊宁市']) {
      assert.ok(await page.locator('[data-test=assessment-counties]').getByText(name).isVisible(), name);
    }
    await page.click('[data-test=assessment-save]');
    await page.locator('[data-test=assessment-status]').waitFor();
    await page.click('[data-test=assessment-open]');
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('[data-test=assessment-status]', { hasText: '进行中' }).waitFor();
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    await page.screenshot({ path: path.join(outputDir, 'assessment-created.png'), fullPage: true });
    await page.context().close();

    // Answers in each county: 吉木萨尔县 two of two recognised, 伊宁市 one of two.
    const a = await provinceOrg.api.call('GET', `/api/assessments/${id}`);
    assert.equal(a.parts.length, 2);
    const partOf = (name) => a.parts.find((p) => p.county_name === name).round.id;
    for (const [name, options] of [
      ['吉木萨尔县', [1, 1]],
      ['伊宁市', [1, 4]],
    ]) {
      const links = await provinceOrg.api.call('GET', `/api/rounds/${partOf(name)}/links`);
      const parent = links.links.find((l) => l.group === 'parent');
      for (const o of options) await answer(server.url, parent.token, 1, o);
    }

    // The county organiser opens its part: read-only, with the reason in Chinese.
    page = await desktop(browser);
    await login(page, server.url, countyOrg.username, countyOrg.password);
    assert.equal(await page.getByRole('menuitem', { name: '上级评估' }).count(), 0, 'no assessments page for a county');
    await page.getByRole('menuitem', { name: '测评轮次' }).click();
    await page.getByText('2026年省级评估').click();
    const note = page.locator('[data-test=part-read-only]');
    await note.waitFor();
    assert.match(await note.innerText(), /新疆维吾尔自治区.*不能修改/s);
    for (const sel of ['[data-test=round-open]', '[data-test=round-edit]', '[data-test=round-close]']) {
      assert.equal(await page.locator(sel).count(), 0, sel);
    }
    await page.getByRole('tab', { name: '发放' }).click();
    await page.locator('[data-test=link-url]').first().waitFor();
    assert.equal(await page.locator('.el-switch').count(), 0, 'no switch to disable a link');
    assert.equal(await page.locator('[data-test=access-codes]').count(), 0);
    await page.screenshot({ path: path.join(outputDir, 'assessment-county-part.png'), fullPage: true });
    await page.context().close();

    // The province reviewer reads the comparison, weakest first.
    page = await desktop(browser);
    await login(page, server.url, provinceReviewer.username, provinceReviewer.password);
    await page.getByRole('menuitem', { name: '上级评估' }).click();
    assert.equal(await page.locator('[data-test=assessment-create]').count(), 0);
    await page.getByText('2026年省级评估').click();
    const table = page.locator('[data-test=comparison-table]');
    await table.locator('[data-test=county-rate]').first().waitFor();
    const rows = table.locator('.el-table__body tr.el-table__row');
    assert.match(await rows.nth(0).innerText(), /伊宁市[\s\S]*50\.0%/);
    assert.match(await rows.nth(1).innerText(), /吉木萨尔县[\s\S]*100\.0%/);
    // The region: three of four valid responses recognised.
    assert.match(await page.locator('[data-test=assessment-summary]').innerText(), /75\.0%/);
    assert.equal(await page.locator('[data-test=assessment-open]').count(), 0);
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(outputDir, 'assessment-comparison.png'), fullPage: true });

    // 县际对比: each county's latest opened round side by side, weakest first.
    await page.getByRole('menuitem', { name: '县际对比' }).click();
    const counties = page.locator('[data-test=counties-table]');
    await counties.locator('[data-test=county-rate]').first().waitFor();
    const countyRows = counties.locator('.el-table__body tr.el-table__row');
    assert.match(await countyRows.nth(0).innerText(), /伊宁市[\s\S]*2026年省级评估[\s\S]*50\.0%/);
    assert.match(await countyRows.nth(1).innerText(), /吉木萨尔县[\s\S]*100\.0%/);
    assert.match(await page.locator('[data-test=counties-summary]').innerText(), /1 \/ 2/);
    const download = page.waitForEvent('download');
    await page.click('[data-test=counties-xlsx]');
    assert.match((await download).suggestedFilename(), /comparison\.xlsx$/);
    await page.screenshot({ path: path.join(outputDir, 'counties-comparison.png'), fullPage: true });
    await page.context().close();

    // The province organiser creates a reviewer for 伊宁市 in the console: no
    // admin role offered, the region picked beneath its own node.
    page = await desktop(browser);
    await login(page, server.url, provinceOrg.username, provinceOrg.password);
    await page.getByRole('menuitem', { name: '账号管理' }).click();
    await page.click('[data-test=account-create]');
    const dialog = page.locator('.el-dialog:visible');
    assert.equal(await dialog.getByText('系统管理员').count(), 0, 'no admin role offered');
    await dialog.locator('input').first().fill('yining-reviewer');
    await dialog.getByText('评估查看', { exact: true }).click();
    await dialog.locator('[data-test=account-region]').click();
    await page.locator('.el-select-dropdown:visible').getByText('伊宁市 654002').click();
    await dialog.getByRole('button', { name: '新建', exact: true }).click();
    const shownPassword = page.locator('[data-test=one-time-password]');
    await shownPassword.waitFor();
    const yining = await Api.login(server.url, 'yining-reviewer', await shownPassword.innerText());
    const me = await yining.call('GET', '/api/auth/me');
    assert.equal(me.region_id, node('654002').id);
    assert.equal(me.role, 'reviewer');
    await page.screenshot({ path: path.join(outputDir, 'accounts-below.png'), fullPage: true });
  } finally {
    await browser.close();
    await server.stop();
  }
});
