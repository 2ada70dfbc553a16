// The agent console in Chromium (docs/CONSOLE.md): the sign-in page and the app shell, their
// accessibility (axe-core), the CSP, deep links, the fetch wrapper, the offline state. The
// session API (POST /ticketd/v1/sessions) is another branch's: the tests that need it skip,
// saying so, while it answers 404.
import assert from 'node:assert/strict';
import { A, fixtures, uniq } from '../api/lib/harness.mjs';
import { assertAccessible, browserTest, cspViolations, moduleUrl, setup } from './lib/browser.mjs';

const env = setup();

// The one answer of 400 or more a signed-out page gets: GET /me saying nobody is signed in
// (Chromium logs it as a console error too). Anything else fails the test.
function assertClean(seen, { signedOut = true } = {}) {
  const expected = (r) => signedOut && r.method === 'GET' && r.url.endsWith('/ticketd/v1/me') && r.status === 401;
  assert.deepEqual(seen.badResponses.filter((r) => !expected(r)), [], 'answers of 400 or more');
  if (signedOut) assert.equal(seen.badResponses.length, 1, 'GET /ticketd/v1/me answers 401 once');
  const meLog = (c) => signedOut && /status of 401/.test(c.text) && c.url.endsWith('/ticketd/v1/me');
  assert.deepEqual(seen.consoleErrors.filter((c) => !meLog(c)), [], 'console errors');
  assert.deepEqual(seen.pageErrors, [], 'uncaught exceptions');
  // Chromium cancels a favicon load still running when the page moves on (ERR_ABORTED, a
  // browser decision, not an answer the server failed to give).
  const faviconCancelled = (f) => /\/favicon-[0-9a-f]+\.svg: net::ERR_ABORTED$/.test(f);
  // The live stream (lib/stream.js) is closed by the page when its last reader leaves (the
  // inbox, on navigation) and by the browser when the page goes: never answered by design.
  const streamClosed = (f) => /\/ticketd\/v1\/stream(\?[^:]*)?: net::ERR_ABORTED$/.test(f);
  assert.deepEqual(seen.failedRequests.filter((f) => !faviconCancelled(f) && !streamClosed(f)), [], 'requests that got no answer');
}

const signInHeading = (page) => page.getByRole('heading', { level: 1, name: 'Sign in to ticketd' });

// POST /ticketd/v1/sessions exists once the session API is merged.
async function sessionsMissing() {
  const res = await fetch(`${env.server.base}/ticketd/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: env.server.base },
    body: JSON.stringify({ email: 'nobody@example.com', password: 'x' }),
  });
  await res.arrayBuffer();
  return res.status === 404;
}
const NO_SESSIONS = 'POST /ticketd/v1/sessions answers 404: the session API (issue 13) is not on this branch yet';

browserTest(env, '/app loads the sign-in page with no console errors and no failed requests', async ({ page, seen }) => {
  const res = await page.goto(`${env.server.base}/app`);
  assert.equal(res.status(), 200);
  await signInHeading(page).waitFor();
  await page.waitForLoadState('networkidle');
  assertClean(seen);
  assert.deepEqual(await cspViolations(page), []);
  assert.equal(await page.title(), 'ticketd');
  // How to get a password, as the issue asks.
  await page.getByText('ticketd teammate password EMAIL').waitFor();
  await page.getByText(/administrator sets one/).waitFor();
});

browserTest(env, 'the page works under its CSP, which refuses inline scripts', async ({ page, seen }) => {
  const res = await page.goto(`${env.server.base}/app/`);
  const csp = res.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /connect-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/);
  await signInHeading(page).waitFor(); // the modules ran under it
  assert.deepEqual(await cspViolations(page), []);
  // An inline script does not run, and the page reports why.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    return window.__inlineRan === true;
  });
  assert.equal(ran, false, 'an inline script ran');
  await page.waitForFunction(() => window.__csp.some((v) => v.startsWith('script-src')));
  assertClean({ ...seen, consoleErrors: seen.consoleErrors.filter((c) => !/Content Security Policy/.test(c.text)) });
});

browserTest(env, 'a deep link /app/tickets/x answers the page, which shows the sign-in', async ({ page, seen }) => {
  const res = await page.goto(`${env.server.base}/app/tickets/x`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/html/);
  await signInHeading(page).waitFor();
  assert.equal(new URL(page.url()).pathname, '/app/tickets/x', 'the address is kept for after the sign-in');
  assertClean(seen);
});

browserTest(env, 'the sign-in form: labelled, keyboard reachable, accessible, checks its fields', async ({ page, seen }) => {
  await page.goto(`${env.server.base}/app`);
  await signInHeading(page).waitFor();
  // Tab order: email, password, the button.
  const email = page.getByLabel('Email', { exact: true });
  const password = page.getByLabel('Password', { exact: true });
  const submit = page.getByRole('button', { name: 'Sign in' });
  await page.keyboard.press('Tab');
  assert.ok(await email.evaluate((el) => el === document.activeElement), 'Tab 1 reaches the email field');
  await page.keyboard.press('Tab');
  assert.ok(await password.evaluate((el) => el === document.activeElement), 'Tab 2 reaches the password field');
  await page.keyboard.press('Tab');
  assert.ok(await submit.evaluate((el) => el === document.activeElement), 'Tab 3 reaches the button');
  // Submitted empty with the keyboard: both fields are named in the live region, the first
  // takes the focus, nothing was sent.
  await page.keyboard.press('Enter');
  const alert = page.getByRole('alert');
  await alert.getByText('Enter your email address.').waitFor();
  assert.match(await alert.textContent(), /Enter your password\./);
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  assert.ok(await email.evaluate((el) => el === document.activeElement), 'the email field has the focus');
  await email.fill('not an address');
  await password.fill('secret');
  await submit.click();
  await alert.getByText(/Enter an email address such as/).waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'false');
  // axe once, with the errors showing (axe-core takes seconds a run on this machine).
  await assertAccessible(page, 'the sign-in page');
  assertClean(seen);
});

browserTest(env, 'the sign-in page says when the browser is offline, and recovers by itself', async ({ page, context }) => {
  await page.goto(`${env.server.base}/app`);
  await signInHeading(page).waitFor();
  await context.setOffline(true);
  await page.getByLabel('Email', { exact: true }).fill('ann@example.com');
  await page.getByLabel('Password', { exact: true }).fill('secret');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').getByText(/You are offline/).waitFor();
  const banner = page.locator('.banner');
  await banner.getByText(/You are offline/).waitFor();
  assert.equal(await banner.getAttribute('role'), 'status');
  await context.setOffline(false);
  // Back online: GET /healthz answers and the banner goes.
  await banner.getByText(/You are offline/).waitFor({ state: 'hidden' });
  assert.equal(await banner.isVisible(), false);
});

browserTest(env, 'the fetch wrapper: problem details become messages naming the field', async ({ page }) => {
  await page.goto(`${env.server.base}/app`);
  await signInHeading(page).waitFor();
  const url = await moduleUrl(env.server.base, 'lib/api');
  const got = await page.evaluate(
    async ({ url, key }) => {
      const { api } = await import(url);
      const outcome = async (p) => {
        try {
          const r = await p;
          return { ok: true, status: r.status, data: r.data };
        } catch (e) {
          return { name: e.name, status: e.status, message: e.message, fields: e.fields, type: e.type };
        }
      };
      return {
        missing: await outcome(api('GET', '/no-such-thing')),
        signedOut: await outcome(api('GET', '/me')),
        nul: await outcome(api('GET', '/me?x=%00', { headers: { authorization: `Bearer ${key}` } })),
        me: await outcome(api('GET', '/me', { headers: { authorization: `Bearer ${key}` } })),
      };
    },
    { url, key: env.server.key },
  );
  assert.equal(got.missing.name, 'ApiError');
  assert.equal(got.missing.status, 404);
  assert.equal(got.missing.message, 'No such path: /ticketd/v1/no-such-thing.');
  assert.equal(got.signedOut.status, 401);
  assert.equal(got.signedOut.type, 'urn:ticketd:problem:unauthorized');
  assert.equal(got.nul.status, 400);
  assert.match(got.nul.message, /^X must not contain a NUL byte/);
  assert.deepEqual(Object.keys(got.nul.fields), ['x']);
  assert.match(got.nul.fields.x, /^x must not contain a NUL byte/);
  assert.equal(got.me.ok, true);
  assert.equal(got.me.data.kind, 'key');
});

// GET /me answers a workspace key as an administrator: the shell can be seen before the
// session API lands, with the key sent on every request of the context.
const asKey = () => ({ contextOptions: () => ({ extraHTTPHeaders: { authorization: `Bearer ${env.server.key}` } }) });

browserTest(
  env,
  'the app shell: who is signed in, the navigation, the main region, accessible',
  async ({ page, seen }) => {
    await page.goto(`${env.server.base}/app`);
    const h1 = page.getByRole('heading', { level: 1, name: 'Inbox' });
    await h1.waitFor();
    assert.equal(await page.title(), 'Inbox · ticketd');
    const banner = page.getByRole('banner');
    await banner.getByText('Workspace key').waitFor();
    assert.match(await banner.textContent(), /admin · workspace [0-9a-f]{8}/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Inbox' }).getAttribute('aria-current'), 'page');
    await page.getByRole('main').waitFor();
    await assertAccessible(page, 'the shell');
    // To Admin and back without a reload; the new page's heading takes the focus.
    await page.evaluate(() => (window.__sameDocument = true));
    await nav.getByRole('link', { name: 'Admin' }).click();
    const adminH1 = page.getByRole('heading', { level: 1, name: 'Admin' });
    await adminH1.waitFor();
    assert.equal(new URL(page.url()).pathname, '/app/admin');
    assert.ok(await adminH1.evaluate((el) => el === document.activeElement), 'the heading has the focus');
    assert.equal(await nav.getByRole('link', { name: 'Admin' }).getAttribute('aria-current'), 'page');
    await page.goBack();
    await h1.waitFor();
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
    // The inbox's list has come (leaving the page sooner would cut its request: ERR_ABORTED).
    await page.locator('.inbox .list-state[role="status"]').waitFor({ state: 'detached' });
    // A path the console does not know is its own page inside the shell.
    await page.goto(`${env.server.base}/app/nowhere/x`);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    assertClean(seen, { signedOut: false });
  },
  asKey(),
);

// A key of its own, revoked halfway: the real way a credential stops working under an open page.
let revocable;
browserTest(env, 'a 401 while signed in (the credentials ended) brings the sign-in page back, saying why', async ({ page }) => {
  await page.goto(`${env.server.base}/app`);
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  env.server.cli(['key', 'revoke', revocable.slice(0, 12)]);
  const url = await moduleUrl(env.server.base, 'lib/api');
  const status = await page.evaluate(async (u) => {
    const { api } = await import(u);
    try {
      await api('GET', '/me');
      return 200;
    } catch (e) {
      return e.status;
    }
  }, url);
  assert.equal(status, 401);
  await signInHeading(page).waitFor();
  await page.getByRole('status').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
}, {
  contextOptions: () => {
    revocable = env.server.newWorkspaceKey().key;
    return { extraHTTPHeaders: { authorization: `Bearer ${revocable}` } };
  },
});

browserTest(env, 'the skip link leads to the main region', async ({ page }) => {
  await page.goto(`${env.server.base}/app`);
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the main content' });
  assert.ok(await skip.evaluate((el) => el === document.activeElement), 'the first Tab reaches the skip link');
  assert.ok(await skip.isVisible(), 'the skip link shows when focused');
}, asKey());

// ---- with the session API (issue 13); skipped until it is merged ----

async function teammateWithPassword(password) {
  const fx = fixtures(env.server);
  const email = `${uniq('agent')}@example.com`;
  const tm = await fx.teammate({ email, name: 'Ann', last_name: 'Agent' });
  const r = await env.server.api('POST', `${A}/teammates/update/${tm.id}`, { password });
  assert.equal(r.status, 200, r.text);
  return { ...tm, email };
}

browserTest(env, 'a wrong password shows the server\'s error in the live region', async ({ page, seen, t }) => {
  if (await sessionsMissing()) return t.skip(NO_SESSIONS);
  const tm = await teammateWithPassword('correct horse battery');
  await page.goto(`${env.server.base}/app`);
  await signInHeading(page).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(tm.email);
  await page.getByLabel('Password', { exact: true }).fill('wrong horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.getByText(/email or password is wrong/i).waitFor();
  // The password is cleared and focused for another try; the email stays.
  const password = page.getByLabel('Password', { exact: true });
  assert.equal(await password.inputValue(), '');
  assert.ok(await password.evaluate((el) => el === document.activeElement));
  assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), tm.email);
  await assertAccessible(page, 'the sign-in page after a wrong password');
  assert.deepEqual(seen.pageErrors, []);
});

browserTest(env, 'sign in with the right password, then sign out', async ({ page, t }) => {
  if (await sessionsMissing()) return t.skip(NO_SESSIONS);
  const tm = await teammateWithPassword('correct horse battery');
  await page.goto(`${env.server.base}/app`);
  await signInHeading(page).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(tm.email);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  await page.getByRole('banner').getByText('Ann Agent').waitFor();
  // An agent sees no Admin link.
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count(), 0);
  await page.reload(); // the cookie keeps the session
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInHeading(page).waitFor();
  await page.reload();
  await signInHeading(page).waitFor();
});
