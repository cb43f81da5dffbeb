// Loads the Rust core (WebAssembly). A Rust panic traps the instance and leaves it unusable, so the page
// can ask for a fresh instance: the glue module is re-imported under a new URL and instantiated from the
// already compiled WebAssembly.Module (no second download of the wasm).

const GLUE = new URL('./pkg/glmm_demo.js', import.meta.url);
const WASM = new URL('./pkg/glmm_demo_bg.wasm', import.meta.url);

let compiled = null;
let generation = 0;

async function compile() {
  if (!compiled) {
    compiled = (async () => {
      const res = await fetch(WASM);
      if (!res.ok) throw new Error(`The WebAssembly module could not be loaded (HTTP ${res.status}); run ./build.sh build.`);
      return WebAssembly.compile(await res.arrayBuffer());
    })();
    compiled.catch(() => { compiled = null; });
  }
  return compiled;
}

/** A fresh, initialised instance of the core: the glue module's exports (Demo, version, …). */
export async function instantiate() {
  const url = generation === 0 ? GLUE.href : `${GLUE.href}?instance=${generation}`;
  generation += 1;
  const [glue, module] = await Promise.all([import(url), compile()]);
  await glue.default({ module_or_path: module });
  return glue;
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
