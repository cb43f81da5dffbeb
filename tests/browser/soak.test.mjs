// A long session (issue 6): 10,000 random parameter changes through glmmDemo.set, in bursts as a student
// drags faster than the page refits, with out-of-range values among them. Asserts no console error, no
// uncaught exception, every rejection a sentence, the page still showing the newest parameters with
// finite numbers, and no leak: the session is two passes of the same 5,000 changes, and the WebAssembly
// memory of the page and of the worker must not grow during the second (wasm memory never shrinks, so the
// first pass reaches whatever the session needs; a leak of even a few bytes per refit would show in the
// second). SOAK_CHANGES overrides the count (e.g. for a quick run).
//
// The two passes do the same work, so that "no growth" can only fail by a leak:
// - both start from the page's first parameters (changes merge into the current ones, so without that the
//   second pass's first states would be new ones);
// - a burst refits once, its newest parameters, but WHERE is decided from measured main-thread times
//   (engine.js: Engine#offMain), which on a loaded machine put a third of the bursts of a 2,000-change run
//   on the other side in the second pass; a state fitted on the main thread in the second pass that the
//   worker fitted in the first grew the page's memory. So the first pass records offMain's answer for every
//   burst and the second replays it (Engine.prototype.offMain wrapped from here; the first pass keeps the
//   page's own rule), and the test asserts the second asked for the same bursts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, problems, canvasColours } from './helpers.mjs';

const CHANGES = Number(process.env.SOAK_CHANGES || 10_000);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test(`soak: ${CHANGES} random parameter changes, no error, memory stops growing`, { timeout: 20 * 60_000 }, async () => {
  const { page, context, log } = await openPage(browser);
  try {
    const report = await page.evaluate(async ({ changes }) => {
      // Where each burst refits: recorded in the first pass, replayed in the second (see the header).
      const { Engine } = await import(new URL('engine.js', location.href).href);
      if (typeof Engine.prototype.offMain !== 'function') return { error: 'engine.js has no Engine#offMain to replay' };
      const offMain = Engine.prototype.offMain;
      let burstNo = -1; // -1: the reset to the first parameters at the start of a pass
      let replay = null;
      const placed = [new Map(), new Map()];
      Engine.prototype.offMain = function offMainReplayed(target) {
        const off = replay ? (replay.has(burstNo) ? replay.get(burstNo) : offMain.call(this, target)) : offMain.call(this, target);
        placed[replay ? 1 : 0].set(burstNo, off);
        return off;
      };
      // mulberry32: the same session on every run, and the same changes in both passes.
      const SEED = 0x9e3779b9;
      let s = SEED;
      const rand = () => {
        s = (s + 0x6d2b79f5) | 0;
        let t = Math.imul(s ^ (s >>> 15), 1 | s);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
      const pick = (xs) => xs[Math.floor(rand() * xs.length)];
      const threshold = () => (rand() < 0.1 ? pick([0, 1]) : Math.round(rand() * 1000) / 1000);
      const coef = () => (rand() < 0.05 ? pick([-1000, 1000, 0]) : Math.round((rand() * 10 - 5) * 100) / 100);
      // Mostly what the sliders and boxes give (up to 20 groups of up to 100, log-uniform); now and then
      // the largest data of the session (50 × 400 = 20,000 rows: the worker) or a preset.
      const valid = () => {
        const r = rand();
        if (r < 0.003) return { groups: 50, n: 400 };
        if (r < 0.01) return { preset: pick(['answer', 'question', 'custom']) };
        const p = {};
        const keys = ['thresholds', 'thresholds', 'thresholds', 'groups', 'n', 'seed', 'nagq', 'y_coef', 'spacing', 'center'];
        for (let k = int(1, 3); k > 0; k--) {
          const key = pick(keys);
          if (key === 'thresholds' || key === 'groups') {
            const g = key === 'groups' ? int(1, 20) : null;
            if (g !== null) p.groups = g;
            if (g !== null || rand() < 0.5) {
              const gg = g ?? int(1, 20);
              p.groups = gg;
              p.thresholds = Array.from({ length: gg }, threshold);
            }
          } else if (key === 'n') p.n = Math.max(1, Math.round(Math.exp(rand() * Math.log(100))));
          else if (key === 'seed') p.seed = int(-1e6, 1e6);
          else if (key === 'nagq') p.nagq = int(1, 100);
          else if (key === 'center') p.center = rand() < 0.5;
          else p[key] = coef();
        }
        return p;
      };
      const invalid = () => pick([
        { nagq: 0 }, { nagq: 101 }, { groups: 0 }, { groups: 51 }, { n: 0 }, { n: 1.5 }, { seed: 'abc' },
        { thresholds: [1.5] }, { thresholds: [-0.1, 0.2] }, { thresholds: 'x' }, { y_coef: 1e9 }, { spacing: NaN },
        { center: 'yes' }, { preset: 'nope' }, { groups: 3, thresholds: [0.5] },
      ]);

      const memory = [];
      const sentences = new Set();
      let rejected = 0;
      let refits = 0;
      let last = null;
      const half = Math.floor(changes / 2);
      const first = window.glmmDemo.params();
      const startPass = async () => {
        burstNo = -1;
        last = await window.glmmDemo.set(first);
        burstNo = 0;
        return JSON.stringify(window.glmmDemo.params()) === JSON.stringify(first) ? null : 'the reset did not restore the first parameters';
      };
      let failed = await startPass();
      if (failed) return { error: failed };
      for (let done = 0; done < changes;) {
        if (done === half) {
          memory.push({ at: done, ...window.glmmDemo.memory() });
          s = SEED; // the second pass replays the first: the same changes, from the same parameters, fitted
          replay = placed[0]; // on the same side
          failed = await startPass();
          if (failed) return { error: failed };
        }
        // A burst: 1–8 changes issued together, then wait for the page to show the newest.
        const burst = Math.min((done < half ? half : changes) - done, int(1, 8));
        const pending = [];
        for (let k = 0; k < burst; k++) {
          const bad = rand() < 0.05;
          const p = bad ? invalid() : valid();
          pending.push(window.glmmDemo.set(p).then(
            (params) => { last = params; return null; },
            (e) => {
              rejected += 1;
              sentences.add(e.message);
              return bad ? null : `a valid change was refused: ${JSON.stringify(p)} → ${e.message}`;
            },
          ));
        }
        const unexpected = (await Promise.all(pending)).filter(Boolean);
        if (unexpected.length) return { error: unexpected[0] };
        refits += 1;
        burstNo += 1;
        done += burst;
        if (done % 500 < burst && done !== half && done !== changes) memory.push({ at: done, ...window.glmmDemo.memory() });
      }
      memory.push({ at: changes, ...window.glmmDemo.memory() });
      Engine.prototype.offMain = offMain;
      const results = window.glmmDemo.results();
      const sides = placed.map((m) => [...m].map(([b, off]) => `${b}:${off ? 'worker' : 'main'}`));
      return { memory, rejected, sentences: [...sentences], refits, last, params: window.glmmDemo.params(), results, sides };
    }, { changes: CHANGES });

    assert.equal(report.error, undefined, report.error);
    console.log(`soak: ${CHANGES} changes in ${report.refits} bursts, ${report.rejected} rejected; memory (bytes):`
      + ` ${report.memory.map((m) => `${m.at}: ${m.main}/${m.worker}`).join(', ')}`);
    const count = (list, side) => list.filter((x) => x.endsWith(side)).length;
    console.log(`soak: refits per pass on the main thread/in the worker: ${report.sides.map((l) => `${count(l, ':main')}/${count(l, ':worker')}`).join(', ')}`);
    // The second pass refitted the same bursts on the same side as the first.
    assert.deepEqual(report.sides[1], report.sides[0], 'the second pass placed its refits as the first did');
    // One placement per burst (a burst of only rejected values asks none) and one for the reset.
    assert.ok(report.sides[0].length > 0.9 * (report.refits / 2), `${report.sides[0].length} placements for ${report.refits / 2} bursts`);
    assert.deepEqual(problems(log).pageErrors, [], 'no uncaught exception');
    assert.deepEqual(problems(log).consoleErrors, [], 'no console error');
    // Every rejection is one sentence naming the parameter.
    assert.ok(report.rejected > 0.03 * CHANGES, `${report.rejected} rejections`);
    for (const m of report.sentences) {
      assert.match(m, /^[A-Za-z_]+ [^\n]*\.$/, `a sentence: ${m}`);
      assert.ok(m.length < 200, m);
    }
    // The page shows the newest accepted parameters, with finite numbers for every model that fitted.
    assert.deepEqual(report.params, report.last);
    for (const [model, fit] of Object.entries(report.results)) {
      if (fit && typeof fit === 'object' && !fit.error) {
        for (const [k, v] of Object.entries(fit)) {
          if (typeof v === 'number') assert.ok(Number.isFinite(v), `${model}.${k} = ${v}`);
        }
      }
    }
    assert.ok(await canvasColours(page, 1) > 3, 'figure 1 is drawn');
    // No leak: the second pass (the same changes again) grows neither instance's linear memory.
    const warmAt = report.memory.find((m) => m.at === Math.floor(CHANGES / 2));
    const end = report.memory[report.memory.length - 1];
    assert.ok(warmAt.main > 0, 'the page reports its wasm memory');
    assert.equal(end.main, warmAt.main, `page wasm memory grew from ${warmAt.main} to ${end.main} bytes`);
    assert.ok(end.worker <= warmAt.worker || warmAt.worker === 0, `worker wasm memory grew from ${warmAt.worker} to ${end.worker} bytes`);
  } finally {
    await context.close();
  }
});
