/**
 * Reads a request body with a hard cap: it counts bytes as they arrive and stops reading the
 * moment the cap is passed, so an over-long body (declared or chunked) costs at most the cap in
 * memory (issue 8.1). The caller has already refused a declared Content-Length above the cap.
 */
import type { Readable } from 'node:stream';
import { BodyTooLarge } from './limits.js';

export function readCappedBody(payload: Readable, cap: number, done: (err: Error | null, body?: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let total = 0;
  let finished = false;
  const finish = (err: Error | null, body?: Buffer) => {
    if (finished) return;
    finished = true;
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onError);
    done(err, body);
  };
  const onData = (chunk: Buffer | string) => {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += b.length;
    if (total > cap) {
      // Stop pulling: what is left is the client's problem (the connection is closed after 413).
      payload.pause();
      chunks.length = 0;
      finish(new BodyTooLarge(cap));
      return;
    }
    chunks.push(b);
  };
  const onEnd = () => finish(null, Buffer.concat(chunks, total));
  const onError = (e: Error) => finish(e);
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
}
