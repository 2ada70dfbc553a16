// The vendor dialects' OpenAPI documents (docs/openapi/tamio.json, zaia.json, apizee.json):
// served without a key at /openapi/<dialect>.json (ETag, cache headers), well-formed OpenAPI 3.1
// (a structural check: no 3.1 meta-schema ships with ajv), and in step with the server's route
// table (`ticketd routes`) both ways. Every other API test validates each dialect answer it gets
// against these documents (tests/api/lib/openapi.mjs, hooked into harness.request).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020.js';
import { startServer, BIN, REPO_ROOT, show } from './lib/harness.mjs';
import { DIALECT_DOCS, checkDialectAnswer } from './lib/openapi.mjs';

let s;
before(async () => {
  s = await startServer();
});
after(async () => {
  await s?.stop();
});

const file = (name) => fs.readFileSync(path.join(REPO_ROOT, 'docs/openapi', `${name}.json`), 'utf8');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// The dialect a served path belongs to (/files: all three document the signed downloads).
const owners = (p) => (p.startsWith('/files/') ? DIALECT_DOCS
  : p.startsWith('/v2/') ? ['tamio'] : p.startsWith('/api/v1/') ? ['zaia'] : p.startsWith('/api/v3/') ? ['apizee'] : []);
const norm = (t) => t.replace(/\{[^}]+\}/g, '{}');

for (const name of DIALECT_DOCS) {
  test(`GET /openapi/${name}.json answers the document without a key, with an ETag`, async () => {
    const r = await fetch(`${s.base}/openapi/${name}.json`);
    const text = await r.text();
    assert.equal(r.status, 200, text.slice(0, 300));
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(text, file(name), 'the embedded document is docs/openapi/' + name + '.json');
    assert.match(r.headers.get('cache-control') || '', /max-age=\d+/);
    const etag = r.headers.get('etag');
    assert.match(etag || '', /^"[0-9a-f]{32}"$/);
    const again = await fetch(`${s.base}/openapi/${name}.json`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    const other = await fetch(`${s.base}/openapi/${name}.json`, { headers: { 'if-none-match': '"0"' } });
    assert.equal(other.status, 200);
    await other.text();
  });

  test(`${name}.json is well-formed OpenAPI 3.1`, () => {
    const doc = JSON.parse(file(name));
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(typeof doc.info?.title, 'string');
    assert.equal(typeof doc.info?.version, 'string');
    // Every $ref resolves inside the document.
    const at = (ref) => ref.slice(2).split('/').map((x) => x.replaceAll('~1', '/').replaceAll('~0', '~')).reduce((o, k) => o?.[k], doc);
    const walk = (v, where) => {
      if (!v || typeof v !== 'object') return;
      if (typeof v.$ref === 'string') {
        assert.ok(v.$ref.startsWith('#/'), `${where}: only local $refs (${v.$ref})`);
        assert.ok(at(v.$ref) !== undefined, `${where}: $ref ${v.$ref} resolves to nothing`);
      }
      for (const [k, x] of Object.entries(v)) walk(x, `${where}/${k}`);
    };
    walk(doc, '#');
    const opIds = new Set();
    const deref = (o) => (o?.$ref ? deref(at(o.$ref)) : o);
    for (const [t, item] of Object.entries(doc.paths)) {
      assert.ok(t.startsWith('/'), `path ${t} starts with /`);
      const vars = [...t.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [m, op] of Object.entries(item)) {
        assert.ok(METHODS.includes(m), `${t}: ${m} is no HTTP method`);
        assert.ok(op.operationId && !opIds.has(op.operationId), `${m} ${t}: a unique operationId`);
        opIds.add(op.operationId);
        const params = (op.parameters || []).map(deref);
        const inPath = params.filter((p) => p.in === 'path').map((p) => p.name).sort();
        assert.deepEqual(inPath, [...vars].sort(), `${m} ${t}: one path parameter per template variable`);
        for (const p of params) {
          assert.ok(['query', 'header', 'path', 'cookie'].includes(p.in), `${m} ${t}: parameter ${p.name} in ${p.in}`);
          assert.ok(p.schema, `${m} ${t}: parameter ${p.name} has a schema`);
          if (p.in === 'path') assert.equal(p.required, true, `${m} ${t}: path parameter ${p.name} is required`);
        }
        assert.ok(Object.keys(op.responses || {}).length > 0, `${m} ${t}: responses`);
        for (const [code, resp] of Object.entries(op.responses)) {
          assert.match(code, /^([1-5]\d\d|[1-5]XX|default)$/, `${m} ${t}: status ${code}`);
          assert.equal(typeof deref(resp).description, 'string', `${m} ${t} ${code}: a description`);
        }
      }
    }
    // Every schema compiles as JSON Schema 2020-12 (OpenAPI 3.1's dialect).
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ ...doc, $id: `x-${name}` });
    for (const n of Object.keys(doc.components.schemas)) assert.ok(ajv.getSchema(`x-${name}#/components/schemas/${n}`), n);
  });
}

test("every route of `ticketd routes` is in its dialect's document, and the documents list nothing else", () => {
  const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split(' '));
  const docs = Object.fromEntries(DIALECT_DOCS.map((n) => [n, JSON.parse(file(n))]));
  const served = Object.fromEntries(DIALECT_DOCS.map((n) => [n, new Set()]));
  let n = 0;
  for (const [method, p] of routes) {
    for (const name of owners(p)) {
      n++;
      const item = Object.entries(docs[name].paths).find(([t]) => norm(t) === norm(p));
      assert.ok(item && item[1][method.toLowerCase()], `${name}.json lacks ${method} ${p}`);
      served[name].add(`${method.toLowerCase()} ${norm(p)}`);
    }
  }
  assert.ok(n > 90, `the vendor routes were read (${n})`);
  for (const name of DIALECT_DOCS)
    for (const [t, item] of Object.entries(docs[name].paths))
      for (const m of Object.keys(item))
        assert.ok(served[name].has(`${m} ${norm(t)}`), `${name}.json lists ${m} ${t}, which the server does not route`);
});

test('the answer check catches drift: an undocumented key, a missing route, an unlisted status', () => {
  const headers = new Headers({ 'content-type': 'application/json' });
  const ok = { status: 200, headers, json: { status: 200 }, text: '{"status":200}' };
  checkDialectAnswer('DELETE', '/v2/agency/plans/3f1c2b8e-0000-4000-8000-000000000000', ok);
  const extra = { ...ok, json: { status: 200, surprise: 1 }, text: '{"status":200,"surprise":1}' };
  assert.throws(() => checkDialectAnswer('DELETE', '/v2/agency/plans/3f1c2b8e-0000-4000-8000-000000000000', extra), /additional properties/);
  assert.throws(() => checkDialectAnswer('GET', '/v2/agency/nothing-here', ok), /not in the document/);
  const teapot = { ...ok, status: 418 };
  assert.throws(() => checkDialectAnswer('DELETE', '/v2/agency/plans/3f1c2b8e-0000-4000-8000-000000000000', teapot), /does not list status 418/);
  assert.ok(show(ok));
});
