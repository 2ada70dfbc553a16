// Signed webhooks with a durable outbox (docs/WEBHOOKS.md), end to end: a real ticketd with
// --webhook-allow-private and node http receivers on 127.0.0.1 that verify every signature.
// Covers registration (secret once, agents refused), the event filter, retries against a
// receiver that fails then recovers (short --webhook-backoff-ms), the delivery log and re-send,
// rotation (two v1= signatures, both valid), a refused write queueing nothing, deliveries queued
// across a kill -9, giving up and disabling (webhook.delivery_failed, webhook.disabled), the
// log's retention sweep (--webhook-keep-ms), and the private-address refusal without the flag.
// Every /ticketd/v1 answer is checked against the OpenAPI document (nat). Waits poll with a
// give-up deadline; nothing asserts on timing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { startServer, freePort, show, sql, uniq, PG } from './lib/harness.mjs';
import { nat, assertProblem } from './lib/native.mjs';
import { apx } from './lib/apizee.mjs';

const GIVE_UP_MS = 20000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FAST = ['--webhook-allow-private', '--webhook-backoff-ms', '20'];

async function until(what, fn) {
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(25);
  }
}

// The receiver's check, as docs/WEBHOOKS.md shows it: every v1= of the header is an HMAC-SHA256
// of "t.body"; `secrets` lists the secrets the receiver knows. Answers the secrets that match.
function verify(header, raw, secrets) {
  const parts = header.split(',');
  const t = parts.find((p) => p.startsWith('t='))?.slice(2);
  const sigs = parts.filter((p) => p.startsWith('v1=')).map((p) => p.slice(3));
  assert.match(t, /^[0-9]+$/, header);
  assert.ok(Math.abs(Date.now() / 1000 - Number(t)) < 300, `t is now: ${header}`);
  return secrets.filter((s) => sigs.some((v) => {
    const mac = crypto.createHmac('sha256', s).update(`${t}.${raw}`).digest('hex');
    return v.length === mac.length && crypto.timingSafeEqual(Buffer.from(v), Buffer.from(mac));
  }));
}

// A receiver on 127.0.0.1: records every request; status(n) decides the answer to the n-th
// (from 0), default 200.
async function receiver(status = () => 200) {
  const got = [];
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const n = got.length;
      got.push({ headers: req.headers, raw, json: JSON.parse(raw), method: req.method, url: req.url });
      const code = status(n);
      res.writeHead(code, { 'content-type': 'text/plain' });
      res.end(code < 300 ? 'thanks' : `nope ${n}`);
    });
  });
  const port = await new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv.address().port)));
  closers.push(() => new Promise((r) => srv.close(r)));
  return { got, url: `http://127.0.0.1:${port}/hook`, port };
}

const servers = [];
const closers = [];
async function serve(args, opts = {}) {
  const s = await startServer({ ...opts, args });
  servers.push(s);
  return s;
}
after(async () => {
  for (const s of servers) await s.stop();
  for (const c of closers) await c();
});

let s;
let n;
before(async () => {
  s = await serve(FAST);
  n = nat(s);
});

async function hook(body) {
  const r = await n.post('/webhooks', body);
  assert.equal(r.status, 201, show(r));
  return r.json;
}
async function ticket(t = s) {
  return nat(t).ok('POST', '/tickets', { title: uniq('Hook'), client: { name: 'Cleo', email: `${uniq('c')}@example.com` } });
}
const deliveries = async (id, q = '') => (await n.ok('GET', `/webhooks/${id}/deliveries${q}`)).data;

describe('webhooks', () => {
  test('register: the secret is shown once; reads, list, PATCH, DELETE; bad input names the field', async () => {
    const rcv = await receiver();
    const w = await hook({ url: rcv.url, events: ['ticket.created', 'reply.created'] });
    assert.match(w.secret, /^[0-9a-f]{64}$/);
    assert.deepEqual(w.events, ['ticket.created', 'reply.created']);
    assert.equal(w.active, true);
    const got = await n.ok('GET', `/webhooks/${w.id}`);
    assert.equal(got.secret, undefined, 'never shown again');
    assert.equal(got.url, rcv.url);
    const list = await n.ok('GET', '/webhooks?limit=100');
    assert.ok(list.data.some((x) => x.id === w.id && x.secret === undefined));
    const p = await n.ok('PATCH', `/webhooks/${w.id}`, { events: ['*'], active: false });
    assert.deepEqual(p.events, ['*']);
    assert.equal(p.active, false);
    for (const [body, field] of [[{}, 'url'], [{ url: 'ftp://127.0.0.1/x' }, 'url'], [{ url: rcv.url, events: [] }, 'events'],
      [{ url: rcv.url, events: ['Ticket Created'] }, 'events'], [{ url: rcv.url, events: ['*', 'ticket.created'] }, 'events'],
      [{ url: rcv.url, active: 'yes' }, 'active'], [{ url: rcv.url, secret: 'mine' }, 'secret']]) {
      const before = sql(s.dataDir, 'SELECT count(*) FROM webhooks');
      assertProblem(await n.post('/webhooks', body), 400, 'invalid', field);
      assert.equal(sql(s.dataDir, 'SELECT count(*) FROM webhooks'), before, 'nothing written');
    }
    assertProblem(await n.get('/webhooks?cursor=garbage'), 400, 'invalid', 'cursor');
    assert.equal((await n.del(`/webhooks/${w.id}`)).status, 204);
    assertProblem(await n.get(`/webhooks/${w.id}`), 404, 'not-found');
  });

  test('an agent is refused every webhook route, reads included (403, nothing written)', async () => {
    const fx = apx(s);
    const ag = await fx.teammate({ name: 'Agnes', password: 'agent-pass-1' });
    const tok = await fx.token(ag.email, ag.password);
    const a = nat(s, tok);
    const w = await hook({ url: (await receiver()).url, active: false });
    assertProblem(await a.get('/webhooks'), 403, 'forbidden');
    assertProblem(await a.get(`/webhooks/${w.id}`), 403, 'forbidden');
    assertProblem(await a.get(`/webhooks/${w.id}/deliveries`), 403, 'forbidden');
    assertProblem(await a.post('/webhooks', { url: 'http://127.0.0.1:9/x' }), 403, 'forbidden');
    assertProblem(await a.post(`/webhooks/${w.id}/rotate`), 403, 'forbidden');
    assert.equal((await n.ok('GET', `/webhooks/${w.id}`)).url, w.url, 'unchanged');
    await n.del(`/webhooks/${w.id}`);
  });

  test('deliveries are signed, carry the event as the stream shows it, and follow the event filter', async () => {
    const all = await receiver();
    const replies = await receiver();
    const wAll = await hook({ url: all.url, events: ['*'] });
    const wRep = await hook({ url: replies.url, events: ['reply.created'] });
    const t = await ticket();
    await n.ok('POST', `/tickets/${t.id}/replies`, { text: 'hello there' });
    await until('the reply at both', () => all.got.some((g) => g.json.type === 'reply.created') && replies.got.length >= 1);
    await n.ok('PATCH', `/webhooks/${wAll.id}`, { active: false });
    await n.ok('PATCH', `/webhooks/${wRep.id}`, { active: false });
    const created = all.got.find((g) => g.json.type === 'ticket.created' && g.json.data.ticket_id === t.id);
    assert.ok(created, 'ticket.created to the * endpoint');
    for (const g of all.got) assert.deepEqual(verify(g.headers['ticketd-signature'], g.raw, [wAll.secret]), [wAll.secret]);
    const ids = all.got.map((x) => x.json.id);
    assert.equal(new Set(ids).size, ids.length, 'each delivery once (two nodes never send the same attempt)');
    for (const g of replies.got) {
      assert.deepEqual(verify(g.headers['ticketd-signature'], g.raw, [wRep.secret]), [wRep.secret]);
      assert.deepEqual(verify(g.headers['ticketd-signature'], g.raw, [wAll.secret]), [], 'another secret fails');
      assert.equal(g.json.type, 'reply.created', 'the filter');
    }
    const g = created;
    assert.equal(g.method, 'POST');
    assert.match(g.headers['content-type'], /^application\/json/);
    assert.equal(g.headers['ticketd-delivery'], g.json.id);
    assert.deepEqual(Object.keys(g.json).sort(), ['created_at', 'data', 'id', 'type']);
    assert.deepEqual(Object.keys(g.json.data).sort(), ['actor', 'created_at', 'data', 'id', 'ticket_id', 'type']);
    assert.equal(g.json.data.data.title.after, t.title);
    assert.equal(g.json.data.actor.type, 'key');
    const d = await until('its outcome recorded', async () =>
      (await deliveries(wAll.id)).find((x) => x.id === g.json.id && x.status !== 'queued'));
    assert.equal(d.status, 'delivered');
    assert.equal(d.type, 'ticket.created');
    assert.equal(d.attempts.length, 1);
    assert.equal(d.attempts[0].status_code, 200);
    assert.equal(d.attempts[0].response, 'thanks');
    assert.equal(d.attempts[0].error, null);
  });

  test('a receiver that fails then recovers: retried with backoff, each attempt in the log; order per ticket kept', async () => {
    const rcv = await receiver((i) => (i < 3 ? 503 : 200));
    const w = await hook({ url: rcv.url, events: ['ticket.created', 'ticket.updated'] });
    const t = await ticket();
    await n.ok('PATCH', `/tickets/${t.id}`, { title: 'second' });
    await n.ok('PATCH', `/tickets/${t.id}`, { title: 'third' });
    await until('three deliveries through', async () => (await deliveries(w.id)).filter((d) => d.status === 'delivered').length === 3);
    await n.ok('PATCH', `/webhooks/${w.id}`, { active: false });
    const ok = rcv.got.filter((_, i) => i >= 3);
    assert.deepEqual(ok.map((g) => g.json.type), ['ticket.created', 'ticket.updated', 'ticket.updated'], 'the ticket\'s order');
    assert.deepEqual(ok.slice(1).map((g) => g.json.data.data.title.after), ['second', 'third']);
    assert.ok(rcv.got.slice(0, 3).every((g) => g.json.type === 'ticket.created'), 'later ones wait for the first');
    const first = (await deliveries(w.id)).find((d) => d.type === 'ticket.created');
    assert.equal(first.attempt_count, 4);
    assert.deepEqual(first.attempts.map((a) => a.status_code), [503, 503, 503, 200]);
    assert.match(first.attempts[0].error, /503/);
    assert.equal(first.attempts[0].response, 'nope 0');
    assert.ok(first.attempts.every((a) => a.latency_ms >= 0));
    const ids = new Set(rcv.got.slice(0, 4).map((g) => g.json.id));
    assert.equal(ids.size, 1, 'one delivery id across its retries');
  });

  test('the log pages with a cursor, and a delivery can be re-sent', async () => {
    const rcv = await receiver();
    const w = await hook({ url: rcv.url, events: ['ticket.created'] });
    for (let i = 0; i < 3; i++) await ticket();
    await until('three delivered', async () => (await deliveries(w.id)).filter((d) => d.status === 'delivered').length === 3);
    const p1 = await n.ok('GET', `/webhooks/${w.id}/deliveries?limit=2`);
    assert.equal(p1.data.length, 2);
    const p2 = await n.ok('GET', `/webhooks/${w.id}/deliveries?limit=2&cursor=${p1.next_cursor}`);
    assert.equal(p2.data.length, 1);
    assert.equal(p2.next_cursor, null);
    const all = [...p1.data, ...p2.data].map((d) => d.event_id);
    assert.deepEqual(all, [...all].sort((a, b) => b - a), 'newest first');
    const d = p2.data[0];
    const r = await n.post(`/webhooks/deliveries/${d.id}/resend`);
    assert.equal(r.status, 202, show(r));
    assert.equal(r.json.status, 'queued');
    await until('the copy', () => rcv.got.filter((g) => g.json.id === d.id).length === 2);
    // The outcome is recorded after the receiver answered: wait for it rather than race it.
    const again = await until('the copy recorded', async () =>
      (await deliveries(w.id)).find((x) => x.id === d.id && x.status !== 'queued' && x.attempt_count === 2));
    assert.equal(again.status, 'delivered');
    assert.equal(again.attempt_count, 2);
    assertProblem(await n.post('/webhooks/deliveries/00000000-0000-4000-8000-000000000000/resend'), 404, 'not-found');
    await n.ok('PATCH', `/webhooks/${w.id}`, { active: false });
  });

  test('rotation: a new secret once; within 24 h every delivery carries two v1= signatures, new and old', async () => {
    const rcv = await receiver();
    const w = await hook({ url: rcv.url, events: ['ticket.created'] });
    const r = await n.post(`/webhooks/${w.id}/rotate`);
    assert.equal(r.status, 200, show(r));
    assert.match(r.json.secret, /^[0-9a-f]{64}$/);
    assert.notEqual(r.json.secret, w.secret);
    await ticket();
    await until('a delivery', () => rcv.got.length >= 1);
    await n.ok('PATCH', `/webhooks/${w.id}`, { active: false });
    const h = rcv.got[0].headers['ticketd-signature'];
    assert.equal(h.split(',').filter((p) => p.startsWith('v1=')).length, 2, h);
    assert.deepEqual(verify(h, rcv.got[0].raw, [r.json.secret, w.secret]), [r.json.secret, w.secret]);
  });

  test('a refused write queues nothing', async () => {
    const rcv = await receiver();
    const w = await hook({ url: rcv.url, events: ['*'] });
    const before = sql(s.dataDir, 'SELECT count(*) FROM webhook_deliveries');
    const bad = await n.post('/tickets', { title: 'x', client: { name: 'C', email: 'not an email' } });
    assert.equal(bad.status, 400, show(bad));
    const bad2 = await n.patch('/tickets/00000000-0000-4000-8000-000000000000', { title: 'y' });
    assert.equal(bad2.status, 404, show(bad2));
    assert.equal(sql(s.dataDir, 'SELECT count(*) FROM webhook_deliveries'), before);
    const t = await ticket(); // a write that commits: its delivery is the first the receiver sees
    await until('the good one', () => rcv.got.length >= 1);
    await n.ok('PATCH', `/webhooks/${w.id}`, { active: false });
    assert.equal(rcv.got[0].json.data.ticket_id, t.id);
  });
});

describe('webhooks across restarts and failures', () => {
  test('deliveries queued at a kill -9 all arrive after the restart', async () => {
    // A receiver that refuses until told, and a first retry minutes away: each delivery has
    // one recorded attempt and waits, none is in flight at the kill.
    let up = false;
    const rcv = await receiver(() => (up ? 200 : 503));
    const a = await serve(['--webhook-allow-private', '--webhook-backoff-ms', '600000']);
    const na = nat(a);
    const w = (await na.post('/webhooks', { url: rcv.url, events: ['ticket.created'] })).json;
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await ticket(a)).id);
    await until('one failed attempt each', () =>
      sql(a.dataDir, "SELECT count(*) FROM webhook_deliveries WHERE status = 'queued' AND attempts = 1") === '5');
    await na.ok('PATCH', `/webhooks/${w.id}`, { active: false });
    await a.kill();
    up = true;
    const b = await serve(FAST, { dataDir: a.dataDir, key: a.key });
    await nat(b).ok('PATCH', `/webhooks/${w.id}`, { active: true }); // due again now
    await until('all five', () => new Set(rcv.got.map((g) => g.json.data.ticket_id)).size === 5 &&
      sql(a.dataDir, "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'") === '5');
    assert.deepEqual([...new Set(rcv.got.map((g) => g.json.data.ticket_id))].sort(), ids.sort());
    for (const g of rcv.got) assert.equal(verify(g.headers['ticketd-signature'], g.raw, [w.secret]).length, 1);
  });

  // One statement moves every queued delivery of an endpoint made active again (their next_at):
  // 20,000 of them passed what the writer's temp store held in memory, and with temp_store=FILE
  // SQLite answered SQLITE_FULL (a 500, the endpoint left inactive). The rows are made by SQL:
  // through the API they would take a minute.
  test('an endpoint made active again with 20,000 queued deliveries: 200, and they are due', { skip: PG && 'SQLite temp store' }, async () => {
    const a = await serve(['--webhook-allow-private', '--no-outbox-worker']);
    const n = nat(a);
    const w = (await n.post('/webhooks', { url: 'http://127.0.0.1:9/x', events: ['*'], active: false })).json;
    await ticket(a); // an event for the deliveries to carry
    sql(a.dataDir, `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 20000)
      INSERT INTO webhook_deliveries (uuid, workspace_id, webhook_id, event_id, ticket_id, status, next_at, created_at)
      SELECT lower(hex(randomblob(16))), e.workspace_id, h.id, e.id, e.ticket_id, 'queued', 1000 + i, 1000
      FROM k, (SELECT * FROM events ORDER BY id DESC LIMIT 1) e, webhooks h WHERE h.uuid = '${w.id}';`);
    const p = await n.ok('PATCH', `/webhooks/${w.id}`, { active: true });
    assert.equal(p.active, true);
    assert.equal(sql(a.dataDir, `SELECT count(*) FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook_id WHERE h.uuid = '${w.id}' AND d.status = 'queued' AND d.next_at > 1000 + 20000`), '20000');
    await a.stop();
  });

  test('--no-outbox-worker queues deliveries and sends none; a start without it sends them all', async () => {
    const rcv = await receiver();
    const a = await serve(['--webhook-allow-private', '--no-outbox-worker']);
    const w = (await nat(a).post('/webhooks', { url: rcv.url, events: ['ticket.created'] })).json;
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await ticket(a)).id);
    assert.equal(sql(a.dataDir, "SELECT count(*) FROM webhook_deliveries WHERE status = 'queued' AND attempts = 0"), '3');
    await a.stop({ keepData: true });
    // Stopped: no process of ours can send them now, so what arrived is all that ever will.
    assert.equal(rcv.got.length, 0);
    assert.equal(sql(a.dataDir, "SELECT count(*) FROM webhook_deliveries WHERE status = 'queued' AND attempts = 0"), '3');
    const b = await serve(FAST, { dataDir: a.dataDir, key: a.key });
    await until('all three', () => rcv.got.length === 3 &&
      sql(a.dataDir, "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'") === '3');
    assert.deepEqual(rcv.got.map((g) => g.json.data.ticket_id).sort(), ids.sort());
    for (const g of rcv.got) assert.equal(verify(g.headers['ticketd-signature'], g.raw, [w.secret]).length, 1);
    await nat(b).ok('PATCH', `/webhooks/${w.id}`, { active: false });
  });

  test('a delivery that keeps failing is given up (webhook.delivery_failed); repeated failures disable the endpoint (webhook.disabled)', async () => {
    const c = await serve([...FAST, '--webhook-max-age-ms', '1']);
    const rcv = await receiver(() => 500);
    const nc = nat(c);
    const w = (await nc.post('/webhooks', { url: rcv.url, events: ['ticket.created'] })).json;
    for (let i = 0; i < 20; i++) await ticket(c);
    const got = await until('disabled', async () => {
      const x = await nc.ok('GET', `/webhooks/${w.id}`);
      return !x.active && x;
    });
    assert.ok(got.consecutive_failures >= 20);
    assert.equal(sql(c.dataDir, "SELECT count(*) FROM events WHERE type = 'webhook.disabled' AND ticket_id IS NULL"), '1');
    assert.equal(sql(c.dataDir, "SELECT count(*) FROM events WHERE type = 'webhook.delivery_failed' AND ticket_id IS NULL"), '20');
    const log = (await nc.ok('GET', `/webhooks/${w.id}/deliveries?limit=100`)).data;
    assert.equal(log.length, 20);
    assert.ok(log.every((d) => d.status === 'failed' && d.done_at && d.next_attempt_at === null && d.attempts[0].status_code === 500));
  });

  test('the log keeps finished deliveries --webhook-keep-ms, then sweeps them with their attempts; queued ones stay', async () => {
    const k = await serve([...FAST, '--webhook-keep-ms', '1500']);
    const nk = nat(k);
    const ok = await receiver();
    const down = await receiver(() => 503);
    const w = (await nk.post('/webhooks', { url: ok.url, events: ['ticket.created'] })).json;
    const f = (await nk.post('/webhooks', { url: down.url, events: ['ticket.created'] })).json;
    await ticket(k);
    const first = await until('delivered', async () =>
      (await nk.ok('GET', `/webhooks/${w.id}/deliveries`)).data.find((d) => d.status === 'delivered'));
    const failing = (await nk.ok('GET', `/webhooks/${f.id}/deliveries`)).data[0];
    assert.equal(failing.status, 'queued');
    // The sweep runs on the worker's turns: each new ticket gives it one.
    await until('the first delivery swept', async () => {
      await ticket(k);
      await sleep(200);
      return !(await nk.ok('GET', `/webhooks/${w.id}/deliveries?limit=100`)).data.some((d) => d.id === first.id);
    });
    assertProblem(await nk.post(`/webhooks/deliveries/${first.id}/resend`), 404, 'not-found');
    const still = (await nk.ok('GET', `/webhooks/${f.id}/deliveries?limit=100`)).data.find((d) => d.id === failing.id);
    assert.equal(still?.status, 'queued', 'a queued delivery is never swept, however old');
    assert.ok(still.attempt_count >= 1);
    assert.equal(sql(k.dataDir, 'SELECT count(*) FROM webhook_attempts WHERE delivery_id NOT IN (SELECT id FROM webhook_deliveries)'), '0');
    await nk.ok('PATCH', `/webhooks/${f.id}`, { active: false });
  });

  test('without --webhook-allow-private, loopback, private and link-local URLs are refused (400 naming url)', async () => {
    const p = await serve([]);
    const np = nat(p);
    const port = await freePort();
    for (const url of [`http://127.0.0.1:${port}/x`, 'http://localhost/x', 'http://10.1.2.3/x', 'http://192.168.1.1/x',
      'http://172.16.0.1/x', 'http://169.254.169.254/latest', 'http://[::1]/x', 'http://[fd00::1]/x', 'http://[fe80::1]/x',
      'http://[::ffff:127.0.0.1]/x', 'http://0.0.0.0/x']) {
      const r = await np.post('/webhooks', { url });
      assertProblem(r, 400, 'invalid', 'url');
    }
    assert.equal(sql(p.dataDir, 'SELECT count(*) FROM webhooks'), '0');
  });
});
