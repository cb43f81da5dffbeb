// "Your data" (issue 13): a CSV of the user's (a file, dropped or chosen, or pasted text) or an example data
// set, fitted by the Rust core. This module wires inputs and outputs only: the columns and their kinds, the
// formula the pickers build, the table's rows and numbers, the sentences and the R code all come from Rust
// (src/own_data/, through src/bindings.rs). The file never leaves the page: it is read with File.text().
import { h } from './view.js';
import { OwnFigures } from './ownfigures.js';
import { OwnFitter } from './ownfitter.js';

const $ = (sel, root = document) => root.querySelector(sel);

export class OwnData {
  /**
   * @param {Document} doc
   * @param {(fn: (core: object) => any) => any} call runs `fn` with the core's exports (throws its sentence)
   * @param {{params?: () => object, onFitted?: () => void}} hooks the lesson's parameters (for its data), and
   *   what to do after each fit shown (rewrite the permalink)
   */
  constructor(doc, call, hooks = {}) {
    this.doc = doc;
    this.call = call;
    this.hooks = hooks;
    this.kept = null; // a permalink's settings for a file of the user's, until the file is chosen again
    this.root = $('#own-data', doc);
    this.csv = null; // the data in use
    this.fileName = '';
    this.columns = [];
    this.report = null; // the last good fit, shown
    this.choices = call((core) => core.own_data_choices());
    this.seq = 0;
    this.pending = Promise.resolve();
    this.fitter = new OwnFitter();
  }

  /**
   * The core's OwnFit of `csv` with `options`: the models fitted in a worker (the page keeps answering), the
   * table, sentences and figures made here from them; on the main thread where there is no worker. Throws
   * the core's sentence, or `{superseded: true}` when a later fit replaced this one.
   */
  async ownFit(csv, options) {
    const models = await this.fitter.models(csv, options);
    if (models === null) {
      const t0 = performance.now();
      const fitted = this.call((core) => new core.OwnFit(csv, options));
      this.fitter.last = { ms: performance.now() - t0, where: 'main' };
      return fitted;
    }
    const fitted = this.call((core) => core.OwnFit.from_models(csv, options, models));
    this.fitter.last.reused = fitted.reused();
    return fitted;
  }

  el(id) { return $(`#${id}`, this.doc); }

  wire() {
    if (this.el('own-figures')) this.figures = new OwnFigures(this.el('own-figures'));
    const families = this.el('own-family');
    families.replaceChildren(...this.choices.families.map((f) => h('option', { value: f.family, text: f.label })));
    this.fillLinks();
    const [lo, hi] = this.choices.nagq_range;
    Object.assign(this.el('own-nagq'), { min: lo, max: hi });
    this.el('own-examples').append(...this.choices.examples.map((ex) => h('button', {
      type: 'button', class: 'button small', 'data-example': ex.id, title: ex.about, text: ex.label,
    })));
    this.el('own-examples').addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-example]');
      if (b) this.loadExample(b.dataset.example);
    });
    this.el('own-file').addEventListener('change', (ev) => {
      const f = ev.target.files?.[0];
      if (f) this.loadFile(f);
    });
    this.el('own-use-paste').addEventListener('click', () => this.load(this.el('own-paste').value, ''));
    const drop = this.el('own-drop');
    drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('dragging'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
    drop.addEventListener('drop', (ev) => {
      ev.preventDefault();
      drop.classList.remove('dragging');
      const f = ev.dataTransfer?.files?.[0];
      if (f) this.loadFile(f);
    });
    const form = this.el('own-form');
    form.addEventListener('submit', (ev) => { ev.preventDefault(); this.fit(); });
    form.addEventListener('change', (ev) => this.onChange(ev.target));
    this.el('own-copy-rcode').addEventListener('click', () => navigator.clipboard?.writeText(this.el('own-rcode').textContent).catch(() => {}));
  }

  fillLinks(chosen = '') {
    const fam = this.choices.families.find((f) => f.family === this.el('own-family').value) || this.choices.families[0];
    const link = this.el('own-link');
    link.replaceChildren(...fam.links.map((l) => h('option', { value: l, text: l })));
    if (fam.links.includes(chosen)) link.value = chosen;
  }

  /** Shows `text` next to the controls (empty: hides it). The results shown stay as they were. */
  error(text) {
    const p = this.el('own-error');
    p.textContent = text || '';
    p.hidden = !text;
  }

  status(text) { this.el('own-status').textContent = text; }

  async loadFile(file) {
    try {
      await this.load(await file.text(), file.name);
    } catch (e) {
      this.error(e.message || String(e));
    }
  }

  async loadExample(id, settings = null) {
    const ex = this.choices.examples.find((e) => e.id === id);
    let text;
    try {
      if (ex.from_lesson) {
        const lesson = this.call((core) => core.own_data_lesson(this.hooks.params()));
        text = lesson.csv;
        this.lessonParams = JSON.stringify(this.hooks.params());
        settings = { ...settings, nagq: settings?.nagq ?? lesson.nagq };
      } else if (ex.path) {
        const res = await fetch(new URL(ex.path, this.doc.baseURI));
        if (!res.ok) throw new Error(this.choices.fetch_failed);
        text = await res.text();
      } else {
        text = this.call((core) => core.example_csv(id));
      }
    } catch (e) {
      this.error(ex.path ? this.choices.fetch_failed : (e.message || String(e)));
      return;
    }
    await this.load(text, ex.file_name, ex, settings);
  }

  /** New data: its columns from Rust (a malformed file is one sentence, and nothing else changes). */
  async load(text, fileName, example = null, settings = null) {
    let cols;
    try {
      cols = this.call((core) => core.csv_columns(text, fileName));
    } catch (e) {
      this.error(e.message || String(e));
      return;
    }
    // A permalink's settings for a file apply to the file chosen again if it has their columns (Rust decides).
    const kept = this.kept;
    if (!example && !settings && kept && this.call((core) => core.own_data_link_applies(kept, cols.columns.map((c) => c.name)))) settings = kept;
    this.keep(null);
    const base = example
      ? { formula: example.formula, family: example.family, link: example.link, nagq: example.nagq, factors: example.factors }
      : { formula: cols.suggested_formula || '', factors: [] };
    const given = Object.fromEntries(Object.entries(settings || {}).filter(([k, v]) => k !== 'data' && v !== null && v !== undefined && v !== ''));
    this.csv = text;
    this.fileName = fileName;
    this.example = example ? example.id : '';
    this.columns = cols.columns;
    this.el('own-source').textContent = cols.summary;
    this.fillForm({ ...base, ...given }, cols.suggested);
    this.el('own-form').hidden = false;
    await this.fit();
  }

  /** The form from settings {formula, family, link, nagq, factors} (family, link, nagq: left as they are if absent). */
  fillForm(s, suggested) {
    const picks = s.formula ? this.call((core) => core.picks_from_formula(s.formula)) : suggested;
    this.buildPickers(picks, s.factors || []);
    this.el('own-formula').value = s.formula || '';
    if (s.family) {
      this.el('own-family').value = s.family;
      this.fillLinks(s.link || '');
    }
    if (s.nagq !== null && s.nagq !== undefined) this.el('own-nagq').value = s.nagq;
  }

  /** A permalink's settings for a file of the user's (null: none): the form shows them and Rust's sentence says the file must be chosen again. */
  keep(link) {
    this.kept = link;
    const note = this.el('own-kept');
    note.textContent = link ? this.call((core) => core.own_data_link_note(link)) : '';
    note.hidden = !link;
  }

  /** Opens a permalink's settings of Your data: an example is loaded and fitted with them; for a file, they wait for it. */
  async restore(link) {
    if (link.data !== 'file') {
      await this.loadExample(link.data, link);
      return;
    }
    this.keep(link);
    this.columns = [];
    this.fillForm({ ...link, formula: link.formula || '' }, null);
    this.el('own-form').hidden = false;
  }

  /** What the permalink keeps: the data's name (an example's id, or 'file') and the shown fit's settings. */
  linkState() {
    if (!this.report) return this.kept;
    const r = this.report;
    return { data: this.example || 'file', formula: r.formula, family: r.family, link: r.link, nagq: r.nagq, factors: r.factors };
  }

  /** The lesson's settings changed: data of the lesson's, shown here, are made again from them (settings kept). */
  lessonChanged() {
    if (this.example !== 'lesson' || !this.report || !this.hooks.params) return;
    if (JSON.stringify(this.hooks.params()) === this.lessonParams) return;
    const r = this.report;
    this.loadExample('lesson', { formula: r.formula, family: r.family, link: r.link, nagq: r.nagq, factors: r.factors });
  }

  /**
   * glmmDemo.set({csv, formula, family, link, nagq, factors, file_name}): fits CSV text from script. Resolves
   * with the fit (the JSON of `glmm-demo fit --csv …`) once shown; a bad input rejects with Rust's sentence,
   * shown next to the controls, and what was shown stays.
   */
  async setCsv(o) {
    if (typeof o.csv !== 'string') throw new TypeError('glmmDemo.set({csv}) expects the CSV text as a string.');
    const fileName = typeof o.file_name === 'string' ? o.file_name : '';
    const seq = ++this.seq; // a fit started from the controls and not yet shown is dropped
    let cols;
    let report;
    let fitted;
    try {
      cols = this.call((core) => core.csv_columns(o.csv, fileName));
      const options = {
        formula: o.formula ?? cols.suggested_formula ?? '', family: o.family ?? 'binomial', link: o.link ?? '',
        nagq: o.nagq ?? null, factors: o.factors ?? [], file_name: fileName,
      };
      this.status('fitting…');
      fitted = await this.ownFit(o.csv, options);
      report = fitted.report();
    } catch (e) {
      const message = e.message || String(e);
      if (seq === this.seq) {
        this.error(message);
        this.status('');
      }
      throw new Error(message);
    }
    if (seq !== this.seq) {
      try { fitted.free(); } catch { /* gone */ }
      throw new Error('A later fit replaced this one.');
    }
    this.csv = o.csv;
    this.fileName = fileName;
    this.example = '';
    this.keep(null);
    this.columns = cols.columns;
    this.el('own-source').textContent = cols.summary;
    this.fillForm({ formula: report.formula, family: report.family, link: report.link, nagq: report.nagq, factors: report.factors }, cols.suggested);
    this.el('own-form').hidden = false;
    this.error('');
    this.status('');
    this.report = report;
    this.render(report);
    this.figures?.show(fitted);
    return report.fit;
  }

  buildPickers(picks, factors) {
    const names = this.columns.map((c) => c.name);
    const options = (sel, extra) => {
      sel.replaceChildren(...extra, ...names.map((n) => h('option', { value: n, text: n })));
    };
    options(this.el('own-response'), []);
    options(this.el('own-trials'), [h('option', { value: '', text: '—' })]);
    options(this.el('own-group'), []);
    if (picks) {
      this.el('own-response').value = picks.response;
      this.el('own-trials').value = picks.trials || '';
      this.el('own-group').value = picks.group;
    }
    const covs = new Set(picks ? picks.covariates : []);
    const list = factors.length ? new Set(factors) : new Set();
    this.el('own-columns').replaceChildren(...this.columns.map((c, i) => h('tr', {}, [
      h('th', { scope: 'row' }, h('code', { text: c.name })),
      h('td', { class: 'own-kind', text: c.description }),
      h('td', {}, h('input', { type: 'checkbox', 'data-covariate': c.name, checked: covs.has(c.name), 'aria-label': `${c.name} as a covariate`, id: `own-cov-${i}` })),
      h('td', {}, c.switchable
        ? h('input', { type: 'checkbox', 'data-factor': c.name, checked: list.has(c.name), 'aria-label': `read ${c.name} as a factor` })
        : h('input', { type: 'checkbox', checked: true, disabled: true, 'aria-label': `${c.name} is a factor` })),
    ])));
  }

  picks() {
    return {
      response: this.el('own-response').value,
      trials: this.el('own-trials').value || null,
      covariates: [...this.el('own-columns').querySelectorAll('input[data-covariate]:checked')].map((i) => i.dataset.covariate),
      group: this.el('own-group').value,
    };
  }

  factors() {
    return [...this.el('own-columns').querySelectorAll('input[data-factor]:checked')].map((i) => i.dataset.factor);
  }

  onChange(target) {
    if (target.id === 'own-family') this.fillLinks();
    if (target.matches('#own-response, #own-trials, #own-group, input[data-covariate]')) {
      try {
        this.el('own-formula').value = this.call((core) => core.formula_from_picks(this.picks()));
      } catch (e) {
        this.error(e.message || String(e));
        return;
      }
    }
    this.fit();
  }

  /** Fits the data with the controls' settings; a fit that fails keeps the results shown and says why. */
  async fit() {
    if (this.csv === null) return;
    const seq = ++this.seq;
    this.status('fitting…');
    // Let the status paint before a long fit (VerbAgg: about a second on the main thread).
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    if (seq !== this.seq) return;
    const nagq = Number(this.el('own-nagq').value);
    const options = {
      formula: this.el('own-formula').value,
      family: this.el('own-family').value,
      link: this.el('own-link').value,
      nagq: this.el('own-nagq').value === '' ? null : nagq,
      factors: this.factors(),
      file_name: this.fileName,
    };
    let report;
    let fitted;
    try {
      fitted = await this.ownFit(this.csv, options);
      report = fitted.report();
    } catch (e) {
      if (seq !== this.seq) return;
      this.error(e.message || String(e));
      this.status('');
      return;
    }
    if (seq !== this.seq) {
      try { fitted.free(); } catch { /* gone */ }
      return;
    }
    this.error('');
    this.status('');
    this.report = report;
    this.render(report);
    this.figures?.show(fitted);
  }

  render(r) {
    this.hooks.onFitted?.();
    const table = this.el('own-table');
    table.tHead.replaceChildren(h('tr', {}, r.headers.map((c, i) => h('th', {
      scope: 'col', title: c.title, class: i < 2 ? 'model-col' : 'num', text: c.text,
    }))));
    const body = [];
    for (const row of r.rows) {
      const head = h('th', { scope: 'row', class: 'model-col', text: row.label });
      if (row.error) {
        body.push(h('tr', { class: `row-${row.key} own-failed`, 'data-model': row.key }, [head,
          h('td', { colspan: r.headers.length - 1, class: 'own-row-error', text: row.error })]));
        continue;
      }
      const fixef = h('td', { class: 'own-fixef' }, [
        ...row.fixef.map((c) => h('span', { class: 'own-coef', 'data-model': row.key, 'data-name': c.name }, [
          h('code', { text: c.name }), ' ', h('span', { class: 'num', text: c.text })])),
        row.fixef_note ? h('span', { class: 'own-coef-note', text: row.fixef_note }) : null,
      ]);
      const cells = row.cells.map((c) => h('td', {
        class: `num${c.zero === true ? ' chip-zero' : ''}${c.zero === false ? ' chip-mode' : ''}${c.value === null ? ' empty' : ''}`,
        'data-model': row.key, 'data-key': c.key, 'data-label': r.headers.find((x) => x.key === c.key)?.text ?? '', text: c.text,
      }));
      body.push(h('tr', { class: `row-${row.key}`, 'data-model': row.key }, [head, fixef, ...cells]));
      if (row.note) body.push(h('tr', { class: 'own-note-row' }, h('td', { colspan: r.headers.length, class: 'own-row-note', text: row.note })));
    }
    table.tBodies[0].replaceChildren(...body);
    this.el('own-formula-shown').textContent = r.formula;
    this.el('own-explanation').replaceChildren(...r.explanation.paragraphs.map((p) => h('p', { text: p })));
    this.el('own-rcode').textContent = r.r_code;
    // Which data the shown results are of (an example's id; empty for the user's own file).
    this.el('own-results').dataset.example = this.example || '';
    this.el('own-results').hidden = false;
  }
}

/** Builds the "Your data" section (if the page has one) once the core is loaded. */
export function ownData(doc, call, hooks = {}) {
  if (!$('#own-data', doc)) return null;
  const o = new OwnData(doc, call, hooks);
  o.wire();
  return o;
}
