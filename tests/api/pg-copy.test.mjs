// PostgreSQL only (scripts/test-pg.sh): `ticketd copy --from DIR --to URL` moves an SQLite
// store's rows into a fresh PostgreSQL database and checks the counts; a server on the copy
// (same data directory for the files) answers every dialect as the SQLite one did, search
// included, and new rows continue after the copied ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, fixtures, assertOk, A, PG, BIN, pgUrlFor, sql } from './lib/harness.mjs';
import { V, Z, apx, ok, png, uploadMedia, fetchBytes } from './lib/apizee.mjs';

test('copy an SQLite store to PostgreSQL: counts verified, every dialect reads the same', { skip: !PG && 'PostgreSQL only' }, async () => {
  const s1 = await startServer({ sqlite: true });
  const fx = fixtures(s1);
  const ax = apx(s1);
  const client = await fx.client({ name: 'Kim Copy' });
  const category = await fx.category();
  const tickets = [];
  for (let i = 0; i < 5; i++) tickets.push(await fx.ticket({ client_id: client.id, category: category.id, title: `copied ${i} zebrafish` }));
  assertOk(await s1.api('POST', `${A}/tickets/reply/create/${tickets[0].id}`, { reply: 'a reply', is_client: true }), 'reply');
  const call = await ax.ticket({ subject: 'Copied call', start_date: '2030-01-01T15:00:00Z' });
  const shot = png(64, 48);
  const media = ok(await uploadMedia(s1, call.id, { file: { bytes: shot, filename: 'shot.png' } }), 201, 'upload');
  ok(await s1.api('POST', `${Z}/tags`, { name: 'copied-tag', description: 'a tag', color: '1' }, { auth: 'raw' }), 200, 'tag');

  const snapshot = async (s) => ({
    list: assertOk(await s.api('GET', `${A}/tickets/list?page=1&per_page=50`), 'list'),
    one: assertOk(await s.api('GET', `${A}/tickets/retrieve/${tickets[0].id}`), 'retrieve'),
    details: ok(await s.api('GET', `${Z}/tickets/${tickets[1].id}/details`, undefined, { auth: 'raw' }), 200, 'details'),
    search: ok(await s.api('GET', `${Z}/tickets/details?status=pending&search=zebrafish`, undefined, { auth: 'raw' }), 200, 'search'),
    call: ok(await s.api('GET', `${V}/tickets/${call.id}`), 200, 'call'),
    events: ok(await s.api('GET', `${V}/tickets/${call.id}/events`), 200, 'events').data,
    tags: ok(await s.api('GET', `${Z}/tags`, undefined, { auth: 'raw' }), 200, 'tags'),
  });
  const before = await snapshot(s1);
  assert.equal(before.search.length, 5, 'search finds the five tickets on SQLite');
  await s1.stop({ keepData: true });

  const counts = (q) => Number(sql(s1.dataDir, q));
  const tables = ['workspaces', 'api_keys', 'users', 'contacts', 'categories', 'tickets', 'replies', 'events',
    'assets', 'asset_thumbnails', 'chats', 'messages', 'tags', 'medias', 'ticket_counts', 'settings'];
  const want = Object.fromEntries(tables.map((t) => [t, counts(`SELECT count(*) FROM ${t}`)]));
  const urlKey = sql(s1.dataDir, "SELECT value FROM settings WHERE name = 'file_url_key'");

  const url = pgUrlFor(s1.dataDir);
  execFileSync(BIN, ['migrate', '--db', url]);
  const out = execFileSync(BIN, ['copy', '--from', s1.dataDir, '--to', url], { encoding: 'utf8' });
  for (const t of tables) {
    const line = out.split('\n').find((l) => l.split(/\s+/)[0] === t);
    assert.ok(line, `copy reports ${t}`);
    assert.equal(Number(line.split(/\s+/)[1]), want[t], `${t}: the copy's count`);
    assert.equal(Number(sql(s1.dataDir, `SELECT count(*) FROM ${t}`)), want[t], `${t}: rows in PostgreSQL`);
  }
  assert.equal(sql(s1.dataDir, "SELECT value FROM settings WHERE name = 'file_url_key'"), urlKey,
    'file URLs keep their signing key');
  // A second copy into a store that holds data is refused, and changes nothing.
  assert.throws(() => execFileSync(BIN, ['copy', '--from', s1.dataDir, '--to', url], { stdio: 'pipe' }));

  const s2 = await startServer({ dataDir: s1.dataDir, key: s1.key });
  try {
    const after = await snapshot(s2);
    assert.deepEqual(after, before, 'every dialect answers the same on the copy');
    const signed = new URL(media.url); // signed by s1: same path and signature, s2's address
    const file = await fetchBytes(`${s2.base}${signed.pathname}${signed.search}`);
    assert.equal(file.status, 200, 'a file URL signed before the copy still downloads');
    assert.deepEqual(file.buf, shot, 'byte-exact');
    // New rows get new ids after the copied ones (no identity collides).
    const fx2 = fixtures(s2);
    for (let i = 0; i < 3; i++) await fx2.ticket({ client_id: client.id, category: category.id });
    assertOk(await s2.api('POST', `${A}/tickets/reply/create/${tickets[0].id}`, { reply: 'after the copy', is_client: true }), 'reply after');
    ok(await uploadMedia(s2, call.id, { file: { bytes: png(10, 10), filename: 'two.png' } }), 201, 'upload after');
    const total = assertOk(await s2.api('GET', `${A}/tickets/list?page=1&per_page=50`), 'list after').total_results;
    assert.equal(total, before.list.total_results + 3);
  } finally {
    await s2.stop();
  }
});
