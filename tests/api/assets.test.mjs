// Attachments: uploads (Asset shape, sniffed types, thumbnails), signed file URLs (headers,
// ranges, conditional requests), access control, limits and bad input (nothing left on disk),
// dedup and delete, wiring to tickets, and durability across kill -9.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  startServer, fixtures, assertOk, assertErr, assertAssetShape, A, UUID_RE, UNAUTHORIZED, TOO_LARGE,
  SEED_ASSET, show, uuid, sql, socketHttp,
} from './lib/harness.mjs';

const MAX_UPLOAD = 200000;
const ASSET_KEYS = Object.keys(SEED_ASSET).sort();

// ---------------------------------------------------------------------------------------------
// Test files, generated here.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function ihdr(w, h) {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(w, 0);
  d.writeUInt32BE(h, 4);
  d[8] = 8; // bit depth
  d[9] = 2; // RGB
  return d; // compression, filter, interlace 0
}

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Every image gets its own colours, so no two tests share a blob (or a thumbnail) by accident.
let imageSeq = 0;

// A w x h RGB gradient PNG, built by hand (zlib + CRC32).
function png(w, h) {
  const seed = (++imageSeq * 37 + process.pid) & 0xff;
  const stride = w * 3 + 1;
  const raw = Buffer.alloc(stride * h);
  for (let y = 0; y < h; y++) {
    raw[y * stride] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const o = y * stride + 1 + x * 3;
      raw[o] = (Math.floor((x * 255) / w) + seed) & 0xff;
      raw[o + 1] = Math.floor((y * 255) / h) & 0xff;
      raw[o + 2] = (x + y + seed * 3) & 0xff;
    }
  }
  return Buffer.concat([PNG_SIG, pngChunk('IHDR', ihdr(w, h)), pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0))]);
}

// A valid PNG header declaring w x h pixels with a tiny IDAT (a "decompression bomb" header).
function pngHugeHeader(w, h) {
  return Buffer.concat([PNG_SIG, pngChunk('IHDR', ihdr(w, h)),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(64))), pngChunk('IEND', Buffer.alloc(0))]);
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-assets-fx-'));

// Other image formats through the vips CLI (libvips-tools), from one of our PNGs.
function viaVips(w, h, ext) {
  const n = ++imageSeq;
  const src = path.join(workDir, `src-${n}.png`);
  const out = path.join(workDir, `out-${n}.${ext}`);
  fs.writeFileSync(src, png(w, h));
  execFileSync('vips', ['copy', src, out], { stdio: ['ignore', 'pipe', 'pipe'] });
  return fs.readFileSync(out);
}
const jpeg = (w, h) => viaVips(w, h, 'jpg');

function pdf() {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
      '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n' +
      `% ${randomUUID()}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  );
}

// Random bytes that sniff as nothing in particular (not UTF-8 text: starts with 0x00 0xff).
const binary = (n = 4096) => Buffer.concat([Buffer.from([0x00, 0xff, 0xfe, 0x01]), randomBytes(n - 4)]);

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

// WebP canvas size from its header: VP8 (lossy), VP8L (lossless) or VP8X (extended).
function webpSize(b) {
  assert.equal(b.toString('ascii', 0, 4), 'RIFF', 'a WebP starts with RIFF');
  assert.equal(b.toString('ascii', 8, 12), 'WEBP', 'a WebP has the WEBP form type');
  const chunk = b.toString('ascii', 12, 16);
  if (chunk === 'VP8 ') {
    assert.deepEqual([...b.subarray(23, 26)], [0x9d, 0x01, 0x2a], 'VP8 start code');
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    assert.equal(b[20], 0x2f, 'VP8L signature');
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  }
  throw new Error(`not a WebP chunk: ${JSON.stringify(chunk)}`);
}

// ---------------------------------------------------------------------------------------------
// Requests.

let s; // the shared server (--max-upload MAX_UPLOAD)
let fx;
let ws2; // another workspace of the same server: {key}

const parse = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

// Multipart upload: the body is built by FormData (text fields first, then `file`, as a browser
// form would), serialized with Response and sent in one write (see the "split" tests below for
// why). fields: {file: {bytes, filename}, alt_text, folder, ...}; an array value appends the
// field once per element.
async function upload(fields, { key, path: p = `${A}/assets/upload`, server = s } = {}) {
  const { body, contentType } = await formBody(fields);
  const headers = { 'content-type': contentType };
  const k = key === undefined ? server.key : key;
  if (k !== null) headers.authorization = `Bearer ${k}`;
  return rawPost(p, body, { headers, server });
}

function formData(fields) {
  const form = new FormData();
  const entries = Object.entries(fields);
  const isFile = (v) => v && typeof v === 'object' && v.bytes;
  const ordered = [...entries.filter(([, v]) => ![v].flat().some(isFile)), ...entries.filter(([, v]) => [v].flat().some(isFile))];
  for (const [name, v] of ordered) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (isFile(one)) form.append(name, new Blob([one.bytes]), one.filename ?? 'file');
      else form.append(name, one);
    }
  }
  return form;
}

async function formBody(fields) {
  const enc = new Response(formData(fields));
  return { body: Buffer.from(await enc.arrayBuffer()), contentType: enc.headers.get('content-type') };
}

// Uploads and asserts success; answers the Asset.
async function uploadOk(bytes, filename, extra = {}, opts = {}) {
  const r = await upload({ file: { bytes, filename }, ...extra }, opts);
  assert.equal(r.status, 200, `upload ${filename}: ${show(r)}`);
  assert.equal(r.json.status, 200, show(r));
  assert.deepEqual(Object.keys(r.json).sort(), ['asset', 'status']);
  return r.json.asset;
}

// A hand-built multipart body: parts [{name, filename?, type?, data}].
function multipart(parts, boundary = `----ticketd${randomBytes(8).toString('hex')}`) {
  const chunks = [];
  for (const p of parts) {
    let h = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) h += `; filename="${p.filename}"`;
    h += '\r\n';
    if (p.type || p.filename !== undefined) h += `Content-Type: ${p.type || 'application/octet-stream'}\r\n`;
    chunks.push(Buffer.from(h + '\r\n'), Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

// POST with node:http. chunked: Transfer-Encoding chunked, written in pieces; else Content-Length
// (on a raw socket: socketHttp). Resolves on the answer, tolerating the server closing the
// connection before reading it all. pieces: Buffers sent as one chunk each (implies chunked).
function rawPost(p, body, { headers = {}, chunked = false, pieces, server = s } = {}) {
  if (pieces) chunked = true;
  if (!chunked) return socketHttp(server.base, 'POST', p, { headers, body });
  const u = new URL(server.base + p);
  return new Promise((resolve, reject) => {
    let answered = false;
    const h = { ...headers, 'transfer-encoding': 'chunked' };
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: h, agent: false },
      (res) => {
        answered = true;
        const got = [];
        res.on('data', (c) => got.push(c));
        res.on('error', () => {});
        res.on('end', () => {
          const text = Buffer.concat(got).toString('utf8');
          resolve({ status: res.statusCode, text, json: parse(text), headers: res.headers });
        });
      });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const parts = pieces || [];
    if (!pieces) for (let o = 0; o < body.length; o += 16384) parts.push(body.subarray(o, o + 16384));
    (async () => {
      for (const part of parts) {
        if (answered) break;
        if (!req.write(part)) {
          await new Promise((r) => {
            const done = () => { req.off('drain', done); req.off('close', done); r(); };
            req.on('drain', done);
            req.on('close', done);
          });
        }
      }
      req.end();
    })().catch(() => {});
  });
}

// GET/HEAD of a (full) URL; answers the raw bytes.
async function download(url, { method = 'GET', headers = {} } = {}) {
  const res = await fetch(url, { method, headers });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, buf, json: parse(buf.toString('utf8')), text: buf.toString('utf8') };
}

const withKey = (k) => ({ headers: { authorization: `Bearer ${k}` } });
const noQuery = (url) => url.split('?')[0];
const sig = (url) => new URL(url).searchParams.get('signature');

// A URL with one query parameter replaced.
function withParam(url, name, value) {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

// The asset with its URLs reduced to their paths (the query changes with the hour).
function urlless(a) {
  return {
    ...a,
    public_url: noQuery(a.public_url),
    thumbnails: a.thumbnails.map((t) => ({ ...t, url: noQuery(t.url) })),
  };
}

// Files error body on /files: exactly {status, error}.
function assertFilesErr(r, code, what = '') {
  assert.equal(r.status, code, `${what} expected HTTP ${code}, got HTTP ${r.status} ${r.text}`);
  assert.ok(r.json && typeof r.json === 'object', `${what} error body must be JSON: ${r.text}`);
  assert.equal(r.json.status, code, `${what} body.status: ${r.text}`);
  assert.equal(typeof r.json.error, 'string', `${what} body.error: ${r.text}`);
  assert.ok(r.json.error.length > 0);
  assert.deepEqual(Object.keys(r.json).sort(), ['error', 'status'], `${what} error keys: ${r.text}`);
}

// ---------------------------------------------------------------------------------------------
// Disk.

// Relative paths "ab/abcdef..." of every blob (tmp/ excluded).
function blobFiles(server = s) {
  const root = path.join(server.dataDir, 'blobs');
  const out = [];
  for (const d of fs.readdirSync(root)) {
    if (d === 'tmp') continue;
    const dir = path.join(root, d);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir)) out.push(`${d}/${f}`);
  }
  return out.sort();
}
const tmpFiles = (server = s) => fs.readdirSync(path.join(server.dataDir, 'blobs', 'tmp'));
const blobPath = (hash, server = s) => path.join(server.dataDir, 'blobs', hash.slice(0, 2), hash);
const blobExists = (hash, server = s) => fs.existsSync(blobPath(hash, server));

function assetRows(server = s) {
  return Number(sql(server.dataDir, 'SELECT count(*) FROM assets'));
}

// A request's temp file is unlinked when the server releases the request, which may be just
// after its answer went out: wait (bounded) for tmp/ to be empty, then assert it.
async function assertTmpEmpty(server = s, what = '') {
  const deadline = Date.now() + 5000;
  while (tmpFiles(server).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(tmpFiles(server), [], `${what} blobs/tmp/ must be empty`);
}

// Snapshot of the disk and the asset rows; .check() asserts nothing was added.
function snapshot(server = s) {
  const blobs = blobFiles(server);
  const rows = assetRows(server);
  return {
    async check(what = '') {
      assert.deepEqual(blobFiles(server), blobs, `${what}: no new blob file`);
      assert.equal(assetRows(server), rows, `${what}: no new asset row`);
      await assertTmpEmpty(server, what);
    },
  };
}

// ---------------------------------------------------------------------------------------------

before(async () => {
  s = await startServer({ args: ['--max-upload', String(MAX_UPLOAD)] });
  fx = fixtures(s);
  ws2 = s.newWorkspaceKey();
});
after(async () => {
  await s?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('upload & Asset shape', () => {
  test('a 300x200 PNG: exact Asset keys and values, signed URLs under the listen address', async () => {
    const bytes = png(300, 200);
    const t0 = Math.floor(Date.now() / 1000);
    const a = await uploadOk(bytes, 'screenshot.png');
    const t1 = Math.floor(Date.now() / 1000);
    assertAssetShape(a);
    assert.deepEqual(Object.keys(a).sort(), ASSET_KEYS, 'exactly the seed Asset keys');
    assert.match(a.id, UUID_RE);
    assert.equal(a.object, 'asset');
    assert.equal(a.filename, 'screenshot.png');
    assert.equal(a.extension, 'png');
    assert.equal(a.filesize, bytes.length);
    assert.equal(a.type, 'image');
    assert.equal(a.version, 1);
    assert.equal(a.status, 'ready');
    assert.equal(a.alt_text, null);
    assert.equal(a.width, 300);
    assert.equal(a.height, 200);
    assert.equal(a.folder, null);
    assert.ok(Number.isInteger(a.created_at) && a.created_at >= t0 && a.created_at <= t1, `created_at ${a.created_at}`);
    assert.equal(a.updated_at, a.created_at);
    assert.match(a.public_url,
      new RegExp(`^${s.base}/files/${a.id}/screenshot\\.png\\?expires=\\d+&signature=[0-9a-f]{32}$`));
    const exp = Number(new URL(a.public_url).searchParams.get('expires'));
    assert.ok(exp > t1 + 23 * 3600 && exp <= t1 + 26 * 3600, `expires ${exp} is about a day ahead`);
    assert.equal(a.thumbnails.length, 2);
    a.thumbnails.forEach((th, i) => {
      assert.deepEqual(Object.keys(th).sort(), ['height', 'url', 'width']);
      const box = [160, 640][i];
      assert.match(th.url,
        new RegExp(`^${s.base}/files/${a.id}/thumbnails/${box}\\.webp\\?expires=${exp}&signature=[0-9a-f]{32}$`));
    });
  });

  test('/v2/assets/upload works too; alt_text echoed; folder echoed lower-case', async () => {
    const folder = randomUUID();
    const a = await uploadOk(pdf(), 'Manual.pdf', { alt_text: 'User manual \u{1F4D6}', folder: folder.toUpperCase() },
      { path: '/v2/assets/upload' });
    assertAssetShape(a);
    assert.equal(a.alt_text, 'User manual \u{1F4D6}');
    assert.equal(a.folder, folder);
    assert.equal(a.filename, 'Manual.pdf');
    assert.equal(a.extension, 'pdf');
  });

  test('retrieve answers the uploaded asset (agency and /v2 paths, upper-case id)', async () => {
    const a = await uploadOk(png(40, 30), 'r.png', { alt_text: 'x' });
    for (const p of [`${A}/assets/retrieve/${a.id}`, `/v2/assets/retrieve/${a.id}`, `${A}/assets/retrieve/${a.id.toUpperCase()}`]) {
      const got = assertOk(await s.api('GET', p), p);
      assert.deepEqual(Object.keys(got).sort(), ['asset', 'status']);
      assertAssetShape(got.asset);
      assert.deepEqual(urlless(got.asset), urlless(a), p);
    }
  });

  test('the type is sniffed from the bytes, not the name; a PDF is a document without dimensions or thumbnails', async () => {
    const img = await uploadOk(png(20, 10), 'report.pdf');
    assert.equal(img.type, 'image');
    assert.equal(img.extension, 'pdf', "the extension is the name's own");
    assert.equal(img.width, 20);
    assert.equal(img.thumbnails.length, 1);
    const doc = await uploadOk(pdf(), 'picture.png');
    assert.equal(doc.type, 'document');
    assert.equal(doc.width, null);
    assert.deepEqual(doc.thumbnails, []);
    const r = await download(doc.public_url, { method: 'HEAD' });
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    const bytes = pdf();
    const inv = await uploadOk(bytes, 'invoice.pdf');
    assert.equal(inv.type, 'document');
    assert.equal(inv.extension, 'pdf');
    assert.equal(inv.filesize, bytes.length);
    assert.equal(inv.width, null);
    assert.equal(inv.height, null);
    assert.deepEqual(inv.thumbnails, []);
  });

  test('filename keeps its last path component; extension lower-cased from the name, else from the sniffed type', async () => {
    assert.equal((await uploadOk(png(8, 8), 'PHOTO.PNG')).extension, 'png');
    const noext = await uploadOk(png(8, 8), 'noext');
    assert.equal(noext.extension, 'png');
    assert.equal(noext.filename, 'noext');
    assert.equal((await uploadOk(jpeg(16, 16), 'camera')).extension, 'jpg');
    assert.equal((await uploadOk(pdf(), 'README')).extension, 'pdf');
    const bin = await uploadOk(binary(), 'dump');
    assert.equal(bin.extension, 'bin');
    assert.equal(bin.type, 'document');
    assert.equal((await uploadOk(pdf(), '../../etc/secret.pdf')).filename, 'secret.pdf');
    assert.equal((await uploadOk(pdf(), 'C:\\Users\\ann\\notes.pdf')).filename, 'notes.pdf');
    const unnamed = await uploadOk(pdf(), '..');
    assert.equal(unnamed.filename, 'file.pdf', 'nothing usable left: file.<ext>');
  });

  test('a 1200x900 JPEG: dimensions and two thumbnails 160x120 and 640x480', async () => {
    const a = await uploadOk(jpeg(1200, 900), 'photo.jpg');
    assert.equal(a.type, 'image');
    assert.equal(a.extension, 'jpg');
    assert.equal(a.width, 1200);
    assert.equal(a.height, 900);
    assert.deepEqual(a.thumbnails.map((t) => [t.width, t.height]), [[160, 120], [640, 480]]);
    for (const t of a.thumbnails) {
      const r = await download(t.url);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'image/webp');
      assert.deepEqual(webpSize(r.buf), { width: t.width, height: t.height }, 'the WebP is the size the JSON says');
    }
  });

  test('a 300x200 PNG gets 160x107 and 300x200 (not enlarged) thumbnails, real WebPs of that size; 200x300 fits by height', async () => {
    const a = await uploadOk(png(300, 200), 'wide.png');
    assert.equal(a.thumbnails.length, 2);
    const [t160, t640] = a.thumbnails;
    assert.equal(t160.width, 160);
    assert.ok(Math.abs(t160.height - 107) <= 1, `160-box height ${t160.height}`);
    assert.deepEqual([t640.width, t640.height], [300, 200]);
    for (const t of a.thumbnails) assert.deepEqual(webpSize((await download(t.url)).buf), { width: t.width, height: t.height });
    const tall = await uploadOk(png(200, 300), 'tall.png');
    const [s160, s640] = tall.thumbnails;
    assert.equal(s160.height, 160);
    assert.ok(Math.abs(s160.width - 107) <= 1, `160-box width ${s160.width}`);
    assert.deepEqual([s640.width, s640.height], [200, 300]);
    assert.deepEqual(webpSize((await download(s160.url)).buf), { width: s160.width, height: s160.height });
  });

  test('small images get only the 160 box, never enlarged (100x50; long side exactly 160)', async () => {
    const a = await uploadOk(png(100, 50), 'small.png');
    assert.equal(a.thumbnails.length, 1);
    assert.deepEqual([a.thumbnails[0].width, a.thumbnails[0].height], [100, 50]);
    assert.match(a.thumbnails[0].url, /\/thumbnails\/160\.webp\?/);
    assert.deepEqual(webpSize((await download(a.thumbnails[0].url)).buf), { width: 100, height: 50 });
    const b = await uploadOk(png(160, 80), 'edge.png');
    assert.deepEqual(b.thumbnails.map((t) => [t.width, t.height]), [[160, 80]], 'long side 160: no 640 box');
    const c = await uploadOk(png(161, 80), 'edge2.png');
    assert.equal(c.thumbnails.length, 2, 'long side 161: both boxes');
    assert.deepEqual([c.thumbnails[1].width, c.thumbnails[1].height], [161, 80]);
  });

  test('WebP and GIF uploads are images with thumbnails', async () => {
    for (const ext of ['webp', 'gif']) {
      const a = await uploadOk(viaVips(320, 240, ext), `anim.${ext}`);
      assert.equal(a.type, 'image', ext);
      assert.deepEqual([a.width, a.height], [320, 240], ext);
      assert.deepEqual(a.thumbnails.map((t) => [t.width, t.height]), [[160, 120], [320, 240]], ext);
    }
  });

  test('--public-url sets the base of the URLs; the signed path works on the server', async () => {
    const s2 = await startServer({ args: ['--public-url', 'https://files.example.test'] });
    try {
      const bytes = png(200, 100);
      const a = await uploadOk(bytes, 'p.png', {}, { server: s2 });
      assert.match(a.public_url, new RegExp(`^https://files\\.example\\.test/files/${a.id}/p\\.png\\?expires=\\d+&signature=`));
      assert.ok(a.thumbnails.every((t) => t.url.startsWith(`https://files.example.test/files/${a.id}/thumbnails/`)));
      const u = new URL(a.public_url);
      const r = await download(s2.base + u.pathname + u.search);
      assert.equal(r.status, 200);
      assert.ok(r.buf.equals(bytes));
    } finally {
      await s2.stop();
    }
  });
});

describe('multipart framing', () => {
  // However the body is cut into pieces on the way (TCP segments, HTTP chunks), the upload is the
  // same. Chunked framing makes the cuts deterministic: the server gets each chunk separately.
  test('a body split into two chunks at any byte parses like the whole (file and text fields)', async () => {
    const folder = randomUUID();
    const bytes = Buffer.from(`%PDF-1.4\n% split ${randomUUID()}\n%%EOF\n`);
    const { body, contentType } = await formBody({ alt_text: 'hello world', folder, file: { bytes, filename: 'split.pdf' } });
    const failures = [];
    for (let i = 1; i < body.length; i++) {
      const r = await rawPost(`${A}/assets/upload`, body, {
        pieces: [body.subarray(0, i), body.subarray(i)],
        headers: { 'content-type': contentType, authorization: `Bearer ${s.key}` },
      });
      const a = r.json?.asset;
      if (r.status !== 200 || a.alt_text !== 'hello world' || a.folder !== folder || a.filesize !== bytes.length) {
        failures.push(`split at ${i} (${JSON.stringify(body.subarray(Math.max(0, i - 12), i).toString())}|): HTTP ${r.status} ${r.text}`);
      }
    }
    await assertTmpEmpty(s, 'after every split');
    assert.deepEqual(failures, [], `${failures.length} of ${body.length - 1} split positions fail, e.g.\n${failures.slice(0, 5).join('\n')}`);
  });

  test('a file whose first bytes arrive in a chunk of their own', async () => {
    const bytes = pdf();
    const { body, contentType } = await formBody({ file: { bytes, filename: 'c.pdf' } });
    const at = body.indexOf('%PDF') + 3; // "%PD" | "F-1.4 ..."
    const r = await rawPost(`${A}/assets/upload`, body, {
      pieces: [body.subarray(0, at), body.subarray(at)],
      headers: { 'content-type': contentType, authorization: `Bearer ${s.key}` },
    });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.asset.filesize, bytes.length);
    assert.ok((await download(r.json.asset.public_url)).buf.equals(bytes));
  });
});

describe('files & ranges', () => {
  let img; let imgBytes; let doc; let docBytes; let bin; let binBytes;
  before(async () => {
    imgBytes = png(300, 200);
    img = await uploadOk(imgBytes, 'shot.png');
    docBytes = pdf();
    doc = await uploadOk(docBytes, 'Quarterly report.pdf');
    binBytes = binary(5000);
    bin = await uploadOk(binBytes, 'data.bin');
  });

  test('GET public_url: the bytes with the documented headers (image: inline)', async () => {
    const r = await download(img.public_url);
    assert.equal(r.status, 200);
    assert.ok(r.buf.equals(imgBytes), 'byte-exact');
    assert.equal(r.headers.get('content-type'), 'image/png');
    assert.equal(r.headers.get('content-length'), String(imgBytes.length));
    assert.equal(r.headers.get('etag'), `"${sha256(imgBytes)}"`);
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('content-disposition'), `inline; filename="shot.png"; filename*=UTF-8''shot.png`);
  });

  test('HEAD public_url: same headers, no body', async () => {
    const g = await download(img.public_url);
    const h = await download(img.public_url, { method: 'HEAD' });
    assert.equal(h.status, 200);
    assert.equal(h.buf.length, 0);
    for (const name of ['content-type', 'content-length', 'etag', 'accept-ranges', 'content-disposition', 'x-content-type-options']) {
      assert.equal(h.headers.get(name), g.headers.get(name), name);
    }
  });

  test('each sniffed type downloads with its Content-Type (PDF, octet-stream: attachment; JPEG: inline)', async () => {
    const r = await download(doc.public_url);
    assert.equal(r.status, 200);
    assert.ok(r.buf.equals(docBytes));
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.equal(r.headers.get('content-disposition'),
      `attachment; filename="Quarterly report.pdf"; filename*=UTF-8''Quarterly%20report.pdf`);
    assert.match(doc.public_url, /\/Quarterly%20report\.pdf\?/);
    const b = await download(bin.public_url);
    assert.equal(b.status, 200);
    assert.ok(b.buf.equals(binBytes));
    assert.equal(b.headers.get('content-type'), 'application/octet-stream');
    assert.match(b.headers.get('content-disposition'), /^attachment; filename="data\.bin"/);
    const jBytes = jpeg(64, 48);
    const j = await download((await uploadOk(jBytes, 'cam.jpeg')).public_url);
    assert.equal(j.headers.get('content-type'), 'image/jpeg');
    assert.match(j.headers.get('content-disposition'), /^inline; filename="cam\.jpeg"/);
    assert.ok(j.buf.equals(jBytes));
  });

  test('a non-ASCII filename: percent-encoded in the URL, filename* exact, filename ASCII only', async () => {
    const name = 'résumé 2024 ✓.pdf';
    const a = await uploadOk(pdf(), name);
    assert.equal(a.filename, name);
    const enc = Array.from(Buffer.from(name, 'utf8'), (c) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(c))
      ? String.fromCharCode(c) : `%${c.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
    assert.equal(new URL(a.public_url).pathname, `/files/${a.id}/${enc}`);
    const r = await download(a.public_url);
    assert.equal(r.status, 200);
    const cd = r.headers.get('content-disposition');
    assert.ok(cd.endsWith(`; filename*=UTF-8''${enc}`), cd);
    const m = /^attachment; filename="([^"]*)"; /.exec(cd);
    assert.ok(m, cd);
    assert.match(m[1], /^[\x20-\x7e]+$/, 'the plain filename is ASCII');
    assert.match(m[1], /^r_+sum_+ 2024 _+\.pdf$/, 'non-ASCII characters show as _');
  });

  test('URL-special characters in the filename (# ? % & +) are escaped: the public_url works', async () => {
    const bytes = pdf();
    const name = 'a#b?c%20d&e+f.pdf';
    const a = await uploadOk(bytes, name);
    assert.equal(a.filename, name);
    assert.equal(new URL(a.public_url).pathname, `/files/${a.id}/a%23b%3Fc%2520d%26e%2Bf.pdf`);
    const r = await download(a.public_url);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.buf.equals(bytes));
    assert.ok(r.headers.get('content-disposition').endsWith(`filename*=UTF-8''a%23b%3Fc%2520d%26e%2Bf.pdf`));
  });

  test('thumbnails download as image/webp with their own ETag and an inline name', async () => {
    for (const t of img.thumbnails) {
      const r = await download(t.url);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'image/webp');
      assert.equal(r.headers.get('content-length'), String(r.buf.length));
      assert.equal(r.headers.get('etag'), `"${sha256(r.buf)}"`);
      assert.notEqual(r.headers.get('etag'), `"${sha256(imgBytes)}"`);
      assert.match(r.headers.get('content-disposition'), /^inline; filename="shot-(160|640)\.webp"/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(blobExists(sha256(r.buf)), 'the thumbnail is a blob named by its hash');
    }
  });

  test('Range bytes=a-b, a-, -n -> 206 with Content-Range and exactly those bytes', async () => {
    const n = imgBytes.length;
    const cases = [
      ['bytes=0-99', 0, 99],
      ['bytes=100-', 100, n - 1],
      ['bytes=-50', n - 50, n - 1],
      [`bytes=10-${n + 1000}`, 10, n - 1], // an end past the file is clamped
      [`bytes=${n - 1}-${n - 1}`, n - 1, n - 1],
      [`bytes=-${n + 10}`, 0, n - 1], // a suffix longer than the file is the whole file
    ];
    for (const [range, a, b] of cases) {
      const r = await download(img.public_url, { headers: { range } });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers.get('content-range'), `bytes ${a}-${b}/${n}`, range);
      assert.equal(r.headers.get('content-length'), String(b - a + 1), range);
      assert.ok(r.buf.equals(imgBytes.subarray(a, b + 1)), `${range}: the bytes`);
      assert.equal(r.headers.get('etag'), `"${sha256(imgBytes)}"`, range);
    }
  });

  test('an unsatisfiable range -> 416 with bytes */size; several ranges or another unit -> the whole file', async () => {
    const n = imgBytes.length;
    for (const range of [`bytes=${n}-`, `bytes=${n + 5}-${n + 10}`]) {
      const r = await download(img.public_url, { headers: { range } });
      assert.equal(r.status, 416, range);
      assert.equal(r.headers.get('content-range'), `bytes */${n}`, range);
    }
    for (const range of ['bytes=0-1,5-6', 'items=0-1']) {
      const r = await download(img.public_url, { headers: { range } });
      assert.equal(r.status, 200, range);
      assert.ok(r.buf.equals(imgBytes), range);
    }
  });

  test('conditional requests: If-None-Match with the ETag -> 304; If-Range with another ETag -> the whole file', async () => {
    const etag = `"${sha256(imgBytes)}"`;
    const r = await download(img.public_url, { headers: { 'if-none-match': etag } });
    assert.equal(r.status, 304);
    assert.equal(r.buf.length, 0);
    assert.equal(r.headers.get('etag'), etag);
    const o = await download(img.public_url, { headers: { 'if-none-match': `"${'0'.repeat(64)}"` } });
    assert.equal(o.status, 200);
    assert.ok(o.buf.equals(imgBytes));
    const same = await download(img.public_url, { headers: { range: 'bytes=0-9', 'if-range': etag } });
    assert.equal(same.status, 206);
    assert.ok(same.buf.equals(imgBytes.subarray(0, 10)));
    const other = await download(img.public_url, { headers: { range: 'bytes=0-9', 'if-range': '"stale"' } });
    assert.equal(other.status, 200);
    assert.ok(other.buf.equals(imgBytes));
  });
});

describe('access control', () => {
  let a; let bytes; let b;
  before(async () => {
    bytes = png(300, 200);
    a = await uploadOk(bytes, 'private.png');
    b = await uploadOk(png(50, 50), 'other.png');
  });

  test('no signature and no key, or a wrong key -> 401', async () => {
    assertFilesErr(await download(noQuery(a.public_url)), 401);
    assertFilesErr(await download(noQuery(a.thumbnails[0].url)), 401, 'thumbnail');
    assertFilesErr(await download(withParam(noQuery(a.public_url), 'expires', '99999999999')), 401, 'expires only');
    assertFilesErr(await download(noQuery(a.public_url), withKey('tk_not_a_real_key_000000000000')), 401, 'wrong key');
  });

  test('a wrong signature -> 403 (flipped, another asset\'s, a changed expires, another variant\'s); untouched URLs work', async () => {
    const s0 = sig(a.public_url);
    const flipped = (s0[0] === '0' ? '1' : '0') + s0.slice(1);
    assertFilesErr(await download(withParam(a.public_url, 'signature', flipped)), 403, 'flipped');
    assertFilesErr(await download(withParam(a.public_url, 'signature', 'xyz')), 403, 'malformed');
    const u = new URL(a.public_url);
    const ub = new URL(b.public_url);
    assertFilesErr(await download(`${u.origin}${u.pathname}${ub.search}`), 403, "b's signature on a");
    assertFilesErr(await download(`${ub.origin}${ub.pathname}${u.search}`), 403, "a's signature on b");
    const exp = Number(u.searchParams.get('expires'));
    assertFilesErr(await download(withParam(a.public_url, 'expires', String(exp + 1))), 403, 'expires + 1');
    assertFilesErr(await download(withParam(a.public_url, 'expires', String(exp + 3600))), 403, 'expires + 1 h');
    const t = new URL(a.thumbnails[0].url);
    assertFilesErr(await download(`${u.origin}${u.pathname}${t.search}`), 403, "the thumbnail's signature on the file");
    assertFilesErr(await download(`${u.origin}${new URL(a.thumbnails[1].url).pathname}${t.search}`), 403,
      "the 160 signature on the 640 thumbnail");
    const r = await download(a.public_url);
    assert.equal(r.status, 200);
    assert.ok(r.buf.equals(bytes));
    for (const th of a.thumbnails) assert.equal((await download(th.url)).status, 200);
  });

  test('URLs signed as documented: an expired one -> 403, a later expiry works (file and thumbnail)', async () => {
    // FILES.md: HMAC-SHA256 (first 128 bits, hex) of "<asset id>/<variant>/<expires>" under the
    // key kept in the database's settings.
    const key = sql(s.dataDir, "SELECT value FROM settings WHERE name = 'file_url_key'");
    const signed = (url, variant, exp) => {
      const u = new URL(noQuery(url));
      const mac = createHmac('sha256', key).update(`${a.id}/${variant}/${exp}`).digest('hex').slice(0, 32);
      return `${u}?expires=${exp}&signature=${mac}`;
    };
    const given = new URL(a.public_url).searchParams.get('expires');
    assert.equal(signed(a.public_url, 'file', given), a.public_url, 'the served URL is signed as documented');
    const past = Math.floor(Date.now() / 1000) - 60;
    assertFilesErr(await download(signed(a.public_url, 'file', past)), 403, 'expired file URL');
    assertFilesErr(await download(signed(a.thumbnails[0].url, '160', past)), 403, 'expired thumbnail URL');
    const later = Number(given) + 7200;
    const r = await download(signed(a.public_url, 'file', later));
    assert.equal(r.status, 200);
    assert.ok(r.buf.equals(bytes));
    assert.equal((await download(signed(a.thumbnails[1].url, '640', later))).status, 200);
  });

  test("a key of the asset's workspace needs no query (file and thumbnails)", async () => {
    const r = await download(noQuery(a.public_url), withKey(s.key));
    assert.equal(r.status, 200);
    assert.ok(r.buf.equals(bytes));
    assert.equal(r.headers.get('etag'), `"${sha256(bytes)}"`);
    for (const t of a.thumbnails) {
      const tr = await download(noQuery(t.url), withKey(s.key));
      assert.equal(tr.status, 200);
      assert.equal(tr.headers.get('content-type'), 'image/webp');
      assert.deepEqual(webpSize(tr.buf), { width: t.width, height: t.height });
    }
  });

  test('a key of another workspace, an unknown asset, an unknown or missing thumbnail size -> 404; malformed id -> 400', async () => {
    assertFilesErr(await download(noQuery(a.public_url), withKey(ws2.key)), 404, 'another workspace');
    assertFilesErr(await download(noQuery(a.thumbnails[0].url), withKey(ws2.key)), 404, 'thumbnail');
    const fake = uuid();
    assertFilesErr(await download(`${s.base}/files/${fake}/x.png`, withKey(s.key)), 404, 'unknown asset');
    assertFilesErr(await download(`${s.base}/files/${a.id}/thumbnails/999.webp`, withKey(s.key)), 404, 'unknown size');
    assertFilesErr(await download(`${s.base}/files/${a.id}/thumbnails/160.png`, withKey(s.key)), 404, 'not .webp');
    const small = await uploadOk(png(60, 30), 'tiny.png');
    assertFilesErr(await download(`${s.base}/files/${small.id}/thumbnails/640.webp`, withKey(s.key)), 404,
      'no 640 box for a small image');
    assertFilesErr(await download(`${s.base}/files/not-a-uuid/x.png`, withKey(s.key)), 400, 'malformed id');
  });

  test('asset endpoints: another workspace\'s asset -> 400 error_code 1002, no key -> 401; it stays', async () => {
    assertErr(await s.api('GET', `${A}/assets/retrieve/${a.id}`, undefined, { key: ws2.key }), 1002);
    assertErr(await s.api('DELETE', `${A}/assets/${a.id}`, undefined, { key: ws2.key }), 1002);
    assertOk(await s.api('GET', `${A}/assets/retrieve/${a.id}`));
    assert.equal((await download(a.public_url)).status, 200);
    const r = await s.api('GET', `${A}/assets/retrieve/${a.id}`, undefined, { key: null });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, UNAUTHORIZED);
    const d = await s.api('DELETE', `${A}/assets/${a.id}`, undefined, { key: null });
    assert.equal(d.status, 401);
    assertOk(await s.api('GET', `${A}/assets/retrieve/${a.id}`));
  });
});

describe('limits & bad input', () => {
  test('Content-Length far over the limit -> 413 exactly, nothing on disk', async () => {
    const snap = snapshot();
    const { body, contentType } = multipart([{ name: 'file', filename: 'big.bin', data: binary(MAX_UPLOAD + 1200000) }]);
    const r = await rawPost(`${A}/assets/upload`, body, { headers: { 'content-type': contentType, authorization: `Bearer ${s.key}` } });
    assert.equal(r.status, 413, `got ${r.status} ${r.text}`);
    assert.deepEqual(r.json, TOO_LARGE);
    await snap.check('413 by Content-Length');
  });

  test('a file of exactly the limit is accepted; one byte more (Content-Length within the framing allowance) -> 413, nothing on disk', async () => {
    const snap = snapshot();
    const { body, contentType } = multipart([{ name: 'file', filename: 'big.bin', data: binary(MAX_UPLOAD + 1) }]);
    const r = await rawPost(`${A}/assets/upload`, body, { headers: { 'content-type': contentType, authorization: `Bearer ${s.key}` } });
    assert.equal(r.status, 413, `got ${r.status} ${r.text}`);
    assert.deepEqual(r.json, TOO_LARGE);
    await snap.check('413 while streaming');
    const bytes = binary(MAX_UPLOAD);
    const a = await uploadOk(bytes, 'exact.bin');
    assert.equal(a.filesize, MAX_UPLOAD);
    assert.ok((await download(a.public_url)).buf.equals(bytes));
    const tail = await download(a.public_url, { headers: { range: 'bytes=150000-150099' } });
    assert.equal(tail.status, 206);
    assert.ok(tail.buf.equals(bytes.subarray(150000, 150100)), 'a range deep into a large file');
  });

  test('a chunked body over the limit -> 413, nothing on disk; under it, stored byte-exact', async () => {
    const snap = snapshot();
    const { body, contentType } = multipart([{ name: 'file', filename: 'chunked.bin', data: binary(MAX_UPLOAD * 2) }]);
    const r = await rawPost(`${A}/assets/upload`, body, {
      chunked: true, headers: { 'content-type': contentType, authorization: `Bearer ${s.key}` },
    });
    assert.equal(r.status, 413, `got ${r.status} ${r.text}`);
    assert.deepEqual(r.json, TOO_LARGE);
    await snap.check('413 chunked');
    // and under the limit a chunked body is stored byte-exact
    const okBytes = binary(MAX_UPLOAD - 1000);
    const ok = multipart([{ name: 'file', filename: 'chunked-ok.bin', data: okBytes }]);
    const r2 = await rawPost(`${A}/assets/upload`, ok.body, {
      chunked: true, headers: { 'content-type': ok.contentType, authorization: `Bearer ${s.key}` },
    });
    assert.equal(r2.status, 200, `got ${r2.status} ${r2.text}`);
    assert.equal(r2.json.asset.filesize, okBytes.length);
    assert.ok((await download(r2.json.asset.public_url)).buf.equals(okBytes));
    assert.ok(blobExists(sha256(okBytes)));
  });

  test('no key / a wrong key -> 401 exactly, nothing on disk', async () => {
    const snap = snapshot();
    for (const key of [null, 'tk_wrong_key_0000000000000000']) {
      const r = await upload({ file: { bytes: png(300, 200), filename: 'anon.png' } }, { key });
      assert.equal(r.status, 401, show(r));
      assert.deepEqual(r.json, UNAUTHORIZED);
    }
    await snap.check('401');
  });

  test('no `file` part -> 400 "file is required"; nothing written', async () => {
    const snap = snapshot();
    const r = await upload({ alt_text: 'orphan text' });
    assertErr(r, 400, 'file');
    assert.match(r.json.error, /^file is required/);
    await snap.check('no file');
  });

  test('a non-multipart body (JSON, text/plain, none) -> 400 naming body; nothing written', async () => {
    const snap = snapshot();
    let r = await s.api('POST', `${A}/assets/upload`, { file: 'aGVsbG8=' });
    assertErr(r, 400, 'body');
    r = await s.api('POST', `${A}/assets/upload`, 'hello', { raw: true, headers: { 'content-type': 'text/plain' } });
    assertErr(r, 400, 'body', 'text/plain');
    r = await s.api('POST', `${A}/assets/upload`);
    assertErr(r, 400, 'body', 'no body');
    await snap.check('non-multipart');
  });

  test('an application/x-www-form-urlencoded body is not multipart -> 400 naming body; nothing written', async () => {
    const snap = snapshot();
    const r = await s.api('POST', `${A}/assets/upload`, 'file=hello', {
      raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertErr(r, 400, 'body', 'urlencoded');
    await snap.check('urlencoded');
  });

  test('`file` given twice -> 400 naming file; nothing written', async () => {
    const snap = snapshot();
    const r = await upload({ file: [{ bytes: png(300, 200), filename: 'a.png' }, { bytes: pdf(), filename: 'b.pdf' }] });
    assertErr(r, 400, 'file');
    await snap.check('two files');
  });

  test('a text field given twice -> 400 naming it; more than 16 fields -> 400 naming body; nothing written', async () => {
    const snap = snapshot();
    const r = await upload({ file: { bytes: pdf(), filename: 'd.pdf' }, alt_text: ['one', 'two'] });
    assertErr(r, 400, 'alt_text');
    await snap.check('alt_text twice');
    const fields = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`extra${i}`, `value ${i}`]));
    assertErr(await upload({ ...fields(17), file: { bytes: pdf(), filename: 'many.pdf' } }), 400, 'body');
    await snap.check('17 fields');
    await uploadOk(pdf(), 'sixteen.pdf', fields(16));
  });

  test('folder not a uuid -> 400 naming folder; nothing written (thumbnails included)', async () => {
    const snap = snapshot();
    for (const folder of ['not-a-uuid', '', '12345678-1234-1234-1234-12345678901g']) {
      const r = await upload({ file: { bytes: png(300, 200), filename: 'f.png' }, folder });
      assertErr(r, 400, 'folder', JSON.stringify(folder));
    }
    await snap.check('bad folder');
  });

  test('alt_text: 1000 characters accepted (multi-byte too), 1001 -> 400 naming alt_text', async () => {
    const snap = snapshot();
    const r = await upload({ file: { bytes: png(300, 200), filename: 'alt.png' }, alt_text: 'x'.repeat(1001) });
    assertErr(r, 400, 'alt_text');
    await snap.check('alt_text too long');
    const a = await uploadOk(pdf(), 'alt.pdf', { alt_text: 'é'.repeat(1000) });
    assert.equal(a.alt_text, 'é'.repeat(1000));
  });

  test('a truncated PNG or JPEG -> 400 naming file; nothing written', async () => {
    const snap = snapshot();
    const p = png(300, 200);
    const j = jpeg(400, 300);
    for (const [bytes, name] of [[p.subarray(0, p.length >> 1), 'half.png'], [j.subarray(0, j.length >> 1), 'half.jpg']]) {
      const r = await upload({ file: { bytes, filename: name } });
      assertErr(r, 400, 'file', name);
    }
    await snap.check('truncated images');
  });

  test('a PNG header declaring 20000x20000 (400 MP) -> 400 naming file; nothing written', async () => {
    const snap = snapshot();
    const r = await upload({ file: { bytes: pngHugeHeader(20000, 20000), filename: 'bomb.png' } });
    assertErr(r, 400, 'file');
    assert.match(r.json.error, /20000x20000/);
    await snap.check('pixel bomb');
  });

  test('a multipart body cut short -> 400 naming body; nothing written', async () => {
    const snap = snapshot();
    const { body, contentType } = multipart([{ name: 'file', filename: 'cut.pdf', data: pdf() }]);
    const cut = body.subarray(0, body.length - 40); // no closing boundary
    const r = await rawPost(`${A}/assets/upload`, cut, { headers: { 'content-type': contentType, authorization: `Bearer ${s.key}` } });
    assert.equal(r.status, 400, `got ${r.status} ${r.text}`);
    assert.equal(r.json?.error_code, 400, r.text);
    assert.match(r.json.error, /^(body|file)\b/, r.text);
    await snap.check('cut short');
  });
});

// The server keeps the blobs it sent (blob/blob.c blob_open): small ones in memory, larger ones
// as open descriptors, LIMIT_BLOB_OPEN_FILES (64) of them, the least recently sent dropped first.
describe('files sent again from the blob cache', () => {
  const EVICT = 70; // more distinct blobs than the cache holds

  // Every way of asking for url answers exactly what bytes say.
  async function assertServes(url, bytes, what) {
    const n = bytes.length;
    const whole = await download(url);
    assert.equal(whole.status, 200, what);
    assert.equal(whole.headers.get('content-length'), String(n), what);
    assert.ok(whole.buf.equals(bytes), `${what}: byte-exact`);
    const etag = `"${sha256(bytes)}"`;
    assert.equal(whole.headers.get('etag'), etag, what);
    const head = await download(url, { method: 'HEAD' });
    assert.equal(head.status, 200, what);
    assert.equal(head.headers.get('content-length'), String(n), `${what}: HEAD`);
    assert.equal(head.buf.length, 0, `${what}: HEAD has no body`);
    for (const [a, b] of [[0, 9], [n - 100, n - 1], [Math.floor(n / 2), Math.min(n - 1, Math.floor(n / 2) + 4095)]]) {
      const r = await download(url, { headers: { range: `bytes=${a}-${b}` } });
      assert.equal(r.status, 206, `${what} ${a}-${b}`);
      assert.equal(r.headers.get('content-range'), `bytes ${a}-${b}/${n}`, what);
      assert.ok(r.buf.equals(bytes.subarray(a, b + 1)), `${what} ${a}-${b}: the bytes`);
    }
    assert.equal((await download(url, { headers: { 'if-none-match': etag } })).status, 304, what);
    assert.equal((await download(url, { headers: { range: `bytes=${n}-` } })).status, 416, what);
  }

  test('one file to 40 requests at once, then again after 70 other files pushed it out', async () => {
    const bytes = binary(150000);
    const a = await uploadOk(bytes, 'hot.bin');
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => download(a.public_url,
      i % 2 ? {} : { headers: { range: `bytes=${i * 1000}-${i * 1000 + 999}` } })));
    answers.forEach((r, i) => {
      assert.equal(r.status, i % 2 ? 200 : 206, `request ${i}`);
      assert.ok(r.buf.equals(i % 2 ? bytes : bytes.subarray(i * 1000, i * 1000 + 1000)), `request ${i}: the bytes`);
    });
    await assertServes(a.public_url, bytes, 'cached');
    const others = [];
    for (let i = 0; i < EVICT; i++) {
      const b = binary(2000 + i);
      others.push([await uploadOk(b, `other-${i}.bin`), b]);
    }
    for (const [o, b] of others) assert.ok((await download(o.public_url)).buf.equals(b), o.filename);
    await assertServes(a.public_url, bytes, 'after eviction');
    for (const [o, b] of others.slice(0, 3)) await assertServes(o.public_url, b, o.filename);
  });

  test('a file sent, then deleted: 404 at once; the same bytes uploaded again serve again', async () => {
    const bytes = binary(6000);
    const a = await uploadOk(bytes, 'brief.bin');
    await assertServes(a.public_url, bytes, 'before delete');
    assertOk(await s.api('DELETE', `${A}/assets/${a.id}`));
    assert.ok(!blobExists(sha256(bytes)));
    assertFilesErr(await download(a.public_url), 404, 'after delete');
    const again = await uploadOk(bytes, 'brief.bin');
    await assertServes(again.public_url, bytes, 'uploaded again');
    assertFilesErr(await download(a.public_url), 404, 'the deleted asset stays gone');
  });

  test('files over 1 MiB (sent from an open descriptor): whole, ranges, HEAD, 304, from many requests; deleted -> 404', async () => {
    const big = await startServer({ args: ['--max-upload', String(4 * 1024 * 1024)] });
    try {
      const bytes = binary(1536 * 1024 + 7);
      const a = await uploadOk(bytes, 'large.bin', {}, { server: big });
      await assertServes(a.public_url, bytes, 'large, first');
      const answers = await Promise.all(Array.from({ length: 12 }, () => download(a.public_url)));
      for (const r of answers) assert.ok(r.buf.equals(bytes), 'large, concurrent: byte-exact');
      await assertServes(a.public_url, bytes, 'large, cached');
      assertOk(await big.api('DELETE', `${A}/assets/${a.id}`));
      assertFilesErr(await download(a.public_url), 404, 'large, after delete');
      const again = await uploadOk(bytes, 'large.bin', {}, { server: big });
      await assertServes(again.public_url, bytes, 'large, uploaded again');
    } finally {
      await big.stop();
    }
  });
});

describe('dedup & delete', () => {
  test('the same bytes twice: two assets, one blob (and its thumbnails) on disk', async () => {
    const bytes = png(300, 200);
    const before0 = blobFiles();
    const a = await uploadOk(bytes, 'one.png');
    const after1 = blobFiles();
    assert.equal(after1.length, before0.length + 3, 'the original and two thumbnails');
    const hash = sha256(bytes);
    assert.ok(after1.includes(`${hash.slice(0, 2)}/${hash}`));
    assert.ok(fs.readFileSync(blobPath(hash)).equals(bytes), 'the blob holds the bytes');
    const b = await uploadOk(bytes, 'two.png');
    assert.notEqual(a.id, b.id);
    assert.deepEqual(blobFiles(), after1, 'no new file for the same bytes');
    const c = await uploadOk(bytes, 'three.png', {}, { key: ws2.key });
    assert.deepEqual(blobFiles(), after1, 'nor from another workspace');
    assert.equal(c.filename, 'three.png');
    for (const x of [a, b]) {
      const r = await download(x.public_url);
      assert.equal(r.headers.get('etag'), `"${hash}"`);
      assert.ok(r.buf.equals(bytes));
    }
    await assertTmpEmpty();
  });

  test('delete an unattached asset (also under /v2): 200, gone from the API and its URLs, its blobs removed', async () => {
    const bytes = png(300, 200);
    const a = await uploadOk(bytes, 'doomed.png');
    const hashes = [sha256(bytes)];
    for (const t of a.thumbnails) hashes.push(sha256((await download(t.url)).buf));
    for (const h of hashes) assert.ok(blobExists(h), h);
    const r = await s.api('DELETE', `${A}/assets/${a.id}`);
    assert.equal(r.status, 200, show(r));
    assert.deepEqual(r.json, { status: 200 });
    for (const h of hashes) assert.ok(!blobExists(h), `blob ${h} must be removed`);
    assertErr(await s.api('GET', `${A}/assets/retrieve/${a.id}`), 1002);
    assertFilesErr(await download(a.public_url), 404, 'the signed URL after delete');
    assertFilesErr(await download(a.thumbnails[0].url), 404, 'the thumbnail URL after delete');
    assertFilesErr(await download(noQuery(a.public_url), withKey(s.key)), 404, 'with a key after delete');
    assertErr(await s.api('DELETE', `${A}/assets/${a.id}`), 1002, undefined, 'deleting again');
    const pBytes = pdf();
    const p = await uploadOk(pBytes, 'gone.pdf');
    assert.ok(blobExists(sha256(pBytes)));
    assert.deepEqual((await s.api('DELETE', `/v2/assets/${p.id}`)).json, { status: 200 });
    assert.ok(!blobExists(sha256(pBytes)));
  });

  // core/asset.c remembers a signed download's asset row per server thread while nobody commits
  // (the WAL index's header, read without a lock, says so): a deletion, through either path of
  // the API or by another process writing the database, is 404 on the very next request, on
  // every thread, with no restart. A twin with the same bytes keeps the blobs on disk and in the
  // blob cache, so only the row's absence can answer 404; the twin is still served.
  test('a signed file and thumbnail served many times, then the asset deleted (API, /v2, another process): 404 at once', async () => {
    const many = (url) => Promise.all(Array.from({ length: 8 }, () => download(url)));
    const viaSql = (a) => {
      sql(s.dataDir, `DELETE FROM asset_thumbnails WHERE asset_id IN (SELECT id FROM assets WHERE uuid = '${a.id}'); ` +
        `DELETE FROM assets WHERE uuid = '${a.id}'`);
      return { status: 200 };
    };
    const cases = [
      ['Tamio', (a) => s.api('DELETE', `${A}/assets/${a.id}`)],
      ['/v2', (a) => s.api('DELETE', `/v2/assets/${a.id}`)],
      ['another process', viaSql],
    ];
    for (const [how, del] of cases) {
      const bytes = png(300, 200);
      const name = how.replace(/\W/g, '');
      const a = await uploadOk(bytes, `served-${name}.png`);
      const twin = await uploadOk(bytes, `twin-${name}.png`);
      const urls = [a.public_url, a.thumbnails[0].url];
      for (let round = 0; round < 2; round++) {
        for (const u of [...urls, twin.public_url]) {
          for (const r of await many(u)) assert.equal(r.status, 200, `${how}: before the delete: ${r.text}`);
        }
      }
      assert.ok((await download(a.public_url)).buf.equals(bytes), `${how}: byte-exact before the delete`);
      const d = await del(a);
      assert.equal(d.status, 200, `${how}: delete ${show(d)}`);
      assert.ok(blobExists(sha256(bytes)), `${how}: the twin keeps the blob`);
      for (const u of urls) {
        assertFilesErr(await download(u), 404, `${how}: the next request`);
        for (const r of await many(u)) assertFilesErr(r, 404, `${how}: every connection`);
      }
      for (const u of [twin.public_url, twin.thumbnails[0].url]) {
        for (const r of await many(u)) assert.equal(r.status, 200, `${how}: the twin after the delete`);
      }
      assert.ok((await download(twin.public_url)).buf.equals(bytes), `${how}: the twin, byte-exact`);
    }
  });

  test('deleting one of two assets with the same bytes keeps the blobs; deleting the last removes them', async () => {
    const bytes = png(300, 200);
    const a = await uploadOk(bytes, 'twin-a.png');
    const b = await uploadOk(bytes, 'twin-b.png');
    const hashes = [sha256(bytes)];
    for (const t of a.thumbnails) hashes.push(sha256((await download(t.url)).buf));
    assertOk(await s.api('DELETE', `${A}/assets/${a.id}`));
    for (const h of hashes) assert.ok(blobExists(h), `blob ${h} still used by b`);
    const r = await download(b.public_url);
    assert.equal(r.status, 200);
    assert.ok(r.buf.equals(bytes));
    for (const t of b.thumbnails) assert.equal((await download(t.url)).status, 200);
    assertOk(await s.api('DELETE', `${A}/assets/${b.id}`));
    for (const h of hashes) assert.ok(!blobExists(h), `blob ${h} removed with the last asset`);
  });

  test('a blob shared with another workspace survives deleting one side', async () => {
    const bytes = pdf();
    const mine = await uploadOk(bytes, 'shared.pdf');
    const theirs = await uploadOk(bytes, 'shared.pdf', {}, { key: ws2.key });
    assertOk(await s.api('DELETE', `${A}/assets/${mine.id}`));
    assert.ok(blobExists(sha256(bytes)));
    const r = await download(theirs.public_url);
    assert.equal(r.status, 200);
    assert.ok(r.buf.equals(bytes));
    assertOk(await s.api('DELETE', `${A}/assets/${theirs.id}`, undefined, { key: ws2.key }));
    assert.ok(!blobExists(sha256(bytes)));
  });

  test('8 concurrent uploads of the same image: 8 assets, one set of blobs, nothing in tmp/', async () => {
    const bytes = png(300, 200);
    const before0 = blobFiles();
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => uploadOk(bytes, `same-${i}.png`)));
    assert.equal(new Set(all.map((x) => x.id)).size, 8);
    const added = blobFiles().filter((f) => !before0.includes(f));
    assert.equal(added.length, 3, `the original and two thumbnails: ${added}`);
    assert.ok(added.includes(`${sha256(bytes).slice(0, 2)}/${sha256(bytes)}`));
    await assertTmpEmpty();
    await Promise.all(all.map(async (x) => assertOk(await s.api('DELETE', `${A}/assets/${x.id}`))));
    assert.deepEqual(blobFiles(), before0, 'all removed with the last asset');
  });

  test('deleting an asset while the same bytes are uploaded again never loses the new upload\'s file', async () => {
    for (let round = 0; round < 8; round++) {
      const bytes = png(200, 120);
      const old = await uploadOk(bytes, `old-${round}.png`);
      const [del, fresh] = await Promise.all([
        s.api('DELETE', `${A}/assets/${old.id}`),
        uploadOk(bytes, `new-${round}.png`),
      ]);
      assertOk(del);
      const r = await download(fresh.public_url);
      assert.equal(r.status, 200, `round ${round}: ${r.text}`);
      assert.ok(r.buf.equals(bytes), `round ${round}`);
      for (const t of fresh.thumbnails) assert.equal((await download(t.url)).status, 200, `round ${round} thumbnail`);
      assert.ok(blobExists(sha256(bytes)), `round ${round}: the blob is on disk`);
    }
  });

  test('delete/retrieve: unknown id -> 400 error_code 1002; malformed id -> 400', async () => {
    assertErr(await s.api('DELETE', `${A}/assets/${uuid()}`), 1002);
    assertErr(await s.api('GET', `${A}/assets/retrieve/${uuid()}`), 1002);
    const r = await s.api('DELETE', `${A}/assets/not-a-uuid`);
    assert.equal(r.status, 400, show(r));
  });
});

describe('wiring to tickets', () => {
  let cat;
  before(async () => {
    cat = await fx.category();
  });

  test('create with assets: the first reply carries full Assets whose URLs download', async () => {
    const pBytes = png(300, 200);
    const dBytes = pdf();
    const p = await uploadOk(pBytes, 'error.png', { alt_text: 'Error screenshot' });
    const d = await uploadOk(dBytes, 'log.pdf');
    const c = await fx.client();
    const r = await s.api('POST', `${A}/tickets/create`, {
      client_id: c.id, title: 'Broken', description: 'see files', category: cat.id, assets: [p.id, d.id],
    });
    const t = assertOk(r, 'create').ticket;
    const got = t.replies[0].assets;
    assert.deepEqual(got.map(urlless), [urlless(p), urlless(d)]);
    got.forEach(assertAssetShape);
    const again = await fx.retrieveTicket(t.id);
    const ra = again.replies[0].assets;
    assert.deepEqual(ra.map(urlless), [urlless(p), urlless(d)]);
    const f1 = await download(ra[0].public_url);
    assert.equal(f1.status, 200);
    assert.ok(f1.buf.equals(pBytes));
    const f2 = await download(ra[1].public_url);
    assert.ok(f2.buf.equals(dBytes));
    for (const th of ra[0].thumbnails) {
      const tr = await download(th.url);
      assert.equal(tr.status, 200);
      assert.deepEqual(webpSize(tr.buf), { width: th.width, height: th.height });
    }
  });

  test('reply with assets: shown on the reply; an attached asset cannot be deleted (409)', async () => {
    const bytes = jpeg(800, 600);
    const a = await uploadOk(bytes, 'reply.jpg');
    const t = await fx.ticket({ category: cat.id });
    const r = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'attached', assets: [a.id] });
    const last = assertOk(r, 'reply').ticket.replies.at(-1);
    assert.equal(last.text, 'attached');
    assert.deepEqual(last.assets.map(urlless), [urlless(a)]);
    const del = await s.api('DELETE', `${A}/assets/${a.id}`);
    assertErr(del, 409);
    assertOk(await s.api('GET', `${A}/assets/retrieve/${a.id}`));
    assert.ok(blobExists(sha256(bytes)));
    const shown = (await fx.retrieveTicket(t.id)).replies.at(-1).assets[0];
    const f = await download(shown.public_url);
    assert.equal(f.status, 200);
    assert.ok(f.buf.equals(bytes));
    assert.equal(f.headers.get('content-type'), 'image/jpeg');
  });

  test('unknown or other-workspace asset -> 400 error_code 1002 naming assets; nothing written', async () => {
    const foreign = await uploadOk(pdf(), 'foreign.pdf', {}, { key: ws2.key });
    const t = await fx.ticket({ category: cat.id });
    const c = await fx.client();
    const n0 = (await fx.tickets()).total_results;
    for (const id of [uuid(), foreign.id]) {
      assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'x', assets: [id] }), 1002, 'assets');
      assertErr(await s.api('POST', `${A}/tickets/create`, {
        client_id: c.id, title: 't', description: 'd', category: cat.id, assets: [id],
      }), 1002, 'assets');
    }
    assert.equal((await fx.retrieveTicket(t.id)).replies.length, t.replies.length, 'no reply was added');
    assert.equal((await fx.tickets()).total_results, n0, 'no ticket was created');
  });

  test('6 assets on a reply or the same id twice -> 400 naming assets; 5 distinct are fine', async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await uploadOk(pdf(), `f${i}.pdf`)).id);
    const t = await fx.ticket({ category: cat.id });
    assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'six', assets: ids }), 400, 'assets');
    assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'dup', assets: [ids[0], ids[0]] }), 400, 'assets');
    assertErr(await s.api('POST', `${A}/tickets/reply/create/${t.id}`,
      { reply: 'dup case', assets: [ids[1], ids[1].toUpperCase()] }), 400, 'assets');
    assert.equal((await fx.retrieveTicket(t.id)).replies.length, t.replies.length, 'nothing written');
    const r = await s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: 'five', assets: ids.slice(0, 5) });
    assert.deepEqual(assertOk(r).ticket.replies.at(-1).assets.map((x) => x.id), ids.slice(0, 5));
  });
});

describe('durability', () => {
  test('an acknowledged upload survives kill -9: the asset retrieves and its files download byte-exact', async () => {
    const s1 = await startServer({ args: ['--max-upload', String(MAX_UPLOAD)] });
    let s2;
    try {
      const pBytes = png(300, 200);
      const dBytes = binary(MAX_UPLOAD - 10);
      const p = await uploadOk(pBytes, 'survivor.png', { alt_text: 'kept' }, { server: s1 });
      const thumbs = [];
      for (const t of p.thumbnails) thumbs.push((await download(t.url)).buf);
      const d = await uploadOk(dBytes, 'survivor.bin', {}, { server: s1 });
      await s1.kill();

      s2 = await startServer({ dataDir: s1.dataDir, key: s1.key, args: ['--max-upload', String(MAX_UPLOAD)] });
      for (const [x, bytes] of [[p, pBytes], [d, dBytes]]) {
        const got = assertOk(await s2.api('GET', `${A}/assets/retrieve/${x.id}`)).asset;
        const strip = (o) => ({ ...urlless(o), public_url: new URL(o.public_url).pathname,
          thumbnails: o.thumbnails.map((t) => ({ ...t, url: new URL(t.url).pathname })) });
        assert.deepEqual(strip(got), strip(x), 'the same asset (the URL base follows the new port)');
        assert.ok(got.public_url.startsWith(`${s2.base}/files/`));
        const r = await download(got.public_url);
        assert.equal(r.status, 200);
        assert.ok(r.buf.equals(bytes), 'byte-exact after the restart');
        assert.equal(r.headers.get('etag'), `"${sha256(bytes)}"`);
      }
      const got = assertOk(await s2.api('GET', `${A}/assets/retrieve/${p.id}`)).asset;
      for (let i = 0; i < got.thumbnails.length; i++) {
        const r = await download(got.thumbnails[i].url);
        assert.equal(r.status, 200);
        assert.ok(r.buf.equals(thumbs[i]), `thumbnail ${i} byte-exact`);
      }
      // still accepting uploads
      assert.equal((await uploadOk(pdf(), 'after.pdf', {}, { server: s2 })).status, 'ready');
    } finally {
      if (s2) await s2.stop();
      else {
        await s1.kill();
        fs.rmSync(s1.dataDir, { recursive: true, force: true });
      }
    }
  });
});
