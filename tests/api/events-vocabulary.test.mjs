// One vocabulary of ticket events across the dialects (docs/ARCHITECTURE.md "Ticket events"):
// ticket.created and ticket.assigned carry the same keys whether Tamio, Zaia or Apizee acted,
// and Apizee's timeline (/events, the export's JSON and CSV) shows them under the names of its
// Ticket object (subject, agent, requestor, group, started_at, ended_at; times in ISO 8601);
// events stored before the vocabulary (Tamio's teammate_id / category, Apizee's subject /
// agent …) read the same.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fixtures, show, A, uniq, uuid, sql } from './lib/harness.mjs';
import { apx, ok, parseCsv } from './lib/apizee.mjs';
import { zfx } from './lib/zaia.mjs';

let s;
let fx; // Apizee
let tx; // Tamio
let zx; // Zaia
before(async () => {
  s = await startServer();
  fx = apx(s);
  tx = fixtures(s);
  zx = zfx(s);
});
after(async () => {
  await s?.stop();
});

// Apizee's names of the one ticket.created key set.
const CREATED = ['agent', 'category_id', 'chat_id', 'circumstance', 'description', 'duration', 'group',
  'language', 'reference', 'reminder', 'requestor', 'send_invitation', 'service_key', 'start_date', 'state',
  'subcategory', 'subject', 'type'];
// The core's names, which Apizee's timeline never shows.
const CORE_ONLY = ['title', 'client_id', 'assignee_id', 'team_id', 'teammate_id', 'ongoing_at', 'completed_at'];

const keys = (o) => Object.keys(o).sort();
const ofType = async (id, type) => (await fx.events(id, { limit: 1000 })).data.filter((e) => e.type === type);

test('ticket.created: the same keys whichever dialect made the ticket, in Apizee names', async () => {
  const cat = await tx.category({ title: uniq('Vocab') });
  const client = await tx.client({ name: 'Vera Vocab' });
  const user = await zx.user({ name: 'Ulla' });
  const team = await zx.team();
  const tm = await tx.ticket({ client_id: client.id, category: cat.id, title: 'From Tamio' });
  const chat = await zx.chat({ ownerId: client.id });
  const zt = await zx.ticket({ chatId: chat.id, assigneeId: user.id, ticketingTeamId: team.id, summary: 'From Zaia' });
  const at = await fx.ticket({ subject: 'From Apizee', email: client.email, agent: user.id, group: team.id, reference: 'V-1' });
  assert.equal(at.requestor.id, client.id, 'the same client row');

  const made = {};
  for (const [who, id] of [['tamio', tm.id], ['zaia', zt.id], ['apizee', at.id]]) {
    const evs = await ofType(id, 'ticket.created');
    assert.equal(evs.length, 1, `${who}: one ticket.created`);
    made[who] = evs[0].data;
    assert.deepEqual(keys(made[who]), CREATED, `${who}: the one key set`);
    for (const k of CORE_ONLY) assert.ok(!(k in made[who]), `${who}: no ${k} on Apizee's wire`);
    for (const k of CREATED) assert.equal(made[who][k].before, null, `${who}: ${k}.before is null on creation`);
    assert.equal(made[who].requestor.after, client.id, `${who}: requestor is the client's uuid`);
    assert.equal(made[who].state.after, 'new');
    assert.equal(made[who].circumstance.after, 'handover');
    assert.match(made[who].chat_id.after, /^[0-9a-f-]{36}$/, `${who}: every ticket has a chat`);
  }
  assert.equal(made.tamio.subject.after, 'From Tamio');
  assert.equal(made.zaia.subject.after, 'From Zaia');
  assert.equal(made.apizee.subject.after, 'From Apizee');
  assert.equal(made.zaia.chat_id.after, chat.id);
  assert.deepEqual([made.tamio.agent.after, made.zaia.agent.after, made.apizee.agent.after], [null, user.id, user.id]);
  assert.deepEqual([made.tamio.group.after, made.zaia.group.after, made.apizee.group.after], [null, team.id, team.id]);
  assert.deepEqual([made.tamio.category_id.after, made.zaia.category_id.after, made.apizee.category_id.after],
    [cat.id, null, null]);
  assert.deepEqual([made.tamio.reference.after, made.zaia.reference.after, made.apizee.reference.after], [null, null, 'V-1']);
});

test('ticket.assigned: one key, agent, whether Tamio, Zaia (assignee, takeover) or Apizee assigned', async () => {
  const a = await tx.teammate({ name: 'Ada' });
  const b = await tx.teammate({ name: 'Bea' });
  const t = await tx.ticket({ title: 'Passed around' });
  const steps = [
    ['Tamio assign', () => s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: a.id }), a.id],
    ['Zaia assignee', () => zx.call('PATCH', `/tickets/${t.id}/assignee`, { assigneeId: b.id }), b.id],
    ['Zaia takeover', () => zx.call('PATCH', `/tickets/${t.id}/takeover`, { assigneeId: a.id }), a.id],
    ['Apizee agent', () => fx.call('PATCH', `/tickets/${t.id}`, { agent: b.email }), b.id],
    ['Tamio unassign', () => s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: null }), null],
  ];
  let prev = null;
  for (const [what, act, to] of steps) {
    const r = await act();
    assert.ok(r.status === 200 || r.status === 204, `${what}: ${show(r)}`);
    const evs = await ofType(t.id, 'ticket.assigned');
    const last = evs[evs.length - 1];
    assert.deepEqual(keys(last.data), ['agent'], `${what}: ${JSON.stringify(last.data)}`);
    assert.deepEqual(last.data.agent, { before: prev, after: to }, what);
    prev = to;
  }
  assert.equal((await ofType(t.id, 'ticket.assigned')).length, steps.length);
  // the takeover's state change: Apizee's started_at, not the core's ongoing_at
  const moved = (await ofType(t.id, 'ticket.state_changed')).find((e) => e.data.state.after === 'inprogress');
  assert.deepEqual(keys(moved.data), ['circumstance', 'started_at', 'state']);
  assert.deepEqual(moved.data.started_at, { before: null, after: (await fx.get(t.id)).started_at }, 'an ISO time, as the ticket shows it');
  // the export's JSON and CSV timeline show the same names
  const x = ok(await fx.call('GET', `/tickets/${t.id}/export?timeline=true`), 200, 'export');
  assert.deepEqual(x.events, (await fx.events(t.id, { limit: 1000 })).data);
  const csv = await fx.call('GET', `/tickets/${t.id}/export?format=csv&timeline=true`);
  assert.equal(csv.status, 200, show(csv));
  const rows = parseCsv(csv.text);
  const head = rows[3];
  const data = rows.slice(4).map((r) => JSON.parse(r[head.indexOf('data')]));
  assert.ok(data.some((d) => 'agent' in d) && !data.some((d) => 'teammate_id' in d || 'assignee_id' in d),
    `csv data in Apizee names: ${JSON.stringify(data)}`);
});

test('events stored before the one vocabulary show under the same Apizee names', async () => {
  const cat = await tx.category({ title: uniq('Old') });
  const tm = await tx.ticket({ title: 'Old events', category: cat.id });
  const agentId = (await tx.teammate({ name: 'Olga' })).id;
  const teamId = (await zx.team()).id;
  // what Tamio and Apizee used to write, appended as an old database holds them
  const old = [
    ['ticket.assigned', { teammate_id: { before: null, after: agentId } }],
    ['ticket.updated', { subject: { before: 'a', after: 'b' }, group: { before: null, after: teamId } }],
    ['ticket.created', { title: { before: null, after: 'T' }, category: { before: null, after: cat.id },
      teammate_id: { before: null, after: null }, client_id: { before: null, after: tm.client.id } }],
    ['ticket.created', { subject: { before: null, after: 'S' }, requestor: { before: null, after: tm.client.id },
      agent: { before: null, after: agentId } }],
  ];
  for (const [type, data] of old) {
    const q = (v) => `'${String(v).replaceAll("'", "''")}'`;
    sql(s.dataDir, `INSERT INTO events (uuid, workspace_id, ticket_id, type, actor_type, actor_id, data, created_at)
      SELECT ${q(uuid())}, workspace_id, id, ${q(type)}, 'system', NULL, ${q(JSON.stringify(data))}, created_at + 1
      FROM tickets WHERE uuid = ${q(tm.id)};`);
  }
  const evs = (await fx.events(tm.id, { limit: 1000 })).data.slice(-old.length);
  assert.deepEqual(evs.map((e) => e.type), old.map(([type]) => type));
  assert.deepEqual(evs[0].data, { agent: { before: null, after: agentId } });
  assert.deepEqual(evs[1].data, { subject: { before: 'a', after: 'b' }, group: { before: null, after: teamId } });
  assert.deepEqual(keys(evs[2].data), ['agent', 'category_id', 'requestor', 'subject']);
  assert.equal(evs[2].data.category_id.after, cat.id);
  assert.equal(evs[2].data.requestor.after, tm.client.id);
  assert.deepEqual(keys(evs[3].data), ['agent', 'requestor', 'subject']);
  assert.equal(evs[3].data.agent.after, agentId);
});
