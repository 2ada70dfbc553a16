// Screenshots of the agent console for docs/CONSOLE.md: starts a throwaway ticketd (the API
// tests' harness: 127.0.0.1, a temporary data directory), seeds a small helpdesk through
// /ticketd/v1, signs in as an administrator in Debian's Chromium (playwright-core) and writes
// docs/screenshots/*.png: the sign-in page, the inbox, a ticket page, the admin pages, and the
// inbox and an admin page at phone width (390 px). It shows whatever the pages show: run it again
// after a page changes.
//   make build && node scripts/screenshots.mjs      (TICKETD_BIN, TICKETD_CHROMIUM override)
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT, startServer } from '../tests/api/lib/harness.mjs';

const OUT = path.join(REPO_ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.TICKETD_CHROMIUM || '/usr/bin/chromium';
const N = '/ticketd/v1';

async function ok(s, method, p, body) {
  const r = await s.api(method, N + p, body);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${p}: ${r.status} ${r.text}`);
  return r.json;
}

// A small helpdesk: teammates, teams, tags, billing plans, categories, clients, tickets with
// replies and a note.
async function seed(s) {
  const admin = { email: 'maria@example.com', password: 'screenshots-only-1' };
  const maria = await ok(s, 'POST', '/teammates', { name: 'Maria', last_name: 'Lopez', ...admin, role: 'admin' });
  const ben = await ok(s, 'POST', '/teammates', { name: 'Ben', last_name: 'Okafor', email: 'ben@example.com', password: 'screenshots-only-2' });
  await ok(s, 'POST', '/teammates', { name: 'Chloé', last_name: 'Martin', email: 'chloe@example.com', password: 'screenshots-only-3', active: false });
  const billing = await ok(s, 'POST', '/teams', { name: 'Billing', description: 'Invoices, refunds, cards' });
  await ok(s, 'POST', '/teams', { name: 'Technical', description: 'Bugs and outages' });
  const tags = {};
  for (const [name, color] of [['urgent', '1'], ['refund', '4'], ['vip', '8'], ['bug', '6']]) {
    tags[name] = await ok(s, 'POST', '/tags', { name, description: '', color });
  }
  const plans = [];
  for (const name of ['Starter', 'Business']) {
    const r = await s.api('POST', '/v2/agency/plans/create', { name });
    if (r.status !== 200) throw new Error(`plan: ${r.status} ${r.text}`);
    plans.push(r.json.product);
  }
  const cats = {};
  for (const [title, extra] of [
    ['Billing', { auto_reply: 'Thanks for writing to us: we answer billing questions within a day.', teammate_id: ben.id, plan_ids: [plans[1].id], subcategories: ['Cards', 'Refunds'] }],
    ['Technical', { subcategories: ['Login', 'Sync'] }],
    ['Sales', {}],
  ]) {
    cats[title] = await ok(s, 'POST', '/categories', { title, language: 'en', ...extra });
  }
  const clients = [];
  for (const [name, email] of [['John Doe', 'john@example.com'], ['Aiko Tanaka', 'aiko@example.com'], ['Lena Schmidt', 'lena@example.com']]) {
    clients.push(await ok(s, 'POST', '/clients', { name, email }));
  }
  const tickets = [];
  for (const [i, t] of [
    { title: 'Card declined at checkout', category: cats.Billing.id, tags: [tags.urgent.id], team: billing.id, assignee: maria.id, state: 'open' },
    { title: 'Refund for a double charge', category: cats.Billing.id, tags: [tags.refund.id, tags.vip.id], team: billing.id },
    { title: 'Cannot sign in on the mobile app', category: cats.Technical.id, tags: [tags.bug.id], assignee: ben.id, state: 'inprogress' },
    { title: 'Sync stops after an hour', category: cats.Technical.id, tags: [tags.bug.id] },
    { title: 'Pricing for 40 seats', category: cats.Sales.id, state: 'done' },
  ].entries()) {
    tickets.push(await ok(s, 'POST', '/tickets', { description: 'Hello, see below.', client: clients[i % clients.length].id, ...t }));
  }
  const t0 = tickets[0].id;
  await ok(s, 'POST', `/tickets/${t0}/replies`, { text: 'Hi John, could you tell us the last four digits of the card?' });
  await ok(s, 'POST', `/tickets/${t0}/replies`, { text: 'The bank flagged it: Ben is checking with them.', note: true });
  return { admin, ticket: t0 };
}

// The page as it settles: its heading, then no "Loading…" left (or 5 s), then a moment to paint.
async function settle(page) {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForFunction(() => !document.body.innerText.includes('Loading…'), null, { timeout: 5000 }).catch(() => {});
  await page.waitForTimeout(400);
}

async function shot(page, name) {
  await settle(page);
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
}

async function signIn(page, base, who) {
  await page.goto(`${base}/app`);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const s = await startServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  try {
    const { admin, ticket } = await seed(s);
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await desk.newPage();
    await page.goto(`${s.base}/app`);
    await shot(page, 'signin');
    await signIn(page, s.base, admin);
    await shot(page, 'inbox');
    await page.goto(`${s.base}/app/tickets/${ticket}`);
    await shot(page, 'ticket');
    for (const sub of ['teammates', 'categories', 'tags']) {
      await page.goto(`${s.base}/app/admin/${sub}`);
      await shot(page, `admin-${sub}`);
    }
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const p2 = await phone.newPage();
    await signIn(p2, s.base, admin);
    await shot(p2, 'phone-inbox');
    await p2.goto(`${s.base}/app/admin/teammates`);
    await shot(p2, 'phone-admin');
  } finally {
    await browser.close();
    await s.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
