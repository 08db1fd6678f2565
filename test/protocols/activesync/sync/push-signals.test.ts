/**
 * Signals that end a held Ping or hanging Sync at once (one node, SQLite): a wipe request or an
 * access change (the next request meets the wipe or the block), a grant gained or lost (Ping
 * Status 7, Sync Status 12, so the device runs FolderSync); a grant change that leaves the
 * hierarchy as it is does not.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children, el } from '../../../../protocols/activesync/wbxml/types.js';
import { pushHubFor } from '../../../../protocols/activesync/sync/push.js';
import { delegate, undelegate } from '../../../../src/admin/delegation.js';
import { requestWipe, setDeviceAccess } from '../../../../src/admin/devices.js';
import { makeHarness, SETTINGS, type EasResponse, type Harness } from '../harness.js';
import { AS, phone, type Phone, primed, syncRequest } from './helpers.js';

/**
 * Held Pings here ask for a 300 s heartbeat: a test that has not seen its Ping end by this bound
 * failed (the Ping ended only by its heartbeat, not by the event). A liveness bound far above any
 * expected time, never a duration assertion.
 */
const HELD_PING_BOUND = 200_000;

const P = 'Ping';
const FH = 'FolderHierarchy';
const BY = { actor: 'test', source: null };
const pingBody = (hb: number, folders: string[]) => el(P, 'Ping', [
  el(P, 'HeartbeatInterval', String(hb)), el(P, 'Folders', folders.map((id) => el(P, 'Folder', [el(P, 'Id', id), el(P, 'Class', 'Contacts')]))),
]);
const pingStatus = (r: EasResponse) => childText(r.doc!, 'Status', P);

describe('Signals end held requests', { timeout: 120_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await makeHarness({ ...SETTINGS, activesync: { ...SETTINGS.activesync, minHeartbeat: 1, maxHeartbeat: 600 } });
    await h.addUser('sig@example.com', 'sig-pass-1');
    await h.addUser('owner@example.com', 'owner-pass-1', 'Owner');
  });
  after(() => h.close());

  /** Sends a request that the hub holds; resolves (to its answer, boxed) once it is held. */
  async function held(p: Phone, cmd: string, body: Parameters<Phone['dev']['send']>[1]): Promise<{ answer: Promise<EasResponse> }> {
    const before = pushHubFor(h.ctx.store).size;
    let done = false;
    const answer = p.dev.send(cmd, body).then((r) => { done = true; return r; });
    while (pushHubFor(h.ctx.store).size === before && !done) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(done, false, `${cmd} is held`);
    return { answer };
  }

  it('a wipe requested while a Ping is held ends it at once (Status 1); the next Ping meets the wipe (140)', { timeout: HELD_PING_BOUND }, async () => {
    const p = await phone(h, 'sig@example.com', 'sig-pass-1', 'SIGWIPE1', '14.1');
    const contacts = p.folders['9'];
    await primed(p, contacts);
    const { answer: ping } = await held(p, 'Ping', pingBody(300, [contacts]));
    await requestWipe(h.ctx.store, 'sig@example.com', 'SIGWIPE1', false, BY);
    assert.equal(pingStatus(await ping), '1');
    assert.equal(pingStatus(await p.dev.send('Ping', pingBody(300, [contacts]))), '140');
  });

  it('a wipe ends a hanging Sync too (empty answer), and only that device’s requests', { timeout: HELD_PING_BOUND }, async () => {
    const p = await phone(h, 'sig@example.com', 'sig-pass-1', 'SIGWIPE2', '14.1');
    const q = await phone(h, 'sig@example.com', 'sig-pass-1', 'SIGOTHER', '14.1');
    const contacts = p.folders['9'];
    const { key } = await primed(p, contacts);
    await primed(q, contacts);
    const { answer: other } = await held(q, 'Ping', pingBody(1, [contacts]));
    const { answer: hanging } = await held(p, 'Sync', syncRequest([{ key, id: contacts }], [el(AS, 'HeartbeatInterval', '300')]));
    await requestWipe(h.ctx.store, 'sig@example.com', 'SIGWIPE2', true, BY);
    const r = await hanging;
    assert.deepEqual([r.status, r.raw.length], [200, 0]);
    assert.equal(pingStatus(await other), '1', 'the other device expired at its own heartbeat');
  });

  it('blocking a device ends its held Ping; the next Ping is refused (129)', { timeout: HELD_PING_BOUND }, async () => {
    const p = await phone(h, 'sig@example.com', 'sig-pass-1', 'SIGBLOCK1', '14.1');
    const contacts = p.folders['9'];
    await primed(p, contacts);
    const { answer: ping } = await held(p, 'Ping', pingBody(300, [contacts]));
    await setDeviceAccess(h.ctx.store, 'sig@example.com', 'SIGBLOCK1', 'blocked', BY);
    assert.equal(pingStatus(await ping), '1');
    assert.equal(pingStatus(await p.dev.send('Ping', pingBody(300, [contacts]))), '129');
  });

  it('a grant gained or lost ends the held Ping with Status 7 (FolderSync then shows it); a rights change does not', { timeout: HELD_PING_BOUND }, async () => {
    const p = await phone(h, 'sig@example.com', 'sig-pass-1', 'SIGGRANT1', '16.1');
    const contacts = p.folders['9'];
    await primed(p, contacts);
    let hkey = childText((await p.dev.folderSync('0')).doc!, 'SyncKey', FH)!;

    // Gained
    const { answer: ping } = await held(p, 'Ping', pingBody(300, [contacts]));
    await delegate(h.ctx.store, 'owner@example.com', 'sig@example.com', 'read', 'Calendar', BY);
    assert.equal(pingStatus(await ping), '7');
    assert.equal(pingStatus(await p.dev.send('Ping', pingBody(300, [contacts]))), '7', 'until the device runs FolderSync');
    const fs = await p.dev.folderSync(hkey);
    hkey = childText(fs.doc!, 'SyncKey', FH)!;
    const adds = children(child(fs.doc!, 'Changes', FH)!, 'Add', FH).map((a) => childText(a, 'DisplayName', FH));
    assert.deepEqual(adds, ['Calendar (Owner)']);

    // Same folders, other rights: the hierarchy is the same, the Ping stays held.
    const { answer: quiet } = await held(p, 'Ping', pingBody(1, [contacts]));
    await delegate(h.ctx.store, 'owner@example.com', 'sig@example.com', 'write', 'Calendar', BY);
    assert.equal(pingStatus(await quiet), '1', 'expired at its heartbeat');

    // Lost
    const { answer: ping2 } = await held(p, 'Ping', pingBody(300, [contacts]));
    await undelegate(h.ctx.store, 'owner@example.com', 'sig@example.com', 'Calendar', BY);
    assert.equal(pingStatus(await ping2), '7');
    const fs2 = await p.dev.folderSync(hkey);
    assert.equal(children(child(fs2.doc!, 'Changes', FH)!, 'Delete', FH).length, 1);
  });

  it('a grant gained ends a hanging Sync with Status 12', async () => {
    const p = await phone(h, 'sig@example.com', 'sig-pass-1', 'SIGGRANT2', '16.1');
    const contacts = p.folders['9'];
    const { key } = await primed(p, contacts);
    const { answer: hanging } = await held(p, 'Sync', syncRequest([{ key, id: contacts }], [el(AS, 'HeartbeatInterval', '300')]));
    await delegate(h.ctx.store, 'owner@example.com', 'sig@example.com', 'read', 'Contacts', BY);
    assert.equal(childText((await hanging).doc!, 'Status', AS), '12');
  });
});
