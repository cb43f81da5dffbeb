// Shared set-up for the browser tests: Debian's chromium through playwright-core (no browser download),
// www/ served on a free 127.0.0.1 port by server.mjs with the strict Content-Security-Policy
// (`default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`), and a record of
// everything that went wrong: console errors, page errors, failed requests, every request URL and every
// CSP violation (securitypolicyviolation events).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

/** The base URL of the static server (started by launch()). */
export let BASE_URL = process.env.GLMM_BASE_URL || '';
let server = null;

/** Debian's chromium (or $CHROMIUM): never a downloaded browser. Shared with bench/browser.mjs. */
export function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch { /* next */ }
  }
  return '/usr/bin/chromium';
}

export async function launch() {
  if (!BASE_URL) {
    server = await startServer();
    server.server.unref();
    BASE_URL = server.url;
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  browser.on('disconnected', () => { server?.close(); server = null; });
  return browser;
}

/** Records CSP violations of every frame of `page` into `list`. */
export async function watchViolations(page, list) {
  await page.exposeFunction('__cspViolation', (v) => list.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}

/**
 * Opens the page and records console errors, page errors, failed requests and every request URL.
 * Resolves once glmmDemo.ready has settled (a page error fails fast instead of timing out).
 */
export async function openPage(browser, {
  url = BASE_URL, path = '', viewport = { width: 1440, height: 1000 }, deviceScaleFactor = 1, wait = true, contextOptions = {},
} = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor, acceptDownloads: true, ...contextOptions });
  const page = await context.newPage();
  const log = { consoleErrors: [], pageErrors: [], requests: [], failed: [], violations: [] };
  await watchViolations(page, log.violations);
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err)));
  page.on('request', (req) => log.requests.push(req.url()));
  page.on('requestfailed', (req) => log.failed.push(`${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) log.failed.push(`${res.url()} HTTP ${res.status()}`);
  });
  await page.goto(url + path, { waitUntil: 'load' });
  if (!wait) return { page, context, log };
  const pageError = new Promise((_, reject) => page.once('pageerror', (e) => reject(new Error(`page error: ${e}`))));
  pageError.catch(() => {});
  await Promise.race([
    page.waitForFunction(() => window.glmmDemo && window.glmmDemo.results() !== null, null, { timeout: 60_000 }),
    pageError,
  ]);
  return { page, context, log };
}

/** A hash of a canvas's pixels (its backing store). */
export async function canvasHash(page, figure) {
  return page.evaluate(async (n) => {
    const c = document.querySelector(`figure[data-figure="${n}"] canvas`);
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const digest = await crypto.subtle.digest('SHA-256', data);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, figure);
}

/** How many distinct colours a canvas shows (a blank or one-colour canvas has 1). */
export async function canvasColours(page, figure) {
  return page.evaluate((n) => {
    const c = document.querySelector(`figure[data-figure="${n}"] canvas`);
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  }, figure);
}

/** Number cells of the results table: {model: {key: number}}, parsed from the text shown. */
export async function tableNumbers(page) {
  return page.evaluate(() => {
    const out = {};
    for (const td of document.querySelectorAll('#results-table td[data-model][data-key]')) {
      const t = td.textContent.trim().replace(/\u2212/g, '-');
      out[td.dataset.model] ??= {};
      out[td.dataset.model][td.dataset.key] = t === '—' ? null : Number(t);
    }
    return out;
  });
}

export function onlyLocal(urls) {
  return urls.filter((u) => {
    const { protocol, hostname } = new URL(u);
    if (protocol === 'data:' || protocol === 'blob:') return false;
    return hostname !== '127.0.0.1';
  });
}

/** Everything that must be empty after a clean run. */
export function problems(log) {
  return {
    pageErrors: log.pageErrors,
    consoleErrors: log.consoleErrors,
    failed: log.failed,
    offHost: onlyLocal(log.requests),
    violations: log.violations,
  };
}

export const CLEAN = { pageErrors: [], consoleErrors: [], failed: [], offHost: [], violations: [] };

const AXE_SOURCE = readFileSync(fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url)), 'utf8');

/**
 * Runs axe-core (WCAG 2 A and AA rules) on `page` (or a frame) and returns its violations as
 * [{id, impact, nodes: [selector…]}]. axe is evaluated as a script by the devtools protocol, which the
 * page's Content-Security-Policy does not block; `context` narrows the check (an element's selector).
 */
export async function axeViolations(page, context = null) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (ctx) => {
    const r = await window.axe.run(ctx || document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, context);
}
