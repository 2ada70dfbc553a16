// bench/mixed.mjs (run by bench/run.sh): the server's RSS during a mixed load with uploads.
// CLIENTS (8) keep-alive clients send REQUESTS (20000) requests between them, each client
// cycling through the same mix of 100: 40 Tamio retrieves (random ids), 15 Tamio lists (the
// run's list), 10 Zaia details, 5 Zaia searches (kiwi<NNN>), 5 Zaia filtered lists, 24 Tamio
// creates, 1 upload (UPLOAD_FILE, multipart). /proc/<pid>/status is read every 20 ms: the
// peak VmRSS during the load, and VmRSS once it has ended and the server sat idle for 2 s.
// Prints one JSON line; a non-2xx answer counts in `errors` (and fails bench/run.sh's row).
// usage: node bench/mixed.mjs (everything from the environment, see run.sh)
import fs from 'node:fs';

const env = (k, d) => {
  const v = process.env[k] ?? d;
  if (v === undefined) throw new Error(`mixed.mjs: ${k} is not set`);
  return v;
};
const BASE = env('BASE');
const KEY = env('KEY');
const PID = Number(env('PID'));
const REQUESTS = Number(env('REQUESTS', 20000));
const CLIENTS = Number(env('CLIENTS', 8));
const ids = fs.readFileSync(env('IDS_FILE'), 'utf8').split('\n').filter(Boolean);
const words = fs.readFileSync(env('SEARCH_VALUES'), 'utf8').split('\n').filter(Boolean);
const LIST_PATH = env('LIST_PATH');
const FILTER_PATH = env('FILTER_PATH');
const SEARCH_PREFIX = env('SEARCH_PREFIX');
const CLIENT_ID = env('CLIENT_ID');
const CATEGORY_ID = env('CATEGORY_ID');
const upload = fs.readFileSync(env('UPLOAD_FILE'));

const rssKb = () => {
  const m = fs.readFileSync(`/proc/${PID}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m);
  return m ? Number(m[1]) : 0;
};
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const auth = { Authorization: `Bearer ${KEY}` };

// The mix of 100, in an order that spreads each kind over the cycle.
const MIX = [];
const kinds = [['retrieve', 40], ['create', 24], ['list', 15], ['details', 10], ['search', 5],
  ['filter', 5], ['upload', 1]];
for (let i = 0; i < 100; i++) {
  let best = null;
  for (const [k, n] of kinds) {
    const due = MIX.filter((x) => x === k).length / n; // fraction of its share already placed
    if (due < 1 && (best === null || due < best[1])) best = [k, due];
  }
  MIX.push(best[0]);
}

let sent = 0;
let n = 0;
const counts = {};
const errors = {};
async function one(kind) {
  let res;
  switch (kind) {
    case 'retrieve': res = await fetch(`${BASE}/v2/agency/tickets/retrieve/${pick(ids)}`, { headers: auth }); break;
    case 'list': res = await fetch(`${BASE}${LIST_PATH}`, { headers: auth }); break;
    case 'details': res = await fetch(`${BASE}/api/v1/tickets/${pick(ids)}/details`, { headers: auth }); break;
    case 'search': res = await fetch(`${BASE}${SEARCH_PREFIX}${pick(words)}`, { headers: auth }); break;
    case 'filter': res = await fetch(`${BASE}${FILTER_PATH}`, { headers: auth }); break;
    case 'create':
      res = await fetch(`${BASE}/v2/agency/tickets/create`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_id: CLIENT_ID, category: CATEGORY_ID, title: `mixed ${n}`,
          description: 'Created by bench/mixed.mjs: my order did not arrive, please check it.' }),
      });
      break;
    case 'upload': {
      const form = new FormData();
      form.append('alt_text', 'bench upload');
      form.append('file', new Blob([upload], { type: 'image/jpeg' }), 'bench.jpg');
      res = await fetch(`${BASE}/v2/agency/assets/upload`, { method: 'POST', headers: auth, body: form });
      break;
    }
  }
  await res.arrayBuffer();
  counts[kind] = (counts[kind] || 0) + 1;
  if (res.status < 200 || res.status > 299) errors[kind] = (errors[kind] || 0) + 1;
}

async function client(c) {
  for (let k = c * 13; sent < REQUESTS; k++) {
    sent++;
    n++;
    await one(MIX[k % MIX.length]);
  }
}

const before = rssKb();
let peak = before;
const timer = setInterval(() => { peak = Math.max(peak, rssKb()); }, 20);
const t0 = Date.now();
await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
const secs = (Date.now() - t0) / 1000;
peak = Math.max(peak, rssKb());
clearInterval(timer);
const ended = rssKb();
await new Promise((r) => setTimeout(r, 2000));
const idle = rssKb();
console.log(JSON.stringify({ requests: sent, clients: CLIENTS, secs, rss_before_kb: before,
  rss_peak_kb: peak, rss_end_kb: ended, rss_idle_after_kb: idle, counts,
  errors: Object.values(errors).reduce((a, b) => a + b, 0), errors_by_kind: errors }));
