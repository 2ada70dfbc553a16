// The settings an administrator keeps: categories (auto-reply, auto-assign teammate, billing
// plans from GET /plans, subcategories), tags and teams, each a Resource (resource.js) over its
// /ticketd/v1 list.
import { html } from '../../lib/html.js';
import { Resource } from './resource.js';
import { useList } from './ui.js';

const list = (a) => (a && a.length ? a.join(', ') : '—');
const fullName = (t) => [t.name, t.last_name].filter(Boolean).join(' ');

const COLORS = ['Grey', 'Red', 'Orange', 'Yellow', 'Green', 'Teal', 'Blue', 'Indigo', 'Purple', 'Pink'];

export const TAGS = {
  path: '/tags',
  noun: 'tag',
  title: 'Tags',
  name: (r) => r.name,
  fields: [
    { name: 'name', label: 'Name', required: true },
    { name: 'description', label: 'Description', emptyAs: '' },
    { name: 'color', label: 'Colour', type: 'select', initial: '0', options: COLORS.map((l, i) => ({ value: String(i), label: l })) },
  ],
  toForm: (r) => ({ name: r.name, description: r.description || '', color: r.color || '0' }),
  columns: [
    { label: 'Name', cell: (r) => html`<span class=${`tag-dot c${r.color || 0}`} aria-hidden="true"></span>${r.name}` },
    { label: 'Description', cell: (r) => r.description || '—' },
    { label: 'Open tickets', cell: (r) => r.open_tickets },
  ],
  deleteText: 'The tag is removed from every ticket that carries it. This cannot be undone.',
};

export const TEAMS = {
  path: '/teams',
  noun: 'team',
  title: 'Teams',
  name: (r) => r.name,
  fields: [
    { name: 'name', label: 'Name', required: true },
    { name: 'description', label: 'Description', nullable: true },
  ],
  toForm: (r) => ({ name: r.name, description: r.description || '' }),
  columns: [
    { label: 'Name', cell: (r) => r.name },
    { label: 'Description', cell: (r) => r.description || '—' },
  ],
  note: 'Tickets are given to a team on the ticket page. ticketd keeps no team membership: any teammate can work a team’s tickets.',
  deleteText: 'The team is hidden: its tickets keep showing it, and no new ticket can be given to it.',
};

const CATEGORY = {
  path: '/categories',
  noun: 'category',
  title: 'Categories',
  name: (r) => r.title,
  toForm: (r) => ({
    title: r.title,
    language: r.language,
    auto_reply: r.auto_reply || '',
    teammate_id: r.teammate_id || '',
    plan_ids: r.plan_ids.join(','),
    subcategories: r.subcategories.join(', '),
  }),
  deleteText: 'The category is hidden: its tickets keep showing it, and no new ticket can use it.',
};

export function Categories() {
  // The auto-assign choice: every teammate, a deactivated one said so.
  const mates = useList('/teammates');
  const plans = useList('/plans');
  const planName = Object.fromEntries(plans.rows.map((p) => [p.id, p.name]));
  const byId = Object.fromEntries(mates.rows.map((t) => [t.id, t]));
  const fields = [
    { name: 'title', label: 'Title', required: true },
    { name: 'language', label: 'Language', required: true, initial: 'en', hint: 'A language code such as en or pt-BR.' },
    { name: 'auto_reply', label: 'Automatic reply', type: 'textarea', nullable: true, hint: 'Sent to the client when a ticket is made in this category.' },
    {
      name: 'teammate_id',
      label: 'Assign new tickets to',
      type: 'select',
      nullable: true,
      options: [{ value: '', label: 'Nobody' }, ...mates.rows.map((t) => ({ value: t.id, label: `${fullName(t)} (${t.email})${t.active ? '' : ', deactivated'}` }))],
    },
    {
      name: 'plan_ids',
      label: 'Billing plans',
      type: 'checks',
      options: plans.rows.map((p) => ({ value: p.id, label: p.name })),
      empty: 'No billing plans yet: they are made through the vendor APIs (Tamio’s /v2/agency/plans).',
    },
    { name: 'subcategories', label: 'Subcategories', type: 'list', hint: 'Comma-separated.' },
  ];
  const spec = {
    ...CATEGORY,
    columns: [
      { label: 'Title', cell: (r) => r.title },
      { label: 'Language', cell: (r) => r.language },
      { label: 'Auto-reply', cell: (r) => (r.auto_reply ? 'On' : 'Off') },
      { label: 'Assigns to', cell: (r) => (r.teammate_id ? (byId[r.teammate_id] ? fullName(byId[r.teammate_id]) : 'A teammate') : 'Nobody') },
      { label: 'Subcategories', cell: (r) => list(r.subcategories) },
      { label: 'Billing plans', cell: (r) => list(r.plan_ids.map((id) => planName[id] || id)) },
    ],
  };
  return html`<${Resource} spec=${spec} fields=${fields} />`;
}
