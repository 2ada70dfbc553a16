// Concurrent requests and hostile-but-valid inputs: no lost writes, no crashes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fixtures, assertOk, assertErr, A, show } from './lib/harness.mjs';

let s;
let fx;
let cl;
let cat;
before(async () => {
  s = await startServer();
  fx = fixtures(s);
  cl = await fx.client();
  cat = await fx.category({ automated_reply: 'auto' });
});
after(async () => {
  await s?.stop();
});

test('40 concurrent creates all succeed with distinct ids; lists see all of them', async () => {
  const N = 40;
  const results = await Promise.all(Array.from({ length: N }, (_, i) => Promise.all([
    s.api('POST', `${A}/tickets/create`, { client_id: cl.id, category: cat.id, title: `conc ${i}`, description: `d${i}` }),
    s.api('GET', `${A}/tickets/list?page=1&per_page=5`),
  ])));
  const ids = new Set();
  for (const [c, l] of results) {
    const t = assertOk(c, 'concurrent create').ticket;
    ids.add(t.id);
    assert.equal(t.replies.length, 2);
    assertOk(l, 'concurrent list');
  }
  assert.equal(ids.size, N);
  const all = await fx.tickets({ client_id: cl.id });
  assert.equal(all.total_results, N);
  assert.deepEqual(new Set(all.tickets.map((t) => t.id)), ids);
});

test('concurrent replies to one ticket are all kept', async () => {
  const t = await fx.ticket({ client_id: cl.id, category: cat.id });
  const N = 25;
  const rs = await Promise.all(Array.from({ length: N }, (_, i) => s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: `r${i}` })));
  rs.forEach((r) => assertOk(r, 'concurrent reply'));
  const got = await fx.retrieveTicket(t.id);
  assert.equal(got.replies.length, t.replies.length + N);
  assert.deepEqual(got.replies.slice(t.replies.length).map((x) => x.text).sort(),
    Array.from({ length: N }, (_, i) => `r${i}`).sort());
  assert.equal(new Set(got.replies.map((x) => x.id)).size, got.replies.length, 'reply ids are distinct');
});

test('concurrent duplicate teammate email: exactly one wins, the rest are 409', async () => {
  const email = `race-${process.pid}@example.com`;
  const rs = await Promise.all(Array.from({ length: 10 }, () => s.api('POST', `${A}/teammates/create`, { name: 'Race', email })));
  const ok = rs.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, rs.map(show).join('\n'));
  for (const r of rs.filter((x) => x.status !== 200)) assertErr(r, 409);
  const l = await fx.list(`${A}/teammates/list`);
  assert.equal(l.teammates.filter((t) => t.email === email).length, 1);
});

test('deeply nested JSON is rejected with 400 and the server stays up', async () => {
  const depth = 100000;
  const raw = `{"client_id":"${cl.id}","category":"${cat.id}","title":"t","description":"d","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  const r = await s.api('POST', `${A}/tickets/create`, raw, { raw: true });
  // unknown fields are ignored, so 200 is acceptable too; a crash or 5xx is not
  assert.ok(r.status === 400 || r.status === 200, show(r));
  if (r.status === 400) assertErr(r, 400, 'body');
  assertOk(await s.api('GET', `${A}/tickets/list?page=1&per_page=1`), 'still serving');
});

test('a NUL character is either stored verbatim or rejected with 400, never truncated', async () => {
  const title = 'before\u0000after';
  const r = await s.api('POST', `${A}/tickets/create`, { client_id: cl.id, category: cat.id, title, description: 'x\u0000y' });
  if (r.status === 200) {
    const t = r.json.ticket;
    assert.equal(t.title, title);
    assert.equal(t.replies[0].text, 'x\u0000y');
    assert.equal((await fx.retrieveTicket(t.id)).title, title);
  } else {
    assertErr(r, 400);
  }
});

test('minimal valid values at the documented bounds are accepted', async () => {
  const tm = await fx.teammate({ email: 'a@b', name: 'n', last_name: 'l'.repeat(255), password: 'p'.repeat(8) });
  assert.equal(tm.email, 'a@b');
  const tm2 = await fx.teammate({ password: 'p'.repeat(256), email: `${'e'.repeat(240)}@example.com` });
  assert.equal(tm2.email.length, 252);
  const c = await fx.category({ language: 'en', automated_reply: 'r'.repeat(65535), subcategories: ['s'.repeat(255)] });
  assert.equal(c.auto_reply.length, 65535);
  assertErr(await s.api('POST', `${A}/ticket-categories/create`, { title: 't', language: 'en', automated_reply: 'r'.repeat(65536) }), 400, 'automated_reply');
  const t = await fx.ticket({ client_id: cl.id, category: cat.id });
  const rr = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'r'.repeat(65535) });
  assert.equal(assertOk(rr).ticket.replies.at(-1).text.length, 65535);
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'r'.repeat(65536) }), 400, 'reply');
});

test('hostile but well-formed requests never crash the server or answer 5xx', async () => {
  const noCrash = async (what, p) => {
    const r = await p;
    assert.ok(r.status < 500, `${what}: ${show(r)}`);
    assertOk(await s.api('GET', `${A}/tickets/list?page=1&per_page=1`), `still serving after ${what}`);
    return r;
  };
  const nul = await noCrash('NUL in filter', s.api('GET', `${A}/tickets/list?page=1&per_page=10&filter=a%00b`));
  assertErr(nul, 400, 'filter', 'a NUL is refused, not read as the text before it');
  await noCrash('8 KiB filter', s.api('GET', `${A}/tickets/list?page=1&per_page=10&filter=${'x'.repeat(8192)}`));
  await noCrash('long path', s.api('GET', `${A}/tickets/retrieve/${'a'.repeat(10000)}`));
  await noCrash('long key', s.api('GET', `${A}/tickets/list?page=1&per_page=1`, undefined, { key: 'k'.repeat(10000) }));
  const big = await noCrash('number overflow', s.api('POST', `${A}/tickets/create`,
    `{"client_id":"${cl.id}","category":"${cat.id}","title":1e999999,"description":"d"}`, { raw: true }));
  assert.equal(big.status, 400, show(big));
  const many = await noCrash('10000 subcategories', s.api('POST', `${A}/ticket-categories/create`,
    { title: 'many', language: 'en', subcategories: Array.from({ length: 10000 }, (_, i) => `s${i}`) }));
  assert.ok(many.status === 200 || many.status === 400, show(many));
  await noCrash('empty JSON key', s.api('POST', `${A}/tickets/create`, { '': 1, client_id: cl.id, category: cat.id, title: 't', description: 'd' }));
});

// LIMIT_QUERY_PARAMS_MAX (64): what an 8 KiB connection pool (LIMIT_CONN_MEMORY) indexes with
// room to spare for headers.
test('64 query parameters are answered; 1000 (more than a connection can index) are refused, and the server goes on', async () => {
  const q64 = Array.from({ length: 64 }, (_, i) => `p${i}=1`).join('&');
  assertOk(await s.api('GET', `${A}/tickets/list?page=1&per_page=10&${q64}`), '64 params');
  const q = Array.from({ length: 1000 }, (_, i) => `p${i}=1`).join('&');
  // libmicrohttpd drops such a request (a 431 or a closed connection); never a 5xx.
  let r = null;
  try {
    r = await s.api('GET', `${A}/tickets/list?page=1&per_page=10&${q}`);
  } catch (e) {
    assert.match(String(e.cause?.code ?? e.cause ?? e), /UND_ERR_SOCKET|ECONNRESET|other side closed|SocketError/i);
  }
  if (r) assert.ok(r.status >= 400 && r.status < 500, show(r));
  assertOk(await s.api('GET', `${A}/tickets/list?page=1&per_page=1`), 'still serving');
});

test('unknown query parameters are ignored, however many come before page/per_page', async () => {
  const q = Array.from({ length: 70 }, (_, i) => `utm${i}=x`).join('&');
  const r = await s.api('GET', `${A}/tickets/list?${q}&page=1&per_page=3`);
  assertOk(r, '70 unknown params first');
  assert.ok(r.json.tickets.length <= 3);
  assertErr(await s.api('GET', `${A}/tickets/list?${q}&page=1&per_page=0`), 400, 'per_page');
});
