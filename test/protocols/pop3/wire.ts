/**
 * A raw POP3 client for wire-level tests: sends lines, reads single-line and multi-line answers,
 * and upgrades to TLS after STLS. Deliberately dumb, so tests can send anything.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export class PopWire {
  private buf = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private socket: Socket) {
    this.attach(socket);
  }

  private attach(s: Socket) {
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      this.buf += d;
      this.wake();
    });
    s.on('close', () => {
      this.closed = true;
      this.wake();
    });
    s.on('error', () => {});
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async open(port: number, tls = false): Promise<PopWire> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = tls
        ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(s))
        : netConnect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    return new PopWire(socket);
  }

  /** Waits until the buffer holds what `take` accepts, or the connection closes. */
  private async until<T>(take: () => T | null): Promise<T> {
    for (;;) {
      const v = take();
      if (v !== null) return v;
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** One response line, without CRLF. */
  line(): Promise<string> {
    return this.until(() => {
      const i = this.buf.indexOf('\r\n');
      if (i < 0) return null;
      const l = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      return l;
    });
  }

  /** The body of a multi-line response up to the terminating ".", still byte-stuffed. */
  block(): Promise<string> {
    return this.until(() => {
      const i = this.buf.startsWith('.\r\n') ? 0 : this.buf.indexOf('\r\n.\r\n');
      if (i < 0) return null;
      const body = i === 0 ? '' : this.buf.slice(0, i + 2);
      this.buf = this.buf.slice(i === 0 ? 3 : i + 5);
      return body;
    });
  }

  send(raw: string | Buffer): void {
    this.socket.write(raw);
  }

  /** Sends a command line and returns the first response line. */
  async cmd(line: string): Promise<string> {
    this.send(`${line}\r\n`);
    return this.line();
  }

  /** Upgrades the connection after a +OK to STLS. */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    const raw = this.socket;
    this.socket = await new Promise<Socket>((resolve, reject) => {
      const s = tlsConnect({ socket: raw, rejectUnauthorized: false, servername: 'localhost' }, () => resolve(s));
      s.once('error', reject);
    });
    this.attach(this.socket);
  }

  /** Waits for the server to close the connection (no timing: the test's own timeout bounds it). */
  async closedByServer(): Promise<string> {
    await this.until(() => (this.closed ? true : null));
    return this.buf;
  }

  close(): void {
    this.socket.destroy();
  }
}
