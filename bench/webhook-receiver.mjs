// bench/webhook-receiver.mjs: the receiver of bench/webhooks.mjs, in a process of its own so the
// load generator's event loop does not delay its answers. Forked with IPC: it sends {port};
// 'reset' clears, 'report' answers {count, median_ms, p99_ms, max_ms} where the latency of a
// delivery is its arrival time minus its event's created_at.
import http from 'node:http';

let lat = [];
const srv = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    lat.push(Date.now() - Date.parse(JSON.parse(raw).data.created_at));
    res.writeHead(200);
    res.end('ok');
  });
});
srv.keepAliveTimeout = 5000;
const pct = (s, p) => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : null);
process.on('message', (m) => {
  if (m === 'reset') lat = [];
  if (m === 'report') {
    const s = [...lat].sort((a, b) => a - b);
    process.send({ count: s.length, median_ms: pct(s, 50), p99_ms: pct(s, 99), max_ms: pct(s, 100) });
  }
  if (m === 'stop') srv.close(() => process.exit(0));
});
srv.listen(0, '127.0.0.1', () => process.send({ port: srv.address().port }));
