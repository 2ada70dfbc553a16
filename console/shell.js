// The app shell once signed in: a header (who is signed in, in which workspace; sign out), the
// main navigation (Inbox; Admin for administrators) and the main region, where the page of the
// current route goes. Focus moves to the page's heading on every navigation.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './lib/api.js';
import { html } from './lib/html.js';
import { Link, useRoute } from './lib/router.js';
import { Admin, title as adminTitle } from './pages/admin.js';
import { Inbox, title as inboxTitle } from './pages/inbox.js';
import { Ticket, title as ticketTitle } from './pages/ticket.js';

function who(me) {
  const t = me.teammate;
  if (!t) return 'Workspace key';
  return [t.name, t.last_name].filter(Boolean).join(' ') || t.email;
}

// Each route: its title and what the main region shows. Each page lives in pages/ and owns
// its module; this table is the one place that maps an address under /app to a page.
function page(path, me) {
  if (path === '/' || path === '/inbox') {
    return { title: inboxTitle(), body: html`<${Inbox} me=${me} />` };
  }
  const t = /^\/tickets\/([^/]+)$/.exec(path);
  if (t) return { title: ticketTitle(), body: html`<${Ticket} key=${t[1]} id=${t[1]} me=${me} />` };
  if (path === '/admin' || path.startsWith('/admin/')) {
    if (me.role !== 'admin') {
      return { title: 'Admin', body: html`<p>Only administrators can open the admin pages.</p>` };
    }
    const sub = path.slice('/admin'.length).replace(/^\//, '');
    return { title: adminTitle(), body: html`<${Admin} sub=${sub} me=${me} />` };
  }
  return {
    title: 'Page not found',
    body: html`<p>There is no page at this address. <${Link} href="/">Go to the inbox</${Link}>.</p>`,
  };
}

export function Shell({ me, onSignedOut }) {
  const path = useRoute();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useRef(null);
  const first = useRef(true);
  const { title, body } = page(path, me);

  useEffect(() => {
    document.title = `${title} · ticketd`;
    // Not on the first render: the browser starts at the top of the page.
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [path]);

  async function signOut() {
    setBusy(true);
    setStatus('');
    try {
      await api('DELETE', '/sessions');
    } catch (err) {
      // 401: the session had already ended. Anything else: still signed in, say why.
      if (err.status !== 401) {
        setBusy(false);
        setStatus(`Could not sign out. ${err.message}`);
        return;
      }
    }
    onSignedOut();
  }

  const current = (p) => (p === '/' ? path === '/' || path === '/inbox' : path === p || path.startsWith(p + '/'));
  return html`
    <a class="skip" href="#main">Skip to the main content</a>
    <header class="topbar">
      <span class="brand">ticketd</span>
      <nav aria-label="Main">
        <ul>
          <li><${Link} href="/" aria-current=${current('/') ? 'page' : undefined}>Inbox</${Link}></li>
          ${me.role === 'admin' &&
          html`<li><${Link} href="/admin" aria-current=${current('/admin') ? 'page' : undefined}>Admin</${Link}></li>`}
        </ul>
      </nav>
      <div class="who">
        <span class="name">${who(me)}</span>
        <span class="meta">${me.role} · workspace <span title=${me.workspace?.id}>${(me.workspace?.id || '').slice(0, 8)}</span></span>
        <button type="button" onClick=${signOut} disabled=${busy}>Sign out</button>
      </div>
    </header>
    <p class="status" role="status" aria-live="polite">${status}</p>
    <main id="main">
      <h1 tabindex="-1" ref=${heading}>${title}</h1>
      ${body}
    </main>`;
}
