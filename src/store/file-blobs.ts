/**
 * Blob bytes of the SQLite backend. Small blobs written whole (putBlob: a delivered message, an
 * attachment) keep their bytes in `blobs.data`, inside the same WAL commit as their row: one
 * fsync per transaction instead of a file fsync, a directory fsync and the commit (the SMTP
 * bench's delivery path; SQLite reads small blobs faster than files, sqlite.org/intern-v-extern-blob).
 * Larger and streamed blobs are files: DATA/blobs/ab/<sha256>, content-addressed. Every file
 * appears by rename from a temp file in DATA/blobs/tmp (same file system, so the rename is atomic)
 * after its bytes were fsynced: a crash leaves either the whole blob or a stray temp file, never
 * a partial blob. Stray temp files older than a day are removed when the store opens.
 */
import { createReadStream, mkdirSync, existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { upsertInlineBlobs, type BlobBackend, type BlobRefs, type Db, type Trx } from './sql-store-base.js';
import { clampRange, type BlobRange, type BlobReadStream, type StagedBlob } from './blob-stream.js';

const STALE_TEMP_MS = 24 * 3600 * 1000;
/** Blobs up to this size written whole are kept in the database row (as ChunkBlobs does on PostgreSQL). */
export const INLINE_BLOB_BYTES = 256 * 1024;

/** An upload in progress: a temp file written chunk by chunk. */
class StagedFile implements StagedBlob {
  private fh: FileHandle | null;
  constructor(readonly path: string, fh: FileHandle) { this.fh = fh; }
  async append(chunk: Buffer): Promise<void> {
    if (!this.fh) throw new Error('staged blob already sealed');
    await this.fh.write(chunk);
  }
  async seal(): Promise<void> {
    if (!this.fh) return;
    await this.fh.sync();
    await this.fh.close();
    this.fh = null;
  }
  async discard(): Promise<void> {
    await this.fh?.close().catch(() => {});
    this.fh = null;
    await unlink(this.path).catch(() => {});
  }
}

export class FileBlobs implements BlobBackend {
  private readonly tmpDir: string;

  constructor(private readonly dir: string) {
    this.tmpDir = join(dir, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true });
    this.sweepTemp();
  }

  private path(hash: string) { return join(this.dir, hash.slice(0, 2), hash); }

  /** Removes temp files a crashed process left behind (older than a day: no upload lasts that long). */
  private sweepTemp(): void {
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of readdirSync(this.tmpDir)) {
      const p = join(this.tmpDir, name);
      try { if (statSync(p).mtimeMs < cutoff) unlinkSync(p); } catch { /* gone already */ }
    }
  }

  private tempPath(): string { return join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}.tmp`); }

  async write(trx: Trx, hash: string, data: Uint8Array): Promise<void> {
    if (data.byteLength <= INLINE_BLOB_BYTES) {
      await trx.insertInto('blobs').values({ hash, size: data.byteLength, ref_count: 1, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) } as never).execute();
      return;
    }
    const path = this.path(hash);
    if (!existsSync(path)) {
      const staged = await this.stage();
      try {
        await staged.append(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
        await staged.seal();
        await this.place(staged.path, path);
      } finally {
        await staged.discard();
      }
    }
    await trx.insertInto('blobs').values({ hash, size: data.byteLength, ref_count: 1, data: null } as never).execute();
  }

  /**
   * Small blobs (kept in the row): one upsert for the batch. A larger one is a file, written
   * only when its row does not exist yet (write() places it), then given its further references.
   */
  async addOrCreate(trx: Trx, blobs: BlobRefs[]): Promise<void> {
    await upsertInlineBlobs(trx, blobs.filter((b) => b.data.byteLength <= INLINE_BLOB_BYTES));
    for (const b of blobs.filter((x) => x.data.byteLength > INLINE_BLOB_BYTES)) {
      const updated = await trx.updateTable('blobs').set({ ref_count: sql`ref_count + ${b.refs}` }).where('hash', '=', b.hash).executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) continue;
      await this.write(trx, b.hash, b.data);
      if (b.refs > 1) await trx.updateTable('blobs').set({ ref_count: b.refs }).where('hash', '=', b.hash).execute();
    }
  }

  /** The inline bytes of a blob row, or null for a blob kept as a file (or no row). */
  private async inline(db: Db, hash: string): Promise<Buffer | null> {
    const row = await db.selectFrom('blobs').select('data').where('hash', '=', hash).executeTakeFirst();
    return row?.data ? Buffer.from(row.data) : null;
  }

  async read(db: Db, hash: string): Promise<Buffer | null> {
    const inline = await this.inline(db, hash);
    if (inline) return inline;
    try { return await readFile(this.path(hash)); } catch { return null; }
  }

  async readStream(db: Db, hash: string, range?: BlobRange): Promise<BlobReadStream | null> {
    const inline = await this.inline(db, hash);
    if (inline) {
      const { start, end } = clampRange(inline.length, range);
      return { stream: Readable.from([inline.subarray(start, end + 1)]), size: inline.length, start, end };
    }
    const path = this.path(hash);
    let size: number;
    try { size = (await stat(path)).size; } catch { return null; }
    const { start, end } = clampRange(size, range);
    // An empty blob: a stream that ends at once (createReadStream refuses end < start).
    const stream = end < start ? Readable.from([]) : createReadStream(path, { start, end });
    return { stream, size, start, end };
  }

  async stage(): Promise<StagedFile> {
    const path = this.tempPath();
    return new StagedFile(path, await open(path, 'wx'));
  }

  async adopt(trx: Trx, staged: StagedBlob, hash: string, size: number): Promise<void> {
    if (!(staged instanceof StagedFile)) throw new Error('not a staged file');
    await this.place(staged.path, this.path(hash));
    await trx.insertInto('blobs').values({ hash, size, ref_count: 1, data: null } as never).execute();
  }

  /** Renames the temp file to its content address and makes the rename durable (fsync of the directory). */
  private async place(tmp: string, path: string): Promise<void> {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true });
    await rename(tmp, path);
    const d = await open(dir, 'r');
    try { await d.sync(); } finally { await d.close(); }
  }

  async deleteIn(): Promise<void> { /* the file goes after commit */ }

  /**
   * In a write transaction, so that it cannot interleave with one that stores the same bytes
   * again (that one renames its file into place inside its transaction): the file goes only if
   * no row has come back since the release committed.
   */
  async removed(db: Db, hash: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const back = await trx.selectFrom('blobs').select('hash').where('hash', '=', hash).executeTakeFirst();
      if (!back) await unlink(this.path(hash)).catch(() => {});
    });
  }
}
