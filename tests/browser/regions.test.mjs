// The region tree page (admins, #18): a CSV with bad lines is refused with
// every bad line named and nothing stored; a good one builds the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, outputDir } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';

mkdirSync(outputDir, { recursive: true });

test('an admin imports division codes: bad lines named, then the tree', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', server.adminPassword);
    await page.click('[data-test=login-submit]');
    await page.getByRole('menuitem', { name: '地区管理' }).click();
    await page.getByRole('heading', { name: /地区/ }).waitFor();

    await page.click('[data-test=regions-import]');
    await page.fill('textarea[data-test=regions-csv], [data-test=regions-csv] textarea', '650000,新疆维吾尔自治区,\n65230,坏代码,650000\n652327,吉木萨尔县,659999\n');
    await page.click('[data-test=regions-import-run]');
    const alert = page.locator('[data-test=error-alert]');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /第2行/);
    assert.match(text, /第3行.*659999/);
    assert.equal(await page.locator('[data-test=regions-table]').getByText('新疆维吾尔自治区').count(), 0, 'nothing stored');

    await page.fill('textarea[data-test=regions-csv], [data-test=regions-csv] textarea', '650000,新疆维吾尔自治区,\n652300,昌吉回族自治州,650000\n652327,吉木萨尔县,652300\n');
    await page.click('[data-test=regions-import-run]');
    const table = page.locator('[data-test=regions-table]');
    await table.getByText('吉木萨尔县').waitFor();
    assert.ok(await table.getByText('昌吉回族自治州').isVisible());
    assert.ok(await table.getByText('652327').isVisible());
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(outputDir, 'console-regions.png'), fullPage: true });
  } finally {
    await browser.close();
    await server.stop();
  }
});
