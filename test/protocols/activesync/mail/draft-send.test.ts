/**
 * Sending a draft from Sync (Email2:Send, [MS-ASEMAIL] 2.2.2.69, 16.x) at the wire level: an Add
 * with Send and a Change with Send leave through the same submission path as SendMail (the
 * recording Outbound, which delivers local recipients: Bob's Inbox is checked), Bcc is taken off
 * the copy that leaves, the Sent copy is stored and the draft leaves Drafts (the next Sync brings
 * the phone a Delete). A Send without recipients or from a forged sender is refused (Status 6) and
 * the draft stays. Also the 16.x ComposeMail elements that are answered with a status:
 * AccountId (166 unless the user's account) and the calendar-only Forwardees form with a mail source (101).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childText, el } from '../../../../protocols/activesync/wbxml/types.js';
import { AS, collection, commands, keyOf, responses, sync, type Phone } from '../sync/helpers.js';
import { mailHarness, type MailHarness } from './harness.js';
import type { FolderRole } from '../../../../src/model/types.js';

const PW = 'Secret-pass-1';
const B = 'AirSyncBase';
const E = 'Email';
const E2 = 'Email2';
const CM = 'ComposeMail';

async function primedDrafts(m: MailHarness, p: Phone, accountId: number): Promise<{ id: string; key: string; draftsId: number }> {
  const drafts = (await m.h.store.findFolderByRole(accountId, 'drafts'))!;
  const id = String(drafts.id);
  const r0 = await sync(p, { key: '0', id });
  const key = keyOf(collection((await sync(p, { key: keyOf(collection(r0.doc, id)), id })).doc, id));
  return { id, key, draftsId: drafts.id };
}

async function subjects(m: MailHarness, accountId: number, role: FolderRole): Promise<string[]> {
  const f = (await m.h.store.findFolderByRole(accountId, role))!;
  return (await m.h.store.listMessages(f.id)).map((x) => x.parsed.subject);
}

test('16.1 Email2:Send in a Drafts Add and Change sends the draft through Outbound, saves it in Sent, removes it from Drafts', async () => {
  const m = await mailHarness();
  try {
    const ann = await m.h.addUser('ann@example.test', PW);
    const bob = await m.h.addUser('bob@example.test', PW);
    const p = await m.phone('ann@example.test', PW, 'PHONESEND1', '16.1');
    let { id, key, draftsId } = await primedDrafts(m, p, ann.id);

    // Add with Send: sent at once.
    const add = el(AS, 'Add', [el(AS, 'ClientId', 's1'), el(AS, 'ApplicationData', [
      el(E, 'To', '"Bob" <bob@example.test>'), el(E2, 'Bcc', 'hidden@example.net'), el(E, 'Subject', 'Sent from a draft'),
      el(B, 'Body', [el(B, 'Type', '1'), el(B, 'Data', 'Draft body, sent with Send.')]),
    ]), el(E2, 'Send')]);
    const r1 = await sync(p, { key, id, getChanges: false, commands: [add] });
    key = keyOf(collection(r1.doc, id));
    const a1 = responses(collection(r1.doc, id), 'Add')[0];
    assert.equal(childText(a1, 'Status', AS), '1');
    const sentServerId = childText(a1, 'ServerId', AS)!;
    assert.equal(m.outbound.sent.length, 1);
    const out = m.outbound.sent[0];
    assert.deepEqual([...out.recipients].sort(), ['bob@example.test', 'hidden@example.net']);
    assert.equal(out.mailFrom, 'ann@example.test');
    assert.doesNotMatch(out.bytes.toString(), /^bcc:/im);
    assert.equal(out.bytes.toString().match(/^date:/gim)?.length, 1, 'one Date, the sending time');
    // The receiving end: Bob's Inbox has it, without the Bcc.
    const bobInbox = (await m.h.store.findFolderByRole(bob.id, 'inbox'))!;
    const got = await m.h.store.listMessages(bobInbox.id);
    assert.deepEqual(got.map((x) => x.parsed.subject), ['Sent from a draft']);
    assert.equal(got[0].parsed.envelope.bcc.length, 0);
    assert.match((await m.h.store.readMessageBytes(got[0].itemId))!.toString(), /Draft body, sent with Send\./);
    // Ann's Sent has it (Bcc kept there), Drafts no longer; the phone is told to delete the draft.
    const sentFolder = (await m.h.store.findFolderByRole(ann.id, 'sent'))!;
    const sentCopies = await m.h.store.listMessages(sentFolder.id);
    assert.deepEqual(sentCopies.map((x) => [x.parsed.subject, x.flags]), [['Sent from a draft', ['\\Seen']]]);
    assert.deepEqual(sentCopies[0].parsed.envelope.bcc.map((x) => x.address), ['hidden@example.net']);
    assert.equal((await m.h.store.listMessages(draftsId)).length, 0);
    const r2 = await sync(p, { key, id });
    key = keyOf(collection(r2.doc, id));
    assert.deepEqual(commands(collection(r2.doc, id), 'Delete').map((d) => childText(d, 'ServerId', AS)), [sentServerId]);
    assert.deepEqual(commands(collection(r2.doc, id), 'Add'), []);

    // A draft saved first, then a Change with a new subject and Send.
    const save = el(AS, 'Add', [el(AS, 'ClientId', 's2'), el(AS, 'ApplicationData', [
      el(E, 'To', 'bob@example.test'), el(E, 'Subject', 'Second, first version'), el(B, 'Body', [el(B, 'Type', '1'), el(B, 'Data', 'Second body.')]),
    ])]);
    const r3 = await sync(p, { key, id, getChanges: false, commands: [save] });
    key = keyOf(collection(r3.doc, id));
    const draftId = childText(responses(collection(r3.doc, id), 'Add')[0], 'ServerId', AS)!;
    assert.equal(m.outbound.sent.length, 1, 'a draft without Send is not sent');
    const change = el(AS, 'Change', [el(AS, 'ServerId', draftId), el(AS, 'ApplicationData', [el(E, 'Subject', 'Second, as sent')]), el(E2, 'Send')]);
    const r4 = await sync(p, { key, id, getChanges: false, commands: [change] });
    key = keyOf(collection(r4.doc, id));
    assert.deepEqual(responses(collection(r4.doc, id)).filter((x) => childText(x, 'Status', AS) !== '1'), []);
    assert.equal(m.outbound.sent.length, 2);
    assert.deepEqual((await m.h.store.listMessages(bobInbox.id)).map((x) => x.parsed.subject).sort(), ['Second, as sent', 'Sent from a draft']);
    assert.deepEqual(await subjects(m, ann.id, 'drafts'), []);
    assert.deepEqual((await subjects(m, ann.id, 'sent')).sort(), ['Second, as sent', 'Sent from a draft']);
    const r5 = await sync(p, { key, id });
    key = keyOf(collection(r5.doc, id));
    assert.deepEqual(commands(collection(r5.doc, id), 'Delete').map((d) => childText(d, 'ServerId', AS)), [draftId]);
    assert.deepEqual(commands(collection(r5.doc, id), 'Add'), []);

    // Send alone (no edited field) in ApplicationData sends the stored draft as it is.
    const r6 = await sync(p, { key, id, getChanges: false, commands: [el(AS, 'Add', [el(AS, 'ClientId', 's3'), el(AS, 'ApplicationData', [
      el(E, 'To', 'bob@example.test'), el(E, 'Subject', 'Third'), el(B, 'Body', [el(B, 'Type', '1'), el(B, 'Data', 'Third body.')]),
    ])])] });
    key = keyOf(collection(r6.doc, id));
    const thirdId = childText(responses(collection(r6.doc, id), 'Add')[0], 'ServerId', AS)!;
    const r7 = await sync(p, { key, id, getChanges: false, commands: [el(AS, 'Change', [el(AS, 'ServerId', thirdId), el(AS, 'ApplicationData', [el(E2, 'Send')])])] });
    key = keyOf(collection(r7.doc, id));
    assert.deepEqual(responses(collection(r7.doc, id)).filter((x) => childText(x, 'Status', AS) !== '1'), []);
    assert.equal(m.outbound.sent.length, 3);
    assert.deepEqual(await subjects(m, ann.id, 'drafts'), []);
    assert.ok((await m.h.store.listMessages(bobInbox.id)).some((x) => x.parsed.subject === 'Third'));
  } finally {
    await m.close();
  }
});

test('16.1 Email2:Send refused (no recipient): Status 6, nothing sent, the draft stays in Drafts', async () => {
  const m = await mailHarness();
  try {
    const ann = await m.h.addUser('ann@example.test', PW);
    const p = await m.phone('ann@example.test', PW, 'PHONESEND2', '16.1');
    const { id, key } = await primedDrafts(m, p, ann.id);
    const add = el(AS, 'Add', [el(AS, 'ClientId', 'n1'), el(AS, 'ApplicationData', [
      el(E, 'Subject', 'Nobody to send to'), el(B, 'Body', [el(B, 'Type', '1'), el(B, 'Data', 'x')]),
    ]), el(E2, 'Send')]);
    const r = await sync(p, { key, id, getChanges: false, commands: [add] });
    const c = collection(r.doc, id);
    assert.equal(childText(responses(c, 'Add')[0], 'Status', AS), '6');
    assert.equal(m.outbound.sent.length, 0);
    assert.deepEqual(await subjects(m, ann.id, 'drafts'), ['Nobody to send to']);
    assert.deepEqual(await subjects(m, ann.id, 'sent'), []);
    // The kept draft reaches the phone as a server Add.
    const next = await sync(p, { key: keyOf(c), id });
    assert.equal(commands(collection(next.doc, id), 'Add').length, 1);
  } finally {
    await m.close();
  }
});

test('16.x ComposeMail: AccountId other than the user is 166, the Forwardees form with a mail source is 101, nothing sent', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    const p = await m.phone('ann@example.test', PW, 'PHONESEND3', '16.1');
    const mime = Buffer.from('From: ann@example.test\r\nTo: out@example.net\r\nSubject: acc\r\n\r\nx\r\n');
    const send = (extra: ReturnType<typeof el>[]) => el(CM, 'SendMail', [el(CM, 'ClientId', `c${Math.random()}`), ...extra, el(CM, 'Mime', mime)]);
    const bad = await p.dev.send('SendMail', send([el(CM, 'AccountId', 'someone-else@example.test')]));
    assert.equal(childText(bad.doc!, 'Status', CM), '166');
    assert.equal(m.outbound.sent.length, 0);
    const own = await p.dev.send('SendMail', send([el(CM, 'AccountId', 'ann@example.test')]));
    assert.equal(own.status, 200);
    assert.equal(own.raw.length, 0);
    assert.equal(m.outbound.sent.length, 1);
    const fwd = el(CM, 'SmartForward', [el(CM, 'ClientId', 'fw1'), el(CM, 'Source', [el(CM, 'ItemId', '2:1'), el(CM, 'FolderId', '2')]),
      el(CM, 'Forwardees', [el(CM, 'Forwardee', [el(CM, 'ForwardeeName', 'Out'), el(CM, 'ForwardeeEmail', 'out@example.net')])])]);
    const r = await p.dev.send('SmartForward', fwd);
    assert.equal(childText(r.doc!, 'Status', CM), '101');
    assert.equal(m.outbound.sent.length, 1);
    // 14.0 has no AccountId.
    const old = await m.phone('ann@example.test', PW, 'PHONESEND4', '14.0');
    const r14 = await old.dev.send('SendMail', send([el(CM, 'AccountId', 'ann@example.test')]));
    assert.equal(childText(r14.doc!, 'Status', CM), '101');
    assert.equal(m.outbound.sent.length, 1);
  } finally {
    await m.close();
  }
});
