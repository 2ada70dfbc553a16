// Request validation: bodies, types, uuids, UTF-8, body limits; nothing written on failure;
// strings stored verbatim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  startServer, fixtures, assertOk, assertErr, A, uuid, show, TOO_LARGE,
} from './lib/harness.mjs';

let s;
let fx;
let client;
let cat;
before(async () => {
  s = await startServer();
  fx = fixtures(s);
  client = await fx.client();
  cat = await fx.category({ title: 'Errors' });
});
after(async () => {
  await s?.stop();
});

const count = async () => (await fx.tickets()).total_results;
const create = (body, o) => s.api('POST', `${A}/tickets/create`, body, o);
const good = () => ({ client_id: client.id, title: 'T', description: 'D', category: cat.id });

test('malformed JSON, non-object bodies, invalid UTF-8 -> 400 naming body; nothing written', async () => {
  const n = await count();
  for (const raw of ['{"title":', '{', 'not json', '[]', '[{"title":"x"}]', '"string"', '42', 'null', 'true',
    '{"a":1}{"b":2}', "{'title':'x'}"]) {
    assertErr(await create(raw, { raw: true }), 400, 'body', `body ${raw}`);
  }
  const goodJson = JSON.stringify({ ...good(), title: 'Caf\u00e9' });
  const bytes = Buffer.from(goodJson, 'utf8');
  const bad = Buffer.from(bytes); // replace the é (c3 a9) by an invalid sequence (ff a9)
  const i = bad.indexOf(0xc3);
  assert.ok(i > 0);
  bad[i] = 0xff;
  assertErr(await create(bad, { raw: true }), 400, 'body', 'invalid UTF-8 (0xff)');
  const truncated = Buffer.concat([Buffer.from(`{"client_id":"${client.id}","category":"${cat.id}","description":"d","title":"ab`), Buffer.from([0xc3]), Buffer.from('"}')]);
  assertErr(await create(truncated, { raw: true }), 400, 'body', 'invalid UTF-8 (truncated sequence)');
  const overlong = Buffer.concat([Buffer.from(`{"client_id":"${client.id}","category":"${cat.id}","description":"d","title":"`), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
  assertErr(await create(overlong, { raw: true }), 400, 'body', 'invalid UTF-8 (overlong)');
  assert.equal(await count(), n);
  // the same bytes with valid UTF-8 are accepted, with any Content-Type
  const ok = await create(bytes, { raw: true, headers: { 'content-type': 'text/plain' } });
  assert.equal(assertOk(ok, 'valid utf-8').ticket.title, 'Caf\u00e9');
  assert.equal(await count(), n + 1);
});

test('invalid UTF-8 in other bodies (category update, reply) -> 400 body, nothing written', async () => {
  const c = await fx.category({ title: 'Utf' });
  const raw = Buffer.concat([Buffer.from('{"title":"x'), Buffer.from([0xfe]), Buffer.from('","language":"en"}')]);
  assertErr(await s.api('POST', `${A}/ticket-categories/update/${c.id}`, raw, { raw: true }), 400, 'body');
  const now = assertOk(await s.api('GET', `${A}/ticket-categories/retrieve/${c.id}`)).ticket_category;
  assert.deepEqual(now, c);
  const t = await fx.ticket({ client_id: client.id, category: cat.id });
  const rr = Buffer.concat([Buffer.from('{"reply":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]); // UTF-16 surrogate
  assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, rr, { raw: true }), 400, 'body');
  assert.deepEqual(await fx.retrieveTicket(t.id), t);
});

test('wrong types -> 400 naming the field; nothing written', async () => {
  const n = await count();
  const cases = [
    [{ ...good(), title: 5 }, 'title'],
    [{ ...good(), title: null }, 'title'],
    [{ ...good(), title: ['x'] }, 'title'],
    [{ ...good(), description: true }, 'description'],
    [{ ...good(), client_id: 12 }, 'client_id'],
    [{ ...good(), category: { id: cat.id } }, 'category'],
    [{ ...good(), subcategory: 3 }, 'subcategory'],
    [{ ...good(), assets: 'x' }, 'assets'],
    [{ ...good(), assets: [5] }, 'assets'],
    [{ ...good(), assets: {} }, 'assets'],
  ];
  for (const [body, field] of cases) assertErr(await create(body), 400, field, JSON.stringify(body));
  const t = await fx.ticket({ client_id: client.id, category: cat.id });
  assertErr(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: 12 }), 400, 'teammate_id');
  assertErr(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: true }), 400, 'teammate_id');
  assert.deepEqual(await fx.retrieveTicket(t.id), t);
  assert.equal(await count(), n + 1);
});

test('missing required fields and empty strings -> 400 naming the field; nothing written', async () => {
  const n = await count();
  for (const f of ['client_id', 'title', 'description', 'category']) {
    const body = good();
    delete body[f];
    assertErr(await create(body), 400, f, `missing ${f}`);
    if (f === 'title' || f === 'description') assertErr(await create({ ...good(), [f]: '' }), 400, f, `empty ${f}`);
  }
  assertErr(await create({}), 400, undefined, 'empty object');
  assert.equal(await count(), n);
});

test('length limits are in characters: title 255 ok, 256 -> 400; description 65535', async () => {
  const n = await count();
  for (const ch of ['x', '\u00e9', '\u{1F600}']) {
    const ok = await create({ ...good(), title: ch.repeat(255) });
    assert.equal(assertOk(ok, `title 255 x ${ch}`).ticket.title, ch.repeat(255));
    assertErr(await create({ ...good(), title: ch.repeat(256) }), 400, 'title', `title 256 x ${ch}`);
  }
  assert.equal(assertOk(await create({ ...good(), description: 'd'.repeat(65535) })).ticket.replies[0].text.length, 65535);
  assertErr(await create({ ...good(), description: 'd'.repeat(65536) }), 400, 'description');
  assert.equal(await count(), n + 4);
});

test('malformed uuids in path and body -> 400 error_code 400; unknown -> 1002', async () => {
  const t = await fx.ticket({ client_id: client.id, category: cat.id });
  const bad = ['abc', '12345678-1234-1234-1234-12345678901', '12345678-1234-1234-1234-1234567890123',
    'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '123456781234123412341234567890ab', '%20'];
  for (const b of bad) {
    assertErr(await s.api('GET', `${A}/tickets/retrieve/${b}`), 400, undefined, `retrieve ${b}`);
    assertErr(await s.api('POST', `${A}/tickets/close/${b}`), 400, undefined, `close ${b}`);
    assertErr(await s.api('DELETE', `${A}/tickets/${b}`), 400, undefined, `delete ${b}`);
  }
  const n = await count();
  for (const b of bad.slice(0, 5)) {
    assertErr(await create({ ...good(), client_id: b }), 400, 'client_id', `client_id ${b}`);
    assertErr(await create({ ...good(), category: b }), 400, 'category', `category ${b}`);
    assertErr(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: b }), 400, 'teammate_id');
  }
  assertErr(await s.api('GET', `${A}/tickets/retrieve/${uuid()}`), 1002, 'ticket');
  assertErr(await create({ ...good(), client_id: uuid() }), 1002, 'client_id');
  assertErr(await create({ ...good(), category: uuid() }), 1002, 'category');
  assertErr(await s.api('POST', `${A}/tickets/assign/${t.id}`, { teammate_id: uuid() }), 1002, 'teammate_id');
  // a teammate id is not a client id (ids are per type)
  const tm = await fx.teammate();
  assertErr(await create({ ...good(), client_id: tm.id }), 1002, 'client_id');
  assertErr(await create({ ...good(), category: client.id }), 1002, 'category');
  assert.equal(await count(), n);
  assert.deepEqual(await fx.retrieveTicket(t.id), t);
});

test('strings are stored verbatim (quotes, backslashes, SQL, emoji, control characters)', async () => {
  const samples = [
    "'; DROP TABLE tickets; --",
    'Robert\'); DELETE FROM tickets WHERE (\'1\'=\'1',
    'quote " double \\" backslash \\ slash / \\\\ end\\',
    'emoji \u{1F600}\u{1F44D}\u{1F3FD} 中文 עברית \u00e9\u0301 \u200b zero-width',
    'tab\tnewline\ncr\r unit\u001f sep',
    '<script>alert(1)</script> &amp; %s %n %d {{x}} ${x}',
    '  leading and trailing spaces  ',
    '\u2028\u2029 line separators',
  ];
  const c2 = await fx.client({ name: samples[0], email: `o'brien+"x"@example.com` });
  assert.equal(c2.name, samples[0]);
  assert.equal(c2.email, `o'brien+"x"@example.com`);
  for (const str of samples) {
    const r = await create({ ...good(), client_id: c2.id, title: str, description: str + ' (desc)' });
    const t = assertOk(r, JSON.stringify(str)).ticket;
    assert.equal(t.title, str);
    assert.equal(t.replies[0].text, str + ' (desc)');
    assert.equal(t.client.name, samples[0]);
    const got = await fx.retrieveTicket(t.id);
    assert.equal(got.title, str);
    assert.equal(got.replies[0].text, str + ' (desc)');
    const rep = assertOk(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: str })).ticket;
    assert.equal(rep.replies.at(-1).text, str);
  }
  const l = await fx.tickets({ client_id: c2.id, sort_by: 'created_at', order: 'asc' });
  assert.equal(l.total_results, samples.length);
  assert.deepEqual(l.tickets.map((t) => t.title).sort(), [...samples].sort());
  // the SQL fragment did nothing: tickets still listable, count grew by exactly the samples
  const f = await fx.tickets({ filter: 'DROP TABLE' });
  assert.equal(f.total_results, 1);
  const cat2 = await fx.category({ title: samples[2], automated_reply: samples[3], subcategories: [samples[0], samples[4]] });
  assert.equal(cat2.title, samples[2]);
  assert.equal(cat2.auto_reply, samples[3]);
  assert.deepEqual(cat2.subcategories, [samples[0], samples[4]]);
  const t = await fx.ticket({ client_id: c2.id, category: cat2.id, subcategory: samples[4] });
  assert.equal(t.category, samples[2]);
  assert.equal(t.subcategory, samples[4]);
  assert.equal(t.replies[1].text, samples[3]);
});

test('a NUL byte (%00) in a path parameter or a query value -> 400 naming it, never read cut short', async () => {
  const t = await fx.ticket({ client_id: client.id, category: cat.id });
  assertErr(await s.api('GET', `${A}/tickets/retrieve/${t.id}%00`), 400, 'uuid', 'path');
  assertErr(await s.api('GET', `${A}/tickets/retrieve/${t.id}%00x`), 400, 'uuid', 'path, bytes after');
  assertErr(await s.api('POST', `${A}/tickets/close/${t.id}%00`), 400, undefined, 'a write route');
  assert.equal((await fx.retrieveTicket(t.id)).is_open, true, 'not closed');
  assertErr(await s.api('GET', `${A}/tickets/list?page=1%00&per_page=10`), 400, 'page', 'a number');
  assertErr(await s.api('GET', `${A}/tickets/list?page=1&per_page=10&filter=card%00x`), 400, 'filter', 'text');
  assertErr(await s.api('GET', `${A}/tickets/list?page=1&per_page=10&client_id=${client.id}%00`), 400, 'client_id', 'an id');
  assertErr(await s.api('GET', `${A}/tickets/list?pa%00ge=1&page=1&per_page=10`), 400, 'pa', 'a name');
  // the same values without the NUL are fine, and %2500 is the three characters "%00"
  assert.equal((await fx.tickets({ filter: 'card' })).total_results, 0);
  assert.equal((await fx.tickets({ filter: '%00' })).total_results, 0);
  // a NUL in a JSON body (\u0000) is refused too
  const n = await count();
  assertErr(await create(`{"client_id":"${client.id}","category":"${cat.id}","title":"a\\u0000b","description":"x"}`, { raw: true }), 400, 'body');
  assert.equal(await count(), n);
});

test('escaped JSON input is decoded (\\u escapes, surrogate pairs)', async () => {
  const raw = `{"client_id":"${client.id}","category":"${cat.id}","title":"\\u00e9\\ud83d\\ude00\\"\\\\\\/","description":"x"}`;
  const t = assertOk(await create(raw, { raw: true })).ticket;
  assert.equal(t.title, '\u00e9\u{1F600}"\\/');
  // lone surrogate escape is not a valid string
  const lone = `{"client_id":"${client.id}","category":"${cat.id}","title":"\\ud83d","description":"x"}`;
  const r = await create(lone, { raw: true });
  assert.equal(r.status, 400, `lone surrogate: ${show(r)}`);
});

test('default body limit: exactly 1 MiB accepted, 1 MiB + 1 byte -> 413 exact body, nothing written', async () => {
  const n = await count();
  const mk = (size) => {
    const head = JSON.stringify({ ...good(), title: 'big' }).slice(0, -1) + ',"pad":"';
    const tail = '"}';
    const body = head + 'p'.repeat(size - head.length - tail.length) + tail;
    assert.equal(Buffer.byteLength(body), size);
    return body;
  };
  const headers = { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' };
  const big = await s.rawHttp('POST', `${A}/tickets/create`, { headers, body: mk(1048577) });
  assert.equal(big.status, 413, `1 MiB + 1: HTTP ${big.status} ${big.text.slice(0, 200)}`);
  assert.deepEqual(big.json, TOO_LARGE);
  assert.equal(await count(), n, 'a 413 writes nothing');
  const exact = await s.rawHttp('POST', `${A}/tickets/create`, { headers, body: mk(1048576) });
  assert.equal(exact.status, 200, `exactly 1 MiB: HTTP ${exact.status} ${exact.text.slice(0, 200)}`);
  assert.equal(await count(), n + 1);
  // the server is still healthy after the rejected upload
  assertOk(await s.api('GET', `${A}/tickets/list?page=1&per_page=1`));
});

test('--max-body 1024: 1024 bytes accepted, 1025 -> 413 exact body (also chunked)', async () => {
  const small = await startServer({ maxBody: 1024 });
  try {
    const sfx = fixtures(small);
    const cl = await sfx.client();
    const ct = await sfx.category();
    const mk = (size) => {
      const head = JSON.stringify({ client_id: cl.id, category: ct.id, title: 't', description: 'd' }).slice(0, -1) + ',"pad":"';
      const body = head + 'p'.repeat(size - head.length - 2) + '"}';
      assert.equal(Buffer.byteLength(body), size);
      return body;
    };
    const n0 = (await sfx.tickets()).total_results;
    const r = await small.api('POST', `${A}/tickets/create`, mk(1025), { raw: true });
    assert.equal(r.status, 413, show(r));
    assert.deepEqual(r.json, TOO_LARGE);
    // chunked transfer (no Content-Length) is limited too
    const headers = { authorization: `Bearer ${small.key}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' };
    const ch = await small.rawHttp('POST', `${A}/tickets/create`, { headers, body: mk(4096) });
    assert.equal(ch.status, 413, `chunked: HTTP ${ch.status} ${ch.text}`);
    assert.deepEqual(ch.json, TOO_LARGE);
    // other endpoints too
    const cu = await small.api('POST', `${A}/ticket-categories/update/${ct.id}`,
      { title: 'x'.repeat(2000), language: 'en' });
    assert.equal(cu.status, 413, show(cu));
    assert.deepEqual(cu.json, TOO_LARGE);
    assert.deepEqual(assertOk(await small.api('GET', `${A}/ticket-categories/retrieve/${ct.id}`)).ticket_category, ct);
    assert.equal((await sfx.tickets()).total_results, n0);
    const ok = await small.api('POST', `${A}/tickets/create`, mk(1024), { raw: true });
    assertOk(ok, '1024 bytes');
    assert.equal((await sfx.tickets()).total_results, n0 + 1);
  } finally {
    await small.stop();
  }
});

// Sends only a request's head on a raw socket, then collects what the server writes until it
// closes the connection, or until the text matches `stopAt` (the give-up bound only ends a test
// that would otherwise hang).
function headOnly(server, head, { stopAt, giveUpMs = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1');
    const chunks = [];
    const stop = () => {
      sock.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: false });
    };
    const timer = setTimeout(stop, giveUpMs);
    sock.on('data', (d) => {
      chunks.push(d);
      if (stopAt && stopAt.test(Buffer.concat(chunks).toString('latin1'))) {
        clearTimeout(timer);
        stop();
      }
    });
    sock.on('error', (e) => (e.code === 'ECONNRESET' ? null : reject(e)));
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true });
    });
    sock.write(head);
  });
}

const rawHead = (method, p, key, headers) =>
  [`${method} ${p} HTTP/1.1`, 'Host: 127.0.0.1', `Authorization: Bearer ${key}`, ...headers, '', ''].join('\r\n');

test('a Content-Length over --max-body / --max-upload -> 413 from the headers (never 100 Continue), connection closed, no body read', async () => {
  const small = await startServer({ maxBody: 1024, args: ['--max-upload', '4096'] });
  try {
    const sfx = fixtures(small);
    const cl = await sfx.client();
    const n0 = (await sfx.tickets()).total_results;
    const huge = 'Content-Length: 1000000000';
    const cases = [
      ['POST', `${A}/tickets/create`, ['Content-Type: application/json', huge, 'Expect: 100-continue'], 'Tamio, Expect'],
      ['POST', `${A}/tickets/create`, ['Content-Type: application/json', huge], 'Tamio, no Expect'],
      ['POST', `${A}/clients/update/${cl.id}`, ['Content-Type: application/json', 'Content-Length: 1025', 'Expect: 100-continue'], 'one byte over'],
      ['PATCH', `/api/v1/tags/${uuid()}`, ['Content-Type: application/json', huge, 'Expect: 100-continue'], 'Zaia PATCH'],
      ['PUT', `/api/v3/tickets/${uuid()}`, ['Content-Type: application/json', huge, 'Expect: 100-continue'], 'Apizee PUT'],
      ['POST', `${A}/assets/upload`, ['Content-Type: multipart/form-data; boundary=x', huge, 'Expect: 100-continue'], 'upload, Expect'],
      ['POST', `${A}/assets/upload`, ['Content-Type: multipart/form-data; boundary=x', huge], 'upload, no Expect'],
    ];
    // Behind haproxy (two-node runs) the client's connection is haproxy's to keep or close: there
    // only the answer itself is checked, read up to the end of its body.
    const proxied = small.nodes > 1;
    for (const [m, p, h, what] of cases) {
      const r = await headOnly(small, rawHead(m, p, small.key, h), proxied ? { stopAt: /\r\n\r\n\{.*\}$/s } : {});
      const first = r.text.split('\r\n')[0];
      assert.match(first, /^HTTP\/1\.1 413 /, `${what}: the first answer is the 413: ${JSON.stringify(r.text.slice(0, 300))}`);
      assert.doesNotMatch(r.text, /100 Continue/i, `${what}: no 100 Continue`);
      if (!proxied) {
        assert.match(r.text, /\r\nConnection: close\r\n/i, `${what}: Connection: close`);
        assert.ok(r.closed, `${what}: the server closes the connection without waiting for the body`);
      }
      const body = JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4));
      assert.equal(body.code ?? body.status ?? body.statusCode, 413, `${what}: the dialect's 413 body`);
    }
    // the limit itself still gets the 100 Continue and the request goes on
    const under = await headOnly(small, rawHead('POST', `${A}/tickets/create`, small.key,
      ['Content-Type: application/json', 'Content-Length: 1024', 'Expect: 100-continue']), { stopAt: /\r\n\r\n/ });
    assert.match(under.text, /^HTTP\/1\.1 100 Continue\r\n/, `at the limit: ${JSON.stringify(under.text.slice(0, 200))}`);
    assert.equal((await sfx.tickets()).total_results, n0, 'nothing written');
    assertOk(await small.api('GET', `${A}/tickets/list?page=1&per_page=1`), 'still serving');
  } finally {
    await small.stop();
  }
});
