// A screenshot of the whole page for a human to look at: tests/browser/out/page.png always, and
// docs/screenshot.png (shown in the README) with UPDATE_SCREENSHOT=1.
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
