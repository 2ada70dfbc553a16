// The console's one way to call ticketd's API (/ticketd/v1, docs/NATIVE.md). api(method, path,
// {body, headers, signal}) sends JSON with the session cookie and resolves to {status, data,
// headers} for a 2xx; anything else rejects with an ApiError whose message a page can show as
// it is: the problem's detail (RFC 9457; it names the field at fault), `fields` maps each
// field to its message, `retryAfter` is in seconds (429). A request that gets no answer rejects
// with `offline` (the browser has no network) or `gone` (the server does not answer) set, and
// lib/connection.js starts watching for the server's return. A 401 from anything but the
// sign-in itself also fires `ticketd:signed-out` on window: the session ended (expired, signed
// out elsewhere, password changed) and the app goes back to the sign-in page.
import { connectionLost, connectionOk } from './connection.js';

export const API = '/ticketd/v1';

export class ApiError extends Error {
  constructor(message, { status = 0, type = '', fields = {}, retryAfter = 0, offline = false, gone = false } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.fields = fields;
    this.retryAfter = retryAfter;
    this.offline = offline;
    this.gone = gone;
  }
}

// "email is required" -> "Email is required."
export function sentence(text) {
  const t = String(text || '').trim();
  if (!t) return t;
  return t[0].toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

async function readBody(res) {
  const type = res.headers.get('content-type') || '';
  if (res.status === 204 || res.status === 304) return null;
  if (/json/.test(type)) {
    try {
      return await res.json();
    } catch {
      return null;
    }
  }
  return res.text();
}

function failure(res, body) {
  const retryAfter = Number(res.headers.get('retry-after')) || 0;
  const problem = body && typeof body === 'object' ? body : {};
  const fields = {};
  for (const e of Array.isArray(problem.errors) ? problem.errors : []) {
    if (e && e.field) fields[e.field] = `${e.field} ${e.message || 'is not valid'}`;
  }
  let message = problem.detail || problem.title || problem.error;
  if (!message) {
    message =
      res.status >= 500
        ? `The server failed (HTTP ${res.status}). Try again in a moment.`
        : `The request failed (HTTP ${res.status}).`;
  }
  return new ApiError(sentence(message), { status: res.status, type: problem.type || '', fields, retryAfter });
}

export async function api(method, path, { body, headers = {}, signal } = {}) {
  const init = {
    method,
    headers: { accept: 'application/json, application/problem+json', ...headers },
    credentials: 'same-origin',
    signal,
  };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(API + path, init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    connectionLost();
    const offline = !navigator.onLine;
    throw new ApiError(
      offline
        ? 'You are offline. The console reconnects when the network is back.'
        : 'The server cannot be reached. The console keeps trying to reconnect.',
      { offline, gone: !offline },
    );
  }
  // A proxy in front of ticketd answers for it when it is down.
  if (res.status === 502 || res.status === 504) connectionLost();
  else connectionOk();
  const data = await readBody(res);
  if (res.ok) return { status: res.status, data, headers: res.headers };
  if (res.status === 401 && !(method === 'POST' && path === '/sessions')) {
    dispatchEvent(new CustomEvent('ticketd:signed-out'));
  }
  throw failure(res, data);
}
