// Zaia /api/v1 entities: users, external users, channels, responders (+ versions), chats (+
// messages, soft delete), tags, ticketing teams (soft delete): create, list (bare array, paged,
// newest first), get, PATCH (partial), DELETE, and 409 on deleting a referenced entity.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, show, uuid } from './lib/harness.mjs';
import {
  Z, zfx, zOk, zErr, SHAPE, assertZShape, assertNewestFirst, ids, qs,
} from './lib/zaia.mjs';

let s;
let fx;
let wsId;
before(async () => {
  s = await startServer();
  fx = zfx(s);
  wsId = (await fx.user()).workspaceId;
});
after(async () => {
  await s?.stop();
});

const KINDS = [
  {
    kind: 'users', path: '/users', shape: SHAPE.user,
    make: (i) => fx.user({ name: `User ${i}`, picture: 'https://pics.example/u.png' }),
    patch: { name: 'Renamed User' },
    check: (o, i) => { assert.equal(o.name, `User ${i}`); assert.equal(o.picture, 'https://pics.example/u.png'); },
  },
  {
    kind: 'external-users', path: '/external-users', shape: SHAPE.externalUser,
    make: (i) => fx.externalUser({ name: `Ext ${i}`, email: `${uniq('ext')}@example.com`, identifier: `ident-${i}`, isBlocked: true }),
    patch: { name: 'Renamed Ext' },
    check: (o, i) => { assert.equal(o.name, `Ext ${i}`); assert.equal(o.identifier, `ident-${i}`); assert.equal(o.isBlocked, true); },
  },
  {
    kind: 'channels', path: '/channels', shape: SHAPE.channel,
    make: (i) => fx.channel({ name: `Channel ${i}`, type: 'whatsapp' }),
    patch: { name: 'Renamed Channel' },
    check: (o, i) => { assert.equal(o.name, `Channel ${i}`); assert.equal(o.type, 'whatsapp'); },
  },
  {
    kind: 'responders', path: '/super-identities/responders', shape: SHAPE.responder,
    make: (i) => fx.responder({ name: `Responder ${i}`, entity: 'squads', picture: 'https://pics.example/r.png' }),
    patch: { name: 'Renamed Responder' },
    check: (o, i) => {
      assert.equal(o.name, `Responder ${i}`);
      assert.equal(o.entity, 'squads');
      assert.equal(o.picture, 'https://pics.example/r.png');
      assert.equal(o.versionNumber, 1, 'a new responder is at version 1');
    },
  },
  {
    kind: 'chats', path: '/chats', shape: SHAPE.chat,
    make: (i) => fx.chat({ summary: `Chat ${i}` }),
    patch: { summary: 'Renamed chat summary' },
    check: (o, i) => { assert.equal(o.summary, `Chat ${i}`); assert.equal(o.isRemoved, false); },
  },
  {
    kind: 'tags', path: '/tags', shape: SHAPE.tag,
    make: (i) => fx.tag({ name: `Tag ${i}`, description: `desc ${i}`, color: '7' }),
    patch: { name: 'Renamed Tag' },
    check: (o, i) => {
      assert.equal(o.name, `Tag ${i}`);
      assert.equal(o.description, `desc ${i}`);
      assert.equal(o.color, '7');
      assert.equal(o.activeTicketCount, 0);
    },
  },
  {
    kind: 'ticketing-teams', path: '/ticketing-teams', shape: SHAPE.team,
    make: (i) => fx.team({ name: `Team ${i}`, description: `team desc ${i}`, picture: 'https://pics.example/t.png' }),
    patch: { name: 'Renamed Team' },
    check: (o, i) => {
      assert.equal(o.name, `Team ${i}`);
      assert.equal(o.description, `team desc ${i}`);
      assert.equal(o.picture, 'https://pics.example/t.png');
      assert.equal(o.isRemoved, false);
    },
  },
];

for (const K of KINDS) {
  test(`${K.kind}: create answers the object; GET answers the same; workspaceId is the workspace's`, async () => {
    const o = await K.make(1);
    assertZShape(o, K.shape, K.kind);
    K.check(o, 1);
    assert.equal(o.workspaceId, wsId);
    assert.equal(o.createdAt, o.updatedAt, 'a new object: updatedAt = createdAt');
    assert.ok(Math.abs(Date.parse(o.createdAt) - Date.now()) < 60000, `createdAt is now: ${o.createdAt}`);
    const got = await fx.get(`${K.path}/${o.id}`);
    assert.deepEqual(got, o);
    // upper-case uuid in the path finds it too
    assert.deepEqual(await fx.get(`${K.path}/${o.id.toUpperCase()}`), o);
  });

  test(`${K.kind}: list is a bare array, newest first, paged by pageNumber/pageSize`, async () => {
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await K.make(100 + i));
    const all = await fx.list(K.path);
    assert.ok(Array.isArray(all), `list must be a bare array: ${JSON.stringify(all).slice(0, 200)}`);
    all.forEach((o, i) => assertZShape(o, K.shape, `${K.kind}[${i}]`));
    for (const m of made) {
      assert.deepEqual(all.find((o) => o.id === m.id), m, `list shows ${m.id} as created`);
    }
    assertNewestFirst(all, K.kind);
    const first = all.indexOf(all.find((o) => o.id === made[0].id));
    const last = all.indexOf(all.find((o) => o.id === made[3].id));
    if (made[3].createdAt > made[0].createdAt) assert.ok(last < first, 'the last created comes first');
    const p1 = zOk(await fx.call('GET', `${K.path}${qs({ pageNumber: 1, pageSize: 2 })}`));
    const p2 = zOk(await fx.call('GET', `${K.path}${qs({ pageNumber: 2, pageSize: 2 })}`));
    assert.deepEqual(ids(p1), ids(all.slice(0, 2)));
    assert.deepEqual(ids(p2), ids(all.slice(2, 4)));
    const far = zOk(await fx.call('GET', `${K.path}${qs({ pageNumber: 1000, pageSize: 100 })}`));
    assert.deepEqual(far, [], 'a page past the end is an empty array');
    for (const [q, field] of [
      [{ pageSize: 0 }, 'pageSize'], [{ pageSize: 101 }, 'pageSize'], [{ pageSize: 'abc' }, 'pageSize'],
      [{ pageNumber: 0 }, 'pageNumber'], [{ pageNumber: 'x' }, 'pageNumber'],
    ]) {
      zErr(await fx.call('GET', `${K.path}${qs(q)}`), 400, field, `${K.kind} ${qs(q)}`);
    }
  });

  test(`${K.kind}: PATCH changes only the fields sent`, async () => {
    const o = await K.make(2);
    const r = await fx.call('PATCH', `${K.path}/${o.id}`, K.patch);
    const p = zOk(r, `${K.kind} patch`);
    assertZShape(p, K.shape, K.kind);
    const expected = { ...o, ...K.patch, updatedAt: p.updatedAt };
    assert.deepEqual(p, expected, 'only the patched field (and updatedAt) changed');
    assert.ok(p.updatedAt >= o.updatedAt, 'updatedAt moves forward');
    assert.deepEqual(await fx.get(`${K.path}/${o.id}`), p, 'GET shows the patch');
    // an empty PATCH keeps everything
    const same = zOk(await fx.call('PATCH', `${K.path}/${o.id}`, {}), `${K.kind} empty patch`);
    assert.deepEqual({ ...same, updatedAt: p.updatedAt }, p);
    zErr(await fx.call('PATCH', `${K.path}/${uuid()}`, K.patch), 404, undefined, `${K.kind} patch unknown id`);
  });
}

const hardDeletes = KINDS.filter((K) => !['chats', 'ticketing-teams'].includes(K.kind));
for (const K of hardDeletes) {
  test(`${K.kind}: DELETE answers {message}; later GET 404; gone from the list`, async () => {
    const o = await K.make(3);
    const r = await fx.call('DELETE', `${K.path}/${o.id}`);
    const b = zOk(r, `${K.kind} delete`);
    assertZShape(b, SHAPE.message, 'delete answer');
    zErr(await fx.call('GET', `${K.path}/${o.id}`), 404, undefined, `${K.kind} GET after delete`);
    assert.ok(!ids(await fx.list(K.path)).includes(o.id), 'gone from the list');
    zErr(await fx.call('DELETE', `${K.path}/${o.id}`), 404, undefined, `${K.kind} second delete`);
    zErr(await fx.call('PATCH', `${K.path}/${o.id}`, K.patch), 404, undefined, `${K.kind} patch after delete`);
  });
}

test('lists default to pageSize 10 and pageNumber 1', async () => {
  for (let i = 0; i < 11; i++) await fx.tag({ name: `default page ${i}` });
  const r = await fx.call('GET', '/tags');
  const l = zOk(r);
  assert.equal(l.length, 10, 'default pageSize is 10');
  const full = await fx.list('/tags');
  assert.deepEqual(ids(l), ids(full.slice(0, 10)));
  const p2 = zOk(await fx.call('GET', '/tags?pageNumber=2'));
  assert.deepEqual(ids(p2), ids(full.slice(10, 20)));
});

// --- users -----------------------------------------------------------------------------------

test('users: password accepted (8..256) and never returned; email unique in the workspace -> 409', async () => {
  const email = `${uniq('pw')}@example.com`;
  const r = await fx.call('POST', '/users', { name: 'Pat', email, password: 'correct horse battery' });
  const u = zOk(r, 'user with password');
  assert.ok(!Object.hasOwn(u, 'password'), 'password never returned');
  assert.ok(!r.text.includes('correct horse battery'), 'the password text is not echoed');
  assert.ok(!Object.hasOwn(await fx.get(`/users/${u.id}`), 'password'));
  assert.ok(!(await fx.list('/users')).some((x) => Object.hasOwn(x, 'password')));
  zErr(await fx.call('POST', '/users', { name: 'Pat', email, password: 'short' }), 400, 'password', 'short password');
  zErr(await fx.call('POST', '/users', { name: 'Pat', email: `${uniq('pw')}@example.com`, password: 'x'.repeat(257) }), 400, 'password');
  const n = (await fx.list('/users')).length;
  zErr(await fx.call('POST', '/users', { name: 'Dup', email }), 409, undefined, 'duplicate email');
  const other = await fx.user();
  zErr(await fx.call('PATCH', `/users/${other.id}`, { email }), 409, undefined, 'patch to a used email');
  assert.deepEqual(await fx.get(`/users/${other.id}`), other, 'the failed patch wrote nothing');
  assert.equal((await fx.list('/users')).length, n + 1);
  zErr(await fx.call('POST', '/users', { name: 'NoMail' }), 400, 'email');
  zErr(await fx.call('POST', '/users', { email: `${uniq('nm')}@example.com` }), 400, 'name');
  zErr(await fx.call('POST', '/users', { name: 7, email: `${uniq('nm')}@example.com` }), 400, 'name');
  const noPic = await fx.user({ name: 'No Pic' });
  assert.equal(noPic.picture, null, 'picture is null when not given');
});

test('users: DELETE of a user that owns a chat or is a ticket assignee -> 409; still there', async () => {
  const owner = await fx.user();
  await fx.chat({ ownerId: owner.id });
  const r = await fx.call('DELETE', `/users/${owner.id}`);
  zErr(r, 409, undefined, 'delete chat owner');
  assert.deepEqual(await fx.get(`/users/${owner.id}`), owner);
  const assignee = await fx.user();
  await fx.ticket({ assigneeId: assignee.id });
  zErr(await fx.call('DELETE', `/users/${assignee.id}`), 409, undefined, 'delete assignee');
  assert.deepEqual(await fx.get(`/users/${assignee.id}`), assignee);
});

// --- external users --------------------------------------------------------------------------

test('external users: only name needed (email/identifier null, isBlocked false); 409 when owning a chat', async () => {
  const e = await fx.externalUser({ name: 'Only Name' });
  assert.equal(e.name, 'Only Name');
  assert.equal(e.email, null);
  assert.equal(e.identifier, null);
  assert.equal(e.isBlocked, false);
  zErr(await fx.call('POST', '/external-users', { email: 'x@example.com' }), 400, 'name');
  zErr(await fx.call('POST', '/external-users', { name: 'B', isBlocked: 'yes' }), 400, 'isBlocked');
  const blocked = zOk(await fx.call('PATCH', `/external-users/${e.id}`, { isBlocked: true }));
  assert.equal(blocked.isBlocked, true);
  assert.equal(blocked.name, 'Only Name');
  await fx.chat({ ownerId: e.id });
  zErr(await fx.call('DELETE', `/external-users/${e.id}`), 409, undefined, 'delete chat owner');
  assert.deepEqual(await fx.get(`/external-users/${e.id}`), blocked);
});

// --- channels --------------------------------------------------------------------------------

test('channels: every documented type accepted, others 400 naming type; 409 when a chat uses it', async () => {
  for (const type of ['widget', 'whatsapp', 'instagram', 'telegram', 'email', 'api']) {
    const c = await fx.channel({ type });
    assert.equal(c.type, type);
  }
  const n = (await fx.list('/channels')).length;
  zErr(await fx.call('POST', '/channels', { name: 'c', type: 'fax' }), 400, 'type');
  zErr(await fx.call('POST', '/channels', { name: 'c' }), 400, 'type');
  zErr(await fx.call('POST', '/channels', { type: 'api' }), 400, 'name');
  assert.equal((await fx.list('/channels')).length, n, 'rejected creates write nothing');
  const c = await fx.channel();
  zErr(await fx.call('PATCH', `/channels/${c.id}`, { type: 'pigeon' }), 400, 'type');
  assert.deepEqual(await fx.get(`/channels/${c.id}`), c);
  await fx.chat({ channelId: c.id });
  zErr(await fx.call('DELETE', `/channels/${c.id}`), 409, undefined, 'delete a used channel');
  assert.deepEqual(await fx.get(`/channels/${c.id}`), c);
});

// --- responders ------------------------------------------------------------------------------

test('responders: POST /{id}/versions -> versionNumber 2 with a new versionId, made current', async () => {
  const r1 = await fx.responder({ entity: 'workflows' });
  assert.equal(r1.versionNumber, 1);
  const chatV1 = await fx.chat({ responderId: r1.id });
  assert.equal(chatV1.responderVersionId, r1.versionId, 'a chat takes the current version');
  const res = await fx.call('POST', `/super-identities/responders/${r1.id}/versions`, {});
  const r2 = zOk(res, 'new version');
  assertZShape(r2, SHAPE.responder, 'responder');
  assert.equal(r2.id, r1.id);
  assert.equal(r2.versionNumber, 2);
  assert.notEqual(r2.versionId, r1.versionId);
  assert.equal(r2.name, r1.name);
  assert.equal(r2.entity, 'workflows');
  assert.deepEqual(await fx.get(`/super-identities/responders/${r1.id}`), r2, 'GET shows the current version');
  const r3 = await fx.newVersion(r1.id);
  assert.equal(r3.versionNumber, 3);
  assert.ok(![r1.versionId, r2.versionId].includes(r3.versionId));
  const chatV3 = await fx.chat({ responderId: r1.id });
  assert.equal(chatV3.responderVersionId, r3.versionId);
  assert.equal((await fx.get(`/chats/${chatV1.id}`)).responderVersionId, r1.versionId, 'an older chat keeps its version');
  zErr(await fx.call('POST', `/super-identities/responders/${uuid()}/versions`, {}), 404, undefined, 'versions of unknown');
  zErr(await fx.call('POST', '/super-identities/responders/not-a-uuid/versions', {}), 400, undefined, 'versions bad uuid');
});

test('responders: entity must be agents|squads|workflows; 409 when a chat uses it', async () => {
  for (const entity of ['agents', 'squads', 'workflows']) assert.equal((await fx.responder({ entity })).entity, entity);
  zErr(await fx.call('POST', '/super-identities/responders', { name: 'r', entity: 'bots' }), 400, 'entity');
  zErr(await fx.call('POST', '/super-identities/responders', { entity: 'agents' }), 400, 'name');
  const r = await fx.responder();
  await fx.chat({ responderId: r.id });
  zErr(await fx.call('DELETE', `/super-identities/responders/${r.id}`), 409, undefined, 'delete a used responder');
  assert.deepEqual(await fx.get(`/super-identities/responders/${r.id}`), r);
});

// --- chats and messages ----------------------------------------------------------------------

test('chats: ownerEntity follows the owner (user / external user); references are kept', async () => {
  const ch = await fx.channel();
  const rs = await fx.responder();
  const u = await fx.user();
  const e = await fx.externalUser();
  const cu = await fx.chat({ channelId: ch.id, ownerId: u.id, responderId: rs.id, summary: 'by a user' });
  assert.equal(cu.ownerEntity, 'users');
  assert.equal(cu.ownerId, u.id);
  assert.equal(cu.channelId, ch.id);
  assert.equal(cu.responderId, rs.id);
  assert.equal(cu.responderVersionId, rs.versionId);
  assert.equal(cu.summary, 'by a user');
  assert.equal(cu.isRemoved, false);
  const ce = await fx.chat({ channelId: ch.id, ownerId: e.id, responderId: rs.id });
  assert.equal(ce.ownerEntity, 'external-users');
  assert.equal(ce.ownerId, e.id);
  const r = await fx.call('POST', '/chats', { channelId: ch.id, ownerId: e.id, responderId: rs.id });
  const noSummary = zOk(r, 'chat without summary');
  assert.equal(noSummary.summary, null, 'summary is null when not given');
  for (const miss of ['channelId', 'ownerId', 'responderId']) {
    const body = { channelId: ch.id, ownerId: e.id, responderId: rs.id };
    delete body[miss];
    zErr(await fx.call('POST', '/chats', body), 400, miss, `chat without ${miss}`);
  }
});

test('chats: messages — fromOwner defaults to true; GET lists oldest first, paged', async () => {
  const c = await fx.chat();
  const m1 = await fx.message(c.id, 'first');
  assert.equal(m1.fromOwner, true, 'fromOwner defaults to true');
  assert.equal(m1.chatId, c.id);
  assert.equal(m1.text, 'first');
  const m2 = await fx.message(c.id, 'second', false);
  assert.equal(m2.fromOwner, false);
  const m3 = await fx.message(c.id, 'third', true);
  const l = zOk(await fx.call('GET', `/chats/${c.id}/messages`));
  assert.ok(Array.isArray(l));
  assert.deepEqual(l, [m1, m2, m3], 'oldest first, as created');
  const p2 = zOk(await fx.call('GET', `/chats/${c.id}/messages?pageNumber=2&pageSize=2`));
  assert.deepEqual(p2, [m3]);
  zErr(await fx.call('GET', `/chats/${c.id}/messages?pageSize=0`), 400, 'pageSize');
  zErr(await fx.call('POST', `/chats/${c.id}/messages`, {}), 400, 'text');
  zErr(await fx.call('POST', `/chats/${c.id}/messages`, { text: 'x', fromOwner: 'no' }), 400, 'fromOwner');
  zErr(await fx.call('POST', `/chats/${uuid()}/messages`, { text: 'x' }), 404, undefined, 'message to unknown chat');
  zErr(await fx.call('GET', `/chats/${uuid()}/messages`), 404, undefined, 'messages of unknown chat');
  assert.equal(zOk(await fx.call('GET', `/chats/${c.id}/messages`)).length, 3, 'rejected messages wrote nothing');
});

test('chats: PATCH changes responderId and summary; channelId and ownerId are fixed (400, nothing written)', async () => {
  const c = await fx.chat({ summary: 'before' });
  const ch = await fx.channel();
  const rs = await fx.responder();
  const u = await fx.user();
  const p1 = zOk(await fx.call('PATCH', `/chats/${c.id}`, { responderId: rs.id }), 'patch responderId');
  assert.equal(p1.responderId, rs.id);
  assert.equal(p1.responderVersionId, rs.versionId, "the chat takes the new responder's current version");
  assert.equal(p1.summary, 'before');
  const p2 = zOk(await fx.call('PATCH', `/chats/${c.id}`, { summary: 'after' }), 'patch summary');
  assert.equal(p2.summary, 'after');
  assert.equal(p2.responderId, rs.id);
  zErr(await fx.call('PATCH', `/chats/${c.id}`, { channelId: ch.id, summary: 'x' }), 400, 'channelId', 'patch channelId');
  zErr(await fx.call('PATCH', `/chats/${c.id}`, { ownerId: u.id }), 400, 'ownerId', 'patch ownerId');
  assert.deepEqual(await fx.get(`/chats/${c.id}`), p2, 'the refused PATCHes wrote nothing');
});

test('chats: DELETE is soft — isRemoved true, GET still answers', async () => {
  const c = await fx.chat({ summary: 'to remove' });
  const r = await fx.call('DELETE', `/chats/${c.id}`);
  assertZShape(zOk(r, 'chat delete'), SHAPE.message, 'delete answer');
  const got = await fx.get(`/chats/${c.id}`);
  assertZShape(got, SHAPE.chat, 'removed chat');
  assert.equal(got.isRemoved, true);
  assert.equal(got.summary, 'to remove');
  assert.equal(got.ownerId, c.ownerId);
  zErr(await fx.call('DELETE', `/chats/${uuid()}`), 404, undefined, 'delete unknown chat');
});

// --- tags ------------------------------------------------------------------------------------

test('tags: name 1..255, description required (may be empty), color "0".."9"', async () => {
  const n = (await fx.list('/tags')).length;
  for (const color of ['0', '9']) assert.equal((await fx.tag({ color })).color, color);
  const empty = await fx.tag({ description: '' });
  assert.equal(empty.description, '');
  assert.equal((await fx.tag({ name: 'n'.repeat(255) })).name.length, 255);
  const bad = [
    [{ name: 'a', description: 'd', color: '10' }, 'color'],
    [{ name: 'a', description: 'd', color: 3 }, 'color'],
    [{ name: 'a', description: 'd', color: 'red' }, 'color'],
    [{ name: 'a', description: 'd' }, 'color'],
    [{ name: 'a', color: '1' }, 'description'],
    [{ name: 'a', description: 5, color: '1' }, 'description'],
    [{ description: 'd', color: '1' }, 'name'],
    [{ name: '', description: 'd', color: '1' }, 'name'],
    [{ name: 'n'.repeat(256), description: 'd', color: '1' }, 'name'],
  ];
  for (const [body, field] of bad) zErr(await fx.call('POST', '/tags', body), 400, field, JSON.stringify(body).slice(0, 80));
  assert.equal((await fx.list('/tags')).length, n + 4, 'rejected creates wrote nothing');
  const t = await fx.tag();
  zErr(await fx.call('PATCH', `/tags/${t.id}`, { color: '11' }), 400, 'color');
  assert.deepEqual(await fx.get(`/tags/${t.id}`), t);
  const p = zOk(await fx.call('PATCH', `/tags/${t.id}`, { color: '0', description: '' }));
  assert.equal(p.color, '0');
  assert.equal(p.description, '');
  assert.equal(p.name, t.name);
});

test('names are counted in characters and round-trip unicode exactly', async () => {
  const n255 = 'é'.repeat(254) + '💥';
  const t = await fx.tag({ name: n255, description: 'ünïcödé — “quotes” \\ / \n tab\t' });
  assert.equal(t.name, n255, '255 characters (more than 255 bytes) accepted');
  assert.equal(t.description, 'ünïcödé — “quotes” \\ / \n tab\t');
  assert.deepEqual(await fx.get(`/tags/${t.id}`), t);
  zErr(await fx.call('POST', '/tags', { name: 'é'.repeat(256), description: '', color: '1' }), 400, 'name', '256 characters');
  const u = await fx.user({ name: 'Zoë 山田 🚀' });
  assert.equal((await fx.get(`/users/${u.id}`)).name, 'Zoë 山田 🚀');
});

// --- ticketing teams -------------------------------------------------------------------------

test('ticketing teams: DELETE is soft — gone from list and GET 404, still named on its ticket', async () => {
  const team = await fx.team({ name: 'Billing squad', picture: 'https://pics.example/team.png' });
  const t = await fx.ticket({ ticketingTeamId: team.id });
  assert.equal(t.ticketingTeamId, team.id);
  const r = await fx.call('DELETE', `/ticketing-teams/${team.id}`);
  assertZShape(zOk(r, 'team delete'), SHAPE.message, 'delete answer');
  zErr(await fx.call('GET', `/ticketing-teams/${team.id}`), 404, undefined, 'GET removed team');
  assert.ok(!ids(await fx.list('/ticketing-teams')).includes(team.id), 'gone from the list');
  const d = await fx.details(t.id);
  assert.equal(d.ticketingTeamId, team.id, 'still on its ticket');
  assert.equal(d.ticketingTeamName, 'Billing squad');
  assert.equal(d.ticketingTeamPicture, 'https://pics.example/team.png');
  zErr(await fx.call('DELETE', `/ticketing-teams/${team.id}`), 404, undefined, 'second delete');
  zErr(await fx.call('POST', '/ticketing-teams', {}), 400, 'name');
  const minimal = await fx.team({ name: 'Minimal' });
  assert.equal(minimal.description, null);
  assert.equal(minimal.picture, null);
});

test('an entity that nothing references can be deleted (user, external user, channel, responder)', async () => {
  // a chat that is the only reference: delete the whole chain bottom-up is not possible (chats are
  // soft), so check the unreferenced ones, and that a 409 leaves the referenced one listed.
  const u = await fx.user();
  const e = await fx.externalUser();
  const c = await fx.channel();
  const r = await fx.responder();
  for (const [p, o] of [['/users', u], ['/external-users', e], ['/channels', c], ['/super-identities/responders', r]]) {
    zOk(await fx.call('DELETE', `${p}/${o.id}`), `delete ${p}`);
    zErr(await fx.call('GET', `${p}/${o.id}`), 404, undefined, `${p} after delete`);
  }
  const used = await fx.channel();
  await fx.chat({ channelId: used.id });
  const res = await fx.call('DELETE', `/channels/${used.id}`);
  assert.equal(res.status, 409, show(res));
  assert.ok(ids(await fx.list('/channels')).includes(used.id));
});
