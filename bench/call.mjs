// A JSON request to a test server started by tests/api/lib/harness.mjs (s.base, s.key) over a
// keep-alive agent: { status, json }. Shared by the Node benches that drive the API.
import http from 'node:http';

export function jsonCall(agent, s, method, path, body) {
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
