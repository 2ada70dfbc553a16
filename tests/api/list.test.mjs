// GET /v2/agency/tickets/list: paging, validation, ordering, filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fixtures, assertOk, assertErr, A, uuid, show } from './lib/harness.mjs';

let s;
let fx;
let cat;
before(async () => {
  s = await startServer();
  fx = fixtures(s);
  cat = await fx.category({ title: 'General' });
});
after(async () => {
  await s?.stop();
});

const L = `${A}/tickets/list`;
const get = (q) => s.api('GET', `${L}?${typeof q === 'string' ? q : new URLSearchParams(q)}`);
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

async function group(titles) {
  const c = await fx.client();
  const ts = [];
  for (const title of titles) ts.push(await fx.ticket({ client_id: c.id, category: cat.id, title }));
  return { client: c, tickets: ts };
}

test('page and per_page are required and validated (400 naming the field)', async () => {
  await fx.ticket({ category: cat.id });
  for (const pp of ['0', '-1', '101', '1.5', 'abc', '', '1e2', ' 5', '0x10', '99999999999999999999']) {
    assertErr(await get({ page: '1', per_page: pp }), 400, 'per_page', `per_page=${JSON.stringify(pp)}`);
  }
  assertErr(await get({ page: '1' }), 400, 'per_page', 'per_page missing');
  for (const pg of ['0', '-1', 'abc', '1.5', '', '2147483648']) {
    assertErr(await get({ page: pg, per_page: '10' }), 400, 'page', `page=${JSON.stringify(pg)}`);
  }
  assertErr(await get({ per_page: '10' }), 400, 'page', 'page missing');
  assertOk(await get({ page: '1', per_page: '100' }), 'per_page=100');
  assertOk(await get({ page: '1', per_page: '1' }), 'per_page=1');
  assertOk(await get({ page: '2147483647', per_page: '1' }), 'page=2^31-1');
});

test('order, sort_by and closed: bad values -> 400 naming the parameter', async () => {
  assertErr(await get({ page: 1, per_page: 10, order: 'up' }), 400, 'order');
  assertErr(await get({ page: 1, per_page: 10, sort_by: 'id' }), 400, 'sort_by');
  assertErr(await get({ page: 1, per_page: 10, sort_by: 'updated_at' }), 400, 'sort_by');
  assertErr(await get({ page: 1, per_page: 10, closed: 'yes' }), 400, 'closed');
  assertErr(await get({ page: 1, per_page: 10, closed: '1' }), 400, 'closed');
});

test('paging is disjoint and complete; total_results is the total, not the page size', async () => {
  const g = await group(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
  const all = new Set(g.tickets.map((t) => t.id));
  const seen = [];
  const sizes = [];
  for (let page = 1; page <= 4; page++) {
    const r = await fx.tickets({ client_id: g.client.id, page: String(page), per_page: '3' });
    assert.equal(r.total_results, 7, `page ${page}`);
    sizes.push(r.tickets.length);
    seen.push(...r.tickets.map((t) => t.id));
  }
  assert.deepEqual(sizes, [3, 3, 1, 0]);
  assert.equal(new Set(seen).size, 7, 'pages are disjoint');
  assert.deepEqual(new Set(seen), all, 'pages are complete');
  // whole-workspace total vs page size
  const whole = await fx.tickets({ per_page: '2' });
  assert.equal(whole.tickets.length, 2);
  assert.ok(whole.total_results >= 8, `total_results ${whole.total_results}`);
});

test('sort_by created_at asc/desc (default desc), ties broken by id in the same direction', async () => {
  const g = await group(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']);
  const expAsc = [...g.tickets]
    .sort((a, b) => a.created_at - b.created_at || cmp(a.id, b.id))
    .map((t) => t.id);
  const asc = await fx.tickets({ client_id: g.client.id, sort_by: 'created_at', order: 'asc' });
  assert.deepEqual(asc.tickets.map((t) => t.id), expAsc);
  const desc = await fx.tickets({ client_id: g.client.id, sort_by: 'created_at', order: 'desc' });
  assert.deepEqual(desc.tickets.map((t) => t.id), [...expAsc].reverse());
  const dflt = await fx.tickets({ client_id: g.client.id });
  assert.deepEqual(dflt.tickets.map((t) => t.id), [...expAsc].reverse(), 'default is created_at desc');
  // paging over the same order is consistent
  const paged = [];
  for (let page = 1; page <= 5; page++) {
    const r = await fx.tickets({ client_id: g.client.id, order: 'asc', per_page: '2', page: String(page) });
    paged.push(...r.tickets.map((t) => t.id));
  }
  assert.deepEqual(paged, expAsc);
});

test('sort_by title asc/desc; same titles tie-break on id in the same direction', async () => {
  const g = await group(['delta', 'same title', 'alpha', 'same title', 'charlie', 'same title', 'same title', 'bravo']);
  const expAsc = [...g.tickets].sort((a, b) => cmp(a.title, b.title) || cmp(a.id, b.id)).map((t) => t.id);
  const asc = await fx.tickets({ client_id: g.client.id, sort_by: 'title', order: 'asc' });
  assert.deepEqual(asc.tickets.map((t) => t.title),
    ['alpha', 'bravo', 'charlie', 'delta', 'same title', 'same title', 'same title', 'same title']);
  assert.deepEqual(asc.tickets.map((t) => t.id), expAsc, 'asc: ties by id ascending');
  const desc = await fx.tickets({ client_id: g.client.id, sort_by: 'title', order: 'desc' });
  assert.deepEqual(desc.tickets.map((t) => t.id), [...expAsc].reverse(), 'desc: ties by id descending');
  const sameAsc = asc.tickets.filter((t) => t.title === 'same title').map((t) => t.id);
  assert.deepEqual(sameAsc, [...sameAsc].sort());
  const sameDesc = desc.tickets.filter((t) => t.title === 'same title').map((t) => t.id);
  assert.deepEqual(sameDesc, [...sameAsc].reverse());
});

test('filter: case-insensitive substring of the title, special characters literal', async () => {
  const titles = ['100% done', 'under_score', "it's broken", 'say "hi"', 'Mixed CASE Title', 'plain words',
    'back\\slash', 'a[b]c'];
  const g = await group(titles);
  const byTitle = Object.fromEntries(g.tickets.map((t) => [t.title, t.id]));
  const expect = async (filter, want) => {
    const r = await fx.tickets({ client_id: g.client.id, filter });
    assert.deepEqual(r.tickets.map((t) => t.title).sort(), [...want].sort(), `filter=${JSON.stringify(filter)}`);
    assert.equal(r.total_results, want.length, `filter=${JSON.stringify(filter)} total_results`);
  };
  await expect('%', ['100% done']);
  await expect('_', ['under_score']);
  await expect("'", ["it's broken"]);
  await expect('"', ['say "hi"']);
  await expect('\\', ['back\\slash']);
  await expect('[b]', ['a[b]c']);
  await expect('mixed case', ['Mixed CASE Title']);
  await expect('MIXED case TITLE', ['Mixed CASE Title']);
  await expect('ORD', ['plain words']);
  await expect('o', ['100% done', 'under_score', "it's broken", 'plain words']);
  await expect('no such thing', []);
  await expect('% d', ['100% done']);
  assert.ok(byTitle['100% done']);
  // filter works without client_id too
  const r = await fx.tickets({ filter: 'UNDER_SC' });
  assert.deepEqual(r.tickets.map((t) => t.id), [byTitle.under_score]);
});

test('from/to: inclusive, unix seconds and ISO 8601; bad dates -> 400 naming the field', async () => {
  const g = await group(['dated']);
  const t = g.tickets[0];
  const c = t.created_at;
  const ids = async (q) => (await fx.tickets({ client_id: g.client.id, ...q })).tickets.map((x) => x.id);
  const iso = (sec) => new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
  const isoFrac = (sec) => new Date(sec * 1000).toISOString();
  const isoOffset = (sec) => {
    const d = new Date((sec + 2 * 3600) * 1000).toISOString().replace('.000Z', '+02:00');
    return d;
  };
  assert.deepEqual(await ids({ from: String(c), to: String(c) }), [t.id], 'from=to=created_at (unix)');
  assert.deepEqual(await ids({ to: String(c) }), [t.id], 'to=created_at includes it');
  assert.deepEqual(await ids({ from: String(c) }), [t.id], 'from=created_at includes it');
  assert.deepEqual(await ids({ to: String(c - 1) }), [], 'to before');
  assert.deepEqual(await ids({ from: String(c + 1) }), [], 'from after');
  assert.deepEqual(await ids({ to: iso(c) }), [t.id], `to=${iso(c)}`);
  assert.deepEqual(await ids({ from: iso(c), to: iso(c) }), [t.id], 'ISO both');
  assert.deepEqual(await ids({ to: isoFrac(c) }), [t.id], `to=${isoFrac(c)}`);
  assert.deepEqual(await ids({ to: isoOffset(c) }), [t.id], `to=${isoOffset(c)}`);
  assert.deepEqual(await ids({ from: isoOffset(c + 1) }), [], `from=${isoOffset(c + 1)}`);
  assert.deepEqual(await ids({ to: iso(c - 1) }), [], `to=${iso(c - 1)}`);
  assert.deepEqual(await ids({ from: '2000-01-01' }), [t.id], 'date-only from');
  assert.deepEqual(await ids({ to: '2000-01-01' }), [], 'date-only to');
  assert.deepEqual(await ids({ from: '2000-01-01T00:00:00Z', to: '2999-12-31T23:59:59Z' }), [t.id]);
  // whole seconds: a fraction on to/from does not exclude the ticket's own second
  const frac = (sec, f) => new Date(sec * 1000).toISOString().replace('.000Z', `.${f}Z`);
  assert.deepEqual(await ids({ to: frac(c, '999') }), [t.id], `to=${frac(c, '999')}`);
  assert.deepEqual(await ids({ from: frac(c, '500'), to: frac(c, '500') }), [t.id], `from=to=${frac(c, '500')}`);
  assert.deepEqual(await ids({ from: frac(c - 1, '999'), to: frac(c - 1, '999') }), [], 'the second before');
  for (const bad of ['yesterday', '2024-13-45', '2024-01-31T25:00:00Z', '12abc', '', '2024/01/31', '99999999999999999999999']) {
    assertErr(await get({ page: 1, per_page: 10, from: bad }), 400, 'from', `from=${JSON.stringify(bad)}`);
    assertErr(await get({ page: 1, per_page: 10, to: bad }), 400, 'to', `to=${JSON.stringify(bad)}`);
  }
});

test('closed=true/false', async () => {
  const g = await group(['open one', 'closed one', 'open two']);
  const closedT = g.tickets[1];
  assertOk(await s.api('POST', `${A}/tickets/close/${closedT.id}`), 'close');
  const closed = await fx.tickets({ client_id: g.client.id, closed: 'true' });
  assert.deepEqual(closed.tickets.map((t) => t.id), [closedT.id]);
  assert.equal(closed.total_results, 1);
  assert.equal(closed.tickets[0].is_open, false);
  const open = await fx.tickets({ client_id: g.client.id, closed: 'false' });
  assert.deepEqual(open.tickets.map((t) => t.id).sort(), [g.tickets[0].id, g.tickets[2].id].sort());
  assert.ok(open.tickets.every((t) => t.is_open === true));
  const all = await fx.tickets({ client_id: g.client.id });
  assert.equal(all.total_results, 3);
});

test('teammate_id and client_id filters; malformed -> 400, unknown -> 200 empty', async () => {
  const tm = await fx.teammate();
  const g = await group(['assigned', 'not assigned']);
  assertOk(await s.api('POST', `${A}/tickets/assign/${g.tickets[0].id}`, { teammate_id: tm.id }), 'assign');
  const byTm = await fx.tickets({ teammate_id: tm.id });
  assert.deepEqual(byTm.tickets.map((t) => t.id), [g.tickets[0].id]);
  assert.equal(byTm.total_results, 1);
  const byTmUpper = await fx.tickets({ teammate_id: tm.id.toUpperCase() });
  assert.deepEqual(byTmUpper.tickets.map((t) => t.id), [g.tickets[0].id]);
  const byClient = await fx.tickets({ client_id: g.client.id });
  assert.deepEqual(byClient.tickets.map((t) => t.id).sort(), g.tickets.map((t) => t.id).sort());
  const both = await fx.tickets({ client_id: g.client.id, teammate_id: tm.id, filter: 'ASSIGNED' });
  assert.deepEqual(both.tickets.map((t) => t.id), [g.tickets[0].id]);
  for (const f of ['teammate_id', 'client_id']) {
    for (const bad of ['abc', '123', uuid().slice(0, 35), uuid() + '0', 'g' + uuid().slice(1)]) {
      assertErr(await get({ page: 1, per_page: 10, [f]: bad }), 400, f, `${f}=${bad}`);
    }
    const r = await get({ page: 1, per_page: 10, [f]: uuid() });
    assertOk(r, `${f} unknown`);
    assert.equal(r.json.total_results, 0);
    assert.deepEqual(r.json.tickets, []);
  }
});

test('filter matches the title only; closed/teammate filters follow reopen and unassign', async () => {
  const tm = await fx.teammate();
  const c = await fx.client({ name: 'Zebra Client', email: `zebra-${process.pid}@example.com` });
  const t = await fx.ticket({ client_id: c.id, category: cat.id, title: 'alpha title', description: 'zebra in the description' });
  assert.equal((await fx.tickets({ client_id: c.id, filter: 'zebra' })).total_results, 0, 'description/client do not match');
  assert.equal((await fx.tickets({ client_id: c.id, filter: 'alpha' })).total_results, 1);
  assertOk(await s.api('POST', `${A}/tickets/close/${t.id}`));
  assertOk(await s.api('POST', `${A}/tickets/reopen/${t.id}`));
  assert.deepEqual((await fx.tickets({ client_id: c.id, closed: 'false' })).tickets.map((x) => x.id), [t.id]);
  assert.equal((await fx.tickets({ client_id: c.id, closed: 'true' })).total_results, 0);
  assertOk(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: tm.id }));
  assert.equal((await fx.tickets({ teammate_id: tm.id })).total_results, 1);
  assertOk(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: null }));
  assert.equal((await fx.tickets({ teammate_id: tm.id })).total_results, 0);
  // client_id in upper case in a body is accepted and answered in lower case
  const t2 = await fx.ticket({ client_id: c.id.toUpperCase(), category: cat.id.toUpperCase() });
  assert.equal(t2.client.id, c.id);
  assert.equal((await fx.tickets({ client_id: c.id.toUpperCase() })).total_results, 2);
});

test('invalid UTF-8 in a query parameter -> 400 naming it', async () => {
  assertErr(await get('page=1&per_page=10&filter=%FF'), 400, 'filter');
  assertErr(await get('page=1&per_page=10&filter=abc%C3'), 400, 'filter');
  // valid percent-encoded UTF-8 is fine
  const r = await get('page=1&per_page=10&filter=%C3%A9t%C3%A9');
  assertOk(r, 'utf-8 filter');
});

test('list envelope: {status,total_results,tickets}', async () => {
  const r = await get({ page: 1, per_page: 5 });
  assertOk(r);
  assert.ok(Number.isInteger(r.json.total_results), show(r));
  assert.ok(Array.isArray(r.json.tickets));
  assert.ok(r.json.tickets.length <= 5);
});
