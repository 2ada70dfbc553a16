// Client-side routes under /app: ticketd answers index.html for every /app path (api/app.c),
// and the page picks what to show from location.pathname. Paths here are relative to /app
// ("/", "/admin", "/tickets/ID").
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';

export const BASE = '/app';

export function currentPath() {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/';
  return p || '/';
}

export function navigate(to, { replace = false } = {}) {
  history[replace ? 'replaceState' : 'pushState'](null, '', BASE + to);
  dispatchEvent(new Event('ticketd:navigate'));
}

// The current path, re-rendering on navigation and on the browser's back and forward.
export function useRoute() {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    addEventListener('popstate', update);
    addEventListener('ticketd:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('ticketd:navigate', update);
    };
  }, []);
  return path;
}

// An <a> that navigates without a reload (a modified or middle click keeps the browser's way).
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return html`<a href=${BASE + href} onClick=${onClick} ...${rest}>${children}</a>`;
}
