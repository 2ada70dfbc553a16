// Keyboard shortcuts shared by the console's pages, and the `?` dialog that lists them.
//
//   const help = useShortcuts('Inbox', {j: {label: 'Next ticket', run: () => ...}, ...});
//   return html`...${help.dialog}`;   // the dialog (closed until `?` or help.open())
//
// A key fires only when no modifier is held (Shift is allowed for keys that need it, such as
// `?`) and the focus is not in a field where one types (input, textarea, select, an editable
// element). `?` opens the dialog: a <dialog> (modal: focus stays inside, Escape closes it and
// the focus returns where it was) with one table per page: the current page's keys, then the
// other pages' (PAGE_KEYS), so the list is the whole console's.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';

// Every page's keys, for the dialog's sections about the other pages (the current page's own
// section is built from the map it passes to useShortcuts, so it cannot drift from what runs).
export const PAGE_KEYS = {
  Inbox: [
    { key: 'j', label: 'Next ticket' },
    { key: 'k', label: 'Previous ticket' },
    { key: 'Enter', label: 'Open the selected ticket' },
    { key: '/', label: 'Search' },
  ],
  'Ticket page': [
    { key: 'r', label: 'Reply to the client' },
    { key: 'n', label: 'Write an internal note' },
    { key: 'a', label: 'Assign the ticket to me' },
    { key: 'c', label: 'Close the ticket' },
  ],
};

// Whether a key press is one a shortcut may take: no Ctrl/Alt/Meta, not typed into a field.
export function isShortcutEvent(e) {
  if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return false;
  const t = e.target;
  if (!t || !t.closest) return true;
  if (t.isContentEditable) return false;
  return !t.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
}

const KEY_NAMES = { '/': 'Slash', '?': 'Question mark', Enter: 'Enter', Escape: 'Escape' };

function ShortcutTable({ title, keys }) {
  return html`<table class="shortcut-table">
    <caption>${title}</caption>
    <thead><tr><th scope="col">Key</th><th scope="col">Action</th></tr></thead>
    <tbody>
      ${keys.map(
        (k) => html`<tr key=${k.key}>
          <td><kbd aria-label=${KEY_NAMES[k.key]}>${k.key}</kbd></td>
          <td>${k.label}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

// map: {key: {label, run(event)}}; title: the page's name in the dialog. Answers {dialog, open}:
// the dialog to render, and a function that opens it (for a button saying the shortcuts exist).
export function useShortcuts(title, map) {
  const [open, setOpen] = useState(false);
  const dialog = useRef(null);
  const mapRef = useRef(map);
  mapRef.current = map;

  useEffect(() => {
    const onKey = (e) => {
      if (!isShortcutEvent(e)) return;
      // An open dialog (this one, an image viewer, a confirmation) handles its own keys.
      if (dialog.current?.open || document.querySelector('dialog[open]')) return;
      if (e.key === '?') {
        e.preventDefault();
        setOpen(true);
        return;
      }
      const s = mapRef.current[e.key];
      if (!s || e.shiftKey !== (e.key.length === 1 && e.key !== e.key.toLowerCase())) return;
      if (s.run(e) !== false) e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);

  const keys = [
    ...Object.entries(map).map(([key, s]) => ({ key, label: s.label })),
    { key: '?', label: 'Show this list of shortcuts' },
  ];
  // `close` fires for Escape and for the Close button alike; showModal put the focus inside
  // and close() gives it back to what had it.
  const dialogEl = html`<dialog class="shortcuts" ref=${dialog} aria-labelledby="shortcuts-title" onClose=${() => setOpen(false)}>
    <h2 id="shortcuts-title">Keyboard shortcuts</h2>
    <${ShortcutTable} title=${title} keys=${keys} />
    ${Object.entries(PAGE_KEYS)
      .filter(([t]) => t !== title)
      .map(([t, k]) => html`<${ShortcutTable} key=${t} title=${t} keys=${k} />`)}
    <p class="shortcut-note">Shortcuts do not fire while typing in a field.</p>
    <form method="dialog"><button type="submit" class="primary">Close</button></form>
  </dialog>`;
  return { dialog: dialogEl, open: () => setOpen(true) };
}
