// Apizee GET /api/v3/tickets/{id}/events (the timeline from every dialect, oldest first, the list
// envelope, limit default 100 / max 1000, the Event object) and GET …/export in json (default),
// csv (RFC 4180, parsed here; the events section with timeline=true) and pdf (read back with
// pdftotext; fails against the link stub until export_pdf lands).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, show, A, uniq, uuid } from './lib/harness.mjs';
import { Z, apx, aErr, ok, qs, assertTicket, assertMedia, assertEvent, parseCsv, pdfText, text } from './lib/apizee.mjs';

let s;
let fx;
let agent;
before(async () => {
  s = await startServer();
  fx = apx(s);
  agent = await fx.teammate({ name: 'Evan', username: uniq('evan') });
});
after(async () => {
  await s?.stop();
});

const types = (l) => l.data.map((e) => e.type);

test('events: the envelope, oldest first, the Event object; creation with a description adds reply.created', async () => {
  const t = await fx.ticket({ subject: 'Timeline', description: 'first words' });
  const l = await fx.events(t.id);
  assert.deepEqual(types(l), ['ticket.created', 'reply.created']);
  assert.equal(l.total, 2);
  assert.equal(l.next_offset, null);
  const [c] = l.data;
  assertEvent(c);
  assert.equal(c.ticket_id, t.id);
  assert.equal(c.actor.type, 'key', 'made with a workspace key');
  assert.equal(c.data.subject.before, null);
  assert.equal(c.data.subject.after, 'Timeline');
  assert.equal(c.data.state.after, 'new');
  assert.equal(c.data.requestor.after, t.requestor.id);
  assert.equal(c.created_at, t.created_at);
  for (let i = 1; i < l.data.length; i++) assert.ok(l.data[i].created_at >= l.data[i - 1].created_at, 'oldest first');
});

test('events: Apizee PATCHes record ticket.updated (before/after), ticket.assigned, ticket.state_changed', async () => {
  const t = await fx.ticket({ subject: 'Before', reference: 'R0' });
  await fx.patch(t.id, { subject: 'After', reference: 'R1' });
  await fx.patch(t.id, { agent: agent.id });
  await fx.patch(t.id, { state: 'inprogress' });
  await fx.patch(t.id, { state: 'inprogress' }); // no change, no event
  const l = await fx.events(t.id);
  assert.deepEqual(types(l), ['ticket.created', 'ticket.updated', 'ticket.assigned', 'ticket.state_changed']);
  const upd = l.data[1];
  assert.deepEqual(upd.data.subject, { before: 'Before', after: 'After' });
  assert.deepEqual(upd.data.reference, { before: 'R0', after: 'R1' });
  assert.ok(!('description' in upd.data), 'only the changed fields');
  const st = l.data[3];
  assert.equal(st.data.state.before, 'new');
  assert.equal(st.data.state.after, 'inprogress');
  const ids = l.data.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'event ids are unique');
});

test('events: Tamio replies and closing, Zaia tags and takeover show up on the timeline', async () => {
  const t = await fx.ticket({ subject: 'Cross timeline' });
  const rep = await fx.call('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'Agent here' });
  assert.equal(rep.status, 200, show(rep));
  const cl = await fx.call('POST', `${A}/tickets/close/${t.id}`);
  assert.equal(cl.status, 200, show(cl));
  const tag = await fx.call('POST', `${Z}/tags`, { name: uniq('tag'), description: 'd', color: '2' }, { auth: 'raw' });
  assert.equal(tag.status, 200, show(tag));
  const tt = await fx.call('POST', `${Z}/tickets/${t.id}/tags`, { tagId: tag.json.id }, { auth: 'raw' });
  assert.equal(tt.status, 200, show(tt));
  const tk = await fx.call('PATCH', `${Z}/tickets/${t.id}/takeover`, { assigneeId: agent.id }, { auth: 'raw' });
  assert.equal(tk.status, 200, show(tk));
  const l = await fx.events(t.id);
  const ty = types(l);
  assert.equal(ty[0], 'ticket.created');
  assert.ok(ty.indexOf('reply.created') > 0, `reply.created in ${ty}`);
  const closed = l.data.find((e) => e.type === 'ticket.state_changed' && e.data.state?.after === 'closed');
  assert.ok(closed, `Tamio close -> state_changed closed: ${JSON.stringify(ty)}`);
  assert.ok(ty.includes('tag.added'), `tag.added in ${ty}`);
  const reopened = l.data.find((e) => e.type === 'ticket.state_changed' && e.data.state?.after === 'inprogress');
  assert.ok(reopened, 'takeover -> inprogress');
  assert.ok(ty.indexOf('reply.created') < ty.indexOf('tag.added'), 'in the order they happened');
  assert.ok(l.data.indexOf(closed) < l.data.indexOf(reopened));
  const g = await fx.get(t.id);
  assert.equal(g.state, 'inprogress');
  assert.equal(g.agent.id, agent.id);
});

test('events: limit default 100 (max 1000), offset, next_offset; bad values 400; 404 / 400 for the ticket', async () => {
  const t = await fx.ticket({ subject: 's0' });
  for (let i = 1; i <= 104; i++) await fx.patch(t.id, { subject: `s${i}` });
  const p1 = await fx.events(t.id);
  assert.equal(p1.total, 105);
  assert.equal(p1.data.length, 100, 'limit defaults to 100');
  assert.equal(p1.next_offset, 100);
  assert.equal(p1.data[0].type, 'ticket.created');
  assert.deepEqual(p1.data[1].data.subject, { before: 's0', after: 's1' }, 'oldest first');
  const p2 = await fx.events(t.id, { offset: 100 });
  assert.equal(p2.data.length, 5);
  assert.equal(p2.next_offset, null);
  assert.deepEqual(p2.data[4].data.subject, { before: 's103', after: 's104' });
  const big = await fx.events(t.id, { limit: 1000 });
  assert.equal(big.data.length, 105);
  assert.deepEqual(big.data.map((e) => e.id), [...p1.data, ...p2.data].map((e) => e.id));
  const small = await fx.events(t.id, { limit: 2, offset: 3 });
  assert.deepEqual(small.data.map((e) => e.id), big.data.slice(3, 5).map((e) => e.id));
  assert.equal(small.next_offset, 5);
  for (const [f, v] of [['limit', '1001'], ['limit', '0'], ['limit', 'many'], ['offset', '-2']]) {
    aErr(await fx.call('GET', `/tickets/${t.id}/events${qs({ [f]: v })}`), 400, f, `${f}=${v}`);
  }
  aErr(await fx.call('GET', `/tickets/${uuid()}/events`), 404, undefined, 'unknown ticket');
  aErr(await fx.call('GET', '/tickets/xyz/events'), 400, 'id', 'malformed id');
});

// ---- export ----

let X; // a ticket with a media and a few events
let media;
const SUBJECT = 'Leak, "urgent" under the sink';
const DESCRIPTION = 'Water on the floor\nsince Monday';
const REQUESTOR = 'Gaspard Lenoir';
async function exportTicket() {
  if (X) return X;
  X = await fx.ticket({ subject: SUBJECT, description: DESCRIPTION, name: REQUESTOR, reference: 'EXP-1', agent: agent.id });
  media = ok(await fx.upload(X.id, { file: { bytes: text('report body'), filename: 'report.txt' }, tag: 'doc' }), 201);
  await fx.patch(X.id, { state: 'open' });
  X = await fx.get(X.id);
  return X;
}
const urlless = (m) => ({ ...m, url: new URL(m.url).pathname, thumbnails: m.thumbnails.map((t) => ({ ...t, url: new URL(t.url).pathname })) });

test('export json (default): {ticket, medias}; with timeline=true also the events', async () => {
  const t = await exportTicket();
  for (const q of [{}, { format: 'json' }, { timeline: 'false' }, { format: 'json', timeline: '0' }]) {
    const r = await fx.call('GET', `/tickets/${t.id}/export${qs(q)}`);
    const b = ok(r, 200, `export ${qs(q)}`);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(Object.keys(b).sort(), ['medias', 'ticket'], `no events without the timeline ${qs(q)}`);
    assertTicket(b.ticket);
    assert.deepEqual(b.ticket, t, 'the ticket as GET shows it');
    assert.equal(b.medias.length, 1);
    assertMedia(b.medias[0]);
    assert.deepEqual(urlless(b.medias[0]), urlless(media));
  }
  const evs = await fx.events(t.id, { limit: 1000 });
  for (const tl of ['true', '1']) {
    const b = ok(await fx.call('GET', `/tickets/${t.id}/export${qs({ timeline: tl })}`), 200);
    assert.deepEqual(Object.keys(b).sort(), ['events', 'medias', 'ticket']);
    b.events.forEach((e, i) => assertEvent(e, `events[${i}]`));
    assert.deepEqual(b.events, evs.data, 'the events as /events shows them');
    assert.deepEqual(types({ data: b.events }), ['ticket.created', 'reply.created', 'media.created', 'ticket.state_changed']);
  }
});

test('export csv: a header row and the ticket row (quoted per RFC 4180)', async () => {
  const t = await exportTicket();
  const r = await fx.call('GET', `/tickets/${t.id}/export?format=csv`);
  assert.equal(r.status, 200, show(r));
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.ok(r.text.includes('\r\n'), 'CRLF rows');
  const rows = parseCsv(r.text);
  assert.equal(rows.length, 2, `two rows: ${JSON.stringify(rows).slice(0, 300)}`);
  const [head, row] = rows;
  assert.equal(head.length, row.length, 'one value per column');
  const rec = Object.fromEntries(head.map((h, i) => [h, row[i]]));
  for (const k of ['id', 'reference', 'subject', 'description', 'state', 'agent_id', 'requestor_id', 'requestor_name',
    'requestor_email', 'created_at', 'medias_count']) assert.ok(k in rec, `column ${k}`);
  assert.equal(rec.id, t.id);
  assert.equal(rec.subject, SUBJECT, 'commas and quotes survive');
  assert.equal(rec.description, DESCRIPTION, 'a line break survives');
  assert.equal(rec.state, 'open');
  assert.equal(rec.reference, 'EXP-1');
  assert.equal(rec.agent_id, agent.id);
  assert.equal(rec.requestor_id, t.requestor.id);
  assert.equal(rec.requestor_name, REQUESTOR);
  assert.equal(rec.requestor_email, t.requestor.email);
  assert.equal(rec.created_at, t.created_at);
  assert.equal(rec.medias_count, '1');
});

test('export csv with timeline=true: a blank line, then an events header and one row per event', async () => {
  const t = await exportTicket();
  const r = await fx.call('GET', `/tickets/${t.id}/export?format=csv&timeline=true`);
  assert.equal(r.status, 200, show(r));
  const rows = parseCsv(r.text);
  const evs = (await fx.events(t.id, { limit: 1000 })).data;
  assert.equal(rows[1][0], t.id);
  assert.deepEqual(rows[2], [''], 'a blank line separates the sections');
  const ehead = rows[3];
  for (const k of ['event_id', 'type', 'actor_type', 'actor_id', 'created_at', 'data']) assert.ok(ehead.includes(k), `events column ${k}`);
  const erows = rows.slice(4);
  assert.equal(erows.length, evs.length, 'one row per event');
  erows.forEach((row, i) => {
    const rec = Object.fromEntries(ehead.map((h, j) => [h, row[j]]));
    assert.equal(rec.event_id, evs[i].id);
    assert.equal(rec.type, evs[i].type);
    assert.equal(rec.actor_type, evs[i].actor.type);
    assert.equal(rec.actor_id, evs[i].actor.id ?? '');
    assert.equal(rec.created_at, evs[i].created_at);
    assert.deepEqual(JSON.parse(rec.data), evs[i].data, 'data as JSON text');
  });
});

test("export csv: a cell starting with = + - @ tab or CR gets a leading ' (no formula runs); json and pdf stay verbatim", async () => {
  const cells = {
    subject: '=HYPERLINK("http://evil.example","click")',
    description: '@SUM(1+1)*cmd|" /C calc"!A0',
    reference: '-2+3',
    type: '\t=1+1',
  };
  const t = await fx.ticket({ ...cells, phone: '+33612345678', name: '+Plus Name' });
  const csv = await fx.call('GET', `/tickets/${t.id}/export?format=csv&timeline=true`);
  assert.equal(csv.status, 200, show(csv));
  const rows = parseCsv(csv.text);
  const rec = Object.fromEntries(rows[0].map((h, i) => [h, rows[1][i]]));
  for (const [k, v] of Object.entries(cells)) assert.equal(rec[k], `'${v}`, `${k} neutralised`);
  assert.equal(rec.requestor_phone, "'+33612345678");
  assert.equal(rec.requestor_name, "'+Plus Name");
  assert.equal(rec.id, t.id, 'other cells untouched');
  assert.equal(rec.created_at, t.created_at);
  for (const row of rows) for (const c of row) assert.doesNotMatch(c, /^[=+\-@\t\r]/, `no cell opens a formula: ${JSON.stringify(c)}`);
  const j = ok(await fx.call('GET', `/tickets/${t.id}/export?format=json`), 200);
  for (const [k, v] of Object.entries(cells)) assert.equal(j.ticket[k], v, `json ${k} verbatim`);
  assert.equal(j.ticket.requestor.phone, '+33612345678');
  const r = await fetch(`${s.base}/api/v3/tickets/${t.id}/export?format=pdf`, { headers: { authorization: `Bearer ${s.key}` } });
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(r.status, 200);
  const txt = pdfText(buf);
  assert.ok(txt.includes('=HYPERLINK('), `pdf subject verbatim: ${txt.slice(0, 400)}`);
  assert.ok(!txt.includes("'=HYPERLINK("), 'no quote prefix in the pdf');
  assert.ok(txt.includes('@SUM(1+1)'), 'pdf description verbatim');
});

test('export pdf: application/pdf, %PDF, the subject and the requestor readable by pdftotext', async () => {
  const t = await exportTicket();
  const r = await fetch(`${s.base}/api/v3/tickets/${t.id}/export?format=pdf&timeline=true`, { headers: { authorization: `Bearer ${s.key}` } });
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(r.status, 200, `pdf: HTTP ${r.status} ${buf.toString('utf8', 0, 200)}`);
  assert.match(r.headers.get('content-type'), /^application\/pdf/);
  assert.equal(buf.toString('latin1', 0, 5), '%PDF-');
  const txt = pdfText(buf).replace(/\s+/g, ' ');
  assert.ok(txt.includes('under the sink'), `the subject is in the PDF: ${txt.slice(0, 500)}`);
  assert.ok(txt.includes(REQUESTOR), "the requestor's name is in the PDF");
});

test('export: bad format / timeline -> 400 naming them; unknown ticket 404; malformed id 400', async () => {
  const t = await exportTicket();
  for (const f of ['xml', 'PDF', 'Json', '']) {
    aErr(await fx.call('GET', `/tickets/${t.id}/export${qs({ format: f })}`), 400, 'format', `format=${f}`);
  }
  aErr(await fx.call('GET', `/tickets/${t.id}/export${qs({ timeline: 'yes' })}`), 400, 'timeline');
  aErr(await fx.call('GET', `/tickets/${uuid()}/export`), 404, undefined, 'unknown ticket');
  aErr(await fx.call('GET', `/tickets/${uuid()}/export?format=csv`), 404, undefined, 'unknown ticket csv');
  aErr(await fx.call('GET', '/tickets/nope/export'), 400, 'id', 'malformed id');
});
