// Every view fits the width it is given (issue 15): the page, the embed view and the <glmm-demo> element
// at container widths 360, 480, 690, 800 and 1,400 px, with one figure, two figures and the table alone.
// Nothing is cut (no element of a figure or of the table lies outside its box unless it is inside a
// scroller), each canvas fills its panel and is drawn at its size on screen, two figures share a row only
// where each gets 340 px, the table's model names and sums stay in view however it is scrolled; and
// axe-core (WCAG 2 A/AA and best practice) finds no violation on the page in both themes, the embed view
// and the element in a course page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, axeViolations, problems, CLEAN } from './helpers.mjs';

const WIDTHS = [360, 480, 690, 800, 1400];
/** Two figures share a row only where the row is at least this wide (style.css: 2 × 340 px + the gap). */
const TWO_UP = 700;

const axeSummary = (v) => v.map((x) => `${x.id}: ${x.nodes.slice(0, 4).join(' | ')}`);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * Runs in the page: what is cut, mis-sized or out of reach in the views under `hostSel` (a view's box:
 * main, the embed grid, an element). Returns a list of sentences (empty when all is well) and the layout
 * of the figures.
 */
function inspect(hostSel) {
  const out = [];
  const slack = 1.5;
  const host = document.querySelector(hostSel);
  const root = host.shadowRoot || document;
  const hostRect = host.getBoundingClientRect();
  const name = (e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''}`;
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const within = (r, box) => r.left >= box.left - slack && r.right <= box.right + slack;
  const scrolls = (e) => /(auto|scroll)/.test(getComputedStyle(e).overflowX) || /(auto|scroll|hidden)/.test(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight;
  const tiny = (e) => {
    const r = e.getBoundingClientRect();
    return r.width <= 1 || r.height <= 1 || getComputedStyle(e).clip !== 'auto';
  };
  const boxes = [...root.querySelectorAll('figure.fig, .table-wrap')].filter(shown);
  if (!boxes.length) out.push('no figure or table is shown');
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1) out.push(`the document is ${page.scrollWidth - page.clientWidth}px wider than the window`);
  for (const box of boxes) {
    const b = box.getBoundingClientRect();
    if (!within(b, hostRect)) out.push(`${name(box)} [${b.left}, ${b.right}] outside its view [${hostRect.left}, ${hostRect.right}]`);
    for (const e of box.querySelectorAll('*')) {
      if (!shown(e) || tiny(e) || e.closest('.readout, .cross, .visually-hidden')) continue;
      let s = e.parentElement;
      let inScroller = false;
      while (s && s !== box.parentElement) {
        if (s !== e && scrolls(s)) { inScroller = true; break; }
        s = s.parentElement;
      }
      if (inScroller) continue;
      const r = e.getBoundingClientRect();
      if (!within(r, b)) out.push(`${name(e)} [${Math.round(r.left)}, ${Math.round(r.right)}] cut by ${name(box)} [${Math.round(b.left)}, ${Math.round(b.right)}]`);
    }
  }
  // Each canvas fills its panel's width and is drawn at its size on screen (sharp).
  const dpr = window.devicePixelRatio || 1;
  const figs = [];
  for (const fig of root.querySelectorAll('figure.fig')) {
    if (!shown(fig)) continue;
    const c = fig.querySelector('canvas');
    const wrap = c.parentElement;
    const cs = getComputedStyle(fig);
    const ws = getComputedStyle(wrap);
    const inner = fig.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)
      - parseFloat(ws.paddingLeft) - parseFloat(ws.paddingRight);
    if (Math.abs(c.clientWidth - inner) > slack) out.push(`figure ${fig.dataset.figure}: canvas ${c.clientWidth}px in a ${inner}px panel`);
    if (c.width !== Math.round(c.clientWidth * dpr) || c.height !== Math.round(c.clientHeight * dpr)) {
      out.push(`figure ${fig.dataset.figure}: drawn at ${c.width}×${c.height} for ${c.clientWidth}×${c.clientHeight} CSS px`);
    }
    const grid = fig.parentElement;
    const gs = getComputedStyle(grid);
    const r = fig.getBoundingClientRect();
    const alone = [...grid.querySelectorAll('figure.fig')].filter(shown).length === 1;
    figs.push({ n: fig.dataset.figure, top: Math.round(r.top), width: r.width, alone,
      row: grid.clientWidth - parseFloat(gs.paddingLeft) - parseFloat(gs.paddingRight), canvas: c.clientWidth });
  }
  // The table: the model names and the two sums in view at either end of its scroll.
  const wrap = root.querySelector('.table-wrap');
  let table = null;
  if (wrap && shown(wrap)) {
    const visible = () => {
      const w = wrap.getBoundingClientRect();
      const keys = [...wrap.querySelectorAll('tbody th.model-col, td[data-key="modes"], td[data-key="means"], thead th.sum-col')];
      return keys.filter((k) => !within(k.getBoundingClientRect(), w)).map((k) => `${k.dataset.key || k.textContent.trim().slice(0, 16)}`);
    };
    const max = wrap.scrollWidth - wrap.clientWidth;
    wrap.scrollLeft = 0;
    const atStart = visible();
    wrap.scrollLeft = max;
    const atEnd = visible();
    wrap.scrollLeft = 0;
    for (const k of atStart) out.push(`table scrolled to the start: ${k} out of view`);
    for (const k of atEnd) out.push(`table scrolled to the end: ${k} out of view`);
    const cue = wrap.nextElementSibling;
    table = { scrolls: max > 1, cue: wrap.classList.contains('scrolls') && cue?.classList.contains('scroll-cue') && shown(cue),
      width: wrap.getBoundingClientRect().width, host: hostRect.width };
  }
  return { problems: out, figs, table };
}

/** Two animation frames: the resize observers' redraws have run. */
async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
}

/** The figure rows: two figures side by side only when each gets TWO_UP / 2; a lone figure fills its row. */
function checkFigures(figs, label) {
  for (const f of figs) {
    if (f.row >= TWO_UP && !f.alone) continue;
    assert.ok(Math.abs(f.width - f.row) <= 1.5, `${label}: figure ${f.n} is ${f.width}px in a ${f.row}px row (a lone figure, or one a row below ${TWO_UP}px, fills it)`);
  }
  const byRow = new Map();
  for (const f of figs) byRow.set(f.top, [...(byRow.get(f.top) || []), f]);
  for (const row of byRow.values()) {
    if (row.length > 1) for (const f of row) assert.ok(f.width >= 340, `${label}: figure ${f.n} shares a row at ${f.width}px`);
  }
}

test('the page at 360–1,400 px: nothing cut, canvases fill their panels, the lesson first on narrow screens', async () => {
  const { page, context, log } = await openPage(browser, { viewport: { width: 1400, height: 900 } });
  try {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await settle(page);
      const r = await page.evaluate(inspect, 'main');
      assert.deepEqual(r.problems, [], `page at ${width}px`);
      checkFigures(r.figs, `page at ${width}px`);
      assert.equal(r.figs.length, 9);
      const twoUp = r.figs[0].top === r.figs[1].top;
      assert.equal(twoUp, r.figs[0].row >= TWO_UP, `page at ${width}px: figures 1 and 2 ${twoUp ? 'side by side' : 'stacked'} in ${r.figs[0].row}px`);
      const order = await page.evaluate(() => {
        const y = (s) => Math.round(document.querySelector(s).getBoundingClientRect().top + scrollY);
        const panel = document.querySelector('#controls').getBoundingClientRect();
        return { h1: y('h1'), cards: y('.cards'), fig1: y('figure[data-figure="1"]'), table: y('#results'),
          panelLeft: panel.left, panelTop: panel.top, panelHeight: panel.height, vh: innerHeight };
      });
      if (width <= 960) {
        // The title, the key numbers, then the first figure; the controls in a bar at the bottom.
        assert.ok(order.h1 < order.cards && order.cards < order.fig1 && order.fig1 < order.table, `page at ${width}px: ${JSON.stringify(order)}`);
        assert.ok(order.panelTop + order.panelHeight <= order.vh + 1 && order.panelHeight < order.vh * 0.3,
          `page at ${width}px: the controls are a bar at the bottom (${order.panelHeight}px at ${order.panelTop}px)`);
      } else {
        assert.equal(order.panelLeft, 0, `page at ${width}px: the controls beside the lesson`);
      }
    }
    // The bar opens to all the settings and closes with Escape; its groups control works.
    await page.setViewportSize({ width: 390, height: 844 });
    await settle(page);
    assert.equal(await page.isVisible('#seed'), false, 'the bar shows only the most used controls');
    assert.equal(await page.isVisible('#groups'), true);
    assert.equal(await page.isVisible('#nagq'), true);
    assert.equal(await page.isVisible('#t1-range'), true);
    await page.click('#controls-toggle');
    assert.equal(await page.getAttribute('#controls-toggle', 'aria-expanded'), 'true');
    assert.equal(await page.isVisible('#seed'), true, 'all settings');
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('#seed'), false);
    await page.fill('#groups', '3');
    await page.waitForFunction(() => glmmDemo.params().groups === 3);
    assert.equal(await page.isVisible('#t3-range'), true, 'a threshold per group in the bar');
    await settle(page);
    const r = await page.evaluate(inspect, 'main');
    assert.deepEqual(r.problems, [], 'page at 390px with three groups');
    assert.equal(r.table.cue, r.table.scrolls, 'the scrolling table is marked as such');
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

for (const panels of ['2', '2,3', 'table']) {
  test(`the embed view (panels=${panels}) at 360–1,400 px: nothing cut, canvases fill their panels`, async () => {
    const { page, context, log } = await openPage(browser, { path: `?embed=1&panels=${panels}`, viewport: { width: 1400, height: 800 } });
    try {
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 800 });
        await settle(page);
        const r = await page.evaluate(inspect, '#embed-grid');
        assert.deepEqual(r.problems, [], `embed ${panels} at ${width}px`);
        checkFigures(r.figs, `embed ${panels} at ${width}px`);
        if (panels === '2,3') assert.equal(r.figs[0].top === r.figs[1].top, width - 16 >= TWO_UP, `embed ${panels} at ${width}px: side by side only from ${TWO_UP}px`);
        if (r.table) {
          assert.ok(Math.abs(r.table.width - r.table.host) <= 1.5, `the table takes the frame's width: ${r.table.width} of ${r.table.host}`);
          assert.equal(r.table.cue, r.table.scrolls, `embed ${panels} at ${width}px: a scrolling table is marked as such`);
        }
      }
      assert.deepEqual(problems(log), CLEAN);
    } finally {
      await context.close();
    }
  });
}

test('the element with one figure, two figures and the table alone, in columns of 360–1,400 px', async () => {
  const { page, context, log } = await openPage(browser, { path: '__test/column.html', wait: false, viewport: { width: 1440, height: 900 } });
  try {
    await page.evaluate(() => {
      const col = document.querySelector('#col');
      for (const [id, panels] of [['one', '2'], ['two', '2,3'], ['table', 'table']]) {
        const el = document.createElement('glmm-demo');
        el.id = id;
        el.setAttribute('panels', panels);
        col.append(el);
      }
    });
    await page.waitForFunction(() => [...document.querySelectorAll('glmm-demo')].every((e) => e.results()), null, { timeout: 60_000 });
    for (const width of WIDTHS) {
      await page.evaluate((w) => document.querySelector('#col').style.setProperty('width', `${w}px`), width);
      await settle(page);
      for (const id of ['one', 'two', 'table']) {
        const r = await page.evaluate(inspect, `#${id}`);
        assert.deepEqual(r.problems, [], `element ${id} in ${width}px`);
        checkFigures(r.figs, `element ${id} in ${width}px`);
        const hostWidth = await page.evaluate((s) => document.querySelector(s).getBoundingClientRect().width, `#${id}`);
        assert.ok(Math.abs(hostWidth - width) <= 1, `element ${id} takes the column: ${hostWidth} of ${width}`);
        if (id === 'two') assert.equal(r.figs[0].top === r.figs[1].top, r.figs[0].row >= TWO_UP, `element two in ${width}px`);
      }
    }
    assert.deepEqual(problems(log), CLEAN);
    // axe on the elements themselves, in the light and the dark theme.
    await page.evaluate(() => document.querySelector('#col').style.setProperty('width', '690px'));
    assert.deepEqual(axeSummary(await axeViolations(page, '#col')), [], 'the elements, light');
    await page.evaluate(() => { for (const el of document.querySelectorAll('glmm-demo')) el.setAttribute('theme', 'dark'); });
    assert.deepEqual(axeSummary(await axeViolations(page, '#col')), [], 'the elements, dark');
  } finally {
    await context.close();
  }
});

test('a figure redraws sharp when its container changes size, without a refit', async () => {
  const { page, context, log } = await openPage(browser, { path: '?embed=1&panels=2', viewport: { width: 900, height: 800 }, deviceScaleFactor: 2 });
  try {
    let updates = 0;
    await page.exposeFunction('__update', () => { updates += 1; });
    await page.evaluate(() => glmmDemo.addEventListener('update', () => window.__update()));
    const before = await page.evaluate(() => { const c = document.querySelector('figure[data-figure="2"] canvas'); return [c.width, c.clientWidth]; });
    await page.setViewportSize({ width: 500, height: 800 });
    await settle(page);
    const afterResize = await page.evaluate(() => { const c = document.querySelector('figure[data-figure="2"] canvas'); return [c.width, c.clientWidth]; });
    assert.equal(before[0], before[1] * 2);
    assert.ok(afterResize[1] < before[1], `narrower: ${afterResize[1]} < ${before[1]}`);
    assert.equal(afterResize[0], afterResize[1] * 2, 'the backing store follows at device pixel ratio 2');
    assert.equal(updates, 0, 'no refit');
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});

test('axe-core finds no violation: the page in light and dark, at 1,400 and 390 px, with the controls open', async () => {
  const { page, context } = await openPage(browser, { viewport: { width: 1400, height: 900 } });
  try {
    assert.deepEqual(axeSummary(await axeViolations(page)), [], 'light, 1,400 px');
    await page.click('#theme-toggle');
    assert.deepEqual(axeSummary(await axeViolations(page)), [], 'dark, 1,400 px');
    await page.setViewportSize({ width: 390, height: 844 });
    await settle(page);
    assert.deepEqual(axeSummary(await axeViolations(page)), [], 'dark, 390 px');
    await page.click('#theme-toggle');
    await page.click('#controls-toggle');
    assert.deepEqual(axeSummary(await axeViolations(page)), [], 'light, 390 px, all settings open');
  } finally {
    await context.close();
  }
});

test('axe-core finds no violation: the embed view in light and dark', async () => {
  for (const path of ['?embed=1&panels=2,3,table', '?embed=1&panels=2,3,table#dark=1']) {
    const { page, context } = await openPage(browser, { path, viewport: { width: 690, height: 900 } });
    try {
      assert.deepEqual(axeSummary(await axeViolations(page)), [], path);
    } finally {
      await context.close();
    }
  }
});

test('the sample course page: the element and the frame fit the 690 px column, and axe finds no violation', async () => {
  const { page, context, log } = await openPage(browser, { path: '__test/course/', wait: false, viewport: { width: 1280, height: 900 } });
  try {
    await page.waitForFunction(() => document.querySelector('glmm-demo').results(), null, { timeout: 60_000 });
    const frame = await page.waitForSelector('#frame');
    const f = await frame.contentFrame();
    await f.waitForFunction(() => window.glmmDemo && window.glmmDemo.results() !== null, null, { timeout: 60_000 });
    // The frame is sized to the height it posts, once settled.
    await page.waitForFunction(() => {
      const fr = document.querySelector('#frame');
      const inner = fr.contentDocument?.documentElement;
      return inner && Math.abs(Number(fr.height) - Math.ceil(inner.getBoundingClientRect().height)) <= 2;
    }, null, { timeout: 10_000 });
    const r = await page.evaluate(inspect, '#demo');
    assert.deepEqual(r.problems, [], 'the element in the column');
    const col = await page.evaluate(() => ({
      el: document.querySelector('#demo').getBoundingClientRect().width,
      frame: document.querySelector('#frame').getBoundingClientRect().width,
      col: document.querySelector('.column').clientWidth,
    }));
    assert.ok(col.el <= col.col && col.el > 600, `the element fills the text column: ${JSON.stringify(col)}`);
    const inFrame = await f.evaluate(inspect, '#embed-grid');
    assert.deepEqual(inFrame.problems, [], 'the frame in the column');
    assert.deepEqual(problems(log), CLEAN);
    assert.deepEqual(axeSummary(await axeViolations(page)), [], 'the course page with the element');
    assert.deepEqual(axeSummary(await axeViolations(f)), [], 'the embed view in its frame');
  } finally {
    await context.close();
  }
});

test('Your data after an example is loaded, at 360–1,400 px: nothing scrolls sideways, the numbers keep their headers', async () => {
  const { page, context, log } = await openPage(browser, { viewport: { width: 1400, height: 900 } });
  try {
    await page.click('#own-examples button[data-example="cbpp"]');
    await page.waitForFunction(() => document.querySelector('#own-results')?.dataset.example === 'cbpp'
      && document.querySelector('#own-status').textContent === '', null, { timeout: 120_000 });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await settle(page);
      const r = await page.evaluate(() => {
        const out = [];
        const page = document.documentElement;
        if (page.scrollWidth > page.clientWidth + 1) out.push(`the document is ${page.scrollWidth - page.clientWidth}px wider than the window`);
        const section = document.querySelector('#own-data').getBoundingClientRect();
        for (const e of document.querySelectorAll('#own-data *')) {
          if (e.getClientRects().length === 0 || e.closest('.visually-hidden, thead')) continue;
          // Inside a box that scrolls (the R code, the columns): that box is checked, not its content.
          let s = e.parentElement;
          while (s && s.id !== 'own-data' && !/(auto|scroll)/.test(getComputedStyle(s).overflowX)) s = s.parentElement;
          if (s && s.id !== 'own-data') continue;
          const b = e.getBoundingClientRect();
          if (b.width > 1 && (b.left < section.left - 1.5 || b.right > section.right + 1.5)) out.push(`${e.tagName.toLowerCase()}#${e.id} [${Math.round(b.left)}, ${Math.round(b.right)}] outside #own-data [${Math.round(section.left)}, ${Math.round(section.right)}]`);
        }
        for (const w of document.querySelectorAll('#own-data .table-wrap')) {
          if (w.scrollWidth > w.clientWidth + 1) out.push(`${w.getAttribute('aria-label')} scrolls sideways by ${w.scrollWidth - w.clientWidth}px`);
        }
        // Every number is labelled: by its column's header, or (stacked) by the header's text beside it.
        const table = document.querySelector('#own-table');
        const stacked = getComputedStyle(table.tBodies[0]).display === 'block';
        for (const td of table.querySelectorAll('td[data-key]')) {
          const label = getComputedStyle(td, '::before').content;
          if (stacked && label !== `"${td.dataset.label}"`) out.push(`${td.dataset.model} ${td.dataset.key}: label ${label}`);
        }
        return { problems: out, stacked, labels: [...table.querySelectorAll('tr[data-model="glmm_agq"] td[data-key]')].map((td) => td.dataset.label) };
      });
      assert.deepEqual(r.problems, [], `Your data at ${width}px`);
      assert.deepEqual(r.labels, ['σ_b', 'logLik (true)', 'logLik (as R prints it)', 'Σ modes', 'Σ means']);
      if (width <= 480) assert.ok(r.stacked, `the table is stacked at ${width}px`);
    }
    assert.deepEqual(problems(log), CLEAN);
  } finally {
    await context.close();
  }
});
