// "Your data"'s figures (issue 13): the data with each group's fitted curve against an x the user picks (figure 1
// or 2), and for a chosen pair of groups their joint posterior (3), the same with the intercept moved by the
// mean mode (4), the decomposition along u (5, 6) and their posteriors (7) at the page's glmer fit, drawn by
// Rust (src/own_data/figures.rs through the core's OwnFit) on canvases. The titles, captions, group names, the
// x axis's options and the suggested pair all come from Rust; this module builds the figures in #own-figures,
// wires the two group choosers and the x chooser and redraws when a canvas changes size. No numerics here.
import { h } from './view.js';
import { isFatal } from './core.js';

/** The figures' numbers, as Rust's OwnFit draws them, in the page's order (each figure's info is found by its
 * number). The fitted-curves figure comes first; its number (1 or 2, by the family) is the one Rust gives. */
const FIGURES = [3, 4, 5, 6, 7];
const CURVES = 'curves';

/** Rust's description of figure `f` in `info` (the curves figure: the one numbered 1 or 2). */
const infoOf = (info, f) => info.figures.find((x) => (f.n === CURVES ? x.number <= 2 : x.number === f.n));

export class OwnFigures {
  /** @param {HTMLElement} root  the #own-figures container */
  constructor(root) {
    this.root = root;
    this.fit = null; // the core's OwnFit shown
    this.pair = [-1, -1];
    this.x = -1;
    this.frame = 0;
    const choose = (id, label) => h('label', { class: 'own-pair-pick' }, [label, ' ', h('select', { id })]);
    this.chooser = h('div', { class: 'own-pair', role: 'group', 'aria-label': 'The two groups the figures compare' }, [
      choose('own-pair-a', 'First group'), choose('own-pair-b', 'Second group'),
      h('button', { type: 'button', class: 'button small', id: 'own-pair-default', text: 'The most skewed pair' }),
    ]);
    this.xPick = h('label', { class: 'own-x-pick' }, ['x axis ', h('select', { id: 'own-x' })]);
    this.figs = [CURVES, ...FIGURES].map((n) => {
      const canvas = h('canvas', { role: 'img', 'aria-label': `Figure ${n} of your data` });
      const fig = h('figure', { class: 'fig own-fig', 'data-own-figure': n }, [
        ...(n === CURVES ? [this.xPick] : []),
        h('div', { class: 'canvas-wrap' }, [canvas, h('p', { class: 'fig-error', hidden: true })]),
        h('figcaption', {}, [h('strong', { class: 'fig-title' }), ' ', h('span', { class: 'fig-explanation' })]),
      ]);
      return { n, fig, canvas };
    });
    root.replaceChildren(this.chooser, h('div', { class: 'own-figs' }, this.figs.map((f) => f.fig)));
    root.hidden = true;
    this.select = (k) => root.querySelector(k ? '#own-pair-b' : '#own-pair-a');
    this.chooser.addEventListener('change', () => {
      this.pair = [Number(this.select(0).value), Number(this.select(1).value)];
      this.render();
    });
    this.xPick.addEventListener('change', () => {
      this.x = Number(root.querySelector('#own-x').value);
      this.render(null, CURVES);
    });
    root.querySelector('#own-pair-default').addEventListener('click', () => {
      this.pair = [-1, -1];
      this.render();
    });
    this.resize = new ResizeObserver(() => {
      if (this.frame || !this.fit) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        const dpr = window.devicePixelRatio || 1;
        if (this.figs.some(({ canvas: c }) => c.clientWidth && c.width !== Math.round(c.clientWidth * dpr))) this.draw();
      });
    });
    for (const f of this.figs) this.resize.observe(f.canvas);
  }

  /** A new fit (the core's OwnFit): its suggested pair, its group names in the choosers, drawn. */
  show(fit) {
    if (this.fit && this.fit !== fit) { try { this.fit.free(); } catch { /* gone */ } }
    this.fit = fit;
    this.pair = [-1, -1];
    this.x = -1;
    let info;
    try {
      info = fit.figures(-1, -1, -1);
    } catch (e) {
      this.fail(e);
      return;
    }
    for (const k of [0, 1]) {
      this.select(k).replaceChildren(...info.group_labels.map((label, i) => h('option', { value: i, text: `${info.group_name} ${label}` })));
    }
    this.root.querySelector('#own-x').replaceChildren(...info.x_labels.map((label, i) => h('option', { value: i, text: label })));
    this.chooser.hidden = info.group_labels.length < 2;
    this.root.hidden = false;
    this.render(info);
  }

  /** The captions from Rust, then the figures (only the curves figure when `only` is CURVES). */
  render(info = null, only = null) {
    if (!this.fit) return;
    try {
      info ||= this.fit.figures(this.pair[0], this.pair[1], this.x);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.info = info;
    [this.select(0).value, this.select(1).value] = info.pair.map(String);
    this.root.querySelector('#own-x').value = String(info.x);
    this.xPick.hidden = info.x_labels.length < 2;
    for (const f of this.figs) {
      const fi = infoOf(info, f);
      f.fig.hidden = !fi;
      if (!fi) continue;
      if (f.n === CURVES) f.fig.dataset.ownNumber = fi.number;
      else if (only) continue;
      f.fig.querySelector('.fig-title').textContent = `${fi.title}.`;
      f.fig.querySelector('.fig-explanation').textContent = fi.unavailable || fi.explanation;
      f.canvas.setAttribute('aria-label', fi.unavailable ? `${fi.title}. ${fi.unavailable}` : `${fi.title}. ${fi.alt}`);
    }
    this.draw(only);
  }

  draw(only = null) {
    if (!this.fit || !this.info) return;
    const dpr = window.devicePixelRatio || 1;
    const [a, b] = this.info.pair;
    for (const f of this.figs) {
      if (f.fig.hidden || (only && f.n !== only)) continue;
      const err = f.fig.querySelector('.fig-error');
      try {
        this.fit.draw(infoOf(this.info, f).number, a, b, this.info.x, f.canvas, dpr);
        err.hidden = true;
      } catch (e) {
        if (isFatal(e)) { this.fail(e); return; }
        err.textContent = (e && e.message) || String(e);
        err.hidden = false;
      }
    }
  }

  /** The fit's instance is gone (the engine restarted) or it threw: the figures go until the next fit. */
  fail(e) {
    this.fit = null;
    this.root.hidden = true;
    this.error = (e && e.message) || String(e);
  }

  /** For tests: the captions shown and the pair. */
  state() {
    return this.info ? { pair: this.info.pair, default_pair: this.info.default_pair, figures: this.info.figures, x: this.info.x, x_labels: this.info.x_labels } : null;
  }
}
