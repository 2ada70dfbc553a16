// The admin pages (issue 14; administrators only: shell.js shows agents a refusal, and the API's
// 403 is the real guard): teammates (the default), categories, tags and teams, each at its own
// address under /app/admin with a sub-navigation. The pages live in pages/admin/.
import { html } from '../lib/html.js';
import { Link } from '../lib/router.js';
import { Resource } from './admin/resource.js';
import { Categories, TAGS, TEAMS } from './admin/settings.js';
import { Teammates } from './admin/teammates.js';

export const title = () => 'Admin';

const SUBS = [
  ['teammates', 'Teammates'],
  ['categories', 'Categories'],
  ['tags', 'Tags'],
  ['teams', 'Teams'],
];

export function Admin({ sub, me }) {
  const at = sub || 'teammates';
  let body;
  if (at === 'teammates') body = html`<${Teammates} me=${me} />`;
  else if (at === 'categories') body = html`<${Categories} />`;
  else if (at === 'tags') body = html`<${Resource} key="tags" spec=${TAGS} />`;
  else if (at === 'teams') body = html`<${Resource} key="teams" spec=${TEAMS} />`;
  else body = html`<p>There is no admin page at this address. <${Link} href="/admin">Go to the teammates</${Link}>.</p>`;
  return html`<nav class="subnav" aria-label="Admin sections">
      <ul>
        ${SUBS.map(([k, label]) => html`<li><${Link} href=${`/admin/${k}`} aria-current=${at === k ? 'page' : undefined}>${label}</${Link}></li>`)}
      </ul>
    </nav>
    ${body}`;
}
