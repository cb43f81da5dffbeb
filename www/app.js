// The teaching page: wires the controls to the Rust core (www/pkg, built by ./build.sh) and draws what it
// returns. No numerics here: every number on the page comes from the core.
//
// JavaScript API (for course pages and tests):
//   glmmDemo.ready            Promise, resolved after the first fit and drawing
//   glmmDemo.set(partial)     Promise<params>, resolved after the refit and redraw that include `partial`;
//                             rejected with the core's sentence for a bad value (nothing changes then)
//   glmmDemo.set({csv, formula, family, link, nagq, factors, file_name})
//                             "Your data": fits the CSV text in that section (formula: the suggested one if
//                             absent; family binomial, its default link, nAGQ 1 unless given; factors: numeric
//                             columns read as factors). Promise<fit> (the JSON of `glmm-demo fit --csv …`),
//                             resolved once shown; rejected with the core's sentence, shown next to the
//                             section's controls, for a bad input (what was shown stays)
//   glmmDemo.params()         the current parameters {preset, seed, groups, n, thresholds, y_coef, spacing, center, nagq}
//   glmmDemo.results()        every model's fit: the JSON of `glmm-demo fit`
//   glmmDemo.svg(fig, w, h), glmmDemo.png(fig) (Promise<Blob>), glmmDemo.csv(), glmmDemo.json(),
//   glmmDemo.rCode()          the R script that reproduces the page (set.seed, data, lm/lmer/glm/glmer)
//   glmmDemo.permalink(), glmmDemo.embedSnippet(panels), glmmDemo.version(), glmmDemo.timings()
//   'update' event            on glmmDemo (and 'glmmdemo:update' on window) after every refit + redraw;
//                             event.detail = {params, results}
//
// The URL: every parameter lives in the hash (Rust's url_state: `#preset=answer&seed=1&…`), rewritten
// with history.replaceState as the page changes; so do Your data's settings (`&data=cbpp&data.f=…&data.family=
// …&data.link=…&data.nagq=…&data.factors=…`), never the data: an example is loaded again, a file must be chosen again; `?embed=1&panels=2,3,table` (or the same in the hash)
// shows only those panels, for an iframe. A framed page posts {type: 'glmm-demo:height', height} to its
// parent after its first drawing and whenever its height changes, settled heights only (postHeight).

import { Engine } from './engine.js';
import { Figures, h, download, stem, layoutPanels, watchScroller, syncAlphaHandle as syncHandle } from './view.js';
import { renderTable } from './table.js';
import { fixed, parseNumber } from './format.js';
import { Tour, wireTermLinks } from './tour.js';
import { ownData } from './owndata.js';
import { Replications } from './replications.js';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

const PANELS = ['1', '2', '3', '4', '5', '6', 'table', '7', '8', '9', 'tour'];

// ---------------------------------------------------------------------------------------------------------
// State

const app = {
  params: null,
  results: null,
  hidden: new Set(),
  view: { embed: false, panels: PANELS, theme: null, pair: null },
  fromQuery: new Set(), // view keys given in the query string (kept there, not repeated in the hash)
  timings: { fit: 0, draw: 0, where: 'main' },
  busy: false,
};

let resolveReady;
let rejectReady;
const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
ready.catch(() => {}); // reported on the page; never an unhandled rejection

const engine = new Engine({
  onApplied: (info) => render(info),
  onBusy: (busy, info) => setBusy(busy, info),
  onRecovered: ({ message, where, restored, dead }) => {
    if (dead) {
      showNotice(`The engine could not be restarted (${message}). Please reload the page.`, 'error');
      setStatus('stopped');
      return;
    }
    showNotice(`Something went wrong during the ${where} (${message}). The page restarted its engine`
      + (restored ? ' and restored the last working parameters.' : '.'), 'error');
    if (!restored) setStatus('waiting for new parameters');
  },
  onStatus: (text) => setStatus(text),
});

const figures = new Figures(document, {
  getDemo: () => engine.demo,
  onNotice: (text, kind) => showNotice(text, kind),
});

// ---------------------------------------------------------------------------------------------------------
// The public API

class GlmmDemo extends EventTarget {
  get ready() { return ready; }
  set(partial = {}) {
    if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
      return Promise.reject(new TypeError('glmmDemo.set expects an object such as {groups: 5}.'));
    }
    if ('csv' in partial) {
      return own ? own.setCsv(partial) : Promise.reject(new Error('This page has no Your data section.'));
    }
    return engine.request(structuredClone(partial));
  }
  params() { return app.params ? structuredClone(app.params) : null; }
  results() { return app.results ? structuredClone(app.results) : null; }
  version() { return engine.core ? engine.core.version() : null; }
  svg(figure, w = 640, h = 480) { return engine.call((demo) => demo.svg(figure, w, h)); }
  /** A PNG of figure `figure` at twice its size on screen. */
  png(figure) { return figures.png(figure); }
  csv() { return engine.call((demo) => demo.csv()); }
  json() { return JSON.stringify({ params: app.params, results: app.results }, null, 2); }
  rCode() { return engine.call((demo) => demo.r_code()); }
  /** The link to this exact state (every parameter in the hash). */
  permalink() { return new URL(currentPath(false), location.href).href; }
  /** An iframe snippet for the current state showing `panels` (e.g. "2,3,table"). */
  embedSnippet(panels = '2,3,table') { return iframeSnippet(panels); }
  /**
   * Timings of the last refit and redraw in milliseconds; `where` is 'main' or 'worker'; `own`: Your data's
   * last fit of every model, {ms, where}.
   */
  timings() { return { ...app.timings, own: own ? { ...own.fitter.last } : null }; }
  /** Bytes of WebAssembly memory, {main, worker}: it grows to the largest data set used, then stays. */
  memory() { return engine.memory(); }
  /** Figure 7's marks, [{group, label, mode, mean}] (0-based group), as drawn. */
  posteriorMarks() { return engine.call((demo) => demo.posterior_marks()); }
  /** Moves figure 8's α handle to position `index` (undefined: leaves it) and returns Rust's readout. */
  alphaHandle(index) { const r = syncAlphaHandle(index); if (r && index !== undefined) figures.handleMoved(); return r; }
  /** Whether a refit is running in the worker. */
  busy() { return app.busy; }
  /** For tests: make the core panic, and resolve once the page has recovered. */
  panicForTest(message = 'a test panic') { return engine.panicForTest(message); }
}

const api = new GlmmDemo();
/** The "Your data" section (www/owndata.js), once the core is loaded. */
let own = null;
window.glmmDemo = api;

// The summary, the guided tour and the table "Why the fixed effects move" (www/tour.js), retold after every refit.
const tour = new Tour(document, {
  set: (partial) => api.set(partial),
  call: (fn) => engine.call(fn),
  onNotice: (text, kind) => showNotice(text, kind),
});
api.addEventListener('update', () => tour.update());
// "Is it this seed?" (www/replications.js): the current settings on seeds 1…N in workers; a figure of other
// settings is removed when the settings change. glmmDemo.replications: start(n), stop(), state(), records(), svg().
const replications = new Replications(document, {
  getCore: () => engine.core,
  getParams: () => app.params,
  onNotice: (text, kind) => showNotice(text, kind),
});
api.replications = replications;
api.addEventListener('update', (e) => replications.paramsChanged(e.detail.params));
// A glossary link scrolls to its entry without touching the hash (a hash the page does not know would reset
// the parameters); where the glossary is not shown (the embed view) it shows the definition in place.
wireTermLinks(document, () => engine.core.glossary());

function messageOf(e) {
  return (e && e.message) || String(e);
}

function request(partial) {
  engine.request(partial).catch((e) => showNotice(messageOf(e), 'error'));
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

function render({ params, results, where, fitMs, redraw }) {
  if (!redraw) {
    app.params = params;
    app.results = results;
    syncControls(engine.target ? engine.target.params : params);
    figures.describe(params);
    renderText();
    syncAlphaHandle();
  }
  const drawMs = figures.draw(params);
  app.timings = {
    fit: fitMs, draw: drawMs, where, load: where === 'worker' ? engine.timings.load : 0, drawByFigure: { ...figures.drawByFigure },
  };
  if (!app.busy) {
    setStatus(`refit ${fitMs.toFixed(1)} ms${where === 'worker' ? ' (in a background thread)' : ''} · drawn ${drawMs.toFixed(1)} ms`);
  }
  if (!redraw) {
    const detail = { params: api.params(), results: api.results() };
    api.dispatchEvent(new CustomEvent('update', { detail }));
    window.dispatchEvent(new CustomEvent('glmmdemo:update', { detail }));
    schedulePermalink();
    scheduleAnnouncement();
  }
  postHeight();
}

/**
 * Puts Rust's words for this fit on the page (Demo.text(): the summary, the cards, the table and its note, the
 * chapters). The HTML strings come escaped from Rust and hold only inline markup and MathML.
 */
function renderText() {
  let text = null;
  try { text = engine.demo ? engine.demo.text() : null; } catch (e) { showNotice(messageOf(e), 'error'); }
  app.text = text;
  renderTable($('#results-table'), text?.table, { hidden: app.hidden });
  if (!text) return;
  $('#text-lede').innerHTML = text.lede;
  for (const card of text.cards) {
    const box = $(`[data-card="${card.id}"]`);
    if (!box) continue;
    box.classList.toggle('card-mode', card.tone === 'nonzero');
    box.classList.toggle('card-mean', card.tone === 'zero');
    $('.card-label', box).innerHTML = card.label;
    $('.card-value', box).textContent = card.value;
    $('.card-value', box).title = card.exact === null || card.exact === undefined ? '' : String(card.exact);
    $('.card-foot', box).innerHTML = card.foot;
  }
  $('#text-table-note').innerHTML = text.table_note;
  for (const ch of text.chapters) {
    const title = $(`[data-chapter-title="${ch.id}"]`);
    if (title) title.textContent = ch.title;
    const body = $(`[data-chapter="${ch.id}"]`);
    if (body) body.innerHTML = ch.paragraphs.join('');
  }
  $('#data-summary').textContent = text.data_summary;
}

function setBusy(busy, info) {
  app.busy = busy;
  document.documentElement.classList.toggle('computing', busy);
  $('#busy').hidden = !busy;
  if (busy && info) {
    const n = info.params.groups * info.params.n;
    setStatus(`fitting ${n.toLocaleString('en')} observations in a background thread…`);
  }
}

// A polite live region: the key numbers, once the input has settled (not on every frame of a drag).
let announceTimer = 0;
function scheduleAnnouncement() {
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    const r = app.results;
    if (!r) return;
    const agq = r.glmm_agq;
    let text;
    if (agq && agq.error === undefined) {
      text = `glmer with nAGQ ${agq.nagq}: intercept ${fixed(agq.fixef[0], 4)}, slope ${fixed(agq.fixef[1], 4)}, `
        + `sum of conditional modes ${fixed(agq.ranef_sum, 4)}, sum of conditional means ${fixed(agq.cond_means_sum, 4)}.`;
    } else {
      text = `glmer could not be fitted: ${agq?.error ?? 'no fit'}.`;
    }
    if (r.lmm && r.lmm.error === undefined) text += ` lmer sum of random intercepts ${fixed(r.lmm.ranef_sum, 4)}.`;
    $('#announce').textContent = text;
  }, 500);
}

// ---------------------------------------------------------------------------------------------------------
// Permalinks

function hasQueryKey(k) {
  return app.fromQuery.has(k);
}

/** The path, query and hash of the current state; `embed` keeps the embed view settings. */
function currentPath(embed = app.view.embed, panels = app.view.panels.join(',')) {
  if (!engine.demo) return location.pathname + location.search + location.hash;
  const inQuery = embed && (hasQueryKey('embed') || hasQueryKey('panels'));
  let search = location.search;
  if (!embed && search) {
    const q = new URLSearchParams(search);
    for (const k of ['embed', 'panels']) q.delete(k);
    search = q.toString() ? `?${q}` : '';
  }
  const dark = app.view.theme === 'dark' ? true : app.view.theme === 'light' ? false : undefined;
  const hash = engine.call((demo) => demo.to_hash_with_view(
    embed && !inQuery,
    embed && !inQuery ? panels : '',
    hasQueryKey('dark') ? undefined : dark,
  ));
  return location.pathname + search + hash + ownHash();
}

/** Your data's settings in the permalink (Rust's url_state::own_data), or ''. */
function ownHash() {
  const link = own?.linkState();
  return link ? engine.core.own_data_hash(link) : '';
}

let permalinkTimer = 0;
let lastHash = null;
function schedulePermalink() {
  clearTimeout(permalinkTimer);
  // No history entries (replaceState), and not on every frame of a drag.
  permalinkTimer = setTimeout(writePermalink, 250);
}

function writePermalink() {
  try {
    const path = currentPath();
    const hash = path.slice(path.indexOf('#'));
    if (hash !== location.hash) history.replaceState(history.state, '', path);
    lastHash = location.hash;
  } catch (e) {
    // a sandboxed frame may refuse replaceState: the page works without it
    lastHash = location.hash;
  }
}

/** Reads the query and hash: parameters, view, notices (Rust's url_state never fails). */
function readLocation() {
  const parsed = engine.core.parse_hash(location.search + location.hash);
  app.fromQuery = new Set([...new URLSearchParams(location.search).keys()]);
  return parsed;
}

function onHashChange() {
  if (location.hash === lastHash) return;
  const parsed = readLocation();
  if (parsed.notices.length) showNotice(parsed.notices, 'info');
  applyTheme(parsed.view.theme);
  api.set(parsed.params).catch((e) => showNotice(messageOf(e), 'error'));
  if (parsed.own_data && own && engine.core.own_data_hash(parsed.own_data) !== ownHash()) own.restore(parsed.own_data);
  if (parsed.view.pair) engine.setPair(parsed.view.pair[0], parsed.view.pair[1]).catch(() => {});
}

// ---------------------------------------------------------------------------------------------------------
// Embed mode and the height message

function applyView(view) {
  app.view = { ...app.view, embed: !!view.embed, panels: (view.panels || PANELS).map(String) };
  if (!app.view.embed) return;
  document.documentElement.classList.add('embed');
  const grid = $('#embed-grid');
  const chosen = app.view.panels;
  for (const fig of $$('figure.fig')) fig.hidden = !chosen.includes(fig.dataset.figure);
  // Figure 8 travels with its α handle; the tour is its steps (the page's summary stays behind).
  const figureFor = (p) => (p === '8' ? $('.alpha-panel') : $(`figure.fig[data-figure="${p}"]`));
  const sections = { table: chosen.includes('table') ? $('#results') : null, tour: chosen.includes('tour') ? $('#tour') : null };
  layoutPanels(grid, chosen, figureFor, sections);
  if (!chosen.includes('table')) $('#results').hidden = true;
  if (!chosen.includes('tour')) $('#tour').hidden = true;
  grid.hidden = false;
  const full = $('#embed-full');
  full.href = currentFullLink();
}

function currentFullLink() {
  return new URL(currentPath(false), location.href).href;
}

// Only settled heights: nothing before the first drawing (until then the page is its full, unstyled-for-
// embed length), and afterwards a height is posted once it has stayed the same for HEIGHT_SETTLE_MS (a
// parent that follows every intermediate value would jump by screens while the page lays out).
const HEIGHT_SETTLE_MS = 120;
let lastHeight = 0;
let heightTimer = 0;
let heightSeen = -1;
let heightReady = false;
function measureHeight() {
  return Math.ceil(document.documentElement.getBoundingClientRect().height);
}
function postHeight() {
  if (window.parent === window || !heightReady) return;
  clearTimeout(heightTimer);
  heightSeen = -1;
  heightTimer = setTimeout(settleHeight, HEIGHT_SETTLE_MS);
}
function settleHeight() {
  const height = measureHeight();
  if (height !== heightSeen) { // still moving: look again later
    heightSeen = height;
    heightTimer = setTimeout(settleHeight, HEIGHT_SETTLE_MS);
    return;
  }
  if (height === lastHeight) return;
  lastHeight = height;
  window.parent.postMessage({ type: 'glmm-demo:height', height }, '*');
}

// ---------------------------------------------------------------------------------------------------------
// Theme

function effectiveDark() {
  const t = app.view.theme;
  if (t === 'dark') return true;
  if (t === 'light') return false;
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

function applyTheme(theme) {
  app.view.theme = theme || null;
  const root = document.documentElement;
  if (theme) root.dataset.theme = theme;
  else delete root.dataset.theme;
  const dark = effectiveDark();
  const button = $('#theme-toggle');
  button.setAttribute('aria-pressed', String(dark));
  $('.theme-label', button).textContent = dark ? 'Dark' : 'Light';
}

// ---------------------------------------------------------------------------------------------------------
// Dialogs: embed snippet, R code

function embedURL(panels) {
  const base = new URL(location.pathname, location.href);
  return `${base.href}?embed=1&panels=${panels}${engine.call((demo) => demo.to_hash())}`;
}

function iframeSnippet(panels) {
  return `<iframe src="${embedURL(panels)}" title="glmm-demo: random intercepts in a logistic mixed model" width="100%" height="640" loading="lazy" style="border:0"></iframe>`;
}

function elementSnippet(panels) {
  const p = app.params;
  const script = new URL('glmm-demo-element.js', new URL(location.pathname, location.href)).href;
  const attrs = [`preset="${p.preset}"`, `seed="${p.seed}"`];
  if (p.preset === 'custom') {
    attrs.push(`groups="${p.groups}"`, `n="${p.n}"`, `thresholds="${p.thresholds.join(',')}"`,
      `y-coef="${p.y_coef}"`, `spacing="${p.spacing}"`, `center="${p.center}"`);
  }
  attrs.push(`nagq="${p.nagq}"`, `panels="${panels}"`);
  return `<script type="module" src="${script}"></script>\n<glmm-demo ${attrs.join(' ')}></glmm-demo>`;
}

function embedPanels() {
  return $$('#embed-panels input:checked').map((i) => i.value).join(',') || '2';
}

function updateEmbedDialog() {
  const panels = embedPanels();
  $('#embed-iframe').value = iframeSnippet(panels);
  $('#embed-element').value = elementSnippet(panels);
  $('#embed-link').value = embedURL(panels);
}

function openEmbed() {
  if (!app.params) return;
  updateEmbedDialog();
  $('#embed-dialog').showModal();
}

function openRCode() {
  if (!app.params) return;
  $('#rcode-text').textContent = api.rCode();
  $('#rcode-dialog').showModal();
}

async function copyText(text, button) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // no clipboard permission (e.g. an insecure context): select the text for Ctrl+C
  }
  const label = button.textContent;
  button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
  setTimeout(() => { button.textContent = label; }, 1500);
  return ok;
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
  if (input.type === 'range') input.setAttribute('aria-valuetext', valueText(input, value));
}

/** What a screen reader says for a slider's value (Rust's sentence; the bare number before the core loads). */
function valueText(input, value) {
  const core = engine.core;
  if (!core) return String(value);
  const group = input.dataset.group === undefined ? undefined : Number(input.dataset.group);
  return core.slider_text(group === undefined ? input.dataset.param : 'threshold', Number(value), group);
}

function syncControls(p) {
  for (const r of $$('input[name="preset"]')) r.checked = r.value === p.preset;
  $('#preset-hint').textContent = presetHint(p.preset);
  for (const input of $$('[data-param]', form)) {
    const v = p[input.dataset.param];
    if (input.type === 'checkbox') input.checked = !!v;
    else setValue(input, v);
  }
  buildThresholds(p.thresholds);
  buildPairChooser(p.groups);
  $('#data-formula').replaceChildren(...rData(p));
}

/** Rust's line on the preset (written from the preset's settings); none for a preset Rust does not know. */
function presetHint(preset) {
  try { return engine.core.preset_hint(preset); } catch { return ''; }
}

/** Rust's R code for the data (the code lines of the R script's section 1). */
function rData(p) {
  let code = '';
  try { code = engine.core.r_data(p); } catch (e) { showNotice(messageOf(e), 'error'); }
  return [
    h('span', { class: 'label', text: 'The same data in R' }),
    // Long lines scroll sideways: focusable, so a keyboard can scroll it too.
    h('pre', { tabindex: '0', 'aria-label': 'The same data in R' }, [h('code', { text: code })]),
  ];
}

function thresholdsNow() {
  return [...(engine.target?.params?.thresholds ?? app.params?.thresholds ?? [])];
}

function buildThresholds(thresholds) {
  const box = $('#thresholds');
  const rows = $$('.threshold', box);
  if (rows.length !== thresholds.length) {
    box.replaceChildren(...thresholds.map((t, g) => {
      const id = `t${g + 1}`;
      const label = h('label', { for: `${id}-range` }, [h('span', { class: `swatch c${g % 7}` }), `Group ${g + 1}`]);
      const range = h('input', { type: 'range', id: `${id}-range`, min: 0, max: 1, step: 0.01, value: t });
      const num = h('input', { type: 'number', id, min: 0, max: 1, step: 0.01, value: t, 'aria-label': `Threshold of group ${g + 1}` });
      range.dataset.group = num.dataset.group = String(g);
      range.value = String(t);
      num.value = String(t);
      range.setAttribute('aria-valuetext', valueText(range, t));
      return h('div', { class: 'threshold' }, [label, range, num]);
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
  const [a, b] = engine.target?.pair ?? (engine.demo ? engine.demo.pair() : [0, 1]);
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
  // Rust checks the pair (two different groups): its sentence, and the chooser back to the pair drawn.
  engine.setPair(a, b).catch((e) => {
    showNotice(messageOf(e), 'info');
    buildPairChooser(app.params.groups);
  });
}

function mirror(input) {
  // Keep a slider and its number box together while the user moves one of them.
  const row = input.closest('.slider-row, .threshold');
  if (!row) return;
  for (const other of $$('input', row)) {
    if (other !== input && other.type !== input.type) other.value = input.value;
    if (other.type === 'range') other.setAttribute('aria-valuetext', valueText(other, other.value));
  }
  if (input.type === 'range') input.setAttribute('aria-valuetext', valueText(input, input.value));
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
  const p = engine.target?.params ?? app.params;
  if (!p) return;
  const v = input.dataset.group !== undefined ? p.thresholds[Number(input.dataset.group)] : p[input.dataset.param];
  if (v !== undefined) input.value = String(v);
  mirror(input);
}

function buildToggles() {
  const box = $('#model-toggles');
  box.replaceChildren(...engine.core.table_models().map((m) => {
    const cb = h('input', { type: 'checkbox', checked: true, value: m.key });
    cb.addEventListener('change', () => {
      if (cb.checked) app.hidden.delete(m.key);
      else app.hidden.add(m.key);
      if (app.text) renderTable($('#results-table'), app.text.table, { hidden: app.hidden });
      postHeight();
    });
    return h('label', { class: 'toggle' }, [cb, h('span', { text: m.label })]);
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Notices and status

let noticeTimer = 0;
/** Shows one sentence or a list of them, always as text (never markup). */
function showNotice(text, kind = 'info') {
  const box = $('#notice');
  const list = [].concat(text).filter(Boolean);
  const body = $('#notice-text');
  if (list.length === 1) body.replaceChildren(list[0]);
  else body.replaceChildren(h('ul', {}, list.map((t) => h('li', { text: t }))));
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(noticeTimer);
  if (kind === 'info' && list.length === 1) noticeTimer = setTimeout(() => { box.hidden = true; postHeight(); }, 8000);
  postHeight();
}

function setStatus(text) {
  $('#status').textContent = text;
}

// ---------------------------------------------------------------------------------------------------------
// Figure 8's α handle and the glossary (issue 11): Rust maps the handle's position to α and writes the readout.

/** Shows Rust's readout for the handle at `index` (undefined: where it is; after a refit, glmer's α). */
function syncAlphaHandle(index) {
  return syncHandle($('#alpha-handle'), $('#alpha-readout'), (fn) => engine.call(fn), index);
}

function onAlphaHandle() {
  if (syncAlphaHandle(Number($('#alpha-handle').value))) figures.handleMoved();
}

function renderGlossary() {
  const terms = engine.core.glossary();
  $('#glossary').replaceChildren(...terms.flatMap((t) => [
    h('dt', { id: `term-${t.id}` }, [h('dfn', { text: t.term })]),
    h('dd', { text: t.definition }),
  ]));
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
  $('#notice-close').addEventListener('click', () => { $('#notice').hidden = true; postHeight(); });
  $('#pair-a').addEventListener('change', onPairChange);
  $('#pair-b').addEventListener('change', onPairChange);
  $('#alpha-handle').addEventListener('input', onAlphaHandle);

  $('#theme-toggle').addEventListener('click', () => {
    applyTheme(effectiveDark() ? 'light' : 'dark');
    schedulePermalink();
  });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(app.view.theme));

  $('#copy-link').addEventListener('click', (ev) => copyText(api.permalink(), ev.currentTarget));
  $('#open-embed').addEventListener('click', openEmbed);
  $('#open-rcode').addEventListener('click', openRCode);
  $('#export-csv').addEventListener('click', () => {
    try {
      download(`${stem(engine.demo)}-data.csv`, new Blob([api.csv()], { type: 'text/csv' }));
    } catch (e) { showNotice(messageOf(e), 'error'); }
  });
  $('#export-json').addEventListener('click', () => {
    download(`${stem(engine.demo)}-results.json`, new Blob([api.json()], { type: 'application/json' }));
  });
  $('#embed-panels').addEventListener('change', updateEmbedDialog);
  for (const [button, field] of [['#copy-iframe', '#embed-iframe'], ['#copy-element', '#embed-element'], ['#copy-embed-link', '#embed-link']]) {
    $(button).addEventListener('click', (ev) => {
      $(field).select();
      copyText($(field).value, ev.currentTarget);
    });
  }
  $('#copy-rcode').addEventListener('click', (ev) => copyText($('#rcode-text').textContent, ev.currentTarget));
  $('#download-rcode').addEventListener('click', () => {
    download(`${stem(engine.demo)}.R`, new Blob([$('#rcode-text').textContent], { type: 'text/plain' }));
  });
  for (const d of $$('dialog')) {
    for (const b of $$('[data-close]', d)) b.addEventListener('click', () => d.close());
  }
  window.addEventListener('hashchange', onHashChange);

  figures.watchSizes(() => engine.redraw());
  watchScroller($('#results .table-wrap'));
  new ResizeObserver(() => postHeight()).observe(document.documentElement);
  window.addEventListener('load', postHeight);
  wireControlsPanel();
}

/** The controls' panel on a narrow page: a bar of the most used controls that opens to all of them. */
function wireControlsPanel() {
  const panel = $('#controls');
  const toggle = $('#controls-toggle');
  const set = (open) => {
    panel.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => set(!panel.classList.contains('open')));
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && panel.classList.contains('open')) {
      set(false);
      toggle.focus();
    }
  });
}

async function start() {
  wire();
  try {
    await engine.loaded;
    $('#version').textContent = engine.core.version();
    renderGlossary();
    own = ownData(document, (fn) => engine.call((_, core) => fn(core)), {
      params: () => app.params, onFitted: () => schedulePermalink(),
    });
    api.addEventListener('update', () => own?.lessonChanged());
  } catch (e) {
    showNotice(`The page could not start its engine: ${messageOf(e)}`, 'error');
    setStatus('not loaded');
    heightReady = true;
    postHeight();
    rejectReady(e);
    return;
  }
  const parsed = readLocation();
  applyTheme(parsed.view.theme);
  applyView(parsed.view);
  buildToggles();
  if (parsed.notices.length) showNotice(parsed.notices, 'info');
  const jobs = [engine.request(parsed.params)];
  if (parsed.view.pair) jobs.push(engine.setPair(parsed.view.pair[0], parsed.view.pair[1]).catch(() => {}));
  lastHash = location.hash;
  Promise.all(jobs).then(() => {
    $('#embed-full').href = currentFullLink();
    heightReady = true;
    postHeight();
    resolveReady(api);
    if (parsed.own_data && own) own.restore(parsed.own_data);
  }, (e) => {
    showNotice(messageOf(e), 'error');
    heightReady = true;
    postHeight();
    rejectReady(e);
  });
}

start();
