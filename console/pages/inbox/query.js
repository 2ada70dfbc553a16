// The inbox's filters: read from and written to the address's query (/app/?view=mine&state=open
// &q=…), so a reload or a shared link shows the same list, turned into GET /ticketd/v1/tickets
// parameters, and matched against one ticket (a row that changed, or a new one from the stream).
export const OPEN_STATES = ['new', 'open', 'invited', 'inprogress'];
export const CLOSED_STATES = ['done', 'closed', 'rejected', 'declined', 'expired', 'cancelled'];

// The views (issue 14): what each lists, and its count in GET /views.
export const VIEWS = [
  { id: 'mine', label: 'Mine', count: 'mine_open', states: OPEN_STATES, assignee: 'me' },
  { id: 'unassigned', label: 'Unassigned', count: 'unassigned_open', states: OPEN_STATES, assignee: 'none' },
  { id: 'open', label: 'All open', count: 'open', states: OPEN_STATES, assignee: '' },
  { id: 'closed', label: 'Closed', count: 'closed', states: CLOSED_STATES, assignee: '' },
];
export const DEFAULT_VIEW = 'open';
export const SORTS = [
  { id: 'newest', label: 'Newest first' },
  { id: 'oldest', label: 'Oldest first' },
  { id: 'updated', label: 'Recently updated' },
];

export const viewOf = (id) => VIEWS.find((v) => v.id === id) || VIEWS.find((v) => v.id === DEFAULT_VIEW);

const list = (v) => (v ? v.split(',').filter(Boolean) : []);

// The filters in a query string; unknown values fall back to the defaults.
export function readFilters(search) {
  const p = new URLSearchParams(search);
  const view = viewOf(p.get('view'));
  const sort = SORTS.some((s) => s.id === p.get('sort')) ? p.get('sort') : 'newest';
  return {
    view: view.id,
    state: list(p.get('state')).filter((s) => view.states.includes(s)),
    assignee: view.assignee ? '' : p.get('assignee') || '',
    team: p.get('team') || '',
    tag: p.get('tag') || '',
    category: p.get('category') || '',
    q: (p.get('q') || '').trim(),
    sort,
  };
}

// The query string of filters (defaults left out), "" or "?…".
export function writeFilters(f) {
  const p = new URLSearchParams();
  if (f.view !== DEFAULT_VIEW) p.set('view', f.view);
  if (f.state.length) p.set('state', f.state.join(','));
  for (const k of ['assignee', 'team', 'tag', 'category', 'q']) if (f[k]) p.set(k, f[k]);
  if (f.sort !== 'newest') p.set('sort', f.sort);
  const s = p.toString();
  return s ? `?${s}` : '';
}

// What the list asks for: the view's states (or the chosen ones among them) and assignee.
// An agent's list without `assignee` is its own tickets only (docs/NATIVE.md), so its "All open"
// and "Closed" name `me,none`: what it may work on, as GET /views counts them.
function effective(f, role) {
  const view = viewOf(f.view);
  let assignee = view.assignee || f.assignee;
  if (!assignee && role !== 'admin') assignee = 'me,none';
  return { states: f.state.length ? f.state : view.states, assignee };
}

// GET /tickets parameters for filters (no cursor, no limit).
export function listParams(f, role) {
  const e = effective(f, role);
  const p = new URLSearchParams();
  p.set('state', e.states.join(','));
  if (e.assignee) p.set('assignee', e.assignee);
  for (const k of ['team', 'tag', 'category', 'q']) if (f[k]) p.set(k, f[k]);
  p.set('sort', f.sort);
  return p;
}

// Whether a ticket belongs to the list, judged here for every filter but `q` (full text: the
// server's; a row kept on the list stays, a new one is checked by asking the server).
export function matches(t, f, me) {
  const e = effective(f, me.role);
  if (!e.states.includes(t.state)) return false;
  if (e.assignee) {
    const who = t.assignee?.id || null;
    const ok = e.assignee.split(',').some((a) =>
      a === 'none' ? who === null : a === 'me' ? !!who && who === me.teammate?.id : who === a,
    );
    if (!ok) return false;
  }
  if (f.team && t.team?.id !== f.team) return false;
  if (f.category && t.category?.id !== f.category) return false;
  if (f.tag && !(t.tags || []).some((g) => g.id === f.tag)) return false;
  return true;
}

// Where a ticket goes in the list's order: negative when a comes first.
export function compare(a, b, sort) {
  const key = (t) => (sort === 'updated' ? t.updated_at : t.created_at);
  const d = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return sort === 'oldest' ? d : -d;
}

export const sameFilters = (a, b) => writeFilters(a) === writeFilters(b);
