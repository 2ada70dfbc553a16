// The inbox (issue 14): views with live counts, filters, search, sort, endless scroll on the
// cursor, live rows from the stream, list keyboard shortcuts. Built on GET /ticketd/v1/views,
// /tickets and /tickets/{id} (docs/CONSOLE.md "Inbox").
//
// Speed: the page asks /views and its first /tickets page while main.js asks /me, not after:
// when this browser was signed in last time (the role is remembered in localStorage), this
// module starts both requests as it is evaluated, with the filters of the address, and the
// page takes them if the role and filters still hold. One /me, one /views, one /tickets, in
// parallel; the filter choices (teams, tags…) only when the filter panel opens.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { currentPath, navigate } from '../lib/router.js';
import { useShortcuts } from '../lib/shortcuts.js';
import { useStream } from '../lib/stream.js';
import { Filters } from './inbox/filters.js';
import { compare, listParams, matches, readFilters, SORTS, VIEWS, writeFilters } from './inbox/query.js';
import { isUnread, markSeen, Row, warmDates } from './inbox/row.js';

export const title = () => 'Inbox';

const PAGE = 50;
const ROLE_KEY = 'ticketd:inbox:role';
const COUNT_EVERY_MS = 1000; // counts refresh at most once a second

const isInbox = (p) => p === '/' || p === '/inbox';
const listPath = (f, role, cursor) => {
  const p = listParams(f, role);
  p.set('limit', String(PAGE));
  if (cursor) p.set('cursor', cursor);
  return `/tickets?${p}`;
};

function remembered() {
  try {
    return localStorage.getItem(ROLE_KEY);
  } catch {
    return null;
  }
}
function remember(role) {
  try {
    if (role) localStorage.setItem(ROLE_KEY, role);
    else localStorage.removeItem(ROLE_KEY);
  } catch {
    // storage refused: no early requests next time
  }
}

// The early requests (see the top): {role, path, views, list} promises, taken once; `got`
// holds their answers once both are in, so the page's first render can show them at once
// (no render with "Loading…", no effect to wait for).
let early = null;
if (isInbox(currentPath()) && remembered()) {
  const role = remembered();
  const path = listPath(readFilters(location.search), role);
  early = { role, path, views: api('GET', '/views'), list: api('GET', path), got: null };
  const e = early;
  // Not signed in any more: forget the role, so the next load does not ask in vain.
  e.list.catch((err) => err.status === 401 && remember(null));
  e.views.catch(() => {});
  Promise.all([e.views, e.list]).then(([views, list]) => (e.got = { views: views.data, list: list.data }), () => {});
}
function takeEarly(role, path) {
  const e = early;
  early = null;
  return e && e.role === role && e.path === path ? e : null;
}

// The address's query, re-read on navigation (ours and the browser's back and forward).
function useSearch() {
  const [search, setSearch] = useState(location.search);
  useEffect(() => {
    const update = () => setSearch(location.search);
    addEventListener('popstate', update);
    addEventListener('ticketd:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('ticketd:navigate', update);
    };
  }, []);
  return search;
}

function setFilters(f, { replace = false } = {}) {
  const path = isInbox(currentPath()) ? currentPath() : '/';
  navigate(path + writeFilters(f), { replace });
}

const upsert = (rows, t, sort) => {
  const rest = rows.filter((r) => r.id !== t.id);
  const i = rest.findIndex((r) => compare(t, r, sort) < 0);
  return i < 0 ? [...rest, t] : [...rest.slice(0, i), t, ...rest.slice(i)];
};

// One row fetched again when the stream says it changed (or appeared), at most one request per
// ticket at a time; a change arriving meanwhile asks once more after it.
function useRefetch(fn) {
  const running = useRef(new Map());
  return async (id) => {
    const r = running.current;
    if (r.has(id)) {
      r.get(id).again = true;
      return;
    }
    const st = { again: true };
    r.set(id, st);
    try {
      while (st.again) {
        st.again = false;
        await fn(id);
      }
    } finally {
      r.delete(id);
    }
  };
}

export function Inbox({ me }) {
  const search = useSearch();
  const filters = readFilters(search);
  const key = writeFilters(filters);
  const [text, setText] = useState(filters.q);
  // The early answers, when they are in by the first render.
  const [first] = useState(() => {
    const e = early && early.got ? takeEarly(me.role, listPath(filters, me.role)) : null;
    return e ? e.got : null;
  });
  const [counts, setCounts] = useState(first ? first.views : null);
  const [rows, setRows] = useState(first ? first.list.data : []);
  const [cursor, setCursor] = useState(first ? first.list.next_cursor : null);
  const [phase, setPhase] = useState(first ? 'ready' : 'loading'); // loading, ready, error
  const [error, setError] = useState('');
  const [more, setMore] = useState({ busy: false, error: '' });
  const [fresh, setFresh] = useState([]); // new tickets held back while scrolled down
  const [selected, setSelected] = useState(-1);
  const [now, setNow] = useState(Date.now());
  const [, setSeenTick] = useState(0);
  const listRef = useRef(null);
  const searchRef = useRef(null);
  const sentinel = useRef(null);
  const gen = useRef(0);
  const marked = useRef(false);
  const busy = useRef(false); // a next page on its way (the observer may fire twice meanwhile)
  const live = useRef({});
  live.current = { filters, rows, cursor, phase, fresh };

  useEffect(() => remember(me.role), [me.role]);

  // ---- counts ----
  const countsAt = useRef({ last: 0, timer: null });
  const loadCounts = (p) =>
    (p || api('GET', '/views')).then(
      (r) => setCounts(r.data),
      () => p && loadCounts(), // the early one failed: once more; else keep the last value
    );
  function countsSoon() {
    const c = countsAt.current;
    if (c.timer) return;
    const wait = Math.max(0, c.last + COUNT_EVERY_MS - Date.now());
    c.timer = setTimeout(() => {
      c.timer = null;
      c.last = Date.now();
      loadCounts();
    }, wait);
  }
  useEffect(() => () => clearTimeout(countsAt.current.timer), []);

  // ---- the list ----
  async function load() {
    const g = ++gen.current;
    const path = listPath(filters, me.role);
    const e = takeEarly(me.role, path);
    if (counts === null) {
      countsAt.current.last = Date.now();
      loadCounts(e?.views);
    }
    setPhase('loading');
    setError('');
    setMore({ busy: false, error: '' });
    setFresh([]);
    setSelected(-1);
    try {
      const r = await (e ? e.list : api('GET', path));
      if (g !== gen.current) return;
      setRows(r.data.data);
      setCursor(r.data.next_cursor);
      setPhase('ready');
    } catch (err) {
      if (g !== gen.current) return;
      setError(err.message);
      setPhase('error');
    }
  }
  const loaded = useRef(!!first); // the first render had the first page already
  const typed = useRef(null); // the q the search box put in the address (it may have more now)
  useEffect(() => {
    if (loaded.current) loaded.current = false;
    else load();
    if (filters.q !== typed.current) setText(filters.q); // back, forward, a view link
    typed.current = null;
  }, [key, me.role]);

  async function loadMore() {
    const { cursor: c, filters: f } = live.current;
    if (!c || busy.current) return;
    const g = gen.current;
    busy.current = true;
    setMore({ busy: true, error: '' });
    try {
      const r = await api('GET', listPath(f, me.role, c));
      if (g !== gen.current) return;
      setRows((old) => {
        const have = new Set(old.map((t) => t.id));
        return [...old, ...r.data.data.filter((t) => !have.has(t.id))];
      });
      setCursor(r.data.next_cursor);
      setMore({ busy: false, error: '' });
    } catch (err) {
      if (g === gen.current) setMore({ busy: false, error: err.message });
    } finally {
      busy.current = false;
    }
  }

  // Endless scroll: a new observer for each state of the cursor, so a sentinel still in view
  // after a page loads asks for the next one.
  useEffect(() => {
    if (phase !== 'ready' || !cursor || more.busy || more.error || !sentinel.current) return;
    const io = new IntersectionObserver((entries) => entries[0].isIntersecting && loadMore(), {
      rootMargin: '600px 0px',
    });
    io.observe(sentinel.current);
    return () => io.disconnect();
  }, [phase, cursor, more.busy, more.error]);

  // The moment the first page shows (bench/console.mjs reads it).
  useLayoutEffect(() => {
    if (phase === 'ready' && !marked.current) {
      marked.current = true;
      performance.mark('inbox:rows');
      // Then, when the page is idle, the Intl formatter for the dates' tooltips (row.js).
      const warm = () => {
        warmDates();
        setNow(Date.now());
      };
      if (window.requestIdleCallback) requestIdleCallback(warm, { timeout: 2000 });
      else setTimeout(warm, 200);
    }
  }, [phase]);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30000);
    return () => clearInterval(t);
  }, []);

  // ---- live ----
  const atTop = () => !listRef.current || listRef.current.getBoundingClientRect().top >= 0;

  function place(t) {
    const { filters: f, cursor: c } = live.current;
    const inRows = live.current.rows.some((r) => r.id === t.id);
    if (f.sort === 'oldest') {
      // New tickets come last: shown once the list is read to its end.
      if (inRows || !c) setRows((old) => upsert(old, t, f.sort));
      return;
    }
    if (inRows && (f.sort !== 'updated' || !atTop())) {
      setRows((old) => old.map((r) => (r.id === t.id ? t : r)));
    } else if (atTop()) {
      setRows((old) => upsert(old, t, f.sort));
    } else {
      setFresh((old) => upsert(old, t, f.sort));
    }
  }
  const drop = (id) => {
    setRows((old) => old.filter((r) => r.id !== id));
    setFresh((old) => old.filter((r) => r.id !== id));
  };

  // Does the server's list (full text included) hold this ticket? Asked for new tickets when
  // the list searches: the words are the server's to match.
  async function serverHas(t, f) {
    const p = listParams(f, me.role);
    p.set('created_after', t.created_at);
    p.set('created_before', new Date(Date.parse(t.created_at) + 1).toISOString());
    p.set('limit', '100');
    const r = await api('GET', `/tickets?${p}`);
    return r.data.data.some((x) => x.id === t.id);
  }

  const refetch = useRefetch(async (id) => {
    let t;
    try {
      t = (await api('GET', `/tickets/${id}`)).data;
    } catch (err) {
      // Gone, or out of this teammate's reach now (reassigned): off the list.
      if (err.status === 404 || err.status === 403) drop(id);
      return;
    }
    const { filters: f, rows: rs, fresh: fr, phase: ph } = live.current;
    if (ph !== 'ready') return;
    const shown = rs.some((r) => r.id === t.id) || fr.some((r) => r.id === t.id);
    if (!matches(t, f, me)) {
      if (shown) drop(id);
      return;
    }
    if (!shown && f.q && !(await serverHas(t, f).catch(() => false))) return;
    place(t);
  });

  useStream((ev) => {
    const id = ev.data?.ticket_id;
    if (ev.type === 'presence' || !id) return;
    countsSoon();
    if (ev.type === 'ticket.deleted') drop(id);
    else refetch(id);
  }, []);

  function showFresh() {
    const f = live.current.filters;
    setRows((old) => live.current.fresh.reduceRight((acc, t) => upsert(acc, t, f.sort), old));
    setFresh([]);
    listRef.current?.scrollIntoView({ block: 'start' });
    focusRow(0);
  }

  // ---- search, sort ----
  // Typing replaces the address's q after a pause; the rest of the filters are read when it
  // fires (a sort chosen meanwhile stays).
  useEffect(() => {
    const q = text.trim();
    if (q === filters.q) return;
    const t = setTimeout(() => {
      const now = readFilters(location.search);
      if (now.q === q) return;
      typed.current = q;
      setFilters({ ...now, q }, { replace: true });
    }, 300);
    return () => clearTimeout(t);
  }, [text]);
  const submitSearch = (e) => {
    e.preventDefault();
    if (text.trim() === filters.q) return;
    typed.current = text.trim();
    setFilters({ ...filters, q: text.trim() });
  };

  // ---- keyboard ----
  function focusRow(i) {
    const link = listRef.current?.querySelectorAll('a.row-title')[i];
    if (!link) return;
    setSelected(i);
    link.focus();
    link.scrollIntoView?.({ block: 'nearest' });
  }
  function open(t) {
    markSeen(me, t.id);
    setSeenTick((n) => n + 1);
  }
  const help = useShortcuts('Inbox', {
    j: { label: 'Next ticket', run: () => focusRow(Math.min(selected + 1, live.current.rows.length - 1)) },
    k: { label: 'Previous ticket', run: () => focusRow(Math.max(selected - 1, 0)) },
    Enter: {
      label: 'Open the selected ticket',
      run: (e) => {
        const t = live.current.rows[selected];
        // On the row's link the browser follows it (and the row marks it seen).
        if (!t || e.target.closest?.('a, button, summary')) return false;
        open(t);
        navigate(`/tickets/${t.id}`);
      },
    },
    '/': {
      label: 'Search',
      run: () => {
        searchRef.current?.focus();
        searchRef.current?.select();
      },
    },
  });

  // ---- render ----
  const viewLink = (v) => {
    const href = (isInbox(currentPath()) ? currentPath() : '/') + writeFilters({ ...filters, view: v.id, state: [], assignee: '' });
    const n = counts ? counts[v.count] : null;
    return html`<li key=${v.id}>
      <a href=${'/app' + href} aria-current=${filters.view === v.id ? 'page' : undefined}
        onClick=${(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          navigate(href);
        }}>
        <span class="view-label">${v.label}</span>
        <span class="count" data-view=${v.id}>${n === null ? '…' : n}</span>
      </a>
    </li>`;
  };

  let body;
  if (phase === 'loading') {
    body = html`<p class="list-state" role="status">Loading tickets…</p>`;
  } else if (phase === 'error') {
    body = html`<div class="list-state" role="alert">
      <p>Could not load the tickets. ${error}</p>
      <button type="button" onClick=${load}>Try again</button>
    </div>`;
  } else if (!rows.length) {
    body = html`<p class="list-state empty">${filters.q ? `No tickets match “${filters.q}”.` : 'No tickets here.'}</p>`;
  }

  return html`<div class="inbox">
    <nav class="views" aria-label="Views"><ul>${VIEWS.map(viewLink)}</ul></nav>
    <div class="toolbar">
      <form role="search" class="search" onSubmit=${submitSearch}>
        <label for="inbox-q" class="visually-hidden">Search tickets</label>
        <input id="inbox-q" type="search" ref=${searchRef} value=${text} placeholder="Search tickets (/)"
          autocomplete="off" onInput=${(e) => setText(e.currentTarget.value)} />
      </form>
      <div class="filter sort">
        <label for="inbox-sort">Sort</label>
        <select id="inbox-sort" value=${filters.sort} onChange=${(e) => setFilters({ ...filters, sort: e.currentTarget.value })}>
          ${SORTS.map((s) => html`<option key=${s.id} value=${s.id}>${s.label}</option>`)}
        </select>
      </div>
      <button type="button" class="keys" onClick=${help.open}>Keyboard shortcuts (?)</button>
    </div>
    <${Filters} filters=${filters} me=${me} onChange=${(f) => setFilters(f)} />
    ${fresh.length > 0 &&
    html`<button type="button" class="fresh" onClick=${showFresh}>
      ${fresh.length === 1 ? '1 new ticket' : `${fresh.length} new tickets`}
    </button>`}
    ${body}
    <ul class="ticket-list" aria-label="Tickets" ref=${listRef} hidden=${!!body}>
      ${rows.map(
        (t, i) => html`<${Row} key=${t.id} t=${t} selected=${i === selected} unread=${isUnread(me, t)} now=${now}
          onOpen=${open} onFocus=${() => setSelected(i)} />`,
      )}
    </ul>
    ${phase === 'ready' &&
    cursor &&
    html`<div class="more">
      <div ref=${sentinel} class="sentinel"></div>
      ${more.error && html`<p role="alert">Could not load more tickets. ${more.error}</p>`}
      <button type="button" onClick=${loadMore} disabled=${more.busy}>${more.busy ? 'Loading…' : 'Load more'}</button>
    </div>`}
    ${help.dialog}
  </div>`;
}
