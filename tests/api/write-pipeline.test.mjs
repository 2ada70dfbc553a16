// Writes whose statements ride a later round trip (on PostgreSQL the INSERTs of a new ticket, its
// chat message, its replies and events are held back and sent in one pipeline with the next
// statement that must wait, or before the write answers) still answer their own failure, and
// only their own: requests that share the failed one's commit batch are written, the failed one
// leaves nothing behind. The failure is forced by a trigger on the store (as a constraint would
// fail): on PostgreSQL it raises a foreign-key violation, a conflict (Tamio: HTTP 400 with
// error_code 409, as when a statement that waits for its answer fails so); on SQLite, where
// nothing is held back, RAISE(ABORT) is an internal error (500).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fixtures, assertOk, A, PG, sql } from './lib/harness.mjs';

let s;
let fx;
before(async () => {
  s = await startServer();
  fx = fixtures(s);
});
after(async () => {
  await s?.stop();
});

const POISON = 'poison-held-back';

function poisonTables() {
  if (PG) {
    sql(s.dataDir, `CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'poisoned row' USING ERRCODE = 'foreign_key_violation'; END $$`);
    sql(s.dataDir, `CREATE TRIGGER poison_reply BEFORE INSERT ON replies FOR EACH ROW
      WHEN (NEW.text = '${POISON}') EXECUTE FUNCTION poison()`);
    sql(s.dataDir, `CREATE TRIGGER poison_ticket BEFORE INSERT ON tickets FOR EACH ROW
      WHEN (NEW.title = '${POISON}') EXECUTE FUNCTION poison()`);
  } else {
    sql(s.dataDir, `CREATE TRIGGER poison_reply BEFORE INSERT ON replies
      WHEN NEW.text = '${POISON}' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`);
    sql(s.dataDir, `CREATE TRIGGER poison_ticket BEFORE INSERT ON tickets
      WHEN NEW.title = '${POISON}' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`);
  }
}

const count = (q) => Number(sql(s.dataDir, q));

test('a held-back write that fails answers its own error; its batch is kept', async () => {
  const client = await fx.client();
  const category = await fx.category();
  // The workspace's built-in channel and responder exist from here on: a create's ticket INSERT
  // no longer waits for its answer.
  const t = await fx.ticket({ client_id: client.id, category: category.id });
  poisonTables();
  const tickets = count('SELECT count(*) FROM tickets');
  const chats = count('SELECT count(*) FROM chats');
  const events = count('SELECT count(*) FROM events');
  const create = (title, description) =>
    s.api('POST', `${A}/tickets/create`, { client_id: client.id, category: category.id, title, description });
  const reply = (text) => s.api('POST', `${A}/tickets/reply/create/${t.id}`, { reply: text });

  const good = 6;
  const calls = [];
  for (let i = 0; i < good; i++) {
    calls.push(create(`kept ${i}`, `kept description ${i}`));
    calls.push(reply(`kept reply ${i}`));
    if (i === good / 2) calls.push(create(POISON, 'poisoned description'), reply(POISON));
  }
  const answers = await Promise.all(calls);
  const failed = answers.filter((r) => r.status !== 200);
  assert.equal(failed.length, 2, `only the two poisoned writes fail: ${failed.map((r) => r.text).join(' | ')}`);
  for (const r of failed) {
    assert.equal(r.status, PG ? 400 : 500, r.text);
    assert.equal(r.json.error_code, PG ? 409 : 500, 'a conflict on PostgreSQL');
    assert.equal(r.json.status, r.status, 'in the dialect\'s error shape');
    assert.equal(typeof r.json.error, 'string');
  }

  assert.equal(count('SELECT count(*) FROM tickets'), tickets + good, 'every kept create, no poisoned one');
  assert.equal(count('SELECT count(*) FROM chats'), chats + good, 'the poisoned create left no chat');
  assert.equal(count(`SELECT count(*) FROM messages WHERE text = 'poisoned description'`), 0,
    'nor its first message');
  assert.equal(count(`SELECT count(*) FROM replies WHERE text = '${POISON}'`), 0);
  assert.equal(count(`SELECT count(*) FROM messages WHERE text = '${POISON}'`), 0,
    'the poisoned reply left no chat message');
  // A create writes ticket.created and reply.created; a reply, reply.created.
  assert.equal(count('SELECT count(*) FROM events'), events + 3 * good, 'no event of a failed write');
  const texts = (await fx.retrieveTicket(t.id)).replies.map((x) => x.text);
  for (let i = 0; i < good; i++) assert.ok(texts.includes(`kept reply ${i}`), `reply ${i} kept`);
  assert.ok(!texts.includes(POISON));

  // The writer carries on: the next writes work and see what was kept.
  assertOk(await create('after', 'after the failure'), 'create after');
  assertOk(await reply('after the failure'), 'reply after');
  assert.equal(count('SELECT count(*) FROM tickets'), tickets + good + 1);
});
