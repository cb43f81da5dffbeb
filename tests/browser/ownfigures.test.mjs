// "Your data"'s figures (issue 13) in headless chromium: after loading cbpp, the fitted-curves figure (2, against
// the linear predictor), the posteriors of a pair of herds and their joint posterior (figures 7 and 3), the joint
// posterior with the intercept moved by the mean mode (4) and the decomposition along u (5, 6) are drawn (canvas
// pixels not blank), also for a Poisson fit (grouseticks); the default pair is the two herds whose
// conditional mode and mean lie furthest apart in the CLI's glmer fit, the captions come from Rust and give the
// CLI's modes, means and sums, the group chooser redraws, and no console error. The answer's data draw figure 2
// against x with an x chooser that changes the caption; a pasted sleepstudy (Gaussian) draws figure 1.
// After ./build.sh build (and cargo build for the CLI): `node --test tests/browser/ownfigures.test.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, problems, CLEAN } from './helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = ['debug', 'release'].map((p) => join(ROOT, 'target', p, 'glmm-demo')).find((p) => existsSync(p));
const FORMULA = 'cbind(incidence, size - incidence) ~ period + (1 | herd)';

/** The CLI's glmer (nAGQ = 25) on cbpp, as the page's example fits it. */
function cliGlmer() {
  assert.ok(CLI, 'the CLI is built (cargo build)');
  const out = execFileSync(CLI, ['fit', '--csv', join(ROOT, 'tests/data/cbpp.csv'), '--formula', FORMULA,
    '--family', 'binomial', '--link', 'logit', '--nagq', '25', '--factor', 'herd,period'], { encoding: 'utf8' });
  return JSON.parse(out).models.glmm_agq;
}

/** Printed with 4 decimals and a typographic minus, as the captions print. */
const p4 = (v) => v.toFixed(4).replace('-', '\u2212');

/** Distinct colours and a pixel sum of each own-data canvas (a blank canvas has 1 colour). */
async function canvases(page) {
  return page.evaluate(() => [...document.querySelectorAll('#own-figures figure')].map((f) => {
    const c = f.querySelector('canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    let sum = 0;
    for (let i = 0; i < data.length; i += 4 * 7) {
      seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      sum = (sum + data[i] * 3 + data[i + 1] * 5 + data[i + 2] * 7 + i) % 1000000007;
    }
    return { n: Number(f.dataset.ownNumber || f.dataset.ownFigure), colours: seen.size, sum, width: c.width, shown: c.clientWidth };
  }));
}

async function captions(page) {
  return page.evaluate(() => [...document.querySelectorAll('#own-figures figure')].map((f) => ({
    n: Number(f.dataset.ownNumber || f.dataset.ownFigure),
    title: f.querySelector('.fig-title').textContent,
    text: f.querySelector('.fig-explanation').textContent,
    alt: f.querySelector('canvas').getAttribute('aria-label'),
    error: f.querySelector('.fig-error').hidden ? null : f.querySelector('.fig-error').textContent,
  })));
}

/** Each figure's entry by its number: { 3: …, 4: …, … }. */
const byNumber = (list) => Object.fromEntries(list.map((x) => [x.n, x]));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const width of [800, 390]) {
  test(`cbpp at ${width} px: the pair's posteriors and joint posterior are drawn, true, and follow the chooser`, async () => {
    const { page, context, log } = await openPage(browser, { viewport: { width, height: 900 } });
    try {
      await page.click('#own-examples button[data-example="cbpp"]');
      await page.waitForFunction(() => document.querySelector('#own-results')?.dataset.example === 'cbpp'
        && document.querySelector('#own-status').textContent === '' && !document.querySelector('#own-figures').hidden,
      null, { timeout: 120_000 });
      const glmer = cliGlmer();
      // The default pair: the two herds with the widest |mean − mode|.
      const gaps = glmer.ranef.map((m, g) => [Math.abs(glmer.cond_means[g] - m), g]).sort((a, b) => b[0] - a[0]);
      const widest = [gaps[0][1], gaps[1][1]].sort((a, b) => a - b);
      const pair = await page.evaluate(() => [document.querySelector('#own-pair-a').value, document.querySelector('#own-pair-b').value].map(Number));
      assert.deepEqual(pair, widest);
      const shown = await canvases(page);
      assert.deepEqual(shown.map((c) => c.n), [2, 3, 4, 5, 6, 7], 'the curves figure (2), then figures 3–7 in the page order');
      for (const c of shown) {
        assert.ok(c.colours > 20, `the canvas is drawn (${c.colours} colours)`);
        assert.ok(c.shown >= 300 && c.shown <= width, `it fits its container (${c.shown} px)`);
      }
      let caps = byNumber(await captions(page));
      assert.ok(Object.values(caps).every((c) => c.error === null), JSON.stringify(caps));
      assert.match(caps[2].title, /fitted curve and the population average/);
      assert.match(caps[2].text, /^The x axis is η = x_i'β̂, each row’s fixed part of glmer\(…, nAGQ = 25\)’s linear predictor/);
      assert.match(caps[2].text, /With 15 groups every group’s curve is drawn thin and grey/);
      assert.ok(await page.evaluate(() => document.querySelector('.own-x-pick').hidden), 'one x option: no chooser');
      // Figures 4–6: captions from Rust with this fit's numbers.
      const mean = glmer.ranef.reduce((a, b) => a + b, 0) / glmer.ranef.length;
      assert.match(caps[4].title, /intercept moved by the mean mode/);
      assert.ok(caps[4].text.includes(`(Intercept) = ${p4(glmer.fixef[0])} by b̄ = ${p4(mean)}`), caps[4].text);
      assert.match(caps[4].text, /All 15 modes now sum to/);
      assert.ok(caps[5].text.includes(`modes sit at u = ${p4(glmer.ranef.reduce((a, b) => a + b, 0))}`), caps[5].text);
      assert.match(caps[6].text, /the binomial part \(binomial with the logit link/);
      assert.ok(!/Bernoulli/.test(caps[6].text), caps[6].text);
      const fig4 = caps[4].text;
      assert.match(caps[7].title, /posteriors/);
      assert.match(caps[7].text, /These two have the widest gaps between mode and mean of all 15 groups of herd/);
      for (const g of widest) {
        const label = glmer.group_labels[g];
        assert.ok(caps[7].alt.includes(`${label} (`) && caps[7].alt.includes(`mode ${p4(glmer.ranef[g])}, mean ${p4(glmer.cond_means[g])}`),
          `herd ${label}'s mode and mean are the CLI's: ${caps[7].alt}`);
      }
      const sumModes = glmer.ranef[widest[0]] + glmer.ranef[widest[1]];
      const sumMeans = glmer.cond_means[widest[0]] + glmer.cond_means[widest[1]];
      assert.ok(caps[3].text.includes(`sum ${p4(sumModes)}`) && caps[3].text.includes(`sum ${p4(sumMeans)}`), caps[3].text);
      // Another pair: the choosers redraw both figures with that pair's captions.
      const other = [...Array(15).keys()].find((g) => !widest.includes(g));
      await page.selectOption('#own-pair-a', String(other));
      await page.waitForFunction((o) => document.querySelector('#own-figures figure[data-own-figure="7"] canvas').getAttribute('aria-label').includes(`mode `)
        && document.querySelector('#own-pair-a').value === String(o), other);
      const after = byNumber(await canvases(page));
      const before = byNumber(shown);
      for (const n of [2, 3, 4, 7]) assert.ok(after[n].sum !== before[n].sum && after[n].colours > 20, `figure ${n} is redrawn`);
      for (const n of [5, 6]) assert.equal(after[n].sum, before[n].sum, `figure ${n} does not depend on the pair`);
      caps = byNumber(await captions(page));
      assert.notEqual(caps[4].text, fig4, "figure 4's caption follows the pair");
      const a = Math.min(other, widest[1]);
      assert.ok(caps[7].alt.includes(`mode ${p4(glmer.ranef[other])}, mean ${p4(glmer.cond_means[other])}`), caps[7].alt);
      assert.match(caps[7].text, new RegExp(`${glmer.group_labels[widest[0]]} and ${glmer.group_labels[widest[1]]} have the widest gaps`));
      assert.ok(caps[4].alt.includes(`random intercepts of herd ${glmer.group_labels[a]} and herd`), caps[4].alt);
      assert.ok(caps[3].text.includes(`random intercepts of herd ${glmer.group_labels[a]} and herd`), caps[3].text);
      // The same group twice: a sentence, drawn, not a broken figure.
      await page.selectOption('#own-pair-b', String(other));
      await page.waitForFunction(() => /Choose two different groups/.test(document.querySelector('#own-figures figure[data-own-figure="7"] .fig-explanation').textContent));
      assert.ok((await canvases(page)).every((c) => c.colours > 2));
      // Back to the suggested pair.
      await page.click('#own-pair-default');
      await page.waitForFunction((w) => document.querySelector('#own-pair-a').value === String(w[0]) && document.querySelector('#own-pair-b').value === String(w[1]), widest);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal overflow (${overflow} px)`);
      assert.deepEqual(problems(log), CLEAN);
    } finally {
      await context.close();
    }
  });
}

test('grouseticks (Poisson) from script: figures 3–7 are drawn with the Poisson part and the fit\'s numbers', async () => {
  const { page, context, log } = await openPage(browser, { viewport: { width: 800, height: 900 } });
  try {
    const csv = readFileSync(join(ROOT, 'tests/data/grouseticks.csv'), 'utf8');
    const fit = await page.evaluate((c) => glmmDemo.set({
      csv: c, formula: 'TICKS ~ YEAR + HEIGHT_z + (1 | BROOD)', family: 'poisson', link: 'log', factors: ['BROOD', 'YEAR'],
    }), csv);
    await page.waitForFunction(() => !document.querySelector('#own-figures').hidden
      && /Poisson part/.test(document.querySelector('#own-figures figure[data-own-figure="6"] .fig-explanation').textContent), null, { timeout: 120_000 });
    const glmer = fit.models.glmm_agq ?? fit.models.glmm_laplace;
    const shown = await canvases(page);
    assert.deepEqual(shown.map((c) => c.n), [2, 3, 4, 5, 6, 7]);
    for (const c of shown) assert.ok(c.colours > 20, `figure ${c.n} is drawn (${c.colours} colours)`);
    const caps = byNumber(await captions(page));
    assert.ok(Object.values(caps).every((c) => c.error === null), JSON.stringify(caps));
    const sum = glmer.ranef.reduce((a, b) => a + b, 0);
    assert.ok(caps[4].text.includes(`(Intercept) = ${p4(glmer.fixef[0])} by b\u0304 = ${p4(sum / glmer.ranef.length)}`), caps[4].text);
    assert.match(caps[4].text, new RegExp(`All ${glmer.ranef.length} modes now sum to`));
    assert.ok(caps[5].text.includes(`modes sit at u = ${p4(sum)}`), caps[5].text);
    assert.match(caps[6].text, /the Poisson part \(poisson with the log link/);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

/** The curves figure's number, caption and canvas once it is drawn with `pattern` in its caption. */
async function curvesFigure(page, pattern) {
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('#own-figures figure .fig-explanation')?.textContent || '')
    && !document.querySelector('#own-figures').hidden, pattern.source, { timeout: 120_000 });
  const [c] = await canvases(page);
  const [cap] = await captions(page);
  const number = await page.evaluate(() => document.querySelector('#own-figures figure').dataset.ownNumber);
  return { ...cap, canvas: c, number };
}

test('the answer’s data: figure 2 against x, and the x chooser changes the caption and the drawing', async () => {
  const { page, context, log } = await openPage(browser, { viewport: { width: 800, height: 900 } });
  try {
    await page.click('#own-examples button[data-example="answer"]');
    const onX = await curvesFigure(page, /Dashed: glm\(… \+ group\)/);
    assert.equal(onX.number, '2');
    assert.ok(onX.canvas.colours > 20, `drawn (${onX.canvas.colours} colours)`);
    assert.equal(onX.error, null);
    const options = await page.evaluate(() => [...document.querySelectorAll('#own-x option')].map((o) => o.textContent));
    assert.deepEqual(options, ['x', 'the linear predictor']);
    assert.equal(await page.locator('#own-x').inputValue(), '0');
    const others = (await canvases(page)).slice(1).map((c) => c.sum);
    await page.selectOption('#own-x', '1');
    const onEta = await curvesFigure(page, /is left out: its coefficients are its own/);
    assert.notEqual(onEta.text, onX.text);
    assert.notEqual(onEta.canvas.sum, onX.canvas.sum, 'the curves figure is redrawn');
    assert.deepEqual((await canvases(page)).slice(1).map((c) => c.sum), others, 'the other figures are not');
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('sleepstudy pasted as a Gaussian fit draws figure 1 with lm and lmer lines', async () => {
  const csv = readFileSync(join(ROOT, 'tests/data/sleepstudy.csv'), 'utf8');
  const { page, context, log } = await openPage(browser, { viewport: { width: 390, height: 900 } });
  try {
    await page.fill('#own-paste', csv);
    await page.click('#own-use-paste');
    await page.waitForFunction(() => document.querySelector('#own-source')?.textContent.includes('180 rows'), null, { timeout: 60_000 });
    await page.selectOption('#own-family', 'gaussian');
    await page.fill('#own-formula', 'Reaction ~ Days + (1 | Subject)');
    await page.click('#own-form button[type="submit"]');
    const fig = await curvesFigure(page, /Dashed: lm\(… \+ Subject\)/);
    assert.equal(fig.number, '1');
    assert.match(fig.title, /fitted line/);
    assert.match(fig.text, /Solid: lmer\(…\)’s line for each group/);
    assert.ok(fig.canvas.colours > 20, `drawn (${fig.canvas.colours} colours)`);
    assert.ok(fig.canvas.shown <= 390);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});
