// PostgreSQL only (scripts/test-pg.sh): a database connection that breaks under a running server
// (every session of its database terminated, as a failover or a restart of PostgreSQL would)
// costs the requests in flight a 503 in the dialect's shape, and the next requests work again
// on fresh connections, reads and writes alike. Nothing is lost: what was written before is there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fixtures, assertOk, A, PG, sql } from './lib/harness.mjs';

let s;
let fx;
before(async () => {
  if (!PG) return;
  s = await startServer();
  fx = fixtures(s);
});
after(async () => {
  await s?.stop();
});

function cutConnections() {
  const n = Number(sql(s.dataDir, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()`));
  assert.ok(n >= 1, 'the server had connections to cut');
}

// Sends req() until it answers 200 (at most `tries`), asserting every other answer is a 503 in
// Tamio's error shape; returns how many 503s came first.
async function untilOk(req, tries = 12) {
  for (let i = 0; i < tries; i++) {
    const r = await req();
    if (r.status === 200) return i;
    assert.equal(r.status, 503, `only 503 while reconnecting, got ${r.status} ${r.text}`);
    assert.equal(r.json.status, 503);
    assert.equal(typeof r.json.error, 'string');
  }
  assert.fail(`no 200 within ${tries} requests after the connections broke`);
}

test('reads and writes recover after every database session is cut', { skip: !PG && 'PostgreSQL only' }, async () => {
  const client = await fx.client();
  const category = await fx.category();
  const t = await fx.ticket({ client_id: client.id, category: category.id });
  cutConnections();
  const fails = await untilOk(() => s.api('GET', `${A}/tickets/retrieve/${t.id}`));
  assert.ok(fails <= 8, `at most one failure per connection (${fails})`);
  for (let i = 0; i < 10; i++) assertOk(await s.api('GET', `${A}/tickets/retrieve/${t.id}`), 'read after');

  cutConnections();
  const body = { client_id: client.id, category: category.id, title: 'after the cut', description: 'd' };
  await untilOk(() => s.api('POST', `${A}/tickets/create`, body));
  for (let i = 0; i < 5; i++) assertOk(await s.api('POST', `${A}/tickets/create`, body), 'write after');
  // A read connection the writes did not use may still be the cut one: one more 503 at most each.
  await untilOk(() => s.api('GET', `${A}/tickets/retrieve/${t.id}`));
  for (let i = 0; i < 10; i++) assertOk(await s.api('GET', `${A}/tickets/retrieve/${t.id}`), 'the first ticket is still there');
  const list = assertOk(await s.api('GET', `${A}/tickets/list?page=1&per_page=50`), 'list');
  assert.equal(list.total_results, 7, 'the first ticket and the six made after the cut, none twice');
});
