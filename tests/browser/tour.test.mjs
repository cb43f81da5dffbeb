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
      // (written 250 ms after the last refit, so waited for)
      await page.waitForFunction((n) => location.hash.includes(`nagq=${n}&`) || location.hash.endsWith(`nagq=${n}`), STEPS[i].params.nagq);
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

/** Tabs (in the page, crossing into frames and shadow roots) until `focused()` is true; returns the presses. */
async function tabUntil(page, focused, max = 400) {
  for (let presses = 0; presses < max; presses += 1) {
    if (await focused()) return presses;
    await page.keyboard.press('Tab');
  }
  assert.fail('Tab never reached the element');
}

/**
 * Walks the six steps with the keyboard only (Enter on each first choice, Enter on "Next step") in an
 * embedded tour: `ctx` evaluates inside it (`active()` is the focused element's class, `state()` the
 * embedded view's {params, results, reveal, title}).
 */
async function walkEmbeddedTour(page, { active, state, afterStep }) {
  for (let i = 0; i < STEPS.length; i += 1) {
    const before = await state();
    assert.ok(before.title.startsWith(`Step ${i + 1} of ${STEPS.length}`), before.title);
    await page.keyboard.press('Enter');
    for (let k = 0; k < 1200 && !(await active()).includes('tour-next'); k += 1) await page.waitForTimeout(100);
    assert.ok((await active()).includes('tour-next'), `step ${i + 1}: the focus moves to "Next step"`);
    const { params, results, reveal } = await state();
    assert.deepEqual(params, STEPS[i].params, `step ${i + 1} sets the embedded view's state`);
    for (const x of STEPS[i].numbers(results)) {
      assert.ok(reveal.includes(fixed4(x)), `step ${i + 1}: the reveal lacks ${fixed4(x)}: ${reveal}`);
    }
    if (afterStep) await afterStep(i);
    await page.keyboard.press('Enter');
    for (let k = 0; k < 100 && !(await active()).includes('tour-choice'); k += 1) await page.waitForTimeout(50);
    assert.ok((await active()).includes('tour-choice'), `step ${i + 1}: "Next step" focuses the next question`);
  }
}

/** Nothing wider than its box: [scrollWidth − clientWidth] of each given element (≤ 0 when it fits). */
const OVERFLOW = (nodes) => nodes.map((n) => n.scrollWidth - n.clientWidth);

test('the tour in the embed view (an iframe, panels=tour,2), keyboard only, at a course column and a phone width', async () => {
  for (const width of [720, 390]) {
    const { page, context, log } = await openPage(browser, {
      path: '__test/iframe.html#embed=1&panels=tour,2', wait: false, viewport: { width, height: 900 },
    });
    try {
      const host = page.url();
      const f = await (async () => {
        for (let k = 0; k < 600; k += 1) {
          const fr = page.frames().find((x) => x !== page.mainFrame() && x.url().includes('embed=1'));
          if (fr) return fr;
          await page.waitForTimeout(100);
        }
        return null;
      })();
      // The frame takes the column's width (a phone: the whole screen less a margin).
      await page.evaluate((w) => { document.getElementById('frame').width = String(w); }, Math.min(700, width - 24));
      await f.waitForFunction(() => window.glmmDemo && window.glmmDemo.results() !== null, null, { timeout: 60_000 });
      await f.waitForSelector('#embed-grid #tour .tour-choice');
      // Shown: the tour's steps (not the page's summary) and figure 2 with its handle-free caption, in that order.
      const shown = await f.evaluate(() => ({
        order: [...document.querySelector('#embed-grid').children].map((c) => c.id || c.className),
        summary: document.querySelector('#tour-summary').offsetParent !== null,
        figures: [...document.querySelectorAll('figure.fig')].filter((x) => x.offsetParent !== null).map((x) => x.dataset.figure),
      }));
      assert.deepEqual(shown.order, ['tour', 'panel-figs']);
      assert.equal(shown.summary, false, 'the page’s summary stays out of the panel');
      assert.deepEqual(shown.figures, ['2']);
      await tabUntil(page, async () => (await f.evaluate(() => document.activeElement?.className || '')).includes('tour-choice'));
      await walkEmbeddedTour(page, {
        active: () => f.evaluate(() => document.activeElement?.className || ''),
        state: () => f.evaluate(() => ({
          params: glmmDemo.params(),
          results: glmmDemo.results(),
          reveal: document.querySelector('#tour-reveal').textContent,
          title: document.querySelector('#tour-step-title').textContent,
        })),
        afterStep: async (i) => {
          // The step set the frame's own permalink, never the course page's address.
          await f.waitForFunction((n) => location.hash.includes(`nagq=${n}&`) || location.hash.endsWith(`nagq=${n}`), STEPS[i].params.nagq);
          assert.equal(page.url(), host, 'the host page’s URL is untouched');
          const over = await f.evaluate(() => [document.documentElement, document.querySelector('#tour')]
            .map((n) => n.scrollWidth - n.clientWidth));
          assert.ok(over.every((x) => x <= 0), `the tour fits the frame at ${width}px: ${over}`);
        },
      });
      // A glossary link in the tour (the frame has no glossary) opens its definition in place, with the
      // keyboard, and changes neither the frame's parameters nor its address.
      await page.keyboard.press('Enter');
      await f.waitForFunction(() => document.activeElement?.classList.contains('tour-next'), null, { timeout: 120_000 });
      await f.waitForFunction(() => location.hash.includes('t=0.5,0.1&')); // step 1's permalink, written
      const before = await f.evaluate(() => ({ hash: location.hash, params: glmmDemo.params() }));
      await f.focus('#tour-reveal a.term');
      await page.keyboard.press('Enter');
      await f.waitForSelector('#tour-reveal .term-def');
      const after = await f.evaluate(() => ({
        hash: location.hash, params: glmmDemo.params(),
        def: document.querySelector('#tour-reveal .term-def').textContent,
        expanded: document.querySelector('#tour-reveal a.term').getAttribute('aria-expanded'),
      }));
      assert.deepEqual(after.params, before.params);
      assert.equal(after.hash, before.hash);
      assert.ok(after.def.length > 20 && after.expanded === 'true', after.def);
      assert.deepEqual(await axeViolations(f, '#tour'), [], 'axe on the embedded tour');
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
    } finally {
      await context.close();
    }
  }
});

test('the tour inside <glmm-demo panels="tour,7">, keyboard only, in a 650 px column and a 360 px phone column', async () => {
  for (const width of [650, 360]) {
    const { page, context, log } = await openPage(browser, { path: '__test/column.html', wait: false, viewport: { width: width + 40, height: 900 } });
    try {
      await page.evaluate((w) => {
        const col = document.querySelector('#col');
        col.style.width = `${w}px`;
        const el = document.createElement('glmm-demo');
        el.setAttribute('preset', 'answer');
        el.setAttribute('panels', 'tour,7');
        col.append(el);
      }, width);
      await page.waitForFunction(() => document.querySelector('glmm-demo')?.results?.() && document.querySelector('glmm-demo').shadowRoot.querySelector('.tour-choice'), null, { timeout: 60_000 });
      const host = page.url();
      const inside = (fn) => page.evaluate(fn);
      const layout = await inside(() => {
        const root = document.querySelector('glmm-demo').shadowRoot;
        return {
          order: [...root.querySelector('.gd-grid').children].map((c) => c.className),
          figures: [...root.querySelectorAll('figure.fig')].map((x) => x.dataset.figure),
        };
      });
      assert.deepEqual(layout.order, ['tour gd-tour', 'panel-figs']);
      assert.deepEqual(layout.figures, ['7']);
      await tabUntil(page, async () => (await inside(() => document.querySelector('glmm-demo').shadowRoot.activeElement?.className || '')).includes('tour-choice'));
      let marks = await inside(() => document.querySelector('glmm-demo').shadowRoot.querySelector('figure[data-figure="7"] .fig-desc').textContent);
      await walkEmbeddedTour(page, {
        active: () => inside(() => document.querySelector('glmm-demo').shadowRoot.activeElement?.className || ''),
        state: () => inside(() => {
          const el = document.querySelector('glmm-demo');
          return {
            params: el.params(),
            results: el.results(),
            reveal: el.shadowRoot.querySelector('#tour-reveal').textContent,
            title: el.shadowRoot.querySelector('#tour-step-title').textContent,
          };
        }),
        afterStep: async (i) => {
          assert.equal(page.url(), host, 'the host page’s URL is untouched');
          const over = await inside(() => {
            const el = document.querySelector('glmm-demo');
            return [el, el.shadowRoot.querySelector('.gd-tour'), document.documentElement].map((n) => n.scrollWidth - n.clientWidth);
          });
          assert.ok(over.every((x) => x <= 0), `the tour fits the ${width}px column: ${over}`);
          // Figure 7 follows the element's state: its description changes with the step's data.
          const now = await inside(() => document.querySelector('glmm-demo').shadowRoot.querySelector('figure[data-figure="7"] .fig-desc').textContent);
          if (i > 0) assert.notEqual(now, marks, `step ${i + 1}: figure 7 redescribed`);
          marks = now;
        },
      });
      // A glossary link inside the element opens its definition in place; the host's hash stays empty.
      await page.keyboard.press('Enter');
      for (let k = 0; k < 1200; k += 1) {
        if ((await inside(() => document.querySelector('glmm-demo').shadowRoot.activeElement?.className || '')).includes('tour-next')) break;
        await page.waitForTimeout(100);
      }
      await inside(() => document.querySelector('glmm-demo').shadowRoot.querySelector('#tour-reveal a.term').focus());
      await page.keyboard.press('Enter');
      const def = await inside(() => document.querySelector('glmm-demo').shadowRoot.querySelector('#tour-reveal .term-def')?.textContent || '');
      assert.ok(def.length > 20, def);
      assert.equal(await page.evaluate(() => location.hash), '');
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
    } finally {
      await context.close();
    }
  }
});

test('old embed links keep working: panels=5 and panels=2,table show those panels and no tour', async () => {
  const { page, context, log } = await openPage(browser, { path: '?embed=1&panels=5,2,table' });
  try {
    assert.equal(await page.locator('#tour').isVisible(), false, 'no tour unless asked for');
    const figs = await page.evaluate(() => [...document.querySelectorAll('#embed-grid figure.fig')].filter((x) => x.offsetParent !== null).map((x) => x.dataset.figure));
    assert.deepEqual(figs, ['5', '2']);
    assert.ok(await page.locator('#embed-grid #results-table').isVisible());
    assert.equal(await page.isVisible('#notice'), false, 'no notice for a good old link');
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a glossary link on the page moves to its entry and keeps the settings (the hash is never a term)', async () => {
  const { page, context, log } = await openPage(browser, { path: '#preset=answer&nagq=25&t=0.5,0.3' });
  try {
    await page.waitForSelector('#causes-body a.term');
    const before = await page.evaluate(() => glmmDemo.params());
    const id = await page.getAttribute('#causes-body a.term', 'href');
    await page.focus('#causes-body a.term');
    await page.keyboard.press('Enter');
    await page.waitForFunction((h) => document.activeElement?.id === h.slice(1), id);
    await page.waitForTimeout(400);
    assert.deepEqual(await page.evaluate(() => glmmDemo.params()), before, 'the settings are kept');
    assert.ok(!(await page.evaluate(() => location.hash)).includes('term-'), 'the hash still holds the parameters');
    assert.equal(await page.isVisible('#notice'), false, 'no notice');
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await context.close();
  }
});
