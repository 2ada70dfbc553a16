// The per-thread cache of checked keys and tokens (core/auth.h auth_key, docs/ARCHITECTURE.md):
// once every server thread of every node has answered a credential (many requests at once, on
// many connections, so both SO_REUSEPORT sockets get some), a revocation, a deactivation or a
// key rotation made through any node or by another process is refused on the very next request
// on every node. With TICKETD_TEST_PG=1 TICKETD_TEST_NODES=2 each node is also asked directly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, show, A, uniq } from './lib/harness.mjs';
import { V, apx } from './lib/apizee.mjs';

let s;
let fx;
before(async () => {
  s = await startServer();
  fx = apx(s);
});
after(async () => {
  await s?.stop();
});

const LIST = `${A}/tickets/list?page=1&per_page=1`;
const bases = () => s.nodePorts.map((p) => `http://127.0.0.1:${p}`);

// 16 requests at once to each node with this credential: every answer's status.
async function statuses(key) {
  const all = [];
  for (const base of bases())
    for (let i = 0; i < 16; i++) all.push(s.api('GET', LIST, undefined, { key, base }).then((r) => r.status));
  return Promise.all(all);
}

async function allAre(key, code, what) {
  const got = await statuses(key);
  assert.deepEqual([...new Set(got)], [code], `${what}: ${got.join(' ')}`);
}

test('a key revoked by another process (the CLI) is refused on the next request, on every thread and node', async () => {
  const k = s.cli(['key', 'create', '--workspace', 'default']);
  await allAre(k, 200, 'warm');
  s.cli(['key', 'revoke', k.slice(0, 12)]);
  await allAre(k, 401, 'revoked');
  await allAre(s.key, 200, 'the other key');
});

test('a key rotation: the new key works at once, the old one is refused at once', async () => {
  const old = s.cli(['key', 'create', '--workspace', 'default']);
  await allAre(old, 200, 'old, warm');
  const fresh = s.cli(['key', 'create', '--workspace', 'default']);
  await allAre(fresh, 200, 'new');
  s.cli(['key', 'revoke', old.slice(0, 12)]);
  await allAre(old, 401, 'old, revoked');
  await allAre(fresh, 200, 'new, still');
});

test('a token revoked through one node is refused on the next request on every node', async () => {
  const t = await fx.teammate({ name: 'Tia', password: 'tia-password-1' });
  const tok = await fx.token(t.email, 'tia-password-1');
  const keep = await fx.token(t.email, 'tia-password-1');
  await allAre(tok, 200, 'warm');
  await allAre(keep, 200, 'other token, warm');
  const r = await s.api('POST', `${V}/token/revoke`, undefined, { key: tok, base: bases()[0] });
  assert.equal(r.status, 200, show(r));
  await allAre(tok, 401, 'revoked');
  await allAre(keep, 200, 'the other token');
});

test('a deactivated teammate\'s token is refused on the next request on every node; reactivation does not revive it', async () => {
  const t = await fx.teammate({ name: 'Dee', email: `${uniq('dee')}@example.com`, password: 'dee-password-1' });
  const tok = await fx.token(t.email, 'dee-password-1');
  await allAre(tok, 200, 'warm');
  const base = bases()[bases().length - 1];
  const off = await s.api('PATCH', `/ticketd/v1/teammates/${t.id}`, { active: false }, { base });
  assert.equal(off.status, 200, show(off));
  await allAre(tok, 401, 'deactivated');
  const on = await s.api('PATCH', `/ticketd/v1/teammates/${t.id}`, { active: true }, { base });
  assert.equal(on.status, 200, show(on));
  await allAre(tok, 401, 'reactivated: the token stays revoked');
  const again = await fx.token(t.email, 'dee-password-1');
  await allAre(again, 200, 'a new token');
});
