// Apizee across dialects: an Apizee ticket in Tamio (retrieve, list) and Zaia (details), a Tamio
// ticket in Apizee (get, list), and state / assignment changes made in one dialect read back in
// the others (DIALECTS.md "Decisions": one store, one id per entity).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fixtures, show, A, uniq } from './lib/harness.mjs';
import { Z, apx, ok } from './lib/apizee.mjs';

let s;
let fx;
let tfx; // Tamio fixtures
let agent;
let team;
before(async () => {
  s = await startServer();
  fx = apx(s);
  tfx = fixtures(s);
  agent = await fx.teammate({ name: 'Cora', username: uniq('cora') });
  team = await fx.team({ name: 'Cross team' });
});
after(async () => {
  await s?.stop();
});

const zget = async (p) => ok(await fx.call('GET', Z + p, undefined, { auth: 'raw' }), 200, p);

test('an Apizee ticket in Tamio: retrieve and list (title, client, teammate, open, description as first client reply)', async () => {
  const email = `${uniq('x')}@example.com`;
  const t = await fx.ticket({ subject: 'Apizee made', description: 'Help me', email, name: 'Xavier Roux', agent: agent.id, language: 'fr' });
  const tm = await tfx.retrieveTicket(t.id);
  assert.equal(tm.id, t.id);
  assert.equal(tm.title, 'Apizee made');
  assert.equal(tm.is_open, true);
  assert.equal(tm.teammate_id, agent.id);
  assert.equal(tm.client.id, t.requestor.id);
  assert.equal(tm.client.name, 'Xavier Roux');
  assert.equal(tm.client.email, email);
  assert.equal(tm.replies[0].text, 'Help me');
  assert.equal(tm.replies[0].is_client_reply, true);
  assert.equal(tm.created_at, Math.floor(Date.parse(t.created_at) / 1000));
  const l = await tfx.tickets({ client_id: t.requestor.id });
  assert.deepEqual(l.tickets.map((x) => x.id), [t.id]);
  assert.equal(l.total_results, 1);
  const byTeammate = await tfx.tickets({ teammate_id: agent.id });
  assert.ok(byTeammate.tickets.some((x) => x.id === t.id));
});

test('an Apizee ticket in Zaia details: chat owner = requestor, assignee, team, status, api channel', async () => {
  const t = await fx.ticket({ subject: 'Zaia sees it', name: 'Yvonne Test', agent: agent.id, group: team.id });
  const d = await zget(`/tickets/${t.id}/details`);
  assert.equal(d.id, t.id);
  assert.equal(d.status, 'pending', 'new -> pending');
  assert.equal(d.assigneeId, agent.id);
  assert.equal(d.ticketingTeamId, team.id);
  assert.equal(d.ticketingTeamName, 'Cross team');
  assert.equal(d.chatOwnerId, t.requestor.id);
  assert.equal(d.ownerEntity, 'external-users');
  assert.equal(d.ownerName, 'Yvonne Test');
  assert.equal(d.channelType, 'api');
  assert.equal(d.responderEntity, 'agents');
  assert.equal(d.summary, 'Zaia sees it');
  const list = ok(await fx.call('GET', `${Z}/tickets/details?status=pending&pageSize=100`, undefined, { auth: 'raw' }));
  assert.ok(list.some((x) => x.id === t.id), 'in the Zaia details list');
});

test('a Tamio ticket in Apizee: get and list (subject, requestor = client, agent, state)', async () => {
  const client = await tfx.client({ name: 'Tamio Client' });
  const tm = await tfx.ticket({ title: 'Tamio made', description: 'From Tamio', client_id: client.id });
  const g = await fx.get(tm.id);
  assert.equal(g.subject, 'Tamio made');
  assert.equal(g.description, 'From Tamio');
  assert.equal(g.state, 'new');
  assert.equal(g.requestor.id, client.id);
  assert.equal(g.requestor.name, 'Tamio Client');
  assert.equal(g.requestor.email, client.email);
  assert.equal(g.agent, null);
  assert.equal(g.medias_count, 0);
  assert.equal(Math.floor(Date.parse(g.created_at) / 1000), tm.created_at);
  const l = await fx.list({ requestor: client.id });
  assert.deepEqual(l.data.map((x) => x.id), [tm.id]);
  assert.deepEqual(l.data[0], g);
  const a = await fx.call('POST', `${A}/tickets/assign/${tm.id}`, { teammate_id: agent.id });
  assert.equal(a.status, 200, show(a));
  const g2 = await fx.get(tm.id);
  assert.equal(g2.agent.id, agent.id);
  assert.deepEqual((await fx.list({ user: agent.id, requestor: client.id })).data.map((x) => x.id), [tm.id]);
});

test('state changes flow between the dialects', async () => {
  const t = await fx.ticket({ subject: 'States', agent: agent.id });
  // Apizee -> Tamio / Zaia
  await fx.patch(t.id, { state: 'closed' });
  assert.equal((await tfx.retrieveTicket(t.id)).is_open, false, 'Apizee closed -> Tamio not open');
  const dz = await zget(`/tickets/${t.id}/details`);
  assert.equal(dz.status, 'completed', 'closed -> Zaia completed');
  assert.ok(dz.completedAt);
  // Tamio reopen -> Apizee open
  const ro = await fx.call('POST', `${A}/tickets/reopen/${t.id}`);
  assert.equal(ro.status, 200, show(ro));
  let g = await fx.get(t.id);
  assert.equal(g.state, 'open');
  assert.equal(g.ended_at, null);
  assert.equal((await zget(`/tickets/${t.id}/details`)).completedAt, null);
  // Zaia takeover -> Apizee inprogress
  const tk = await fx.call('PATCH', `${Z}/tickets/${t.id}/takeover`, { assigneeId: agent.id }, { auth: 'raw' });
  assert.equal(tk.status, 200, show(tk));
  g = await fx.get(t.id);
  assert.equal(g.state, 'inprogress');
  assert.ok(g.started_at, 'started_at set by the takeover');
  assert.equal(Date.parse(g.started_at), Date.parse(tk.json.ongoingAt));
  // Zaia complete -> Apizee done
  const cp = await fx.call('PATCH', `${Z}/tickets/${t.id}/complete`, { userId: agent.id }, { auth: 'raw' });
  assert.equal(cp.status, 200, show(cp));
  g = await fx.get(t.id);
  assert.equal(g.state, 'done');
  assert.equal(Date.parse(g.ended_at), Date.parse(cp.json.completedAt));
  // Tamio close -> Apizee closed; Apizee state inprogress -> Zaia ongoing
  await fx.patch(t.id, { state: 'inprogress' });
  assert.equal((await zget(`/tickets/${t.id}/details`)).status, 'ongoing');
  assert.equal((await tfx.retrieveTicket(t.id)).is_open, true);
  const cl = await fx.call('POST', `${A}/tickets/close/${t.id}`);
  assert.equal(cl.status, 200, show(cl));
  assert.equal((await fx.get(t.id)).state, 'closed');
});

test('subject and assignment changes made in Apizee read back in Tamio and Zaia, and back', async () => {
  const t = await fx.ticket({ subject: 'Old subject' });
  await fx.patch(t.id, { subject: 'New subject', agent: agent.username, group: team.id });
  const tm = await tfx.retrieveTicket(t.id);
  assert.equal(tm.title, 'New subject');
  assert.equal(tm.teammate_id, agent.id);
  const d = await zget(`/tickets/${t.id}/details`);
  assert.equal(d.assigneeId, agent.id);
  assert.equal(d.ticketingTeamId, team.id);
  const un = await fx.call('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: null });
  assert.equal(un.status, 200, show(un));
  assert.equal((await fx.get(t.id)).agent, null, 'Tamio unassign -> Apizee agent null');
  const z = await fx.call('PATCH', `${Z}/tickets/${t.id}/assignee`, { assigneeId: agent.id }, { auth: 'raw' });
  assert.equal(z.status, 200, show(z));
  assert.equal((await fx.get(t.id)).agent.id, agent.id, 'Zaia assignee -> Apizee agent');
  const rep = await fx.call('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'On my way' });
  assert.equal(rep.status, 200, show(rep));
  const ev = await fx.events(t.id);
  assert.ok(ev.data.some((e) => e.type === 'reply.created'), 'the Tamio reply is on the Apizee timeline');
});

test('a Tamio category title as Apizee type links the category', async () => {
  const cat = await tfx.category({ title: uniq('Boilers') });
  const t = await fx.ticket({ subject: 'Typed', type: cat.title });
  assert.equal(t.type, cat.title);
  const tm = await tfx.retrieveTicket(t.id);
  assert.equal(tm.category, cat.title, 'the Tamio ticket is in that category');
  const plain = await fx.ticket({ subject: 'Untyped', type: 'assistance' });
  assert.equal((await tfx.retrieveTicket(plain.id)).category, null, 'a plain type is no category');
});

test("a Tamio ticket with no type shows its category's title as Apizee type (get, list, type filter, export); a Zaia ticket has none", async () => {
  const cat = await tfx.category({ title: uniq('Heating') });
  const tm = await tfx.ticket({ title: 'In a category', category: cat.id });
  const g = await fx.get(tm.id);
  assert.equal(g.type, cat.title);
  const l = await fx.list({ type: cat.title });
  assert.deepEqual(l.data.map((x) => x.id), [tm.id], 'type=<the title> lists it');
  assert.equal(l.total, 1);
  assert.deepEqual(l.data[0], g);
  const x = ok(await fx.call('GET', `/tickets/${tm.id}/export`), 200, 'export');
  assert.equal(x.ticket.type, cat.title);
  // an Apizee type that names the category links it: both list under the title
  const at = await fx.ticket({ subject: 'Typed', type: cat.title });
  assert.deepEqual((await fx.list({ type: cat.title, orderby: 'date', order: 'asc' })).data.map((y) => y.id), [tm.id, at.id]);
  // a Zaia ticket is in no category: no type, and no title lists it
  const zr = await fx.call('POST', `${Z}/chats`, {
    channelId: ok(await fx.call('POST', `${Z}/channels`, { name: uniq('ch'), type: 'widget' }, { auth: 'raw' })).id,
    ownerId: (await tfx.client()).id,
    responderId: ok(await fx.call('POST', `${Z}/super-identities/responders`, { name: 'Bot', entity: 'agents' }, { auth: 'raw' })).id,
  }, { auth: 'raw' });
  const zt = ok(await fx.call('POST', `${Z}/tickets`, { chatId: ok(zr).id, assigneeId: agent.id, ticketingTeamId: null, status: 'pending' }, { auth: 'raw' }));
  assert.equal((await fx.get(zt.id)).type, null);
  assert.ok(!(await fx.list({ type: cat.title })).data.some((y) => y.id === zt.id));
});
