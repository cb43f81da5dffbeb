// <glmm-demo>: the page's figures and table on any course page, with one script tag:
//
//   <script type="module" src="https://your.host/glmm-demo/glmm-demo-element.js"></script>
//   <glmm-demo preset="answer" seed="1" panels="2,3,table"></glmm-demo>
//
// The wasm, the stylesheet and the worker load relative to this script's own URL (import.meta.url), so
// the element works wherever www/ is served (a host that serves the script to other origins needs CORS,
// as any module script does; the fitting worker is then not used and large data fit on the main thread).
// Attributes (the permalink's names work too; the core's parameter table lists them): preset, seed, groups, n, thresholds ("0.5,0.1"),
// y-coef (or y_coef, yc), spacing (sp), center (c: true/false/1/0), nagq, panels (figures "1"–"8",
// "table", "tour"; default all), pair ("1,2"). Figure 8 comes with its α handle; "tour" is the guided tour,
// whose steps set this element's own state (never the host page's URL). A malformed value falls back to its default with a notice, as in a permalink. Each element
// has its own engine and shadow DOM; several on one page work side by side.
// Element API: el.ready, el.set(partial), el.params(), el.results(), el.rCode(), and an 'update' event.

import { Engine } from './engine.js';
import { Figures, h, layoutPanels, watchScroller, alphaHandleBox, syncAlphaHandle } from './view.js';
import { renderTable } from './table.js';
import { fixed } from './format.js';
import { Tour, wireTermLinks } from './tour.js';

const STYLE = new URL('./style.css', import.meta.url).href;

/** Attribute → permalink key, from the core's parameter table (Rust's params::table; url_state reads and
 *  checks the values). Known once the core has loaded; attributes set before then are read at start. */
let KEYS = null;

let count = 0;

function messageOf(e) {
  return (e && e.message) || String(e);
}

class GlmmDemoElement extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.uid = ++count;
    this.engine = null;
    this._ready = new Promise((res, rej) => { this._resolve = res; this._reject = rej; });
    this._ready.catch(() => {});
  }

  get ready() { return this._ready; }
  params() { return this._params ? structuredClone(this._params) : null; }
  results() { return this._results ? structuredClone(this._results) : null; }
  set(partial) { return this.engine ? this.engine.request(structuredClone(partial)) : this._ready.then(() => this.set(partial)); }
  rCode() { return this.engine.call((demo) => demo.r_code()); }

  /** The attributes as a permalink hash (parsed leniently by Rust's url_state). */
  hash() {
    const parts = [];
    for (const attr of this.getAttributeNames()) {
      const key = KEYS[attr.toLowerCase()];
      if (!key) continue;
      let v = this.getAttribute(attr).trim();
      if (key === 'c') v = /^(true|1|yes)$/i.test(v) ? '1' : /^(false|0|no)$/i.test(v) ? '0' : v;
      parts.push(`${key}=${encodeURIComponent(v).replace(/%2C/gi, ',')}`);
    }
    return `#${parts.join('&')}`;
  }

  connectedCallback() {
    if (this.engine) return;
    const root = this.shadowRoot;
    const link = h('link', { rel: 'stylesheet', href: STYLE });
    this.notice = h('div', { class: 'notice', role: 'alert', hidden: true });
    this.grid = h('div', { class: 'gd-grid' });
    this.foot = h('p', { class: 'gd-foot', 'aria-live': 'polite' });
    root.replaceChildren(link, h('div', { class: 'gd', part: 'container' }, [this.notice, this.grid, this.foot]));
    // Glossary links show their definition in place (the host page has no glossary, and its hash is not ours).
    wireTermLinks(root, () => this.engine.core.glossary());

    this.engine = new Engine({
      onApplied: (info) => this.render(info),
      onBusy: (busy) => this.classList.toggle('computing', busy),
      onRecovered: ({ message }) => this.showNotice(`The engine restarted after an error (${message}).`),
    });
    this.start();
  }

  async start() {
    try {
      await this.engine.loaded;
    } catch (e) {
      this.showNotice(`glmm-demo could not start: ${messageOf(e)}`);
      this._reject(e);
      return;
    }
    KEYS ??= this.engine.core.element_attributes();
    // Attribute names come from the core, so changes are watched with a MutationObserver (observedAttributes
    // would need them before the core loads).
    new MutationObserver((records) => this.attributesChanged(records))
      .observe(this, { attributes: true, attributeOldValue: true });
    const parsed = this.engine.core.parse_hash(this.hash());
    if (parsed.notices.length) this.showNotice(parsed.notices.join(' '));
    this.buildPanels(parsed.view.panels.map(String));
    const jobs = [this.engine.request(parsed.params)];
    if (parsed.view.pair) jobs.push(this.engine.setPair(parsed.view.pair[0], parsed.view.pair[1]).catch(() => {}));
    Promise.all(jobs).then(() => this._resolve(this), (e) => { this.showNotice(messageOf(e)); this._reject(e); });
  }

  buildPanels(panels) {
    this.panels = panels;
    this.table = null;
    const sections = {};
    if (panels.includes('table')) {
      this.table = h('table', { class: 'results-table' }, [h('thead'), h('tbody')]);
      sections.table = h('section', { class: 'results', 'aria-label': 'Every model on the same data' }, [
        h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Results table' }, [this.table]),
      ]);
    }
    if (panels.includes('tour')) {
      const title = `gd${this.uid}-tour-title`;
      sections.tour = h('section', { class: 'tour gd-tour', 'aria-labelledby': title }, [
        h('h2', { id: title, text: 'A guided tour: predict, then see' }),
        h('ol', { id: 'tour-steps', class: 'tour-steps', 'aria-label': 'Tour steps' }),
        h('div', { id: 'tour-stage', class: 'tour-stage' }),
      ]);
    }
    this.handle = null;
    const figureFor = (p) => {
      const fig = h('figure', { class: 'fig', 'data-figure': p });
      if (p !== '8') return fig;
      this.handle = alphaHandleBox(`gd${this.uid}`);
      this.handle.querySelector('input').addEventListener('input', (e) => this.moveHandle(Number(e.target.value)));
      return h('div', { class: 'alpha-panel' }, [fig, this.handle]);
    };
    layoutPanels(this.grid, panels, figureFor, sections);
    this.figures = new Figures(this.shadowRoot, {
      getDemo: () => this.engine.demo,
      onNotice: (t) => this.showNotice(t),
      idPrefix: `gd${this.uid}`,
    });
    // The tour's steps set this element's state (its engine), told from its own fit.
    this.tour = sections.tour ? new Tour(this.shadowRoot, {
      set: (partial) => this.set(partial),
      call: (fn) => this.engine.call(fn),
      onNotice: (t) => this.showNotice(t),
    }) : null;
    // Redraw sharp when a canvas changes size (the column narrows, a sidebar opens), without a refit.
    this.unwatch?.();
    const ro = this.figures.watchSizes(() => this.engine.redraw());
    this.unwatch = () => ro.disconnect();
    if (sections.table) watchScroller(sections.table.querySelector('.table-wrap'));
  }

  /** Figure 8's handle: Rust's readout at position `index` (undefined: where it is), and the figures it moves. */
  syncHandle(index) {
    if (!this.handle) return null;
    return syncAlphaHandle(this.handle.querySelector('input'), this.handle.querySelector('output'), (fn) => this.engine.call(fn), index);
  }

  moveHandle(index) {
    if (this.syncHandle(index)) this.figures.handleMoved();
  }

  render({ params, results, redraw }) {
    if (!redraw) {
      this._params = params;
      this._results = results;
      this.figures.describe(params);
      this.syncHandle();
      if (this.table) renderTable(this.table, this.engine.demo?.text().table);
      const agq = results?.glmm_agq;
      this.foot.replaceChildren(
        h('span', { text: agq && agq.error === undefined
          ? `glmer (nAGQ = ${agq.nagq}): sum of conditional modes ${fixed(agq.ranef_sum, 6)}, of conditional means ${fixed(agq.cond_means_sum, 6)}. `
          : '' }),
        h('span', { class: 'gd-brand', text: 'glmm-demo' }),
      );
    }
    this.figures.draw(params);
    if (!redraw) {
      this.tour?.update();
      this.dispatchEvent(new CustomEvent('update', { detail: { params: this.params(), results: this.results() } }));
    }
  }

  showNotice(text) {
    this.notice.textContent = text;
    this.notice.hidden = false;
  }

  attributesChanged(records) {
    const keys = records
      .filter((r) => r.oldValue !== this.getAttribute(r.attributeName))
      .map((r) => KEYS[r.attributeName.toLowerCase()])
      .filter(Boolean);
    if (!keys.length || !this.engine || !this.engine.core) return;
    const parsed = this.engine.core.parse_hash(this.hash());
    if (parsed.notices.length) this.showNotice(parsed.notices.join(' '));
    if (keys.includes('panels')) {
      this.buildPanels(parsed.view.panels.map(String));
      this.engine.redraw();
      if (this._params) this.render({ params: this._params, results: this._results, redraw: false });
    }
    if (keys.some((k) => k !== 'panels')) this.engine.request(parsed.params).catch((e) => this.showNotice(messageOf(e)));
  }
}

if (!customElements.get('glmm-demo')) customElements.define('glmm-demo', GlmmDemoElement);

export { GlmmDemoElement };
