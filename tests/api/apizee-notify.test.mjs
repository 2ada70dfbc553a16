// Apizee invitations and reminders, end to end (docs/NOTIFICATIONS.md): a real ticketd with
// --smtp pointed at an SMTP sink (the smtp-server package) on 127.0.0.1 and, for SMS, a tiny
// HTTP gateway. Checks the messages that arrive (recipient, subject, join link), the timeline
// (invitation.queued, then invitation.sent or, after exactly --notify-attempts tries,
// invitation.failed), custom templates, refused template names, and that queued rows survive
// a kill -9 and go out after the restart. Every wait polls with a give-up deadline; nothing
// asserts on timing.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { startServer, fixtures, freePort, show, sql } from './lib/harness.mjs';

const GIVE_UP_MS = 20000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FAST = ['--notify-backoff-ms', '50', '--notify-attempts', '3'];

// An SMTP sink: records every message (parsed) and every RCPT TO; `refuse` answers 550.
async function startSink({ refuse = false } = {}) {
  const messages = [];
  const rcpts = [];
  const srv = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(addr, session, cb) {
      rcpts.push(addr.address);
      if (refuse) {
        const err = new Error('mailbox unavailable');
        err.responseCode = 550;
        return cb(err);
      }
      return cb();
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        messages.push({ envelope: session.envelope, raw, parsed });
        cb();
      });
    },
  });
  const port = await new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv.server.address().port)));
  return { port, url: `smtp://127.0.0.1:${port}`, messages, rcpts, close: () => new Promise((r) => srv.close(r)) };
}

// An SMS gateway: records each POSTed JSON body; answers 202.
async function startGateway() {
  const received = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method, type: req.headers['content-type'], json: JSON.parse(body) });
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  const port = await new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv.address().port)));
  return { url: `http://127.0.0.1:${port}/sms`, received, close: () => new Promise((r) => srv.close(r)) };
}

async function until(what, fn) {
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(25);
  }
}

async function events(s, id) {
  const r = await s.api('GET', `/api/v3/tickets/${id}/events?limit=1000`);
  assert.equal(r.status, 200, show(r));
  return r.json.data;
}

const ofType = (evs, type) => evs.filter((e) => e.type === type);
const after_ = (e, k) => e.data[k]?.after;

async function createTicket(s, body) {
  const r = await s.api('POST', '/api/v3/tickets', body);
  assert.equal(r.status, 201, show(r));
  return r.json;
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

describe('apizee invitations', () => {
  test('send_invitation emails every requestor and the agent, with the join link; queued then sent', async () => {
    const sink = await startSink();
    closers.push(sink.close);
    const s = await serve(['--smtp', sink.url, ...FAST]);
    const agent = await fixtures(s).teammate({ name: 'Ann', last_name: 'Agent' });
    const t = await createTicket(s, {
      email: 'paul@example.com, jean@example.com',
      name: 'Paul',
      subject: 'Broken boiler',
      agent: agent.email,
      send_invitation: 'true',
    });
    const evs = await until('3 invitation.sent', async () => {
      const e = await events(s, t.id);
      return ofType(e, 'invitation.sent').length === 3 ? e : null;
    });
    const queued = ofType(evs, 'invitation.queued');
    const sent = ofType(evs, 'invitation.sent');
    assert.equal(queued.length, 3);
    const lastQueued = evs.indexOf(queued[queued.length - 1]);
    assert.ok(sent.every((e) => evs.indexOf(e) > lastQueued), 'every sent event follows the queued ones');
    assert.deepEqual(new Set(sent.map((e) => after_(e, 'notification'))), new Set(queued.map((e) => after_(e, 'notification'))));
    for (const e of sent) {
      assert.equal(e.actor.type, 'system');
      assert.equal(after_(e, 'status'), 'sent');
      assert.equal(after_(e, 'attempts'), 1);
    }
    assert.deepEqual(
      queued.map((e) => [after_(e, 'kind'), after_(e, 'channel'), after_(e, 'audience'), after_(e, 'recipient')]).sort(),
      [
        ['invitation', 'email', 'agent', agent.email],
        ['invitation', 'email', 'requestor', 'jean@example.com'],
        ['invitation', 'email', 'requestor', 'paul@example.com'],
      ].sort(),
    );

    assert.equal(sink.messages.length, 3);
    const to = sink.messages.map((m) => m.envelope.rcptTo.map((r) => r.address)).flat().sort();
    assert.deepEqual(to, [agent.email, 'jean@example.com', 'paul@example.com'].sort());
    for (const m of sink.messages) {
      assert.equal(m.envelope.mailFrom.address, 'ticketd@localhost');
      assert.match(m.parsed.subject, /Broken boiler/);
      assert.ok(m.parsed.text.includes(`${s.base}/join/${t.id}`), m.parsed.text);
      assert.ok(m.parsed.messageId, 'Message-ID');
      assert.ok(m.parsed.date instanceof Date, 'Date');
      assert.match(m.parsed.headers.get('content-type').value, /text\/plain/);
      assert.equal(m.parsed.headers.get('content-type').params.charset, 'utf-8');
    }
    const toAgent = sink.messages.find((m) => m.envelope.rcptTo[0].address === agent.email);
    assert.match(toAgent.parsed.text, /Ann Agent/);
    assert.match(toAgent.parsed.text, /Paul/);
  });

  test('a subject with CR/LF cannot add a header', async () => {
    const sink = await startSink();
    closers.push(sink.close);
    const s = await serve(['--smtp', sink.url, ...FAST]);
    const t = await createTicket(s, {
      email: 'victim@example.com',
      subject: 'Hello\r\nBcc: evil@example.com\r\nX-Evil: yes',
      send_invitation: '1',
    });
    await until('invitation.sent', async () => ofType(await events(s, t.id), 'invitation.sent').length === 1);
    assert.equal(sink.messages.length, 1);
    const m = sink.messages[0];
    assert.deepEqual(m.envelope.rcptTo.map((r) => r.address), ['victim@example.com']);
    assert.equal(m.parsed.headers.get('bcc'), undefined);
    assert.equal(m.parsed.headers.get('x-evil'), undefined);
    assert.doesNotMatch(m.raw, /^(Bcc|X-Evil):/im);
    assert.match(m.parsed.subject, /Hello\s+Bcc: evil@example.com\s+X-Evil: yes/);
  });

  test('a server that refuses the mail ends in invitation.failed after exactly the configured attempts', async () => {
    const sink = await startSink({ refuse: true });
    closers.push(sink.close);
    const s = await serve(['--smtp', sink.url, ...FAST]);
    const t = await createTicket(s, { email: 'nobody@example.com', send_invitation: 'true' });
    const failed = await until('invitation.failed', async () => ofType(await events(s, t.id), 'invitation.failed')[0]);
    assert.equal(after_(failed, 'attempts'), 3);
    assert.equal(failed.data.attempts.before, 2);
    assert.equal(after_(failed, 'status'), 'failed');
    assert.equal(after_(failed, 'recipient'), 'nobody@example.com');
    assert.equal(after_(failed, 'channel'), 'email');
    assert.match(after_(failed, 'error'), /550/);
    assert.equal(sink.rcpts.filter((a) => a === 'nobody@example.com').length, 3);
    const evs = await events(s, t.id);
    assert.equal(ofType(evs, 'invitation.sent').length, 0);
    assert.equal(ofType(evs, 'invitation.failed').length, 1);
  });

  test('SMS goes to the gateway as JSON {to, body} when one is configured', async () => {
    const sink = await startSink();
    const gw = await startGateway();
    closers.push(sink.close, gw.close);
    const s = await serve(['--smtp', sink.url, '--sms-gateway', gw.url, ...FAST]);
    const t = await createTicket(s, { phone: '+33612345678', subject: 'Visit', send_invitation: 'true' });
    const sent = await until('sms invitation.sent', async () => ofType(await events(s, t.id), 'invitation.sent')[0]);
    assert.equal(after_(sent, 'channel'), 'sms');
    assert.equal(after_(sent, 'recipient'), '+33612345678');
    assert.equal(gw.received.length, 1);
    const { method, type, json } = gw.received[0];
    assert.equal(method, 'POST');
    assert.match(type, /application\/json/);
    assert.equal(json.to, '+33612345678');
    assert.ok(json.body.includes(`${s.base}/join/${t.id}`), json.body);
    assert.match(json.body, /Visit/);
    assert.equal(sink.messages.length, 0);
  });

  test('without a gateway no SMS is queued', async () => {
    const sink = await startSink();
    closers.push(sink.close);
    const s = await serve(['--smtp', sink.url, ...FAST]);
    const t = await createTicket(s, { phone: '+33612345678', email: 'a@example.com', send_invitation: 'true' });
    const evs = await until('invitation.sent', async () => {
      const e = await events(s, t.id);
      return ofType(e, 'invitation.sent').length === 1 ? e : null;
    });
    assert.deepEqual(ofType(evs, 'invitation.queued').map((e) => after_(e, 'channel')), ['email']);
  });

  test('a reminder is queued before start_date, with the invitation', async () => {
    const sink = await startSink();
    closers.push(sink.close);
    const s = await serve(['--smtp', sink.url, ...FAST]);
    const start = new Date(Date.now() + 3 * 3600 * 1000);
    start.setUTCMilliseconds(0);
    const t = await createTicket(s, {
      email: 'r@example.com',
      send_invitation: 'true',
      start_date: start.toISOString().replace('.000Z', 'Z'),
      reminder: '45',
    });
    const evs = await until('invitation.sent', async () => {
      const e = await events(s, t.id);
      return ofType(e, 'invitation.sent').length === 1 ? e : null;
    });
    const reminder = ofType(evs, 'invitation.queued').find((e) => after_(e, 'kind') === 'reminder');
    assert.ok(reminder, JSON.stringify(evs));
    assert.equal(after_(reminder, 'next_at'), start.getTime() - 45 * 60000);
    assert.equal(sink.messages.length, 1, 'the reminder waits for its time');
  });

  test('custom templates from <data>/templates are rendered when queued', async () => {
    const sink = await startSink();
    closers.push(sink.close);
    const s = await serve(['--smtp', sink.url, ...FAST]);
    fs.mkdirSync(path.join(s.dataDir, 'templates'), { recursive: true });
    fs.writeFileSync(
      path.join(s.dataDir, 'templates', 'x.txt'),
      'Subject: Appointment {{reference}} – {{subject}}\n\nDear {{requestor_name}},\nstart: {{start_date}}\njoin: {{join_url}}\n',
    );
    const t = await createTicket(s, {
      email: 'c@example.com',
      name: 'Chloé',
      reference: 'R-42',
      subject: 'Compteur',
      start_date: '2099-01-01T15:00:00Z',
      send_invitation: 'true',
      requestor_template: 'x',
    });
    await until('invitation.sent', async () => ofType(await events(s, t.id), 'invitation.sent').length === 1);
    const m = sink.messages[0];
    assert.equal(m.parsed.subject, 'Appointment R-42 – Compteur');
    assert.equal(m.parsed.text.trim(), `Dear Chloé,\nstart: 2099-01-01T15:00:00.000Z\njoin: ${s.base}/join/${t.id}`);
  });

  test('a bad or unknown template name is a 400 naming the field, and nothing is written', async () => {
    const s = await serve(FAST);
    const count = async () => (await s.api('GET', '/api/v3/tickets?user=all')).json.total;
    const before = await count();
    for (const [field, name] of [
      ['requestor_template', 'Bad Name!'],
      ['requestor_template', '../../etc/passwd'],
      ['agent_template', 'missing'],
      ['agent_template', 'a'.repeat(65)],
    ]) {
      const r = await s.api('POST', '/api/v3/tickets', { email: 'z@example.com', send_invitation: 'true', [field]: name });
      assert.equal(r.status, 400, show(r));
      assert.equal(r.json.code, 400, show(r));
      assert.match(r.json.message, new RegExp(`^${field}\\b`), show(r));
    }
    assert.equal(await count(), before);
    assert.equal(sql(s.dataDir, 'SELECT count(*) FROM notifications'), '0');
  });

  test('at most 50 recipients (email and phone together): 5,000 addresses are a 400 naming the field, nothing queued', async () => {
    const gw = await startGateway();
    closers.push(gw.close);
    const s = await serve(['--sms-gateway', gw.url, ...FAST]);
    const count = async () => (await s.api('GET', '/api/v3/tickets?user=all')).json.total;
    const clients = async () => (await s.api('GET', '/v2/agency/clients/list?page=1&per_page=1')).json.total_results;
    const [tickets0, clients0] = [await count(), await clients()];
    const emails = (n, p = 'r') => Array.from({ length: n }, (_, i) => `${p}${i}@example.com`).join(',');
    const phones = (n) => Array.from({ length: n }, (_, i) => `+3361234${String(i).padStart(4, '0')}`).join(',');
    for (const [body, field] of [
      [{ email: emails(5000) }, 'email'],
      [{ email: emails(51) }, 'email'],
      [{ phone: phones(51) }, 'phone'],
      [{ email: emails(40), phone: phones(11) }, 'phone'],
    ]) {
      const what = `${body.email?.split(',').length ?? 0} emails, ${body.phone?.split(',').length ?? 0} phones`;
      const json = await s.api('POST', '/api/v3/tickets', { ...body, send_invitation: 'true' });
      assert.equal(json.status, 400, `${what}: ${show(json)}`);
      assert.match(json.json.message, new RegExp(`^${field}\\b.*50`), `${what}: ${show(json)}`);
      const q = new URLSearchParams({ ...body, send_invitation: 'true' }).toString();
      const form = await s.api('POST', '/api/v3/tickets', q, { raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(form.status, 400, `${what} as a form: ${show(form)}`);
      assert.match(form.json.message, new RegExp(`^${field}\\b`), show(form));
    }
    assert.equal(await count(), tickets0, 'no ticket');
    assert.equal(await clients(), clients0, 'no client');
    assert.equal(sql(s.dataDir, 'SELECT count(*) FROM notifications'), '0', 'nothing queued');
    // exactly 50 is fine: 50 invitations
    const t = await createTicket(s, { email: emails(30, 'ok'), phone: phones(20), send_invitation: 'true' });
    assert.equal(sql(s.dataDir, `SELECT count(*) FROM notifications n JOIN tickets t ON t.id = n.ticket_id WHERE t.uuid = '${t.id}'`), '50');
  });

  test('queued rows survive a kill -9 and go out after the restart', async () => {
    const dead = await freePort(); // nothing listens there
    const a = await serve(['--smtp', `smtp://127.0.0.1:${dead}`, '--notify-backoff-ms', '200', '--notify-attempts', '50']);
    const t = await createTicket(a, { email: 'later@example.com', send_invitation: 'true' });

    await until('a failed attempt', async () =>
      Number(sql(a.dataDir, 'SELECT attempts FROM notifications')) >= 1);
    await a.kill();
    const sink = await startSink();
    closers.push(sink.close);
    const b = await serve(['--smtp', sink.url, ...FAST], { dataDir: a.dataDir, key: a.key });
    const sent = await until('invitation.sent after the restart', async () =>
      ofType(await events(b, t.id), 'invitation.sent')[0]);
    assert.ok(sent.data.attempts.before >= 1);
    assert.equal(sink.messages.length, 1);
    assert.equal(sink.messages[0].envelope.rcptTo[0].address, 'later@example.com');
    assert.ok(sink.messages[0].parsed.text.includes(`/join/${t.id}`));
  });
  test('SIGTERM while the SMTP server hangs: a clean exit, the row stays queued for the next start', async () => {
    const conns = [];
    const hang = net.createServer((c) => conns.push(c)); // accepts, never greets
    const port = await new Promise((resolve) => hang.listen(0, '127.0.0.1', () => resolve(hang.address().port)));
    closers.push(() => {
      conns.forEach((c) => c.destroy());
      return new Promise((r) => hang.close(r));
    });
    const s = await serve(['--smtp', `smtp://127.0.0.1:${port}`, ...FAST]);
    const t = await createTicket(s, { email: 'stuck@example.com', send_invitation: 'true' });
    await until('the worker to connect', async () => conns.length > 0);
    await s.stop({ keepData: true }); // asserts exit code 0
    const row = sql(s.dataDir, 'SELECT status, attempts FROM notifications');
    assert.equal(row, 'queued|0');
    const evs = sql(s.dataDir, "SELECT count(*) FROM events WHERE type LIKE 'invitation.%'");
    assert.equal(evs, '1', `only invitation.queued for ${t.id}`);
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  });
});
