// One ticket (issue 14): its fields editable in place, the timeline, the composer, presence and
// the 412 flow. Built on /ticketd/v1/tickets/{id} and its replies, timeline and presence, kept
// live by the shared stream (lib/stream.js).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { Link } from '../lib/router.js';
import { PAGE_KEYS, useShortcuts } from '../lib/shortcuts.js';
import { useStream } from '../lib/stream.js';
import { Composer } from './ticket/composer.js';
import { Conflict, Header } from './ticket/fields.js';
import { Timeline } from './ticket/timeline.js';
import { after, loadAll, personName } from './ticket/util.js';

export const title = () => 'Ticket';

// The page's keyboard shortcuts (the shared `?` help lists them).
export const TICKET_SHORTCUTS = PAGE_KEYS['Ticket page'];

const PRESENCE_MS = 5000;
const TYPING_MS = 3000;

// Which header field a stored event changes.
function eventFields(ev) {
  if (ev.type === 'ticket.assigned') return ['assignee'];
  if (ev.type === 'ticket.state_changed') return ['state'];
  if (ev.type === 'tag.added' || ev.type === 'tag.removed') return ['tags'];
  if (ev.type === 'ticket.updated') {
    const map = { title: 'title', category_id: 'category', team_id: 'team' };
    return Object.keys(ev.data || {}).map((k) => map[k] || k);
  }
  return [];
}

// A timeline row's key: replies by id; events by what they say (the timeline's and the
// stream's ids differ), so one seen both ways shows once.
const itemKey = (it) =>
  it.kind === 'event' ? `e:${it.type}:${it.created_at}:${JSON.stringify(it.data)}` : `r:${it.id}`;

function merge(items, fresh) {
  const seen = new Set(items.map((i) => i.key));
  const add = fresh.map((i) => ({ ...i, key: itemKey(i) })).filter((i) => !seen.has(i.key) && seen.add(i.key));
  if (!add.length) return items;
  return [...items, ...add].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
}


function toBody(change, ticket) {
  const [k, v] = Object.entries(change)[0];
  const ids = ticket.tags.map((t) => t.id);
  if (k === 'tagAdd') return { tags: ids.includes(v) ? ids : [...ids, v] };
  if (k === 'tagRemove') return { tags: ids.filter((x) => x !== v) };
  return { [k]: v };
}

export function Ticket({ id, me }) {
  const [ticket, setTicket] = useState(null);
  const [failed, setFailed] = useState(null); // ApiError of the first GET
  const [items, setItems] = useState([]);
  const [loadingTimeline, setLoadingTimeline] = useState(true);
  const [lists, setLists] = useState({ teammates: [], categories: [], teams: [], tags: [] });
  const [conflict, setConflict] = useState(null); // {change, theirs}
  const [status, setStatus] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [presence, setPresence] = useState({}); // teammate id -> {name, state, expires}
  const etag = useRef(null);
  const editing = useRef(null);
  const composer = useRef(null);
  const ticketRef = useRef(null);
  ticketRef.current = ticket;
  const pending = useRef([]); // stream events that came before the timeline
  const ready = useRef(false);
  const lastTyping = useRef(0);
  const listsRef = useRef(lists);
  listsRef.current = lists;

  const markSeen = () => localStorage.setItem(`ticketd:seen:${id}`, new Date().toISOString());

  async function refresh() {
    const res = await api('GET', `/tickets/${id}`);
    etag.current = res.headers.get('etag');
    setTicket(res.data);
    return res.data;
  }

  useEffect(() => {
    markSeen();
    refresh().catch(setFailed);
    let live = true;
    (async () => {
      try {
        // Page by page on the cursor, each shown as it comes (oldest first).
        let cursor = null;
        for (let i = 0; i < 50 && live; i++) {
          const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
          const res = await api('GET', `/tickets/${id}/timeline?limit=100${q}`);
          setItems((cur) => merge(cur, res.data.data));
          cursor = res.data.next_cursor;
          if (!cursor) break;
        }
      } catch (e) {
        setStatus(`The timeline could not be loaded. ${e.message}`);
      } finally {
        // From now on live events go straight in; those that came meanwhile too.
        ready.current = true;
        const late = pending.current;
        pending.current = [];
        setItems((cur) => merge(cur, late));
        setLoadingTimeline(false);
      }
    })();
    const get = (p) => loadAll(p).catch(() => []);
    Promise.all([get('/teammates'), get('/categories'), get('/teams'), get('/tags')]).then(([teammates, categories, teams, tags]) =>
      setLists({ teammates, categories, teams, tags }),
    );
    return () => {
      live = false;
    };
  }, [id]);

  useEffect(() => {
    if (ticket) document.title = `${ticket.title} · ticketd`;
  }, [ticket?.title]);

  // Presence: viewing now and every 5 s while the page is visible (once the ticket loaded:
  // a 403 or 404 page announces nothing).
  const loaded = !!ticket;
  useEffect(() => {
    if (!loaded) return undefined;
    const beat = () => document.visibilityState === 'visible' && api('POST', `/tickets/${id}/presence`, { body: { state: 'viewing' } }).catch(() => {});
    beat();
    const t = setInterval(beat, PRESENCE_MS);
    document.addEventListener('visibilitychange', beat);
    return () => {
      clearInterval(t);
      document.removeEventListener('visibilitychange', beat);
    };
  }, [id, loaded]);
  // Others' presence goes at its expires_at.
  useEffect(() => {
    const t = setInterval(() => {
      setPresence((p) => {
        const now = Date.now();
        const kept = Object.fromEntries(Object.entries(p).filter(([, v]) => v.expires > now));
        return Object.keys(kept).length === Object.keys(p).length ? p : kept;
      });
    }, 1000);
    return () => clearInterval(t);
  }, []);

  function onTyping() {
    const now = Date.now();
    if (now - lastTyping.current < TYPING_MS) return;
    lastTyping.current = now;
    api('POST', `/tickets/${id}/presence`, { body: { state: 'typing' } }).catch(() => {});
  }

  function addItems(fresh) {
    if (!ready.current) pending.current.push(...fresh);
    else setItems((cur) => merge(cur, fresh));
  }

  useStream(
    (ev) => {
      const d = ev.data;
      if (!d || d.ticket_id !== (ticketRef.current?.id || id)) return;
      if (ev.type === 'presence') {
        if (!d.teammate) return;
        const tm = listsRef.current.teammates.find((t) => t.id === d.teammate.id);
        const name = (tm && personName(tm)) || d.teammate.name || 'A teammate';
        setPresence((p) => ({ ...p, [d.teammate.id]: { name, state: d.state, expires: Date.parse(d.expires_at) } }));
        return;
      }
      if (document.visibilityState === 'visible') markSeen();
      const known = d.actor?.type === 'teammate' && listsRef.current.teammates.find((t) => t.id === d.actor.id);
      const actorName = (known && personName(known)) || d.actor?.name || (d.actor?.type === 'key' ? 'Workspace key' : d.actor?.type === 'system' ? 'ticketd' : null);
      if (ev.type === 'reply.created' || ev.type === 'note.created') {
        const rid = after(d.data?.reply_id);
        if (rid)
          api('GET', `/tickets/${id}/replies/${rid}`)
            .then((r) => addItems([{ kind: r.data.note ? 'note' : 'reply', ...r.data }]))
            .catch(() => {});
        // The sender stopped typing.
        if (d.actor?.id) setPresence((p) => (p[d.actor.id]?.state === 'typing' ? { ...p, [d.actor.id]: { ...p[d.actor.id], expires: 0 } } : p));
        return;
      }
      addItems([{ kind: 'event', type: d.type, actor: { kind: d.actor?.type, id: d.actor?.id }, actorName, data: d.data, created_at: d.created_at }]);
      const fields = eventFields(d);
      if (fields.length) {
        const own = me.teammate ? d.actor?.id === me.teammate.id : d.actor?.type === 'key';
        if (!own && editing.current && fields.includes(editing.current)) {
          setNotice(`${actorName || 'Someone'} changed the ${editing.current} while you were editing it. If you save yours, you will see both versions.`);
        }
        refresh().catch(() => {});
      }
      if (d.type === 'ticket.deleted') setStatus('This ticket was deleted.');
    },
    [id],
  );

  // PATCH with If-Match (the ETag held, or the one an editor began with). Answers true when
  // saved or when a 412 opened the conflict panel; false on another failure (shown).
  async function save(change, heldEtag = etag.current) {
    const base = ticketRef.current;
    if (!base) return false;
    setBusy(true);
    setStatus('');
    try {
      const res = await api('PATCH', `/tickets/${id}`, { body: toBody(change, base), headers: { 'if-match': heldEtag || '*' } });
      etag.current = res.headers.get('etag');
      setTicket(res.data);
      setConflict(null);
      setNotice('');
      return true;
    } catch (e) {
      if (e.status === 412) {
        try {
          const theirs = await refresh();
          setConflict({ change, theirs });
          return true;
        } catch (e2) {
          setStatus(e2.message);
          return false;
        }
      }
      setStatus(e.message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  // Keyboard (lib/shortcuts.js: not while typing, not with a modifier; `?` lists them):
  // r reply, n note, a assign to me, c close. Labels from PAGE_KEYS, so the dialog's list of
  // this page shown from the inbox is the same.
  const label = (k) => TICKET_SHORTCUTS.find((s) => s.key === k).label;
  const help = useShortcuts('Ticket page', {
    r: { label: label('r'), run: () => composer.current?.focus('reply') },
    n: { label: label('n'), run: () => composer.current?.focus('note') },
    a: {
      label: label('a'),
      run: () => {
        const t = ticketRef.current;
        if (!t || !me.teammate || t.assignee?.id === me.teammate.id) return false;
        save({ assignee: me.teammate.id });
      },
    },
    c: {
      label: label('c'),
      run: () => {
        const t = ticketRef.current;
        if (!t || !t.is_open) return false;
        save({ state: 'done' });
      },
    },
  });

  if (failed) {
    const msg =
      failed.status === 404
        ? 'There is no such ticket: it may have been deleted, or the address is wrong.'
        : failed.status === 403
          ? 'You may not open this ticket: it is assigned to another teammate.'
          : `The ticket could not be loaded. ${failed.message}`;
    return html`<div class="ticket-missing" role="alert"><p>${msg}</p><p><${Link} href="/">Back to the inbox</${Link}></p></div>`;
  }
  if (!ticket) return html`<div class="ticket-page"><p class="muted">Loading the ticket…</p></div>`;

  const peopleNames = (tid) => {
    const t = lists.teammates.find((x) => x.id === tid);
    return t ? personName(t) : 'a teammate';
  };
  const names = {
    people: peopleNames,
    category: (cid) => lists.categories.find((x) => x.id === cid)?.title || 'another category',
    team: (tid) => lists.teams.find((x) => x.id === tid)?.name || 'another team',
    actor: (a) =>
      !a ? 'Someone' : a.kind === 'teammate' ? peopleNames(a.id) : a.kind === 'key' ? 'Workspace key' : a.kind === 'client' ? ticket.client.name : 'ticketd',
  };
  const others = Object.entries(presence).filter(([, v]) => v.expires > Date.now());
  return html`<div class="ticket-page">
    <p class="ticket-status" role="status" aria-live="polite">${status}</p>
    <p class="presence" role="status" aria-live="polite">
      ${others.map(([k, v]) => html`<span key=${k} class=${`who-${v.state}`}>${v.state === 'typing' ? `${v.name} is typing…` : `${v.name} is viewing`}</span>`)}
    </p>
    <p class="live-notice" role="status" aria-live="assertive">${notice}</p>
    ${conflict &&
    html`<${Conflict} conflict=${conflict} lists=${lists}
      onTheirs=${() => {
        setConflict(null);
        setNotice('');
        setStatus('Kept their version.');
      }}
      onMine=${() => save(conflict.change)} />`}
    <${Header} ticket=${ticket} etag=${etag.current} me=${me} lists=${lists} save=${save} busy=${busy}
      setEditing=${(f) => (editing.current = f)} />
    <div class="ticket-body">
      <${Timeline} items=${items} names=${names} loading=${loadingTimeline} />
      <${Composer} ticketId=${id} control=${composer} onTyping=${onTyping}
        onSent=${(r) => addItems([{ kind: r.note ? 'note' : 'reply', ...r }])} />
    </div>
    <p class="ticket-keys"><button type="button" class="keys" onClick=${help.open}>Keyboard shortcuts (?)</button></p>
    ${help.dialog}
  </div>`;
}
