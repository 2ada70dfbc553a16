// Whether ticketd can be reached: 'online', 'offline' (the browser has no network) or 'gone'
// (the network is up but the server does not answer). lib/api.js reports each request's fate
// here; while not online, GET /healthz is tried again with a growing delay (1 s doubling to
// 30 s, at once when the browser says the network is back), so the console reconnects by itself.
const listeners = new Set();
let state = 'online';
let timer = null;
let delay = 1000;

export function connectionState() {
  return state;
}

// fn(state) on every change; returns the function that unsubscribes.
export function onConnection(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function set(next) {
  if (next === state) return;
  state = next;
  for (const fn of [...listeners]) fn(state);
}

export function connectionOk() {
  clearTimeout(timer);
  timer = null;
  delay = 1000;
  set('online');
}

export function connectionLost() {
  set(navigator.onLine ? 'gone' : 'offline');
  if (!timer) {
    timer = setTimeout(probe, delay);
    delay = Math.min(delay * 2, 30000);
  }
}

async function probe() {
  timer = null;
  try {
    const res = await fetch('/healthz', { cache: 'no-store' });
    if (res.ok) {
      connectionOk();
      return;
    }
  } catch {
    // still unreachable
  }
  connectionLost();
}

addEventListener('offline', () => connectionLost());
addEventListener('online', () => {
  if (state === 'online') return;
  clearTimeout(timer);
  timer = null;
  probe();
});
