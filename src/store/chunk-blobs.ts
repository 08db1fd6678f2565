/**
 * Blob bytes in the database (the PostgreSQL backend), so that every node behind the load balancer
 * reads the same blobs. Small blobs written whole (putBlob) keep their bytes in `blobs.data`;
 * streamed ones live in `blob_chunks` as 512 KiB rows. An upload writes its chunks as they arrive,
 * each in its own short statement, under a temporary key `tmp-<epoch ms>-<random>`; the
 * transaction that creates the blob row renames them to the hash. Chunks of uploads that a crashed
 * node left behind are swept after a day.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { inlineBlobUpsert, inlineSlice, upsertInlineBlobs, type BlobBackend, type BlobRefs, type Db, type Trx } from './sql-store-base.js';
import { clampRange, type BlobRange, type BlobReadStream, type StagedBlob } from './blob-stream.js';

/** Bytes per chunk row: big enough that a row costs little, small enough to hold a few at once. */
export const BLOB_CHUNK_BYTES = 512 * 1024;
const STALE_UPLOAD_MS = 24 * 3600 * 1000;
const SWEEP_EVERY_MS = 3600 * 1000;

/** An upload in progress: whole chunks go to the table, the remainder waits in `pending`. */
class StagedChunks implements StagedBlob {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private seq = 0;
  constructor(private readonly db: Db, readonly key: string) {}

  async append(chunk: Buffer): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= BLOB_CHUNK_BYTES) {
      const all = Buffer.concat(this.pending, this.pendingBytes);
      await this.insert(all.subarray(0, BLOB_CHUNK_BYTES));
      const rest = all.subarray(BLOB_CHUNK_BYTES);
      this.pending = rest.length ? [Buffer.from(rest)] : [];
      this.pendingBytes = rest.length;
    }
  }

  async seal(): Promise<void> {
    if (this.pendingBytes > 0) await this.insert(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }

  async discard(): Promise<void> {
    this.pending = [];
    await this.db.deleteFrom('blob_chunks').where('hash', '=', this.key).execute();
  }

  private async insert(data: Buffer): Promise<void> {
    await this.db.insertInto('blob_chunks').values({ hash: this.key, seq: this.seq++, data }).execute();
  }
}

export class ChunkBlobs implements BlobBackend {
  private lastSweep = 0;

  async write(trx: Trx, hash: string, data: Uint8Array): Promise<void> {
    await trx.insertInto('blobs').values({ hash, size: data.byteLength, ref_count: 1, data: Buffer.from(data) } as never).execute();
  }

  /** Whole blobs keep their bytes in the row (as write does): one upsert for the batch. */
  addOrCreate(trx: Trx, blobs: BlobRefs[]): Promise<void> {
    return upsertInlineBlobs(trx, blobs);
  }

  addOrCreateQuery(trx: Trx, blobs: BlobRefs[]) {
    return blobs.length > 0 && inlineSlice(blobs) === blobs.length ? inlineBlobUpsert(trx, blobs) : undefined;
  }

  async read(db: Db, hash: string): Promise<Buffer | null> {
    const row = await db.selectFrom('blobs').select(['data', 'size']).where('hash', '=', hash).executeTakeFirst();
    if (!row) return null;
    if (row.data) return row.data;
    const chunks = await db.selectFrom('blob_chunks').select('data').where('hash', '=', hash).orderBy('seq').execute();
    return Buffer.concat(chunks.map((c) => c.data));
  }

  async readStream(db: Db, hash: string, range?: BlobRange): Promise<BlobReadStream | null> {
    const row = await db.selectFrom('blobs').select(['size', sql<boolean>`data is not null`.as('inline')]).where('hash', '=', hash).executeTakeFirst();
    if (!row) return null;
    const size = Number(row.size);
    const { start, end } = clampRange(size, range);
    if (row.inline) {
      // A whole message written by delivery (putBlob) sits in blobs.data: read it in slices of
      // one chunk (bytea substring, 1-based) as the consumer asks, never the whole value at once.
      async function* slices(): AsyncGenerator<Buffer> {
        for (let at = start; at <= end; at += BLOB_CHUNK_BYTES) {
          const len = Math.min(BLOB_CHUNK_BYTES, end - at + 1);
          const r = await db.selectFrom('blobs').select(sql<Buffer>`substring(data from ${at + 1} for ${len})`.as('part'))
            .where('hash', '=', hash).executeTakeFirst();
          if (!r) throw new Error(`blob ${hash} went away while it was read`);
          yield r.part;
        }
      }
      return { stream: Readable.from(slices(), { objectMode: false }), size, start, end };
    }
    // One chunk row per read, fetched when the consumer wants more: memory stays near one chunk.
    async function* pieces(): AsyncGenerator<Buffer> {
      if (end < start) return;
      for (let seq = Math.floor(start / BLOB_CHUNK_BYTES); seq <= Math.floor(end / BLOB_CHUNK_BYTES); seq++) {
        const c = await db.selectFrom('blob_chunks').select('data').where('hash', '=', hash).where('seq', '=', seq).executeTakeFirst();
        if (!c) throw new Error(`blob ${hash} is missing chunk ${seq}`);
        const base = seq * BLOB_CHUNK_BYTES;
        yield c.data.subarray(Math.max(0, start - base), Math.min(c.data.length, end - base + 1));
      }
    }
    return { stream: Readable.from(pieces(), { objectMode: false }), size, start, end };
  }

  async stage(db: Db): Promise<StagedChunks> {
    await this.sweep(db);
    return new StagedChunks(db, `tmp-${Date.now()}-${randomBytes(8).toString('hex')}`);
  }

  async adopt(trx: Trx, staged: StagedBlob, hash: string, size: number): Promise<void> {
    if (!(staged instanceof StagedChunks)) throw new Error('not staged chunks');
    await trx.updateTable('blob_chunks').set({ hash }).where('hash', '=', staged.key).execute();
    await trx.insertInto('blobs').values({ hash, size, ref_count: 1, data: null } as never).execute();
  }

  async deleteIn(trx: Trx, hash: string): Promise<void> {
    await trx.deleteFrom('blob_chunks').where('hash', '=', hash).execute();
  }

  async removed(): Promise<void> {}

  /** At most once an hour per node: chunks of uploads started over a day ago (their node died). */
  private async sweep(db: Db): Promise<void> {
    const t = Date.now();
    if (t - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = t;
    // The key collates as bytes, so 'tmp-' .. 'tmp.' is one range of the primary key index.
    await sql`delete from blob_chunks where hash >= 'tmp-' and hash < 'tmp.'
      and split_part(hash, '-', 2)::bigint < ${t - STALE_UPLOAD_MS}`.execute(db);
  }
}
