// The console's admin pages in Chromium (docs/CONSOLE.md "Admin"): an administrator signed in
// with a session invites a teammate (typed and generated passwords), who signs in in a second
// browser context; role change; deactivation signs that teammate out at once and refuses its
// sign-in; a new password; categories, tags and teams created, edited and deleted through the
// page and checked through the API; errors beside the field they name; a plain agent refused
// (the page's message and the API's 403); axe on every admin page and with a dialog open; phone
// width.
import assert from 'node:assert/strict';
import { A, fixtures, uniq } from '../api/lib/harness.mjs';
import { assertAccessible, browserTest, moduleUrl, setup } from './lib/browser.mjs';

const env = setup();
const N = '/ticketd/v1';

// The API with the workspace key: {status, json}.
async function nat(method, p, body) {
  const r = await env.server.api(method, N + p, body);
  return r;
}
async function natOk(method, p, body) {
  const r = await nat(method, p, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.text}`);
  return r.json;
}

// A teammate with a password, made through the API with the key.
async function teammate(role = 'agent', password = 'teammate-pass-1') {
  const t = await natOk('POST', '/teammates', { name: role === 'admin' ? 'Ada' : 'Gus', last_name: uniq('T'), email: `${uniq(role)}@example.com`, role, password });
  return { ...t, password };
}

const signInHeading = (page) => page.getByRole('heading', { level: 1, name: 'Sign in to ticketd' });

async function signIn(page, who, path = '/admin') {
  await page.goto(`${env.server.base}/app${path}`);
  await signInHeading(page).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

const row = (page, text) => page.getByRole('row').filter({ hasText: text });
const status = (page, text) => page.getByRole('status').filter({ hasText: text }).waitFor();

async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `${what}: no horizontal scroll (scrollWidth ${sw} > ${cw})`);
}

browserTest(env, 'invite with a typed password; that teammate signs in elsewhere; role change; deactivate signs it out at once; reactivate', async ({ page, context }) => {
  const admin = await teammate('admin');
  await signIn(page, admin);
  await page.getByRole('heading', { level: 2, name: 'Teammates' }).waitFor();
  assert.equal(await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Teammates' }).getAttribute('aria-current'), 'page');
  await row(page, admin.email).getByText('(you)').waitFor();
  await assertAccessible(page, 'the teammates page');

  // Invite, with the API's error beside the field it names first (a taken email).
  await page.getByRole('button', { name: 'Invite teammate' }).click();
  const form = page.getByRole('form', { name: 'Invite a teammate' });
  assert.ok(await form.getByLabel('Name').evaluate((el) => el === document.activeElement), 'the first field has the focus');
  await form.getByLabel('Name').fill('Nina');
  await form.getByLabel('Email').fill(admin.email);
  await form.getByLabel('Password', { exact: false }).fill('nina-password-1');
  await form.getByRole('button', { name: 'Invite' }).click();
  const emailError = page.locator('#invite-email-error');
  await emailError.filter({ hasText: /already used/ }).waitFor();
  assert.equal(await form.getByLabel('Email').getAttribute('aria-invalid'), 'true');
  assert.ok(await form.getByLabel('Email').evaluate((el) => el === document.activeElement), 'focus on the field at fault');
  const email = `${uniq('nina')}@example.com`;
  await form.getByLabel('Email').fill(email);
  await form.getByRole('button', { name: 'Invite' }).click();
  await status(page, 'Nina is invited as an agent.');
  await row(page, email).waitFor();
  const nina = (await natOk('GET', '/teammates?limit=100')).data.find((t) => t.email === email);
  assert.equal(nina.role, 'agent');
  assert.equal(nina.active, true);
  assert.equal(await page.getByText('it is not shown again').count(), 0, 'a typed password is not shown back');

  // Nina signs in in a second browser context.
  const other = await env.browser.newContext();
  try {
    const p2 = await other.newPage();
    await signIn(p2, { email, password: 'nina-password-1' }, '/');
    await p2.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();

    // Role change, through the page, seen by the API.
    await row(page, email).getByRole('button', { name: `Make Nina an administrator` }).click();
    await status(page, 'Nina is now an administrator.');
    assert.equal((await natOk('GET', `/teammates/${nina.id}`)).role, 'admin');
    await row(page, email).getByRole('button', { name: 'Make Nina an agent' }).click();
    await status(page, 'Nina is now an agent.');
    assert.equal((await natOk('GET', `/teammates/${nina.id}`)).role, 'agent');

    // Deactivate: a confirmation dialog (keyboard: Escape cancels, focus returns), axe with it open.
    const deactivate = row(page, email).getByRole('button', { name: 'Deactivate Nina' });
    await deactivate.click();
    const dialog = page.getByRole('dialog', { name: 'Deactivate Nina?' });
    await dialog.waitFor();
    assert.ok(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), 'Cancel has the focus');
    await assertAccessible(page, 'the teammates page with the deactivate dialog open');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.ok(await deactivate.evaluate((el) => el === document.activeElement), 'focus back on the button');
    assert.equal((await natOk('GET', `/teammates/${nina.id}`)).active, true, 'cancel wrote nothing');
    await deactivate.press('Enter');
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await status(page, 'is deactivated and signed out.');
    await row(page, email).getByText('Deactivated').waitFor();
    assert.equal((await natOk('GET', `/teammates/${nina.id}`)).active, false);

    // Nina's open page: its next request is a 401 and the sign-in page comes back.
    const url = await moduleUrl(env.server.base, 'lib/api');
    const got = await p2.evaluate(async (u) => {
      const { api } = await import(u);
      try {
        await api('GET', '/views');
        return 200;
      } catch (e) {
        return e.status;
      }
    }, url);
    assert.equal(got, 401);
    await signInHeading(p2).waitFor();
    await p2.getByText('Your session has ended. Sign in again.').waitFor();
    await p2.getByLabel('Email', { exact: true }).fill(email);
    await p2.getByLabel('Password', { exact: true }).fill('nina-password-1');
    await p2.keyboard.press('Enter');
    await p2.getByRole('alert').getByText(/email or password is wrong/i).waitFor();

    // Reactivated: she signs in again.
    await row(page, email).getByRole('button', { name: 'Reactivate Nina' }).click();
    await status(page, 'Nina is active again and can sign in.');
    await p2.getByLabel('Password', { exact: true }).fill('nina-password-1');
    await p2.keyboard.press('Enter');
    await p2.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  } finally {
    await other.close();
  }
});

browserTest(env, 'a generated password is shown once and works; "Set password" ends the teammate\'s sessions', async ({ page }) => {
  const admin = await teammate('admin');
  await signIn(page, admin);
  await page.getByRole('button', { name: 'Invite teammate' }).click();
  const form = page.getByRole('form', { name: 'Invite a teammate' });
  const email = `${uniq('gen')}@example.com`;
  await form.getByLabel('Name').fill('Gene');
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption('admin');
  await form.getByRole('button', { name: 'Invite' }).click();
  await status(page, 'Gene is invited as an administrator.');
  const secret = page.locator('.shown-once code.secret');
  const password = (await secret.textContent()).trim();
  assert.match(password, /^[a-zA-Z2-9]{16}$/);
  const s1 = await env.server.api('POST', `${N}/sessions`, { email, password }, { key: null });
  assert.equal(s1.status, 201, 'the generated password signs in');
  const cookie = /ticketd_session=([^;]+)/.exec(s1.headers.getSetCookie()[0])[1];
  await page.getByRole('button', { name: 'Done' }).click();
  assert.equal(await secret.count(), 0, 'shown once');

  // Edit: name and last name, seen by the API.
  await row(page, email).getByRole('button', { name: 'Edit Gene' }).click();
  const edit = page.getByRole('form', { name: 'Edit Gene' });
  await edit.getByLabel('Last name').fill('Smith');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await status(page, 'Gene Smith is saved.');
  const gene = (await natOk('GET', '/teammates?limit=100')).data.find((t) => t.email === email);
  assert.equal(gene.last_name, 'Smith');

  // A new password typed in the dialog; a too-short one first, named beside the field.
  await row(page, email).getByRole('button', { name: 'Set a new password for Gene Smith' }).click();
  const dialog = page.getByRole('dialog', { name: 'New password for Gene Smith' });
  await dialog.getByLabel('New password').fill('short');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await dialog.locator('#newpw-password-error').filter({ hasText: /8 to 256 characters/ }).waitFor();
  await assertAccessible(page, 'the set-password dialog with an error');
  await dialog.getByLabel('New password').fill('gene-new-password');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await dialog.waitFor({ state: 'detached' });
  await status(page, 'Gene Smith has a new password; their sessions have ended.');
  const me = await env.server.api('GET', `${N}/me`, undefined, { key: null, headers: { cookie: `ticketd_session=${cookie}` } });
  assert.equal(me.status, 401, 'the old session ended');
  const s2 = await env.server.api('POST', `${N}/sessions`, { email, password: 'gene-new-password' }, { key: null });
  assert.equal(s2.status, 201);
});

browserTest(env, 'categories: create, edit, delete through the page, checked through the API; a bad language named beside it', async ({ page }) => {
  const admin = await teammate('admin');
  const plan = await fixtures(env.server).plan();
  await signIn(page, admin, '/admin/categories');
  await page.getByRole('heading', { level: 2, name: 'Categories' }).waitFor();
  await assertAccessible(page, 'the categories page');
  await page.getByRole('button', { name: 'New category' }).click();
  const form = page.getByRole('form', { name: 'New category' });
  const title = uniq('Billing');
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Language').fill('not a language');
  await form.getByLabel('Automatic reply').fill('Thanks, we are on it.');
  await form.getByLabel('Assign new tickets to').selectOption({ label: `${admin.name} ${admin.last_name} (${admin.email})` });
  await form.getByRole('group', { name: 'Billing plans' }).getByLabel(plan.name).check();
  await form.getByLabel('Subcategories').fill('Cards, Refunds');
  await form.getByRole('button', { name: 'Create category' }).click();
  await page.locator('#category-language-error').filter({ hasText: /language code/ }).waitFor();
  assert.equal((await natOk('GET', '/categories?limit=100')).data.filter((c) => c.title === title).length, 0, 'nothing written');
  await form.getByLabel('Language').fill('en');
  await form.getByRole('button', { name: 'Create category' }).click();
  await status(page, `Category “${title}” created.`);
  let cat = (await natOk('GET', '/categories?limit=100')).data.find((c) => c.title === title);
  assert.equal(cat.auto_reply, 'Thanks, we are on it.');
  assert.equal(cat.teammate_id, admin.id);
  assert.deepEqual(cat.plan_ids, [plan.id]);
  assert.deepEqual(cat.subcategories, ['Cards', 'Refunds']);

  await row(page, title).getByRole('button', { name: `Edit category ${title}` }).click();
  const edit = page.getByRole('form', { name: `Edit category “${title}”` });
  assert.equal(await edit.getByLabel('Automatic reply').inputValue(), 'Thanks, we are on it.');
  assert.ok(await edit.getByRole('group', { name: 'Billing plans' }).getByLabel(plan.name).isChecked(), 'the plan is ticked');
  const renamed = `${title} (new)`;
  await edit.getByLabel('Title').fill(renamed);
  await edit.getByLabel('Automatic reply').fill('');
  await edit.getByLabel('Assign new tickets to').selectOption('');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await status(page, `Category “${renamed}” saved.`);
  cat = await natOk('GET', `/categories/${cat.id}`);
  assert.equal(cat.title, renamed);
  assert.equal(cat.auto_reply, null, 'an emptied auto-reply is off');
  assert.equal(cat.teammate_id, null);
  assert.deepEqual(cat.plan_ids, [plan.id], 'the plan kept');

  await row(page, renamed).getByRole('button', { name: `Delete category ${renamed}` }).click();
  const dialog = page.getByRole('dialog', { name: `Delete category “${renamed}”?` });
  await assertAccessible(page, 'the categories page with the delete dialog open');
  await dialog.getByRole('button', { name: 'Delete category' }).click();
  await status(page, `Category “${renamed}” deleted.`);
  assert.equal((await nat('GET', `/categories/${cat.id}`)).status, 404);
  await row(page, renamed).waitFor({ state: 'detached' }); // the list loads again after the write
});

for (const kind of [
  { noun: 'tag', path: '/tags', title: 'Tags' },
  { noun: 'team', path: '/teams', title: 'Teams' },
]) {
  browserTest(env, `${kind.title.toLowerCase()}: create, rename, delete through the page, checked through the API`, async ({ page }) => {
    const admin = await teammate('admin');
    await signIn(page, admin, `/admin${kind.path}`);
    await page.getByRole('heading', { level: 2, name: kind.title }).waitFor();
    await assertAccessible(page, `the ${kind.noun}s page`);
    await page.getByRole('button', { name: `New ${kind.noun}` }).click();
    const form = page.getByRole('form', { name: `New ${kind.noun}` });
    // Empty name: said beside the field, nothing sent.
    await form.getByRole('button', { name: `Create ${kind.noun}` }).click();
    await page.locator(`#${kind.noun}-name-error`).filter({ hasText: 'Enter the name.' }).waitFor();
    const name = uniq(kind.noun === 'tag' ? 'urgent' : 'Support');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Description').fill('First words');
    if (kind.noun === 'tag') await form.getByLabel('Colour').selectOption({ label: 'Red' });
    await form.getByRole('button', { name: `Create ${kind.noun}` }).click();
    await status(page, `“${name}” created.`);
    let made = (await natOk('GET', `${kind.path}?limit=100`)).data.find((r) => r.name === name);
    assert.equal(made.description, 'First words');
    if (kind.noun === 'tag') assert.equal(made.color, '1');

    await row(page, name).getByRole('button', { name: `Edit ${kind.noun} ${name}` }).click();
    const edit = page.getByRole('form', { name: `Edit ${kind.noun} “${name}”` });
    const renamed = `${name}-2`;
    await edit.getByLabel('Name').fill(renamed);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await status(page, `“${renamed}” saved.`);
    made = await natOk('GET', `${kind.path}/${made.id}`);
    assert.equal(made.name, renamed);

    await row(page, renamed).getByRole('button', { name: `Delete ${kind.noun} ${renamed}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${kind.noun} “${renamed}”?` });
    await dialog.getByRole('button', { name: `Delete ${kind.noun}` }).click();
    await status(page, `“${renamed}” deleted.`);
    assert.equal((await nat('GET', `${kind.path}/${made.id}`)).status, 404);
  });
}

browserTest(env, 'a plain agent is refused the admin pages: the page says so and the API answers 403', async ({ page }) => {
  const agent = await teammate('agent');
  await signIn(page, agent, '/admin/tags');
  await page.getByText('Only administrators can open the admin pages.').waitFor();
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'New tag' }).count(), 0);
  // Its session asking the API directly (same origin, so the CSRF rule passes): 403.
  const got = await page.evaluate(async () => {
    const r = await fetch('/ticketd/v1/tags', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sneaky', description: '', color: '1' }) });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(got.status, 403);
  assert.equal(got.body.type, 'urn:ticketd:problem:forbidden');
  assert.equal((await natOk('GET', '/tags?limit=100')).data.filter((t) => t.name === 'sneaky').length, 0);
  await assertAccessible(page, 'the admin refusal');
});

browserTest(env, 'phone width (390 px): every admin page fits, nothing cut off, and the dialog too', async ({ page }) => {
  const admin = await teammate('admin');
  await natOk('POST', '/tags', { name: uniq('a-rather-long-tag-name-for-a-phone'), description: 'A description long enough to wrap on a phone screen', color: '3' });
  await natOk('POST', '/categories', { title: uniq('Phone'), language: 'en', subcategories: ['One', 'Two'] });
  await natOk('POST', '/teams', { name: uniq('Team') });
  await signIn(page, admin);
  for (const [sub, h] of [['teammates', 'Teammates'], ['categories', 'Categories'], ['tags', 'Tags'], ['teams', 'Teams']]) {
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: h }).click();
    await page.getByRole('heading', { level: 2, name: h }).waitFor();
    await page.getByRole('row').nth(1).waitFor();
    assert.equal(new URL(page.url()).pathname, `/app/admin/${sub}`);
    await noHorizontalScroll(page, `${sub} at 390 px`);
    // Every action button of the first row is inside the viewport.
    for (const b of await page.getByRole('row').nth(1).getByRole('button').all()) {
      const box = await b.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${sub}: a button is cut off (${JSON.stringify(box)})`);
    }
  }
  await page.getByRole('row').nth(1).getByRole('button', { name: /^Delete/ }).click();
  await page.getByRole('dialog').waitFor();
  await noHorizontalScroll(page, 'the delete dialog at 390 px');
  const box = await page.getByRole('dialog').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `the dialog fits: ${JSON.stringify(box)}`);
  await assertAccessible(page, 'the teams page at phone width with a dialog');
}, { contextOptions: { viewport: { width: 390, height: 844 } } });
