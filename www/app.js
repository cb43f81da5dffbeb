// The teaching page: wires the controls to the Rust core (www/pkg, built by ./build.sh) and draws what it
// returns. No numerics here: every number on the page comes from the core.
//
// JavaScript API (for course pages and tests):
//   glmmDemo.ready            Promise, resolved after the first fit and drawing
//   glmmDemo.set(partial)     Promise<params>, resolved after the refit and redraw that include `partial`;
//                             rejected with the core's sentence for a bad value (nothing changes then)
//   glmmDemo.params()         the current parameters {preset, seed, groups, n, thresholds, y_coef, spacing, center, nagq}
//   glmmDemo.results()        every model's fit: the JSON of `glmm-demo fit`
//   glmmDemo.svg(fig, w, h), glmmDemo.csv(), glmmDemo.version()
//   'update' event            on glmmDemo (and 'glmmdemo:update' on window) after every refit + redraw;
//                             event.detail = {params, results}

import { instantiate, isFatal, panicMessage } from './core.js';
import { MODELS, renderTable } from './table.js';
import { fixed, short, parseNumber } from './format.js';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** The six figures of the answer, as figures::FigureId numbers them. */
const FIGURES = {
  1: {
    title: 'Linear fits per group.',
    caption: 'y against x, one colour per group. Dashed: lm(y ~ x + factor(group)), a free intercept for each group. Solid: lmer’s line for each group, α + b_g + βx, pulled towards the others.',
    x: 'x', y: 'y',
  },
  2: {
    title: 'Logistic fits per group.',
    caption: 'y_bin against x. Dashed: glm with a fixed intercept per group. Solid: glmer’s curve for each group, logistic(α + βx + b_g). Thick black: the population-averaged curve, the group curve averaged over b ~ N(0, σ²), flatter than any group’s.',
    x: 'x', y: 'P(y_bin = 1)',
  },
  3: {
    title: 'The joint likelihood over two random effects.',
    caption: 'At the fitted α, β, σ, as a function of two groups’ random effects. Dot: the maximum, the conditional modes that ranef() prints. Cross: the posterior means. Dashed: z_a = −z_b, every pair that sums to zero. The inset zooms in on the peak.',
    more: 'With more than two groups, the means sum to zero over all groups, not over a pair.',
    x: 'z_a', y: 'z_b',
  },
  4: {
    title: 'The same with α shifted by the mean of the modes.',
    caption: 'The peak moves onto z_a = −z_b and gets higher, yet the volume under the surface, which is the marginal likelihood, gets smaller.',
    more: 'With more than two groups, the shift uses the mean of all the modes, so the peak of this pair need not land on the line.',
    x: 'z_a', y: 'z_b',
  },
  5: {
    title: 'The random-effects part along u.',
    caption: 'The normal densities of the two random effects along u, the direction in which both move together, with their difference v fixed. Symmetric about u = 0, where the effects sum to zero.',
    x: 'u', y: 'value',
  },
  6: {
    title: 'The Bernoulli part along u.',
    caption: 'The likelihood of the binary outcomes along u, for the fitted α (“highest total integral”) and for the α that puts the peak of the product at u = 0 (“highest peak”). The curve is skewed, so the α that maximises the integral does not centre the peak.',
    x: 'u', y: 'value',
  },
};

const PRESET_HINTS = {
  answer: 'The answer’s example: two groups of 200, thresholds 0.5 and 0.1, x = 0.5·y + noise + 2·group, centred.',
  question: 'The question’s example: five groups of 200, every threshold 0.5, x = y + noise + group.',
  custom: 'Your own settings. Choose a preset to return to an example.',
};

// ---------------------------------------------------------------------------------------------------------
// State

const app = {
  core: null, // the glue module's exports
  demo: null, // the Demo instance
  params: null,
  results: null,
  lastGood: null, // params of the last successful refit
  queue: [], // pending requests: {partial, api, waiters: [{resolve, reject}]}
  frame: 0,
  needsDraw: false,
  mappings: new Map(), // figure → PlotMapping
  broken: { key: '', figures: new Set() }, // figures that panicked for these params
  hidden: new Set(),
  recovering: null,
  timings: { fit: 0, draw: 0 },
};

let resolveReady;
let rejectReady;
const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
ready.catch(() => {}); // reported on the page; never an unhandled rejection

// ---------------------------------------------------------------------------------------------------------
// The public API

class GlmmDemo extends EventTarget {
  get ready() { return ready; }
  set(partial = {}) {
    if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
      return Promise.reject(new TypeError('glmmDemo.set expects an object such as {groups: 5}.'));
    }
    return request(structuredClone(partial), true);
  }
  params() { return app.params ? structuredClone(app.params) : null; }
  results() { return app.results ? structuredClone(app.results) : null; }
  version() { return app.core ? app.core.version() : null; }
  svg(figure, w = 640, h = 480) { return call(() => app.demo.svg(figure, w, h)); }
  csv() { return call(() => app.demo.csv()); }
  /** Timings of the last refit and redraw, in milliseconds. */
  timings() { return { ...app.timings }; }
  /** For tests: make the core panic, and resolve once the page has recovered. */
  async panicForTest(message = 'a test panic') {
    try {
      call(() => app.core.panic_for_test(message));
    } catch {
      // expected: recovery is under way
    }
    if (app.recovering) await app.recovering;
  }
}

const api = new GlmmDemo();
window.glmmDemo = api;

/** Calls into the core outside the refit loop; a panic there also triggers recovery. */
function call(fn) {
  if (!app.demo) throw new Error('The page is still loading.');
  try {
    return fn();
  } catch (e) {
    if (isFatal(e)) {
      recover(e, 'computation');
      throw new Error('The computation failed; the page has restarted its engine.');
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests: inputs coalesce to the newest values; each frame applies what is pending, then redraws once.

function request(partial, fromApi = false) {
  const last = app.queue[app.queue.length - 1];
  let job;
  if (!fromApi && last && !last.api) {
    job = last;
    Object.assign(job.partial, partial); // a newer value of the same control replaces the older one
  } else {
    job = { partial, api: fromApi, waiters: [] };
    app.queue.push(job);
  }
  schedule();
  if (!fromApi) return undefined;
  return new Promise((resolve, reject) => job.waiters.push({ resolve, reject }));
}

function schedule() {
  if (!app.frame) app.frame = requestAnimationFrame(flush);
}

function flush() {
  app.frame = 0;
  if (!app.demo || app.recovering) return; // picked up again once the core is (re)loaded
  const jobs = app.queue.splice(0);
  const done = [];
  let changed = false;
  const t0 = performance.now();
  for (const job of jobs) {
    try {
      app.demo.set(job.partial);
      changed = true;
      done.push([job, null]);
    } catch (e) {
      if (isFatal(e)) {
        // What this frame applied is lost with the instance: reject it; later requests wait for the new one.
        app.queue.unshift(...jobs.slice(jobs.indexOf(job) + 1));
        const err = panicError(e);
        settle([...done, [job, null]].map(([j]) => [j, err]), false);
        recover(e, 'refit');
        return;
      }
      done.push([job, e instanceof Error ? e : new Error(String(e))]);
      if (!job.api) showNotice(messageOf(e), 'error');
    }
  }
  app.timings.fit = performance.now() - t0;
  if (changed || (app.needsDraw && app.params)) {
    try {
      if (changed) render();
      else draw();
    } catch (e) {
      if (isFatal(e)) {
        settle(done.map(([job]) => [job, panicError(e)]), false);
        recover(e, 'drawing');
        return;
      }
      throw e;
    }
  }
  settle(done, changed);
}

function settle(done, changed) {
  if (changed) {
    const detail = { params: api.params(), results: api.results() };
    api.dispatchEvent(new CustomEvent('update', { detail }));
    window.dispatchEvent(new CustomEvent('glmmdemo:update', { detail }));
  }
  for (const [job, err] of done) {
    for (const w of job.waiters) {
      if (err) w.reject(err);
      else w.resolve(api.params());
    }
  }
}

function messageOf(e) {
  return (e && e.message) || String(e);
}

function panicError(e) {
  const m = panicMessage(app.core);
  return new Error(`The computation failed (${m || messageOf(e)}); the page has restarted its engine and kept the last working parameters.`);
}

// ---------------------------------------------------------------------------------------------------------
// Recovery from a Rust panic: a fresh instance, the last good parameters, a notice.

function recover(e, where) {
  if (app.recovering) return app.recovering;
  const message = panicMessage(app.core) || messageOf(e);
  const dead = app.demo;
  app.demo = null;
  app.recovering = (async () => {
    try { dead?.free(); } catch { /* the instance is gone */ }
    setStatus('restarting the engine…');
    let restored = false;
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        app.core = await instantiate();
        app.demo = new app.core.Demo();
      } catch (e2) {
        app.demo = null;
        app.recovering = null;
        showNotice(`The engine could not be restarted (${messageOf(e2)}). Please reload the page.`, 'error');
        setStatus('stopped');
        return;
      }
      if (!app.lastGood) break;
      try {
        app.demo.set(app.lastGood);
      } catch (e3) {
        app.lastGood = null; // even the last good parameters fail now: start empty
        if (isFatal(e3)) continue;
        break;
      }
      try {
        render(); // a figure that panicked for these parameters is skipped from now on
        restored = true;
        break;
      } catch (e4) {
        if (!isFatal(e4)) throw e4;
      }
    }
    app.recovering = null;
    showNotice(`Something went wrong during the ${where} (${message}). The page restarted its engine`
      + (restored ? ' and restored the last working parameters.' : '.'), 'error');
    if (!restored) setStatus('waiting for new parameters');
    if (app.queue.length) schedule();
  })();
  return app.recovering;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

function render() {
  const params = app.demo.params();
  const results = app.demo.results();
  app.params = params;
  app.results = results;
  app.lastGood = params;
  const key = JSON.stringify(params);
  if (app.broken.key !== key) app.broken = { key, figures: new Set() };

  syncControls(params);
  for (const fig of $$('figure.fig')) {
    const f = FIGURES[fig.dataset.figure];
    $('.fig-text', fig).textContent = params.groups > 2 && f.more ? `${f.caption} ${f.more}` : f.caption;
  }
  renderTable($('#results-table'), results, { groups: params.groups, nagq: params.nagq, hidden: app.hidden });
  renderLive(params, results);
  draw();
}

function draw() {
  app.needsDraw = false;
  const t0 = performance.now();
  const dpr = window.devicePixelRatio || 1;
  for (const fig of $$('figure.fig')) {
    const n = Number(fig.dataset.figure);
    const canvas = $('canvas', fig);
    const err = $('.fig-error', fig);
    if (app.broken.figures.has(n)) {
      err.textContent = 'This figure could not be drawn for these settings.';
      err.hidden = false;
      continue;
    }
    try {
      const mapping = app.demo.draw(n, canvas, dpr);
      app.mappings.set(n, mapping);
      err.hidden = true;
      fig.classList.remove('has-error');
    } catch (e) {
      if (isFatal(e)) {
        app.broken.figures.add(n);
        throw e;
      }
      app.mappings.delete(n);
      clearCanvas(canvas);
      err.textContent = messageOf(e);
      err.hidden = false;
      fig.classList.add('has-error');
    }
  }
  app.timings.draw = performance.now() - t0;
  setStatus(`refit ${app.timings.fit.toFixed(1)} ms · drawn ${app.timings.draw.toFixed(1)} ms`);
}

function clearCanvas(canvas) {
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
}

function get(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function renderLive(params, results) {
  for (const node of $$('[data-live]')) {
    const path = node.dataset.live;
    let text;
    if (path === 'nagq-label') text = `(nAGQ = ${params.nagq})`;
    else if (path === 'pair-modes') {
      const re = results?.glmm_agq?.ranef;
      const [a, b] = app.demo.pair();
      text = re && re.length > b ? `${fixed(re[a], 4)}, ${fixed(re[b], 4)}` : 'not available';
    } else {
      const fit = results?.[path.split('.')[0]];
      const v = get(results, path);
      text = fit && fit.error !== undefined ? 'not fitted' : typeof v === 'number' ? fixed(v, 6) : '—';
    }
    node.textContent = text;
    node.title = typeof get(results, path) === 'number' ? String(get(results, path)) : '';
  }
  const d = results?.data;
  $('#data-summary').textContent = d
    ? `${d.n_obs.toLocaleString('en')} observations in ${d.groups} group${d.groups === 1 ? '' : 's'}; ${d.sum_ybin} of them have y_bin = 1.`
    : '';
}

// ---------------------------------------------------------------------------------------------------------
// Controls

const form = $('#params-form');

function focused(el) {
  return document.activeElement === el;
}

function setValue(input, value) {
  if (focused(input) && input.type === 'number') return; // never fight the user's typing
  const s = String(value);
  if (input.value !== s) input.value = s;
}

function syncControls(p) {
  for (const r of $$('input[name="preset"]')) r.checked = r.value === p.preset;
  $('#preset-hint').textContent = PRESET_HINTS[p.preset] ?? '';
  for (const input of $$('[data-param]', form)) {
    const v = p[input.dataset.param];
    if (input.type === 'checkbox') input.checked = !!v;
    else setValue(input, v);
  }
  buildThresholds(p.thresholds);
  buildPairChooser(p.groups);
  $('#data-formula').replaceChildren(...rCode(p));
}

function rCode(p) {
  const t = p.thresholds.every((x) => x === p.thresholds[0])
    ? String(p.thresholds[0])
    : `c(${p.thresholds.join(', ')})[group]`;
  const lines = [
    `set.seed(${p.seed})`,
    `group <- rep(1:${p.groups}, each = ${p.n})`,
    `y <- runif(${p.groups * p.n})`,
    `y_bin <- y > ${t}`,
    `x <- ${p.y_coef}*y + rnorm(${p.groups * p.n}) + ${p.spacing}*group`,
  ];
  if (p.center) lines.push('x <- x - mean(x)');
  const pre = document.createElement('pre');
  const code = document.createElement('code');
  code.textContent = lines.join('\n');
  pre.append(code);
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = 'The same data in R';
  return [label, pre];
}

function thresholdsNow() {
  const last = app.queue[app.queue.length - 1];
  const pending = last && !last.api ? last.partial.thresholds : undefined;
  return [...(pending ?? app.params?.thresholds ?? [])];
}

function buildThresholds(thresholds) {
  const box = $('#thresholds');
  const rows = $$('.threshold', box);
  if (rows.length !== thresholds.length) {
    box.replaceChildren(...thresholds.map((t, g) => {
      const row = document.createElement('div');
      row.className = 'threshold';
      const id = `t${g + 1}`;
      const label = document.createElement('label');
      label.htmlFor = `${id}-range`;
      label.innerHTML = `<span class="swatch c${g % 7}"></span>Group ${g + 1}`;
      const range = Object.assign(document.createElement('input'), {
        type: 'range', id: `${id}-range`, min: 0, max: 1, step: 0.01, value: t,
      });
      const num = Object.assign(document.createElement('input'), {
        type: 'number', id, min: 0, max: 1, step: 0.01, value: t,
      });
      num.setAttribute('aria-label', `Threshold of group ${g + 1}`);
      range.dataset.group = num.dataset.group = String(g);
      row.append(label, range, num);
      return row;
    }));
    box.classList.toggle('many', thresholds.length > 8);
  } else {
    rows.forEach((row, g) => {
      for (const input of $$('input', row)) setValue(input, thresholds[g]);
    });
  }
}

function buildPairChooser(groups) {
  const chooser = $('#pair-chooser');
  chooser.hidden = groups <= 2;
  const [a, b] = app.demo ? app.demo.pair() : [0, 1];
  for (const [sel, v] of [[$('#pair-a'), a], [$('#pair-b'), b]]) {
    if (sel.options.length !== groups) {
      sel.replaceChildren(...Array.from({ length: groups }, (_, g) => new Option(`group ${g + 1}`, String(g))));
    }
    sel.value = String(v);
  }
}

function onPairChange() {
  const a = Number($('#pair-a').value);
  const b = Number($('#pair-b').value);
  if (a === b) {
    showNotice('Choose two different groups for the contour plots.', 'info');
    buildPairChooser(app.params.groups);
    return;
  }
  try {
    call(() => app.demo.set_pair(a, b));
    app.needsDraw = true;
    renderLive(app.params, app.results);
    schedule();
  } catch (e) {
    showNotice(messageOf(e), 'error');
  }
}

function mirror(input) {
  // Keep a slider and its number box together while the user moves one of them.
  const row = input.closest('.slider-row, .threshold');
  if (!row) return;
  for (const other of $$('input', row)) if (other !== input && other.type !== input.type) other.value = input.value;
}

function valueOf(input) {
  const param = input.dataset.param;
  if (input.type === 'checkbox') return input.checked;
  const x = parseNumber(input.value);
  if (!Number.isFinite(x)) return undefined;
  if (['seed', 'groups', 'n', 'nagq'].includes(param) && !Number.isInteger(x)) return undefined;
  return x;
}

function onInput(ev) {
  const input = ev.target;
  if (input.name === 'preset') {
    request({ preset: input.value });
    return;
  }
  if (input.dataset.group !== undefined) {
    const x = parseNumber(input.value);
    if (!Number.isFinite(x) || x < 0 || x > 1) return;
    mirror(input);
    const t = thresholdsNow();
    t[Number(input.dataset.group)] = x;
    request({ thresholds: t });
    return;
  }
  if (!input.dataset.param) return;
  const v = valueOf(input);
  if (v === undefined) return; // half-typed: wait for more
  if (input.type === 'number') {
    const min = input.min === '' ? -Infinity : Number(input.min);
    const max = input.max === '' ? Infinity : Number(input.max);
    if (v < min || v > max) return; // checked again on change, with a message
  }
  mirror(input);
  request({ [input.dataset.param]: v });
}

function onChange(ev) {
  const input = ev.target;
  if (input.type !== 'number') return;
  const param = input.dataset.param;
  if (input.value.trim() === '') { // emptied or not a number: put the current value back
    restore(input);
    return;
  }
  const x = parseNumber(input.value);
  const inRange = Number.isFinite(x)
    && (input.min === '' || x >= Number(input.min)) && (input.max === '' || x <= Number(input.max));
  if (inRange && (input.dataset.group !== undefined || valueOf(input) !== undefined)) return;
  // Out of range or not a number: say why (the core's own sentence) and restore the value.
  const name = input.dataset.group !== undefined ? 'thresholds' : param;
  const partial = input.dataset.group !== undefined
    ? { thresholds: thresholdsNow().map((t, g) => (g === Number(input.dataset.group) ? (Number.isFinite(x) ? x : NaN) : t)) }
    : { [name]: Number.isFinite(x) ? x : input.value };
  api.set(partial).catch((e) => showNotice(messageOf(e), 'error')).finally(() => restore(input));
}

function restore(input) {
  if (!app.params) return;
  const v = input.dataset.group !== undefined ? app.params.thresholds[Number(input.dataset.group)] : app.params[input.dataset.param];
  if (v !== undefined) input.value = String(v);
  mirror(input);
}

function buildToggles() {
  const box = $('#model-toggles');
  box.replaceChildren(...MODELS.map((m) => {
    const label = document.createElement('label');
    label.className = 'toggle';
    const cb = Object.assign(document.createElement('input'), { type: 'checkbox', checked: true, value: m.key });
    cb.addEventListener('change', () => {
      if (cb.checked) app.hidden.delete(m.key);
      else app.hidden.add(m.key);
      if (app.results) renderTable($('#results-table'), app.results, { groups: app.params.groups, nagq: app.params.nagq, hidden: app.hidden });
    });
    const span = document.createElement('span');
    span.textContent = m.label;
    label.append(cb, span);
    return label;
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Figures: canvases, captions, hover read-outs

function buildFigures() {
  for (const fig of $$('figure.fig')) {
    const n = Number(fig.dataset.figure);
    const f = FIGURES[n];
    fig.innerHTML = `
      <div class="canvas-wrap">
        <canvas role="img"></canvas>
        <div class="cross cross-x" hidden></div><div class="cross cross-y" hidden></div>
        <div class="readout" hidden></div>
        <p class="fig-error" hidden></p>
      </div>
      <figcaption><span class="fig-num">${n}</span> <strong class="fig-title"></strong> <span class="fig-text"></span></figcaption>`;
    $('.fig-title', fig).textContent = f.title;
    $('.fig-text', fig).textContent = f.caption;
    const canvas = $('canvas', fig);
    canvas.setAttribute('aria-label', `Figure ${n}: ${f.title}`);
    canvas.addEventListener('pointermove', (e) => hover(fig, n, e));
    canvas.addEventListener('pointerleave', () => unhover(fig));
  }
}

function hover(fig, n, e) {
  const m = app.mappings.get(n);
  if (!m) return unhover(fig);
  const canvas = e.currentTarget;
  const rect = canvas.getBoundingClientRect();
  const px = e.clientX - rect.left;
  const py = e.clientY - rect.top;
  const [left, top, right, bottom] = m.px;
  if (px < left || px > right || py < top || py > bottom || right <= left || bottom <= top) return unhover(fig);
  const [x0, x1, y0, y1] = m.data;
  const fx = (px - left) / (right - left);
  const fy = (bottom - py) / (bottom - top);
  const x = x0 + fx * (x1 - x0);
  const y = m.log_y && y0 > 0 && y1 > 0 ? Math.exp(Math.log(y0) + fy * (Math.log(y1) - Math.log(y0))) : y0 + fy * (y1 - y0);
  const f = FIGURES[n];
  const out = $('.readout', fig);
  out.textContent = `${f.x} = ${short(x)}   ${f.y} = ${short(y)}`;
  out.hidden = false;
  const flip = px > rect.width * 0.6;
  out.style.setProperty('left', `${flip ? px - 12 : px + 12}px`);
  out.style.setProperty('top', `${Math.max(4, py - 34)}px`);
  out.classList.toggle('flip', flip);
  const cx = $('.cross-x', fig);
  const cy = $('.cross-y', fig);
  cx.hidden = cy.hidden = false;
  cx.style.setProperty('left', `${px}px`);
  cx.style.setProperty('top', `${top}px`);
  cx.style.setProperty('height', `${bottom - top}px`);
  cy.style.setProperty('top', `${py}px`);
  cy.style.setProperty('left', `${left}px`);
  cy.style.setProperty('width', `${right - left}px`);
}

function unhover(fig) {
  $('.readout', fig).hidden = true;
  $('.cross-x', fig).hidden = true;
  $('.cross-y', fig).hidden = true;
}

// ---------------------------------------------------------------------------------------------------------
// Notices and status

let noticeTimer = 0;
function showNotice(text, kind = 'info') {
  const box = $('#notice');
  $('#notice-text').textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(noticeTimer);
  if (kind === 'info') noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
}

function setStatus(text) {
  $('#status').textContent = text;
}

// ---------------------------------------------------------------------------------------------------------
// Start

function wire() {
  form.addEventListener('input', onInput);
  form.addEventListener('change', onChange);
  form.addEventListener('submit', (ev) => ev.preventDefault());
  $('#reset').addEventListener('click', () => {
    api.set({ preset: 'answer', nagq: 100 }).catch((e) => showNotice(messageOf(e), 'error'));
  });
  $('#notice-close').addEventListener('click', () => { $('#notice').hidden = true; });
  $('#pair-a').addEventListener('change', onPairChange);
  $('#pair-b').addEventListener('change', onPairChange);
  let width = 0;
  new ResizeObserver((entries) => {
    const w = Math.round(entries[0].contentRect.width);
    if (w !== width) {
      width = w;
      app.needsDraw = true;
      schedule();
    }
  }).observe($('#main'));
}

async function start() {
  buildFigures();
  buildToggles();
  wire();
  try {
    app.core = await instantiate();
    app.demo = new app.core.Demo();
    $('#version').textContent = app.core.version();
  } catch (e) {
    showNotice(`The page could not start its engine: ${messageOf(e)}`, 'error');
    setStatus('not loaded');
    rejectReady(e);
    return;
  }
  // The first fit: the answer's example, or whatever glmmDemo.set() asked for meanwhile.
  const first = request({}, true);
  first.then(() => resolveReady(api), (e) => {
    showNotice(messageOf(e), 'error');
    rejectReady(e);
  });
}

start();
