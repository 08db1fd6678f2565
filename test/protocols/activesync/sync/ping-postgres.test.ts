/**
 * Held requests across nodes (PostgreSQL): two store instances on one database, each serving its
 * own fastify app, as two Hearth nodes behind a load balancer. A write on one node wakes a Ping
 * held on the other; a newer Ping on one node ends the older on the other; the device's own Sync
 * on one node does not wake its Ping on the other; a wipe and a grant reach a Ping on any node.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { child, childText, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { activesyncPlugin } from '../../../../protocols/activesync/plugin.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { pushHubFor } from '../../../../protocols/activesync/sync/push.js';
import { delegate } from '../../../../src/admin/delegation.js';
import { requestWipe } from '../../../../src/admin/devices.js';
import type { Account, Folder } from '../../../../src/model/types.js';
import type { Store } from '../../../../src/store/store.js';
import { type OpenedStore, storeFactories } from '../../../helpers/stores.js';
import { type EasResponse, SETTINGS, TestDevice } from '../harness.js';
import { collection, contactAdd, type Phone, primed, responses, sync, vcard } from './helpers.js';

/**
 * Held Pings here ask for a 300 s heartbeat: a test that has not seen its Ping end by this bound
 * failed (the Ping ended only by its heartbeat, not by the event). A liveness bound far above any
 * expected time, never a duration assertion.
 */
const HELD_PING_BOUND = 200_000;

const pg = (await storeFactories()).find((f) => f.name === 'postgres')!;
const P = 'Ping';
const BY = { actor: 'test', source: null };
const pingBody = (hb: number, folders: string[]) => el(P, 'Ping', [
  el(P, 'HeartbeatInterval', String(hb)), el(P, 'Folders', folders.map((id) => el(P, 'Folder', [el(P, 'Id', id), el(P, 'Class', 'Contacts')]))),
]);
const pingStatus = (r: EasResponse) => childText(r.doc!, 'Status', P);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('held requests across nodes (PostgreSQL)', { skip: pg.skip ?? false }, () => {
  let opened: OpenedStore;
  let a: Store;
  let b: Store;
  let appA: FastifyInstance;
  let appB: FastifyInstance;
  let account: Account;
  let folder: Folder;

  async function node(store: Store): Promise<FastifyInstance> {
    const auth = { verify: async (login: string) => ({ ok: true as const, account: (await store.getAccount(login))! }), hashPassword: async () => 'x', forget() {} };
    const app = Fastify();
    await app.register(activesyncPlugin, { ctx: { store, auth, log: pino({ level: 'silent' }), settings: { ...SETTINGS, activesync: { ...SETTINGS.activesync, minHeartbeat: 1 } }, now: () => Date.now() } });
    await app.ready();
    return app;
  }

  /** The same phone (one DeviceId) as each node sees it. */
  const on = (app: FastifyInstance, deviceId: string, user = 'node@nodes.test'): Phone => ({ dev: new TestDevice(app, user, 'x', deviceId, '14.1'), folders: {} });

  /** Sends a request that `store`'s node holds; resolves (its answer boxed) once it is held and listening. */
  async function held(store: Store, p: Phone, cmd: string, body: WbxmlElement): Promise<{ answer: Promise<EasResponse>; done: () => boolean }> {
    const before = pushHubFor(store).size;
    let done = false;
    const answer = p.dev.send(cmd, body).then((r) => { done = true; return r; });
    while (pushHubFor(store).size === before && !done) await pause(5);
    await pause(100);
    assert.equal(done, false, `${cmd} is held`);
    return { answer, done: () => done };
  }

  before(async () => {
    opened = await pg.open();
    a = opened.store;
    b = await opened.peer();
    const domain = await a.createDomain({ name: 'nodes.test', settings: { activesyncPolicy: { requireProvisioning: false } } });
    account = await a.createAccount({ domainId: domain.id, email: 'node@nodes.test' });
    await a.createAccount({ domainId: domain.id, email: 'boss@nodes.test', displayName: 'Boss' });
    folder = (await a.findFolderByRole(account.id, 'contacts'))!;
    appA = await node(a);
    appB = await node(b);
  });
  after(async () => {
    await appA?.close();
    await appB?.close();
    await opened?.dispose();
  });

  it('a write on another node wakes a Ping held on this one', async () => {
    const { answer } = await held(a, on(appA, 'NODEPING1'), 'Ping', pingBody(300, [String(folder.id)]));
    const t0 = performance.now();
    await b.createItem({ folderId: folder.id, name: 'n.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('node-1', 'Noded')) });
    const r = await answer;
    console.log(`# cross-node Ping wake-up (PostgreSQL NOTIFY): ${(performance.now() - t0).toFixed(1)} ms`);
    assert.equal(pingStatus(r), '2');
  });

  // The older Ping's heartbeat is 300 s: the test's own timeout, far under it, fails the test if the
  // Ping ended only by its heartbeat (a liveness bound, not a duration assertion).
  it('PingSupersededAcrossNodes: a newer Ping of the device on node B ends the older on node A (Status 1); B’s stays held', { timeout: HELD_PING_BOUND }, async () => {
    const older = await held(a, on(appA, 'NODEPING2'), 'Ping', pingBody(300, [String(folder.id)]));
    const newer = await held(b, on(appB, 'NODEPING2'), 'Ping', pingBody(300, [String(folder.id)]));
    assert.equal(pingStatus(await older.answer), '1');
    await pause(200);
    assert.equal(newer.done(), false, 'the newer Ping ignores its own signal');
    // Another device of the account is not concerned.
    const other = await held(a, on(appA, 'NODEPING3'), 'Ping', pingBody(1, [String(folder.id)]));
    assert.equal(newer.done(), false);
    await b.createItem({ folderId: folder.id, name: 'n2.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('node-2', 'Newer')) });
    assert.equal(pingStatus(await newer.answer), '2');
    await other.answer;
  });

  it('PingWokenByOwnSyncOnOtherNode: the device’s Sync on node A does not wake its Ping held on node B; another writer’s does', async () => {
    const pa = on(appA, 'NODEOWN1');
    const pb = on(appB, 'NODEOWN1');
    const id = String(folder.id);
    const { key } = await primed(pa, id);
    const ping = await held(b, pb, 'Ping', pingBody(300, [id]));
    const r = await sync(pa, { key, id, commands: [contactAdd('own-1', 'Own'), contactAdd('own-2', 'Write')] });
    assert.equal(responses(collection(r.doc, id), 'Add').length, 2);
    await pause(400);
    assert.equal(ping.done(), false, 'still held after the device wrote two contacts on the other node');
    await a.createItem({ folderId: folder.id, name: 'theirs.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('theirs-1', 'Theirs')) });
    const woke = await ping.answer;
    assert.equal(pingStatus(woke), '2');
    assert.deepEqual(children(child(woke.doc!, 'Folders', P)!, 'Folder', P).map((f) => f.text), [id]);
  });

  it('a wipe requested through a third store (the CLI) ends a Ping held on node B at once; its next Ping meets the wipe', { timeout: HELD_PING_BOUND }, async () => {
    const cli = await opened.peer();
    const pb = on(appB, 'NODEWIPE1');
    const { answer } = await held(b, pb, 'Ping', pingBody(300, [String(folder.id)]));
    await requestWipe(cli, 'node@nodes.test', 'NODEWIPE1', false, BY);
    assert.equal(pingStatus(await answer), '1');
    assert.equal(pingStatus(await pb.dev.send('Ping', pingBody(300, [String(folder.id)]))), '140');
  });

  it('a grant made on node A ends a Ping held on node B with Status 7', async () => {
    const pb = on(appB, 'NODEGRANT1');
    await pb.dev.folderSync('0');
    const { answer } = await held(b, pb, 'Ping', pingBody(300, [String(folder.id)]));
    await delegate(a, 'boss@nodes.test', 'node@nodes.test', 'read', 'Calendar', BY);
    assert.equal(pingStatus(await answer), '7');
  });
});
