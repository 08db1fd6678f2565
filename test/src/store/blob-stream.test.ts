/**
 * Streamed blobs (Store.putBlobStream / getBlobStream), the same assertions on every backend:
 * content addressing shared with putBlob, limits that store nothing, ranges across chunk borders,
 * and no staging left behind.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import type { Store } from '../../../src/store/store.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { SqlStore } from '../../../src/store/sql-store.js';
import { BLOB_CHUNK_BYTES } from '../../../src/store/chunk-blobs.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';

/** Deterministic bytes, different per seed, delivered in uneven pieces as a network would. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}
function pieces(data: Buffer, step = 65_537): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += step) parts.push(data.subarray(i, i + step));
  return Readable.from(parts, { objectMode: false });
}
async function collect(s: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of s) out.push(c as Buffer);
  return Buffer.concat(out);
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A full collection, without starting node with --expose-gc. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Rows under temporary keys (PostgreSQL) and files in the temp directory (SQLite): both must be empty. */
async function leftovers(store: Store, dataDir: string | null): Promise<number> {
  const db = (store as SqlStore).database;
  const { rows } = await sql<{ n: number }>`select count(*) as n from blob_chunks where hash like 'tmp-%'`.execute(db);
  const files = dataDir ? readdirSync(`${dataDir}/blobs/tmp`).length : 0;
  return Number(rows[0].n) + files;
}

for (const factory of await storeFactories()) {
  describe(`blob streams (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let dataDir: string | null = null;

    before(async () => {
      opened = await factory.open();
      store = opened.store;
      dataDir = opened.dataDir ?? null;
    });
    after(async () => { await opened?.dispose(); });

    it('stores a stream under its sha256 and reads it back whole and by ranges across chunk borders', async () => {
      const data = bytes(2 * BLOB_CHUNK_BYTES + 12_345, 1);
      const put = await store.putBlobStream(pieces(data), { maxBytes: data.length });
      assert.deepEqual(put, { hash: sha(data), size: data.length });
      const whole = await store.getBlobStream(put.hash);
      assert.ok(whole);
      assert.equal(whole.size, data.length);
      assert.ok((await collect(whole.stream)).equals(data));
      assert.ok((await store.getBlob(put.hash))?.equals(data), 'getBlob reads a streamed blob too');
      for (const [start, end] of [[0, 0], [BLOB_CHUNK_BYTES - 3, BLOB_CHUNK_BYTES + 2], [BLOB_CHUNK_BYTES, 2 * BLOB_CHUNK_BYTES - 1], [data.length - 5, data.length - 1]]) {
        const r = await store.getBlobStream(put.hash, { start, end });
        assert.ok(r);
        assert.deepEqual([r.start, r.end, r.size], [start, end, data.length]);
        assert.ok((await collect(r.stream)).equals(data.subarray(start, end + 1)), `range ${start}-${end}`);
      }
      const open = await store.getBlobStream(put.hash, { start: data.length - 10, end: data.length * 2 });
      assert.equal(open?.end, data.length - 1, 'an end past the blob is clamped');
      assert.ok((await collect(open!.stream)).equals(data.subarray(data.length - 10)));
      await assert.rejects(store.getBlobStream(put.hash, { start: data.length }), (e) => isStoreError(e, 'Invalid'));
      await store.releaseBlob(put.hash);
      assert.equal(await store.getBlobStream(put.hash), null);
      assert.equal(await leftovers(store, dataDir), 0);
    });

    it('reads a blob written whole (a delivered message) in pieces of at most one chunk, by ranges too', async () => {
      const data = bytes(2 * BLOB_CHUNK_BYTES + 777, 9);
      const h = await store.putBlob(data);
      const r = await store.getBlobStream(h);
      assert.ok(r);
      const seen: Buffer[] = [];
      for await (const piece of r.stream) seen.push(piece as Buffer);
      assert.ok(Buffer.concat(seen).equals(data));
      assert.ok(seen.length >= 3 && seen.every((p) => p.length <= BLOB_CHUNK_BYTES), `pieces of ${seen.map((p) => p.length).join(', ')} bytes`);
      for (const [start, end] of [[0, 0], [BLOB_CHUNK_BYTES - 1, BLOB_CHUNK_BYTES], [17, 2 * BLOB_CHUNK_BYTES + 100], [data.length - 3, data.length - 1]]) {
        const part = await store.getBlobStream(h, { start, end });
        assert.ok((await collect(part!.stream)).equals(data.subarray(start, end + 1)), `range ${start}-${end}`);
      }
      await store.releaseBlob(h);
      assert.equal(await store.getBlobStream(h), null);
    });

    it('shares content and references with putBlob, both ways', async () => {
      const data = bytes(70_000, 2);
      const h = await store.putBlob(data);
      const s = await store.putBlobStream(pieces(data, 1000), { maxBytes: 1e6 });
      assert.equal(s.hash, h);
      await store.releaseBlob(h);
      assert.ok((await collect((await store.getBlobStream(h))!.stream)).equals(data), 'one reference left');
      await store.releaseBlob(h);
      assert.equal(await store.getBlob(h), null);

      const other = bytes(BLOB_CHUNK_BYTES + 1, 3);
      const s2 = await store.putBlobStream(pieces(other), { maxBytes: other.length });
      assert.equal(await store.putBlob(other), s2.hash);
      await store.releaseBlob(s2.hash);
      assert.ok((await store.getBlob(s2.hash))?.equals(other));
      await store.releaseBlob(s2.hash);
      assert.equal(await store.getBlobStream(s2.hash), null);
      if (factory.name === 'postgres') {
        const { rows } = await sql<{ n: number }>`select count(*) as n from blob_chunks`.execute((store as SqlStore).database);
        assert.equal(Number(rows[0].n), 0, 'the last release deletes the chunks');
      }
    });

    it('stores an empty stream', async () => {
      const s = await store.putBlobStream(Readable.from([]), { maxBytes: 0 });
      assert.deepEqual(s, { hash: sha(Buffer.alloc(0)), size: 0 });
      const r = await store.getBlobStream(s.hash);
      assert.equal(r?.size, 0);
      assert.equal((await collect(r!.stream)).length, 0);
      await store.releaseBlob(s.hash);
    });

    it('refuses a stream over maxBytes with LimitExceeded, stores nothing and leaves the source paused', async () => {
      const data = bytes(BLOB_CHUNK_BYTES * 3, 4);
      const source = pieces(data);
      await assert.rejects(store.putBlobStream(source, { maxBytes: BLOB_CHUNK_BYTES + 100 }), (e) => isStoreError(e, 'LimitExceeded'));
      assert.equal(source.destroyed, false, 'not destroyed: an HTTP answer can still go out');
      source.destroy();
      assert.equal(await store.getBlob(sha(data)), null);
      assert.equal(await leftovers(store, dataDir), 0);
    });

    it('stores nothing when the source fails midway', async () => {
      const data = bytes(BLOB_CHUNK_BYTES + 5000, 5);
      async function* failing() { yield data.subarray(0, BLOB_CHUNK_BYTES + 10); throw new Error('connection reset'); }
      await assert.rejects(store.putBlobStream(Readable.from(failing(), { objectMode: false }), { maxBytes: 1e9 }), /connection reset/);
      assert.equal(await leftovers(store, dataDir), 0);
    });

    it('stores and reads back 64 MB retaining only a few chunks of memory', async () => {
      const MB = 1024 * 1024;
      const total = 64 * MB;
      const piece = bytes(64 * 1024, 6);
      let made = 0;
      // What stays reachable, not garbage awaiting collection: collect, then measure, every 1 MB.
      const used = () => { gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
      const start = used();
      let peak = 0;
      let seen = 0;
      const sample = (n: number) => { seen += n; if (seen >= MB) { seen = 0; peak = Math.max(peak, used() - start); } };
      // The same piece again and again: the source itself costs nothing, so what grows is the store's.
      const source = new Readable({ read() { sample(piece.length); if (made >= total) this.push(null); else { made += piece.length; this.push(piece); } } });
      const want = createHash('sha256');
      for (let i = 0; i < total / piece.length; i++) want.update(piece);
      const put = await store.putBlobStream(source, { maxBytes: total });
      assert.deepEqual(put, { hash: want.digest('hex'), size: total });
      const back = await store.getBlobStream(put.hash);
      const got = createHash('sha256');
      let n = 0;
      for await (const c of back!.stream) { got.update(c as Buffer); n += (c as Buffer).length; sample((c as Buffer).length); }
      assert.equal(n, total);
      assert.equal(got.digest('hex'), put.hash);
      if (process.env.HEARTH_PRINT_MEMORY) console.log(`retained peak +${(peak / MB).toFixed(1)} MB`);
      assert.ok(peak < 24 * MB, `memory retained grew by ${(peak / MB).toFixed(1)} MB`);
      await store.releaseBlob(put.hash);
    });

    it('answers null for unknown and malformed hashes', async () => {
      assert.equal(await store.getBlobStream('0'.repeat(64)), null);
      assert.equal(await store.getBlobStream('../../etc/passwd'), null);
    });
  });
}
