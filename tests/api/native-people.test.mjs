// ticketd's own API (/ticketd/v1, docs/NATIVE.md): replies and internal notes, the timeline,
// assets, teammates, clients, categories, tags and teams; their ETags. Every answer is validated
// against the OpenAPI document (lib/native.mjs). A note must stay out of every vendor read:
// Tamio's replies, Zaia's chat messages, Apizee's events and exports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, show, A, uniq, sql } from './lib/harness.mjs';
import { apx, Z, png, pdfText, parseCsv } from './lib/apizee.mjs';
import { nat, assertProblem } from './lib/native.mjs';

let s;
let n; // the workspace key (an administrator)
let fx;
let agent, agentTok, na; // an agent and its requests
let client, category;

before(async () => {
  s = await startServer();
  n = nat(s);
  fx = apx(s);
  agent = await fx.teammate({ name: 'Agnes', password: 'agent-pass-1' });
  agentTok = await fx.token(agent.email, agent.password);
  na = nat(s, agentTok);
  client = (await s.api('POST', `${A}/clients/create`, { name: 'Cleo', email: `${uniq('c')}@example.com` })).json.client;
  category = (await s.api('POST', `${A}/ticket-categories/create`, { title: uniq('Cat'), language: 'en' })).json.ticket_category;
});
after(() => s?.stop());

// A Tamio ticket (it has a chat, so its replies are Zaia messages too).
async function ticket(extra = {}) {
  const r = await s.api('POST', `${A}/tickets/create`, { client_id: client.id, title: 'T', description: 'First words', category: category.id, ...extra });
  assert.equal(r.status, 200, show(r));
  return r.json.ticket;
}

const count = (table) => Number(sql(s.dataDir, `SELECT count(*) FROM ${table};`));

// multipart POST /assets with the key (or opts.key).
async function upload(bytes, filename = 'shot.png', type = 'image/png', opts = {}) {
  const f = new FormData();
  if (bytes) f.append('file', new Blob([bytes], { type }), filename);
  f.append('alt_text', 'a picture');
  const enc = new Response(f);
  const headers = { 'content-type': enc.headers.get('content-type') };
  return nat(s, opts.key || s.key).call('POST', '/assets', Buffer.from(await enc.arrayBuffer()), { raw: true, headers });
}

// GET p twice: the second time with If-None-Match answers 304 without a body. (Answers that
// hold signed file URLs change when the URLs roll over, at the hour: one retry covers that.)
async function assert304(p, c = n) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await c.get(p);
    assert.equal(r.status, 200, show(r));
    const etag = r.headers.get('etag');
    assert.match(etag || '', /^"[0-9a-f]{32}"$/, `${p}: a strong ETag`);
    const again = await c.get(p, { headers: { 'if-none-match': etag } });
    if (again.status === 200 && again.headers.get('etag') !== etag && attempt === 0) continue;
    assert.equal(again.status, 304, `${p}: ${show(again)}`);
    assert.equal(again.text, '');
    assert.equal(again.headers.get('etag'), etag);
    const other = await c.get(p, { headers: { 'if-none-match': '"0000", W/' + etag } });
    assert.equal(other.status, 304, `${p}: a list naming it, weakly: ${show(other)}`);
    const stale = await c.get(p, { headers: { 'if-none-match': '"00000000000000000000000000000000"' } });
    assert.equal(stale.status, 200, `${p}: another tag is no match`);
    return etag;
  }
  return undefined;
}

// ---- replies and notes ----

test('POST /tickets/{id}/replies: a reply and an internal note, by their author; reply.created and note.created', async () => {
  const t = await ticket();
  const r = await n.ok('POST', `/tickets/${t.id}/replies`, { text: 'We are on it' });
  assert.equal(r.ticket_id, t.id);
  assert.equal(r.note, false);
  assert.deepEqual(r.author, { kind: 'key', id: null, name: null });
  assert.deepEqual(r.assets, []);
  const note = await n.ok('POST', `/tickets/${t.id}/replies`, { text: 'Customer is grumpy', note: true });
  assert.equal(note.note, true);
  // with a teammate's token the teammate is the author (the ticket is unassigned: it may)
  const mine = await na.ok('POST', `/tickets/${t.id}/replies`, { text: 'Me again', note: false });
  assert.deepEqual(mine.author, { kind: 'teammate', id: agent.id, name: 'Agnes' });
  const types = sql(s.dataDir, `SELECT type FROM events WHERE ticket_id = (SELECT id FROM tickets WHERE uuid = '${t.id}') ORDER BY id;`).split('\n');
  assert.deepEqual(types.filter((x) => x !== 'ticket.created'), ['reply.created', 'reply.created', 'note.created', 'reply.created']);
  const got = await n.ok('GET', `/tickets/${t.id}/replies/${note.id}`);
  assert.deepEqual(got, note);
});

test('replies: each bad input is a 400 naming its field, and nothing is written', async () => {
  const t = await ticket();
  const before = [count('replies'), count('events'), count('messages')];
  const bad = [
    [{}, 'text'],
    [{ text: 5 }, 'text'],
    [{ text: '' }, 'text'],
    [{ text: 'x', note: 'yes' }, 'note'],
    [{ text: 'x', assets: 'a' }, 'assets'],
    [{ text: 'x', assets: ['not-a-uuid'] }, 'assets'],
    [{ text: 'x', assets: ['00000000-0000-4000-8000-000000000000'] }, 'assets'],
    [{ text: 'x', internal: true }, 'internal'],
  ];
  for (const [body, field] of bad) assertProblem(await n.post(`/tickets/${t.id}/replies`, body), 400, 'invalid', field);
  assertProblem(await n.call('POST', `/tickets/${t.id}/replies`, '[1]', { raw: true }), 400, 'invalid', 'body');
  assertProblem(await n.post('/tickets/00000000-0000-4000-8000-000000000000/replies', { text: 'x' }), 404, 'not-found');
  assertProblem(await n.get(`/tickets/${t.id}/replies/00000000-0000-4000-8000-000000000000`), 404, 'not-found');
  assert.deepEqual([count('replies'), count('events'), count('messages')], before, 'nothing written');
});

// A ticket with a reply and an internal note (its text unique to it).
async function noted() {
  const t = await ticket();
  const secret = uniq('internal-only');
  await n.ok('POST', `/tickets/${t.id}/replies`, { text: 'Public answer' });
  const note = await n.ok('POST', `/tickets/${t.id}/replies`, { text: secret, note: true });
  return { t, secret, note };
}

test('a note is no Tamio reply', async () => {
  const { t, secret } = await noted();
  const tm = await s.api('GET', `${A}/tickets/retrieve/${t.id}`);
  assert.equal(tm.status, 200, show(tm));
  assert.ok(!tm.text.includes(secret), 'Tamio ticket');
  assert.deepEqual(tm.json.ticket.replies.map((r) => r.reply ?? r.text), ['First words', 'Public answer']);
  const list = await s.api('GET', `${A}/tickets/list?page=1&per_page=100`);
  assert.ok(!list.text.includes(secret), 'Tamio list');
});

test('a note is no Zaia chat message and leaves the pending count alone', async () => {
  const { t, secret } = await noted();
  const d = await s.api('GET', `${Z}/tickets/${t.id}/details`, undefined, { auth: 'raw' });
  assert.equal(d.status, 200, show(d));
  const msgs = await s.api('GET', `${Z}/chats/${d.json.chatId}/messages`, undefined, { auth: 'raw' });
  assert.equal(msgs.status, 200, show(msgs));
  assert.ok(!msgs.text.includes(secret), 'Zaia messages');
  assert.ok(msgs.text.includes('Public answer'), 'Zaia shows the reply');
  assert.equal(d.json.pendingChatMessages, 0);
  const found = await s.api('GET', `${Z}/tickets/details?status=pending&search=${encodeURIComponent(secret)}`, undefined, { auth: 'raw' });
  assert.equal(found.status, 200, show(found));
  assert.ok(!found.text.includes(t.id), 'Zaia search does not find the note');
});

test('a note is in no Apizee event or export (json, csv, pdf)', async () => {
  const { t, secret } = await noted();
  const ev = await fx.call('GET', `/tickets/${t.id}/events?limit=1000`);
  assert.equal(ev.status, 200, show(ev));
  assert.ok(!ev.text.includes(secret) && !ev.json.data.some((e) => e.type === 'note.created'), 'Apizee events');
  assert.ok(ev.json.data.some((e) => e.type === 'reply.created'));
  assert.equal(ev.json.total, ev.json.data.length, 'the total leaves the note out too');
  const xj = await fx.call('GET', `/tickets/${t.id}/export?format=json&timeline=true`);
  assert.equal(xj.status, 200, show(xj));
  assert.ok(!xj.text.includes(secret), 'Apizee export json');
  const csv = await fx.call('GET', `/tickets/${t.id}/export?format=csv&timeline=true`);
  assert.equal(csv.status, 200, show(csv));
  assert.ok(parseCsv(csv.text).length > 2 && !csv.text.includes(secret), 'Apizee export csv');
  const pdf = await fetch(`${s.base}/api/v3/tickets/${t.id}/export?format=pdf&timeline=true`, { headers: { authorization: `Bearer ${s.key}` } });
  assert.equal(pdf.status, 200);
  const txt = pdfText(Buffer.from(await pdf.arrayBuffer()));
  assert.ok(txt.includes('Public answer') && !txt.includes(secret), 'Apizee export pdf');
});

test('a note is in the native timeline, as a note', async () => {
  const { t, secret, note } = await noted();
  const tl = await n.ok('GET', `/tickets/${t.id}/timeline`);
  const item = tl.data.find((x) => x.id === note.id);
  assert.equal(item?.kind, 'note');
  assert.equal(item.text, secret);
  assert.ok(!tl.data.some((x) => x.type === 'note.created' || x.type === 'reply.created'), 'a reply is not repeated as its event');
});

test('a reply with an uploaded image answers its size and thumbnails (signed URLs that serve)', async () => {
  const t = await ticket();
  const up = await upload(png(320, 200));
  assert.equal(up.status, 201, show(up));
  const r = await n.ok('POST', `/tickets/${t.id}/replies`, { text: 'See the screenshot', assets: [up.json.id] });
  assert.equal(r.assets.length, 1);
  const a = r.assets[0];
  assert.equal(a.id, up.json.id);
  assert.deepEqual([a.width, a.height, a.mime_type], [320, 200, 'image/png']);
  assert.equal(a.thumbnails.length, 2);
  const th = await fetch(a.thumbnails[0].url);
  assert.equal(th.status, 200);
  assert.equal(th.headers.get('content-type'), 'image/webp');
  const file = await fetch(a.url);
  assert.equal(file.status, 200);
  const tl = await n.ok('GET', `/tickets/${t.id}/timeline`);
  assert.equal(tl.data.find((x) => x.id === r.id).assets[0].thumbnails.length, 2);
  await assert304(`/tickets/${t.id}/replies/${r.id}`);
});

// ---- the timeline ----

test('timeline: replies, notes and events interleaved oldest first; cursor pages without gaps or repeats', async () => {
  const t = await ticket();
  for (let i = 0; i < 4; i++) {
    await n.ok('POST', `/tickets/${t.id}/replies`, { text: `r${i}`, note: i % 2 === 1 });
    if (i === 1) assert.equal((await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: agent.id })).status, 200);
  }
  assert.equal((await s.api('POST', `${A}/tickets/close/${t.id}`, {})).status, 200);
  const all = await n.ok('GET', `/tickets/${t.id}/timeline?limit=100`);
  assert.equal(all.next_cursor, null);
  const kinds = all.data.map((x) => (x.kind === 'event' ? x.type : `${x.kind}:${x.text}`));
  assert.deepEqual(kinds, ['ticket.created', 'reply:First words', 'reply:r0', 'note:r1', 'ticket.assigned', 'reply:r2', 'note:r3', 'ticket.state_changed']);
  const times = all.data.map((x) => x.created_at);
  assert.deepEqual([...times].sort(), times, 'oldest first');
  const assigned = all.data.find((x) => x.type === 'ticket.assigned');
  assert.deepEqual(assigned.actor.kind, 'key');
  assert.equal(assigned.data.assignee_id.after, agent.id);
  // every page size walks the same items
  for (const limit of [1, 2, 3]) {
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const page = await n.ok('GET', `/tickets/${t.id}/timeline?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.data.length <= limit);
      seen.push(...page.data.map((x) => x.id));
      cursor = page.next_cursor;
      assert.ok(++pages < 20);
    } while (cursor);
    assert.deepEqual(seen, all.data.map((x) => x.id), `limit ${limit}`);
  }
  // a reply written after a page was read comes on the next page, not lost
  const first = await n.ok('GET', `/tickets/${t.id}/timeline?limit=${all.data.length}`);
  assert.equal(first.next_cursor, null);
  await n.ok('POST', `/tickets/${t.id}/replies`, { text: 'late' });
  const more = await n.ok('GET', `/tickets/${t.id}/timeline?limit=${all.data.length - 1}`);
  const rest = await n.ok('GET', `/tickets/${t.id}/timeline?limit=10&cursor=${more.next_cursor}`);
  assert.deepEqual(rest.data.map((x) => x.text ?? x.type), ['ticket.state_changed', 'late']);
});

test('timeline: bad limit and forged cursors are 400s naming them; an unknown ticket is 404', async () => {
  const t = await ticket();
  for (const l of ['0', '101', 'x', '-1']) assertProblem(await n.get(`/tickets/${t.id}/timeline?limit=${l}`), 400, 'invalid', 'limit');
  const forged = [Buffer.from('t1.2.3').toString('base64url'), Buffer.from('l1.x').toString('base64url'), 'not base64!', '****', 'dA'];
  for (const c of forged) assertProblem(await n.get(`/tickets/${t.id}/timeline?cursor=${encodeURIComponent(c)}`), 400, 'invalid', 'cursor');
  assertProblem(await n.get('/tickets/00000000-0000-4000-8000-000000000000/timeline'), 404, 'not-found');
  // another teammate's ticket is not the agent's to read
  const other = await fx.teammate({ name: 'Otto' });
  const foreign = await ticket();
  assert.equal((await s.api('POST', `${A}/tickets/assign/${foreign.id}`, { teammate_id: other.id })).status, 200);
  assertProblem(await na.get(`/tickets/${foreign.id}/timeline`), 403, 'forbidden');
  assertProblem(await na.post(`/tickets/${foreign.id}/replies`, { text: 'psst', note: true }), 403, 'forbidden');
});

// ---- assets ----

test('POST /assets (multipart) and GET /assets/{id} with its ETag; a missing file is a 400 naming it', async () => {
  const r = await upload(Buffer.from('plain notes\n'), 'notes.txt', 'text/plain');
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.filename, 'notes.txt');
  assert.equal(r.json.size, 12);
  assert.deepEqual([r.json.width, r.json.height, r.json.thumbnails], [null, null, []]);
  const got = await n.ok('GET', `/assets/${r.json.id}`);
  assert.equal(got.id, r.json.id);
  await assert304(`/assets/${r.json.id}`);
  const before = count('assets');
  const none = await upload(null);
  assertProblem(none, 400, 'invalid', 'file');
  assert.equal(count('assets'), before);
  assertProblem(await n.get('/assets/00000000-0000-4000-8000-000000000000'), 404, 'not-found');
  const byAgent = await upload(png(20, 20), 'a.png', 'image/png', { key: agentTok });
  assert.equal(byAgent.status, 201, 'agents upload too');
});

// ---- teammates ----

test('teammates: list (keyset pages), get, create, PATCH, delete; the agent changes only its own record, never a role', async () => {
  const made = [];
  for (let i = 0; i < 3; i++) {
    made.push(await n.ok('POST', '/teammates', { name: `T${i}`, email: `${uniq('t')}@example.com`, role: i ? 'agent' : 'admin', password: 'long-enough-1' }));
  }
  assert.equal(made[0].role, 'admin');
  assert.ok(!('password' in made[0]));
  const seen = [];
  let cursor = null;
  do {
    const page = await n.ok('GET', `/teammates?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.ok(page.data.length <= 2);
    seen.push(...page.data.map((x) => x.id));
    cursor = page.next_cursor;
  } while (cursor);
  assert.equal(new Set(seen).size, seen.length, 'no repeats');
  assert.equal(seen.length, count('users'));
  assert.deepEqual(seen.slice(0, 3), made.map((m) => m.id).reverse(), 'newest first');
  const one = await n.ok('GET', `/teammates/${made[1].id}`);
  assert.deepEqual(one, made[1]);
  const etag = await assert304(`/teammates/${made[1].id}`);
  const changed = await n.ok('PATCH', `/teammates/${made[1].id}`, { last_name: 'Changed' });
  assert.equal(changed.last_name, 'Changed');
  assert.equal(changed.name, 'T1', 'absent members stay');
  assert.notEqual((await n.get(`/teammates/${made[1].id}`)).headers.get('etag'), etag, 'a change changes the ETag');
  // the agent
  assertProblem(await na.post('/teammates', { name: 'Evil', email: `${uniq('e')}@example.com`, role: 'admin' }), 403, 'forbidden');
  assertProblem(await na.patch(`/teammates/${made[0].id}`, { password: 'taken-over-1' }), 403, 'forbidden');
  assertProblem(await na.patch(`/teammates/${agent.id}`, { role: 'admin' }), 403, 'forbidden', 'role');
  assertProblem(await na.patch(`/teammates/${agent.id}`, { role: 'agent' }), 403, 'forbidden', 'role');
  const self = await na.ok('PATCH', `/teammates/${agent.id}`, { last_name: 'Self' });
  assert.equal(self.last_name, 'Self');
  assertProblem(await na.del(`/teammates/${made[2].id}`), 403, 'forbidden');
  const del = await n.del(`/teammates/${made[2].id}`);
  assert.equal(del.status, 204, show(del));
  assertProblem(await n.get(`/teammates/${made[2].id}`), 404, 'not-found');
});

test('teammates: bad input is a 400 naming the field (409 for a taken email), nothing written', async () => {
  const before = sql(s.dataDir, 'SELECT count(*), max(updated_at) FROM users;');
  const bad = [
    [{ email: `${uniq('x')}@example.com` }, 'name'],
    [{ name: 'X', email: 'not-an-email' }, 'email'],
    [{ name: 'X', email: `${uniq('x')}@example.com`, role: 'boss' }, 'role'],
    [{ name: 7, email: `${uniq('x')}@example.com` }, 'name'],
    [{ name: 'X', email: `${uniq('x')}@example.com`, admin: true }, 'admin'],
  ];
  for (const [body, field] of bad) assertProblem(await n.post('/teammates', body), 400, 'invalid', field);
  assertProblem(await n.patch(`/teammates/${agent.id}`, { email: 'nope' }), 400, 'invalid', 'email');
  assertProblem(await n.patch(`/teammates/${agent.id}`, { nickname: 'x' }), 400, 'invalid', 'nickname');
  assertProblem(await n.post('/teammates', { name: 'Dup', email: agent.email }), 409, 'conflict');
  assertProblem(await n.patch('/teammates/00000000-0000-4000-8000-000000000000', { name: 'x' }), 404, 'not-found');
  assert.equal(sql(s.dataDir, 'SELECT count(*), max(updated_at) FROM users;'), before);
});

// ---- clients ----

test('clients: agents list, get, create and PATCH; only an administrator deletes; bad input names the field', async () => {
  const c = await na.ok('POST', '/clients', { name: 'Dora', email: `${uniq('d')}@example.com`, country: 'fr', is_blocked: false });
  assert.equal(c.country, 'FR');
  assert.equal(c.plan_id, null);
  const p = await na.ok('PATCH', `/clients/${c.id}`, { is_blocked: true });
  assert.equal(p.is_blocked, true);
  assert.equal(p.name, 'Dora');
  assert.deepEqual(await na.ok('GET', `/clients/${c.id}`), p);
  await assert304(`/clients/${c.id}`, na);
  const page = await na.ok('GET', '/clients?limit=1');
  assert.equal(page.data.length, 1);
  assert.equal(page.data[0].id, c.id, 'newest first');
  assert.ok(page.next_cursor);
  const next = await na.ok('GET', `/clients?limit=100&cursor=${page.next_cursor}`);
  assert.ok(!next.data.some((x) => x.id === c.id));
  assert.ok(next.data.some((x) => x.id === client.id));
  const before = sql(s.dataDir, 'SELECT count(*), max(updated_at) FROM contacts;');
  assertProblem(await n.post('/clients', { email: 'a@example.com' }), 400, 'invalid', 'name');
  assertProblem(await n.post('/clients', { name: 'X', is_blocked: 'yes' }), 400, 'invalid', 'is_blocked');
  assertProblem(await n.post('/clients', { name: 'X', plan_id: '00000000-0000-4000-8000-000000000000' }), 400, 'invalid', 'plan_id');
  assertProblem(await n.patch(`/clients/${c.id}`, { country: 'France' }), 400, 'invalid', 'country');
  assertProblem(await n.patch(`/clients/${c.id}`, { phone: '+33' }), 400, 'invalid', 'phone');
  assertProblem(await na.del(`/clients/${c.id}`), 403, 'forbidden');
  assert.equal(sql(s.dataDir, 'SELECT count(*), max(updated_at) FROM contacts;'), before);
  assert.equal((await n.del(`/clients/${c.id}`)).status, 204);
  assertProblem(await n.get(`/clients/${c.id}`), 404, 'not-found');
});

// ---- settings: categories, tags, teams ----

test('categories, tags, teams: everyone reads; administrators create, change and delete; ETags; bad input', async () => {
  const cat = await n.ok('POST', '/categories', { title: uniq('Billing'), language: 'en', subcategories: ['cards'], teammate_id: agent.id });
  assert.deepEqual([cat.subcategories, cat.teammate_id, cat.plan_ids, cat.auto_reply], [['cards'], agent.id, [], null]);
  const tag = await n.ok('POST', '/tags', { name: uniq('vip'), description: 'd', color: '3' });
  assert.equal(tag.open_tickets, 0);
  const team = await n.ok('POST', '/teams', { name: uniq('Level 2') });
  for (const [coll, obj, change, field] of [['categories', cat, { auto_reply: 'Thanks!' }, 'auto_reply'], ['tags', tag, { color: '4' }, 'color'], ['teams', team, { description: 'Escalations' }, 'description']]) {
    assert.deepEqual(await na.ok('GET', `/${coll}/${obj.id}`), obj, `${coll}: an agent reads`);
    const list = await na.ok('GET', `/${coll}?limit=100`);
    assert.ok(list.data.some((x) => x.id === obj.id), `${coll} list`);
    const etag = await assert304(`/${coll}/${obj.id}`, na);
    const before = sql(s.dataDir, `SELECT count(*), max(updated_at) FROM ${coll};`);
    assertProblem(await na.post(`/${coll}`, { name: 'x', title: 'x' }), 403, 'forbidden');
    assertProblem(await na.patch(`/${coll}/${obj.id}`, change), 403, 'forbidden');
    assertProblem(await na.del(`/${coll}/${obj.id}`), 403, 'forbidden');
    assertProblem(await n.patch(`/${coll}/${obj.id}`, { bogus: 1 }), 400, 'invalid', 'bogus');
    assert.equal(sql(s.dataDir, `SELECT count(*), max(updated_at) FROM ${coll};`), before, `${coll}: nothing written`);
    const changed = await n.ok('PATCH', `/${coll}/${obj.id}`, change);
    assert.equal(changed[field], change[field]);
    assert.notEqual((await n.get(`/${coll}/${obj.id}`)).headers.get('etag'), etag, `${coll}: a change changes the ETag`);
    assert.equal((await n.del(`/${coll}/${obj.id}`)).status, 204);
    assertProblem(await n.get(`/${coll}/${obj.id}`), 404, 'not-found');
  }
  assertProblem(await n.post('/categories', { language: 'en' }), 400, 'invalid', 'title');
  assertProblem(await n.post('/categories', { title: 'X', language: 'en', auto_reply: '' }), 400, 'invalid', 'auto_reply');
  assertProblem(await n.post('/categories', { title: 'X', language: 'en', plan_ids: ['00000000-0000-4000-8000-000000000000'] }), 400, 'invalid', 'plan_ids');
  assertProblem(await n.post('/categories', { title: 'X', language: 'en', teammate_id: '00000000-0000-4000-8000-000000000000' }), 400, 'invalid', 'teammate_id');
  assertProblem(await n.post('/tags', { name: 'x', description: 'd', color: 'red' }), 400, 'invalid', 'color');
  assertProblem(await n.post('/teams', { name: 5 }), 400, 'invalid', 'name');
  assertProblem(await n.get('/tags?limit=0'), 400, 'invalid', 'limit');
  assertProblem(await n.get(`/teams?cursor=${Buffer.from('l12.nope').toString('base64url')}`), 400, 'invalid', 'cursor');
});

test('settings lists page by cursor, newest first, without repeats', async () => {
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await n.ok('POST', '/teams', { name: uniq(`pg${i}`) }));
  // newest first; teams made in the same millisecond follow their ids (the keyset's tie-break)
  made.sort((x, y) => (x.created_at === y.created_at ? (x.id < y.id ? -1 : 1) : x.created_at < y.created_at ? -1 : 1));
  const seen = [];
  let cursor = null;
  do {
    const page = await n.ok('GET', `/teams?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...page.data.map((x) => x.id));
    cursor = page.next_cursor;
  } while (cursor);
  assert.equal(new Set(seen).size, seen.length);
  assert.deepEqual(seen.slice(0, 5), made.map((x) => x.id).reverse());
});

test('every member of every body: a value of the wrong type is a 400 naming it, and nothing is written', async () => {
  const t = await ticket();
  const tm = await n.ok('POST', '/teammates', { name: 'Typed', email: `${uniq('ty')}@example.com` });
  const cl = await n.ok('POST', '/clients', { name: 'Typed' });
  const cat = await n.ok('POST', '/categories', { title: uniq('Typed'), language: 'en' });
  const tag = await n.ok('POST', '/tags', { name: uniq('typed'), description: 'd', color: '1' });
  const team = await n.ok('POST', '/teams', { name: uniq('typed') });
  const bodies = [
    ['POST', `/tickets/${t.id}/replies`, { text: 'x' }, { text: 1, note: 'true', assets: 'a' }],
    ['POST', '/teammates', { name: 'X', email: `${uniq('x')}@example.com` },
      { name: 1, last_name: 1, email: 1, username: 1, role: 1, password: 1, picture: 1, country: 1 }],
    ['PATCH', `/teammates/${tm.id}`, {}, { name: [], last_name: {}, email: true, username: 2, role: 3, password: 4, picture: 5, country: 6 }],
    ['POST', '/clients', { name: 'X' }, { name: 1, email: 1, country: 1, plan_id: 1, identifier: 1, is_blocked: 'no' }],
    ['PATCH', `/clients/${cl.id}`, {}, { name: true, email: [], country: {}, plan_id: 2, identifier: 3, is_blocked: 0 }],
    ['POST', '/categories', { title: 'X', language: 'en' }, { title: 1, language: 1, auto_reply: 1, teammate_id: 1, plan_ids: 'a', subcategories: [1] }],
    ['PATCH', `/categories/${cat.id}`, {}, { title: [], language: {}, auto_reply: 2, teammate_id: 3, plan_ids: [2], subcategories: 'a' }],
    ['POST', '/tags', { name: 'x', description: 'd', color: '1' }, { name: 1, description: 1, color: 1 }],
    ['PATCH', `/tags/${tag.id}`, {}, { name: true, description: [], color: 3 }],
    ['POST', '/teams', { name: 'x' }, { name: 1, description: 1, picture: 1 }],
    ['PATCH', `/teams/${team.id}`, {}, { name: {}, description: 2, picture: true }],
  ];
  const tables = ['replies', 'events', 'users', 'contacts', 'categories', 'tags', 'teams'];
  const snapshot = () => sql(s.dataDir, `SELECT ${tables.map((x) => `(SELECT count(*) FROM ${x})`).join(', ')}, `
    + `${['users', 'contacts', 'categories', 'tags', 'teams'].map((x) => `(SELECT max(updated_at) FROM ${x})`).join(', ')};`);
  const before = snapshot();
  let tried = 0;
  for (const [method, p, base, wrong] of bodies) {
    for (const [member, value] of Object.entries(wrong)) {
      const r = await n.call(method, p, { ...base, [member]: value });
      assertProblem(r, 400, 'invalid', member);
      tried++;
    }
  }
  assert.equal(tried, 55, "every member of every body tried");
  assert.equal(snapshot(), before, 'nothing written');
});
