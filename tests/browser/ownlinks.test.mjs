// "Is it the logit?" and "Your data" from script and from a link (issue 13), in headless chromium under the
// strict CSP: the lesson's current data and the answer's example fitted with logit, probit and cloglog give the
// CLI's numbers on the same data; a Poisson fit of grouseticks from `glmmDemo.set({csv, …})` gives the CLI's
// numbers, and a malformed CSV rejects with the core's sentence while the table stays; a permalink opened in a
// new page brings back the formula and the settings and refits the example with the same numbers; a link to a
// file of the user's says the data stay on this computer and applies its settings to the file chosen again;
// no console error, no request leaving the page.
// After ./build.sh build (and cargo build for the CLI): `node --test tests/browser/ownlinks.test.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPage, problems, CLEAN } from './helpers.mjs';
import { ROOT, cli, ownTable, sameAsCli, waitForFit } from './owncli.mjs';

const ANSWER = join(ROOT, 'tests/data/answer_seed1.csv');
const TICKS = join(ROOT, 'tests/data/grouseticks.csv');
const FORMULA = 'y_bin ~ x + (1 | group)';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Clicks example `id` and waits until its fit is shown. */
async function loadExample(page, id) {
  await page.click(`#own-examples button[data-example="${id}"]`);
  await page.waitForFunction((e) => document.querySelector('#own-results')?.dataset.example === e
    && document.querySelector('#own-status').textContent === '', id, { timeout: 120_000 });
}

/** The form's settings, as the CLI takes them. */
function settings(page) {
  return page.evaluate(() => ({
    formula: document.querySelector('#own-formula').value,
    family: document.querySelector('#own-family').value,
    link: document.querySelector('#own-link').value,
    nagq: Number(document.querySelector('#own-nagq').value),
    factors: [...document.querySelectorAll('#own-columns input[data-factor]:checked')].map((i) => i.dataset.factor),
  }));
}

/** Chooses `link` and waits for the refit (the explanation names the link). */
async function chooseLink(page, link) {
  await page.selectOption('#own-link', link);
  await page.waitForFunction((l) => document.querySelector('#own-explanation p')?.textContent.includes(`link ${l}:`)
    && document.querySelector('#own-status').textContent === '', link, { timeout: 120_000 });
}

test('the lesson’s current data and the answer’s, with logit, probit and cloglog: the CLI’s numbers', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    await loadExample(page, 'lesson');
    assert.equal(await page.locator('#own-source').textContent(), 'lesson.csv: 400 rows and 4 columns.');
    for (const link of ['probit', 'cloglog', 'logit']) {
      await chooseLink(page, link);
      const s = await settings(page);
      assert.deepEqual([s.formula, s.link, s.nagq], [FORMULA, link, 100], 'the lesson’s nAGQ');
      sameAsCli(await ownTable(page), cli(ANSWER, s));
      const why = await page.locator('#own-explanation').textContent();
      assert.ok(why.includes(`not the ${link} link, that keeps the modes from summing to zero`), why);
    }
    // The lesson's settings change: its data here are made again, the section's settings kept.
    await chooseLink(page, 'probit');
    await page.evaluate(() => glmmDemo.set({ groups: 3 }));
    await page.waitForFunction(() => document.querySelector('#own-source').textContent === 'lesson.csv: 600 rows and 4 columns.'
      && document.querySelector('#own-status').textContent === '', null, { timeout: 120_000 });
    await waitForFit(page, FORMULA);
    assert.equal((await settings(page)).link, 'probit');
    // Its permalink: the lesson's settings and the section's; opened in a new page, the same data and numbers.
    const lessonTable = await ownTable(page);
    const lessonLink = await page.evaluate(() => glmmDemo.permalink());
    assert.match(lessonLink, /groups=3&.*&data=lesson&.*data\.link=probit&data\.nagq=100/);
    const other = await openPage(browser, { path: lessonLink.slice(lessonLink.indexOf('#')) });
    try {
      await other.page.waitForFunction(() => document.querySelector('#own-results')?.dataset.example === 'lesson'
        && document.querySelector('#own-status').textContent === '', null, { timeout: 120_000 });
      assert.equal(await other.page.locator('#own-source').textContent(), 'lesson.csv: 600 rows and 4 columns.');
      assert.deepEqual(await settings(other.page), await settings(page));
      assert.deepEqual(await ownTable(other.page), lessonTable);
      assert.deepEqual(problems(other.log), CLEAN);
    } finally {
      await other.context.close();
    }
    const three = await page.evaluate(() => glmmDemo.csv());
    const sameData = await page.evaluate(async (csv) => {
      const fit = await glmmDemo.set({ csv, formula: 'y_bin ~ x + (1 | group)', link: 'probit', nagq: 100 });
      return fit.models.glmm_agq.sigma_b;
    }, three);
    assert.ok(sameData > 0, 'the lesson’s three-group data fitted from script too');

    // The answer's example with each link.
    await loadExample(page, 'answer');
    for (const link of ['logit', 'probit', 'cloglog']) {
      if (link !== 'logit') await chooseLink(page, link);
      const s = await settings(page);
      assert.equal(s.link, link);
      sameAsCli(await ownTable(page), cli(ANSWER, s));
    }
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('glmmDemo.set({csv, …}): a Poisson fit with the CLI’s numbers; a malformed CSV rejects and the table stays', async () => {
  const { page, context, log } = await openPage(browser, { viewport: { width: 390, height: 900 } });
  try {
    const opts = { formula: 'TICKS ~ YEAR + HEIGHT_z + (1 | BROOD)', family: 'poisson', link: 'log', nagq: 25, factors: ['BROOD', 'YEAR'] };
    const fit = await page.evaluate((o) => glmmDemo.set(o), { csv: readFileSync(TICKS, 'utf8'), file_name: 'grouseticks.csv', ...opts });
    const expected = cli(TICKS, opts);
    assert.equal(fit.models.glmm_agq.ranef_sum.toFixed(6), expected.models.glmm_agq.ranef_sum.toFixed(6));
    await waitForFit(page, opts.formula);
    assert.deepEqual(await settings(page), opts, 'the form shows the settings');
    const table = await ownTable(page);
    sameAsCli(table, expected);
    assert.ok((await page.locator('#own-explanation').textContent()).includes('With counts (a Poisson response)'));
    assert.ok((await page.locator('#own-rcode').textContent()).includes('fam <- poisson(link = "log")'));

    const rejected = await page.evaluate(() => glmmDemo.set({ csv: 'a,b\n1,2,3\n', formula: 'a ~ 1 + (1 | b)' }).then(() => null, (e) => e.message));
    assert.equal(rejected, 'CSV line 2, column 3: the row has more fields than the 2 columns the header names (it has 3).');
    assert.equal(await page.locator('#own-error').textContent(), rejected, 'the sentence is shown next to the controls');
    assert.deepEqual(await ownTable(page), table, 'the previous table survives');
    const badFormula = await page.evaluate((csv) => glmmDemo.set({ csv, formula: 'TICKS ~ YEER + (1 | BROOD)', family: 'poisson' }).then(() => null, (e) => e.message), readFileSync(TICKS, 'utf8'));
    assert.ok(/YEER/.test(badFormula) && badFormula.endsWith('.'), badFormula);
    assert.deepEqual(await ownTable(page), table);
    assert.equal(await page.locator('#own-formula').inputValue(), opts.formula, 'the form is as it was');
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('a permalink brings back Your data’s settings: an example is refitted with the same numbers, a file is asked for again', async () => {
  const { page, context, log } = await openPage(browser);
  let link;
  let table;
  try {
    await loadExample(page, 'cbpp');
    await chooseLink(page, 'cloglog');
    await page.fill('#own-nagq', '9');
    await page.dispatchEvent('#own-nagq', 'change');
    await page.waitForFunction(() => document.querySelector('#own-rcode').textContent.includes('nAGQ = 9')
      && document.querySelector('#own-status').textContent === '', null, { timeout: 120_000 });
    table = await ownTable(page);
    link = await page.evaluate(() => glmmDemo.permalink());
    assert.match(link, /&data=cbpp&data\.f=cbind\(incidence%2C%20size%20-%20incidence\)%20~%20period%20%2B%20\(1%20%7C%20herd\)&data\.family=binomial&data\.link=cloglog&data\.nagq=9&data\.factors=herd%2Cperiod$/);
    // The address bar follows (history.replaceState, a quarter of a second later).
    await page.waitForFunction((l) => location.href === l, link);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
  const again = await openPage(browser, { path: link.slice(link.indexOf('#')) });
  try {
    await again.page.waitForFunction(() => document.querySelector('#own-results')?.dataset.example === 'cbpp'
      && document.querySelector('#own-status').textContent === '', null, { timeout: 120_000 });
    const s = await settings(again.page);
    assert.deepEqual(s, { formula: 'cbind(incidence, size - incidence) ~ period + (1 | herd)', family: 'binomial', link: 'cloglog', nagq: 9, factors: ['herd', 'period'] });
    assert.deepEqual(await ownTable(again.page), table, 'the same numbers');
    sameAsCli(table, cli(join(ROOT, 'tests/data/cbpp.csv'), s));
    assert.equal(await again.page.evaluate(() => glmmDemo.permalink()), link);
    assert.deepEqual(problems(again.log), CLEAN);
  } finally {
    await again.context.close();
  }

  // A file of the user's: the link keeps the settings, the page asks for the file, then applies them.
  const csv = readFileSync(ANSWER, 'utf8');
  const first = await openPage(browser);
  let fileLink;
  try {
    await first.page.evaluate((text) => glmmDemo.set({ csv: text, file_name: 'mine.csv', formula: 'y_bin ~ x + (1 | group)', link: 'probit', nagq: 5, factors: ['group'] }), csv);
    fileLink = await first.page.evaluate(() => glmmDemo.permalink());
    assert.ok(fileLink.endsWith('&data=file&data.f=y_bin%20~%20x%20%2B%20(1%20%7C%20group)&data.family=binomial&data.link=probit&data.nagq=5&data.factors=group'), fileLink);
    assert.ok(!fileLink.includes('0.70391'), 'no data in the link');
  } finally {
    await first.context.close();
  }
  const second = await openPage(browser, { path: fileLink.slice(fileLink.indexOf('#')) });
  try {
    await second.page.waitForSelector('#own-kept:not([hidden])');
    const note = await second.page.locator('#own-kept').textContent();
    assert.ok(note.includes('your data never leave the computer they were loaded on, so choose the file again'), note);
    assert.equal(await second.page.locator('#own-formula').inputValue(), 'y_bin ~ x + (1 | group)');
    assert.equal(await second.page.locator('#own-link').inputValue(), 'probit');
    assert.equal(await second.page.locator('#own-results').isHidden(), true, 'nothing is fitted without the data');
    await second.page.setInputFiles('#own-file', { name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await waitForFit(second.page, 'y_bin ~ x + (1 | group)');
    const s = await settings(second.page);
    assert.deepEqual(s, { formula: 'y_bin ~ x + (1 | group)', family: 'binomial', link: 'probit', nagq: 5, factors: ['group'] });
    sameAsCli(await ownTable(second.page), cli(ANSWER, s));
    assert.equal(await second.page.locator('#own-kept').isHidden(), true);
    assert.deepEqual(problems(second.log), CLEAN);
    assert.ok(!second.log.requests.some((u) => u.includes('/data/')), 'a user’s file needs no request');
  } finally {
    await second.context.close();
  }
});
