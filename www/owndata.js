// "Your data" (issue 13): a CSV of the user's (a file, dropped or chosen, or pasted text) or an example data
// set, fitted by the Rust core. This module wires inputs and outputs only: the columns and their kinds, the
// formula the pickers build, the table's rows and numbers, the sentences and the R code all come from Rust
// (src/own_data/, through src/bindings.rs). The file never leaves the page: it is read with File.text().
import { h } from './view.js';

const $ = (sel, root = document) => root.querySelector(sel);

export class OwnData {
  /**
   * @param {Document} doc
   * @param {(fn: (core: object) => any) => any} call runs `fn` with the core's exports (throws its sentence)
   */
  constructor(doc, call) {
    this.doc = doc;
    this.call = call;
    this.root = $('#own-data', doc);
    this.csv = null; // the data in use
    this.fileName = '';
    this.columns = [];
    this.report = null; // the last good fit, shown
    this.choices = call((core) => core.own_data_choices());
    this.seq = 0;
    this.pending = Promise.resolve();
  }

  el(id) { return $(`#${id}`, this.doc); }

  wire() {
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

  async loadExample(id) {
    const ex = this.choices.examples.find((e) => e.id === id);
    let text;
    try {
      if (ex.path) {
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
    await this.load(text, ex.file_name, ex);
  }

  /** New data: its columns from Rust (a malformed file is one sentence, and nothing else changes). */
  async load(text, fileName, example = null) {
    let cols;
    try {
      cols = this.call((core) => core.csv_columns(text, fileName));
    } catch (e) {
      this.error(e.message || String(e));
      return;
    }
    this.csv = text;
    this.fileName = fileName;
    this.example = example ? example.id : '';
    this.columns = cols.columns;
    this.el('own-source').textContent = cols.summary;
    const picks = example ? this.call((core) => core.picks_from_formula(example.formula)) : cols.suggested;
    this.buildPickers(picks, example ? example.factors : []);
    this.el('own-formula').value = example ? example.formula : (cols.suggested_formula || '');
    if (example) {
      this.el('own-family').value = example.family;
      this.fillLinks(example.link);
      this.el('own-nagq').value = example.nagq;
    }
    this.el('own-form').hidden = false;
    await this.fit();
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
    try {
      report = this.call((core) => core.fit_csv(this.csv, options));
    } catch (e) {
      this.error(e.message || String(e));
      this.status('');
      return;
    }
    this.error('');
    this.status('');
    this.report = report;
    this.render(report);
  }

  render(r) {
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
        'data-model': row.key, 'data-key': c.key, text: c.text,
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
export function ownData(doc, call) {
  if (!$('#own-data', doc)) return null;
  const o = new OwnData(doc, call);
  o.wire();
  return o;
}
