// The interviewer's offline page (/interview/): sign in and download while
// online, then with the browser offline record two interviews, close the
// page and open a new one (still queued, served by the service worker),
// go online: both upload and are counted once with source interview; an
// upload repeated after a lost acknowledgement stores nothing new. Then the
// session ends while offline: the queue stays, the page asks to sign in
// again, and the interview uploads after signing in.
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

/** Records one interview: 满意 (the first option) on every choice item. */
async function interview(page) {
  await page.click('#start');
  await page.click('#begin');
  for (let guard = 0; guard < 200; guard += 1) {
    if (await page.locator('#save').count()) break;
    const progress = await page.locator('#progress').innerText();
    if (await page.locator('#next').count()) await page.click('#next');
    else await page.click('.options button[data-code="1"]');
    await page.waitForFunction((p) => {
      const el = document.getElementById('progress');
      return !el || el.textContent !== p;
    }, progress);
  }
  await page.click('#save');
}

async function countIs(page, id, n) {
  await page.waitForFunction(
    ([id, n]) => document.getElementById(id)?.textContent === String(n),
    [id, n],
  );
}

test('an interviewer works offline, the queue survives a closed page, uploads count once as interviews', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const admin = await Api.login(server.url, 'admin', server.adminPassword);
    await admin.call('PUT', '/api/county', { name: '奇台县', admin_code: '652325', resident_population: 250000 });
    await admin.call('POST', '/api/schools/import', SCHOOLS);
    const round = await admin.call('POST', '/api/rounds', {
      name: '2026年县级自评', purpose: 'self_assessment', groups: ['parent'],
      // The test taps through an interview in a second; a real one takes
      // minutes (the round's minimum answering time applies to interviews).
      min_answer_seconds: 0,
      opens_at: new Date(Date.now() - 3600e3).toISOString(),
      closes_at: new Date(Date.now() + 5 * 86400e3).toISOString(),
    });
    await admin.call('POST', `/api/rounds/${round.id}/open`, {});
    const { links } = await admin.call('GET', `/api/rounds/${round.id}/links`);
    const link = links.find((l) => l.group === 'parent');
    const made = await admin.call('POST', `/api/rounds/${round.id}/interviewers`,
      { username: 'fangtan1', display_name: '访谈员一', link_ids: [link.id] }, [201]);
    const count = () => Number(server.sql("SELECT COUNT(*) FROM responses WHERE collection_mode = 'interview'"));

    const context = await phoneContext(browser);
    let page = await context.newPage();
    await page.goto(`${server.url}/interview`);
    assert.equal(new URL(page.url()).pathname, '/interview/');
    // Sign in once while online: the questionnaire downloads.
    await page.fill('#username', 'fangtan1');
    await page.fill('#password', made.password);
    await page.click('#login');
    await page.locator('#start').waitFor();
    const options = await page.locator('#link option').allInnerTexts();
    assert.deepEqual(options, ['松林乡中心小学 · 家长']);
    // The service worker holds the page's files before we go offline.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.locator('#start').waitFor();

    await context.setOffline(true);
    await interview(page);
    await countIs(page, 'waiting-count', 1);
    await interview(page);
    await countIs(page, 'waiting-count', 2);
    assert.equal(await page.locator('#net').innerText(), '离线');
    await page.screenshot({ path: path.join(outputDir, 'interview-offline.png'), fullPage: true });
    assert.equal(count(), 0);

    // The page is closed; a new one opens with no network: still queued.
    await page.close();
    page = await context.newPage();
    await page.goto(`${server.url}/interview/`);
    await countIs(page, 'waiting-count', 2);
    assert.equal(count(), 0);

    // The network returns: both upload, stored once each, as interviews.
    await context.setOffline(false);
    await countIs(page, 'uploaded-count', 2);
    await countIs(page, 'waiting-count', 0);
    assert.equal(count(), 2);

    // The acknowledgement was lost: the device still thinks they wait and
    // uploads them again (the button). Nothing new is stored.
    await page.evaluate(() => window.RenkeStore.all().then((items) =>
      Promise.all(items.map((i) => window.RenkeStore.put({ ...i, state: 'waiting' })))));
    await page.reload();
    await countIs(page, 'uploaded-count', 2);
    await page.click('#upload');
    await countIs(page, 'waiting-count', 0);
    await page.locator('#message').filter({ hasText: '已上传 2 份' }).waitFor();
    assert.equal(count(), 2);
    const report = await admin.call('GET', `/api/rounds/${round.id}/report`);
    const source = report.sources.find((m) => m.mode === 'interview');
    assert.equal(source.responses, 2);
    assert.equal(source.valid, 2);
    assert.equal(report.overall.n, 2);

    // The session ends while the interviewer is offline (here an admin
    // resets its password, which revokes it): the interview saved offline
    // waits; online, the upload is refused 401, the page keeps the queue and
    // asks to sign in again, then uploads.
    await context.setOffline(true);
    await interview(page);
    await countIs(page, 'waiting-count', 1);
    const { password } = await admin.call('POST', `/api/accounts/${made.interviewer.id}/reset-password`);
    await context.setOffline(false);
    await page.locator('#relogin').waitFor();
    await countIs(page, 'waiting-count', 1);
    assert.equal(count(), 2);
    await page.click('#relogin-button');
    await page.locator('#login-queue').filter({ hasText: '1 份访谈等待上传' }).waitFor();
    await page.fill('#password', password);
    await page.click('#login');
    await countIs(page, 'uploaded-count', 3);
    await countIs(page, 'waiting-count', 0);
    assert.equal(count(), 3);
    await page.screenshot({ path: path.join(outputDir, 'interview-uploaded.png'), fullPage: true });

    // The interviewer reads no results.
    const interviewer = await Api.login(server.url, 'fangtan1', password);
    await interviewer.call('GET', `/api/rounds/${round.id}/report`, undefined, [403]);
    // Who uploaded how many is in the audit log.
    const audit = await admin.call('GET', '/api/audit');
    assert.ok(audit.some((e) => e.action === 'interview.upload' && e.username === 'fangtan1'
      && e.detail === 'received=2 stored=2 already_stored=0 refused=0'));
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
