// "扫码" on the keying page reads a printed sheet's QR code from the camera.
// The camera is Chromium's fake device fed from a Y4M file made here from
// the QR code of a real printed sheet (the server renders the sheets; the
// code is cut out of the page as the browser draws it). The console
// decodes it with the browser's BarcodeDetector where present, else jsQR
// bundled into the console; Debian's Chromium has no detector, so this
// exercises the bundled decoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { startServer, outputDir } from './lib/server.mjs';
import { launch, CHROMIUM_FLAGS } from './lib/browser.mjs';
import { Api } from './lib/api.mjs';

const SCHOOLS = [
  '学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数',
  '2165000001,城关第一小学,小学,城区,1200,0,80',
  '2165000002,松林乡中心小学,小学,乡村,300,0,20',
].join('\n');

/** A one-frame 640×480 Y4M video (4:2:0) of a PNG, centred on white, scaled by whole pixels. */
function y4mOf(png) {
  const W = 640, H = 480;
  const scale = Math.max(1, Math.floor(Math.min(420 / png.width, 420 / png.height)));
  const ox = Math.floor((W - png.width * scale) / 2), oy = Math.floor((H - png.height * scale) / 2);
  const y = Buffer.alloc(W * H, 235);
  for (let py = 0; py < png.height * scale; py += 1) {
    for (let px = 0; px < png.width * scale; px += 1) {
      const i = (Math.floor(py / scale) * png.width + Math.floor(px / scale)) * 4;
      const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      y[(oy + py) * W + ox + px] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), Buffer.from('FRAME\n'), y, chroma, chroma,
  ]);
}

test('the camera reads a printed sheet code and the clerk keys that sheet', async () => {
  const server = await startServer();
  let browser = await launch();
  let camera;
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
    assert.equal(entry.links.length, 2);
    // The second school's sheets, so that picking the first link would be wrong.
    const link = entry.links.find((l) => l.school_name === '松林乡中心小学');
    const items = entry.questionnaires[0].items;
    const choice = items.filter((i) => i.kind !== 'text').length;

    // Three printed sheets numbered from 5; the camera sees the second (0006).
    const html = await admin.call('GET', `/api/rounds/${round.id}/links/${link.id}/paper-sheets?count=3&start=5`);
    const printing = await browser.newPage({ deviceScaleFactor: 2 });
    await printing.setContent(html);
    const shot = await printing.locator('section.sheet').nth(1).locator('svg').first().screenshot();
    const png = PNG.sync.read(shot);
    const serial = `P${link.id}-0006`;
    assert.equal(jsQR(png.data, png.width, png.height)?.data, `RKP:${link.id}:${serial}`, 'the printed code');
    fs.mkdirSync(outputDir, { recursive: true });
    const video = path.join(outputDir, 'sheet-qr.y4m');
    fs.writeFileSync(video, y4mOf(png));
    await browser.close();

    // A browser whose camera shows that sheet.
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [...CHROMIUM_FLAGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    await context.grantPermissions(['camera'], { origin: server.url });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=username]', clerk.username);
    await page.fill('input[name=password]', clerk.password);
    await page.click('[data-test=login-submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto(`${server.url}/paper/${round.id}`);
    await page.locator('[data-test=paper-camera]').click();
    await page.locator('[data-test=qr-video]').waitFor();
    // Read: the dialog closes with the link and serial filled in.
    await page.waitForFunction((id) => document.querySelector('[data-test=paper-link]')?.value === String(id), link.id,
      { timeout: 20000 }).catch(async (e) => {
      await page.screenshot({ path: path.join(outputDir, 'paper-camera-failed.png') });
      const seen = await page.evaluate(() => {
        const v = document.querySelector('[data-test=qr-video]');
        return { engine: v?.dataset.engine, w: v?.videoWidth, h: v?.videoHeight, ready: v?.readyState,
          error: document.querySelector('[data-test=qr-error]')?.textContent ?? null,
          link: document.querySelector('[data-test=paper-link]')?.value };
      });
      throw new Error(`the camera's code was not read: ${JSON.stringify(seen)} (${e.message})`);
    });
    assert.equal(await page.inputValue('[data-test=paper-serial]'), serial);
    await page.locator('[data-test=qr-dialog]').waitFor({ state: 'hidden' });
    await page.screenshot({ path: path.join(outputDir, 'paper-camera.png') });

    const keys = page.locator('[data-test=paper-keys]');
    await keys.focus();
    for (let k = 0; k < choice; k += 1) await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await page.locator('[data-test=paper-saved]').getByText(serial).waitFor();
    const sheets = await admin.call('GET', `/api/rounds/${round.id}/paper/sheets`);
    const list = sheets.sheets ?? sheets;
    const stored = list.find((s) => s.serial === serial);
    assert.ok(stored, JSON.stringify(sheets));
    assert.equal(stored.link_id, link.id);
    camera = true;
  } finally {
    await browser.close();
    await server.stop();
  }
  assert.ok(camera);
});
