// The ticket's timeline: replies, internal notes (styled apart, labelled), events as sentences
// and attachments (thumbnails; images open in a viewer dialog, other files download).
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { after, before, fmtDate } from './util.js';

// One event as a sentence, in the one event vocabulary (docs/ARCHITECTURE.md). names: {
// people(id), category(id), team(id) } -> display names; actor: the actor's display name.
export function eventText(ev, actor, names) {
  const d = ev.data || {};
  const who = actor || 'Someone';
  switch (ev.type) {
    case 'ticket.created':
      return `${who} created this ticket`;
    case 'ticket.deleted':
      return `${who} deleted this ticket`;
    case 'ticket.assigned': {
      const to = after(d.assignee_id);
      return to ? `${who} assigned this to ${names.people(to)}` : `${who} unassigned this`;
    }
    case 'ticket.state_changed':
      return `${who} changed state: ${before(d.state) ?? 'none'} -> ${after(d.state)}`;
    case 'tag.added':
    case 'tag.removed':
      return `tag ${after(d.tag) ?? before(d.tag) ?? ''} ${ev.type === 'tag.added' ? 'added' : 'removed'} by ${who}`;
    case 'ticket.updated': {
      const parts = [];
      for (const [k, v] of Object.entries(d)) {
        const now = after(v);
        if (k === 'title') parts.push(`renamed this to “${now}”`);
        else if (k === 'category_id') parts.push(now ? `set the category to ${names.category(now)}` : 'cleared the category');
        else if (k === 'team_id') parts.push(now ? `moved this to team ${names.team(now)}` : 'cleared the team');
        else if (k === 'subcategory') parts.push(now ? `set the subcategory to ${now}` : 'cleared the subcategory');
        else parts.push(`changed ${k}`);
      }
      return `${who} ${parts.join(', ') || 'updated this ticket'}`;
    }
    default:
      return `${who}: ${ev.type}`;
  }
}

function Attachment({ asset, onOpen }) {
  const thumb = asset.thumbnails?.[0]?.url;
  const image = /^image\//.test(asset.mime_type || '');
  if (image) {
    return html`<button type="button" class="attachment" onClick=${(e) => onOpen(asset, e.currentTarget)}
      aria-label=${`View image ${asset.filename}`}><img src=${thumb || asset.url} alt="" />
      <span>${asset.filename}</span></button>`;
  }
  return html`<a class="attachment" href=${asset.url} download=${asset.filename}>
    ${thumb ? html`<img src=${thumb} alt="" />` : html`<span class="file-icon" aria-hidden="true">📄</span>`}
    <span>Download ${asset.filename}</span></a>`;
}

// The image viewer: a modal <dialog> (focus kept inside, Escape closes), focus back to the
// thumbnail that opened it.
export function Viewer({ asset, onClose }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (asset && d && !d.open) d.showModal();
  }, [asset]);
  if (!asset) return null;
  return html`<dialog ref=${ref} class="viewer" aria-labelledby="viewer-title" onClose=${onClose}>
    <h2 id="viewer-title">${asset.filename}</h2>
    <img src=${asset.url} alt=${asset.alt_text || asset.filename} />
    <p><a href=${asset.url} download=${asset.filename}>Download</a>
      <button type="button" onClick=${() => ref.current.close()}>Close</button></p>
  </dialog>`;
}

function Reply({ item, onOpen }) {
  const note = item.kind === 'note' || item.note;
  const author = item.author?.name || (item.author?.kind === 'key' ? 'Workspace key' : 'Someone');
  return html`<li class=${`entry ${note ? 'note' : 'reply'} ${item.author?.kind === 'client' ? 'from-client' : ''}`}
    data-reply-id=${item.id}>
    <p class="entry-head">${note && html`<strong class="note-label">Internal note</strong> `}
      <span class="author">${author}</span>
      <time datetime=${item.created_at}>${fmtDate(item.created_at)}</time></p>
    <div class="text">${item.text}</div>
    ${item.assets?.length > 0 &&
    html`<ul class="attachments" aria-label="Attachments">
      ${item.assets.map((a) => html`<li key=${a.id}><${Attachment} asset=${a} onOpen=${onOpen} /></li>`)}</ul>`}
  </li>`;
}

export function Timeline({ items, names, loading }) {
  const [viewing, setViewing] = useState(null);
  const opener = useRef(null);
  const open = (asset, el) => {
    opener.current = el;
    setViewing(asset);
  };
  const close = () => {
    setViewing(null);
    opener.current?.focus();
  };
  return html`<section class="timeline" aria-labelledby="timeline-title">
    <h2 id="timeline-title">Timeline</h2>
    ${loading && html`<p class="muted">Loading the timeline…</p>`}
    <ol>
      ${items.map((it) =>
        it.kind === 'event'
          ? html`<li key=${it.key} class="entry event"><span>${eventText(it, it.actorName || names.actor(it.actor), names)}</span>
              <time datetime=${it.created_at}>${fmtDate(it.created_at)}</time></li>`
          : html`<${Reply} key=${it.key} item=${it} onOpen=${open} />`,
      )}
    </ol>
    <${Viewer} asset=${viewing} onClose=${close} />
  </section>`;
}
