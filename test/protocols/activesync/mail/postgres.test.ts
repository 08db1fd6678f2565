/**
 * Email over ActiveSync on PostgreSQL: SMTP in, the phone syncs, marks read, deletes (moved to
 * Deleted Items) and sends with 12.1's raw MIME SendMail (SaveInSent on the request line).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childText, el } from '../../../../protocols/activesync/wbxml/types.js';
import { AS, appData, collection, primed, serverIdOf, statusOf, sync } from '../sync/helpers.js';
import { freshPostgresUrl, postgresSkipReason } from '../../../helpers/stores.js';
import { mailHarness } from './harness.js';

const PW = 'Secret-pass-1';

test('email over ActiveSync on PostgreSQL, and 12.1 SendMail', { skip: (await postgresSkipReason()) ?? false }, async () => {
  const db = await freshPostgresUrl();
  const m = await mailHarness(db.url);
  try {
    const ann = await m.h.addUser('ann@example.test', PW);
    await m.smtp({ from: 'sender@example.net', to: 'ann@example.test', subject: 'pg one', text: 'one' });
    await m.smtp({ from: 'sender@example.net', to: 'ann@example.test', subject: 'pg two', text: 'two' });
    const p = await m.phone('ann@example.test', PW, 'PGPHONE1', '12.1');
    const id = p.folders['2'];
    const { key, items } = await primed(p, id);
    assert.deepEqual(items.map((i) => childText(appData(i), 'Subject', 'Email')).sort(), ['pg one', 'pg two']);
    const one = items.find((i) => childText(appData(i), 'Subject', 'Email') === 'pg one')!;
    const two = items.find((i) => childText(appData(i), 'Subject', 'Email') === 'pg two')!;
    const r = await sync(p, { key, id, commands: [
      el(AS, 'Change', [el(AS, 'ServerId', serverIdOf(one)), el(AS, 'ApplicationData', [el('Email', 'Read', '1')])]),
      el(AS, 'Delete', [el(AS, 'ServerId', serverIdOf(two))]),
    ] });
    assert.equal(statusOf(collection(r.doc, id)), '1');
    const inbox = (await m.h.store.findFolderByRole(ann.id, 'inbox'))!;
    const trash = (await m.h.store.findFolderByRole(ann.id, 'trash'))!;
    assert.deepEqual((await m.h.store.listMessages(inbox.id)).map((x) => [x.parsed.subject, x.flags]), [['pg one', ['\\Seen']]]);
    assert.deepEqual((await m.h.store.listMessages(trash.id)).map((x) => x.parsed.subject), ['pg two']);

    // 12.1: the MIME is the body, SaveInSent=T on the request line, success is an empty 200.
    const q = new URLSearchParams({ Cmd: 'SendMail', User: 'ann@example.test', DeviceId: 'PGPHONE1', DeviceType: 'iPhone', SaveInSent: 'T' }).toString();
    const sent = await p.dev.send('SendMail', Buffer.from('To: out@example.net\r\nSubject: from 12.1\r\n\r\nhello\r\n'), { query: q, headers: { 'content-type': 'message/rfc822' } });
    assert.equal(sent.status, 200);
    assert.equal(m.outbound.sent.length, 1);
    assert.match(m.outbound.sent[0].bytes.toString(), /^From: ann@example\.test/m);
    const sentBox = (await m.h.store.findFolderByRole(ann.id, 'sent'))!;
    assert.deepEqual((await m.h.store.listMessages(sentBox.id)).map((x) => x.parsed.subject), ['from 12.1']);
  } finally {
    await m.close();
    await db.drop();
  }
});
