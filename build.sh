#!/usr/bin/env bash
# glmm-demo build script.
#
#   ./build.sh serve   set up what is missing, build the wasm page, serve www/ on http://127.0.0.1:8000/
#   ./build.sh test    native tests, the wasm build, browser tests (Playwright + Debian chromium)
#   ./build.sh build   the wasm build alone (www/pkg)
#   ./build.sh single  the build, then dist/glmm-demo.html: one file with the wasm (base64), the JavaScript
#                      and the stylesheet inlined, for opening from disk or uploading to an LMS
#   ./build.sh setup   install what is missing (idempotent)
#
# Environment: PORT (serve, default 8000), WASM_PROFILE (cargo profile of the wasm build, default
# release-wasm), SKIP_WASM_OPT=1, SKIP_NATIVE_TESTS=1, SKIP_WASM_BINDGEN_TEST=1, UPDATE_SCREENSHOT=1
# (test: rewrite docs/screenshot.png).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
CRATE=glmm_demo
TARGET=wasm32-unknown-unknown
PROFILE=${WASM_PROFILE:-release-wasm}
PKG=www/pkg

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = 0 ]; }

# The exact wasm-bindgen version Cargo.lock resolved (the CLI must match it byte for byte).
lock_version() {
    awk -v name="$1" '
        $0 == "name = \"" name "\"" { hit = 1; next }
        hit && /^version = / { gsub(/version = |"/, ""); print; exit }
        /^\[\[package\]\]/ { hit = 0 }' Cargo.lock
}

APT_UPDATED=0
apt_install() {
    if is_root && have apt-get; then
        if [ "$APT_UPDATED" = 0 ]; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            APT_UPDATED=1
        fi
        say "apt-get install $*"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        warn "please install: sudo apt-get install $*"
        return 1
    fi
}

dpkg_has() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

chromium_bin() {
    local c
    for c in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
        [ -n "$c" ] && have "$c" && { command -v "$c"; return 0; }
    done
    return 1
}

setup() {
    have cargo || die "Rust is needed: https://rustup.rs (then re-run ./build.sh)"

    # 1. The wasm target.
    if have rustup; then
        if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
            say "rustup target add $TARGET"
            rustup target add "$TARGET"
        fi
    fi

    # 2. wasm-bindgen-cli at exactly Cargo.lock's version (not --locked: it fails against this registry).
    local want have_v
    want=$(lock_version wasm-bindgen)
    [ -n "$want" ] || die "wasm-bindgen is not in Cargo.lock"
    have_v=$( (wasm-bindgen --version 2>/dev/null || true) | awk '{print $2}')
    if [ "$have_v" != "$want" ]; then
        say "cargo install wasm-bindgen-cli --version $want (about 2 minutes; was: ${have_v:-none})"
        cargo install wasm-bindgen-cli --version "$want" --force
    fi

    # 3. System packages: node + npm, python3 (static server), chromium + chromedriver and a font for tests.
    local missing=()
    have node || missing+=(nodejs)
    have npm || missing+=(npm)
    have python3 || missing+=(python3)
    chromium_bin >/dev/null || missing+=(chromium)
    have chromedriver || missing+=(chromium-driver)
    if have dpkg-query && ! dpkg_has fonts-dejavu-core; then missing+=(fonts-dejavu-core); fi
    if [ ${#missing[@]} -gt 0 ]; then
        apt_install "${missing[@]}" || true
    fi
    have node || die "node is needed (apt-get install nodejs npm)"

    # 4. npm packages (playwright-core without a browser download; binaryen's wasm-opt) when stale.
    local stamp=node_modules/.glmm-demo-lock
    local sum
    sum=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
        say "npm ci"
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
        echo "$sum" >"$stamp"
    fi
}

# Instantiate the generated module in node and call version(): catches a wasm that no longer links.
check_pkg() {
    node --input-type=module -e "
        import { readFileSync } from 'node:fs';
        const m = await import('$ROOT/$PKG/$CRATE.js');
        m.initSync({ module: readFileSync('$ROOT/$PKG/${CRATE}_bg.wasm') });
        const d = new m.Demo();
        if (typeof m.version() !== 'string') throw new Error('version() is not a string');
        d.free();
    " >/dev/null 2>&1
}

build() {
    local t0=$SECONDS
    say "cargo build --profile $PROFILE --target $TARGET --lib"
    cargo build --profile "$PROFILE" --target "$TARGET" --lib
    local dir=$PROFILE
    [ "$PROFILE" = dev ] && dir=debug
    local wasm="${CARGO_TARGET_DIR:-target}/$TARGET/$dir/$CRATE.wasm"

    say "wasm-bindgen --target web --out-dir $PKG"
    rm -rf "$PKG"
    wasm-bindgen --target web --no-typescript --out-dir "$PKG" "$wasm"
    local out="$PKG/${CRATE}_bg.wasm"
    local raw_bindgen
    raw_bindgen=$(stat -c %s "$out")

    # Only npm's binaryen: Debian's wasm-opt 108 silently breaks wasm-bindgen output.
    local opt=node_modules/.bin/wasm-opt
    if [ "${SKIP_WASM_OPT:-0}" != 1 ] && [ -x "$opt" ]; then
        say "wasm-opt -O3 (npm binaryen $("$opt" --version | awk '{print $3}'))"
        cp "$out" "$out.orig"
        if "$opt" -O3 --strip-debug --strip-producers \
            --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-mutable-globals --enable-reference-types --enable-multivalue \
            "$out.orig" -o "$out" && check_pkg; then
            rm -f "$out.orig"
        else
            warn "the wasm-opt output does not load; keeping wasm-bindgen's output"
            mv -f "$out.orig" "$out"
        fi
    else
        warn "wasm-opt skipped (run ./build.sh setup for npm's binaryen)"
    fi
    check_pkg || die "$PKG does not load in node (see: node -e \"import('./$PKG/$CRATE.js')\")"

    # The example data sets of "Your data" (src/own_data/examples.rs), served beside the page, fetched only
    # when chosen.
    mkdir -p www/data
    cp tests/data/cbpp.csv tests/data/VerbAgg.csv www/data/

    local raw gz
    raw=$(stat -c %s "$out")
    gz=$(gzip -9c "$out" | wc -c)
    printf 'wasm: %s bytes raw (%s before wasm-opt), %s bytes gzipped (%d KB) — %s in %ds\n' \
        "$raw" "$raw_bindgen" "$gz" "$((gz / 1024))" "$out" "$((SECONDS - t0))" >&2
}

# One HTML file: the page's ES modules bundled into one inline module script (each module wrapped in a
# function; the wasm-bindgen glue as a factory, so that every instance and the worker get a fresh copy),
# the wasm as base64, the worker as a classic-script source string (started from a blob: URL), the
# stylesheet inline.
single() {
    local out=dist/glmm-demo.html
    mkdir -p dist
    say "bundling www/ into $out"
    node --input-type=module - "$out" <<'JS'
import { readFileSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
const out = process.argv[2];
const read = (f) => readFileSync(`www/${f}`, 'utf8');
const GLUE = 'pkg/glmm_demo.js';

/** A module's source with its imports turned into lookups and its exports into a returned object. */
function transform(file) {
  let src = read(file);
  const deps = [];
  const head = [];
  src = src.replace(/^import\s+([\s\S]*?)\s+from\s+'([^']+)';[ \t]*$/gm, (m, clause, from) => {
    const key = posix.normalize(posix.join(posix.dirname(file), from));
    deps.push(key);
    const lookup = key === GLUE ? '__glue()' : `__m[${JSON.stringify(key)}]`;
    const tmp = `__i${head.length}`;
    head.push(`const ${tmp} = ${lookup};`);
    const named = clause.match(/\{([\s\S]*)\}/);
    const def = clause.replace(/\{[\s\S]*\}/, '').replace(/,\s*$/, '').trim();
    if (def) head.push(`const ${def} = ${tmp}.default;`);
    if (named) {
      const parts = named[1].split(',').map((x) => x.trim()).filter(Boolean)
        .map((x) => x.replace(/^(\w+)\s+as\s+(\w+)$/, '$1: $2'));
      head.push(`const { ${parts.join(', ')} } = ${tmp};`);
    }
    return '';
  });
  const names = [];
  src = src.replace(/^export\s+((?:async\s+)?function\*?|class|const|let|var)\s+(\w+)/gm, (m, kind, name) => {
    names.push(`${name}: ${name}`);
    return `${kind} ${name}`;
  });
  src = src.replace(/^export\s*\{([^}]*)\};?[ \t]*$/gm, (m, list) => {
    for (const x of list.split(',').map((y) => y.trim()).filter(Boolean)) {
      const [a, b] = x.split(/\s+as\s+/);
      names.push(`${b || a}: ${a}`);
    }
    return '';
  });
  if (/^\s*(import|export)\s/m.test(src)) throw new Error(`${file}: an import or export the bundler does not understand`);
  return { deps, body: `${head.join('\n')}\n${src}\nreturn { ${names.join(', ')} };` };
}

/** Modules reachable from `entry`, dependencies first. */
function order(entry) {
  const seen = new Set();
  const list = [];
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    if (f === GLUE) return;
    const t = transform(f);
    t.deps.forEach(visit);
    list.push([f, t]);
  };
  visit(entry);
  return list;
}

function bundle(entry, prelude = '') {
  const mods = order(entry);
  const glue = transform(GLUE);
  return [
    '"use strict";',
    `const __glue = () => {\n${glue.body}\n};`,
    'const __m = {};',
    prelude,
    ...mods.map(([f, t]) => `// ---- ${f}\n__m[${JSON.stringify(f)}] = (() => {\n${t.body}\n})();`),
  ].join('\n');
}

const wasm = readFileSync('www/pkg/glmm_demo_bg.wasm').toString('base64');
// A classic worker (module workers from blob: URLs fail on file:// pages): no import.meta there.
const worker = bundle('worker.js').replace(/import\.meta\.url/g, 'self.location.href');
const prelude = `globalThis.__glmmDemoInline = { wasm: ${JSON.stringify(wasm)}, glue: __glue, worker: ${JSON.stringify(worker)} };`;
const app = bundle('app.js', prelude).replace(/<\/(script)/gi, '<\\/$1');
const css = read('style.css').replace(/<\/(style)/gi, '<\\/$1');
const icon = `data:image/svg+xml;base64,${Buffer.from(read('favicon.svg')).toString('base64')}`;
let html = read('index.html');
const swap = (from, to) => {
  if (!html.includes(from)) throw new Error(`index.html no longer contains ${from}`);
  html = html.replace(from, () => to);
};
swap('<link rel="stylesheet" href="style.css">', `<style>\n${css}\n</style>`);
swap('<script type="module" src="app.js"></script>', '');
swap('<link rel="icon" href="favicon.svg" type="image/svg+xml">', `<link rel="icon" href="${icon}" type="image/svg+xml">`);
swap('</body>', `<script type="module">\n${app}\n</script>\n</body>`);
// Preload hints point at files the one-file page does not have.
html = html.replace(/^\s*<!-- preload:[^\n]*-->\n[^\n]*rel="(module)?preload"[^\n]*\n/m, () => '');
if (/rel="(module)?preload"/.test(html)) throw new Error('index.html: preload hints the bundler did not remove');
writeFileSync(out, html);
JS
    local raw gz
    raw=$(stat -c %s "$out")
    gz=$(gzip -9c "$out" | wc -c)
    printf 'single file: %s — %s bytes (%d KB), %s bytes gzipped (%d KB)\n' \
        "$out" "$raw" "$((raw / 1024))" "$gz" "$((gz / 1024))" >&2
}

browser_tests() {
    # helpers.mjs serves www/ itself on a free 127.0.0.1 port, with the strict Content-Security-Policy.
    say "node --test tests/browser/ (www/ under the strict CSP, and dist/glmm-demo.html from file://)"
    local chromium
    chromium=$(chromium_bin) || die "chromium is needed for the browser tests (apt-get install chromium)"
    GLMM_SINGLE_FILE="$ROOT/dist/glmm-demo.html" CHROMIUM="$chromium" \
        node --test tests/browser/*.test.mjs
}

wasm_bindgen_tests() {
    [ "${SKIP_WASM_BINDGEN_TEST:-0}" = 1 ] && { warn "wasm-bindgen-test skipped"; return 0; }
    [ -f tests/web.rs ] || return 0
    local driver
    driver=$(command -v chromedriver || true)
    if [ -n "$driver" ]; then
        say "wasm-bindgen-test: tests/web.rs in headless chromium"
        CHROMEDRIVER="$driver" WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120} \
            cargo test --profile "$PROFILE" --target "$TARGET" --test web
    else
        say "wasm-bindgen-test: tests/web.rs in node (no chromedriver)"
        WASM_BINDGEN_USE_NODE_EXPERIMENTAL=1 \
            cargo test --profile "$PROFILE" --target "$TARGET" --test web
    fi
}

# Clippy over the core, natively and for wasm (bindings.rs compiles only there): the crate denies unwrap,
# expect and panic outside tests, so a panic path user input could reach fails the build here.
lint() {
    if ! cargo clippy --version >/dev/null 2>&1; then
        if have rustup; then
            say "rustup component add clippy"
            rustup component add clippy || { warn "clippy unavailable: lint skipped"; return 0; }
        else
            warn "clippy unavailable: lint skipped"
            return 0
        fi
    fi
    say "cargo clippy (native lib + CLI, and the wasm lib)"
    cargo clippy --lib --bins
    cargo clippy --profile "$PROFILE" --target "$TARGET" --lib
}

timed() {
    local name=$1 t0=$SECONDS
    shift
    "$@"
    TIMINGS+=("$(printf '%-22s %4ds' "$name" "$((SECONDS - t0))")")
}

cmd=${1:-help}
case "$cmd" in
    setup)
        setup
        ;;
    build)
        setup
        build
        ;;
    single)
        setup
        build
        single
        ;;
    serve)
        setup
        build
        port=${PORT:-8000}
        say "serving www/ — open http://127.0.0.1:$port/"
        echo "http://127.0.0.1:$port/"
        exec python3 -m http.server "$port" --bind 127.0.0.1 --directory www
        ;;
    test)
        TIMINGS=()
        T0=$SECONDS
        timed setup setup
        timed clippy lint
        if [ "${SKIP_NATIVE_TESTS:-0}" = 1 ]; then
            warn "native tests skipped"
        else
            say "cargo test (native)"
            timed "cargo test (native)" cargo test
        fi
        timed "wasm build" build
        timed "single file" single
        timed "browser tests" browser_tests
        timed "wasm-bindgen-test" wasm_bindgen_tests
        say "all tests passed in $((SECONDS - T0))s"
        printf '  %s\n' "${TIMINGS[@]}" >&2
        ;;
    help | -h | --help)
        sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
        ;;
    *)
        die "unknown command '$cmd' (setup | build | single | serve | test)"
        ;;
esac
