// Authentication, CLI key management, health check, unknown routes and methods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, fixtures, assertOk, A, UNAUTHORIZED, NOT_FOUND, METHOD_NOT_ALLOWED, UUID_RE, show,
} from './lib/harness.mjs';

let s;
let fx;
before(async () => {
  s = await startServer();
  fx = fixtures(s);
});
after(async () => {
  await s?.stop();
});

test('init printed one line: a tkd_ key of 64 hex digits', () => {
  assert.match(s.key, /^tkd_[0-9a-f]{64}$/);
});

test('GET /healthz answers 200 {"status":"ok"} without a key', async () => {
  const r = await s.api('GET', '/healthz', undefined, { key: null });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json, { status: 'ok' });
});

test('both "Authorization: Bearer <key>" and the raw key are accepted', async () => {
  const bearer = await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, { auth: 'bearer' });
  assertOk(bearer, 'bearer');
  const raw = await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, { auth: 'raw' });
  assertOk(raw, 'raw key');
  assert.equal(raw.json.total_results, bearer.json.total_results);
});

test('missing key -> 401 exact body, on reads and writes', async () => {
  for (const [m, p, b] of [
    ['GET', `${A}/tickets/list?page=1&per_page=10`],
    ['GET', `${A}/ticket-categories/list?page=1&per_page=10`],
    ['POST', `${A}/ticket-categories/create`, { title: 'x', language: 'en' }],
    ['POST', `${A}/teammates/create`, { name: 'x', email: 'noauth@example.com' }],
    ['GET', `/v2/clients/list?page=1&per_page=10`],
    ['GET', `${A}/plans/list?page=1&per_page=10`],
  ]) {
    const r = await s.api(m, p, b, { key: null });
    assert.equal(r.status, 401, `${m} ${p}: ${show(r)}`);
    assert.deepEqual(r.json, UNAUTHORIZED, `${m} ${p}`);
  }
  // nothing was written by the unauthenticated creates
  const cats = await fx.list(`${A}/ticket-categories/list`);
  assert.equal(cats.total_results, 0);
  const tms = await fx.list(`${A}/teammates/list`);
  assert.equal(tms.total_results, 1, 'only the administrator init made');
  assert.equal(tms.teammates[0].email, 'admin@localhost');
});

test('unknown key, malformed key and empty bearer -> 401 exact body', async () => {
  const bad = ['tkd_' + '0'.repeat(64), 'tkd_nope', s.key.slice(0, -1) + (s.key.endsWith('0') ? '1' : '0'), s.key + 'a'];
  for (const key of bad) {
    for (const auth of ['bearer', 'raw']) {
      const r = await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, { key, auth });
      assert.equal(r.status, 401, `${auth} ${key}: ${show(r)}`);
      assert.deepEqual(r.json, UNAUTHORIZED);
    }
  }
  const r = await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, {
    key: null, headers: { authorization: 'Bearer ' },
  });
  assert.equal(r.status, 401, show(r));
  assert.deepEqual(r.json, UNAUTHORIZED);
});

test('key create prints a new key; key list shows "<prefix> <workspace> <created ISO> active|revoked <id>"', () => {
  const k2 = s.cli(['key', 'create', '--workspace', 'default']);
  assert.match(k2, /^tkd_[0-9a-f]{64}$/);
  const lines = s.cli(['key', 'list']).split('\n').filter((l) => l.trim() !== '');
  for (const k of [s.key, k2]) {
    const line = lines.find((l) => l.startsWith(k.slice(0, 12) + ' '));
    assert.ok(line, `key list must show ${k.slice(0, 12)}: ${lines.join(' | ')}`);
    const parts = line.trim().split(/\s+/);
    assert.equal(parts[0], k.slice(0, 12));
    assert.equal(parts[1], 'default');
    assert.match(parts[2], /^\d{4}-\d{2}-\d{2}T/);
    assert.ok(!Number.isNaN(Date.parse(parts[2])), `created must be ISO: ${parts[2]}`);
    assert.equal(parts[3], 'active');
    assert.match(parts[4] ?? '', UUID_RE, `the key's id: ${JSON.stringify(line)}`);
    assert.equal(parts.length, 5, `exactly five fields expected: ${JSON.stringify(line)}`);
  }
  const ids = lines.map((l) => l.trim().split(/\s+/)[4]);
  assert.equal(new Set(ids).size, ids.length, 'one id per key');
  // the id is what `key revoke ID` takes
  const line2 = lines.find((l) => l.startsWith(k2.slice(0, 12) + ' '));
  const id = line2.trim().split(/\s+/)[4];
  s.cli(['key', 'revoke', id]);
  const after = s.cli(['key', 'list']).split('\n').find((l) => l.startsWith(k2.slice(0, 12) + ' '));
  assert.deepEqual(after.trim().split(/\s+/).slice(3), ['revoked', id]);
});

test('key revoke PREFIX: the revoked key fails with 401 at once while serving', async () => {
  const k2 = s.cli(['key', 'create', '--workspace', 'default']);
  assert.match(k2, /^tkd_[0-9a-f]{64}$/);
  assert.notEqual(k2, s.key);
  const ok = await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, { key: k2 });
  assertOk(ok, 'new key');
  const prefix = k2.slice(0, 12);
  s.cli(['key', 'revoke', prefix]);
  const line = s.cli(['key', 'list']).split('\n').find((l) => l.startsWith(prefix + ' '));
  assert.ok(line, 'revoked key still listed');
  assert.equal(line.trim().split(/\s+/)[3], 'revoked');
  for (const auth of ['bearer', 'raw']) {
    const r = await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, { key: k2, auth });
    assert.equal(r.status, 401, `revoked key (${auth}): ${show(r)}`);
    assert.deepEqual(r.json, UNAUTHORIZED);
  }
  const w = await s.api('POST', `${A}/ticket-categories/create`, { title: 'revoked', language: 'en' }, { key: k2 });
  assert.equal(w.status, 401, show(w));
  assert.deepEqual(w.json, UNAUTHORIZED);
  // the other key still works, and the revoked key's write did not happen
  const cats = await fx.list(`${A}/ticket-categories/list`);
  assert.ok(!cats.ticket_categories.some((c) => c.title === 'revoked'));
});

test('workspace create prints a uuid; its key works and lists are empty', async () => {
  const id = s.cli(['workspace', 'create', 'second']);
  assert.match(id, UUID_RE);
  const k = s.cli(['key', 'create', '--workspace', id]);
  assert.match(k, /^tkd_[0-9a-f]{64}$/);
  const r = await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, { key: k });
  assertOk(r);
  assert.equal(r.json.total_results, 0);
  const byName = s.cli(['key', 'create', '--workspace', 'second']);
  assert.match(byName, /^tkd_[0-9a-f]{64}$/);
  const line = s.cli(['key', 'list']).split('\n').find((l) => l.startsWith(byName.slice(0, 12) + ' '));
  assert.ok(line);
  assert.equal(line.trim().split(/\s+/)[1], 'second');
});

test('unknown route under /v2 -> 404 exact body', async () => {
  for (const p of [`${A}/nope`, `${A}/widgets/list`, '/v2/nothing/here', `${A}/tickets/list/extra`, `${A}/tickets/retrieve/x/y`]) {
    const r = await s.api('GET', p);
    assert.equal(r.status, 404, `${p}: ${show(r)}`);
    assert.deepEqual(r.json, NOT_FOUND, p);
  }
  const r = await s.api('POST', `${A}/widgets/create`, { name: 'x' });
  assert.equal(r.status, 404, show(r));
  assert.deepEqual(r.json, NOT_FOUND);
});

test('known path with the wrong method -> 405 exact body', async () => {
  const t = await fx.ticket();
  for (const [m, p] of [
    ['GET', `${A}/tickets/create`],
    ['POST', `${A}/tickets/list`],
    ['POST', `${A}/tickets/retrieve/${t.id}`],
    ['GET', `${A}/tickets/assign/${t.id}`],
    ['GET', `${A}/ticket-categories/create`],
    ['POST', `${A}/plans/list`],
  ]) {
    const r = await s.api(m, p);
    assert.equal(r.status, 405, `${m} ${p}: ${show(r)}`);
    assert.deepEqual(r.json, METHOD_NOT_ALLOWED, `${m} ${p}`);
  }
  // nothing happened to the ticket
  const again = await fx.retrieveTicket(t.id);
  assert.deepEqual(again, t);
});

test('DELETE on the known path /tickets/list -> 405 (not a uuid error)', async () => {
  for (const p of [`${A}/tickets/list`, `${A}/tickets/create`, `${A}/ticket-categories/list`, `${A}/teammates/list`]) {
    const r = await s.api('DELETE', p);
    assert.equal(r.status, 405, `DELETE ${p}: ${show(r)}`);
    assert.deepEqual(r.json, METHOD_NOT_ALLOWED);
  }
});

test('wrong method on /healthz -> 405 whose body agrees with the HTTP status', async () => {
  for (const m of ['POST', 'DELETE']) {
    const r = await s.api(m, '/healthz', undefined, { key: null });
    assert.equal(r.status, 405, `${m} /healthz: ${show(r)}`);
    if (r.json && typeof r.json === 'object' && 'status' in r.json) {
      assert.equal(r.json.status, 405, `${m} /healthz body status: ${show(r)}`);
    }
  }
});
