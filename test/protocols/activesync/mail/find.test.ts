/**
 * Find ([MS-ASCMD] 2.2.1.2, 16.1) at the wire level: messages delivered through the real MX
 * listener (and one appended into a subfolder of the Inbox), then a 16.1 phone's Find of the
 * Mailbox by FreeText in every folder, in one CollectionId with and without DeepTraversal, with a
 * Range, and of the GAL; malformed requests answer Status 2, an unknown CollectionId Status 3, a
 * Range that does not start at 0 Response Status 4 (StartWithRangeZero), and
 * a 16.0 client still gets HTTP 501. The Find code page (25) is not known to libwbxml 0.11.8, so
 * the requests are encoded with the project's codec only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { parseMessage } from '../../../../src/mail/parse.js';
import { mailHarness } from './harness.js';

const PW = 'Secret-pass-1';
const F = 'Find';
const AS = 'AirSync';
const E = 'Email';

const mailFind = (free: string, extra: { collectionId?: string; deep?: boolean; range?: string; cls?: string } = {}) => el(F, 'Find', [
  el(F, 'SearchId', '7E5B4C3D-0000-4000-8000-000000000001'),
  el(F, 'ExecuteSearch', [el(F, 'MailBoxSearchCriterion', [
    el(F, 'Query', [el(AS, 'Class', extra.cls ?? 'Email'), ...(extra.collectionId ? [el(AS, 'CollectionId', extra.collectionId)] : []), el(F, 'FreeText', free)]),
    el(F, 'Options', [el(F, 'Range', extra.range ?? '0-99'), ...(extra.deep ? [el(F, 'DeepTraversal')] : [])]),
  ])]),
]);

const resultsOf = (doc: WbxmlElement) => children(child(doc, 'Response', F)!, 'Result', F);
const subjectsOf = (doc: WbxmlElement) => resultsOf(doc).map((r) => childText(child(r, 'Properties', F)!, 'Subject', E));

test('16.1 Find: Mailbox by FreeText, CollectionId, DeepTraversal, Range; GAL; statuses', async () => {
  const m = await mailHarness();
  try {
    const ann = await m.h.addUser('ann@example.test', PW);
    await m.h.addUser('bob@example.test', PW);
    const inbox = (await m.h.store.findFolderByRole(ann.id, 'inbox'))!;
    const sub = await m.h.store.createMailFolder(ann.id, 'Projects', { parentId: inbox.id });
    await m.smtp({ from: '"Carl" <carl@example.net>', to: 'ann@example.test', cc: 'dora@example.net', subject: 'Harbour budget 2027', text: 'The harbour budget draft.', attachments: [{ filename: 'b.txt', content: 'numbers' }] });
    await m.smtp({ from: 'eve@example.net', to: 'ann@example.test', subject: 'Lunch', text: 'Lunch on Friday about the harbour?' });
    await m.smtp({ from: 'eve@example.net', to: 'ann@example.test', subject: 'Unrelated', text: 'Nothing to see.' });
    const raw = Buffer.from('From: fred@example.net\r\nTo: ann@example.test\r\nSubject: Harbour plans (filed)\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <filed@example.net>\r\n\r\nFiled harbour plans.\r\n');
    await m.h.store.appendMessages(sub.id, [{ bytes: raw, parsed: await parseMessage(raw), flags: [], internalDate: Date.parse('2026-12-01T10:00:00Z') }]);
    const p = await m.phone('ann@example.test', PW, 'PHONEFIND1', '16.1');

    // Every folder: the three harbour messages, newest first, with the Find Properties.
    const all = await p.dev.send('Find', mailFind('harbour'));
    assert.equal(all.status, 200);
    assert.equal(childText(all.doc!, 'Status', F), '1');
    const resp = child(all.doc!, 'Response', F)!;
    assert.equal(childText(resp, 'Store', 'ItemOperations'), 'Mailbox');
    assert.equal(childText(resp, 'Status', F), '1');
    assert.equal(childText(resp, 'Total', F), '3');
    assert.equal(childText(resp, 'Range', F), '0-2');
    assert.deepEqual(new Set(subjectsOf(all.doc!)), new Set(['Harbour budget 2027', 'Lunch', 'Harbour plans (filed)']));
    const budget = resultsOf(all.doc!).find((r) => childText(child(r, 'Properties', F)!, 'Subject', E) === 'Harbour budget 2027')!;
    assert.equal(childText(budget, 'Class', AS), 'Email');
    assert.equal(childText(budget, 'CollectionId', AS), String(inbox.id));
    const [stored] = (await m.h.store.listMessages(inbox.id)).filter((x) => x.parsed.subject === 'Harbour budget 2027');
    assert.equal(childText(budget, 'ServerId', AS), `${inbox.id}:${stored.itemId}`);
    const props = child(budget, 'Properties', F)!;
    assert.equal(childText(props, 'HasAttachments', F), '1');
    assert.match(childText(props, 'DisplayCc', F)!, /dora@example\.net/);
    assert.match(childText(props, 'Preview', F)!, /harbour budget draft/);
    assert.match(childText(props, 'From', E)!, /carl@example\.net/);
    assert.equal(childText(props, 'Read', E), '0');
    assert.equal(childText(props, 'IsDraft', 'Email2'), '0');
    assert.ok(childText(props, 'DateReceived', E));

    // The Inbox alone; with DeepTraversal its subfolder too.
    const flat = await p.dev.send('Find', mailFind('harbour', { collectionId: String(inbox.id) }));
    assert.deepEqual(new Set(subjectsOf(flat.doc!)), new Set(['Harbour budget 2027', 'Lunch']));
    const deep = await p.dev.send('Find', mailFind('harbour', { collectionId: String(inbox.id), deep: true }));
    assert.equal(childText(child(deep.doc!, 'Response', F)!, 'Total', F), '3');
    // Range: the first match only, Total still all three.
    const ranged = await p.dev.send('Find', mailFind('harbour', { range: '0-0' }));
    assert.equal(resultsOf(ranged.doc!).length, 1);
    assert.equal(childText(child(ranged.doc!, 'Response', F)!, 'Range', F), '0-0');
    assert.equal(childText(child(ranged.doc!, 'Response', F)!, 'Total', F), '3');
    // A Range that does not start at 0: Find Status 1, Response Status 4 (StartWithRangeZero), no results.
    const later = await p.dev.send('Find', mailFind('harbour', { range: '1-1' }));
    assert.equal(childText(later.doc!, 'Status', F), '1');
    const laterResp = child(later.doc!, 'Response', F)!;
    assert.equal(childText(laterResp, 'Status', F), '4');
    assert.equal(childText(laterResp, 'Store', 'ItemOperations'), 'Mailbox');
    assert.equal(resultsOf(later.doc!).length, 0);
    // No match.
    const none = await p.dev.send('Find', mailFind('zeppelin'));
    assert.equal(childText(child(none.doc!, 'Response', F)!, 'Total', F), '0');
    assert.equal(resultsOf(none.doc!).length, 0);

    // GAL.
    const gal = await p.dev.send('Find', el(F, 'Find', [el(F, 'SearchId', 'g1'), el(F, 'ExecuteSearch', [el(F, 'GalSearchCriterion', [el(F, 'Query', 'bob'), el(F, 'Options', [el(F, 'Range', '0-9')])])])]));
    assert.equal(childText(gal.doc!, 'Status', F), '1');
    const galResp = child(gal.doc!, 'Response', F)!;
    assert.equal(childText(galResp, 'Store', 'ItemOperations'), 'GAL');
    assert.deepEqual(resultsOf(gal.doc!).map((r) => childText(child(r, 'Properties', F)!, 'EmailAddress', 'GAL')), ['bob@example.test']);

    // Hostile / malformed: the protocol's statuses, nothing else changes.
    const status = async (body: WbxmlElement | Buffer) => childText((await p.dev.send('Find', body)).doc!, 'Status', F);
    assert.equal(await status(mailFind('harbour', { collectionId: '999999' })), '3');
    assert.equal(await status(mailFind('harbour', { range: '9-2' })), '2');
    assert.equal(await status(mailFind('harbour', { range: 'all' })), '2');
    assert.equal(await status(mailFind('harbour', { cls: 'Contacts' })), '2');
    assert.equal(await status(mailFind('   ')), '2');
    assert.equal(await status(el(F, 'Find', [el(F, 'SearchId', 'x')])), '2');
    assert.equal(await status(el(F, 'Find', [el(F, 'ExecuteSearch', [el(F, 'GalSearchCriterion', [el(F, 'Query', 'bob')])])])), '2');
    // Undecodable WBXML is HTTP 400 (as for every WBXML command); another command's root is Status 2.
    assert.equal((await p.dev.send('Find', Buffer.from([3, 1, 106, 0, 0, 25, 0x45, 0x99, 0x99]))).status, 400);
    assert.equal(await status(el('Search', 'Search', [])), '2');
    // Bob's mail is not Ann's: a Find from Bob does not see it.
    const bob = await m.phone('bob@example.test', PW, 'PHONEFIND2', '16.1');
    const bobs = await bob.dev.send('Find', mailFind('harbour'));
    assert.equal(childText(child(bobs.doc!, 'Response', F)!, 'Total', F), '0');
    assert.equal(childText((await bob.dev.send('Find', mailFind('harbour', { collectionId: String(inbox.id) }))).doc!, 'Status', F), '3');

    // Before 16.1 there is no Find.
    const old = await m.phone('ann@example.test', PW, 'PHONEFIND3', '16.0');
    assert.equal((await old.dev.send('Find', mailFind('harbour'))).status, 501);
  } finally {
    await m.close();
  }
});
