/**
 * A minimal SMTP client for tests that must see exact reply codes at each step (the interop
 * tests use nodemailer and swaks). Replies are read whole (multi-line "250-" continuations).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface Reply { code: number; text: string }

export class Wire {
  private buffer = '';
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.attach();
  }

  static async open(port: number, opts: { tls?: boolean } = {}): Promise<{ wire: Wire; greeting: Reply }> {
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const s = opts.tls
        ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'mail.example.test' }, () => resolve(s))
        : netConnect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    const wire = new Wire(socket);
    return { wire, greeting: await wire.read() };
  }

  private attach(): void {
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => { this.buffer += d; this.wake(); });
    this.socket.on('close', () => { this.closed = true; this.wake(); });
    this.socket.on('error', () => { this.closed = true; this.wake(); });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next complete reply; code 0 when the server closed the connection first. */
  async read(): Promise<Reply> {
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*(\d{3}) [^\n]*\n/.exec(this.buffer);
      if (m) {
        const text = m[0];
        this.buffer = this.buffer.slice(text.length);
        return { code: Number(m[1]), text: text.trim() };
      }
      if (this.closed) return { code: 0, text: '(closed)' };
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  write(data: string | Buffer): void {
    if (!this.closed) this.socket.write(data);
  }

  async cmd(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  async starttls(): Promise<Reply> {
    const r = await this.cmd('STARTTLS');
    if (r.code !== 220) return r;
    this.socket.removeAllListeners('data');
    const plain = this.socket;
    this.socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain as Socket, rejectUnauthorized: false, servername: 'mail.example.test' }, () => resolve(s));
      s.once('error', reject);
    });
    this.attach();
    return r;
  }

  async authPlain(user: string, password: string): Promise<Reply> {
    return this.cmd(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`);
  }

  /** DATA with the message (dot-stuffed here), returning the reply after the final dot. */
  async data(message: string | Buffer): Promise<Reply> {
    const r = await this.cmd('DATA');
    if (r.code !== 354) return r;
    const text = Buffer.isBuffer(message) ? message.toString('binary') : message;
    const body = text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.write(Buffer.from(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'binary'));
    return this.read();
  }

  close(): void {
    this.socket.destroy();
  }
}

export function message(from: string, to: string, subject: string, body = 'hello\r\n'): string {
  return `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@test>\r\nDate: ${new Date().toUTCString()}\r\n\r\n${body}`;
}
