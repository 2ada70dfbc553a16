// /ticketd/v1 tickets and views (docs/NATIVE.md "Tickets"): create, get, PATCH and delete with
// every field; bad input naming the field with nothing written; every filter and sort; keyset
// paging while tickets are created; ETag / 304 / 412 and the atomicity of If-Match; the version
// moving with changes made through Tamio, Zaia and Apizee; the agent rules. Every answer is
// validated against the OpenAPI document (lib/native.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, show, uniq, sql, A, fixtures, PG } from './lib/harness.mjs';
import { apx, V } from './lib/apizee.mjs';
import { zfx } from './lib/zaia.mjs';
import { nat, assertProblem } from './lib/native.mjs';

let s;
let n; // /ticketd/v1 on the workspace key
let fx; // Tamio fixtures
let ax; // Apizee fixtures
let zx; // Zaia fixtures
let w; // shared objects

before(async () => {
  s = await startServer();
  n = nat(s);
  fx = fixtures(s);
  ax = apx(s);
  zx = zfx(s);
  const ann = await ax.teammate({ name: 'Ann', password: 'ann-pass-123' });
  const bob = await ax.teammate({ name: 'Bob', password: 'bob-pass-123' });
  const cat = await fx.category({ subcategories: ['Cards', 'Refunds'] });
  const cat2 = await fx.category({ language: 'fr' });
  const client = await fx.client();
  const team = await zx.team();
  const tagA = await zx.tag({ name: uniq('billing') });
  const tagB = await zx.tag({ name: uniq('urgent') });
  w = { ann, bob, cat, cat2, client, team, tagA, tagB };
});
after(() => s?.stop());

const create = (body, opts) => n.ok('POST', '/tickets', body, opts);

// What the store holds, as one string: a write changes it.
function fingerprint() {
  const counts = ['tickets', 'events', 'contacts', 'chats', 'messages', 'replies', 'ticket_tags']
    .map((t) => `(SELECT count(*) FROM ${t})`);
  return sql(s.dataDir, `SELECT ${counts.join(', ')}, (SELECT coalesce(max(updated_at), 0) FROM tickets), (SELECT coalesce(sum(version), 0) FROM tickets);`);
}

test('create with every field, get with its ETag, and the events it records', async () => {
  const email = `${uniq('new')}@example.com`;
  const r = await n.post('/tickets', {
    title: 'Card declined', description: 'It fails at checkout', client: { email, name: 'Nina New' },
    state: 'open', category: w.cat.id, subcategory: 'Cards', assignee: w.ann.id, team: w.team.id,
    tags: [w.tagA.id, w.tagB.id], language: 'de',
  });
  assert.equal(r.status, 201, show(r));
  const t = r.json;
  assert.equal(r.headers.get('location'), `/ticketd/v1/tickets/${t.id}`);
  assert.equal(r.headers.get('etag'), `"${t.version}"`);
  assert.equal(t.title, 'Card declined');
  assert.equal(t.description, 'It fails at checkout');
  assert.equal(t.state, 'open');
  assert.equal(t.is_open, true);
  assert.deepEqual(t.category, { id: w.cat.id, title: w.cat.title });
  assert.equal(t.subcategory, 'Cards');
  assert.equal(t.assignee.id, w.ann.id);
  assert.equal(t.assignee.email, w.ann.email);
  assert.deepEqual(t.team, { id: w.team.id, name: w.team.name });
  assert.deepEqual(t.tags.map((g) => g.id).sort(), [w.tagA.id, w.tagB.id].sort());
  assert.equal(t.client.email, email);
  assert.equal(t.client.name, 'Nina New');
  assert.equal(t.language, 'de');
  const g = await n.get(`/tickets/${t.id}`);
  assert.equal(g.status, 200, show(g));
  assert.deepEqual(g.json, t);
  assert.equal(g.headers.get('etag'), `"${t.version}"`);
  // The same ticket through the dialects, with the one event vocabulary.
  const tamio = await fx.retrieveTicket(t.id);
  assert.equal(tamio.title, 'Card declined');
  const ev = await ax.events(t.id);
  const types = ev.data.map((e) => e.type);
  assert.equal(types[0], 'ticket.created');
  assert.equal(types.filter((x) => x === 'tag.added').length, 2);
  assert.ok(types.includes('reply.created'), 'the description is the first reply');
  // The client by email again: found, not created twice.
  const again = await create({ title: 'Again', client: { email } });
  assert.equal(again.client.id, t.client.id);
  // By id; without a category, no assignee, language or subcategory.
  const plain = await create({ title: 'Plain', client: w.client.id });
  assert.equal(plain.client.id, w.client.id);
  assert.equal(plain.category, null);
  assert.equal(plain.assignee, null);
  assert.equal(plain.state, 'new');
  assert.equal(plain.description, '');
  assert.deepEqual(plain.tags, []);
  // A category's language is the ticket's when none is given.
  const fr = await create({ title: 'Fr', client: w.client.id, category: w.cat2.id });
  assert.equal(fr.language, 'fr');
});

test('PATCH changes each member given, leaves the others, bumps the version and answers the new ETag', async () => {
  const t = await create({ title: 'Patch me', client: w.client.id, category: w.cat.id, subcategory: 'Cards' });
  let v = t.version;
  const step = async (body, check) => {
    const r = await n.patch(`/tickets/${t.id}`, body);
    assert.equal(r.status, 200, show(r));
    assert.ok(r.json.version > v, `version moves: ${JSON.stringify(body)}`);
    assert.equal(r.headers.get('etag'), `"${r.json.version}"`);
    v = r.json.version;
    check(r.json);
    assert.equal(r.json.id, t.id);
    assert.deepEqual((await n.get(`/tickets/${t.id}`)).json, r.json, 'a GET shows the same');
    return r.json;
  };
  await step({ title: 'Renamed' }, (x) => { assert.equal(x.title, 'Renamed'); assert.equal(x.subcategory, 'Cards'); });
  await step({ state: 'inprogress' }, (x) => { assert.equal(x.state, 'inprogress'); assert.equal(x.is_open, true); });
  await step({ state: 'closed' }, (x) => { assert.equal(x.state, 'closed'); assert.equal(x.is_open, false); });
  await step({ subcategory: 'Refunds' }, (x) => assert.equal(x.subcategory, 'Refunds'));
  await step({ assignee: w.bob.id }, (x) => assert.equal(x.assignee.id, w.bob.id));
  await step({ assignee: null }, (x) => assert.equal(x.assignee, null));
  await step({ team: w.team.id }, (x) => assert.equal(x.team.id, w.team.id));
  await step({ team: null }, (x) => assert.equal(x.team, null));
  await step({ tags: [w.tagA.id] }, (x) => assert.deepEqual(x.tags.map((g) => g.id), [w.tagA.id]));
  await step({ tags: [w.tagB.id] }, (x) => assert.deepEqual(x.tags.map((g) => g.id), [w.tagB.id]));
  await step({ tags: [] }, (x) => assert.deepEqual(x.tags, []));
  // Another category drops a subcategory it does not have.
  await step({ category: w.cat2.id }, (x) => { assert.equal(x.category.id, w.cat2.id); assert.equal(x.subcategory, null); });
  await step({ category: null }, (x) => assert.equal(x.category, null));
  // Nothing changed: same version.
  const same = await n.patch(`/tickets/${t.id}`, { title: 'Renamed' });
  assert.equal(same.status, 200, show(same));
  assert.equal(same.json.version, v);
  // Each change is an event in the one vocabulary.
  const types = (await ax.events(t.id)).data.map((e) => e.type);
  for (const x of ['ticket.updated', 'ticket.state_changed', 'ticket.assigned', 'tag.added', 'tag.removed'])
    assert.ok(types.includes(x), `${x} in ${types}`);
});

test('DELETE answers 204; the ticket is gone from every dialect', async () => {
  const t = await create({ title: 'Delete me', client: w.client.id });
  const d = await n.del(`/tickets/${t.id}`);
  assert.equal(d.status, 204, show(d));
  assertProblem(await n.get(`/tickets/${t.id}`), 404, 'not-found');
  assertProblem(await n.del(`/tickets/${t.id}`), 404, 'not-found');
  assert.equal((await s.api('GET', `${V}/tickets/${t.id}`)).status, 404);
  assertProblem(await n.get('/tickets/not-a-uuid'), 400, 'invalid', 'id');
});

test('bad input: 400 naming the field, nothing written', async () => {
  const base = { title: 'Bad', client: w.client.id };
  const cases = [
    [{ client: w.client.id }, 'title'],
    [{ ...base, title: 42 }, 'title'],
    [{ ...base, title: 'x'.repeat(300) }, 'title'],
    [{ title: 'No client' }, 'client'],
    [{ ...base, client: 'nope' }, 'client'],
    [{ ...base, client: '00000000-0000-4000-8000-000000000000' }, 'client'],
    [{ ...base, client: 7 }, 'client'],
    [{ ...base, client: { email: 'not-an-email' } }, 'client.email'],
    [{ ...base, client: { name: 'No email' } }, 'client.email'],
    [{ ...base, client: { email: 'a@example.com', phone: '1' } }, 'client.phone'],
    [{ ...base, state: 'bogus' }, 'state'],
    [{ ...base, category: '00000000-0000-4000-8000-000000000000' }, 'category'],
    [{ ...base, category: w.cat.id, subcategory: 'Nope' }, 'subcategory'],
    [{ ...base, subcategory: 'Cards' }, 'subcategory'],
    [{ ...base, assignee: '00000000-0000-4000-8000-000000000000' }, 'assignee'],
    [{ ...base, team: 'x' }, 'team'],
    [{ ...base, tags: ['00000000-0000-4000-8000-000000000000'] }, 'tags'],
    [{ ...base, tags: [w.tagA.id, w.tagA.id] }, 'tags'],
    [{ ...base, tags: 'x' }, 'tags'],
    [{ ...base, language: 'klingon!' }, 'language'],
    [{ ...base, priority: 'high' }, 'priority'],
  ];
  const before = fingerprint();
  for (const [body, field] of cases) {
    const r = await n.post('/tickets', body);
    assertProblem(r, 400, 'invalid', field);
  }
  assert.equal(fingerprint(), before, 'no create wrote anything');

  const t = await create({ title: 'Patch target', client: w.client.id, category: w.cat.id });
  const mid = fingerprint();
  const patches = [
    [{ title: null }, 'title'],
    [{ title: '' }, 'title'],
    [{ state: 'bogus' }, 'state'],
    [{ state: null }, 'state'],
    [{ category: '00000000-0000-4000-8000-000000000000' }, 'category'],
    [{ subcategory: 'Nope' }, 'subcategory'],
    [{ assignee: 'me' }, 'assignee'],
    [{ team: '00000000-0000-4000-8000-000000000000' }, 'team'],
    [{ tags: [1] }, 'tags'],
    [{ description: 'not patchable' }, 'description'],
    [{ title: 'ok', state: 'nope' }, 'state'],
  ];
  for (const [body, field] of patches) assertProblem(await n.patch(`/tickets/${t.id}`, body), 400, 'invalid', field);
  assertProblem(await n.call('PATCH', `/tickets/${t.id}`, '[1]', { raw: true }), 400, 'invalid', 'body');
  assertProblem(await n.patch(`/tickets/${t.id}`, { title: 'x' }, { headers: { 'if-match': 'garbage' } }), 400, 'invalid', 'If-Match');
  assert.equal(fingerprint(), mid, 'no PATCH wrote anything');
  assertProblem(await n.patch('/tickets/00000000-0000-4000-8000-000000000000', { title: 'x' }), 404, 'not-found');
});

test('ETag: If-None-Match answers 304; a stale If-Match answers 412 with the current ticket; * matches', async () => {
  const t = await create({ title: 'Tagged', client: w.client.id });
  const etag = `"${t.version}"`;
  const nm = await n.get(`/tickets/${t.id}`, { headers: { 'if-none-match': etag } });
  assert.equal(nm.status, 304, show(nm));
  assert.equal(nm.text, '');
  assert.equal(nm.headers.get('etag'), etag);
  assert.equal((await n.get(`/tickets/${t.id}`, { headers: { 'if-none-match': `"999999", W/${etag}` } })).status, 304);
  assert.equal((await n.get(`/tickets/${t.id}`, { headers: { 'if-none-match': '"999999"' } })).status, 200);
  const p = await n.patch(`/tickets/${t.id}`, { title: 'First' }, { headers: { 'if-match': etag } });
  assert.equal(p.status, 200, show(p));
  const before = fingerprint();
  const stale = await n.patch(`/tickets/${t.id}`, { title: 'Second' }, { headers: { 'if-match': etag } });
  assertProblem(stale, 412, 'precondition-failed', 'If-Match');
  assert.equal(stale.json.current.title, 'First');
  assert.equal(stale.json.current.version, p.json.version);
  assert.equal(stale.headers.get('etag'), `"${p.json.version}"`);
  assertProblem(await n.del(`/tickets/${t.id}`, { headers: { 'if-match': etag } }), 412, 'precondition-failed');
  // A weak tag never matches If-Match (strong comparison).
  assertProblem(await n.patch(`/tickets/${t.id}`, { title: 'W' }, { headers: { 'if-match': `W/"${p.json.version}"` } }), 412, 'precondition-failed');
  assert.equal(fingerprint(), before, 'a failed precondition writes nothing');
  assert.equal((await n.get(`/tickets/${t.id}`, { headers: { 'if-none-match': etag } })).status, 200, 'the old ETag is stale');
  const star = await n.patch(`/tickets/${t.id}`, { title: 'Star' }, { headers: { 'if-match': '*' } });
  assert.equal(star.status, 200, show(star));
  const list = await n.patch(`/tickets/${t.id}`, { title: 'Listed' }, { headers: { 'if-match': `"1", ${star.headers.get('etag')}` } });
  assert.equal(list.status, 200, show(list));
  const del = await n.del(`/tickets/${t.id}`, { headers: { 'if-match': list.headers.get('etag') } });
  assert.equal(del.status, 204, show(del));
});

test('If-Match is atomic with the write: of concurrent PATCHes holding one ETag exactly one wins', async () => {
  for (let round = 0; round < 3; round++) {
    const t = await create({ title: `Race ${round}`, client: w.client.id });
    const etag = `"${t.version}"`;
    const rs = await Promise.all([0, 1, 2, 3].map((i) => n.patch(`/tickets/${t.id}`, { title: `Writer ${i}` }, { headers: { 'if-match': etag } })));
    const won = rs.filter((r) => r.status === 200);
    const lost = rs.filter((r) => r.status === 412);
    assert.equal(won.length, 1, rs.map(show).join('\n'));
    assert.equal(lost.length, 3, rs.map(show).join('\n'));
    const now = (await n.get(`/tickets/${t.id}`)).json;
    assert.equal(now.title, won[0].json.title);
    assert.equal(now.version, t.version + 1);
  }
});

test('the version moves with every change made through Tamio, Zaia and Apizee', async () => {
  const t = await create({ title: 'Cross', client: w.client.id });
  let v = t.version;
  const moved = async (what) => {
    const g = await n.get(`/tickets/${t.id}`, { headers: { 'if-none-match': `"${v}"` } });
    assert.equal(g.status, 200, `${what}: the old ETag no longer matches (${show(g)})`);
    assert.ok(g.json.version > v, `${what}: ${g.json.version} > ${v}`);
    v = g.json.version;
    return g.json;
  };
  assert.equal((await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: w.ann.id })).status, 200);
  assert.equal((await moved('Tamio assign')).assignee.id, w.ann.id);
  assert.equal((await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'Hello' })).status, 200);
  await moved('Tamio reply');
  assert.equal((await s.api('POST', `${A}/tickets/close/${t.id}`, {})).status, 200);
  assert.equal((await moved('Tamio close')).state, 'closed');
  await zx.tagTicket(t.id, w.tagA.id);
  assert.deepEqual((await moved('Zaia tag')).tags.map((g) => g.id), [w.tagA.id]);
  assert.equal((await zx.call('DELETE', `/tickets/${t.id}/tags/${w.tagA.id}`)).status, 200);
  await moved('Zaia untag');
  await zx.takeover(t.id, w.bob.id);
  assert.equal((await moved('Zaia takeover')).assignee.id, w.bob.id);
  await ax.patch(t.id, { subject: 'Through Apizee' });
  assert.equal((await moved('Apizee subject')).title, 'Through Apizee');
  await ax.patch(t.id, { state: 'done' });
  assert.equal((await moved('Apizee state')).state, 'done');
});

test('views: counts from the counters after creates, assigns and closes', async () => {
  const v0 = await n.ok('GET', '/views');
  const a = await create({ title: 'V1', client: w.client.id });
  const b = await create({ title: 'V2', client: w.client.id, assignee: w.ann.id });
  let v = await n.ok('GET', '/views');
  assert.equal(v.unassigned_open, v0.unassigned_open + 1);
  assert.equal(v.open, v0.open + 2);
  assert.equal(v.mine_open, 0, 'a workspace key is nobody');
  await n.ok('PATCH', `/tickets/${a.id}`, { assignee: w.ann.id });
  await n.ok('PATCH', `/tickets/${b.id}`, { state: 'closed' });
  v = await n.ok('GET', '/views');
  assert.equal(v.unassigned_open, v0.unassigned_open);
  assert.equal(v.open, v0.open + 1);
  assert.equal(v.closed, v0.closed + 1);
  const annTok = await ax.token(w.ann.email, w.ann.password);
  const av = await n.ok('GET', '/views', undefined, { key: annTok });
  const own = sql(s.dataDir, `SELECT count(*) FROM tickets t JOIN users u ON u.id = t.user_id WHERE u.uuid = '${w.ann.id}' AND t.is_open = 1 AND t.deleted_at IS NULL;`);
  assert.equal(av.mine_open, Number(own));
  assert.equal(av.open, av.mine_open + av.unassigned_open, 'an agent counts what it may work on');
});

// ---- the list: a workspace of its own, so every expectation is exact ----

async function listAll(nn, query, limit = 100) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const q = new URLSearchParams({ ...query, limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    const page = await nn.ok('GET', `/tickets?${q}`);
    assert.ok(page.data.length <= limit);
    out.push(...page.data);
    cursor = page.next_cursor;
    if (!cursor) return out;
  }
  throw new Error('too many pages');
}

test('every filter and sort, over a workspace of known tickets', async () => {
  const key = s.newWorkspaceKey(uniq('list-ws')).key;
  const nn = nat(s, key);
  const wfx = fixtures(s, key);
  const wz = zfx(s, key);
  const tm1 = await wfx.teammate();
  const tm2 = await wfx.teammate();
  const c1 = await wfx.category();
  const c2 = await wfx.category();
  const cl1 = await wfx.client();
  const cl2 = await wfx.client();
  const team = await wz.team();
  const g1 = await wz.tag();
  const g2 = await wz.tag();
  const made = [];
  const spec = [
    { title: 'zebra one', client: cl1.id, state: 'new', assignee: tm1.id, category: c1.id, tags: [g1.id] },
    { title: 'zebra two', client: cl1.id, state: 'open', assignee: tm2.id, category: c2.id, team: team.id, tags: [g1.id, g2.id] },
    { title: 'lion three', client: cl2.id, state: 'closed', category: c1.id, tags: [g2.id] },
    { title: 'lion four', client: cl2.id, state: 'inprogress', assignee: tm1.id, team: team.id },
    { title: 'tiger five', client: cl1.id, state: 'done' },
  ];
  for (const b of spec) made.push(await create(b, { key }));
  const ids = (arr) => arr.map((t) => t.id);
  const pick = (f) => ids(made.filter(f)).reverse(); // newest first
  const check = async (query, expect, what) => assert.deepEqual(ids(await listAll(nn, query, 2)), expect, what || JSON.stringify(query));
  await check({}, ids(made).reverse(), 'newest (default), paged by 2');
  await check({ sort: 'oldest' }, ids(made));
  await check({ state: 'new,open' }, pick((t) => ['new', 'open'].includes(t.state)));
  await check({ state: 'closed' }, pick((t) => t.state === 'closed'));
  await check({ assignee: tm1.id }, pick((t) => t.assignee?.id === tm1.id));
  await check({ assignee: 'none' }, pick((t) => !t.assignee));
  await check({ assignee: `${tm2.id},none` }, pick((t) => !t.assignee || t.assignee.id === tm2.id));
  await check({ assignee: 'me' }, [], 'a key has no tickets of its own');
  await check({ team: team.id }, pick((t) => t.team?.id === team.id));
  await check({ category: c1.id }, pick((t) => t.category?.id === c1.id));
  await check({ category: `${c1.id},${c2.id}` }, pick((t) => t.category));
  await check({ client: cl2.id }, pick((t) => t.client.id === cl2.id));
  await check({ tag: g1.id }, pick((t) => t.tags.some((g) => g.id === g1.id)));
  await check({ tag: `${g1.id},${g2.id}` }, pick((t) => t.tags.length === 2), 'every tag named');
  await check({ q: 'zebra' }, pick((t) => t.title.startsWith('zebra')));
  await check({ q: 'lio' }, pick((t) => t.title.startsWith('lion')), 'words match as prefixes');
  await check({ q: 'zebra', assignee: tm1.id }, pick((t) => t.title.startsWith('zebra') && t.assignee?.id === tm1.id));
  await check({ team: '00000000-0000-4000-8000-000000000000' }, [], 'an unknown id matches nothing');
  const mid = made[2].created_at;
  await check({ created_after: mid }, pick((t) => t.created_at >= mid), 'created_after is inclusive');
  await check({ created_before: mid }, pick((t) => t.created_at < mid), 'created_before is exclusive');
  // updated: the ticket changed last comes first.
  await nn.ok('PATCH', `/tickets/${made[1].id}`, { title: 'zebra two renamed' });
  const upd = await listAll(nn, { sort: 'updated' }, 2);
  assert.equal(upd[0].id, made[1].id);
  assert.equal(upd.length, made.length);
  const after = upd[0].updated_at;
  await check({ updated_after: after }, [made[1].id]);
  await check({ updated_before: after, sort: 'updated' }, ids(upd.slice(1)));
  // Bad parameters name themselves.
  for (const [q, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=x', 'limit'], ['sort=best', 'sort'],
    ['state=bogus', 'state'], ['assignee=bob', 'assignee'], ['team=x', 'team'], ['tag=x', 'tag'], ['category=x', 'category'],
    ['client=x', 'client'], ['created_after=yesterday', 'created_after'], ['updated_before=2020-13-01T00:00:00Z', 'updated_before'],
    ['cursor=%21%21', 'cursor'], ['cursor=abc', 'cursor'], ['cursor=dDEuMC4xLjE', 'cursor']])
    assertProblem(await nn.get(`/tickets?${q}`), 400, 'invalid', field);
  // A cursor of one sort is refused by another.
  const p1 = await nn.ok('GET', '/tickets?limit=1');
  assertProblem(await nn.get(`/tickets?limit=1&sort=oldest&cursor=${p1.next_cursor}`), 400, 'invalid', 'cursor');
  // A tampered cursor (one character changed) is refused.
  const c = p1.next_cursor;
  const bad = c.slice(0, 5) + (c[5] === 'A' ? 'B' : 'A') + c.slice(6);
  assertProblem(await nn.get(`/tickets?limit=1&cursor=${bad}`), 400, 'invalid', 'cursor');
  // The other workspace's tickets are not here.
  assert.equal((await listAll(nn, {})).length, made.length);
});

// A page is walked down the sort's index, or driven by a filter that matches few tickets (a
// tag, the words of q, a range of the other time), read whole and sorted, when that filter has
// at most sqrt((limit + 1) x tickets) rows (store/ticket_page.c). Here each such filter has 20
// to 60 of 80 tickets: limit=1 walks (at most sqrt(2 x 80) = 12 rows drive) and limit=100
// drives (up to 89), and both must give exactly the rows the whole list has.
test('a page driven by a rare filter and a page walked give the same rows', async () => {
  const key = s.newWorkspaceKey(uniq('plan-ws')).key;
  const nn = nat(s, key);
  const wfx = fixtures(s, key);
  const wz = zfx(s, key);
  const tm = await wfx.teammate();
  const g = await wz.tag();
  const g2 = await wz.tag();
  const word = uniq('quince').replace(/[^a-z0-9]/gi, '');
  const made = [];
  for (let i = 0; i < 80; i++) {
    const tags = [...(i % 4 ? [g.id] : []), ...(i % 3 === 0 ? [g2.id] : [])];
    made.push(await create({
      title: i % 2 ? `plain ${i}` : `${word} ${i}`, client: { email: `plan${i}@example.com` },
      state: i % 5 ? 'open' : 'closed', tags, ...(i % 7 ? {} : { assignee: tm.id }),
    }, { key }));
  }
  // Half the tickets changed after every creation: their updated_at leaves the created order.
  for (let i = 0; i < 80; i += 2) await nn.ok('PATCH', `/tickets/${made[i].id}`, { title: `${word} ${i} again` });
  // Tags coming and going keep their counts (migration 011), which choose the plan.
  for (let i = 1; i < 12; i += 2) await nn.ok('PATCH', `/tickets/${made[i].id}`, { tags: i % 3 === 0 ? [g2.id] : [] });
  const counted = (tag) => sql(s.dataDir, `SELECT n_tickets || ' ' || (SELECT count(*) FROM ticket_tags tt WHERE tt.tag_id = g.id) FROM tags g WHERE g.uuid = '${tag.id}';`).split(' ').map(Number);
  for (const tag of [g, g2]) {
    const [kept, links] = counted(tag);
    assert.equal(kept, links, 'the tag count follows its links');
    assert.ok(links >= 20);
  }
  const whole = { newest: await listAll(nn, {}), oldest: await listAll(nn, { sort: 'oldest' }), updated: await listAll(nn, { sort: 'updated' }) };
  assert.equal(whole.newest.length, 80);
  const mid = whole.updated[40].updated_at;
  const midc = made[30].created_at;
  const has = (t, id) => t.tags.some((x) => x.id === id);
  const shapes = [
    [{ tag: g.id }, (t) => has(t, g.id)],
    [{ tag: g2.id }, (t) => has(t, g2.id)],
    [{ tag: `${g.id},${g2.id}` }, (t) => has(t, g.id) && has(t, g2.id)],
    [{ q: word }, (t) => t.title.startsWith(word)],
    [{ q: word, tag: g.id, state: 'open' }, (t) => t.title.startsWith(word) && has(t, g.id) && t.state === 'open'],
    [{ updated_after: mid }, (t) => t.updated_at >= mid],
    [{ updated_before: mid }, (t) => t.updated_at < mid],
    [{ updated_after: mid, assignee: 'none' }, (t) => t.updated_at >= mid && !t.assignee],
    [{ updated_after: mid, sort: 'oldest' }, (t) => t.updated_at >= mid],
    [{ created_after: midc, sort: 'updated' }, (t) => t.created_at >= midc],
    [{ created_before: midc, sort: 'updated', tag: g.id }, (t) => t.created_at < midc && has(t, g.id)],
  ];
  for (const [query, keep] of shapes) {
    const expect = whole[query.sort || 'newest'].filter(keep).map((t) => t.id);
    assert.ok(expect.length >= 5, `${JSON.stringify(query)} matches a few tickets`);
    for (const limit of [1, 100, 7]) {
      const got = (await listAll(nn, query, limit)).map((t) => t.id);
      assert.deepEqual(got, expect, `${JSON.stringify(query)} limit=${limit}`);
    }
  }
});

// A q (or a tag) with no filter on the sort's index is read from the word (tag) index in ticket
// id order (store/ticket_page.c rowid_page), a prefix word spelled out as its terms (sql_fts_terms); ids
// follow created_at only while the clock does, so tickets whose created_at leaves the id order
// make the page fall back to the walk. Either way the rows are those of the whole list.
test('a common q read in id order gives the rows of the whole list, also when created order leaves id order', async () => {
  const key = s.newWorkspaceKey(uniq('rowid-ws')).key;
  const nn = nat(s, key);
  const wz = zfx(s, key);
  const g = await wz.tag();
  const word = uniq('medlar').replace(/[^a-z0-9]/gi, '').toLowerCase();
  const made = [];
  for (let i = 0; i < 40; i++) {
    const title = i % 4 === 0 ? `plain ${i}` : i % 3 ? `${word} ${i}` : `${word}s ${i}`;
    made.push(await create({ title, client: { email: `rowid${i}@example.com` }, state: i % 5 ? 'open' : 'closed', tags: i % 2 ? [g.id] : [] }, { key }));
  }
  const has = (t) => t.tags.some((x) => x.id === g.id);
  const mine = (t) => t.title.startsWith(word);
  const shapes = [
    [{ q: word }, mine],
    [{ q: word.slice(0, 6) }, mine],
    [{ q: `${word}s` }, (t) => t.title.startsWith(`${word}s `)],
    [{ q: word, tag: g.id }, (t) => mine(t) && has(t)],
    [{ q: word, state: 'closed' }, (t) => mine(t) && t.state === 'closed'],
    [{ q: word, state: 'open', assignee: 'none' }, (t) => mine(t) && t.state === 'open' && !t.assignee],
    // a tag without a q is read the same way, from its index (tag_id, ticket_id)
    [{ tag: g.id }, has],
    [{ tag: g.id, state: 'open' }, (t) => has(t) && t.state === 'open'],
  ];
  const check = async (what) => {
    for (const sort of ['newest', 'oldest']) {
      const whole = await listAll(nn, { sort });
      assert.equal(whole.length, made.length);
      for (const [query, keep] of shapes) {
        const expect = whole.filter(keep).map((t) => t.id);
        assert.ok(expect.length >= 5);
        for (const limit of [1, 3, 7, 100]) {
          const got = (await listAll(nn, { ...query, sort }, limit)).map((t) => t.id);
          assert.deepEqual(got, expect, `${what}: ${JSON.stringify(query)} ${sort} limit=${limit}`);
        }
      }
    }
  };
  await check('created in id order');
  // SQLite keeps how far ids follow created_at (migration 018): a created_at change moves the
  // break to the last id, so pages are then checked by a scan of the created_at index.
  const ids = () => made.map((t) => `'${t.id}'`);
  const above = (uuid) => sql(s.dataDir, `SELECT (SELECT break_id FROM ticket_order) < id FROM tickets WHERE uuid = '${uuid}';`);
  sql(s.dataDir, `UPDATE tickets SET created_at = created_at - 3600000 WHERE uuid IN (${ids().slice(30, 36).join(',')});`);
  if (!PG) assert.equal(above(made[39].id), '0', 'a created_at change moves the break to the last id');
  await check('created earlier out of id order');
  // Tickets made after that follow the order again: pages within them are checked with the
  // break's one row, pages reaching below it by the scan.
  for (let i = 40; i < 52; i++) {
    const title = i % 4 === 0 ? `plain ${i}` : i % 3 ? `${word} ${i}` : `${word}s ${i}`;
    made.push(await create({ title, client: { email: `rowid${i}@example.com` }, state: i % 5 ? 'open' : 'closed', tags: i % 2 ? [g.id] : [] }, { key }));
  }
  if (!PG) assert.equal(above(made[40].id), '1', 'tickets made after the change are above the break');
  await check('made after a created_at change');
  // A clock that went back: early tickets newer than late ones.
  sql(s.dataDir, `UPDATE tickets SET created_at = created_at + 3600000 WHERE uuid IN (${ids().slice(2, 9).join(',')});`);
  const newest = await listAll(nn, {});
  assert.equal(newest[0].id, made[8].id, 'the moved tickets lead the newest-first list');
  await check('created out of id order');
});

// A common q whose other filters keep few of its matches (a team), or sorted by updated_at, is
// walked down the filter's or the sort's index with a test of each row's words
// (store/ticket_page.c tested_page), and when the words keep few of the walk's rows too, read
// with the match list as a set. At 48 tickets a q is common above sqrt((limit + 1) x 48)
// matches: both words at limit 1 and 3, the word in 42 tickets at 7; at 100 every q is driven
// by its matches. Every plan gives the rows of the whole list.
test('a common q walked with a test of each row gives the rows of the whole list', async () => {
  const key = s.newWorkspaceKey(uniq('tested-ws')).key;
  const nn = nat(s, key);
  const wz = zfx(s, key);
  const team = await wz.team();
  const word = uniq('loquat').replace(/[^a-z0-9]/gi, '').toLowerCase();
  const rare = uniq('vetch').replace(/[^a-z0-9]/gi, '').toLowerCase();
  const made = [];
  for (let i = 0; i < 48; i++) {
    const title = [i % 8 ? word : 'plain', i % 3 ? '' : rare, `${i}`].filter(Boolean).join(' ');
    const inTeam = i % 6 === 1 || i % 9 === 0;
    made.push(await create({ title, client: { email: `tested${i}@example.com` }, state: i % 5 ? 'open' : 'closed', ...(inTeam ? { team: team.id } : {}) }, { key }));
  }
  // updated_at leaves the created order: every third ticket changed after all were made.
  for (let i = 47; i >= 0; i -= 3) await nn.ok('PATCH', `/tickets/${made[i].id}`, { state: i % 5 ? 'inprogress' : 'closed' });
  const words = (t) => t.title.split(' ');
  const mine = (t) => words(t).includes(word);
  const rared = (t) => words(t).includes(rare);
  const teamed = (t) => t.team?.id === team.id || t.team === team.id;
  const shapes = [
    [{ q: word, team: team.id }, (t) => mine(t) && teamed(t)],
    [{ q: word, sort: 'updated' }, mine],
    [{ q: word, sort: 'updated', team: team.id }, (t) => mine(t) && teamed(t)],
    [{ q: word, sort: 'oldest', team: team.id }, (t) => mine(t) && teamed(t)],
    [{ q: rare, team: team.id }, (t) => rared(t) && teamed(t)],
    [{ q: rare, sort: 'updated' }, rared],
    [{ q: rare, sort: 'updated', state: 'closed' }, (t) => rared(t) && t.state === 'closed'],
    [{ q: `${word} ${rare}`, sort: 'updated' }, (t) => mine(t) && rared(t)],
  ];
  for (const sort of ['newest', 'oldest', 'updated']) {
    const whole = await listAll(nn, { sort });
    assert.equal(whole.length, 48);
    assert.ok(whole.filter(teamed).length === 14, 'the team holds its 14 tickets');
    for (const [query, keep] of shapes) {
      if ((query.sort || 'newest') !== sort) continue;
      const expect = whole.filter(keep).map((t) => t.id);
      assert.ok(expect.length >= 3, `${JSON.stringify(query)} matches a few tickets`);
      for (const limit of [1, 3, 7, 100]) {
        const got = (await listAll(nn, query, limit)).map((t) => t.id);
        assert.deepEqual(got, expect, `${JSON.stringify(query)} limit=${limit}`);
      }
    }
  }
  // A word's index terms are remembered per connection until the store changes: a new term
  // that starts with the word (made by another connection, the writer) is found at once.
  for (let round = 0; round < 2; round++) {
    const before = await listAll(nn, { q: word }, 7);
    const added = await create({ title: `${word}x${round} late`, client: { email: `tested-late${round}@example.com` } }, { key });
    const after = await listAll(nn, { q: word }, 7);
    assert.deepEqual(after.map((t) => t.id), [added.id, ...before.map((t) => t.id)], `round ${round}`);
  }
});

// A common q sorted by updated_at whose newest-updated tickets do not match (tested_page gives
// up) is read from the tickets updated since its newest matches (store/ticket_page.c
// span_page): 40 tickets with the word (two changed in between), then 40 without it, two of
// them changed after. At 80 tickets the word in 40 is common up to limit 7. Every plan gives
// the rows of the whole list.
test('a common q sorted by updated whose newest matches are old gives the rows of the whole list', async () => {
  const key = s.newWorkspaceKey(uniq('span-ws')).key;
  const nn = nat(s, key);
  const word = uniq('sorrel').replace(/[^a-z0-9]/gi, '').toLowerCase();
  const made = [];
  const add = async (i, title) => made.push(await create({ title, client: { email: `span${i}@example.com` }, state: i % 5 ? 'open' : 'closed' }, { key }));
  for (let i = 0; i < 40; i++) {
    await add(i, `${word} ${i}`);
    if (i === 30) for (const j of [4, 17]) await nn.ok('PATCH', `/tickets/${made[j].id}`, { state: 'inprogress' });
  }
  for (let i = 40; i < 80; i++) await add(i, `plain ${i}`);
  // 41 then 44: two PATCHes may land in one millisecond, and a tie on updated_at is ordered by
  // id (newest first), so the later one leads either way
  for (const j of [41, 44]) await nn.ok('PATCH', `/tickets/${made[j].id}`, { state: 'inprogress' });
  const whole = await listAll(nn, { sort: 'updated' });
  assert.equal(whole.length, 80);
  assert.equal(whole[0].id, made[44].id, 'the last change leads the updated list');
  const mine = (t) => t.title.startsWith(`${word} `);
  for (const [query, keep] of [
    [{ q: word }, mine],
    [{ q: word, state: 'open' }, (t) => mine(t) && t.state === 'open'],
    [{ q: word, state: 'closed' }, (t) => mine(t) && t.state === 'closed'],
  ]) {
    const expect = whole.filter(keep).map((t) => t.id);
    assert.ok(expect.length >= 5);
    for (const limit of [1, 3, 7, 100]) {
      const got = (await listAll(nn, { ...query, sort: 'updated' }, limit)).map((t) => t.id);
      assert.deepEqual(got, expect, `${JSON.stringify(query)} limit=${limit}`);
    }
  }
});

// The same plan when the word's matches are a burst of tickets and many others, older and
// newer, changed after them (store/ticket_page.c span_page with word_extent): 50 tickets, then
// 40 with the word (every fifth of them without it, inside its extent), then 30 more; then 3 of
// the word's and 2 of the plain ones inside the burst are changed, then 25 older and 15 newer
// ones, some to the same updated_at as tickets of the burst (ties broken by id). At 120 tickets
// the word in 32 is common up to limit 7, and the 40 changed last (none inside the word's ids)
// make the walk of the first 4 x (limit + 1) rows give up. Every page, through its cursors,
// gives the rows of the whole list, with and without other filters.
test('a common q sorted by updated whose matches are a burst under tickets changed since gives the rows of the whole list', async () => {
  const key = s.newWorkspaceKey(uniq('burst-ws')).key;
  const nn = nat(s, key);
  const word = uniq('quince').replace(/[^a-z0-9]/gi, '').toLowerCase();
  const made = [];
  const add = async (i, title) => made.push(await create({ title, client: { email: `burst${i}@example.com` }, state: i % 3 ? 'open' : 'closed' }, { key }));
  for (let i = 0; i < 50; i++) await add(i, `plain old ${i}`);
  for (let i = 50; i < 90; i++) await add(i, i % 5 ? `${word} ${i}` : `plain inside ${i}`);
  for (let i = 90; i < 120; i++) await add(i, `plain new ${i}`);
  const touch = async (i) => nn.ok('PATCH', `/tickets/${made[i].id}`, { title: `${made[i].title} changed` });
  for (const i of [61, 77, 52, 55, 70]) await touch(i); // words 61, 77, 52; plain inside 55, 70
  for (let i = 0; i < 25; i++) await touch(i * 2);
  for (let i = 90; i < 120; i += 2) await touch(i);
  // ties: a word of the burst with a changed older ticket, a changed plain one with a word
  const same = (at, ...to) =>
    sql(s.dataDir, `UPDATE tickets SET updated_at = (SELECT updated_at FROM tickets WHERE uuid = '${made[at].id}') WHERE uuid IN (${to.map((i) => `'${made[i].id}'`).join(',')});`);
  same(10, 61, 88);
  same(77, 55);
  same(52, 89, 70, 40);
  const whole = await listAll(nn, { sort: 'updated' });
  assert.equal(whole.length, 120);
  const mine = (t) => t.title.startsWith(`${word} `);
  assert.ok(whole.slice(0, 32).every((t) => !mine(t)), 'the newest-updated 32 do not match');
  for (const [query, keep] of [
    [{ q: word }, mine],
    [{ q: word, state: 'open' }, (t) => mine(t) && t.state === 'open'],
    [{ q: word, state: 'closed' }, (t) => mine(t) && t.state === 'closed'],
    [{ q: `${word} 6` }, (t) => mine(t) && t.title.split(' ')[1].startsWith('6')],
  ]) {
    const expect = whole.filter(keep).map((t) => t.id);
    assert.ok(expect.length >= 5, `${JSON.stringify(query)} matches a few tickets`);
    for (const limit of [1, 2, 3, 5, 7, 20, 100]) {
      const got = (await listAll(nn, { ...query, sort: 'updated' }, limit)).map((t) => t.id);
      assert.deepEqual(got, expect, `${JSON.stringify(query)} limit=${limit}`);
    }
  }
});

test('cursor paging while tickets are being created: no duplicates, no gaps', async () => {
  const key = s.newWorkspaceKey(uniq('page-ws')).key;
  const nn = nat(s, key);
  const client = await fixtures(s, key).client();
  const first = [];
  for (let i = 0; i < 23; i++) first.push((await create({ title: `Page ${i}`, client: client.id }, { key })).id);
  for (const sort of ['newest', 'oldest']) {
    const seen = [];
    let cursor = null;
    let extra = 0;
    do {
      const q = new URLSearchParams({ limit: '5', sort });
      if (cursor) q.set('cursor', cursor);
      const page = await nn.ok('GET', `/tickets?${q}`);
      seen.push(...page.data.map((t) => t.id));
      cursor = page.next_cursor;
      // New tickets between pages.
      for (let i = 0; i < 2; i++, extra++) await create({ title: `Meanwhile ${sort} ${extra}`, client: client.id }, { key });
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, `${sort}: no ticket twice`);
    if (sort === 'newest') {
      assert.deepEqual(seen, [...first].reverse(), 'newest: exactly the tickets that existed, in order');
    } else {
      // oldest first reaches the new ones at the end; the first ones come in order, none missing.
      assert.deepEqual(seen.slice(0, first.length), first);
    }
  }
});

test("an agent's token: its own list by default, none allowed, another teammate's refused; foreign tickets refused", async () => {
  const annTok = await ax.token(w.ann.email, w.ann.password);
  const na = nat(s, annTok);
  const own = await create({ title: 'Ann owns', client: w.client.id, assignee: w.ann.id });
  const foreign = await create({ title: 'Bob owns', client: w.client.id, assignee: w.bob.id });
  const free = await create({ title: 'Nobody owns', client: w.client.id });
  const mine = await listAll(na, {});
  assert.ok(mine.length > 0);
  for (const t of mine) assert.equal(t.assignee?.id, w.ann.id, 'only its own tickets');
  assert.ok(mine.some((t) => t.id === own.id));
  assert.deepEqual(ids2(await listAll(na, { assignee: 'me' })), ids2(mine));
  const none = await listAll(na, { assignee: 'none' });
  assert.ok(none.some((t) => t.id === free.id));
  for (const t of none) assert.equal(t.assignee, null);
  assertProblem(await na.get(`/tickets?assignee=${w.bob.id}`), 403, 'forbidden', 'assignee');
  assertProblem(await na.get(`/tickets?assignee=me,${w.bob.id}`), 403, 'forbidden', 'assignee');
  assertProblem(await na.get(`/tickets/${foreign.id}`), 403, 'forbidden');
  const before = fingerprint();
  assertProblem(await na.patch(`/tickets/${foreign.id}`, { title: 'Taken' }), 403, 'forbidden');
  assertProblem(await na.del(`/tickets/${foreign.id}`), 403, 'forbidden');
  assert.equal(fingerprint(), before, 'nothing written');
  // Its own and unassigned tickets it may work.
  assert.equal((await na.patch(`/tickets/${own.id}`, { title: 'Ann renamed' })).status, 200);
  assert.equal((await na.patch(`/tickets/${free.id}`, { assignee: w.ann.id })).status, 200);
  assert.equal((await na.get(`/tickets/${free.id}`)).status, 200);
});

const ids2 = (arr) => arr.map((t) => t.id);
