// Made for course notes (issue 4) and large data (issue 5), in headless Debian chromium, every page served
// under `Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`
// (server.mjs) with securitypolicyviolation events recorded: permalinks, malformed links, embed mode and
// its height message, the custom element, the one-file build from file://, SVG/PNG/CSV/JSON export, the R
// code dialog, dark mode, accessibility, print and reduced motion, and a 100,000-row refit in the worker
// while the page keeps responding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, openPage, canvasColours, problems, CLEAN } from './helpers.mjs';
import * as helpers from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SINGLE = process.env.GLMM_SINGLE_FILE || join(here, '..', '..', 'dist', 'glmm-demo.html');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


test('permalink round trip: the hash holds every parameter, a reload restores them and the numbers', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const want = { seed: 7, groups: 3, thresholds: [0.45, 0.2, 0.35], nagq: 25, center: false, y_coef: 0.75 };
    const historyBefore = await page.evaluate(() => history.length);
    await page.evaluate((p) => glmmDemo.set(p), want);
    await page.waitForFunction(() => location.hash.includes('seed=7') && location.hash.includes('nagq=25'));
    const url = page.url();
    assert.match(url, /#preset=custom&seed=7&groups=3&n=200&t=0\.45,0\.2,0\.35&yc=0\.75&sp=2&c=0&nagq=25/);
    const historyLength = await page.evaluate(() => history.length);
    assert.equal(historyLength, historyBefore, 'replaceState: no history entries');
    const params = await page.evaluate(() => glmmDemo.params());
    const results = await page.evaluate(() => glmmDemo.results());

    const second = await openPage(browser, { url });
    try {
      assert.deepEqual(await second.page.evaluate(() => glmmDemo.params()), params, 'the same parameters');
      assert.deepEqual(await second.page.evaluate(() => glmmDemo.results()), results, 'the same numbers');
      assert.equal(await second.page.isVisible('#notice'), false, 'no notice for a good link');
      assert.equal(await second.page.inputValue('#t3'), '0.35', 'the controls show the link');
      assert.deepEqual(problems(second.log), CLEAN);
    } finally {
      await second.context.close();
    }
    // glmmDemo.permalink() is the same link.
    assert.equal(await page.evaluate(() => glmmDemo.permalink()), url);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('a malformed link falls back to the defaults with a visible notice, never markup', async () => {
  const bad = '#groups=abc&seed=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&nagq=25&colour=red&t=0.5,2';
  const { page, context, log } = await openPage(browser, { path: bad });
  try {
    const p = await page.evaluate(() => glmmDemo.params());
    assert.equal(p.groups, 2, 'groups: default');
    assert.equal(p.seed, 1, 'seed: default');
    assert.equal(p.nagq, 25, 'the good setting is kept');
    assert.deepEqual(p.thresholds, [0.5, 0.1], 'thresholds: default');
    assert.equal(await page.isVisible('#notice'), true, 'a notice is shown');
    const notice = await page.evaluate(() => ({
      text: document.querySelector('#notice-text').textContent,
      elements: [...document.querySelectorAll('#notice-text *')].map((e) => e.tagName),
      img: document.querySelectorAll('img').length,
    }));
    assert.match(notice.text, /groups/);
    assert.match(notice.text, /seed/);
    assert.match(notice.text, /colour/);
    assert.ok(notice.elements.every((t) => t === 'UL' || t === 'LI'), `only list items: ${notice.elements}`);
    assert.equal(notice.img, 0, 'the link never reaches the page as markup');
    // The hash is rewritten to the state in use.
    await page.waitForFunction(() => location.hash.startsWith('#preset=answer&seed=1&groups=2&n=200&t=0.5,0.1&')
      && location.hash.includes('nagq=25') && !location.hash.includes('colour'));
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('embed mode in an iframe: only the chosen panels, and the height posted to the parent', async () => {
  const { page, context, log } = await openPage(browser, { path: '__test/iframe.html', wait: false, viewport: { width: 900, height: 700 } });
  try {
    await page.waitForFunction(() => window.heights && window.heights.length > 0, null, { timeout: 60_000 });
    const f = page.frames().find((x) => x.url().includes('embed=1'));
    await f.waitForFunction(() => window.glmmDemo && window.glmmDemo.results() !== null, null, { timeout: 60_000 });
    await f.waitForFunction(() => document.documentElement.classList.contains('embed'));
    // The parent hears settled heights only: the last one is the page's height, and none on the way was a
    // transient of the unstyled page (several times the final height).
    await f.waitForFunction(() => {
      const h = Math.ceil(document.documentElement.getBoundingClientRect().height);
      return Math.abs(window.parent.heights.at(-1) - h) <= 2;
    }, null, { timeout: 10_000 });
    const shown = await f.evaluate(() => ({
      embed: document.documentElement.classList.contains('embed'),
      figures: [...document.querySelectorAll('figure.fig')].filter((x) => x.offsetParent !== null).map((x) => x.dataset.figure),
      table: document.querySelector('#results-table').offsetParent !== null,
      panel: document.querySelector('#controls').offsetParent !== null,
      hero: [...document.querySelectorAll('.hero > :not(h1)')].some((x) => x.offsetParent !== null),
      title: (() => { const r = document.querySelector('h1').getBoundingClientRect(); return [r.width, r.height]; })(),
      height: Math.ceil(document.documentElement.getBoundingClientRect().height),
      width: document.querySelector('figure[data-figure="2"] canvas').clientWidth,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    assert.equal(shown.embed, true);
    assert.deepEqual(shown.figures, ['2', '3'], 'figures 2 and 3 only');
    assert.equal(shown.table, true, 'and the table');
    assert.equal(shown.panel, false, 'no controls');
    assert.equal(shown.hero, false, 'no page text');
    assert.deepEqual(shown.title, [1, 1], 'the page title for screen readers only');
    assert.ok(shown.width > 250, `figures sized to the frame: ${shown.width}px`);
    assert.ok(shown.overflow <= 0, `nothing wider than the frame (${shown.overflow}px over)`);
    const heights = await page.evaluate(() => window.heights);
    assert.ok(Math.abs(heights.at(-1) - shown.height) <= 2, `posted ${heights.at(-1)}, page ${shown.height}`);
    assert.ok(heights.every((x) => x <= shown.height * 1.25), `only settled heights: ${heights}`);
    assert.equal(await page.evaluate(() => document.getElementById('frame').height), String(heights.at(-1)), 'the parent sized its iframe');
    // The figures really drew.
    const colours = await f.evaluate(() => {
      const c = document.querySelector('figure[data-figure="2"] canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const s = new Set();
      for (let i = 0; i < d.length; i += 28) s.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return s.size;
    });
    assert.ok(colours > 3, 'figure 2 drawn');
    // On resize the height is posted again.
    const before = heights.length;
    await page.evaluate(() => { document.getElementById('frame').width = '420'; });
    await page.waitForFunction((n) => window.heights.length > n, before);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('embed view settings also work in the hash, and the Embed dialog gives the snippets', async () => {
  const { page, context, log } = await openPage(browser, { path: '#preset=answer&seed=1&embed=1&panels=table,6' });
  try {
    const shown = await page.evaluate(() => [...document.querySelectorAll('figure.fig')].filter((x) => x.offsetParent !== null).map((x) => x.dataset.figure));
    assert.deepEqual(shown, ['6']);
    const order = await page.evaluate(() => [...document.querySelector('#embed-grid').children].map((c) => c.id || c.className));
    assert.deepEqual(order, ['results', 'panel-figs'], 'the table first, as the link asks');
    await context.close();

    const full = await openPage(browser);
    try {
      await full.page.click('#open-embed');
      assert.equal(await full.page.isVisible('#embed-dialog'), true);
      const iframe = await full.page.inputValue('#embed-iframe');
      assert.match(iframe, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1&panels=2,3,table#preset=answer&seed=1&/);
      const element = await full.page.inputValue('#embed-element');
      assert.match(element, /<glmm-demo preset="answer" seed="1" nagq="100" panels="2,3,table"><\/glmm-demo>/);
      await full.page.check('#embed-panels input[value="5"]');
      assert.match(await full.page.inputValue('#embed-iframe'), /panels=2,3,5,table/);
      await full.page.keyboard.press('Escape');
      assert.equal(await full.page.isVisible('#embed-dialog'), false, 'Escape closes the dialog');
      assert.deepEqual(problems(full.log), CLEAN);
    } finally {
      await full.context.close();
    }
    assert.deepEqual(problems(log), CLEAN);
  } catch (e) {
    await context.close().catch(() => {});
    throw e;
  }
});

test('the custom element: two <glmm-demo> on one page, each with its own panels and parameters', async () => {
  const { page, context, log } = await openPage(browser, { path: '__test/elements.html', wait: false, viewport: { width: 1100, height: 900 } });
  try {
    await page.waitForFunction(() => document.querySelector('#a')?.results?.() && document.querySelector('#b')?.results?.(), null, { timeout: 60_000 });
    const info = await page.evaluate(() => [...document.querySelectorAll('glmm-demo')].map((el) => ({
      params: el.params(),
      figures: [...el.shadowRoot.querySelectorAll('figure.fig')].map((f) => f.dataset.figure),
      table: el.shadowRoot.querySelectorAll('table.results-table tbody tr[data-model]').length,
      stylesheet: [...el.shadowRoot.querySelectorAll('link[rel=stylesheet]')].map((l) => l.href),
      sum: el.results().glmm_agq.ranef_sum,
      groups: el.results().data.groups,
      canvasWidth: el.shadowRoot.querySelector('canvas').clientWidth,
    })));
    assert.equal(info.length, 2);
    const [a, b] = info;
    assert.deepEqual(a.figures, ['2', '3']);
    assert.equal(a.table, 9, 'a table row per model');
    assert.equal(a.params.preset, 'answer');
    assert.ok(Math.abs(a.sum - -0.02749356) < 5e-5, `the answer's sum of modes: ${a.sum}`);
    assert.ok(a.stylesheet[0].endsWith('/style.css'), 'the page stylesheet in the shadow root');
    assert.deepEqual(b.figures, ['1']);
    assert.equal(b.table, 0);
    assert.equal(b.groups, 3, 'the second element has its own parameters');
    assert.equal(b.params.nagq, 25);
    assert.ok(a.canvasWidth > 250 && b.canvasWidth > 250);
    // Drawn, each in its own shadow root.
    const colours = await page.evaluate(() => [...document.querySelectorAll('glmm-demo')].map((el) => {
      const c = el.shadowRoot.querySelector('canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const s = new Set();
      for (let i = 0; i < d.length; i += 28) s.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return s.size;
    }));
    assert.ok(colours.every((n) => n > 3), `both drawn: ${colours}`);
    // An attribute change refits that element only.
    await page.evaluate(() => new Promise((r) => {
      const el = document.querySelector('#b');
      el.addEventListener('update', r, { once: true });
      el.setAttribute('seed', '5');
    }));
    const seeds = await page.evaluate(() => [...document.querySelectorAll('glmm-demo')].map((el) => el.params().seed));
    assert.deepEqual(seeds, [1, 5]);
    assert.match(await page.evaluate(() => document.querySelector('#a').rCode()), /set\.seed\(1\)/);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('the one-file build opened from file:// fits and draws, with no console error and no request', async (t) => {
  if (!existsSync(SINGLE)) {
    if (process.env.GLMM_SINGLE_FILE) assert.fail(`${SINGLE} is missing`);
    t.skip('dist/glmm-demo.html not built (./build.sh single)');
    return;
  }
  const url = pathToFileURL(SINGLE).href;
  const { page, context, log } = await openPage(browser, { url });
  try {
    const r = await page.evaluate(() => glmmDemo.results());
    assert.ok(Math.abs(r.glmm_agq.ranef_sum - -0.02749356) < 5e-5);
    for (const n of [1, 2, 3, 4, 5, 6]) assert.ok(await canvasColours(page, n) > 3, `figure ${n} drawn`);
    // Large data go to the worker (a blob: classic worker) from file:// too.
    await page.evaluate(() => glmmDemo.set({ groups: 10, n: 3000, nagq: 5 }));
    assert.equal((await page.evaluate(() => glmmDemo.timings())).where, 'worker');
    const svg = await page.evaluate(() => glmmDemo.svg(2));
    assert.match(svg, /^<svg/);
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.consoleErrors, []);
    const other = log.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(other, [], 'nothing is fetched from anywhere');
    assert.equal(log.requests.filter((u) => u.startsWith('file:')).length, 1, 'one file, nothing else');
  } finally {
    await context.close();
  }
});

async function downloadOf(page, action) {
  const [dl] = await Promise.all([page.waitForEvent('download'), action()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

test('export: each figure as SVG and PNG, the data as CSV, the results as JSON', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const svg = await downloadOf(page, () => page.click('figure[data-figure="2"] button[data-export="svg"]'));
    assert.match(svg.name, /^glmm-demo-answer-seed1-figure2-logistic-fits\.svg$/);
    const text = svg.bytes.toString('utf8');
    assert.match(text, /^<svg/);
    assert.match(text, /<\/svg>\s*$/);
    assert.match(text, /logistic/i, 'the figure’s own text');

    const png = await downloadOf(page, () => page.click('figure[data-figure="3"] button[data-export="png"]'));
    assert.match(png.name, /figure3-posterior-two-groups\.png$/);
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    const width = png.bytes.readUInt32BE(16);
    const height = png.bytes.readUInt32BE(20);
    const css = await page.evaluate(() => document.querySelector('figure[data-figure="3"] canvas').clientWidth);
    assert.equal(width, Math.max(640, css) * 2, `PNG at 2×: ${width}×${height}`);

    const csv = await downloadOf(page, () => page.click('#export-csv'));
    const lines = csv.bytes.toString('utf8').trim().split('\n');
    assert.equal(lines[0], 'group,y,y_bin,x');
    assert.equal(lines.length, 401);

    const json = await downloadOf(page, () => page.click('#export-json'));
    const parsed = JSON.parse(json.bytes.toString('utf8'));
    assert.equal(parsed.params.seed, 1);
    assert.ok(Math.abs(parsed.results.glmm_agq.ranef_sum - -0.02749356) < 5e-5);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('the R code dialog and glmmDemo.rCode() give the script with set.seed(1)', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    await page.click('#open-rcode');
    assert.equal(await page.isVisible('#rcode-dialog'), true);
    const shown = await page.textContent('#rcode-text');
    assert.match(shown, /set\.seed\(1\)/);
    assert.match(shown, /glmer\(/);
    assert.match(shown, /nAGQ = 100/);
    assert.equal(await page.evaluate(() => glmmDemo.rCode()), shown);
    const file = await downloadOf(page, () => page.click('#download-rcode'));
    assert.match(file.name, /\.R$/);
    assert.equal(file.bytes.toString('utf8'), shown);
    await page.click('#rcode-dialog .dialog-actions [data-close]');
    assert.equal(await page.isVisible('#rcode-dialog'), false);
    await page.evaluate(() => glmmDemo.set({ seed: 42 }));
    assert.match(await page.evaluate(() => glmmDemo.rCode()), /set\.seed\(42\)/);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('dark mode: follows the system, and the toggle switches the colour scheme (kept in the link)', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const look = () => page.evaluate(() => ({
      scheme: getComputedStyle(document.documentElement).colorScheme,
      bg: getComputedStyle(document.body).backgroundColor,
      pressed: document.querySelector('#theme-toggle').getAttribute('aria-pressed'),
      card: getComputedStyle(document.querySelector('.fig .canvas-wrap')).backgroundColor,
    }));
    const light = await look();
    assert.equal(light.scheme, 'light');
    assert.equal(light.pressed, 'false');
    await page.click('#theme-toggle');
    const dark = await look();
    assert.equal(dark.scheme, 'dark');
    assert.equal(dark.pressed, 'true');
    assert.notEqual(dark.bg, light.bg, 'the page background changes');
    assert.equal(dark.card, 'rgb(255, 255, 255)', 'figures stay on a light card');
    await page.waitForFunction(() => location.hash.endsWith('&dark=1'));
    await page.click('#theme-toggle');
    assert.equal((await look()).scheme, 'light');

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.click('#theme-toggle'); // explicit light → dark
    await page.click('#theme-toggle'); // → light although the system is dark
    assert.equal((await look()).scheme, 'light');
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
  const sys = await openPage(browser, { contextOptions: { colorScheme: 'dark' } });
  try {
    const s = await sys.page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
    assert.equal(s, 'dark', 'prefers-color-scheme: dark');
  } finally {
    await sys.context.close();
  }
});

test('accessible: labelled controls, slider value texts, figure descriptions, a polite live region', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, button, textarea')]
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')
        && !(el.tagName === 'BUTTON' && el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, [], 'every control has a name');
    const ranges = await page.evaluate(() => [...document.querySelectorAll('input[type=range]')].map((r) => [r.id, r.getAttribute('aria-valuetext')]));
    for (const [id, text] of ranges) assert.ok(text, `${id} has aria-valuetext`);
    const figs = await page.evaluate(() => [...document.querySelectorAll('figure.fig[data-figure] canvas')].map((c) => ({
      role: c.getAttribute('role'),
      label: c.getAttribute('aria-label'),
      desc: document.getElementById(c.getAttribute('aria-describedby'))?.textContent,
    })));
    assert.equal(figs.length, 9); // figures 1–6 and the lesson's 7–9
    for (const f of figs) {
      assert.equal(f.role, 'img');
      assert.ok(f.label.length > 40, `a description: ${f.label}`);
      assert.ok(f.desc && f.desc.length > 20);
    }
    // Keyboard: a slider moves with the arrow keys, and the live region speaks once input settles.
    await page.focus('#nagq-range');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => glmmDemo.params().nagq === 99);
    assert.equal(await page.getAttribute('#nagq-range', 'aria-valuetext'), '99 quadrature nodes');
    await page.waitForFunction(() => /nAGQ 99/.test(document.querySelector('#announce').textContent), null, { timeout: 3000 });
    const live = await page.evaluate(() => {
      const a = document.querySelector('#announce');
      return { live: a.getAttribute('aria-live'), text: a.textContent };
    });
    assert.equal(live.live, 'polite');
    assert.match(live.text, /sum of conditional modes −0\.02\d\d/);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('print keeps figures and text and hides the controls; reduced motion stops the spinner', async () => {
  const { page, context, log } = await openPage(browser, { contextOptions: { reducedMotion: 'reduce' } });
  try {
    await page.emulateMedia({ media: 'print' });
    const shown = await page.evaluate(() => ({
      panel: getComputedStyle(document.querySelector('#controls')).display,
      actions: getComputedStyle(document.querySelector('.actions')).display,
      // The lesson's figures (the replications figure stays hidden until a run).
      figures: [...document.querySelectorAll('figure.fig[data-figure]')].map((f) => getComputedStyle(f).display),
      prose: getComputedStyle(document.querySelector('.prose')).display,
    }));
    assert.equal(shown.panel, 'none');
    assert.equal(shown.actions, 'none');
    assert.ok(shown.figures.every((d) => d !== 'none'));
    assert.notEqual(shown.prose, 'none');
    await page.emulateMedia({ media: 'screen' });
    const anim = await page.evaluate(() => getComputedStyle(document.querySelector('.spinner')).animationName);
    assert.equal(anim, 'none');
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('the page stays under the strict CSP while it is used: no violation anywhere', async () => {
  const { page, context, log } = await openPage(browser);
  try {
    await page.evaluate(() => glmmDemo.set({ groups: 5 }));
    await page.selectOption('#pair-a', '2');
    await page.locator('figure[data-figure="1"] canvas').hover();
    await page.click('#open-embed');
    await page.keyboard.press('Escape');
    await page.click('#open-rcode');
    await page.keyboard.press('Escape');
    await page.evaluate(() => glmmDemo.svg(3));
    await page.evaluate(() => glmmDemo.png(4).then((b) => b.size));
    await page.click('#theme-toggle');
    const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.equal(csp, "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'");
    assert.deepEqual(log.violations, []);
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('100,000 rows × 50 groups refit in the worker while the page keeps responding', async () => {
  // How long the page stops painting or answering meanwhile is measured by bench/browser.mjs (a speed, not
  // a property: a test of it fails on a loaded machine); here only that it refits in the worker and that
  // the main thread runs meanwhile.
  const { page, context, log } = await openPage(browser);
  try {
    const r = await page.evaluate(async () => {
      const done = glmmDemo.set({ groups: 50, n: 2000, nagq: 25 });
      // Timer ticks that run while the worker refits: the main thread is free meanwhile.
      let busySeen = false;
      let ticksWhileBusy = 0;
      while (!(await Promise.race([done.then(() => true), new Promise((res) => setTimeout(() => res(false), 50))]))) {
        if (glmmDemo.busy()) { busySeen = true; ticksWhileBusy += 1; }
      }
      return {
        busySeen, ticksWhileBusy, timings: glmmDemo.timings(), nObs: glmmDemo.results().data.n_obs,
        caption: document.querySelector('figure[data-figure="1"] .fig-scene').textContent,
      };
    });
    assert.equal(r.nObs, 100_000);
    assert.equal(r.timings.where, 'worker', 'fitted off the main thread');
    assert.ok(r.busySeen, 'the page says it is computing');
    assert.ok(r.ticksWhileBusy > 0, 'the main thread runs its timers while the worker refits');
    assert.match(r.caption, /Showing 5,000 of 100,000 observations: every k-th observation of each group/);
    assert.ok(await canvasColours(page, 1) > 3);

    // Coalescing: three quick requests, only the newest is fitted and shown.
    const c = await page.evaluate(async () => {
      let updates = 0;
      glmmDemo.addEventListener('update', () => { updates += 1; });
      const a = glmmDemo.set({ seed: 2 });
      const b = glmmDemo.set({ seed: 3 });
      const last = glmmDemo.set({ seed: 4 });
      await Promise.all([a, b, last]);
      return { updates, seed: glmmDemo.params().seed };
    });
    assert.equal(c.seed, 4);
    assert.ok(c.updates <= 2, `coalesced to the newest: ${c.updates} refits for 3 requests`);

    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});
