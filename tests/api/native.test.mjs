// ticketd's own API (/ticketd/v1, docs/NATIVE.md): the caller, problem answers, the OpenAPI
// document the server serves. Every answer is validated against the document (lib/native.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, show, REPO_ROOT } from './lib/harness.mjs';
import { apx } from './lib/apizee.mjs';
import { nat, assertProblem, N } from './lib/native.mjs';

let s;
let n;
before(async () => {
  s = await startServer();
  n = nat(s);
});
after(() => s?.stop());

test('GET /me with the workspace key: an administrator that is no teammate', async () => {
  const me = await n.ok('GET', '/me');
  assert.equal(me.kind, 'key');
  assert.equal(me.role, 'admin');
  assert.equal(me.teammate, null);
});

test("GET /me with a teammate's token: that teammate and its role", async () => {
  const fx = apx(s);
  const agent = await fx.teammate({ name: 'Agnes', password: 'agent-pass-1' });
  const tok = await fx.token(agent.email, agent.password);
  const me = await n.ok('GET', '/me', undefined, { key: tok });
  assert.equal(me.kind, 'teammate');
  assert.equal(me.role, 'agent');
  assert.equal(me.teammate.id, agent.id);
  assert.equal(me.teammate.email, agent.email);
  assert.ok(!('password' in me.teammate) && !('password_hash' in me.teammate));
});

test('no credentials, a bad key, an unknown path and a wrong method answer problem details', async () => {
  assertProblem(await n.get('/me', { key: null }), 401, 'unauthorized');
  assertProblem(await n.get('/me', { key: 'tkd_nope' }), 401, 'unauthorized');
  const r = await fetch(`${s.base}${N}/no-such-thing`, { headers: { authorization: `Bearer ${s.key}` } });
  const body = await r.json();
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(body.type, 'urn:ticketd:problem:not-found');
  assert.match(body.detail, /no-such-thing/);
  const m = await fetch(`${s.base}${N}/me`, { method: 'DELETE', headers: { authorization: `Bearer ${s.key}` } });
  assert.equal(m.status, 405);
});

test('GET /openapi.json needs no key and is the document in the repository', async () => {
  const r = await n.get('/openapi.json', { key: null });
  assert.equal(r.status, 200, show(r));
  const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/openapi/ticketd-v1.json'), 'utf8'));
  assert.deepEqual(r.json, file);
  assert.equal(r.json.openapi, '3.1.0');
});

test('Idempotency-Key on a /ticketd/v1 POST: replayed byte for byte, another body is a 422 problem', async () => {
  const client = await n.ok('POST', '/clients', { name: 'Ida', email: `ida-${Date.now()}@example.com` });
  const key = `native-${Date.now()}`;
  const body = { title: 'Once only', client: client.id };
  const first = await n.post('/tickets', body, { headers: { 'idempotency-key': key } });
  assert.equal(first.status, 201, show(first));
  assert.equal(first.headers.get('idempotent-replayed'), null);
  const again = await n.post('/tickets', body, { headers: { 'idempotency-key': key } });
  assert.equal(again.status, 201, show(again));
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.text, first.text);
  const mine = await n.ok('GET', `/tickets?client=${client.id}`);
  assert.deepEqual(mine.data.map((t) => t.id), [first.json.id]);
  const other = await n.post('/tickets', { ...body, title: 'Another' }, { headers: { 'idempotency-key': key } });
  assertProblem(other, 422, 'idempotency-key-reused', 'Idempotency-Key');
  const still = await n.ok('GET', `/tickets?client=${client.id}`);
  assert.equal(still.data.length, 1);
});
