// Zaia /api/v1 errors: {statusCode, error, message} naming the field; 401 (raw and Bearer keys);
// malformed uuid in the path -> 400; unknown id in the path -> 404; unknown id in the body ->
// 400; malformed / non-object JSON -> 400; unknown path 404; wrong method 405; 413; and nothing
// is written by a rejected request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uuid, show } from './lib/harness.mjs';
import { Z, zfx, zOk, zErr, zNotFoundInBody, qs } from './lib/zaia.mjs';

let s;
let fx;
let W; // a full set of objects
before(async () => {
  s = await startServer();
  fx = zfx(s);
  const user = await fx.user();
  const ext = await fx.externalUser();
  const channel = await fx.channel();
  const responder = await fx.responder();
  const chat = await fx.chat({ channelId: channel.id, ownerId: ext.id, responderId: responder.id });
  const tag = await fx.tag();
  const team = await fx.team();
  const ticket = await fx.ticket({ chatId: chat.id, assigneeId: user.id, ticketingTeamId: team.id });
  await fx.tagTicket(ticket.id, tag.id);
  W = { user, ext, channel, responder, chat, tag, team, ticket };
});
after(async () => {
  await s?.stop();
});

// Every GET that reads the store, for "nothing written" snapshots.
async function snapshot() {
  const out = {};
  for (const p of ['/users', '/external-users', '/channels', '/super-identities/responders', '/chats', '/tags', '/ticketing-teams']) {
    out[p] = await fx.list(p);
  }
  for (const st of ['pending', 'ongoing', 'completed']) {
    out[`details-${st}`] = zOk(await fx.call('GET', `/tickets/details${qs({ status: st, includeRemoved: true, pageSize: 100 })}`));
  }
  out.messages = zOk(await fx.call('GET', `/chats/${W.chat.id}/messages?pageSize=100`));
  return out;
}

test('401: missing, unknown and malformed keys, in the Zaia shape; raw and Bearer keys both work', async () => {
  const p = `${Z}/tags`;
  for (const [what, opts] of [
    ['no key', { key: null }],
    ['unknown raw', { key: 'tkd_' + '0'.repeat(64), auth: 'raw' }],
    ['unknown bearer', { key: 'tkd_' + '0'.repeat(64), auth: 'bearer' }],
    ['garbage', { key: 'nope', auth: 'raw' }],
    ['empty bearer', { headers: { authorization: 'Bearer ' }, key: null }],
    ['basic scheme', { headers: { authorization: `Basic ${s.key}` }, key: null }],
  ]) {
    const r = await s.api('GET', p, undefined, opts);
    zErr(r, 401, undefined, what);
  }
  const w = await s.api('POST', p, { name: 'sneaky', description: '', color: '1' }, { key: 'tkd_' + '1'.repeat(64), auth: 'raw' });
  zErr(w, 401, undefined, 'write with a bad key');
  assert.ok(!(await fx.list('/tags')).some((t) => t.name === 'sneaky'), 'a 401 writes nothing');
  for (const auth of ['raw', 'bearer']) {
    const r = await s.api('GET', `${Z}/tags/${W.tag.id}`, undefined, { auth });
    assert.equal(r.status, 200, `${auth}: ${show(r)}`);
    assert.equal(r.json.id, W.tag.id);
  }
  // 401 comes before any path validation
  zErr(await s.api('GET', `${Z}/tickets/not-a-uuid/details`, undefined, { key: null }), 401, undefined, 'bad uuid, no key');
  zErr(await s.api('GET', `${Z}/tickets/details`, undefined, { key: null }), 401, undefined, 'missing status, no key');
});

test('401: a revoked key', async () => {
  const k2 = s.cli(['key', 'create', '--workspace', 'default']);
  const ok = await s.api('GET', `${Z}/tags`, undefined, { key: k2, auth: 'raw' });
  assert.equal(ok.status, 200, show(ok));
  s.cli(['key', 'revoke', k2.slice(0, 12)]);
  for (const auth of ['raw', 'bearer']) {
    zErr(await s.api('GET', `${Z}/tags`, undefined, { key: k2, auth }), 401, undefined, `revoked ${auth}`);
  }
});

const pathRoutes = (id) => [
  ['GET', `/users/${id}`], ['PATCH', `/users/${id}`, { name: 'x' }], ['DELETE', `/users/${id}`],
  ['GET', `/external-users/${id}`], ['PATCH', `/external-users/${id}`, { name: 'x' }], ['DELETE', `/external-users/${id}`],
  ['GET', `/channels/${id}`], ['PATCH', `/channels/${id}`, { name: 'x' }], ['DELETE', `/channels/${id}`],
  ['GET', `/super-identities/responders/${id}`], ['PATCH', `/super-identities/responders/${id}`, { name: 'x' }],
  ['DELETE', `/super-identities/responders/${id}`], ['POST', `/super-identities/responders/${id}/versions`, {}],
  ['GET', `/chats/${id}`], ['PATCH', `/chats/${id}`, { summary: 'x' }], ['DELETE', `/chats/${id}`],
  ['GET', `/chats/${id}/messages`], ['POST', `/chats/${id}/messages`, { text: 'x' }],
  ['GET', `/tags/${id}`], ['PATCH', `/tags/${id}`, { name: 'x' }], ['DELETE', `/tags/${id}`],
  ['GET', `/ticketing-teams/${id}`], ['PATCH', `/ticketing-teams/${id}`, { name: 'x' }], ['DELETE', `/ticketing-teams/${id}`],
  ['GET', `/tickets/${id}/details`],
  ['PATCH', `/tickets/${id}/complete`, { userId: W.user.id }],
  ['PATCH', `/tickets/${id}/takeover`, { assigneeId: W.user.id }],
  ['PATCH', `/tickets/${id}/assignee`, { assigneeId: W.user.id }],
  ['POST', `/tickets/${id}/tags`, { tagId: W.tag.id }],
  ['DELETE', `/tickets/${id}/tags/${W.tag.id}`],
];

test('malformed uuid in the path -> 400 for every route; nothing written', async () => {
  const before0 = await snapshot();
  for (const bad of ['not-a-uuid', '12345', `${uuid()}0`, uuid().replace(/-/g, ''), 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz']) {
    for (const [m, p, b] of pathRoutes(bad)) {
      zErr(await fx.call(m, p, b), 400, undefined, `${m} ${p}`);
    }
  }
  // the second id of /tickets/{ticketId}/tags/{tagId}
  zErr(await fx.call('DELETE', `/tickets/${W.ticket.id}/tags/nope`), 400, undefined, 'malformed tagId in the path');
  assert.deepEqual(await snapshot(), before0);
});

test('unknown id in the path -> 404 for every route; nothing written', async () => {
  const before0 = await snapshot();
  for (const [m, p, b] of pathRoutes(uuid())) {
    zErr(await fx.call(m, p, b), 404, undefined, `${m} ${p}`);
  }
  assert.deepEqual(await snapshot(), before0);
});

test('unknown id in the body -> 400 naming the field; nothing written', async () => {
  const before0 = await snapshot();
  const { user, ext, channel, responder, chat, ticket } = W;
  const cases = [
    ['POST', '/chats', { channelId: uuid(), ownerId: ext.id, responderId: responder.id }, 'channelId'],
    ['POST', '/chats', { channelId: channel.id, ownerId: uuid(), responderId: responder.id }, 'ownerId'],
    ['POST', '/chats', { channelId: channel.id, ownerId: ext.id, responderId: uuid() }, 'responderId'],
    ['POST', '/tickets', { chatId: uuid(), ticketingTeamId: null, assigneeId: user.id, status: 'pending' }, 'chatId'],
    ['POST', '/tickets', { chatId: chat.id, ticketingTeamId: null, assigneeId: uuid(), status: 'pending' }, 'assigneeId'],
    ['POST', '/tickets', { chatId: chat.id, ticketingTeamId: uuid(), assigneeId: user.id, status: 'pending' }, 'ticketingTeamId'],
    ['PATCH', `/tickets/${ticket.id}/complete`, { userId: uuid() }, 'userId'],
    ['PATCH', `/tickets/${ticket.id}/takeover`, { assigneeId: uuid() }, 'assigneeId'],
    ['PATCH', `/tickets/${ticket.id}/assignee`, { assigneeId: uuid() }, 'assigneeId'],
    ['POST', `/tickets/${ticket.id}/tags`, { tagId: uuid() }, 'tagId'],
    ['PATCH', `/chats/${chat.id}`, { responderId: uuid() }, 'responderId'],
  ];
  for (const [m, p, b, f] of cases) zNotFoundInBody(await fx.call(m, p, b), f, `${m} ${p} ${f}`);
  // malformed uuids in the body -> 400 naming the field
  for (const [m, p, b, f] of cases) {
    zErr(await fx.call(m, p, { ...b, [f]: 'xyz' }), 400, f, `${m} ${p} malformed ${f}`);
  }
  assert.deepEqual(await snapshot(), before0);
});

test('malformed JSON or a non-object body -> 400 naming body; nothing written', async () => {
  const before0 = await snapshot();
  const bodies = ['{', '{"name": "x",}', 'not json', '[]', '"a string"', '42', 'null', '[{"name":"x"}]'];
  const targets = [
    ['POST', '/users'], ['POST', '/external-users'], ['POST', '/channels'], ['POST', '/super-identities/responders'],
    ['POST', '/chats'], ['POST', '/tags'], ['POST', '/ticketing-teams'], ['POST', '/tickets'],
    ['POST', `/chats/${W.chat.id}/messages`], ['PATCH', `/tags/${W.tag.id}`], ['PATCH', `/users/${W.user.id}`],
    ['PATCH', `/tickets/${W.ticket.id}/takeover`], ['POST', `/tickets/${W.ticket.id}/tags`],
  ];
  for (const [m, p] of targets) {
    for (const raw of bodies) {
      zErr(await fx.call(m, p, raw, { raw: true }), 400, 'body', `${m} ${p} ${raw}`);
    }
  }
  assert.deepEqual(await snapshot(), before0);
});

test('missing and ill-typed fields -> 400 naming the field; unknown fields ignored', async () => {
  const before0 = await snapshot();
  const cases = [
    ['/users', { name: 'x' }, 'email'],
    ['/users', { name: ['x'], email: 'a@example.com' }, 'name'],
    ['/users', { name: 'x', email: 'a@example.com', picture: 5 }, 'picture'],
    ['/external-users', { name: null }, 'name'],
    ['/external-users', { name: 'x', email: 12 }, 'email'],
    ['/channels', { name: 'x', type: 1 }, 'type'],
    ['/super-identities/responders', { name: 'x', entity: null }, 'entity'],
    ['/chats', { channelId: W.channel.id, ownerId: W.ext.id, responderId: W.responder.id, summary: {} }, 'summary'],
    ['/tags', { name: 'x', description: 'd', color: null }, 'color'],
    ['/ticketing-teams', { name: 3 }, 'name'],
    ['/tickets', { chatId: W.chat.id, ticketingTeamId: null, assigneeId: W.user.id, status: 5 }, 'status'],
  ];
  for (const [p, b, f] of cases) zErr(await fx.call('POST', p, b), 400, f, `POST ${p} ${JSON.stringify(b)}`);
  zErr(await fx.call('PATCH', `/users/${W.user.id}`, { name: null }), 400, 'name', 'required field patched to null');
  zErr(await fx.call('PATCH', `/tags/${W.tag.id}`, { name: '' }), 400, 'name', 'tag name patched empty');
  assert.deepEqual(await snapshot(), before0);
  const t = await fx.tag({ name: 'with extras', extra: { deep: [1] }, id: uuid(), workspaceId: uuid() });
  assert.equal(t.name, 'with extras');
  assert.equal(t.workspaceId, W.user.workspaceId, 'workspaceId in the body is ignored');
});

test('a rejected request after valid fields writes nothing (ticket create with one bad field)', async () => {
  const before0 = await snapshot();
  const good = { chatId: W.chat.id, ticketingTeamId: null, assigneeId: W.user.id, status: 'pending' };
  for (const bad of [{ status: 'completed' }, { assigneeId: uuid() }, { summary: 1 }]) {
    const r = await fx.call('POST', '/tickets', { ...good, ...bad });
    assert.equal(r.status, 400, show(r));
  }
  // a failed PATCH leaves the ticket as it was
  const d0 = await fx.details(W.ticket.id);
  assert.equal((await fx.call('PATCH', `/tickets/${W.ticket.id}/takeover`, { assigneeId: uuid() })).status, 400);
  assert.equal((await fx.call('PATCH', `/tickets/${W.ticket.id}/complete`, { userId: W.ext.id })).status, 400);
  assert.deepEqual(await fx.details(W.ticket.id), d0);
  assert.deepEqual(await snapshot(), before0);
});

test('unknown path under /api/v1 -> 404; known path with another method -> 405 (Zaia shape)', async () => {
  for (const p of ['/nope', '/ticket', '/tickets/details/extra', `/users/${W.user.id}/extra`, '/super-identities']) {
    zErr(await fx.call('GET', p), 404, undefined, `GET ${p}`);
  }
  for (const [m, p] of [['PUT', '/users'], ['DELETE', '/tags'], ['PUT', `/tags/${W.tag.id}`], ['POST', `/users/${W.user.id}`],
    ['GET', `/super-identities/responders/${W.responder.id}/versions`], ['PATCH', '/chats'], ['GET', '/tickets']]) {
    zErr(await fx.call(m, p, m === 'GET' || m === 'DELETE' ? undefined : {}), 405, undefined, `${m} ${p}`);
  }
});

test('a body over 1 MiB -> 413 in the Zaia shape; nothing written', async () => {
  const n = (await fx.list('/tags')).length;
  const head = JSON.stringify({ name: 'big', description: '', color: '1' }).slice(0, -1) + ',"pad":"';
  const body = head + 'p'.repeat(1048577 - head.length - 2) + '"}';
  const headers = { authorization: s.key, 'content-type': 'application/json' };
  const r = await s.rawHttp('POST', `${Z}/tags`, { headers, body });
  zErr(r, 413, undefined, '1 MiB + 1');
  assert.equal((await fx.list('/tags')).length, n);
});

test('a NUL byte (%00) in a path parameter or a query value -> 400 naming it (Zaia shape); nothing written', async () => {
  const before0 = await snapshot();
  zErr(await fx.call('GET', `/tickets/${W.ticket.id}%00/details`), 400, 'id', 'path');
  zErr(await fx.call('GET', `/users/${W.user.id}%00`), 400, 'id', 'path, last segment');
  zErr(await fx.call('PATCH', `/tickets/${W.ticket.id}%00/complete`, { userId: W.user.id }), 400, 'id', 'a write');
  zErr(await fx.call('DELETE', `/tickets/${W.ticket.id}/tags/${W.tag.id}%00`), 400, 'tagId', 'second parameter');
  zErr(await fx.call('GET', `/tickets/details?status=pending&pageSize=10%00`), 400, 'pageSize', 'a number');
  zErr(await fx.call('GET', `/tickets/details?status=pending%00x`), 400, 'status', 'an enum');
  zErr(await fx.call('GET', `/tickets/details?status=pending&search=boiler%00`), 400, 'search', 'text');
  zErr(await fx.call('GET', `/tickets/details?assigneeIds=${W.user.id}%00`), 400, 'assigneeIds', 'an id list');
  assert.deepEqual(await snapshot(), before0);
});
