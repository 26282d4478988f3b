// The browser harness itself: the binary starts and Chromium renders its pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, outputDir } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';

test('the server starts and the API docs page renders in Chromium', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    assert.ok(server.adminPassword, 'first start prints the admin password');
    const page = await browser.newPage();
    const res = await page.goto(`${server.url}/healthz`);
    assert.equal(res.status(), 200);
    assert.equal((await res.json()).status, 'ok');
    await page.goto(`${server.url}/api/docs/`);
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: path.join(outputDir, 'api-docs.png') });
  } finally {
    await browser.close();
    await server.stop();
  }
});
