// The console's ticket page in Chromium (docs/CONSOLE.md "Ticket page"): fields edited in place,
// replies with attachments (picker, paste, drop), internal notes, one-click actions, tags,
// the draft, live replies and presence from another teammate, the 412 panel, keyboard, axe,
// phone width. Every change is checked through the API, not only on the page.
import assert from 'node:assert/strict';
import { png } from '../api/lib/apizee.mjs';
import { uniq } from '../api/lib/harness.mjs';
import { nat } from '../api/lib/native.mjs';
import { assertAccessible, browserTest, setup } from './lib/browser.mjs';

const env = setup();
const PASSWORD = 'correct horse battery';

// A teammate (an administrator, so every ticket is theirs to read) with a password.
async function teammate(name) {
  const n = nat(env.server);
  return n.ok('POST', '/teammates', { name, last_name: 'Agent', email: `${uniq(name.toLowerCase())}@example.com`, password: PASSWORD, role: 'admin' });
}

// Signs the context in as tm through the session API (the cookie then serves every page).
async function signIn(context, tm) {
  const r = await context.request.post(`${env.server.base}/ticketd/v1/sessions`, {
    data: { email: tm.email, password: PASSWORD },
    headers: { origin: env.server.base },
  });
  assert.equal(r.status(), 201, await r.text());
}

async function newTicket(extra = {}) {
  const n = nat(env.server);
  const r = await n.post('/tickets', {
    title: uniq('Printer on fire'),
    description: 'The printer in room 4 is on fire.',
    client: { email: `${uniq('cl')}@example.com`, name: 'Carla Client' },
    ...extra,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const getTicket = async (id) => nat(env.server).ok('GET', `/tickets/${id}`);
const timeline = async (id) => (await nat(env.server).ok('GET', `/tickets/${id}/timeline?limit=100`)).data;

// Signs in a fresh teammate, makes a ticket and opens its page; answers what the test needs.
async function open(page, context, { tm, ticket } = {}) {
  tm = tm || (await teammate('Ann'));
  ticket = ticket || (await newTicket());
  await signIn(context, tm);
  await page.goto(`${env.server.base}/app/tickets/${ticket.id}`);
  await page.getByRole('heading', { level: 2, name: ticket.title }).waitFor();
  return { tm, ticket };
}

// A file through the page: File objects made in the page from the bytes (base64), handed to
// a paste or a drop event as a real DataTransfer.
async function dispatchFiles(page, selector, kind, name, bytes) {
  await page.evaluate(
    ({ selector, kind, name, b64 }) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], name, { type: 'image/png' }));
      const el = document.querySelector(selector);
      if (kind === 'paste') {
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      } else {
        el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    { selector, kind, name, b64: Buffer.from(bytes).toString('base64') },
  );
}

const uploads = (page) => page.getByRole('list', { name: 'Attachments to send' });

browserTest(env, 'a ticket opens: header, client and their other tickets, timeline, seen mark, accessible', async ({ page, context, seen }) => {
  const tm = await teammate('Ann');
  const first = await newTicket();
  const ticket = await newTicket({ client: first.client.id });
  await open(page, context, { tm, ticket });
  await page.waitForFunction((t) => document.title === `${t} · ticketd`, ticket.title);
  assert.equal(await page.getByLabel('State').inputValue(), 'new');
  const details = page.getByRole('region', { name: 'Ticket details' });
  await details.getByText('Carla Client').waitFor();
  await details.getByRole('link', { name: ticket.client.email }).waitFor();
  // The client's other ticket, as a link that opens it without a reload.
  const other = page.getByRole('list', { name: 'Other tickets from this client' }).getByRole('link', { name: first.title });
  await other.waitFor();
  // The description is the client's first reply; ticket.created is a sentence.
  const tl = page.getByRole('region', { name: 'Timeline' });
  await tl.getByText('The printer in room 4 is on fire.').waitFor();
  await tl.getByText(/created this ticket/).waitFor();
  const seenAt = await page.evaluate((id) => localStorage.getItem(`ticketd:seen:${id}`), ticket.id);
  assert.ok(Math.abs(Date.parse(seenAt) - Date.now()) < 60000, `ticketd:seen is now: ${seenAt}`);
  await assertAccessible(page, 'the ticket page');
  await page.evaluate(() => (window.__same = true));
  await other.click();
  await page.getByRole('heading', { level: 2, name: first.title }).waitFor();
  assert.equal(await page.evaluate(() => window.__same), true, 'no reload');
  assert.deepEqual(seen.pageErrors, []);
  assert.deepEqual(seen.badResponses, [], 'answers of 400 or more');
  assert.deepEqual(seen.consoleErrors, [], 'console errors');
});

browserTest(env, 'an agent: a ticket it may not read (403) and an unknown one (404) say so and link back; other tickets it may open', async ({ page, context }) => {
  const bob = await teammate('Bob');
  const ticket = await newTicket({ assignee: bob.id });
  const n = nat(env.server);
  const agent = await n.ok('POST', '/teammates', { name: 'Al', email: `${uniq('al')}@example.com`, password: PASSWORD, role: 'agent' });
  await signIn(context, agent);
  await page.goto(`${env.server.base}/app/tickets/${ticket.id}`);
  await page.getByRole('alert').getByText(/You may not open this ticket/).waitFor();
  // The same client's unassigned ticket opens; its other tickets are the agent's own and
  // unassigned ones, never Bob's.
  const mine = await newTicket({ client: ticket.client.id, assignee: agent.id });
  const free = await newTicket({ client: ticket.client.id });
  const free2 = await newTicket({ client: ticket.client.id });
  await page.goto(`${env.server.base}/app/tickets/${free.id}`);
  const others = page.getByRole('list', { name: 'Other tickets from this client' });
  await others.getByRole('link', { name: mine.title }).waitFor();
  await others.getByRole('link', { name: free2.title }).waitFor();
  assert.equal(await others.getByRole('link').count(), 2, 'the agent\'s own and the unassigned one');
  await page.goto(`${env.server.base}/app/tickets/00000000-0000-4000-8000-000000000000`);
  await page.getByRole('alert').getByText(/There is no such ticket/).waitFor();
  await page.getByRole('main').getByRole('link', { name: 'Back to the inbox' }).click();
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
});

browserTest(env, 'reply with an image from the picker: thumbnail, sent once, viewer dialog', async ({ page, context }) => {
  const { ticket } = await open(page, context);
  const text = uniq('Here is the photo');
  await page.getByLabel('Your reply').fill(text);
  await page.getByLabel('Attach files').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png(120, 80) });
  await uploads(page).getByRole('img', { name: 'Thumbnail of photo.png' }).waitFor();
  await page.getByRole('button', { name: 'Send reply' }).click();
  const reply = page.locator('[data-reply-id]', { hasText: text });
  await reply.waitFor();
  const replyId = await reply.getAttribute('data-reply-id');
  const thumb = reply.getByRole('button', { name: 'View image photo.png' });
  await thumb.locator('img').waitFor();
  assert.ok(await thumb.locator('img').evaluate((img) => img.complete && img.naturalWidth > 0), 'the thumbnail loaded');
  // Through the API: one reply with that text, with the asset.
  const rows = (await timeline(ticket.id)).filter((r) => r.text === text);
  assert.equal(rows.length, 1, 'posted once');
  assert.equal(rows[0].id, replyId);
  assert.equal(rows[0].note, false);
  assert.equal(rows[0].assets.length, 1);
  assert.equal(rows[0].assets[0].filename, 'photo.png');
  // The draft is gone, the composer empty.
  assert.equal(await page.getByLabel('Your reply').inputValue(), '');
  assert.equal(await page.evaluate((id) => localStorage.getItem(`ticketd:draft:${id}`), ticket.id), null);
  // The viewer: a modal dialog, accessible, Escape closes it and the focus goes back.
  await thumb.click();
  const dialog = page.getByRole('dialog', { name: 'photo.png' });
  await dialog.waitFor();
  await dialog.getByRole('img', { name: 'photo.png' }).waitFor();
  await dialog.getByRole('link', { name: 'Download' }).waitFor();
  await assertAccessible(page, 'the ticket page with the viewer open');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.ok(await thumb.evaluate((el) => el === document.activeElement), 'focus back on the thumbnail');
});

browserTest(env, 'a reply whose answer is lost is sent again under the same Idempotency-Key: posted once', async ({ page, context }) => {
  const { ticket } = await open(page, context);
  const keys = [];
  let first = true;
  // The first POST reaches the server, which posts the reply; its answer never reaches the page.
  await page.route('**/ticketd/v1/tickets/*/replies', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (first) {
      first = false;
      await route.fetch();
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  const text = uniq('Sent over a bad network');
  await page.getByLabel('Your reply').fill(text);
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByRole('alert').getByText(/will not be posted twice/).waitFor();
  assert.equal(await page.getByLabel('Your reply').inputValue(), text, 'the text is kept');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.waitForFunction(() => document.querySelector('#composer-text').value === '');
  assert.equal(keys.length, 2);
  assert.ok(keys[0] && keys[0] === keys[1], `the same key twice: ${keys}`);
  const rows = (await timeline(ticket.id)).filter((r) => r.text === text);
  assert.equal(rows.length, 1, 'posted once');
  assert.equal(await page.locator('[data-reply-id]', { hasText: text }).count(), 1, 'shown once');
});

browserTest(env, 'images pasted and dropped upload with thumbnails, can be removed, and go with a note', async ({ page, context }) => {
  const { ticket } = await open(page, context);
  await dispatchFiles(page, '#composer-text', 'paste', 'pasted.png', png(50, 40));
  await uploads(page).getByRole('img', { name: 'Thumbnail of pasted.png' }).waitFor();
  await dispatchFiles(page, '.composer', 'drop', 'dropped.png', png(60, 30));
  await uploads(page).getByRole('img', { name: 'Thumbnail of dropped.png' }).waitFor();
  await dispatchFiles(page, '.composer', 'drop', 'unwanted.png', png(30, 30));
  await uploads(page).getByRole('img', { name: 'Thumbnail of unwanted.png' }).waitFor();
  await page.getByRole('button', { name: 'Remove unwanted.png' }).click();
  assert.equal(await uploads(page).getByRole('listitem').count(), 2);
  await page.getByRole('radio', { name: 'Internal note' }).check();
  const text = uniq('Two screenshots');
  await page.getByLabel(/Your internal note/).fill(text);
  await page.getByLabel(/Your internal note/).press('Control+Enter');
  const note = page.locator('[data-reply-id]', { hasText: text });
  await note.getByText('Internal note').waitFor();
  const rows = (await timeline(ticket.id)).filter((r) => r.text === text);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].kind, 'note');
  assert.deepEqual(rows[0].assets.map((a) => a.filename).sort(), ['dropped.png', 'pasted.png']);
});

browserTest(env, 'an internal note is styled apart and never reaches the Tamio or Zaia APIs', async ({ page, context }) => {
  const { ticket } = await open(page, context);
  const noteText = uniq('Customer is a VIP');
  const replyText = uniq('We are on it');
  await page.getByRole('radio', { name: 'Internal note' }).check();
  await page.getByLabel(/Your internal note/).fill(noteText);
  await page.getByRole('button', { name: 'Add note' }).click();
  const note = page.locator('[data-reply-id]', { hasText: noteText });
  await note.waitFor();
  assert.match(await note.getAttribute('class'), /\bnote\b/);
  await note.getByText('Internal note').waitFor();
  await page.getByRole('radio', { name: 'Reply to the client' }).check();
  await page.getByLabel('Your reply').fill(replyText);
  await page.getByRole('button', { name: 'Send reply' }).click();
  const reply = page.locator('[data-reply-id]', { hasText: replyText });
  await reply.waitFor();
  assert.equal(await reply.getByText('Internal note').count(), 0);
  // Tamio's ticket lists the reply, not the note.
  const tamio = await env.server.api('GET', `/v2/agency/tickets/retrieve/${ticket.id}`);
  assert.equal(tamio.status, 200, tamio.text);
  assert.ok(tamio.text.includes(replyText), 'Tamio shows the reply');
  assert.ok(!tamio.text.includes(noteText), 'Tamio does not show the note');
  // Zaia's chat messages: the reply, not the note.
  const z = await env.server.api('GET', `/api/v1/tickets/${ticket.id}`);
  assert.equal(z.status, 200, z.text);
  const msgs = await env.server.api('GET', `/api/v1/chats/${z.json.chatId}/messages`);
  assert.equal(msgs.status, 200, msgs.text);
  assert.ok(msgs.text.includes(replyText), 'Zaia shows the reply');
  assert.ok(!msgs.text.includes(noteText), 'Zaia does not show the note');
});

browserTest(env, 'assign to me, close and reopen in one click each; events read as sentences', async ({ page, context }) => {
  const { tm, ticket } = await open(page, context);
  await page.getByRole('button', { name: 'Assign to me' }).click();
  await page.getByText(/assigned this to Ann Agent/).waitFor();
  assert.equal((await getTicket(ticket.id)).assignee.id, tm.id);
  assert.equal(await page.getByRole('button', { name: 'Assign to me' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByText('changed state: new -> done').waitFor();
  let t = await getTicket(ticket.id);
  assert.equal(t.state, 'done');
  assert.equal(t.is_open, false);
  await page.getByRole('button', { name: 'Reopen' }).click();
  await page.getByText('changed state: done -> open').waitFor();
  t = await getTicket(ticket.id);
  assert.equal(t.state, 'open');
  assert.equal(t.is_open, true);
  // The state select too.
  await page.getByLabel('State').selectOption('inprogress');
  await page.getByText('changed state: open -> inprogress').waitFor();
  assert.equal((await getTicket(ticket.id)).state, 'inprogress');
});

browserTest(env, 'tags added and removed, title edited in place', async ({ page, context }) => {
  const n = nat(env.server);
  const tag = await n.ok('POST', '/tags', { name: uniq('billing'), color: '3', description: '' });
  const { ticket } = await open(page, context);
  await page.getByLabel('Add a tag').fill(tag.name);
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByRole('button', { name: `Remove tag ${tag.name}` }).waitFor();
  assert.deepEqual((await getTicket(ticket.id)).tags.map((x) => x.id), [tag.id]);
  await page.getByText(`tag ${tag.name} added`).waitFor();
  // A name no tag has: said beside the field, nothing sent.
  await page.getByLabel('Add a tag').fill('no-such-tag-here');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByText('There is no tag named “no-such-tag-here”.').waitFor();
  await page.getByRole('button', { name: `Remove tag ${tag.name}` }).click();
  await page.getByText(`tag ${tag.name} removed`).waitFor();
  assert.deepEqual((await getTicket(ticket.id)).tags, []);
  // Title.
  await page.getByRole('button', { name: 'Edit title' }).click();
  const input = page.getByLabel('Title', { exact: true });
  assert.ok(await input.evaluate((el) => el === document.activeElement), 'the title field has the focus');
  await input.fill('Printer fixed, toner left');
  await input.press('Enter');
  await page.getByRole('heading', { level: 2, name: 'Printer fixed, toner left' }).waitFor();
  assert.equal((await getTicket(ticket.id)).title, 'Printer fixed, toner left');
  await page.getByText('renamed this to “Printer fixed, toner left”').waitFor();
});

browserTest(env, 'category, team and assignee selects save in place and read as sentences', async ({ page, context }) => {
  const n = nat(env.server);
  const cat = await n.ok('POST', '/categories', { title: uniq('Hardware'), language: 'en' });
  const team = await n.ok('POST', '/teams', { name: uniq('Night shift') });
  const bob = await teammate('Bob');
  const { ticket } = await open(page, context);
  await page.getByLabel('Category').selectOption(cat.id);
  await page.getByText(`set the category to ${cat.title}`).waitFor();
  await page.getByLabel('Team').selectOption(team.id);
  await page.getByText(`moved this to team ${team.name}`).waitFor();
  await page.getByLabel('Assignee').selectOption(bob.id);
  await page.getByText(/assigned this to Bob Agent/).waitFor();
  let t = await getTicket(ticket.id);
  assert.equal(t.category.id, cat.id);
  assert.equal(t.team.id, team.id);
  assert.equal(t.assignee.id, bob.id);
  await page.getByLabel('Assignee').selectOption('');
  await page.getByText(/unassigned this/).waitFor();
  await page.getByLabel('Team').selectOption('');
  await page.getByText('cleared the team').waitFor();
  t = await getTicket(ticket.id);
  assert.equal(t.assignee, null);
  assert.equal(t.team, null);
});

browserTest(env, 'the draft (text and mode) survives a reload and is cleared on send', async ({ page, context }) => {
  const { ticket } = await open(page, context);
  await page.getByRole('radio', { name: 'Internal note' }).check();
  await page.getByLabel(/Your internal note/).fill('half a thought');
  assert.deepEqual(JSON.parse(await page.evaluate((id) => localStorage.getItem(`ticketd:draft:${id}`), ticket.id)), { text: 'half a thought', mode: 'note' });
  await page.reload();
  await page.getByRole('heading', { level: 2, name: ticket.title }).waitFor();
  assert.equal(await page.getByLabel(/Your internal note/).inputValue(), 'half a thought');
  assert.equal(await page.getByRole('radio', { name: 'Internal note' }).isChecked(), true);
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('[data-reply-id]', { hasText: 'half a thought' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 2, name: ticket.title }).waitFor();
  assert.equal(await page.getByLabel('Your reply').inputValue(), '');
});

browserTest(env, 'another teammate: presence shows, their reply appears live', async ({ page, context }) => {
  // Bob exists before Ann's page loads its teammates (it names him in full).
  const bob = await teammate('Bob');
  const { ticket } = await open(page, context);
  const other = await env.browser.newContext();
  try {
    await signIn(other, bob);
    const bobPage = await other.newPage();
    await bobPage.goto(`${env.server.base}/app/tickets/${ticket.id}`);
    await bobPage.getByRole('heading', { level: 2, name: ticket.title }).waitFor();
    await page.getByText('Bob Agent is viewing').waitFor();
    await bobPage.getByLabel('Your reply').pressSequentially('On my');
    await page.getByText('Bob Agent is typing…').waitFor();
    const text = uniq('Bob replies');
    await bobPage.getByLabel('Your reply').fill(text);
    await bobPage.getByRole('button', { name: 'Send reply' }).click();
    const live = page.locator('[data-reply-id]', { hasText: text });
    await live.waitFor();
    await live.getByText('Bob', { exact: true }).waitFor();
    // Ann's own page is not reported to herself.
    assert.equal(await page.getByText('Ann Agent is viewing').count(), 0);
    // A reply through another dialect (Tamio) appears too.
    const tamioText = uniq('Via Tamio');
    const r = await env.server.api('POST', `/v2/agency/tickets/reply/create/${ticket.id}`, { reply: tamioText });
    assert.ok(r.status < 300, r.text);
    await page.locator('[data-reply-id]', { hasText: tamioText }).waitFor();
    // A field changed elsewhere updates the header at once.
    await nat(env.server).ok('PATCH', `/tickets/${ticket.id}`, { state: 'invited', title: 'Changed elsewhere' });
    await page.getByRole('heading', { level: 2, name: 'Changed elsewhere' }).waitFor();
    await page.waitForFunction(() => document.querySelector('#t-state').value === 'invited');
  } finally {
    await other.close();
  }
});

browserTest(env, 'a stale edit gets the conflict panel with both values; theirs or mine over theirs', async ({ page, context }) => {
  const { ticket } = await open(page, context);
  const n = nat(env.server);
  // The title editor holds the ETag it began with; the ticket changes meanwhile.
  await page.getByRole('button', { name: 'Edit title' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Mine: printer');
  await n.ok('PATCH', `/tickets/${ticket.id}`, { title: 'Theirs: printer' });
  // Said at once, through the stream.
  await page.getByText(/changed the title while you were editing it/).waitFor();
  await page.getByRole('button', { name: 'Save title' }).click();
  const panel = page.getByRole('region', { name: 'Someone changed this ticket' });
  await panel.waitFor();
  await panel.getByRole('cell', { name: 'Mine: printer' }).waitFor();
  await panel.getByRole('cell', { name: 'Theirs: printer' }).waitFor();
  await assertAccessible(page, 'the ticket page with the conflict shown');
  await panel.getByRole('button', { name: 'Keep theirs' }).click();
  await panel.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { level: 2, name: 'Theirs: printer' }).waitFor();
  assert.equal((await getTicket(ticket.id)).title, 'Theirs: printer');
  // Again, this time with a tag: mine goes on top of theirs, both kept.
  const t1 = await n.ok('POST', '/tags', { name: uniq('theirs'), color: '1', description: '' });
  await page.getByRole('button', { name: 'Edit title' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Mine again');
  await n.ok('PATCH', `/tickets/${ticket.id}`, { title: 'Theirs again', tags: [t1.id] });
  await page.getByRole('button', { name: 'Save title' }).click();
  await panel.waitFor();
  await panel.getByRole('cell', { name: 'Theirs again' }).waitFor();
  await panel.getByRole('button', { name: 'Apply mine over theirs' }).click();
  await panel.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { level: 2, name: 'Mine again' }).waitFor();
  const now = await getTicket(ticket.id);
  assert.equal(now.title, 'Mine again');
  assert.deepEqual(now.tags.map((x) => x.id), [t1.id], 'their tag kept');
  await page.getByRole('button', { name: `Remove tag ${t1.name}` }).waitFor();
  // A select being edited (focused) when the stream reports its field changed: said at once,
  // and the select shows theirs.
  await page.getByLabel('State').focus();
  await n.ok('PATCH', `/tickets/${ticket.id}`, { state: 'invited' });
  await page.getByText(/changed the state while you were editing it/).waitFor();
  await page.waitForFunction(() => document.querySelector('#t-state').value === 'invited');
});

browserTest(env, 'keyboard: r and n focus the composer, a assigns to me, c closes; not while typing', async ({ page, context }) => {
  const { tm, ticket } = await open(page, context);
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.keyboard.press('n');
  const area = page.locator('#composer-text');
  assert.ok(await area.evaluate((el) => el === document.activeElement));
  assert.equal(await page.getByRole('radio', { name: 'Internal note' }).isChecked(), true);
  assert.equal(await area.inputValue(), '', 'the key is not typed');
  // Typing a, c in the composer types them.
  await page.keyboard.type('ac');
  assert.equal(await area.inputValue(), 'ac');
  assert.equal((await getTicket(ticket.id)).assignee, null);
  await area.fill('');
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.keyboard.press('r');
  assert.ok(await area.evaluate((el) => el === document.activeElement));
  assert.equal(await page.getByRole('radio', { name: 'Reply to the client' }).isChecked(), true);
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  // With a modifier: nothing (Alt+c would close before the plain a below assigns).
  await page.keyboard.press('Alt+c');
  await page.keyboard.press('a');
  await page.getByText(/assigned this to Ann Agent/).waitFor();
  let t = await getTicket(ticket.id);
  assert.equal(t.assignee.id, tm.id);
  assert.equal(t.state, 'new', 'neither the c typed in the composer nor Alt+c closed it');
  await page.keyboard.press('c');
  await page.getByRole('button', { name: 'Reopen' }).waitFor();
  assert.equal((await getTicket(ticket.id)).state, 'done');
});

browserTest(env, 'a long timeline comes page by page on its cursor, oldest first, each row once', async ({ page, context }) => {
  const ticket = await newTicket();
  const n = nat(env.server);
  const ids = [];
  for (let i = 0; i < 130; i++) ids.push((await n.ok('POST', `/tickets/${ticket.id}/replies`, { text: `Reply number ${i}` })).id);
  await open(page, context, { ticket });
  await page.locator(`[data-reply-id="${ids.at(-1)}"]`).waitFor();
  const shown = await page.locator('[data-reply-id]').evaluateAll((els) => els.map((e) => e.dataset.replyId));
  assert.equal(shown.length, 131, 'the description and 130 replies');
  assert.deepEqual(shown.slice(1), ids, 'in order, none twice');
});

browserTest(
  env,
  'phone width: nothing cut off, no horizontal scroll',
  async ({ page, context }) => {
    const { ticket } = await open(page, context);
    const r = await nat(env.server).post(`/tickets/${ticket.id}/replies`, { text: 'averyveryverylongwordwithoutanyspaces'.repeat(4) });
    assert.equal(r.status, 201);
    await page.locator(`[data-reply-id="${r.json.id}"]`).waitFor();
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(scroll <= client, `no horizontal scroll: ${scroll} > ${client}`);
    for (const name of ['Send reply', 'Assign to me', 'Close', 'Edit title']) {
      const box = await page.getByRole('button', { name, exact: true }).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= client, `${name} is within the screen`);
    }
  },
  { contextOptions: { viewport: { width: 390, height: 844 } } },
);
