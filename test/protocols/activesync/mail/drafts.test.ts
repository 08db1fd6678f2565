/**
 * Drafts over Sync in 16.x at the wire level: the phone adds a draft (To, Cc, Bcc, Subject, Body,
 * an attachment) to Drafts, the store (what IMAP reads) has it as a \Draft message that keeps its
 * Bcc, the attachment's FileReference fetches the phone's bytes; a Change edits it (subject, the
 * attachment deleted) and the next Sync replaces it on the phone with IsDraft and Bcc; a Delete
 * moves it to Deleted Items. Before 16.0 an Add of mail is still refused (Status 6).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { AS, appData, collection, commands, keyOf, responses, sync } from '../sync/helpers.js';
import { mailHarness } from './harness.js';

const PW = 'Secret-pass-1';
const B = 'AirSyncBase';
const E = 'Email';
const E2 = 'Email2';
const IO = 'ItemOperations';

test('16.1 drafts: Add with attachment, Change, Delete; the store and IMAP see the same draft', async () => {
  const m = await mailHarness();
  try {
    const ann = await m.h.addUser('ann@example.test', PW);
    const drafts = (await m.h.store.findFolderByRole(ann.id, 'drafts'))!;
    const p = await m.phone('ann@example.test', PW, 'PHONEDRAFT1', '16.1');
    const id = String(drafts.id);
    const r0 = await sync(p, { key: '0', id });
    let key = keyOf(collection(r0.doc, id));
    key = keyOf(collection((await sync(p, { key, id })).doc, id));
    const file = Buffer.from('%PDF-1.4 draft attachment bytes \x00\x01\x02', 'latin1');
    const add = el(AS, 'Add', [el(AS, 'ClientId', 'd1'), el(AS, 'ApplicationData', [
      el(E, 'To', '"Bob" <bob@example.test>'), el(E, 'Cc', 'carl@example.net'), el(E2, 'Bcc', 'secret@example.net'),
      el(E, 'Subject', 'Plan draft'), el(E, 'Importance', '2'),
      el(B, 'Body', [el(B, 'Type', '1'), el(B, 'Data', 'First words of the plan.')]),
      el(B, 'Attachments', [el(B, 'Add', [el(B, 'ClientId', 'a1'), el(B, 'DisplayName', 'plan.pdf'), el(B, 'Method', '1'),
        el(B, 'ContentType', 'application/pdf'), el(B, 'Content', file)])]),
    ])]);
    const r1 = await sync(p, { key, id, getChanges: false, commands: [add] });
    const c1 = collection(r1.doc, id);
    key = keyOf(c1);
    const added = responses(c1, 'Add')[0];
    assert.equal(childText(added, 'Status', AS), '1');
    const serverId = childText(added, 'ServerId', AS)!;
    const att = child(child(child(added, 'ApplicationData', AS)!, 'Attachments', B)!, 'Attachment', B)!;
    assert.equal(childText(att, 'ClientId', B), 'a1');
    const ref = childText(att, 'FileReference', B)!;

    // The store: one \Draft message with Bcc kept, the phone's fields and bytes.
    const [stored] = await m.h.store.listMessages(drafts.id);
    assert.ok(stored.flags.includes('\\Draft'));
    assert.equal(serverId, `${drafts.id}:${stored.itemId}`);
    assert.equal(stored.parsed.subject, 'Plan draft');
    assert.deepEqual(stored.parsed.envelope.bcc.map((a) => a.address), ['secret@example.net']);
    const raw = (await m.h.store.readMessageBytes(stored.itemId))!.toString('latin1');
    assert.match(raw, /^Importance: high/im);
    assert.match(raw, /First words of the plan\./);
    const io = await p.dev.send('ItemOperations', el(IO, 'ItemOperations', [el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', ref)])]));
    const data = childText(child(child(child(io.doc!, 'Response', IO)!, 'Fetch', IO)!, 'Properties', IO)!, 'Data', IO)!;
    assert.deepEqual(Buffer.from(data, 'base64'), file);

    // Change: new subject, the attachment deleted.
    const change = el(AS, 'Change', [el(AS, 'ServerId', serverId), el(AS, 'ApplicationData', [
      el(E, 'Subject', 'Plan, second draft'), el(B, 'Attachments', [el(B, 'Delete', [el(B, 'FileReference', ref)])]),
    ])]);
    const r2 = await sync(p, { key, id, getChanges: false, commands: [change] });
    key = keyOf(collection(r2.doc, id));
    assert.deepEqual(responses(collection(r2.doc, id)).filter((x) => childText(x, 'Status', AS) !== '1'), []);
    const after = await m.h.store.listMessages(drafts.id);
    assert.equal(after.length, 1);
    assert.equal(after[0].parsed.subject, 'Plan, second draft');
    assert.equal(after[0].parsed.hasAttachments, false);
    assert.deepEqual(after[0].parsed.envelope.to.map((a) => a.address), ['bob@example.test']);
    assert.deepEqual(after[0].parsed.envelope.bcc.map((a) => a.address), ['secret@example.net']);
    // The next Sync replaces the draft on the phone: Delete of the old, Add of the new with IsDraft and Bcc.
    const r3 = await sync(p, { key, id });
    const c3 = collection(r3.doc, id);
    key = keyOf(c3);
    assert.deepEqual(commands(c3, 'Delete').map((d) => childText(d, 'ServerId', AS)), [serverId]);
    const newAdd = commands(c3, 'Add')[0];
    const ad = appData(newAdd);
    assert.equal(childText(ad, 'Subject', E), 'Plan, second draft');
    assert.equal(childText(ad, 'IsDraft', E2), '1');
    assert.match(childText(ad, 'Bcc', E2)!, /secret@example\.net/);

    // Delete: to Deleted Items.
    const del = el(AS, 'Delete', [el(AS, 'ServerId', childText(newAdd, 'ServerId', AS)!)]);
    await sync(p, { key, id, getChanges: false, commands: [del] });
    assert.equal((await m.h.store.listMessages(drafts.id)).length, 0);
    const trash = (await m.h.store.findFolderByRole(ann.id, 'trash'))!;
    assert.deepEqual((await m.h.store.listMessages(trash.id)).map((x) => x.parsed.subject), ['Plan, second draft']);

    // A received message in 16.1 says IsDraft 0 and has no Bcc element.
    await m.smtp({ from: 'x@example.net', to: 'ann@example.test', bcc: 'ann@example.test', subject: 'received', text: 'hi' });
    const inbox = p.folders['2'];
    const i0 = await sync(p, { key: '0', id: inbox });
    const i1 = await sync(p, { key: keyOf(collection(i0.doc, inbox)), id: inbox });
    const rec = appData(commands(collection(i1.doc, inbox), 'Add')[0]);
    assert.equal(childText(rec, 'IsDraft', E2), '0');
    assert.equal(child(rec, 'Bcc', E2), undefined);

    // 14.1: an Add of mail is refused as before.
    const old = await m.phone('ann@example.test', PW, 'PHONEDRAFT2', '14.1');
    const o0 = await sync(old, { key: '0', id });
    const o1 = await sync(old, { key: keyOf(collection(o0.doc, id)), id });
    const refused = await sync(old, { key: keyOf(collection(o1.doc, id)), id, getChanges: false, commands: [el(AS, 'Add', [el(AS, 'ClientId', 'x'), el(AS, 'ApplicationData', [el(E, 'Subject', 's')])])] });
    assert.equal(childText(responses(collection(refused.doc, id), 'Add')[0] as WbxmlElement, 'Status', AS), '6');
  } finally {
    await m.close();
  }
});
