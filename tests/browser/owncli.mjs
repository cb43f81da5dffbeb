// Shared by the "Your data" browser tests: the CLI's JSON for a CSV and the page's settings, the numbers the
// own-data table prints, and the check that every one of them is the CLI's number rounded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = ['debug', 'release'].map((p) => join(ROOT, 'target', p, 'glmm-demo')).find((p) => existsSync(p));

/** The CLI's JSON for a CSV and the page's settings. */
export function cli(csv, { formula, family, link, nagq, factors }) {
  assert.ok(CLI, 'the CLI is built (cargo build)');
  const args = ['fit', '--csv', csv, '--formula', formula, '--family', family, '--link', link, '--nagq', String(nagq)];
  if (factors.length) args.push('--factor', factors.join(','));
  return JSON.parse(execFileSync(CLI, args, { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

/** The numbers the table prints: {model: {cells: {key: text}, fixef: {name: text}, error}}. */
export async function ownTable(page) {
  return page.evaluate(() => {
    const out = {};
    for (const tr of document.querySelectorAll('#own-table tbody tr[data-model]')) {
      out[tr.dataset.model] = { cells: {}, fixef: {}, error: tr.querySelector('.own-row-error')?.textContent ?? null };
    }
    for (const td of document.querySelectorAll('#own-table td[data-model][data-key]')) out[td.dataset.model].cells[td.dataset.key] = td.textContent;
    for (const s of document.querySelectorAll('#own-table .own-coef')) out[s.dataset.model].fixef[s.dataset.name] = s.querySelector('.num').textContent;
    return out;
  });
}

/** `text` (printed with d decimals, a typographic minus) is `value` rounded: within half a unit of its last digit. */
export function printed(text, value, what) {
  const d = (text.split('.')[1] || '').length;
  const shown = Number(text.replace('\u2212', '-'));
  assert.ok(Number.isFinite(shown), `${what}: "${text}" is a number`);
  assert.ok(Math.abs(shown - value) <= 0.5 * 10 ** -d + 1e-12, `${what}: the page prints ${text}, the CLI ${value}`);
}

/** Every number of the table against the CLI's JSON of the same fit. */
export function sameAsCli(table, json) {
  const models = Object.keys(json.models);
  assert.deepEqual(Object.keys(table), models, 'the same models, in the same order');
  for (const key of models) {
    const m = json.models[key];
    const row = table[key];
    if (m.error) {
      assert.equal(row.error, m.error);
      continue;
    }
    const named = m.fixef_named ?? (m.fixed_coef_named && Object.fromEntries(m.fixed_coef_named)) ?? m.coef_named
      ?? Object.fromEntries(m.names.map((n, i) => [n, m.coef[i]]));
    for (const [name, text] of Object.entries(row.fixef)) printed(text, named[name], `${key} ${name}`);
    assert.ok(Object.keys(row.fixef).length >= 1, `${key} shows its fixed effects`);
    // The joint mode is a joint density, not a likelihood: no logLik to print.
    if ('loglik' in m) printed(row.cells.loglik, m.loglik, `${key} logLik`);
    else assert.equal(row.cells.loglik, '—', `${key} has no logLik`);
    if ('sigma_b' in m) {
      printed(row.cells.sigma_b, m.sigma_b, `${key} σ_b`);
      printed(row.cells.sum_modes, m.ranef_sum, `${key} Σ modes`);
    }
    if ('loglik_lme4_convention' in m) printed(row.cells.loglik_r, m.loglik_lme4_convention, `${key} logLik as R prints it`);
    if ('cond_means_sum' in m) printed(row.cells.sum_means, m.cond_means_sum, `${key} Σ means`);
  }
}

export async function waitForFit(page, formula) {
  await page.waitForFunction((f) => document.querySelector('#own-formula-shown')?.textContent === f
    && document.querySelector('#own-status').textContent === '', formula, { timeout: 120_000 });
}

