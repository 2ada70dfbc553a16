// Workspace isolation: a key of another workspace sees none of the first workspace's data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fixtures, assertOk, assertErr, A } from './lib/harness.mjs';

let s;
let fx1; let fx2;
let k2;
let tm; let cl; let cat; let plan; let ticket;
before(async () => {
  s = await startServer();
  fx1 = fixtures(s);
  plan = await fx1.plan();
  tm = await fx1.teammate();
  cl = await fx1.client({ billing_plan: plan.id });
  cat = await fx1.category({ teammate_id: tm.id, automated_reply: 'hi', subcategories: ['S'] });
  ticket = await fx1.ticket({ client_id: cl.id, category: cat.id, subcategory: 'S' });
  k2 = s.newWorkspaceKey('other-ws').key;
  fx2 = fixtures(s, k2);
});
after(async () => {
  await s?.stop();
});

const as2 = (m, p, b) => s.api(m, p, b, { key: k2 });

test('the second workspace starts with empty lists', async () => {
  for (const [p, field] of [
    [`${A}/tickets/list`, 'tickets'],
    [`${A}/ticket-categories/list`, 'ticket_categories'],
    [`${A}/teammates/list`, 'teammates'],
    [`/v2/teammates/list`, 'teammates'],
    [`${A}/clients/list`, 'clients'],
    [`/v2/clients/list`, 'clients'],
    [`${A}/plans/list`, 'products'],
  ]) {
    const l = await fx2.list(p);
    assert.equal(l.total_results, 0, p);
    assert.deepEqual(l[field], [], p);
  }
  // filters naming the first workspace's ids match nothing
  for (const q of [{ teammate_id: tm.id }, { client_id: cl.id }]) {
    const l = await fx2.tickets(q);
    assert.equal(l.total_results, 0);
    assert.deepEqual(l.tickets, []);
  }
});

test('foreign ticket id in the path -> 1002 for every ticket action', async () => {
  const tm2 = await fx2.teammate();
  const calls = [
    ['GET', `${A}/tickets/retrieve/${ticket.id}`],
    ['POST', `${A}/tickets/assign/${ticket.id}`, { teammate_id: tm2.id }],
    ['POST', `${A}/tickets/assign/${ticket.id}`, { teammate_id: null }],
    ['POST', `${A}/tickets/reply/create/${ticket.id}`, { reply: 'intrusion' }],
    ['POST', `${A}/tickets/close/${ticket.id}`],
    ['POST', `${A}/tickets/reopen/${ticket.id}`],
    ['DELETE', `${A}/tickets/${ticket.id}`],
  ];
  for (const [m, p, b] of calls) assertErr(await as2(m, p, b), 1002, undefined, `${m} ${p}`);
  assert.deepEqual(await fx1.retrieveTicket(ticket.id), ticket, 'the ticket is untouched');
});

test('foreign category, teammate, client ids in the path -> 1002', async () => {
  const calls = [
    ['GET', `${A}/ticket-categories/retrieve/${cat.id}`],
    ['POST', `${A}/ticket-categories/update/${cat.id}`, { title: 'pwned', language: 'en' }],
    ['DELETE', `${A}/ticket-categories/${cat.id}`],
    ['GET', `${A}/teammates/retrieve/${tm.id}`],
    ['GET', `/v2/teammates/retrieve/${tm.id}`],
    ['POST', `${A}/teammates/update/${tm.id}`, { name: 'pwned' }],
    ['DELETE', `${A}/teammates/${tm.id}`],
    ['DELETE', `/v2/teammates/${tm.id}`],
    ['GET', `${A}/clients/retrieve/${cl.id}`],
    ['GET', `/v2/clients/retrieve/${cl.id}`],
    ['POST', `${A}/clients/update/${cl.id}`, { name: 'pwned' }],
    ['DELETE', `${A}/clients/${cl.id}`],
  ];
  for (const [m, p, b] of calls) assertErr(await as2(m, p, b), 1002, undefined, `${m} ${p}`);
  assert.deepEqual(assertOk(await s.api('GET', `${A}/ticket-categories/retrieve/${cat.id}`)).ticket_category, cat);
  assert.deepEqual(assertOk(await s.api('GET', `${A}/teammates/retrieve/${tm.id}`)).teammate, tm);
  assert.deepEqual(assertOk(await s.api('GET', `${A}/clients/retrieve/${cl.id}`)).client, cl);
});

test('foreign ids in bodies -> 1002 (10322 for plans); nothing written', async () => {
  const cl2 = await fx2.client();
  const cat2 = await fx2.category();
  const t2 = await fx2.ticket({ client_id: cl2.id, category: cat2.id });
  const base = { title: 't', description: 'd' };
  assertErr(await as2('POST', `${A}/tickets/create`, { ...base, client_id: cl.id, category: cat2.id }), 1002, 'client_id');
  assertErr(await as2('POST', `${A}/tickets/create`, { ...base, client_id: cl2.id, category: cat.id }), 1002, 'category');
  assertErr(await as2('POST', `${A}/tickets/assign/${t2.id}`, { teammate_id: tm.id }), 1002, 'teammate_id');
  assertErr(await as2('POST', `${A}/ticket-categories/create`, { title: 'x', language: 'en', teammate_id: tm.id }), 1002, 'teammate_id');
  assertErr(await as2('POST', `${A}/ticket-categories/update/${cat2.id}`, { title: 'x', language: 'en', teammate_id: tm.id }), 1002, 'teammate_id');
  assertErr(await as2('POST', `${A}/ticket-categories/create`, { title: 'x', language: 'en', billing_plans: [plan.id] }), 10322);
  assertErr(await as2('POST', `${A}/clients/create`, { name: 'x', email: 'x@example.com', billing_plan: plan.id }), 10322);
  assertErr(await as2('POST', `/v2/clients/update/${cl2.id}`, { billing_plan: plan.id }), 10322);
  assert.equal((await fx2.tickets()).total_results, 1);
  assert.deepEqual(await fx2.retrieveTicket(t2.id), t2);
  assert.equal((await fx2.list(`${A}/ticket-categories/list`)).total_results, 1);
  assert.equal((await fx2.list(`${A}/clients/list`)).total_results, 1);
  // and workspace 1 still sees only its own data
  const l1 = await fx1.tickets();
  assert.deepEqual(l1.tickets.map((t) => t.id), [ticket.id]);
});

test('foreign asset ids in bodies -> 1002 naming assets', async () => {
  const asset1 = await fx1.asset();
  const cl2 = await fx2.client();
  const cat2 = await fx2.category();
  const t2 = await fx2.ticket({ client_id: cl2.id, category: cat2.id });
  const n = (await fx2.tickets()).total_results;
  const base = { title: 't', description: 'd', client_id: cl2.id, category: cat2.id };
  assertErr(await as2('POST', `${A}/tickets/create`, { ...base, assets: [asset1.id] }), 1002, 'assets');
  assertErr(await as2('POST', `${A}/tickets/reply/create/${t2.id}`, { reply: 'x', assets: [asset1.id] }), 1002, 'assets');
  assert.equal((await fx2.tickets()).total_results, n);
  assert.deepEqual(await fx2.retrieveTicket(t2.id), t2);
});

test('a teammate email may be reused in another workspace', async () => {
  const t = await fx2.teammate({ email: tm.email });
  assert.equal(t.email, tm.email);
  assert.notEqual(t.id, tm.id);
});
