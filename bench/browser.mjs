#!/usr/bin/env node
// In-browser benchmark of the teaching page (issue 5), in headless Debian chromium through playwright-core
// (no browser download). Run after ./build.sh build:
//
//   node bench/browser.mjs [--positions 200] [--loads 5] [--big-runs 3] [--no-big] [--repl-runs 3]
//                          [--repl-seeds 1000] [--own-runs 3] [--out FILE.json]
//
// Serves www/ itself on a free 127.0.0.1 port and measures:
//   - first render: navigation start → glmmDemo.ready resolved (and → the frame after it painted), median
//     of --loads fresh browser contexts;
//   - 200 slider positions on the default page (answer preset, nAGQ = 100): glmmDemo.set({thresholds:
//     [t, 0.1]}) with t from 0.2 to 0.8, twice: issued at the start of a frame (in a requestAnimationFrame
//     callback: Chromium delivers continuous input such as a slider drag aligned to frames), and at a
//     random phase of the 60 Hz frame (a discrete input, which alone waits up to a frame). Each is timed to
//       * painted: the end of the rendering step that drew the result (a MessageChannel message posted
//         when the promise resolves inside a frame runs after that frame's style, layout and paint; when it
//         resolves outside a frame, after the next frame's);
//       * next_frame: the next requestAnimationFrame callback after the promise resolved (one vsync later:
//         never below ~16.7 ms at 60 Hz, whatever the work);
//     and the page's own glmmDemo.timings() split (refit = simulate + every model + every surface; draw =
//     every figure shown (nine on the default page); where = main thread or worker);
//   - 100,000 rows × 50 groups (nAGQ = 25): set() → resolved, the page's refit time, the longest gap
//     between animation frames meanwhile (how long the page stops responding), the longest input delay
//     meanwhile (a zero-delay timer probed every 50 ms), and the longest frame while the result is taken
//     over and drawn (these were timed assertions in tests/browser/course.test.mjs: speed is reported
//     here, not asserted);
//   - main-thread work per slider update (drawing, plus the refit or taking over the worker's state);
//   - "Is it this seed?": 1,000 seeds of the answer's settings at nAGQ = 25 in the page's workers, start →
//     figure drawn, and the longest gap between frames meanwhile;
//   - "Your data": VerbAgg (7,584 rows, 316 ids) chosen → its table shown (fetch, parse, every model);
//   - the same work natively (the release CLI, one thread, in this run) and the ratios issue 14 asks for:
//     page refit on the main thread ÷ native full_refit + surfaces, 100,000 × 50 page refit ÷ native
//     full_refit, replications and VerbAgg page ÷ native;
//   - the wasm size, raw and gzip -9.
// Prints a readable table on stderr and one JSON object on stdout (and to --out).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { chromium } from 'playwright-core';
import { chromiumPath } from '../tests/browser/helpers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WWW = join(ROOT, 'www');

// ------------------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
function opt(name, dflt) {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  if (v === undefined) throw new Error(`${name} needs a value`);
  return v;
}
const POSITIONS = Number(opt('--positions', 200));
const LOADS = Number(opt('--loads', 5));
const BIG_RUNS = Number(opt('--big-runs', 3));
const NO_BIG = argv.includes('--no-big');
const REPL_RUNS = Number(opt('--repl-runs', 3));
const REPL_SEEDS = Number(opt('--repl-seeds', 1000));
const OWN_RUNS = Number(opt('--own-runs', 3));
const OUT = opt('--out', null);

// ------------------------------------------------------------------------------------------------------
// Static server for www/ (as ./build.sh serves it), with the right MIME types.

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function serve() {
  const server = createServer(async (req, res) => {
    try {
      let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (path.endsWith('/')) path += 'index.html';
      const file = normalize(join(WWW, path));
      if (!file.startsWith(WWW)) throw new Error('outside www');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}


// ------------------------------------------------------------------------------------------------------
// Statistics

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]; // nearest rank
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[n >> 1] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}
const r2 = (v) => Math.round(v * 100) / 100;
function stats(xs) {
  return { median_ms: r2(median(xs)), p95_ms: r2(quantile(xs, 0.95)), max_ms: r2(Math.max(...xs)), n: xs.length };
}

/** Where the page says each refit ran ({main: n, worker: m}; glmmDemo.timings().where). */
function countWhere(rows) {
  const c = {};
  for (const r of rows) c[r.where ?? 'unreported'] = (c[r.where ?? 'unreported'] || 0) + 1;
  return c;
}

// ------------------------------------------------------------------------------------------------------
// In the page, before app.js: when ready resolves (hooked as window.glmmDemo is assigned), and whether the
// code runs inside a rendering step (requestAnimationFrame callbacks, and the microtasks after them).

const INIT = () => {
  window.__bench = { ready: null, readyPainted: null, inFrame: false };
  const afterTask = (fn) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => fn();
    c.port2.postMessage(0);
  };
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((ts) => {
    window.__bench.inFrame = true;
    afterTask(() => { window.__bench.inFrame = false; }); // runs once this frame's rendering step is over
    return cb(ts);
  });
  // After the frame that shows what was just drawn has been painted.
  window.__bench.afterPaint = () => new Promise((ok) => {
    if (window.__bench.inFrame) afterTask(ok);
    else raf(() => afterTask(ok));
  });
  let api;
  try {
    Object.defineProperty(window, 'glmmDemo', {
      configurable: true,
      enumerable: true,
      get() { return api; },
      set(v) {
        api = v;
        Promise.resolve(v && v.ready).then(() => {
          window.__bench.ready = performance.now();
          return window.__bench.afterPaint();
        }).then(() => { window.__bench.readyPainted = performance.now(); }, () => {});
      },
    });
  } catch { /* the page defines glmmDemo otherwise: first render falls back to polling */ }
};

async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(INIT);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.glmmDemo && window.glmmDemo.ready, null, { timeout: 60_000 });
  const first = await page.evaluate(async () => {
    await window.glmmDemo.ready;
    if (window.__bench.ready === null) { // the setter hook did not run: polling bound
      window.__bench.ready = performance.now();
      await window.__bench.afterPaint();
      window.__bench.readyPainted = performance.now();
      return { ready: window.__bench.ready, painted: window.__bench.readyPainted, hooked: false };
    }
    while (window.__bench.readyPainted === null) await new Promise((r) => setTimeout(r, 5));
    // Where the time went: the document, the wasm download.
    const nav = performance.getEntriesByType('navigation')[0];
    const wasm = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm'))
      .reduce((m, e) => Math.max(m, e.responseEnd), 0);
    return {
      ready: window.__bench.ready, painted: window.__bench.readyPainted, hooked: true,
      dom_content_loaded: nav ? nav.domContentLoadedEventEnd : NaN, wasm_fetched: wasm || NaN,
    };
  });
  return { context, page, errors, first };
}

// ------------------------------------------------------------------------------------------------------
// The same work natively, in this run (issue 14 asks for browser figures as ratios to it: absolute times
// differ 2× between machines of one kind).

function nativeCli() {
  execFileSync('cargo', ['build', '--release', '--bin', 'glmm-demo'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const bin = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'release', 'glmm-demo');
  return (...args) => JSON.parse(execFileSync(bin, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 }));
}

/** `glmm-demo bench` (release, this thread): the page's default settings, 100,000 × 50, 1,000 seeds, VerbAgg. */
function native(params) {
  const cli = nativeCli();
  const ms = (entry) => entry && entry.median_ms;
  const page = cli('bench', '--nagq', String(params.nagq), '--runs', '0');
  const out = {
    page_settings: { full_refit_ms: ms(page.full_refit), surfaces_ms: ms(page.surfaces), nagq: params.nagq },
  };
  out.page_settings.refit_ms = r2(out.page_settings.full_refit_ms + out.page_settings.surfaces_ms);
  if (!NO_BIG) {
    const big = cli('bench', '--groups', '50', '--n', '2000', '--nagq', '25', '--runs', '3');
    out.big = { full_refit_ms: ms(big.full_refit), surfaces_ms: ms(big.surfaces) };
  }
  if (REPL_RUNS > 0) {
    const rep = cli('replicate', '--nagq', '25', '--seeds', String(REPL_SEEDS), '--runs', '3');
    out.replications = { seeds: REPL_SEEDS, nagq: 25, one_thread_ms: r2(rep.timing.median_ms) };
  }
  if (OWN_RUNS > 0) {
    const v = cli('bench', '--csv', 'tests/data/VerbAgg.csv', '--formula', 'r2 ~ Anger + Gender + btype + situ + (1 | id)', '--nagq', '25', '--runs', '3');
    // Every model of the own-data table: glm, glm + group, glmer (Laplace and nAGQ), the exact maximum.
    const parts = ['glm_pooled', 'glm_group', 'standalone_laplace', 'standalone_agq', 'marginal_exact'];
    out.verbagg = Object.fromEntries(parts.map((k) => [k, ms(v[k])]));
    out.verbagg.sum_ms = r2(parts.reduce((a, k) => a + (ms(v[k]) || 0), 0));
  }
  return out;
}

// ------------------------------------------------------------------------------------------------------

async function main() {
  const pkg = join(WWW, 'pkg');
  const wasmFiles = readdirSync(pkg).filter((f) => f.endsWith('.wasm'));
  if (!wasmFiles.length) throw new Error('www/pkg has no .wasm: run ./build.sh build first');
  const wasm = {};
  for (const f of wasmFiles) {
    const raw = (await stat(join(pkg, f))).size;
    let gz;
    try {
      gz = execFileSync('gzip', ['-9c', join(pkg, f)], { maxBuffer: 1 << 28 }).length;
    } catch {
      gz = gzipSync(readFileSync(join(pkg, f)), { level: 9 }).length;
    }
    wasm[f] = { raw_bytes: raw, gzip9_bytes: gz };
  }

  const server = await serve();
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const out = {
    machine: {
      nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
      cpu: os.cpus()[0]?.model,
      chromium: browser.version(),
      node: process.version,
      date: new Date().toISOString(),
      loadavg_at_start: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
    wasm,
  };
  const errors = [];
  try {
    // 1. First render, fresh contexts.
    const firsts = [];
    let hooked = true;
    for (let i = 0; i < LOADS; i++) {
      const { context, errors: e, first } = await openPage(browser, url);
      firsts.push(first);
      hooked &&= first.hooked;
      errors.push(...e);
      await context.close();
    }
    out.first_render = {
      ready: stats(firsts.map((f) => f.ready)),
      painted: stats(firsts.map((f) => f.painted)),
      dom_content_loaded: stats(firsts.map((f) => f.dom_content_loaded)),
      wasm_fetched: stats(firsts.map((f) => f.wasm_fetched)),
      loads: LOADS,
      measured: hooked ? 'navigation start → glmmDemo.ready resolved (hooked as the page defines it)'
        : 'navigation start → glmmDemo.ready observed (polling: an upper bound)',
    };

    // 2. 200 slider positions on the default page.
    const { context, page, errors: e } = await openPage(browser, url);
    const params = await page.evaluate(() => window.glmmDemo.params());
    out.native = native(params);
    // Two passes over the same positions: input at the start of a frame (Chromium delivers continuous input
    // such as a slider drag aligned to animation frames, just before their callbacks) and at a random
    // phase of the frame (a discrete input; its wait for the frame alone has p95 ≈ 15.9 ms at 60 Hz).
    const runSlider = (aligned) => page.evaluate(async ([n, aligned]) => {
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const rows = [];
      await frame();
      for (let i = 0; i < n; i++) {
        const t = 0.2 + (0.6 * i) / (n - 1);
        await frame(); // a frame starts …
        if (!aligned) await new Promise((r) => setTimeout(r, Math.random() * 16.7)); // … or the input comes later
        let t0;
        const done = new Promise((ok, fail) => {
          const go = () => { t0 = performance.now(); window.glmmDemo.set({ thresholds: [t, 0.1] }).then(ok, fail); };
          if (aligned) requestAnimationFrame(go); else go();
        });
        await done;
        const t1 = performance.now();
        const painted = window.__bench.afterPaint().then(() => performance.now());
        const next = new Promise((r) => requestAnimationFrame(() => r(performance.now())));
        const [t2, t3] = await Promise.all([painted, next]);
        const tm = typeof window.glmmDemo.timings === 'function' ? window.glmmDemo.timings() : {};
        // Main-thread work of this update: drawing, plus the refit when it ran here or taking over the
        // worker's state when it ran there.
        const main = tm.draw + (tm.where === 'main' ? tm.fit : (tm.load || 0));
        rows.push({ t, resolved: t1 - t0, painted: t2 - t0, next_frame: t3 - t0, fit: tm.fit, draw: tm.draw, where: tm.where, main_thread: main });
      }
      const r = window.glmmDemo.results();
      return { rows, last: r.glmm_agq && r.glmm_agq.fixef };
    }, [POSITIONS, aligned]);
    const slider = await runSlider(true);
    const random = await runSlider(false);
    const rows = slider.rows;
    const has = (k) => rows.every((r) => Number.isFinite(r[k]));
    out.slider = {
      positions: rows.length,
      start_params: params,
      input: 'at the start of a frame (as Chromium delivers a slider drag)',
      input_to_painted: stats(rows.map((r) => r.painted)),
      input_to_resolved: stats(rows.map((r) => r.resolved)),
      input_to_next_frame: stats(rows.map((r) => r.next_frame)),
      refit: has('fit') ? stats(rows.map((r) => r.fit)) : null,
      refit_main_thread: rows.some((r) => r.where === 'main') ? stats(rows.filter((r) => r.where === 'main').map((r) => r.fit)) : null,
      draw: has('draw') ? stats(rows.map((r) => r.draw)) : null,
      refit_plus_draw: has('fit') && has('draw') ? stats(rows.map((r) => r.fit + r.draw)) : null,
      main_thread: has('main_thread') ? stats(rows.map((r) => r.main_thread)) : null,
      where: countWhere(rows),
      random_phase: {
        input: 'at a random phase of the frame',
        input_to_painted: stats(random.rows.map((r) => r.painted)),
        input_to_resolved: stats(random.rows.map((r) => r.resolved)),
        where: countWhere(random.rows),
      },
    };

    // 4. "Is it this seed?": REPL_SEEDS seeds of the answer's settings at nAGQ = 25, in the page's workers,
    // with the longest gap between animation frames meanwhile (the page stays responsive).
    if (REPL_RUNS > 0) {
      out.replications = await page.evaluate(async ([start, runs, seeds]) => {
        await window.glmmDemo.set({ ...start, nagq: 25 });
        const res = [];
        for (let k = 0; k < runs; k++) {
          let last = performance.now();
          let maxGap = 0;
          let on = true;
          const tick = () => {
            const now = performance.now();
            maxGap = Math.max(maxGap, now - last);
            last = now;
            if (on) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
          const t0 = performance.now();
          await window.glmmDemo.replications.start(seeds);
          const wall = performance.now() - t0;
          on = false;
          const st = window.glmmDemo.replications.state();
          res.push({ wall, ms: st.ms, count: st.count, workers: st.workers, max_frame_gap: maxGap });
        }
        return res;
      }, [params, REPL_RUNS, REPL_SEEDS]);
      out.replications = {
        seeds: REPL_SEEDS, nagq: 25, runs: out.replications.length,
        start_to_done: stats(out.replications.map((r) => r.wall)),
        max_frame_gap: stats(out.replications.map((r) => r.max_frame_gap)),
        counts: out.replications.map((r) => r.count), workers: out.replications[0]?.workers,
      };
      await page.evaluate((start) => window.glmmDemo.set(start), params);
    }

    // 3. 100,000 rows × 50 groups, nAGQ = 25.
    if (!NO_BIG) {
      const big = await page.evaluate(async (runs) => {
        const res = [];
        for (let k = 0; k < runs; k++) {
          // Animation-frame gaps while the refit runs (how long the page stops painting), and after it
          // resolves (taking over the state and drawing the result on the main thread).
          let last = performance.now();
          let maxGap = 0;
          let maxAfter = 0;
          let resolved = false;
          let on = true;
          const tick = () => {
            const now = performance.now();
            if (resolved) maxAfter = Math.max(maxAfter, now - last);
            else maxGap = Math.max(maxGap, now - last);
            last = now;
            if (on) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
          await new Promise((r) => setTimeout(r, 50));
          const partial = k === 0 ? { groups: 50, n: 2000, nagq: 25 } : { nagq: 25, seed: 1 };
          const t0 = performance.now();
          const done = window.glmmDemo.set(partial).then(() => { resolved = true; });
          // Input delay meanwhile: how late a zero-delay timer (a stand-in for an input handler) runs,
          // probed every 50 ms until the refit resolves.
          const delays = [];
          while (!(await Promise.race([done.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]))) {
            const p0 = performance.now();
            await new Promise((r) => setTimeout(r, 0));
            delays.push(performance.now() - p0);
          }
          const t1 = performance.now();
          await window.__bench.afterPaint();
          const t2 = performance.now();
          // The tick of the frame after the refit sees the gap the refit left.
          for (let f = 0; f < 2; f++) await new Promise((r) => requestAnimationFrame(r));
          on = false;
          const tm = typeof window.glmmDemo.timings === 'function' ? window.glmmDemo.timings() : {};
          res.push({ resolved: t1 - t0, painted: t2 - t0, fit: tm.fit, draw: tm.draw, where: tm.where, max_frame_gap: maxGap,
            max_frame_after: maxAfter, max_input_delay: delays.length ? Math.max(...delays) : null, input_probes: delays.length });
        }
        const p = window.glmmDemo.params();
        return { res, n_obs: p.groups * p.n, groups: p.groups, nagq: p.nagq };
      }, BIG_RUNS);
      const rs = big.res;
      const steady = rs.length > 1 ? rs.slice(1) : rs; // the first also grows the buffers
      out.big = {
        rows: big.n_obs, groups: big.groups, nagq: big.nagq, runs: rs.length,
        first: rs[0],
        set_to_resolved: stats(steady.map((r) => r.resolved)),
        set_to_painted: stats(steady.map((r) => r.painted)),
        refit: steady.every((r) => Number.isFinite(r.fit)) ? stats(steady.map((r) => r.fit)) : null,
        draw: steady.every((r) => Number.isFinite(r.draw)) ? stats(steady.map((r) => r.draw)) : null,
        max_frame_gap: stats(steady.map((r) => r.max_frame_gap)),
        max_frame_after: stats(steady.map((r) => r.max_frame_after)),
        max_input_delay: steady.every((r) => Number.isFinite(r.max_input_delay)) ? stats(steady.map((r) => r.max_input_delay)) : null,
        where: countWhere(rs),
      };
    }
    errors.push(...e);
    await context.close();

    // 5. "Your data": VerbAgg (7,584 rows, 316 ids) chosen in the own-data section → its table shown
    // (fetching the CSV from this server, parsing it, every model, the table). cbpp in between, so each
    // VerbAgg click fits anew.
    if (OWN_RUNS > 0) {
      const own = await openPage(browser, url);
      const shown = (id) => own.page.waitForFunction((e) => document.querySelector('#own-results')?.dataset.example === e
        && document.querySelector('#own-status').textContent === '', id, { timeout: 120_000 });
      const times = [];
      for (let k = 0; k < OWN_RUNS; k++) {
        await own.page.click('#own-examples button[data-example="cbpp"]');
        await shown('cbpp');
        const t0 = await own.page.evaluate(() => performance.now());
        await own.page.click('#own-examples button[data-example="verbagg"]');
        await shown('verbagg');
        times.push((await own.page.evaluate(() => performance.now())) - t0);
      }
      out.own_verbagg = { click_to_table: stats(times), runs: OWN_RUNS, nagq: await own.page.locator('#own-nagq').inputValue() };
      errors.push(...own.errors);
      await own.context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  out.errors = errors;
  out.machine.loadavg_at_end = os.loadavg().map((v) => Math.round(v * 100) / 100);

  // Readable table.
  const w = Object.values(out.wasm)[0];
  const line = (name, s, target) => (s ? `${name.padEnd(44)} ${String(s.median_ms).padStart(9)} ${String(s.p95_ms).padStart(9)}   ${target || ''}` : `${name.padEnd(44)} —`);
  const t = [];
  t.push(`glmm-demo in headless ${out.machine.chromium} · ${out.machine.nproc} cores · ${out.machine.cpu} · ${out.machine.date} · load average ${out.machine.loadavg_at_start[0]} → ${out.machine.loadavg_at_end[0]}`);
  t.push(`${'measure'.padEnd(44)} ${'median ms'.padStart(9)} ${'p95 ms'.padStart(9)}   target`);
  t.push(line(`first render (ready), ${LOADS} loads`, out.first_render.ready, '< 500 ms'));
  t.push(line('first render, painted', out.first_render.painted));
  t.push(line('  DOMContentLoaded', out.first_render.dom_content_loaded));
  t.push(line('  wasm downloaded (responseEnd)', out.first_render.wasm_fetched));
  const s = out.slider;
  t.push(line(`slider (${s.positions} positions), input at frame start: → painted`, s.input_to_painted, 'p95 < 16 ms'));
  t.push(line('  input → promise resolved', s.input_to_resolved));
  t.push(line('  input → next animation frame', s.input_to_next_frame));
  t.push(line('  refit (page timings: every model + surface)', s.refit, 'median < 4 ms'));
  t.push(line('  draw (page timings: every figure shown)', s.draw));
  t.push(line('  refit + draw', s.refit_plus_draw));
  t.push(line('  main-thread work per update', s.main_thread, '< 1 frame'));
  t.push(`  refits ran on: ${JSON.stringify(s.where)}`);
  t.push(line('slider, input at a random phase: → painted', s.random_phase.input_to_painted));
  t.push(line('  input → promise resolved', s.random_phase.input_to_resolved));
  if (out.big) {
    t.push(line(`${out.big.rows} rows × ${out.big.groups} groups, nAGQ ${out.big.nagq}: set → resolved`, out.big.set_to_resolved, '< 300 ms'));
    t.push(line('  refit (page timings)', out.big.refit));
    t.push(line('  longest gap between frames meanwhile', out.big.max_frame_gap, 'responsive'));
    t.push(line('  longest input delay meanwhile', out.big.max_input_delay, 'responsive'));
    t.push(line('  longest frame drawing the result', out.big.max_frame_after));
    t.push(`  refits ran on: ${JSON.stringify(out.big.where)}`);
  }
  if (out.replications) {
    t.push(line(`replications: ${out.replications.seeds} seeds, nAGQ 25, ${out.replications.workers} workers: start → drawn`, out.replications.start_to_done, '< 2 s'));
    t.push(line('  longest gap between frames meanwhile', out.replications.max_frame_gap, 'responsive'));
  }
  if (out.own_verbagg) t.push(line('Your data: VerbAgg (7,584 rows) click → table', out.own_verbagg.click_to_table, '< 250 ms'));
  // Ratios to the native work of the same build, measured in this run.
  const n = out.native;
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? r2(a / b) : null);
  out.ratios = {
    wasm_efficiency: ratio(s.refit_main_thread?.median_ms, n.page_settings.refit_ms),
    big_data: out.big ? ratio(out.big.refit?.median_ms, n.big?.full_refit_ms) : null,
    replications: out.replications ? ratio(out.replications.start_to_done.median_ms, n.replications?.one_thread_ms) : null,
    verbagg: out.own_verbagg ? ratio(out.own_verbagg.click_to_table.median_ms, n.verbagg?.sum_ms) : null,
  };
  t.push(`native (release CLI, one thread, this run): page settings full_refit ${n.page_settings.full_refit_ms} + surfaces ${n.page_settings.surfaces_ms} = ${n.page_settings.refit_ms} ms`
    + (n.big ? `; 100,000 × 50 full_refit ${n.big.full_refit_ms} ms` : '')
    + (n.replications ? `; ${n.replications.seeds} seeds ${n.replications.one_thread_ms} ms` : '')
    + (n.verbagg ? `; VerbAgg every model ${n.verbagg.sum_ms} ms` : ''));
  t.push(`ratios: page refit (main thread, median) ÷ native full_refit + surfaces = ${out.ratios.wasm_efficiency} (target ≤ 1.3); `
    + `100,000 × 50 page refit ÷ native full_refit = ${out.ratios.big_data} (target ≤ 1.0); `
    + `replications page ÷ native one thread = ${out.ratios.replications}; VerbAgg page ÷ native = ${out.ratios.verbagg}`);
  t.push(`wasm ${Object.keys(out.wasm)[0]}: ${w.raw_bytes} bytes raw, ${w.gzip9_bytes} bytes gzip -9 (${(w.gzip9_bytes / 1024).toFixed(1)} KB; target < 400 KB)`);
  if (errors.length) t.push(`page errors: ${errors.join(' | ')}`);
  process.stderr.write(`${t.join('\n')}\n`);
  const json = JSON.stringify(out, null, 2);
  if (OUT) writeFileSync(OUT, `${json}\n`);
  process.stdout.write(`${json}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench/browser.mjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
