// GET /metrics on `serve --metrics-listen` (docs/METRICS.md): the Prometheus text passes
// `promtool check metrics`, counters move with the requests made (by dialect, route pattern and
// status), the latency histograms and group-commit batch sizes count them, stream clients and the
// invitation outbox (depth, deliveries) show, and the listener answers nothing but /metrics (nor
// does the API port answer /metrics). Every wait polls with a give-up deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startServer, freePort, fixtures, show, dbArgs, runCli, spawnServe, waitHealthy, BIN, A, NODES, PG } from './lib/harness.mjs';

const GIVE_UP_MS = 20000;

// A store of its own for a serve started beside the running one (a SQLite store has one serve):
// its directory and the API key `ticketd init` printed.
function initDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, key: runCli(['init'], dir) };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let s, mport, fx;
before(async () => {
  mport = await freePort();
  // A short heartbeat: a stream whose client left is noticed at its next write.
  // One process: its counters are what this file asserts on (two nodes would need a metrics
  // port each; a two-node run keeps this file on one SQLite node).
  s = await startServer({ sqlite: NODES > 1, args: ['--metrics-listen', `127.0.0.1:${mport}`, '--heartbeat-ms', '100'] });
  fx = fixtures(s);
});
after(async () => {
  await s?.stop();
});

async function scrape(port = mport) {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await r.text();
  assert.equal(r.status, 200, text);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  return text;
}

// {name{labels}: value} of every sample; labels as written (sorted by the server).
function samples(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}
const val = (m, key) => m.get(key) ?? 0;
const req = (dialect, method, route, status) =>
  `ticketd_http_requests_total{dialect="${dialect}",method="${method}",route="${route}",status="${status}"}`;

async function until(what, fn) {
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    const m = samples(await scrape());
    if (fn(m)) return m;
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

test('the scrape passes promtool check metrics', async () => {
  await fx.ticket();
  const text = await scrape();
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(r.error, undefined, `promtool must be installed (scripts/deps.sh: prometheus): ${r.error}`);
  assert.equal(r.status, 0, `promtool check metrics:\n${r.stdout}${r.stderr}\n---\n${text}`);
  for (const family of ['ticketd_http_requests_total', 'ticketd_http_request_duration_seconds',
    'ticketd_store_write_batch_size', 'ticketd_store_write_queue_depth', 'ticketd_store_connections',
    'ticketd_store_errors_total', 'ticketd_stream_clients', 'ticketd_outbox_depth', 'ticketd_outbox_deliveries_total'])
    assert.match(text, new RegExp(`^# TYPE ${family} `, 'm'), `${family} is exposed`);
});

test('requests count by dialect, route pattern and status; latency and batch sizes follow', async () => {
  const before = samples(await scrape());
  const t = await fx.ticket(); // client, category, ticket: three writes
  for (let i = 0; i < 3; i++) assert.equal((await s.api('GET', `${A}/tickets/retrieve/${t.id}`)).status, 200);
  const bad = await s.api('GET', `${A}/tickets/retrieve/not-a-uuid`);
  assert.equal(bad.status, 400, show(bad));
  const z = await s.api('GET', `/api/v1/tickets/${t.id}`, undefined, { auth: 'raw' });
  assert.equal(z.status, 200, show(z));
  assert.equal((await s.api('GET', '/no/such/path')).status, 404);
  const m = samples(await scrape());
  const d = (k) => val(m, k) - val(before, k);
  assert.equal(d(req('tamio', 'GET', '/v2/agency/tickets/retrieve/{uuid}', '200')), 3);
  assert.equal(d(req('tamio', 'GET', '/v2/agency/tickets/retrieve/{uuid}', '400')), 1);
  assert.equal(d(req('tamio', 'POST', '/v2/agency/tickets/create', '200')), 1);
  assert.equal(d(req('zaia', 'GET', '/api/v1/tickets/{id}', '200')), 1);
  assert.equal(d(req('none', '', 'none', '404')), 1);
  assert.ok(d('ticketd_http_request_duration_seconds_count{dialect="tamio"}') >= 7, 'tamio latencies counted');
  assert.equal(d('ticketd_http_request_duration_seconds_count{dialect="zaia"}'), 1);
  assert.equal(d('ticketd_http_request_duration_seconds_bucket{dialect="zaia",le="+Inf"}'), 1);
  assert.ok(d('ticketd_store_write_batch_size_count') >= 1, 'the writes went through group commit');
  assert.ok(d('ticketd_store_write_batch_size_sum') >= 3, 'three write jobs');
  assert.equal(val(m, 'ticketd_store_write_queue_depth'), 0, 'nothing left queued');
  assert.ok(val(m, 'ticketd_store_connections') >= 2, 'readers and the writer are open');
  assert.equal(val(m, 'ticketd_store_errors_total{kind="commit"}'), 0);
});

test('a live stream is counted while it is open', async () => {
  const base = val(samples(await scrape()), 'ticketd_stream_clients');
  const ctrl = new AbortController();
  const r = await fetch(`${s.base}/ticketd/v1/stream`, { headers: { authorization: `Bearer ${s.key}` }, signal: ctrl.signal });
  assert.equal(r.status, 200);
  await until('one more stream client', (m) => val(m, 'ticketd_stream_clients') === base + 1);
  ctrl.abort();
  await r.body?.cancel().catch(() => {});
  await until('the stream client gone', (m) => val(m, 'ticketd_stream_clients') === base);
});

test('the metrics listener answers only /metrics, and the API port never answers /metrics', async () => {
  const api = await fetch(`${s.base}/metrics`);
  await api.text();
  assert.equal(api.status, 404);
  const other = await fetch(`http://127.0.0.1:${mport}/v2/agency/tickets/list?page=1&per_page=1`, {
    headers: { authorization: `Bearer ${s.key}` } });
  assert.equal(other.status, 404);
  assert.doesNotMatch(await other.text(), /tickets/);
  const post = await fetch(`http://127.0.0.1:${mport}/metrics`, { method: 'POST', body: 'x' });
  await post.text();
  assert.equal(post.status, 405);
});

test('a bad --metrics-listen is refused at start, naming the option', () => {
  const { dir } = initDir('ticketd-mbad-');
  const r = spawnSync(BIN, ['serve', '--data', dir, ...dbArgs(dir), '--listen', '127.0.0.1:0', '--metrics-listen', 'nowhere'],
    { encoding: 'utf8', timeout: 30000 });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /metrics-listen/);
});

test('a second serve on the port of a running one is refused; the first keeps answering', async () => {
  // The server listens on one socket without SO_REUSEPORT (its acceptor hands connections to
  // the threads): another process must not be able to join it and take a share of them. The
  // second serves a store of its own (on SQLite the running one's store is refused first).
  const port = new URL(s.base).port;
  const other = initDir('ticketd-port-').dir;
  const r = spawnSync(BIN, ['serve', '--data', other, ...dbArgs(other), '--listen', `127.0.0.1:${port}`, '--quiet'],
    { encoding: 'utf8', timeout: 30000 });
  fs.rmSync(other, { recursive: true, force: true });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /listen.*Address already in use/);
  for (let i = 0; i < 8; i++) {
    const h = await fetch(`${s.base}/healthz`);
    await h.text();
    assert.equal(h.status, 200);
  }
});

test('a second serve on the SQLite store of a running one is refused, naming it; the first keeps answering; once it is gone the store serves again', { skip: PG && 'SQLite only: PostgreSQL nodes share a database' }, async () => {
  const { dir } = initDir('ticketd-one-');
  const serve = async () => {
    const port = await freePort();
    const p = spawnServe(dir, port);
    await waitHealthy(`http://127.0.0.1:${port}`, p.child, p.stderrRef);
    return { port, child: p.child, exited: p.exited.then((e) => e.code) };
  };
  const first = await serve();
  const r = spawnSync(BIN, ['serve', '--data', dir, '--listen', '127.0.0.1:0', '--quiet'], { encoding: 'utf8', timeout: 30000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /another `ticketd serve` is using/);
  const h = await fetch(`http://127.0.0.1:${first.port}/healthz`);
  await h.text();
  assert.equal(h.status, 200);
  first.child.kill('SIGKILL');
  await first.exited;
  const again = await serve(); // the kernel let go of the lock with the process
  again.child.kill('SIGTERM');
  assert.equal(await again.exited, 0);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--listen [::1]:PORT: every server thread answers on IPv6, and SIGTERM stops it cleanly', async () => {
  const port = await freePort();
  const own = initDir('ticketd-v6-');
  const child = spawn(BIN, ['serve', '--data', own.dir, ...dbArgs(own.dir), '--listen', `[::1]:${port}`, '--quiet', '--threads', '2'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://[::1]:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${base}/healthz`);
      await r.text();
      if (r.status === 200) break;
    } catch { /* not up yet */ }
    assert.ok(i < 200 && child.exitCode === null, `serve on ::1 did not come up: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Many connections at once, so both threads' sockets get some.
  const all = await Promise.all(Array.from({ length: 16 }, () =>
    fetch(`${base}/v2/agency/tickets/list?page=1&per_page=1`, { headers: { authorization: `Bearer ${own.key}` } })
      .then(async (r) => { await r.text(); return r.status; })));
  assert.deepEqual([...new Set(all)], [200]);
  child.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null }, err);
  fs.rmSync(own.dir, { recursive: true, force: true });
});

test('the invitation outbox: its depth while queued, then deliveries once an SMTP server is there', async () => {
  const key = s.key;
  const dataDir = s.dataDir;
  const created = await s.api('POST', '/api/v3/tickets?email=metrics-rq@example.com&subject=M&send_invitation=true');
  assert.equal(created.status, 201, show(created));
  // Without --smtp the email stays queued.
  await until('one email queued', (m) => val(m, 'ticketd_outbox_depth{kind="invitation"}') >= 1);
  const queued = val(samples(await scrape()), 'ticketd_outbox_depth{kind="invitation"}');
  await s.stop({ keepData: true });
  const got = [];
  const sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, cb) { stream.on('data', () => {}); stream.on('end', () => { got.push(session.envelope); cb(); }); } });
  const sport = await new Promise((resolve) => sink.listen(0, '127.0.0.1', () => resolve(sink.server.address().port)));
  mport = await freePort();
  s = await startServer({ dataDir, key, args: ['--metrics-listen', `127.0.0.1:${mport}`, '--smtp', `smtp://127.0.0.1:${sport}`] });
  try {
    const m = await until('the queued emails sent', (x) => val(x, 'ticketd_outbox_deliveries_total{kind="invitation",result="sent"}') === queued
      && val(x, 'ticketd_outbox_depth{kind="invitation"}') === 0);
    assert.equal(val(m, 'ticketd_outbox_deliveries_total{kind="invitation",result="failed"}'), 0);
    assert.equal(val(m, 'ticketd_outbox_depth{kind="webhook"}'), 0, 'no webhook endpoint: nothing queued');
    assert.equal(got.length, queued);
  } finally {
    await new Promise((r) => sink.close(r));
  }
});
