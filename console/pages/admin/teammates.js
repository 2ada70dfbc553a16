// Teammates: the list (name, email, role, active), invite (name, email, role and a password the
// administrator types or one generated here and shown once), edit name and email, make admin or
// agent, set a new
// password (ends the teammate's sessions), deactivate (signed out at once, no sign-in) and
// reactivate. All through /ticketd/v1/teammates (docs/NATIVE.md).
import { useState } from 'preact/hooks';
import { api, sentence } from '../../lib/api.js';
import { html } from '../../lib/html.js';
import { bodyOf, Confirm, Field, ListTail, randomPassword, ResourceForm, useList } from './ui.js';

const fullName = (t) => [t.name, t.last_name].filter(Boolean).join(' ') || t.email;

const ROLES = [
  { value: 'agent', label: 'Agent: works its own and unassigned tickets' },
  { value: 'admin', label: 'Administrator: everything, these pages too' },
];
const EDIT = [
  { name: 'name', label: 'Name', required: true },
  { name: 'last_name', label: 'Last name', nullable: true },
  { name: 'email', label: 'Email', type: 'email', required: true },
];
const PASSWORD_HINT = 'At least 8 characters. Leave it empty and a password is generated and shown once.';
const INVITE = [
  { name: 'name', label: 'Name', required: true, autocomplete: 'off' },
  { name: 'email', label: 'Email', type: 'email', required: true },
  { name: 'role', label: 'Role', type: 'select', initial: 'agent', options: ROLES },
  { name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT },
];

// The password made for someone, shown once with whom it is for.
function Shown({ shown, onDone }) {
  if (!shown) return null;
  return html`<div class="shown-once" role="status">
    <p><strong>${shown.who}</strong> signs in with <strong>${shown.email}</strong> and the password
      <code class="secret">${shown.password}</code></p>
    <p>Give it to them now: it is not shown again.</p>
    <button type="button" onClick=${onDone}>Done</button>
  </div>`;
}

export function Teammates({ me }) {
  const list = useList('/teammates');
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [shown, setShown] = useState(null);
  const [deactivating, setDeactivating] = useState(null);
  const [passwordFor, setPasswordFor] = useState(null);
  const [pw, setPw] = useState('');
  const [pwError, setPwError] = useState('');
  const myId = me.teammate?.id;

  function say(text) {
    setError('');
    setStatus(text);
  }

  async function invite(values) {
    const body = bodyOf(INVITE, values, false);
    const generated = !body.password;
    if (generated) body.password = randomPassword();
    const { data } = await api('POST', '/teammates', { body });
    setInviting(false);
    say(`${fullName(data)} is invited as ${data.role === 'admin' ? 'an administrator' : 'an agent'}.`);
    setShown(generated ? { who: fullName(data), email: data.email, password: body.password } : null);
    list.reload();
  }

  async function edit(values) {
    const { data } = await api('PATCH', `/teammates/${editing.id}`, { body: bodyOf(EDIT, values, true) });
    setEditing(null);
    say(`${fullName(data)} is saved.`);
    list.reload();
  }

  async function patch(t, body, done) {
    setStatus('');
    setError('');
    try {
      await api('PATCH', `/teammates/${t.id}`, { body });
      say(done);
      list.reload();
    } catch (err) {
      setError(err.message);
    }
  }

  async function setPassword() {
    const generated = !pw;
    const password = generated ? randomPassword() : pw;
    setPwError('');
    try {
      await api('PATCH', `/teammates/${passwordFor.id}`, { body: { password } });
    } catch (err) {
      if (err.fields?.password) setPwError(sentence(err.fields.password));
      throw err;
    }
    say(`${fullName(passwordFor)} has a new password; their sessions have ended.`);
    setShown(generated ? { who: fullName(passwordFor), email: passwordFor.email, password } : null);
  }

  return html`<section aria-labelledby="teammates-h">
    <div class="admin-head">
      <h2 id="teammates-h">Teammates</h2>
      ${!inviting && html`<button type="button" class="primary" onClick=${() => {
        say('');
        setShown(null);
        setInviting(true);
      }}>Invite teammate</button>`}
    </div>
    <p class="admin-status" role="status">${status}</p>
    <p class="error" role="alert">${error}</p>
    <${Shown} shown=${shown} onDone=${() => setShown(null)} />
    ${inviting &&
    html`<${ResourceForm} idp="invite" heading="Invite a teammate" fields=${INVITE}
      initial=${{ name: '', email: '', role: 'agent', password: '' }} submitLabel="Invite"
      onSubmit=${invite} onCancel=${() => setInviting(false)} />`}
    ${editing &&
    html`<${ResourceForm} key=${editing.id} idp="edit" heading=${`Edit ${fullName(editing)}`} fields=${EDIT}
      initial=${{ name: editing.name, last_name: editing.last_name || '', email: editing.email }} submitLabel="Save changes"
      onSubmit=${edit} onCancel=${() => setEditing(null)} />`}
    ${list.rows.length > 0 &&
    html`<table class="admin-table">
      <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
      <tbody>
        ${list.rows.map((t) => {
          const self = t.id === myId;
          const name = fullName(t);
          return html`<tr key=${t.id} class=${t.active ? '' : 'inactive'}>
            <th scope="row" data-label="Name">${name}${self && html` <span class="muted">(you)</span>`}</th>
            <td data-label="Email">${t.email}</td>
            <td data-label="Role">${t.role === 'admin' ? 'Administrator' : 'Agent'}</td>
            <td data-label="Status">${t.active ? 'Active' : 'Deactivated'}</td>
            <td><div class="row-actions">
              <button type="button" aria-label=${`Edit ${name}`} onClick=${() => {
                say('');
                setEditing(t);
              }}>Edit</button>
              ${!self &&
              html`<button type="button" aria-label=${`Make ${name} ${t.role === 'admin' ? 'an agent' : 'an administrator'}`}
                onClick=${() => patch(t, { role: t.role === 'admin' ? 'agent' : 'admin' }, `${name} is now ${t.role === 'admin' ? 'an agent' : 'an administrator'}.`)}>
                ${t.role === 'admin' ? 'Make agent' : 'Make admin'}</button>`}
              <button type="button" aria-label=${`Set a new password for ${name}`} onClick=${() => {
                setPw('');
                setPwError('');
                setPasswordFor(t);
              }}>Set password</button>
              ${!self &&
              (t.active
                ? html`<button type="button" class="danger-text" aria-label=${`Deactivate ${name}`} onClick=${() => setDeactivating(t)}>Deactivate</button>`
                : html`<button type="button" aria-label=${`Reactivate ${name}`} onClick=${() => patch(t, { active: true }, `${name} is active again and can sign in.`)}>Reactivate</button>`)}
            </div></td>
          </tr>`;
        })}
      </tbody>
    </table>`}
    <${ListTail} list=${list} noun="teammates" />
    ${deactivating &&
    html`<${Confirm} title=${`Deactivate ${fullName(deactivating)}?`} confirmLabel="Deactivate"
      onConfirm=${() => api('PATCH', `/teammates/${deactivating.id}`, { body: { active: false } })}
      onClose=${(done) => {
        if (done) {
          say(`${fullName(deactivating)} is deactivated and signed out.`);
          list.reload();
        }
        setDeactivating(null);
      }}>
      <p>They are signed out at once and cannot sign in until reactivated. Their tickets stay assigned to them.</p>
    </${Confirm}>`}
    ${passwordFor &&
    html`<${Confirm} title=${`New password for ${fullName(passwordFor)}`} confirmLabel="Set password" danger=${false}
      onConfirm=${setPassword} onClose=${() => setPasswordFor(null)}>
      <p>${passwordFor.id === myId
        ? 'Your own sessions end with it, this one too: you sign in again with the new password.'
        : 'Their open sessions end; they sign in again with the new password.'}</p>
      <${Field} f=${{ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT }}
        idp="newpw" value=${pw} error=${pwError} onInput=${(k, v) => setPw(v)} />
    </${Confirm}>`}
  </section>`;
}
