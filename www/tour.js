// The lesson's way in (issue 11): the three-sentence summary, the guided tour and the table "Why the fixed
// effects move". Every sentence comes from the core (Demo.tour(), Demo.tour_reveal(step): src/tour/);
// this module only places them, and sets the page to a step's parameters when its button is pressed.
//
// A step: its setting and a prediction question with two or three choices (or "Just show me"); pressing
// one sets the page to the step's permalink state (glmmDemo.set), then shows what happened (an aria-live
// region) with the live numbers, and moves the focus to "Next step". The reveal is retold after every
// refit, so it always describes the fit on screen.

const STEP_COUNT_FALLBACK = 6;

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'html') node.innerHTML = v; // made in Rust: escaped text with glossary links only
    else if (v !== false && v != null) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of [].concat(children)) if (c != null) node.append(c);
  return node;
}

export class Tour {
  /**
   * @param {Document|ShadowRoot} root where #tour, #tour-summary and #causes live (any may be absent)
   * @param {{set: (partial: object) => Promise, call: (fn: Function) => any, onNotice: Function}} deps
   */
  constructor(root, { set, call, onNotice }) {
    this.root = root;
    this.set = set;
    this.call = call;
    this.onNotice = onNotice || (() => {});
    this.view = null;
    this.step = 0;
    this.revealed = null; // {step, choice} once a step's state has been set
    this.pending = false;
    this.summary = root.querySelector('#tour-summary');
    this.stage = root.querySelector('#tour-stage');
    this.nav = root.querySelector('#tour-steps');
    this.causes = root.querySelector('#causes-body');
  }

  /** After every refit: the summary, the table and (if a step was revealed) its reveal, retold. */
  update() {
    let view;
    try {
      view = this.call((demo) => demo.tour());
    } catch (e) {
      return;
    }
    if (!view) return;
    const first = !this.view;
    this.view = view;
    this.renderSummary(view.summary);
    this.renderCauses(view.causes);
    if (first) {
      this.renderNav();
      this.renderStep(false);
    } else if (this.revealed && !this.pending) {
      this.renderReveal();
    }
  }

  renderSummary(summary) {
    if (!this.summary) return;
    const list = el('ol', { class: 'summary-points' }, summary.sentences_html.map((s) => el('li', { html: s })));
    const start = el('p', { class: 'summary-start', text: summary.start });
    this.summary.replaceChildren(list, start);
  }

  renderNav() {
    if (!this.nav) return;
    const steps = this.view.steps;
    this.nav.replaceChildren(...steps.map((s, i) => el('li', {}, [
      el('button', {
        type: 'button', class: 'tour-step-link', 'data-step': i,
        'aria-current': i === this.step ? 'step' : false,
        text: `${i + 1}. ${s.title}`,
      }),
    ])));
    for (const b of this.nav.querySelectorAll('button')) {
      b.addEventListener('click', () => this.go(Number(b.dataset.step), true));
    }
  }

  /** Shows step `i`'s question (not yet its reveal); `focus` moves the focus to its first choice. */
  go(i, focus) {
    this.step = i;
    this.revealed = null;
    for (const b of this.nav ? this.nav.querySelectorAll('button') : []) {
      if (Number(b.dataset.step) === i) b.setAttribute('aria-current', 'step');
      else b.removeAttribute('aria-current');
    }
    this.renderStep(focus);
  }

  renderStep(focus) {
    if (!this.stage || !this.view) return;
    const steps = this.view.steps;
    const s = steps[this.step];
    const count = steps.length || STEP_COUNT_FALLBACK;
    const heading = el('h3', { id: 'tour-step-title', tabindex: '-1', text: `Step ${this.step + 1} of ${count}: ${s.title}` });
    const choices = el('div', { class: 'tour-choices', role: 'group', 'aria-labelledby': 'tour-question' },
      [...s.choices.map((c, k) => el('button', { type: 'button', class: 'button tour-choice', 'data-choice': k, text: c })),
        el('button', { type: 'button', class: 'button tour-choice tour-skip', 'data-choice': -1, text: 'Just show me' })]);
    for (const b of choices.querySelectorAll('button')) {
      b.addEventListener('click', () => this.choose(Number(b.dataset.choice)));
    }
    const live = el('div', { id: 'tour-reveal', class: 'tour-reveal', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.stage.replaceChildren(
      heading,
      el('p', { class: 'tour-setting', html: s.setting_html }),
      el('p', { id: 'tour-question', class: 'tour-question' }, [el('strong', { text: 'Predict first: ' }), el('span', { html: s.question_html })]),
      choices,
      live,
    );
    if (focus) choices.querySelector('button').focus();
  }

  /** The student predicted (choice k, or −1 for none): set the step's state, then reveal. */
  async choose(k) {
    if (this.pending || !this.view) return;
    const s = this.view.steps[this.step];
    this.pending = true;
    for (const b of this.stage.querySelectorAll('.tour-choice')) {
      b.disabled = true;
      b.setAttribute('aria-pressed', String(Number(b.dataset.choice) === k));
    }
    const live = this.stage.querySelector('#tour-reveal');
    live.textContent = 'Fitting every model to this step’s data…';
    try {
      await this.set(s.params);
    } catch (e) {
      this.pending = false;
      live.textContent = '';
      this.onNotice((e && e.message) || String(e), 'error');
      for (const b of this.stage.querySelectorAll('.tour-choice')) b.disabled = false;
      return;
    }
    this.pending = false;
    this.revealed = { step: this.step, choice: k };
    this.renderReveal();
    const next = this.stage.querySelector('.tour-next');
    if (next) next.focus();
  }

  renderReveal() {
    const live = this.stage && this.stage.querySelector('#tour-reveal');
    if (!live || !this.revealed || this.revealed.step !== this.step) return;
    let said;
    try {
      said = this.call((demo) => demo.tour_reveal(this.step));
    } catch (e) {
      this.onNotice((e && e.message) || String(e), 'error');
      return;
    }
    if (!said) return;
    const s = this.view.steps[this.step];
    const k = this.revealed.choice;
    const parts = [];
    if (k >= 0) parts.push(el('p', { class: 'tour-you' }, [el('strong', { text: 'You predicted: ' }), s.choices[k]]));
    parts.push(el('p', { class: 'tour-what' }, [el('strong', { text: 'What happened: ' }), el('span', { html: said.html })]));
    live.replaceChildren(...parts);
    // The button sits outside the live region so only the reveal is announced; a retelling after a
    // later refit keeps it (and the focus on it).
    if (this.stage.querySelector('.tour-next')) return;
    const last = this.step + 1 >= this.view.steps.length;
    const next = el('button', { type: 'button', class: 'button tour-next', text: last ? 'Back to step 1' : `Next step: ${this.view.steps[this.step + 1].title}` });
    next.addEventListener('click', () => this.go(last ? 0 : this.step + 1, true));
    live.after(next);
  }

  renderCauses(causes) {
    if (!this.causes) return;
    const head = el('thead', {}, el('tr', {}, ['Cause', 'Compare', 'Slope of x', 'with', 'Slope of x', 'What it shows']
      .map((t) => el('th', { scope: 'col', text: t }))));
    // The texts' HTML comes from Rust (escaped, σ_b in the page's notation, glossary links).
    const body = el('tbody', {}, causes.rows.map((r) => el('tr', {}, [
      el('th', { scope: 'row', html: r.cause_html }),
      el('td', { html: r.left_html }),
      el('td', { class: 'num', text: r.left_slope }),
      el('td', { html: r.right_html }),
      el('td', { class: 'num', text: r.right_slope }),
      el('td', { class: 'reading', html: r.reading_html }),
    ])));
    this.causes.replaceChildren(
      el('p', { html: causes.intro_html }),
      el('div', { class: 'table-wrap causes-wrap', tabindex: '0', role: 'region', 'aria-label': 'Why the fixed effects move' },
        el('table', { class: 'causes-table' }, [head, body])),
      el('p', { class: 'causes-premise', html: causes.premise_html }),
    );
  }
}

/**
 * Glossary links (`a.term`, made in Rust: src/explain/term_links.rs) under `root` (the document or an
 * element's shadow root). Pressed, a link never changes the URL (the page reads its hash as parameters, and
 * inside `<glmm-demo>` the hash is the host page's): where the glossary is shown it scrolls to the entry and
 * moves the focus there; where it is not (the embed view, the element) it opens the definition in place,
 * after the link, and pressed again closes it. `glossary()` returns Rust's `[{id, term, definition}]`.
 */
export function wireTermLinks(root, glossary) {
  let terms = null;
  root.addEventListener('click', (ev) => {
    const link = ev.target instanceof Element ? ev.target.closest('a.term') : null;
    const href = link?.getAttribute('href') || '';
    if (!href.startsWith('#term-')) return;
    ev.preventDefault();
    const id = href.slice(1);
    const entry = root.getElementById ? root.getElementById(id) : root.querySelector(`#${CSS.escape(id)}`);
    if (entry && entry.getClientRects().length > 0) {
      entry.setAttribute('tabindex', '-1');
      entry.scrollIntoView({ block: 'center' });
      entry.focus({ preventScroll: true });
      return;
    }
    const open = link.nextElementSibling?.classList.contains('term-def') ? link.nextElementSibling : null;
    if (open) {
      open.remove();
      link.setAttribute('aria-expanded', 'false');
      return;
    }
    try { terms = terms || glossary() || []; } catch (e) { terms = []; }
    const t = terms.find((x) => `term-${x.id}` === id);
    if (!t) return;
    const defId = `${id}-def-${Math.random().toString(36).slice(2, 8)}`;
    const def = el('span', { class: 'term-def', id: defId, role: 'note' }, [el('dfn', { text: t.term }), `: ${t.definition}`]);
    link.after(def);
    link.setAttribute('aria-expanded', 'true');
    link.setAttribute('aria-controls', defId);
  });
}
