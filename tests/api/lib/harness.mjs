// Black-box harness for the ticketd HTTP API tests.
// Each test file starts its own server (own temp data dir, own port), so files run in parallel.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { checkDialectAnswer } from './openapi.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = path.resolve(REPO_ROOT, process.env.TICKETD_BIN || 'build/ticketd');

const STARTUP_GIVE_UP_MS = 60000; // only a give-up bound for a server that never comes up

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// PostgreSQL runs (scripts/test-pg.sh): TICKETD_TEST_PG=1 inside a throwaway cluster (PGHOST,
// PGPORT, PGUSER set by pg_virtualenv). Every data directory then gets a database of its own,
// created on first use and passed as --db to every command; the directory still holds files.
export const PG = !!process.env.TICKETD_TEST_PG;
export const NODES = PG ? Number(process.env.TICKETD_TEST_NODES || 1) : 1;
const pgUrls = new Map();
const sqliteDirs = new Set(); // stores kept on SQLite in a PostgreSQL run (`ticketd copy` tests)
export function dbArgs(dataDir) {
  if (!PG || sqliteDirs.has(dataDir)) return [];
  let url = pgUrls.get(dataDir);
  if (!url) {
    const name = `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    // C.UTF-8: text sorts by code point, as SQLite's BINARY collation does.
    execFileSync('createdb', ['-T', 'template0', '-E', 'UTF8', '--locale=C.UTF-8', name]);
    url = `postgresql:///${name}`;
    pgUrls.set(dataDir, url);
  }
  return ['--db', url];
}

// From now on dataDir's store is PostgreSQL (a new database): answers its URL.
export function pgUrlFor(dataDir) {
  sqliteDirs.delete(dataDir);
  return dbArgs(dataDir)[1];
}

// One SQL statement against the store of dataDir (sqlite3 or psql, both print rows as a|b|c);
// returns the trimmed output. The sqlite3 CLI waits for a lock like the server's connections
// do (without a timeout it failed with "database is locked" once, in a loaded full run).
export function sql(dataDir, query) {
  const url = dbArgs(dataDir)[1];
  const out = url
    ? execFileSync('psql', ['-XAtq', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query])
    : execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 10000', path.join(dataDir, 'ticketd.db'), query]);
  return out.toString().trim();
}

// Runs the CLI; returns trimmed stdout. Throws (with stderr) on a non-zero exit.
export function runCli(args, dataDir) {
  try {
    return execFileSync(BIN, [...args, '--data', dataDir, ...dbArgs(dataDir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (e) {
    const err = new Error(
      `ticketd ${args.join(' ')} --data ${dataDir} failed (status ${e.status}, signal ${e.signal})\n` +
        `stdout: ${e.stdout}\nstderr: ${e.stderr}`,
    );
    err.status = e.status;
    err.stderr = String(e.stderr || '');
    throw err;
  }
}

// One HTTP request. opts: {key, auth: 'bearer'|'raw'|'none', headers, raw}
// key: overrides the default key; auth 'none' (or key === null) sends no Authorization.
// raw: body is sent as is (string / Buffer) instead of JSON.stringify(body).
export async function request(base, defaultKey, method, p, body, opts = {}) {
  const headers = {};
  const key = opts.key === undefined ? defaultKey : opts.key;
  const auth = opts.auth || 'bearer';
  if (key !== null && auth !== 'none') {
    headers['authorization'] = auth === 'raw' ? key : `Bearer ${key}`;
  }
  let payload;
  if (body !== undefined) {
    if (opts.raw) {
      payload = body;
    } else {
      payload = JSON.stringify(body);
    }
    headers['content-type'] = 'application/json';
  }
  Object.assign(headers, opts.headers || {});
  const res = await fetch(base + p, { method, headers, body: payload });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const r = { status: res.status, json, text, headers: res.headers };
  checkDialectAnswer(method, p, r); // a vendor dialect's answer against its OpenAPI document
  return r;
}

// A request with a Content-Length body on a raw socket, sent as curl sends a large one: the
// headers with `Expect: 100-continue`, the body only after `100 Continue`. A server refuses an
// over-limit Content-Length (413) from the headers and closes; node:http would fail that with
// EPIPE, and a body already on its way would be reset (behind haproxy: no answer at all). Write
// errors are ignored; the answer (status line, headers, a Content-Length body) is read here.
export async function socketHttp(base, method, p, opts = {}) {
  const r = await socketHttpUnchecked(base, method, p, opts);
  checkDialectAnswer(method, p, r);
  return r;
}
function socketHttpUnchecked(base, method, p, { headers = {}, body = '' } = {}) {
  const u = new URL(base + p);
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lines = [`${method} ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`];
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== 'content-length') lines.push(`${k}: ${v}`);
  lines.push(`Content-Length: ${payload.length}`, 'Expect: 100-continue', 'Connection: close', '', '');
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname);
    let chunks = [];
    let done = false;
    let sent = false; // the body, after 100 Continue
    const finish = (err) => {
      if (done) return;
      const buf = Buffer.concat(chunks);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (err !== undefined) {
          done = true;
          reject(err || new Error(`no answer: ${JSON.stringify(buf.toString('latin1'))}`));
        }
        return;
      }
      const [statusLine, ...hl] = buf.toString('latin1', 0, end).split('\r\n');
      const hdrs = {};
      for (const l of hl) {
        const i = l.indexOf(':');
        hdrs[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const want = hdrs['content-length'] === undefined ? null : Number(hdrs['content-length']);
      const rest = buf.subarray(end + 4);
      const over = err !== undefined; // the connection ended
      if (want === null ? !over : rest.length < want) {
        if (!over) return; // more to come
        done = true;
        reject(err || new Error(`answer cut short: ${JSON.stringify(buf.toString('latin1', 0, 300))}`));
        return;
      }
      done = true;
      sock.destroy();
      const text = rest.subarray(0, want ?? rest.length).toString('utf8');
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status: Number(statusLine.split(' ')[1]), text, json, headers: hdrs });
    };
    sock.on('data', (d) => {
      chunks.push(d);
      if (!sent) {
        const buf = Buffer.concat(chunks);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (/^HTTP\/1\.1 100 /.test(buf.toString('latin1', 0, 13))) {
          sent = true;
          chunks = [buf.subarray(end + 4)];
          sock.write(payload, () => {});
        }
      }
      finish();
    });
    sock.on('error', (e) => (e.code === 'EPIPE' ? null : finish(e))); // an EPIPE: the server stopped reading
    sock.on('close', () => finish(null));
    sock.write(lines.join('\r\n'));
  });
}

// Low-level request (for large bodies): resolves as soon as a response arrives, tolerating the
// server closing the connection before it read the whole body. A Content-Length body goes
// through socketHttp; a chunked one (a transfer-encoding header) through node:http.
export async function rawHttp(base, method, p, opts = {}) {
  const r = await rawHttpUnchecked(base, method, p, opts);
  checkDialectAnswer(method, p, r);
  return r;
}
function rawHttpUnchecked(base, method, p, { headers = {}, body } = {}) {
  const chunked = Object.keys(headers).some((k) => k.toLowerCase() === 'transfer-encoding');
  if (body !== undefined && !chunked) return socketHttpUnchecked(base, method, p, { headers, body });
  const u = new URL(base + p);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers },
      (res) => {
        answered = true;
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', () => {});
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, text, json, headers: res.headers });
        });
      },
    );
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

export async function waitHealthy(base, child, stderrRef) {
  const deadline = Date.now() + STARTUP_GIVE_UP_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `ticketd serve exited early (code ${child.exitCode}, signal ${child.signalCode})\nstderr:\n${stderrRef.text}`,
      );
    }
    try {
      const res = await fetch(base + '/healthz');
      await res.text();
      if (res.status === 200) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      throw new Error(`ticketd serve did not answer /healthz\nstderr:\n${stderrRef.text}`);
    }
    await sleep(50);
  }
}

export function spawnServe(dataDir, port, maxBody, extraArgs = []) {
  const args = ['serve', '--data', dataDir, ...dbArgs(dataDir), '--listen', `127.0.0.1:${port}`, '--quiet'];
  if (maxBody !== undefined) args.push('--max-body', String(maxBody));
  args.push(...extraArgs);
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrRef = { text: '' };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderrRef.text += d;
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    stderrRef.text += d;
  });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stderrRef, exited };
}

// haproxy in front of the nodes (two-node runs): HTTP mode, keep-alive, round-robin.
function spawnProxy(port, backends) {
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-haproxy-')), 'haproxy.cfg');
  fs.writeFileSync(cfg, [
    'global', '  maxconn 4096',
    'defaults', '  mode http', '  timeout connect 5s', '  timeout client 120s', '  timeout server 120s',
    '  option http-keep-alive',
    'frontend fe', `  bind 127.0.0.1:${port}`, '  default_backend nodes',
    'backend nodes', '  balance roundrobin',
    ...backends.map((p, i) => `  server n${i + 1} 127.0.0.1:${p}`), '',
  ].join('\n'));
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrRef = { text: '' };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderrRef.text += d;
  });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stderrRef, exited };
}

// startServer({maxBody, dataDir, key, args}): a fresh store unless dataDir is given (then it
// reuses that store and its key). args: extra `serve` arguments (e.g. ['--max-upload', '200000']).
export async function startServer(opts = {}) {
  if (!fs.existsSync(BIN)) {
    throw new Error(`ticketd binary not found at ${BIN} (set TICKETD_BIN)`);
  }
  let dataDir = opts.dataDir;
  let key = opts.key;
  if (!dataDir) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-api-'));
    if (opts.sqlite) sqliteDirs.add(dataDir);
    key = runCli(['init'], dataDir);
  }
  // One ticketd, or (TICKETD_TEST_NODES=2, PostgreSQL) two on the same database and data
  // directory behind an haproxy that spreads requests round-robin.
  const procs = [];
  const ports = [];
  const nodes = sqliteDirs.has(dataDir) ? 1 : NODES;
  const proxyPort = nodes > 1 ? await freePort() : 0;
  const args = [...(opts.args || [])];
  // Behind a load balancer the links a node writes (file URLs, join links) name the balancer.
  if (nodes > 1 && !args.includes('--public-url')) args.push('--public-url', `http://127.0.0.1:${proxyPort}`);
  for (let i = 0; i < nodes; i++) {
    const p = await freePort();
    const proc = spawnServe(dataDir, p, opts.maxBody, args);
    procs.push(proc);
    ports.push(p);
    try {
      await waitHealthy(`http://127.0.0.1:${p}`, proc.child, proc.stderrRef);
    } catch (e) {
      for (const q of procs) if (q.child.exitCode === null) q.child.kill('SIGKILL');
      throw e;
    }
  }
  let proxy = null;
  let port = ports[0];
  if (nodes > 1) {
    port = proxyPort;
    proxy = spawnProxy(port, ports);
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, proxy.child, proxy.stderrRef);
    } catch (e) {
      for (const q of [...procs, proxy]) if (q.child.exitCode === null) q.child.kill('SIGKILL');
      throw e;
    }
  }
  const base = `http://127.0.0.1:${port}`;
  let stopped = false;

  const server = {
    base,
    key,
    dataDir,
    port,
    nodes: ports.length,
    nodePorts: ports, // each node's own port (behind the proxy when there are two)
    pids: procs.map((q) => q.child.pid),
    get stderr() {
      return procs.map((q) => q.stderrRef.text).join('');
    },
    cli: (args) => runCli(args, dataDir),
    api: (method, p, body, o) => request(base, key, method, p, body, o),
    rawHttp: (method, p, o) => rawHttp(base, method, p, o),
    newWorkspaceKey(name) {
      const wsName = name || `ws-${randomUUID().slice(0, 8)}`;
      const id = runCli(['workspace', 'create', wsName], dataDir);
      const k = runCli(['key', 'create', '--workspace', wsName], dataDir);
      return { id, key: k, name: wsName };
    },
    // Graceful stop: SIGTERM, await exit, assert exit code 0 (prints stderr otherwise:
    // this is where ASan/LSan reports surface).
    async stop({ keepData = false } = {}) {
      if (stopped) return;
      stopped = true;
      for (const q of procs)
        if (q.child.exitCode === null && q.child.signalCode === null) q.child.kill('SIGTERM');
      for (const q of procs) {
        const { code, signal } = await q.exited;
        const err = q.stderrRef.text;
        if (code !== 0 || signal !== null) {
          process.stderr.write(`\n--- ticketd stderr (exit code ${code}, signal ${signal}) ---\n${err}\n---\n`);
        }
        assert.equal(
          code,
          0,
          `ticketd serve must exit 0 on SIGTERM; got code ${code} signal ${signal}\nstderr:\n${err}`,
        );
      }
      if (proxy) {
        proxy.child.kill('SIGKILL');
        await proxy.exited;
      }
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    // Hard kill (durability test only): no exit-code assertion.
    async kill() {
      if (stopped) return;
      stopped = true;
      for (const q of [...procs, ...(proxy ? [proxy] : [])]) q.child.kill('SIGKILL');
      for (const q of [...procs, ...(proxy ? [proxy] : [])]) await q.exited;
    },
  };
  lastServer = server;
  return server;
}

// The most recently started server of this process (each test file runs in its own process).
let lastServer = null;

// api(method, path, body?, {key, auth, headers, raw, base}) against the last started server
// (or opts.base): returns {status, json, text, headers}.
export function api(method, p, body, opts = {}) {
  const base = opts.base || lastServer?.base;
  if (!base) throw new Error('api(): no server started');
  const key = opts.key === undefined ? lastServer?.key : opts.key;
  return request(base, key ?? null, method, p, body, { ...opts, key });
}

// ---------------------------------------------------------------------------------------------
// Wire shapes, copied from the seeds (000-002) and docs/TAMIO.md.

export const SEED_ASSET = {
  id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
  object: 'asset',
  filename: 'screenshot.png',
  extension: 'png',
  filesize: 204800,
  type: 'image',
  version: 1,
  status: 'ready',
  alt_text: 'Error screenshot',
  width: 1920,
  height: 1080,
  public_url: 'https://pub.ox31.com/assets/screenshot.png',
  folder: null,
  thumbnails: [],
  created_at: 1700000000,
  updated_at: 1700086400,
};

export const SEED_TICKET = {
  id: '550e8400-e29b-41d4-a716-446655440000',
  object: 'ticket',
  title: 'Payment processing issue',
  is_open: true,
  category: 'Billing Issues',
  subcategory: 'Payment Failed',
  teammate_id: '770e8400-e29b-41d4-a716-446655440000',
  client: { id: '660e8400-e29b-41d4-a716-446655440000', name: 'John Doe', email: 'john@example.com' },
  language: 'en',
  created_at: 1700000000,
  updated_at: 1700086400,
  replies: [
    {
      id: '880e8400-e29b-41d4-a716-446655440000',
      text: 'We have resolved your issue.',
      is_client_reply: false,
      created_at: 1700000000,
      assets: [SEED_ASSET],
    },
  ],
};

export const SEED_CATEGORY = {
  id: '550e8400-e29b-41d4-a716-446655440000',
  object: 'ticket_category',
  title: 'Billing Issues',
  language: 'en',
  teammate_id: '770e8400-e29b-41d4-a716-446655440000',
  auto_reply: 'Thank you for contacting us.',
  subcategories: ['Payment Failed', 'Refund Request'],
  billing_plans: ['550e8400-e29b-41d4-a716-446655440001', '550e8400-e29b-41d4-a716-446655440002'],
  created_at: 1700000000,
};

// TAMIO.md shapes (types by example; null marks "string or null" etc. through NULLABLE).
export const SHAPE_TEAMMATE = {
  id: 'x',
  object: 'teammate',
  email: 'x',
  name: 'x',
  last_name: 'x',
  country: 'x',
  role: 'agent',
  verified: true,
  last_login: 0,
  permissions: ['tickets'],
  created_at: 0,
};
export const SHAPE_CLIENT = {
  id: 'x',
  object: 'client',
  name: 'x',
  email: 'x',
  country: 'x',
  status: 'active',
  billing_plan: 'x',
  created_at: 0,
};
export const SHAPE_PRODUCT = { id: 'x', object: 'product', name: 'x', type: 'agency_plan', created_at: 0 };

// Paths (dotted, [] for array elements) that may be null besides their seed type.
export const NULLABLE = {
  ticket: ['subcategory', 'teammate_id', 'replies[].assets[].alt_text', 'replies[].assets[].width',
    'replies[].assets[].height', 'replies[].assets[].folder'],
  asset: ['alt_text', 'width', 'height', 'folder'],
  category: ['teammate_id', 'auto_reply'],
  teammate: ['last_name', 'country', 'last_login'],
  client: ['country', 'billing_plan'],
  product: [],
};

function jsonType(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

// Asserts `actual` has at least every key of `shape` with the same JSON type (integers stay
// integers). A seed value of null means "null or string". Paths in `nullable` may also be null.
export function assertShape(actual, shape, nullable = [], where = '$', rel = '') {
  assert.equal(jsonType(actual), 'object', `${where} must be an object, got ${JSON.stringify(actual)}`);
  for (const [k, sv] of Object.entries(shape)) {
    const p = rel ? `${rel}.${k}` : k;
    const w = `${where}.${k}`;
    assert.ok(Object.hasOwn(actual, k), `${w} is missing in ${JSON.stringify(actual)}`);
    const av = actual[k];
    const st = jsonType(sv);
    const at = jsonType(av);
    if (at === 'null' && (st === 'null' || nullable.includes(p))) continue;
    if (st === 'null') {
      assert.equal(at, 'string', `${w} must be a string or null, got ${JSON.stringify(av)}`);
      continue;
    }
    if (st === 'number') {
      assert.ok(at === 'number' || at === 'integer', `${w} must be a number, got ${JSON.stringify(av)}`);
      continue;
    }
    assert.equal(at, st, `${w} must be of JSON type ${st}, got ${JSON.stringify(av)}`);
    if (st === 'object') assertShape(av, sv, nullable, w, p);
    if (st === 'array' && sv.length > 0) {
      av.forEach((el, i) => {
        if (jsonType(sv[0]) === 'object') assertShape(el, sv[0], nullable, `${w}[${i}]`, `${p}[]`);
        else assert.equal(jsonType(el), jsonType(sv[0]), `${w}[${i}] must be ${jsonType(sv[0])}`);
      });
    }
  }
}

export const assertTicketShape = (t) => assertShape(t, SEED_TICKET, NULLABLE.ticket, 'ticket');
export const assertAssetShape = (a) => {
  assertShape(a, SEED_ASSET, NULLABLE.asset, 'asset');
  a.thumbnails.forEach((th, i) =>
    assertShape(th, { url: 'x', width: 0, height: 0 }, [], `asset.thumbnails[${i}]`));
};
export const assertCategoryShape = (c) => assertShape(c, SEED_CATEGORY, NULLABLE.category, 'ticket_category');
export const assertTeammateShape = (t) => assertShape(t, SHAPE_TEAMMATE, NULLABLE.teammate, 'teammate');
export const assertClientShape = (c) => assertShape(c, SHAPE_CLIENT, NULLABLE.client, 'client');
export const assertProductShape = (p) => assertShape(p, SHAPE_PRODUCT, NULLABLE.product, 'product');

// ---------------------------------------------------------------------------------------------
// Assertions on answers.

export function show(res) {
  return `HTTP ${res.status} ${res.text && res.text.length > 2000 ? res.text.slice(0, 2000) + '…' : res.text}`;
}

export function assertOk(res, what = '') {
  assert.equal(res.status, 200, `${what} expected 200, got ${show(res)}`);
  assert.equal(res.json?.status, 200, `${what} body.status must be 200: ${show(res)}`);
  return res.json;
}

// 400 with {status:400, error:<string>, error_code:code}; if field is given the message must
// start with it (TAMIO.md: "The message starts with the field name").
export function assertErr(res, code, field, what = '') {
  assert.equal(res.status, 400, `${what} expected HTTP 400 (error_code ${code}${field ? ', ' + field : ''}), got ${show(res)}`);
  assert.ok(res.json && typeof res.json === 'object', `${what} error body must be JSON: ${show(res)}`);
  assert.equal(res.json.status, 400, `${what} body.status: ${show(res)}`);
  assert.equal(res.json.error_code, code, `${what} error_code: ${show(res)}`);
  assert.equal(typeof res.json.error, 'string', `${what} error must be a string: ${show(res)}`);
  assert.ok(res.json.error.length > 0, `${what} error must not be empty`);
  if (field) {
    const re = new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
    assert.match(res.json.error, re, `${what} error message must start with "${field}": ${show(res)}`);
  }
}

export const UNAUTHORIZED = { status: 401, error: 'Unauthorized' };
export const TOO_LARGE = { status: 413, error: 'Payload too large', error_code: 413 };
export const NOT_FOUND = { status: 404, error: 'Not found', error_code: 404 };
export const METHOD_NOT_ALLOWED = { status: 405, error: 'Method not allowed', error_code: 405 };

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// ISO 8601 UTC: 'iso' allows milliseconds (Apizee), 'date' requires them (Zaia).
export const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
export const ISO_MS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// One value against a type spec, for the dialects' shape assertions: 'uuid', 'iso', 'date',
// 'string', 'integer', 'boolean', 'array', 'object' (a trailing '?' allows null), an array of
// allowed values, or {nullable, shape} checked by nested(value, shape, where).
export function checkValue(v, spec, where, nested) {
  if (Array.isArray(spec)) {
    assert.ok(spec.includes(v), `${where} must be one of ${JSON.stringify(spec)}, got ${JSON.stringify(v)}`);
    return;
  }
  if (typeof spec === 'object') {
    if (v === null) {
      assert.ok(spec.nullable, `${where} must not be null`);
      return;
    }
    nested(v, spec.shape, where);
    return;
  }
  const nullable = spec.endsWith('?');
  const base = nullable ? spec.slice(0, -1) : spec;
  if (v === null) {
    assert.ok(nullable, `${where} must not be null`);
    return;
  }
  const got = JSON.stringify(v);
  switch (base) {
    case 'uuid':
      assert.ok(typeof v === 'string' && UUID_RE.test(v), `${where} must be a lower-case uuid, got ${got}`);
      break;
    case 'iso':
    case 'date':
      assert.ok(typeof v === 'string' && (base === 'iso' ? ISO_RE : ISO_MS_RE).test(v),
        `${where} must be ISO 8601 UTC${base === 'date' ? ' with milliseconds' : ''}, got ${got}`);
      assert.ok(!Number.isNaN(Date.parse(v)), `${where} must be a real date: ${v}`);
      break;
    case 'string':
      assert.equal(typeof v, 'string', `${where} must be a string, got ${got}`);
      break;
    case 'boolean':
      assert.equal(typeof v, 'boolean', `${where} must be a boolean, got ${got}`);
      break;
    case 'integer':
      assert.ok(Number.isInteger(v), `${where} must be an integer, got ${got}`);
      break;
    case 'array':
      assert.ok(Array.isArray(v), `${where} must be an array, got ${got}`);
      break;
    case 'object':
      assert.ok(v && typeof v === 'object' && !Array.isArray(v), `${where} must be an object, got ${got}`);
      break;
    default:
      throw new Error(`unknown spec ${spec}`);
  }
}
export const uuid = () => randomUUID();

// ---------------------------------------------------------------------------------------------
// Fixture builders: fx(server) -> helpers creating objects through the API (asserting 200).

let seq = 0;
export const uniq = (p = 'x') => `${p}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

export const A = '/v2/agency';

export function fixtures(s, key) {
  const o = key ? { key } : {};
  const call = (m, p, b) => s.api(m, p, b, o);
  return {
    async teammate(extra = {}) {
      const body = { name: 'Ann', last_name: 'Agent', email: `${uniq('tm')}@example.com`, ...extra };
      const r = await call('POST', `${A}/teammates/create`, body);
      return assertOk(r, 'teammate create').teammate;
    },
    async client(extra = {}) {
      const body = { name: 'John Doe', email: `${uniq('cl')}@example.com`, ...extra };
      const r = await call('POST', `${A}/clients/create`, body);
      return assertOk(r, 'client create').client;
    },
    async plan(extra = {}) {
      const r = await call('POST', `${A}/plans/create`, { name: uniq('Plan'), ...extra });
      return assertOk(r, 'plan create').product;
    },
    async category(extra = {}) {
      const body = { title: uniq('Category'), language: 'en', ...extra };
      const r = await call('POST', `${A}/ticket-categories/create`, body);
      return assertOk(r, 'category create').ticket_category;
    },
    async ticket(extra = {}) {
      let { client_id, category } = extra;
      if (!client_id) client_id = (await this.client()).id;
      if (!category) category = (await this.category()).id;
      const body = { title: 'Payment processing issue', description: 'It fails', ...extra, client_id, category };
      const r = await call('POST', `${A}/tickets/create`, body);
      return assertOk(r, 'ticket create').ticket;
    },
    // Uploads arrive with a later issue (blob store); until then an asset is a row written
    // straight into the server's real store (sqlite3 or psql: sql() above), as an upload would
    // leave it. Answers what the Asset object should show.
    async asset({ name = 'screenshot.png', type = 'image/png', bytes, alt_text, folder } = {}) {
      const k = key || s.key;
      const id = randomUUID();
      const ext = name.includes('.') ? name.split('.').pop() : '';
      const size = (bytes || PNG_1x1).length;
      const image = type.startsWith('image/');
      const now = Date.now();
      const q = (v) => (v === undefined || v === null ? 'NULL' : `'${String(v).replaceAll("'", "''")}'`);
      const insert = `INSERT INTO assets (uuid, workspace_id, filename, extension, filesize, type,
        mime_type, version, status, alt_text, width, height, public_url, folder, created_at,
        updated_at) SELECT ${q(id)}, workspace_id, ${q(name)}, ${q(ext)}, ${size},
        ${q(image ? 'image' : 'document')}, ${q(type)}, 1, 'ready', ${q(alt_text)},
        ${image ? 1 : 'NULL'}, ${image ? 1 : 'NULL'}, ${q(`https://assets.example/${id}/${name}`)},
        ${q(folder)}, ${now}, ${now} FROM api_keys WHERE prefix = ${q(k.slice(0, 12))};`;
      sql(s.dataDir, insert);
      return {
        id, object: 'asset', filename: name, extension: ext, filesize: size,
        type: image ? 'image' : 'document', version: 1, status: 'ready',
        alt_text: alt_text ?? null, width: image ? 1 : null, height: image ? 1 : null,
        public_url: `https://assets.example/${id}/${name}`, folder: folder ?? null,
        thumbnails: [], created_at: Math.floor(now / 1000), updated_at: Math.floor(now / 1000),
      };
    },
    async list(p, query = {}) {
      const q = new URLSearchParams({ page: '1', per_page: '100', ...query });
      const r = await call('GET', `${p}?${q}`);
      return assertOk(r, `list ${p}`);
    },
    async tickets(query = {}) {
      return this.list(`${A}/tickets/list`, query);
    },
    async retrieveTicket(id) {
      return assertOk(await call('GET', `${A}/tickets/retrieve/${id}`), 'ticket retrieve').ticket;
    },
  };
}

export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
