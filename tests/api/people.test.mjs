// Teammates and clients, under both /v2 and /v2/agency.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, fixtures, assertOk, assertErr, A, UUID_RE, uuid, uniq, show,
  assertTeammateShape, assertClientShape, SHAPE_TEAMMATE, SHAPE_CLIENT,
} from './lib/harness.mjs';

let s;
let fx;
before(async () => {
  s = await startServer();
  fx = fixtures(s);
});
after(async () => {
  await s?.stop();
});

const PREFIXES = ['/v2', A];
const email = (p = 'p') => `${uniq(p)}@example.com`;

test('teammate create/retrieve/list under both prefixes; shape; password never returned', async () => {
  const pw = 'S3cret-pass-phrase';
  for (const pre of PREFIXES) {
    const other = pre === '/v2' ? A : '/v2';
    const e = email('tm');
    const r = await s.api('POST', `${pre}/teammates/create`, {
      name: 'Ann', last_name: 'Agent', email: e, password: pw,
    });
    const t = assertOk(r, `${pre} create`).teammate;
    assertTeammateShape(t);
    assert.ok(!r.text.includes(pw), 'password must never appear in an answer');
    assert.ok(!('password' in t));
    for (const k of Object.keys(SHAPE_TEAMMATE)) assert.ok(k in t, k);
    assert.match(t.id, UUID_RE);
    assert.equal(t.object, 'teammate');
    assert.equal(t.name, 'Ann');
    assert.equal(t.last_name, 'Agent');
    assert.equal(t.email, e);
    assert.equal(t.role, 'agent');
    assert.deepEqual(t.permissions, ['tickets']);
    assert.equal(t.country, null);
    assert.equal(typeof t.verified, 'boolean');
    assert.ok(Number.isInteger(t.created_at));
    const got = await s.api('GET', `${other}/teammates/retrieve/${t.id}`);
    assert.deepEqual(assertOk(got, `${other} retrieve`).teammate, t);
    assert.ok(!got.text.includes(pw));
    const l = await fx.list(`${other}/teammates/list`);
    assert.ok(Array.isArray(l.teammates));
    assert.ok(l.teammates.some((x) => x.id === t.id));
    assert.equal(l.total_results, l.teammates.length);
    l.teammates.forEach(assertTeammateShape);
    assert.ok(!JSON.stringify(l).includes(pw));
  }
});

test('teammate username: optional, returned, unique in the workspace', async () => {
  const name = `user${process.pid}`;
  const a = await fx.teammate({ username: name });
  assert.equal(a.username, name);
  const r = await s.api('POST', `${A}/teammates/create`, { name: 'x', email: email(), username: name });
  assert.equal(r.status, 400, show(r));
  assert.ok([400, 409].includes(r.json?.error_code), show(r));
  const b = await fx.teammate();
  assert.ok('username' in b, 'username key present');
  assert.equal(b.username, null);
});

test('teammate role admin has permissions ["*"]; bad role -> 400', async () => {
  const t = await fx.teammate({ role: 'admin' });
  assert.equal(t.role, 'admin');
  assert.deepEqual(t.permissions, ['*']);
  assertErr(await s.api('POST', `${A}/teammates/create`, { name: 'x', email: email(), role: 'boss' }), 400, 'role');
});

test('teammate create validation and duplicate email (409); nothing written', async () => {
  const first = await fx.teammate();
  const n0 = (await fx.list(`${A}/teammates/list`)).total_results;
  const cases = [
    [{ email: email() }, 400, 'name'],
    [{ name: 'x' }, 400, 'email'],
    [{ name: '', email: email() }, 400, 'name'],
    [{ name: 5, email: email() }, 400, 'name'],
    [{ name: 'x', email: 'no-at-sign' }, 400, 'email'],
    [{ name: 'x', email: '@example.com' }, 400, 'email'],
    [{ name: 'x', email: 'a@' }, 400, 'email'],
    [{ name: 'x', email: 'a@b@c' }, 400, 'email'],
    [{ name: 'x', email: `${'a'.repeat(250)}@b.cd` }, 400, 'email'],
    [{ name: 'x'.repeat(256), email: email() }, 400, 'name'],
    [{ name: 'x', last_name: 'y'.repeat(256), email: email() }, 400, 'last_name'],
    [{ name: 'x', email: email(), password: 'short' }, 400, 'password'],
    [{ name: 'x', email: email(), password: 'p'.repeat(257) }, 400, 'password'],
    [{ name: 'x', email: email(), country: 'DEU' }, 400, 'country'],
    [{ name: 'x', email: email(), country: 'd1' }, 400, 'country'],
    [{ name: 'x', email: first.email }, 409],
  ];
  for (const [body, code, field] of cases) {
    for (const pre of PREFIXES) {
      assertErr(await s.api('POST', `${pre}/teammates/create`, body), code, field, `${pre} ${JSON.stringify(body).slice(0, 90)}`);
    }
  }
  assert.equal((await fx.list(`${A}/teammates/list`)).total_results, n0);
  const c = await fx.teammate({ country: 'de', name: 'n'.repeat(255) });
  assert.equal(c.country, 'DE');
});

test('teammate update: left out keeps, null clears optional, required null -> 400, email conflict 409', async () => {
  const a = await fx.teammate({ name: 'Ann', last_name: 'Agent', country: 'FR' });
  const b = await fx.teammate();
  let r = await s.api('POST', `/v2/teammates/update/${a.id}`, { name: 'Anna' });
  let u = assertOk(r, 'update name').teammate;
  assertTeammateShape(u);
  assert.equal(u.name, 'Anna');
  assert.equal(u.last_name, 'Agent');
  assert.equal(u.email, a.email);
  assert.equal(u.country, 'FR');
  assert.equal(u.created_at, a.created_at);
  r = await s.api('POST', `${A}/teammates/update/${a.id}`, { last_name: null, country: null, role: 'admin' });
  u = assertOk(r, 'clear').teammate;
  assert.equal(u.last_name, null);
  assert.equal(u.country, null);
  assert.equal(u.role, 'admin');
  assert.deepEqual(u.permissions, ['*']);
  assert.equal(u.name, 'Anna');
  const snap = assertOk(await s.api('GET', `${A}/teammates/retrieve/${a.id}`)).teammate;
  assert.deepEqual(snap, u);
  for (const [body, code, field] of [
    [{ name: null }, 400, 'name'],
    [{ email: null }, 400, 'email'],
    [{ email: 'bad' }, 400, 'email'],
    [{ name: 12 }, 400, 'name'],
    [{ email: b.email }, 409],
    [{ password: 'short' }, 400, 'password'],
  ]) {
    assertErr(await s.api('POST', `${A}/teammates/update/${a.id}`, body), code, field, JSON.stringify(body));
  }
  assert.deepEqual(assertOk(await s.api('GET', `${A}/teammates/retrieve/${a.id}`)).teammate, snap, 'unchanged');
  // sending its own (unchanged) email is not a conflict
  const same = await s.api('POST', `${A}/teammates/update/${a.id}`, { email: a.email, name: 'Anna' });
  assert.equal(assertOk(same, 'update with own email').teammate.email, a.email);
  r = await s.api('POST', `${A}/teammates/update/${a.id}`, { password: 'another-long-password' });
  assert.ok(!r.text.includes('another-long-password'));
  assertOk(r, 'password update');
  assertErr(await s.api('POST', `${A}/teammates/update/${uuid()}`, { name: 'x' }), 1002);
  assertErr(await s.api('POST', `${A}/teammates/update/xyz`, { name: 'x' }), 400);
  assertErr(await s.api('GET', `${A}/teammates/retrieve/${uuid()}`), 1002);
  assertErr(await s.api('GET', `/v2/teammates/retrieve/not-a-uuid`), 400);
});

test('teammate delete: 409 while a ticket or category references it; then 200 and gone', async () => {
  const t = await fx.teammate();
  const ticket = await fx.ticket();
  assertOk(await s.api('POST', `${A}/tickets/assign/${ticket.id}`, { teammate_id: t.id }), 'assign');
  assertErr(await s.api('DELETE', `${A}/teammates/${t.id}`), 409);
  assertErr(await s.api('DELETE', `/v2/teammates/${t.id}`), 409);
  assertOk(await s.api('GET', `${A}/teammates/retrieve/${t.id}`), 'still there');
  assertOk(await s.api('POST', `${A}/tickets/assign/${ticket.id}`, { teammate_id: null }), 'unassign');

  const cat = await fx.category({ teammate_id: t.id });
  assertErr(await s.api('DELETE', `${A}/teammates/${t.id}`), 409);
  assertOk(await s.api('POST', `${A}/ticket-categories/update/${cat.id}`, {
    title: cat.title, language: cat.language, teammate_id: null,
  }), 'category teammate cleared');

  const n0 = (await fx.list(`${A}/teammates/list`)).total_results;
  const r = await s.api('DELETE', `/v2/teammates/${t.id}`);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json, { status: 200 });
  assertErr(await s.api('GET', `${A}/teammates/retrieve/${t.id}`), 1002);
  assertErr(await s.api('DELETE', `${A}/teammates/${t.id}`), 1002);
  assert.equal((await fx.list(`${A}/teammates/list`)).total_results, n0 - 1);
  assertErr(await s.api('POST', `${A}/tickets/assign/${ticket.id}`, { teammate_id: t.id }), 1002, 'teammate_id');
});

test('teammate list: paging, sort_by name, validation', async () => {
  const all = await fx.list(`${A}/teammates/list`);
  const n = all.total_results;
  assert.ok(n >= 3);
  const p = await fx.list(`${A}/teammates/list`, { per_page: '1', page: '2' });
  assert.equal(p.total_results, n);
  assert.equal(p.teammates.length, 1);
  const byName = await fx.list(`/v2/teammates/list`, { sort_by: 'name', order: 'asc' });
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const exp = [...byName.teammates].sort((a, b) => cmp(a.name, b.name) || cmp(a.id, b.id)).map((x) => x.id);
  assert.deepEqual(byName.teammates.map((x) => x.id), exp);
  const byCreated = await fx.list(`${A}/teammates/list`, { sort_by: 'created_at', order: 'asc' });
  const expC = [...byCreated.teammates].sort((a, b) => a.created_at - b.created_at || cmp(a.id, b.id)).map((x) => x.id);
  assert.deepEqual(byCreated.teammates.map((x) => x.id), expC, 'created_at asc, ties by id asc');
  const byCreatedDesc = await fx.list(`${A}/teammates/list`, { sort_by: 'created_at', order: 'desc' });
  assert.deepEqual(byCreatedDesc.teammates.map((x) => x.id), [...expC].reverse(), 'created_at desc, ties by id desc');
  assertErr(await s.api('GET', `${A}/teammates/list?page=1&per_page=101`), 400, 'per_page');
  assertErr(await s.api('GET', `${A}/teammates/list?page=0&per_page=10`), 400, 'page');
  assertErr(await s.api('GET', `${A}/teammates/list?page=1&per_page=10&sort_by=title`), 400, 'sort_by');
});

test('client create/retrieve/list under both prefixes; shape', async () => {
  const plan = await fx.plan();
  for (const pre of PREFIXES) {
    const other = pre === '/v2' ? A : '/v2';
    const e = email('cl');
    const r = await s.api('POST', `${pre}/clients/create`, { name: 'John Doe', email: e, country: 'gb', billing_plan: plan.id });
    const c = assertOk(r, `${pre} create`).client;
    assertClientShape(c);
    for (const k of Object.keys(SHAPE_CLIENT)) assert.ok(k in c, k);
    assert.match(c.id, UUID_RE);
    assert.equal(c.object, 'client');
    assert.equal(c.name, 'John Doe');
    assert.equal(c.email, e);
    assert.equal(c.country, 'GB');
    assert.equal(c.status, 'active');
    assert.equal(c.billing_plan, plan.id);
    assert.ok(Number.isInteger(c.created_at));
    assert.deepEqual(assertOk(await s.api('GET', `${other}/clients/retrieve/${c.id}`)).client, c);
    const l = await fx.list(`${other}/clients/list`);
    assert.ok(Array.isArray(l.clients));
    assert.ok(l.clients.some((x) => x.id === c.id));
    assert.equal(l.total_results, l.clients.length);
    l.clients.forEach(assertClientShape);
  }
  const bare = await fx.client();
  assert.equal(bare.billing_plan, null);
  assert.equal(bare.country, null);
});

test('client list: sort_by name / created_at with id tie-break; validation', async () => {
  for (let i = 0; i < 3; i++) await fx.client({ name: 'Same Name' });
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const byName = await fx.list(`${A}/clients/list`, { sort_by: 'name', order: 'asc' });
  const expN = [...byName.clients].sort((a, b) => cmp(a.name, b.name) || cmp(a.id, b.id)).map((x) => x.id);
  assert.deepEqual(byName.clients.map((x) => x.id), expN);
  const byNameDesc = await fx.list(`${A}/clients/list`, { sort_by: 'name', order: 'desc' });
  assert.deepEqual(byNameDesc.clients.map((x) => x.id), [...expN].reverse());
  const byCreated = await fx.list(`/v2/clients/list`, { sort_by: 'created_at', order: 'asc' });
  const expC = [...byCreated.clients].sort((a, b) => a.created_at - b.created_at || cmp(a.id, b.id)).map((x) => x.id);
  assert.deepEqual(byCreated.clients.map((x) => x.id), expC, 'created_at asc, ties by id asc');
  assertErr(await s.api('GET', `${A}/clients/list?page=1&per_page=0`), 400, 'per_page');
  assertErr(await s.api('GET', `/v2/clients/list?page=x&per_page=10`), 400, 'page');
  assertErr(await s.api('GET', `${A}/clients/list?page=1&per_page=10&order=sideways`), 400, 'order');
});

test('client validation: unknown billing_plan 10322, malformed 400, required fields; nothing written', async () => {
  const n0 = (await fx.list(`${A}/clients/list`)).total_results;
  for (const [body, code, field] of [
    [{ name: 'x', email: email(), billing_plan: uuid() }, 10322],
    [{ name: 'x', email: email(), billing_plan: 'gold' }, 400, 'billing_plan'],
    [{ email: email() }, 400, 'name'],
    [{ name: 'x' }, 400, 'email'],
    [{ name: 'x', email: 'nope' }, 400, 'email'],
    [{ name: 'x', email: email(), country: 'XYZ' }, 400, 'country'],
    [{ name: ['x'], email: email() }, 400, 'name'],
  ]) {
    for (const pre of PREFIXES) {
      assertErr(await s.api('POST', `${pre}/clients/create`, body), code, field, `${pre} ${JSON.stringify(body)}`);
    }
  }
  assert.equal((await fx.list(`${A}/clients/list`)).total_results, n0);
});

test('client update: keeps left-out fields, null clears billing_plan/country, 10322; unchanged on error', async () => {
  const plan = await fx.plan();
  const c = await fx.client({ country: 'DE', billing_plan: plan.id });
  let u = assertOk(await s.api('POST', `/v2/clients/update/${c.id}`, { name: 'Jane' }), 'update').client;
  assertClientShape(u);
  assert.equal(u.name, 'Jane');
  assert.equal(u.email, c.email);
  assert.equal(u.country, 'DE');
  assert.equal(u.billing_plan, plan.id);
  u = assertOk(await s.api('POST', `${A}/clients/update/${c.id}`, { billing_plan: null, country: null }), 'clear').client;
  assert.equal(u.billing_plan, null);
  assert.equal(u.country, null);
  assert.equal(u.name, 'Jane');
  const snap = assertOk(await s.api('GET', `${A}/clients/retrieve/${c.id}`)).client;
  assert.deepEqual(snap, u);
  assertErr(await s.api('POST', `${A}/clients/update/${c.id}`, { billing_plan: uuid() }), 10322);
  assertErr(await s.api('POST', `${A}/clients/update/${c.id}`, { name: null }), 400, 'name');
  assertErr(await s.api('POST', `${A}/clients/update/${c.id}`, { email: null }), 400, 'email');
  assertErr(await s.api('POST', `${A}/clients/update/${c.id}`, { email: 5 }), 400, 'email');
  assertErr(await s.api('POST', `${A}/clients/update/${uuid()}`, { name: 'x' }), 1002);
  assertErr(await s.api('POST', `${A}/clients/update/12`, { name: 'x' }), 400);
  assert.deepEqual(assertOk(await s.api('GET', `${A}/clients/retrieve/${c.id}`)).client, snap, 'unchanged');
  // updated client data shows on its tickets
  const t = await fx.ticket({ client_id: c.id });
  assert.deepEqual(t.client, { id: c.id, name: 'Jane', email: c.email });
});

test('client delete: 409 while it has a ticket; otherwise 200 and gone', async () => {
  const c = await fx.client();
  await fx.ticket({ client_id: c.id });
  assertErr(await s.api('DELETE', `${A}/clients/${c.id}`), 409);
  assertErr(await s.api('DELETE', `/v2/clients/${c.id}`), 409);
  assertOk(await s.api('GET', `${A}/clients/retrieve/${c.id}`), 'still there');
  const free = await fx.client();
  const n0 = (await fx.list(`${A}/clients/list`)).total_results;
  const r = await s.api('DELETE', `/v2/clients/${free.id}`);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json, { status: 200 });
  assertErr(await s.api('GET', `/v2/clients/retrieve/${free.id}`), 1002);
  assertErr(await s.api('DELETE', `${A}/clients/${free.id}`), 1002);
  assert.equal((await fx.list(`${A}/clients/list`)).total_results, n0 - 1);
  assertErr(await s.api('DELETE', `${A}/clients/not-a-uuid`), 400);
});
