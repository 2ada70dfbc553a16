// Agent sessions (docs/NATIVE.md "Sessions"): POST /ticketd/v1/sessions signs a teammate in and
// sets the ticketd_session cookie; the cookie signs /ticketd/v1 requests in as that teammate;
// writes signed by it need the server's own Origin (CSRF); DELETE /sessions signs out; a
// password change or the teammate's deletion ends its sessions; sessions expire. Also the
// command line around it: `ticketd teammate role|password` and the first administrator that
// `ticketd init` creates. Every /ticketd/v1 answer is validated against the OpenAPI document.
// On PostgreSQL with two nodes, requests alternate between the nodes, so a session made on one
// is used (and ended) on the other.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, show, sql, dbArgs, BIN, A, PG, uniq } from './lib/harness.mjs';
import { V, apx, qs } from './lib/apizee.mjs';
import { nat, assertProblem } from './lib/native.mjs';

const SECRET_RE = /^tks_[0-9a-f]{64}$/;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The CLI with standard input and both outputs: {status, stdout, stderr}.
function cli(args, dataDir, input = '') {
  const r = spawnSync(BIN, [...args, '--data', dataDir, ...dbArgs(dataDir)], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The session cookie a 201 sets: {value, attrs (lower-cased names), raw}.
function cookieOf(r) {
  const all = r.headers.getSetCookie();
  assert.equal(all.length, 1, `one Set-Cookie: ${JSON.stringify(all)}`);
  const [pair, ...rest] = all[0].split(';').map((x) => x.trim());
  assert.match(pair, /^ticketd_session=/, all[0]);
  const attrs = {};
  for (const a of rest) {
    const i = a.indexOf('=');
    attrs[(i < 0 ? a : a.slice(0, i)).toLowerCase()] = i < 0 ? true : a.slice(i + 1);
  }
  return { value: pair.slice('ticketd_session='.length), attrs, raw: all[0] };
}

const sha256 = (t) => createHash('sha256').update(t).digest('hex');
const hashes = (dir) => sql(dir, `SELECT ${PG ? "encode(hash, 'hex')" : 'lower(hex(hash))'} FROM sessions`).split('\n').filter(Boolean);
const sessionRows = (dir) => Number(sql(dir, 'SELECT count(*) FROM sessions'));

// Request options: only the cookie (and the given headers), no Authorization.
const withCookie = (c, headers = {}) => ({ key: null, headers: { cookie: `ticketd_session=${c}`, ...headers } });

// Signs in and answers {cookie, body}; asserts 201.
async function signIn(n, email, password) {
  const r = await n.post('/sessions', { email, password }, { key: null });
  assert.equal(r.status, 201, show(r));
  const c = cookieOf(r);
  assert.match(c.value, SECRET_RE);
  return { cookie: c.value, body: r.json, r };
}

let s; // the main server: its store made by our own `init`, so its output can be read
let n;
let init; // {stdout, stderr, email, password}
let fx;

before(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-sessions-'));
  const r = cli(['init'], dataDir);
  assert.equal(r.status, 0, r.stderr);
  const m = /first administrator: (\S+), password: (\S+) /.exec(r.stderr);
  assert.ok(m, `init's standard error names the administrator: ${r.stderr}`);
  init = { stdout: r.stdout, stderr: r.stderr, email: m[1], password: m[2] };
  s = await startServer({ dataDir, key: r.stdout.trim() });
  n = nat(s);
  fx = apx(s);
});
after(() => s?.stop());

describe('ticketd init: the first administrator', () => {
  test('standard output is the API key alone; standard error has the sign-in; that administrator signs in', async () => {
    assert.match(init.stdout, /^tkd_[0-9a-f]{64}\n$/, 'stdout: one line, the key');
    assert.equal(init.email, 'admin@localhost');
    assert.ok(init.password.length >= 16, init.password);
    assert.match(init.stderr, /ticketd teammate password admin@localhost/, 'says how to set another');
    assert.equal((await n.get('/me')).json.kind, 'key', 'the key works');
    const { cookie, body } = await signIn(n, init.email, init.password);
    assert.equal(body.teammate.email, 'admin@localhost');
    assert.equal(body.teammate.role, 'admin');
    const me = await n.ok('GET', '/me', undefined, withCookie(cookie));
    assert.equal(me.kind, 'teammate');
    assert.equal(me.role, 'admin');
    assert.equal(me.teammate.id, body.teammate.id);
  });

  test('--admin-email names the administrator; a bad one is refused naming it, nothing created', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-sessions-init-'));
    const r = cli(['init', '--admin-email', 'boss@example.com'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^tkd_[0-9a-f]{64}\n$/);
    assert.match(r.stderr, /first administrator: boss@example\.com, password: \S+ /);
    assert.equal(sql(dir, "SELECT role FROM users WHERE email = 'boss@example.com'"), 'admin');
    const bad = path.join(dir, 'other');
    const b = cli(['init', '--admin-email', 'not-an-email'], bad);
    assert.equal(b.status, 1);
    assert.match(b.stderr, /--admin-email must be an email address/);
    assert.equal(b.stdout, '', 'no key printed');
    assert.ok(!fs.existsSync(bad), 'no data directory made');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('sign-in', () => {
  test('201: the teammate and expires_at; the cookie is HttpOnly, SameSite=Lax, Path=/, Max-Age, not Secure on http', async () => {
    const t = await fx.teammate({ name: 'Sam', password: 'sam-password-1' });
    const t0 = Date.now();
    const { body, r } = await signIn(n, t.email, t.password);
    assert.equal(body.teammate.id, t.id);
    assert.equal(body.teammate.role, 'agent', 'a new teammate is an agent');
    const exp = Date.parse(body.expires_at);
    assert.ok(Math.abs(exp - (t0 + 7 * 86400 * 1000)) < 60000, `expires_at ${body.expires_at}: seven days`);
    const c = cookieOf(r);
    assert.equal(c.attrs.httponly, true, c.raw);
    assert.equal(c.attrs.samesite, 'Lax', c.raw);
    assert.equal(c.attrs.path, '/', c.raw);
    assert.equal(c.attrs['max-age'], String(7 * 86400), c.raw);
    assert.ok(!('secure' in c.attrs), `no Secure on an http server: ${c.raw}`);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.ok(!JSON.stringify(body).includes(c.value), 'the secret is only in the cookie');
  });

  test('the username works as the email too', async () => {
    const username = uniq('sally').replaceAll('-', '_');
    const t = await fx.teammate({ name: 'Sally', username, password: 'sally-password-1' });
    const { body } = await signIn(n, username, t.password);
    assert.equal(body.teammate.id, t.id);
  });

  test('a wrong password and an unknown email get the same 401, no cookie, nothing written', async () => {
    const t = await fx.teammate({ password: 'right-password-1' });
    const rows = sessionRows(s.dataDir);
    const wrong = await n.post('/sessions', { email: t.email, password: 'wrong-password' }, { key: null });
    const unknown = await n.post('/sessions', { email: `${uniq('nobody')}@example.com`, password: 'wrong-password' }, { key: null });
    for (const r of [wrong, unknown]) {
      assertProblem(r, 401, 'unauthorized');
      assert.equal(r.json.detail, 'email or password is wrong');
      assert.deepEqual(r.headers.getSetCookie(), []);
    }
    assert.deepEqual(wrong.json, unknown.json, 'the same answer: nothing says whether the email exists');
    assert.equal(sessionRows(s.dataDir), rows);
  });

  test('bad bodies: 400 naming the field; an Origin of another site: 403 naming Origin; nothing written', async () => {
    const t = await fx.teammate({ password: 'right-password-2' });
    const rows = sessionRows(s.dataDir);
    assertProblem(await n.post('/sessions', { password: 'x' }, { key: null }), 400, 'invalid', 'email');
    assertProblem(await n.post('/sessions', { email: t.email }, { key: null }), 400, 'invalid', 'password');
    assertProblem(await n.post('/sessions', { email: t.email, password: '' }, { key: null }), 400, 'invalid', 'password');
    assertProblem(await n.post('/sessions', { email: 7, password: 'x' }, { key: null }), 400, 'invalid', 'email');
    assertProblem(await n.post('/sessions', { email: t.email, password: t.password, remember: true }, { key: null }), 400, 'invalid', 'remember');
    assertProblem(await n.post('/sessions', '[1]', { key: null, raw: true }), 400, 'invalid', 'body');
    const foreign = await n.post('/sessions', { email: t.email, password: t.password }, { key: null, headers: { origin: 'http://evil.example' } });
    assertProblem(foreign, 403, 'forbidden', 'Origin');
    assert.equal(sessionRows(s.dataDir), rows);
    // The server's own origin is fine.
    const own = await n.post('/sessions', { email: t.email, password: t.password }, { key: null, headers: { origin: s.base } });
    assert.equal(own.status, 201, show(own));
  });

  test('the secret is stored only as its SHA-256', async () => {
    const t = await fx.teammate({ password: 'hash-password-1' });
    const { cookie } = await signIn(n, t.email, t.password);
    const stored = hashes(s.dataDir);
    assert.ok(stored.includes(sha256(cookie)), 'the hash is there');
    const dump = sql(s.dataDir, PG ? 'SELECT s::text FROM sessions s' : "SELECT id || '|' || hex(hash) || '|' || created_at FROM sessions");
    assert.ok(!dump.toLowerCase().includes(cookie.slice(4)), 'no row holds the secret');
  });
});

describe('the cookie', () => {
  test('signs /ticketd/v1 in as its teammate with its role; not the vendor dialects; a forged one is 401', async () => {
    const t = await fx.teammate({ name: 'Cora', password: 'cora-password-1' });
    const { cookie } = await signIn(n, t.email, t.password);
    const me = await n.ok('GET', '/me', undefined, withCookie(cookie));
    assert.equal(me.kind, 'teammate');
    assert.equal(me.role, 'agent');
    assert.equal(me.teammate.id, t.id);
    const vendor = await s.api('GET', `${A}/tickets/list?page=1&per_page=10`, undefined, withCookie(cookie));
    assert.equal(vendor.status, 401, `Tamio takes no cookie: ${show(vendor)}`);
    const apizee = await s.api('GET', `${V}/tickets`, undefined, withCookie(cookie));
    assert.equal(apizee.status, 401, `Apizee takes no cookie: ${show(apizee)}`);
    const forged = `tks_${'0'.repeat(64)}`;
    assertProblem(await n.get('/me', withCookie(forged)), 401, 'unauthorized');
    assertProblem(await n.get('/me', withCookie('garbage')), 401, 'unauthorized');
    // Among other cookies, in any order.
    const mixed = await n.get('/me', { key: null, headers: { cookie: `a=1; ticketd_session=${cookie}; b=2` } });
    assert.equal(mixed.status, 200, show(mixed));
    // A key in Authorization wins over the cookie.
    assert.equal((await n.ok('GET', '/me', undefined, { headers: { cookie: `ticketd_session=${cookie}` } })).kind, 'key');
  });

  test('a role change shows on the next request', async () => {
    const t = await fx.teammate({ password: 'role-password-1' });
    const { cookie } = await signIn(n, t.email, t.password);
    assert.equal((await n.ok('GET', '/me', undefined, withCookie(cookie))).role, 'agent');
    const r = cli(['teammate', 'role', t.email, 'admin'], s.dataDir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal((await n.ok('GET', '/me', undefined, withCookie(cookie))).role, 'admin');
  });
});

describe('logout and CSRF: a write signed in by the cookie needs the server\'s own Origin', () => {
  test('no Origin, another site\'s or "null": 403 naming Origin and the session lives on; the own Origin: 204, the session is gone', async () => {
    const t = await fx.teammate({ password: 'csrf-password-1' });
    const { cookie } = await signIn(n, t.email, t.password);
    const rows = sessionRows(s.dataDir);
    for (const origin of [undefined, 'http://evil.example', 'null', `${s.base}.evil.example`, `${s.base}/x`]) {
      const r = await n.del('/sessions', withCookie(cookie, origin ? { origin } : {}));
      assertProblem(r, 403, 'forbidden', 'Origin');
      assert.equal(sessionRows(s.dataDir), rows, `nothing written (Origin ${origin})`);
      assert.equal((await n.get('/me', withCookie(cookie))).status, 200, 'the session still works');
    }
    const out = await n.del('/sessions', withCookie(cookie, { origin: s.base }));
    assert.equal(out.status, 204, show(out));
    const cleared = cookieOf(out);
    assert.equal(cleared.value, '');
    assert.equal(cleared.attrs['max-age'], '0');
    assert.equal(sessionRows(s.dataDir), rows - 1);
    assert.ok(!hashes(s.dataDir).includes(sha256(cookie)));
    // At once, on whichever node answers.
    for (let i = 0; i < 2 * s.nodes; i++) assertProblem(await n.get('/me', withCookie(cookie)), 401, 'unauthorized');
    assertProblem(await n.del('/sessions', withCookie(cookie, { origin: s.base })), 401, 'unauthorized');
  });

  test('a key or a token needs no Origin (DELETE /sessions then has no session to end)', async () => {
    const rows = sessionRows(s.dataDir);
    assert.equal((await n.del('/sessions')).status, 204);
    const t = await fx.teammate({ password: 'token-password-1' });
    const tok = await fx.token(t.email, t.password);
    assert.equal((await n.del('/sessions', { key: tok })).status, 204);
    assert.equal(sessionRows(s.dataDir), rows);
    assertProblem(await n.del('/sessions', { key: null }), 401, 'unauthorized');
  });
});

describe('sessions end with the password and the teammate', () => {
  test('a password changed through the API ends every session of the teammate; tokens live on', async () => {
    const t = await fx.teammate({ password: 'first-password-1' });
    const a = await signIn(n, t.email, t.password);
    const b = await signIn(n, t.email, t.password);
    const tok = await fx.token(t.email, t.password);
    const other = await fx.teammate({ password: 'other-password-1' });
    const o = await signIn(n, other.email, other.password);
    const r = await s.api('POST', `${A}/teammates/update/${t.id}`, { password: 'second-password-1' });
    assert.equal(r.status, 200, show(r));
    for (const c of [a.cookie, b.cookie]) assertProblem(await n.get('/me', withCookie(c)), 401, 'unauthorized');
    assert.equal((await n.get('/me', withCookie(o.cookie))).status, 200, "another teammate's session lives on");
    assert.equal((await n.get('/me', { key: tok })).status, 200, 'the token is unchanged (docs/ACCESS.md)');
    // Another change that is not the password ends nothing.
    const c = await signIn(n, t.email, 'second-password-1');
    assert.equal((await s.api('POST', `${A}/teammates/update/${t.id}`, { name: 'Renamed' })).status, 200);
    assert.equal((await n.get('/me', withCookie(c.cookie))).status, 200);
  });

  test('ticketd teammate password: reads one line; ends the sessions; errors name password', async () => {
    const t = await fx.teammate({ password: 'cli-password-1' });
    const { cookie } = await signIn(n, t.email, t.password);
    const rows = sessionRows(s.dataDir);
    for (const [input, re] of [['\n', /password must not be empty/], ['short\n', /password must be 8 to 256 characters/],
      ['', /password must be one line/], [`${'x'.repeat(2000)}\n`, /password must be one line/]]) {
      const r = cli(['teammate', 'password', t.email], s.dataDir, input);
      assert.equal(r.status, 1, `${JSON.stringify(input.slice(0, 10))}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(sessionRows(s.dataDir), rows, 'nothing written');
    }
    assert.equal((await n.get('/me', withCookie(cookie))).status, 200, 'still signed in after the refusals');
    const r = cli(['teammate', 'password', t.email], s.dataDir, 'a new cli password\r\n');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assertProblem(await n.get('/me', withCookie(cookie)), 401, 'unauthorized');
    assertProblem(await n.post('/sessions', { email: t.email, password: t.password }, { key: null }), 401, 'unauthorized');
    await signIn(n, t.email, 'a new cli password');
  });

  test('ticketd teammate role: admin|agent; errors name role or teammate; --workspace picks the workspace', async () => {
    const t = await fx.teammate({ password: 'role-password-2' });
    const bad = cli(['teammate', 'role', t.email, 'boss'], s.dataDir);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /role must be admin or agent/);
    const nobody = cli(['teammate', 'role', 'nobody@example.com', 'admin'], s.dataDir);
    assert.equal(nobody.status, 1);
    assert.match(nobody.stderr, /teammate nobody@example\.com is not in workspace default/);
    assert.equal(cli(['teammate', 'role', t.email], s.dataDir).status, 2, 'usage');
    assert.equal(cli(['teammate', 'fly', t.email], s.dataDir).status, 2, 'usage');
    // The same email in a second workspace: only the one named changes.
    const ws2 = s.newWorkspaceKey();
    const t2 = await apx(s, ws2.key).teammate({ email: t.email, password: 'role-password-3' });
    const ok = cli(['teammate', 'role', t.email, 'admin', '--workspace', ws2.name], s.dataDir);
    assert.equal(ok.status, 0, ok.stderr);
    const role = (id) => sql(s.dataDir, `SELECT role FROM users WHERE uuid = '${id}'`);
    assert.equal(role(t2.id), 'admin');
    assert.equal(role(t.id), 'agent');
    assert.equal(cli(['teammate', 'role', t.email, 'admin'], s.dataDir).status, 0, 'the first workspace by default');
    assert.equal(role(t.id), 'admin');
    const back = cli(['teammate', 'role', t.id, 'agent'], s.dataDir);
    assert.equal(back.status, 0, `by id too: ${back.stderr}`);
    assert.equal(role(t.id), 'agent');
  });

  test('deleting a teammate deletes its sessions', async () => {
    const t = await fx.teammate({ password: 'gone-password-1' });
    const { cookie } = await signIn(n, t.email, t.password);
    const r = await s.api('DELETE', `${A}/teammates/${t.id}`);
    assert.equal(r.status, 200, show(r));
    assert.ok(!hashes(s.dataDir).includes(sha256(cookie)), 'the row is gone');
    assertProblem(await n.get('/me', withCookie(cookie)), 401, 'unauthorized');
  });
});

describe('lifetime', () => {
  test('idle: a session unused for --session-idle (12 h) ends; used, it is moved forward', async () => {
    const t = await fx.teammate({ password: 'idle-password-1' });
    const a = await signIn(n, t.email, t.password);
    const b = await signIn(n, t.email, t.password);
    const idleMs = 12 * 3600 * 1000;
    // b was last used just over a minute ago: a request moves last_seen_at to now.
    const back = Date.now() - 61000;
    sql(s.dataDir, `UPDATE sessions SET last_seen_at = ${back} WHERE ${PG ? "encode(hash, 'hex')" : 'lower(hex(hash))'} = '${sha256(b.cookie)}'`);
    assert.equal((await n.get('/me', withCookie(b.cookie))).status, 200);
    const seen = () => Number(sql(s.dataDir, `SELECT last_seen_at FROM sessions WHERE ${PG ? "encode(hash, 'hex')" : 'lower(hex(hash))'} = '${sha256(b.cookie)}'`));
    for (let i = 0; i < 200 && seen() === back; i++) await sleep(25); // the writer thread's job
    assert.ok(seen() > back + 60000, `last_seen_at moved forward: ${seen()} vs ${back}`);
    // a was last used 12 h ago: it has ended.
    sql(s.dataDir, `UPDATE sessions SET last_seen_at = ${Date.now() - idleMs - 1000} WHERE ${PG ? "encode(hash, 'hex')" : 'lower(hex(hash))'} = '${sha256(a.cookie)}'`);
    assertProblem(await n.get('/me', withCookie(a.cookie)), 401, 'unauthorized');
    assert.equal((await n.get('/me', withCookie(b.cookie))).status, 200);
    // Ended sessions are dropped when their teammate signs in again.
    await signIn(n, t.email, t.password);
    assert.ok(!hashes(s.dataDir).includes(sha256(a.cookie)));
  });

  test('--session-ttl: the cookie\'s Max-Age; the session ends then', async () => {
    const s2 = await startServer({ args: ['--session-ttl', '1'] });
    try {
      const n2 = nat(s2);
      const t = await apx(s2).teammate({ password: 'ttl-password-1' });
      const { cookie, body, r } = await signIn(n2, t.email, t.password);
      assert.equal(cookieOf(r).attrs['max-age'], '1');
      assert.equal((await n2.get('/me', withCookie(cookie))).status, 200);
      await sleep(Math.max(0, Date.parse(body.expires_at) - Date.now()) + 50);
      assertProblem(await n2.get('/me', withCookie(cookie)), 401, 'unauthorized');
    } finally {
      await s2.stop();
    }
  });

  test('a bad --session-ttl or --session-idle is refused at start, naming the option', () => {
    for (const [flag, v] of [['--session-ttl', '0'], ['--session-ttl', 'week'], ['--session-idle', '-1'], ['--session-idle', '99999999999']]) {
      const r = spawnSync(BIN, ['serve', '--data', '/nonexistent/ticketd-sessions', flag, v], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${flag} ${v}`);
      assert.match(r.stderr, new RegExp(`${flag} needs a number`), `${flag} ${v}: ${r.stderr}`);
    }
  });
});

describe('an https public URL', () => {
  test('the cookie is Secure and writes need that origin', async () => {
    const s3 = await startServer({ args: ['--public-url', 'https://help.example.test/'] });
    try {
      const n3 = nat(s3);
      const t = await apx(s3).teammate({ password: 'https-password-1' });
      const { cookie, r } = await signIn(n3, t.email, t.password);
      assert.equal(cookieOf(r).attrs.secure, true, cookieOf(r).raw);
      assertProblem(await n3.del('/sessions', withCookie(cookie, { origin: s3.base })), 403, 'forbidden', 'Origin');
      const ok = await n3.del('/sessions', withCookie(cookie, { origin: 'https://help.example.test' }));
      assert.equal(ok.status, 204, show(ok));
      assert.match(ok.headers.getSetCookie()[0], /; Secure/);
    } finally {
      await s3.stop();
    }
  });
});

describe('the failed-login budget (one node: each node counts its own)', () => {
  let s4;
  let n4;
  before(async () => {
    s4 = await startServer({ sqlite: true, args: ['--login-failures', '3/60'] });
    n4 = nat(s4);
  });
  after(() => s4?.stop());

  test('spent: 429 with Retry-After even with the right password; shared with the token grant; unknown emails alike', async () => {
    const t = await apx(s4).teammate({ password: 'budget-password-1' });
    for (let i = 0; i < 3; i++) assertProblem(await n4.post('/sessions', { email: t.email, password: `wrong-${i}` }, { key: null }), 401, 'unauthorized');
    const spent = await n4.post('/sessions', { email: t.email, password: t.password }, { key: null });
    assertProblem(spent, 429, 'rate-limited');
    assert.match(String(spent.headers.get('retry-after')), /^[0-9]+$/);
    const grant = await s4.api('POST', `${V}/token${qs({ grant_type: 'password', username: t.email, password: t.password })}`, undefined, { key: null });
    assert.equal(grant.status, 429, `the token grant shares the budget: ${show(grant)}`);
    const nobody = `${uniq('nobody')}@example.com`;
    for (let i = 0; i < 3; i++) assertProblem(await n4.post('/sessions', { email: nobody, password: 'guess' }, { key: null }), 401, 'unauthorized');
    assertProblem(await n4.post('/sessions', { email: nobody, password: 'guess' }, { key: null }), 429, 'rate-limited');
    // Another login is unaffected.
    const other = await apx(s4).teammate({ password: 'budget-password-2' });
    await signIn(n4, other.email, other.password);
  });
});
