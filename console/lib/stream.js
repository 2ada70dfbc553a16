// The workspace's live stream (GET /ticketd/v1/stream, docs/NATIVE.md "Live stream"): one
// connection per page, shared by every subscriber, opened with the first and closed with the
// last. Read with fetch rather than EventSource, which only hands named events to listeners
// registered for each name in advance and cannot report a 401. After a break it reconnects
// with ?last_event_id, so the server sends exactly what was missed: nothing lost, nothing twice.
//
//   const off = subscribe((ev) => ...);  // ev = {type, id, data}: a stored event (id: integer,
//                                        // data: docs/NATIVE.md) or {type:'presence', id:null}
//   useStream((ev) => ..., [deps]);      // the same inside a Preact component
import { useEffect, useRef } from 'preact/hooks';
import { API } from './api.js';
import { connectionLost, connectionOk } from './connection.js';

const subscribers = new Set();
let controller = null;
let lastId = null;
let retryMs = 2000;
let timer = null;

export function subscribe(fn) {
  subscribers.add(fn);
  if (!controller && !timer) connect();
  return () => {
    subscribers.delete(fn);
    if (!subscribers.size) stop();
  };
}

export function useStream(fn, deps = []) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => subscribe((ev) => ref.current(ev)), deps);
}

function stop() {
  clearTimeout(timer);
  timer = null;
  controller?.abort();
  controller = null;
}

function deliver(block) {
  let type = 'message';
  let id = null;
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line[0] === ':') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
  }
  if (!data.length) return;
  if (id !== null) lastId = id;
  let parsed;
  try {
    parsed = JSON.parse(data.join('\n'));
  } catch {
    return;
  }
  const ev = { type, id: id === null ? null : Number(id), data: parsed };
  for (const fn of [...subscribers]) {
    try {
      fn(ev);
    } catch (err) {
      console.error(err);
    }
  }
}

async function connect() {
  timer = null;
  const mine = new AbortController();
  controller = mine;
  const query = lastId === null ? '' : `?last_event_id=${encodeURIComponent(lastId)}`;
  try {
    const res = await fetch(`${API}/stream${query}`, {
      headers: { accept: 'text/event-stream' },
      credentials: 'same-origin',
      cache: 'no-store',
      signal: mine.signal,
    });
    if (res.status === 401) {
      dispatchEvent(new Event('ticketd:signed-out'));
      controller = null;
      return;
    }
    if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
    connectionOk();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        deliver(buf.slice(0, end));
        buf = buf.slice(end + 2);
      }
    }
  } catch (err) {
    if (mine.signal.aborted) return;
    if (err instanceof TypeError) connectionLost();
  }
  if (controller !== mine) return;
  controller = null;
  if (subscribers.size) timer = setTimeout(connect, retryMs);
}
