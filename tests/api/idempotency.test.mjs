// Idempotency-Key on every keyed POST of every dialect (docs/IDEMPOTENCY.md): the first 2xx
// answer is stored with the request's writes and replayed byte for byte (with
// `Idempotent-Replayed: true`) to a retry with the same key and request; another request under
// the key is a 422 in the dialect's shape; bad keys are 400s naming Idempotency-Key; failed
// requests store nothing; keys are per workspace; answers survive kill -9; they expire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  startServer, fixtures, assertOk, assertErr, show, uniq, A, PNG_1x1, socketHttp,
} from './lib/harness.mjs';
import { Z, zfx, zErr } from './lib/zaia.mjs';
import { V, aErr, ok } from './lib/apizee.mjs';

let s;
before(async () => {
  s = await startServer();
});
after(async () => {
  if (s) await s.stop();
});

const IK = 'Idempotency-Key';
const newKey = () => uniq('idem');
// A POST with an Idempotency-Key (and the server's key unless opts.key says otherwise).
const post = (srv, p, body, ik, opts = {}) =>
  srv.api('POST', p, body, { ...opts, headers: { [IK]: ik, ...(opts.headers || {}) } });
const replayed = (r) => r.headers.get('idempotent-replayed');

// The second answer is the first, byte for byte, marked as replayed; the first is not marked.
function assertReplay(first, again, what) {
  assert.equal(replayed(first), null, `${what}: a first answer is not marked replayed`);
  assert.equal(again.status, first.status, `${what}: same status: ${show(again)}`);
  assert.equal(again.text, first.text, `${what}: byte-identical body`);
  assert.equal(again.headers.get('content-type'), first.headers.get('content-type'), `${what}: content type`);
  assert.equal(replayed(again), 'true', `${what}: Idempotent-Replayed: true`);
}

async function tamioTotal(srv, key) {
  const r = await srv.api('GET', `${A}/tickets/list?page=1&per_page=100`, undefined, key ? { key } : {});
  return assertOk(r, 'tickets list').total_results;
}

// The ticket.created events of a ticket, read through Apizee's timeline.
async function createdEvents(srv, id) {
  const r = await srv.api('GET', `${V}/tickets/${id}/events?limit=100`);
  const b = ok(r, 200, 'events');
  return b.data.filter((e) => e.type === 'ticket.created').length;
}

async function tamioTicketBody(srv, key) {
  const fx = fixtures(srv, key);
  const client = await fx.client();
  const cat = await fx.category();
  return { client_id: client.id, category: cat.id, title: 'Card declined', description: 'It fails' };
}

test('Tamio ticket create: a retry replays the answer, one ticket, one created event', async () => {
  const body = await tamioTicketBody(s);
  const n0 = await tamioTotal(s);
  const ik = newKey();
  const first = await post(s, `${A}/tickets/create`, body, ik);
  const t = assertOk(first, 'create').ticket;
  const again = await post(s, `${A}/tickets/create`, body, ik);
  assertReplay(first, again, 'tamio create');
  assert.equal(await tamioTotal(s), n0 + 1, 'exactly one ticket');
  assert.equal(await createdEvents(s, t.id), 1, 'exactly one ticket.created event');
  // Another request under the key: 422, Tamio's shape, nothing written; the stored answer stays.
  const other = await post(s, `${A}/tickets/create`, { ...body, title: 'Another title' }, ik);
  assert.equal(other.status, 422, show(other));
  assert.deepEqual(Object.keys(other.json).sort(), ['error', 'error_code', 'status']);
  assert.equal(other.json.status, 422);
  assert.equal(other.json.error_code, 422);
  assert.match(other.json.error, /^Idempotency-Key was used for another request/);
  assert.equal(replayed(other), null);
  assert.equal(await tamioTotal(s), n0 + 1, 'the 422 wrote nothing');
  assertReplay(first, await post(s, `${A}/tickets/create`, body, ik), 'still replayed after a 422');
  // The path is part of the request: the same key on another route is another request.
  const reply = await post(s, `${A}/tickets/reply/create/${t.id}`, { reply: 'hello' }, ik);
  assert.equal(reply.status, 422, show(reply));
});

test('Zaia ticket and chat create: replayed; another body is a 422 in Zaia\'s shape', async () => {
  const fx = zfx(s);
  const chat = await fx.chat();
  const user = await fx.user();
  const body = { chatId: chat.id, assigneeId: user.id, ticketingTeamId: null, status: 'pending' };
  const n0 = await tamioTotal(s);
  const ik = newKey();
  const first = await post(s, `${Z}/tickets`, body, ik);
  assert.equal(first.status, 200, show(first));
  const again = await post(s, `${Z}/tickets`, body, ik);
  assertReplay(first, again, 'zaia ticket');
  assert.equal(await tamioTotal(s), n0 + 1, 'exactly one ticket');
  assert.equal(await createdEvents(s, first.json.id), 1, 'exactly one ticket.created event');
  const other = await post(s, `${Z}/tickets`, { ...body, status: 'ongoing' }, ik);
  zErr(other, 422, IK, 'zaia reuse');
  assert.equal(await tamioTotal(s), n0 + 1, 'the 422 wrote nothing');

  // Chats too (any keyed POST).
  const chatBody = { summary: 'idem chat', channelId: chat.channelId, ownerId: chat.ownerId, responderId: chat.responderId };
  const ck = newKey();
  const c1 = await post(s, `${Z}/chats`, chatBody, ck);
  assert.equal(c1.status, 200, show(c1));
  assertReplay(c1, await post(s, `${Z}/chats`, chatBody, ck), 'zaia chat');
});

test('Apizee POST /api/v3/tickets: replayed (201); query parameters are part of the request', async () => {
  const n0 = await tamioTotal(s);
  const ik = newKey();
  const email = `${uniq('rq')}@example.com`;
  const first = await post(s, `${V}/tickets`, { email, subject: 'Boiler' }, ik);
  assert.equal(first.status, 201, show(first));
  const again = await post(s, `${V}/tickets`, { email, subject: 'Boiler' }, ik);
  assertReplay(first, again, 'apizee create');
  assert.equal(await tamioTotal(s), n0 + 1, 'exactly one ticket');
  assert.equal(await createdEvents(s, first.json.id), 1, 'exactly one ticket.created event');
  aErr(await post(s, `${V}/tickets`, { email, subject: 'Sink' }, ik), 422, IK, 'apizee reuse');

  // Parameters in the query string: another value is another request.
  const qk = newKey();
  const q1 = await post(s, `${V}/tickets?email=${encodeURIComponent(email)}&subject=Q`, undefined, qk);
  assert.equal(q1.status, 201, show(q1));
  assertReplay(q1, await post(s, `${V}/tickets?email=${encodeURIComponent(email)}&subject=Q`, undefined, qk), 'query');
  aErr(await post(s, `${V}/tickets?email=${encodeURIComponent(email)}&subject=R`, undefined, qk), 422, IK, 'query reuse');
  assert.equal(await tamioTotal(s), n0 + 2, 'one ticket per key');
});

test('two workspaces may use the same key independently', async () => {
  const ws2 = s.newWorkspaceKey();
  const ik = newKey();
  const b1 = await tamioTicketBody(s);
  const b2 = await tamioTicketBody(s, ws2.key);
  const r1 = await post(s, `${A}/tickets/create`, b1, ik);
  const r2 = await post(s, `${A}/tickets/create`, b2, ik, { key: ws2.key });
  assertOk(r1, 'ws1');
  assertOk(r2, 'ws2');
  assert.equal(replayed(r2), null, 'the other workspace\'s key is not a replay');
  assert.notEqual(r1.json.ticket.id, r2.json.ticket.id);
  assert.equal(await tamioTotal(s, ws2.key), 1);
  assertReplay(r2, await post(s, `${A}/tickets/create`, b2, ik, { key: ws2.key }), 'ws2 retry');
  assertReplay(r1, await post(s, `${A}/tickets/create`, b1, ik), 'ws1 retry');
});

test('a bad key is a 400 naming Idempotency-Key in each dialect, nothing written', async () => {
  const body = await tamioTicketBody(s);
  const n0 = await tamioTotal(s);
  for (const [what, ik] of [['empty', ''], ['256 bytes', 'k'.repeat(256)], ['a tab', 'a\tb']]) {
    assertErr(await post(s, `${A}/tickets/create`, body, ik), 400, IK, `tamio ${what}`);
  }
  zErr(await post(s, `${Z}/tickets`, {}, 'k'.repeat(256)), 400, IK, 'zaia 256');
  aErr(await post(s, `${V}/tickets`, { email: 'x@example.com' }, 'k'.repeat(256)), 400, IK, 'apizee 256');
  // Bytes fetch will not send: a control character and a non-ASCII byte, on a raw socket.
  for (const [what, raw] of [['a control byte', Buffer.from('a\x01b', 'latin1')], ['a non-ASCII byte', Buffer.from('caf\xe9', 'latin1')]]) {
    const json = Buffer.from(JSON.stringify(body));
    const r = await socketHttp(s.base, 'POST', `${A}/tickets/create`, {
      headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json', [IK]: raw.toString('latin1') },
      body: json,
    });
    assertErr(r, 400, IK, `tamio ${what}`);
  }
  assert.equal(await tamioTotal(s), n0, 'no bad key wrote anything');
  // 255 printable bytes (a space included) are a key.
  const long = `${newKey()} `.padEnd(255, '~');
  const r = await post(s, `${A}/tickets/create`, body, long);
  assertOk(r, '255 bytes');
  assertReplay(r, await post(s, `${A}/tickets/create`, body, long), '255-byte key');
});

test('a failed first request stores nothing: the corrected retry runs, then replays', async () => {
  const body = await tamioTicketBody(s);
  const n0 = await tamioTotal(s);
  const ik = newKey();
  const bad = await post(s, `${A}/tickets/create`, { ...body, client_id: undefined }, ik);
  assertErr(bad, 400, 'client_id', 'first, invalid');
  // The same failing request again fails the same way (it ran again, nothing was kept).
  const bad2 = await post(s, `${A}/tickets/create`, { ...body, client_id: undefined }, ik);
  assertErr(bad2, 400, 'client_id', 'again');
  assert.equal(replayed(bad2), null, 'a failure is never replayed');
  const good = await post(s, `${A}/tickets/create`, body, ik);
  assertOk(good, 'corrected retry');
  assert.equal(replayed(good), null, 'the corrected retry ran');
  assertReplay(good, await post(s, `${A}/tickets/create`, body, ik), 'then replays');
  assert.equal(await tamioTotal(s), n0 + 1);
});

test('parallel retries with one key: one ticket, identical answers, all but one replayed', async () => {
  const body = await tamioTicketBody(s);
  const n0 = await tamioTotal(s);
  const ik = newKey();
  const N = 8;
  const rs = await Promise.all(Array.from({ length: N }, () => post(s, `${A}/tickets/create`, body, ik)));
  for (const r of rs) assertOk(r, 'parallel');
  assert.equal(new Set(rs.map((r) => r.text)).size, 1, 'every answer is the same body');
  assert.equal(rs.filter((r) => replayed(r) === 'true').length, N - 1, 'all but one replayed');
  assert.equal(await tamioTotal(s), n0 + 1, 'exactly one ticket');
  assert.equal(await createdEvents(s, rs[0].json.ticket.id), 1);
});

test('GET, DELETE and the public token POST ignore the header', async () => {
  const r = await s.api('GET', `${A}/tickets/list?page=1&per_page=1`, undefined, { headers: { [IK]: '' } });
  assertOk(r, 'GET with an empty key');
  assert.equal(replayed(r), null);
  const fx = fixtures(s);
  const t1 = await fx.ticket();
  const t2 = await fx.ticket();
  const ik = newKey();
  assertOk(await s.api('DELETE', `${A}/tickets/${t1.id}`, undefined, { headers: { [IK]: ik } }));
  const d2 = await s.api('DELETE', `${A}/tickets/${t2.id}`, undefined, { headers: { [IK]: ik } });
  assertOk(d2, 'a DELETE is not a replay');
  assert.equal(replayed(d2), null);
  // /api/v3/token needs no key: a bad Idempotency-Key there changes nothing.
  const tok = await s.api('POST', `${V}/token?grant_type=password&username=nobody@example.com&password=x`, undefined,
    { key: null, headers: { [IK]: '' } });
  assert.equal(tok.status, 400, show(tok));
  assert.equal(tok.json.error, 'invalid_grant', show(tok));
});

test('uploads: Tamio assets/upload and Apizee medias replay; another file is a 422', async () => {
  const send = async (p, fields, ik) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (v && v.bytes) form.append(k, new Blob([v.bytes]), v.filename);
      else form.append(k, v);
    }
    const enc = new Response(form);
    const body = Buffer.from(await enc.arrayBuffer());
    const res = await fetch(s.base + p, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.key}`, 'content-type': enc.headers.get('content-type'), [IK]: ik },
      body,
    });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, text, json, headers: res.headers };
  };
  const ik = newKey();
  const file = { bytes: PNG_1x1, filename: 'dot.png' };
  const a1 = await send(`${A}/assets/upload`, { alt_text: 'a dot', file }, ik);
  assertOk(a1, 'asset upload');
  assertReplay(a1, await send(`${A}/assets/upload`, { alt_text: 'a dot', file }, ik), 'asset upload');
  const other = await send(`${A}/assets/upload`, { alt_text: 'a dot', file: { bytes: Buffer.concat([PNG_1x1, Buffer.from('x')]), filename: 'dot.png' } }, ik);
  assert.equal(other.status, 422, show(other));
  const field = await send(`${A}/assets/upload`, { alt_text: 'another dot', file }, ik);
  assert.equal(field.status, 422, `another field value: ${show(field)}`);

  const t = ok(await s.api('POST', `${V}/tickets`, { email: `${uniq('rq')}@example.com`, subject: 'Media' }), 201, 'ticket');
  const mk = newKey();
  const m1 = await send(`${V}/tickets/${t.id}/medias`, { tag: 'boiler', file }, mk);
  assert.equal(m1.status, 201, show(m1));
  assertReplay(m1, await send(`${V}/tickets/${t.id}/medias`, { tag: 'boiler', file }, mk), 'media upload');
  const list = ok(await s.api('GET', `${V}/tickets/${t.id}/medias`), 200, 'medias');
  assert.equal(list.total, 1, 'exactly one media');
  aErr(await send(`${V}/tickets/${t.id}/medias`, { tag: 'sink', file }, mk), 422, IK, 'media reuse');
  aErr(await send(`${V}/tickets/${t.id}/medias`, { tag: 'boiler', file }, 'k'.repeat(256)), 400, IK, 'media bad key');
});

test('a stored answer survives kill -9 and a restart', async () => {
  const s1 = await startServer();
  let s2;
  try {
    const body = await tamioTicketBody(s1);
    const ik = newKey();
    const first = await post(s1, `${A}/tickets/create`, body, ik);
    assertOk(first, 'before the crash');
    await s1.kill();
    s2 = await startServer({ dataDir: s1.dataDir, key: s1.key });
    assertReplay(first, await post(s2, `${A}/tickets/create`, body, ik), 'after restart');
    assert.equal(await tamioTotal(s2), 1);
  } finally {
    if (s2) await s2.stop();
    else {
      await s1.kill();
      fs.rmSync(s1.dataDir, { recursive: true, force: true });
    }
  }
});

test('an expired key runs again (serve --idempotency-ttl 1)', async () => {
  const s1 = await startServer({ args: ['--idempotency-ttl', '1'] });
  try {
    const body = await tamioTicketBody(s1);
    const ik = newKey();
    const first = await post(s1, `${A}/tickets/create`, body, ik);
    assertOk(first, 'first');
    // Not a timing assertion: after 1.1 s the 1 s window has certainly passed.
    await new Promise((r) => setTimeout(r, 1100));
    const again = await post(s1, `${A}/tickets/create`, body, ik);
    assertOk(again, 'after expiry');
    assert.equal(replayed(again), null, 'an expired answer is not replayed');
    assert.notEqual(again.json.ticket.id, first.json.ticket.id);
    assert.equal(await tamioTotal(s1), 2);
  } finally {
    await s1.stop();
  }
});

test('a replay is still a request for the rate limit', async () => {
  // One node: each node counts its own limits (as tests/api/ratelimit.test.mjs).
  const s1 = await startServer({ sqlite: true, args: ['--rate', '3/3600'] });
  try {
    const fx = fixtures(s1);
    const client = await fx.client(); // 1
    const body = { client_id: client.id, title: 'Rated', description: 'x', category: (await fx.category()).id }; // 2
    const ik = newKey();
    assertOk(await post(s1, `${A}/tickets/create`, body, ik), 'first'); // 3
    const limited = await post(s1, `${A}/tickets/create`, body, ik);
    assert.equal(limited.status, 429, `the replay is charged: ${show(limited)}`);
    assert.ok(limited.headers.get('retry-after'));
  } finally {
    await s1.stop();
  }
});
