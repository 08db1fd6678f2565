// COMPRESS=DEFLATE (RFC 4978): once the tagged OK of COMPRESS is out, each direction of the
// connection is one raw deflate stream (RFC 1951, no zlib header or checksum, §3). What the client
// sends is inflated before the command reader sees it; what the server writes is deflated and
// sync-flushed at the end of every burst of responses (§4: the receiver must be able to decode
// all the data sent so far, so the client never waits on output held in the compressor).
import type { Socket } from 'node:net';
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';

export class DeflateLayer {
  private readonly inflate: InflateRaw;
  private readonly deflate: DeflateRaw;
  private readonly onSocketData = (chunk: Buffer) => {
    // The inflater's input is full (its output is paused, see pause()): stop reading the socket.
    if (!this.inflate.write(chunk)) this.socket.pause();
  };
  private readonly onSocketDrain = () => this.deflate.resume();

  /**
   * Takes over the socket's input: `onPlain` receives the inflated bytes; `onError` is called once
   * when either stream fails (corrupt deflate data from the client), and the caller closes.
   */
  constructor(private readonly socket: Socket, onPlain: (chunk: Buffer) => void, onError: (e: Error) => void) {
    this.inflate = createInflateRaw();
    this.deflate = createDeflateRaw();
    let failed = false;
    const fail = (e: Error) => { if (!failed) { failed = true; onError(e); } };
    this.inflate.on('error', fail);
    this.deflate.on('error', fail);
    this.inflate.on('data', onPlain);
    this.inflate.on('drain', () => this.socket.resume());
    this.deflate.on('data', (out: Buffer) => {
      if (!this.socket.destroyed && !this.socket.write(out)) this.deflate.pause();
    });
    socket.on('drain', this.onSocketDrain);
    socket.on('data', this.onSocketData);
  }

  /** Deflates `data` and sync-flushes it; resolves once the compressed bytes went to the socket. */
  write(data: Buffer): Promise<void> {
    if (this.deflate.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => { this.deflate.off('close', done); resolve(); };
      this.deflate.once('close', done);
      this.deflate.write(data);
      this.deflate.flush(constants.Z_SYNC_FLUSH, done);
    });
  }

  /** Stops handing inflated commands over (a client pipelining faster than they are served). */
  pause(): void { this.inflate.pause(); }

  resume(): void { this.inflate.resume(); }

  /** Finishes the deflate stream (its final block) and ends the socket after it. */
  async end(): Promise<void> {
    if (!this.deflate.destroyed) {
      await new Promise<void>((resolve) => {
        this.deflate.once('end', resolve);
        this.deflate.once('close', resolve);
        this.deflate.end();
      });
    }
    this.socket.end();
  }

  destroy(): void {
    this.socket.off('data', this.onSocketData);
    this.socket.off('drain', this.onSocketDrain);
    this.inflate.destroy();
    this.deflate.destroy();
  }
}
