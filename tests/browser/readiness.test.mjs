// Inspection readiness (迎检准备) in Chromium against the real binary: an
// organiser imports a county's resource data on the readiness page, a bad
// file is refused row by row, and the page names the failing school and
// reads its gap in Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, outputDir } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

mkdirSync(outputDir, { recursive: true });

const SCHOOLS = [
  '学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数',
  '2165000001,城关一小,小学,城区,500,0,30',
  '2165000002,城关二小,小学,城区,200,0,12',
  '2165000003,河坝学校,九年一贯制,乡村,300,200,35',
].join('\n');

const HEADER =
  '学校标识码,学校名称,是否教学点,所属学校标识码,小学在校生数,小学高于规定学历教师数,小学县级以上骨干教师数,小学体育艺术专任教师数,初中在校生数,初中高于规定学历教师数,初中县级以上骨干教师数,初中体育艺术专任教师数,高中在校生数,教学及辅助用房面积（平方米）,体育运动场馆面积（平方米）,教学仪器设备值（元）,网络多媒体教室数（间）';
const GOOD = [
  HEADER,
  '2165000001,城关一小,否,,500,25,5,5,,,,,,2500,4000,1100000,12',
  '2165000002,城关二小,否,,200,10,1,2,,,,,,1000,1000,400000,5',
  '2165000003,河坝学校,否,,300,15,4,3,200,12,2,2,,5200,7000,1300000,12',
].join('\n');
// Line 3 names a school that is not on the list.
const BAD = [HEADER, '2165000001,城关一小,否,,500,25,5,5,,,,,,2500,4000,1100000,12', '2165009999,无此校,否,,100,5,1,1,,,,,,500,800,200000,3'].join('\n');

test('an organiser imports resource data and reads the failing school and its gap', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await Api.login(server.url, 'admin', server.adminPassword);
    const organiser = await admin.accountWithRole('organiser');
    await organiser.api.call('PUT', '/api/county', { name: '示例县', admin_code: '652325', resident_population: 250000 });
    await organiser.api.call('POST', '/api/schools/import', SCHOOLS);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', organiser.username);
    await page.fill('input[name=password]', organiser.password);
    await page.click('[data-test=login-submit]');
    await page.getByRole('menuitem', { name: '迎检准备' }).click();
    await page.getByText('还没有资源配置数据').waitFor();

    const upload = page.locator('[data-test=readiness-import] input[type=file]');
    await upload.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
    const errors = page.locator('[data-test=readiness-import-errors]');
    await errors.getByText('导入失败').waitFor();
    await errors.getByText(/第3行：学校标识码2165009999不在学校名单中/).waitFor();

    await upload.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD) });
    const improve = page.locator('[data-test=readiness-improve]');
    const failing = improve.locator('[data-test="improve-城关二小"]');
    await failing.waitFor();
    const text = await failing.innerText();
    assert.match(text, /未达到学校要求/);
    assert.match(text, /生均体育运动场馆面积还差275平方米达到标准的85%，差500平方米达到标准/);
    await page.locator('[data-test=glance-resource]').getByText('未达标').first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(outputDir, 'readiness.png'), fullPage: true });

    // What-if: 1500 m² of sport area for 城关二小 lifts it one indicator.
    await page.locator('[data-test=what-if-school]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '城关二小' }).click();
    await page.locator('[data-test=what-if-value] input').fill('1500');
    await page.locator('[data-test=what-if-run]').click();
    await page.locator('[data-test=what-if-out]').getByText('城关二小（小学）达标项 5 → 6').waitFor();

    // The checklist: 特殊教育学校生均公用经费 entered below 6000 元 with a
    // PDF as evidence; the overview then says 政府保障程度 fails and by how much.
    const checklist = page.locator('[data-test=readiness-checklist]');
    await checklist.locator('[data-test=fill-g7]').click();
    const form = page.locator('[data-test=check-form]');
    await form.locator('[data-test=check-value1] input').fill('5800');
    await form.locator('[data-test=check-note]').fill('2025年度决算');
    await page.locator('[data-test=check-save]').click();
    await checklist.locator('[data-test=status-g7]').getByText('未达标').waitFor();
    await checklist.getByText('特殊教育学校生均公用经费为5800元，还差200元').first().waitFor();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    await checklist.locator('[data-test=upload-g7] input[type=file]').setInputFiles({ name: '决算.pdf', mimeType: 'application/pdf', buffer: pdf });
    await checklist.locator('[data-test=evidence-g7]').getByText('决算.pdf').waitFor();
    const guarantee = page.locator('[data-test=glance-guarantee]');
    await guarantee.getByText('未达标').first().waitFor();
    await guarantee.getByText(/第7项：特殊教育学校生均公用经费为5800元，还差200元/).waitFor();

    // The printable A4 summary, opened from the page.
    const [summary] = await Promise.all([
      context.waitForEvent('page'),
      page.locator('[data-test=readiness-summary-page]').click(),
    ]);
    await summary.waitForLoadState();
    const html = await summary.content();
    assert.match(html, /示例县义务教育优质均衡发展迎检准备汇总/);
    assert.match(html, /@page\{size:A4/);
    assert.match(html, /还差200元/);
    assert.match(html, /城关二小/);
    await summary.screenshot({ path: path.join(outputDir, 'readiness-summary.png'), fullPage: true });
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
