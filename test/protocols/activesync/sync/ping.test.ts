/** Ping and the hanging Sync: parameters, bounds, wake-up on a store write, expiry, supersession. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children, el } from '../../../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { pushHubFor } from '../../../../protocols/activesync/sync/push.js';
import { makeHarness, SETTINGS, type Harness } from '../harness.js';
import { AS, collection, commands, contactAdd, keyOf, phone, type Phone, primed, responses, sync, syncRequest, vcard, vevent } from './helpers.js';

/**
 * Held Pings here ask for a 300 s heartbeat: a test that has not seen its Ping end by this bound
 * failed (the Ping ended only by its heartbeat, not by the event). A liveness bound far above any
 * expected time, never a duration assertion.
 */
const HELD_PING_BOUND = 200_000;

const P = 'Ping';
const pingBody = (hb?: number, folders?: string[]) => el(P, 'Ping', [
  ...(hb !== undefined ? [el(P, 'HeartbeatInterval', String(hb))] : []),
  ...(folders ? [el(P, 'Folders', folders.map((id) => el(P, 'Folder', [el(P, 'Id', id), el(P, 'Class', 'Contacts')])))] : []),
]);
const statusOf = (doc: Parameters<typeof child>[0] | null) => childText(doc!, 'Status', P);
const foldersOf = (doc: Parameters<typeof child>[0] | null) => children(child(doc!, 'Folders', P) ?? el(P, 'x'), 'Folder', P).map((f) => f.text);

describe('Ping', () => {
  let h: Harness;
  let p: Phone;
  let contacts: string;
  let cal: string;
  before(async () => {
    h = await makeHarness({ ...SETTINGS, activesync: { ...SETTINGS.activesync, minHeartbeat: 1, maxHeartbeat: 600 } });
    await h.addUser('pia@example.com', 'pia-pass-1');
    p = await phone(h, 'pia@example.com', 'pia-pass-1', 'PINGPHONE1', '14.1');
    contacts = p.folders['9'];
    cal = p.folders['8'];
    await primed(p, contacts);
    await primed(p, cal);
  });
  after(() => h.close());

  it('Status 3 without parameters to reuse, 5 with the bound outside the heartbeat limits, 7 for an unknown folder, 6 for too many', async () => {
    assert.equal(statusOf((await p.dev.send('Ping', null)).doc), '3');
    assert.equal(statusOf((await p.dev.send('Ping', pingBody(60))).doc), '3');
    const tooLong = await p.dev.send('Ping', pingBody(5000, [contacts]));
    assert.deepEqual([statusOf(tooLong.doc), childText(tooLong.doc!, 'HeartbeatInterval', P)], ['5', '600']);
    const tooShort = await p.dev.send('Ping', pingBody(0, [contacts]));
    assert.deepEqual([statusOf(tooShort.doc), childText(tooShort.doc!, 'HeartbeatInterval', P)], ['5', '1']);
    assert.equal(statusOf((await p.dev.send('Ping', pingBody(60, ['424242']))).doc), '7');
    const many = await p.dev.send('Ping', pingBody(60, Array.from({ length: 301 }, () => contacts)));
    assert.deepEqual([statusOf(many.doc), childText(many.doc!, 'MaxFolders', P)], ['6', '300']);
  });

  it('a store write (as CalDAV makes it) wakes the Ping with Status 2 and the folder; the latency is printed', { timeout: HELD_PING_BOUND }, async () => {
    const held = p.dev.send('Ping', pingBody(300, [contacts, cal]));
    while (pushHubFor(h.ctx.store).size === 0) await new Promise((r) => setTimeout(r, 2));
    const t0 = performance.now();
    await h.ctx.store.createItem({ folderId: Number(cal), name: 'wake.ics', ...ITEM_CLASSES.Calendar.fields(vevent('wake-1', 'Wake up', new Date())) });
    const r = await held;
    const ms = performance.now() - t0;
    console.log(`# Ping wake-up after a store write: ${ms.toFixed(1)} ms`);
    assert.equal(statusOf(r.doc), '2');
    assert.deepEqual(foldersOf(r.doc), [cal]);
  });

  it('changes made before the Ping count at once; after a Sync, a write to an unwatched folder does not wake it', async () => {
    const r = await p.dev.send('Ping', pingBody(1, [contacts, cal]));
    assert.equal(statusOf(r.doc), '2', 'the event above is not synced yet');
    assert.deepEqual(foldersOf(r.doc), [cal]);
    await primed(p, cal);
    const held = p.dev.send('Ping', pingBody(1, [contacts]));
    await h.ctx.store.createItem({ folderId: Number(cal), name: 'other.ics', ...ITEM_CLASSES.Calendar.fields(vevent('other-1', 'Elsewhere', new Date())) });
    assert.equal(statusOf((await held).doc), '1', 'expired: the calendar was not watched');
  });

  it('an empty Ping reuses the remembered heartbeat and folders; a newer Ping ends the older with Status 1', { timeout: HELD_PING_BOUND }, async () => {
    await primed(p, cal);
    await p.dev.send('Ping', pingBody(1, [contacts]));
    const older = p.dev.send('Ping', pingBody(300, [contacts]));
    while (pushHubFor(h.ctx.store).size === 0) await new Promise((r) => setTimeout(r, 2));
    const newer = p.dev.send('Ping', null);
    assert.equal(statusOf((await older).doc), '1');
    await h.ctx.store.createItem({ folderId: Number(contacts), name: 'new.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('new-1', 'Newer')) });
    const r = await newer;
    assert.equal(statusOf(r.doc), '2');
    assert.deepEqual(foldersOf(r.doc), [contacts]);
  });

  it('a hanging Sync (HeartbeatInterval) answers when a change arrives, and empty when it expires', async () => {
    const { key } = await primed(p, contacts);
    const held = p.dev.send('Sync', syncRequest([{ key, id: contacts }], [el(AS, 'HeartbeatInterval', '300')]));
    while (pushHubFor(h.ctx.store).size === 0) await new Promise((r) => setTimeout(r, 2));
    await h.ctx.store.createItem({ folderId: Number(contacts), name: 'hang.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('hang-1', 'Hanging')) });
    const r = await held;
    const c = collection(r.doc, contacts);
    assert.equal(commands(c, 'Add').length, 1);
    const quiet = await p.dev.send('Sync', syncRequest([{ key: keyOf(c), id: contacts }], [el(AS, 'HeartbeatInterval', '1')]));
    assert.equal(quiet.status, 200);
    assert.equal(quiet.raw.length, 0, 'nothing changed: an empty answer');
    void sync;
  });

  it('PingWokenByOwnSync: the device’s own Sync writes do not wake its held Ping; another writer’s do', async () => {
    const { key } = await primed(p, contacts);
    let answered = false;
    const held = p.dev.send('Ping', pingBody(300, [contacts])).then((r) => { answered = true; return r; });
    while (pushHubFor(h.ctx.store).size === 0) await new Promise((r) => setTimeout(r, 2));
    const r = await sync(p, { key, id: contacts, commands: [contactAdd('own-1', 'Own'), contactAdd('own-2', 'Write')] });
    assert.equal(responses(collection(r.doc, contacts), 'Add').length, 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answered, false, 'the Ping is still held after the device wrote two contacts');
    await h.ctx.store.createItem({ folderId: Number(contacts), name: 'theirs.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('theirs-1', 'Theirs')) });
    const woke = await held;
    assert.equal(statusOf(woke.doc), '2');
    assert.deepEqual(foldersOf(woke.doc), [contacts]);
  });
});
