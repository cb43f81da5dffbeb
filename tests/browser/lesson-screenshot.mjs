// Screenshots of the lesson's path for the README and for a human to look at (not a test), at 1,400 px:
// the top of the page, one tour step's reveal, figure 8 with its α handle moved off glmer's fit, and
// figure 7 (each group's posterior). Run after ./build.sh build:
//   node tests/browser/lesson-screenshot.mjs   → docs/top.png, docs/tour.png, docs/alpha-slider.png, docs/posteriors.png, docs/posteriors-all-ones.png
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const docs = join(here, '..', '..', 'docs');
mkdirSync(docs, { recursive: true });

const browser = await launch();
try {
  const { page, context } = await openPage(browser, { viewport: { width: 1400, height: 1000 } });
  await page.waitForSelector('#tour-stage .tour-choice');
  await page.waitForFunction(() => window.glmmDemo.timings().draw > 0);
  await page.screenshot({ path: join(docs, 'top.png') });

  // Figure 7 and figure 8 on the answer's example, the handle moved from glmer's α (the highest ℓ, where
  // Σ means = 0) to the highest peak (where Σ modes = 0).
  await page.locator('#lesson').scrollIntoViewIfNeeded();
  await page.locator('[data-figure="7"]').screenshot({ path: join(docs, 'posteriors.png') });
  const info = await page.evaluate(() => glmmDemo.alphaHandle());
  const handle = page.locator('#alpha-handle');
  await handle.focus();
  const target = info.argmax_peak;
  for (let i = 0; i < 600 && Number(await handle.inputValue()) !== target; i++) {
    await page.keyboard.press(Number(await handle.inputValue()) < target ? 'ArrowRight' : 'ArrowLeft');
  }
  await page.waitForTimeout(300);
  await page.locator('.alpha-panel').screenshot({ path: join(docs, 'alpha-slider.png') });

  // Figure 7 with a group of all 1s (threshold 0): its posterior is far from symmetric.
  await page.evaluate(() => glmmDemo.set({ thresholds: [0.5, 0] }));
  await page.waitForTimeout(500);
  await page.locator('[data-figure="7"]').screenshot({ path: join(docs, 'posteriors-all-ones.png') });
  await page.evaluate(() => glmmDemo.set({ preset: 'answer' }));
  await page.waitForTimeout(500);

  // One tour step: step 1's prediction answered, its reveal shown.
  await page.locator('#tour').scrollIntoViewIfNeeded();
  await page.click('#tour-stage .tour-choice >> nth=1');
  await page.waitForFunction(() => document.activeElement?.classList.contains('tour-next'), null, { timeout: 120_000 });
  await page.locator('#tour').screenshot({ path: join(docs, 'tour.png') });
  await context.close();
} finally {
  await browser.close();
}
