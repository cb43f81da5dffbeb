// "Is it this seed?" in headless chromium: a 200-seed run of the answer's settings at nAGQ = 25 finishes in
// the workers with a drawn figure whose caption is the native one (`glmm-demo replicate --preset answer --nagq 25 --seeds 200`, run by
// the test; its counts are checked against the Rust fits by src/figures/replications.rs's tests); a 1,000-seed run can be stopped and the page keeps working.
// Prints (no timed assertion) how long 1,000 seeds took and the longest gap between frames meanwhile.
// With UPDATE_SCREENSHOT=1 it writes docs/replications.png (the section at 800 px); always out/replications.png.
// After ./build.sh build: `node --test tests/browser/replications.test.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, copyFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, problems, CLEAN } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..', '..');
// The native numbers, from the CLI of this build (cargo test builds target/debug/glmm-demo first).
const CLI = ['debug', 'release'].map((p) => join(ROOT, 'target', p, 'glmm-demo')).find((p) => existsSync(p));
if (!CLI) throw new Error('target/debug/glmm-demo is missing: run `cargo build` first (./build.sh test does).');
const expected = JSON.parse(execFileSync(CLI, ['replicate', '--preset', 'answer', '--nagq', '25', '--seeds', '200'],
  { encoding: 'utf8', maxBuffer: 64 << 20 }));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Distinct colours on the replications canvas (a blank canvas has 1). */
function canvasColours(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#repl-canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 5) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });
}

test('200 seeds: a drawn figure whose caption is the native one', async (t) => {
  const { page, context, log } = await openPage(browser, { viewport: { width: 800, height: 900 } });
  try {
    await page.evaluate((s) => glmmDemo.set(s), expected.settings.params);
    assert.equal(await page.isHidden('#repl-figure'), true, 'no figure before a run');
    await page.locator('#replications').scrollIntoViewIfNeeded();
    await page.click('[data-repl-seeds="200"]');
    await page.waitForFunction(() => glmmDemo.replications.state()?.done, null, { timeout: 120_000 });
    await page.waitForTimeout(100); // the last frame's drawing
    const state = await page.evaluate(() => glmmDemo.replications.state());
    t.diagnostic(`200 seeds in ${state.ms.toFixed(0)} ms with ${state.workers} workers`);
    assert.equal(state.count, 200);
    assert.equal(state.stopped, false);
    assert.equal(state.caption, expected.caption, 'the page’s caption is the native one');
    assert.equal(await page.textContent('#repl-caption'), expected.caption);
    assert.equal(await page.textContent('#repl-title'), `${expected.title}.`);
    assert.equal(await page.textContent('#repl-explanation'), expected.explanation);
    // Every seed's sums equal the native ones to the last few digits (wasm's exp/log are not glibc's).
    const records = await page.evaluate(() => glmmDemo.replications.records());
    assert.equal(records.length, expected.records.length);
    for (const [k, r] of records.entries()) {
      const e = expected.records[k];
      assert.equal(r.seed, e.seed);
      assert.equal(r.verdict, e.verdict);
      assert.ok(Math.abs(r.sum_modes - e.sum_modes) < 1e-9, `seed ${r.seed}: Σ modes ${r.sum_modes} vs ${e.sum_modes}`);
      assert.ok(Math.abs(r.sum_means - e.sum_means) < 1e-9, `seed ${r.seed}: Σ means ${r.sum_means} vs ${e.sum_means}`);
    }
    assert.ok(await canvasColours(page) > 8, 'the canvas is drawn');
    assert.equal(await page.isDisabled('#repl-stop'), true, 'Stop is off once the run is done');
    assert.equal(await page.evaluate(() => document.querySelector('#repl-progress').value), 200);
    const svg = await page.evaluate(() => glmmDemo.replications.svg(800, 500));
    assert.ok(svg.includes('Is it this seed?') && (svg.match(/<circle/g) || []).length >= 400, 'the SVG has every seed');

    mkdirSync(join(here, 'out'), { recursive: true });
    const file = join(here, 'out', 'replications.png');
    await page.locator('#replications').screenshot({ path: file });
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(file, join(here, '..', '..', 'docs', 'replications.png'));

    // Other settings: the figure of the old ones goes.
    await page.evaluate(() => glmmDemo.set({ groups: 3 }));
    assert.equal(await page.isHidden('#repl-figure'), true, 'a figure of other settings is removed');
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('1,000 seeds can be stopped; the page keeps working and responding', async (t) => {
  const { page, context, log } = await openPage(browser);
  try {
    await page.evaluate((s) => glmmDemo.set(s), expected.settings.params);
    // The longest gap between animation frames while the run goes on (printed, not asserted).
    await page.evaluate(() => {
      window.__gaps = { last: performance.now(), max: 0, on: true };
      const tick = (now) => {
        const g = window.__gaps;
        g.max = Math.max(g.max, now - g.last);
        g.last = now;
        if (g.on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const full = page.evaluate(() => glmmDemo.replications.start(1000));
    const done = await full;
    const gap = await page.evaluate(() => { window.__gaps.on = false; return window.__gaps.max; });
    t.diagnostic(`1,000 seeds in ${done.ms.toFixed(0)} ms with ${done.workers} workers; longest frame gap ${gap.toFixed(0)} ms`);
    assert.equal(done.count, 1000);
    assert.match(done.caption, /^Seeds 1–1000, glmer with nAGQ = 25: /);

    // Again, and stop it early.
    await page.click('[data-repl-seeds="1000"]');
    await page.waitForFunction(() => (glmmDemo.replications.state()?.count ?? 0) >= 50, null, { timeout: 60_000 });
    await page.click('#repl-stop');
    const stopped = await page.evaluate(() => glmmDemo.replications.state());
    assert.equal(stopped.stopped, true);
    assert.ok(stopped.count < 1000, `stopped at ${stopped.count}`);
    await page.waitForTimeout(400);
    const later = await page.evaluate(() => glmmDemo.replications.state());
    assert.equal(later.count, stopped.count, 'no seed arrives after Stop');
    assert.match(later.caption, new RegExp(`^Stopped after ${stopped.count} of 1000 seeds`));
    assert.equal(await page.textContent('#repl-caption'), later.caption);
    assert.equal(await page.isDisabled('#repl-stop'), true);
    assert.equal(await page.isDisabled('[data-repl-seeds="200"]'), false, 'a new run can start');
    // The page still refits.
    const params = await page.evaluate(() => glmmDemo.set({ nagq: 5 }));
    assert.equal(params.nagq, 5);
    assert.equal((await page.evaluate(() => glmmDemo.results())).glmm_agq.nagq, 5);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});
