// Rate limits (README "Command line", docs/ARCHITECTURE.md "Rate limits"): requests per key and
// per teammate (--rate), per client address for requests without a key (--rate-ip: the token
// endpoints, signed file URLs; never /healthz), failed password grants per login
// (--login-failures, default 10 per 15 minutes). Over a limit: 429 with Retry-After, in each
// dialect's error shape. Rules allow a few requests per hour, so no bucket refills during a
// test and nothing depends on timing. Buckets live in each node: these servers are one node.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, show, A, uniq, sql, BIN } from './lib/harness.mjs';
import { V, Z, apx, aErr, oauthErr, ok, qs } from './lib/apizee.mjs';

// 429 with a Retry-After of whole seconds in 1..max; answers the seconds.
function retryAfter(r, max, what) {
  assert.equal(r.status, 429, `${what}: expected 429, got ${show(r)}`);
  const h = r.headers.get('retry-after');
  assert.match(String(h), /^[0-9]+$/, `${what}: Retry-After must be whole seconds, got ${h}`);
  const n = Number(h);
  assert.ok(n >= 1 && n <= max, `${what}: Retry-After ${n} must be within 1..${max}`);
  return n;
}

const tamio429 = (r, what) => {
  retryAfter(r, 3600, what);
  assert.deepEqual(Object.keys(r.json).sort(), ['error', 'error_code', 'status'], `${what}: ${show(r)}`);
  assert.equal(r.json.status, 429);
  assert.equal(r.json.error_code, 429);
  assert.match(r.json.error, /^too many requests for this key: at most 3 per 3600 s; retry in [0-9]+ s$/);
};

const slowDown = (r, max, what) => {
  const n = retryAfter(r, max, what);
  assert.deepEqual(Object.keys(r.json).sort(), ['error', 'error_description'], `${what}: ${show(r)}`);
  assert.equal(r.json.error, 'slow_down', `${what}: ${show(r)}`);
  assert.match(r.json.error_description, new RegExp(`retry in ${n} s$`), `${what}: ${show(r)}`);
};

const noAuth = { key: null };

// --rate 3/3600: three requests of a key, then 429 until a twentieth of an hour passes.
describe('per key and per teammate (--rate 3/3600)', () => {
  let s;
  before(async () => {
    // One node even in a two-node run: the buckets of a node are its own (documented).
    s = await startServer({ sqlite: true, args: ['--rate', '3/3600'] });
  });
  after(async () => {
    await s?.stop();
  });
  const freshKey = () => s.newWorkspaceKey().key; // made by the command line: costs nothing

  test('Tamio: the fourth request of a key is 429 {status,error,error_code} with Retry-After; another key is unaffected', async () => {
    const k = freshKey();
    const list = (key) => s.api('GET', `${A}/tickets/list?page=1&per_page=20`, undefined, { key });
    for (let i = 0; i < 3; i++) assert.equal((await list(k)).status, 200);
    tamio429(await list(k), 'fourth list');
    tamio429(await s.api('POST', `${A}/clients/create`, { name: 'Late', email: `${uniq('c')}@example.com` }, { key: k }), 'a write too');
    const other = freshKey();
    assert.equal((await list(other)).status, 200, 'another key has its own bucket');
    // A refused request is not counted: the wait stays one interval (1200 s), never grows.
    const r = await list(k);
    assert.ok(retryAfter(r, 1200, 'again') <= 1200);
  });

  test('writes share the bucket and a refused write writes nothing', async () => {
    const ws = s.newWorkspaceKey();
    const k2 = s.cli(['key', 'create', '--workspace', ws.name]); // a second key, to look
    const email = `${uniq('late')}@example.com`;
    const create = (name, e) => s.api('POST', `${A}/clients/create`, { name, email: e }, { key: ws.key });
    assert.equal((await create('One', `${uniq('c')}@example.com`)).status, 200);
    assert.equal((await s.api('GET', `${A}/clients/list?page=1&per_page=100`, undefined, { key: ws.key })).status, 200);
    assert.equal((await create('Two', `${uniq('c')}@example.com`)).status, 200);
    tamio429(await create('Late', email), 'fourth, a write');
    const r = await s.api('GET', `${A}/clients/list?page=1&per_page=100`, undefined, { key: k2 });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.total_results, 2, 'only the two allowed creates wrote');
    assert.ok(!r.text.includes(email), 'the refused client does not exist');
  });

  test('Zaia: 429 {statusCode,error:"Too Many Requests",message} with Retry-After', async () => {
    const k = freshKey();
    const tags = () => s.api('GET', `${Z}/tags`, undefined, { key: k, auth: 'raw' });
    for (let i = 0; i < 3; i++) assert.equal((await tags()).status, 200);
    const r = await tags();
    retryAfter(r, 3600, 'zaia');
    assert.deepEqual(Object.keys(r.json).sort(), ['error', 'message', 'statusCode'], show(r));
    assert.equal(r.json.statusCode, 429);
    assert.equal(r.json.error, 'Too Many Requests');
    assert.match(r.json.message, /^too many requests for this key: at most 3 per 3600 s; retry in [0-9]+ s$/);
  });

  test('Apizee: 429 {code,message} with Retry-After, for a key and for a teammate\'s tokens (one bucket per teammate)', async () => {
    const k = freshKey();
    const list = (key) => s.api('GET', `${V}/tickets`, undefined, { key });
    for (let i = 0; i < 3; i++) assert.equal((await list(k)).status, 200);
    let r = await list(k);
    retryAfter(r, 3600, 'apizee key');
    const b = aErr(r, 429, undefined, 'apizee key');
    assert.match(b.message, /^too many requests for this key/);

    // The teammate is made with a key of its own (one request); its tokens cost that key nothing.
    const fx = apx(s, freshKey());
    const tm = await fx.teammate({ password: 'teammate-pass-1' });
    const t1 = await fx.token(tm.email, tm.password);
    const t2 = await fx.token(tm.email, tm.password); // minting tokens buys no budget
    assert.equal((await list(t1)).status, 200);
    assert.equal((await list(t2)).status, 200);
    assert.equal((await list(t1)).status, 200);
    r = await list(t2);
    retryAfter(r, 3600, 'token');
    assert.match(aErr(r, 429, undefined, 'token').message, /^too many requests for this teammate: at most 3 per 3600 s/);
    // The workspace's key (used once for the teammate) still has two requests.
    assert.equal((await fx.call('GET', '/tickets')).status, 200);
    assert.equal((await fx.call('GET', '/tickets')).status, 200);
    aErr(await fx.call('GET', '/tickets'), 429, undefined, 'the key is now spent too');
  });

  test('an upload costs one request, and an upload over the limit is 429 with nothing kept', async () => {
    const k = freshKey();
    const up = async (name) => {
      const form = new FormData();
      form.append('file', new Blob([`hello ${name}`]), `${name}.txt`);
      const enc = new Response(form);
      const body = Buffer.from(await enc.arrayBuffer());
      return s.api('POST', `${A}/assets/upload`, body, { key: k, raw: true, headers: { 'content-type': enc.headers.get('content-type') } });
    };
    const first = await up('one');
    assert.equal(first.status, 200, show(first));
    assert.equal((await up('two')).status, 200, 'the upload before was charged once, not twice');
    const id = first.json.asset.id;
    assert.equal((await s.api('GET', `${A}/assets/retrieve/${id}`, undefined, { key: k })).status, 200);
    const rows = sql(s.dataDir, 'SELECT count(*) FROM assets');
    tamio429(await up('three'), 'fourth: an upload');
    assert.equal(sql(s.dataDir, 'SELECT count(*) FROM assets'), rows, 'no asset row for the refused upload');
  });

  test('failed password grants: ten per login, the eleventh is 429 slow_down even with the right password; other logins unaffected', async () => {
    const fx = apx(s, freshKey());
    const tm = await fx.teammate({ password: 'right-password-1' });
    const other = await apx(s, freshKey()).teammate({ password: 'other-password-1' });
    const grant = (username, password) => s.api('POST', `${V}/token${qs({ grant_type: 'password', username, password })}`, undefined, noAuth);
    for (let i = 0; i < 10; i++) oauthErr(await grant(tm.email, `wrong-${i}`), 'invalid_grant', `failure ${i + 1}`);
    slowDown(await grant(tm.email, 'wrong-again'), 90, 'eleventh failure');
    slowDown(await grant(tm.email, tm.password), 90, 'the right password, out of budget');
    slowDown(await grant(tm.email.toUpperCase(), tm.password), 90, 'the login in another case is the same login');
    ok(await grant(other.email, other.password), 200, 'another account');
    // Successes cost nothing: many in a row, then still ten failures to spend.
    for (let i = 0; i < 12; i++) ok(await grant(other.email, other.password), 200, `success ${i + 1}`);
    // An unknown login is counted the same way (no difference tells who exists).
    const nobody = `${uniq('nobody')}@example.com`;
    for (let i = 0; i < 10; i++) oauthErr(await grant(nobody, 'guess'), 'invalid_grant', `unknown ${i + 1}`);
    slowDown(await grant(nobody, 'guess'), 90, 'unknown login, eleventh');
  });
});

// --rate-ip 2/3600: requests without a key, per client address; keys and /healthz are not.
describe('per client address (--rate-ip 2/3600)', () => {
  let s;
  before(async () => {
    s = await startServer({ sqlite: true, args: ['--rate-ip', '2/3600'] });
  });
  after(async () => {
    await s?.stop();
  });

  test('signed file URLs, then the token endpoints, share the address\'s bucket; keys and /healthz are never limited by it', async () => {
    const form = new FormData();
    form.append('file', new Blob(['signed bytes']), 'note.txt');
    const enc = new Response(form);
    const up = await s.api('POST', `${A}/assets/upload`, Buffer.from(await enc.arrayBuffer()),
      { raw: true, headers: { 'content-type': enc.headers.get('content-type') } });
    assert.equal(up.status, 200, show(up));
    const url = new URL(up.json.asset.public_url);
    const path = url.pathname + url.search;
    assert.match(url.search, /signature=/);
    for (let i = 0; i < 2; i++) {
      const r = await s.api('GET', path, undefined, noAuth);
      assert.equal(r.status, 200, `signed fetch ${i + 1}: ${show(r)}`);
      assert.equal(r.text, 'signed bytes');
    }
    const r = await s.api('GET', path, undefined, noAuth);
    retryAfter(r, 3600, 'third signed fetch');
    assert.deepEqual(Object.keys(r.json).sort(), ['error', 'status'], show(r));
    assert.equal(r.json.status, 429);
    assert.match(r.json.error, /^too many requests from this address: at most 2 per 3600 s; retry in [0-9]+ s$/);
    // With the workspace's key the same file is served: keyed requests are not counted here.
    for (let i = 0; i < 5; i++) assert.equal((await s.api('GET', path)).status, 200, `keyed fetch ${i + 1}`);
    for (let i = 0; i < 20; i++) assert.equal((await s.api('GET', `${A}/tickets/list?page=1&per_page=1`)).status, 200);
    // The token endpoints answer OAuth's shape, HTTP 429.
    slowDown(await s.api('POST', `${V}/token${qs({ grant_type: 'password', username: 'a@example.com', password: 'x' })}`, undefined, noAuth), 3600, 'token');
    slowDown(await s.api('POST', `${V}/token/revoke${qs({ token: 'atk_x' })}`, undefined, noAuth), 3600, 'revoke');
    for (let i = 0; i < 30; i++) {
      const h = await s.api('GET', '/healthz', undefined, noAuth);
      assert.equal(h.status, 200, `healthz ${i + 1}: ${show(h)}`);
      assert.equal(h.headers.get('retry-after'), null);
    }
  });
});

describe('serve options', () => {
  test('a bad --rate, --rate-ip or --login-failures is refused at start, naming the option', () => {
    for (const [flag, v] of [['--rate', 'ten'], ['--rate', '5/0'], ['--rate-ip', '-1'], ['--rate', '2000000'],
      ['--login-failures', '10/0'], ['--login-failures', '10/1441'], ['--rate', '3/'], ['--rate', '3/86401']]) {
      let err;
      try {
        execFileSync(BIN, ['serve', '--data', '/nonexistent/ticketd-rate', flag, v], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        err = e;
      }
      assert.ok(err, `${flag} ${v} must be refused`);
      assert.equal(err.status, 2, `${flag} ${v}: exit status`);
      assert.match(String(err.stderr), new RegExp(`${flag} needs N or N/`), `${flag} ${v}: ${err.stderr}`);
    }
  });
});
