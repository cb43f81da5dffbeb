// The refit loop shared by the page and the custom element. No numerics here: the Rust core fits.
//
// - Requests are merged into the newest target parameters at once (Rust's merge_params checks them and
//   a bad value rejects with its sentence); at most one refit runs per animation frame, always for the
//   newest target, so inputs coalesce.
// - A refit that would exceed a frame runs in a Web Worker (www/worker.js) with its own Demo; the page's
//   Demo takes over the worker's state (load_state_bytes) and draws it, so the main thread stays responsive.
//   "Would exceed": from BIG_OBS observations on, or when the last main-thread refit scaled to the new
//   number of observations predicts more than FRAME_BUDGET ms. Where no worker can be made (a script from
//   another origin, a sandboxed frame) everything runs on the main thread.
// - A Rust panic kills its instance: the engine loads a fresh one, refits the last good parameters, and
//   reports what happened (onRecovered).

import { instantiate, createWorker, compile, isFatal, panicMessage, memoryBytes } from './core.js';

export const BIG_OBS = 20_000;
/** One frame at 60 Hz: a refit predicted to fit in it runs on the main thread, where handing the state back
 * from a worker (≈ 15 ms for the default page's scene) would cost more than it saves. */
export const FRAME_BUDGET = 16;
/** A worker refit running this long is abandoned (the worker restarted) once newer values are waiting. */
export const STUCK_MS = 8_000;

function messageOf(e) {
  return (e && e.message) || String(e);
}

function sameParams(a, b) {
  return !!a && !!b && JSON.stringify(a) === JSON.stringify(b);
}

function samePair(a, b) {
  return !!a && !!b && a[0] === b[0] && a[1] === b[1];
}

export class Engine {
  /**
   * @param {object} hooks
   *   onApplied({params, results, where, fitMs, seq, redraw}) render and draw (synchronously)
   *   onBusy(busy, info)       a worker refit started (true) or the newest one arrived (false)
   *   onRecovered({message, where, restored})
   *   onStatus(text)
   * @param {object} opts { worker: true to allow a Web Worker }
   */
  constructor(hooks = {}, { worker = true } = {}) {
    this.hooks = hooks;
    this.allowWorker = worker;
    this.core = null;
    this.demo = null;
    this.target = null; // {params, pair} newest request
    this.applied = null; // params drawn now
    this.appliedPair = null;
    this.where = 'main';
    this.seq = 0;
    this.targetSeq = 0;
    this.appliedSeq = 0;
    this.dispatched = 0;
    this.waiters = [];
    this.frame = 0;
    this.framePassed = true; // a rendered frame since the last refit or draw
    this.frameWatch = 0;
    this.needsDraw = false;
    this.mainFits = 0;
    this.perObs = []; // ms per observation of the last warm refits (main thread or worker)
    this.lastGood = null;
    this.lastGoodPair = null;
    this.recovering = null;
    this.worker = null; // {w, busy, ready}
    this.workerFailed = false;
    this.timings = { fit: 0, draw: 0, where: 'main' };
    this.loaded = this.load();
    this.loaded.catch(() => {});
  }

  async load() {
    this.core = await instantiate();
    this.demo = new this.core.Demo();
  }

  // ------------------------------------------------------------------------------------------------------
  // Requests

  /** Merges `partial` into the newest target; resolves with the parameters once they are drawn. */
  request(partial) {
    if (!this.demo || this.recovering) {
      const wait = this.recovering || this.loaded;
      return wait.then(() => this.request(partial));
    }
    let next;
    try {
      next = this.core.merge_params(this.target ? this.target.params : this.demo.params(), partial);
    } catch (e) {
      if (isFatal(e)) this.recover(e, 'check of the parameters');
      return Promise.reject(new Error(messageOf(e)));
    }
    const pair = this.target ? this.target.pair : this.demo.pair();
    return this.push({ params: next, pair: this.validPair(pair, next.groups) });
  }

  /** Chooses the two groups (0-based) of the contour figures. */
  setPair(a, b) {
    const params = this.target ? this.target.params : this.applied;
    if (!params) return Promise.reject(new Error('The page is still loading.'));
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0)) {
      return Promise.reject(new Error('pair must be two group numbers.'));
    }
    try {
      this.core.check_pair(a, b, params.groups);
    } catch (e) {
      return Promise.reject(new Error(messageOf(e)));
    }
    return this.push({ params, pair: [a, b] });
  }

  /** The pair kept for `groups` groups: Rust's choice (pair_for). */
  validPair(pair, groups) {
    return Array.from(this.core.pair_for(pair[0], pair[1], groups));
  }

  push(target) {
    this.target = target;
    const seq = ++this.seq;
    this.targetSeq = seq;
    const p = new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
    this.schedule();
    return p;
  }

  /** Redraw without refitting (e.g. the figures changed size). */
  redraw() {
    this.needsDraw = true;
    this.schedule();
  }

  /**
   * Runs pump() once for everything requested so far: at once (a microtask, so that requests made together
   * still merge) when a frame has been rendered since the last refit, so the result shows in the coming
   * frame; otherwise in the next animation frame, so that inputs arriving faster than refits coalesce to
   * the newest instead of queueing.
   */
  schedule() {
    if (this.frame) return;
    const run = () => { this.frame = 0; this.pump(); };
    if (this.framePassed) {
      this.frame = 1;
      queueMicrotask(run);
    } else {
      this.frame = requestAnimationFrame(run);
    }
  }

  /** Notes that a refit or draw just ran: the next one waits for a rendered frame. */
  ranWork() {
    this.framePassed = false;
    if (!this.frameWatch) {
      this.frameWatch = requestAnimationFrame(() => { this.frameWatch = 0; this.framePassed = true; });
    }
  }

  /** Records a warm refit's time per observation (main thread or worker): offMain's prediction. */
  learn(msPerObs) {
    this.perObs.push(msPerObs);
    if (this.perObs.length > 3) this.perObs.shift();
  }

  /** Whether a refit of these parameters goes to the worker. */
  offMain(target) {
    if (!this.allowWorker || this.workerFailed) return false;
    if (this.where === 'worker' && sameParams(target.params, this.applied)) return true; // the data live there
    const nobs = target.params.groups * target.params.n;
    if (nobs >= BIG_OBS) return true;
    if (!this.perObs.length) return false;
    return Math.min(...this.perObs) * nobs > FRAME_BUDGET;
  }

  pump() {
    if (!this.demo || this.recovering) return;
    if (this.targetSeq > this.dispatched) {
      const seq = this.targetSeq;
      const target = this.target;
      if (this.offMain(target) && this.ensureWorker()) {
        if (this.worker.busy && performance.now() - this.worker.sent > STUCK_MS) {
          // Newer values wait behind a refit that does not finish: start over with a fresh worker.
          try { this.worker.w.terminate(); } catch { /* gone */ }
          this.worker = null;
          this.hooks.onStatus?.('a refit took too long; restarted the fitting worker with the newest values');
          if (!this.ensureWorker()) { this.fitMain(seq, target); return; }
        }
        if (!this.worker.busy) this.dispatch(seq, target);
        return;
      }
      this.fitMain(seq, target);
      return;
    }
    if (this.needsDraw && this.applied) this.emit(this.appliedSeq, { redraw: true });
  }

  fitMain(seq, target) {
    const t0 = performance.now();
    this.dispatched = seq;
    const same = this.where === 'main' && sameParams(target.params, this.applied);
    try {
      if (!same) this.demo.set(target.params);
      const cur = this.demo.pair();
      if (!samePair(cur, target.pair) && target.pair[0] !== target.pair[1]) {
        try { this.demo.set_pair(target.pair[0], target.pair[1]); } catch (e) { if (isFatal(e)) throw e; }
      }
    } catch (e) {
      if (isFatal(e)) {
        this.failUpTo(seq, this.panicError(e));
        this.target = this.lastGood ? { params: this.lastGood, pair: this.lastGoodPair } : null;
        this.dispatched = this.targetSeq = Math.max(this.targetSeq, seq);
        this.recover(e, 'refit');
        return;
      }
      this.failUpTo(seq, new Error(messageOf(e)));
      return;
    }
    const ms = performance.now() - t0;
    if (!same) {
      // The first refit of an instance is cold (quadrature rules, allocations): not a prediction.
      this.mainFits += 1;
      if (this.mainFits > 1) this.learn(ms / (target.params.groups * target.params.n));
    }
    this.where = 'main';
    this.timings.fit = ms;
    this.timings.where = 'main';
    this.emit(seq, { fitMs: ms });
  }

  /** Reads the Demo's state after a refit, lets the page draw it, resolves the requests it includes. */
  emit(seq, { fitMs, redraw = false } = {}) {
    this.needsDraw = false;
    this.ranWork();
    this.appliedSeq = Math.max(this.appliedSeq, seq);
    let info;
    try {
      const params = this.demo.params();
      const results = this.demo.results();
      this.applied = params;
      this.appliedPair = this.demo.pair();
      info = { params, results, where: this.where, fitMs: fitMs ?? this.timings.fit, seq, redraw };
      this.hooks.onApplied?.(info);
    } catch (e) {
      if (isFatal(e)) {
        this.failUpTo(seq, this.panicError(e));
        this.recover(e, 'drawing');
        return;
      }
      throw e;
    }
    this.lastGood = this.applied;
    this.lastGoodPair = this.appliedPair;
    const done = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const w of done) w.resolve(structuredClone(this.applied));
  }

  failUpTo(seq, err) {
    const done = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const w of done) w.reject(err);
  }

  panicError(e) {
    const m = panicMessage(this.core);
    return new Error(`The computation failed (${m || messageOf(e)}); the page has restarted its engine and kept the last working parameters.`);
  }

  /** Bytes of wasm linear memory: the page's instance, and the worker's as of its last refit (0: none). */
  memory() {
    return { main: memoryBytes(this.core), worker: this.worker ? this.workerMemory || 0 : 0 };
  }

  // ------------------------------------------------------------------------------------------------------
  // The worker

  ensureWorker() {
    if (this.worker) return true;
    const w = createWorker();
    if (!w) {
      this.workerFailed = true;
      return false;
    }
    const worker = { w, busy: 0, ready: null };
    worker.ready = compile().then((module) => w.postMessage({ type: 'init', module }));
    worker.ready.catch(() => this.workerDown(worker, 'The WebAssembly module could not be sent to the worker.'));
    w.onmessage = (ev) => this.onWorkerMessage(worker, ev.data);
    w.onerror = (ev) => {
      ev.preventDefault?.();
      this.workerDown(worker, ev.message || 'The fitting worker could not start.');
    };
    w.onmessageerror = () => this.workerDown(worker, 'The fitting worker sent a message that could not be read.');
    this.worker = worker;
    return true;
  }

  /** The worker cannot be used: fit on the main thread from now on. */
  workerDown(worker, why) {
    if (this.worker !== worker) return;
    try { worker.w.terminate(); } catch { /* gone */ }
    this.worker = null;
    this.workerFailed = true;
    this.hooks.onStatus?.(`fitting on the main thread (${why})`);
    this.hooks.onBusy?.(false);
    if (worker.busy) this.dispatched = Math.min(this.dispatched, worker.busy - 1);
    this.schedule();
  }

  dispatch(seq, target) {
    const worker = this.worker;
    worker.busy = seq;
    worker.sent = performance.now();
    worker.nobs = target.params.groups * target.params.n;
    this.dispatched = seq;
    this.hooks.onBusy?.(true, { params: target.params });
    worker.ready.then(() => {
      if (this.worker === worker) worker.w.postMessage({ type: 'fit', seq, params: target.params, pair: target.pair });
    });
  }

  onWorkerMessage(worker, m) {
    if (this.worker !== worker || !m) return;
    if (m.type === 'ready') return;
    worker.busy = 0;
    if (m.type === 'fit') {
      if (m.seq > this.appliedSeq && this.demo && !this.recovering) {
        const t0 = performance.now();
        try {
          this.demo.load_state_bytes(m.state, m.results);
        } catch (e) {
          if (isFatal(e)) {
            this.failUpTo(m.seq, this.panicError(e));
            this.recover(e, 'drawing');
            return;
          }
          this.failUpTo(m.seq, new Error(messageOf(e)));
          return;
        }
        this.where = 'worker';
        this.workerMemory = m.memoryBytes || 0;
        // The worker's warm refits measure the same wasm work as the main thread's: learning from them too
        // lets small data come back to the main thread after a slow spell (else one slow spell sends every
        // later refit through the hand-over).
        worker.fits = (worker.fits || 0) + 1;
        if (worker.fits > 1 && worker.nobs > 0 && m.fitMs > 0) this.learn(m.fitMs / worker.nobs);
        this.timings.fit = m.fitMs;
        this.timings.where = 'worker';
        this.timings.load = performance.now() - t0;
        this.timings.roundTrip = performance.now() - worker.sent;
        if (this.targetSeq <= m.seq) this.hooks.onBusy?.(false);
        // Taking over the bytes costs well under a millisecond: draw at once, in this task.
        this.emit(m.seq, { fitMs: m.fitMs });
      }
    } else if (m.type === 'error') {
      this.failUpTo(m.seq, new Error(m.fatal
        ? `The computation failed (${m.message}); the page has restarted its fitting worker and kept the last working parameters.`
        : m.message));
      if (m.seq === this.targetSeq && this.lastGood) this.target = { params: this.lastGood, pair: this.lastGoodPair };
      if (m.fatal) {
        try { worker.w.terminate(); } catch { /* gone */ }
        this.worker = null; // a fresh one next time
        this.hooks.onRecovered?.({ message: m.message, where: 'refit', restored: true });
      }
    }
    if (this.targetSeq > this.dispatched) this.schedule();
    else this.hooks.onBusy?.(false);
  }

  // ------------------------------------------------------------------------------------------------------
  // Calls outside the loop, and recovery

  /** Calls into the core; a panic there also triggers recovery. */
  call(fn) {
    if (!this.demo) throw new Error('The page is still loading.');
    try {
      return fn(this.demo, this.core);
    } catch (e) {
      if (isFatal(e)) {
        this.recover(e, 'computation');
        throw new Error('The computation failed; the page has restarted its engine.');
      }
      throw e;
    }
  }

  recover(e, where) {
    if (this.recovering) return this.recovering;
    const message = panicMessage(this.core) || messageOf(e);
    const dead = this.demo;
    this.demo = null;
    this.recovering = (async () => {
      try { dead?.free(); } catch { /* the instance is gone */ }
      this.hooks.onStatus?.('restarting the engine…');
      let restored = false;
      for (let attempt = 0; attempt < 8; attempt++) {
        try {
          this.core = await instantiate();
          this.demo = new this.core.Demo();
        } catch (e2) {
          this.demo = null;
          this.recovering = null;
          this.hooks.onRecovered?.({ message: `${message}; the engine could not be restarted: ${messageOf(e2)}`, where, restored: false, dead: true });
          return;
        }
        if (!this.lastGood) break;
        try {
          this.demo.set(this.lastGood);
          if (this.lastGoodPair && this.lastGoodPair[0] !== this.lastGoodPair[1]) {
            try { this.demo.set_pair(this.lastGoodPair[0], this.lastGoodPair[1]); } catch (e5) { if (isFatal(e5)) throw e5; }
          }
        } catch (e3) {
          this.lastGood = null; // even the last good parameters fail now: start empty
          if (isFatal(e3)) continue;
          break;
        }
        try {
          this.where = 'main';
          this.applied = this.demo.params();
          this.hooks.onApplied?.({ params: this.applied, results: this.demo.results(), where: 'main', fitMs: 0, seq: this.appliedSeq, redraw: false });
          restored = true;
          break;
        } catch (e4) {
          if (!isFatal(e4)) throw e4;
        }
      }
      this.recovering = null;
      if (this.target && this.lastGood && this.targetSeq <= this.dispatched) this.target = { params: this.lastGood, pair: this.lastGoodPair };
      this.hooks.onRecovered?.({ message, where, restored });
      if (this.targetSeq > this.dispatched) this.schedule();
    })();
    return this.recovering;
  }

  /** For tests: make the core panic, and resolve once the engine has recovered. */
  async panicForTest(message) {
    try {
      this.call((demo, core) => core.panic_for_test(message));
    } catch {
      // expected: recovery is under way
    }
    if (this.recovering) await this.recovering;
  }
}
