// Durability: an acknowledged write survives SIGKILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { startServer, fixtures, assertOk, A, PG } from './lib/harness.mjs';

test('a created ticket (with reply, assignment, close) survives SIGKILL and restart', async () => {
  const s1 = await startServer();
  let s2;
  try {
    const fx = fixtures(s1);
    const tm = await fx.teammate();
    const cat = await fx.category({ automated_reply: 'auto', subcategories: ['S'] });
    const t = await fx.ticket({ category: cat.id, subcategory: 'S', title: 'survivor \u{1F4BE}' });
    assertOk(await s1.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: tm.id }));
    assertOk(await s1.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'persisted reply' }));
    const closed = assertOk(await s1.api('POST', `${A}/tickets/close/${t.id}`)).ticket;
    const doomed = await fx.ticket({ category: cat.id });
    assertOk(await s1.api('DELETE', `${A}/tickets/${doomed.id}`));
    const catNow = assertOk(await s1.api('GET', `${A}/ticket-categories/retrieve/${cat.id}`)).ticket_category;
    await s1.kill(); // SIGKILL: the only place where the exit code is not asserted

    s2 = await startServer({ dataDir: s1.dataDir, key: s1.key });
    const fx2 = fixtures(s2);
    const got = await fx2.retrieveTicket(t.id);
    assert.deepEqual(got, closed);
    assert.equal(got.title, 'survivor \u{1F4BE}');
    assert.equal(got.is_open, false);
    assert.equal(got.teammate_id, tm.id);
    assert.equal(got.replies.at(-1).text, 'persisted reply');
    const l = await fx2.tickets();
    assert.equal(l.total_results, 1, 'the deleted ticket stays deleted');
    assert.deepEqual(assertOk(await s2.api('GET', `${A}/ticket-categories/retrieve/${cat.id}`)).ticket_category, catNow);
    assertOk(await s2.api('GET', `${A}/teammates/retrieve/${tm.id}`));
    // still writable after the restart
    assertOk(await s2.api('POST', `${A}/tickets/reopen/${t.id}`));
  } finally {
    if (s2) await s2.stop();
    else {
      await s1.kill();
      fs.rmSync(s1.dataDir, { recursive: true, force: true });
    }
  }
});

test('SIGTERM with an idle connection and a half-sent request still exits 0', { timeout: 120000 }, async () => {
  const s = await startServer();
  const fx = fixtures(s);
  await fx.tickets(); // leaves a keep-alive connection open
  const sock = net.connect(s.port, '127.0.0.1');
  await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  sock.on('error', () => {});
  sock.write(`POST ${A}/tickets/create HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.key}\r\n` +
    'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"title":');
  try {
    await s.stop(); // asserts exit code 0
  } finally {
    sock.destroy();
  }
});

// `ticketd backup` copies an SQLite store; a PostgreSQL one is backed up with pg_dump.
test('backup while serving and writing gives a consistent copy that serves the same data', { skip: PG && 'SQLite only: PostgreSQL is backed up with pg_dump' }, async () => {
  const s1 = await startServer();
  let s2;
  try {
    const fx = fixtures(s1);
    const cat = await fx.category();
    const before = [];
    for (let i = 0; i < 20; i++) before.push(await fx.ticket({ category: cat.id, title: `before ${i}` }));
    // Writes keep arriving while the backup runs.
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing && n < 500) {
        assertOk(await s1.api('POST', `${A}/tickets/create`, {
          client_id: before[0].client.id, category: cat.id, title: `during ${n++}`, description: 'd',
        }));
      }
      return n;
    })();
    const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-backup-'));
    const file = path.join(backupDir, 'ticketd.db');
    s1.cli(['backup', file]);
    writing = false;
    await writer;
    assert.equal(execFileSync('sqlite3', [file, 'PRAGMA integrity_check']).toString().trim(), 'ok');
    // Every ticket in the copy is whole: its created event and its first reply are there too.
    const orphans = execFileSync('sqlite3', [file, `SELECT count(*) FROM tickets t WHERE
      NOT EXISTS (SELECT 1 FROM replies r WHERE r.ticket_id = t.id) OR
      NOT EXISTS (SELECT 1 FROM events e WHERE e.ticket_id = t.id AND e.type = 'ticket.created')`]);
    assert.equal(orphans.toString().trim(), '0');

    s2 = await startServer({ dataDir: backupDir, key: s1.key });
    for (const t of before) assert.deepEqual(await fixtures(s2).retrieveTicket(t.id), t);
    const total = (await fixtures(s2).tickets()).total_results;
    assert.ok(total >= before.length, `the copy holds at least the tickets made before it (${total})`);
  } finally {
    if (s2) await s2.stop();
    await s1.stop();
  }
});
