// The composer: a reply or an internal note, attachments (picker, drag-and-drop, pasted image;
// uploaded at once to POST /ticketd/v1/assets with progress, removable before sending), sent
// with Ctrl+Enter or the button under an Idempotency-Key kept across retries of one message.
// The draft (text + mode) stays in localStorage per ticket until it is sent.
import { useRef, useState } from 'preact/hooks';
import { API, api } from '../../lib/api.js';
import { html } from '../../lib/html.js';
import { randomKey } from './util.js';

const MAX_ASSETS = 5; // docs/NATIVE.md: at most 5 per reply
const draftKey = (id) => `ticketd:draft:${id}`;

function readDraft(id) {
  try {
    const d = JSON.parse(localStorage.getItem(draftKey(id)) || 'null');
    return d && typeof d === 'object' ? d : {};
  } catch {
    return {};
  }
}

// POST /assets as multipart with upload progress (fetch reports none): resolves to the Asset.
function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API}/assets`);
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status === 201 && body) resolve(body);
      else reject(new Error(body?.detail || body?.title || `The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('The upload failed: the server cannot be reached.'));
    const form = new FormData();
    form.append('file', file, file.name || 'pasted-image.png');
    xhr.send(form);
  });
}

export function Composer({ ticketId, control, onSent, onTyping }) {
  const initial = readDraft(ticketId);
  const [mode, setMode] = useState(initial.mode === 'note' ? 'note' : 'reply');
  const [text, setText] = useState(typeof initial.text === 'string' ? initial.text : '');
  const [files, setFiles] = useState([]); // {n, name, progress, asset, error}
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const area = useRef(null);
  const idemKey = useRef(null); // kept while the same message is retried
  const seq = useRef(0);

  // The parent's shortcuts (r, n) focus the text in a mode.
  control.current = {
    focus(m) {
      setModeKept(m);
      area.current?.focus();
    },
  };

  // Written as it changes (not in an effect, which a reload right after typing could beat).
  const keep = (t, m) => {
    if (t) localStorage.setItem(draftKey(ticketId), JSON.stringify({ text: t, mode: m }));
    else localStorage.removeItem(draftKey(ticketId));
  };
  const setModeKept = (m) => {
    setMode(m);
    keep(text, m);
  };

  const change = (fn) => {
    idemKey.current = null; // another message: another key
    fn();
  };

  const filesRef = useRef(files);
  filesRef.current = files;
  function add(list) {
    const picked = Array.from(list || []);
    if (!picked.length) return;
    const room = MAX_ASSETS - filesRef.current.length;
    setError(picked.length > room ? `At most ${MAX_ASSETS} attachments per message.` : '');
    const fresh = picked.slice(0, Math.max(0, room)).map((f) => ({ n: ++seq.current, name: f.name || 'pasted-image.png', progress: 0 }));
    filesRef.current = [...filesRef.current, ...fresh];
    setFiles(filesRef.current);
    fresh.forEach((it, i) => {
      const patch = (p) => setFiles((all) => all.map((x) => (x.n === it.n ? { ...x, ...p } : x)));
      upload(picked[i], (progress) => patch({ progress }))
        .then((asset) => patch({ asset, progress: 1 }))
        .catch((e) => patch({ error: e.message }));
    });
    idemKey.current = null;
  }

  const remove = (n) => change(() => setFiles((all) => all.filter((x) => x.n !== n)));
  const uploading = files.some((f) => !f.asset && !f.error);

  async function send() {
    if (busy) return;
    const body = text.trim();
    const assets = files.filter((f) => f.asset).map((f) => f.asset.id);
    if (!body && !assets.length) {
      setError(mode === 'note' ? 'Write the note first.' : 'Write the reply first.');
      area.current?.focus();
      return;
    }
    if (uploading) {
      setError('Wait for the attachments to finish uploading.');
      return;
    }
    if (!idemKey.current) idemKey.current = randomKey();
    setBusy(true);
    setError('');
    try {
      const res = await api('POST', `/tickets/${ticketId}/replies`, {
        body: { text: body, note: mode === 'note', ...(assets.length ? { assets } : {}) },
        headers: { 'idempotency-key': idemKey.current },
      });
      idemKey.current = null;
      setText('');
      setFiles([]);
      localStorage.removeItem(draftKey(ticketId));
      onSent(res.data);
    } catch (e) {
      // A network error keeps the key: sending again cannot post twice.
      setError(e.status === 0 ? `${e.message} Send again to retry: it will not be posted twice.` : e.message);
    } finally {
      setBusy(false);
    }
  }

  const onKeyDown = (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send();
    }
  };
  const onPaste = (e) => {
    const pasted = Array.from(e.clipboardData?.files || []);
    if (pasted.length) {
      e.preventDefault();
      add(pasted);
    }
  };
  const drop = {
    onDragOver: (e) => {
      if (Array.from(e.dataTransfer?.types || []).includes('Files')) {
        e.preventDefault();
        setDragging(true);
      }
    },
    onDragLeave: () => setDragging(false),
    onDrop: (e) => {
      e.preventDefault();
      setDragging(false);
      add(e.dataTransfer?.files);
    },
  };
  const note = mode === 'note';
  return html`<section class=${`composer ${note ? 'note-mode' : ''} ${dragging ? 'dragging' : ''}`} aria-labelledby="composer-title" ...${drop}>
    <h2 id="composer-title">${note ? 'Internal note' : 'Reply'}</h2>
    <fieldset class="mode">
      <legend>Send as</legend>
      <label><input type="radio" name="mode" value="reply" checked=${!note} onChange=${() => change(() => setModeKept('reply'))} /> Reply to the client</label>
      <label><input type="radio" name="mode" value="note" checked=${note} onChange=${() => change(() => setModeKept('note'))} /> Internal note</label>
    </fieldset>
    <label for="composer-text">${note ? 'Your internal note (only teammates see it)' : 'Your reply'}</label>
    <textarea id="composer-text" ref=${area} rows="5" value=${text} onKeyDown=${onKeyDown} onPaste=${onPaste}
      aria-describedby="composer-hint composer-error"
      onInput=${(e) => {
        const v = e.currentTarget.value;
        change(() => setText(v));
        keep(v, mode);
        onTyping();
      }}></textarea>
    <p id="composer-hint" class="muted">Ctrl+Enter sends. Drop files here or paste an image to attach them.</p>
    ${files.length > 0 &&
    html`<ul class="uploads" aria-label="Attachments to send">
      ${files.map(
        (f) => html`<li key=${f.n} class="upload">
          ${f.asset?.thumbnails?.[0]?.url
            ? html`<img src=${f.asset.thumbnails[0].url} alt=${`Thumbnail of ${f.name}`} />`
            : html`<span class="file-icon" aria-hidden="true">📄</span>`}
          <span class="upload-name">${f.name}</span>
          ${f.error
            ? html`<span class="field-error">${f.error}</span>`
            : !f.asset && html`<progress max="1" value=${f.progress} aria-label=${`Uploading ${f.name}`}></progress>`}
          <button type="button" onClick=${() => remove(f.n)} aria-label=${`Remove ${f.name}`}>Remove</button>
        </li>`,
      )}</ul>`}
    <p id="composer-error" class="error" role="alert">${error}</p>
    <div class="composer-actions">
      <label class="picker"><span>Attach files</span>
        <input type="file" multiple onChange=${(e) => {
          add(e.currentTarget.files);
          e.currentTarget.value = '';
        }} /></label>
      <button type="button" class="primary" onClick=${send} disabled=${busy}>${busy ? 'Sending…' : note ? 'Add note' : 'Send reply'}</button>
    </div>
  </section>`;
}
