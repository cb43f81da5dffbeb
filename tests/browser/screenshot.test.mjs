// Screenshots for a human to look at: the whole page (tests/browser/out/page.png) and embed mode in an
// iframe on a course page (tests/browser/out/embed.png); with UPDATE_SCREENSHOT=1 also docs/screenshot.png
// and docs/embed.png (shown in the README).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('screenshot of the whole page', async () => {
  const { page, context, log } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
  try {
    // Make the viewport as tall as the page, so the side panel spans it as it does while scrolling.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: 1440, height });
    await page.waitForFunction(() => window.glmmDemo.timings().draw > 0);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    mkdirSync(out, { recursive: true });
    const file = join(out, 'page.png');
    await page.screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') {
      copyFileSync(file, join(here, '..', '..', 'docs', 'screenshot.png'));
    }
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('screenshot of embed mode in an iframe', async () => {
  const { page, context, log } = await openPage(browser, { path: '__test/iframe.html#embed=1&panels=2,3,table', wait: false, viewport: { width: 900, height: 700 } });
  try {
    await page.waitForFunction(() => window.heights && window.heights.length > 0, null, { timeout: 60_000 });
    const f = await (await page.$('#frame')).contentFrame();
    await f.waitForFunction(() => window.glmmDemo && window.glmmDemo.results() !== null && window.glmmDemo.timings().draw > 0, null, { timeout: 60_000 });
    await page.waitForTimeout(400);
    mkdirSync(out, { recursive: true });
    const file = join(out, 'embed.png');
    await page.screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') {
      copyFileSync(file, join(here, '..', '..', 'docs', 'embed.png'));
    }
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.consoleErrors, []);
    assert.deepEqual(log.violations, []);
  } finally {
    await context.close();
  }
});
