// How ticketd serves the console (api/app.c, docs/CONSOLE.md), checked on the wire with
// node:http (no automatic decompression): index.html for /app and its client routes, hashed
// assets cached for good, gzip when asked for, ETags and 304, HEAD, the CSP; and the build's
// size budget (scripts/build-console.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { REPO_ROOT, startServer } from '../api/lib/harness.mjs';

let server;
before(async () => {
  server = await startServer({ args: ['--rate-ip', '2/60'] });
});
after(() => server?.stop());

// One request; resolves to {status, headers, body: Buffer} as sent (no decompression).
function get(p, headers = {}, method = 'GET') {
  const u = new URL(server.base + p);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const HASHED = /^\/app\/assets\/[a-z0-9-]+-[0-9a-f]{12}\.(js|css|svg)$/;
const TYPES = { js: /^text\/javascript; charset=utf-8$/, css: /^text\/css; charset=utf-8$/, svg: /^image\/svg\+xml$/ };

// Every file the page loads: index.html's links, and each module's imports.
async function assetUrls() {
  const html = (await get('/app')).body.toString();
  const urls = new Set([...html.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1]));
  for (const u of [...urls].filter((x) => x.endsWith('.js'))) {
    const src = (await get(u)).body.toString();
    for (const m of src.matchAll(/from\s*["']([^"']+)["']/g)) urls.add(m[1]);
  }
  return [...urls].sort();
}

test('/app, /app/ and client routes answer index.html: no-cache, a strong ETag, the CSP', async () => {
  const first = await get('/app');
  assert.equal(first.status, 200);
  assert.match(first.headers['content-type'], /^text\/html; charset=utf-8$/);
  assert.match(first.body.toString(), /<script type="module" src="\/app\/assets\/main-[0-9a-f]{12}\.js"><\/script>/);
  assert.equal(first.headers['cache-control'], 'no-cache');
  assert.match(first.headers.etag, /^"[0-9a-f]{32}"$/, 'a strong ETag');
  assert.equal(first.headers['x-content-type-options'], 'nosniff');
  const csp = first.headers['content-security-policy'];
  for (const d of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data: blob:",
    "style-src 'self'", "frame-ancestors 'none'"]) {
    assert.ok(csp.split('; ').includes(d), `CSP has ${d}: ${csp}`);
  }
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  for (const p of ['/app/', '/app/tickets/x', '/app/admin/teammates/1/edit', '/app/inbox?view=mine']) {
    const r = await get(p);
    assert.equal(r.status, 200, p);
    assert.equal(r.headers.etag, first.headers.etag, `${p}: the same page`);
    assert.ok(r.body.equals(first.body), p);
    assert.ok(r.headers['content-security-policy'], p);
  }
  // Deeper than the router's four segments, and files that do not exist: 404, never the page.
  for (const p of ['/app/a/b/c/d/e', '/app/assets/main-000000000000.js', '/app/assets/x/y']) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.match(r.headers['content-type'], /^application\/json/, p);
  }
  assert.equal((await get('/app', {}, 'POST')).status, 405);
  assert.equal((await get('/application')).status, 404, 'only /app and /app/… are the console');
});

test('hashed assets: immutable caching, their type, nosniff, gzip when the request takes it', async () => {
  const urls = await assetUrls();
  assert.ok(urls.length >= 5, `the page loads its modules, styles and icon: ${urls}`);
  for (const u of urls) {
    assert.match(u, HASHED);
    const ext = u.split('.').pop();
    const plain = await get(u);
    assert.equal(plain.status, 200, u);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable', u);
    assert.match(plain.headers['content-type'], TYPES[ext], u);
    assert.equal(plain.headers['x-content-type-options'], 'nosniff', u);
    assert.equal(plain.headers.vary, 'Accept-Encoding', u);
    assert.equal(plain.headers['content-encoding'], undefined, `${u}: no Accept-Encoding, no coding`);
    assert.match(plain.headers.etag, /^"[0-9a-f]{32}"$/, u);
    // The name is the content's: the bytes hash to it.
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(plain.body).digest('hex').slice(0, 12);
    assert.ok(u.includes(`-${digest}.`), `${u} is named after its bytes (${digest})`);
    if (ext === 'svg') continue; // too small to gain from gzip on some builds
    const gz = await get(u, { 'accept-encoding': 'br, gzip;q=0.8, deflate' });
    assert.equal(gz.headers['content-encoding'], 'gzip', u);
    assert.equal(gz.headers.vary, 'Accept-Encoding', u);
    assert.ok(gz.body.length < plain.body.length, `${u}: gzip is smaller`);
    assert.ok(zlib.gunzipSync(gz.body).equals(plain.body), `${u}: the .gz holds the same bytes`);
    assert.notEqual(gz.headers.etag, plain.headers.etag, `${u}: each representation has its own ETag`);
    for (const ae of ['gzip;q=0', 'identity', 'br', '*;q=0', 'gzip;q=0, *']) {
      const r = await get(u, { 'accept-encoding': ae });
      assert.equal(r.headers['content-encoding'], undefined, `${u} with Accept-Encoding: ${ae}`);
    }
    for (const ae of ['GZIP', '*', 'x-gzip', 'deflate, gzip ; q=0.001']) {
      const r = await get(u, { 'accept-encoding': ae });
      assert.equal(r.headers['content-encoding'], 'gzip', `${u} with Accept-Encoding: ${ae}`);
    }
  }
  // A .gz is chosen by Accept-Encoding, never asked for by name.
  const js = urls.find((u) => u.endsWith('.js'));
  assert.equal((await get(`${js}.gz`)).status, 404);
});

test('If-None-Match answers 304 with no body; HEAD answers the headers alone', async () => {
  const js = (await assetUrls()).find((u) => u.endsWith('.js'));
  for (const [p, ae] of [[js, undefined], [js, 'gzip'], ['/app', undefined], ['/app/tickets/x', 'gzip']]) {
    const h = ae ? { 'accept-encoding': ae } : {};
    const r = await get(p, h);
    const again = await get(p, { ...h, 'if-none-match': r.headers.etag });
    assert.equal(again.status, 304, `${p} ${ae}`);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, r.headers.etag);
    assert.equal(again.headers['cache-control'], r.headers['cache-control']);
    const weak = await get(p, { ...h, 'if-none-match': `"other", W/${r.headers.etag}` });
    assert.equal(weak.status, 304, `${p}: a list, a weak form`);
    const stale = await get(p, { ...h, 'if-none-match': '"0123456789abcdef0123456789abcdef"' });
    assert.equal(stale.status, 200, `${p}: another ETag gets the file`);
    assert.ok(stale.body.equals(r.body));
    const head = await get(p, h, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers.etag, r.headers.etag);
    assert.equal(Number(head.headers['content-length']), r.body.length, `${p}: HEAD says the length`);
  }
  // The gzip twin's ETag does not validate the plain file.
  const gz = await get(js, { 'accept-encoding': 'gzip' });
  assert.equal((await get(js, { 'if-none-match': gz.headers.etag })).status, 200);
});

test('the console is never rate-limited (serve --rate-ip 2/60 here)', async () => {
  const js = (await assetUrls()).find((u) => u.endsWith('.js'));
  for (let i = 0; i < 6; i++) {
    assert.equal((await get('/app')).status, 200, `GET /app #${i + 1}`);
    assert.equal((await get(js)).status, 200, `GET ${js} #${i + 1}`);
  }
});

test('the budget: the JavaScript and CSS the page loads, compressed, stay under 120 KB', async () => {
  let total = 0;
  for (const u of await assetUrls()) {
    if (!/\.(js|css)$/.test(u)) continue;
    total += (await get(u, { 'accept-encoding': 'gzip' })).body.length;
  }
  assert.ok(total > 5000, `the page loads Preact and the console (${total} bytes)`);
  assert.ok(total <= 120000, `${total} bytes of compressed JavaScript and CSS`);
});

test('the build fails over its budget and leaves no file list behind', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-console-'));
  try {
    const script = path.join(REPO_ROOT, 'scripts', 'build-console.mjs');
    const opts = { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
    const ok = execFileSync('node', [script, 'console', out], opts);
    const m = ok.match(/JavaScript \+ CSS, compressed: (\d+) bytes of a 120000-byte budget/);
    assert.ok(m, ok);
    assert.ok(fs.existsSync(path.join(out, 'files.txt')));
    const listed = fs.readFileSync(path.join(out, 'files.txt'), 'utf8').trim().split('\n');
    assert.ok(listed.includes(path.join(out, 'index.html')) && listed.length > 10, listed.join(' '));
    const budget = Number(m[1]) - 1;
    let failed;
    try {
      execFileSync('node', [script, 'console', out], { ...opts, env: { ...process.env, CONSOLE_BUDGET_BYTES: String(budget) } });
    } catch (e) {
      failed = e;
    }
    assert.ok(failed, `a ${budget}-byte budget must fail the build`);
    assert.match(failed.stderr, new RegExp(`over budget: ${budget + 1} > ${budget} bytes`));
    assert.equal(fs.existsSync(path.join(out, 'files.txt')), false, 'no files.txt: make does not take it as built');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
