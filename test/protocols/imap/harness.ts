/**
 * An IMAP listener over a real store for tests: SQLite in a temp dir, or a fresh PostgreSQL
 * database (`backend: 'postgres'`), the real AuthService, TLS from a self-signed certificate as
 * `hearth serve` makes it (src/server/tls.ts). Port 0: the kernel picks a free port.
 */
import { connect as tlsConnect } from 'node:tls';
import { connect, type Socket } from 'node:net';
import { constants as zlib, createDeflateRaw, createInflateRaw, type DeflateRaw } from 'node:zlib';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { freshPostgresUrl } from '../../helpers/stores.js';
import { loadTls } from '../../../src/server/tls.js';
import { createImapServer } from '../../../protocols/imap/server/server.js';
import type { ImapLimits } from '../../../protocols/imap/server/limits.js';

export interface ImapHarness {
  t: TestContext;
  port: number;
  /** port of an implicit-TLS listener on the same store */
  tlsPort: number;
  close(): Promise<void>;
}

export async function startImap(opts: { backend?: 'sqlite' | 'postgres'; limits?: Partial<ImapLimits> } = {}): Promise<ImapHarness> {
  const pg = opts.backend === 'postgres' ? await freshPostgresUrl() : null;
  const t = await createTestContext(pg ? { database: pg.url } : {});
  const tls = await loadTls(t.config);
  const tlsOptions = { key: tls.key, cert: tls.cert, SNICallback: tls.SNICallback };
  const plain = createImapServer({ ctx: t.ctx, tls: tlsOptions, implicitTls: false, limits: opts.limits });
  const secure = createImapServer({ ctx: t.ctx, tls: tlsOptions, implicitTls: true, limits: opts.limits });
  const listen = (s: typeof plain) => new Promise<number>((resolve) => s.server.listen(0, '127.0.0.1', () => resolve((s.server.address() as { port: number }).port)));
  const port = await listen(plain);
  const tlsPort = await listen(secure);
  return {
    t, port, tlsPort,
    async close() {
      await Promise.all([plain.close(), secure.close()]);
      await t.close();
      await pg?.drop();
    },
  };
}

/** A raw line-oriented client for wire-level checks (plain, then `upgrade()` for STARTTLS). */
export class RawClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  /** Set by compress(): what is written goes through it (RFC 4978). */
  private deflate: DeflateRaw | null = null;
  /** Bytes read from the socket, compressed or not, and the bytes they stood for. */
  wireBytesIn = 0;
  plainBytesIn = 0;
  private constructor(private socket: Socket) { this.listen(); }

  static async connect(port: number, implicitTls = false): Promise<RawClient> {
    const socket = implicitTls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => { socket.once(implicitTls ? 'secureConnect' : 'connect', () => resolve()); socket.once('error', reject); });
    return new RawClient(socket);
  }

  private received(d: Buffer): void {
    this.plainBytesIn += d.length;
    this.buffer = Buffer.concat([this.buffer, d]);
    for (const w of this.waiters.splice(0)) w();
  }

  private listen(): void {
    this.socket.on('data', (d: Buffer) => {
      this.wireBytesIn += d.length;
      if (!this.deflate) this.received(d);
    });
    this.socket.on('close', () => { for (const w of this.waiters.splice(0)) w(); });
    this.socket.on('error', () => {});
  }

  /** Compressed: the inflater has handed over everything (it is async, so later than the socket's end). */
  private inflateDone = false;

  get closed(): boolean {
    if (this.deflate) return this.inflateDone;
    return this.socket.destroyed || this.socket.readableEnded;
  }

  write(data: string | Buffer): void {
    if (!this.deflate) {
      this.socket.write(data);
      return;
    }
    this.deflate.write(data);
    this.deflate.flush(zlib.Z_SYNC_FLUSH);
  }

  /** Writes bytes as they are, around compression (a broken deflate stream in a test). */
  writeRaw(data: Buffer): void { this.socket.write(data); }

  /**
   * Switches to COMPRESS=DEFLATE after its tagged OK (RFC 4978): raw deflate both ways. Call it with
   * the OK read and nothing else pending.
   */
  compress(): void {
    const inflate = createInflateRaw();
    inflate.on('data', (d: Buffer) => this.received(d));
    const done = () => {
      this.inflateDone = true;
      for (const w of this.waiters.splice(0)) w();
    };
    inflate.on('error', () => { this.socket.destroy(); done(); });
    inflate.on('end', done);
    this.socket.on('data', (d: Buffer) => inflate.write(d));
    this.socket.on('end', () => inflate.end());
    this.socket.on('close', () => { if (!inflate.writableEnded) inflate.end(); });
    this.deflate = createDeflateRaw();
    this.deflate.on('data', (d: Buffer) => this.socket.write(d));
  }

  /** Reads until `predicate` holds for the text received so far (or the connection closes), within a generous deadline. */
  async until(predicate: (text: string) => boolean, deadlineMs = 60_000): Promise<string> {
    const end = Date.now() + deadlineMs;
    while (!predicate(this.buffer.toString('latin1'))) {
      if (this.closed || Date.now() > end) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    const text = this.buffer.toString('latin1');
    this.buffer = Buffer.alloc(0);
    return text;
  }

  /** Sends a command and reads up to its tagged answer. */
  async command(tag: string, text: string): Promise<string> {
    this.write(`${tag} ${text}\r\n`);
    return this.until((s) => new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`).test(s));
  }

  async upgrade(): Promise<void> {
    const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => { secure.once('secureConnect', () => resolve()); secure.once('error', reject); });
    this.socket = secure;
    this.buffer = Buffer.alloc(0);
    this.listen();
  }

  close(): void { this.socket.destroy(); }
}
