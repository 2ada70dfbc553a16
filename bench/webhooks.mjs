// bench/webhooks.mjs (run by bench/webhooks.sh): the webhook figures of issue 15.
// 1. Create cost: /ticketd/v1 ticket creates, closed loop (CONC requests in flight on keep-alive
//    connections) for SECS seconds each, alternating without an endpoint and with one active
//    endpoint (every create then also queues a delivery in its transaction, and the outbox
//    worker delivers it to a local receiver meanwhile, on the same 2 cores): req/s of each and
//    the ratio.
// 2. Delivery: RATE creates per second, open loop, for SECS seconds, one endpoint "*" (each
//    create is one event): how many arrived, and queue-to-delivered latency measured at the
//    receiver as its arrival time minus the event's created_at (the clock reading of the write
//    job, before the COMMIT), median and p99.
// SQLite, one node, everything on this machine: ticketd, the load and the receiver (a Node
// http server in this process).
import http from 'node:http';
import { startServer, uniq } from '../tests/api/lib/harness.mjs';

const RATE = Number(process.env.RATE || 2000);
const SECS = Number(process.env.SECS || 10);
const CONC = Number(process.env.CONC || 16);
const THREADS = String(process.env.SERVER_THREADS || 2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

function call(s, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : '';
    const req = http.request(`${s.base}${path}`, {
      method, agent,
      headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
    }, (res) => {
      let t = '';
      res.on('data', (c) => (t += c));
      res.on('end', () => resolve({ status: res.statusCode, json: t ? JSON.parse(t) : undefined }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const create = (s) => call(s, 'POST', '/ticketd/v1/tickets', { title: uniq('bench'), client: { name: 'Bench', email: 'bench@example.com' } });

async function receiver() {
  const lat = [];
  let count = 0;
  const srv = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const now = Date.now();
      count++;
      lat.push(now - Date.parse(JSON.parse(raw).data.created_at));
      res.writeHead(200);
      res.end('ok');
    });
  });
  srv.keepAliveTimeout = 5000;
  const port = await new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv.address().port)));
  return { url: `http://127.0.0.1:${port}/hook`, lat, get count() { return count; }, reset() { lat.length = 0; count = 0; }, close: () => srv.close() };
}

async function closedLoop(s, secs) {
  const end = Date.now() + secs * 1000;
  let n = 0;
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (Date.now() < end) {
      const r = await create(s);
      if (r.status !== 201) throw new Error(`create: ${r.status} ${JSON.stringify(r.json)}`);
      n++;
    }
  }));
  return n / secs;
}

const pct = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

const s = await startServer({ args: ['--webhook-allow-private', '--threads', THREADS, '--quiet'] });
const rcv = await receiver();
try {
  // 1. create cost, alternating: none, one, none, one
  const without = [], withOne = [];
  let hook = null;
  await closedLoop(s, 2); // warm-up
  for (let round = 0; round < 2; round++) {
    without.push(await closedLoop(s, SECS));
    hook = (await call(s, 'POST', '/ticketd/v1/webhooks', { url: rcv.url, events: ['*'] })).json;
    withOne.push(await closedLoop(s, SECS));
    await call(s, 'DELETE', `/ticketd/v1/webhooks/${hook.id}`);
  }
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  // 2. delivery at RATE/s (after what phase 1 left in flight has arrived)
  await new Promise((r) => setTimeout(r, 2000));
  rcv.reset();
  hook = (await call(s, 'POST', '/ticketd/v1/webhooks', { url: rcv.url, events: ['*'] })).json;
  const t0 = Date.now();
  let sent = 0, failed = 0;
  const inflight = [];
  const tickMs = 10;
  while (Date.now() - t0 < SECS * 1000) {
    const due = Math.floor(((Date.now() - t0) / 1000) * RATE) - sent;
    for (let i = 0; i < due; i++) {
      sent++;
      inflight.push(create(s).then((r) => { if (r.status !== 201) failed++; }));
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(inflight);
  const createdSecs = (Date.now() - t0) / 1000;
  const deadline = Date.now() + 60000;
  while (rcv.count < sent - failed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const out = {
    create: { conc: CONC, secs: SECS, without_rps: Math.round(mean(without)), with_rps: Math.round(mean(withOne)),
      runs_without: without.map(Math.round), runs_with: withOne.map(Math.round),
      added_pct: Number((100 * (mean(without) / mean(withOne) - 1)).toFixed(1)) },
    delivery: { rate: RATE, secs: SECS, sent, failed, achieved_rps: Math.round(sent / createdSecs), delivered: rcv.count,
      median_ms: pct(rcv.lat, 50), p99_ms: pct(rcv.lat, 99), max_ms: pct(rcv.lat, 100) },
    threads: THREADS,
  };
  console.log(JSON.stringify(out));
} finally {
  rcv.close();
  agent.destroy();
  await s.stop();
}
