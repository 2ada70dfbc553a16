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

const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const SHORT = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const REL = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

// "just now", "5 min ago", "3 hr ago", "yesterday", "4 days ago", then the date.
export function ago(iso, now = Date.now()) {
  const t = Date.parse(iso);
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return REL.format(-Math.max(1, Math.round(s / 60)), 'minute');
  if (s < 86400) return REL.format(-Math.round(s / 3600), 'hour');
  if (s < 7 * 86400) return REL.format(-Math.round(s / 86400), 'day');
  return SHORT.format(t);
}

export const fullDate = (iso) => FULL.format(Date.parse(iso));

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
