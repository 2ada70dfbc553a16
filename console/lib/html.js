// htm bound to Preact's h: components write html`<p>${text}</p>` (no JSX, no compile step).
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
