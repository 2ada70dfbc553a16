// The access policy (core/policy.h, docs/ACCESS.md) in every dialect, table-driven: every route
// that writes (from `ticketd routes`, so a new endpoint without a row here fails this file) is
// tried with an agent's token against what the agent may not touch, and must answer that
// dialect's 403 with nothing written; where the agent may act (own or unassigned tickets, its
// own record, clients, chats), the same route succeeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, show, A, uniq, sql, BIN, PNG_1x1 } from './lib/harness.mjs';
import { V, Z, apx, qs } from './lib/apizee.mjs';
import { zfx } from './lib/zaia.mjs';
import { N, assertProblem } from './lib/native.mjs';

let s;
let fx; // the workspace key (an administrator)
let zk; // Zaia fixtures on the key
let agent, agentTok, other, admin, adminTok;
let w; // the objects the table's requests name

before(async () => {
  s = await startServer();
  fx = apx(s);
  zk = zfx(s);
  agent = await fx.teammate({ name: 'Agnes', username: uniq('agnes'), password: 'agent-pass-1' });
  other = await fx.teammate({ name: 'Otto', password: 'other-pass-1' });
  admin = await fx.teammate({ name: 'Ada', role: 'admin', password: 'admin-pass-1' });
  agentTok = await fx.token(agent.email, agent.password);
  adminTok = await fx.token(admin.email, admin.password);

  const k = (m, p, b) => fx.call(m, p, b);
  const okBody = async (r, what) => {
    assert.ok(r.status >= 200 && r.status < 300, `${what}: ${show(r)}`);
    return r.json;
  };
  const client = (await okBody(await k('POST', `${A}/clients/create`, { name: 'Cleo', email: `${uniq('c')}@example.com` }), 'client')).client;
  const category = (await okBody(await k('POST', `${A}/ticket-categories/create`, { title: uniq('Cat'), language: 'en' }), 'category')).ticket_category;
  const plan = (await okBody(await k('POST', `${A}/plans/create`, { name: uniq('Plan') }), 'plan')).product;
  const tamioTicket = async () => (await okBody(await k('POST', `${A}/tickets/create`, { client_id: client.id, title: 'T', description: 'd', category: category.id }), 'ticket')).ticket;
  // A Tamio ticket assigned to the other agent (foreign) and one assigned to the agent (own).
  const foreign = await tamioTicket();
  await okBody(await k('POST', `${A}/tickets/assign/${foreign.id}`, { teammate_id: other.id }), 'assign');
  const own = await tamioTicket();
  await okBody(await k('POST', `${A}/tickets/assign/${own.id}`, { teammate_id: agent.id }), 'assign');
  const unassigned = await tamioTicket();
  const tag = await zk.tag();
  const zForeign = await zk.ticket({ assigneeId: other.id });
  await zk.tagTicket(zForeign.id, tag.id);
  const zOwn = await zk.ticket({ assigneeId: agent.id });
  const chan = await zk.channel();
  const resp = await zk.responder();
  const team = await zk.team();
  const ext = await zk.externalUser();
  const plainChat = await zk.chat(); // a chat with no ticket
  const aForeign = await fx.ticket({ agent: other.email });
  const aOwn = await fx.ticket({ agent: agent.email });
  const asset = (await okBody(await send(s.key, ['POST', `${A}/assets/upload`, pngForm]), 'upload')).asset;
  w = { client, category, plan, foreign, own, unassigned, tag, zForeign, zOwn, chan, resp, team, ext, plainChat, aForeign, aOwn, asset };
});
after(async () => {
  await s?.stop();
});

function pngForm() {
  const f = new FormData();
  f.append('file', new Blob([PNG_1x1], { type: 'image/png' }), 'p.png');
  return f;
}

// What the store holds, as one string: any write changes it.
function fingerprint() {
  const counts = ['events', 'tickets', 'users', 'contacts', 'categories', 'plans', 'chats', 'messages', 'tags',
    'ticket_tags', 'teams', 'assets', 'channels', 'responders', 'responder_versions', 'replies', 'medias', 'notifications',
    'webhooks', 'webhook_deliveries']
    .map((t) => `(SELECT count(*) FROM ${t})`);
  const stamps = ['tickets', 'users', 'contacts', 'categories', 'chats', 'tags', 'teams', 'channels', 'responders']
    .map((t) => `(SELECT coalesce(max(updated_at), 0) FROM ${t})`);
  const roles = "(SELECT count(*) FROM users WHERE role = 'admin')";
  const hashes = '(SELECT count(DISTINCT password_hash) FROM users)';
  return sql(s.dataDir, `SELECT ${[...counts, ...stamps, roles, hashes].join(', ')};`);
}

// Each write route: `deny` is a request the agent may not make (403, nothing written);
// `allow`, where the rule lets an agent act, one it may (2xx).
const R = () => ({
  'POST /v2/agency/tickets/create': { allow: ['POST', `${A}/tickets/create`, { client_id: w.client.id, title: 'Mine', description: 'x', category: w.category.id }] },
  'POST /v2/agency/tickets/assign/{uuid}': {
    deny: ['POST', `${A}/tickets/assign/${w.foreign.id}`, { teammate_id: agent.id }],
    allow: ['POST', `${A}/tickets/assign/${w.unassigned.id}`, { teammate_id: agent.id }] },
  'POST /v2/agency/tickets/reply/create/{uuid}': {
    deny: ['POST', `${A}/tickets/reply/create/${w.foreign.id}`, { reply: 'hi' }],
    allow: ['POST', `${A}/tickets/reply/create/${w.own.id}`, { reply: 'hi' }] },
  'POST /v2/agency/tickets/close/{uuid}': {
    deny: ['POST', `${A}/tickets/close/${w.foreign.id}`, {}],
    allow: ['POST', `${A}/tickets/close/${w.own.id}`, {}] },
  'POST /v2/agency/tickets/reopen/{uuid}': {
    deny: ['POST', `${A}/tickets/reopen/${w.foreign.id}`, {}],
    allow: ['POST', `${A}/tickets/reopen/${w.own.id}`, {}] },
  'DELETE /v2/agency/tickets/{uuid}': { deny: ['DELETE', `${A}/tickets/${w.foreign.id}`] },
  'POST /v2/agency/ticket-categories/create': { deny: ['POST', `${A}/ticket-categories/create`, { title: 'X', language: 'en' }] },
  'POST /v2/agency/ticket-categories/update/{uuid}': { deny: ['POST', `${A}/ticket-categories/update/${w.category.id}`, { title: 'Y' }] },
  'DELETE /v2/agency/ticket-categories/{uuid}': { deny: ['DELETE', `${A}/ticket-categories/${w.category.id}`] },
  'POST /v2/agency/plans/create': { deny: ['POST', `${A}/plans/create`, { name: 'P' }] },
  'DELETE /v2/agency/plans/{uuid}': { deny: ['DELETE', `${A}/plans/${w.plan.id}`] },
  'POST /v2/agency/teammates/create': { deny: ['POST', `${A}/teammates/create`, { name: 'Evil', email: `${uniq('e')}@example.com`, role: 'admin' }] },
  'POST /v2/agency/teammates/update/{uuid}': {
    deny: ['POST', `${A}/teammates/update/${admin.id}`, { password: 'taken-over-1' }],
    allow: ['POST', `${A}/teammates/update/${agent.id}`, { last_name: 'Changed' }] },
  'DELETE /v2/agency/teammates/{uuid}': { deny: ['DELETE', `${A}/teammates/${other.id}`] },
  'POST /v2/agency/clients/create': { allow: ['POST', `${A}/clients/create`, { name: 'New', email: `${uniq('n')}@example.com` }] },
  'POST /v2/agency/clients/update/{uuid}': { allow: ['POST', `${A}/clients/update/${w.client.id}`, { name: 'Cleo B' }] },
  'DELETE /v2/agency/clients/{uuid}': { deny: ['DELETE', `${A}/clients/${w.ext.id}`] },
  'POST /v2/agency/assets/upload': { allow: ['POST', `${A}/assets/upload`, pngForm] },
  'DELETE /v2/agency/assets/{uuid}': { deny: ['DELETE', `${A}/assets/${w.asset.id}`] },
  'POST /v2/teammates/create': { deny: ['POST', '/v2/teammates/create', { name: 'Evil', email: `${uniq('e')}@example.com` }] },
  'POST /v2/teammates/update/{uuid}': {
    deny: ['POST', `/v2/teammates/update/${agent.id}`, { role: 'admin' }],
    allow: ['POST', `/v2/teammates/update/${agent.id}`, { password: 'my-new-pass-1' }] },
  'DELETE /v2/teammates/{uuid}': { deny: ['DELETE', `/v2/teammates/${other.id}`] },
  'POST /v2/clients/create': { allow: ['POST', '/v2/clients/create', { name: 'New', email: `${uniq('n')}@example.com` }] },
  'POST /v2/clients/update/{uuid}': { allow: ['POST', `/v2/clients/update/${w.client.id}`, { name: 'Cleo C' }] },
  'DELETE /v2/clients/{uuid}': { deny: ['DELETE', `/v2/clients/${w.client.id}`] },
  'POST /v2/assets/upload': { allow: ['POST', '/v2/assets/upload', pngForm] },
  'DELETE /v2/assets/{uuid}': { deny: ['DELETE', `/v2/assets/${w.asset.id}`] },

  'POST /api/v1/tickets': { allow: ['POST', `${Z}/tickets`, { chatId: w.plainChat.id, assigneeId: agent.id, ticketingTeamId: null, status: 'pending' }] },
  'PATCH /api/v1/tickets/{id}/complete': {
    deny: ['PATCH', `${Z}/tickets/${w.zForeign.id}/complete`, { userId: agent.id }],
    allow: ['PATCH', `${Z}/tickets/${w.zOwn.id}/complete`, { userId: agent.id }] },
  'PATCH /api/v1/tickets/{id}/takeover': {
    deny: ['PATCH', `${Z}/tickets/${w.zForeign.id}/takeover`, { assigneeId: agent.id }],
    allow: ['PATCH', `${Z}/tickets/${w.zOwn.id}/takeover`, { assigneeId: agent.id }] },
  'PATCH /api/v1/tickets/{id}/assignee': { deny: ['PATCH', `${Z}/tickets/${w.zForeign.id}/assignee`, { assigneeId: agent.id }] },
  'POST /api/v1/tickets/{ticketId}/tags': {
    deny: ['POST', `${Z}/tickets/${w.zForeign.id}/tags`, { tagId: w.tag.id }],
    allow: ['POST', `${Z}/tickets/${w.zOwn.id}/tags`, { tagId: w.tag.id }] },
  'DELETE /api/v1/tickets/{ticketId}/tags/{tagId}': { deny: ['DELETE', `${Z}/tickets/${w.zForeign.id}/tags/${w.tag.id}`] },
  'POST /api/v1/super-identities/responders/{id}/versions': { deny: ['POST', `${Z}/super-identities/responders/${w.resp.id}/versions`, {}] },
  'POST /api/v1/chats/{id}/messages': {
    deny: ['POST', `${Z}/chats/${w.zForeign.chatId}/messages`, { text: 'psst' }],
    allow: ['POST', `${Z}/chats/${w.zOwn.chatId}/messages`, { text: 'hello' }] },
  'POST /api/v1/users': { deny: ['POST', `${Z}/users`, { name: 'Evil', email: `${uniq('e')}@example.com`, role: 'admin' }] },
  'PATCH /api/v1/users/{id}': {
    deny: ['PATCH', `${Z}/users/${admin.id}`, { name: 'Pwned' }],
    allow: ['PATCH', `${Z}/users/${agent.id}`, { name: 'Agnes Z' }] },
  'DELETE /api/v1/users/{id}': { deny: ['DELETE', `${Z}/users/${other.id}`] },
  'POST /api/v1/external-users': { allow: ['POST', `${Z}/external-users`, { name: 'Ext' }] },
  'PATCH /api/v1/external-users/{id}': { allow: ['PATCH', `${Z}/external-users/${w.ext.id}`, { name: 'Ext B' }] },
  'DELETE /api/v1/external-users/{id}': { deny: ['DELETE', `${Z}/external-users/${w.ext.id}`] },
  'POST /api/v1/channels': { deny: ['POST', `${Z}/channels`, { name: 'c', type: 'widget' }] },
  'PATCH /api/v1/channels/{id}': { deny: ['PATCH', `${Z}/channels/${w.chan.id}`, { name: 'c2' }] },
  'DELETE /api/v1/channels/{id}': { deny: ['DELETE', `${Z}/channels/${w.chan.id}`] },
  'POST /api/v1/super-identities/responders': { deny: ['POST', `${Z}/super-identities/responders`, { name: 'R', entity: 'agents' }] },
  'PATCH /api/v1/super-identities/responders/{id}': { deny: ['PATCH', `${Z}/super-identities/responders/${w.resp.id}`, { name: 'R2' }] },
  'DELETE /api/v1/super-identities/responders/{id}': { deny: ['DELETE', `${Z}/super-identities/responders/${w.resp.id}`] },
  'POST /api/v1/chats': { allow: ['POST', `${Z}/chats`, { summary: 's', channelId: w.chan.id, ownerId: w.ext.id, responderId: w.resp.id }] },
  'PATCH /api/v1/chats/{id}': {
    deny: ['PATCH', `${Z}/chats/${w.zForeign.chatId}`, { summary: 'mine now' }],
    allow: ['PATCH', `${Z}/chats/${w.plainChat.id}`, { summary: 'edited' }] },
  'DELETE /api/v1/chats/{id}': { deny: ['DELETE', `${Z}/chats/${w.plainChat.id}`] },
  'POST /api/v1/tags': { deny: ['POST', `${Z}/tags`, { name: 'x', description: 'd', color: '1' }] },
  'PATCH /api/v1/tags/{id}': { deny: ['PATCH', `${Z}/tags/${w.tag.id}`, { name: 'y' }] },
  'DELETE /api/v1/tags/{id}': { deny: ['DELETE', `${Z}/tags/${w.tag.id}`] },
  'POST /api/v1/ticketing-teams': { deny: ['POST', `${Z}/ticketing-teams`, { name: 't' }] },
  'PATCH /api/v1/ticketing-teams/{id}': { deny: ['PATCH', `${Z}/ticketing-teams/${w.team.id}`, { name: 't2' }] },
  'DELETE /api/v1/ticketing-teams/{id}': { deny: ['DELETE', `${Z}/ticketing-teams/${w.team.id}`] },

  'POST /api/v3/tickets': { allow: ['POST', `${V}/tickets${qs({ email: 'rq@example.com', subject: 'Mine' })}`] },
  'PATCH /api/v3/tickets/{id}': {
    deny: ['PATCH', `${V}/tickets/${w.aForeign.id}`, { subject: 'x' }],
    allow: ['PATCH', `${V}/tickets/${w.aOwn.id}`, { subject: 'renamed' }] },
  'PUT /api/v3/tickets/{id}': { deny: ['PUT', `${V}/tickets/${w.aForeign.id}`, { subject: 'x' }] },
  'DELETE /api/v3/tickets/{id}': { deny: ['DELETE', `${V}/tickets/${w.aForeign.id}`] },
  'POST /api/v3/tickets/{id}/medias': { deny: ['POST', `${V}/tickets/${w.aForeign.id}/medias`, pngForm] },

  'POST /ticketd/v1/tickets': { allow: ['POST', `${N}/tickets`, { title: 'Mine', client: w.client.id }] },
  'PATCH /ticketd/v1/tickets/{id}': {
    deny: ['PATCH', `${N}/tickets/${w.foreign.id}`, { title: 'x' }],
    allow: ['PATCH', `${N}/tickets/${w.own.id}`, { title: 'renamed' }] },
  'DELETE /ticketd/v1/tickets/{id}': { deny: ['DELETE', `${N}/tickets/${w.foreign.id}`] },
  // Signing out is one's own business: a token has no session to end (204).
  'DELETE /ticketd/v1/sessions': { allow: ['DELETE', '/ticketd/v1/sessions'] },
  'POST /ticketd/v1/tickets/{id}/replies': {
    deny: ['POST', `${N}/tickets/${w.foreign.id}/replies`, { text: 'psst', note: true }],
    allow: ['POST', `${N}/tickets/${w.own.id}/replies`, { text: 'mine', note: true }] },
  'POST /ticketd/v1/assets': { allow: ['POST', `${N}/assets`, pngForm] },
  'POST /ticketd/v1/teammates': { deny: ['POST', `${N}/teammates`, { name: 'Evil', email: `${uniq('e')}@example.com`, role: 'admin' }] },
  'PATCH /ticketd/v1/teammates/{id}': {
    deny: ['PATCH', `${N}/teammates/${admin.id}`, { password: 'taken-over-1' }],
    allow: ['PATCH', `${N}/teammates/${agent.id}`, { last_name: 'Native' }] },
  'DELETE /ticketd/v1/teammates/{id}': { deny: ['DELETE', `${N}/teammates/${other.id}`] },
  'POST /ticketd/v1/clients': { allow: ['POST', `${N}/clients`, { name: 'New', email: `${uniq('n')}@example.com` }] },
  'PATCH /ticketd/v1/clients/{id}': { allow: ['PATCH', `${N}/clients/${w.client.id}`, { name: 'Cleo N' }] },
  'DELETE /ticketd/v1/clients/{id}': { deny: ['DELETE', `${N}/clients/${w.client.id}`] },
  'POST /ticketd/v1/categories': { deny: ['POST', `${N}/categories`, { title: 'X', language: 'en' }] },
  'PATCH /ticketd/v1/categories/{id}': { deny: ['PATCH', `${N}/categories/${w.category.id}`, { title: 'Y' }] },
  'DELETE /ticketd/v1/categories/{id}': { deny: ['DELETE', `${N}/categories/${w.category.id}`] },
  'POST /ticketd/v1/tags': { deny: ['POST', `${N}/tags`, { name: 'x', description: 'd', color: '1' }] },
  'PATCH /ticketd/v1/tags/{id}': { deny: ['PATCH', `${N}/tags/${w.tag.id}`, { name: 'y' }] },
  'DELETE /ticketd/v1/tags/{id}': { deny: ['DELETE', `${N}/tags/${w.tag.id}`] },
  'POST /ticketd/v1/teams': { deny: ['POST', `${N}/teams`, { name: 't' }] },
  'PATCH /ticketd/v1/teams/{id}': { deny: ['PATCH', `${N}/teams/${w.team.id}`, { name: 't2' }] },
  'DELETE /ticketd/v1/teams/{id}': { deny: ['DELETE', `${N}/teams/${w.team.id}`] },
  'POST /ticketd/v1/tickets/{id}/presence': {
    deny: ['POST', `/ticketd/v1/tickets/${w.foreign.id}/presence`, { state: 'viewing' }],
    allow: ['POST', `/ticketd/v1/tickets/${w.own.id}/presence`, { state: 'typing' }] },
  // Webhooks are refused to agents by route, before any object is loaded: any id will do.
  'POST /ticketd/v1/webhooks': { deny: ['POST', `${N}/webhooks`, { url: 'http://127.0.0.1:9/x' }] },
  'PATCH /ticketd/v1/webhooks/{id}': { deny: ['PATCH', `${N}/webhooks/${NO_ID}`, { active: false }] },
  'DELETE /ticketd/v1/webhooks/{id}': { deny: ['DELETE', `${N}/webhooks/${NO_ID}`] },
  'POST /ticketd/v1/webhooks/{id}/rotate': { deny: ['POST', `${N}/webhooks/${NO_ID}/rotate`] },
  'POST /ticketd/v1/webhooks/deliveries/{id}/resend': { deny: ['POST', `${N}/webhooks/deliveries/${NO_ID}/resend`] },
});
const NO_ID = '00000000-0000-4000-8000-000000000000';

// The refusal each dialect documents for 403.
function assertForbidden(r, path, what) {
  assert.equal(r.status, 403, `${what}: ${show(r)}`);
  if (path.startsWith('/v2')) {
    assert.equal(r.json.status, 403, what);
    assert.equal(r.json.error_code, 403, what);
    assert.equal(typeof r.json.error, 'string', what);
  } else if (path.startsWith(N)) {
    assertProblem(r, 403, 'forbidden');
  } else if (path.startsWith('/api/v1')) {
    assert.equal(r.json.statusCode, 403, what);
    assert.equal(r.json.error, 'Forbidden', what);
    assert.equal(typeof r.json.message, 'string', what);
  } else {
    assert.equal(r.json.code, 403, what);
    assert.equal(typeof r.json.message, 'string', what);
  }
}

async function send(tok, [method, path, body, opts = {}]) {
  if (typeof body !== 'function') return s.api(method, path, body, { key: tok, ...opts });
  const enc = new Response(body()); // a multipart form
  const headers = { 'content-type': enc.headers.get('content-type') };
  return s.api(method, path, Buffer.from(await enc.arrayBuffer()), { key: tok, raw: true, headers });
}

function routes() {
  return execFileSync(BIN, ['routes'], { encoding: 'utf8' }).trim().split('\n').map((l) => {
    const [method, path, res, op] = l.split(' ');
    return { method, path, res, op };
  });
}

test('every route declares a resource; every write route has a row in this table', () => {
  const all = routes();
  assert.ok(all.length > 80, 'the route table');
  for (const r of all) assert.notEqual(r.res, 'undeclared', `${r.method} ${r.path}`);
  const table = R();
  const writes = all.filter((r) => r.method !== 'GET' && r.res !== 'public');
  const missing = writes.map((r) => `${r.method} ${r.path}`).filter((k) => !table[k]);
  assert.deepEqual(missing, [], 'write routes the access-policy table does not try');
  assert.ok(writes.length >= 60, `${writes.length} write routes`);
});

test('an agent token is refused every write it may not make, in each dialect\'s 403, and nothing is written', async () => {
  const table = R();
  let denied = 0;
  for (const [route, row] of Object.entries(table)) {
    if (!row.deny) continue;
    const before = fingerprint();
    const r = await send(agentTok, row.deny);
    assertForbidden(r, row.deny[1], route);
    assert.equal(fingerprint(), before, `${route}: nothing written`);
    denied++;
  }
  assert.ok(denied >= 45, `${denied} refusals tried`);
});

test('an agent token may make the writes the policy allows (own and unassigned tickets, its own record, clients, chats)', async () => {
  const table = R();
  for (const [route, row] of Object.entries(table)) {
    if (!row.allow) continue;
    const r = await send(agentTok, row.allow);
    assert.ok(r.status >= 200 && r.status < 300, `${route}: ${show(r)}`);
  }
});

test('the same writes with an admin token (and the key) are not refused', async () => {
  const c = (await fx.call('POST', `${A}/ticket-categories/create`, { title: uniq('C'), language: 'en' }, { key: adminTok }));
  assert.equal(c.status, 200, show(c));
  const t = await fx.call('POST', `${A}/teammates/update/${other.id}`, { role: 'admin' }, { key: adminTok });
  assert.equal(t.status, 200, show(t));
  assert.equal(t.json.teammate.role, 'admin');
  const back = await fx.call('POST', `${A}/teammates/update/${other.id}`, { role: 'agent' });
  assert.equal(back.status, 200, show(back));
});

test('the account take-over of the report is closed: an agent cannot set an admin\'s password, promote itself or create an admin', async () => {
  const pw = await s.api('POST', `${A}/teammates/update/${admin.id}`, { password: 'taken-over-1' }, { key: agentTok });
  assertForbidden(pw, A, 'admin password');
  const tok = await s.api('POST', `${V}/token${qs({ grant_type: 'password', username: admin.email, password: 'taken-over-1' })}`, undefined, { key: null });
  assert.equal(tok.status, 400, `the old password still holds: ${show(tok)}`);
  const self = await s.api('POST', `${A}/teammates/update/${agent.id}`, { role: 'admin' }, { key: agentTok });
  assertForbidden(self, A, 'self-promotion');
  // Zaia's users carry no role: the key is not an input there, so it changes nothing.
  const zself = await s.api('PATCH', `${Z}/users/${agent.id}`, { role: 'admin' }, { key: agentTok });
  assert.equal(zself.status, 200, show(zself));
  assert.equal(sql(s.dataDir, `SELECT role FROM users WHERE uuid = '${agent.id}';`), 'agent');
});

test('an agent reads only its own or unassigned tickets in every dialect; lists are its own', async () => {
  const reads = [
    `${A}/tickets/retrieve/${w.foreign.id}`,
    `${Z}/tickets/${w.zForeign.id}`,
    `${Z}/tickets/${w.zForeign.id}/details`,
    `${Z}/chats/${w.zForeign.chatId}/messages`,
    `${V}/tickets/${w.aForeign.id}`,
    `${V}/tickets/${w.aForeign.id}/events`,
    `${V}/tickets/${w.aForeign.id}/export?format=json`,
    `${V}/tickets/${w.aForeign.id}/medias`,
  ];
  for (const p of reads) assertForbidden(await s.api('GET', p, undefined, { key: agentTok }), p, `GET ${p}`);
  for (const p of [`${A}/tickets/retrieve/${w.unassigned.id}`, `${Z}/tickets/${w.zOwn.id}/details`, `${V}/tickets/${w.aOwn.id}`]) {
    const r = await s.api('GET', p, undefined, { key: agentTok });
    assert.equal(r.status, 200, `GET ${p}: ${show(r)}`);
  }
  // Lists: the agent's own tickets; another teammate's is refused.
  const tl = await s.api('GET', `${A}/tickets/list?page=1&per_page=100`, undefined, { key: agentTok });
  assert.equal(tl.status, 200, show(tl));
  assert.ok(tl.json.tickets.length > 0, 'own tickets listed');
  for (const t of tl.json.tickets) assert.equal(t.teammate_id, agent.id, 'only own tickets');
  assertForbidden(await s.api('GET', `${A}/tickets/list?page=1&per_page=10&teammate_id=${other.id}`, undefined, { key: agentTok }), A, 'other teammate list');
  const zl = await s.api('GET', `${Z}/tickets/details?status=pending&pageSize=100`, undefined, { key: agentTok });
  assert.equal(zl.status, 200, show(zl));
  assert.ok(zl.json.length > 0, 'own Zaia tickets listed');
  for (const d of zl.json) assert.equal(d.assigneeId, agent.id, 'only own tickets (Zaia)');
  assertForbidden(await s.api('GET', `${Z}/tickets/details?status=pending&assigneeIds=${other.id}`, undefined, { key: agentTok }), Z, 'other assignee list');
  // The key still lists everything.
  const all = await fx.call('GET', `${A}/tickets/list?page=1&per_page=100`);
  assert.ok(all.json.total_results > tl.json.total_results, 'a key sees the workspace');
});

test('files: an agent token needs a signed URL; the key and an admin token do not', async () => {
  const p = `/files/${w.asset.id}/p.png`;
  const r = await s.api('GET', p, undefined, { key: agentTok });
  assert.equal(r.status, 403, `unsigned, agent: ${show(r)}`);
  assert.equal((await s.api('GET', p, undefined, { key: adminTok })).status, 200, 'admin token');
  assert.equal((await s.api('GET', p)).status, 200, 'key');
  const signed = new URL(w.asset.public_url);
  const r2 = await s.api('GET', signed.pathname + signed.search, undefined, { key: agentTok });
  assert.equal(r2.status, 200, `signed, agent: ${show(r2)}`);
});

// What an attacker's probe of the first version found: chats reached around the chat rule, a
// username standing for another teammate's email, an agent recording an admin as the actor.
test('chats: an agent lists only chats it may work in, and cannot open a ticket on another teammate\'s chat', async () => {
  const list = await s.api('GET', `${Z}/chats?pageSize=100`, undefined, { key: agentTok });
  assert.equal(list.status, 200, show(list));
  const ids = list.json.map((c) => c.id);
  assert.ok(!ids.includes(w.zForeign.chatId), 'another teammate\'s chat is not listed');
  assert.ok(ids.includes(w.zOwn.chatId), 'its own chat is listed');
  const all = await s.api('GET', `${Z}/chats?pageSize=100`);
  assert.ok(all.json.map((c) => c.id).includes(w.zForeign.chatId), 'the key lists every chat');
  const before = fingerprint();
  const r = await s.api('POST', `${Z}/tickets`, { chatId: w.zForeign.chatId, assigneeId: agent.id, ticketingTeamId: null, status: 'pending' }, { key: agentTok });
  assertForbidden(r, Z, 'a ticket on another teammate\'s chat');
  assert.match(r.json.message, /^chatId /);
  assert.equal(fingerprint(), before, 'nothing written');
});

test('a username cannot read as an email (it would stand for another teammate in agent=, user= and the grant)', async () => {
  const r = await s.api('POST', `${A}/teammates/update/${agent.id}`, { username: other.email }, { key: agentTok });
  assert.equal(r.status, 400, show(r));
  assert.match(r.json.error, /^username /);
  const c = await fx.call('POST', `${A}/teammates/create`, { name: 'X', email: `${uniq('x')}@example.com`, username: 'x@y.example' });
  assert.equal(c.status, 400, show(c));
});

test('an agent cannot record another teammate as the actor (Zaia complete userId); the key can', async () => {
  const t = await zk.ticket({ assigneeId: agent.id });
  const r = await s.api('PATCH', `${Z}/tickets/${t.id}/complete`, { userId: admin.id }, { key: agentTok });
  assertForbidden(r, Z, 'complete as the admin');
  assert.match(r.json.message, /^userId /);
  const ok = await s.api('PATCH', `${Z}/tickets/${t.id}/complete`, { userId: agent.id }, { key: agentTok });
  assert.equal(ok.status, 200, show(ok));
});

test('lists: an Apizee search with no word is an empty page for an agent; assigneeIds naming itself twice is its own list', async () => {
  const r = await s.api('GET', `${V}/tickets?search=!!!`, undefined, { key: agentTok });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.total, 0);
  const z = await s.api('GET', `${Z}/tickets/details?status=pending&assigneeIds=${agent.id}&assigneeIds=${agent.id}`, undefined, { key: agentTok });
  assert.equal(z.status, 200, show(z));
});

test('a teammate who has had a token can be deleted; the token dies with it', async () => {
  const t = await fx.teammate({ name: 'Temp', password: 'temp-pass-12' });
  const tok = await fx.token(t.email, t.password);
  assert.equal((await s.api('GET', `${V}/tickets`, undefined, { key: tok })).status, 200);
  const d = await fx.call('DELETE', `${A}/teammates/${t.id}`);
  assert.equal(d.status, 200, show(d));
  assert.equal((await s.api('GET', `${V}/tickets`, undefined, { key: tok })).status, 401, 'the token is gone');
});
