// One admin list of settings (categories, tags, teams): the rows in a table, a form to create
// or edit one (PATCH sends every field of the form), delete after a confirmation. Writes go to
// the API's list path; after each the list loads again. `spec`:
//   {path, noun, title, fields, columns: [{label, cell(row)}], name(row), toForm(row), note}
import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { html } from '../../lib/html.js';
import { bodyOf, Confirm, ListTail, ResourceForm, useList } from './ui.js';

const cap = (s) => s[0].toUpperCase() + s.slice(1);

export function Resource({ spec, fields = spec.fields }) {
  const list = useList(spec.path);
  const [editing, setEditing] = useState(null); // null | 'new' | row
  const [removing, setRemoving] = useState(null);
  const [status, setStatus] = useState('');
  const blank = Object.fromEntries(fields.map((f) => [f.name, f.initial ?? '']));

  async function save(values) {
    const isNew = editing === 'new';
    const body = bodyOf(fields, values, !isNew);
    const { data } = isNew ? await api('POST', spec.path, { body }) : await api('PATCH', `${spec.path}/${editing.id}`, { body });
    setEditing(null);
    setStatus(`${cap(spec.noun)} “${spec.name(data)}” ${isNew ? 'created' : 'saved'}.`);
    list.reload();
  }

  return html`<section aria-labelledby=${`${spec.noun}-h`}>
    <div class="admin-head">
      <h2 id=${`${spec.noun}-h`}>${spec.title}</h2>
      ${!editing && html`<button type="button" class="primary" onClick=${() => {
        setStatus('');
        setEditing('new');
      }}>New ${spec.noun}</button>`}
    </div>
    ${spec.note && html`<p class="muted">${spec.note}</p>`}
    <p class="admin-status" role="status">${status}</p>
    ${editing &&
    html`<${ResourceForm} key=${editing === 'new' ? 'new' : editing.id} idp=${spec.noun}
      heading=${editing === 'new' ? `New ${spec.noun}` : `Edit ${spec.noun} “${spec.name(editing)}”`}
      fields=${fields} initial=${editing === 'new' ? blank : spec.toForm(editing)}
      submitLabel=${editing === 'new' ? `Create ${spec.noun}` : 'Save changes'}
      onSubmit=${save} onCancel=${() => setEditing(null)} />`}
    ${list.rows.length > 0 &&
    html`<table class="admin-table">
      <thead><tr>${spec.columns.map((c) => html`<th scope="col">${c.label}</th>`)}<th scope="col">Actions</th></tr></thead>
      <tbody>
        ${list.rows.map(
          (r) => html`<tr key=${r.id}>
            ${spec.columns.map((c, i) => (i ? html`<td data-label=${c.label}>${c.cell(r)}</td>` : html`<th scope="row" data-label=${c.label}>${c.cell(r)}</th>`))}
            <td><div class="row-actions">
              <button type="button" onClick=${() => {
                setStatus('');
                setEditing(r);
              }} aria-label=${`Edit ${spec.noun} ${spec.name(r)}`}>Edit</button>
              <button type="button" class="danger-text" onClick=${() => setRemoving(r)}
                aria-label=${`Delete ${spec.noun} ${spec.name(r)}`}>Delete</button>
            </div></td>
          </tr>`,
        )}
      </tbody>
    </table>`}
    <${ListTail} list=${list} noun=${spec.title.toLowerCase()} />
    ${removing &&
    html`<${Confirm} title=${`Delete ${spec.noun} “${spec.name(removing)}”?`} confirmLabel=${`Delete ${spec.noun}`}
      onConfirm=${() => api('DELETE', `${spec.path}/${removing.id}`)}
      onClose=${(done) => {
        if (done) {
          setStatus(`${cap(spec.noun)} “${spec.name(removing)}” deleted.`);
          list.reload();
        }
        setRemoving(null);
      }}>
      <p>${spec.deleteText}</p>
    </${Confirm}>`}
  </section>`;
}
