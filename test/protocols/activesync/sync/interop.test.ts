/**
 * Sync, GetItemEstimate, MoveItems and Ping with libwbxml (Debian's libwbxml2-utils) encoding the
 * requests and decoding the answers, and the acceptance client (shared/acceptance/eas_basic.py)
 * against the plugin on a socket. Skipped when the tools are not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { basic, makeHarness, type Harness } from '../harness.js';
import { phone, vcard, vevent } from './helpers.js';

const haveLibwbxml = spawnSync('sh', ['-c', 'command -v xml2wbxml && command -v wbxml2xml']).status === 0;
const DOCTYPE = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" "http://www.microsoft.com/">\n';

function tool(name: string, args: (dir: string) => string[], input: Buffer | string, out: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-libwbxml-'));
  try {
    writeFileSync(join(dir, 'in'), input);
    execFileSync(name, args(dir), { stdio: 'ignore' });
    return readFileSync(join(dir, out));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
const xml2wbxml = (xml: string) => tool('xml2wbxml', (d) => ['-n', '-a', '-o', join(d, 'out'), join(d, 'in')], DOCTYPE + xml, 'out');
const wbxml2xml = (data: Buffer) => tool('wbxml2xml', (d) => ['-l', 'ACTIVESYNC', '-m', '0', '-o', join(d, 'out'), join(d, 'in')], data, 'out').toString('utf8');

describe('Sync engine with libwbxml on the client side', { skip: haveLibwbxml ? false : 'libwbxml2-utils not installed' }, () => {
  let h: Harness;
  let key = '';
  let contacts = '';
  let cal = '';
  before(async () => {
    h = await makeHarness();
    await h.addUser('lib@example.com', 'lib-pass-1');
    const p = await phone(h, 'lib@example.com', 'lib-pass-1', 'LIBSYNC1', '14.1');
    key = p.dev.policyKey!;
    contacts = p.folders['9'];
    cal = p.folders['8'];
    await h.ctx.store.createItem({ folderId: Number(contacts), name: 'a.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('lib-a', 'Libby', 'Stored', 'ADR;TYPE=WORK:;;Main St 1;Town;;12345;Land\r\nEMAIL;TYPE=INTERNET:libby@example.org\r\n')) });
    await h.ctx.store.createItem({ folderId: Number(cal), name: 'e.ics', ...ITEM_CLASSES.Calendar.fields(vevent('lib-e', 'Lib event', new Date(Date.UTC(2026, 0, 5, 9)))) });
  });
  after(() => h.close());

  const post = async (cmd: string, xml: string) => {
    const r = await h.app.inject({
      method: 'POST', url: `/Microsoft-Server-ActiveSync?Cmd=${cmd}&User=lib&DeviceId=LIBSYNC1&DeviceType=Linux`,
      headers: { authorization: basic('lib@example.com', 'lib-pass-1'), 'ms-asprotocolversion': '14.1', 'content-type': 'application/vnd.ms-sync.wbxml', 'x-ms-policykey': key },
      payload: xml2wbxml(xml),
    });
    assert.equal(r.statusCode, 200);
    return r.rawPayload.length ? wbxml2xml(r.rawPayload) : '';
  };
  const syncKey = (x: string, id: string) => new RegExp(`<SyncKey>(\\d+)</SyncKey><CollectionId>${id}</CollectionId>`).exec(x.replace(/\s+</g, '<'))?.[1];

  it('initial sync, server Adds (contact with address, event with time zone), a client Add, an estimate, a Ping', async () => {
    let x = await post('Sync', `<Sync xmlns="AirSync:"><Collections><Collection><SyncKey>0</SyncKey><CollectionId>${contacts}</CollectionId></Collection><Collection><SyncKey>0</SyncKey><CollectionId>${cal}</CollectionId></Collection></Collections></Sync>`);
    const kc = syncKey(x, contacts)!;
    const ke = syncKey(x, cal)!;
    x = await post('Sync', `<Sync xmlns="AirSync:" xmlns:A="AirSyncBase:"><Collections><Collection><SyncKey>${kc}</SyncKey><CollectionId>${contacts}</CollectionId><GetChanges/><WindowSize>50</WindowSize><Options><A:BodyPreference><A:Type>1</A:Type></A:BodyPreference></Options></Collection><Collection><SyncKey>${ke}</SyncKey><CollectionId>${cal}</CollectionId><Options><FilterType>0</FilterType></Options></Collection></Collections></Sync>`);
    assert.match(x, /<FirstName xmlns="Contacts:">Libby<\/FirstName>/);
    // libwbxml names tokens its own way (here and in the request below): Contacts 0x0d
    // (BusinessAddressCity) is "BusinessCity",
    // Calendar 0x05 (Timezone) is "TimeZone".
    assert.match(x, /<BusinessCity xmlns="Contacts:">Town<\/BusinessCity>/);
    assert.match(x, /<TimeZone xmlns="Calendar:">[A-Za-z0-9+/=]{200,}<\/TimeZone>/);
    assert.match(x, /<Email1Address xmlns="Contacts:">libby@example.org<\/Email1Address>/);
    assert.match(x, /<Subject xmlns="Calendar:">Lib event<\/Subject>/);
    assert.match(x, /<StartTime xmlns="Calendar:">20260105T090000Z<\/StartTime>/);
    const kc2 = syncKey(x, contacts)!;
    x = await post('Sync', `<Sync xmlns="AirSync:" xmlns:C="Contacts:"><Collections><Collection><SyncKey>${kc2}</SyncKey><CollectionId>${contacts}</CollectionId><GetChanges>0</GetChanges><Commands><Add><ClientId>lib-1</ClientId><ApplicationData><C:FirstName>Wbxml</C:FirstName><C:LastName>Client</C:LastName><C:BusinessCity>Paris</C:BusinessCity></ApplicationData></Add></Commands></Collection></Collections></Sync>`);
    assert.match(x.replace(/\s+</g, '<'), /<Add><ClientId>lib-1<\/ClientId><ServerId>\d+:\d+<\/ServerId><Status>1<\/Status><\/Add>/);
    const [added] = (await h.ctx.store.listItems(Number(contacts))).filter((i) => i.summary === 'Wbxml Client');
    assert.match(added.content!, /ADR;TYPE=WORK:;;;Paris;;;/);
    const kc3 = syncKey(x, contacts)!;
    x = await post('GetItemEstimate', `<GetItemEstimate xmlns="GetItemEstimate:" xmlns:A="AirSync:"><Collections><Collection><A:SyncKey>${kc3}</A:SyncKey><CollectionId>${contacts}</CollectionId></Collection></Collections></GetItemEstimate>`);
    assert.match(x.replace(/\s+</g, '<'), /<Status>1<\/Status><Collection><CollectionId>\d+<\/CollectionId><Estimate>0<\/Estimate>/);
    const ping = post('Ping', `<Ping xmlns="Ping:"><HeartbeatInterval>120</HeartbeatInterval><Folders><Folder><Id>${contacts}</Id><Class>Contacts</Class></Folder></Folders></Ping>`);
    await new Promise((r) => setTimeout(r, 100));
    await h.ctx.store.createItem({ folderId: Number(contacts), name: 'p.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('lib-p', 'Pinged')) });
    assert.match((await ping).replace(/\s+</g, '<'), new RegExp(`<Status>2</Status><Folders><Folder>${contacts}</Folder></Folders>`));
  });
});
// The acceptance client's Sync steps run with the rest of it in ../interop.test.ts.
