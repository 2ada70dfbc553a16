// Teammates as the console's admin pages manage them (docs/NATIVE.md "Assets, teammates…"):
// a password set on POST/PATCH /ticketd/v1/teammates (hashed, ends the teammate's sessions) and
// the `active` flag (migration 012): a deactivated teammate cannot sign in, its sessions and
// tokens stop working at once, it stays on its tickets; only an administrator changes it, never
// for itself. Every /ticketd/v1 answer is validated against the OpenAPI document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, show, sql, A, uniq } from './lib/harness.mjs';
import { V, apx, qs } from './lib/apizee.mjs';
import { nat, assertProblem } from './lib/native.mjs';

let s;
let n; // the workspace key (an administrator)

before(async () => {
  s = await startServer();
  n = nat(s);
});
after(() => s?.stop());

const withCookie = (c, headers = {}) => ({ key: null, headers: { cookie: `ticketd_session=${c}`, ...headers } });
const origin = () => ({ origin: s.base });

async function signIn(email, password) {
  const r = await n.post('/sessions', { email, password }, { key: null });
  assert.equal(r.status, 201, show(r));
  const m = /ticketd_session=([^;]+)/.exec(r.headers.getSetCookie()[0]);
  return m[1];
}

async function grant(username, password) {
  return s.api('POST', `${V}/token${qs({ grant_type: 'password', username, password })}`, undefined, { key: null });
}

async function invite(extra = {}) {
  const body = { name: 'Ines', email: `${uniq('ines')}@example.com`, role: 'agent', password: 'invited-pass-1', ...extra };
  const r = await n.post('/teammates', body);
  assert.equal(r.status, 201, show(r));
  assert.ok(!r.text.includes(body.password), 'the password is never answered');
  return { ...r.json, password: body.password };
}

test('POST /teammates with a password: active by default, stored hashed, signs in', async () => {
  const t = await invite();
  assert.equal(t.active, true);
  const hash = sql(s.dataDir, `SELECT password_hash FROM users WHERE uuid = '${t.id}'`);
  assert.match(hash, /^\$argon2id\$/, 'Argon2id, like `ticketd teammate password`');
  const cookie = await signIn(t.email, t.password);
  const me = await n.ok('GET', '/me', undefined, withCookie(cookie));
  assert.equal(me.teammate.id, t.id);
  assert.equal(me.teammate.active, true);
  // created inactive: no sign-in
  const off = await invite({ active: false });
  assert.equal(off.active, false);
  assertProblem(await n.post('/sessions', { email: off.email, password: off.password }, { key: null }), 401, 'unauthorized');
});

test('PATCH password ends every session of the teammate; the new one signs in', async () => {
  const t = await invite();
  const cookie = await signIn(t.email, t.password);
  await n.ok('PATCH', `/teammates/${t.id}`, { password: 'a-new-password-2' });
  assertProblem(await n.get('/me', withCookie(cookie)), 401, 'unauthorized');
  assertProblem(await n.post('/sessions', { email: t.email, password: t.password }, { key: null }), 401, 'unauthorized');
  await signIn(t.email, 'a-new-password-2');
});

test('deactivate: open session and token refused at once, sign-in and the token grant refused; stays on its ticket; reactivate', async () => {
  const fx = apx(s);
  const t = await invite();
  const cookie = await signIn(t.email, t.password);
  const tok = (await grant(t.email, t.password)).json.access_token;
  assert.match(tok, /^atk_/);
  const client = (await s.api('POST', `${A}/clients/create`, { name: 'Cleo', email: `${uniq('c')}@example.com` })).json.client;
  const tk = await n.ok('POST', '/tickets', { title: 'Stays assigned', client: client.id, assignee: t.id });
  assert.equal((await n.get('/me', withCookie(cookie))).status, 200);
  assert.equal((await nat(s, tok).get('/me')).status, 200);

  const off = await n.ok('PATCH', `/teammates/${t.id}`, { active: false });
  assert.equal(off.active, false);
  assert.equal((await n.ok('GET', `/teammates/${t.id}`)).active, false);
  assertProblem(await n.get('/me', withCookie(cookie)), 401, 'unauthorized');
  assertProblem(await nat(s, tok).get('/me'), 401, 'unauthorized');
  assert.equal(Number(sql(s.dataDir, `SELECT count(*) FROM sessions WHERE user_id = (SELECT id FROM users WHERE uuid = '${t.id}')`)), 0, 'its sessions are deleted');
  assert.equal(Number(sql(s.dataDir, `SELECT count(*) FROM tokens WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE uuid = '${t.id}')`)), 0, 'its tokens are revoked');
  assertProblem(await n.post('/sessions', { email: t.email, password: t.password }, { key: null }), 401, 'unauthorized');
  const g = await grant(t.email, t.password);
  assert.equal(g.status, 400, show(g));
  assert.equal(g.json.error, 'invalid_grant', 'the token grant refuses it like a wrong password');
  // history: the ticket keeps its assignee, the teammate is still listed and readable in a dialect
  assert.equal((await n.ok('GET', `/tickets/${tk.id}`)).assignee.id, t.id);
  assert.equal((await fx.call('GET', `${A}/teammates/retrieve/${t.id}`)).status, 200);

  const on = await n.ok('PATCH', `/teammates/${t.id}`, { active: true });
  assert.equal(on.active, true);
  const again = await signIn(t.email, t.password);
  assert.equal((await n.get('/me', withCookie(again))).status, 200);
  assertProblem(await nat(s, tok).get('/me'), 401, 'unauthorized', undefined);
});

test('only an administrator changes `active`, never for itself; a wrong type names it; nothing written', async () => {
  const agent = await invite({ password: 'agent-pass-1' });
  const other = await invite();
  const tok = (await grant(agent.email, agent.password)).json.access_token;
  const na = nat(s, tok);
  assertProblem(await na.patch(`/teammates/${agent.id}`, { active: false }), 403, 'forbidden', 'active');
  assertProblem(await na.patch(`/teammates/${other.id}`, { active: false }), 403, 'forbidden');
  assert.equal((await n.ok('GET', `/teammates/${other.id}`)).active, true);
  assertProblem(await n.patch(`/teammates/${other.id}`, { active: 'no' }), 400, 'invalid', 'active');
  assertProblem(await n.post('/teammates', { name: 'X', email: `${uniq('x')}@example.com`, active: 1 }), 400, 'invalid', 'active');
  // a signed-in administrator cannot deactivate itself (a key has no self)
  const admin = await invite({ role: 'admin', password: 'admin-pass-1' });
  const cookie = await signIn(admin.email, admin.password);
  assertProblem(await n.patch(`/teammates/${admin.id}`, { active: false }, withCookie(cookie, origin())), 400, 'invalid', 'active');
  assert.equal((await n.ok('GET', `/teammates/${admin.id}`)).active, true);
  // another administrator may, and it may deactivate someone else
  const off = await n.ok('PATCH', `/teammates/${other.id}`, { active: false }, withCookie(cookie, origin()));
  assert.equal(off.active, false);
  assert.equal((await n.get('/me', withCookie(cookie))).status, 200, 'its own session lives on');
});

test('GET /plans: the billing plans the vendor dialects made, newest first, keyset pages, any teammate reads them', async () => {
  const made = [];
  for (let i = 0; i < 3; i++) made.push((await s.api('POST', `${A}/plans/create`, { name: uniq(`Plan${i}`) })).json.product);
  const seen = [];
  let cursor = null;
  do {
    const page = await n.ok('GET', `/plans?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.ok(page.data.length <= 2);
    seen.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  const ids = seen.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'no plan twice');
  for (const p of made) assert.deepEqual(seen.find((x) => x.id === p.id).name, p.name);
  assert.ok(ids.indexOf(made[2].id) < ids.indexOf(made[0].id), 'newest first');
  const agent = await invite({ password: 'agent-pass-2' });
  const tok = (await grant(agent.email, agent.password)).json.access_token;
  assert.equal((await nat(s, tok).get('/plans')).status, 200);
  assertProblem(await n.get('/plans?cursor=nope'), 400, 'invalid', 'cursor');
});
