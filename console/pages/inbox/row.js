// One inbox row: title (a link to the ticket), client, state, assignee, tags, last activity
// ("5 min ago", the full date in the browser's time zone as its tooltip) and the unread dot.
//
// Unread: the ticket's updated_at is newer than when this browser last opened it. The ticket
// page writes localStorage `ticketd:seen:<ticket id>` = ISO time when it opens a ticket; the
// inbox writes the same when a row is opened from here, and also a per-teammate key
// (`ticketd:seen:<teammate id>:<ticket id>`), read first, so two teammates sharing a browser
// each keep their own.
import { html } from '../../lib/html.js';
import { Link } from '../../lib/router.js';

const SEEN = 'ticketd:seen:';

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: every row reads as seen
  }
}

export function lastSeen(me, id) {
  const s = storage();
  if (!s) return null;
  const who = me.teammate?.id;
  return (who && s.getItem(`${SEEN}${who}:${id}`)) || s.getItem(SEEN + id);
}

export function markSeen(me, id, when = new Date()) {
  const s = storage();
  if (!s) return;
  const iso = when.toISOString();
  try {
    s.setItem(SEEN + id, iso);
    if (me.teammate?.id) s.setItem(`${SEEN}${me.teammate.id}:${id}`, iso);
  } catch {
    // full or refused: the dot stays
  }
}

export const isUnread = (me, t) => {
  const seen = lastSeen(me, t.id);
  return !seen || Date.parse(t.updated_at) > Date.parse(seen);
};

// Dates: the browser's time zone. The first Intl formatter a page makes costs 40-300 ms here
// (ICU's data), so the first rows are written without Intl: "5 min ago" by hand (the console
// speaks English), the full date from the Date's local fields; warmDates(), called once the
// rows are on screen, makes the Intl formatter that the next renders use for the tooltip.
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];
const two = (n) => String(n).padStart(2, '0');
let FULL = null;

export function warmDates() {
  if (!FULL) FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
}

function shortDate(d, now) {
  const md = `${MONTHS[d.getMonth()].slice(0, 3)} ${d.getDate()}`;
  return d.getFullYear() === new Date(now).getFullYear() ? md : `${md}, ${d.getFullYear()}`;
}

// "just now", "5 min ago", "3 hr ago", "yesterday", "4 days ago", then the date ("Dec 7").
export function ago(iso, now = Date.now()) {
  const t = Date.parse(iso);
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} hr ago`;
  const days = Math.round(s / 86400);
  if (days < 7) return days === 1 ? 'yesterday' : `${days} days ago`;
  return shortDate(new Date(t), now);
}

// "Monday, December 7, 2026 at 15:26:05 UTC+01:00" (Intl's own wording once warmDates ran).
export function fullDate(iso) {
  const d = new Date(Date.parse(iso));
  if (FULL) return FULL.format(d);
  const off = -d.getTimezoneOffset();
  const zone = `UTC${off < 0 ? '-' : '+'}${two(Math.floor(Math.abs(off) / 60))}:${two(Math.abs(off) % 60)}`;
  return `${DAYS[d.getDay()]}, ${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()} at ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}`;
}

export const STATE_LABELS = {
  new: 'New',
  open: 'Open',
  invited: 'Invited',
  inprogress: 'In progress',
  done: 'Done',
  closed: 'Closed',
  rejected: 'Rejected',
  declined: 'Declined',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

export function Row({ t, selected, unread, now, onOpen, onFocus }) {
  const client = t.client?.name || t.client?.email || '';
  // The link's own click navigates (lib/router.js); the row hears it bubble up.
  const onClick = (e) => e.target.closest?.('a.row-title') && onOpen(t);
  return html`<li class=${`ticket-row${selected ? ' selected' : ''}${unread ? ' unread' : ''}`} data-ticket-id=${t.id} onClick=${onClick}>
    <span class="dot" aria-hidden="true"></span>
    <div class="row-main">
      <${Link} class="row-title" href=${`/tickets/${t.id}`} onFocus=${onFocus}>
        ${unread && html`<span class="visually-hidden">Unread: </span>`}${t.title}
      </${Link}>
      <span class="row-client">${client}</span>
    </div>
    <div class="row-meta">
      <span class=${`state state-${t.is_open ? 'open' : 'closed'}`}>${STATE_LABELS[t.state] || t.state}</span>
      <span class="row-assignee">${t.assignee ? t.assignee.name || t.assignee.email : 'Unassigned'}</span>
      ${t.tags?.length > 0 &&
      html`<ul class="tags" aria-label="Tags">${t.tags.map((g) => html`<li key=${g.id}>${g.name}</li>`)}</ul>`}
      <time datetime=${t.updated_at} title=${fullDate(t.updated_at)}>${ago(t.updated_at, now)}</time>
    </div>
  </li>`;
}
