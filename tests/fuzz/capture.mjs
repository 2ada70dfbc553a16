// Records the requests the API tests send, for the fuzz corpora (docs/FUZZING.md): preloaded
// with NODE_OPTIONS="--import ./tests/fuzz/capture.mjs" and TICKETD_FUZZ_CAPTURE=FILE, it wraps
// fetch and appends one JSON line per request (method, url, content-type, range, if-range, the
// body in base64) to FILE. scripts/fuzz-seeds.py turns those lines into seed inputs.
import fs from 'node:fs';

const out = process.env.TICKETD_FUZZ_CAPTURE;
if (out) {
  const real = globalThis.fetch;
  globalThis.fetch = async (input, init = {}) => {
    try {
      const req = new Request(input, init);
      const body = init.body === undefined ? Buffer.alloc(0) : Buffer.from(await req.clone().arrayBuffer());
      const h = (k) => req.headers.get(k);
      fs.appendFileSync(out, JSON.stringify({
        method: req.method, url: req.url, type: h('content-type'), range: h('range'),
        if_range: h('if-range'), body: body.toString('base64'),
      }) + '\n');
    } catch {
      // a request the wrapper cannot read is sent anyway, unrecorded
    }
    return real(input, init);
  };
}
