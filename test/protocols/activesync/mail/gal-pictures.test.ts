/**
 * GAL pictures ([MS-ASCMD] 2.2.3.135) at the wire level: with photos an administrator set
 * (src/admin/account-photo.ts), a 14.1 phone's GAL Search and ResolveRecipients and a 16.1
 * phone's Find carry each entry's Picture: Status 1 with the image as base64 Data, 173 without a
 * photo, 174 when it is larger than MaxSize, 175 once MaxPictures were given; nothing without the
 * option, and nothing before 14.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { setAccountPhoto } from '../../../../src/admin/account-photo.js';
import { mailHarness } from './harness.js';

const PW = 'Secret-pass-1';
const S = 'Search';
const RR = 'ResolveRecipients';
const F = 'Find';
const by = { actor: 'test', source: null };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(2000, 3), Buffer.from([0xff, 0xd9])]);

const galSearch = (picture?: WbxmlElement[]) => el(S, S, [el(S, 'Store', [el(S, 'Name', 'GAL'), el(S, 'Query', 'team'),
  el(S, 'Options', [el(S, 'Range', '0-9'), ...(picture ? [el(S, 'Picture', picture)] : [])])])]);
/** [email, Picture Status, Data bytes] per GAL result of a Search or Find answer. */
function galPictures(results: WbxmlElement[], ns: string): [string, string | undefined, Buffer | undefined][] {
  return results.map((r) => {
    const props = child(r, 'Properties', ns)!;
    const pic = child(props, 'Picture', 'GAL');
    const data = pic ? childText(pic, 'Data', 'GAL') : undefined;
    return [childText(props, 'EmailAddress', 'GAL')!, pic ? childText(pic, 'Status', 'GAL') : undefined, data ? Buffer.from(data, 'base64') : undefined];
  });
}
const searchResults = (doc: WbxmlElement) => children(child(child(doc, 'Response', S)!, 'Store', S)!, 'Result', S);

test('GAL pictures in Search, ResolveRecipients and Find: Status 1 with the photo, 173 none, 174 over MaxSize, 175 over MaxPictures', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    for (const [who, name] of [['bob', 'Team Bob'], ['carl', 'Team Carl'], ['dora', 'Team Dora']]) await m.h.addUser(`${who}@example.test`, PW, { displayName: name });
    await setAccountPhoto(m.h.store, by, (await m.h.store.getAccount('bob@example.test'))!, JPEG);
    await setAccountPhoto(m.h.store, by, (await m.h.store.getAccount('carl@example.test'))!, PNG);
    const p = await m.phone('ann@example.test', PW, 'PICS1', '14.1');

    const two = await p.dev.send(S, galSearch([el(S, 'MaxSize', '10000'), el(S, 'MaxPictures', '1')]));
    assert.deepEqual(galPictures(searchResults(two.doc!), S), [
      ['bob@example.test', '1', JPEG], ['carl@example.test', '175', undefined], ['dora@example.test', '173', undefined],
    ]);
    const small = await p.dev.send(S, galSearch([el(S, 'MaxSize', '100')]));
    assert.deepEqual(galPictures(searchResults(small.doc!), S), [
      ['bob@example.test', '174', undefined], ['carl@example.test', '1', PNG], ['dora@example.test', '173', undefined],
    ]);
    const none = await p.dev.send(S, galSearch());
    assert.deepEqual(galPictures(searchResults(none.doc!), S).map((r) => r[1]), [undefined, undefined, undefined]);
    const old = await m.phone('ann@example.test', PW, 'PICS2', '14.0');
    const r14 = await old.dev.send(S, galSearch([el(S, 'MaxSize', '10000')]));
    assert.deepEqual(galPictures(searchResults(r14.doc!), S).map((r) => r[1]), [undefined, undefined, undefined], 'Picture is 14.1+');

    // ResolveRecipients: a GAL entry's photo; the user's own contact has none (173).
    const ann = (await m.h.store.getAccount('ann@example.test'))!;
    const contacts = (await m.h.store.listFolders(ann.id, 'contacts'))[0];
    await m.h.store.createItem({ folderId: contacts.id, name: 'x.vcf', uid: 'x', contentType: 'text/vcard', componentType: 'VCARD',
      content: 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:Xena Outside\r\nEMAIL:xena@example.net\r\nEND:VCARD\r\n' });
    const rr = await p.dev.send(RR, el(RR, RR, [el(RR, 'To', 'bob@example.test'), el(RR, 'To', 'xena'),
      el(RR, 'Options', [el(RR, 'Picture', [el(RR, 'MaxSize', '10000'), el(RR, 'MaxPictures', '5')])])]));
    const pics = children(rr.doc!, 'Response', RR).map((resp) => {
      const rec = children(resp, 'Recipient', RR)[0];
      const pic = child(rec, 'Picture', RR)!;
      const data = childText(pic, 'Data', RR);
      return [childText(rec, 'EmailAddress', RR), childText(pic, 'Status', RR), data ? Buffer.from(data, 'base64') : undefined];
    });
    assert.deepEqual(pics, [['bob@example.test', '1', JPEG], ['xena@example.net', '173', undefined]]);

    // Find (16.1): the same pictures in its GAL results.
    const p16 = await m.phone('ann@example.test', PW, 'PICS3', '16.1');
    const found = await p16.dev.send(F, el(F, F, [el(F, 'SearchId', 'g1'), el(F, 'ExecuteSearch', [el(F, 'GalSearchCriterion', [
      el(F, 'Query', 'team'), el(F, 'Options', [el(F, 'Range', '0-9'), el(F, 'Picture', [el(F, 'MaxSize', '100000'), el(F, 'MaxPictures', '10')])]),
    ])])]));
    assert.deepEqual(galPictures(children(child(found.doc!, 'Response', F)!, 'Result', F), F), [
      ['bob@example.test', '1', JPEG], ['carl@example.test', '1', PNG], ['dora@example.test', '173', undefined],
    ]);
  } finally {
    await m.close();
  }
});
