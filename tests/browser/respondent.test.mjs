// The respondent's journey on a phone: scan a round's QR code, answer,
// submit, see the thank-you page; a draft that survives a reload; a
// submission that survives going offline or a busy server; the closed-round page; the page
// weight; and posters that print to one A4 page per school.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { startServer, outputDir } from './lib/server.mjs';
import { launch, phoneContext } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

let server;
let browser;
let organiser;

before(async () => {
  server = await startServer();
  browser = await launch();
  const admin = await Api.login(server.url, 'admin', server.adminPassword);
  organiser = (await admin.accountWithRole('organiser')).api;
  await organiser.call(
    'POST',
    '/api/schools/import',
    '学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n' +
      '2165000001,城关第一小学,小学,城区,1200,0,80\n' +
      '2165000002,老奇台镇中学,初中,镇区,0,640,52\n',
  );
  mkdirSync(outputDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** An open round over `groups`; returns { id, links }. */
async function openRound(groups, extra = {}) {
  const now = Date.now();
  const round = await organiser.call('POST', '/api/rounds', {
    name: '2026年县级自评',
    purpose: 'self_assessment',
    opens_at: new Date(now - 3600e3).toISOString(),
    closes_at: new Date(now + 7 * 86400e3).toISOString(),
    groups,
    min_answer_seconds: 0,
    ...extra,
  });
  await organiser.call('POST', `/api/rounds/${round.id}/open`, {});
  const { links } = await organiser.call('GET', `/api/rounds/${round.id}/links`);
  return { id: round.id, links };
}

/** The URL in a link's QR code, read from its PNG as a phone's camera would. */
async function scan(roundId, link) {
  const res = await fetch(`${server.url}/api/rounds/${roundId}/links/${link.id}/qr.png?size=500`, {
    headers: { authorization: `Bearer ${organiser.token}` },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(code, 'the PNG holds a readable QR code');
  return code.data;
}

function stored(link) {
  return Number(server.sql(`SELECT COUNT(*) FROM responses WHERE link_id = ${link.id}`));
}

/** A phone (a fresh browser context) with the link's page open. */
async function onPhone(link, options = {}) {
  const context = await phoneContext(browser, options);
  const page = await context.newPage();
  const response = await page.goto(`${server.url}/s/${link.token}`);
  return { context, page, response };
}

/** Taps the first option of every choice item (or of the first `n`). */
async function answer(page, n = Infinity) {
  const items = page.locator('fieldset.q[data-kind=choice]');
  const count = Math.min(await items.count(), n);
  for (let i = 0; i < count; i++) {
    await items.nth(i).locator('label.opt').first().click();
  }
  return count;
}

test('a phone scans the QR code, answers within the page weight, and sees the thank-you page', async () => {
  const { id, links } = await openRound(['parent', 'deputy']);
  const link = links.find((l) => l.group === 'parent');
  const url = await scan(id, link);
  assert.equal(url, `${server.url}/s/${link.token}`);

  const context = await phoneContext(browser);
  const page = await context.newPage();
  const finished = [];
  page.on('requestfinished', (r) => finished.push(r));
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-encoding'] ?? '', /^(br|gzip)$/, 'the page is compressed');
  let transferred = 0;
  for (const r of finished) {
    assert.ok(r.url().startsWith(server.url), `no other host: ${r.url()}`);
    const sizes = await r.sizes();
    transferred += sizes.responseBodySize + sizes.responseHeadersSize;
  }
  assert.ok(transferred <= 100 * 1024, `first load transferred ${transferred} bytes`);
  writeFileSync(path.join(outputDir, 'questionnaire-weight.txt'), `${transferred} bytes\n`);

  await assert.doesNotReject(page.getByText('城关第一小学').first().waitFor());
  await page.getByText('不记录姓名、电话').first().waitFor();
  await page.screenshot({ path: path.join(outputDir, 'questionnaire.png') });
  const answered = await answer(page);
  await page.locator('#count').getByText(`已答 ${answered}/${answered}`).waitFor();
  await page.locator('textarea').fill('希望多开展课后服务');
  await page.screenshot({ path: path.join(outputDir, 'questionnaire-answered.png'), fullPage: true });
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.locator('#thanks').getByText('提交成功').waitFor();
  await page.screenshot({ path: path.join(outputDir, 'thank-you.png') });
  assert.equal(stored(link), 1);
  assert.equal(server.sql(`SELECT validity FROM responses WHERE link_id = ${link.id}`), 'valid');
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), `renke:draft:${link.token}`), null);

  // Opening the link again on this phone: already answered.
  const again = await page.goto(url);
  assert.equal(again.status(), 200);
  await page.getByText('您已经提交过了').waitFor();
  await context.close();
});

test('the first load is usable within 3 s on emulated slow 3G', async () => {
  const { links } = await openRound(['teacher']);
  const link = links[0];
  const context = await phoneContext(browser);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  // DevTools' "Slow 3G": 400 ms round trips, about 50 KB/s down.
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 400,
    downloadThroughput: (500 * 1024 * 0.8) / 8,
    uploadThroughput: (500 * 1024 * 0.8) / 8,
  });
  const start = Date.now();
  await page.goto(`${server.url}/s/${link.token}`, { waitUntil: 'load' });
  await page.locator('button[type=submit]').waitFor();
  const elapsed = Date.now() - start;
  assert.ok(elapsed < 3000, `loaded in ${elapsed} ms`);
  await context.close();
});

test('a reload mid-way keeps the draft and the attempt id', async () => {
  const { links } = await openRound(['parent']);
  const link = links.find((l) => l.school_code === '2165000002');
  const { context, page } = await onPhone(link);
  await answer(page, 5);
  await page.locator('textarea').fill('草稿里的意见');
  const key = `renke:draft:${link.token}`;
  const before = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), key));
  await page.reload();
  const checked = page.locator('fieldset.q input[type=radio]:checked');
  assert.equal(await checked.count(), 5);
  assert.equal(await page.locator('textarea').inputValue(), '草稿里的意见');
  await page.locator('#count').getByText(/^已答 5\//).waitFor();
  const afterReload = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), key));
  assert.equal(afterReload.client_id, before.client_id, 'one client id per attempt');
  assert.equal(afterReload.started, before.started, 'answer time runs from the first visit');
  await context.close();
});

test('going offline at submit loses nothing and stores exactly one response', async () => {
  const { links } = await openRound(['parent']);
  const link = links.find((l) => l.school_code === '2165000001');
  const { context, page } = await onPhone(link);
  await answer(page);
  await context.setOffline(true);
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.getByText('网络不稳定').waitFor();
  assert.equal(stored(link), 0);
  await page.screenshot({ path: path.join(outputDir, 'offline.png') });
  await context.setOffline(false);
  await page.getByRole('button', { name: '重新提交' }).click();
  await page.locator('#thanks').getByText('提交成功').waitFor();
  assert.equal(stored(link), 1);
  await context.close();
});

test('a reply lost on the way back is retried without a second response', async () => {
  const { links } = await openRound(['teacher']);
  const link = links[0];
  const { context, page } = await onPhone(link);
  await answer(page);
  // The server stores the response, but the phone never hears back.
  let dropped = false;
  await page.route('**/api/public/links/*/responses', async (route) => {
    if (dropped) return route.continue();
    dropped = true;
    await route.fetch();
    await route.abort('connectionreset');
  });
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.getByText('网络不稳定').waitFor();
  assert.equal(stored(link), 1);
  await page.getByRole('button', { name: '重新提交' }).click();
  await page.locator('#thanks').getByText('提交成功').waitFor();
  assert.equal(stored(link), 1);
  await context.close();
});

test('a busy server (429) is waited out by the page itself, one response stored', async () => {
  const { links } = await openRound(['citizen']);
  const link = links[0];
  const { context, page } = await onPhone(link);
  await answer(page);
  // The first attempt is turned away as the server does when busy; the
  // page must count down and send the same attempt again by itself.
  const sent = [];
  await page.route('**/api/public/links/*/responses', async (route) => {
    sent.push(JSON.parse(route.request().postData()).client_id);
    if (sent.length > 1) return route.continue();
    await route.fulfill({
      status: 429,
      headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: 'rate_limited', message: '请求过于频繁，请稍后再试' }),
    });
  });
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.getByText('秒后自动重新提交').waitFor();
  await page.screenshot({ path: path.join(outputDir, 'busy-countdown.png') });
  assert.equal(stored(link), 0);
  // No press needed: the thank-you page arrives after the countdown.
  await page.locator('#thanks').getByText('提交成功').waitFor({ timeout: 15_000 });
  assert.equal(sent.length, 2);
  assert.equal(sent[0], sent[1], 'the retry is the same attempt');
  assert.equal(stored(link), 1);
  await context.close();
});

test('without JavaScript the plain form still submits', async () => {
  const { links } = await openRound(['principal']);
  const link = links[0];
  const { context, page } = await onPhone(link, { javaScriptEnabled: false });
  await answer(page);
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.getByText('提交成功').waitFor();
  assert.equal(stored(link), 1);
  await context.close();
});

test('a closed round shows a clear page', async () => {
  const { id, links } = await openRound(['deputy']);
  await organiser.call('POST', `/api/rounds/${id}/close`, {});
  const { context, page, response } = await onPhone(links[0]);
  assert.equal(response.status(), 409);
  await page.getByRole('heading', { name: '调查已经结束' }).waitFor();
  await page.screenshot({ path: path.join(outputDir, 'closed.png') });
  await context.close();
});

test('the posters print to one A4 page per school plus one for the county', async () => {
  const { id } = await openRound(['parent', 'teacher', 'deputy', 'cppcc_member', 'citizen']);
  const context = await browser.newContext({
    extraHTTPHeaders: { authorization: `Bearer ${organiser.token}` },
    viewport: { width: 900, height: 1200 },
  });
  const page = await context.newPage();
  const res = await page.goto(`${server.url}/api/rounds/${id}/posters`);
  assert.equal(res.status(), 200);
  await page.screenshot({ path: path.join(outputDir, 'posters.png'), fullPage: true });
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  writeFileSync(path.join(outputDir, 'posters.pdf'), pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.equal(pages, 2 + 1);
  await context.close();
});

test('a deputy types a one-time access code, answers and cannot use it twice', async () => {
  const { id, links } = await openRound(['deputy']);
  const link = links[0];
  const { codes } = await organiser.call('POST', `/api/rounds/${id}/links/${link.id}/access-codes`, { count: 2 }, [201]);
  const { context, page } = await onPhone(link);
  await page.getByRole('heading', { name: '请输入访问码' }).waitFor();
  await page.screenshot({ path: path.join(outputDir, 'access-code.png') });
  await page.getByLabel('访问码').fill(codes[0].toLowerCase().replace('-', ' '));
  await page.getByRole('button', { name: '开始答题' }).click();
  await answer(page);
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.locator('#thanks').getByText('提交成功').waitFor();
  assert.equal(stored(link), 1);

  const other = await phoneContext(browser);
  const second = await other.newPage();
  await second.goto(`${server.url}/s/${link.token}`);
  await second.getByLabel('访问码').fill(codes[0]);
  await second.getByRole('button', { name: '开始答题' }).click();
  await second.getByText('该访问码已经使用过').waitFor();
  await other.close();
  await context.close();
});

test('a household shares one phone: the second parent confirms and counts, a third is told it does not', async () => {
  const { links } = await openRound(['parent'], { duplicate_policy: 'flag' });
  const link = links.find((l) => l.school_code === '2165000001');
  const { context, page } = await onPhone(link);
  await answer(page);
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.locator('#thanks').getByText('提交成功').waitFor();
  // The thank-you page offers the phone to another parent, after a confirmation.
  await page.getByRole('link', { name: '家里另一位家长（或另一个孩子的家长）也要填写' }).click();
  await page.getByText('这部手机已经提交过这份问卷').waitFor();
  await page.getByRole('link', { name: '确认，由另一位家长填写' }).click();
  await page.getByText('本份答卷计入统计').waitFor();
  await answer(page);
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.locator('#thanks').getByText('提交成功').waitFor();
  assert.equal(stored(link), 2);
  assert.equal(
    server.sql(`SELECT COUNT(*) FROM responses WHERE link_id = ${link.id} AND validity = 'valid' AND shared_device`),
    '1',
  );
  // The default limit (two per phone) is reached: the page no longer offers
  // it, and an answer anyway is kept but said not to count.
  await page.goto(`${server.url}/s/${link.token}`);
  await page.getByRole('heading', { name: '您已经提交过了' }).waitFor();
  assert.equal(await page.locator('#shared-offer').count(), 0);
  await page.getByRole('link', { name: '再填一份' }).click();
  await answer(page);
  await page.getByRole('button', { name: '提交问卷' }).click();
  await page.locator('#thanks').getByRole('heading', { name: '本次提交已保存，但不计入统计' }).waitFor();
  await page.locator('#thanks').getByText('原因：本设备已经提交过这份问卷').waitFor();
  await page.screenshot({ path: path.join(outputDir, 'not-counted.png') });
  assert.equal(stored(link), 3);
  await context.close();
});

/** A CSV cell. */
function cell(text) {
  return `"${String(text).replace(/"/g, '""')}"`;
}

test('a parent chooses Uyghur: right to left, translated, within the weight, counted under ug in the one rate', async () => {
  // Test data, not an official translation: the Chinese behind a Uyghur word.
  const ug = (zh) => `ئۇيغۇرچە ${zh}`;
  const now = Date.now();
  const round = await organiser.call('POST', '/api/rounds', {
    name: '2026年县级自评（双语）',
    purpose: 'self_assessment',
    opens_at: new Date(now - 3600e3).toISOString(),
    closes_at: new Date(now + 7 * 86400e3).toISOString(),
    groups: ['parent'],
    min_answer_seconds: 0,
  });
  await organiser.call('PUT', `/api/rounds/${round.id}/languages`, { languages: ['ug'] });
  const q = await organiser.call('GET', `/api/rounds/${round.id}/questionnaires/parent`);
  const rows = ['键 key,中文原文 zh,ug'];
  const add = (key, zh) => rows.push(`${key},${cell(zh)},${cell(ug(zh))}`);
  add('parent/title', q.title);
  if (q.intro.trim()) add('parent/intro', q.intro);
  for (const item of q.items) {
    add(`parent/${item.id}`, item.text);
    for (const o of item.options ?? []) add(`parent/${item.id}/${o.code}`, o.label);
  }
  const langs = await organiser.call('POST', `/api/rounds/${round.id}/translations`, rows.join('\n') + '\n');
  assert.equal(langs.languages[0].complete, true);
  // The deployment's fixed texts in Uyghur (the admin's workbook, as CSV).
  const admin = await Api.login(server.url, 'admin', server.adminPassword);
  const fixed = await admin.call('GET', '/api/page-texts');
  const pageRows = ['键 key,中文原文 zh,ug'];
  for (const t of fixed.texts) pageRows.push(`${t.key},${cell(t.zh)},${cell(ug(t.zh))}`);
  await admin.call('POST', '/api/page-texts', pageRows.join('\n') + '\n');
  await organiser.call('POST', `/api/rounds/${round.id}/open`, {});
  const { links } = await organiser.call('GET', `/api/rounds/${round.id}/links`);
  const link = links[0];

  const context = await phoneContext(browser);
  const page = await context.newPage();
  const finished = [];
  page.on('requestfinished', (r) => finished.push(r));
  const res = await page.goto(`${server.url}/s/${link.token}?lang=ug`, { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  let transferred = 0;
  for (const r of finished) {
    const sizes = await r.sizes();
    transferred += sizes.responseBodySize + sizes.responseHeadersSize;
  }
  assert.ok(transferred <= 100 * 1024, `first load in Uyghur transferred ${transferred} bytes`);
  writeFileSync(path.join(outputDir, 'questionnaire-ug-weight.txt'), `${transferred} bytes\n`);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.getAttribute('html', 'lang'), 'ug');
  await page.getByText(ug(q.items[1].text)).first().waitFor();
  await page.getByText(ug('匿名调查')).first().waitFor();
  // The switch names Chinese in its own words and links to it.
  assert.equal(await page.locator('nav.langs a[lang=zh]').getAttribute('href'), `/s/${link.token}?lang=zh`);
  await page.screenshot({ path: path.join(outputDir, 'questionnaire-ug.png'), fullPage: false });
  const answered = await answer(page);
  await page.locator('#count').getByText(ug(`已答 ${answered}/${answered}`)).waitFor();
  await page.getByRole('button', { name: ug('提交问卷') }).click();
  await page.locator('#thanks').getByText(ug('提交成功')).waitFor();
  await page.screenshot({ path: path.join(outputDir, 'thank-you-ug.png') });
  assert.equal(server.sql(`SELECT language FROM responses WHERE link_id = ${link.id}`), 'ug');

  // The choice is remembered on the phone: the link alone opens in Uyghur.
  await context.clearCookies({ name: `renke_device_${round.id}` }).catch(() => {});
  const again = await page.goto(`${server.url}/s/${link.token}?again=1`);
  assert.equal(again.status(), 200);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  await context.close();

  // A language the round does not have: Chinese, not a broken page.
  const other = await phoneContext(browser);
  const p2 = await other.newPage();
  await p2.goto(`${server.url}/s/${link.token}?lang=fr`);
  assert.equal(await p2.getAttribute('html', 'dir'), 'ltr');
  await p2.getByText(q.items[1].text).first().waitFor();
  await other.close();

  const report = await organiser.call('GET', `/api/rounds/${round.id}/report`);
  const byLang = Object.fromEntries(report.languages.rates.map((r) => [r.language, r.n]));
  assert.deepEqual(byLang, { zh: 0, ug: 1 });
  assert.equal(report.overall.n, 1);
});
