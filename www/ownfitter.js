// "Your data"'s models fitted off the main thread (www/worker.js, {type: 'own'}), so that the page keeps
// answering while a large file is fitted (VerbAgg: most of a second). One worker, made on first use. A fit
// asked for while another runs replaces it: the busy worker is ended and a new one made. Without workers
// (none can be made, or one failed) `models` resolves null and the caller fits on the main thread.
// No numerics here: the worker's core fits, the page's core builds the table and the figures from its models.
import { compile, createWorker } from './core.js';

export class OwnFitter {
  constructor() {
    this.worker = null;
    this.failed = false;
    this.id = 0;
    this.busy = null; // {id, resolve, reject} of the request in flight
    this.last = { ms: 0, where: '' }; // for glmmDemo.timings()
  }

  start() {
    const w = createWorker();
    if (!w) {
      this.failed = true;
      return null;
    }
    const worker = { w };
    worker.ready = compile().then((module) => w.postMessage({ type: 'init', module }));
    worker.ready.catch(() => this.down(worker));
    w.onmessage = (ev) => this.onMessage(worker, ev.data);
    w.onerror = (ev) => { ev.preventDefault?.(); this.down(worker); };
    w.onmessageerror = () => this.down(worker);
    return worker;
  }

  /**
   * Every model of `csv` with `options`, fitted by the worker's core (what `own_data_models` returns), or
   * null when there is no worker. Rejects with the core's sentence for a bad input; a request replaced by a
   * later one rejects with `{superseded: true}`.
   */
  models(csv, options) {
    if (this.busy) this.replace();
    if (this.failed) return Promise.resolve(null);
    this.worker ||= this.start();
    if (!this.worker) return Promise.resolve(null);
    const worker = this.worker;
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      this.busy = { id, resolve, reject, t0: performance.now() };
      worker.ready.then(() => worker.w.postMessage({ type: 'own', id, csv, options }));
    });
  }

  /** The request in flight is no longer wanted: its worker is ended (a new one is made for the next). */
  replace() {
    const busy = this.busy;
    this.busy = null;
    if (this.worker) {
      try { this.worker.w.terminate(); } catch { /* gone */ }
      this.worker = null;
    }
    busy?.reject(Object.assign(new Error('A later fit replaced this one.'), { superseded: true }));
  }

  /** The worker failed: the request in flight, and every later one, fits on the main thread. */
  down(worker) {
    if (worker !== this.worker) return;
    try { worker.w.terminate(); } catch { /* gone */ }
    this.worker = null;
    this.failed = true;
    const busy = this.busy;
    this.busy = null;
    busy?.resolve(null);
  }

  onMessage(worker, m) {
    if (worker !== this.worker || !m || m.type === 'ready') return;
    const busy = this.busy;
    if (!busy || m.id !== busy.id) return;
    this.busy = null;
    if (m.type === 'own-fitted') {
      this.last = { ms: performance.now() - busy.t0, where: 'worker' };
      busy.resolve(m.models);
    } else if (m.type === 'error' && m.fatal) {
      // The worker's instance is gone: the main thread fits (and reports the fault its own way).
      this.down(worker);
      busy.resolve(null);
    } else {
      busy.reject(new Error(m.message || 'The fit failed.'));
    }
  }
}
