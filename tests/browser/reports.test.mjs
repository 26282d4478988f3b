// The console's monitor and report pages in Chromium against the real binary:
// a parent answers on a phone and the organiser's monitor counts it; a
// reviewer reads a report of known answers, with the hand-computed rate,
// no editing controls, and an Excel download. Screenshots go to outputDir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer, outputDir } from './lib/server.mjs';
import { launch, phoneContext } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

mkdirSync(outputDir, { recursive: true });
// Charts animate and Element Plus fades in: let them settle before the picture.
// The console scrolls inside its main pane, so the page is pictured whole by
// growing the window to the pane's full height first.
const shot = async (page, name) => {
  await page.waitForTimeout(1200);
  const size = page.viewportSize();
  const tallest = await page.evaluate(() => Math.max(...[...document.querySelectorAll('*')].map((e) => e.scrollHeight)));
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(tallest + 80, size.height), 8000) });
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(outputDir, `console-${name}.png`), fullPage: true });
  await page.setViewportSize(size);
};

const SCHOOLS = [
  '学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数',
  '2165000001,城关第一小学,小学,城区,1200,0,80',
  '2165000002,老奇台镇中学,初中,镇区,0,640,52',
].join('\n');

async function desktop(browser) {
  // A London office PC: the pages still show Beijing time.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Europe/London', acceptDownloads: true });
  return context.newPage();
}

async function login(page, base, username, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=login-submit]');
  await page.getByRole('heading', { name: /欢迎/ }).waitFor();
}

/** A county with two schools, seeded by the admin; returns the admin's client. */
async function county(server) {
  const admin = await Api.login(server.url, 'admin', server.adminPassword);
  await admin.call('PUT', '/api/county', { name: '奇台县', admin_code: '652325', resident_population: 250000 });
  await admin.call('POST', '/api/schools/import', SCHOOLS);
  return admin;
}

/** Creates and opens a round; returns { id, links }. */
async function openRound(api, body) {
  const round = await api.call('POST', '/api/rounds', {
    purpose: 'self_assessment',
    opens_at: new Date(Date.now() - 3600e3).toISOString(),
    closes_at: new Date(Date.now() + 5 * 86400e3).toISOString(),
    ...body,
  });
  await api.call('POST', `/api/rounds/${round.id}/open`, {});
  const { links } = await api.call('GET', `/api/rounds/${round.id}/links`);
  return { id: round.id, links };
}

const linkOf = (links, group, schoolCode) =>
  links.find((l) => l.group === group && (schoolCode === undefined || l.school_code === schoolCode));

/**
 * Submits one response through the public API: `pick(k)` is the option code
 * for the k-th scored item (0-based; 1 满意, 2 比较满意, 3 一般, 4 不满意,
 * 5 不了解); background items get their first option.
 */
async function submit(base, link, pick, durationMs = 90_000) {
  const anon = new Api(base);
  const q = await anon.call('GET', `/api/public/links/${link.token}`);
  const scored = q.items.filter((i) => i.kind === 'scored');
  // The built-in 社会卷 has 14 scored items and then the overall item (总体评价,
  // read only by the overall-item formula): the hand computations below rely on it.
  assert.equal(scored.length, 15, `${link.group}: scored items`);
  assert.equal(scored[14].id, 'overall');
  let k = 0;
  const answers = q.items
    .filter((i) => i.kind !== 'text')
    .map((i) => ({ item: i.id, option: i.kind === 'scored' ? pick(k++) : i.options[0].code }));
  await anon.call('POST', `/api/public/links/${link.token}/responses`, { client_id: randomUUID(), answers, duration_ms: durationMs }, [201]);
}

test('a parent answers on a phone and the organiser’s monitor counts the response', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await county(server);
    const organiser = await admin.accountWithRole('organiser');
    const { id, links } = await openRound(organiser.api, { name: '2026年县级自评', groups: ['parent', 'teacher', 'deputy'], min_answer_seconds: 0 });
    const parents = linkOf(links, 'parent', '2165000001');

    const page = await desktop(browser);
    await login(page, server.url, organiser.username, organiser.password);
    await page.goto(`${server.url}/rounds/${id}`);
    await page.getByRole('tab', { name: '进度监测' }).click();
    await page.waitForURL(new RegExp(`/rounds/${id}/monitor$`));
    const total = page.locator('[data-test=monitor-total]');
    await total.getByText('0', { exact: true }).waitFor();
    await page.locator('[data-test=monitor-updated]').getByText(/更新于 \d\d:\d\d:\d\d/).waitFor();
    await page.locator('[data-test=timeline]').getByText('还没有答卷').waitFor();
    // 250,000 residents → at least 375 valid responses.
    await page.getByText('最低样本量 375 份').waitFor();

    // A parent opens the school's link on a phone and answers every question.
    const phone = await phoneContext(browser);
    const mobile = await phone.newPage();
    await mobile.goto(`${server.url}/s/${parents.token}`);
    await mobile.getByText('城关第一小学').first().waitFor();
    const items = mobile.locator('fieldset.q[data-kind=choice]');
    const n = await items.count();
    for (let i = 0; i < n; i++) await items.nth(i).locator('label.opt').first().click();
    await mobile.getByRole('button', { name: '提交问卷' }).click();
    await mobile.locator('#thanks').getByText('提交成功').waitFor();
    await phone.close();

    // The monitor refreshes by itself (every 15 s) and counts it.
    await total.getByText('1', { exact: true }).waitFor({ timeout: 25_000 });
    const school = page.locator('[data-test=progress-schools] .el-table__body-wrapper tr', { hasText: '城关第一小学' });
    await school.locator('[data-group=parent] [data-test=progress-count]').getByText('1', { exact: true }).waitFor();
    assert.equal(await school.locator('[data-group=teacher] [data-test=progress-count]').innerText(), '0');
    await page.locator('[data-test=progress-groups] [data-group=parent] [data-test=progress-count]').getByText('1', { exact: true }).waitFor();
    await page.locator('[data-test=parent-share]').getByText('100.0%').waitFor();
    // One response, valid: 100% of questionnaires valid (at least 70% wanted).
    await page.locator('[data-test=valid-share]').getByText('100.0%').waitFor();
    assert.equal(await page.locator('[data-test=valid-share-warning]').count(), 0);
    // Targets by grade band, and where each sampling rule comes from.
    await page.locator('[data-test=progress-bands]').getByText('小学').first().waitFor();
    await page.locator('[data-test=plan-rules]').getByText(/有效问卷不少于70%.*沿用基本均衡规则/).waitFor();
    assert.ok((await page.locator('[data-test=timeline] canvas').count()) >= 1, 'the time chart is drawn');

    // The refresh button fetches at once.
    await page.click('[data-test=monitor-refresh]');
    await total.getByText('1', { exact: true }).waitFor();
    await shot(page, 'monitor');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('a reviewer reads the report of known answers and downloads it, without editing controls', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await county(server);
    const organiser = (await admin.accountWithRole('organiser')).api;
    const all = () => 1;
    // An earlier round where every parent was 满意: 100%.
    const earlier = await openRound(organiser, {
      name: '2026年县级自评',
      groups: ['parent'],
      opens_at: new Date(Date.now() - 2 * 86400e3).toISOString(),
    });
    await submit(server.url, linkOf(earlier.links, 'parent', '2165000001'), all);
    await submit(server.url, linkOf(earlier.links, 'parent', '2165000002'), all);

    const { id, links } = await openRound(organiser, {
      name: '2026年市级复核',
      purpose: 'prefecture_review',
      groups: ['parent', 'deputy'],
      min_answer_seconds: 30,
    });
    const p1 = linkOf(links, 'parent', '2165000001');
    const p2 = linkOf(links, 'parent', '2165000002');
    const deputies = linkOf(links, 'deputy');
    // r = recognised (满意, 比较满意) ÷ scored answers, per respondent:
    await submit(server.url, p1, all); //                      A 14/14 = 1
    await submit(server.url, p1, (k) => (k < 10 ? 1 : 3)); //  B 10/14
    await submit(server.url, p1, () => 4); //                  C 0/14
    await submit(server.url, p1, all, 5_000); //               D answered in 5 s: invalid (too fast)
    await submit(server.url, p2, () => 2); //                  E 14/14 = 1
    await submit(server.url, p2, all); //                      F 1
    await submit(server.url, deputies, () => 3); //            G 一般 throughout: 0
    // County: mean of r over the 6 valid responses = (1 + 10/14 + 0 + 1 + 1 + 0) / 6
    //       = (3 + 5/7) / 6 = 13/21 = 61.90…% → "61.9%".
    // Parents: (3 + 5/7) / 5 = 26/35 = 74.29…% → "74.3%"; deputies 0.0%.
    const expected = { county: '61.9%', parents: '74.3%', deputies: '0.0%' };
    assert.equal(((13 / 21) * 100).toFixed(1) + '%', expected.county);

    const reviewer = await admin.accountWithRole('reviewer');
    const page = await desktop(browser);
    await login(page, server.url, reviewer.username, reviewer.password);
    await page.goto(`${server.url}/rounds/${id}`);
    await page.getByRole('tab', { name: '统计报告' }).click();
    await page.waitForURL(new RegExp(`/rounds/${id}/report$`));

    const rate = page.locator('[data-test=county-rate]');
    await rate.waitFor();
    assert.equal(await rate.innerText(), expected.county);
    assert.equal(await page.locator('[data-test=county-n]').innerText(), '6');
    const api = await Api.login(server.url, reviewer.username, reviewer.password);
    const report = await api.call('GET', `/api/rounds/${id}/report`);
    assert.ok(Math.abs(report.overall.rate - 13 / 21) < 1e-9, 'the API agrees with the hand computation');
    const verdicts = { pass: '达标', fail: '未达标', no_data: '暂无有效问卷' };
    assert.equal(await page.locator('[data-test=verdict]').innerText(), verdicts[report.overall.verdict]);
    // 61.9% of 6: the interval still reaches 85%, and the note under the verdict says so.
    assert.ok(report.overall.precision_note.startsWith('按95%置信区间仍可能达到85%'), report.overall.precision_note);
    assert.equal(await page.locator('[data-test=precision-note]').innerText(), report.overall.precision_note);
    // The sensitivity table: the round's rule first and marked, then every
    // other formula and reading for the same responses.
    const rules = page.locator('[data-test=sensitivity-table] .el-table__body-wrapper tr');
    assert.equal(await rules.count(), 7);
    assert.equal(await rules.nth(0).locator('[data-test=sensitivity-rate]').innerText(), expected.county);
    await rules.nth(0).locator('[data-test=sensitivity-headline]').waitFor();
    assert.equal(await page.locator('[data-test=sensitivity-headline]').count(), 1);
    // 一般 recognised: A, B, E, F and G 1, C 0 → 5/6 = 83.3%, still below 85%.
    await page.locator('[data-test=sensitivity-sentence]').getByText('若“一般”计入认可：83.3%').waitFor();
    const loose = rules.filter({ hasText: '按人计认可比例（“一般”计入认可）' });
    assert.equal(await loose.locator('[data-test=sensitivity-rate]').innerText(), '83.3%');
    await loose.getByText('未达标').waitFor();
    if (report.purpose.official_note) {
      assert.equal(await page.locator('[data-test=official-note]').innerText(), report.purpose.official_note);
    }
    await page.locator('[data-test=rule-words]').getByText('认可').first().waitFor();
    const groupRow = (label) => page.locator('[data-test=group-table] .el-table__body-wrapper tr', { hasText: label });
    assert.equal(await groupRow('家长').locator('[data-test=rate-cell]').innerText(), expected.parents);
    assert.equal(await groupRow('人大代表').locator('[data-test=rate-cell]').innerText(), expected.deputies);
    // Every rate here is from a small sample, and says so.
    assert.ok((await page.locator('[data-test=small-n]').count()) >= 2);
    // The too-fast response is counted, by reason, apart from the rates.
    await page.locator('[data-test=invalid-reasons]').getByText('答题过快：1').waitFor();
    await page.locator('[data-test=integrity-note]').getByText('不改变任何认可率').waitFor();
    // Identical answers source by source, each its own signal; here phone answers only.
    const sources = page.locator('[data-test=integrity-sources] .el-table__body-wrapper tr');
    assert.equal(await sources.count(), 3);
    for (const label of ['手机扫码填写', '纸质问卷（录入）', '现场访谈']) await sources.getByText(label).waitFor();
    await page.locator('[data-test=paper-clerks]').getByText('本轮还没有录入纸质问卷').waitFor();
    // Item rates grouped by the inspection's content areas.
    await page.locator('[data-test=area-table] [data-area=教育公平]').waitFor();
    await page.locator('[data-test=area-table] [data-area=减轻过重课业负担]').waitFor();
    for (const chart of ['gauge', 'school-chart', 'heatmap', 'item-chart']) {
      // ECharts may add layers (canvases) of its own: at least one.
      assert.ok((await page.locator(`[data-test=${chart}] canvas`).count()) >= 1, `${chart} is drawn`);
    }

    // Reports and exports only: nothing that opens, closes, deletes or edits.
    for (const sel of ['[data-test=round-open]', '[data-test=round-close]', '[data-test=round-edit]']) {
      assert.equal(await page.locator(sel).count(), 0, sel);
    }
    for (const name of ['开启调查', '结束调查', '删除', '编辑', '保存']) {
      assert.equal(await page.getByRole('button', { name }).count(), 0, name);
    }
    assert.equal(await page.getByRole('tab', { name: '发放' }).count(), 0);

    // Side by side with the earlier round: 100% → 61.9%, −38.1 points.
    await page.click('[data-test=compare-pick]');
    await page.getByRole('option', { name: /2026年县级自评/ }).click();
    const overallRow = page.locator('[data-test=compare-table] .el-table__body-wrapper tr', { hasText: '全县' });
    await overallRow.getByText('−38.1').waitFor();
    await overallRow.getByText('100.0%').waitFor();
    await shot(page, 'report');

    // The Excel report downloads with the session cookie.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-report-xlsx]')]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX is a ZIP');
    assert.ok(bytes.length > 2000, `${bytes.length} bytes`);
    for (const e of ['report-csv', 'responses-csv', 'responses-xlsx']) {
      assert.equal(await page.locator(`[data-test=export-${e}]`).getAttribute('href'), `/api/rounds/${id}/exports/${e.replace('-', '.')}`);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});
