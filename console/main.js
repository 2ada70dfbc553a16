// The console's entry: asks GET /ticketd/v1/me who is signed in, then shows the app shell or
// the sign-in page, with a banner while ticketd cannot be reached (lib/connection.js).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './lib/api.js';
import { connectionState, onConnection } from './lib/connection.js';
import { html } from './lib/html.js';
import { SignIn } from './pages/signin.js';
import { Shell } from './shell.js';

const BANNER = {
  offline: 'You are offline. The console reconnects when the network is back.',
  gone: 'The server cannot be reached. Reconnecting…',
};

function ConnectionBanner() {
  const [state, setState] = useState(connectionState());
  useEffect(() => onConnection(setState), []);
  return html`<p class=${`banner ${state === 'online' ? '' : 'shown'}`} role="status" aria-live="polite">${BANNER[state] || ''}</p>`;
}

function App() {
  // phase: 'loading' (asking /me), 'signin', 'ready' (me known), 'unreachable'
  const [phase, setPhase] = useState('loading');
  const [me, setMe] = useState(null);
  const [notice, setNotice] = useState('');

  async function load() {
    try {
      const res = await api('GET', '/me');
      setMe(res.data);
      setPhase('ready');
    } catch (err) {
      setPhase(err.offline || err.gone ? 'unreachable' : 'signin');
    }
  }
  useEffect(() => {
    load();
  }, []);
  // A 401 anywhere (lib/api.js): the session is over.
  useEffect(() => {
    const ended = () => {
      if (phase !== 'ready') return;
      setMe(null);
      setNotice('Your session has ended. Sign in again.');
      setPhase('signin');
    };
    addEventListener('ticketd:signed-out', ended);
    return () => removeEventListener('ticketd:signed-out', ended);
  }, [phase]);
  // Back online while nothing could be asked: ask again.
  useEffect(() => onConnection((s) => s === 'online' && phase === 'unreachable' && load()), [phase]);

  let view;
  if (phase === 'ready') {
    view = html`<${Shell} me=${me} onSignedOut=${() => {
      setMe(null);
      setNotice('');
      setPhase('signin');
    }} />`;
  } else if (phase === 'signin') {
    view = html`<${SignIn} notice=${notice} onSignedIn=${(m) => {
      setMe(m);
      setNotice('');
      setPhase('ready');
    }} />`;
  } else {
    view = html`<main id="main" class="loading"><p>${phase === 'loading' ? 'Loading…' : 'Waiting for the server…'}</p></main>`;
  }
  return html`<${ConnectionBanner} />${view}`;
}

render(html`<${App} />`, document.getElementById('app'));
