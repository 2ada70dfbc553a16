// bench/stream.mjs (run by bench/stream.sh): the live stream's figures of issue 13.
// 1. CLIENTS (1000) stream clients on one node: EVENTS (50) replies are posted one after
//    another; for each, the time from sending the write to each client receiving its event
//    (median, p99, and the median of the last client per event), and the time from the
//    event's created_at (the clock reading of its write job, before the COMMIT) to each client
//    reading it: both are upper bounds of commit-to-delivery, the first also holding the
//    write's own HTTP request. Client-side parsing of every socket in one Node thread counts.
// 2. IDLE (5000) idle stream clients: the server's RSS before and with them, and its threads.
// Clients are bare sockets in this one Node process (ulimit -n must allow them).
import net from 'node:net';
import fs from 'node:fs';
import { startServer, A, uniq } from '../tests/api/lib/harness.mjs';

const CLIENTS = Number(process.env.CLIENTS || 1000);
const EVENTS = Number(process.env.EVENTS || 50);
const IDLE = Number(process.env.IDLE || 5000);
const THREADS = String(process.env.SERVER_THREADS || 2);

const status = (pid, k) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))[1]);

function client(port, key, onText) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let ready = false;
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      if (!ready && d.includes('retry:')) {
        ready = true;
        resolve(sock);
      }
      if (onText) onText(d);
    });
    sock.on('error', reject);
    sock.write(`GET /ticketd/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n\r\n`);
  });
}

async function connectAll(n, port, key, onText) {
  const socks = [];
  for (let i = 0; i < n; i += 100)
    socks.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, k) => client(port, key, onText && ((d) => onText(i + k, d)))))));
  return socks;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function latency() {
  const s = await startServer({ sqlite: true, args: ['--threads', THREADS] });
  const api = (m, p, b) => s.api(m, p, b);
  const c = await api('POST', `${A}/clients/create`, { name: 'Bench', email: `${uniq('b')}@example.com` });
  const g = await api('POST', `${A}/ticket-categories/create`, { title: 'Bench', language: 'en' });
  const t = await api('POST', `${A}/tickets/create`, { client_id: c.json.client.id, title: 'Bench', description: 'x', category: g.json.ticket_category.id });
  const ticket = t.json.ticket.id;
  let marker = null;
  let sentAt = 0;
  const got = new Map(); // marker -> [ms per client]
  const seen = new Array(CLIENTS).fill(null);
  const fromEvent = []; // ms from the event's created_at (its job's start, before COMMIT)
  const socks = await connectAll(CLIENTS, s.port, s.key, (i, d) => {
    if (marker && seen[i] !== marker && d.includes(marker)) {
      const now = Date.now();
      seen[i] = marker;
      got.get(marker).push(performance.now() - sentAt);
      const line = d.split('\n').find((l) => l.includes(marker));
      const at = line && line.match(/"created_at":"([^"]+)"}$/);
      if (at) fromEvent.push(now - Date.parse(at[1]));
    }
  });
  const all = [];
  const lastPer = [];
  const writes = [];
  for (let e = 0; e < EVENTS; e++) {
    marker = `bench-${e}-${Math.random().toString(36).slice(2)}`;
    got.set(marker, []);
    sentAt = performance.now();
    const r = await api('POST', `${A}/tickets/reply/create/${ticket}`, { reply: marker });
    if (r.status !== 200) throw new Error(`reply: ${r.status}`);
    writes.push(performance.now() - sentAt);
    const deadline = Date.now() + 10000;
    while (got.get(marker).length < CLIENTS && Date.now() < deadline) await new Promise((res) => setImmediate(res));
    const ms = got.get(marker);
    if (ms.length < CLIENTS) throw new Error(`event ${e}: ${ms.length}/${CLIENTS} clients within 10 s`);
    all.push(...ms);
    lastPer.push(Math.max(...ms));
  }
  const out = { clients: CLIENTS, events: EVENTS, median_ms: pct(all, 50), write_answer_median_ms: pct(writes, 50), from_created_median_ms: pct(fromEvent, 50), from_created_p99_ms: pct(fromEvent, 99), from_created_n: fromEvent.length, p99_ms: pct(all, 99), last_client_median_ms: pct(lastPer, 50), threads: status(s.pids[0], 'Threads') };
  for (const k of socks) k.destroy();
  await s.stop();
  return out;
}

async function idle() {
  const s = await startServer({ sqlite: true, args: ['--threads', THREADS] });
  const pid = s.pids[0];
  const before = status(pid, 'VmRSS');
  const socks = await connectAll(IDLE, s.port, s.key);
  await new Promise((r) => setTimeout(r, 1000));
  const me = await s.api('GET', '/ticketd/v1/me');
  const out = { idle: IDLE, rss_before_kb: before, rss_with_kb: status(pid, 'VmRSS'), threads: status(pid, 'Threads'), me_status: me.status };
  for (const k of socks) k.destroy();
  await s.stop();
  return out;
}

const lat = await latency();
const idl = await idle();
console.log(JSON.stringify({ latency: lat, idle: idl }));
