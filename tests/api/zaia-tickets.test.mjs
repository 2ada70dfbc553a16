// Zaia /api/v1 tickets: POST /tickets, PATCH complete / takeover / assignee, ticket tags and a
// tag's activeTicketCount.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uuid, show } from './lib/harness.mjs';
import {
  zfx, zOk, zErr, zNotFoundInBody, SHAPE, assertZShape, assertTicket, ISO_MS_RE,
} from './lib/zaia.mjs';

let s;
let fx;
let U1; let U2; let team; let chat;
before(async () => {
  s = await startServer();
  fx = zfx(s);
  U1 = await fx.user({ name: 'Una' });
  U2 = await fx.user({ name: 'Ugo' });
  team = await fx.team({ name: 'Support' });
  chat = await fx.chat({ summary: 'Customer cannot log in' });
});
after(async () => {
  await s?.stop();
});

const allTickets = async () => {
  const out = [];
  for (const status of ['pending', 'ongoing', 'completed']) {
    out.push(...(await fx.detailsList({ status, includeRemoved: true })));
  }
  return out.map((d) => d.id).sort();
};

test('POST /tickets pending: status pending, handover, no ongoingAt/completedAt; summary from the chat', async () => {
  const r = await fx.call('POST', '/tickets', {
    chatId: chat.id, ticketingTeamId: team.id, assigneeId: U1.id, status: 'pending', unknownField: [1, 2],
  });
  const t = zOk(r, 'create pending');
  assertTicket(t);
  assert.equal(t.status, 'pending');
  assert.equal(t.circumstance, 'handover');
  assert.equal(t.chatId, chat.id);
  assert.equal(t.assigneeId, U1.id);
  assert.equal(t.ticketingTeamId, team.id);
  assert.equal(t.summary, 'Customer cannot log in', "summary defaults to the chat's");
  assert.equal(t.ongoingAt, null);
  assert.equal(t.completedAt, null);
  assert.equal(t.lastViewedAt, null);
  assert.ok(Math.abs(Date.parse(t.createdAt) - Date.now()) < 60000);
  const d = await fx.details(t.id);
  assert.equal(d.status, 'pending');
  assert.equal(d.createdAt, t.createdAt);
  assert.equal(d.summary, t.summary);
});

test('POST /tickets ongoing: status ongoing with ongoingAt set', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id, status: 'ongoing' });
  assert.equal(t.status, 'ongoing');
  assert.match(t.ongoingAt, ISO_MS_RE);
  assert.ok(t.ongoingAt >= t.createdAt);
  assert.equal(t.completedAt, null);
  assert.equal(t.circumstance, 'handover');
  assert.equal((await fx.details(t.id)).ongoingAt, t.ongoingAt);
});

test('POST /tickets: explicit summary wins; a chat without summary gives ""', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id, summary: 'Explicit summary' });
  assert.equal(t.summary, 'Explicit summary');
  const bare = zOk(await fx.call('POST', '/chats', {
    channelId: chat.channelId, ownerId: chat.ownerId, responderId: chat.responderId,
  }));
  const t2 = await fx.ticket({ chatId: bare.id, assigneeId: U1.id });
  assert.equal(t2.summary, '');
});

test('POST /tickets: ticketingTeamId must be present (null ok); status completed/other -> 400; nothing written', async () => {
  const before0 = await allTickets();
  const base = { chatId: chat.id, ticketingTeamId: null, assigneeId: U1.id, status: 'pending' };
  const without = { ...base };
  delete without.ticketingTeamId;
  zErr(await fx.call('POST', '/tickets', without), 400, 'ticketingTeamId', 'ticketingTeamId missing');
  zErr(await fx.call('POST', '/tickets', { ...base, status: 'completed' }), 400, 'status', 'status completed');
  zErr(await fx.call('POST', '/tickets', { ...base, status: 'closed' }), 400, 'status', 'status closed');
  zErr(await fx.call('POST', '/tickets', { ...base, status: null }), 400, 'status', 'status null');
  for (const f of ['chatId', 'assigneeId', 'status']) {
    const b = { ...base };
    delete b[f];
    zErr(await fx.call('POST', '/tickets', b), 400, f, `${f} missing`);
  }
  zErr(await fx.call('POST', '/tickets', { ...base, chatId: 'nope' }), 400, 'chatId', 'chatId malformed');
  zErr(await fx.call('POST', '/tickets', { ...base, ticketingTeamId: 12 }), 400, 'ticketingTeamId', 'team not a string');
  zErr(await fx.call('POST', '/tickets', { ...base, summary: 5 }), 400, 'summary', 'summary not a string');
  zNotFoundInBody(await fx.call('POST', '/tickets', { ...base, chatId: uuid() }), 'chatId');
  zNotFoundInBody(await fx.call('POST', '/tickets', { ...base, assigneeId: uuid() }), 'assigneeId');
  zNotFoundInBody(await fx.call('POST', '/tickets', { ...base, ticketingTeamId: uuid() }), 'ticketingTeamId');
  const ext = await fx.externalUser();
  zNotFoundInBody(await fx.call('POST', '/tickets', { ...base, assigneeId: ext.id }), 'assigneeId', 'an external user is not an assignee');
  assert.deepEqual(await allTickets(), before0, 'no rejected create wrote a ticket');
  const t = zOk(await fx.call('POST', '/tickets', base), 'null team');
  assert.equal(t.ticketingTeamId, null);
  const d = await fx.details(t.id);
  assert.equal(d.ticketingTeamId, null);
  assert.equal(d.ticketingTeamName, null);
  assert.equal(d.ticketingTeamPicture, null);
});

test('PATCH complete: status completed, completedAt set; userId must be a user', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id, status: 'ongoing' });
  zErr(await fx.call('PATCH', `/tickets/${t.id}/complete`, {}), 400, 'userId', 'userId missing');
  zErr(await fx.call('PATCH', `/tickets/${t.id}/complete`, { userId: 'abc' }), 400, 'userId', 'userId malformed');
  zNotFoundInBody(await fx.call('PATCH', `/tickets/${t.id}/complete`, { userId: uuid() }), 'userId');
  const ext = await fx.externalUser();
  zNotFoundInBody(await fx.call('PATCH', `/tickets/${t.id}/complete`, { userId: ext.id }), 'userId', 'external user as userId');
  assert.equal((await fx.details(t.id)).status, 'ongoing', 'rejected completes changed nothing');
  const c = await fx.complete(t.id, U2.id);
  assert.equal(c.status, 'completed');
  assert.match(c.completedAt, ISO_MS_RE);
  assert.ok(c.completedAt >= t.createdAt);
  assert.equal(c.ongoingAt, t.ongoingAt, 'ongoingAt kept');
  assert.equal(c.assigneeId, U1.id, 'complete does not reassign');
  assert.equal(c.id, t.id);
  const d = await fx.details(t.id);
  assert.equal(d.status, 'completed');
  assert.equal(d.completedAt, c.completedAt);
  zErr(await fx.call('PATCH', `/tickets/${uuid()}/complete`, { userId: U1.id }), 404, undefined, 'complete unknown ticket');
});

test('PATCH takeover: ongoing, circumstance takeover, assignee set, ongoingAt set only the first time', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id, status: 'pending' });
  const a = await fx.takeover(t.id, U2.id);
  assert.equal(a.status, 'ongoing');
  assert.equal(a.circumstance, 'takeover');
  assert.equal(a.assigneeId, U2.id);
  assert.match(a.ongoingAt, ISO_MS_RE);
  assert.equal(a.completedAt, null);
  const b = await fx.takeover(t.id, U1.id);
  assert.equal(b.assigneeId, U1.id);
  assert.equal(b.ongoingAt, a.ongoingAt, 'ongoingAt set the first time only');
  zErr(await fx.call('PATCH', `/tickets/${t.id}/takeover`, {}), 400, 'assigneeId');
  zNotFoundInBody(await fx.call('PATCH', `/tickets/${t.id}/takeover`, { assigneeId: uuid() }), 'assigneeId');
  zErr(await fx.call('PATCH', `/tickets/${uuid()}/takeover`, { assigneeId: U1.id }), 404, undefined, 'takeover unknown ticket');
  assert.equal((await fx.details(t.id)).assigneeId, U1.id);
});

test('takeover of a completed ticket reopens it: ongoing, completedAt null, circumstance takeover', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id, status: 'ongoing' });
  const c = await fx.complete(t.id, U1.id);
  assert.equal(c.status, 'completed');
  assert.equal(c.circumstance, 'handover');
  const r = await fx.takeover(t.id, U2.id);
  assert.equal(r.status, 'ongoing');
  assert.equal(r.completedAt, null);
  assert.equal(r.circumstance, 'takeover');
  assert.equal(r.assigneeId, U2.id);
  assert.equal(r.ongoingAt, t.ongoingAt, 'ongoingAt keeps the first entry');
  const d = await fx.details(t.id);
  assert.equal(d.status, 'ongoing');
  assert.equal(d.completedAt, null);
  // and it can be completed again
  const c2 = await fx.complete(t.id, U2.id);
  assert.equal(c2.status, 'completed');
  assert.match(c2.completedAt, ISO_MS_RE);
  assert.equal(c2.circumstance, 'takeover', 'circumstance stays takeover');
});

test('PATCH assignee: changes only the assignee', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id, status: 'pending' });
  const a = await fx.assign(t.id, U2.id);
  assert.equal(a.assigneeId, U2.id);
  assert.equal(a.status, 'pending');
  assert.equal(a.circumstance, 'handover');
  assert.equal(a.ongoingAt, null);
  assert.deepEqual({ ...a, updatedAt: t.updatedAt, assigneeId: U1.id }, t, 'nothing else changed');
  const d = await fx.details(t.id);
  assert.equal(d.assigneeId, U2.id);
  assert.equal(d.assigneeName, 'Ugo');
  assert.equal(d.assigneeEmail, U2.email);
  zErr(await fx.call('PATCH', `/tickets/${t.id}/assignee`, {}), 400, 'assigneeId');
  zErr(await fx.call('PATCH', `/tickets/${t.id}/assignee`, { assigneeId: 42 }), 400, 'assigneeId');
  zNotFoundInBody(await fx.call('PATCH', `/tickets/${t.id}/assignee`, { assigneeId: uuid() }), 'assigneeId');
  zErr(await fx.call('PATCH', `/tickets/${uuid()}/assignee`, { assigneeId: U1.id }), 404, undefined, 'assign unknown ticket');
  assert.equal((await fx.details(t.id)).assigneeId, U2.id, 'rejected patches changed nothing');
});

test('ticket tags: attach answers the link; twice -> the same link; detach -> {message}; again -> 404', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id });
  const tag = await fx.tag();
  const r = await fx.call('POST', `/tickets/${t.id}/tags`, { tagId: tag.id });
  const l1 = zOk(r, 'attach');
  assertZShape(l1, SHAPE.ticketTag, 'ticketTag');
  assert.equal(l1.tagId, tag.id);
  assert.equal(l1.ticketId, t.id);
  const l2 = await fx.tagTicket(t.id, tag.id);
  assert.deepEqual(l2, l1, 'attaching twice answers the existing link');
  assert.equal((await fx.get(`/tags/${tag.id}`)).activeTicketCount, 1, 'twice is still one link');
  const filtered = await fx.detailsList({ status: 'pending', tagIds: tag.id });
  assert.deepEqual(filtered.map((d) => d.id), [t.id]);
  await fx.untagTicket(t.id, tag.id);
  assert.deepEqual(await fx.detailsList({ status: 'pending', tagIds: tag.id }), []);
  zErr(await fx.call('DELETE', `/tickets/${t.id}/tags/${tag.id}`), 404, undefined, 'detach twice');
  const other = await fx.tag();
  zErr(await fx.call('DELETE', `/tickets/${t.id}/tags/${other.id}`), 404, undefined, 'detach never attached');
  zErr(await fx.call('DELETE', `/tickets/${t.id}/tags/${uuid()}`), 404, undefined, 'detach unknown tag');
  zErr(await fx.call('DELETE', `/tickets/${uuid()}/tags/${tag.id}`), 404, undefined, 'detach on unknown ticket');
  zErr(await fx.call('POST', `/tickets/${uuid()}/tags`, { tagId: tag.id }), 404, undefined, 'attach to unknown ticket');
  zNotFoundInBody(await fx.call('POST', `/tickets/${t.id}/tags`, { tagId: uuid() }), 'tagId');
  zErr(await fx.call('POST', `/tickets/${t.id}/tags`, {}), 400, 'tagId');
  zErr(await fx.call('POST', `/tickets/${t.id}/tags`, { tagId: 'x' }), 400, 'tagId');
  assert.equal((await fx.get(`/tags/${tag.id}`)).activeTicketCount, 0);
});

test('activeTicketCount counts the tag\'s pending and ongoing tickets only', async () => {
  const tag = await fx.tag();
  const pending = await fx.ticket({ chatId: chat.id, assigneeId: U1.id, status: 'pending' });
  const ongoing = await fx.ticket({ chatId: chat.id, assigneeId: U1.id, status: 'ongoing' });
  const done = await fx.ticket({ chatId: chat.id, assigneeId: U1.id, status: 'ongoing' });
  await fx.complete(done.id, U1.id);
  for (const t of [pending, ongoing, done]) await fx.tagTicket(t.id, tag.id);
  const count = async () => (await fx.get(`/tags/${tag.id}`)).activeTicketCount;
  assert.equal(await count(), 2, 'pending + ongoing, not completed');
  const inList = (await fx.list('/tags')).find((x) => x.id === tag.id);
  assert.equal(inList.activeTicketCount, 2, 'the list shows the same count');
  await fx.complete(ongoing.id, U1.id);
  assert.equal(await count(), 1, 'completing drops it');
  await fx.takeover(done.id, U2.id);
  assert.equal(await count(), 2, 'a reopened ticket counts again');
  await fx.untagTicket(pending.id, tag.id);
  assert.equal(await count(), 1, 'detaching drops it');
});

test('deleting a tag detaches it from every ticket', async () => {
  const tag = await fx.tag();
  const t1 = await fx.ticket({ chatId: chat.id, assigneeId: U1.id });
  const t2 = await fx.ticket({ chatId: chat.id, assigneeId: U1.id });
  await fx.tagTicket(t1.id, tag.id);
  await fx.tagTicket(t2.id, tag.id);
  assert.equal((await fx.detailsList({ status: 'pending', tagIds: tag.id })).length, 2);
  zOk(await fx.call('DELETE', `/tags/${tag.id}`), 'delete tag');
  zErr(await fx.call('GET', `/tags/${tag.id}`), 404, undefined, 'tag gone');
  assert.deepEqual(await fx.detailsList({ status: 'pending', tagIds: tag.id }), [], 'no ticket carries it');
  zErr(await fx.call('DELETE', `/tickets/${t1.id}/tags/${tag.id}`), 404, undefined, 'the link is gone');
  // tickets themselves are untouched
  assert.equal((await fx.details(t1.id)).id, t1.id);
});

test('ticket endpoints answer 405 for another method on a known path', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id });
  for (const [m, p] of [
    ['GET', `/tickets/${t.id}/complete`],
    ['POST', `/tickets/${t.id}/takeover`],
    ['PUT', `/tickets/${t.id}/assignee`],
    ['POST', `/tickets/${t.id}/details`],
    ['DELETE', '/tickets/details'],
  ]) {
    const r = await fx.call(m, p, m === 'GET' || m === 'DELETE' ? undefined : { assigneeId: U1.id });
    zErr(r, 405, undefined, `${m} ${p}: ${show(r)}`);
  }
});

test('lastViewedAt stays null through API actions; updatedAt moves forward', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id });
  const a = await fx.assign(t.id, U2.id);
  const b = await fx.takeover(t.id, U1.id);
  const c = await fx.complete(t.id, U1.id);
  for (const x of [t, a, b, c]) assert.equal(x.lastViewedAt, null);
  assert.ok(a.updatedAt >= t.updatedAt && b.updatedAt >= a.updatedAt && c.updatedAt >= b.updatedAt);
  assert.ok(c.updatedAt >= c.completedAt, 'updatedAt is at least completedAt');
  assert.equal(c.createdAt, t.createdAt, 'createdAt never changes');
});

test('concurrent attaches of the same tag make one link', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id });
  const tag = await fx.tag();
  const res = await Promise.all(Array.from({ length: 8 }, () => fx.call('POST', `/tickets/${t.id}/tags`, { tagId: tag.id })));
  const links = res.map((r) => zOk(r, 'concurrent attach'));
  for (const l of links) assert.deepEqual(l, links[0], 'every answer is the same link');
  assert.equal((await fx.get(`/tags/${tag.id}`)).activeTicketCount, 1);
  await fx.untagTicket(t.id, tag.id);
  zErr(await fx.call('DELETE', `/tickets/${t.id}/tags/${tag.id}`), 404, undefined, 'one link only');
});

test('concurrent takeovers and completes leave a consistent ticket', async () => {
  const t = await fx.ticket({ chatId: chat.id, assigneeId: U1.id });
  const ops = [];
  for (let i = 0; i < 6; i++) {
    ops.push(fx.call('PATCH', `/tickets/${t.id}/takeover`, { assigneeId: i % 2 ? U1.id : U2.id }));
    ops.push(fx.call('PATCH', `/tickets/${t.id}/complete`, { userId: U1.id }));
  }
  const res = await Promise.all(ops);
  res.forEach((r) => zOk(r, 'concurrent op'));
  const d = await fx.details(t.id);
  if (d.status === 'completed') assert.ok(d.completedAt, 'completed has completedAt');
  else {
    assert.equal(d.status, 'ongoing');
    assert.equal(d.completedAt, null, 'ongoing has no completedAt');
  }
  assert.ok(d.ongoingAt, 'ongoingAt was set by the first takeover');
});
