// bench/webhooks.mjs (run by bench/webhooks.sh): the webhook figures of issue 15.
// 1. Create cost, delivering: /ticketd/v1 ticket creates, closed loop (CONC requests in flight
//    on keep-alive connections) for SECS seconds each, alternating without an endpoint and with
//    one active endpoint (every create then also queues a delivery in its transaction, and the
//    outbox worker delivers it to the receiver meanwhile, on the same 2 cores): req/s, ratio.
// 2. Delivery: RATE creates per second, open loop, for SECS seconds, one endpoint "*" (each
//    create is one event): how many arrived, and queue-to-delivered latency measured at the
//    receiver as its arrival time minus the event's created_at (the clock reading of the write
//    job, before the COMMIT), median and p99.
// 3. Create cost, endpoint down: as 1 on a second server whose endpoint is down with its first
//    retry an hour away, so each delivery costs its outbox INSERT and one refused connection.
// 4. Create cost, queueing alone (issue 15's aim: what the outbox adds to a create): as 1 on a
//    third server run with --no-outbox-worker, so nothing is claimed, sent or recorded; the
//    endpoint inactive (no delivery queued: one index probe per event) then active (a delivery
//    row per create), alternated.
// 5. Draining: the endpoint made active (its queued deliveries due at once), that server
//    stopped, the same store served again with the worker: how fast the backlog goes out and
//    the process's CPU (from its start, a few ms of start-up included) per delivered event.
// SQLite, one node, everything on this machine: ticketd, the load (this process) and the
// receiver (bench/webhook-receiver.mjs, its own process). The load average is reported.
import http from 'node:http';
import fs from 'node:fs';
import { fork } from 'node:child_process';
import os from 'node:os';
import { jsonCall } from './call.mjs';
import { startServer, freePort, uniq, sql } from '../tests/api/lib/harness.mjs';

const RATE = Number(process.env.RATE || 2000);
const SECS = Number(process.env.SECS || 10);
const CONC = Number(process.env.CONC || 16);
const THREADS = String(process.env.SERVER_THREADS || 2);
// Which phases run (a comma list of create,delivery,down,held,drain; drain needs held).
const PHASES = new Set((process.env.PHASES || 'create,delivery,down,held,drain').split(','));
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

const call = (s, method, path, body) => jsonCall(agent, s, method, path, body);

const ms3 = (x) => Number(x.toFixed(3));
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
const create = (s) => call(s, 'POST', '/ticketd/v1/tickets', { title: uniq('bench'), client: { name: 'Bench', email: 'bench@example.com' } });

// The receiver runs in its own process (bench/webhook-receiver.mjs).
async function receiver() {
  const child = fork(new URL('./webhook-receiver.mjs', import.meta.url));
  const ask = (m) => new Promise((r) => { child.once('message', r); child.send(m); });
  const { port } = await new Promise((r) => child.once('message', r));
  return {
    url: `http://127.0.0.1:${port}/hook`,
    report: () => ask('report'),
    reset: () => child.send('reset'),
    close: () => child.send('stop'),
  };
}

// The server's CPU time (user + system, every thread) in ms, from /proc: on a shared machine a
// truer cost than req/s, which other work on the cores moves.
function cpuMs(s) {
  const f = fs.readFileSync(`/proc/${s.pids[0]}/stat`, 'utf8');
  const v = f.slice(f.lastIndexOf(')') + 2).split(' '); // fields from 3 on
  return ((Number(v[11]) + Number(v[12])) * 1000) / 100; // utime + stime, USER_HZ 100
}

const cpuPer = []; // per closed loop: the server's CPU ms per create, in the order run
async function closedLoop(s, secs) {
  const end = Date.now() + secs * 1000;
  const c0 = cpuMs(s);
  let n = 0;
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (Date.now() < end) {
      const r = await create(s);
      if (r.status !== 201) throw new Error(`create: ${r.status} ${JSON.stringify(r.json)}`);
      n++;
    }
  }));
  cpuPer.push((cpuMs(s) - c0) / n);
  return n / secs;
}


const s = await startServer({ args: ['--webhook-allow-private', '--threads', THREADS, '--quiet'] });
const rcv = await receiver();
try {
  // 1. create cost, alternating: none, one, none, one
  const without = [], withOne = [];
  let hook = null;
  if (PHASES.has('create')) await closedLoop(s, 2); // warm-up
  const cpuWithout = [], cpuWith = [];
  for (let round = 0; PHASES.has('create') && round < 2; round++) {
    without.push(await closedLoop(s, SECS));
    cpuWithout.push(cpuPer.at(-1));
    hook = (await call(s, 'POST', '/ticketd/v1/webhooks', { url: rcv.url, events: ['*'] })).json;
    withOne.push(await closedLoop(s, SECS));
    cpuWith.push(cpuPer.at(-1));
    await call(s, 'DELETE', `/ticketd/v1/webhooks/${hook.id}`);
  }
  // 2. delivery at RATE/s (after what phase 1 left in flight has arrived)
  await new Promise((r) => setTimeout(r, PHASES.has('create') ? 2000 : 0));
  rcv.reset();
  hook = (await call(s, 'POST', '/ticketd/v1/webhooks', { url: rcv.url, events: ['*'] })).json;
  const t0 = Date.now();
  const rateCpu0 = cpuMs(s);
  let sent = 0, failed = 0;
  const inflight = [];
  const tickMs = 10;
  while (PHASES.has('delivery') && Date.now() - t0 < SECS * 1000) {
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
  let rep = await rcv.report();
  while (rep.count < sent - failed && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    rep = await rcv.report();
  }
  // The server's CPU over the phase, per event created and delivered (both in it).
  const rateCpuPer = sent ? (cpuMs(s) - rateCpu0) / sent : null;
  // 3. create cost while deliveries only queue: the endpoint is down and its first retry an
  //    hour away (each delivery is tried once, a refused connection), so what is left of the
  //    endpoint's cost is the outbox INSERT in the create's transaction.
  await call(s, 'DELETE', `/ticketd/v1/webhooks/${hook.id}`);
  const down = [[], []], qCpu = [[], []];
  const q = PHASES.has('down') && await startServer({ args: ['--webhook-allow-private', '--webhook-backoff-ms', '3600000', '--threads', THREADS, '--quiet'] });
  try {
    const deadPort = await freePort();
    const qWithout = [], qWith = [];
    if (q) await closedLoop(q, 2);
    for (let round = 0; q && round < 2; round++) {
      qWithout.push(await closedLoop(q, SECS));
      qCpu[0].push(cpuPer.at(-1));
      const h = (await call(q, 'POST', '/ticketd/v1/webhooks', { url: `http://127.0.0.1:${deadPort}/x`, events: ['*'] })).json;
      qWith.push(await closedLoop(q, SECS));
      qCpu[1].push(cpuPer.at(-1));
      await call(q, 'DELETE', `/ticketd/v1/webhooks/${h.id}`);
    }
    down.splice(0, 2, qWithout, qWith);
  } finally {
    if (q) await q.stop();
  }
  // 4. create cost, queueing alone: no outbox worker in the process. The endpoint stays
  //    registered; inactive it queues nothing (the INSERT ... SELECT finds no active endpoint),
  //    active a delivery per create, which waits.
  const held = [[], []], hCpu = [[], []];
  let drain = null;
  if (PHASES.has('held')) {
    const h = await startServer({ args: ['--webhook-allow-private', '--no-outbox-worker', '--threads', THREADS, '--quiet'] });
    let hw;
    try {
      hw = (await call(h, 'POST', '/ticketd/v1/webhooks', { url: rcv.url, events: ['*'], active: false })).json;
      await closedLoop(h, 2);
      // Inactive, active, active, inactive: a cost that drifts as the store (and the waiting
      // deliveries' indexes) grow weighs on both sides alike.
      for (const active of [false, true, true, false]) {
        await call(h, 'PATCH', `/ticketd/v1/webhooks/${hw.id}`, { active });
        held[active ? 1 : 0].push(await closedLoop(h, SECS));
        hCpu[active ? 1 : 0].push(cpuPer.at(-1));
      }
      // Active again (its queued deliveries due now) before the stop, so the drain below starts
      // sending at once and pays nothing but the deliveries (and its own start).
      await call(h, 'PATCH', `/ticketd/v1/webhooks/${hw.id}`, { active: true });
    } finally {
      await h.stop({ keepData: PHASES.has('drain') });
    }
    // 5. draining what phase 4 queued, on the same store with the worker
    if (PHASES.has('drain')) {
      const queued = Number(sql(h.dataDir, "SELECT count(*) FROM webhook_deliveries WHERE status = 'queued'"));
      rcv.reset();
      const t = Date.now();
      const d = await startServer({ dataDir: h.dataDir, key: h.key, args: ['--webhook-allow-private', '--threads', THREADS, '--quiet'] });
      try {
        const end = Date.now() + 120000;
        let r = await rcv.report();
        while (r.count < queued && Date.now() < end) {
          await new Promise((x) => setTimeout(x, 50));
          r = await rcv.report();
        }
        const secs = (Date.now() - t) / 1000;
        drain = { queued, delivered: r.count, secs: Number(secs.toFixed(2)), per_s: Math.round(r.count / secs),
          cpu_ms: ms3(cpuMs(d) / Math.max(1, r.count)) }; // the process's CPU since it started
      } finally {
        await d.stop();
      }
    }
  }
  const out = {
    create: { conc: CONC, secs: SECS, without_rps: Math.round(mean(without)), with_rps: Math.round(mean(withOne)),
      runs_without: without.map(Math.round), runs_with: withOne.map(Math.round),
      added_pct: Number((100 * (mean(without) / mean(withOne) - 1)).toFixed(1)),
      cpu_without_ms: ms3(mean(cpuWithout)), cpu_with_ms: ms3(mean(cpuWith)),
      cpu_added_pct: Number((100 * (mean(cpuWith) / mean(cpuWithout) - 1)).toFixed(1)) },
    held: PHASES.has('held') ? { without_rps: Math.round(mean(held[0])), with_rps: Math.round(mean(held[1])),
      runs_without: held[0].map(Math.round), runs_with: held[1].map(Math.round),
      cpu_runs_without: hCpu[0].map(ms3), cpu_runs_with: hCpu[1].map(ms3),
      cpu_without_ms: ms3(mean(hCpu[0])), cpu_with_ms: ms3(mean(hCpu[1])),
      cpu_added_pct: Number((100 * (mean(hCpu[1]) / mean(hCpu[0]) - 1)).toFixed(1)) } : null,
    drain,
    queue_only: { without_rps: Math.round(mean(down[0])), with_rps: Math.round(mean(down[1])),
      runs_without: down[0].map(Math.round), runs_with: down[1].map(Math.round),
      added_pct: Number((100 * (mean(down[0]) / mean(down[1]) - 1)).toFixed(1)),
      cpu_without_ms: ms3(mean(qCpu[0])), cpu_with_ms: ms3(mean(qCpu[1])),
      cpu_added_pct: Number((100 * (mean(qCpu[1]) / mean(qCpu[0]) - 1)).toFixed(1)) },
    delivery: { rate: RATE, secs: SECS, sent, failed, achieved_rps: Math.round(sent / createdSecs), delivered: rep.count,
      median_ms: rep.median_ms, p99_ms: rep.p99_ms, max_ms: rep.max_ms,
      cpu_per_event_ms: rateCpuPer === null ? null : ms3(rateCpuPer) },
    threads: THREADS,
    load: os.loadavg().map((x) => x.toFixed(1)).join(' '),
  };
  console.log(JSON.stringify(out));
} finally {
  rcv.close();
  agent.destroy();
  await s.stop();
}
