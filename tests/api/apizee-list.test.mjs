// Apizee GET /api/v3/tickets: the {data,total,next_offset} envelope and paging (limit default 10,
// max 100, bad values 400), every filter (since/until, started_after/ended_before, search, user,
// group, reference, type, requestor, service_key) and every order (start_time with its nulls-last
// rule, date, subject; asc/desc; ties on the id in the same direction).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, uuid } from './lib/harness.mjs';
import { apx, aErr, ok, qs } from './lib/apizee.mjs';

let s;
let fx;
let a1;
let a2;
let g1;
let g2;
let rq1; // a requestor email with two tickets
const K1 = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1';
const K2 = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2';
const T = {}; // named tickets
let all; // every ticket, as the API answers them

before(async () => {
  s = await startServer();
  fx = apx(s);
  a1 = await fx.teammate({ name: 'Agnes', username: uniq('agnes') });
  a2 = await fx.teammate({ name: 'Basile', username: uniq('basile') });
  g1 = await fx.team({ name: 'Group one' });
  g2 = await fx.team({ name: 'Group two' });
  rq1 = `${uniq('rq1')}@example.com`;
  const mk = async (name, p) => {
    T[name] = await fx.ticket(p);
  };
  await mk('alpha', { subject: 'alpha boiler repair', email: rq1, name: 'Hortense Quillon', start_date: '2030-01-01T10:00:00Z',
    duration: 60, agent: a1.id, group: g1.id, reference: 'REF-1', type: 'assistance', service_key: K1 });
  await mk('bravo', { subject: 'bravo heater', start_date: '2030-01-02T10:00:00Z', duration: 30, agent: a2.id,
    group: g2.id, reference: 'REF-2', type: 'assistance-multi', service_key: K2, description: 'the radiator leaks water' });
  await mk('charlie', { subject: 'charlie café visit', email: rq1, agent: a1.id, type: 'assistance' });
  await mk('delta', { subject: 'delta', start_date: '2030-01-01T10:00:00Z', duration: 120, service_key: K1 });
  await mk('echo', { subject: 'echo', reference: 'REF-1' });
  await mk('foxtrot', { subject: 'foxtrot', start_date: '2029-12-31T23:00:00Z' });
  for (let i = 0; i < 7; i++) await mk(`filler${i}`, { subject: `zz filler ${i}` });
  all = (await fx.list({ limit: 100 })).data;
  assert.equal(all.length, 13);
});
after(async () => {
  await s?.stop();
});

const idsOf = (l) => l.data.map((t) => t.id);
const sortIds = (arr) => [...arr].sort();
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const cmpStr = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// The expected order, from docs/APIZEE.md.
function expected(orderby = 'start_time', order = 'desc', rows = all) {
  const dir = order === 'desc' ? -1 : 1;
  return [...rows].sort((a, b) => {
    if (orderby === 'start_time') {
      if ((a.start_date === null) !== (b.start_date === null)) return a.start_date === null ? 1 : -1; // nulls last
      const c = cmpStr(a.start_date ?? '', b.start_date ?? '') || cmpStr(a.created_at, b.created_at) || byId(a, b);
      return dir * c;
    }
    const key = orderby === 'date' ? 'created_at' : 'subject';
    return dir * (cmpStr(a[key], b[key]) || byId(a, b));
  }).map((t) => t.id);
}

test('envelope: exactly {data,total,next_offset}; limit defaults to 10; next_offset null on the last page', async () => {
  const first = await fx.list();
  assert.equal(first.data.length, 10);
  assert.equal(first.total, 13);
  assert.equal(first.next_offset, 10);
  const last = await fx.list({ offset: 10 });
  assert.equal(last.data.length, 3);
  assert.equal(last.total, 13);
  assert.equal(last.next_offset, null);
  assert.deepEqual([...idsOf(first), ...idsOf(last)], expected(), 'default order: start_time desc');
  const past = await fx.list({ offset: 50 });
  assert.deepEqual(past.data, []);
  assert.equal(past.total, 13);
  assert.equal(past.next_offset, null);
  const exact = await fx.list({ limit: 13 });
  assert.equal(exact.next_offset, null, 'a page ending on the last item has no next page');
  const max = await fx.list({ limit: 100 });
  assert.equal(max.data.length, 13);
});

test('walking the pages with next_offset gives every ticket once, in order', async () => {
  for (const [orderby, order] of [['start_time', 'desc'], ['date', 'asc'], ['subject', 'desc']]) {
    const seen = [];
    let offset = 0;
    let pages = 0;
    while (offset !== null) {
      const l = await fx.list({ limit: 3, offset, orderby, order });
      assert.ok(l.data.length <= 3);
      seen.push(...idsOf(l));
      if (l.next_offset !== null) assert.equal(l.next_offset, offset + 3);
      offset = l.next_offset;
      assert.ok(++pages < 10, 'paging ends');
    }
    assert.deepEqual(seen, expected(orderby, order), `${orderby} ${order}`);
  }
});

test('bad limit / offset -> 400 naming them (never clamped)', async () => {
  for (const v of ['0', '-1', '101', '1000', 'abc', '1.5', '', ' 5']) {
    aErr(await fx.call('GET', `/tickets${qs({ limit: v })}`), 400, 'limit', `limit=${JSON.stringify(v)}`);
  }
  for (const v of ['-1', 'x', '2.5']) {
    aErr(await fx.call('GET', `/tickets${qs({ offset: v })}`), 400, 'offset', `offset=${v}`);
  }
});

test('orderby start_time|date|subject with order asc/desc; start_time puts unscheduled tickets last either way', async () => {
  for (const orderby of ['start_time', 'date', 'subject']) {
    for (const order of ['asc', 'desc']) {
      const l = await fx.list({ orderby, order, limit: 100 });
      assert.deepEqual(idsOf(l), expected(orderby, order), `${orderby} ${order}`);
    }
  }
  const asc = await fx.list({ orderby: 'start_time', order: 'asc', limit: 100 });
  assert.equal(asc.data[0].id, T.foxtrot.id, 'earliest start first');
  assert.equal(asc.data.slice(0, 4).every((t) => t.start_date !== null), true, 'scheduled first (asc)');
  assert.equal(asc.data.slice(4).every((t) => t.start_date === null), true, 'unscheduled last (asc)');
  const desc = await fx.list({ orderby: 'start_time', order: 'desc', limit: 100 });
  assert.equal(desc.data[0].id, T.bravo.id, 'latest start first');
  assert.equal(desc.data.slice(4).every((t) => t.start_date === null), true, 'unscheduled last (desc)');
  // alpha and delta share a start: creation breaks the tie (alpha was created first).
  const ia = idsOf(asc).indexOf(T.alpha.id);
  assert.equal(idsOf(asc)[ia + 1], T.delta.id, 'same start: creation order (asc)');
  const sub = await fx.list({ orderby: 'subject', order: 'asc', limit: 3 });
  assert.deepEqual(sub.data.map((t) => t.subject), ['alpha boiler repair', 'bravo heater', 'charlie café visit']);
  assert.deepEqual(idsOf(await fx.list({ orderby: 'date', limit: 100 })), expected('date', 'desc'), 'order defaults to desc');
  aErr(await fx.call('GET', `/tickets${qs({ orderby: 'created' })}`), 400, 'orderby');
  aErr(await fx.call('GET', `/tickets${qs({ orderby: '' })}`), 400, 'orderby');
  aErr(await fx.call('GET', `/tickets${qs({ order: 'up' })}`), 400, 'order');
  aErr(await fx.call('GET', `/tickets${qs({ order: 'DESC' })}`), 400, 'order');
});

test('since / until filter on creation (inclusive); bad dates 400', async () => {
  const pivot = T.charlie.created_at;
  const since = await fx.list({ since: pivot, limit: 100 });
  assert.deepEqual(sortIds(idsOf(since)), sortIds(all.filter((t) => t.created_at >= pivot).map((t) => t.id)));
  assert.ok(idsOf(since).includes(T.charlie.id), 'since is inclusive');
  assert.ok(!idsOf(since).includes(T.alpha.id) || T.alpha.created_at === pivot);
  const until = await fx.list({ until: pivot, limit: 100 });
  assert.deepEqual(sortIds(idsOf(until)), sortIds(all.filter((t) => t.created_at <= pivot).map((t) => t.id)));
  assert.ok(idsOf(until).includes(T.charlie.id), 'until is inclusive');
  const both = await fx.list({ since: pivot, until: pivot, limit: 100 });
  assert.ok(idsOf(both).includes(T.charlie.id));
  assert.equal(both.total, all.filter((t) => t.created_at === pivot).length);
  assert.equal((await fx.list({ since: '2100-01-01T00:00:00Z' })).total, 0);
  assert.equal((await fx.list({ until: '2000-01-01T00:00:00Z' })).total, 0);
  for (const f of ['since', 'until', 'started_after', 'ended_before']) {
    aErr(await fx.call('GET', `/tickets${qs({ [f]: 'yesterday' })}`), 400, f, `${f} words`);
    aErr(await fx.call('GET', `/tickets${qs({ [f]: '2030-02-31T00:00:00Z' })}`), 400, f, `${f} Feb 31`);
  }
});

test('started_after / ended_before compare start_date and start_date + duration; unscheduled never match', async () => {
  const sa = await fx.list({ started_after: '2030-01-01T10:00:00Z', limit: 100 });
  assert.deepEqual(sortIds(idsOf(sa)), sortIds([T.alpha.id, T.bravo.id, T.delta.id]), 'at or after (inclusive)');
  const sa2 = await fx.list({ started_after: '2030-01-01T10:00:01Z', limit: 100 });
  assert.deepEqual(idsOf(sa2), [T.bravo.id]);
  // alpha ends 11:00, delta 12:00, bravo 2 Jan 10:30, foxtrot (no duration) 31 Dec 23:00.
  const eb = await fx.list({ ended_before: '2030-01-01T11:00:00Z', limit: 100 });
  assert.deepEqual(sortIds(idsOf(eb)), sortIds([T.alpha.id, T.foxtrot.id]), 'ended at or before (inclusive)');
  const eb2 = await fx.list({ ended_before: '2030-01-01T10:59:59Z', limit: 100 });
  assert.deepEqual(idsOf(eb2), [T.foxtrot.id]);
  const win = await fx.list({ started_after: '2030-01-01T00:00:00Z', ended_before: '2030-01-01T12:00:00Z', limit: 100 });
  assert.deepEqual(sortIds(idsOf(win)), sortIds([T.alpha.id, T.delta.id]));
  const every = await fx.list({ started_after: '1970-01-01T00:00:00Z', limit: 100 });
  assert.equal(every.total, 4, 'only the four scheduled tickets');
  assert.ok(every.data.every((t) => t.start_date !== null));
  assert.equal((await fx.list({ ended_before: '2100-01-01T00:00:00Z' })).total, 4);
});

test('search: words of the subject, prefixes, accents ignored, the requestor, the messages', async () => {
  const q = async (search) => sortIds(idsOf(await fx.list({ search, limit: 100 })));
  assert.deepEqual(await q('boiler'), [T.alpha.id]);
  assert.deepEqual(await q('BOIL'), [T.alpha.id], 'word prefix, any case');
  assert.deepEqual(await q('cafe'), [T.charlie.id], 'accents ignored');
  assert.deepEqual(await q('Quillon'), [T.alpha.id, T.charlie.id].sort(), "the requestor's name (updated on the second ticket)");
  assert.deepEqual(await q('radiator'), [T.bravo.id], 'the description is the first message');
  assert.deepEqual(await q('filler'), sortIds(all.filter((t) => t.subject.startsWith('zz filler')).map((t) => t.id)));
  assert.deepEqual(await q('nothingmatchesthis'), []);
  assert.deepEqual(await q('boiler heater'), [], 'every word must match');
  const sq = await fx.list({ search: 'filler', limit: 2 });
  assert.equal(sq.total, 7, 'total counts every match, not the page');
  assert.equal(sq.next_offset, 2);
});

test('user (id, email, username, all; unknown 400), group, reference, type, requestor, service_key', async () => {
  const l = async (query) => sortIds(idsOf(await fx.list({ limit: 100, ...query })));
  const mine = sortIds([T.alpha.id, T.charlie.id]);
  assert.deepEqual(await l({ user: a1.id }), mine);
  assert.deepEqual(await l({ user: a1.email }), mine);
  assert.deepEqual(await l({ user: a1.username }), mine);
  assert.deepEqual(await l({ user: a2.id }), [T.bravo.id]);
  // an unknown user is refused like an unknown agent or group elsewhere, not an empty page
  for (const u of [uuid(), 'nobody', 'nobody@example.com']) {
    aErr(await fx.call('GET', `/tickets${qs({ user: u })}`), 400, 'user', `unknown user ${u}`);
  }
  // an agent's token: another user is 403 whether or not it exists (no way to probe for users)
  const tokA = apx(s, await fx.token(a1.email, a1.password));
  aErr(await tokA.call('GET', `/tickets${qs({ user: uuid() })}`), 403, 'user', 'unknown user, agent token');
  aErr(await tokA.call('GET', `/tickets${qs({ user: a2.id })}`), 403, 'user', 'another user, agent token');
  assert.equal((await fx.list({ user: 'all' })).total, 13, 'all: the workspace');
  assert.equal((await fx.list()).total, 13, 'a key lists the workspace by default');
  assert.deepEqual(await l({ group: g1.id }), [T.alpha.id]);
  assert.deepEqual(await l({ group: g2.id }), [T.bravo.id]);
  assert.deepEqual(await l({ group: uuid() }), []);
  aErr(await fx.call('GET', `/tickets${qs({ group: 'g1' })}`), 400, 'group');
  assert.deepEqual(await l({ reference: 'REF-1' }), sortIds([T.alpha.id, T.echo.id]));
  assert.deepEqual(await l({ reference: 'REF' }), [], 'reference is exact');
  assert.deepEqual(await l({ type: 'assistance' }), sortIds([T.alpha.id, T.charlie.id]));
  assert.deepEqual(await l({ type: 'assistance-multi' }), [T.bravo.id]);
  assert.deepEqual(await l({ requestor: T.alpha.requestor.id }), sortIds([T.alpha.id, T.charlie.id]));
  assert.deepEqual(await l({ requestor: T.bravo.requestor.id }), [T.bravo.id]);
  assert.deepEqual(await l({ requestor: uuid() }), []);
  aErr(await fx.call('GET', `/tickets${qs({ requestor: 'someone' })}`), 400, 'requestor');
  assert.deepEqual(await l({ service_key: K1 }), sortIds([T.alpha.id, T.delta.id]));
  assert.deepEqual(await l({ service_key: K2 }), [T.bravo.id]);
  assert.deepEqual(await l({ service_key: 'c'.repeat(32) }), []);
  aErr(await fx.call('GET', `/tickets${qs({ service_key: 'short' })}`), 400, 'service_key');
  aErr(await fx.call('GET', `/tickets${qs({ service_key: K1.toUpperCase() })}`), 400, 'service_key');
  // combined filters and the total
  const comb = await fx.list({ user: a1.id, type: 'assistance', service_key: K1 });
  assert.deepEqual(idsOf(comb), [T.alpha.id]);
  assert.equal(comb.total, 1);
  assert.equal(comb.next_offset, null);
});

test('a changed ticket moves between filters (agent, group, reference through PATCH); deleted ones leave', async () => {
  const t = await fx.ticket({ subject: 'mover', reference: 'MOVE-1' });
  assert.deepEqual(idsOf(await fx.list({ user: a2.id, reference: 'MOVE-1' })), []);
  await fx.patch(t.id, { agent: a2.username, group: g2.id, reference: 'MOVE-2' });
  assert.deepEqual(idsOf(await fx.list({ user: a2.id, reference: 'MOVE-2' })), [t.id]);
  assert.deepEqual(idsOf(await fx.list({ group: g2.id, reference: 'MOVE-2' })), [t.id]);
  assert.deepEqual(idsOf(await fx.list({ reference: 'MOVE-1' })), []);
  const d = await fx.call('DELETE', `/tickets/${t.id}`);
  assert.equal(d.status, 204);
  assert.equal((await fx.list({ limit: 1 })).total, 13, 'deleted tickets leave the list');
  const r = ok(await fx.call('GET', `/tickets${qs({ reference: 'MOVE-2' })}`));
  assert.equal(r.total, 0);
});
