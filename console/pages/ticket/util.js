// Small helpers of the ticket page: dates in the browser's time zone, event values, random
// keys, and lists read whole on their cursor.
import { api } from '../../lib/api.js';

const FMT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const fmtDate = (iso) => (iso ? FMT.format(new Date(iso)) : '');

// A stored event's value: {before, after} (docs/ARCHITECTURE.md) -> after; a plain value as is.
export const after = (v) => (v && typeof v === 'object' && 'after' in v ? v.after : v);
export const before = (v) => (v && typeof v === 'object' && 'before' in v ? v.before : null);

// 32 hex characters; getRandomValues works outside secure contexts too (randomUUID does not).
export function randomKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Every row of a list (GET path?limit=100, then its cursor), at most `pages` pages.
export async function loadAll(path, pages = 10) {
  const rows = [];
  let cursor = null;
  for (let i = 0; i < pages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await api('GET', `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    rows.push(...res.data.data);
    cursor = res.data.next_cursor;
    if (!cursor) break;
  }
  return rows;
}

export const personName = (t) => (t ? [t.name, t.last_name].filter(Boolean).join(' ') || t.email || 'Someone' : '');

export const STATES = ['new', 'open', 'invited', 'inprogress', 'done', 'closed', 'rejected', 'declined', 'expired', 'cancelled'];
// docs/APIZEE.md: done, closed, rejected, declined, expired and cancelled are closed states.
export const OPEN_STATES = ['new', 'open', 'invited', 'inprogress'];
