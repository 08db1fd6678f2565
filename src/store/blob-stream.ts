/**
 * Streamed blobs: the types of Store.putBlobStream / getBlobStream and the one reader that hashes
 * an upload on its way to storage, so that no body is ever held whole (issue 8.3).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { StoreError } from './errors.js';

/** How much a streamed write may take. */
export interface BlobStreamOptions {
  /** The most bytes accepted; one more and the write fails with LimitExceeded and stores nothing. */
  maxBytes: number;
}

/** A stored blob: its content address (sha256, lower-case hex) and length in bytes. */
export interface StoredBlob {
  hash: string;
  size: number;
}

/** A byte range of a blob, both ends inclusive (as in an HTTP Range, RFC 9110 §14.1.2). */
export interface BlobRange {
  start: number;
  /** Last byte wanted; past the end (or absent) means up to the last byte. */
  end?: number;
}

/** A blob being read: `stream` yields the bytes `start..end` of a blob `size` bytes long. */
export interface BlobReadStream {
  stream: Readable;
  /** The whole blob's length, whatever range was asked for. */
  size: number;
  start: number;
  /** Inclusive; `start - 1` for an empty blob. */
  end: number;
}

/** Where streamed bytes go before their hash is known (a temp file, chunk rows under a temp key). */
export interface StagedBlob {
  append(chunk: Buffer): Promise<void>;
  /** Makes what was appended durable (fsync, last chunk written). */
  seal(): Promise<void>;
  /** Removes what is left of the staging; harmless after the bytes became the blob. */
  discard(): Promise<void>;
}

export const limitExceeded = (maxBytes: number) => new StoreError('LimitExceeded', `blob larger than ${maxBytes} bytes`);

/**
 * Reads `source` to its end into `sink`, one chunk at a time (the source is paused while a chunk
 * is written, so memory holds about one chunk), hashing on the way. Past `maxBytes` it stops
 * reading and rejects with LimitExceeded; the source is paused and left, not destroyed, so that an
 * HTTP request can still be answered (with Connection: close).
 */
export function hashInto(source: Readable, maxBytes: number, sink: (chunk: Buffer) => Promise<void>): Promise<StoredBlob> {
  const hash = createHash('sha256');
  let size = 0;
  return new Promise<StoredBlob>((resolve, reject) => {
    let settled = false;
    let writing = false;
    let ended = false;
    // A failure while a chunk is being written waits for that write: the caller's clean-up must
    // not race a write still in flight (it would leave staged bytes behind).
    let failure: Error | null = null;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('aborted', onAborted);
      source.off('close', onClose);
      if (err) { source.pause(); reject(err); } else resolve({ hash: hash.digest('hex'), size });
    };
    const onData = (data: Buffer | string) => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      size += chunk.length;
      if (size > maxBytes) { settle(limitExceeded(maxBytes)); return; }
      hash.update(chunk);
      source.pause();
      writing = true;
      sink(chunk).then(() => {
        writing = false;
        if (failure) settle(failure);
        else if (ended) settle(null);
        else if (!settled) source.resume();
      }, (e: Error) => { writing = false; settle(e); });
    };
    const fail = (e: Error) => { if (writing) failure ??= e; else settle(e); };
    const onEnd = () => { ended = true; if (!writing) settle(null); };
    const onError = (e: Error) => fail(e);
    const onAborted = () => fail(new StoreError('Invalid', 'upload aborted'));
    // A source destroyed before its end (the client went away) never emits 'end'.
    const onClose = () => { if (!ended) fail(new StoreError('Invalid', 'upload ended early')); };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('aborted', onAborted);
    source.on('close', onClose);
    source.resume();
  });
}

/** Resolves an optional range against a blob of `size` bytes; a start past the end is Invalid. */
export function clampRange(size: number, range?: BlobRange): { start: number; end: number } {
  if (!range) return { start: 0, end: size - 1 };
  const start = range.start;
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (!Number.isSafeInteger(start) || start < 0 || (size > 0 && start >= size) || end < start - 1) {
    throw new StoreError('Invalid', 'range outside the blob');
  }
  return { start, end };
}
