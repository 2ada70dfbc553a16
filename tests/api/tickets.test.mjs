// Tickets: create semantics, wire shape, assign, reply, close/reopen, delete, asset upload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, fixtures, assertOk, assertErr, A, UUID_RE, uuid, show, PNG_1x1, SEED_TICKET,
  assertTicketShape, assertAssetShape,
} from './lib/harness.mjs';

let s;
let fx;
let T1; let T2; let P; let Q; let clientP; let cat; let catPlain;
before(async () => {
  s = await startServer();
  fx = fixtures(s);
  T1 = await fx.teammate({ name: 'Tina' });
  T2 = await fx.teammate({ name: 'Tom' });
  P = await fx.plan();
  Q = await fx.plan();
  clientP = await fx.client({ name: 'John Doe', billing_plan: P.id });
  cat = await fx.category({
    title: 'Billing Issues',
    language: 'de',
    automated_reply: 'Thank you for contacting us.',
    teammate_id: T1.id,
    subcategories: ['Payment Failed', 'Refund Request'],
    billing_plans: [],
  });
  catPlain = await fx.category({ title: 'Plain', language: 'fr' });
});
after(async () => {
  await s?.stop();
});

const countTickets = async () => (await fx.tickets()).total_results;

test('an asset on a reply renders the Asset shape exactly; folder is null unless set', async () => {
  const a = await fx.asset({ name: 'screenshot.png', alt_text: 'Error screenshot' });
  const folder = uuid();
  const b = await fx.asset({ name: 'doc.txt', type: 'text/plain', bytes: Buffer.from('hello'), folder });
  const t = await fx.ticket({ client_id: clientP.id, category: cat.id });
  const r = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'see attached', assets: [a.id, b.id] });
  const got = assertOk(r, 'reply with assets').ticket.replies.at(-1).assets;
  assert.equal(got.length, 2);
  for (const x of got) assertAssetShape(x);
  assert.deepEqual(got[0], a);
  assert.deepEqual(got[1], b);
  assert.equal(got[0].folder, null);
  assert.equal(got[1].folder, folder);
  assert.equal(got[1].width, null);
});

test('create: full semantics (first reply, automated reply, auto-assign, language, category title)', async () => {
  const r = await s.api('POST', `${A}/tickets/create`, {
    client_id: clientP.id,
    title: 'Payment processing issue',
    description: 'My card was declined.',
    category: cat.id,
    subcategory: 'Payment Failed',
    unknown_field: { ignored: true },
  });
  const t = assertOk(r, 'create').ticket;
  assertTicketShape(t);
  assert.deepEqual(Object.keys(t).sort(), Object.keys(SEED_TICKET).sort(), 'ticket has exactly the seed keys');
  assert.match(t.id, UUID_RE);
  assert.equal(t.object, 'ticket');
  assert.equal(t.title, 'Payment processing issue');
  assert.equal(t.is_open, true);
  assert.equal(t.category, 'Billing Issues');
  assert.equal(t.subcategory, 'Payment Failed');
  assert.equal(t.teammate_id, T1.id, 'category teammate auto-assigns');
  assert.deepEqual(t.client, { id: clientP.id, name: clientP.name, email: clientP.email });
  assert.equal(t.language, 'de', "language is the category's");
  assert.ok(Number.isInteger(t.created_at) && Number.isInteger(t.updated_at));
  assert.ok(Math.abs(t.created_at - Date.now() / 1000) < 86400, 'created_at is unix seconds');
  assert.equal(t.replies.length, 2);
  const [first, second] = t.replies;
  assert.equal(first.text, 'My card was declined.');
  assert.equal(first.is_client_reply, true);
  assert.deepEqual(first.assets, []);
  assert.equal(second.text, 'Thank you for contacting us.');
  assert.equal(second.is_client_reply, false);
  assert.deepEqual(second.assets, []);
  assert.notEqual(first.id, second.id);
  // retrieve answers the same ticket
  const again = await fx.retrieveTicket(t.id);
  assert.deepEqual(again, t);
});

test('create: the description reply carries the create-time assets', async () => {
  const a1 = await fx.asset({ name: 'screenshot.png', alt_text: 'Error screenshot' });
  const a2 = await fx.asset({ name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('notes') });
  const t = await fx.ticket({ client_id: clientP.id, category: cat.id, assets: [a1.id, a2.id] });
  assertTicketShape(t);
  assert.equal(t.replies[0].is_client_reply, true);
  assert.deepEqual(t.replies[0].assets.map((x) => x.id), [a1.id, a2.id]);
  t.replies[0].assets.forEach(assertAssetShape);
  assert.equal(t.replies[0].assets[0].filename, 'screenshot.png');
  assert.equal(t.replies[0].assets[0].alt_text, 'Error screenshot');
  assert.deepEqual(t.replies[1].assets, [], 'the automated reply has no assets');
  assert.deepEqual(await fx.retrieveTicket(t.id), t);
});

test('create in a category with no automated reply / teammate: one reply, unassigned, subcategory null', async () => {
  const c = await fx.client();
  const t = await fx.ticket({ client_id: c.id, category: catPlain.id, title: 'Hello', description: 'Desc' });
  assertTicketShape(t);
  assert.equal(t.replies.length, 1);
  assert.equal(t.replies[0].text, 'Desc');
  assert.equal(t.replies[0].is_client_reply, true);
  assert.deepEqual(t.replies[0].assets, []);
  assert.equal(t.teammate_id, null);
  assert.equal(t.subcategory, null);
  assert.equal(t.category, 'Plain');
  assert.equal(t.language, 'fr');
});

test('retrieve accepts an upper-case uuid and answers lower case', async () => {
  const t = await fx.ticket({ category: catPlain.id });
  const r = await s.api('GET', `${A}/tickets/retrieve/${t.id.toUpperCase()}`);
  const got = assertOk(r).ticket;
  assert.equal(got.id, t.id);
  assert.equal(got.id, got.id.toLowerCase());
});

test('create: subcategory not among the category\'s -> 400 naming subcategory; nothing written', async () => {
  const n0 = await countTickets();
  for (const [category, subcategory] of [[cat.id, 'Nope'], [cat.id, 'payment failed'], [catPlain.id, 'Payment Failed']]) {
    const r = await s.api('POST', `${A}/tickets/create`, {
      client_id: clientP.id, title: 't', description: 'd', category, subcategory,
    });
    assertErr(r, 400, 'subcategory');
  }
  assert.equal(await countTickets(), n0);
});

test('create: billing-plan gating (10401 when not allowed; [] and [P] and [P,Q] allowed)', async () => {
  const n0 = await countTickets();
  const onlyQ = await fx.category({ billing_plans: [Q.id] });
  const r = await s.api('POST', `${A}/tickets/create`, {
    client_id: clientP.id, title: 't', description: 'd', category: onlyQ.id,
  });
  assertErr(r, 10401);
  assert.equal(await countTickets(), n0);
  const onlyP = await fx.category({ billing_plans: [P.id] });
  const both = await fx.category({ billing_plans: [Q.id, P.id] });
  const all = await fx.category({ billing_plans: [] });
  for (const c of [onlyP, both, all]) {
    const t = await fx.ticket({ client_id: clientP.id, category: c.id });
    assert.equal(t.category, c.title);
  }
  assert.equal(await countTickets(), n0 + 3);
});

test('create: unknown asset -> 1002 naming assets; malformed or non-array -> 400; nothing written', async () => {
  const n0 = await countTickets();
  const base = { client_id: clientP.id, title: 't', description: 'd', category: catPlain.id };
  assertErr(await s.api('POST', `${A}/tickets/create`, { ...base, assets: [uuid()] }), 1002, 'assets');
  assertErr(await s.api('POST', `${A}/tickets/create`, { ...base, assets: ['not-a-uuid'] }), 400, 'assets');
  assertErr(await s.api('POST', `${A}/tickets/create`, { ...base, assets: 'x' }), 400, 'assets');
  assert.equal(await countTickets(), n0);
});

test('create: 6 assets -> 400 naming assets (nothing written); 5 are fine', async () => {
  const n0 = await countTickets();
  const base = { client_id: clientP.id, title: 't', description: 'd', category: catPlain.id };
  const six = [];
  for (let i = 0; i < 6; i++) six.push((await fx.asset({ name: `f${i}.png` })).id);
  assertErr(await s.api('POST', `${A}/tickets/create`, { ...base, assets: six }), 400, 'assets');
  assert.equal(await countTickets(), n0);
  const t = await fx.ticket({ ...base, assets: six.slice(0, 5) });
  assert.deepEqual(t.replies[0].assets.map((x) => x.id), six.slice(0, 5));
});

test('create: unknown client / category -> 1002 naming the field; nothing written', async () => {
  const n0 = await countTickets();
  assertErr(await s.api('POST', `${A}/tickets/create`, {
    client_id: uuid(), title: 't', description: 'd', category: catPlain.id,
  }), 1002, 'client_id');
  assertErr(await s.api('POST', `${A}/tickets/create`, {
    client_id: clientP.id, title: 't', description: 'd', category: uuid(),
  }), 1002, 'category');
  assert.equal(await countTickets(), n0);
});

test('assign, reassign, unassign with null; missing teammate_id -> 400', async () => {
  const t = await fx.ticket({ category: catPlain.id });
  assert.equal(t.teammate_id, null);
  let r = await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: T1.id });
  let got = assertOk(r, 'assign').ticket;
  assertTicketShape(got);
  assert.equal(got.teammate_id, T1.id);
  assert.equal(got.id, t.id);
  assert.ok(got.updated_at >= t.updated_at);
  assert.equal((await fx.retrieveTicket(t.id)).teammate_id, T1.id);

  r = await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: T2.id });
  got = assertOk(r, 'reassign').ticket;
  assert.equal(got.teammate_id, T2.id);
  assert.equal((await fx.retrieveTicket(t.id)).teammate_id, T2.id);

  // teammate id in upper case is accepted, answered lower case
  r = await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: T1.id.toUpperCase() });
  assert.equal(assertOk(r, 'assign upper').ticket.teammate_id, T1.id);

  r = await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: null });
  got = assertOk(r, 'unassign').ticket;
  assert.equal(got.teammate_id, null);
  assert.equal((await fx.retrieveTicket(t.id)).teammate_id, null);

  // the rejected ones leave it unchanged
  await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: T2.id });
  const snapshot = await fx.retrieveTicket(t.id);
  assertErr(await s.api('POST', `${A}/tickets/assign/${t.id}`, {}), 400, 'teammate_id');
  assertErr(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: uuid() }), 1002, 'teammate_id');
  assertErr(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: 'abc' }), 400, 'teammate_id');
  assertErr(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: 12 }), 400, 'teammate_id');
  assertErr(await s.api('POST', `${A}/tickets/assign/${uuid()}`, { teammate_id: T1.id }), 1002, 'ticket');
  assertErr(await s.api('POST', `${A}/tickets/assign/not-a-uuid`, { teammate_id: T1.id }), 400);
  assert.deepEqual(await fx.retrieveTicket(t.id), snapshot);
});

test('reply/create appends an agent reply (is_client_reply false); validation writes nothing', async () => {
  const t = await fx.ticket({ category: cat.id, client_id: clientP.id });
  const n = t.replies.length;
  let r = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'We have resolved your issue.' });
  let got = assertOk(r, 'reply').ticket;
  assertTicketShape(got);
  assert.equal(got.replies.length, n + 1);
  assert.deepEqual(got.replies.slice(0, n), t.replies, 'earlier replies unchanged');
  const last = got.replies[n];
  assert.equal(last.text, 'We have resolved your issue.');
  assert.equal(last.is_client_reply, false);
  assert.deepEqual(last.assets, []);
  assert.match(last.id, UUID_RE);
  assert.ok(!t.replies.some((x) => x.id === last.id));
  assert.deepEqual(await fx.retrieveTicket(t.id), got);
  r = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'Second', assets: [] });
  got = assertOk(r, 'reply 2').ticket;
  assert.equal(got.replies.length, n + 2);
  assert.equal(got.replies[n + 1].text, 'Second');
  assert.equal(got.replies[n + 1].is_client_reply, false);

  const snapshot = await fx.retrieveTicket(t.id);
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, {}), 400, 'reply');
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: '' }), 400, 'reply');
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 5 }), 400, 'reply');
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: null }), 400, 'reply');
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'x', assets: 'x' }), 400, 'assets');
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'x', assets: ['nope'] }), 400, 'assets');
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'x', assets: [uuid()] }), 1002, 'assets');
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${uuid()}`, { reply: 'x' }), 1002, 'ticket');
  assertErr(await s.api('POST', `${A}/tickets/reply/create/abc`, { reply: 'x' }), 400);
  assert.deepEqual(await fx.retrieveTicket(t.id), snapshot, 'rejected replies wrote nothing');
});

test('reply/create with assets: appended in order; 5 ok, 6 -> 400 (nothing written)', async () => {
  const t = await fx.ticket({ category: catPlain.id, client_id: clientP.id });
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push((await fx.asset({ name: `r${i}.png` })).id);
  let r = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'two', assets: [ids[1], ids[0]] });
  let got = assertOk(r, 'reply with 2').ticket;
  const last = got.replies.at(-1);
  assert.equal(last.is_client_reply, false);
  assert.deepEqual(last.assets.map((x) => x.id), [ids[1], ids[0]]);
  last.assets.forEach(assertAssetShape);
  const snapshot = await fx.retrieveTicket(t.id);
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'six', assets: ids }), 400, 'assets');
  assert.deepEqual(await fx.retrieveTicket(t.id), snapshot, 'rejected reply wrote nothing');
  r = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'five', assets: ids.slice(0, 5) });
  got = assertOk(r, 'reply with 5').ticket;
  assert.deepEqual(got.replies.at(-1).assets.map((x) => x.id), ids.slice(0, 5));
});

test('replies are listed oldest first, even within one second', async () => {
  const t = await fx.ticket({ category: catPlain.id });
  const texts = [];
  for (let i = 0; i < 12; i++) {
    texts.push(`step ${i}`);
    assertOk(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: `step ${i}` }));
  }
  const got = await fx.retrieveTicket(t.id);
  assert.deepEqual(got.replies.map((r) => r.text), [t.replies[0].text, ...texts]);
  for (let i = 1; i < got.replies.length; i++) assert.ok(got.replies[i].created_at >= got.replies[i - 1].created_at);
  const listed = (await fx.tickets({ client_id: t.client.id })).tickets[0];
  assert.deepEqual(listed.replies.map((r) => r.text), got.replies.map((r) => r.text));
});

test('close and reopen (twice each: 200, no change)', async () => {
  const t = await fx.ticket({ category: catPlain.id });
  let got = assertOk(await s.api('POST', `${A}/tickets/close/${t.id}`), 'close').ticket;
  assertTicketShape(got);
  assert.equal(got.is_open, false);
  assert.equal((await fx.retrieveTicket(t.id)).is_open, false);
  got = assertOk(await s.api('POST', `${A}/tickets/close/${t.id}`), 'close again').ticket;
  assert.equal(got.is_open, false);
  assert.equal(got.replies.length, t.replies.length);
  got = assertOk(await s.api('POST', `${A}/tickets/reopen/${t.id}`), 'reopen').ticket;
  assert.equal(got.is_open, true);
  assert.equal((await fx.retrieveTicket(t.id)).is_open, true);
  got = assertOk(await s.api('POST', `${A}/tickets/reopen/${t.id}`), 'reopen again').ticket;
  assert.equal(got.is_open, true);
  assertErr(await s.api('POST', `${A}/tickets/close/${uuid()}`), 1002, 'ticket');
  assertErr(await s.api('POST', `${A}/tickets/reopen/${uuid()}`), 1002, 'ticket');
  assertErr(await s.api('POST', `${A}/tickets/close/1234`), 400);
});

test('delete: {"status":200}; then retrieve/actions 1002 and lists leave it out', async () => {
  const c = await fx.client();
  const t = await fx.ticket({ client_id: c.id, category: catPlain.id });
  const keep = await fx.ticket({ client_id: c.id, category: catPlain.id });
  const n0 = await countTickets();
  const r = await s.api('DELETE', `${A}/tickets/${t.id}`);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json, { status: 200 });
  assertErr(await s.api('GET', `${A}/tickets/retrieve/${t.id}`), 1002, 'ticket');
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'x' }), 1002, 'ticket');
  assertErr(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: null }), 1002, 'ticket');
  assertErr(await s.api('POST', `${A}/tickets/close/${t.id}`), 1002, 'ticket');
  assertErr(await s.api('DELETE', `${A}/tickets/${t.id}`), 1002, 'ticket');
  assert.equal(await countTickets(), n0 - 1);
  const mine = await fx.tickets({ client_id: c.id });
  assert.equal(mine.total_results, 1);
  assert.deepEqual(mine.tickets.map((x) => x.id), [keep.id]);
  assertErr(await s.api('DELETE', `${A}/tickets/${uuid()}`), 1002, 'ticket');
  assertErr(await s.api('DELETE', `${A}/tickets/zzz`), 400);
});

test('a ticket still shows its category title after the category is deleted', async () => {
  const c = await fx.category({ title: 'Short lived' });
  const t = await fx.ticket({ category: c.id });
  const d = await s.api('DELETE', `${A}/ticket-categories/${c.id}`);
  assert.equal(d.status, 200, show(d));
  assert.equal((await fx.retrieveTicket(t.id)).category, 'Short lived');
  // and new tickets can no longer use it
  const cl = await fx.client();
  assertErr(await s.api('POST', `${A}/tickets/create`, {
    client_id: cl.id, title: 't', description: 'd', category: c.id,
  }), 1002, 'category');
});

test('list items have the Ticket shape and equal the retrieved ticket', async () => {
  const c = await fx.client();
  const t = await fx.ticket({ client_id: c.id, category: cat.id, subcategory: 'Refund Request' });
  const l = await fx.tickets({ client_id: c.id });
  assert.equal(l.total_results, 1);
  assert.equal(l.tickets.length, 1);
  assertTicketShape(l.tickets[0]);
  assert.deepEqual(l.tickets[0], await fx.retrieveTicket(t.id));
});
