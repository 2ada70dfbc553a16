// Zaia /api/v1 ticket details: GET /tickets/{id}/details (every key of seed 003) and
// GET /tickets/details (status, multi-valued filters in three forms, includeRemoved, search,
// paging, pendingChatMessages).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uuid } from './lib/harness.mjs';
import {
  zfx, zOk, zErr, SHAPE, assertDetails, assertNewestFirst, ISO_MS_RE,
} from './lib/zaia.mjs';

let s;
let fx;
before(async () => {
  s = await startServer();
  fx = zfx(s);
});
after(async () => {
  await s?.stop();
});

const idsOf = (arr) => arr.map((d) => d.id).sort();
const sorted = (...xs) => [...xs].sort();
// a letters-only random word (FTS tokens), unique per call
const word = () => 'qz' + Array.from({ length: 8 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]).join('');

test('GET /tickets/{id}/details: every seed 003 key, with values from the joined rows (external owner)', async () => {
  const assignee = await fx.user({ name: 'Alma Assignee', picture: 'https://pics.example/alma.png' });
  const ch = await fx.channel({ name: 'Web widget', type: 'widget' });
  const owner = await fx.externalUser({ name: 'Otto Owner', email: 'otto@example.com', identifier: '+4915112345', isBlocked: true });
  const rs = await fx.responder({ name: 'Helper Bot', entity: 'squads', picture: 'https://pics.example/bot.png' });
  const team = await fx.team({ name: 'Tier 2', picture: 'https://pics.example/tier2.png' });
  const chat = await fx.chat({ channelId: ch.id, ownerId: owner.id, responderId: rs.id, summary: 'Login loop' });
  const t = await fx.ticket({ chatId: chat.id, assigneeId: assignee.id, ticketingTeamId: team.id, status: 'pending' });
  const r = await fx.call('GET', `/tickets/${t.id}/details`);
  const d = zOk(r, 'details');
  assertDetails(d);
  for (const k of Object.keys(SHAPE.ticketDetails)) assert.ok(Object.hasOwn(d, k), `key ${k}`);
  assert.deepEqual(
    Object.fromEntries(Object.keys(SHAPE.ticketDetails).map((k) => [k, d[k]])),
    {
      assigneeEmail: assignee.email,
      assigneeId: assignee.id,
      assigneeName: 'Alma Assignee',
      assigneePicture: 'https://pics.example/alma.png',
      channelId: ch.id,
      channelName: 'Web widget',
      channelType: 'widget',
      chatId: chat.id,
      chatIsRemoved: false,
      chatOwnerId: owner.id,
      completedAt: null,
      createdAt: t.createdAt,
      id: t.id,
      isOwnerBlocked: true,
      ongoingAt: null,
      ownerEmail: null,
      ownerEntity: 'external-users',
      ownerIdentifier: '+4915112345',
      ownerName: 'Otto Owner',
      pendingChatMessages: 0,
      responderEntity: 'squads',
      responderId: rs.id,
      responderName: 'Helper Bot',
      responderPicture: 'https://pics.example/bot.png',
      responderVersionId: rs.versionId,
      responderVersionNumber: 1,
      status: 'pending',
      summary: 'Login loop',
      ticketingTeamId: team.id,
      ticketingTeamName: 'Tier 2',
      ticketingTeamPicture: 'https://pics.example/tier2.png',
      workspaceId: assignee.workspaceId,
    },
  );
  const inList = (await fx.detailsList({ status: 'pending', chatIds: chat.id }));
  assert.equal(inList.length, 1);
  assert.deepEqual(inList[0], d, 'the list row equals the single details');
});

test('details: a platform user as owner -> ownerEmail set, ownerIdentifier/isOwnerBlocked null; nulls where empty', async () => {
  const owner = await fx.user({ name: 'Paula Platform' });
  const assignee = await fx.user({ name: 'No Picture' });
  const rs = await fx.responder({ entity: 'workflows' });
  const chat = await fx.chat({ ownerId: owner.id, responderId: rs.id });
  const t = await fx.ticket({ chatId: chat.id, assigneeId: assignee.id, status: 'ongoing' });
  const d = await fx.details(t.id);
  assert.equal(d.ownerEntity, 'users');
  assert.equal(d.chatOwnerId, owner.id);
  assert.equal(d.ownerName, 'Paula Platform');
  assert.equal(d.ownerEmail, owner.email);
  assert.equal(d.ownerIdentifier, null);
  assert.equal(d.isOwnerBlocked, null);
  assert.equal(d.assigneePicture, null);
  assert.equal(d.responderPicture, null);
  assert.equal(d.responderEntity, 'workflows');
  assert.equal(d.ticketingTeamId, null);
  assert.equal(d.ticketingTeamName, null);
  assert.equal(d.ticketingTeamPicture, null);
  assert.equal(d.status, 'ongoing');
  assert.match(d.ongoingAt, ISO_MS_RE);
  assert.equal(d.completedAt, null);
  await fx.complete(t.id, assignee.id);
  const c = await fx.details(t.id);
  assert.equal(c.status, 'completed');
  assert.match(c.completedAt, ISO_MS_RE);
});

test('details: unknown id -> 404, malformed -> 400', async () => {
  zErr(await fx.call('GET', `/tickets/${uuid()}/details`), 404, undefined, 'unknown');
  zErr(await fx.call('GET', '/tickets/123/details'), 400, undefined, 'malformed');
});

test('GET /tickets/details: status is required and must be pending|ongoing|completed; statuses partition', async () => {
  zErr(await fx.call('GET', '/tickets/details'), 400, 'status', 'no status');
  zErr(await fx.call('GET', '/tickets/details?status='), 400, 'status', 'empty status');
  zErr(await fx.call('GET', '/tickets/details?status=open'), 400, 'status', 'status open');
  const u = await fx.user();
  const chat = await fx.chat();
  const p = await fx.ticket({ chatId: chat.id, assigneeId: u.id, status: 'pending' });
  const o = await fx.ticket({ chatId: chat.id, assigneeId: u.id, status: 'ongoing' });
  const c = await fx.ticket({ chatId: chat.id, assigneeId: u.id, status: 'ongoing' });
  await fx.complete(c.id, u.id);
  const by = {};
  for (const st of ['pending', 'ongoing', 'completed']) {
    by[st] = await fx.detailsList({ status: st, chatIds: chat.id });
    by[st].forEach((d) => assert.equal(d.status, st));
  }
  assert.deepEqual(by.pending.map((d) => d.id), [p.id]);
  assert.deepEqual(by.ongoing.map((d) => d.id), [o.id]);
  assert.deepEqual(by.completed.map((d) => d.id), [c.id]);
});

test('GET /tickets/details: each multi-valued filter in three forms (single, repeated, comma list); filters AND', async () => {
  const A = await fx.user({ name: 'Filter A' });
  const B = await fx.user({ name: 'Filter B' });
  const C = await fx.user({ name: 'Filter C' });
  const rA = await fx.responder();
  const rB = await fx.responder();
  const rC = await fx.responder();
  const chA = await fx.chat({ responderId: rA.id });
  const chB = await fx.chat({ responderId: rB.id });
  const chC = await fx.chat({ responderId: rC.id });
  const tagA = await fx.tag();
  const tagB = await fx.tag();
  const tagC = await fx.tag();
  const tA = await fx.ticket({ chatId: chA.id, assigneeId: A.id });
  const tB = await fx.ticket({ chatId: chB.id, assigneeId: B.id });
  const tC = await fx.ticket({ chatId: chC.id, assigneeId: C.id });
  await fx.tagTicket(tA.id, tagA.id);
  await fx.tagTicket(tB.id, tagB.id);
  await fx.tagTicket(tC.id, tagC.id);
  const filters = {
    assigneeIds: [A.id, B.id],
    chatIds: [chA.id, chB.id],
    responderIds: [rA.id, rB.id],
    responderVersionIds: [rA.versionId, rB.versionId],
    tagIds: [tagA.id, tagB.id],
  };
  for (const [name, [a, b]] of Object.entries(filters)) {
    const single = await fx.detailsList(`status=pending&${name}=${a}`);
    assert.deepEqual(single.map((d) => d.id), [tA.id], `${name} single`);
    const repeated = await fx.detailsList(`status=pending&${name}=${a}&${name}=${b}`);
    assert.deepEqual(idsOf(repeated), sorted(tA.id, tB.id), `${name} repeated keys`);
    const comma = await fx.detailsList(`status=pending&${name}=${a},${b}`);
    assert.deepEqual(idsOf(comma), sorted(tA.id, tB.id), `${name} comma list`);
    const commaEnc = await fx.detailsList(`status=pending&${name}=${a}%2C${b}`);
    assert.deepEqual(idsOf(commaEnc), sorted(tA.id, tB.id), `${name} comma list (encoded)`);
    const upper = await fx.detailsList(`status=pending&${name}=${a.toUpperCase()}`);
    assert.deepEqual(upper.map((d) => d.id), [tA.id], `${name} upper-case uuid`);
    assert.deepEqual(await fx.detailsList(`status=pending&${name}=${uuid()}`), [], `${name} unknown id matches nothing`);
    assert.deepEqual(await fx.detailsList(`status=ongoing&${name}=${a}`), [], `${name} AND status`);
    zErr(await fx.call('GET', `/tickets/details?status=pending&${name}=not-a-uuid`), 400, name, `${name} malformed`);
    zErr(await fx.call('GET', `/tickets/details?status=pending&${name}=${a},zzz`), 400, name, `${name} malformed in a list`);
  }
  // filters AND together; values of one filter OR
  assert.deepEqual(await fx.detailsList(`status=pending&assigneeIds=${A.id}&chatIds=${chB.id}`), []);
  assert.deepEqual(
    (await fx.detailsList(`status=pending&assigneeIds=${A.id},${B.id}&tagIds=${tagB.id}&responderIds=${rB.id},${rC.id}`)).map((d) => d.id),
    [tB.id],
  );
  // up to 100 values
  const hundred = [A.id, ...Array.from({ length: 99 }, () => uuid())].join(',');
  assert.deepEqual((await fx.detailsList(`status=pending&assigneeIds=${hundred}`)).map((d) => d.id), [tA.id], '100 values allowed');
  const many = Array.from({ length: 101 }, () => uuid()).join(',');
  zErr(await fx.call('GET', `/tickets/details?status=pending&assigneeIds=${many}`), 400, 'assigneeIds', '101 values');
});

test('responderVersionIds tells a responder\'s versions apart', async () => {
  const r = await fx.responder();
  const c1 = await fx.chat({ responderId: r.id });
  const r2 = await fx.newVersion(r.id);
  const c2 = await fx.chat({ responderId: r.id });
  const t1 = await fx.ticket({ chatId: c1.id });
  const t2 = await fx.ticket({ chatId: c2.id });
  assert.deepEqual((await fx.detailsList({ status: 'pending', responderVersionIds: r.versionId })).map((d) => d.id), [t1.id]);
  assert.deepEqual((await fx.detailsList({ status: 'pending', responderVersionIds: r2.versionId })).map((d) => d.id), [t2.id]);
  assert.deepEqual(idsOf(await fx.detailsList({ status: 'pending', responderIds: r.id })), sorted(t1.id, t2.id));
  const d1 = await fx.details(t1.id);
  const d2 = await fx.details(t2.id);
  assert.equal(d1.responderVersionNumber, 1);
  assert.equal(d1.responderVersionId, r.versionId);
  assert.equal(d2.responderVersionNumber, 2);
  assert.equal(d2.responderVersionId, r2.versionId);
});

test('includeRemoved: a removed chat\'s tickets drop out of the list unless includeRemoved=true', async () => {
  const chat = await fx.chat();
  const keep = await fx.chat();
  const t = await fx.ticket({ chatId: chat.id });
  const k = await fx.ticket({ chatId: keep.id });
  const q = `status=pending&chatIds=${chat.id},${keep.id}`;
  assert.deepEqual(idsOf(await fx.detailsList(q)), sorted(t.id, k.id));
  zOk(await fx.call('DELETE', `/chats/${chat.id}`), 'remove chat');
  assert.deepEqual((await fx.detailsList(q)).map((d) => d.id), [k.id], 'dropped by default');
  assert.deepEqual((await fx.detailsList(`${q}&includeRemoved=false`)).map((d) => d.id), [k.id], 'includeRemoved=false');
  const withRemoved = await fx.detailsList(`${q}&includeRemoved=true`);
  assert.deepEqual(idsOf(withRemoved), sorted(t.id, k.id));
  assert.equal(withRemoved.find((d) => d.id === t.id).chatIsRemoved, true);
  assert.equal(withRemoved.find((d) => d.id === k.id).chatIsRemoved, false);
  const d = await fx.details(t.id);
  assert.equal(d.chatIsRemoved, true, 'the single details still answers, chatIsRemoved true');
  zErr(await fx.call('GET', `/tickets/details?${q}&includeRemoved=maybe`), 400, 'includeRemoved');
});

test('search: case-insensitive word prefix on summary', async () => {
  const w = word();
  const chat = await fx.chat({ summary: 'nothing here' });
  const t = await fx.ticket({ chatId: chat.id, summary: `Refunds for ${w}` });
  const other = await fx.ticket({ chatId: chat.id, summary: `Invoices for ${w}` });
  const find = async (search) => idsOf(await fx.detailsList({ status: 'pending', search }));
  assert.deepEqual(await find(w), sorted(t.id, other.id));
  assert.deepEqual(await find(`refund ${w}`), [t.id], '"refund" finds "Refunds"');
  assert.deepEqual(await find(`REFUNDS ${w.toUpperCase()}`), [t.id], 'case-insensitive');
  assert.deepEqual(await find(`efund ${w}`), [], 'a word prefix, not any substring');
  assert.deepEqual(await find(`refund ${w} ${word()}`), [], 'every word must match');
  assert.deepEqual(await find(w.slice(0, 7)), sorted(t.id, other.id), 'prefix of the token');
});

test('search: on a chat message, on the owner name, email and identifier; words may match different fields', async () => {
  const w1 = word();
  const w2 = word();
  const w3 = word();
  const owner = await fx.externalUser({ name: `Zelda ${w2}`, email: `alice.${w3}@example.com`, identifier: `id${w1}x` });
  const chat = await fx.chat({ ownerId: owner.id, summary: 'plain summary' });
  await fx.message(chat.id, `My parcel ${w1} never arrived`);
  const t = await fx.ticket({ chatId: chat.id });
  const decoyChat = await fx.chat({ summary: 'decoy' });
  await fx.message(decoyChat.id, 'unrelated');
  await fx.ticket({ chatId: decoyChat.id });
  const find = async (search) => (await fx.detailsList({ status: 'pending', search })).map((d) => d.id);
  assert.deepEqual(await find(w1.toUpperCase()), [t.id], 'a chat message');
  assert.deepEqual(await find(`parcel ${w1}`), [t.id]);
  assert.deepEqual(await find(w2), [t.id], 'the owner name');
  assert.deepEqual(await find(`zelda ${w2}`), [t.id], 'the owner name, case-insensitive');
  assert.deepEqual(await find(`alice.${w3}@example.com`), [t.id], 'the owner email');
  assert.deepEqual(await find(`ALICE.${w3.toUpperCase()}@EXAMPLE.COM`), [t.id], 'the owner email, case-insensitive');
  assert.deepEqual(await find(`id${w1}`), [t.id], 'the owner identifier');
  assert.deepEqual(await find(`${w2} ${w1}`), [t.id], 'one word in the name, one in a message');
  // a message added later is found too
  const w4 = word();
  await fx.message(chat.id, `follow-up ${w4}`, false);
  assert.deepEqual(await find(w4), [t.id], 'a later message');
});

test('search: the owner is a platform user (name and email); diacritics folded; blank search is no filter', async () => {
  const w = word();
  const owner = await fx.user({ name: `Bjørn ${w}`, email: `bjorn.${w}@example.com` });
  const chat = await fx.chat({ ownerId: owner.id, summary: `Café crème ${w}` });
  const t = await fx.ticket({ chatId: chat.id });
  const find = async (search) => (await fx.detailsList({ status: 'pending', search })).map((d) => d.id);
  assert.deepEqual(await find(`bjorn.${w}@example.com`), [t.id], 'owner user email');
  assert.deepEqual(await find(`cafe creme ${w}`), [t.id], 'diacritics folded');
  assert.deepEqual(await find(`CAFÉ ${w}`), [t.id]);
  const all = (await fx.detailsList({ status: 'pending' })).map((d) => d.id);
  assert.deepEqual(await find('   '), all, 'blank search is no filter');
  assert.deepEqual(await find(''), all, 'empty search is no filter');
});

test('paging: bare array, newest first; pageSize 0/101/abc and pageNumber 0 -> 400', async () => {
  const chat = await fx.chat();
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await fx.ticket({ chatId: chat.id }));
  const all = await fx.detailsList({ status: 'pending', chatIds: chat.id });
  assert.deepEqual(idsOf(all), idsOf(made));
  assertNewestFirst(all, 'details');
  const page = async (pageNumber, pageSize) => {
    const r = await fx.call('GET', `/tickets/details?status=pending&chatIds=${chat.id}&pageNumber=${pageNumber}&pageSize=${pageSize}`);
    const b = zOk(r);
    assert.ok(Array.isArray(b));
    return b.map((d) => d.id);
  };
  assert.deepEqual(await page(1, 2), all.slice(0, 2).map((d) => d.id));
  assert.deepEqual(await page(2, 2), all.slice(2, 4).map((d) => d.id));
  assert.deepEqual(await page(3, 2), all.slice(4).map((d) => d.id));
  assert.deepEqual(await page(4, 2), []);
  for (const [q, f] of [
    ['pageSize=0', 'pageSize'], ['pageSize=101', 'pageSize'], ['pageSize=abc', 'pageSize'],
    ['pageSize=-1', 'pageSize'], ['pageSize=1.5', 'pageSize'], ['pageNumber=0', 'pageNumber'],
    ['pageNumber=abc', 'pageNumber'],
  ]) {
    zErr(await fx.call('GET', `/tickets/details?status=pending&${q}`), 400, f, q);
  }
  // defaults: pageSize 10
  for (let i = 0; i < 6; i++) await fx.ticket({ chatId: chat.id });
  const def = zOk(await fx.call('GET', `/tickets/details?status=pending&chatIds=${chat.id}`));
  assert.equal(def.length, 10, 'default pageSize 10');
  assert.ok(made[4].createdAt <= def[0].createdAt);
});

test('pendingChatMessages: owner messages after the last non-owner message', async () => {
  const chat = await fx.chat();
  const t = await fx.ticket({ chatId: chat.id });
  const pending = async () => (await fx.details(t.id)).pendingChatMessages;
  assert.equal(await pending(), 0, 'no messages');
  await fx.message(chat.id, 'hello');
  await fx.message(chat.id, 'anyone?');
  assert.equal(await pending(), 2, 'two owner messages');
  await fx.message(chat.id, 'We are here', false);
  assert.equal(await pending(), 0, 'answered');
  await fx.message(chat.id, 'thanks', true);
  await fx.message(chat.id, 'one more');
  await fx.message(chat.id, 'and another');
  assert.equal(await pending(), 3, 'three after the last reply');
  const inList = (await fx.detailsList({ status: 'pending', chatIds: chat.id }))[0];
  assert.equal(inList.pendingChatMessages, 3, 'the list shows the same count');
  // messages before the ticket existed count too (it is the chat's count)
  const chat2 = await fx.chat();
  await fx.message(chat2.id, 'before the ticket');
  const t2 = await fx.ticket({ chatId: chat2.id });
  assert.equal((await fx.details(t2.id)).pendingChatMessages, 1);
});

test('search: FTS syntax in the query is taken as text (no 500, no query-language effects)', async () => {
  const w = word();
  const chat = await fx.chat({ summary: `Plain ${w} words` });
  const t = await fx.ticket({ chatId: chat.id });
  const weird = ['"', '""', `"${w}`, '*', `${w}*`, '(', ')', 'AND', 'OR', 'NOT', 'NEAR(a b)', '-', `-${w}`, '^', ':',
    'summary:x', '{a}', '[', "'", '\\', '%', '_', 'a OR b', `${w} OR zzzzzzzzzz`, `NOT ${w}`, '💥'];
  for (const search of weird) {
    const r = await fx.call('GET', `/tickets/details?status=pending&search=${encodeURIComponent(search)}`);
    assert.equal(r.status, 200, `search ${JSON.stringify(search)}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.ok(Array.isArray(r.json));
  }
  // a NUL is refused rather than read as the text before it
  const nul = await fx.call('GET', `/tickets/details?status=pending&search=${encodeURIComponent('\u0000x')}`);
  assert.equal(nul.status, 400, `search "\\u0000x": ${nul.status} ${nul.text.slice(0, 200)}`);
  const find = async (search) => (await fx.detailsList({ status: 'pending', search })).map((d) => d.id);
  assert.deepEqual(await find(`"${w}"`), [t.id], 'quotes are not syntax');
  assert.deepEqual(await find(`${w} OR zzzzzzzzzz`), [], 'OR is a word that must match, not an operator');
  assert.deepEqual(await find(`NOT ${w}`), [], 'NOT is a word, not an operator');
  assert.deepEqual(await find(`plain ${w}`), [t.id]);
});

test('search follows later changes: owner rename, identifier change, ticket on a renamed owner', async () => {
  const w1 = word();
  const w2 = word();
  const owner = await fx.externalUser({ name: `Old ${w1}` });
  const chat = await fx.chat({ ownerId: owner.id, summary: 'rename case' });
  const t = await fx.ticket({ chatId: chat.id });
  const find = async (search) => (await fx.detailsList({ status: 'pending', search })).map((d) => d.id);
  assert.deepEqual(await find(w1), [t.id]);
  zOk(await fx.call('PATCH', `/external-users/${owner.id}`, { name: `New ${w2}` }), 'rename owner');
  assert.deepEqual(await find(w2), [t.id], 'the new name is found');
  assert.deepEqual(await find(w1), [], 'the old name is gone');
  assert.equal((await fx.details(t.id)).ownerName, `New ${w2}`);
  const w3 = word();
  zOk(await fx.call('PATCH', `/external-users/${owner.id}`, { identifier: w3, isBlocked: true }));
  assert.deepEqual(await find(w3), [t.id], 'the new identifier is found');
  const d = await fx.details(t.id);
  assert.equal(d.ownerIdentifier, w3);
  assert.equal(d.isOwnerBlocked, true);
  const u = await fx.user({ name: `User ${word()}` });
  const w4 = word();
  const chatU = await fx.chat({ ownerId: u.id });
  const tu = await fx.ticket({ chatId: chatU.id });
  zOk(await fx.call('PATCH', `/users/${u.id}`, { name: `Renamed ${w4}`, email: `${w4}@example.org` }));
  assert.deepEqual(await find(w4), [tu.id], 'a user owner rename is found');
  const du = await fx.details(tu.id);
  assert.equal(du.ownerName, `Renamed ${w4}`);
  assert.equal(du.ownerEmail, `${w4}@example.org`);
});

test('details join live rows: renamed team, assignee, channel and responder show on the ticket', async () => {
  const team = await fx.team({ name: 'Old team' });
  const u = await fx.user({ name: 'Old assignee' });
  const ch = await fx.channel({ name: 'Old channel', type: 'email' });
  const rs = await fx.responder({ name: 'Old responder' });
  const chat = await fx.chat({ channelId: ch.id, responderId: rs.id });
  const t = await fx.ticket({ chatId: chat.id, assigneeId: u.id, ticketingTeamId: team.id });
  zOk(await fx.call('PATCH', `/ticketing-teams/${team.id}`, { name: 'New team', picture: 'https://pics.example/new.png' }));
  zOk(await fx.call('PATCH', `/users/${u.id}`, { name: 'New assignee', picture: 'https://pics.example/u.png' }));
  zOk(await fx.call('PATCH', `/channels/${ch.id}`, { name: 'New channel', type: 'telegram' }));
  zOk(await fx.call('PATCH', `/super-identities/responders/${rs.id}`, { name: 'New responder' }));
  const d = await fx.details(t.id);
  assert.equal(d.ticketingTeamName, 'New team');
  assert.equal(d.ticketingTeamPicture, 'https://pics.example/new.png');
  assert.equal(d.assigneeName, 'New assignee');
  assert.equal(d.assigneePicture, 'https://pics.example/u.png');
  assert.equal(d.channelName, 'New channel');
  assert.equal(d.channelType, 'telegram');
  assert.equal(d.responderName, 'New responder');
  assert.equal(d.responderVersionNumber, 1);
});

test('search combined with filters and paging', async () => {
  const w = word();
  const u = await fx.user();
  const other = await fx.user();
  const chat = await fx.chat({ summary: `${w} batch` });
  const mine = [];
  for (let i = 0; i < 3; i++) mine.push(await fx.ticket({ chatId: chat.id, assigneeId: u.id }));
  await fx.ticket({ chatId: chat.id, assigneeId: other.id });
  const all = await fx.detailsList({ status: 'pending', search: w, assigneeIds: u.id });
  assert.deepEqual(idsOf(all), idsOf(mine));
  assertNewestFirst(all, 'search results');
  const p2 = zOk(await fx.call('GET', `/tickets/details?status=pending&search=${w}&assigneeIds=${u.id}&pageSize=2&pageNumber=2`));
  assert.deepEqual(p2.map((d) => d.id), [all[2].id]);
});
