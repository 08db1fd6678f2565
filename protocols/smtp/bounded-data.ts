/**
 * Reads the DATA stream into memory up to a cap (RFC 1870 SIZE). Past the cap the rest is read
 * and thrown away, so memory stays bounded by the cap whatever the client sends, and the
 * dialogue stays in step for the 552 reply after the final dot.
 */
import type { Readable } from 'node:stream';

export type BoundedRead = { ok: true; bytes: Buffer } | { ok: false; size: number };

export function readBounded(stream: Readable, cap: number): Promise<BoundedRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= cap) chunks.push(chunk);
      else if (chunks.length) chunks.length = 0;
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(size <= cap ? { ok: true, bytes: Buffer.concat(chunks, size) } : { ok: false, size }));
  });
}
