// ticketd's own API, the live stream (docs/NATIVE.md "Live stream"): GET /ticketd/v1/stream as
// Server-Sent Events, Last-Event-ID resumption, the agents' read rule, presence, heartbeats,
// many idle clients on few threads, and (PostgreSQL) events and presence across nodes. No sleep
// is an assertion: every wait is for an expected frame, with a give-up timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import Ajv2020 from 'ajv/dist/2020.js';
import { startServer, show, sql, uniq, A, PG } from './lib/harness.mjs';
import { apx } from './lib/apizee.mjs';
import { zfx } from './lib/zaia.mjs';
import { nat, assertProblem, N, DOC } from './lib/native.mjs';

const HEARTBEAT_MS = 300;
let s;
let n;
let fx;
let agent, agentTok;

// The stream's frames are checked against the document's schemas too (the ajv of lib/native.mjs
// skips text/event-stream bodies).
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ ...DOC, $id: 'ticketd-v1-stream' });
const validEvent = ajv.getSchema('ticketd-v1-stream#/components/schemas/StreamEvent');
const validPresence = ajv.getSchema('ticketd-v1-stream#/components/schemas/Presence');

before(async () => {
  s = await startServer({ args: ['--heartbeat-ms', String(HEARTBEAT_MS)] });
  n = nat(s);
  fx = apx(s);
  agent = await fx.teammate({ name: 'Agnes', password: 'agent-pass-1' });
  agentTok = await fx.token(agent.email, agent.password);
});
after(() => s?.stop());

// One text/event-stream block as {id, event, data, retry, comment}.
function parseBlock(block) {
  const f = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) f.comment = line.slice(1).trim();
    else {
      const i = line.indexOf(':');
      const k = i < 0 ? line : line.slice(0, i);
      const v = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      f[k] = k === 'data' && f.data !== undefined ? `${f.data}\n${v}` : v;
    }
  }
  if (f.data !== undefined) f.json = JSON.parse(f.data);
  return f;
}

// Opens a stream (fetch with a streaming body reader): its frames as they come, waitFor(pred)
// for the first frame matching pred (from index `from`), close().
async function openStream({ base = s.base, key = s.key, query = '', lastEventId, headers = {} } = {}) {
  const ctrl = new AbortController();
  const h = { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...headers };
  if (lastEventId !== undefined) h['last-event-id'] = String(lastEventId);
  const r = await fetch(`${base}${N}/stream${query}`, { headers: h, signal: ctrl.signal });
  assert.equal(r.status, 200, `stream: ${r.status} ${await (r.status === 200 ? '' : r.text())}`);
  assert.match(r.headers.get('content-type'), /^text\/event-stream/);
  const st = { frames: [], ended: false, waiters: [] };
  const wakeAll = () => st.waiters.splice(0).forEach((w) => w());
  (async () => {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of r.body) {
        buf += dec.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const f = parseBlock(buf.slice(0, i));
          buf = buf.slice(i + 2);
          if (f.event === 'presence') assert.ok(validPresence(f.json), `presence: ${ajv.errorsText(validPresence.errors)} ${f.data}`);
          else if (f.json) assert.ok(validEvent(f.json), `event: ${ajv.errorsText(validEvent.errors)} ${f.data}`);
          st.frames.push(f);
          wakeAll();
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') st.error = e;
    }
    st.ended = true;
    wakeAll();
  })();
  return {
    frames: st.frames,
    get ended() {
      return st.ended;
    },
    events: () => st.frames.filter((f) => f.id !== undefined),
    async waitFor(pred, what, ms = 10000, from = 0) {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = st.frames.findIndex((f, k) => k >= from && pred(f));
        if (i >= 0) return st.frames[i];
        if (st.error) throw st.error;
        if (st.ended) assert.fail(`stream ended before ${what}; got ${JSON.stringify(st.frames.map((f) => f.event || f.comment))}`);
        const left = deadline - Date.now();
        if (left <= 0) assert.fail(`no ${what} within ${ms} ms; got ${JSON.stringify(st.frames.map((f) => f.event || f.comment))}`);
        await new Promise((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 200));
          st.waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    async waitEnded(ms = 10000) {
      const deadline = Date.now() + ms;
      while (!st.ended && Date.now() < deadline) await new Promise((r2) => setTimeout(r2, 20));
      return st.ended;
    },
    close: () => ctrl.abort(),
  };
}

// Every event of the workspace of s.key after `after`, as the events table holds them.
function storedEvents(after = 0) {
  const out = sql(s.dataDir, `SELECT e.id, e.type, coalesce(t.uuid, '') FROM events e LEFT JOIN tickets t ON t.id = e.ticket_id WHERE e.id > ${after} ORDER BY e.id`);
  return out ? out.split('\n').map((l) => {
    const [id, type, ticket] = l.split('|');
    return { id: Number(id), type, ticket };
  }) : [];
}
const brief = (evs) => evs.map((f) => ({ id: Number(f.id), type: f.event, ticket: f.json.ticket_id || '' }));

async function tamioTicket(extra = {}, key = s.key) {
  const k = { key };
  const c = await s.api('POST', `${A}/clients/create`, { name: 'Cleo', email: `${uniq('c')}@example.com` }, k);
  assert.equal(c.status, 200, show(c));
  const g = await s.api('POST', `${A}/ticket-categories/create`, { title: uniq('Cat'), language: 'en' }, k);
  assert.equal(g.status, 200, show(g));
  const t = await s.api('POST', `${A}/tickets/create`, { client_id: c.json.client.id, title: 'Card declined', description: 'It fails', category: g.json.ticket_category.id, ...extra }, k);
  assert.equal(t.status, 200, show(t));
  return t.json.ticket;
}

const lastStoredId = () => Number(sql(s.dataDir, 'SELECT coalesce(max(id), 0) FROM events'));

test('events made through Tamio, Zaia and Apizee arrive in commit order with their ids', async () => {
  const st = await openStream();
  await st.waitFor((f) => f.retry !== undefined, 'the retry hint');
  const from = lastStoredId();
  const t = await tamioTicket();
  const z = zfx(s);
  const user = await z.user();
  const take = await z.call('PATCH', `/tickets/${t.id}/takeover`, { assigneeId: user.id });
  assert.equal(take.status, 200, show(take));
  const a = await fx.ticket({ agent: agent.email });
  const upd = await fx.call('PATCH', `/tickets/${a.id}`, { subject: 'Boiler, again' });
  assert.equal(upd.status, 204, show(upd));
  const want = storedEvents(from);
  assert.ok(want.length >= 4, `events written: ${JSON.stringify(want)}`);
  const last = want[want.length - 1];
  await st.waitFor((f) => Number(f.id) === last.id, `event ${last.id}`);
  assert.deepEqual(brief(st.events()), want, 'exactly the committed events, in id order, once each');
  for (const f of st.events()) {
    assert.equal(String(f.json.id), f.id, 'data.id is the SSE id');
    assert.equal(f.json.type, f.event);
  }
  const created = st.events().find((f) => f.event === 'ticket.created' && f.json.ticket_id === t.id);
  assert.equal(created.json.data.title.after, 'Card declined');
  assert.equal(created.json.actor.type, 'key');
  st.close();
});

test('?ticket= sends only that ticket\'s events; an unknown or malformed one is a 400 naming ticket', async () => {
  const one = await tamioTicket();
  const other = await tamioTicket();
  const st = await openStream({ query: `?ticket=${one.id}` });
  const r1 = await s.api('POST', `${A}/tickets/reply/create/${other.id}`, { reply: 'to the other' });
  assert.equal(r1.status, 200, show(r1));
  const r2 = await s.api('POST', `${A}/tickets/reply/create/${one.id}`, { reply: 'to this one' });
  assert.equal(r2.status, 200, show(r2));
  // Delivery is in commit order: had the other ticket's reply been sent, it would come first.
  await st.waitFor((f) => f.event === 'reply.created', 'the reply to the ticket');
  assert.ok(st.events().length > 0);
  for (const f of st.events()) assert.equal(f.json.ticket_id, one.id, JSON.stringify(f.json));
  st.close();
  assertProblem(await n.get(`/stream?ticket=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`), 400, 'invalid', 'ticket');
  assertProblem(await n.get('/stream?ticket=nope'), 400, 'invalid', 'ticket');
});

test('Last-Event-ID resumes exactly after that event (header and query), none twice', async () => {
  const t = await tamioTicket();
  const st = await openStream();
  const r = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'first' });
  assert.equal(r.status, 200, show(r));
  const seen = await st.waitFor((f) => f.event === 'reply.created' && f.json.ticket_id === t.id, 'the first reply');
  st.close();
  const mark = Number(seen.id);
  // Missed while disconnected:
  for (const text of ['second', 'third']) {
    const q = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: text });
    assert.equal(q.status, 200, show(q));
  }
  const missed = storedEvents(mark);
  assert.ok(missed.length >= 2, JSON.stringify(missed));
  const last = missed[missed.length - 1].id;
  for (const how of ['header', 'query']) {
    const again = how === 'header' ? await openStream({ lastEventId: mark }) : await openStream({ query: `?last_event_id=${mark}` });
    await again.waitFor((f) => Number(f.id) === last, `event ${last} (${how})`);
    assert.deepEqual(brief(again.events()), missed, `${how}: exactly the missed events`);
    again.close();
  }
  assertProblem(await n.get('/stream', { headers: { 'last-event-id': 'abc' } }), 400, 'invalid', 'Last-Event-ID');
  assertProblem(await n.get('/stream?last_event_id=-1'), 400, 'invalid', 'last_event_id');
  assertProblem(await n.get('/stream', { key: null }), 401, 'unauthorized');
});

test("an agent's stream leaves out other teammates' tickets; ?ticket= of one is a 403", async () => {
  const other = await fx.teammate({ name: 'Otto' });
  const foreign = await fx.ticket({ agent: other.email });
  const own = await fx.ticket({ agent: agent.email });
  const st = await openStream({ key: agentTok });
  const f1 = await fx.call('PATCH', `/tickets/${foreign.id}`, { subject: 'Not yours' });
  assert.equal(f1.status, 204, show(f1));
  const unassigned = await tamioTicket();
  const f2 = await fx.call('PATCH', `/tickets/${own.id}`, { subject: 'Yours' });
  assert.equal(f2.status, 204, show(f2));
  await st.waitFor((f) => f.event === 'ticket.updated' && f.json.ticket_id === own.id, 'the own ticket\'s change');
  const tickets = new Set(st.events().map((f) => f.json.ticket_id));
  assert.ok(!tickets.has(foreign.id), 'no event of a ticket assigned to another teammate');
  assert.ok(tickets.has(unassigned.id), 'events of unassigned tickets are sent');
  for (const f of st.events()) assert.notEqual(f.json.ticket_id, null, 'no ticket-less events for an agent');
  st.close();
  assertProblem(await n.get(`/stream?ticket=${foreign.id}`, { key: agentTok }), 403, 'forbidden');
});

test('an agent is told when a ticket is reassigned away from it, and hears nothing of it after', async () => {
  const other = await fx.teammate({ name: 'Olga' });
  const mine = await fx.ticket({ agent: agent.email });
  const st = await openStream({ key: agentTok });
  const away = await n.patch(`/tickets/${mine.id}`, { assignee: other.id });
  assert.equal(away.status, 200, show(away));
  const ev = await st.waitFor((f) => f.event === 'ticket.assigned' && f.json.ticket_id === mine.id, 'the reassignment');
  assert.equal(ev.json.data.assignee_id.before, agent.id);
  assert.equal(ev.json.data.assignee_id.after, other.id);
  const later = await n.patch(`/tickets/${mine.id}`, { title: 'Now Olga\'s' });
  assert.equal(later.status, 200, show(later));
  const marker = await tamioTicket(); // unassigned: the agent sees it, after the title change
  await st.waitFor((f) => f.json?.ticket_id === marker.id, 'a later event the agent may see');
  assert.equal(st.events().filter((f) => f.json.ticket_id === mine.id).length, 1, 'only the reassignment');
  // An unassigned ticket (every agent reads it) given to another: told too.
  const taken = await n.patch(`/tickets/${marker.id}`, { assignee: other.id });
  assert.equal(taken.status, 200, show(taken));
  await st.waitFor((f) => f.event === 'ticket.assigned' && f.json.ticket_id === marker.id, 'the unassigned one taken');
  st.close();
});

test('presence reaches the other clients allowed to see the ticket, never the events table', async () => {
  const t = await tamioTicket(); // unassigned: the agent may read it
  const adminSt = await openStream();
  const agentSt = await openStream({ key: agentTok });
  const stored = lastStoredId();
  const r = await n.post(`/tickets/${t.id}/presence`, { state: 'typing' }, { key: agentTok });
  assert.equal(r.status, 204, show(r));
  const p = await adminSt.waitFor((f) => f.event === 'presence', 'the agent\'s presence');
  assert.equal(p.id, undefined, 'presence has no id: it is not resumable');
  assert.equal(p.json.ticket_id, t.id);
  assert.equal(p.json.state, 'typing');
  assert.deepEqual(p.json.teammate, { id: agent.id, name: agent.name });
  assert.ok(Date.parse(p.json.expires_at) > Date.now(), 'expires in the future');
  assert.equal(lastStoredId(), stored, 'nothing written to the events table');
  // The sender's own stream does not echo it: a later event arrives and no presence before it.
  const w = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'after the presence' });
  assert.equal(w.status, 200, show(w));
  await agentSt.waitFor((f) => f.event === 'reply.created' && f.json.ticket_id === t.id, 'the later reply');
  assert.ok(!agentSt.frames.some((f) => f.event === 'presence'), 'no echo to the sender');
  // The key's presence reaches the agent (teammate null: a workspace key is nobody).
  const k = await n.post(`/tickets/${t.id}/presence`, { state: 'viewing' });
  assert.equal(k.status, 204, show(k));
  const kp = await agentSt.waitFor((f) => f.event === 'presence', 'the key\'s presence');
  assert.equal(kp.json.teammate, null);
  assert.equal(kp.json.state, 'viewing');
  adminSt.close();
  agentSt.close();

  // Refusals: nothing goes out, each names its field.
  const other = await fx.teammate({ name: 'Olga' });
  const foreign = await fx.ticket({ agent: other.email });
  const written = lastStoredId();
  assertProblem(await n.post(`/tickets/${foreign.id}/presence`, { state: 'viewing' }, { key: agentTok }), 403, 'forbidden');
  assertProblem(await n.post(`/tickets/${t.id}/presence`, { state: 'sleeping' }), 400, 'invalid', 'state');
  assertProblem(await n.post(`/tickets/${t.id}/presence`, {}), 400, 'invalid', 'state');
  assertProblem(await n.post(`/tickets/${t.id}/presence`, { state: 'typing', mood: 'happy' }), 400, 'invalid', 'mood');
  assertProblem(await n.post(`/tickets/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/presence`, { state: 'typing' }), 404, 'not-found');
  assert.equal(lastStoredId(), written, 'a refused presence writes nothing');
});

test('heartbeat comments come at the configured interval', async () => {
  const st = await openStream();
  const first = await st.waitFor((f) => f.comment === 'ping', 'a heartbeat', HEARTBEAT_MS * 20);
  await st.waitFor((f) => f.comment === 'ping', 'a second heartbeat', HEARTBEAT_MS * 20, st.frames.indexOf(first) + 1);
  st.close();
});

function threadsOf(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Threads:\s+(\d+)/m);
  return Number(m[1]);
}

// A bare socket holding a stream open (lighter than fetch for hundreds).
function rawStream(port, key) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const st = { sock, text: '' };
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      st.text += d;
      if (st.text.includes('retry:')) resolve(st);
    });
    sock.on('error', reject);
    sock.write(`GET ${N}/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\nAccept: text/event-stream\r\n\r\n`);
  });
}

test('500 idle stream clients hold no threads; the server answers and reaches them all', async () => {
  const before = s.pids.map(threadsOf);
  const clients = [];
  for (let i = 0; i < 500; i += 50)
    clients.push(...(await Promise.all(Array.from({ length: 50 }, () => rawStream(s.port, s.key)))));
  assert.equal(clients.length, 500);
  for (const c of clients) assert.match(c.text, /^HTTP\/1\.1 200/);
  const me = await n.ok('GET', '/me');
  assert.equal(me.kind, 'key', 'a normal request still answers');
  const during = s.pids.map(threadsOf);
  for (let i = 0; i < during.length; i++) {
    assert.ok(during[i] <= before[i] + 2, `threads ${before[i]} -> ${during[i]} with 500 stream clients`);
    assert.ok(during[i] < 40, `threads: ${during[i]}`);
  }
  const t = await tamioTicket();
  const deadline = Date.now() + 20000;
  const got = (c) => c.text.includes(t.id);
  while (!clients.every(got) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(clients.filter(got).length, 500, 'every client got the new ticket\'s events');
  for (const c of clients) c.sock.destroy();
});

test('PostgreSQL: an event or presence made on one node reaches the clients of another, in order', { skip: !PG }, async () => {
  // Two nodes on one database: the harness's own (two-node runs) or a second one started here.
  let extra = null;
  let ports = s.nodePorts;
  if (ports.length < 2) {
    extra = await startServer({ dataDir: s.dataDir, key: s.key, args: ['--heartbeat-ms', String(HEARTBEAT_MS)] });
    ports = [s.nodePorts[0], extra.nodePorts[0]];
  }
  try {
    await acrossNodes(ports.map((p) => `http://127.0.0.1:${p}`));
  } finally {
    if (extra) await extra.stop({ keepData: true });
  }
});

async function acrossNodes([a, b]) {
  const onB = await openStream({ base: b });
  const onA = await openStream({ base: a });
  const g = await s.api('POST', `${A}/ticket-categories/create`, { title: uniq('Cat'), language: 'en' });
  assert.equal(g.status, 200, show(g));
  const category = g.json.ticket_category.id;
  const from = lastStoredId();
  // Writes through both nodes at once: their ids come from one sequence, so a live stream that
  // read `id > last` without the per-workspace event lock could skip one committed late.
  const made = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    s.api('POST', `${A}/clients/create`, { name: `N${i}`, email: `${uniq('n')}@example.com` }, { base: i % 2 ? a : b })));
  for (const r of made) assert.equal(r.status, 200, show(r));
  const tickets = await Promise.all(Array.from({ length: 6 }, (_, i) => {
    const base = i % 2 ? a : b;
    return fetch(`${base}${A}/tickets/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: made[i].json.client.id, title: `T${i}`, description: 'x', category }),
    }).then((r) => r.json());
  }));
  for (const t of tickets) assert.ok(t.ticket?.id, JSON.stringify(t));
  const want = storedEvents(from);
  const last = want[want.length - 1].id;
  for (const st of [onA, onB]) {
    await st.waitFor((f) => Number(f.id) === last, `event ${last}`, 20000);
    assert.deepEqual(brief(st.events()), want, 'every node streams every event, in id order, once');
  }
  // Presence announced on node A reaches node B's client.
  const agentOnB = await openStream({ base: b, key: agentTok });
  const p = await fetch(`${a}${N}/tickets/${tickets[0].ticket.id}/presence`, {
    method: 'POST', headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'viewing' }),
  });
  assert.equal(p.status, 204);
  const seen = await agentOnB.waitFor((f) => f.event === 'presence', 'presence from the other node');
  assert.equal(seen.json.ticket_id, tickets[0].ticket.id);
  // Resuming on the other node gives the same events.
  const resumed = await openStream({ base: a, lastEventId: from });
  await resumed.waitFor((f) => Number(f.id) === last, `event ${last} resumed`, 20000);
  assert.deepEqual(brief(resumed.events()), want);
  for (const st of [onA, onB, agentOnB, resumed]) st.close();
}

test('PostgreSQL: after every database session is cut, the stream goes on and misses nothing', { skip: !PG }, async () => {
  const st = await openStream();
  await st.waitFor((f) => f.retry !== undefined, 'the retry hint');
  const t = await tamioTicket();
  await st.waitFor((f) => f.json?.ticket_id === t.id, 'the ticket before the cut');
  const from = lastStoredId();
  const cut = Number(sql(s.dataDir, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()`));
  assert.ok(cut >= 1, 'the server had connections to cut');
  // The first write after the cut may meet its broken connection (503, nothing written).
  let r;
  for (let i = 0; i < 5; i++) {
    r = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: `after the cut ${i}` });
    if (r.status === 200) break;
    assert.equal(r.status, 503, show(r));
  }
  assert.equal(r.status, 200, show(r));
  const want = storedEvents(from);
  assert.ok(want.length >= 1);
  await st.waitFor((f) => Number(f.id) === want[want.length - 1].id, 'the reply after the cut', 20000);
  assert.deepEqual(brief(st.events().filter((f) => Number(f.id) > from)), want);
  st.close();
  // Each worker thread meets its cut connection once (503) and reconnects: heal them all.
  for (let ok = 0, i = 0; ok < 8 && i < 40; i++) ok = (await s.api('GET', '/ticketd/v1/me')).status === 200 ? ok + 1 : 0;
});

test('SIGTERM ends the streams still connected and the server exits 0', async () => {
  const st = await openStream();
  await st.waitFor((f) => f.retry !== undefined, 'the retry hint');
  await s.stop(); // asserts exit code 0 (and, on the ASan build, no leak report)
  assert.ok(await st.waitEnded(), 'the stream ended with the server');
});
