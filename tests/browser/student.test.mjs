// Figures 7 and 8 of the lesson's path (issue 11) in headless chromium: figure 7's marks are glmer's
// conditional modes and means from results(), and dragging figure 8's α handle (from the keyboard) to the
// reported maxima shows Σ modes ≈ 0 at the highest peak and Σ means ≈ 0 at the highest ℓ.
// After ./build.sh build: `node --test tests/browser/student.test.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, canvasHash } from './helpers.mjs';

/** The sums at a maximum, printed with 6 decimals by the readout: the Newton/secant precision is far finer. */
const SUM_TOL = 1e-8;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Presses ArrowLeft/ArrowRight on the handle until it sits at `target`; returns the readout's text. */
async function dragTo(page, target) {
  const handle = page.locator('#alpha-handle');
  await handle.focus();
  for (let i = 0; i < 600; i++) {
    const v = Number(await handle.inputValue());
    if (v === target) break;
    await page.keyboard.press(v < target ? 'ArrowRight' : 'ArrowLeft');
  }
  assert.equal(Number(await handle.inputValue()), target);
  return page.locator('#alpha-readout').textContent();
}

for (const [name, settings] of [
  ['the answer', {}],
  ['an all-ones group', { thresholds: [0.5, 0] }],
  ['five groups', { preset: 'custom', groups: 5 }],
]) {
  test(`figure 7 marks results() and the α handle finds both maxima: ${name}`, async () => {
    const { page, context, log } = await openPage(browser);
    try {
      await page.evaluate((s) => glmmDemo.set(s), settings);
      const r = await page.evaluate(() => glmmDemo.results());
      const marks = await page.evaluate(() => glmmDemo.posteriorMarks());
      assert.equal(marks.length, r.data.groups, 'every group is drawn (G ≤ 6)');
      for (const m of marks) {
        assert.equal(m.mode, r.glmm_agq.ranef[m.group], `group ${m.label}: the mode mark is ranef()`);
        assert.equal(m.mean, r.glmm_agq.cond_means[m.group], `group ${m.label}: the mean mark is the conditional mean`);
      }
      const info = await page.evaluate(() => glmmDemo.alphaHandle());
      assert.equal(info.index, info.fitted, 'after a refit the handle sits at glmer’s α');
      assert.equal(info.alpha, r.glmm_agq.fixef[0]);
      const max = Number(await page.locator('#alpha-handle').getAttribute('max'));
      assert.equal(max, info.positions - 1);

      const alphaOf = (n) => page.getAttribute(`figure[data-figure="${n}"]`, 'data-alpha').then(Number);
      assert.equal(await alphaOf(3), r.glmm_agq.fixef[0], 'figure 3 is drawn at glmer’s α');
      const pixels3 = await canvasHash(page, 3);
      const text = await dragTo(page, info.argmax_peak);
      const atPeak = await page.evaluate(() => glmmDemo.alphaHandle());
      // Figures 3–4 follow the handle: Rust redrew them at its α (β, σ_b at the fit) and says so.
      assert.equal(await alphaOf(3), atPeak.alpha, 'figure 3 is drawn at the handle’s α');
      assert.equal(await alphaOf(4), atPeak.alpha, 'figure 4 starts from the handle’s α');
      assert.match(await page.textContent('figure[data-figure="3"] figcaption'), /figure 8’s handle/);
      assert.match(await page.textContent('figure[data-figure="4"] figcaption'), /moved from figure 8’s handle, α = /);
      assert.notEqual(await canvasHash(page, 3), pixels3, 'figure 3 was redrawn');
      if (r.data.groups > 2) {
        // All G modes sum to 0 at the highest peak, and figure 3's caption says so.
        assert.match(await page.textContent('figure[data-figure="3"] figcaption'), /at this α the modes sum to −?0\.0000/);
      }
      assert.ok(Math.abs(atPeak.sum_modes) < SUM_TOL, `Σ modes at the highest peak: ${atPeak.sum_modes}`);
      assert.ok(atPeak.delta_log_peak === 0, 'the peak height is at its maximum');
      assert.match(text, /Σ modes = 0\.000000/);
      assert.match(text, /highest peak/);

      const text2 = await dragTo(page, info.argmax_loglik);
      const atMax = await page.evaluate(() => glmmDemo.alphaHandle());
      assert.ok(Math.abs(atMax.sum_means) < SUM_TOL, `Σ means at the highest ℓ: ${atMax.sum_means}`);
      assert.ok(atMax.delta_loglik === 0, 'ℓ is at its maximum');
      assert.match(text2, /Σ means = 0\.000000/);

      // Back at glmer's α, figures 3–4 are the fit's again.
      await dragTo(page, info.fitted);
      assert.equal(await alphaOf(3), r.glmm_agq.fixef[0]);
      assert.equal(await canvasHash(page, 3), pixels3, 'figure 3 as drawn at the fit');
      const caption = await page.locator('figure[data-figure="8"] .fig-title').textContent();
      assert.ok(caption.length > 10, `figure 8 has Rust's title: ${caption}`);
      assert.ok(await page.locator('#glossary dt#term-conditional-mode dfn').count() === 1, 'glossary anchor');
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
    } finally {
      await context.close();
    }
  });
}
