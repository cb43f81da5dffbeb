// The results table: lays out the table Rust writes (Demo.text().table: column headers, a row per model with its
// label, R call, printed cells, their tone and the sentences under a row; the "Rows in the table" switches come
// from Rust's table_models()). Nothing is computed or worded here.
import { h } from './view.js';

/** An element whose content is Rust's HTML (escaped there; only inline markup). */
function html(tag, attrs, markup) {
  const el = h(tag, attrs);
  el.innerHTML = markup;
  return el;
}

const STICKY = { modes: 'stick-r3', means: 'stick-r2', loglik: 'stick-r1' };
const TONE = { zero: 'hl-zero', nonzero: 'hl-mode', neutral: '' };

function cellClass(col, cell) {
  return ['num', cell.value === null || cell.value === undefined ? 'empty' : '', STICKY[col.key] ?? '',
    col.kind === 'sum' ? TONE[cell.tone] : '', cell.key === 'loglik' && cell.title ? 'joint-density' : '']
    .filter(Boolean).join(' ');
}

/**
 * Renders the table.
 * @param {HTMLTableElement} table
 * @param {object} text the `table` of Demo.text(): {columns, rows}
 * @param {object} opts { hidden: Set of model keys }; group swatches use the classes c0…c6 of the stylesheet.
 */
export function renderTable(table, text, { hidden = new Set() } = {}) {
  const thead = table.tHead;
  const tbody = table.tBodies[0];
  if (!text) {
    patchChildren(thead, []);
    patchChildren(tbody, []);
    return;
  }
  const { columns, rows: textRows } = text;
  const ncol = columns.length + 1;
  let g = 0;
  const head = h('tr', {}, [
    h('th', { scope: 'col', class: 'model-col stick-l', text: 'Model' }),
    ...columns.map((c) => {
      const th = html('th', { scope: 'col', class: ['num', c.kind === 're' ? 're-col' : '', c.kind === 'sum' ? 'sum-col' : '', STICKY[c.key] ?? ''].filter(Boolean).join(' '), title: c.title }, c.html);
      if (c.kind === 're') th.prepend(h('span', { class: `swatch c${g++ % 7}` }));
      return th;
    }),
  ]);
  patchChildren(thead, [head]);

  const rows = [];
  let section = null;
  for (const r of textRows) {
    if (r.type === 'section') {
      section = html('tr', { class: 'section-row' }, '');
      section.append(html('th', { scope: 'colgroup', colspan: ncol }, r.html));
      continue;
    }
    if (hidden.has(r.key)) continue;
    if (section) { rows.push(section); section = null; }
    const nameCell = h('th', { scope: 'row', class: 'model-col stick-l' }, [
      h('span', { class: 'model-name', text: r.label }),
      h('code', { class: 'model-call', text: r.call }),
    ]);
    const tr = h('tr', { 'data-model': r.key, class: `row-${r.key}` }, [nameCell]);
    if (r.error !== undefined) {
      tr.classList.add('failed');
      const td = h('td', { colspan: ncol - 1, class: 'error-cell', 'data-key': 'error' }, [h('span', { class: 'error-mark', 'aria-hidden': 'true', text: '!' }), ' ']);
      td.append(html('span', {}, r.error));
      tr.append(td);
      rows.push(tr);
      continue;
    }
    columns.forEach((c, j) => {
      const cell = r.cells[j];
      tr.append(h('td', {
        class: cellClass(c, cell),
        text: cell.text,
        title: cell.title ?? (cell.value === null || cell.value === undefined ? undefined : String(cell.value)),
        'data-key': cell.key,
        'data-model': r.key,
        'data-value': cell.value === null || cell.value === undefined ? undefined : String(cell.value),
      }));
    });
    rows.push(tr);
    for (const note of r.notes ?? []) {
      // How to read this fit (a singular fit, say): one sentence from the core under its row.
      const text = html('span', { class: 'note-text' }, note);
      text.prepend(h('span', { class: 'note-mark', 'aria-hidden': 'true', text: 'i' }), ' ');
      rows.push(h('tr', { class: 'note-row', 'data-note-for': r.key }, [h('td', { colspan: ncol, class: 'note-cell' }, [text])]));
    }
  }
  patchChildren(tbody, rows);
  table.classList.toggle('many-groups', columns.filter((c) => c.kind === 're').length > 2);
}

/**
 * Makes `parent`'s children equal to `next`. When the rows have the same shape (a slider moved: same
 * models, groups and failures), only the cells that changed are replaced, so the browser restyles and
 * lays out those cells instead of the whole table (about 4 ms a refit otherwise).
 */
function patchChildren(parent, next) {
  const cur = parent.children;
  const sameShape = cur.length === next.length && next.every((row, i) => {
    const old = cur[i];
    return old.tagName === row.tagName && old.className === row.className
      && old.getAttribute('data-model') === row.getAttribute('data-model') && old.children.length === row.children.length;
  });
  if (!sameShape) {
    parent.replaceChildren(...next);
    return;
  }
  next.forEach((row, i) => {
    const old = cur[i];
    for (let j = row.children.length - 1; j >= 0; j--) {
      const cell = row.children[j];
      if (!old.children[j].isEqualNode(cell)) old.children[j].replaceWith(cell);
    }
  });
}
