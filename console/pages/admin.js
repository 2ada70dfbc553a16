// The admin pages (issue 14; administrators only): teammates, categories, tags, teams.
import { html } from '../lib/html.js';

export const title = () => 'Admin';

export function Admin({ sub }) {
  return html`<p>Teammates, categories, tags and teams will be managed here.</p>`;
}
