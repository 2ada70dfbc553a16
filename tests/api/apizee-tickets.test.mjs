// Apizee /api/v3 tickets: create from the query string, JSON and a form (the Ticket object of
// DIALECTS.md, null where empty), every validation (400 {code,message} naming the field, nothing
// written), the requestor kept on a shared client row, get, PATCH/PUT (204) and their bad values,
// DELETE (gone from every dialect), 401 and the 404 shapes under /api/v3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, show, A, uniq, uuid } from './lib/harness.mjs';
import { V, Z, apx, aErr, ok, qs, assertTicket, ISO_RE } from './lib/apizee.mjs';

let s;
let fx;
let agent;
let agent2;
let team;
let team2;
before(async () => {
  s = await startServer();
  fx = apx(s);
  // The templates the create test names (docs/NOTIFICATIONS.md: <data>/templates/<name>.txt).
  fs.mkdirSync(path.join(s.dataDir, 'templates'), { recursive: true });
  for (const name of ['tpl-a', 'tpl-r'])
    fs.writeFileSync(path.join(s.dataDir, 'templates', `${name}.txt`), `Subject: ${name} {{subject}}\n\nJoin at {{join_url}}\n`);
  agent = await fx.teammate({ name: 'Alice', last_name: 'Agent', username: uniq('alice') });
  agent2 = await fx.teammate({ name: 'Bruno', username: uniq('bruno') });
  team = await fx.team({ name: 'Field support' });
  team2 = await fx.team({ name: 'Remote support' });
});
after(async () => {
  await s?.stop();
});

const KEY = '0123456789abcdefghijklmnopqrstuv';

// Everything a failed request could have written: Apizee's total, Tamio's tickets and clients.
async function counts() {
  return { apizee: (await fx.list({ limit: 1 })).total, tamio: await fx.tamioTotal(), clients: await fx.clientsTotal() };
}

test('create from the query string: 201, every key typed, the values as given', async () => {
  const email = `${uniq('q')}@example.com`;
  const query = {
    name: 'Paul Martin', phone: '+33612345678,+33787654321', email: `${email},jean@example.com`,
    language: 'fr', type: 'assistance', subject: 'Boiler check', reference: 'REF-42',
    description: 'The boiler makes noise', group: team.id, agent: agent.username, send_invitation: '0',
    agent_template: 'tpl-a', requestor_template: 'tpl-r', invite_organizer: 'false',
    start_date: '2030-01-01T15:00:00Z', duration: '45', reminder: '15', firstname: 'Paul',
    company: 'ACME', gender: 'male', country: 'fr', service_key: KEY, scopes: 'read write',
  };
  const r = await fx.call('POST', `/tickets${qs(query)}`);
  const t = ok(r, 201, 'create query');
  assertTicket(t);
  assert.equal(t.subject, 'Boiler check');
  assert.equal(t.description, 'The boiler makes noise');
  assert.equal(t.reference, 'REF-42');
  assert.equal(t.type, 'assistance');
  assert.equal(t.language, 'fr');
  assert.equal(t.state, 'new');
  assert.deepEqual(t.agent, { id: agent.id, username: agent.username, name: 'Alice Agent', email: agent.email });
  assert.deepEqual(t.group, { id: team.id, name: 'Field support' });
  assert.equal(t.requestor.name, 'Paul Martin');
  assert.equal(t.requestor.firstname, 'Paul');
  assert.equal(t.requestor.email, email, 'the first email is stored');
  assert.equal(t.requestor.phone, '+33612345678', 'the first phone is stored');
  assert.equal(t.requestor.company, 'ACME');
  assert.equal(t.requestor.gender, 'male');
  assert.equal(t.requestor.country, 'FR', 'country stored upper-case');
  assert.equal(t.service_key, KEY);
  assert.equal(Date.parse(t.start_date), Date.parse('2030-01-01T15:00:00Z'));
  assert.equal(t.duration, 45);
  assert.equal(t.reminder, 15);
  assert.equal(t.send_invitation, false);
  assert.equal(t.created_at, t.updated_at);
  assert.ok(Math.abs(Date.parse(t.created_at) - Date.now()) < 120000);
  assert.equal(t.started_at, null);
  assert.equal(t.ended_at, null);
  assert.equal(t.medias_count, 0);
  assert.ok(!('scopes' in t) && !('invite_organizer' in t), 'scopes and invite_organizer stay out of the answer');
  assert.deepEqual(await fx.get(t.id), t, 'GET answers the same ticket');
});

test('create from JSON (numbers, booleans, arrays of addresses) and from a form body', async () => {
  const email = `${uniq('j')}@example.com`;
  const j = ok(await fx.call('POST', '/tickets', {
    email: [email, 'other@example.com'], phone: ['+14155550100'], subject: 'JSON one', duration: 30,
    reminder: 0, send_invitation: false, agent: agent.email.toUpperCase(), group: team2.id, unknownField: { x: 1 },
  }), 201, 'json');
  assertTicket(j);
  assert.equal(j.requestor.email, email);
  assert.equal(j.requestor.phone, '+14155550100');
  assert.equal(j.duration, 30);
  assert.equal(j.reminder, 0);
  assert.equal(j.agent.id, agent.id, 'agent by email, any case');
  assert.equal(j.group.id, team2.id);
  const femail = `${uniq('f')}@example.com`;
  const f = ok(await fx.form('POST', '/tickets', {
    email: femail, subject: 'Form one & more', description: 'a+b = c', agent: agent2.id, start_date: '2031-06-01T08:30:00Z',
    duration: '90', language: 'pt-BR',
  }), 201, 'form');
  assertTicket(f);
  assert.equal(f.subject, 'Form one & more');
  assert.equal(f.description, 'a+b = c', 'form values are url-decoded, %2B is a plus');
  assert.equal(f.agent.id, agent2.id, 'agent by id');
  assert.equal(f.agent.username, agent2.username);
  assert.equal(f.language, 'pt-BR');
  assert.equal(Date.parse(f.start_date), Date.parse('2031-06-01T08:30:00Z'));
  assert.equal(f.duration, 90);
  assert.equal(f.reminder, 30, 'reminder defaults to 30');
  // The body wins over the query string.
  const both = ok(await fx.call('POST', `/tickets${qs({ subject: 'from query', email: 'q@example.com' })}`,
    { subject: 'from body', email: femail }), 201, 'both');
  assert.equal(both.subject, 'from body');
  assert.equal(both.requestor.email, femail);
});

test('a minimal ticket (a phone only): null where empty, defaults', async () => {
  const phone = `+4930${Math.floor(1e6 + Math.random() * 8e6)}`;
  const t = ok(await fx.call('POST', `/tickets${qs({ phone })}`), 201, 'minimal');
  assertTicket(t);
  for (const k of ['reference', 'type', 'language', 'agent', 'group', 'service_key', 'start_date', 'duration', 'started_at', 'ended_at']) {
    assert.equal(t[k], null, `${k} is null`);
  }
  assert.equal(t.subject, '');
  assert.equal(t.description, '');
  assert.equal(t.reminder, 30);
  assert.equal(t.send_invitation, false);
  assert.deepEqual(t.requestor, {
    id: t.requestor.id, name: phone, firstname: null, email: null, phone, company: null, gender: null, country: null,
  }, 'the name defaults to the phone');
  const e = ok(await fx.call('POST', `/tickets${qs({ email: 'Only.Email@Example.com', firstname: 'Fiona' })}`), 201);
  assert.equal(e.requestor.name, 'Fiona', 'the name defaults to the first name');
  assert.equal(e.requestor.phone, null);
});

test('start_date: ISO 8601 with an offset is stored in UTC; send_invitation spellings', async () => {
  const t = ok(await fx.call('POST', `/tickets${qs({ email: `${uniq('d')}@example.com`, start_date: '2030-01-01T15:00:00+02:00' })}`), 201);
  assert.equal(Date.parse(t.start_date), Date.parse('2030-01-01T13:00:00Z'));
  assert.match(t.start_date, ISO_RE);
  for (const v of ['1', 'true', 'TRUE']) {
    const x = ok(await fx.call('POST', `/tickets${qs({ email: `${uniq('i')}@example.com`, send_invitation: v })}`), 201, v);
    assert.equal(x.send_invitation, true, `send_invitation=${v}`);
  }
});

// [field, params, what]: each must be a 400 naming the field, writing nothing.
const base = () => ({ email: `${uniq('bad')}@example.com`, subject: 'never written' });
const BAD = [
  ['phone', { phone: '0612345678' }, 'no plus'],
  ['phone', { phone: '+0612345678' }, 'leading zero'],
  ['phone', { phone: '+123456' }, '6 digits'],
  ['phone', { phone: '+1234567890123456' }, '16 digits'],
  ['phone', { phone: '+33 6 12 34 56 78' }, 'spaces'],
  ['phone', { phone: '+33612345678,abc' }, 'second of the list'],
  ['phone', { phone: '+33-612345678' }, 'a dash'],
  ['email', { email: 'not-an-email' }, 'no at'],
  ['email', { email: 'ok@example.com,broken@' }, 'second of the list'],
  ['email', { email: '', phone: '' }, 'neither email nor phone'],
  ['email', { email: ' , ', subject: 'x' }, 'only separators'],
  ['country', { country: 'FRA' }, 'alpha-3'],
  ['country', { country: 'F' }, 'one letter'],
  ['country', { country: '12' }, 'digits'],
  ['service_key', { service_key: KEY.slice(1) }, '31 characters'],
  ['service_key', { service_key: `${KEY}x` }, '33 characters'],
  ['service_key', { service_key: KEY.toUpperCase() }, 'upper case'],
  ['service_key', { service_key: `${KEY.slice(1)}-` }, 'a dash'],
  ['start_date', { start_date: 'tomorrow' }, 'words'],
  ['start_date', { start_date: '2030-13-01T10:00:00Z' }, 'month 13'],
  ['start_date', { start_date: '2030-02-30T10:00:00Z' }, 'February 30'],
  ['duration', { duration: 'abc' }, 'text'],
  ['duration', { duration: '-1' }, 'negative'],
  ['duration', { duration: '1.5' }, 'decimal'],
  ['duration', { duration: '525601' }, 'over a year'],
  ['reminder', { reminder: 'soon' }, 'text'],
  ['reminder', { reminder: '-5' }, 'negative'],
  ['language', { language: 'e' }, 'one letter'],
  ['language', { language: 'en US' }, 'a space'],
  ['agent', { agent: 'nobody-by-that-name' }, 'unknown username'],
  ['agent', { agent: '00000000-0000-4000-8000-000000000000' }, 'unknown id'],
  ['agent', { agent: 'ghost@example.com' }, 'unknown email'],
  ['group', { group: 'not-a-uuid' }, 'malformed'],
  ['group', { group: '00000000-0000-4000-8000-000000000000' }, 'unknown'],
  ['type', { type: 'x'.repeat(65) }, '65 characters'],
  ['send_invitation', { send_invitation: 'yes' }, 'yes'],
];

test('every bad create parameter (query string) -> 400 naming it, nothing written', async () => {
  const before0 = await counts();
  for (const [field, p, what] of BAD) {
    const r = await fx.call('POST', `/tickets${qs({ ...base(), ...p })}`);
    aErr(r, 400, field, `${field} ${what}`);
  }
  assert.deepEqual(await counts(), before0, 'no rejected create wrote a ticket or a requestor');
});

test('bad create parameters as JSON and as a form -> 400 naming them, nothing written', async () => {
  const before0 = await counts();
  for (const [field, p, what] of BAD.slice(0, 12)) {
    aErr(await fx.call('POST', '/tickets', { ...base(), ...p }), 400, field, `json ${field} ${what}`);
    aErr(await fx.form('POST', '/tickets', { ...base(), ...p }), 400, field, `form ${field} ${what}`);
  }
  aErr(await fx.call('POST', '/tickets', { ...base(), subject: { nested: true } }), 400, 'subject', 'object subject');
  aErr(await fx.call('POST', '/tickets', { ...base(), duration: 1.5 }), 400, 'duration', 'float duration');
  aErr(await fx.call('POST', '/tickets', { ...base(), email: ['a@example.com', 7] }), 400, 'email', 'array with a number');
  aErr(await fx.call('POST', '/tickets', {}), 400, 'email', 'empty JSON');
  const mal = await fx.call('POST', '/tickets', '{"email": "x@example.com",', { raw: true });
  aErr(mal, 400, undefined, 'malformed JSON');
  const notObj = await fx.call('POST', '/tickets', '["email"]', { raw: true });
  aErr(notObj, 400, undefined, 'JSON array body');
  assert.deepEqual(await counts(), before0, 'nothing written');
});

test('a NUL byte (%00) in a path parameter, a query value or a form value -> 400 naming it, nothing written', async () => {
  const t = await fx.ticket({ subject: 'Nul' });
  const before0 = await counts();
  aErr(await fx.call('GET', `/tickets/${t.id}%00`), 400, 'id', 'path');
  aErr(await fx.call('GET', `/tickets/${t.id}%00/events`), 400, 'id', 'path, middle segment');
  aErr(await fx.call('PATCH', `/tickets/${t.id}%00`, { subject: 'changed' }), 400, 'id', 'a write');
  aErr(await fx.call('GET', '/tickets?limit=5%00'), 400, 'limit', 'a number');
  aErr(await fx.call('GET', '/tickets?search=boiler%00x'), 400, 'search', 'text');
  aErr(await fx.call('GET', `/tickets/${t.id}/export?format=csv%00`), 400, 'format', 'an enum');
  aErr(await fx.call('POST', '/tickets?email=a@b.example%00evil@x.example'), 400, 'email', 'query email');
  aErr(await fx.call('POST', `/tickets?email=${uniq('q')}@example.com&subject=a%00b`), 400, 'subject', 'query text');
  aErr(await fx.form('POST', '/tickets', { email: 'a@b.example\0evil@x.example' }), 400, 'email', 'form email');
  aErr(await fx.form('POST', '/tickets', { email: `${uniq('f')}@example.com`, name: 'Paul\0' }), 400, 'name', 'form text');
  aErr(await fx.form('PATCH', `/tickets/${t.id}`, { subject: 'x\0y' }), 400, 'subject', 'form update');
  aErr(await fx.call('POST', '/tickets', `email=${uniq('g')}@example.com&sub%00ject=x`, { raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, 'sub', 'form name');
  assert.deepEqual(await counts(), before0, 'nothing written');
  assert.equal((await fx.get(t.id)).subject, 'Nul', 'nothing changed');
  // %2500 is the three characters "%00", a value like any other
  const ok3 = ok(await fx.call('POST', `/tickets?email=${uniq('p')}@example.com&subject=100%2500`), 201);
  assert.equal(ok3.subject, '100%00');
});

test('the requestor is reused by email (any case) or phone, and its details are updated', async () => {
  const email = `${uniq('Reuse')}@Example.com`;
  const a = ok(await fx.call('POST', '/tickets', { email, name: 'First Name', company: 'Old Co' }), 201);
  const clients0 = await fx.clientsTotal();
  const b = ok(await fx.call('POST', '/tickets', {
    email: email.toLowerCase(), name: 'Second Name', company: 'New Co', phone: '+33611111111', country: 'be', gender: 'f',
  }), 201);
  assert.equal(b.requestor.id, a.requestor.id, 'same email -> same requestor');
  assert.equal(await fx.clientsTotal(), clients0, 'no new client row');
  assert.equal(b.requestor.name, 'Second Name');
  assert.equal(b.requestor.company, 'New Co');
  assert.equal(b.requestor.phone, '+33611111111');
  assert.equal(b.requestor.country, 'BE');
  assert.equal(b.requestor.gender, 'f');
  const again = await fx.get(a.id);
  assert.equal(again.requestor.name, 'Second Name', 'the older ticket shows the updated requestor');
  const c = ok(await fx.call('POST', '/tickets', { phone: '+33611111111' }), 201);
  assert.equal(c.requestor.id, a.requestor.id, 'found by phone');
  assert.equal(c.requestor.name, 'Second Name', 'a name not given is kept');
  // The requestor is a Tamio client.
  const cl = await fx.call('GET', `${A}/clients/retrieve/${a.requestor.id}`);
  assert.equal(cl.status, 200, show(cl));
  assert.equal(cl.json.client.name, 'Second Name');
  assert.equal(cl.json.client.email.toLowerCase(), email.toLowerCase());
  const d = ok(await fx.call('POST', '/tickets', { email: `${uniq('new')}@example.com` }), 201);
  assert.notEqual(d.requestor.id, a.requestor.id, 'another email -> another requestor');
});

test('GET: 404 {code,message} for an unknown id, 400 for a malformed one; unknown routes 404', async () => {
  aErr(await fx.call('GET', `/tickets/${uuid()}`), 404, undefined, 'unknown id');
  aErr(await fx.call('GET', '/tickets/not-a-uuid'), 400, 'id', 'malformed id');
  for (const p of ['/nope', '/tickets/x/y/z', `/tickets/${uuid()}/nope`, '', '/ticket']) {
    aErr(await fx.call('GET', p), 404, undefined, `GET ${V}${p}`);
  }
  const t = await fx.ticket();
  aErr(await fx.call('GET', `/tickets/${t.id}/nope`), 404, undefined, 'unknown sub-route of a real ticket');
  for (const [m, p] of [['POST', `/tickets/${t.id}`], ['DELETE', '/tickets']]) {
    const r = await fx.call(m, p);
    assert.equal(r.status, 405, `${m} ${p}: ${show(r)}`);
    assert.deepEqual(Object.keys(r.json).sort(), ['code', 'message']);
    assert.equal(r.json.code, 405);
  }
});

test('PATCH changes only the fields given (204) and GET shows them; PUT does the same', async () => {
  const t = await fx.ticket({ subject: 'Before', reference: 'R1', description: 'd1' });
  await fx.patch(t.id, { subject: 'After' });
  let g = await fx.get(t.id);
  assert.equal(g.subject, 'After');
  assert.equal(g.reference, 'R1', 'reference untouched');
  assert.equal(g.description, 'd1', 'description untouched');
  assert.ok(g.updated_at >= t.updated_at);
  await fx.patch(t.id, { reference: 'R2', description: 'd2', agent: agent.username, group: team.id }, 'PUT');
  g = await fx.get(t.id);
  assert.equal(g.reference, 'R2');
  assert.equal(g.description, 'd2');
  assert.equal(g.subject, 'After');
  assert.equal(g.agent.id, agent.id);
  assert.equal(g.group.id, team.id);
  // query string and form body
  const q = await fx.call('PATCH', `/tickets/${t.id}${qs({ agent: agent2.email, group: team2.id })}`);
  assert.equal(q.status, 204, show(q));
  g = await fx.get(t.id);
  assert.equal(g.agent.id, agent2.id, 'agent by email');
  assert.equal(g.group.id, team2.id);
  const f = await fx.form('PUT', `/tickets/${t.id}`, { subject: 'Form subject', agent: agent.id });
  assert.equal(f.status, 204, show(f));
  g = await fx.get(t.id);
  assert.equal(g.subject, 'Form subject');
  assert.equal(g.agent.id, agent.id, 'agent by id');
  // empty / null unassign, reference '' clears
  await fx.patch(t.id, { agent: '', group: null, reference: '' });
  g = await fx.get(t.id);
  assert.equal(g.agent, null, "agent '' unassigns");
  assert.equal(g.group, null, 'group null unassigns');
  assert.equal(g.reference, null, "reference '' clears");
  await fx.patch(t.id, {});
  assert.deepEqual(await fx.get(t.id), g, 'an empty PATCH changes nothing');
});

test('PATCH state: any of the ten states; started_at on inprogress, ended_at on closing states, cleared on reopen', async () => {
  const t = await fx.ticket();
  await fx.patch(t.id, { state: 'inprogress' });
  let g = await fx.get(t.id);
  assert.equal(g.state, 'inprogress');
  assert.match(g.started_at, ISO_RE);
  assert.equal(g.ended_at, null);
  const started = g.started_at;
  await fx.patch(t.id, { state: 'done' });
  g = await fx.get(t.id);
  assert.equal(g.state, 'done');
  assert.match(g.ended_at, ISO_RE);
  assert.equal(g.started_at, started);
  await fx.patch(t.id, { state: 'open' }, 'PUT');
  g = await fx.get(t.id);
  assert.equal(g.state, 'open');
  assert.equal(g.ended_at, null, 'reopened: ended_at null again');
  await fx.patch(t.id, { state: 'inprogress' });
  assert.equal((await fx.get(t.id)).started_at, started, 'started_at is the first time only');
  for (const st of ['new', 'open', 'invited', 'inprogress', 'done', 'closed', 'rejected', 'declined', 'expired', 'cancelled']) {
    await fx.patch(t.id, { state: st });
    g = await fx.get(t.id);
    assert.equal(g.state, st);
    const closing = ['done', 'closed', 'rejected', 'declined', 'expired', 'cancelled'].includes(st);
    assert.equal(g.ended_at !== null, closing, `${st}: ended_at ${closing ? 'set' : 'null'}`);
  }
});

test('PATCH bad values -> 400 naming the field, nothing changed; unknown ticket 404; malformed id 400', async () => {
  const t = await fx.ticket({ subject: 'Stable', agent: agent.id, group: team.id, reference: 'KEEP' });
  const g0 = await fx.get(t.id);
  for (const [field, body] of [
    ['state', { state: 'bogus' }],
    ['state', { state: 'OPEN' }],
    ['state', { state: '' }],
    ['agent', { agent: 'nobody-here' }],
    ['agent', { agent: uuid() }],
    ['group', { group: 'not-a-uuid' }],
    ['group', { group: uuid() }],
    ['subject', { subject: 'x'.repeat(5000) }],
    ['subject', { subject: 12.5 }],
    ['reference', { reference: { a: 1 } }],
    ['state', { subject: 'changed?', state: 'nope' }],
    ['agent', { subject: 'changed?', agent: 'nobody-here' }],
  ]) {
    aErr(await fx.call('PATCH', `/tickets/${t.id}`, body), 400, field, `PATCH ${JSON.stringify(body).slice(0, 60)}`);
    aErr(await fx.call('PUT', `/tickets/${t.id}`, body), 400, field, `PUT ${JSON.stringify(body).slice(0, 60)}`);
  }
  aErr(await fx.call('PATCH', `/tickets/${t.id}${qs({ state: 'weird' })}`), 400, 'state', 'query state');
  aErr(await fx.form('PATCH', `/tickets/${t.id}`, { group: 'zzz' }), 400, 'group', 'form group');
  assert.deepEqual(await fx.get(t.id), g0, 'no refused change wrote anything');
  const ev = await fx.events(t.id);
  assert.deepEqual(ev.data.map((e) => e.type), ['ticket.created'], 'and no event');
  aErr(await fx.call('PATCH', `/tickets/${uuid()}`, { subject: 'x' }), 404, undefined, 'PATCH unknown');
  aErr(await fx.call('PUT', `/tickets/${uuid()}`, { subject: 'x' }), 404, undefined, 'PUT unknown');
  aErr(await fx.call('PATCH', '/tickets/12345', { subject: 'x' }), 400, 'id', 'PATCH malformed id');
});

test('DELETE: 204, then 404 in Apizee, not found in Tamio (400/1002) and Zaia (404); twice is 404', async () => {
  const t = await fx.ticket({ subject: 'To delete' });
  const keep = await fx.ticket({ subject: 'To keep' });
  const tamio0 = await fx.tamioTotal();
  assert.equal((await fx.call('GET', `${A}/tickets/retrieve/${t.id}`)).status, 200, 'visible in Tamio before');
  assert.equal((await fx.call('GET', `${Z}/tickets/${t.id}/details`, undefined, { auth: 'raw' })).status, 200, 'visible in Zaia before');
  assert.equal((await fx.call('GET', `${Z}/tickets/${t.id}`, undefined, { auth: 'raw' })).status, 200, 'Zaia ticket before');
  const d = await fx.call('DELETE', `/tickets/${t.id}`);
  assert.equal(d.status, 204, show(d));
  assert.equal(d.text, '');
  aErr(await fx.call('GET', `/tickets/${t.id}`), 404, undefined, 'Apizee get after delete');
  aErr(await fx.call('GET', `/tickets/${t.id}/events`), 404, undefined, 'Apizee events after delete');
  aErr(await fx.call('DELETE', `/tickets/${t.id}`), 404, undefined, 'delete twice');
  aErr(await fx.call('PATCH', `/tickets/${t.id}`, { subject: 'x' }), 404, undefined, 'patch after delete');
  const tm = await fx.call('GET', `${A}/tickets/retrieve/${t.id}`);
  assert.equal(tm.status, 400, show(tm));
  assert.equal(tm.json.error_code, 1002, 'Tamio not found');
  const zd = await fx.call('GET', `${Z}/tickets/${t.id}/details`, undefined, { auth: 'raw' });
  assert.equal(zd.status, 404, show(zd));
  assert.equal(zd.json.statusCode, 404);
  const zt = await fx.call('GET', `${Z}/tickets/${t.id}`, undefined, { auth: 'raw' });
  assert.equal(zt.status, 404, `Zaia /api/v1/tickets/{id}: ${show(zt)}`);
  assert.equal(zt.json.statusCode, 404);
  assert.equal(await fx.tamioTotal(), tamio0 - 1, 'gone from the Tamio list');
  const l = await fx.list({ limit: 100, user: 'all' });
  assert.ok(!l.data.some((x) => x.id === t.id), 'gone from the Apizee list');
  assert.equal((await fx.get(keep.id)).subject, 'To keep', 'the other ticket stays');
  aErr(await fx.call('DELETE', `/tickets/${uuid()}`), 404, undefined, 'delete unknown');
  aErr(await fx.call('DELETE', '/tickets/nope'), 400, 'id', 'delete malformed');
});

test('401 without or with bad credentials on every ticket route', async () => {
  const t = await fx.ticket();
  for (const [m, p] of [['POST', '/tickets'], ['GET', '/tickets'], ['GET', `/tickets/${t.id}`], ['PATCH', `/tickets/${t.id}`],
    ['PUT', `/tickets/${t.id}`], ['DELETE', `/tickets/${t.id}`], ['GET', `/tickets/${t.id}/medias`],
    ['POST', `/tickets/${t.id}/medias`], ['GET', `/tickets/${t.id}/medias/download`], ['GET', `/tickets/${t.id}/events`],
    ['GET', `/tickets/${t.id}/export`]]) {
    aErr(await fx.call(m, p, undefined, { key: null }), 401, undefined, `${m} ${p} without auth`);
    aErr(await fx.call(m, p, undefined, { key: 'wrong-key' }), 401, undefined, `${m} ${p} bad key`);
  }
  assert.equal((await fx.get(t.id)).id, t.id, 'the ticket survived the unauthenticated DELETE');
  const raw = await fx.call('GET', `/tickets/${t.id}`, undefined, { auth: 'raw' });
  assert.equal(raw.status, 200, `the raw key works too: ${show(raw)}`);
});
