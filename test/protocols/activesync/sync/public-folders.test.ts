/**
 * The domain's public folders over ActiveSync: public calendars, address books, task and note
 * folders appear in FolderSync as top-level user folders named "Name (Public Folders)" (public
 * mail folders do not: a phone shows no other account's mail), Sync serves their items, a
 * read-only folder refuses the phone's Add (Status 6), a writable one stores it in the public
 * folder; a held Ping learns of a new public folder (Status 7); the GAL (Search, Find,
 * ResolveRecipients) includes the public contacts the user may read, never to another domain.
 * The Search answer is cross-checked with libwbxml's wbxml2xml when it is installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { child, childText, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { compactUtc } from '../../../../protocols/activesync/convert/util.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { pushHubFor } from '../../../../protocols/activesync/sync/push.js';
import { createPublicFolder, setPublicFolderGrant, type PublicFolderView } from '../../../../src/admin/public-folders.js';
import type { Domain } from '../../../../src/model/types.js';
import { makeHarness, SETTINGS, type Harness } from '../harness.js';
import { appData, AS, collection, keyOf, phone, type Phone, primed, responses, sync, vevent } from './helpers.js';

const FH = 'FolderHierarchy';
const CAL = 'Calendar';
const P = 'Ping';
const S = 'Search';
const RR = 'ResolveRecipients';
const BY = { actor: 'admin@example.com', source: 'cli' };

const haveLibwbxml = spawnSync('sh', ['-c', 'command -v wbxml2xml']).status === 0;
function wbxml2xml(data: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-pub-'));
  try {
    writeFileSync(join(dir, 'in'), data);
    execFileSync('wbxml2xml', ['-l', 'ACTIVESYNC', '-m', '0', '-o', join(dir, 'out'), join(dir, 'in')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'out'), 'utf8');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const changesOf = (doc: WbxmlElement | null, op: string) => children(child(doc!, 'Changes', FH) ?? el(FH, 'x'), op, FH);
const entry = (a: WbxmlElement) => ({ id: childText(a, 'ServerId', FH)!, parent: childText(a, 'ParentId', FH), name: childText(a, 'DisplayName', FH), type: childText(a, 'Type', FH) });
const eventAdd = (clientId: string, subject: string) => el(AS, 'Add', [el(AS, 'ClientId', clientId), el(AS, 'ApplicationData', [
  el(CAL, 'AllDayEvent', '0'), el(CAL, 'DtStamp', '20260501T080000Z'), el(CAL, 'StartTime', compactUtc(Date.UTC(2026, 5, 1, 9))),
  el(CAL, 'EndTime', compactUtc(Date.UTC(2026, 5, 1, 10))), el(CAL, 'Subject', subject), el(CAL, 'BusyStatus', '2'),
])]);
const taskAdd = (clientId: string, subject: string) => el(AS, 'Add', [el(AS, 'ClientId', clientId), el(AS, 'ApplicationData', [
  el('Tasks', 'Subject', subject), el('Tasks', 'Importance', '1'), el('Tasks', 'Complete', '0'),
])]);
const SUPPLIER = [
  'BEGIN:VCARD', 'VERSION:3.0', 'UID:sup-1', 'FN:Sam Supplier', 'N:Supplier;Sam;;;', 'EMAIL;TYPE=INTERNET,WORK:sam@acme.example',
  'TEL;TYPE=WORK,VOICE:+1 555 0100', 'TEL;TYPE=CELL:+1 555 0199', 'ORG:Acme Parts;Sales', 'TITLE:Account Manager', 'END:VCARD', '',
].join('\r\n');

const gal = (p: Phone, q: string) => p.dev.send(S, el(S, S, [el(S, 'Store', [el(S, 'Name', 'GAL'), el(S, 'Query', q), el(S, 'Options', [el(S, 'Range', '0-9')])])]));
const galResults = (doc: WbxmlElement | null) => children(child(child(doc!, 'Response', S)!, 'Store', S)!, 'Result', S)
  .map((r) => child(r, 'Properties', S)).filter((x): x is WbxmlElement => !!x);

describe('Public folders over ActiveSync', () => {
  let h: Harness;
  let d: Domain;
  let ben: Phone;
  let hkey = '';
  let holidays: PublicFolderView;
  let todo: PublicFolderView;

  before(async () => {
    h = await makeHarness({ ...SETTINGS, activesync: { ...SETTINGS.activesync, minHeartbeat: 1, maxHeartbeat: 600 } });
    await h.addUser('ann@example.com', 'ann-pass-1', 'Ann Admin');
    await h.addUser('ben@example.com', 'ben-pass-1', 'Ben Reader');
    await h.addUser('sara@example.com', 'sara-pass-1', 'Sara Staff');
    await h.addUser('eve@other.test', 'eve-pass-1', 'Eve Elsewhere');
    d = await h.domain('example.com');
    holidays = await createPublicFolder(h.ctx.store, BY, d, { name: 'Holidays', kind: 'calendar', defaultAccess: 'read' });
    const suppliers = await createPublicFolder(h.ctx.store, BY, d, { name: 'Suppliers', kind: 'contacts', defaultAccess: 'read' });
    todo = await createPublicFolder(h.ctx.store, BY, d, { name: 'Todo', kind: 'tasks', defaultAccess: 'write' });
    const board = await createPublicFolder(h.ctx.store, BY, d, { name: 'Board notes', kind: 'notes', defaultAccess: 'none' });
    await setPublicFolderGrant(h.ctx.store, BY, d, board.id, 'ann@example.com', 'read');
    await createPublicFolder(h.ctx.store, BY, d, { name: 'News', kind: 'mail', defaultAccess: 'read' });
    await h.ctx.store.createItem({ folderId: holidays.id, name: 'h1.ics', ...ITEM_CLASSES.Calendar.fields(vevent('h1', 'Summer holiday', new Date(Date.UTC(2026, 6, 1, 0)))) });
    await h.ctx.store.createItem({ folderId: suppliers.id, name: 'sup-1.vcf', ...ITEM_CLASSES.Contacts.fields(SUPPLIER) });
    ben = await phone(h, 'ben@example.com', 'ben-pass-1', 'BENPHONE1', '16.1');
    hkey = '';
  });
  after(() => h.close());

  it('one phone, step by step: FolderSync, Sync, read-only and write rules, a new public folder wakes a Ping', async (t) => {
    let byName: Record<string, ReturnType<typeof entry>> = {};
    await t.test('FolderSync shows the public calendar, contacts and tasks the user may read, not mail, not a folder without access', async () => {
      const r = await ben.dev.folderSync('0');
      hkey = childText(r.doc!, 'SyncKey', FH)!;
      byName = Object.fromEntries(changesOf(r.doc, 'Add').map(entry).filter((e) => e.name?.endsWith('(Public Folders)')).map((e) => [e.name!, e]));
      assert.deepEqual(Object.keys(byName).sort(), ['Holidays (Public Folders)', 'Suppliers (Public Folders)', 'Todo (Public Folders)']);
      assert.deepEqual(byName['Holidays (Public Folders)'], { id: String(holidays.id), parent: '0', name: 'Holidays (Public Folders)', type: '13' });
      assert.equal(byName['Suppliers (Public Folders)'].type, '14');
      assert.equal(byName['Todo (Public Folders)'].type, '15');
      // Ann has a grant on the notes folder.
      const ann = await phone(h, 'ann@example.com', 'ann-pass-1', 'ANNPHONE1', '16.1');
      assert.ok(ann.folders['17'], 'the granted public notes folder is shown to Ann');
    });

    await t.test('Sync serves a read-only public calendar and refuses an Add with Status 6', async () => {
      const id = String(holidays.id);
      const first = await primed(ben, id);
      assert.deepEqual(first.items.map((c) => childText(appData(c), 'Subject', CAL)), ['Summer holiday']);
      const r = await sync(ben, { key: first.key, id, commands: [eventAdd('c1', 'My own holiday')] });
      const c = collection(r.doc, id);
      assert.deepEqual(responses(c, 'Add').map((a) => childText(a, 'Status', AS)), ['6']);
      assert.equal((await h.ctx.store.listItems(holidays.id)).length, 1, 'nothing was written');
    });

    await t.test('a writable public task list takes the Add, stored in the public folder', async () => {
      const id = String(todo.id);
      const { key } = await primed(ben, id);
      const r = await sync(ben, { key, id, getChanges: false, commands: [taskAdd('t1', 'Order coffee')] });
      const add = responses(collection(r.doc, id), 'Add')[0];
      assert.equal(childText(add, 'Status', AS), '1');
      const items = await h.ctx.store.listItems(todo.id);
      assert.deepEqual(items.map((i) => i.summary), ['Order coffee']);
      assert.equal(keyOf(collection(r.doc, id)) !== key, true);
    });

    await t.test('a held Ping answers Status 7 when a public folder is created; FolderSync adds it', async () => {
      const own = ben.folders['8'];
      await primed(ben, own);
      const held = ben.dev.send('Ping', el(P, 'Ping', [el(P, 'HeartbeatInterval', '300'),
        el(P, 'Folders', [el(P, 'Folder', [el(P, 'Id', own), el(P, 'Class', 'Calendar')])])]));
      while (pushHubFor(h.ctx.store).size === 0) await new Promise((r) => setTimeout(r, 2));
      const rooms = await createPublicFolder(h.ctx.store, BY, d, { name: 'Rooms', kind: 'calendar', defaultAccess: 'read' });
      assert.equal(childText((await held).doc!, 'Status', P), '7');
      const r = await ben.dev.folderSync(hkey);
      assert.deepEqual(changesOf(r.doc, 'Add').map(entry).map((e) => [e.id, e.name]), [[String(rooms.id), 'Rooms (Public Folders)']]);
    });
  });

  it('GAL: Search, Find and ResolveRecipients include public contacts with their vCard fields; another domain sees none', async () => {
    const r = await gal(ben, 'sam');
    const props = galResults(r.doc);
    assert.equal(props.length, 1);
    const got = Object.fromEntries(props[0].children.map((c) => [c.tag, c.text]));
    assert.deepEqual(got, {
      DisplayName: 'Sam Supplier', Phone: '+1 555 0100', Title: 'Account Manager', Company: 'Acme Parts', Alias: 'sam',
      FirstName: 'Sam', LastName: 'Supplier', MobilePhone: '+1 555 0199', EmailAddress: 'sam@acme.example',
    });
    if (haveLibwbxml) {
      const xml = wbxml2xml(r.raw);
      assert.match(xml, /<Company xmlns="Gal:">Acme Parts<\/Company>/);
      assert.match(xml, /<EmailAddress xmlns="Gal:">sam@acme\.example<\/EmailAddress>/);
    }
    // Accounts and contacts in one list by name.
    const mixed = galResults((await gal(ben, 's')).doc).map((x) => childText(x, 'DisplayName', 'GAL'));
    assert.deepEqual(mixed, ['Sam Supplier', 'Sara Staff']);

    const F = 'Find';
    const find = await ben.dev.send(F, el(F, F, [el(F, 'SearchId', 'f1'), el(F, 'ExecuteSearch', [el(F, 'GalSearchCriterion', [
      el(F, 'Query', 'supplier'), el(F, 'Options', [el(F, 'Range', '0-9')]),
    ])])]));
    const findProps = children(child(find.doc!, 'Response', F)!, 'Result', F).map((x) => childText(child(x, 'Properties', F)!, 'EmailAddress', 'GAL'));
    assert.deepEqual(findProps, ['sam@acme.example']);

    const rr = await ben.dev.send(RR, el(RR, RR, [el(RR, 'To', 'Sam Sup'), el(RR, 'To', 'sam@acme.example')]));
    assert.deepEqual(children(rr.doc!, 'Response', RR).map((a) => [childText(a, 'Status', RR),
      children(a, 'Recipient', RR).map((x) => `${childText(x, 'Type', RR)} ${childText(x, 'DisplayName', RR)} ${childText(x, 'EmailAddress', RR)}`).join()]), [
      ['1', '1 Sam Supplier sam@acme.example'], ['1', '1 Sam Supplier sam@acme.example'],
    ]);

    const eve = await phone(h, 'eve@other.test', 'eve-pass-1', 'EVEPHONE1', '16.1');
    assert.equal(galResults((await gal(eve, 'sam')).doc).length, 0);
    const evr = await eve.dev.send(RR, el(RR, RR, [el(RR, 'To', 'sam@acme.example')]));
    assert.equal(childText(children(evr.doc!, 'Response', RR)[0], 'Status', RR), '4');
    const s = await sync(eve, { key: '0', id: String(holidays.id) });
    assert.equal(childText(collection(s.doc, String(holidays.id)), 'Status', AS), '12', "another domain's phone cannot sync a public folder");
  });
});
