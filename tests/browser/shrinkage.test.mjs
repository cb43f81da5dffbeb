// Figure 9 (shrinkage) and the ICC card in headless chromium: the figure draws (not blank, no error), and the
// intercepts its description lists (the numbers it draws) are the native CLI's numbers for the same settings:
// each group's own intercept from `glmm-demo fit`'s glm + group (or, with a separated group, glm(y_bin ~ x)
// on the other group's rows alone), glmer's α̂ + b̂_g and α̂ + E[b_g | y], and the complete-pooling intercept.
// The ICC card shows σ_b² / (σ_b² + π²/3) of the CLI's glmer fit.
// After ./build.sh build (and `cargo build` for the CLI): `node --test tests/browser/shrinkage.test.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, canvasColours } from './helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = ['debug', 'release'].map((p) => join(ROOT, 'target', p, 'glmm-demo')).find((p) => existsSync(p));
if (!CLI) throw new Error('target/debug/glmm-demo is missing: run `cargo build` first (./build.sh test does).');
const cli = (args) => execFileSync(CLI, args, { encoding: 'utf8', maxBuffer: 1 << 26 });

/** Rust's `num(v, 3)`: a typographic minus, and no sign on a value that prints as zero. */
const num = (v) => {
  const s = v.toFixed(3);
  return /^-?[0.]+$/.test(s) ? s.replace('-', '') : s.replace('-', '−');
};

/** glm(y_bin ~ x) on the rows of group `label` alone: that group's own intercept when the others are separated. */
function ownAlone(args, label) {
  const rows = cli(['simulate', ...args]).trim().split('\n');
  const dir = mkdtempSync(join(tmpdir(), 'shrink-'));
  const file = join(dir, 'group.csv');
  writeFileSync(file, [rows[0], ...rows.slice(1).filter((r) => r.split(',')[0] === label)].join('\n') + '\n');
  return JSON.parse(cli(['fit', '--csv', file])).glm_pooled.coef[0];
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CASES = [
  {
    name: 'the answer',
    settings: {},
    args: [],
    own: (fit) => [fit.glm_group.coef[0], fit.glm_group.coef[0] + fit.glm_group.coef[2]],
    says: [],
  },
  {
    name: 'an all-ones group',
    settings: { thresholds: [0.5, 0] },
    args: ['--thresholds', '0.5,0'],
    own: () => [ownAlone(['--thresholds', '0.5,0'], '1'), null],
    says: ['Group 2 (all 1) has no estimate of its own', 'the other groups’ own estimates are those of the fit without it'],
  },
  {
    // tests/claims.rs's configuration: group 2 all 0; within group 1, x puts the 1 above the 0, 1000 away
    // from group 2: glm's slope diverges, and no group has an estimate of its own.
    name: 'x separating the mixed group',
    settings: { preset: 'custom', seed: 95, groups: 2, n: 2, thresholds: [0.5016008706874255, 1], y_coef: 1, spacing: 1000, center: true, nagq: 26 },
    args: ['--preset', 'custom', '--seed', '95', '--groups', '2', '--n', '2', '--thresholds', '0.5016008706874255,1',
      '--y-coef', '1', '--spacing', '1000', '--center', '--nagq', '26'],
    own: () => [null, null],
    says: ['Group 2 (all 0) has no estimate of its own', 'In the one group whose outcomes are not all equal, x separates the 0s from the 1s'],
  },
];

for (const c of CASES) {
  test(`figure 9 draws the CLI's intercepts and the ICC card its σ_b: ${c.name}`, async () => {
    const fit = JSON.parse(cli(['fit', ...c.args]));
    const glmm = fit.glmm_agq;
    const alpha = glmm.fixef[0];
    const own = c.own(fit);
    const { page, context } = await openPage(browser);
    try {
      await page.evaluate((s) => glmmDemo.set(s), c.settings);
      const fig = page.locator('figure[data-figure="9"]');
      await fig.scrollIntoViewIfNeeded();
      const info = await page.evaluate(() => {
        const f = document.querySelector('figure[data-figure="9"]');
        const cv = f.querySelector('canvas');
        const err = f.querySelector('.fig-error');
        return {
          w: cv.width, h: cv.height, error: err.hidden ? null : err.textContent,
          caption: f.querySelector('figcaption').textContent, alt: cv.getAttribute('aria-label'),
        };
      });
      assert.equal(info.error, null, 'figure 9 has no error');
      assert.ok(info.w > 200 && info.h > 150, 'figure 9 has a size');
      assert.ok(await canvasColours(page, 9) > 3, 'figure 9 is not blank');
      assert.match(info.caption, /Shrinkage/);
      // The page fitted what the CLI fitted.
      const r = await page.evaluate(() => glmmDemo.results());
      assert.equal(r.glmm_agq.fixef[0].toFixed(6), alpha.toFixed(6));
      for (let k = 0; k < 2; k++) {
        const alone = own[k] === null ? 'none' : num(own[k]);
        const mode = glmm.sigma_b > 0 ? alpha + glmm.ranef[k] : alpha;
        const mean = glmm.sigma_b > 0 ? alpha + glmm.cond_means[k] : alpha;
        const line = `group ${k + 1}: alone ${alone}, mode ${num(mode)}, mean ${num(mean)}`;
        assert.ok(info.alt.toLowerCase().includes(line), `${line}\n${info.alt}`);
      }
      assert.ok(info.alt.includes(`is ${num(fit.glm_pooled.coef[0])}`), info.alt);
      for (const s of c.says) assert.ok(info.caption.includes(s), `${s}\n${info.caption}`);
      assert.equal(/has no estimate of its own/.test(info.caption), c.says.length > 0, info.caption);
      const s = glmm.sigma_b;
      const icc = (s * s) / (s * s + (Math.PI * Math.PI) / 3);
      const shown = await page.locator('[data-card="icc"] .card-value').textContent();
      assert.equal(shown, icc.toFixed(3));
    } finally {
      await context.close();
    }
  });
}
