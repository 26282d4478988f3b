// The web console in Chromium against the real binary: an organiser's whole
// setup through the UI, a reviewer's read-only view, Chinese error messages,
// and the English switch. Screenshots of the main pages go to outputDir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, outputDir, binary } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

mkdirSync(outputDir, { recursive: true });
// Element Plus tags and messages fade in: let them settle before the picture.
const shot = async (page, name) => {
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(outputDir, `console-${name}.png`), fullPage: true });
};

const HEADER = '学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数';
const GOOD_CSV = [
  HEADER,
  '2165000001,城关第一小学,小学,城区,1200,0,80',
  '2165000002,老奇台镇中学,初中,镇区,0,640,52',
  '2165000003,半截沟镇九年一贯制学校,九年一贯制,乡村,310,190,36',
].join('\n');
// Line 3 has a nine-digit code and an unknown location.
const BAD_CSV = [HEADER, '2165000001,城关第一小学,小学,城区,1200,0,80', '216500002,坎儿孜小学,小学,山区,300,0,20'].join('\n');

async function desktop(browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Europe/London' });
  return context.newPage();
}

async function login(page, base, username, password) {
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=login-submit]');
}

async function importFile(page, name, text) {
  await page.click('[data-test=schools-import]');
  const dialog = page.locator('.el-dialog:visible');
  await dialog.locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await dialog.locator('[data-test=import-submit]').click();
}

async function confirmBox(page) {
  await page.locator('.el-message-box__btns .el-button--primary').click();
}

test('an organiser imports schools, creates and opens a round, and sees its links', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await Api.login(server.url, 'admin', server.adminPassword);
    const organiser = await admin.accountWithRole('organiser');
    const page = await desktop(browser);

    // A wrong password gets the API's Chinese message.
    await login(page, server.url, organiser.username, 'not the password');
    await page.getByText('用户名或密码错误').waitFor();
    await shot(page, 'login-error');

    await login(page, server.url, organiser.username, organiser.password);
    await page.getByRole('heading', { name: /欢迎/ }).waitFor();
    await shot(page, 'overview-empty');

    // Schools: a bad file is refused row by row, in Chinese; a good one imports.
    await page.getByRole('menuitem', { name: '学校管理' }).click();
    await page.getByText('还没有学校').waitFor();
    await importFile(page, 'bad.csv', BAD_CSV);
    const errors = page.locator('[data-test=import-errors]');
    await errors.getByText('导入失败').waitFor();
    await errors.getByText('学校标识码必须是10位数字').waitFor();
    await errors.getByText('所在地无效').waitFor();
    assert.equal(await errors.locator('.el-table__row').first().locator('td').first().innerText(), '3');
    await shot(page, 'schools-import-error');
    await page.locator('.el-dialog:visible').getByRole('button', { name: '取消' }).click();

    await importFile(page, 'schools.csv', GOOD_CSV);
    await page.getByText('导入成功：新增 3 所，更新 0 所').waitFor();
    const rows = page.locator('[data-test=schools-table] .el-table__body-wrapper tr');
    await page.waitForFunction(() => document.querySelectorAll('[data-test=schools-table] .el-table__body-wrapper tr').length === 3);
    assert.equal(await rows.count(), 3);
    await page.fill('[data-test=schools-search]', '镇');
    await page.waitForFunction(() => document.querySelectorAll('[data-test=schools-table] .el-table__body-wrapper tr').length === 2);
    await page.fill('[data-test=schools-search]', '');
    await shot(page, 'schools');

    // Add a school by hand: a taken code gets the API's message, a new one saves.
    await page.click('[data-test=schools-add]');
    const form = page.locator('.el-dialog:visible');
    const inputs = form.locator('input.el-input__inner');
    await inputs.nth(0).fill('2165000001');
    await inputs.nth(1).fill('东湾镇中心小学');
    await form.locator('[data-test=school-save]').click();
    await form.getByText('学校标识码2165000001已存在').waitFor();
    await shot(page, 'school-dialog-error');
    await inputs.nth(0).fill('2165000004');
    await form.locator('[data-test=school-save]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-test=schools-table] .el-table__body-wrapper tr').length === 4);

    // The wizard: parents and teachers of every school.
    await page.getByRole('menuitem', { name: '测评轮次' }).click();
    await page.click('[data-test=round-create]');
    await page.fill('[data-test=round-name]', '2026年县级自评');
    await shot(page, 'wizard-basics');
    await page.click('[data-test=wizard-next]');
    for (const g of ['student', 'principal']) await page.click(`[data-group=${g}]`);
    await shot(page, 'wizard-groups');
    await page.click('[data-test=wizard-next]');
    await page.click('[data-test=wizard-next]');
    // The rules: the published 基本满意 scale, by answers.
    const basic = '满意／比较满意／基本满意／不满意／不了解';
    await page.locator('[data-test=wizard-scale]').getByText(basic).click();
    await page.locator('label', { hasText: '按答案计认可比例' }).first().click();
    await shot(page, 'wizard-rules');
    await page.click('[data-test=wizard-next]');
    await page.getByText('家长').first().waitFor();
    await page.getByText(basic).first().waitFor();
    await shot(page, 'wizard-review');
    await page.click('[data-test=wizard-submit]');
    await page.waitForURL(/\/rounds\/\d+$/);
    await page.locator('[data-test=round-status]').getByText('草稿').waitFor();
    const roundId = Number(new URL(page.url()).pathname.split('/').pop());
    const organiserApi = await Api.login(server.url, organiser.username, organiser.password);
    const made = await organiserApi.call('GET', `/api/rounds/${roundId}`);
    assert.equal(made.scoring_rule.scale, 'five_basic');
    assert.equal(made.scoring_rule.formula, 'answer_share');
    assert.equal(made.scoring_rule.reading, 'strict');

    // The questionnaire is editable while draft.
    await page.getByRole('tab', { name: '问卷' }).click();
    await page.locator('[data-test=questionnaire-preview]').waitFor();
    assert.ok(await page.locator('[data-test=questionnaire-edit]').isVisible());
    await shot(page, 'questionnaire-draft');

    // Edit it: an empty stem is refused with the API's list; a real change saves.
    await page.click('[data-test=questionnaire-edit]');
    const stems = page.locator('[data-test=questionnaire-editor] textarea');
    await stems.nth(2).fill('');
    await page.click('[data-test=questionnaire-save]');
    await page.locator('[data-test=error-alert]').getByText('题干不能为空').waitFor();
    await shot(page, 'questionnaire-editor-error');
    const stem = '您对本县推进义务教育优质均衡发展的总体情况是否满意？';
    await stems.nth(2).fill(stem);
    // The first scored item becomes diagnostic (its own rate, not in the rate).
    await page.locator('[data-test=item-diagnostic]').first().click();
    await page.click('[data-test=questionnaire-save]');
    await page.locator('[data-test=questionnaire-preview]').getByText(stem).waitFor();
    const saved = await organiserApi.call('GET', `/api/rounds/${roundId}/questionnaires/parent`);
    const scoredItems = saved.items.filter((i) => i.kind === 'scored');
    assert.equal(scoredItems[0].diagnostic, true);
    assert.equal(scoredItems.filter((i) => i.diagnostic).length, 1);
    assert.deepEqual(scoredItems[1].options.map((o) => o.label), ['满意', '比较满意', '基本满意', '不满意', '不了解']);

    // Open it, after a confirmation that says what freezes.
    await page.click('[data-test=round-open]');
    await page.getByText('问卷、参评学校和计分规则将被冻结').waitFor();
    await confirmBox(page);
    await page.locator('[data-test=round-status]').getByText('进行中').waitFor();
    await page.getByText('问卷已冻结，只能查看').waitFor();
    assert.equal(await page.locator('[data-test=questionnaire-edit]').count(), 0);
    await shot(page, 'questionnaire-locked');

    // Distribution: a link per school and group, the copy button, and the
    // warning that phones cannot reach a server without RENKE_PUBLIC_URL.
    await page.getByRole('tab', { name: '发放' }).click();
    await page.locator('[data-test=public-url-warning]').getByText('手机无法打开这些链接').waitFor();
    const urls = page.locator('[data-test=link-url]');
    await page.waitForFunction(() => document.querySelectorAll('[data-test=link-url]').length === 8);
    const first = await urls.first().innerText();
    assert.match(first, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/s/[A-Za-z0-9_-]{22}$`));
    await page.locator('[data-test=link-copy]').first().click();
    await page.getByText('已复制').waitFor();
    // Each link shows the server's QR code (loaded with the session cookie),
    // and the poster and ZIP downloads are offered.
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll('img[data-test=link-qr]')];
      return imgs.length === 8 && imgs.every((i) => i.complete && i.naturalWidth >= 100);
    });
    assert.equal(await page.locator('[data-test=posters]').count(), 1);
    assert.equal(await page.locator('[data-test=qr-zip]').count(), 1);
    await shot(page, 'distribution');

    // One-time access codes for a link: made and shown once, counted; the
    // slips page prints new ones in a tab of its own.
    await page.locator('[data-test=access-codes]').first().click();
    const dialog = page.locator('[data-test=access-codes-dialog]');
    await dialog.getByText('已生成 0 个，已使用 0 个，未使用 0 个').waitFor();
    await dialog.locator('[data-test=access-code-count] input').fill('3');
    await dialog.locator('[data-test=access-codes-generate]').click();
    await page.getByText('已生成 3 个访问码').waitFor();
    const codes = (await dialog.locator('[data-test=access-codes-list] span').allInnerTexts()).map((c) => c.trim());
    assert.equal(codes.length, 3);
    for (const c of codes) assert.match(c, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    await dialog.getByText('已生成 3 个，已使用 0 个，未使用 3 个').waitFor();
    await shot(page, 'access-codes');
    const [slips] = await Promise.all([
      page.context().waitForEvent('page'),
      dialog.locator('[data-test=access-codes-slips]').click(),
    ]);
    await slips.waitForLoadState();
    const slipText = await slips.locator('body').innerText();
    assert.equal((slipText.match(/\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b/g) ?? []).length, 3, slipText);
    await slips.close();
    await dialog.getByText('已生成 6 个，已使用 0 个，未使用 6 个').waitFor();
    await page.keyboard.press('Escape');

    // The round overview states the rule in words: the formula and scale chosen.
    await page.getByRole('tab', { name: '概况' }).click();
    await page.getByText('认可率 = 全部有效问卷的“认可”答案总数').waitFor();
    await page.getByText('计为认可：满意、比较满意（“基本满意”不计入认可，从严）').waitFor();
    await shot(page, 'round-overview');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('a reviewer sees no editing controls', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await Api.login(server.url, 'admin', server.adminPassword);
    await admin.call('PUT', '/api/county', { name: '奇台县', admin_code: '652325', resident_population: 250000 });
    await admin.call('POST', '/api/schools/import', GOOD_CSV);
    const round = await admin.call('POST', '/api/rounds', {
      name: '2026年市级复核',
      purpose: 'prefecture_review',
      opens_at: new Date(Date.now() - 3600e3).toISOString(),
      closes_at: new Date(Date.now() + 5 * 86400e3).toISOString(),
      groups: ['parent', 'teacher', 'deputy'],
    });
    const reviewer = await admin.accountWithRole('reviewer');
    const page = await desktop(browser);
    await login(page, server.url, reviewer.username, reviewer.password);
    await page.getByRole('heading', { name: /欢迎/ }).waitFor();
    assert.equal(await page.getByRole('menuitem', { name: '账号管理' }).count(), 0);
    await shot(page, 'reviewer-overview');

    await page.getByRole('menuitem', { name: '学校管理' }).click();
    await page.getByText('城关第一小学').waitFor();
    for (const sel of ['[data-test=schools-add]', '[data-test=schools-import]']) assert.equal(await page.locator(sel).count(), 0);
    assert.equal(await page.getByRole('button', { name: '编辑' }).count(), 0);

    await page.getByRole('menuitem', { name: '县情信息' }).click();
    await page.locator('[data-test=county-name]').waitFor();
    assert.ok(await page.locator('[data-test=county-name]').isDisabled());
    assert.equal(await page.locator('[data-test=county-save]').count(), 0);

    await page.getByRole('menuitem', { name: '测评轮次' }).click();
    await page.getByText('2026年市级复核').waitFor();
    assert.equal(await page.locator('[data-test=round-create]').count(), 0);
    await page.goto(`${server.url}/rounds/${round.id}`);
    await page.locator('[data-test=round-status]').waitFor();
    for (const sel of ['[data-test=round-open]', '[data-test=round-edit]', '[data-test=round-close]']) {
      assert.equal(await page.locator(sel).count(), 0, sel);
    }
    assert.equal(await page.getByRole('tab', { name: '发放' }).count(), 0);
    await page.getByRole('tab', { name: '问卷' }).click();
    await page.locator('[data-test=questionnaire-preview]').waitFor();
    assert.equal(await page.locator('[data-test=questionnaire-edit]').count(), 0);
    await shot(page, 'reviewer-round');

    // Typing an organiser's address does not get past the router.
    await page.goto(`${server.url}/rounds/new`);
    await page.getByRole('heading', { name: /欢迎/ }).waitFor();
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('the console switches to English and back, and an admin manages accounts', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await desktop(browser);
    await page.goto(`${server.url}/login`);
    await page.click('[data-test=language-switch]');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', server.adminPassword);
    await page.click('[data-test=login-submit]');
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    assert.ok(await page.getByRole('menuitem', { name: 'Schools' }).isVisible());
    await shot(page, 'english-overview');

    await page.getByRole('menuitem', { name: 'Accounts' }).click();
    await page.click('[data-test=account-create]');
    const dialog = page.locator('.el-dialog:visible');
    await dialog.locator('input').first().fill('wangwu');
    await dialog.getByRole('button', { name: 'New' }).click();
    await page.locator('[data-test=one-time-password]').waitFor();
    assert.match(await page.locator('[data-test=one-time-password]').innerText(), /^\S{16}$/);
    await page.locator('.el-dialog:visible').getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText('wangwu').first().waitFor();
    await shot(page, 'english-accounts');

    await page.click('[data-test=language-switch]');
    await page.getByRole('heading', { name: '账号与角色' }).waitFor();
    await shot(page, 'accounts');

    // Changing one's password ends every session; the new one logs in.
    await page.click('[data-test=account-menu]');
    await page.getByText('修改密码').click();
    const pw = page.locator('.el-dialog:visible input[type=password]');
    await pw.nth(0).fill(server.adminPassword);
    await pw.nth(1).fill('a new long password');
    await pw.nth(2).fill('a new long password');
    await page.locator('.el-dialog:visible').getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'a new long password');
    await page.click('[data-test=login-submit]');
    await page.getByRole('heading', { name: /欢迎/ }).waitFor();

    // Logging out through the account menu ends the session.
    await page.click('[data-test=account-menu]');
    await page.click('[data-test=logout]');
    await page.waitForURL(/\/login/);
    await page.goto(`${server.url}/schools`);
    await page.waitForURL(/\/login/);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('renke demo fills a database the console shows at once', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'renke-demo-'));
  const databaseUrl = `sqlite://${dir}/demo.db`;
  const out = execFileSync(binary, ['demo'], {
    env: { ...process.env, RENKE_DATABASE_URL: databaseUrl, RENKE_LOG_FORMAT: 'json' },
    encoding: 'utf8',
  });
  const password = /用户名：demo\n密码：(\S+)/.exec(out)?.[1];
  assert.ok(password, out);
  assert.match(out, /学校 26 所/);
  const server = await startServer({ RENKE_DATABASE_URL: databaseUrl });
  const browser = await launch();
  try {
    const page = await desktop(browser);
    await login(page, server.url, 'demo', password);
    await page.locator('[data-test=overview-county]').getByText('云溪县').waitFor();
    await shot(page, 'demo-overview');
    await page.getByRole('menuitem', { name: '测评轮次' }).click();
    await page.getByText('2026年县级自评（演示）').click();
    await page.locator('[data-test=round-status]').getByText('进行中').waitFor();
    await page.getByRole('tab', { name: '发放' }).click();
    // 26 schools × 4 school-bound groups + 3 county-level links.
    await page.getByText('共 107 个链接').waitFor();
    await shot(page, 'demo-distribution');
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
