// ticketd's own API (/ticketd/v1) for the black-box tests: every answer is checked against the
// OpenAPI document (docs/openapi/ticketd-v1.json, the one the server embeds) with ajv, so the
// document and the server cannot drift apart. nat(s) gives request helpers bound to a server;
// an answer whose path, method, status or content type the document does not list, or whose
// body its schema refuses, fails the test that made it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { REPO_ROOT, request, show } from './harness.mjs';

export const N = '/ticketd/v1';
export const DOC = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/openapi/ticketd-v1.json'), 'utf8'));

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ ...DOC, $id: 'ticketd-v1' });

// The document's path templates as regular expressions, most literal first.
const routes = Object.keys(DOC.paths)
  .map((t) => ({
    t,
    re: new RegExp(`^${N}${t.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    literal: t.replace(/\{[^}]+\}/g, '').length,
  }))
  .sort((a, b) => b.literal - a.literal);

const escapePtr = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1');
const validators = new Map();
function validatorFor(ref) {
  let v = validators.get(ref);
  if (!v) {
    v = ajv.getSchema(`ticketd-v1#${ref}`);
    assert.ok(v, `OpenAPI: no schema at ${ref}`);
    validators.set(ref, v);
  }
  return v;
}

// Resolves a {$ref} response object to the response itself.
function deref(obj) {
  while (obj && obj.$ref) {
    const parts = obj.$ref.replace(/^#\//, '').split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    obj = parts.reduce((o, k) => o?.[k], DOC);
  }
  return obj;
}

// Checks one answer of METHOD PATH against the document: the path and method are listed, the
// status is (or "default"), the content type is one the status lists, and the body matches.
export function checkAnswer(method, p, r) {
  const bare = p.split('?')[0];
  const route = routes.find((x) => x.re.test(bare));
  assert.ok(route, `OpenAPI: ${method} ${bare} is not in the document (${show(r)})`);
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  const op = DOC.paths[route.t][m];
  assert.ok(op, `OpenAPI: ${method} ${route.t} is not in the document (${show(r)})`);
  const code = String(r.status);
  const resp = deref(op.responses[code] || op.responses.default);
  assert.ok(resp, `OpenAPI: ${method} ${route.t} does not list status ${code} (${show(r)})`);
  if (method === 'HEAD' || r.status === 304 || !resp.content) {
    assert.ok(!r.text, `OpenAPI: ${method} ${route.t} ${code} documents no body, got ${show(r)}`);
    return;
  }
  const ctype = (r.headers.get('content-type') || '').split(';')[0].trim();
  const media = resp.content[ctype];
  assert.ok(media, `OpenAPI: ${method} ${route.t} ${code} does not list ${ctype} (${show(r)})`);
  if (!media.schema || ctype === 'text/event-stream') return;
  // The schema in place, by its JSON pointer, so $refs inside resolve against the document.
  const where = `/paths/${escapePtr(route.t)}/${m}/responses/${op.responses[code] ? code : 'default'}`;
  const ptr = op.responses[code]?.$ref || op.responses.default?.$ref
    ? `${(op.responses[code] || op.responses.default).$ref.slice(1)}/content/${escapePtr(ctype)}/schema`
    : `${where}/content/${escapePtr(ctype)}/schema`;
  const validate = validatorFor(ptr);
  assert.ok(r.json !== undefined, `OpenAPI: ${method} ${route.t} ${code}: the body is no JSON: ${show(r)}`);
  if (!validate(r.json))
    assert.fail(`OpenAPI: ${method} ${route.t} ${code}: ${ajv.errorsText(validate.errors)}\n${show(r)}`);
}

// Request helpers bound to server s (or to a base URL and key): every answer is checked.
// call(method, path, body?, opts) as harness.request (opts.key: another key or token; null: none).
export function nat(s, key = s.key) {
  const call = async (method, p, body, opts = {}) => {
    const r = await request(s.base, key, method, N + p, body, opts);
    checkAnswer(method, N + p, r);
    return r;
  };
  return {
    call,
    get: (p, opts) => call('GET', p, undefined, opts),
    post: (p, body, opts) => call('POST', p, body, opts),
    patch: (p, body, opts) => call('PATCH', p, body, opts),
    del: (p, opts) => call('DELETE', p, undefined, opts),
    // Answers the body of a 2xx, failing the test with the answer otherwise.
    async ok(method, p, body, opts) {
      const r = await call(method, p, body, opts);
      assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${show(r)}`);
      return r.json;
    },
  };
}

// A problem answer: the status, the problem type's slug and (optionally) the field named.
export function assertProblem(r, status, slug, field) {
  assert.equal(r.status, status, show(r));
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/, show(r));
  assert.equal(r.json.type, `urn:ticketd:problem:${slug}`, show(r));
  assert.equal(r.json.status, status, show(r));
  if (field !== undefined) {
    assert.ok(Array.isArray(r.json.errors), `errors[] expected: ${show(r)}`);
    assert.ok(r.json.errors.some((e) => e.field === field), `errors[] must name ${field}: ${show(r)}`);
  }
}
