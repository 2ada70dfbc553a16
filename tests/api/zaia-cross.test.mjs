// Zaia /api/v1 across dialects and workspaces: Tamio tickets in Zaia details (their chat on the
// built-in "tamio" channel and "ticketd" responder), Zaia actions seen in Tamio, shared people,
// and workspace isolation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fixtures, assertOk, assertShape, A, show, SEED_TICKET, NULLABLE } from './lib/harness.mjs';
import {
  zfx, zOk, zErr, SHAPE, assertZShape, ISO_MS_RE, assertNewestFirst,
} from './lib/zaia.mjs';

let s;
let fx; // Zaia
let tx; // Tamio
let T; let cat; let catAuto;
before(async () => {
  s = await startServer();
  fx = zfx(s);
  tx = fixtures(s);
  T = await tx.teammate({ name: 'Tess', last_name: 'Teammate' });
  cat = await tx.category({ title: 'Cross', teammate_id: T.id });
  catAuto = await tx.category({ title: 'Cross auto', automated_reply: 'We got your message.' });
});
after(async () => {
  await s?.stop();
});

test('a Tamio ticket shows in Zaia details: same id, chat on the built-in tamio channel and ticketd responder', async () => {
  const cl = await tx.client({ name: 'Carla Client' });
  const t = await tx.ticket({ client_id: cl.id, category: cat.id, title: 'Printer on fire', description: 'Help, smoke!' });
  assert.equal(t.teammate_id, T.id);
  const r = await fx.call('GET', `/tickets/${t.id}/details`);
  const d = zOk(r, 'details of a Tamio ticket');
  assertZShape(d, SHAPE.ticketDetails, 'details');
  assert.equal(d.id, t.id);
  assert.equal(d.summary, 'Printer on fire');
  assert.equal(d.assigneeId, T.id);
  const zT = await fx.get(`/users/${T.id}`);
  assert.match(zT.name, /^Tess\b/, 'the teammate is a Zaia user');
  assert.equal(d.assigneeName, zT.name, 'assigneeName is the user name');
  assert.equal(d.assigneeEmail, T.email);
  assert.equal(d.chatOwnerId, cl.id);
  assert.equal(d.ownerName, 'Carla Client');
  assert.equal(d.ownerEntity, 'external-users');
  assert.equal(d.ownerEmail, null, 'ownerEmail only for platform-user owners');
  assert.equal(d.isOwnerBlocked, false);
  assert.equal(d.channelType, 'api');
  assert.equal(d.channelName, 'tamio');
  assert.equal(d.responderName, 'ticketd');
  assert.equal(d.responderEntity, 'agents');
  assert.equal(d.responderVersionNumber, 1);
  assert.ok(d.responderVersionId, 'responderVersionId set');
  assert.equal(d.status, 'pending', 'a new Tamio ticket is pending');
  assert.equal(d.chatIsRemoved, false);
  assert.equal(d.pendingChatMessages, 1, 'the description is one owner message');
  assert.equal(Math.floor(Date.parse(d.createdAt) / 1000), t.created_at, 'same creation second');
  // the chat, channel and responder answer through their own endpoints
  const chat = await fx.get(`/chats/${d.chatId}`);
  assert.equal(chat.ownerId, cl.id);
  assert.equal(chat.ownerEntity, 'external-users');
  assert.equal(chat.channelId, d.channelId);
  assert.equal(chat.responderId, d.responderId);
  assert.equal(chat.summary, 'Printer on fire');
  const ch = await fx.get(`/channels/${d.channelId}`);
  assert.equal(ch.name, 'tamio');
  assert.equal(ch.type, 'api');
  const rs = await fx.get(`/super-identities/responders/${d.responderId}`);
  assert.equal(rs.name, 'ticketd');
  assert.equal(rs.entity, 'agents');
  assert.equal(rs.versionNumber, 1);
  const msgs = zOk(await fx.call('GET', `/chats/${d.chatId}/messages`));
  assert.deepEqual(msgs.map((m) => [m.text, m.fromOwner]), [['Help, smoke!', true]]);
  // a Tamio agent reply answers the owner
  assertOk(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'Evacuate.' }), 'tamio reply');
  assert.equal((await fx.details(t.id)).pendingChatMessages, 0, 'after an agent reply');
  const msgs2 = zOk(await fx.call('GET', `/chats/${d.chatId}/messages`));
  assert.deepEqual(msgs2.map((m) => [m.text, m.fromOwner]), [['Help, smoke!', true], ['Evacuate.', false]]);
  // a second Tamio ticket reuses the same built-in channel and responder, but gets its own chat
  const t2 = await tx.ticket({ client_id: cl.id, category: cat.id });
  const d2 = await fx.details(t2.id);
  assert.equal(d2.channelId, d.channelId);
  assert.equal(d2.responderId, d.responderId);
  assert.notEqual(d2.chatId, d.chatId);
});

test('a category\'s automated reply is a non-owner message: pendingChatMessages 0', async () => {
  const t = await tx.ticket({ category: catAuto.id, description: 'first words' });
  const d = await fx.details(t.id);
  assert.equal(d.pendingChatMessages, 0);
  assert.equal(d.assigneeId, null);
  assert.equal(d.assigneeName, null);
  assert.equal(d.assigneeEmail, null);
  const msgs = zOk(await fx.call('GET', `/chats/${d.chatId}/messages`));
  assert.deepEqual(msgs.map((m) => [m.text, m.fromOwner]), [['first words', true], ['We got your message.', false]]);
});

test('Tamio ticket in the Zaia list filters: chatIds, assigneeIds, responderIds, search', async () => {
  const cl = await tx.client({ name: 'Filtered Client' });
  const t = await tx.ticket({ client_id: cl.id, category: cat.id, title: 'Quuxbarrel malfunction' });
  const d = await fx.details(t.id);
  const list = async (q) => (await fx.detailsList({ status: 'pending', ...q })).map((x) => x.id);
  assert.ok((await list({ chatIds: d.chatId })).includes(t.id));
  assert.ok((await list({ assigneeIds: T.id })).includes(t.id));
  assert.ok((await list({ responderIds: d.responderId })).includes(t.id));
  assert.deepEqual(await list({ search: 'quuxbarrel' }), [t.id], 'search finds the Tamio title');
});

test('Tamio close / reopen / assign are seen by Zaia', async () => {
  const t = await tx.ticket({ category: cat.id });
  assertOk(await s.api('POST', `${A}/tickets/close/${t.id}`), 'close');
  let d = await fx.details(t.id);
  assert.equal(d.status, 'completed');
  assert.match(d.completedAt, ISO_MS_RE);
  assertOk(await s.api('POST', `${A}/tickets/reopen/${t.id}`), 'reopen');
  d = await fx.details(t.id);
  assert.equal(d.status, 'pending', 'reopen -> open, which is pending');
  assert.equal(d.completedAt, null, 'completedAt cleared on reopen');
  const T2 = await tx.teammate({ name: 'Theo' });
  assertOk(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: T2.id }), 'assign');
  assert.equal((await fx.details(t.id)).assigneeId, T2.id);
});

test('a Zaia takeover shows as is_open true in Tamio, a Zaia complete as is_open false', async () => {
  const t = await tx.ticket({ category: cat.id });
  const U = await fx.user({ name: 'Zed Zaia' });
  const c = await fx.complete(t.id, U.id);
  assert.equal(c.status, 'completed');
  assert.equal(c.summary, t.title);
  let tt = await tx.retrieveTicket(t.id);
  assert.equal(tt.is_open, false, 'complete -> closed in Tamio');
  const o = await fx.takeover(t.id, U.id);
  assert.equal(o.status, 'ongoing');
  assert.equal(o.circumstance, 'takeover');
  tt = await tx.retrieveTicket(t.id);
  assert.equal(tt.is_open, true, 'takeover reopens in Tamio');
  assert.equal(tt.teammate_id, U.id, 'the Zaia user is the Tamio teammate');
  // Tamio sees the tickets in its closed filter accordingly
  await fx.complete(t.id, U.id);
  const closed = await tx.tickets({ closed: 'true' });
  assert.ok(closed.tickets.some((x) => x.id === t.id));
});

test('a Zaia user is a Tamio teammate and a Zaia external user a Tamio client (same id), both ways', async () => {
  const u = await fx.user({ name: 'Shared User' });
  const tm = await tx.list(`${A}/teammates/list`);
  const asTeammate = tm.teammates.find((x) => x.id === u.id);
  assert.ok(asTeammate, 'the Zaia user is listed as a teammate');
  assert.equal(asTeammate.name, 'Shared User');
  assert.equal(asTeammate.email, u.email);
  const r = assertOk(await s.api('GET', `${A}/teammates/retrieve/${u.id}`)).teammate;
  assert.equal(r.email, u.email);
  const e = await fx.externalUser({ name: 'Shared Ext', email: 'shared.ext@example.com' });
  const c = assertOk(await s.api('GET', `${A}/clients/retrieve/${e.id}`), 'client retrieve').client;
  assert.equal(c.name, 'Shared Ext');
  assert.equal(c.email, 'shared.ext@example.com');
  // the other way round
  const T3 = await tx.teammate({ name: 'From Tamio' });
  const zu = await fx.get(`/users/${T3.id}`);
  assert.match(zu.name, /^From Tamio\b/);
  assert.equal(zu.email, T3.email);
  const C3 = await tx.client({ name: 'Tamio Client' });
  const ze = await fx.get(`/external-users/${C3.id}`);
  assert.equal(ze.name, 'Tamio Client');
  assert.equal(ze.email, C3.email);
  assert.equal(ze.isBlocked, false);
  // a Tamio client owns a Zaia chat; a Tamio teammate is a Zaia assignee
  const chat = await fx.chat({ ownerId: C3.id });
  assert.equal(chat.ownerEntity, 'external-users');
  const zt = await fx.ticket({ chatId: chat.id, assigneeId: T3.id });
  assert.equal(zt.assigneeId, T3.id);
  // a Zaia rename shows in Tamio
  zOk(await fx.call('PATCH', `/users/${u.id}`, { name: 'Renamed In Zaia' }));
  assert.equal(assertOk(await s.api('GET', `${A}/teammates/retrieve/${u.id}`)).teammate.name, 'Renamed In Zaia');
  zOk(await fx.call('PATCH', `/external-users/${e.id}`, { name: 'Ext Renamed' }));
  assert.equal(assertOk(await s.api('GET', `${A}/clients/retrieve/${e.id}`)).client.name, 'Ext Renamed');
});

test('a Zaia ticket shows in Tamio retrieve: summary as title, chat owner as client, assignee as teammate', async () => {
  const owner = await fx.externalUser({ name: 'Olga Owner', email: 'olga@example.com' });
  const U = await fx.user();
  const chat = await fx.chat({ ownerId: owner.id, summary: 'Chat about refunds' });
  await fx.message(chat.id, 'Where is my refund?');
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U.id, summary: 'Refund not received' });
  const tt = await tx.retrieveTicket(t.id);
  assert.equal(tt.id, t.id);
  assert.equal(tt.title, 'Refund not received');
  assert.deepEqual(tt.client, { id: owner.id, name: 'Olga Owner', email: 'olga@example.com' });
  assert.equal(tt.teammate_id, U.id);
  assert.equal(tt.is_open, true);
  // every Tamio ticket key is present (a Zaia ticket has no category, so category/language may be null)
  assertShape(tt, SEED_TICKET, [...NULLABLE.ticket, 'category', 'language', 'client.email'], 'tamio ticket');
  const list = await tx.tickets({ client_id: owner.id });
  assert.deepEqual(list.tickets.map((x) => x.id), [t.id]);
  // a platform user as chat owner appears as the client with the user's id, name and email
  const pu = await fx.user({ name: 'Platform Owner' });
  const chat2 = await fx.chat({ ownerId: pu.id });
  const t2 = await fx.ticket({ chatId: chat2.id, assigneeId: U.id });
  const tt2 = await tx.retrieveTicket(t2.id);
  assert.deepEqual(tt2.client, { id: pu.id, name: 'Platform Owner', email: pu.email });
  assert.equal(tt2.title, chat2.summary, 'the default summary is the chat\'s');
});

test('a Zaia tag on a Tamio ticket: activeTicketCount follows Tamio close and reopen', async () => {
  const t = await tx.ticket({ category: cat.id });
  const tag = await fx.tag();
  await fx.tagTicket(t.id, tag.id);
  const count = async () => (await fx.get(`/tags/${tag.id}`)).activeTicketCount;
  assert.equal(await count(), 1);
  assertOk(await s.api('POST', `${A}/tickets/close/${t.id}`));
  assert.equal(await count(), 0);
  assertOk(await s.api('POST', `${A}/tickets/reopen/${t.id}`));
  assert.equal(await count(), 1);
});

test('a Tamio-deleted ticket is gone from Zaia (404 on details)', async () => {
  const t = await tx.ticket({ category: cat.id });
  await fx.details(t.id);
  assertOk(await s.api('DELETE', `${A}/tickets/${t.id}`), 'tamio delete');
  zErr(await fx.call('GET', `/tickets/${t.id}/details`), 404, undefined, 'details of a deleted ticket');
  for (const st of ['pending', 'ongoing', 'completed']) {
    assert.ok(!(await fx.detailsList({ status: st, includeRemoved: true })).some((d) => d.id === t.id));
  }
});

test('Tamio description is searchable; Tamio people referenced by tickets cannot be deleted through Zaia (409)', async () => {
  const cl = await tx.client({ name: 'Deletable Not' });
  const tm = await tx.teammate({ name: 'Busy' });
  const c2 = await tx.category({ teammate_id: tm.id });
  const t = await tx.ticket({ client_id: cl.id, category: c2.id, title: 'Plain title', description: 'The frobnicator xylophonic noise' });
  const found = await fx.detailsList({ status: 'pending', search: 'xylophon' });
  assert.deepEqual(found.map((d) => d.id), [t.id], 'the description (first owner message) is searchable');
  zErr(await fx.call('DELETE', `/external-users/${cl.id}`), 409, undefined, 'the client of a Tamio ticket');
  zErr(await fx.call('DELETE', `/users/${tm.id}`), 409, undefined, 'the teammate of a Tamio ticket');
  assert.equal((await fx.get(`/external-users/${cl.id}`)).name, 'Deletable Not');
  assert.equal((await fx.get(`/users/${tm.id}`)).id, tm.id);
  // the built-in channel and responder are referenced by the chat too
  const d = await fx.details(t.id);
  zErr(await fx.call('DELETE', `/channels/${d.channelId}`), 409, undefined, 'the built-in channel');
  zErr(await fx.call('DELETE', `/super-identities/responders/${d.responderId}`), 409, undefined, 'the built-in responder');
});

test('Tamio tickets in the Zaia details list: newest first by the millisecond createdAt', async () => {
  const cl = await tx.client();
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await tx.ticket({ client_id: cl.id, category: cat.id, title: `Order ${i}` }));
  const chatIds = [];
  for (const t of made) chatIds.push((await fx.details(t.id)).chatId);
  const l = await fx.detailsList({ status: 'pending', chatIds: chatIds.join(',') });
  assert.deepEqual(l.map((d) => d.id).sort(), made.map((t) => t.id).sort());
  assertNewestFirst(l, 'details of Tamio tickets');
});

// --- workspace isolation ---------------------------------------------------------------------

test('workspace isolation: another workspace sees 404 for our ids and none of our data', async () => {
  const u = await fx.user();
  const e = await fx.externalUser();
  const ch = await fx.channel();
  const rs = await fx.responder();
  const chat = await fx.chat({ channelId: ch.id, ownerId: e.id, responderId: rs.id });
  const tag = await fx.tag();
  const team = await fx.team();
  const t = await fx.ticket({ chatId: chat.id, assigneeId: u.id, ticketingTeamId: team.id });
  await fx.tagTicket(t.id, tag.id);
  await fx.message(chat.id, 'private words');
  const tamioT = await tx.ticket({ category: cat.id });
  const ws2 = s.newWorkspaceKey();
  const fx2 = zfx(s, ws2.key);
  const as2 = (m, p, b) => fx2.call(m, p, b);

  // lists: empty (channels/responders may hold the workspace's built-ins, never ours)
  const ours = new Set([u.id, e.id, ch.id, rs.id, chat.id, tag.id, team.id, t.id, tamioT.id, T.id]);
  for (const p of ['/users', '/external-users', '/chats', '/tags', '/ticketing-teams']) {
    assert.deepEqual(await fx2.list(p), [], `${p} is empty in a new workspace`);
  }
  for (const p of ['/channels', '/super-identities/responders']) {
    const l = await fx2.list(p);
    for (const o of l) {
      assert.ok(!ours.has(o.id), `${p} must not show our ${o.id}`);
      assert.equal(o.workspaceId, ws2.id);
    }
  }
  for (const st of ['pending', 'ongoing', 'completed']) {
    assert.deepEqual(await fx2.detailsList({ status: st, includeRemoved: true }), [], `details ${st}`);
    // filters naming our ids match nothing
    assert.deepEqual(await fx2.detailsList({ status: st, assigneeIds: u.id, chatIds: chat.id }), []);
    assert.deepEqual(await fx2.detailsList({ status: st, tagIds: tag.id }), []);
  }
  assert.deepEqual(await fx2.detailsList({ status: 'pending', search: 'private' }), []);

  // our ids in the path -> 404
  const calls = [
    ['GET', `/users/${u.id}`], ['PATCH', `/users/${u.id}`, { name: 'pwned' }], ['DELETE', `/users/${u.id}`],
    ['GET', `/users/${T.id}`],
    ['GET', `/external-users/${e.id}`], ['PATCH', `/external-users/${e.id}`, { name: 'pwned' }], ['DELETE', `/external-users/${e.id}`],
    ['GET', `/channels/${ch.id}`], ['PATCH', `/channels/${ch.id}`, { name: 'pwned' }], ['DELETE', `/channels/${ch.id}`],
    ['GET', `/super-identities/responders/${rs.id}`], ['PATCH', `/super-identities/responders/${rs.id}`, { name: 'pwned' }],
    ['DELETE', `/super-identities/responders/${rs.id}`], ['POST', `/super-identities/responders/${rs.id}/versions`, {}],
    ['GET', `/chats/${chat.id}`], ['PATCH', `/chats/${chat.id}`, { summary: 'pwned' }], ['DELETE', `/chats/${chat.id}`],
    ['GET', `/chats/${chat.id}/messages`], ['POST', `/chats/${chat.id}/messages`, { text: 'pwned' }],
    ['GET', `/tags/${tag.id}`], ['PATCH', `/tags/${tag.id}`, { name: 'pwned' }], ['DELETE', `/tags/${tag.id}`],
    ['GET', `/ticketing-teams/${team.id}`], ['PATCH', `/ticketing-teams/${team.id}`, { name: 'pwned' }],
    ['DELETE', `/ticketing-teams/${team.id}`],
    ['GET', `/tickets/${t.id}/details`], ['GET', `/tickets/${tamioT.id}/details`],
    ['DELETE', `/tickets/${t.id}/tags/${tag.id}`],
  ];
  for (const [m, p, b] of calls) zErr(await as2(m, p, b), 404, undefined, `ws2 ${m} ${p}`);

  // ticket actions on our ticket with ws2's own people -> 404 (path first)
  const u2 = await fx2.user();
  const tag2 = await fx2.tag();
  for (const [m, p, b] of [
    ['PATCH', `/tickets/${t.id}/complete`, { userId: u2.id }],
    ['PATCH', `/tickets/${t.id}/takeover`, { assigneeId: u2.id }],
    ['PATCH', `/tickets/${t.id}/assignee`, { assigneeId: u2.id }],
    ['POST', `/tickets/${t.id}/tags`, { tagId: tag2.id }],
  ]) zErr(await as2(m, p, b), 404, undefined, `ws2 ${m} ${p}`);

  // our ids in ws2's bodies -> 400 "not found"
  const ch2 = await fx2.channel();
  const rs2 = await fx2.responder();
  const e2 = await fx2.externalUser();
  assert.equal(ch2.workspaceId, ws2.id, 'objects carry the second workspace id');
  assert.notEqual(ch2.workspaceId, u.workspaceId);
  for (const [b, f] of [
    [{ channelId: ch.id, ownerId: e2.id, responderId: rs2.id }, 'channelId'],
    [{ channelId: ch2.id, ownerId: e.id, responderId: rs2.id }, 'ownerId'],
    [{ channelId: ch2.id, ownerId: e2.id, responderId: rs.id }, 'responderId'],
  ]) zErr(await as2('POST', '/chats', b), 400, f, `ws2 chat with our ${f}`);
  const chat2 = await fx2.chat({ channelId: ch2.id, ownerId: e2.id, responderId: rs2.id });
  for (const [b, f] of [
    [{ chatId: chat.id, ticketingTeamId: null, assigneeId: u2.id, status: 'pending' }, 'chatId'],
    [{ chatId: chat2.id, ticketingTeamId: null, assigneeId: u.id, status: 'pending' }, 'assigneeId'],
    [{ chatId: chat2.id, ticketingTeamId: team.id, assigneeId: u2.id, status: 'pending' }, 'ticketingTeamId'],
  ]) zErr(await as2('POST', '/tickets', b), 400, f, `ws2 ticket with our ${f}`);
  const t2 = await fx2.ticket({ chatId: chat2.id, assigneeId: u2.id });
  zErr(await as2('POST', `/tickets/${t2.id}/tags`, { tagId: tag.id }), 400, 'tagId', 'ws2 tags its ticket with our tag');
  zErr(await as2('PATCH', `/tickets/${t2.id}/takeover`, { assigneeId: u.id }), 400, 'assigneeId', 'ws2 takeover with our user');

  // ours is untouched
  assert.deepEqual(await fx.get(`/users/${u.id}`), u);
  const tagNow = await fx.get(`/tags/${tag.id}`);
  assert.equal(tagNow.name, tag.name);
  assert.equal(tagNow.activeTicketCount, 1);
  const d = await fx.details(t.id);
  assert.equal(d.assigneeId, u.id);
  assert.equal(d.status, 'pending');
  assert.equal((await fx.get(`/chats/${chat.id}`)).isRemoved, false);
  assert.deepEqual(zOk(await fx.call('GET', `/chats/${chat.id}/messages`)).map((m) => m.text), ['private words']);
  // and ws2 sees only its own
  assert.deepEqual((await fx2.detailsList({ status: 'pending' })).map((x) => x.id), [t2.id]);
  assert.equal((await fx2.details(t2.id)).workspaceId, ws2.id);
  // Tamio of ws2 does not see our Zaia ticket either
  const r = await s.api('GET', `${A}/tickets/retrieve/${t.id}`, undefined, { key: ws2.key });
  assert.equal(r.status, 400, show(r));
  assert.equal(r.json.error_code, 1002);
});
