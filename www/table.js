// The results table: a row per model, built from glmmDemo.results() (the JSON of `glmm-demo fit`).
import { fixed, exact } from './format.js';
import { h } from './view.js';

/** The models of the lesson, in the table's order, with the R call each one mirrors. */
export const MODELS = [
  { key: 'lm_pooled', label: 'lm', call: 'lm(y ~ x)', outcome: 'y' },
  { key: 'lm_group', label: 'lm + group', call: 'lm(y ~ x + factor(group))', outcome: 'y' },
  { key: 'lmm', label: 'lmer', call: 'lmer(y ~ x + (1|group))', outcome: 'y' },
  { key: 'glm_pooled', label: 'glm', call: 'glm(y_bin ~ x, binomial)', outcome: 'y_bin' },
  { key: 'glm_group', label: 'glm + group', call: 'glm(y_bin ~ x + factor(group), binomial)', outcome: 'y_bin' },
  { key: 'glmm_laplace', label: 'glmer, Laplace', call: 'glmer(y_bin ~ x + (1|group), binomial)', outcome: 'y_bin' },
  { key: 'glmm_agq', label: 'glmer, AGQ', call: 'glmer(…, nAGQ = K)', outcome: 'y_bin' },
  { key: 'joint_mode', label: 'joint mode', call: 'the answer’s opt1', outcome: 'y_bin' },
  { key: 'marginal_exact', label: 'exact marginal', call: 'the answer’s opt2, done exactly', outcome: 'y_bin' },
];


/** The table's cells for one model's fit: null where the model has no such quantity. */
export function rowValues(key, fit) {
  const none = { intercept: null, slope: null, sigma_b: null, re: null, modes: null, means: null, loglik: null };
  switch (key) {
    case 'lm_pooled':
    case 'lm_group':
    case 'glm_pooled':
    case 'glm_group':
      return { ...none, intercept: fit.coef[0], slope: fit.coef[1], loglik: fit.loglik };
    case 'lmm':
      // The posterior of each random intercept is normal: its mode is its mean.
      return { ...none, intercept: fit.fixef[0], slope: fit.fixef[1], sigma_b: fit.sigma_b, re: fit.ranef,
        modes: fit.ranef_sum, means: fit.ranef_sum, loglik: fit.loglik };
    case 'glmm_laplace':
    case 'glmm_agq':
      return { ...none, intercept: fit.fixef[0], slope: fit.fixef[1], sigma_b: fit.sigma_b, re: fit.ranef,
        modes: fit.ranef_sum, means: fit.cond_means_sum, loglik: fit.loglik };
    case 'joint_mode':
      return { ...none, intercept: fit.alpha, slope: fit.beta, sigma_b: fit.sigma, re: fit.re,
        modes: fit.re_sum, loglik: fit.log_density };
    case 'marginal_exact':
      return { ...none, intercept: fit.alpha, slope: fit.beta, sigma_b: fit.sigma, re: fit.ranef,
        modes: fit.ranef_sum, means: fit.cond_means_sum, loglik: fit.loglik };
    default:
      return none;
  }
}


function numCell(x, { key, model, decimals = 6, cls = '' } = {}) {
  if (x === null || x === undefined) return h('td', { class: `num empty ${cls}`.trim(), text: '—', 'data-key': key, 'data-model': model });
  return h('td', {
    class: `num ${cls}`.trim(),
    text: fixed(x, decimals),
    title: exact(x),
    'data-key': key,
    'data-model': model,
    'data-value': exact(x),
  });
}

/** The sum's highlight: zero below `zero` (the report's zero_below: what prints as zero). */
function sumClass(x, kind, zero) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  if (Math.abs(x) < zero) return 'hl-zero';
  return kind === 'modes' ? 'hl-mode' : '';
}

/**
 * Renders the table.
 * @param {HTMLTableElement} table
 * @param {object} results the FitReport
 * @param {object} opts { groups, nagq, hidden: Set of model keys }; group swatches use the classes
 *   c0…c6 of the stylesheet (the Okabe–Ito palette, as in the figures).
 */
export function renderTable(table, results, { groups, nagq, hidden = new Set() }) {
  const thead = table.tHead;
  const tbody = table.tBodies[0];
  const G = groups;

  const head = h('tr', {}, [
    h('th', { scope: 'col', class: 'model-col stick-l', text: 'Model' }),
    h('th', { scope: 'col', class: 'num', text: 'Intercept' }),
    h('th', { scope: 'col', class: 'num', text: 'Slope' }),
    h('th', { scope: 'col', class: 'num', title: 'Standard deviation of the random intercepts' }, ['σ', h('sub', { text: 'b' })]),
    ...Array.from({ length: G }, (_, g) => h('th', { scope: 'col', class: 'num re-col', title: `Random intercept of group ${g + 1}` }, [
      h('span', { class: `swatch c${g % 7}` }),
      h('var', { text: 'b' }), h('sub', { text: String(g + 1) }),
    ])),
    h('th', { scope: 'col', class: 'num sum-col stick-r3', title: 'Sum of the conditional modes, sum(ranef(fit)$group)' }, ['Σ modes']),
    h('th', { scope: 'col', class: 'num sum-col stick-r2', title: 'Sum of the conditional means E[b | y]' }, ['Σ means']),
    h('th', { scope: 'col', class: 'num stick-r1', text: 'logLik' }),
  ]);
  patchChildren(thead, [head]);

  const rows = [];
  let outcome = null;
  const ncol = 7 + G;
  for (const m of MODELS) {
    if (hidden.has(m.key)) continue;
    if (m.outcome !== outcome) {
      outcome = m.outcome;
      rows.push(h('tr', { class: 'section-row' }, [
        h('th', { scope: 'colgroup', colspan: ncol }, outcome === 'y'
          ? ['Continuous outcome ', h('code', { text: 'y' }), ': linear models']
          : ['Binary outcome ', h('code', { text: 'y_bin' }), ': logistic models']),
      ]));
    }
    const fit = results?.[m.key];
    const label = m.key === 'glmm_agq' ? `glmer, nAGQ = ${nagq}` : m.label;
    const call = m.key === 'glmm_agq' ? `glmer(y_bin ~ x + (1|group), binomial, nAGQ = ${nagq})` : m.call;
    const nameCell = h('th', { scope: 'row', class: 'model-col stick-l' }, [
      h('span', { class: 'model-name', text: label }),
      h('code', { class: 'model-call', text: call }),
    ]);
    const tr = h('tr', { 'data-model': m.key, class: `row-${m.key}` }, [nameCell]);
    if (!fit || fit.error !== undefined) {
      tr.classList.add('failed');
      tr.append(h('td', { colspan: ncol - 1, class: 'error-cell', 'data-key': 'error' },
        [h('span', { class: 'error-mark', 'aria-hidden': 'true', text: '!' }), ' ', fit?.error ?? 'Not fitted.']));
      rows.push(tr);
      continue;
    }
    const v = rowValues(m.key, fit);
    tr.append(
      numCell(v.intercept, { key: 'intercept', model: m.key }),
      numCell(v.slope, { key: 'slope', model: m.key }),
      numCell(v.sigma_b, { key: 'sigma_b', model: m.key }),
    );
    for (let g = 0; g < G; g++) {
      tr.append(numCell(v.re ? v.re[g] : null, { key: `re${g + 1}`, model: m.key }));
    }
    tr.append(
      numCell(v.modes, { key: 'modes', model: m.key, cls: `stick-r3 ${sumClass(v.modes, 'modes', results.zero_below)}` }),
      numCell(v.means, { key: 'means', model: m.key, cls: `stick-r2 ${sumClass(v.means, 'means', results.zero_below)}` }),
      numCell(v.loglik, { key: 'loglik', model: m.key, decimals: 4, cls: `stick-r1${m.key === 'joint_mode' ? ' joint-density' : ''}` }),
    );
    if (m.key === 'joint_mode') tr.lastChild.title = `Joint log density at the mode (not a log-likelihood): ${exact(v.loglik)}`;
    rows.push(tr);
    if (typeof fit.note === 'string' && fit.note) {
      // How to read this fit (a singular fit, say): one sentence from the core under its row.
      rows.push(h('tr', { class: 'note-row', 'data-note-for': m.key }, [
        h('td', { colspan: ncol, class: 'note-cell' },
          [h('span', { class: 'note-text' }, [h('span', { class: 'note-mark', 'aria-hidden': 'true', text: 'i' }), ' ', fit.note])]),
      ]));
    }
  }
  patchChildren(tbody, rows);
  table.classList.toggle('many-groups', G > 2);
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
