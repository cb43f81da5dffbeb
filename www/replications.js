// "Is it this seed?": the page's settings refitted on seeds 1…N in Web Workers (www/worker.js, message
// type 'replicate'), CHUNK seeds per message, as many workers as the machine has cores (at most MAX_WORKERS).
// Each chunk's records go into a Rust Replications object on the main thread, which writes the caption and
// draws the figure; this module only hands chunks out, shows progress and stops. No numerics here.

import { compile, createWorker, isFatal } from './core.js';

/** Seeds per message: small enough that Stop takes effect within a few tens of milliseconds. */
export const CHUNK = 25;
const MAX_WORKERS = 4;
/** Seeds per step when there is no worker: about a frame's work on the main thread. */
const MAIN_CHUNK = 5;

function messageOf(e) {
  return (e && e.message) || String(e);
}

/** The page's parameters without the seed (a run covers seeds 1…N whatever the page's seed is). */
function settingsKey(params) {
  if (!params) return '';
  const { seed, ...rest } = params;
  return JSON.stringify(rest);
}

export class Replications {
  /**
   * @param {Document|ShadowRoot} root  holds #repl-* elements (see index.html)
   * @param {object} hooks  getCore() → the glue module, getParams() → the page's full parameters,
   *                        onNotice(text, kind)
   */
  constructor(root, hooks) {
    this.root = root;
    this.hooks = hooks;
    this.el = (id) => root.querySelector(`#repl-${id}`);
    this.pool = []; // {w, ready, busy}
    this.run = null; // {id, obj, params, key, total, next, inFlight, t0, ms, done, resolve}
    this.runId = 0;
    this.frame = 0;
    if (!this.el('controls')) return;
    for (const b of root.querySelectorAll('[data-repl-seeds]')) {
      b.addEventListener('click', () => this.start(Number(b.dataset.replSeeds)).catch((e) => this.hooks.onNotice?.(messageOf(e), 'error')));
    }
    this.el('stop').addEventListener('click', () => this.stop());
    this.resize = new ResizeObserver(() => { if (this.run?.obj) this.scheduleDraw(); });
    this.resize.observe(this.el('canvas'));
  }

  /** The page's settings changed: a figure of other settings would be wrong, so it goes. */
  paramsChanged(params) {
    if (this.run && this.run.key !== settingsKey(params)) this.clear();
  }

  /** Starts seeds 1…n of the page's current settings; resolves with state() when they are all in (or stopped). */
  start(n) {
    const core = this.hooks.getCore();
    const params = this.hooks.getParams();
    if (!core || !params) return Promise.reject(new Error('The page is still loading.'));
    this.clear();
    const obj = new core.Replications(params, n); // throws the core's sentence for a bad n
    const id = ++this.runId;
    let resolve;
    const finished = new Promise((r) => { resolve = r; });
    this.run = { id, obj, params, key: settingsKey(params), total: n, next: 1, inFlight: 0, t0: performance.now(), ms: 0, done: false, stopped: false, resolve };
    const fig = this.el('figure');
    fig.hidden = false;
    this.setRunning(true);
    this.progress();
    this.scheduleDraw();
    this.ensurePool();
    if (this.pool.length) {
      for (const worker of this.pool) this.feed(worker);
    } else {
      this.mainThread(id);
    }
    return finished;
  }

  /** Stops the current run: no more chunks are handed out, results still in flight are dropped. */
  stop() {
    const run = this.run;
    if (!run || run.done) return;
    run.obj.stop();
    this.finish(run, true);
  }

  /** Removes the figure and ends any run. */
  clear() {
    const run = this.run;
    if (run && !run.done) this.finish(run, true);
    if (run) { try { run.obj.free(); } catch { /* an instance that is gone */ } }
    this.run = null;
    const fig = this.el('figure');
    if (fig) fig.hidden = true;
    this.setRunning(false);
  }

  /** {count, total, done, stopped, ms, caption, explanation, title}: for tests and the JavaScript API. */
  state() {
    const run = this.run;
    if (!run) return null;
    let info = {};
    try { info = run.obj.figure(); } catch (e) { if (isFatal(e)) return null; }
    return {
      count: run.obj.count(), total: run.total, done: run.done, stopped: run.stopped, ms: run.ms || performance.now() - run.t0,
      workers: this.pool.length, title: info.title, caption: info.caption, explanation: info.explanation,
    };
  }

  /** The records so far, in seed order (Rust's SeedRecord). */
  records() {
    return this.run ? this.run.obj.records() : [];
  }

  /** The figure as SVG (`w` × `h` pixels). */
  svg(w = 800, h = 500) {
    if (!this.run) throw new Error('No replications have been run yet.');
    return this.run.obj.svg(w, h);
  }

  // ------------------------------------------------------------------------------------------------------

  ensurePool() {
    if (this.pool.length || this.poolFailed) return;
    const want = Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 2));
    for (let k = 0; k < want; k++) {
      const w = createWorker();
      if (!w) break;
      const worker = { w, busy: null };
      worker.ready = compile().then((module) => w.postMessage({ type: 'init', module }));
      worker.ready.catch(() => this.workerDown(worker));
      w.onmessage = (ev) => this.onMessage(worker, ev.data);
      w.onerror = (ev) => { ev.preventDefault?.(); this.workerDown(worker); };
      this.pool.push(worker);
    }
    if (!this.pool.length) this.poolFailed = true;
  }

  /** A worker failed: its chunk goes back to the others, or to the main thread if none is left. */
  workerDown(worker) {
    try { worker.w.terminate(); } catch { /* gone */ }
    this.pool = this.pool.filter((x) => x !== worker);
    const run = this.run;
    if (!run || run.done) return;
    if (worker.busy && worker.busy.id === run.id) {
      run.inFlight -= 1;
      (run.retry ||= []).push(worker.busy.first);
    }
    worker.busy = null;
    if (this.pool.length) this.pool.forEach((x) => { if (!x.busy) this.feed(x); });
    else { this.poolFailed = true; this.mainThread(run.id); }
  }

  /** The next chunk of the current run, or null when every seed is handed out. */
  take(run) {
    if (run.retry?.length) return run.retry.shift();
    if (run.next > run.total) return null;
    const first = run.next;
    run.next += CHUNK;
    return first;
  }

  feed(worker) {
    const run = this.run;
    if (!run || run.done || worker.busy) return;
    const first = this.take(run);
    if (first === null) return;
    const count = Math.min(CHUNK, run.total - first + 1);
    worker.busy = { id: run.id, first };
    run.inFlight += 1;
    worker.ready.then(() => worker.w.postMessage({ type: 'replicate', id: run.id, params: run.params, first, count }));
  }

  onMessage(worker, m) {
    if (!m || m.type === 'ready') return;
    if (m.type !== 'replicated' && m.type !== 'error') return;
    worker.busy = null;
    const run = this.run;
    if (!run || run.id !== m.id || run.done) {
      this.pool.forEach((x) => this.feed(x));
      return;
    }
    run.inFlight -= 1;
    if (m.type === 'error') {
      this.fail(run, m.message);
      return;
    }
    this.accept(run, m.records);
    this.feed(worker);
  }

  /** Records of one chunk: into the Rust run, then progress and (once per frame) the figure. */
  accept(run, records) {
    try {
      run.obj.add(records);
    } catch (e) {
      this.fail(run, messageOf(e));
      return;
    }
    if (run.obj.complete()) this.finish(run, false);
    else this.progress();
    this.scheduleDraw();
  }

  /** No worker can be made (a script from another origin, a sandboxed frame): small chunks between frames. */
  mainThread(id) {
    const core = this.hooks.getCore();
    const step = () => {
      const run = this.run;
      if (!run || run.id !== id || run.done) return;
      let first;
      let count;
      if (run.retry?.length) {
        first = run.retry.shift();
        count = Math.min(CHUNK, run.total - first + 1);
      } else if (run.next <= run.total) {
        first = run.next;
        count = Math.min(MAIN_CHUNK, run.total - first + 1);
        run.next += count;
      } else {
        return;
      }
      let records;
      try {
        records = core.replicate_seeds(run.params, first, count);
      } catch (e) {
        this.fail(run, messageOf(e));
        return;
      }
      this.accept(run, records);
      setTimeout(step, 0);
    };
    setTimeout(step, 0);
  }

  fail(run, message) {
    run.obj.stop();
    this.finish(run, true);
    this.hooks.onNotice?.(`The replications stopped: ${message}`, 'error');
  }

  finish(run, stopped) {
    run.done = true;
    run.stopped = stopped;
    run.ms = performance.now() - run.t0;
    this.setRunning(false);
    this.progress();
    this.scheduleDraw();
    run.resolve(this.state());
  }

  setRunning(running) {
    this.el('stop').disabled = !running;
    for (const b of this.root.querySelectorAll('[data-repl-seeds]')) b.disabled = running;
    this.el('progress').hidden = !this.run;
  }

  progress() {
    const run = this.run;
    const bar = this.el('progress');
    if (!run) return;
    bar.max = run.total;
    bar.value = run.obj.count();
  }

  scheduleDraw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** The caption and the figure of the records so far (Rust: Replications.figure() and .draw()). */
  draw() {
    const run = this.run;
    if (!run) return;
    try {
      const info = run.obj.figure();
      this.el('title').textContent = `${info.title}.`;
      this.el('caption').textContent = info.caption;
      this.el('explanation').textContent = info.explanation;
      const canvas = this.el('canvas');
      canvas.setAttribute('aria-label', `${info.title}. ${info.alt}`);
      run.obj.draw(canvas, window.devicePixelRatio || 1);
    } catch (e) {
      if (isFatal(e)) {
        this.run = null;
        this.hooks.onNotice?.('The replications figure could not be drawn; the page has restarted its engine.', 'error');
        return;
      }
      this.hooks.onNotice?.(messageOf(e), 'error');
    }
  }
}
