// The teaching page in headless Debian chromium: the answer's numbers, live controls, G = 5, no errors,
// no request off 127.0.0.1, recovery from a Rust panic. Run by ./build.sh test; alone, after
// ./build.sh build: `node --test tests/browser/` (helpers.mjs serves www/ under the strict CSP).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, canvasHash, canvasColours, tableNumbers, onlyLocal } from './helpers.mjs';

/** glmer(y_bin ~ x + (1|group), binomial, nAGQ = 100) on the answer's data, as the answer prints it. */
const ANSWER = {
  intercept: 1.3165318,
  slope: 0.2361008,
  sigma_b: 1.055184,
  ranef: [-1.033890, 1.006397],
  ranef_sum: -0.02749356,
};
/** lme4's own precision: its default optimiser stops about this far from the optimum. */
const TOL = 5e-5;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function close(actual, expected, tol, what) {
  assert.ok(Number.isFinite(actual), `${what}: ${actual} is not a number`);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} differs from ${expected} by more than ${tol}`);
}

function assertClean(log) {
  assert.deepEqual(log.pageErrors, [], 'no uncaught exception');
  assert.deepEqual(log.consoleErrors, [], 'no console error');
  assert.deepEqual(log.failed, [], 'no failed request');
  assert.deepEqual(onlyLocal(log.requests), [], 'every request stays on 127.0.0.1');
  assert.deepEqual(log.violations, [], 'no Content-Security-Policy violation');
  assert.ok(log.requests.length > 0);
}

const FIGURES = [1, 2, 3, 4, 5, 6];

test('the default page shows the answer’s numbers, in the API and in the table', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const params = await page.evaluate(() => glmmDemo.params());
    assert.deepEqual(params, {
      preset: 'answer', seed: 1, groups: 2, n: 200, thresholds: [0.5, 0.1],
      y_coef: 0.5, spacing: 2, center: true, nagq: 100,
    });

    const r = await page.evaluate(() => glmmDemo.results());
    const agq = r.glmm_agq;
    assert.equal(agq.nagq, 100);
    close(agq.fixef[0], ANSWER.intercept, TOL, 'glmer intercept');
    close(agq.fixef[1], ANSWER.slope, TOL, 'glmer slope');
    close(agq.sigma_b, ANSWER.sigma_b, TOL, 'glmer sigma_b');
    close(agq.ranef[0], ANSWER.ranef[0], TOL, 'glmer ranef 1');
    close(agq.ranef[1], ANSWER.ranef[1], TOL, 'glmer ranef 2');
    close(agq.ranef_sum, ANSWER.ranef_sum, TOL, 'glmer sum of modes');
    assert.ok(Math.abs(agq.cond_means_sum) < 1e-6, `sum of conditional means ${agq.cond_means_sum} is zero`);
    assert.ok(Math.abs(r.lmm.ranef_sum) <= 1e-10, `lmer sum ${r.lmm.ranef_sum} is zero`);
    for (const key of ['lm_pooled', 'lm_group', 'lmm', 'glm_pooled', 'glm_group', 'glmm_laplace', 'glmm_agq', 'joint_mode', 'marginal_exact']) {
      assert.ok(r[key] && r[key].error === undefined, `${key} is fitted: ${JSON.stringify(r[key]).slice(0, 200)}`);
    }

    // The same numbers as the table shows them (6 decimals: rounding adds at most 5e-7).
    const t = await tableNumbers(page);
    const row = t.glmm_agq;
    close(row.intercept, ANSWER.intercept, TOL + 5e-7, 'table intercept');
    close(row.slope, ANSWER.slope, TOL + 5e-7, 'table slope');
    close(row.sigma_b, ANSWER.sigma_b, TOL + 5e-7, 'table sigma_b');
    close(row.re1, ANSWER.ranef[0], TOL + 5e-7, 'table b1');
    close(row.re2, ANSWER.ranef[1], TOL + 5e-7, 'table b2');
    close(row.modes, ANSWER.ranef_sum, TOL + 5e-7, 'table sum of modes');
    assert.equal(row.means, 0, 'table sum of means shows 0.000000');
    assert.equal(t.lmm.modes, 0, 'table lmer sum shows 0.000000');

    // The non-zero sum of modes and the zero sums stand out.
    const classes = await page.evaluate(() => ({
      mode: document.querySelector('td[data-model="glmm_agq"][data-key="modes"]').className,
      mean: document.querySelector('td[data-model="glmm_agq"][data-key="means"]').className,
      lmm: document.querySelector('td[data-model="lmm"][data-key="modes"]').className,
    }));
    assert.match(classes.mode, /hl-mode/);
    assert.match(classes.mean, /hl-zero/);
    assert.match(classes.lmm, /hl-zero/);

    // The key-number cards and the explanation carry the live numbers.
    const card = await page.evaluate(() => document.querySelector('.card-mode .card-value').textContent);
    close(Number(card.replace('\u2212', '-')), ANSWER.ranef_sum, TOL + 5e-7, 'card');
    // The words come from Rust (Demo.text()) and follow the numbers they stand next to.
    const words = await page.evaluate(() => ({
      modesFoot: document.querySelector('[data-card="modes"] .card-foot').textContent,
      meansFoot: document.querySelector('[data-card="means"] .card-foot').textContent,
      meansValue: document.querySelector('[data-card="means"] .card-value').textContent,
      note: document.querySelector('#text-table-note').textContent,
      lmerRow: document.querySelector('tr[data-model="lmm"] .model-name').textContent,
      ch1: document.querySelector('[data-chapter="ch1"]').textContent,
      ch3: document.querySelector('[data-chapter="ch3"]').textContent,
      math: document.querySelectorAll('[data-chapter] math').length,
    }));
    assert.match(words.modesFoot, /not zero/);
    assert.equal(words.meansValue, '0.000000');
    // The means card shows the exact marginal likelihood's sum, where the identity holds.
    assert.match(words.meansFoot, /^zero, as at every maximum of the exact marginal likelihood/);
    assert.match(words.note, /REML/);
    assert.equal(words.lmerRow, 'lmer (REML)');
    assert.match(words.ch1, /spacing 2/);
    assert.match(words.ch1, /glm’s slope 0\.680950 is further from zero than glmer’s 0\.236099/);
    assert.match(words.ch3, /interior local mode/);
    assert.equal(words.math, 4, 'four formulas in MathML: three displayed, and the joint mode’s equation');

    // Six figures, drawn at device resolution, none blank, each with a mapping for the hover read-out.
    for (const n of FIGURES) {
      const info = await page.evaluate((k) => {
        const c = document.querySelector(`figure[data-figure="${k}"] canvas`);
        const err = document.querySelector(`figure[data-figure="${k}"] .fig-error`);
        return { w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight, error: err.hidden ? null : err.textContent };
      }, n);
      assert.equal(info.error, null, `figure ${n} has no error`);
      assert.equal(info.w, info.cw, `figure ${n}: backing store = CSS width at dpr 1`);
      assert.ok(info.w > 200 && info.h > 150, `figure ${n} has a size`);
      assert.ok(await canvasColours(page, n) > 3, `figure ${n} is not blank`);
    }
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('a singular fit says so, and never calls its 0.000000 “not zero”', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    await page.evaluate(() => glmmDemo.set({ preset: 'custom', seed: 1, groups: 5, n: 20, thresholds: [0.5, 0.5, 0.5, 0.5, 0.5], y_coef: 0, spacing: 0, nagq: 10 }));
    const words = await page.evaluate(() => ({
      value: document.querySelector('[data-card="modes"] .card-value').textContent,
      foot: document.querySelector('[data-card="modes"] .card-foot').textContent,
      tone: document.querySelector('[data-card="modes"]').className,
      ch1: document.querySelector('[data-chapter="ch1"]').textContent,
    }));
    assert.equal(words.value, '0.000000');
    assert.doesNotMatch(words.foot, /not zero/);
    assert.match(words.foot, /singular/);
    assert.match(words.tone, /card-mean/);
    assert.match(words.ch1, /Spacing 0 isolates this effect/);
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('HiDPI: canvases are sized CSS × devicePixelRatio', async () => {
  const { page, context, log } = await openPage(browser, { deviceScaleFactor: 2, viewport: { width: 1200, height: 900 } });
  try {
    const sizes = await page.evaluate(() => [...document.querySelectorAll('figure.fig[data-figure] canvas')]
      .map((c) => [c.width, c.height, c.clientWidth, c.clientHeight]));
    assert.equal(sizes.length, 9); // figures 1–6 and the lesson's 7–9
    for (const [w, h, cw, ch] of sizes) {
      assert.equal(w, Math.round(cw * 2));
      assert.equal(h, Math.round(ch * 2));
    }
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('moving a threshold slider refits and redraws', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const before = await page.evaluate(() => glmmDemo.results());
    const hashes = {};
    for (const n of FIGURES) hashes[n] = await canvasHash(page, n);
    let updates = 0;
    await page.exposeFunction('countUpdate', () => { updates += 1; });
    await page.evaluate(() => glmmDemo.addEventListener('update', () => window.countUpdate()));

    // Real input events: the keyboard on group 2's slider, five steps of 0.01.
    await page.focus('#t2-range');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => Math.abs(glmmDemo.params().thresholds[1] - 0.15) < 1e-12);
    const mid = await page.evaluate(() => glmmDemo.params());
    assert.equal(mid.preset, 'custom');
    assert.equal(await page.inputValue('#t2'), '0.15', 'the number box follows the slider');

    // And the mouse: drag group 1's thumb to the right (many input events, coalesced to the newest).
    const box = await page.locator('#t1-range').boundingBox();
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.5, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.5 + 0.025 * i), y);
    await page.mouse.up();
    const slider = Number(await page.inputValue('#t1-range'));
    assert.ok(slider > 0.6, `slider moved to ${slider}`);
    await page.waitForFunction((v) => Math.abs(glmmDemo.params().thresholds[0] - v) < 1e-12, slider);

    const afterR = await page.evaluate(() => glmmDemo.results());
    assert.notEqual(afterR.glmm_agq.fixef[0], before.glmm_agq.fixef[0], 'the intercept moved');
    assert.notEqual(afterR.glmm_agq.ranef_sum, before.glmm_agq.ranef_sum, 'the sum of modes moved');
    assert.notEqual(afterR.data.sum_ybin, before.data.sum_ybin, 'the data changed');
    const t = await tableNumbers(page);
    close(t.glmm_agq.intercept, afterR.glmm_agq.fixef[0], 5e-7, 'the table follows');
    for (const n of [2, 3, 4, 6]) {
      assert.notEqual(await canvasHash(page, n), hashes[n], `figure ${n} was redrawn with new pixels`);
    }
    assert.ok(updates >= 2, `update events: ${updates}`);
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('glmmDemo.set({groups: 5}) draws five groups', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const fig1 = await canvasHash(page, 1);
    const params = await page.evaluate(() => glmmDemo.set({ groups: 5 }));
    assert.equal(params.groups, 5);
    assert.equal(params.thresholds.length, 5, 'thresholds reset to five defaults');
    assert.equal(params.preset, 'custom');
    assert.equal(await page.locator('#thresholds input[type=range]').count(), 5, 'five threshold sliders');
    assert.equal(await page.locator('#thresholds input[type=number]').count(), 5, 'five number boxes');
    assert.equal(await page.locator('#results-table thead th.re-col').count(), 5, 'five random-intercept columns');
    const r = await page.evaluate(() => glmmDemo.results());
    assert.equal(r.glmm_agq.ranef.length, 5);
    assert.equal(r.data.groups, 5);
    const t = await tableNumbers(page);
    for (let g = 1; g <= 5; g++) close(t.glmm_agq[`re${g}`], r.glmm_agq.ranef[g - 1], 5e-7, `b${g}`);
    assert.notEqual(await canvasHash(page, 1), fig1, 'figure 1 redrawn');
    // Five group colours (Okabe–Ito, as src/figures/palette.rs) appear in figure 1.
    const present = await page.evaluate(() => {
      const c = document.querySelector('figure[data-figure="1"] canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const palette = [[0xe6, 0x9f, 0x00], [0x56, 0xb4, 0xe9], [0x00, 0x9e, 0x73], [0xf0, 0xe4, 0x42], [0x00, 0x72, 0xb2]];
      return palette.map(([r, g, b]) => {
        for (let i = 0; i < d.length; i += 4) {
          if (Math.abs(d[i] - r) < 6 && Math.abs(d[i + 1] - g) < 6 && Math.abs(d[i + 2] - b) < 6) return true;
        }
        return false;
      });
    });
    assert.deepEqual(present, [true, true, true, true, true], 'each of the five group colours is drawn');
    assert.equal(await page.isVisible('#pair-chooser'), true, 'a chooser for the contour pair when G > 2');
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('bad values are sentences, a model that cannot be fitted says why, the page keeps working', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const before = await page.evaluate(() => glmmDemo.params());
    const msg = await page.evaluate(() => glmmDemo.set({ nagq: 0 }).then(() => 'resolved', (e) => e.message));
    assert.equal(msg, 'nagq must be a whole number from 1 to 100, but it is 0.');
    assert.deepEqual(await page.evaluate(() => glmmDemo.params()), before, 'nothing changed');

    // G = 1: no random intercept can be estimated; those rows carry their sentence, the others are fitted.
    await page.evaluate(() => glmmDemo.set({ groups: 1 }));
    const r = await page.evaluate(() => glmmDemo.results());
    assert.equal(r.data.groups, 1);
    assert.ok(r.lm_pooled.error === undefined, 'lm still fitted');
    const failed = await page.evaluate(() => [...document.querySelectorAll('#results-table tr.failed')]
      .map((tr) => [tr.dataset.model, tr.querySelector('.error-cell').textContent.trim()]));
    for (const [model, text] of failed) {
      assert.ok(r[model].error, `${model} failed in the results too`);
      assert.ok(text.includes(r[model].error), `${model}: the row shows "${r[model].error}"`);
    }

    // A value typed into a number box out of range is refused with the core's sentence.
    await page.evaluate(() => glmmDemo.set({ groups: 2 }));
    await page.fill('#nagq', '500');
    await page.press('#nagq', 'Enter');
    await page.locator('#nagq').blur();
    await page.waitForSelector('#notice:not([hidden])');
    assert.match(await page.textContent('#notice-text'), /nagq must be a whole number from 1 to 100, but it is 500\./);
    await page.waitForFunction(() => document.querySelector('#nagq').value === '100'); // the value in use again

    // A singular fit (σ_b = 0) is a fit, with a sentence under its row saying what that means.
    await page.evaluate(() => glmmDemo.set({ preset: 'custom', groups: 5, seed: 3, thresholds: [0.5, 0.5, 0.5, 0.5, 0.5], y_coef: 1, spacing: 0 }));
    const singular = await page.evaluate(() => glmmDemo.results());
    assert.equal(singular.glmm_agq.singular, true);
    const notes = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#results-table tr.note-row')]
      .map((tr) => [tr.dataset.noteFor, tr.textContent.trim()])));
    assert.deepEqual(Object.keys(notes).sort(), ['glmm_agq', 'glmm_laplace', 'joint_mode', 'lmm', 'marginal_exact']);
    assert.match(notes.joint_mode, /lower bound σ = 0.01/);
    assert.match(notes.glmm_agq, /Singular fit \(lme4: "boundary \(singular\) fit"\): σ_b is estimated as 0/);
    assert.ok(notes.lmm.includes(singular.lmm.note));
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('a Rust panic is caught, reported, and the page recovers with the last good parameters', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    await page.evaluate(() => glmmDemo.set({ seed: 7 }));
    const before = await page.evaluate(() => glmmDemo.results());
    await page.evaluate(() => glmmDemo.panicForTest('deliberate test panic'));
    assert.equal(await page.isVisible('#notice'), true, 'a notice is shown');
    assert.match(await page.textContent('#notice-text'), /deliberate test panic/);
    assert.deepEqual(await page.evaluate(() => glmmDemo.results()), before, 'same results after recovery');
    assert.equal((await page.evaluate(() => glmmDemo.params())).seed, 7, 'the last good parameters are back');
    const p = await page.evaluate(() => glmmDemo.set({ seed: 8 }));
    assert.equal(p.seed, 8, 'the recovered engine refits');
    assert.ok(await canvasColours(page, 2) > 3, 'and draws');
    assert.deepEqual(log.pageErrors, [], 'no uncaught exception');
    // The panic hook itself reports the panic on the console; nothing else may.
    assert.deepEqual(log.consoleErrors.filter((e) => !e.includes('deliberate test panic')), []);
    assert.deepEqual(onlyLocal(log.requests), []);
  } finally {
    await context.close();
  }
});

test('hovering a figure reads out the data value under the pointer', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const canvas = page.locator('figure[data-figure="2"] canvas');
    await canvas.scrollIntoViewIfNeeded();
    const m = await page.evaluate(() => {
      const c = document.querySelector('figure[data-figure="2"] canvas');
      return { w: c.clientWidth, h: c.clientHeight };
    });
    await canvas.hover({ position: { x: m.w * 0.5, y: m.h * 0.5 } });
    const readout = page.locator('figure[data-figure="2"] .readout');
    await readout.waitFor({ state: 'visible' });
    assert.match(await readout.textContent(), /x = .*P\(y_bin = 1\) = /);
    await page.mouse.move(1, 1);
    await readout.waitFor({ state: 'hidden' });
    assertClean(log);
  } finally {
    await context.close();
  }
});
