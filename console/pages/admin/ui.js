// What the admin pages share: a labelled form field with its error beside it, the form of a
// resource (create and edit, errors from the API next to the field they name), a list loaded
// page by page on the API's cursor, a modal confirmation (<dialog>: focus inside, Escape
// cancels, focus back to what opened it) and random passwords.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, sentence } from '../../lib/api.js';
import { html } from '../../lib/html.js';

// One field: f = {name, label, type: text|email|password|textarea|select|list|checks, options:
// [{value, label}], required, hint}. `list` is comma-separated text sent as an array; `checks`
// a checkbox per option, kept and sent the same way (f.empty: what to say with no options).
export function Field({ f, idp, value, error, onInput, inputRef }) {
  const id = `${idp}-${f.name}`;
  const described = [f.hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(' ');
  const props = {
    id,
    name: f.name,
    value,
    ref: inputRef,
    required: f.required,
    'aria-invalid': error ? 'true' : 'false',
    'aria-describedby': described,
    onInput: (e) => onInput(f.name, e.currentTarget.value),
  };
  let control;
  if (f.type === 'checks') {
    // A set of ids kept as comma-separated text, like `list`.
    const on = new Set(value ? value.split(',') : []);
    const flip = (v) => {
      on.has(v) ? on.delete(v) : on.add(v);
      onInput(f.name, [...on].join(','));
    };
    return html`<fieldset class="field checks" aria-describedby=${described} aria-invalid=${error ? 'true' : 'false'}>
      <legend>${f.label}</legend>
      ${f.hint && html`<p id=${`${id}-hint`} class="hint">${f.hint}</p>`}
      ${f.options.length
        ? f.options.map((o, i) => html`<label class="check"><input type="checkbox" ref=${i ? undefined : inputRef} checked=${on.has(o.value)}
            onChange=${() => flip(o.value)} /> ${o.label}</label>`)
        : html`<p class="muted">${f.empty}</p>`}
      <p id=${`${id}-error`} class="field-error">${error || ''}</p>
    </fieldset>`;
  }
  if (f.type === 'textarea') control = html`<textarea rows="4" ...${props}></textarea>`;
  else if (f.type === 'select') {
    control = html`<select ...${props} onChange=${props.onInput}>
      ${f.options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
    </select>`;
  } else {
    const type = f.type === 'list' ? 'text' : f.type || 'text';
    control = html`<input type=${type} autocomplete=${f.autocomplete || 'off'} ...${props} />`;
  }
  return html`<div class="field">
    <label for=${id}>${f.label}${f.required ? '' : html` <span class="optional">(optional)</span>`}</label>
    ${f.hint && html`<p id=${`${id}-hint`} class="hint">${f.hint}</p>`}
    ${control}
    <p id=${`${id}-error`} class="field-error">${error || ''}</p>
  </div>`;
}

// Form values (strings) -> a request body. Empty: f.emptyAs if given, else null on edit where
// the field may be empty (f.nullable), else omitted.
export function bodyOf(fields, values, editing) {
  const body = {};
  for (const f of fields) {
    if (f.skip) continue;
    const raw = values[f.name] ?? '';
    const many = f.type === 'list' || f.type === 'checks';
    const v = many ? raw.split(',').map((x) => x.trim()).filter(Boolean) : raw.trim();
    const empty = !many && v === '';
    if (empty) {
      if ('emptyAs' in f) body[f.name] = f.emptyAs;
      else if (editing && f.nullable) body[f.name] = null;
      continue;
    }
    body[f.name] = v;
  }
  return body;
}

// The API's field messages ("email is already used…") as sentences beside those fields; what
// names no field of this form goes to the form's alert.
export function fieldErrors(err, fields) {
  const out = {};
  for (const [k, m] of Object.entries(err.fields || {})) {
    if (fields.some((f) => f.name === k)) out[k] = sentence(m);
  }
  return out;
}

// A form of fields with Save and Cancel; onSubmit(values) returns a promise; an ApiError it
// rejects with is shown (field errors beside their fields, focus to the first).
export function ResourceForm({ idp, heading, fields, initial, submitLabel, onSubmit, onCancel }) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [alert, setAlert] = useState('');
  const [busy, setBusy] = useState(false);
  const refs = useRef({});
  const first = useRef(null);
  // In the commit that shows the form, before anything can be typed: a useEffect ran a frame
  // later and could take the focus from a field already being typed into (the browser test saw
  // "Smith" typed into Last name land at the end of the Name field: "GeneSmith").
  useLayoutEffect(() => first.current?.focus(), []);

  async function submit(e) {
    e.preventDefault();
    const mine = {};
    for (const f of fields) if (f.required && !(values[f.name] || '').trim()) mine[f.name] = `Enter the ${f.label.toLowerCase()}.`;
    if (Object.keys(mine).length) {
      setErrors(mine);
      setAlert(Object.values(mine).join(' '));
      refs.current[Object.keys(mine)[0]]?.focus();
      return;
    }
    setBusy(true);
    setAlert('');
    try {
      await onSubmit(values);
    } catch (err) {
      const errs = fieldErrors(err, fields);
      setErrors(errs);
      setAlert(err.message);
      setBusy(false);
      const k = Object.keys(errs)[0];
      if (k) refs.current[k]?.focus();
    }
  }

  return html`<form class="admin-form" onSubmit=${submit} novalidate aria-labelledby=${`${idp}-form-h`}>
    <h3 id=${`${idp}-form-h`}>${heading}</h3>
    <p class="error" role="alert">${alert}</p>
    ${fields.map(
      (f, i) => html`<${Field} key=${f.name} f=${f} idp=${idp} value=${values[f.name] ?? ''} error=${errors[f.name]}
        inputRef=${(el) => {
          refs.current[f.name] = el;
          if (i === 0) first.current = el;
        }}
        onInput=${(k, v) => setValues((old) => ({ ...old, [k]: v }))} />`,
    )}
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy}>${busy ? 'Saving…' : submitLabel}</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
    </div>
  </form>`;
}

// Every row of a list, page by page (limit 100, "Show more" on next_cursor). reload() starts over.
// An answer that comes after the page went away is dropped (not aborted: a cancelled request
// would read as a failed one).
export function useList(path) {
  const [state, setState] = useState({ rows: [], next: null, loading: true, error: '' });
  const [round, setRound] = useState(0);
  const live = useRef(true);
  async function page(cursor) {
    const q = `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    try {
      const { data } = await api('GET', q);
      if (live.current) setState((old) => ({ rows: cursor ? [...old.rows, ...data.data] : data.data, next: data.next_cursor, loading: false, error: '' }));
    } catch (err) {
      if (live.current) setState((old) => ({ ...old, loading: false, error: err.message }));
    }
  }
  useEffect(() => {
    live.current = true;
    page(null);
    return () => (live.current = false);
  }, [path, round]);
  return { ...state, more: () => page(state.next), reload: () => setRound((r) => r + 1) };
}

export function ListTail({ list, noun }) {
  if (list.loading) return html`<p class="muted">Loading…</p>`;
  return html`${list.error && html`<p class="error" role="alert">${list.error}</p>`}
    ${!list.error && !list.rows.length && html`<p class="muted">No ${noun} yet.</p>`}
    ${list.next && html`<button type="button" onClick=${list.more}>Show more</button>`}`;
}

// A modal confirmation. onConfirm returns a promise; its ApiError shows inside the dialog.
export function Confirm({ title, children, confirmLabel, danger = true, onConfirm, onClose }) {
  const ref = useRef(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    const opener = document.activeElement;
    const d = ref.current;
    d.showModal();
    // Closed before the focus moves: while a modal dialog is open the page behind it is inert.
    return () => {
      if (d.open) d.close();
      opener?.focus?.();
    };
  }, []);
  async function go() {
    setBusy(true);
    setError('');
    try {
      await onConfirm();
      onClose(true);
    } catch (err) {
      setBusy(false);
      setError(err.message);
    }
  }
  return html`<dialog ref=${ref} class="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-body"
    onCancel=${(e) => {
      e.preventDefault();
      onClose(false);
    }}>
    <h2 id="confirm-title">${title}</h2>
    <div id="confirm-body">${children}</div>
    <p class="error" role="alert">${error}</p>
    <div class="actions">
      <button type="button" onClick=${() => onClose(false)}>Cancel</button>
      <button type="button" class=${danger ? 'danger' : 'primary'} onClick=${go} disabled=${busy}>${confirmLabel}</button>
    </div>
  </dialog>`;
}

// A password of n characters without look-alikes (about 5.8 bits each), from the browser's
// cryptographic random source.
export function randomPassword(n = 16) {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const out = [];
  while (out.length < n) {
    for (const b of crypto.getRandomValues(new Uint8Array(n))) {
      if (b < 224 && out.length < n) out.push(alphabet[b % 56]);
    }
  }
  return out.join('');
}
