// Apizee REST API v3 (/api/v3) helpers for the black-box tests: wire shapes (DIALECTS.md
// section 3 "Decisions" + docs/APIZEE.md), the {code,message} and OAuth error assertions,
// request helpers (query string, JSON, form, multipart), fixtures (teammates with passwords,
// tokens, groups, tickets, medias) and readers for the zip / CSV / PDF answers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { show, uniq, A, ISO_RE, checkValue } from './harness.mjs';
import { checkDialectAnswer } from './openapi.mjs';

export const V = '/api/v3';
export const Z = '/api/v1';

// ISO 8601 UTC, as Apizee documents it (2020-01-01T15:00:00Z), milliseconds allowed.
export { ISO_RE };

export const STATES = ['new', 'open', 'invited', 'inprogress', 'done', 'closed', 'rejected', 'declined',
  'expired', 'cancelled'];

// Type specs: 'uuid', 'iso', 'string', 'integer', 'boolean', 'array' (a trailing '?' allows
// null), an array of allowed values, or a nested spec object (prefix the key's spec with '?'
// via {nullable: true, shape}).
export const SHAPE = {
  ticket: {
    id: 'uuid', reference: 'string?', type: 'string?', subject: 'string', description: 'string',
    state: STATES, language: 'string?',
    agent: { nullable: true, shape: { id: 'uuid', username: 'string?', name: 'string', email: 'string' } },
    group: { nullable: true, shape: { id: 'uuid', name: 'string' } },
    requestor: {
      nullable: true,
      shape: {
        id: 'uuid', name: 'string', firstname: 'string?', email: 'string?', phone: 'string?',
        company: 'string?', gender: 'string?', country: 'string?',
      },
    },
    service_key: 'string?', start_date: 'iso?', duration: 'integer?', reminder: 'integer?',
    send_invitation: 'boolean', created_at: 'iso', updated_at: 'iso', started_at: 'iso?',
    ended_at: 'iso?', medias_count: 'integer',
  },
  media: {
    id: 'uuid', ticket_id: 'uuid', title: 'string', filename: 'string', extension: 'string?',
    media_type: ['image', 'video', 'audio', 'document'], mime_type: 'string', size: 'integer',
    status: ['pending', 'completed', 'failed'], source: ['snapshot', 'recording', 'upload'],
    tags: 'array', user_id: 'uuid?', width: 'integer?', height: 'integer?', url: 'string',
    thumbnails: 'array', created_at: 'iso', updated_at: 'iso',
  },
  event: {
    id: 'uuid', ticket_id: 'uuid', type: 'string',
    actor: { nullable: false, shape: { type: ['user', 'contact', 'key', 'system'], id: 'uuid?' } },
    data: 'object', created_at: 'iso',
  },
  thumbnail: { url: 'string', width: 'integer', height: 'integer' },
};

// Every key of the shape, with its type, and no other key.
export function assertAShape(obj, shape, where = '$') {
  assert.ok(obj && typeof obj === 'object' && !Array.isArray(obj), `${where} must be an object, got ${JSON.stringify(obj)}`);
  assert.deepEqual(Object.keys(obj).sort(), Object.keys(shape).sort(), `${where} keys: ${JSON.stringify(obj)}`);
  for (const [k, spec] of Object.entries(shape)) checkValue(obj[k], spec, `${where}.${k}`, assertAShape);
}

export const assertTicket = (t, w = 'ticket') => assertAShape(t, SHAPE.ticket, w);
export function assertMedia(m, w = 'media') {
  assertAShape(m, SHAPE.media, w);
  m.tags.forEach((t, i) => assert.equal(typeof t, 'string', `${w}.tags[${i}] must be a string`));
  m.thumbnails.forEach((t, i) => assertAShape(t, SHAPE.thumbnail, `${w}.thumbnails[${i}]`));
}
export const assertEvent = (e, w = 'event') => assertAShape(e, SHAPE.event, w);

// The list envelope: exactly {data, total, next_offset}.
export function assertEnvelope(body, w = 'list') {
  assert.ok(body && typeof body === 'object', `${w} must be a JSON object`);
  assert.deepEqual(Object.keys(body).sort(), ['data', 'next_offset', 'total'], `${w} envelope keys: ${JSON.stringify(body).slice(0, 500)}`);
  assert.ok(Array.isArray(body.data), `${w}.data must be an array`);
  assert.ok(Number.isInteger(body.total) && body.total >= 0, `${w}.total must be an integer`);
  assert.ok(body.next_offset === null || Number.isInteger(body.next_offset), `${w}.next_offset must be an integer or null`);
  return body;
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Apizee error: HTTP status and a body of exactly {code, message}; `field` must open the message.
export function aErr(res, status, field, what = '') {
  assert.equal(res.status, status, `${what} expected HTTP ${status}${field ? ' naming ' + field : ''}, got ${show(res)}`);
  const b = res.json;
  assert.ok(b && typeof b === 'object' && !Array.isArray(b), `${what} error body must be a JSON object: ${show(res)}`);
  assert.deepEqual(Object.keys(b).sort(), ['code', 'message'], `${what} error keys: ${show(res)}`);
  assert.equal(b.code, status, `${what} code: ${show(res)}`);
  assert.equal(typeof b.message, 'string', `${what} message must be a string: ${show(res)}`);
  assert.ok(b.message.length > 0, `${what} message must not be empty`);
  if (field) assert.match(b.message, new RegExp(`^${esc(field)}\\b`), `${what} message must name ${field}: ${show(res)}`);
  return b;
}

// OAuth error (RFC 6749 5.2): HTTP 400 {error, error_description}.
export function oauthErr(res, error, what = '') {
  assert.equal(res.status, 400, `${what} expected HTTP 400 ${error}, got ${show(res)}`);
  assert.ok(res.json && typeof res.json === 'object', `${what} body must be JSON: ${show(res)}`);
  assert.deepEqual(Object.keys(res.json).sort(), ['error', 'error_description'], `${what} keys: ${show(res)}`);
  assert.equal(res.json.error, error, `${what} error: ${show(res)}`);
  assert.equal(typeof res.json.error_description, 'string');
  assert.ok(res.json.error_description.length > 0);
}

export function ok(res, status = 200, what = '') {
  assert.equal(res.status, status, `${what} expected ${status}, got ${show(res)}`);
  return res.json;
}

// Query string from an object (undefined values dropped).
export function qs(query = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) p.append(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

// apx(server, key?): requests with `Authorization: Bearer <key>` and fixtures that assert success.
export function apx(s, key) {
  const k = key || s.key;
  const call = (m, p, b, o = {}) => s.api(m, p.startsWith('/v2') || p.startsWith('/api/v1') ? p : V + p, b, { key: k, ...o });
  // A body sent as application/x-www-form-urlencoded.
  const form = (m, p, fields, o = {}) => call(m, p, new URLSearchParams(fields).toString(),
    { raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...o });
  const fx = {
    key: k,
    call,
    form,
    // POST /tickets with the parameters as JSON; asserts 201 and the shape.
    async ticket(extra = {}) {
      const r = await call('POST', '/tickets', { email: `${uniq('rq')}@example.com`, subject: 'Video call', ...extra });
      const t = ok(r, 201, 'ticket create');
      assertTicket(t);
      return t;
    },
    async get(id) {
      const t = ok(await call('GET', `/tickets/${id}`), 200, 'ticket get');
      assertTicket(t);
      return t;
    },
    async patch(id, body, method = 'PATCH') {
      const r = await call(method, `/tickets/${id}`, body);
      assert.equal(r.status, 204, `${method} ${JSON.stringify(body)}: ${show(r)}`);
      assert.equal(r.text, '', '204 has no body');
    },
    async list(query = {}) {
      const r = await call('GET', `/tickets${qs(query)}`);
      const b = assertEnvelope(ok(r, 200, `list ${qs(query)}`));
      b.data.forEach((t, i) => assertTicket(t, `data[${i}]`));
      return b;
    },
    async events(id, query = {}) {
      const b = assertEnvelope(ok(await call('GET', `/tickets/${id}/events${qs(query)}`), 200, 'events'));
      b.data.forEach((e, i) => assertEvent(e, `events[${i}]`));
      return b;
    },
    async medias(id, query = {}) {
      const b = assertEnvelope(ok(await call('GET', `/tickets/${id}/medias${qs(query)}`), 200, `medias ${qs(query)}`));
      b.data.forEach((m, i) => assertMedia(m, `medias[${i}]`));
      return b;
    },
    // Tamio teammate with a password (and optional username / role).
    async teammate(extra = {}) {
      const body = { name: 'Ann', last_name: 'Agent', email: `${uniq('tm')}@example.com`, password: 'correct horse', ...extra };
      const r = await call('POST', `${A}/teammates/create`, body);
      assert.equal(r.status, 200, `teammate create: ${show(r)}`);
      return { ...r.json.teammate, password: body.password };
    },
    async team(extra = {}) {
      const r = await call('POST', `${Z}/ticketing-teams`, { name: uniq('team'), ...extra }, { auth: 'raw' });
      return ok(r, 200, 'team create');
    },
    // A token for username/password (query string grant); asserts 200.
    async token(username, password) {
      const r = await s.api('POST', `${V}/token${qs({ grant_type: 'password', username, password })}`, undefined, { key: null });
      const b = ok(r, 200, 'token');
      assert.match(b.access_token, /^atk_[0-9a-f]{64}$/);
      return b.access_token;
    },
    async upload(ticketId, fields, o = {}) {
      return uploadMedia(s, ticketId, fields, { key: k, ...o });
    },
    async tamioTotal() {
      const r = await call('GET', `${A}/tickets/list?page=1&per_page=100`);
      assert.equal(r.status, 200, show(r));
      return r.json.total_results;
    },
    async clientsTotal() {
      const r = await call('GET', `${A}/clients/list?page=1&per_page=100`);
      assert.equal(r.status, 200, show(r));
      return r.json.total_results;
    },
  };
  return fx;
}

// Multipart upload to POST /api/v3/tickets/{id}/medias. fields: {file: {bytes, filename, type},
// source, tag, title}; text fields first, then the file.
export async function uploadMedia(s, ticketId, fields, { key } = {}) {
  const form = new FormData();
  for (const [name, v] of Object.entries(fields)) if (name !== 'file' && v !== undefined) form.append(name, v);
  if (fields.file) {
    form.append('file', new Blob([fields.file.bytes], fields.file.type ? { type: fields.file.type } : {}),
      fields.file.filename ?? 'file');
  }
  const enc = new Response(form);
  const body = Buffer.from(await enc.arrayBuffer());
  const headers = { 'content-type': enc.headers.get('content-type') };
  const k = key === undefined ? s.key : key;
  if (k !== null) headers.authorization = `Bearer ${k}`;
  const res = await fetch(`${s.base}${V}/tickets/${ticketId}/medias`, { method: 'POST', headers, body });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  const r = { status: res.status, json, text, headers: res.headers };
  checkDialectAnswer('POST', `${V}/tickets/${ticketId}/medias`, r);
  return r;
}

// Raw bytes of a GET (any URL).
export async function fetchBytes(url, headers = {}) {
  const res = await fetch(url, { headers });
  const r = { status: res.status, headers: res.headers, buf: Buffer.from(await res.arrayBuffer()) };
  const ctype = res.headers.get('content-type') || '';
  const text = /json/.test(ctype) ? r.buf.toString('utf8') : '';
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  checkDialectAnswer('GET', new URL(url).pathname, { ...r, text: r.buf.length ? text || '(bytes)' : '', json });
  return r;
}

// ---- test files ----

export const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-apizee-fx-'));
let fileSeq = 0;

// A w x h image through the vips CLI (libvips-tools): each call gets its own pixels.
export function image(w, h, ext = 'png') {
  const n = ++fileSeq;
  const out = path.join(workDir, `img-${process.pid}-${n}.${ext}`);
  // a gradient plus a per-call constant, so no two files share a blob
  const src = path.join(workDir, `grey-${n}.v`);
  execFileSync('vips', ['xyz', src, String(w), String(h)], { stdio: 'pipe' });
  const lin = path.join(workDir, `lin-${n}.v`);
  execFileSync('vips', ['linear', src, lin, '1', String((n * 7) % 50), '--uchar'], { stdio: 'pipe' });
  execFileSync('vips', ['copy', lin, out], { stdio: 'pipe' });
  return fs.readFileSync(out);
}
export const png = (w = 40, h = 30) => image(w, h, 'png');
export const jpeg = (w = 48, h = 32) => image(w, h, 'jpg');
export const text = (s) => Buffer.from(s ?? `notes ${uniq('txt')}\nline two\n`, 'utf8');
export const binary = (n = 2048) => Buffer.concat([Buffer.from([0x00, 0xff, 0xfe, 0x01]), randomBytes(n - 4)]);

// ---- zip, CSV, PDF readers ----

// Entries of a zip, read with the unzip CLI: {name: Buffer}.
export function unzipAll(buf) {
  const file = path.join(workDir, `z-${process.pid}-${++fileSeq}.zip`);
  fs.writeFileSync(file, buf);
  execFileSync('unzip', ['-tq', file], { stdio: 'pipe' }); // CRCs and structure
  const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const out = {};
  for (const n of names) out[n] = execFileSync('unzip', ['-p', file, n], { maxBuffer: 64 << 20 });
  return out;
}

// Compression methods of each central-directory entry (0 = stored), parsed in JS.
export function zipMethods(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'zip end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory header');
    const method = buf.readUInt16LE(p + 10);
    const nl = buf.readUInt16LE(p + 28);
    const el = buf.readUInt16LE(p + 30);
    const cl = buf.readUInt16LE(p + 32);
    out[buf.toString('utf8', p + 46, p + 46 + nl)] = method;
    p += 46 + nl + el + cl;
  }
  return out;
}

// RFC 4180 parser: rows of fields; CRLF (or LF) line ends; "" escapes a quote.
export function parseCsv(s) {
  const rows = [];
  let row = [];
  let f = '';
  let i = 0;
  let quoted = false;
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { f += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      f += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(f); f = ''; i++; continue; }
    if (c === '\r' && s[i + 1] === '\n') { row.push(f); rows.push(row); row = []; f = ''; i += 2; continue; }
    if (c === '\n') { row.push(f); rows.push(row); row = []; f = ''; i++; continue; }
    f += c; i++;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

// The text of a PDF, by pdftotext (poppler-utils).
export function pdfText(buf) {
  const file = path.join(workDir, `p-${process.pid}-${++fileSeq}.pdf`);
  fs.writeFileSync(file, buf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}
