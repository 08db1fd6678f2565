/** Outgoing mail through the Outbound interface is archived once accepted (src/mail/archive/outbound.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archivingOutbound } from '../../../src/mail/archive/outbound.js';
import { MessageArchive } from '../../../src/mail/archive/archive.js';
import type { Outbound, OutboundMessage } from '../../../src/mail/outbound.js';
import type { ArchiveStore, NewArchiveRecord } from '../../../src/store/archive-store.js';

class MemoryArchive implements ArchiveStore {
  records: NewArchiveRecord[] = [];
  fail = false;
  async archiveMessage(r: NewArchiveRecord, compressed: Uint8Array) {
    if (this.fail) throw new Error('disk full');
    this.records.push(r);
    return { ...r, id: this.records.length, day: '2026-12-03', storedSize: compressed.byteLength };
  }
  async searchArchive() {
    return [];
  }
  async getArchived() {
    return null;
  }
  async purgeArchive() {
    return 0;
  }
}

const message: OutboundMessage = {
  mailFrom: 'ann@example.test',
  recipients: ['x@example.org'],
  submittedBy: 'ann@example.test',
  bytes: Buffer.from('From: ann@example.test\r\nTo: x@example.org\r\nSubject: out\r\nMessage-ID: <out@example.test>\r\n\r\nhi\r\n'),
};

test('an accepted message is archived as direction out, after the inner send', async () => {
  const order: string[] = [];
  const store = new MemoryArchive();
  const inner: Outbound = {
    async send() {
      order.push('sent');
      return { queueId: 'q1' };
    },
  };
  const out = archivingOutbound(inner, new MessageArchive(store), () => assert.fail('no error expected'));
  assert.deepEqual(await out.send(message), { queueId: 'q1' });
  assert.equal(order[0], 'sent');
  assert.equal(store.records.length, 1);
  assert.deepEqual(
    [store.records[0].direction, store.records[0].rcptTo, store.records[0].subject, store.records[0].messageId],
    ['out', ['x@example.org'], 'out', 'out@example.test'],
  );
});

test('a send that fails archives nothing; an archive that fails does not fail the send', async () => {
  const store = new MemoryArchive();
  const failing: Outbound = {
    async send() {
      throw new Error('queue down');
    },
  };
  await assert.rejects(archivingOutbound(failing, new MessageArchive(store), () => {}).send(message), /queue down/);
  assert.equal(store.records.length, 0);
  store.fail = true;
  const errors: string[] = [];
  const ok: Outbound = {
    async send() {
      return { queueId: null };
    },
  };
  assert.deepEqual(await archivingOutbound(ok, new MessageArchive(store), (e) => errors.push(e.message)).send(message), { queueId: null });
  assert.deepEqual(errors, ['disk full']);
});
