// The browser tests' harness (docs/CONSOLE.md): Debian's Chromium driven by playwright-core
// against a real ticketd (tests/api/lib/harness.mjs startServer). Each test gets a fresh
// browser context and page, with what the page logged and requested kept in `seen`; a failing
// test saves a screenshot under build/browser-failures/ and says where.
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { REPO_ROOT, startServer } from '../../api/lib/harness.mjs';

export const CHROMIUM = process.env.TICKETD_CHROMIUM || '/usr/bin/chromium';
export const FAILURES = path.join(REPO_ROOT, 'build', 'browser-failures');

// One ticketd and one Chromium for the file's tests: env.server, env.browser once `before` ran.
export function setup(serverOpts = {}) {
  const env = {};
  before(async () => {
    env.server = await startServer(serverOpts);
    env.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Chromium's sandbox refuses to start as root (CI runs as root).
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

// What a page did: console errors, uncaught exceptions, requests that got no answer, answers
// of 400 and more, and CSP violations (reported by the page itself).
function watch(page) {
  const seen = { consoleErrors: [], pageErrors: [], failedRequests: [], badResponses: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') seen.consoleErrors.push({ text: m.text(), url: m.location()?.url || '' });
  });
  page.on('pageerror', (e) => seen.pageErrors.push(String(e)));
  page.on('requestfailed', (r) => seen.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) seen.badResponses.push({ method: r.request().method(), url: r.url(), status: r.status() });
  });
  return seen;
}

// Injected before any of the page's own scripts (through DevTools, so the page's CSP does not
// apply to it): records every CSP violation the page reports.
function recordCsp() {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__csp.push(`${e.effectiveDirective} ${e.blockedURI || ''}`.trim()),
  );
}

const slug = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

// test(name) with a fresh context and page: fn({page, context, seen, t}). contextOptions (or a
// function answering them when the test runs) go to browser.newContext (e.g. extraHTTPHeaders).
export function browserTest(env, name, fn, { contextOptions = {} } = {}) {
  test(name, async (t) => {
    const context = await env.browser.newContext(
      typeof contextOptions === 'function' ? contextOptions() : contextOptions,
    );
    await context.addInitScript(recordCsp);
    const page = await context.newPage();
    const seen = watch(page);
    try {
      await fn({ page, context, seen, t });
    } catch (e) {
      fs.mkdirSync(FAILURES, { recursive: true });
      const file = path.join(FAILURES, `${slug(name)}.png`);
      let note;
      try {
        await page.screenshot({ path: file, fullPage: true });
        note = `screenshot of the page: ${path.relative(REPO_ROOT, file)}`;
      } catch (shotErr) {
        note = `no screenshot: ${shotErr.message}`;
      }
      // The reporter prints the stack, which holds the message as it was made.
      if (e && typeof e === 'object') {
        e.message = `${e.message}\n(${note})`;
        if (typeof e.stack === 'string') e.stack = `${e.stack}\n(${note})`;
      }
      throw e;
    } finally {
      await context.close();
    }
  });
}

// Fails on any axe-core violation of serious or critical impact on the page as it is now.
export async function assertAccessible(page, what) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lines = bad.map(
    (v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  assert.equal(bad.length, 0, `${what}: accessibility violations (axe-core):\n${lines.join('\n')}`);
  return results;
}

// The CSP violations the page reported so far.
export const cspViolations = (page) => page.evaluate(() => window.__csp);

// The hashed URL of the console's module whose source is console/<name>.js (e.g. 'lib/api'),
// read from index.html's modulepreload links.
export async function moduleUrl(base, name) {
  const html = await (await fetch(`${base}/app`)).text();
  const want = name.replaceAll('/', '-');
  const m = html.match(new RegExp(`href="(/app/assets/${want}-[0-9a-f]{12}\\.js)"`));
  assert.ok(m, `index.html preloads no module ${name}: ${html}`);
  return m[1];
}
