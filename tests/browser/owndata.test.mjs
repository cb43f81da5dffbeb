// "Your data" (issue 13) in headless chromium under the strict CSP: each example data set, fetched or made
// only when chosen, fits with the CLI's numbers (`glmm-demo fit --csv … --formula …` run here on the same
// file); a malformed CSV shows one sentence next to the control and the previous table stays; a user's CSV
// with a factor covariate, dropped on the box, fits with the CLI's numbers, and switching a numeric column
// to a factor refits; no console error, no request leaving the page.
// After ./build.sh build (and cargo build for the CLI): `node --test tests/browser/owndata.test.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, problems, CLEAN } from './helpers.mjs';
import { ROOT, CLI, cli, ownTable, sameAsCli, waitForFit } from './owncli.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const EXAMPLES = [
  // The lesson's current data: at the page's default settings, the answer's.
  ['lesson', 'tests/data/answer_seed1.csv'],
  ['answer', 'tests/data/answer_seed1.csv'],
  ['question', null],
  ['cbpp', 'tests/data/cbpp.csv'],
  ['verbagg', 'tests/data/VerbAgg.csv'],
];

test('each example fits with the CLI’s numbers; a malformed CSV is a sentence and the table stays', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    assert.ok(!log.requests.some((u) => u.includes('/data/')), 'no example is fetched on the first render');
    assert.match(await page.locator('#own-privacy').textContent(), /nothing is uploaded/);
    const examples = await page.evaluate(() => [...document.querySelectorAll('#own-examples button')].map((b) => b.dataset.example));
    assert.deepEqual(examples, EXAMPLES.map(([id]) => id));
    const tmp = mkdtempSync(join(tmpdir(), 'owndata-'));
    for (const [id, file] of EXAMPLES) {
      await page.click(`#own-examples button[data-example="${id}"]`);
      // The example is fetched and fitted asynchronously: wait for its results, then read its formula.
      await page.waitForFunction((e) => document.querySelector('#own-results')?.dataset.example === e
        && document.querySelector('#own-status').textContent === '', id, { timeout: 120_000 });
      const formula = await page.locator('#own-formula').inputValue();
      await waitForFit(page, formula);
      let csv = file && join(ROOT, file);
      if (!csv) {
        // The question's data are simulated in the page: the CLI's simulate writes the same file.
        csv = join(tmp, 'question.csv');
        writeFileSync(csv, execFileSync(CLI, ['simulate', '--preset', 'question'], { encoding: 'utf8' }));
      }
      const settings = await page.evaluate(() => ({
        formula: document.querySelector('#own-formula').value,
        family: document.querySelector('#own-family').value,
        link: document.querySelector('#own-link').value,
        nagq: Number(document.querySelector('#own-nagq').value),
        factors: [...document.querySelectorAll('#own-columns input[data-factor]:checked')].map((i) => i.dataset.factor),
      }));
      sameAsCli(await ownTable(page), cli(csv, settings));
      const rcode = await page.locator('#own-rcode').textContent();
      assert.ok(rcode.includes(`nAGQ = ${settings.nagq}`) && rcode.includes('library(lme4)'), rcode);
      assert.ok((await page.locator('#own-explanation p').count()) >= 3, `${id}: the explanation`);
    }
    // Every model was fitted in the worker (the page's core made the table from its models).
    assert.deepEqual(await page.evaluate(() => {
      const { where, reused } = glmmDemo.timings().own;
      return { where, reused };
    }), { where: 'worker', reused: true });
    // VerbAgg is the last one shown; a malformed paste keeps it.
    const before = await ownTable(page);
    await page.fill('#own-paste', 'a,b\n1,2,3\n');
    await page.click('#own-use-paste');
    await page.waitForSelector('#own-error:not([hidden])');
    assert.equal(await page.locator('#own-error').textContent(),
      'CSV line 2, column 3: the row has more fields than the 2 columns the header names (it has 3).');
    assert.deepEqual(await ownTable(page), before, 'the previous table survives');
    // A formula naming no column is a sentence too, and the table still stays.
    await page.fill('#own-formula', 'r2 ~ Angr + (1 | id)');
    await page.click('#own-form button[type="submit"]');
    await page.waitForFunction(() => /Angr/.test(document.querySelector('#own-error').textContent));
    assert.deepEqual(await ownTable(page), before);
    assert.deepEqual(problems(log), CLEAN);
    assert.ok(log.requests.some((u) => u.endsWith('/data/cbpp.csv')), 'cbpp was fetched from the page’s origin when chosen');
  } finally {
    await context.close();
  }
});

test('a user’s CSV with a factor covariate, dropped on the box, fits with the CLI’s numbers', async () => {
  // 8 groups × 30 rows; dose is text (a factor), site numeric (switched to a factor below).
  let csv = 'y,dose,site,farm\n';
  for (let i = 0; i < 240; i++) {
    const g = i % 8;
    const dose = ['low', 'mid', 'high'][i % 3];
    const y = ((i * 7 + g * 3) % 5) < 2 + (g % 3) ? 1 : 0;
    csv += `${y},${dose},${(i % 4) + 1},F${g}\n`;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'owndata-')), 'farms.csv');
  writeFileSync(file, csv);
  const { page, context, log } = await openPage(browser, { viewport: { width: 390, height: 900 } });
  try {
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'farms.csv', { type: 'text/csv' }));
      document.querySelector('#own-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, csv);
    await waitForFit(page, 'y ~ 1 + (1 | farm)');
    assert.equal(await page.locator('#own-source').textContent(), 'farms.csv: 240 rows and 4 columns.');
    // Pick the covariates: dose (text) and site, then read site as a factor.
    await page.check('#own-columns input[data-covariate="dose"]');
    await waitForFit(page, 'y ~ dose + (1 | farm)');
    await page.check('#own-columns input[data-covariate="site"]');
    await waitForFit(page, 'y ~ dose + site + (1 | farm)');
    await page.selectOption('#own-link', 'probit');
    await page.fill('#own-nagq', '9');
    await page.dispatchEvent('#own-nagq', 'change');
    await page.check('#own-columns input[data-factor="site"]');
    await page.waitForFunction(() => document.querySelector('#own-table .own-coef[data-name="site4"]'));
    await waitForFit(page, 'y ~ dose + site + (1 | farm)');
    const table = await ownTable(page);
    assert.deepEqual(Object.keys(table.glmm_agq.fixef), ['(Intercept)', 'doselow', 'dosemid', 'site2', 'site3', 'site4']);
    sameAsCli(table, cli(file, { formula: 'y ~ dose + site + (1 | farm)', family: 'binomial', link: 'probit', nagq: 9, factors: ['site'] }));
    const rcode = await page.locator('#own-rcode').textContent();
    assert.ok(rcode.includes('read.csv("farms.csv",') && rcode.includes('"site" = "character"') && rcode.includes('binomial(link = "probit")'), rcode);
    assert.deepEqual(problems(log), CLEAN);
    assert.ok(!log.requests.some((u) => u.includes('/data/')), 'a user’s file needs no request');
  } finally {
    await context.close();
  }
});
