// The guided tour, walked end to end with the keyboard only (Tab to reach it, Enter/Space to press):
// after each step glmmDemo.params() is the step's state and the reveal carries the live numbers of
// glmmDemo.results(); the summary and the table "Why the fixed effects move" carry them too.
// Run after ./build.sh build: `node --test tests/browser/tour.test.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, axeViolations } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ANSWER = { preset: 'answer', seed: 1, groups: 2, n: 200, thresholds: [0.5, 0.1], y_coef: 0.5, spacing: 2, center: true, nagq: 100 };

/** Each step's full state (the answer's preset with the step's changes) and the numbers its reveal tells. */
const STEPS = [
  { params: ANSWER, numbers: (r) => [r.glmm_agq.ranef_sum, r.glmm_agq.cond_means_sum] },
  { params: { ...ANSWER, preset: 'custom', thresholds: [0.5, 0.03] }, numbers: (r) => [r.glmm_agq.ranef_sum, r.glmm_agq.cond_means_sum] },
  { params: { ...ANSWER, preset: 'custom', thresholds: [0.5, 0.5] }, numbers: (r) => [r.glmm_agq.ranef_sum, r.glmm_agq.cond_means_sum] },
  { params: { ...ANSWER, preset: 'custom', spacing: 0 }, numbers: (r) => [r.glm_pooled.coef[1], r.glmm_agq.fixef[1], r.lm_pooled.coef[1], r.lmm.fixef[1]] },
  { params: { ...ANSWER, nagq: 1 }, numbers: (r) => [r.glmm_agq.cond_means_sum, r.glmm_agq.fixef[1], r.marginal_exact.beta] },
  { params: { ...ANSWER, preset: 'custom', thresholds: [0.5, 0] }, numbers: (r) => [r.glmm_agq.ranef_sum, r.glmm_agq.ranef[1], r.glmm_agq.cond_means[1]] },
];

/** As the core prints them: four decimals, a typographic minus, −0 as 0. */
function fixed4(x) {
  let s = x.toFixed(4);
  if (/^-0\.?0*$/.test(s)) s = s.slice(1);
  return s.replace('-', '\u2212');
}

async function activeClass(page) {
  return page.evaluate(() => document.activeElement?.className || '');
}

test('the tour, keyboard only: each step sets its state and tells the live numbers', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    await page.waitForSelector('#tour-stage .tour-choice');
    // The summary: three sentences from the live fit, with Σ modes, Σ means and lm/lmer's slopes.
    const r0 = await page.evaluate(() => glmmDemo.results());
    const summary = await page.textContent('#tour-summary');
    for (const x of [r0.glmm_agq.ranef_sum, r0.glmm_agq.cond_means_sum, r0.lm_pooled.coef[1], r0.lmm.fixef[1]]) {
      assert.ok(summary.includes(fixed4(x)), `summary lacks ${fixed4(x)}: ${summary}`);
    }
    assert.equal(await page.locator('#tour-summary li').count(), 3);
    // The premise sentence with the answer's numbers, live.
    const causes = await page.textContent('#causes-body');
    assert.ok(causes.includes('not true in general') && causes.includes('0.0074') && causes.includes('0.0316'), causes);
    assert.equal(await page.locator('#causes-body tbody tr').count(), 4);

    // Reach the first choice of step 1 with Tab alone.
    let presses = 0;
    while (!(await activeClass(page)).includes('tour-choice') && presses < 400) {
      await page.keyboard.press('Tab');
      presses += 1;
    }
    assert.ok((await activeClass(page)).includes('tour-choice'), 'Tab reaches the tour');
    assert.equal(await page.getAttribute('#tour-reveal', 'aria-live'), 'polite');

    for (let i = 0; i < STEPS.length; i += 1) {
      const title = await page.textContent('#tour-step-title');
      assert.ok(title.startsWith(`Step ${i + 1} of ${STEPS.length}`), title);
      // Predict (the focused first choice; on odd steps Tab to the second and use Space).
      if (i % 2 === 1) {
        await page.keyboard.press('Tab');
        await page.keyboard.press('Space');
      } else {
        await page.keyboard.press('Enter');
      }
      await page.waitForFunction(() => document.activeElement?.classList.contains('tour-next'), null, { timeout: 120_000 });
      const params = await page.evaluate(() => glmmDemo.params());
      assert.deepEqual(params, STEPS[i].params, `step ${i + 1} state`);
      const r = await page.evaluate(() => glmmDemo.results());
      const reveal = await page.textContent('#tour-reveal');
      assert.ok(reveal.includes('You predicted:') && reveal.includes('What happened:'), reveal);
      for (const x of STEPS[i].numbers(r)) {
        assert.ok(reveal.includes(fixed4(x)), `step ${i + 1}: the reveal lacks ${fixed4(x)}: ${reveal}`);
      }
      if (i === 2) assert.ok(reveal.includes('almost 0'), reveal);
      if (i === 3) assert.ok(reveal.includes('steeper'), reveal);
      if (i === 4) assert.ok(reveal.includes('do not add up to 0'), reveal);
      if (i === 5) assert.ok(reveal.includes('far from symmetric'), reveal);
      // The permalink is the step's state.
      assert.ok((await page.evaluate(() => location.hash)).includes(`nagq=${STEPS[i].params.nagq}`));
      // Next step (Enter on the focused "Next step" button) puts the focus on its first choice.
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.classList.contains('tour-choice'));
    }
    // After the last step the tour is back at step 1.
    assert.ok((await page.textContent('#tour-step-title')).startsWith('Step 1 of'));
    // Reveal one step again and check the new sections with axe (WCAG A/AA and best practice).
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.classList.contains('tour-next'), null, { timeout: 120_000 });
    assert.deepEqual(await axeViolations(page, '#tour'), [], 'axe on the tour');
    assert.deepEqual(await axeViolations(page, '#causes'), [], 'axe on the causes table');
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('the embed view and the element still work with the tour on the page', async () => {
  const { page, context, log } = await openPage(browser, { path: '?embed=1&panels=2,table' });
  try {
    assert.equal(await page.locator('#tour').isVisible(), false, 'the tour is not part of the embed view');
    assert.ok(await page.locator('#embed-grid canvas').first().isVisible());
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await context.close();
  }
});
