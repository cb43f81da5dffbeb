// The fitting worker: its own Demo fits large data off the main thread. The page sends the compiled
// WebAssembly.Module once ({type: 'init'}), then full parameters ({type: 'fit', seq, params, pair});
// the worker answers with the Demo's state (parameters and scene as bytes, the fits as an object — not the
// data), which the page's Demo takes over with load_state_bytes() and draws. A {type: 'replicate', id, params,
// first, count} message (www/replications.js) is answered with {type: 'replicated', id, first, records}, and
// {type: 'own', id, csv, options} (www/ownfitter.js) with {type: 'own-fitted', id, models}.
// No numerics here either.

import init, { Demo, last_panic as lastPanic, replicate_seeds as replicateSeeds, own_data_models as ownDataModels } from './pkg/glmm_demo.js';

let demo = null;
let broken = false;
let memory = null;

function post(msg) {
  self.postMessage(msg);
}

function messageOf(e) {
  return (e && e.message) || String(e);
}

async function start(module) {
  const exports = await init({ module_or_path: module });
  memory = exports && exports.memory;
  demo = new Demo();
}

let starting = null;

/** "Is it this seed?" (www/replications.js): seeds first … first + count − 1 of m.params, one message back. */
function replicate(m) {
  const t0 = performance.now();
  try {
    const records = replicateSeeds(m.params, m.first, m.count);
    post({ type: 'replicated', id: m.id, first: m.first, records, ms: performance.now() - t0 });
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) broken = true;
    post({ type: 'error', id: m.id, message: messageOf(e), fatal: e instanceof WebAssembly.RuntimeError });
  }
}

/** "Your data" (www/ownfitter.js): every model of m.csv with m.options, answered with the models. */
function ownModels(m) {
  const t0 = performance.now();
  try {
    const models = ownDataModels(m.csv, m.options);
    post({ type: 'own-fitted', id: m.id, models, ms: performance.now() - t0 });
  } catch (e) {
    const fatal = e instanceof WebAssembly.RuntimeError;
    if (fatal) broken = true;
    post({ type: 'error', id: m.id, message: messageOf(e), fatal });
  }
}

self.onmessage = async (ev) => {
  const m = ev.data || {};
  if (m.type === 'init') {
    starting = start(m.module).then(
      () => post({ type: 'ready' }),
      (e) => post({ type: 'error', seq: 0, message: messageOf(e), fatal: true }),
    );
    return;
  }
  if (m.type === 'replicate') {
    await starting;
    replicate(m);
    return;
  }
  if (m.type === 'own') {
    await starting;
    ownModels(m);
    return;
  }
  if (m.type !== 'fit') return;
  await starting;
  if (broken || !demo) {
    post({ type: 'error', seq: m.seq, message: 'The fitting worker is not available.', fatal: true });
    return;
  }
  const t0 = performance.now();
  try {
    demo.set(m.params);
    if (Array.isArray(m.pair)) {
      const [a, b] = m.pair;
      const cur = demo.pair();
      // The engine sends Rust's pair_for of the new number of groups: always a pair the Demo takes.
      if (cur[0] !== a || cur[1] !== b) demo.set_pair(a, b);
    }
    const fitMs = performance.now() - t0;
    // The scene as bytes (transferred, not copied) and the fits as a plain object: the page's Demo reads
    // both far faster than one large object.
    const state = demo.state_bytes();
    const results = demo.results();
    const memoryBytes = memory ? memory.buffer.byteLength : 0;
    self.postMessage({ type: 'fit', seq: m.seq, state, results, fitMs, totalMs: performance.now() - t0, memoryBytes }, [state.buffer]);
  } catch (e) {
    const fatal = e instanceof WebAssembly.RuntimeError;
    if (fatal) broken = true;
    let panic = '';
    try { panic = fatal ? lastPanic() : ''; } catch { /* the instance is gone */ }
    post({ type: 'error', seq: m.seq, message: panic || messageOf(e), fatal });
  }
};
