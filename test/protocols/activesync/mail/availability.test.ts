/**
 * ResolveRecipients Availability ([MS-ASCMD] 2.2.3.16, 2.2.3.107) at the wire level: a phone asks
 * for colleagues' free/busy and gets MergedFreeBusy digits per 30 minutes (0 free, 1 tentative,
 * 2 busy, 3 out of office), computed from their stored events as CalDAV's free-busy is (transparent
 * and cancelled events free, recurrences expanded); a group merges its members; an address outside
 * the user's domain is Status 163; an invalid span is the command's Status 5; before 14.0 the
 * option is ignored. Answers are also read by libwbxml's wbxml2xml where it is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { child, childText, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { calendarItemFields } from '../../../../src/pim/item.js';
import { mailHarness, type MailHarness } from './harness.js';

const PW = 'Secret-pass-1';
const RR = 'ResolveRecipients';

const haveLibwbxml = spawnSync('sh', ['-c', 'command -v wbxml2xml']).status === 0;
function wbxml2xml(data: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-avail-'));
  try {
    writeFileSync(join(dir, 'in'), data);
    execFileSync('wbxml2xml', ['-l', 'ACTIVESYNC', '-m', '0', '-o', join(dir, 'out'), join(dir, 'in')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'out'), 'utf8');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

async function addEvent(m: MailHarness, email: string, uid: string, start: string, end: string, extra: string[] = []) {
  const a = (await m.h.store.getAccount(email))!;
  const cal = (await m.h.store.findFolderByRole(a.id, 'calendar'))!;
  const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261201T000000Z',
    `DTSTART:${start}`, `DTEND:${end}`, 'SUMMARY:Busy thing', ...extra, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
  await m.h.store.createItem({ folderId: cal.id, name: `${uid}.ics`, ...calendarItemFields(ics), uid });
}

const request = (to: string[], availability?: WbxmlElement[]) => el(RR, RR, [
  ...to.map((t) => el(RR, 'To', t)),
  ...(availability ? [el(RR, 'Options', [el(RR, 'Availability', availability)])] : []),
]);
const span = (start: string, end?: string) => [el(RR, 'StartTime', start), ...(end ? [el(RR, 'EndTime', end)] : [])];
/** [email, Availability Status, MergedFreeBusy] of every Recipient of the answer. */
const availabilities = (doc: WbxmlElement) => children(doc, 'Response', RR).flatMap((r) => children(r, 'Recipient', RR)).map((r) => {
  const a = child(r, 'Availability', RR);
  return [childText(r, 'EmailAddress', RR), a ? childText(a, 'Status', RR) : undefined, a ? childText(a, 'MergedFreeBusy', RR) : undefined];
});

test('ResolveRecipients Availability: MergedFreeBusy from stored events (busy, tentative, OOF, free), groups merged, other domains 163, bad spans Status 5', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    await m.h.addUser('bob@example.test', PW, { displayName: 'Bob Busy' });
    await m.h.addUser('carl@example.test', PW, { displayName: 'Carl Maybe' });
    await m.h.addUser('zed@elsewhere.test', PW);
    const domain = (await m.h.store.getAccount('bob@example.test'))!.domainId;
    const team = await m.h.store.createAccount({ domainId: domain, email: 'team@example.test', kind: 'group', displayName: 'Team' });
    for (const who of ['bob@example.test', 'carl@example.test']) await m.h.store.addGroupMember(team.id, (await m.h.store.getAccount(who))!.id);
    // Bob: busy 10:00-11:00, out of office 11:00-11:15, a free (transparent) and a cancelled event, and a daily stand-up.
    await addEvent(m, 'bob@example.test', 'b1', '20261215T100000Z', '20261215T110000Z');
    await addEvent(m, 'bob@example.test', 'b2', '20261215T110000Z', '20261215T111500Z', ['X-MICROSOFT-CDO-BUSYSTATUS:OOF']);
    await addEvent(m, 'bob@example.test', 'b3', '20261215T090000Z', '20261215T100000Z', ['TRANSP:TRANSPARENT']);
    await addEvent(m, 'bob@example.test', 'b4', '20261215T113000Z', '20261215T120000Z', ['STATUS:CANCELLED']);
    await addEvent(m, 'bob@example.test', 'b5', '20261214T130000Z', '20261214T131000Z', ['RRULE:FREQ=DAILY;COUNT=5']);
    // Carl: tentative 10:30-11:00.
    await addEvent(m, 'carl@example.test', 'c1', '20261215T103000Z', '20261215T110000Z', ['STATUS:TENTATIVE']);
    // Ann's own contact for someone of another domain, who has events of their own.
    const ann = (await m.h.store.getAccount('ann@example.test'))!;
    const contacts = (await m.h.store.listFolders(ann.id, 'contacts'))[0];
    await m.h.store.createItem({ folderId: contacts.id, name: 'z.vcf', uid: 'z', contentType: 'text/vcard', componentType: 'VCARD',
      content: 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:z\r\nFN:Zed Outside\r\nEMAIL:zed@elsewhere.test\r\nEND:VCARD\r\n' });
    await addEvent(m, 'zed@elsewhere.test', 'z1', '20261215T100000Z', '20261215T110000Z');

    const p = await m.phone('ann@example.test', PW, 'AVAIL1', '14.1');
    // 09:00-12:00: six half hours.
    const r = await p.dev.send(RR, request(['bob@example.test', 'carl@example.test', 'team@example.test', 'zed'], span('2026-12-15T09:00:00.000Z', '2026-12-15T12:00:00.000Z')));
    assert.equal(r.status, 200);
    assert.equal(childText(r.doc!, 'Status', RR), '1');
    assert.deepEqual(availabilities(r.doc!), [
      ['bob@example.test', '1', '002230'],
      ['carl@example.test', '1', '000100'],
      ['team@example.test', '1', '002230'],
      ['zed@elsewhere.test', '163', undefined],
    ]);
    if (haveLibwbxml) assert.match(wbxml2xml(r.raw), /<MergedFreeBusy>002230<\/MergedFreeBusy>/);

    // A span that is not a whole number of half hours rounds up; a recurrence counts on each day.
    const odd = await p.dev.send(RR, request(['bob@example.test'], span('2026-12-16T12:00:00.000Z', '2026-12-16T13:40:00.000Z')));
    assert.deepEqual(availabilities(odd.doc!), [['bob@example.test', '1', '0020']]);
    // Without EndTime: seven days, 336 digits.
    const week = await p.dev.send(RR, request(['carl@example.test'], span('2026-12-15T00:00:00.000Z')));
    assert.equal(availabilities(week.doc!)[0][2]!.length, 336);

    // Invalid spans: the command's Status 5, no Response.
    for (const bad of [span('yesterday'), span('2026-12-15T09:00:00.000Z', '2026-12-15T09:10:00.000Z'), span('2026-12-01T00:00:00.000Z', '2027-01-13T00:00:00.000Z'), [el(RR, 'EndTime', '2026-12-15T09:00:00.000Z')]]) {
      const res = await p.dev.send(RR, request(['bob@example.test'], bad));
      assert.equal(childText(res.doc!, 'Status', RR), '5');
      assert.equal(children(res.doc!, 'Response', RR).length, 0);
    }
    // Without the option, and before 14.0, no Availability element.
    const plain = await p.dev.send(RR, request(['bob@example.test']));
    assert.deepEqual(availabilities(plain.doc!), [['bob@example.test', undefined, undefined]]);
    const old = await m.phone('ann@example.test', PW, 'AVAIL2', '12.1');
    const r12 = await old.dev.send(RR, request(['bob@example.test'], span('2026-12-15T09:00:00.000Z', '2026-12-15T12:00:00.000Z')));
    assert.deepEqual(availabilities(r12.doc!), [['bob@example.test', undefined, undefined]]);
  } finally {
    await m.close();
  }
});
