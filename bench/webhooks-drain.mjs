// bench/webhooks-drain.mjs: the webhook worker's cost per delivery, old binary against new on
// the same backlog. A store with N queued deliveries to one endpoint is made once (a server run
// with --no-outbox-worker, N ticket creates, stopped); then for each binary in turn, alternated
// ROUNDS times, a copy of that store is served by the binary with its worker and drained into a
// receiver (bench/webhook-receiver.mjs, its own process): the time to drain it and the server
// process's CPU from its start (user + system, every thread; a start-up of a few ms included)
// per delivered event. SQLite, one node, everything on this machine; the load average is
// reported. usage: BINS=/path/a,/path/b N=20000 ROUNDS=2 [PERF=file] node bench/webhooks-drain.mjs
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, fork, spawn } from 'node:child_process';
import { jsonCall } from './call.mjs';
import { startServer, uniq, sql } from '../tests/api/lib/harness.mjs';

const BINS = (process.env.BINS || process.env.TICKETD_BIN || 'build/ticketd').split(',');
const N = Number(process.env.N || 20000);
const ROUNDS = Number(process.env.ROUNDS || 2);
const CONC = 16;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

const call = (s, method, path, body) => jsonCall(agent, s, method, path, body);

function cpuMs(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(v[11]) + Number(v[12])) * 1000) / 100;
}

async function receiver() {
  const child = fork(new URL('./webhook-receiver.mjs', import.meta.url));
  const ask = (m) => new Promise((r) => { child.once('message', r); child.send(m); });
  const { port } = await new Promise((r) => child.once('message', r));
  return { url: `http://127.0.0.1:${port}/hook`, report: () => ask('report'), close: () => child.send('stop') };
}

// The backlog, made with the first binary (the others migrate it at their start if newer).
process.env.TICKETD_BIN = BINS[0];
const made = await startServer({ args: ['--webhook-allow-private', '--no-outbox-worker', '--quiet'] });
let sent = 0;
try {
  await call(made, 'POST', '/ticketd/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['ticket.created'] });
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (sent < N) {
      sent++;
      const r = await call(made, 'POST', '/ticketd/v1/tickets', { title: uniq('drain'), client: { name: 'D', email: 'd@example.com' } });
      if (r.status !== 201) throw new Error(`create: ${r.status}`);
    }
  }));
} finally {
  await made.stop({ keepData: true });
}
const queued = Number(sql(made.dataDir, "SELECT count(*) FROM webhook_deliveries WHERE status = 'queued'"));
const rows = [];
const rcv = await receiver();
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const bin of BINS) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-drain-'));
      execFileSync('cp', ['-a', `${made.dataDir}/.`, dir]);
      execFileSync('sqlite3', [path.join(dir, 'ticketd.db'), `UPDATE webhooks SET url = '${rcv.url}'`]);
      const before = (await rcv.report()).count;
      const load = os.loadavg()[0].toFixed(1);
      process.env.TICKETD_BIN = bin;
      const t0 = Date.now();
      const s = await startServer({ dataDir: dir, key: made.key, args: ['--webhook-allow-private', '--quiet'] });
      // PERF=FILE: a perf profile of the server while it drains (the last run's).
      const perf = process.env.PERF && spawn('perf', ['record', '-g', '-o', process.env.PERF, '-p', String(s.pids[0])], { stdio: 'ignore' });
      try {
        let got = 0;
        const end = Date.now() + 300000;
        while (got < queued && Date.now() < end) {
          await new Promise((r) => setTimeout(r, 20));
          got = (await rcv.report()).count - before;
        }
        const secs = (Date.now() - t0) / 1000;
        rows.push({ bin, round, delivered: got, secs: Number(secs.toFixed(2)), per_s: Math.round(got / secs),
          cpu_us: Math.round((1000 * cpuMs(s.pids[0])) / Math.max(1, got)), load_1m: load });
      } finally {
        if (perf) {
          perf.kill('SIGINT');
          await new Promise((r) => perf.once('exit', r));
        }
        await s.stop();
      }
    }
  }
} finally {
  rcv.close();
  agent.destroy();
  fs.rmSync(made.dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify({ queued, rows, load: os.loadavg().map((x) => x.toFixed(1)).join(' ') }));
