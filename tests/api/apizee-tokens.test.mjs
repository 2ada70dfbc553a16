// Apizee /api/v3 credentials: passwords set through Tamio teammates and Zaia users (never shown),
// POST /token (password grant from the query string, a form body or JSON; OAuth errors),
// tokens as bearer credentials, /token/revoke, and who a token acts as (the access rule of
// docs/APIZEE.md "Who sees what"; a workspace key acts as an administrator).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, show, A, uniq, uuid } from './lib/harness.mjs';
import { V, Z, apx, aErr, oauthErr, ok, qs, ISO_RE, assertTicket } from './lib/apizee.mjs';

let s;
let fx;
let agent; // a Tamio teammate, role agent, with a password and a username
let other; // another agent
let admin; // a teammate with role admin
before(async () => {
  s = await startServer();
  fx = apx(s);
  agent = await fx.teammate({ name: 'Alice', username: uniq('alice'), password: 'alice-pass-1' });
  other = await fx.teammate({ name: 'Bob', password: 'bob-pass-12' });
  admin = await fx.teammate({ name: 'Ada', role: 'admin', password: 'admin-pass-1' });
});
after(async () => {
  await s?.stop();
});

const noAuth = { key: null };
const tokenReq = (query) => s.api('POST', `${V}/token${qs(query)}`, undefined, noAuth);
const tokenForm = (fields) => s.api('POST', `${V}/token`, new URLSearchParams(fields).toString(),
  { ...noAuth, raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const tokenJson = (body) => s.api('POST', `${V}/token`, body, noAuth);
const as = (token) => apx(s, token);

function assertToken(r, what) {
  const b = ok(r, 200, what);
  assert.deepEqual(Object.keys(b).sort(), ['access_token', 'created_at', 'expires_in', 'token_type'], `${what}: ${show(r)}`);
  assert.match(b.access_token, /^atk_[0-9a-f]{64}$/, what);
  assert.match(b.created_at, ISO_RE, what);
  assert.ok(Math.abs(Date.parse(b.created_at) - Date.now()) < 120000, `${what}: created_at is now`);
  assert.equal(b.expires_in, 86400, what);
  assert.equal(b.token_type, 'bearer', what);
  return b.access_token;
}

const hasNoPassword = (obj, what) => {
  const t = JSON.stringify(obj);
  assert.ok(!/password/i.test(t), `${what} must not show a password: ${t}`);
};

test('passwords are never shown: Tamio teammate create/retrieve/list/update, Zaia user create/get/list', async () => {
  const secret = 'never-shown-123';
  const r = await fx.call('POST', `${A}/teammates/create`, { name: 'Pat', email: `${uniq('p')}@example.com`, password: secret });
  assert.equal(r.status, 200, show(r));
  hasNoPassword(r.json, 'teammate create');
  assert.ok(!r.text.includes(secret));
  const id = r.json.teammate.id;
  for (const p of [`${A}/teammates/retrieve/${id}`, `${A}/teammates/list?page=1&per_page=100`, `/v2/teammates/retrieve/${id}`]) {
    const g = await fx.call('GET', p);
    assert.equal(g.status, 200, `${p}: ${show(g)}`);
    hasNoPassword(g.json, p);
  }
  const u = await fx.call('POST', `${A}/teammates/update/${id}`, { password: 'another-secret-1' });
  assert.equal(u.status, 200, show(u));
  hasNoPassword(u.json, 'teammate update');
  const z = await fx.call('POST', `${Z}/users`, { name: 'Zed', email: `${uniq('z')}@example.com`, password: secret }, { auth: 'raw' });
  assert.equal(z.status, 200, show(z));
  hasNoPassword(z.json, 'zaia user create');
  for (const p of [`${Z}/users/${z.json.id}`, `${Z}/users?pageSize=100`]) {
    const g = await fx.call('GET', p, undefined, { auth: 'raw' });
    assert.equal(g.status, 200, `${p}: ${show(g)}`);
    hasNoPassword(g.json, p);
  }
});

test('a too short password is refused at teammate create (nothing written)', async () => {
  const email = `${uniq('short')}@example.com`;
  const r = await fx.call('POST', `${A}/teammates/create`, { name: 'Short', email, password: 'short' });
  assert.equal(r.status, 400, show(r));
  assert.match(r.json.error, /^password\b/);
  oauthErr(await tokenReq({ grant_type: 'password', username: email, password: 'short' }), 'invalid_grant');
});

test('POST /token: query string with the email (any case), form body with the username, JSON body', async () => {
  const t1 = assertToken(await tokenReq({ grant_type: 'password', username: agent.email, password: agent.password }), 'query');
  const t2 = assertToken(await tokenReq({ grant_type: 'password', username: agent.email.toUpperCase(), password: agent.password }), 'email upper case');
  const t3 = assertToken(await tokenForm({ grant_type: 'password', username: agent.username, password: agent.password }), 'form');
  const t4 = assertToken(await tokenJson({ grant_type: 'password', username: agent.email, password: agent.password }), 'json');
  assert.equal(new Set([t1, t2, t3, t4]).size, 4, 'every grant issues a new token');
  for (const t of [t1, t2, t3, t4]) {
    const r = await s.api('GET', `${V}/tickets`, undefined, { key: t });
    assert.equal(r.status, 200, `bearer token works: ${show(r)}`);
  }
});

test('POST /token for a Zaia user created with a password', async () => {
  const email = `${uniq('zu')}@example.com`;
  const z = await fx.call('POST', `${Z}/users`, { name: 'Zoe', email, password: 'zoe-password' }, { auth: 'raw' });
  assert.equal(z.status, 200, show(z));
  const t = assertToken(await tokenJson({ grant_type: 'password', username: email, password: 'zoe-password' }), 'zaia user');
  const c = await as(t).call('POST', '/tickets', { email: `${uniq('r')}@example.com`, agent: z.json.id });
  assert.equal(c.status, 201, show(c));
  const ev = await fx.events(c.json.id);
  assert.deepEqual(ev.data[0].actor, { type: 'user', id: z.json.id }, 'the token acts as the Zaia user');
});

test('wrong password, unknown user, a teammate without password -> 400 invalid_grant (each encoding)', async () => {
  const bad = { grant_type: 'password', username: agent.email, password: 'wrong-password' };
  oauthErr(await tokenReq(bad), 'invalid_grant', 'query wrong password');
  oauthErr(await tokenForm(bad), 'invalid_grant', 'form wrong password');
  oauthErr(await tokenJson(bad), 'invalid_grant', 'json wrong password');
  oauthErr(await tokenReq({ ...bad, username: 'nobody@example.com', password: agent.password }), 'invalid_grant', 'unknown user');
  oauthErr(await tokenReq({ ...bad, username: agent.username, password: other.password }), 'invalid_grant', "another's password");
  const r = await fx.call('POST', `${A}/teammates/create`, { name: 'Nopass', email: `${uniq('np')}@example.com` });
  assert.equal(r.status, 200, show(r));
  oauthErr(await tokenReq({ ...bad, username: r.json.teammate.email, password: '' }), 'invalid_grant', 'no password, empty');
  oauthErr(await tokenReq({ ...bad, username: r.json.teammate.email, password: 'anything-at-all' }), 'invalid_grant', 'no password set');
});

test('missing grant_type -> invalid_request; other grants -> unsupported_grant_type; missing credentials -> invalid_request', async () => {
  oauthErr(await tokenReq({ username: agent.email, password: agent.password }), 'invalid_request', 'no grant_type');
  oauthErr(await tokenReq({}), 'invalid_request', 'nothing');
  oauthErr(await tokenJson({ username: agent.email, password: agent.password }), 'invalid_request', 'json without grant_type');
  for (const g of ['client_credentials', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'PASSWORD']) {
    oauthErr(await tokenReq({ grant_type: g, username: agent.email, password: agent.password }), 'unsupported_grant_type', g);
    oauthErr(await tokenForm({ grant_type: g }), 'unsupported_grant_type', `form ${g}`);
  }
  oauthErr(await tokenReq({ grant_type: 'password', username: agent.email }), 'invalid_request', 'no password');
  oauthErr(await tokenReq({ grant_type: 'password', password: agent.password }), 'invalid_request', 'no username');
});

test('a password changed through Tamio update: the old one fails, the new one works', async () => {
  const t = await fx.teammate({ password: 'first-password' });
  await fx.token(t.email, 'first-password');
  const u = await fx.call('POST', `${A}/teammates/update/${t.id}`, { password: 'second-password' });
  assert.equal(u.status, 200, show(u));
  oauthErr(await tokenReq({ grant_type: 'password', username: t.email, password: 'first-password' }), 'invalid_grant');
  await fx.token(t.email, 'second-password');
});

test('401 {code,message}: no credentials, unknown key, unknown token, malformed header', async () => {
  for (const [what, o] of [
    ['none', { key: null }],
    ['unknown key', { key: 'tk_live_nope' }],
    ['unknown token', { key: `atk_${'0'.repeat(64)}` }],
    ['empty bearer', { key: '' }],
  ]) {
    aErr(await s.api('GET', `${V}/tickets`, undefined, o), 401, undefined, `list, ${what}`);
    aErr(await s.api('POST', `${V}/tickets`, { email: 'x@example.com' }, o), 401, undefined, `create, ${what}`);
    aErr(await s.api('GET', `${V}/tickets/${uuid()}`, undefined, o), 401, undefined, `get, ${what}`);
  }
  aErr(await s.api('GET', `${V}/tickets`, undefined, { key: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401);
});

test('POST /token/revoke with the bearer token: 200 {revoked:true}; the token is a 401 everywhere after', async () => {
  const t = await fx.token(agent.email, agent.password);
  const keep = await fx.token(agent.email, agent.password);
  assert.equal((await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, { key: t })).status, 200, 'tokens work on Tamio paths');
  assert.equal((await s.api('GET', `${Z}/tickets/details?status=pending`, undefined, { key: t })).status, 200, 'tokens work on Zaia paths');
  const r = await s.api('POST', `${V}/token/revoke`, undefined, { key: t });
  assert.deepEqual(ok(r, 200, 'revoke'), { revoked: true });
  aErr(await s.api('GET', `${V}/tickets`, undefined, { key: t }), 401, undefined, 'revoked token');
  assert.equal((await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, { key: t })).status, 401, 'revoked on Tamio');
  assert.equal((await s.api('GET', `${Z}/tickets/details?status=pending`, undefined, { key: t })).status, 401, 'revoked on Zaia');
  assert.equal((await s.api('GET', `${V}/tickets`, undefined, { key: keep })).status, 200, 'the other token still works');
});

test('POST /token/revoke with `token` (form and JSON); unknown tokens still answer 200', async () => {
  const t1 = await fx.token(agent.email, agent.password);
  const t2 = await fx.token(agent.email, agent.password);
  const f = await s.api('POST', `${V}/token/revoke`, new URLSearchParams({ token: t1 }).toString(),
    { key: null, raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.deepEqual(ok(f, 200, 'revoke form'), { revoked: true });
  const j = await s.api('POST', `${V}/token/revoke`, { token: t2 }, { key: null });
  assert.deepEqual(ok(j, 200, 'revoke json'), { revoked: true });
  aErr(await s.api('GET', `${V}/tickets`, undefined, { key: t1 }), 401);
  aErr(await s.api('GET', `${V}/tickets`, undefined, { key: t2 }), 401);
  const u = await s.api('POST', `${V}/token/revoke${qs({ token: `atk_${'1'.repeat(64)}` })}`, undefined, { key: null });
  assert.deepEqual(ok(u, 200, 'revoke unknown'), { revoked: true });
  const again = await s.api('POST', `${V}/token/revoke`, { token: t1 }, { key: null });
  assert.deepEqual(ok(again, 200, 'revoke twice'), { revoked: true });
});

test('an agent token: own and unassigned tickets only; others 403 on get/change/delete/medias/events/export', async () => {
  const mine = await fx.ticket({ agent: agent.id, subject: 'mine' });
  const free = await fx.ticket({ subject: 'unassigned' });
  const theirs = await fx.ticket({ agent: other.id, subject: 'theirs' });
  const me = as(await fx.token(agent.email, agent.password));
  assert.equal((await me.get(mine.id)).id, mine.id);
  assert.equal((await me.get(free.id)).id, free.id, 'unassigned tickets are open to every agent');
  for (const [m, p, b] of [
    ['GET', `/tickets/${theirs.id}`],
    ['PATCH', `/tickets/${theirs.id}`, { subject: 'hijack' }],
    ['PUT', `/tickets/${theirs.id}`, { state: 'closed' }],
    ['DELETE', `/tickets/${theirs.id}`],
    ['GET', `/tickets/${theirs.id}/medias`],
    ['GET', `/tickets/${theirs.id}/events`],
    ['GET', `/tickets/${theirs.id}/export`],
    ['GET', `/tickets/${theirs.id}/export?format=csv`],
  ]) {
    aErr(await me.call(m, p, b), 403, undefined, `${m} ${p}`);
  }
  const still = await fx.get(theirs.id);
  assert.equal(still.subject, 'theirs', 'a refused change wrote nothing');
  assert.equal(still.state, 'new');
  // An unknown ticket is still a 404 for a token.
  aErr(await me.call('GET', `/tickets/${uuid()}`), 404);
  // The agent may change the unassigned ticket (and take it).
  await me.patch(free.id, { subject: 'taken', agent: agent.username });
  const taken = await fx.get(free.id);
  assert.equal(taken.subject, 'taken');
  assert.equal(taken.agent.id, agent.id);
  assert.equal(taken.agent.username, agent.username);
});

test("an agent token lists its own tickets by default; user=all and another agent's id are 403; itself by id, email, username", async () => {
  const t = await fx.teammate({ name: 'Lister', username: uniq('lister'), password: 'lister-pass' });
  const mine1 = await fx.ticket({ agent: t.id });
  const mine2 = await fx.ticket({ agent: t.email });
  await fx.ticket({ agent: other.id });
  await fx.ticket({});
  const me = as(await fx.token(t.username, t.password));
  const l = await me.list({ limit: 100 });
  assert.deepEqual(l.data.map((x) => x.id).sort(), [mine1.id, mine2.id].sort(), 'only tickets assigned to the user');
  assert.equal(l.total, 2);
  for (const u of [t.id, t.email, t.username]) {
    const r = await me.list({ user: u, limit: 100 });
    assert.deepEqual(r.data.map((x) => x.id).sort(), [mine1.id, mine2.id].sort(), `user=${u}`);
  }
  aErr(await me.call('GET', '/tickets?user=all'), 403, 'user', 'user=all');
  aErr(await me.call('GET', `/tickets?user=${other.id}`), 403, 'user', 'user=other');
  aErr(await me.call('GET', `/tickets/${mine1.id}/medias?user=all`), 403, 'user', 'medias user=all');
});

test('an admin token sees every ticket; user=all lists the workspace; a key acts as admin too', async () => {
  const theirs = await fx.ticket({ agent: other.id, subject: 'for admin' });
  const ad = as(await fx.token(admin.email, admin.password));
  assert.equal((await ad.get(theirs.id)).id, theirs.id);
  const all = await ad.list({ user: 'all', limit: 100 });
  const keyAll = await fx.list({ limit: 100 });
  assert.equal(all.total, keyAll.total, 'user=all = what a key lists by default');
  assert.ok(all.data.some((x) => x.id === theirs.id));
  const byOther = await ad.list({ user: other.id, limit: 100 });
  assert.ok(byOther.data.length > 0);
  assert.ok(byOther.data.every((x) => x.agent?.id === other.id), 'user=<id> lists that agent only');
  await ad.patch(theirs.id, { state: 'open' });
  assert.equal((await fx.get(theirs.id)).state, 'open');
  assert.equal((await fx.list({ user: 'all', limit: 1 })).total, keyAll.total, 'a key may ask user=all');
  const ev = await fx.events(theirs.id);
  const changed = ev.data.find((e) => e.type === 'ticket.state_changed');
  assert.deepEqual(changed.actor, { type: 'user', id: admin.id }, 'the admin token acts as the admin');
  assert.equal(ev.data[0].actor.type, 'key', 'the key-created ticket has a key actor');
});

test("a token never sees another workspace's tickets (404), and its teammates cannot log in there", async () => {
  const ws2 = s.newWorkspaceKey();
  const fx2 = apx(s, ws2.key);
  const t2 = await fx2.teammate({ role: 'admin', password: 'ws2-admin-pass' });
  const tok2 = await fx2.token(t2.email, t2.password);
  const t1 = await fx.ticket({ subject: 'workspace one' });
  aErr(await as(tok2).call('GET', `/tickets/${t1.id}`), 404, undefined, 'foreign ticket by token');
  aErr(await as(ws2.key).call('GET', `/tickets/${t1.id}`), 404, undefined, 'foreign ticket by key');
  const l = await as(tok2).list({ user: 'all', limit: 100 });
  assert.equal(l.total, 0);
  const mine = await as(tok2).ticket({ subject: 'ws2' });
  assertTicket(mine);
  aErr(await fx.call('GET', `/tickets/${mine.id}`), 404, undefined, 'ws1 key on ws2 ticket');
});
