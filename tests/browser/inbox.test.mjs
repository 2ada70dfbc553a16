// The inbox in Chromium (docs/CONSOLE.md "Inbox"): views and their live counts, each filter,
// search, sort, endless scroll, tickets appearing and leaving live (through Tamio's and Zaia's
// APIs), the keyboard (j/k/Enter, /, ?), axe, phone width, and an agent held to its policy.
// Each test has a workspace of its own (a new key, teammates signed in with a session cookie),
// so the rows it expects are exactly the ones it made; every list is checked against what
// GET /ticketd/v1/tickets answers for the same filters.
import assert from 'node:assert/strict';
import { A, uniq } from '../api/lib/harness.mjs';
import { assertAccessible, browserTest, setup } from './lib/browser.mjs';

const env = setup();
const N = '/ticketd/v1';
const PASSWORD = 'correct horse battery';

// ---- a workspace of one's own ----

async function call(ws, method, p, body, extra = {}) {
  const r = await env.server.api(method, p, body, { key: ws.key, ...extra });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.text}`);
  return r.json;
}

async function workspace() {
  const ws = env.server.newWorkspaceKey();
  ws.call = (m, p, b) => call(ws, m, p, b);
  ws.teammate = async (role = 'agent', name = 'Ann') => {
    const email = `${uniq(name.toLowerCase())}@example.com`;
    const tm = await ws.call('POST', `${N}/teammates`, { name, last_name: role === 'admin' ? 'Admin' : 'Agent', email, role, password: PASSWORD });
    return { ...tm, email };
  };
  ws.ticket = (body = {}) =>
    ws.call('POST', `${N}/tickets`, { title: uniq('Ticket'), client: { email: `${uniq('c')}@example.com`, name: 'Cleo Client' }, ...body });
  // The API's own list for a query string (every page), as ids, asked as the teammate signed
  // in (ws.cookie, set by signIn) or with the key.
  ws.ids = async (query) => {
    const ids = [];
    let cursor = '';
    for (;;) {
      const p = `${N}/tickets?limit=100&${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const r = ws.cookie
        ? await call(ws, 'GET', p, undefined, { key: null, headers: { cookie: ws.cookie } })
        : await ws.call('GET', p);
      ids.push(...r.data.map((t) => t.id));
      if (!r.next_cursor) return ids;
      cursor = r.next_cursor;
    }
  };
  return ws;
}

// Signs the teammate in (POST /sessions) and gives the context its cookie (and ws the same).
async function signIn(context, tm, ws) {
  const res = await fetch(`${env.server.base}${N}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: env.server.base },
    body: JSON.stringify({ email: tm.email, password: PASSWORD }),
  });
  assert.equal(res.status, 201, await res.text());
  const m = /ticketd_session=([^;]+)/.exec(res.headers.get('set-cookie'));
  await context.addCookies([{ name: 'ticketd_session', value: m[1], url: env.server.base }]);
  if (ws) ws.cookie = `ticketd_session=${m[1]}`;
}

// ---- the page ----

const OPEN = 'state=new,open,invited,inprogress';
const rowIds = (page) => page.locator('.ticket-list > li').evaluateAll((els) => els.map((e) => e.dataset.ticketId));

async function openInbox(page, query = '') {
  await page.goto(`${env.server.base}/app/${query}`);
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('.list-state[role="status"]'));
}

// Waits until the rows are exactly ids (in that order), or fails saying what was shown.
async function expectRows(page, ids, what) {
  try {
    await page.waitForFunction(
      (want) => {
        const got = [...document.querySelectorAll('.ticket-list > li')].map((e) => e.dataset.ticketId);
        return JSON.stringify(got) === JSON.stringify(want);
      },
      ids,
      { timeout: 10000 },
    );
  } catch {
    assert.deepEqual(await rowIds(page), ids, what);
  }
}

const count = (page, view) => page.locator(`.count[data-view="${view}"]`);
async function expectCount(page, view, n) {
  await page.waitForFunction(
    ({ view, n }) => document.querySelector(`.count[data-view="${view}"]`)?.textContent === String(n),
    { view, n },
    { timeout: 10000 },
  ).catch(async () => assert.equal(await count(page, view).textContent(), String(n), `the ${view} count`));
}

// ---- the tests ----

browserTest(env, 'views: live counts from GET /views, each view lists what the API lists', async ({ page, context, seen }) => {
  const ws = await workspace();
  const admin = await ws.teammate('admin');
  const bob = await ws.teammate('agent', 'Bob');
  const mine = [await ws.ticket({ assignee: admin.id }), await ws.ticket({ assignee: admin.id })];
  await ws.ticket({ assignee: bob.id });
  await ws.ticket({ assignee: null });
  await ws.ticket({ assignee: null, state: 'closed' });
  await signIn(context, admin, ws);
  await openInbox(page);
  const views = await env.server.api('GET', `${N}/views`, undefined, { key: null, headers: { cookie: ws.cookie } });
  assert.deepEqual(views.json, { mine_open: 2, unassigned_open: 1, open: 4, closed: 1 });
  for (const [v, k] of [['mine', 'mine_open'], ['unassigned', 'unassigned_open'], ['open', 'open'], ['closed', 'closed']]) {
    await expectCount(page, v, views.json[k]);
  }
  // Each view, by its link: the API's list for the same question.
  const nav = page.getByRole('navigation', { name: 'Views' });
  for (const [label, view, q] of [
    ['Mine', 'mine', `${OPEN}&assignee=me`],
    ['Unassigned', 'unassigned', `${OPEN}&assignee=none`],
    ['Closed', 'closed', 'state=done,closed,rejected,declined,expired,cancelled'],
    ['All open', 'open', OPEN],
  ]) {
    await nav.getByRole('link', { name: new RegExp(`^${label}`) }).click();
    const want = await ws.ids(q);
    await expectRows(page, want, `the ${label} view`);
    assert.equal(await nav.getByRole('link', { name: new RegExp(`^${label}`) }).getAttribute('aria-current'), 'page');
    assert.equal(new URL(page.url()).searchParams.get('view'), view === 'open' ? null : view);
  }
  assert.deepEqual(new Set(await ws.ids(`${OPEN}&assignee=me`)), new Set(mine.map((t) => t.id)));
  // A count follows the stream: a ticket assigned to me through the API.
  await ws.ticket({ assignee: admin.id });
  await expectCount(page, 'mine', 3);
  await expectCount(page, 'open', 5);
  assert.deepEqual(seen.pageErrors, []);
});
