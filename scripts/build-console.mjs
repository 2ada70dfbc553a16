// Builds the agent console (docs/CONSOLE.md): console/ (index.html, ES modules, CSS) and the
// vendor ES modules from node_modules become OUT/index.html and OUT/assets/<name>-<hash>.<ext>,
// each import rewritten to the hashed URL of what it names (no import map: the page's CSP
// allows no inline script), a .gz beside each file gzip makes smaller (gzip -9n: the same bytes
// on every build), and OUT/files.txt, the files the Makefile embeds in the binary.
// Fails when the JavaScript and CSS, compressed, go over the budget.
// Usage: node scripts/build-console.mjs [SRC [OUT]]   (console, build/console)
// Env: CONSOLE_BUDGET_BYTES (120000).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { init, parse } from 'es-module-lexer';

const SRC = process.argv[2] || 'console';
const OUT = process.argv[3] || 'build/console';
const BUDGET = Number(process.env.CONSOLE_BUDGET_BYTES || 120000);
const URL_BASE = '/app/assets/';

// The bare specifiers the console may import: what each is in node_modules, and its name here.
const VENDOR = {
  preact: ['node_modules/preact/dist/preact.mjs', 'preact'],
  'preact/hooks': ['node_modules/preact/hooks/dist/hooks.mjs', 'preact-hooks'],
  htm: ['node_modules/htm/dist/htm.mjs', 'htm'],
};

const die = (msg) => {
  console.error(`build-console: ${msg}`);
  process.exit(1);
};
const hashed = (base, ext, bytes) =>
  `${base}-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}${ext}`;

await init;
fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(path.join(OUT, 'assets'), { recursive: true });
const written = []; // [path in OUT, bytes]

// ---- modules: emitted dependencies first, so each names its imports by their final hash ----
const urlOf = new Map(); // file -> /app/assets/<hashed>
const visiting = new Set();

function resolve(spec, from) {
  if (VENDOR[spec]) return VENDOR[spec][0];
  if (spec.startsWith('./') || spec.startsWith('../')) {
    const f = path.join(path.dirname(from), spec);
    if (!fs.existsSync(f)) die(`${from} imports ${spec}: no such file`);
    return f;
  }
  die(`${from} imports "${spec}": not a relative path nor one of ${Object.keys(VENDOR).join(', ')}`);
}

function emitModule(file) {
  if (urlOf.has(file)) return urlOf.get(file);
  if (visiting.has(file)) die(`import cycle through ${file}`);
  visiting.add(file);
  let src = fs.readFileSync(file, 'utf8');
  const [imports] = parse(src, file);
  // Rewritten from the end, so earlier offsets stay valid.
  for (const im of [...imports].reverse()) {
    if (im.type === 'import-meta') continue;
    // import('x') would load a module no preload names, and its hash could not be checked here.
    if (im.type !== 'static' && im.type !== 'reexport-star') die(`${file}: ${im.type} imports are not built`);
    const url = emitModule(resolve(im.specifier, file));
    src = src.slice(0, im.start) + url + src.slice(im.end);
  }
  const vendor = Object.values(VENDOR).find(([f]) => f === file);
  const base = vendor ? vendor[1] : path.relative(SRC, file).replace(/\.js$/, '').replaceAll('/', '-');
  const name = hashed(base, '.js', src);
  written.push([`assets/${name}`, Buffer.from(src)]);
  visiting.delete(file);
  urlOf.set(file, URL_BASE + name);
  return URL_BASE + name;
}

// ---- index.html: its local scripts, styles and images by hashed URL, every module preloaded ----
const indexPath = path.join(SRC, 'index.html');
let html = fs.readFileSync(indexPath, 'utf8');
const plain = new Map(); // a non-module file -> its URL
const entries = new Set(); // the modules index.html loads itself
html = html.replace(/\b(src|href)="([^"]+)"/g, (all, attr, ref) => {
  if (/^[a-z]+:|^\/|^#/i.test(ref)) return all; // absolute or another origin: left alone
  const file = path.join(SRC, ref);
  if (!fs.existsSync(file)) die(`index.html names ${ref}: no such file`);
  if (ref.endsWith('.js')) {
    const url = emitModule(file);
    entries.add(url);
    return `${attr}="${url}"`;
  }
  if (!plain.has(file)) {
    const bytes = fs.readFileSync(file);
    const ext = path.extname(file);
    const name = hashed(path.basename(file, ext), ext, bytes);
    written.push([`assets/${name}`, bytes]);
    plain.set(file, URL_BASE + name);
  }
  return `${attr}="${plain.get(file)}"`;
});
if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) die('index.html has an inline script (the CSP refuses it)');
if (/<style\b|\sstyle="/i.test(html)) die('index.html has inline style (the CSP refuses it)');
// The whole module graph is fetched at once instead of one level of imports at a time.
const preload = [...urlOf.values()].filter((u) => !entries.has(u)).map((u) => `<link rel="modulepreload" href="${u}">`).join('\n');
if (!html.includes('</head>')) die('index.html has no </head>');
html = html.replace('</head>', `${preload}\n</head>`);
written.push(['index.html', Buffer.from(html)]);

// ---- write, precompress, count ----
const files = [];
let total = 0;
const rows = [];
for (const [rel, bytes] of written.sort((a, b) => a[0].localeCompare(b[0]))) {
  const out = path.join(OUT, rel);
  fs.writeFileSync(out, bytes);
  files.push(out);
  const gz = execFileSync('gzip', ['-9n', '-c', out], { maxBuffer: 64 << 20 });
  let sent = bytes.length;
  if (gz.length < bytes.length) {
    fs.writeFileSync(`${out}.gz`, gz);
    files.push(`${out}.gz`);
    sent = gz.length;
  }
  if (/\.(js|css)$/.test(rel)) total += sent;
  rows.push(`  ${rel.padEnd(40)} ${String(bytes.length).padStart(8)} ${String(sent).padStart(8)}`);
}
console.log(`console: ${rows.length} files in ${OUT} (bytes, bytes sent gzipped)\n${rows.join('\n')}`);
console.log(`console: JavaScript + CSS, compressed: ${total} bytes of a ${BUDGET}-byte budget`);
if (total > BUDGET) die(`over budget: ${total} > ${BUDGET} bytes of compressed JavaScript and CSS`);
// Last: the Makefile's target, so a failed build leaves none behind.
fs.writeFileSync(path.join(OUT, 'files.txt'), files.join('\n') + '\n');
