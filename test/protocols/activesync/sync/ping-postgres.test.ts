/** Ping across nodes: held on one node's store, woken by a write through another node's store (PostgreSQL). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import pino from 'pino';
import { childText, el } from '../../../../protocols/activesync/wbxml/types.js';
import { decodeWbxml, encodeWbxml } from '../../../../protocols/activesync/wbxml/index.js';
import { activesyncPlugin } from '../../../../protocols/activesync/plugin.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { pushHubFor } from '../../../../protocols/activesync/sync/push.js';
import type { Store } from '../../../../src/store/store.js';
import { storeFactories } from '../../../helpers/stores.js';
import { basic, SETTINGS } from '../harness.js';
import { vcard } from './helpers.js';

const pg = (await storeFactories()).find((f) => f.name === 'postgres')!;

test('a write on another node wakes a Ping held on this one', { skip: pg.skip ?? false }, async () => {
  const opened = await pg.open();
  const other: Store = await opened.peer();
  try {
    const store = opened.store;
    const domain = await store.createDomain({ name: 'nodes.test', settings: { activesyncPolicy: { requireProvisioning: false } } });
    const account = await store.createAccount({ domainId: domain.id, email: 'node@nodes.test' });
    const folder = (await store.findFolderByRole(account.id, 'contacts'))!;
    const auth = { verify: async () => ({ ok: true as const, account }), hashPassword: async () => 'x', forget() {} };
    const app = Fastify();
    await app.register(activesyncPlugin, { ctx: { store, auth, log: pino({ level: 'silent' }), settings: SETTINGS, now: () => Date.now() } });
    await app.ready();
    const held = app.inject({
      method: 'POST', url: '/Microsoft-Server-ActiveSync?Cmd=Ping&User=node&DeviceId=NODEPING1&DeviceType=Android',
      headers: { authorization: basic('node@nodes.test', 'x'), 'ms-asprotocolversion': '14.1', 'content-type': 'application/vnd.ms-sync.wbxml' },
      payload: encodeWbxml(el('Ping', 'Ping', [el('Ping', 'HeartbeatInterval', '300'), el('Ping', 'Folders', [el('Ping', 'Folder', [el('Ping', 'Id', String(folder.id)), el('Ping', 'Class', 'Contacts')])])])),
    });
    while (pushHubFor(store).size === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await other.createItem({ folderId: folder.id, name: 'n.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('node-1', 'Noded')) });
    const r = await held;
    console.log(`# cross-node Ping wake-up (PostgreSQL NOTIFY): ${(performance.now() - t0).toFixed(1)} ms`);
    assert.equal(childText(decodeWbxml(r.rawPayload), 'Status', 'Ping'), '2');
    await app.close();
  } finally {
    await opened.dispose();
  }
});
