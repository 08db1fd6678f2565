/**
 * Supported and ghosted properties ([MS-ASCMD] 2.2.3.179): what a phone lists in the Supported of
 * its first Sync it manages; a Change deletes those it leaves out and keeps every other stored
 * property (the regression: a phone's Change cleared fields it cannot show).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { makeHarness, type Harness } from '../harness.js';
import { AS, C, collection, commands, keyOf, phone, type Phone, responses, serverIdOf, statusOf, sync, vcard, vevent } from './helpers.js';

const CAL = 'Calendar';

/** SyncKey 0 with a Supported element (a child of Collection, as [MS-ASCMD] 2.2.3.179 places it). */
async function primeWithSupported(p: Phone, id: string, supported: WbxmlElement[] | null): Promise<string> {
  const col = el(AS, 'Collection', [el(AS, 'SyncKey', '0'), el(AS, 'CollectionId', id), ...(supported ? [el(AS, 'Supported', supported)] : [])]);
  const r0 = await p.dev.send('Sync', el(AS, 'Sync', [el(AS, 'Collections', [col])]));
  const key = keyOf(collection(r0.doc, id));
  const r1 = await sync(p, { key, id });
  return keyOf(collection(r1.doc, id));
}

const change = (serverId: string, data: WbxmlElement[]) => el(AS, 'Change', [el(AS, 'ServerId', serverId), el(AS, 'ApplicationData', data)]);

describe('Sync: Supported / ghosted properties', () => {
  let h: Harness;
  before(async () => {
    h = await makeHarness();
    await h.addUser('ghost@example.com', 'ghost-pass-1');
  });
  after(() => h.close());

  it('contacts: elements not in Supported keep their stored values, listed ones left out are deleted; without Supported all are managed', async () => {
    const store = h.ctx.store;
    const p = await phone(h, 'ghost@example.com', 'ghost-pass-1', 'GHOSTPHONE1');
    const id = p.folders['9'];
    const supported = ['FirstName', 'LastName', 'MobilePhoneNumber', 'Email1Address', 'CompanyName'].map((t) => el(C, t));
    let key = await primeWithSupported(p, id, supported);
    const stored = vcard('ghost-1', 'Gina', 'Stored',
      'TEL;TYPE=CELL:+1 555 0100\r\nTEL;TYPE=WORK;X-SERVICE=desk:+1 555 0200\r\nEMAIL;TYPE=INTERNET:gina@example.org\r\n' +
      'TITLE:Chief Ghost\r\nORG:Acme;Haunting\r\nBDAY;VALUE=date:1980-02-03\r\nNOTE:Kept note\r\nX-FOO;X-P=1:unknown\r\n');
    const item = await store.createItem({ folderId: Number(id), name: 'ghost-1.vcf', ...ITEM_CLASSES.Contacts.fields(stored) });
    let r = await sync(p, { key, id });
    let c = collection(r.doc, id);
    assert.deepEqual(commands(c, 'Add').map(serverIdOf), [`${id}:${item.id}`]);
    key = keyOf(c);

    // The phone shows names, mobile, company; it drops the e-mail (managed, left out).
    r = await sync(p, { key, id, commands: [change(`${id}:${item.id}`, [
      el(C, 'FirstName', 'Gina'), el(C, 'LastName', 'Edited'), el(C, 'MobilePhoneNumber', '+1 555 0199'), el(C, 'CompanyName', 'NewCo'),
    ])] });
    c = collection(r.doc, id);
    assert.equal(statusOf(c), '1');
    assert.equal(responses(c).length, 0);
    const after = (await store.getItem(item.id))!.content!;
    assert.match(after, /\r\nN:Edited;Gina;;;\r\n/);
    assert.match(after, /\r\nTEL;TYPE=CELL:\+1 555 0199\r\n/);
    assert.match(after, /\r\nTEL;TYPE=WORK;X-SERVICE=desk:\+1 555 0200\r\n/, 'BusinessPhoneNumber is ghosted: the line stays byte for byte');
    assert.doesNotMatch(after, /EMAIL/, 'Email1Address is managed and was left out: deleted');
    assert.match(after, /\r\nTITLE:Chief Ghost\r\n/);
    assert.match(after, /\r\nORG:NewCo;Haunting\r\n/, 'CompanyName written, Department (ghosted) kept');
    assert.match(after, /\r\nBDAY;VALUE=date:1980-02-03\r\n/);
    assert.match(after, /\r\nNOTE:Kept note\r\n/);
    assert.match(after, /\r\nX-FOO;X-P=1:unknown\r\n/);

    // A second phone sent no Supported: every element is managed, so what it leaves out goes.
    const p2 = await phone(h, 'ghost@example.com', 'ghost-pass-1', 'GHOSTPHONE2');
    let key2 = await primeWithSupported(p2, id, null);
    r = await sync(p2, { key: key2, id, commands: [change(`${id}:${item.id}`, [el(C, 'FirstName', 'Gina'), el(C, 'LastName', 'Plain')])] });
    key2 = keyOf(collection(r.doc, id));
    const plain = (await store.getItem(item.id))!.content!;
    assert.doesNotMatch(plain, /TITLE|ORG|BDAY|NOTE|TEL/);
    assert.match(plain, /X-FOO;X-P=1:unknown/, 'properties ActiveSync does not know survive either way');
  });

  it('calendar: Supported names Subject, times and Location; a Change keeps organizer, attendees, recurrence, alarm, categories and body', async () => {
    const store = h.ctx.store;
    const p = await phone(h, 'ghost@example.com', 'ghost-pass-1', 'GHOSTPHONE3', '16.1');
    const id = p.folders['8'];
    let key = await primeWithSupported(p, id, [el(CAL, 'Subject'), el(CAL, 'StartTime'), el(CAL, 'EndTime'), el(CAL, 'Location')]);
    const extra = 'LOCATION:Room 1\r\nDESCRIPTION:Agenda\r\nCATEGORIES:Work\r\nORGANIZER;CN=Boss:mailto:boss@example.org\r\n' +
      'ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED;X-NUM-GUESTS=0:mailto:ann@example.org\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE;BYSETPOS=1;COUNT=5\r\n' +
      'BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n';
    const start = new Date(Date.UTC(2026, 10, 30, 9));
    const ev = await store.createItem({ folderId: Number(id), name: 'ghost-ev.ics', ...ITEM_CLASSES.Calendar.fields(vevent('ghost-ev', 'Before', start, 1, extra)) });
    const r0 = await sync(p, { key, id });
    key = keyOf(collection(r0.doc, id));
    const f = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    // Subject changed, Location (listed) left out; everything else is ghosted.
    const r = await sync(p, { key, id, commands: [change(`${id}:${ev.id}`, [
      el(CAL, 'Subject', 'After'), el(CAL, 'StartTime', f(start)), el(CAL, 'EndTime', f(new Date(start.getTime() + 3_600_000))),
    ])] });
    assert.equal(statusOf(collection(r.doc, id)), '1');
    const after = (await store.getItem(ev.id))!.content!;
    assert.match(after, /\r\nSUMMARY:After\r\n/);
    assert.doesNotMatch(after, /LOCATION/, 'Location is managed and was left out');
    for (const kept of ['DESCRIPTION:Agenda', 'CATEGORIES:Work', 'ORGANIZER;CN=Boss:mailto:boss@example.org',
      'ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED;X-NUM-GUESTS=0:mailto:ann@example.org', 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;BYSETPOS=1;COUNT=5',
      'BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT15M\r\nEND:VALARM']) {
      assert.ok(after.includes(`\r\n${kept}\r\n`), `kept: ${kept}`);
    }
  });
});
