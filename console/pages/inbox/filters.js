// The inbox's filter panel: state (several, among the view's), assignee (me, none or a
// teammate; administrators only for a teammate: an agent may not list others' tickets), team,
// tag and category. The choices for the last four come from GET /teammates, /teams, /tags and
// /categories, asked once, when the panel first opens (or at once when the address already
// filters on one of them), never at the page's load: the list comes first.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { html } from '../../lib/html.js';
import { viewOf } from './query.js';
import { STATE_LABELS } from './row.js';

let cache = null; // one fetch per page load: {teammates, teams, tags, categories}

function loadOptions(role) {
  if (!cache) {
    const all = (path) =>
      api('GET', `${path}?limit=100`).then(
        (r) => r.data.data,
        () => [],
      );
    cache = Promise.all([
      role === 'admin' ? all('/teammates') : Promise.resolve([]),
      all('/teams'),
      all('/tags'),
      all('/categories'),
    ]).then(([teammates, teams, tags, categories]) => ({ teammates, teams, tags, categories }));
  }
  return cache;
}

const personName = (p) => [p.name, p.last_name].filter(Boolean).join(' ') || p.email;

function Select({ id, label, value, onChange, options, any = 'Any', extra = [] }) {
  // A value the address names that the options do not (not loaded yet, or gone) stays shown.
  const known = extra.some((o) => o.id === value) || options.some((o) => o.id === value);
  return html`<div class="filter">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
      <option value="">${any}</option>
      ${extra.map((o) => html`<option key=${o.id} value=${o.id}>${o.label}</option>`)}
      ${options.map((o) => html`<option key=${o.id} value=${o.id}>${o.label}</option>`)}
      ${value && !known && html`<option value=${value}>${value.slice(0, 8)}…</option>`}
    </select>
  </div>`;
}

export function Filters({ filters, me, onChange }) {
  const active = !!(filters.state.length || filters.assignee || filters.team || filters.tag || filters.category);
  const [open, setOpen] = useState(active);
  const [opts, setOpts] = useState({ teammates: [], teams: [], tags: [], categories: [] });

  useEffect(() => {
    if (open || active) loadOptions(me.role).then(setOpts);
  }, [open, active]);

  const view = viewOf(filters.view);
  const set = (k, v) => onChange({ ...filters, [k]: v });
  const toggleState = (s, on) =>
    set('state', on ? view.states.filter((x) => x === s || filters.state.includes(x)) : filters.state.filter((x) => x !== s));
  const count = ['assignee', 'team', 'tag', 'category'].filter((k) => filters[k]).length + (filters.state.length ? 1 : 0);

  return html`<details class="filters" open=${open} onToggle=${(e) => setOpen(e.currentTarget.open)}>
    <summary>Filters${count ? ` (${count})` : ''}</summary>
    <div class="filter-grid">
      <fieldset class="filter states">
        <legend>State</legend>
        ${view.states.map(
          (s) => html`<label key=${s} class="check">
            <input type="checkbox" checked=${filters.state.includes(s)} onChange=${(e) => toggleState(s, e.currentTarget.checked)} />
            ${STATE_LABELS[s]}
          </label>`,
        )}
      </fieldset>
      ${!view.assignee &&
      html`<${Select}
        id="f-assignee"
        label="Assignee"
        value=${filters.assignee}
        onChange=${(v) => set('assignee', v)}
        any=${me.role === 'admin' ? 'Anyone' : 'Me or nobody'}
        extra=${[
          { id: 'me', label: 'Me' },
          { id: 'none', label: 'Nobody (unassigned)' },
        ]}
        options=${opts.teammates.filter((t) => t.id !== me.teammate?.id).map((t) => ({ id: t.id, label: personName(t) }))}
      />`}
      <${Select} id="f-team" label="Team" value=${filters.team} onChange=${(v) => set('team', v)}
        options=${opts.teams.map((t) => ({ id: t.id, label: t.name }))} />
      <${Select} id="f-tag" label="Tag" value=${filters.tag} onChange=${(v) => set('tag', v)}
        options=${opts.tags.map((t) => ({ id: t.id, label: t.name }))} />
      <${Select} id="f-category" label="Category" value=${filters.category} onChange=${(v) => set('category', v)}
        options=${opts.categories.map((t) => ({ id: t.id, label: t.title }))} />
      ${count > 0 &&
      html`<button type="button" class="clear" onClick=${() =>
        onChange({ ...filters, state: [], assignee: '', team: '', tag: '', category: '' })}>Clear filters</button>`}
    </div>
  </details>`;
}
