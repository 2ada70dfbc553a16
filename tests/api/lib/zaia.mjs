// Zaia public API v1 (/api/v1) helpers for the black-box tests: wire shapes (seed 003 +
// docs/ZAIA.md), error assertions, and fixtures that build users, external users, channels,
// responders, chats, tags, ticketing teams and tickets through the API (asserting 200).
import assert from 'node:assert/strict';
import { show, uniq, ISO_MS_RE, checkValue } from './harness.mjs';

export const Z = '/api/v1';

// ISO 8601 UTC with milliseconds: 2026-11-22T10:00:00.123Z
export { ISO_MS_RE };

export const REASON = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
};

export const CHANNEL_TYPES = ['widget', 'whatsapp', 'instagram', 'telegram', 'email', 'api'];
export const RESPONDER_ENTITIES = ['agents', 'squads', 'workflows'];
export const OWNER_ENTITIES = ['users', 'external-users'];
export const STATUSES = ['pending', 'ongoing', 'completed'];
export const CIRCUMSTANCES = ['takeover', 'handover'];
export const COLORS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

// Type specs: 'uuid', 'date', 'string', 'boolean', 'integer' (a trailing '?' allows null), or an
// array of allowed values (enum; include null to allow null).
export const SHAPE = {
  // seed 003, TicketDetails: every key, with its type and nullability.
  ticketDetails: {
    assigneeEmail: 'string?',
    assigneeId: 'uuid?',
    assigneeName: 'string?',
    assigneePicture: 'string?',
    channelId: 'uuid?',
    channelName: 'string?',
    channelType: [...CHANNEL_TYPES, null],
    chatId: 'uuid',
    chatIsRemoved: 'boolean',
    chatOwnerId: 'uuid',
    completedAt: 'date?',
    createdAt: 'date',
    id: 'uuid',
    isOwnerBlocked: 'boolean?',
    ongoingAt: 'date?',
    ownerEmail: 'string?',
    ownerEntity: OWNER_ENTITIES,
    ownerIdentifier: 'string?',
    ownerName: 'string?',
    pendingChatMessages: 'integer',
    responderEntity: RESPONDER_ENTITIES,
    responderId: 'uuid',
    responderName: 'string',
    responderPicture: 'string?',
    responderVersionId: 'uuid?',
    responderVersionNumber: 'integer?',
    status: STATUSES,
    summary: 'string',
    ticketingTeamId: 'uuid?',
    ticketingTeamName: 'string?',
    ticketingTeamPicture: 'string?',
    workspaceId: 'uuid',
  },
  // seed 003, Ticket (answers of POST /tickets and the PATCHes).
  ticket: {
    createdAt: 'date',
    id: 'uuid',
    updatedAt: 'date',
    assigneeId: 'uuid?',
    chatId: 'uuid',
    circumstance: CIRCUMSTANCES,
    completedAt: 'date?',
    lastViewedAt: 'date?',
    ongoingAt: 'date?',
    status: STATUSES,
    summary: 'string',
    ticketingTeamId: 'uuid?',
  },
  ticketTag: { createdAt: 'date', updatedAt: 'date', tagId: 'uuid', ticketId: 'uuid' },
  message: { message: 'string' },
  user: {
    id: 'uuid', name: 'string', email: 'string', picture: 'string?',
    createdAt: 'date', updatedAt: 'date', workspaceId: 'uuid',
  },
  externalUser: {
    id: 'uuid', name: 'string', email: 'string?', identifier: 'string?', isBlocked: 'boolean',
    createdAt: 'date', updatedAt: 'date', workspaceId: 'uuid',
  },
  channel: {
    id: 'uuid', name: 'string', type: CHANNEL_TYPES, createdAt: 'date', updatedAt: 'date',
    workspaceId: 'uuid',
  },
  responder: {
    id: 'uuid', entity: RESPONDER_ENTITIES, name: 'string', picture: 'string?', versionId: 'uuid',
    versionNumber: 'integer', createdAt: 'date', updatedAt: 'date', workspaceId: 'uuid',
  },
  chat: {
    id: 'uuid', channelId: 'uuid', ownerId: 'uuid', ownerEntity: OWNER_ENTITIES, responderId: 'uuid',
    responderVersionId: 'uuid?', isRemoved: 'boolean', summary: 'string?', createdAt: 'date',
    updatedAt: 'date', workspaceId: 'uuid',
  },
  chatMessage: { id: 'uuid', chatId: 'uuid', text: 'string', fromOwner: 'boolean', createdAt: 'date' },
  tag: {
    id: 'uuid', name: 'string', description: 'string', color: COLORS, activeTicketCount: 'integer',
    createdAt: 'date', updatedAt: 'date', workspaceId: 'uuid',
  },
  team: {
    id: 'uuid', createdAt: 'date', updatedAt: 'date', isRemoved: 'boolean', name: 'string',
    description: 'string?', picture: 'string?', workspaceId: 'uuid',
  },
};

// Asserts every key of shape is present with its type (extra keys are allowed).
export function assertZShape(obj, shape, where = '$') {
  assert.ok(obj && typeof obj === 'object' && !Array.isArray(obj), `${where} must be an object, got ${JSON.stringify(obj)}`);
  for (const [k, spec] of Object.entries(shape)) {
    assert.ok(Object.hasOwn(obj, k), `${where}.${k} is missing in ${JSON.stringify(obj)}`);
    checkValue(obj[k], spec, `${where}.${k}`, assertZShape);
  }
}

export const assertDetails = (d, w = 'details') => {
  assertZShape(d, SHAPE.ticketDetails, w);
  assert.ok(d.pendingChatMessages >= 0, `${w}.pendingChatMessages must be >= 0`);
};
export const assertTicket = (t, w = 'ticket') => assertZShape(t, SHAPE.ticket, w);

// 200 with a JSON body; returns the body.
export function zOk(res, what = '') {
  assert.equal(res.status, 200, `${what} expected 200, got ${show(res)}`);
  assert.ok(res.json !== undefined, `${what} body must be JSON: ${show(res)}`);
  return res.json;
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Zaia error: HTTP status, body exactly {statusCode, error, message}; `field` (string or RegExp)
// must open the message ("<field> <what is wrong>").
export function zErr(res, status, field, what = '') {
  assert.equal(res.status, status, `${what} expected HTTP ${status}${field ? ' naming ' + field : ''}, got ${show(res)}`);
  const b = res.json;
  assert.ok(b && typeof b === 'object' && !Array.isArray(b), `${what} error body must be a JSON object: ${show(res)}`);
  assert.deepEqual(Object.keys(b).sort(), ['error', 'message', 'statusCode'], `${what} error keys: ${show(res)}`);
  assert.equal(b.statusCode, status, `${what} statusCode: ${show(res)}`);
  assert.equal(b.error, REASON[status], `${what} error reason phrase: ${show(res)}`);
  assert.equal(typeof b.message, 'string', `${what} message must be a string: ${show(res)}`);
  assert.ok(b.message.length > 0, `${what} message must not be empty`);
  if (field) {
    const re = field instanceof RegExp ? field : new RegExp(`^${esc(field)}\\b`);
    assert.match(b.message, re, `${what} message must name ${field}: ${show(res)}`);
  }
  return b;
}

// A body-id that does not exist: 400 "<field> not found".
export function zNotFoundInBody(res, field, what = '') {
  zErr(res, 400, field, what);
  assert.match(res.json.message, /not found/i, `${what} message should say "not found": ${show(res)}`);
}

// createdAt descending, ties on id descending.
export function assertNewestFirst(arr, what = 'list') {
  for (let i = 1; i < arr.length; i++) {
    const a = arr[i - 1];
    const b = arr[i];
    const ok = a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
    assert.ok(ok, `${what} must be newest first (createdAt desc, id desc): [${i - 1}] ${a.createdAt} ${a.id} before [${i}] ${b.createdAt} ${b.id}`);
  }
}

// Query string from an object; array values become repeated keys.
export function qs(query = {}) {
  if (typeof query === 'string') return query ? `?${query}` : '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else if (v !== undefined) p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const ids = (arr) => arr.map((x) => x.id);
export const sortedIds = (arr) => arr.map((x) => x.id).sort();

// Fixtures: zfx(server, key?) -> helpers that call /api/v1 with the raw key (Zaia's documented
// convention) and assert 200.
export function zfx(s, key) {
  const k = key || s.key;
  const call = (m, p, b, o = {}) => s.api(m, Z + p, b, { key: k, auth: 'raw', ...o });
  const ok = async (m, p, b, what) => zOk(await call(m, p, b), what || `${m} ${p}`);
  const fx = {
    key: k,
    call,
    ok,
    get: (p) => ok('GET', p),
    list: (p, query = {}) => ok('GET', p + qs({ pageSize: 100, ...query })),
    async user(extra = {}) {
      const u = await ok('POST', '/users', { name: 'Uma User', email: `${uniq('u')}@example.com`, ...extra }, 'user create');
      assertZShape(u, SHAPE.user, 'user');
      return u;
    },
    async externalUser(extra = {}) {
      const e = await ok('POST', '/external-users', { name: 'Eve External', ...extra }, 'external user create');
      assertZShape(e, SHAPE.externalUser, 'externalUser');
      return e;
    },
    async channel(extra = {}) {
      const c = await ok('POST', '/channels', { name: uniq('chan'), type: 'widget', ...extra }, 'channel create');
      assertZShape(c, SHAPE.channel, 'channel');
      return c;
    },
    async responder(extra = {}) {
      const r = await ok('POST', '/super-identities/responders', { name: 'Rex Responder', entity: 'agents', ...extra }, 'responder create');
      assertZShape(r, SHAPE.responder, 'responder');
      return r;
    },
    async newVersion(responderId) {
      const r = await ok('POST', `/super-identities/responders/${responderId}/versions`, {}, 'responder version');
      assertZShape(r, SHAPE.responder, 'responder');
      return r;
    },
    // chat({channelId, ownerId, responderId, summary}): missing references are created.
    async chat(extra = {}) {
      const body = { summary: 'Chat summary', ...extra };
      if (!body.channelId) body.channelId = (await fx.channel()).id;
      if (!body.ownerId) body.ownerId = (await fx.externalUser()).id;
      if (!body.responderId) body.responderId = (await fx.responder()).id;
      const c = await ok('POST', '/chats', body, 'chat create');
      assertZShape(c, SHAPE.chat, 'chat');
      return c;
    },
    async message(chatId, text, fromOwner) {
      const body = { text };
      if (fromOwner !== undefined) body.fromOwner = fromOwner;
      const m = await ok('POST', `/chats/${chatId}/messages`, body, 'message create');
      assertZShape(m, SHAPE.chatMessage, 'chatMessage');
      return m;
    },
    async tag(extra = {}) {
      const t = await ok('POST', '/tags', { name: uniq('tag'), description: 'a tag', color: '3', ...extra }, 'tag create');
      assertZShape(t, SHAPE.tag, 'tag');
      return t;
    },
    async team(extra = {}) {
      const t = await ok('POST', '/ticketing-teams', { name: uniq('team'), ...extra }, 'team create');
      assertZShape(t, SHAPE.team, 'team');
      return t;
    },
    // ticket({chatId, assigneeId, ticketingTeamId, status, summary}): chat and assignee are
    // created when missing; ticketingTeamId defaults to null, status to pending.
    async ticket(extra = {}) {
      const body = { ticketingTeamId: null, status: 'pending', ...extra };
      if (!body.chatId) body.chatId = (await fx.chat()).id;
      if (!body.assigneeId) body.assigneeId = (await fx.user()).id;
      const t = await ok('POST', '/tickets', body, 'ticket create');
      assertTicket(t);
      return t;
    },
    async complete(id, userId) {
      const t = await ok('PATCH', `/tickets/${id}/complete`, { userId }, 'complete');
      assertTicket(t);
      return t;
    },
    async takeover(id, assigneeId) {
      const t = await ok('PATCH', `/tickets/${id}/takeover`, { assigneeId }, 'takeover');
      assertTicket(t);
      return t;
    },
    async assign(id, assigneeId) {
      const t = await ok('PATCH', `/tickets/${id}/assignee`, { assigneeId }, 'assignee');
      assertTicket(t);
      return t;
    },
    async tagTicket(ticketId, tagId) {
      const l = await ok('POST', `/tickets/${ticketId}/tags`, { tagId }, 'ticket tag');
      assertZShape(l, SHAPE.ticketTag, 'ticketTag');
      return l;
    },
    async untagTicket(ticketId, tagId) {
      const m = await ok('DELETE', `/tickets/${ticketId}/tags/${tagId}`, undefined, 'ticket untag');
      assertZShape(m, SHAPE.message, 'untag answer');
      return m;
    },
    async details(id) {
      const d = await ok('GET', `/tickets/${id}/details`, undefined, 'details');
      assertDetails(d);
      return d;
    },
    // detailsList(query): query is an object (arrays -> repeated keys) or a raw query string.
    async detailsList(query = {}) {
      const q = typeof query === 'string' ? query : qs({ pageSize: 100, ...query }).slice(1);
      const r = await call('GET', `/tickets/details${q ? '?' + q : ''}`);
      const arr = zOk(r, `details list ?${q}`);
      assert.ok(Array.isArray(arr), `details list must be a bare array: ${show(r)}`);
      arr.forEach((d, i) => assertDetails(d, `details[${i}]`));
      return arr;
    },
  };
  return fx;
}
