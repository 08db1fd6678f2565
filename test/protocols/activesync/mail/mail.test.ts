/**
 * Email over ActiveSync at the wire level: messages arrive over SMTP (nodemailer to the MX
 * listener) and the phone syncs, changes, moves, fetches, sends and searches them with WBXML.
 * Every story checks the store (what IMAP reads) as well as the phone's answer. One test per
 * story, each with its own harness and users, so none depends on another's order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { AS, appData, collection, commands, keyOf, primed, responses, serverIdOf, statusOf, sync } from '../sync/helpers.js';
import { mailHarness, type MailHarness } from './harness.js';

const PW = 'Secret-pass-1';
const B = 'AirSyncBase';
const E = 'Email';
const IO = 'ItemOperations';
const CM = 'ComposeMail';

// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const LATIN1 = Buffer.concat([
  Buffer.from('From: Jos\xe9 <jose@example.net>\r\nTo: ann@example.test\r\nSubject: =?iso-8859-1?Q?Gr=FC=DFe?=\r\nMessage-ID: <latin1@example.net>\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1'),
  Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x20, 0x80, 0x35, 0x0d, 0x0a]), // "Grüße €5"
]);

const SIGNED = [
  'From: Signer <signer@example.net>', 'To: ann@example.test', 'Subject: signed', 'Message-ID: <signed@example.net>', 'MIME-Version: 1.0',
  'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="sig"', '',
  '--sig', 'Content-Type: text/plain; charset=us-ascii', '', 'This is signed.', '--sig',
  'Content-Type: application/pkcs7-signature; name="smime.p7s"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="smime.p7s"', '',
  'MIIBzAYJKoZIhvcNAQcCoIIBvTCCAbkCAQExDzANBglghkgBZQMEAgEFADALBgkqhkiG9w0BBwE=', '--sig--', '',
].join('\r\n');

const bodyPref = (type: number, extra: WbxmlElement[] = []) => el(B, 'BodyPreference', [el(B, 'Type', String(type)), ...extra]);

async function inbox(m: MailHarness, email: string) {
  const a = (await m.h.store.getAccount(email))!;
  return (await m.h.store.findFolderByRole(a.id, 'inbox'))!;
}

/** The phone's Add for the message with this subject. */
function addFor(items: WbxmlElement[], subject: string): WbxmlElement {
  const a = items.find((i) => childText(appData(i), 'Subject', E) === subject);
  assert.ok(a, `no Add for ${subject}: ${items.map((i) => childText(appData(i), 'Subject', E)).join(', ')}`);
  return a;
}

const body = (add: WbxmlElement) => child(appData(add), 'Body', B)!;

test('SMTP mail in the phone: bodies, charsets, attachments, S/MIME, Email2 properties', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    await m.smtp({ from: 'Sender <sender@example.net>', to: 'ann@example.test', cc: 'Carl <carl@example.net>', subject: 'alternative', text: 'Plain words\nline two', html: '<p>HTML <b>words</b></p>', headers: { Importance: 'high' } });
    await m.smtp({
      from: 'sender@example.net', to: 'ann@example.test', subject: 'with files', html: '<p>logo <img src="cid:logo@x"></p>', text: 'logo',
      attachments: [{ filename: 'logo.png', content: PNG, cid: 'logo@x' }, { filename: 'report.pdf', content: Buffer.alloc(3000, 0x41), contentType: 'application/pdf' }],
    });
    await m.smtp({ raw: LATIN1, envelope: { from: 'jose@example.net', to: ['ann@example.test'] } });
    await m.smtp({ raw: SIGNED, envelope: { from: 'signer@example.net', to: ['ann@example.test'] } });
    await m.smtp({ from: 'sender@example.net', to: 'ann@example.test', subject: 'Re: alternative', text: 'answer', inReplyTo: '<x@y>', references: ['<x@y>'] });

    const p = await m.phone('ann@example.test', PW, 'PHONEMAIL1');
    const id = p.folders['2'];
    assert.ok(id, 'FolderSync lists the Inbox (type 2)');
    // HTML first, with a small truncation for the big one, plain as the fallback.
    const { items } = await primed(p, id, [el(AS, 'MIMESupport', '1'), bodyPref(2, [el(B, 'TruncationSize', '20000')]), bodyPref(4)]);
    assert.equal(items.length, 5);

    const alt = appData(addFor(items, 'alternative'));
    assert.match(childText(alt, 'From', E)!, /sender@example\.net/);
    assert.match(childText(alt, 'Cc', E)!, /"Carl" <carl@example\.net>/);
    assert.equal(childText(alt, 'DisplayTo', E), 'ann@example.test');
    assert.equal(childText(alt, 'Importance', E), '2');
    assert.equal(childText(alt, 'Read', E), '0');
    assert.equal(childText(alt, 'MessageClass', E), 'IPM.Note');
    assert.equal(childText(alt, 'NativeBodyType', B), '2');
    assert.equal(childText(child(alt, 'Body', B)!, 'Type', B), '2');
    assert.match(childText(child(alt, 'Body', B)!, 'Data', B)!, /<b>words<\/b>/);
    assert.equal(child(alt, 'ConversationId', 'Email2')!.opaque!.length, 16);
    assert.equal(child(alt, 'ConversationIndex', 'Email2')!.opaque!.length, 5);
    assert.match(childText(alt, 'DateReceived', E)!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // A reply in the same thread has the same ConversationId (threading headers) and a longer index.
    const re = appData(addFor(items, 'Re: alternative'));
    assert.equal(childText(re, 'ThreadTopic', E), 'alternative');
    assert.equal(child(re, 'ConversationIndex', 'Email2')!.opaque!.length, 10);

    const files = appData(addFor(items, 'with files'));
    const atts = children(child(files, 'Attachments', B)!, 'Attachment', B);
    const byName = Object.fromEntries(atts.map((a) => [childText(a, 'DisplayName', B), a]));
    assert.equal(childText(byName['logo.png'], 'IsInline', B), '1');
    assert.equal(childText(byName['logo.png'], 'ContentId', B), 'logo@x');
    assert.equal(childText(byName['report.pdf'], 'IsInline', B), '0');
    assert.ok(Number(childText(byName['report.pdf'], 'EstimatedDataSize', B)) >= 3000);
    st.ref = childText(byName['report.pdf'], 'FileReference', B)!;

    const latin = appData(addFor(items, 'Grüße'));
    assert.equal(childText(latin, 'From', E), '"José" <jose@example.net>');
    assert.equal(childText(latin, 'InternetCPID', E), '1252');
    // No HTML part: Type 2 is the plain text as HTML, decoded from windows-1252.
    assert.match(childText(child(latin, 'Body', B)!, 'Data', B)!, /Grüße €5/);

    // S/MIME with MIMESupport 1: the MIME itself, and the S/MIME message class.
    const signed = appData(addFor(items, 'signed'));
    assert.equal(childText(signed, 'MessageClass', E), 'IPM.Note.SMIME.MultipartSigned');
    assert.equal(childText(child(signed, 'Body', B)!, 'Type', B), '4');
    assert.match(childText(child(signed, 'Body', B)!, 'Data', B)!, /application\/pkcs7-signature/);

    // Type 1 with TruncationSize and Preview; AllOrNone leaves the Data out.
    const r0 = await sync(p, { key: '0', id: p.folders['2'] });
    const key = keyOf(collection(r0.doc, id));
    const s = await sync(p, { key, id, options: [bodyPref(1, [el(B, 'TruncationSize', '5'), el(B, 'Preview', '100')])] });
    const plain = body(addFor(commands(collection(s.doc, id)), 'alternative'));
    assert.equal(childText(plain, 'Type', B), '1');
    assert.equal(childText(plain, 'Data', B), 'Plain');
    assert.equal(childText(plain, 'Truncated', B), '1');
    assert.match(childText(plain, 'Preview', B)!, /^Plain words line two/);
    const r1 = await sync(p, { key: '0', id });
    const s2 = await sync(p, { key: keyOf(collection(r1.doc, id)), id, options: [bodyPref(1, [el(B, 'TruncationSize', '5'), el(B, 'AllOrNone', '1')])] });
    const none = body(addFor(commands(collection(s2.doc, id)), 'alternative'));
    assert.equal(childText(none, 'Truncated', B), '1');
    assert.equal(child(none, 'Data', B), undefined);

    // The attachment by FileReference, whole and by byte range.
    const io = await p.dev.send('ItemOperations', el(IO, 'ItemOperations', [el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', st.ref)])]));
    const fetched = child(child(io.doc!, 'Response', IO)!, 'Fetch', IO)!;
    assert.equal(childText(fetched, 'Status', IO), '1');
    assert.deepEqual(Buffer.from(childText(child(fetched, 'Properties', IO)!, 'Data', IO)!, 'base64'), Buffer.alloc(3000, 0x41));
    const ranged = await p.dev.send('ItemOperations', el(IO, 'ItemOperations', [el(IO, 'Fetch', [
      el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', st.ref), el(IO, 'Options', [el(IO, 'Range', '10-19')])])]));
    const props = child(child(child(ranged.doc!, 'Response', IO)!, 'Fetch', IO)!, 'Properties', IO)!;
    assert.equal(childText(props, 'Range', IO), '10-19');
    assert.equal(childText(props, 'Total', IO), '3000');
    assert.equal(Buffer.from(childText(props, 'Data', IO)!, 'base64').length, 10);
    // Multipart: the bytes follow the WBXML part.
    const mp = await p.dev.send('ItemOperations', el(IO, 'ItemOperations', [el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', st.ref)])]), { headers: { 'ms-asacceptmultipart': 'T' } });
    assert.equal(mp.headers['content-type'], 'application/vnd.ms-sync.multipart');
    assert.equal(mp.raw.readInt32LE(0), 2);
    assert.equal(mp.raw.readInt32LE(16), 3000);
    // A made-up reference, and one to another folder, read nothing.
    const bad = await p.dev.send('ItemOperations', el(IO, 'ItemOperations', [el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', '999999:1:1')])]));
    assert.equal(childText(child(child(bad.doc!, 'Response', IO)!, 'Fetch', IO)!, 'Status', IO), '6');
  } finally {
    await m.close();
  }
});
const st: { ref: string } = { ref: '' };

test('Read, Flag and Categories from the phone are the store flags; delete moves to Deleted Items; MoveItems moves', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    for (const s of ['one', 'two', 'three']) await m.smtp({ from: 'sender@example.net', to: 'ann@example.test', subject: s, text: s });
    const p = await m.phone('ann@example.test', PW, 'PHONEMAIL2');
    const id = p.folders['2'];
    let { key, items } = await primed(p, id);
    const sid = (s: string) => serverIdOf(addFor(items, s));
    const r = await sync(p, { key, id, commands: [
      el(AS, 'Change', [el(AS, 'ServerId', sid('one')), el(AS, 'ApplicationData', [el(E, 'Read', '1'), el(E, 'Flag', [el(E, 'Status', '2'), el(E, 'FlagType', 'Follow up')]),
        el(E, 'Categories', [el(E, 'Category', 'Red category'), el(E, 'Category', 'Work')])])]),
      el(AS, 'Delete', [el(AS, 'ServerId', sid('two'))]),
    ] });
    const c = collection(r.doc, id);
    assert.equal(statusOf(c), '1');
    assert.deepEqual(responses(c), []);
    // The phone's own writes are not echoed back.
    assert.deepEqual(commands(c), []);
    key = keyOf(c);
    const box = await inbox(m, 'ann@example.test');
    const msgs = await m.h.store.listMessages(box.id);
    const one = msgs.find((x) => x.parsed.subject === 'one')!;
    assert.deepEqual([...one.flags].sort(), ['Red_category', 'Work', '\\Flagged', '\\Seen'].sort());
    assert.equal(msgs.some((x) => x.parsed.subject === 'two'), false);
    const trash = (await m.h.store.findFolderByRole(box.accountId, 'trash'))!;
    assert.deepEqual((await m.h.store.listMessages(trash.id)).map((x) => x.parsed.subject), ['two']);

    // An IMAP-side change (storeFlags) reaches the phone as a Change with Read 0.
    await m.h.store.storeFlags(box.id, [one.uid], 'remove', ['\\Seen', 'Work']);
    const r2 = await sync(p, { key, id });
    const ch = commands(collection(r2.doc, id), 'Change');
    assert.equal(ch.length, 1);
    assert.equal(childText(appData(ch[0]), 'Read', E), '0');
    assert.deepEqual(children(child(appData(ch[0]), 'Categories', E)!, 'Category', E).map((x) => x.text), ['Red_category']);
    key = keyOf(collection(r2.doc, id));

    // Clearing the flag, and a Delete with DeletesAsMoves 0 expunges.
    const r3 = await p.dev.send('Sync', el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [
      el(AS, 'SyncKey', key), el(AS, 'CollectionId', id), el(AS, 'DeletesAsMoves', '0'), el(AS, 'Commands', [
        el(AS, 'Change', [el(AS, 'ServerId', sid('one')), el(AS, 'ApplicationData', [el(E, 'Flag')])]),
        el(AS, 'Delete', [el(AS, 'ServerId', sid('three'))]),
      ])])])]));
    assert.equal(statusOf(collection(r3.doc, id)), '1');
    const after = await m.h.store.listMessages(box.id);
    assert.deepEqual(after.map((x) => x.parsed.subject), ['one']);
    assert.equal(after[0].flags.includes('\\Flagged'), false);
    assert.deepEqual((await m.h.store.listMessages(trash.id)).map((x) => x.parsed.subject), ['two']);

    // MoveItems: the message is in the destination folder in the store, with its flags.
    const archive = await m.h.store.createMailFolder(box.accountId, 'Projects');
    const fs = await p.dev.folderSync('0');
    assert.ok(children(child(fs.doc!, 'Changes')!, 'Add').some((a) => childText(a, 'ServerId') === String(archive.id)));
    const mv = await p.dev.send('MoveItems', el('Move', 'MoveItems', [el('Move', 'Move', [
      el('Move', 'SrcMsgId', sid('one')), el('Move', 'SrcFldId', id), el('Move', 'DstFldId', String(archive.id))])]));
    assert.equal(childText(child(mv.doc!, 'Response', 'Move')!, 'Status', 'Move'), '3');
    const moved = await m.h.store.listMessages(archive.id);
    assert.deepEqual(moved.map((x) => x.parsed.subject), ['one']);
    assert.ok(moved[0].flags.includes('Red_category'));

    // EmptyFolderContents of Deleted Items: gone from the store.
    const empty = await p.dev.send('ItemOperations', el(IO, 'ItemOperations', [el(IO, 'EmptyFolderContents', [el(AS, 'CollectionId', String(trash.id))])]));
    assert.equal(childText(child(child(empty.doc!, 'Response', IO)!, 'EmptyFolderContents', IO)!, 'Status', IO), '1');
    assert.deepEqual(await m.h.store.listMessages(trash.id), []);
  } finally {
    await m.close();
  }
});

const sendMail = (mime: string, save = true, clientId = `c${Math.random()}`) => el(CM, 'SendMail', [
  el(CM, 'ClientId', clientId), ...(save ? [el(CM, 'SaveInSentItems')] : []), el(CM, 'Mime', Buffer.from(mime)),
]);

test('SendMail, SmartReply and SmartForward go through Outbound, are saved in Sent, and keep the rules', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    await m.h.addUser('bob@example.test', PW);
    const p = await m.phone('ann@example.test', PW, 'PHONEMAIL3');
    const mime = 'From: ann@example.test\r\nTo: bob@example.test, out@example.net\r\nBcc: hidden@example.net\r\nSubject: hello bob\r\n\r\nHi Bob.\r\n';
    const r = await p.dev.send('SendMail', sendMail(mime, true, 'client-1'));
    assert.equal(r.status, 200);
    assert.equal(r.raw.length, 0, 'success is an empty answer');
    assert.equal(m.outbound.sent.length, 1);
    const out = m.outbound.sent[0];
    assert.deepEqual([...out.recipients].sort(), ['bob@example.test', 'hidden@example.net', 'out@example.net']);
    assert.equal(out.mailFrom, 'ann@example.test');
    assert.equal(out.submittedBy, 'ann@example.test');
    assert.doesNotMatch(out.bytes.toString(), /^bcc:/im);
    assert.match(out.bytes.toString(), /^Message-ID: </im);
    const ann = (await m.h.store.getAccount('ann@example.test'))!;
    const sent = (await m.h.store.findFolderByRole(ann.id, 'sent'))!;
    const copies = await m.h.store.listMessages(sent.id);
    assert.deepEqual(copies.map((c) => [c.parsed.subject, c.flags]), [['hello bob', ['\\Seen']]]);
    // The same ClientId again: previously sent, nothing sent twice.
    const again = await p.dev.send('SendMail', sendMail(mime, true, 'client-1'));
    assert.equal(childText(again.doc!, 'Status', CM), '118');
    assert.equal(m.outbound.sent.length, 1);
    // Someone else's address as the sender: refused, nothing sent.
    const forged = await p.dev.send('SendMail', sendMail('From: bob@example.test\r\nTo: out@example.net\r\nSubject: x\r\n\r\nx\r\n'));
    assert.equal(childText(forged.doc!, 'Status', CM), '130');
    // No recipients; garbage WBXML.
    const nobody = await p.dev.send('SendMail', sendMail('From: ann@example.test\r\nSubject: x\r\n\r\nx\r\n'));
    assert.equal(childText(nobody.doc!, 'Status', CM), '119');
    const garbage = await p.dev.send('SendMail', Buffer.from([3, 1, 106, 0, 0x45, 0x99, 0x99]));
    assert.equal(childText(garbage.doc!, 'Status', CM), '102');
    assert.equal(m.outbound.sent.length, 1);

    // Bob received it; he replies and forwards from his phone.
    const bob = await m.phone('bob@example.test', PW, 'PHONEMAIL4');
    await m.smtp({ from: 'carl@example.net', to: 'bob@example.test', subject: 'report', text: 'The report is attached.', attachments: [{ filename: 'r.txt', content: 'report body' }] });
    const { items } = await primed(bob, bob.folders['2']);
    const orig = addFor(items, 'report');
    const reply = el(CM, 'SmartReply', [el(CM, 'ClientId', 'r1'), el(CM, 'SaveInSentItems'), el(CM, 'Source', [el(CM, 'FolderId', bob.folders['2']), el(CM, 'ItemId', serverIdOf(orig))]),
      el(CM, 'Mime', Buffer.from('From: bob@example.test\r\nTo: carl@example.net\r\nSubject: Re: report\r\n\r\nThanks!\r\n'))]);
    assert.equal((await bob.dev.send('SmartReply', reply)).status, 200);
    const replied = m.outbound.sent[1].bytes.toString();
    assert.match(replied, /^In-Reply-To: </im);
    assert.match(replied, /Thanks!/);
    assert.match(replied, /> The report is attached\./);
    const fwd = el(CM, 'SmartForward', [el(CM, 'ClientId', 'f1'), el(CM, 'Source', [el(CM, 'FolderId', bob.folders['2']), el(CM, 'ItemId', serverIdOf(orig))]),
      el(CM, 'Mime', Buffer.from('From: bob@example.test\r\nTo: dana@example.net\r\nSubject: Fw: report\r\n\r\nFYI\r\n'))]);
    assert.equal((await bob.dev.send('SmartForward', fwd)).status, 200);
    const forwarded = m.outbound.sent[2].bytes.toString();
    assert.match(forwarded, /filename=r\.txt/);
    assert.match(forwarded, /FYI/);
    const bobBox = await inbox(m, 'bob@example.test');
    const flags = (await m.h.store.listMessages(bobBox.id)).find((x) => x.parsed.subject === 'report')!.flags;
    assert.ok(flags.includes('\\Answered') && flags.includes('$Forwarded'), String(flags));
    // A source that is not the user's: ItemNotFound.
    const foreign = el(CM, 'SmartReply', [el(CM, 'ClientId', 'r2'), el(CM, 'Source', [el(CM, 'FolderId', String(sent.id)), el(CM, 'ItemId', `${sent.id}:${copies[0].itemId}`)]),
      el(CM, 'Mime', Buffer.from('From: bob@example.test\r\nTo: carl@example.net\r\nSubject: x\r\n\r\nx\r\n'))]);
    assert.equal(childText((await bob.dev.send('SmartReply', foreign)).doc!, 'Status', CM), '150');
  } finally {
    await m.close();
  }
});

test('Search: the GAL finds colleagues, the mailbox by words and folder; ResolveRecipients', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    await m.h.addUser('bob@example.test', PW, { displayName: 'Bob Builder' });
    await m.h.addUser('other@elsewhere.test', PW, { displayName: 'Bob Elsewhere' });
    await m.smtp({ from: 'sender@example.net', to: 'ann@example.test', subject: 'quarterly numbers', text: 'see the budget' });
    await m.smtp({ from: 'sender@example.net', to: 'ann@example.test', subject: 'lunch', text: 'pizza?' });
    const p = await m.phone('ann@example.test', PW, 'PHONEMAIL5');
    const gal = await p.dev.send('Search', el('Search', 'Search', [el('Search', 'Store', [el('Search', 'Name', 'GAL'), el('Search', 'Query', 'build'),
      el('Search', 'Options', [el('Search', 'Range', '0-9')])])]));
    const store = child(child(gal.doc!, 'Response', 'Search')!, 'Store', 'Search')!;
    const found = children(store, 'Result', 'Search').map((r) => childText(child(r, 'Properties', 'Search')!, 'EmailAddress', 'GAL'));
    assert.deepEqual(found, ['bob@example.test'], 'a colleague of the domain, not the other domain');
    const mb = await p.dev.send('Search', el('Search', 'Search', [el('Search', 'Store', [el('Search', 'Name', 'Mailbox'), el('Search', 'Query', [el('Search', 'And', [
      el(AS, 'Class', 'Email'), el(AS, 'CollectionId', p.folders['2']), el('Search', 'FreeText', 'Budget')])]),
    el('Search', 'Options', [el('Search', 'Range', '0-9'), el(B, 'BodyPreference', [el(B, 'Type', '1')])])])]));
    const res = children(child(child(mb.doc!, 'Response', 'Search')!, 'Store', 'Search')!, 'Result', 'Search');
    assert.equal(res.length, 1);
    assert.equal(childText(child(res[0], 'Properties', 'Search')!, 'Subject', E), 'quarterly numbers');
    // The LongId fetches the item.
    const io = await p.dev.send('ItemOperations', el(IO, 'ItemOperations', [el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el('Search', 'LongId', childText(res[0], 'LongId', 'Search')!)])]));
    const f = child(child(io.doc!, 'Response', IO)!, 'Fetch', IO)!;
    assert.equal(childText(child(f, 'Properties', IO)!, 'Subject', E), 'quarterly numbers');

    // ResolveRecipients: a colleague from the GAL, a contact from the phone's own contacts, nobody.
    const ann = (await m.h.store.getAccount('ann@example.test'))!;
    const contacts = (await m.h.store.listFolders(ann.id, 'contacts'))[0];
    await m.h.store.createItem({ folderId: contacts.id, name: 'c1.vcf', uid: 'c1', contentType: 'text/vcard', componentType: 'VCARD',
      content: 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Carla Contact\r\nEMAIL;TYPE=work:carla@example.net\r\nEND:VCARD\r\n' });
    const RR = 'ResolveRecipients';
    const rr = await p.dev.send(RR, el(RR, RR, [el(RR, 'To', 'Bob Bu'), el(RR, 'To', 'carla'), el(RR, 'To', 'nobody-here')]));
    const answers = children(rr.doc!, 'Response', RR);
    assert.deepEqual(answers.map((a) => [childText(a, 'To', RR), childText(a, 'Status', RR),
      children(a, 'Recipient', RR).map((r) => `${childText(r, 'Type', RR)} ${childText(r, 'EmailAddress', RR)}`).join()]), [
      ['Bob Bu', '1', '1 bob@example.test'], ['carla', '1', '2 carla@example.net'], ['nobody-here', '4', ''],
    ]);
    const bobRr = await p.dev.send(RR, el(RR, RR, [el(RR, 'To', 'bob')]));
    const bobAnswer = children(bobRr.doc!, 'Response', RR)[0];
    assert.equal(childText(bobAnswer, 'Status', RR), '1');
    assert.equal(childText(children(bobAnswer, 'Recipient', RR)[0], 'EmailAddress', RR), 'bob@example.test');
  } finally {
    await m.close();
  }
});

test('Ping on the Inbox is answered when SMTP mail arrives; hostile ItemOperations and SendMail input', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    const p = await m.phone('ann@example.test', PW, 'PHONEMAIL6');
    const id = p.folders['2'];
    await primed(p, id);
    const P = 'Ping';
    // Held (nothing pending), then woken by the delivery; had the delivery come first, the
    // pending check would answer the same. No timing is asserted.
    const held = p.dev.send('Ping', el(P, 'Ping', [el(P, 'HeartbeatInterval', '300'), el(P, 'Folders', [el(P, 'Folder', [el(P, 'Id', id), el(P, 'Class', 'Email')])])]));
    await m.smtp({ from: 'sender@example.net', to: 'ann@example.test', subject: 'wake up', text: 'ping' });
    const woke = await held;
    assert.equal(childText(woke.doc!, 'Status', P), '2');
    assert.deepEqual(children(child(woke.doc!, 'Folders', P)!, 'Folder', P).map((f) => f.text), [id]);

    // A bad byte range, a junk FileReference, an unknown store: statuses, and the server goes on.
    const { items } = await primed(p, id);
    await m.smtp({ from: 'sender@example.net', to: 'ann@example.test', subject: 'att', text: 'x', attachments: [{ filename: 'a.bin', content: Buffer.alloc(10, 1) }] });
    const again = await primed(p, id);
    const ref = childText(children(child(appData(addFor(again.items, 'att')), 'Attachments', B)!, 'Attachment', B)[0], 'FileReference', B)!;
    const io = (ops: WbxmlElement[]) => p.dev.send('ItemOperations', el(IO, 'ItemOperations', ops));
    const fetchStatus = async (fetch: WbxmlElement[]) => childText(child(child((await io([el(IO, 'Fetch', fetch)])).doc!, 'Response', IO)!, 'Fetch', IO)!, 'Status', IO);
    assert.equal(await fetchStatus([el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', ref), el(IO, 'Options', [el(IO, 'Range', '9-2')])]), '8');
    assert.equal(await fetchStatus([el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', ref), el(IO, 'Options', [el(IO, 'Range', '50-60')])]), '8');
    assert.equal(await fetchStatus([el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', `${'9'.repeat(40)}:x:../../etc`)]), '6');
    assert.equal(await fetchStatus([el(IO, 'Store', 'DocumentLibrary'), el(B, 'FileReference', ref)]), '9');
    assert.equal(await fetchStatus([el(IO, 'Store', 'Mailbox'), el(AS, 'CollectionId', id), el(AS, 'ServerId', `${id}:999999`)]), '6');
    // A message nested deeper than MAIL_LIMITS: InvalidMIME, nothing sent.
    const deep = 'From: ann@example.test\r\nTo: out@example.net\r\nSubject: deep\r\n' +
      Array.from({ length: 40 }, (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`).join('') + 'x\r\n';
    const before = m.outbound.sent.length;
    const r = await p.dev.send('SendMail', sendMail(deep));
    assert.equal(childText(r.doc!, 'Status', CM), '107');
    assert.equal(m.outbound.sent.length, before);
    assert.equal(items.length, 1);
  } finally {
    await m.close();
  }
});
