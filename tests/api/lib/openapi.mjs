// The vendor dialects' OpenAPI documents (docs/openapi/tamio.json, zaia.json, apizee.json, the
// ones the server embeds) as answer checks: harness.request() passes every answer of a dialect
// path here, so every API test validates what it receives without being edited. An answer whose
// path, method, status or content type its document does not list, or whose JSON body the
// schema refuses, fails the test that made it: the documents and the server cannot drift apart.
// Unknown paths and methods are checked against the document's E404 / E405 responses.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DIALECT_DOCS = ['tamio', 'zaia', 'apizee'];
const PREFIX = { tamio: '/v2', zaia: '/api/v1', apizee: '/api/v3' };

const show = (r) => `HTTP ${r.status} ${r.text && r.text.length > 2000 ? r.text.slice(0, 2000) + '…' : r.text}`;
const escapePtr = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1');
const header = (r, h) => (typeof r.headers?.get === 'function' ? r.headers.get(h) : r.headers?.[h]) || '';

const ajv = new Ajv2020({ strict: false, allErrors: true });
const docs = {};
export function loadDoc(name) {
  if (docs[name]) return docs[name];
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/openapi', `${name}.json`), 'utf8'));
  ajv.addSchema({ ...doc, $id: name });
  // The path templates as regular expressions, most literal first.
  const routes = Object.keys(doc.paths)
    .map((t) => ({
      t,
      re: new RegExp(`^${t.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      literal: t.replace(/\{[^}]+\}/g, '').length,
    }))
    .sort((a, b) => b.literal - a.literal);
  docs[name] = { name, doc, routes, validators: new Map() };
  return docs[name];
}

// The document that describes path p (a path with its query), or null (not a vendor dialect).
export function docFor(p) {
  const bare = p.split('?')[0];
  if (bare === '/files' || bare.startsWith('/files/')) return 'tamio'; // in all three; one checks
  for (const [name, pre] of Object.entries(PREFIX)) if (bare === pre || bare.startsWith(pre + '/')) return name;
  return null;
}

function validate(d, ptr, body, what, r) {
  let v = d.validators.get(ptr);
  if (!v) {
    v = ajv.getSchema(`${d.name}#${ptr}`);
    assert.ok(v, `OpenAPI ${d.name}: no schema at ${ptr}`);
    d.validators.set(ptr, v);
  }
  assert.ok(body !== undefined, `OpenAPI ${d.name}: ${what}: the body is no JSON: ${show(r)}`);
  if (!v(body)) assert.fail(`OpenAPI ${d.name}: ${what}: ${ajv.errorsText(v.errors)}\n${show(r)}`);
}

// The response object at ptr (a $ref followed), with the pointer of where it really is.
function resolve(doc, ptr) {
  let obj = ptr.split('/').slice(1).map((x) => x.replaceAll('~1', '/').replaceAll('~0', '~')).reduce((o, k) => o?.[k], doc);
  while (obj?.$ref) {
    ptr = obj.$ref.slice(1);
    obj = ptr.split('/').slice(1).map((x) => x.replaceAll('~1', '/').replaceAll('~0', '~')).reduce((o, k) => o?.[k], doc);
  }
  return { obj, ptr };
}

function checkBody(d, resp, rptr, method, what, r) {
  if (method === 'HEAD' || r.status === 304 || r.status === 204 || !resp.content) {
    assert.ok(!r.text, `OpenAPI ${d.name}: ${what} documents no body, got ${show(r)}`);
    return;
  }
  const ctype = header(r, 'content-type').split(';')[0].trim().toLowerCase();
  const key = [ctype, `${ctype.split('/')[0]}/*`, '*/*'].find((k) => resp.content[k]);
  assert.ok(key, `OpenAPI ${d.name}: ${what} does not list ${ctype} (${show(r)})`);
  if (!key.endsWith('json')) return;
  validate(d, `${rptr}/content/${escapePtr(key)}/schema`, r.json, what, r);
}

// Checks one answer r ({status, text, json, headers}) of METHOD P against its dialect's
// document; a path of no vendor dialect is left alone.
export function checkDialectAnswer(method, p, r) {
  const name = docFor(p);
  if (!name) return;
  // libmicrohttpd's own refusals of a request line or headers too large to parse (docs/TAMIO.md
  // "Limits of the HTTP layer") come before any dialect sees the request.
  if ((r.status === 414 || r.status === 431) && !/json/.test(header(r, 'content-type'))) return;
  const d = loadDoc(name);
  const bare = p.split('?')[0];
  const route = d.routes.find((x) => x.re.test(bare));
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  const op = route && d.doc.paths[route.t][m];
  if (!op) {
    // Not a documented operation: only the dialect's no-route answers may come back.
    const code = route ? 405 : 404;
    assert.ok(r.status === code || (route && r.status === 404),
      `OpenAPI ${name}: ${method} ${bare} is not in the document (${show(r)})`);
    const { obj, ptr } = resolve(d.doc, `/components/responses/E${r.status}`);
    checkBody(d, obj, ptr, method, `${method} ${bare} (no route) ${r.status}`, r);
    return;
  }
  const code = String(r.status);
  assert.ok(op.responses[code], `OpenAPI ${name}: ${method} ${route.t} does not list status ${code} (${show(r)})`);
  const { obj, ptr } = resolve(d.doc, `/paths/${escapePtr(route.t)}/${m}/responses/${code}`);
  checkBody(d, obj, ptr, method, `${method} ${route.t} ${code}`, r);
}
