// A tiny static server for the browser tests: serves www/ on 127.0.0.1 (a free port) with the strict
// Content-Security-Policy the page must work under, plus test pages under /__test/ (an iframe host page
// and a page with two custom elements), which carry the same header.
//
//   node tests/browser/server.mjs [port]   serves until killed (prints the URL)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const WWW = join(here, '..', '..', 'www');
/** The sample course page (docs/course-page/), served at /__test/course/ beside www/. */
export const COURSE = join(here, '..', '..', 'docs', 'course-page');

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Test pages: only 'self' scripts, so their own script is served as a file too. */
export const TEST_PAGES = {
  '/__test/iframe.html': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>iframe host</title><link rel="icon" href="/favicon.svg">
<script type="module" src="/__test/iframe-host.js"></script></head>
<body><h1>A course page</h1>
<iframe id="frame" title="glmm-demo" width="700" height="300"></iframe></body></html>`,
  '/__test/iframe-host.js': `window.heights = [];
window.addEventListener('message', (e) => {
  if (e.data && e.data.type === 'glmm-demo:height') {
    window.heights.push(e.data.height);
    document.getElementById('frame').height = String(e.data.height);
  }
});
const frame = document.getElementById('frame');
frame.src = '/index.html' + (location.hash ? location.hash.replace(/^#/, '?') : '?embed=1&panels=2,3,table');
`,
  '/__test/column.html': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>a column of given width</title><link rel="icon" href="/favicon.svg">
<script type="module" src="/glmm-demo-element.js"></script></head>
<body><main><h1>Course notes</h1><div id="col"></div></main></body></html>`,
  '/__test/elements.html': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>two elements</title><link rel="icon" href="/favicon.svg">
<script type="module" src="/glmm-demo-element.js"></script></head>
<body><main><h1>Course notes</h1><p>The answer's example:</p>
<glmm-demo id="a" preset="answer" seed="1" panels="2,3,table"></glmm-demo>
<p>The question's example with three groups:</p>
<glmm-demo id="b" preset="question" groups="3" nagq="25" panels="1"></glmm-demo></main></body></html>`,
};

export function startServer({ port = 0, csp = CSP, root = WWW } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const headers = { 'Cache-Control': 'no-store' };
    if (csp) headers['Content-Security-Policy'] = csp;
    const page = TEST_PAGES[url.pathname];
    if (page !== undefined) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(url.pathname)] });
      res.end(page);
      return;
    }
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    const base = path.startsWith('/__test/course/') ? COURSE : root;
    if (base === COURSE) path = path.slice('/__test/course'.length);
    const file = normalize(join(base, path));
    if (!file.startsWith(base)) {
      res.writeHead(403, headers);
      res.end('forbidden');
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({ url: `http://127.0.0.1:${p}/`, close: () => new Promise((r) => server.close(r)), server });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startServer({ port: Number(process.argv[2] || 0) });
  console.log(url);
}
