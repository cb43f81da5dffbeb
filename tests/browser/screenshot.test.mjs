// Screenshots for a human to look at: the whole page (tests/browser/out/page.png), embed mode in an
// iframe on a course page (tests/browser/out/embed.png), the page's first screen on a 390 px phone
// (out/phone.png) and the <glmm-demo> element in the 690 px text column of the sample course page
// docs/course-page/ (out/course-element.png); with UPDATE_SCREENSHOT=1 also docs/screenshot.png,
// docs/embed.png, docs/phone.png and docs/course-element.png (shown in the README).
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

test('screenshot of the page on a 390 px phone: its first screen', async () => {
  const { page, context, log } = await openPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  try {
    await page.waitForFunction(() => window.glmmDemo.timings().draw > 0);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    mkdirSync(out, { recursive: true });
    const file = join(out, 'phone.png');
    await page.screenshot({ path: file });
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(file, join(here, '..', '..', 'docs', 'phone.png'));
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('screenshot of the element in the 690 px text column of a course page', async () => {
  const { page, context, log } = await openPage(browser, { path: '__test/course/', wait: false, viewport: { width: 1100, height: 900 } });
  try {
    await page.waitForFunction(() => { const d = document.querySelector('glmm-demo'); return d.results() && d.shadowRoot.querySelector('canvas').width > 0; }, null, { timeout: 60_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const clip = await page.evaluate(() => {
      const col = document.querySelector('.column').getBoundingClientRect();
      const after = document.querySelector('#demo + h2').getBoundingClientRect();
      return { x: col.left, y: col.top + scrollY, width: col.width, height: after.bottom + 60 - col.top };
    });
    mkdirSync(out, { recursive: true });
    const file = join(out, 'course-element.png');
    await page.screenshot({ path: file, clip, fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(file, join(here, '..', '..', 'docs', 'course-element.png'));
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.consoleErrors, []);
    assert.deepEqual(log.violations, []);
  } finally {
    await context.close();
  }
});
