// Loads the Rust core (WebAssembly). A Rust panic traps the instance and leaves it unusable, so the page
// can ask for a fresh instance: the glue module is re-imported under a new URL and instantiated from the
// already compiled WebAssembly.Module (no second download of the wasm).
//
// Two ways to load:
// - served (www/ on a static host, or the custom element on any page): the glue and the wasm are fetched
//   relative to this module's own URL (import.meta.url), so a script tag pointing here is all it takes;
// - one file (dist/glmm-demo.html from `./build.sh single`): the bundle sets globalThis.__glmmDemoInline =
//   {wasm: base64, glue: () => fresh glue exports, worker: classic worker source}, and nothing is fetched.

const GLUE = new URL('./pkg/glmm_demo.js', import.meta.url);
const WASM = new URL('./pkg/glmm_demo_bg.wasm', import.meta.url);
const WORKER = new URL('./worker.js', import.meta.url);

const inline = () => globalThis.__glmmDemoInline || null;

let compiled = null;
let generation = 0;
/** Each instance's WebAssembly.Memory, keyed by its glue exports. */
const memories = new WeakMap();

function fromBase64(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The compiled WebAssembly.Module (compiled once, shared by every instance and sent to workers). */
export async function compile() {
  if (!compiled) {
    compiled = (async () => {
      const one = inline();
      if (one) return WebAssembly.compile(fromBase64(one.wasm));
      const res = await fetch(WASM);
      if (!res.ok) throw new Error(`The WebAssembly module could not be loaded (HTTP ${res.status}); run ./build.sh build.`);
      // Compile while the bytes arrive; a server that does not say application/wasm gets the plain path.
      if (WebAssembly.compileStreaming && (res.headers.get('content-type') || '').startsWith('application/wasm')) {
        return WebAssembly.compileStreaming(res);
      }
      return WebAssembly.compile(await res.arrayBuffer());
    })();
    compiled.catch(() => { compiled = null; });
  }
  return compiled;
}

/** A fresh, initialised instance of the core: the glue module's exports (Demo, version, …). */
export async function instantiate() {
  const one = inline();
  let glue;
  if (one) {
    glue = one.glue();
  } else {
    const url = generation === 0 ? GLUE.href : `${GLUE.href}?instance=${generation}`;
    glue = await import(url);
  }
  generation += 1;
  const module = await compile();
  const exports = await glue.default({ module_or_path: module });
  if (exports && exports.memory) memories.set(glue, exports.memory);
  return glue;
}

/** Bytes of linear memory of an instance made by instantiate() (it only grows: a leak shows here). */
export function memoryBytes(glue) {
  const m = glue && memories.get(glue);
  return m ? m.buffer.byteLength : 0;
}

/**
 * A Web Worker that fits with its own Demo (www/worker.js), or null where workers cannot be made (a
 * script served from another origin than the page, a sandboxed frame, no Worker at all).
 */
export function createWorker() {
  if (typeof Worker === 'undefined') return null;
  try {
    const one = inline();
    if (one) {
      const url = URL.createObjectURL(new Blob([one.worker], { type: 'text/javascript' }));
      return new Worker(url, { name: 'glmm-demo fit' }); // a classic script: works from file:// too
    }
    if (new URL(WORKER).origin !== location.origin) return null;
    return new Worker(WORKER, { type: 'module', name: 'glmm-demo fit' });
  } catch {
    return null;
  }
}

/**
 * Whether an exception means the instance is dead: a trap (a Rust panic is `unreachable`, stack
 * overflow and out-of-memory are RuntimeErrors too) or wasm-bindgen's guard after such a trap.
 */
export function isFatal(e) {
  return e instanceof WebAssembly.RuntimeError
    || (e instanceof Error && /recursive use of an object|null pointer passed to rust|already (mutably )?borrowed/i.test(e.message));
}

/** The message of the last Rust panic in a (dead) instance, if it can still be read. */
export function panicMessage(glue) {
  try {
    const m = glue?.last_panic?.();
    if (m) return m.replace(/^panicked at [^\n]*:\n/, '').replace(/^panicked at /, '').trim();
  } catch {
    // the instance is gone; nothing to read
  }
  return '';
}
