// One school's data in the readiness page's form (填报一所学校), in Chromium
// against the real binary: the API's messages appear beside the grade and
// the field they name, a saved per-grade count shows in the checklist's
// class-size line with the numbers it came from, and the change from the
// 学年 before follows the saved figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, outputDir } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

mkdirSync(outputDir, { recursive: true });

const SCHOOLS = [
  '学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数',
  '2165000001,城关一小,小学,城区,181,0,30',
].join('\n');

const FIGURES_2024 = [
  '学校标识码,学校名称,是否教学点,所属学校标识码,小学在校生数,小学高于规定学历教师数,小学县级以上骨干教师数,小学体育艺术专任教师数,初中在校生数,初中高于规定学历教师数,初中县级以上骨干教师数,初中体育艺术专任教师数,高中在校生数,教学及辅助用房面积（平方米）,体育运动场馆面积（平方米）,教学仪器设备值（元）,网络多媒体教室数（间）',
  '2165000001,城关一小,否,,175,10,2,2,,,,,,800,1300,350000,5',
].join('\n');

test('an organiser fills one school in the form and reads the class-size gap', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await Api.login(server.url, 'admin', server.adminPassword);
    const organiser = await admin.accountWithRole('organiser');
    await organiser.api.call('PUT', '/api/county', { name: '示例县', admin_code: '652325', resident_population: 250000 });
    await organiser.api.call('POST', '/api/schools/import', SCHOOLS);
    // The year before, kept: the page shows the change from it.
    await organiser.api.call('POST', '/api/readiness/years/2024-2025/import', FIGURES_2024);
    await organiser.api.call('POST', '/api/readiness/years/2025-2026/import', FIGURES_2024);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', organiser.username);
    await page.fill('input[name=password]', organiser.password);
    await page.click('[data-test=login-submit]');
    await page.getByRole('menuitem', { name: '迎检准备' }).click();
    // The newest 学年 is shown, with the change from the year before.
    await page.locator('[data-test=readiness-change]').getByText('小学达到学校要求的学校：1/1所→1/1所').waitFor();
    await page.click('[data-test=school-facts-open]');
    const form = page.locator('[data-test=school-facts-form]');
    await form.waitFor();
    const fill = async (name, value) => {
      const input = page.locator(`[data-test=${name}] input`);
      await input.fill(String(value));
      await input.press('Tab');
    };
    // Resource figures with more qualified teachers than students, and a
    // grade with students but no classes: both refused, each by its field.
    await fill('sf-p_students', 181);
    await fill('sf-p_qualified', 200);
    await fill('sf-teaching_area', 900);
    await fill('sf-g1-students', 90);
    await fill('sf-g1-classes', 2);
    await fill('sf-g3-students', 91);
    await page.click('[data-test=school-facts-save]');
    await page.locator('[data-test=sf-g3-error]').getByText('三年级有学生91人，班级数须大于0').waitFor();
    await page.locator('[data-test=sf-p_qualified]').getByText(/小学高于规定学历教师数（200）多于小学在校生数/).waitFor();

    // Fixed: saved, and the checklist's 班额 line reads the grade's gap.
    await fill('sf-p_qualified', 12);
    await fill('sf-g3-classes', 2);
    await page.click('[data-test=school-facts-save]');
    await form.waitFor({ state: 'hidden' });
    const status = page.locator('[data-test=status-g5]');
    await status.getByText('未达标').waitFor();
    await page.locator('[data-test=part-guarantee]').getByText('城关一小：三年级平均班额45.5人（91人/2个班），超过45人；须至少分3个班（增加1个）').first().waitFor();

    // The change from the year before, under the indicators.
    const change = page.locator('[data-test=readiness-change]');
    await change.getByText('与2024-2025学年相比（2025-2026学年）').waitFor();
    await change.getByText(/资源配置：/).waitFor();
    await change.getByText('小学达到学校要求的学校：1/1所→0/1所').waitFor();

    // Stored through the API as entered.
    const years = await organiser.api.call('GET', '/api/readiness/years');
    assert.deepEqual(years, ['2025-2026', '2024-2025']);
    const facts = await organiser.api.call('GET', `/api/readiness/years/${years[0]}/facts`);
    assert.deepEqual(
      facts[0].facts.grades.map((g) => [g.grade, g.students, g.classes]),
      [
        [1, 90, 2],
        [3, 91, 2],
      ],
    );
    const entries = await organiser.api.call('GET', `/api/readiness/years/${years[0]}/entries`);
    assert.equal(entries[0].figures.primary.qualified_teachers, 12);
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
