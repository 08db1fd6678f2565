/**
 * ClamAV's clamd over INSTREAM (clamd(8), "INSTREAM"): the message goes in chunks, each
 * prefixed by its length as a 4-byte big-endian integer, ended by a zero length; the commands
 * use the `z` prefix (NUL-terminated). The answer is `stream: OK`, `stream: NAME FOUND`, or
 * `... ERROR` (e.g. over clamd's StreamMaxLength). TCP or a unix socket; one deadline for the
 * whole exchange; messages over `maxBytes` are not sent (clamd would refuse them anyway).
 */
import { connect, type Socket } from 'node:net';
import { FilterUnavailableError, type FilterEnvelope, type FilterVerdict, type MessageFilter } from './filter.js';

export interface ClamavOptions {
  /** `HOST:PORT` for TCP, or an absolute path of clamd's LocalSocket. */
  address: string;
  timeoutMs: number;
  /** Largest message sent to clamd; keep it at or below clamd's StreamMaxLength. */
  maxBytes: number;
  /** Bytes per INSTREAM chunk (clamd reads them one at a time). */
  chunkBytes?: number;
}

const MAX_ANSWER = 64 * 1024;

export class ClamavFilter implements MessageFilter {
  readonly name = 'clamav';
  constructor(private readonly opts: ClamavOptions) {}

  async scan(message: Uint8Array, _env: FilterEnvelope): Promise<FilterVerdict> {
    if (message.byteLength > this.opts.maxBytes) return { action: 'accept', skipped: `larger than ${this.opts.maxBytes} bytes` };
    const answer = await this.instream(message);
    // clamd(8): "stream: OK", "stream: <signature> FOUND", "<text> ERROR".
    const found = /^stream: (.+) FOUND$/.exec(answer);
    if (found) return { action: 'reject', virus: found[1] };
    if (answer === 'stream: OK') return { action: 'accept' };
    throw new FilterUnavailableError(this.name, `clamd answered '${answer.slice(0, 200)}'`);
  }

  /** Sends the bytes and reads the one NUL- (or newline-) terminated answer. */
  private instream(message: Uint8Array): Promise<string> {
    const chunk = this.opts.chunkBytes ?? 64 * 1024;
    return new Promise((resolve, reject) => {
      const socket = this.connect();
      let answer = Buffer.alloc(0);
      let settled = false;
      const finish = (err: Error | null, text?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (err)
          reject(new FilterUnavailableError(this.name, `${this.opts.address}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
        else resolve(text!);
      };
      const timer = setTimeout(() => finish(new Error(`no answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
      socket.on('data', (d: Buffer) => {
        answer = Buffer.concat([answer, d]);
        const end = answer.findIndex((b) => b === 0 || b === 10);
        if (end >= 0) finish(null, answer.subarray(0, end).toString('utf8').trim());
        else if (answer.length > MAX_ANSWER) finish(new Error('answer too long'));
      });
      // clamd may answer (size limit) and close before it has read everything: its answer wins.
      socket.on('error', (e) => {
        if (answer.length === 0) finish(e);
      });
      socket.on('close', () => {
        if (answer.length > 0) finish(null, answer.toString('utf8').replace(/\0+$/, '').trim());
        else finish(new Error('connection closed without an answer'));
      });
      socket.on('connect', () => {
        socket.write('zINSTREAM\0');
        for (let at = 0; at < message.byteLength; at += chunk) {
          const piece = message.subarray(at, Math.min(at + chunk, message.byteLength));
          const size = Buffer.alloc(4);
          size.writeUInt32BE(piece.byteLength);
          socket.write(size);
          socket.write(piece);
        }
        socket.write(Buffer.alloc(4)); // zero length: end of stream
      });
    });
  }

  private connect(): Socket {
    const a = this.opts.address;
    if (a.startsWith('/')) return connect({ path: a });
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(a);
    if (!m) throw new FilterUnavailableError(this.name, `not HOST:PORT or a socket path: '${a}'`);
    return connect({ host: m[1] ?? m[2], port: Number(m[3]) });
  }
}
