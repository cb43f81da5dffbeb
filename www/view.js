// The six figures: canvases drawn by the Rust core, captions, text descriptions for screen readers, hover
// read-outs, and SVG/PNG downloads. Shared by the page (app.js) and the custom element
// (glmm-demo-element.js); `root` is the document or a shadow root. No numerics here.

import { short } from './format.js';
import { isFatal } from './core.js';

// Titles, captions, axis symbols and file names of the figures all come from the Rust scene
// (`demo.figures()`, FigureInfo); nothing about a figure is written here.

function h(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of [].concat(children)) if (c !== null && c !== undefined) e.append(c);
  return e;
}
export { h };

/**
 * Lays out `panels` ("1"–"8", "table", "tour") in order inside `container`: runs of figures share a grid
 * (auto-fill columns of at least 300 px, so one figure does not fill a wide frame); the table and the tour
 * (`sections.table`, `sections.tour`, full-width elements, absent ones skipped) take the full width.
 */
export function layoutPanels(container, panels, figureFor, sections = {}) {
  const items = [];
  let run = null;
  for (const p of panels) {
    if (p === 'table' || p === 'tour') {
      run = null;
      if (sections[p]) items.push(sections[p]);
      continue;
    }
    if (!run) {
      run = h('div', { class: 'panel-figs' });
      items.push(run);
    }
    run.append(figureFor(p));
  }
  container.replaceChildren(...items);
}

/**
 * Figure 8's α handle: a range input and Rust's readout beside it, for the custom element (the page has the
 * same markup in index.html, ids alpha-handle and alpha-readout).
 */
export function alphaHandleBox(idPrefix) {
  const id = `${idPrefix}-alpha-handle`;
  return h('div', { class: 'alpha-handle' }, [
    h('label', { for: id }, ['Move the intercept ', h('var', { text: 'α' }), ' (', h('var', { text: 'β' }), ' and ',
      h('var', {}, ['σ', h('sub', { text: 'b' })]), ' stay at glmer’s fit)']),
    h('input', { type: 'range', id, class: 'alpha-range', min: 0, max: 0, step: 1, value: 0, 'aria-describedby': `${id}-readout` }),
    h('output', { id: `${id}-readout`, class: 'alpha-readout', for: id, 'aria-live': 'polite' }),
  ]);
}

/**
 * Shows Rust's readout for figure 8's handle at position `index` (undefined: where it is; after a refit,
 * glmer's α) in `input` (a range) and `output`; returns the readout, or null when there is no α profile.
 */
export function syncAlphaHandle(input, output, call, index) {
  let r = null;
  try { r = call((demo) => demo.alpha_handle(index)); } catch (e) { r = null; }
  input.disabled = !r;
  output.textContent = r ? r.text : 'The α profile is not available for this fit.';
  if (!r) return null;
  input.max = String(r.positions - 1);
  input.value = String(r.index);
  input.setAttribute('aria-valuetext', r.label);
  return r;
}

/**
 * Marks a horizontal scroller (the table's box): `.scrolls` while its content is wider than it, `.at-start`
 * and `.at-end` at either end, so the stylesheet can shade the side where columns are hidden, and shows a
 * one-line cue under it meanwhile.
 */
export function watchScroller(wrap) {
  // A visible cue under it while it scrolls (screen readers read every cell: hidden from them).
  const cue = h('p', { class: 'scroll-cue', 'aria-hidden': 'true', text: '← more columns: scroll the table sideways →' });
  wrap.after(cue);
  const update = () => {
    const max = wrap.scrollWidth - wrap.clientWidth;
    wrap.classList.toggle('scrolls', max > 1);
    wrap.classList.toggle('at-start', wrap.scrollLeft <= 1);
    wrap.classList.toggle('at-end', wrap.scrollLeft >= max - 1);
    cue.classList.toggle('shown', max > 1);
  };
  wrap.addEventListener('scroll', update, { passive: true });
  const ro = new ResizeObserver(update);
  ro.observe(wrap);
  for (const child of wrap.children) ro.observe(child);
  update();
  return update;
}

/** Saves a Blob under `name` (a download; nothing leaves the browser). */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'visually-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The file-name stem Rust writes for the Demo's parameters, e.g. "glmm-demo-answer-seed1". */
export function stem(demo) {
  try {
    return demo.file_stem();
  } catch {
    return 'glmm-demo'; // no Demo yet (or one being recovered)
  }
}

/**
 * The figures under `root` (elements `figure.fig[data-figure]`): builds their contents once, draws them
 * with a Demo, keeps their text descriptions current.
 *   getDemo()         the Demo to draw with (may change after a recovery)
 *   onNotice(text, kind)
 */
export class Figures {
  constructor(root, { getDemo, onNotice, idPrefix = 'fig' }) {
    this.root = root;
    this.getDemo = getDemo;
    this.onNotice = onNotice || (() => {});
    this.idPrefix = idPrefix;
    this.mappings = new Map();
    this.broken = { key: '', figures: new Set() };
    this.lastDraw = 0;
    /** FigureInfo by figure number, from the last describe(). */
    this.infos = new Map();
    for (const fig of this.all()) this.build(fig);
  }

  all() {
    return [...this.root.querySelectorAll('figure.fig[data-figure]')];
  }

  /**
   * Calls `redraw` (at most once a frame) when a shown canvas's size on screen no longer matches the size
   * it was drawn at (its container changed: a sidebar opened, a phone turned, a column query switched):
   * the figures are redrawn sharp at the new size, without a refit.
   */
  watchSizes(redraw) {
    let frame = 0;
    const stale = () => this.all().some((fig) => {
      const c = fig.querySelector('canvas');
      if (!c || fig.hidden || c.clientWidth === 0) return false;
      const dpr = window.devicePixelRatio || 1;
      return c.width !== Math.round(c.clientWidth * dpr) || c.height !== Math.round(c.clientHeight * dpr);
    });
    const ro = new ResizeObserver(() => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        if (stale()) redraw();
      });
    });
    for (const fig of this.all()) {
      const c = fig.querySelector('canvas');
      if (c) ro.observe(c);
    }
    return ro;
  }

  build(fig) {
    const n = Number(fig.dataset.figure);
    const id = `${this.idPrefix}-${n}`;
    const canvas = h('canvas', { role: 'img', 'aria-label': `Figure ${n}`, 'aria-describedby': `${id}-desc` });
    const wrap = h('div', { class: 'canvas-wrap' }, [
      canvas,
      h('div', { class: 'cross cross-x', hidden: true }),
      h('div', { class: 'cross cross-y', hidden: true }),
      h('div', { class: 'readout', hidden: true, 'aria-hidden': 'true' }),
      h('p', { class: 'fig-error', hidden: true }),
    ]);
    const svg = h('button', { type: 'button', class: 'tool', 'data-export': 'svg', 'aria-label': `Download figure ${n} as SVG`, text: 'SVG' });
    const png = h('button', { type: 'button', class: 'tool', 'data-export': 'png', 'aria-label': `Download figure ${n} as PNG`, text: 'PNG' });
    const caption = h('figcaption', { id: `${id}-cap` }, [
      h('span', { class: 'fig-num', text: String(n) }), ' ',
      h('strong', { class: 'fig-title' }), ' ',
      h('span', { class: 'fig-text' }), ' ',
      h('span', { class: 'fig-scene' }),
      h('span', { class: 'fig-tools' }, [h('span', { class: 'tools-label', text: 'Download' }), svg, png]),
    ]);
    const desc = h('p', { class: 'visually-hidden fig-desc', id: `${id}-desc` });
    fig.replaceChildren(wrap, caption, desc);
    canvas.addEventListener('pointermove', (e) => this.hover(fig, n, e));
    canvas.addEventListener('pointerleave', () => this.unhover(fig));
    svg.addEventListener('click', () => this.exportSvg(n));
    png.addEventListener('click', () => this.exportPng(n));
  }

  /** Titles, captions and descriptions from the scene (Rust: FigureInfo.title, .explanation, .caption,
   * .notes, .alt). */
  describe() {
    let infos = [];
    try { infos = this.getDemo().figures() || []; } catch (e) { if (isFatal(e)) throw e; }
    this.infos = new Map(infos.map((i) => [i.number, i]));
    for (const fig of this.all()) {
      const n = Number(fig.dataset.figure);
      const info = this.infos.get(n);
      const title = info?.title ? `${info.title}.` : '';
      fig.querySelector('.fig-title').textContent = title;
      fig.querySelector('.fig-text').textContent = info?.explanation || '';
      const scene = [info?.caption, ...(info?.notes || [])].filter(Boolean).join(' ');
      fig.querySelector('.fig-scene').textContent = scene;
      // Figures 3–4: the α they are drawn from (glmer's, or figure 8's handle's), from Rust.
      if (info?.at_alpha !== undefined && info?.at_alpha !== null) fig.dataset.alpha = String(info.at_alpha);
      else delete fig.dataset.alpha;
      const alt = info?.unavailable || info?.alt || '';
      fig.querySelector('.fig-desc').textContent = alt;
      fig.querySelector('canvas').setAttribute('aria-label', `Figure ${n}${info?.title ? `: ${info.title}` : ''}${alt ? `. ${alt}` : ''}`);
    }
  }

  /** Draws every figure that is shown. A panic in one figure marks it broken for these parameters. */
  draw(params) {
    const t0 = performance.now();
    const demo = this.getDemo();
    const key = JSON.stringify(params);
    if (this.broken.key !== key) this.broken = { key, figures: new Set() };
    const dpr = window.devicePixelRatio || 1;
    this.drawByFigure = {};
    for (const fig of this.all()) {
      if (fig.hidden) continue;
      const n = Number(fig.dataset.figure);
      const canvas = fig.querySelector('canvas');
      const err = fig.querySelector('.fig-error');
      if (this.broken.figures.has(n)) {
        err.textContent = 'This figure could not be drawn for these settings.';
        err.hidden = false;
        continue;
      }
      try {
        const t1 = performance.now();
        this.mappings.set(n, demo.draw(n, canvas, dpr));
        this.drawByFigure[n] = performance.now() - t1;
        err.hidden = true;
        fig.classList.remove('has-error');
      } catch (e) {
        if (isFatal(e)) {
          this.broken.figures.add(n);
          throw e;
        }
        this.mappings.delete(n);
        const ctx = canvas.getContext('2d');
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        err.textContent = (e && e.message) || String(e);
        err.hidden = false;
        fig.classList.add('has-error');
      }
    }
    this.lastDraw = performance.now() - t0;
    return this.lastDraw;
  }

  /** After figure 8's handle moved: figure 8, and figures 3–4 that follow it, with their new captions. */
  handleMoved() {
    this.describe();
    for (const n of [8, 3, 4]) this.drawOne(n);
  }

  /** Draws figure `n` alone (figure 8 when its α handle moves). */
  drawOne(n) {
    const fig = this.root.querySelector(`figure.fig[data-figure="${n}"]`);
    if (!fig || fig.hidden) return;
    try {
      this.mappings.set(n, this.getDemo().draw(n, fig.querySelector('canvas'), window.devicePixelRatio || 1));
    } catch (e) {
      if (isFatal(e)) throw e;
      this.onNotice(`Figure ${n} could not be drawn: ${(e && e.message) || e}`, 'error');
    }
  }

  hover(fig, n, e) {
    const m = this.mappings.get(n);
    if (!m) return this.unhover(fig);
    const canvas = e.currentTarget;
    const rect = canvas.getBoundingClientRect();
    const px = e.clientX - rect.left;
    const py = e.clientY - rect.top;
    const [left, top, right, bottom] = m.px;
    if (px < left || px > right || py < top || py > bottom || right <= left || bottom <= top) return this.unhover(fig);
    const [x0, x1, y0, y1] = m.data;
    const fx = (px - left) / (right - left);
    const fy = (bottom - py) / (bottom - top);
    const x = x0 + fx * (x1 - x0);
    const y = m.log_y && y0 > 0 && y1 > 0 ? Math.exp(Math.log(y0) + fy * (Math.log(y1) - Math.log(y0))) : y0 + fy * (y1 - y0);
    const info = this.infos.get(n);
    const out = fig.querySelector('.readout');
    out.textContent = `${info?.x_symbol || 'x'} = ${short(x)}   ${info?.y_symbol || 'y'} = ${short(y)}`;
    out.hidden = false;
    const flip = px > rect.width * 0.6;
    out.style.setProperty('left', `${flip ? px - 12 : px + 12}px`);
    out.style.setProperty('top', `${Math.max(4, py - 34)}px`);
    out.classList.toggle('flip', flip);
    const cx = fig.querySelector('.cross-x');
    const cy = fig.querySelector('.cross-y');
    cx.hidden = cy.hidden = false;
    cx.style.setProperty('left', `${px}px`);
    cx.style.setProperty('top', `${top}px`);
    cx.style.setProperty('height', `${bottom - top}px`);
    cy.style.setProperty('top', `${py}px`);
    cy.style.setProperty('left', `${left}px`);
    cy.style.setProperty('width', `${right - left}px`);
  }

  unhover(fig) {
    fig.querySelector('.readout').hidden = true;
    fig.querySelector('.cross-x').hidden = true;
    fig.querySelector('.cross-y').hidden = true;
  }

  /** The size a figure is exported at: its size on screen, at least 640 × 480 CSS pixels. */
  exportSize(n) {
    const c = this.root.querySelector(`figure.fig[data-figure="${n}"] canvas`);
    let w = c?.clientWidth || 0;
    let hgt = c?.clientHeight || 0;
    if (w < 640 || hgt < 200) { w = 640; hgt = 480; }
    return [Math.round(w), Math.round(hgt)];
  }

  /** Figure n as an SVG document, drawn by the same Rust code through plotters' SVG backend. */
  svg(n) {
    const [w, hh] = this.exportSize(n);
    return this.getDemo().svg(n, w, hh);
  }

  /** Figure n as a PNG Blob at twice its size (a detached canvas drawn at device pixel ratio 2). */
  png(n, scale = 2) {
    const [w, hh] = this.exportSize(n);
    const c = document.createElement('canvas');
    c.width = w;
    c.height = hh;
    this.getDemo().draw(n, c, scale);
    return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be made.'))), 'image/png'));
  }

  /** The download's name without extension, e.g. "glmm-demo-answer-seed1-figure2-logistic-fits". */
  fileName(n) {
    const name = this.infos.get(n)?.file_name;
    return `${stem(this.getDemo())}-figure${n}${name ? `-${name}` : ''}`;
  }

  exportSvg(n) {
    try {
      download(`${this.fileName(n)}.svg`, new Blob([this.svg(n)], { type: 'image/svg+xml' }));
    } catch (e) {
      this.onNotice(`Figure ${n} could not be exported: ${(e && e.message) || e}`, 'error');
    }
  }

  async exportPng(n) {
    try {
      download(`${this.fileName(n)}.png`, await this.png(n));
    } catch (e) {
      this.onNotice(`Figure ${n} could not be exported: ${(e && e.message) || e}`, 'error');
    }
  }
}
