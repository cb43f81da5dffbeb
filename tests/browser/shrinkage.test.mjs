// Figure 9 (shrinkage) and the ICC card in headless chromium: the figure draws (not blank, no error, a hover
// mapping), its caption comes from Rust and says when a group has no estimate of its own; the ICC card shows
// σ_b² / (σ_b² + π²/3) of results()' glmer fit.
// After ./build.sh build: `node --test tests/browser/shrinkage.test.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, canvasColours } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const [name, settings, separated] of [
  ['the answer', {}, false],
  ['an all-ones group', { thresholds: [0.5, 0] }, true],
]) {
  test(`figure 9 draws and the ICC card follows glmer's σ_b: ${name}`, async () => {
    const { page, context } = await openPage(browser);
    try {
      await page.evaluate((s) => glmmDemo.set(s), settings);
      const fig = page.locator('figure[data-figure="9"]');
      await fig.scrollIntoViewIfNeeded();
      const info = await page.evaluate(() => {
        const f = document.querySelector('figure[data-figure="9"]');
        const c = f.querySelector('canvas');
        const err = f.querySelector('.fig-error');
        return { w: c.width, h: c.height, error: err.hidden ? null : err.textContent, text: f.querySelector('figcaption').textContent };
      });
      assert.equal(info.error, null, 'figure 9 has no error');
      assert.ok(info.w > 200 && info.h > 150, 'figure 9 has a size');
      assert.ok(await canvasColours(page, 9) > 3, 'figure 9 is not blank');
      assert.match(info.text, /Shrinkage/);
      assert.equal(/has no estimate of its own/.test(info.text), separated, info.text);
      const r = await page.evaluate(() => glmmDemo.results());
      const s = r.glmm_agq.sigma_b;
      const icc = (s * s) / (s * s + (Math.PI * Math.PI) / 3);
      const shown = await page.locator('[data-card="icc"] .card-value').textContent();
      assert.equal(shown, icc.toFixed(3));
    } finally {
      await context.close();
    }
  });
}
