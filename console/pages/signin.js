// The sign-in page: a teammate's email and password -> POST /ticketd/v1/sessions (201 sets the
// session cookie), then GET /ticketd/v1/me, handed to onSignedIn. `notice` says why the page
// is shown when it was not asked for (the session ended). Errors (ours before sending,
// the server's after) go to one live region and, when they name a field, beside that field.
import { useRef, useState } from 'preact/hooks';
import { api, sentence } from '../lib/api.js';
import { html } from '../lib/html.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

function waitText(seconds) {
  if (seconds >= 90) return `${Math.ceil(seconds / 60)} minutes`;
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

export function SignIn({ notice = '', onSignedIn }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const emailRef = useRef(null);
  const passwordRef = useRef(null);

  const focusFirst = (errs) => (errs.email ? emailRef : passwordRef).current?.focus();

  async function submit(e) {
    e.preventDefault();
    const errs = {};
    const addr = email.trim();
    if (!addr) errs.email = 'Enter your email address.';
    else if (!EMAIL_RE.test(addr)) errs.email = 'Enter an email address such as ann@example.com.';
    if (!password) errs.password = 'Enter your password.';
    setFields(errs);
    if (errs.email || errs.password) {
      setError(Object.values(errs).join(' '));
      focusFirst(errs);
      return;
    }
    setBusy(true);
    setError('');
    try {
      await api('POST', '/sessions', { body: { email: addr, password } });
      const me = await api('GET', '/me');
      onSignedIn(me.data);
    } catch (err) {
      let message = err.message;
      if (err.status === 429) {
        message = sentence(err.message) + (err.retryAfter ? ` Try again in ${waitText(err.retryAfter)}.` : '');
      }
      const named = {};
      for (const k of ['email', 'password']) if (err.fields?.[k]) named[k] = sentence(err.fields[k]);
      setFields(named);
      setError(message);
      setBusy(false);
      if (err.status === 401) {
        setPassword('');
        passwordRef.current?.focus();
      } else if (named.email || named.password) {
        focusFirst(named);
      }
    }
  }

  return html`
    <main id="main" class="signin">
      <h1>Sign in to ticketd</h1>
      <p class="notice" role="status">${notice}</p>
      <form onSubmit=${submit} novalidate aria-describedby="signin-error">
        <p id="signin-error" class="error" role="alert" aria-live="assertive">${error}</p>
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" ref=${emailRef}
            value=${email} onInput=${(e) => setEmail(e.currentTarget.value)}
            aria-invalid=${fields.email ? 'true' : 'false'} aria-describedby="email-error" />
          <p id="email-error" class="field-error">${fields.email || ''}</p>
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password"
            ref=${passwordRef} value=${password} onInput=${(e) => setPassword(e.currentTarget.value)}
            aria-invalid=${fields.password ? 'true' : 'false'} aria-describedby="password-error" />
          <p id="password-error" class="field-error">${fields.password || ''}</p>
        </div>
        <button type="submit" class="primary" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <section class="help" aria-labelledby="help-title">
        <h2 id="help-title">No password yet?</h2>
        <p>An administrator sets one for you on the Admin page. Whoever runs the server can also
          set it with <code>ticketd teammate password EMAIL</code>, which reads the new password
          from standard input.</p>
      </section>
    </main>`;
}
