// The ticket's header: title (edited in place), state, client (and their other tickets),
// category, assignee, team and tags, each saved with PATCH + If-Match by the page
// (pages/ticket.js `save`); and the conflict panel a 412 opens.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { html } from '../../lib/html.js';
import { Link } from '../../lib/router.js';
import { personName, STATES } from './util.js';

// What a change (the page's `save` argument) touches, and how it reads.
export const changeField = (c) => Object.keys(c)[0].replace(/^tag(Add|Remove)$/, 'tags');

export function fieldText(ticket, field) {
  if (field === 'assignee') return ticket.assignee ? ticket.assignee.name || ticket.assignee.email : 'Unassigned';
  if (field === 'category') return ticket.category?.title || 'None';
  if (field === 'team') return ticket.team?.name || 'None';
  if (field === 'tags') return ticket.tags.map((t) => t.name).join(', ') || 'No tags';
  return String(ticket[field] ?? '');
}

export function changeText(c, lists) {
  const [k, v] = Object.entries(c)[0];
  const find = (arr, id) => arr.find((x) => x.id === id);
  if (k === 'tagAdd') return `add tag ${find(lists.tags, v)?.name || v}`;
  if (k === 'tagRemove') return `remove tag ${find(lists.tags, v)?.name || v}`;
  if (k === 'assignee') return v ? personName(find(lists.teammates, v)) || v : 'Unassigned';
  if (k === 'category') return v ? find(lists.categories, v)?.title || v : 'None';
  if (k === 'team') return v ? find(lists.teams, v)?.name || v : 'None';
  return String(v);
}

export function Conflict({ conflict, lists, onTheirs, onMine }) {
  const ref = useRef(null);
  useEffect(() => {
    ref.current?.focus();
  }, [conflict]);
  const field = changeField(conflict.change);
  return html`<section class="conflict" aria-labelledby="conflict-title">
    <h2 id="conflict-title" tabindex="-1" ref=${ref}>Someone changed this ticket</h2>
    <p>Your change was not saved: the ticket changed after you loaded it. Both versions:</p>
    <table>
      <thead><tr><th scope="col">Field</th><th scope="col">Yours</th><th scope="col">Theirs (saved now)</th></tr></thead>
      <tbody><tr><th scope="row">${field}</th><td>${changeText(conflict.change, lists)}</td>
        <td>${fieldText(conflict.theirs, field)}</td></tr></tbody>
    </table>
    <div class="actions">
      <button type="button" onClick=${onTheirs}>Keep theirs</button>
      <button type="button" class="primary" onClick=${onMine}>Apply mine over theirs</button>
    </div>
  </section>`;
}

function Select({ id, label, value, options, onSave, setEditing, none }) {
  return html`<div class="hfield">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value || ''} onFocus=${() => setEditing(id.slice(2))} onBlur=${() => setEditing(null)}
      onChange=${(e) => onSave(e.currentTarget.value || null)}>
      ${none && html`<option value="">${none}</option>`}
      ${options.map(([v, t]) => html`<option key=${v} value=${v}>${t}</option>`)}
    </select>
  </div>`;
}

// Options [id, text] with the current value kept even when the list does not hold it.
function opts(list, cur, text) {
  const o = list.map((x) => [x.id, text(x)]);
  if (cur && !list.some((x) => x.id === cur.id)) o.unshift([cur.id, text(cur)]);
  return o;
}

function OtherTickets({ ticket, me }) {
  const [others, setOthers] = useState(null);
  useEffect(() => {
    let live = true;
    // An agent's list is its own tickets unless it names assignees: its own and unassigned
    // ones are what it may open (docs/ACCESS.md).
    const scope = me.role === 'agent' ? '&assignee=me,none' : '';
    api('GET', `/tickets?client=${encodeURIComponent(ticket.client.id)}&limit=20${scope}`)
      .then((r) => live && setOthers(r.data.data.filter((t) => t.id !== ticket.id)))
      .catch(() => live && setOthers([]));
    return () => (live = false);
  }, [ticket.client.id]);
  if (!others) return null;
  if (!others.length) return html`<p class="muted">No other tickets from this client.</p>`;
  return html`<ul class="others" aria-label="Other tickets from this client">
    ${others.map((t) => html`<li key=${t.id}><${Link} href=${`/tickets/${t.id}`}>${t.title}</${Link}> <span class="muted">(${t.state})</span></li>`)}
  </ul>`;
}

export function Header({ ticket, etag, me, lists, save, setEditing, busy }) {
  const [titleEdit, setTitleEdit] = useState(null); // {draft, etag} while editing
  const [tagName, setTagName] = useState('');
  const [tagError, setTagError] = useState('');
  const titleInput = useRef(null);
  useEffect(() => {
    if (titleEdit) titleInput.current?.focus();
  }, [!!titleEdit]);

  const startTitle = () => {
    setTitleEdit({ draft: ticket.title, etag });
    setEditing('title');
  };
  const endTitle = () => {
    setTitleEdit(null);
    setEditing(null);
  };
  async function saveTitle(e) {
    e.preventDefault();
    const draft = titleEdit.draft.trim();
    if (!draft) return;
    // The ETag held when editing began: a change made meanwhile makes this a 412.
    // Saved, or a 412 whose panel now holds both versions: the editor closes; else it stays.
    if (await save({ title: draft }, titleEdit.etag)) endTitle();
  }
  async function addTag(e) {
    e.preventDefault();
    const name = tagName.trim().toLowerCase();
    if (!name) return;
    const tag = lists.tags.find((t) => t.name.toLowerCase() === name);
    if (!tag) {
      setTagError(`There is no tag named “${tagName.trim()}”.`);
      return;
    }
    setTagError('');
    if (await save({ tagAdd: tag.id })) setTagName('');
  }
  const mine = me.teammate?.id;
  return html`<section class="ticket-head" aria-label="Ticket details">
    ${titleEdit
      ? html`<form class="title-edit" onSubmit=${saveTitle}>
          <label for="t-title">Title</label>
          <input id="t-title" ref=${titleInput} value=${titleEdit.draft}
            onInput=${(e) => setTitleEdit({ ...titleEdit, draft: e.currentTarget.value })}
            onKeyDown=${(e) => e.key === 'Escape' && endTitle()} />
          <button type="submit" class="primary">Save title</button>
          <button type="button" onClick=${endTitle}>Cancel</button>
        </form>`
      : html`<div class="title-row"><h2 class="ticket-title">${ticket.title}</h2>
          <button type="button" onClick=${startTitle}>Edit title</button></div>`}
    <div class="quick">
      <button type="button" onClick=${() => save({ assignee: mine })} disabled=${busy || !mine || ticket.assignee?.id === mine}>Assign to me</button>
      ${ticket.is_open
        ? html`<button type="button" onClick=${() => save({ state: 'done' })} disabled=${busy}>Close</button>`
        : html`<button type="button" onClick=${() => save({ state: 'open' })} disabled=${busy}>Reopen</button>`}
      <span class=${`state-badge ${ticket.is_open ? 'open' : 'closed'}`}>${ticket.is_open ? 'Open' : 'Closed'}</span>
    </div>
    <div class="hfields">
      <${Select} id="t-state" label="State" value=${ticket.state} options=${STATES.map((s) => [s, s])}
        onSave=${(v) => save({ state: v })} setEditing=${setEditing} />
      <${Select} id="t-assignee" label="Assignee" value=${ticket.assignee?.id} none="Unassigned"
        options=${opts(lists.teammates, ticket.assignee, (t) => personName(t))} onSave=${(v) => save({ assignee: v })} setEditing=${setEditing} />
      <${Select} id="t-category" label="Category" value=${ticket.category?.id} none="None"
        options=${opts(lists.categories, ticket.category, (c) => c.title)} onSave=${(v) => save({ category: v })} setEditing=${setEditing} />
      <${Select} id="t-team" label="Team" value=${ticket.team?.id} none="None"
        options=${opts(lists.teams, ticket.team, (t) => t.name)} onSave=${(v) => save({ team: v })} setEditing=${setEditing} />
    </div>
    <div class="tags">
      <h3 id="tags-title">Tags</h3>
      <ul aria-labelledby="tags-title">
        ${ticket.tags.map(
          (t) => html`<li key=${t.id} class="tag">${t.name}
            <button type="button" aria-label=${`Remove tag ${t.name}`} onClick=${() => save({ tagRemove: t.id })}>×</button></li>`,
        )}
      </ul>
      <form class="tag-add" onSubmit=${addTag}>
        <label for="t-tag">Add a tag</label>
        <input id="t-tag" list="t-tag-list" value=${tagName} onInput=${(e) => setTagName(e.currentTarget.value)}
          onFocus=${() => setEditing('tags')} onBlur=${() => setEditing(null)} aria-describedby="t-tag-error" />
        <datalist id="t-tag-list">${lists.tags.map((t) => html`<option key=${t.id} value=${t.name} />`)}</datalist>
        <button type="submit">Add tag</button>
        <p id="t-tag-error" class="field-error">${tagError}</p>
      </form>
    </div>
    <div class="client">
      <h3>Client</h3>
      <p><strong>${ticket.client.name}</strong>${ticket.client.email && html` · <a href=${`mailto:${ticket.client.email}`}>${ticket.client.email}</a>`}</p>
      <${OtherTickets} ticket=${ticket} me=${me} />
    </div>
  </section>`;
}
