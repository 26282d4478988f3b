// The interviewer's page in English: the switch (remembered on the device)
// turns the fixed texts to English; the questionnaire follows when the
// round has an English translation, else it stays in Chinese with a note.
// Offline saving and the upload work the same in English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, outputDir } from './lib/server.mjs';
import { launch, phoneContext } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

const SCHOOLS = [
  '学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数',
  '2165000001,松林乡中心小学,小学,乡村,300,0,20',
].join('\n');

const cell = (text) => `"${String(text).replace(/"/g, '""')}"`;

async function openRound(admin, name, english) {
  const round = await admin.call('POST', '/api/rounds', {
    name, purpose: 'self_assessment', groups: ['parent'], min_answer_seconds: 0,
    opens_at: new Date(Date.now() - 3600e3).toISOString(),
    closes_at: new Date(Date.now() + 5 * 86400e3).toISOString(),
  });
  if (english) {
    // Test data, not an official translation: "EN " before the Chinese.
    await admin.call('PUT', `/api/rounds/${round.id}/languages`, { languages: ['en'] });
    const q = await admin.call('GET', `/api/rounds/${round.id}/questionnaires/parent`);
    const rows = ['键 key,中文原文 zh,en'];
    const add = (key, zh) => rows.push(`${key},${cell(zh)},${cell(`EN ${zh}`)}`);
    add('parent/title', q.title);
    if (q.intro.trim()) add('parent/intro', q.intro);
    for (const item of q.items) {
      add(`parent/${item.id}`, item.text);
      for (const o of item.options ?? []) add(`parent/${item.id}/${o.code}`, o.label);
    }
    const langs = await admin.call('POST', `/api/rounds/${round.id}/translations`, rows.join('\n') + '\n');
    assert.equal(langs.languages[0].complete, true);
  }
  await admin.call('POST', `/api/rounds/${round.id}/open`, {});
  const { links } = await admin.call('GET', `/api/rounds/${round.id}/links`);
  return { round, link: links.find((l) => l.group === 'parent') };
}

/** Taps through one interview (the first option everywhere); returns the item texts seen. */
async function interview(page, linkValue) {
  await page.selectOption('#link', linkValue);
  await page.click('#start');
  const seen = [];
  await page.click('#begin');
  for (let guard = 0; guard < 200; guard += 1) {
    if (await page.locator('#save').count()) break;
    const progress = await page.locator('#progress').innerText();
    seen.push(await page.locator('#item-text').innerText());
    if (await page.locator('#next').count()) await page.click('#next');
    else await page.click('.options button[data-code="1"]');
    await page.waitForFunction((p) => {
      const el = document.getElementById('progress');
      return !el || el.textContent !== p;
    }, progress);
  }
  await page.click('#save');
  return seen;
}

async function countIs(page, id, n) {
  await page.waitForFunction(([id, n]) => document.getElementById(id)?.textContent === String(n), [id, n]);
}

test('the interviewer switches to English, works offline and uploads; the questionnaire follows the round', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await Api.login(server.url, 'admin', server.adminPassword);
    await admin.call('PUT', '/api/county', { name: '奇台县', admin_code: '652325', resident_population: 250000 });
    await admin.call('POST', '/api/schools/import', SCHOOLS);
    const bilingual = await openRound(admin, '2026年县级自评（双语）', true);
    const chinese = await openRound(admin, '2026年州级复核', false);
    const made = await admin.call('POST', `/api/rounds/${bilingual.round.id}/interviewers`,
      { username: 'fangtan-en', display_name: '访谈员', link_ids: [bilingual.link.id] }, [201]);
    await admin.call('PUT', `/api/rounds/${chinese.round.id}/interviewers/${made.interviewer.id}`,
      { link_ids: [chinese.link.id] });
    const count = () => Number(server.sql("SELECT COUNT(*) FROM responses WHERE collection_mode = 'interview'"));

    const context = await phoneContext(browser);
    let page = await context.newPage();
    await page.goto(`${server.url}/interview/`);
    // Chinese by default; the switch turns the sign-in page to English.
    assert.equal(await page.locator('h1').innerText(), '访谈员登录');
    await page.click('#lang');
    assert.equal(await page.locator('h1').innerText(), 'Interviewer sign-in');
    assert.equal(await page.locator('#login').innerText(), 'Sign in and download questionnaires');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.fill('#username', 'fangtan-en');
    await page.fill('#password', made.password);
    await page.click('#login');
    await page.locator('#start').waitFor();
    assert.equal(await page.locator('#start').innerText(), 'Start interview');
    const options = await page.locator('#link option').allInnerTexts();
    assert.deepEqual(options.sort(), ['松林乡中心小学 · Parents', '松林乡中心小学 · Parents']);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.locator('#start').waitFor();
    // Remembered on the device across a reload.
    assert.equal(await page.locator('#start').innerText(), 'Start interview');
    assert.equal(await page.locator('#net').innerText(), 'Online');

    // Offline: one interview in each round.
    await context.setOffline(true);
    const english = await interview(page, `${bilingual.round.id}:${bilingual.link.id}`);
    assert.ok(english.length > 5 && english.every((t) => t.startsWith('EN ')), english.join('\n'));
    await countIs(page, 'waiting-count', 1);
    assert.equal(await page.locator('#net').innerText(), 'Offline');
    await page.selectOption('#link', `${chinese.round.id}:${chinese.link.id}`);
    await page.click('#start');
    // No English translation: the questionnaire stays Chinese, with a note.
    await page.locator('#questionnaire-zh').waitFor();
    assert.equal(await page.locator('#begin').innerText(), 'First item');
    page.once('dialog', (d) => d.accept());
    await page.click('#quit');
    await page.locator('#start').waitFor();
    const zh = await interview(page, `${chinese.round.id}:${chinese.link.id}`);
    assert.ok(zh.every((t) => !t.startsWith('EN ')) && /[\u4e00-\u9fff]/.test(zh[0]), zh.join('\n'));
    await countIs(page, 'waiting-count', 2);
    await page.screenshot({ path: path.join(outputDir, 'interview-english-offline.png'), fullPage: true });
    assert.equal(count(), 0);

    // Closed and reopened offline: still English, still queued.
    await page.close();
    page = await context.newPage();
    await page.goto(`${server.url}/interview/`);
    await countIs(page, 'waiting-count', 2);
    assert.equal(await page.locator('#records-title').innerText(), 'Interviews');

    // Online: both upload, once each, counted as interviews.
    await context.setOffline(false);
    await countIs(page, 'uploaded-count', 2);
    assert.equal(count(), 2);
    await page.click('#upload');
    await countIs(page, 'waiting-count', 0);
    assert.equal(count(), 2);
    for (const r of [bilingual, chinese]) {
      const report = await admin.call('GET', `/api/rounds/${r.round.id}/report`);
      assert.equal(report.sources.find((m) => m.mode === 'interview').responses, 1);
    }
    // And back to Chinese.
    await page.click('#lang');
    assert.equal(await page.locator('#start').innerText(), '开始访谈');
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
