// Ticket categories and billing plans (products).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, fixtures, assertOk, assertErr, A, UUID_RE, uuid, show, SEED_CATEGORY,
  assertCategoryShape, assertProductShape,
} from './lib/harness.mjs';

let s;
let fx;
let tm;
before(async () => {
  s = await startServer();
  fx = fixtures(s);
  tm = await fx.teammate();
});
after(async () => {
  await s?.stop();
});

const C = `${A}/ticket-categories`;
const retrieve = async (id) => assertOk(await s.api('GET', `${C}/retrieve/${id}`), 'category retrieve').ticket_category;
const count = async () => (await fx.list(`${C}/list`)).total_results;

test('plans: create answers the product shape; list has {status,total_results,products}', async () => {
  const r = await s.api('POST', `${A}/plans/create`, {
    name: 'Gold', price: 4900, currency: 'EUR', interval: 'month', features: ['a', 'b'],
  });
  const p = assertOk(r, 'plan create').product;
  assertProductShape(p);
  assert.match(p.id, UUID_RE);
  assert.equal(p.object, 'product');
  assert.equal(p.name, 'Gold');
  assert.equal(p.type, 'agency_plan');
  assert.ok(Number.isInteger(p.created_at));
  const p2 = await fx.plan({ name: 'Silver' });
  const l = await fx.list(`${A}/plans/list`);
  assert.equal(l.total_results, 2);
  assert.ok(Array.isArray(l.products));
  l.products.forEach(assertProductShape);
  assert.deepEqual(l.products.map((x) => x.id).sort(), [p.id, p2.id].sort());
  assert.deepEqual(l.products.find((x) => x.id === p.id), p);
  const paged = await fx.list(`${A}/plans/list`, { per_page: '1' });
  assert.equal(paged.total_results, 2);
  assert.equal(paged.products.length, 1);
  assertErr(await s.api('GET', `${A}/plans/list?page=1`), 400, 'per_page');
  assertErr(await s.api('GET', `${A}/plans/list?page=1&per_page=101`), 400, 'per_page');
  assertErr(await s.api('POST', `${A}/plans/create`, { price: 1 }), 400, 'name');
  assertErr(await s.api('POST', `${A}/plans/create`, { name: 7 }), 400, 'name');
  assert.equal((await fx.list(`${A}/plans/list`)).total_results, 2, 'rejected plan creates wrote nothing');
});

test('create answers the TicketCategory shape with defaults (null / [])', async () => {
  const r = await s.api('POST', `${C}/create`, { title: 'Billing Issues', language: 'en' });
  const c = assertOk(r, 'create').ticket_category;
  assertCategoryShape(c);
  assert.deepEqual(Object.keys(c).sort(), Object.keys(SEED_CATEGORY).sort(), 'exactly the seed keys');
  assert.match(c.id, UUID_RE);
  assert.equal(c.object, 'ticket_category');
  assert.equal(c.title, 'Billing Issues');
  assert.equal(c.language, 'en');
  assert.equal(c.teammate_id, null);
  assert.equal(c.auto_reply, null);
  assert.deepEqual(c.subcategories, []);
  assert.deepEqual(c.billing_plans, []);
  assert.ok(Number.isInteger(c.created_at));
  assert.deepEqual(await retrieve(c.id), c);
});

test('create with every field; automated_reply answers as auto_reply', async () => {
  const p1 = await fx.plan();
  const p2 = await fx.plan();
  const c = await fx.category({
    title: 'Full', language: 'pt-BR', automated_reply: 'Thanks!', teammate_id: tm.id,
    subcategories: ['One', 'Two'], billing_plans: [p1.id, p2.id],
  });
  assertCategoryShape(c);
  assert.equal(c.auto_reply, 'Thanks!');
  assert.ok(!('automated_reply' in c) || c.automated_reply === 'Thanks!');
  assert.equal(c.teammate_id, tm.id);
  assert.equal(c.language, 'pt-BR');
  assert.deepEqual(c.subcategories, ['One', 'Two']);
  assert.deepEqual([...c.billing_plans].sort(), [p1.id, p2.id].sort());
  assert.deepEqual(await retrieve(c.id), c);
});

test('create validation: missing/invalid fields, unknown plan 10322, unknown teammate 1002; nothing written', async () => {
  const n0 = await count();
  const ok = { title: 'T', language: 'en' };
  const cases = [
    [{ language: 'en' }, 400, 'title'],
    [{ title: 'T' }, 400, 'language'],
    [{ title: '', language: 'en' }, 400, 'title'],
    [{ title: 5, language: 'en' }, 400, 'title'],
    [{ title: 'x'.repeat(256), language: 'en' }, 400, 'title'],
    [{ title: 'T', language: 'e' }, 400, 'language'],
    [{ title: 'T', language: 'en_US' }, 400, 'language'],
    [{ title: 'T', language: 'x'.repeat(17) }, 400, 'language'],
    [{ ...ok, automated_reply: 5 }, 400, 'automated_reply'],
    [{ ...ok, teammate_id: 'nope' }, 400, 'teammate_id'],
    [{ ...ok, teammate_id: uuid() }, 1002, 'teammate_id'],
    [{ ...ok, billing_plans: [uuid()] }, 10322],
    [{ ...ok, billing_plans: ['nope'] }, 400, 'billing_plans'],
    [{ ...ok, billing_plans: 'x' }, 400, 'billing_plans'],
    [{ ...ok, subcategories: 'x' }, 400, 'subcategories'],
    [{ ...ok, subcategories: [5] }, 400, 'subcategories'],
    [{ ...ok, subcategories: ['y'.repeat(256)] }, 400, 'subcategories'],
  ];
  for (const [body, code, field] of cases) {
    assertErr(await s.api('POST', `${C}/create`, body), code, field, JSON.stringify(body).slice(0, 80));
  }
  assert.equal(await count(), n0);
  // limits are inclusive
  const c = await fx.category({ title: 'é'.repeat(255), language: 'x'.repeat(16) });
  assert.equal(c.title, 'é'.repeat(255));
});

test('update with the seed 002 body verbatim (real teammate id) answers the TicketCategory', async () => {
  const plan = await fx.plan();
  const c = await fx.category({ title: 'Billing Issues', language: 'de', billing_plans: [plan.id] });
  const body = {
    title: 'Billing & Payments',
    language: 'en',
    automated_reply: 'Thank you for contacting us about billing.',
    teammate_id: tm.id,
    subcategories: ['Payment Failed', 'Refund Request', 'Subscription Issues'],
  };
  const r = await s.api('POST', `${C}/update/${c.id}`, body);
  const u = assertOk(r, 'update').ticket_category;
  assertCategoryShape(u);
  assert.equal(u.id, c.id);
  assert.equal(u.object, 'ticket_category');
  assert.equal(u.title, 'Billing & Payments');
  assert.equal(u.language, 'en');
  assert.equal(u.auto_reply, 'Thank you for contacting us about billing.');
  assert.equal(u.teammate_id, tm.id);
  assert.deepEqual(u.subcategories, ['Payment Failed', 'Refund Request', 'Subscription Issues']);
  assert.deepEqual(u.billing_plans, [plan.id], 'billing_plans left out keeps its value');
  assert.equal(u.created_at, c.created_at);
  assert.deepEqual(await retrieve(c.id), u);
  // the updated category drives new tickets
  const t = await fx.ticket({ category: c.id, subcategory: 'Subscription Issues',
    client_id: (await fx.client({ billing_plan: plan.id })).id });
  assert.equal(t.category, 'Billing & Payments');
  assert.equal(t.teammate_id, tm.id);
  assert.equal(t.language, 'en');
  assert.equal(t.replies.at(-1).text, 'Thank you for contacting us about billing.');
  assert.equal(t.replies.at(-1).is_client_reply, false);
});

test('update: automated_reply null clears, fields left out keep value, [] clears', async () => {
  const p = await fx.plan();
  const c = await fx.category({
    title: 'Keep', language: 'en', automated_reply: 'Auto', teammate_id: tm.id,
    subcategories: ['A', 'B'], billing_plans: [p.id],
  });
  let u = assertOk(await s.api('POST', `${C}/update/${c.id}`, { title: 'Keep 2', language: 'fr' }), 'minimal').ticket_category;
  assert.equal(u.title, 'Keep 2');
  assert.equal(u.language, 'fr');
  assert.equal(u.auto_reply, 'Auto');
  assert.equal(u.teammate_id, tm.id);
  assert.deepEqual(u.subcategories, ['A', 'B']);
  assert.deepEqual(u.billing_plans, [p.id]);

  u = assertOk(await s.api('POST', `${C}/update/${c.id}`, {
    title: 'Keep 2', language: 'fr', automated_reply: null,
  }), 'null reply').ticket_category;
  assert.equal(u.auto_reply, null);
  assert.equal(u.teammate_id, tm.id);

  u = assertOk(await s.api('POST', `${C}/update/${c.id}`, {
    title: 'Keep 2', language: 'fr', billing_plans: [],
  }), 'clear plans').ticket_category;
  assert.deepEqual(u.billing_plans, []);
  assert.deepEqual(u.subcategories, ['A', 'B']);

  u = assertOk(await s.api('POST', `${C}/update/${c.id}`, {
    title: 'Keep 2', language: 'fr', teammate_id: null, subcategories: [],
  }), 'clear teammate/subcategories').ticket_category;
  assert.equal(u.teammate_id, null);
  assert.deepEqual(u.subcategories, []);
  assert.deepEqual(await retrieve(c.id), u);

  // a ticket in the cleared category gets no automated reply and no teammate
  const t = await fx.ticket({ category: c.id });
  assert.equal(t.replies.length, 1);
  assert.equal(t.teammate_id, null);
});

test('update validation (missing title/language, 10322, 1002, bad types) writes nothing', async () => {
  const p = await fx.plan();
  const c = await fx.category({ title: 'Stable', language: 'en', automated_reply: 'A', billing_plans: [p.id] });
  const ok = { title: 'Changed', language: 'de' };
  const cases = [
    [{ language: 'de', automated_reply: 'X' }, 400, 'title'],
    [{ title: 'Changed', automated_reply: 'X' }, 400, 'language'],
    [{ title: null, language: 'de' }, 400, 'title'],
    [{ title: 'Changed', language: null }, 400, 'language'],
    [{ ...ok, billing_plans: [uuid()] }, 10322],
    [{ ...ok, billing_plans: [p.id, uuid()] }, 10322],
    [{ ...ok, teammate_id: uuid() }, 1002, 'teammate_id'],
    [{ ...ok, teammate_id: 12 }, 400, 'teammate_id'],
    [{ ...ok, automated_reply: ['x'] }, 400, 'automated_reply'],
    [{ ...ok, subcategories: [null] }, 400, 'subcategories'],
  ];
  for (const [body, code, field] of cases) {
    assertErr(await s.api('POST', `${C}/update/${c.id}`, body), code, field, JSON.stringify(body));
  }
  assertErr(await s.api('POST', `${C}/update/${uuid()}`, ok), 1002);
  assertErr(await s.api('POST', `${C}/update/not-a-uuid`, ok), 400);
  assert.deepEqual(await retrieve(c.id), c, 'category unchanged');
});

test('list: envelope, paging, sort_by title/created_at, validation', async () => {
  const l = await fx.list(`${C}/list`);
  assert.ok(Array.isArray(l.ticket_categories));
  assert.equal(l.total_results, l.ticket_categories.length);
  l.ticket_categories.forEach(assertCategoryShape);
  const n = l.total_results;
  assert.ok(n >= 5);
  const p1 = await fx.list(`${C}/list`, { per_page: '2', page: '1', order: 'asc' });
  assert.equal(p1.total_results, n);
  assert.equal(p1.ticket_categories.length, 2);
  const byTitle = await fx.list(`${C}/list`, { sort_by: 'title', order: 'asc' });
  const titles = byTitle.ticket_categories.map((c) => c.title);
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const exp = [...byTitle.ticket_categories].sort((a, b) => cmp(a.title, b.title) || cmp(a.id, b.id));
  assert.deepEqual(byTitle.ticket_categories.map((c) => c.id), exp.map((c) => c.id), titles.join('|'));
  const byTitleDesc = await fx.list(`${C}/list`, { sort_by: 'title', order: 'desc' });
  assert.deepEqual(byTitleDesc.ticket_categories.map((c) => c.id), exp.map((c) => c.id).reverse());
  const asc = await fx.list(`${C}/list`, { sort_by: 'created_at', order: 'asc' });
  const expC = [...asc.ticket_categories].sort((a, b) => a.created_at - b.created_at || cmp(a.id, b.id));
  assert.deepEqual(asc.ticket_categories.map((c) => c.id), expC.map((c) => c.id));
  assertErr(await s.api('GET', `${C}/list?page=1&per_page=0`), 400, 'per_page');
  assertErr(await s.api('GET', `${C}/list?per_page=10`), 400, 'page');
  assertErr(await s.api('GET', `${C}/list?page=1&per_page=10&sort_by=name`), 400, 'sort_by');
  assertErr(await s.api('GET', `${C}/list?page=1&per_page=10&from=nope`), 400, 'from');
  const none = await fx.list(`${C}/list`, { to: '2000-01-01' });
  assert.equal(none.total_results, 0);
});

test('delete: {"status":200}; retrieve then 1002; list leaves it out', async () => {
  const c = await fx.category({ title: 'Doomed' });
  const n0 = await count();
  const r = await s.api('DELETE', `${C}/${c.id}`);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json, { status: 200 });
  assertErr(await s.api('GET', `${C}/retrieve/${c.id}`), 1002);
  assertErr(await s.api('POST', `${C}/update/${c.id}`, { title: 'x', language: 'en' }), 1002);
  assertErr(await s.api('DELETE', `${C}/${c.id}`), 1002);
  assert.equal(await count(), n0 - 1);
  const l = await fx.list(`${C}/list`);
  assert.ok(!l.ticket_categories.some((x) => x.id === c.id));
  assertErr(await s.api('GET', `${C}/retrieve/abc`), 400);
  assertErr(await s.api('DELETE', `${C}/${uuid()}`), 1002);
});

test('plan delete: 400/409 while a client or category references it; otherwise removed', async () => {
  const used = await fx.plan();
  const cl = await fx.client({ billing_plan: used.id });
  assertErr(await s.api('DELETE', `${A}/plans/${used.id}`), 409);
  const usedByCat = await fx.plan();
  const c = await fx.category({ billing_plans: [usedByCat.id] });
  assertErr(await s.api('DELETE', `${A}/plans/${usedByCat.id}`), 409);
  const ids = (await fx.list(`${A}/plans/list`)).products.map((p) => p.id);
  assert.ok(ids.includes(used.id) && ids.includes(usedByCat.id), 'referenced plans still listed');
  const free = await fx.plan();
  const n0 = (await fx.list(`${A}/plans/list`)).total_results;
  const r = await s.api('DELETE', `${A}/plans/${free.id}`);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json, { status: 200 });
  assert.equal((await fx.list(`${A}/plans/list`)).total_results, n0 - 1);
  assertErr(await s.api('POST', `${A}/clients/update/${cl.id}`, { billing_plan: free.id }), 10322);
  // a deleted plan is unknown: 1002 (unknown id) or 10322 (unknown billing plan) both fit TAMIO.md
  const again = await s.api('DELETE', `${A}/plans/${free.id}`);
  assert.equal(again.status, 400, show(again));
  assert.ok([1002, 10322].includes(again.json?.error_code), show(again));
  assert.equal(assertOk(await s.api('GET', `${A}/clients/retrieve/${cl.id}`)).client.billing_plan, used.id);
  assert.deepEqual((await retrieve(c.id)).billing_plans, [usedByCat.id]);
});
