// One client session for the runner: sends command text, reads replies line by line with their
// literals inlined (as \0 length \0 bytes, which match.ts reads back as strings). Bytes are
// text as latin1 both ways, as the scripts are read, so 8-bit and binary data compare byte for byte.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface Tagged { tag: string; word: string; text: string }

export class ImapConnection {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private closed = false;
  readonly untagged: string[] = [];
  readonly tagged = new Map<string, Tagged>();
  continuations = 0;
  greeting?: string;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => { this.buffer = Buffer.concat([this.buffer, chunk]); this.drain(); });
    const end = () => { this.closed = true; this.wake(); };
    socket.on('close', end);
    socket.on('error', end);
  }

  /** `tls`: implicit TLS (a server that refuses plaintext logins, as Hearth does); certificates are not checked. */
  static async open(host: string, port: number, tls = false): Promise<ImapConnection> {
    const socket = tls ? tlsConnect({ host, port, rejectUnauthorized: false }) : connect({ host, port });
    await new Promise<void>((resolve, reject) => { socket.once(tls ? 'secureConnect' : 'connect', () => resolve()); socket.once('error', reject); });
    const c = new ImapConnection(socket);
    await c.until(() => c.untagged.length > 0, 'greeting');
    c.greeting = c.untagged.shift();
    return c;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private drain(): void {
    for (;;) {
      // Find a complete reply: lines joined across literals.
      let pos = 0;
      let text = '';
      let complete = false;
      for (;;) {
        const lf = this.buffer.indexOf(0x0a, pos);
        if (lf < 0) break;
        const line = this.buffer.subarray(pos, lf).toString('latin1').replace(/\r$/, '');
        const lit = /~?\{(\d+)\+?\}$/.exec(line);
        if (!lit) { text += line; pos = lf + 1; complete = true; break; }
        const size = Number(lit[1]);
        if (this.buffer.length < lf + 1 + size) break;
        const data = this.buffer.subarray(lf + 1, lf + 1 + size).toString('latin1');
        text += line.slice(0, lit.index) + `\u0000${data.length}\u0000${data}`;
        pos = lf + 1 + size;
      }
      if (!complete) return;
      this.buffer = this.buffer.subarray(pos);
      this.accept(text);
    }
  }

  private accept(text: string): void {
    if (text.startsWith('* ')) this.untagged.push(text.slice(2));
    else if (text.startsWith('+')) this.continuations++;
    else {
      const m = /^(\S+) (\S+) ?(.*)$/.exec(text);
      if (m) this.tagged.set(m[1], { tag: m[1], word: m[2].toLowerCase(), text: m[3] });
    }
    this.wake();
  }

  /** Waits for a condition on the received replies; a closed socket or `limitMs` ends the wait. */
  async until(done: () => boolean, what: string, limitMs = 30_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!done()) {
      if (this.closed) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} from the server`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Sends a command whose last argument is a synchronizing literal, waiting for "+". */
  async sendWithLiteral(head: string, data: Buffer): Promise<void> {
    const before = this.continuations;
    const tag = head.split(' ')[0];
    this.write(`${head} {${data.length}}\r\n`);
    // The server may refuse at once (NO [TRYCREATE]) instead of asking for the literal.
    await this.until(() => this.continuations > before || this.tagged.has(tag), 'continuation');
    if (!this.tagged.has(tag)) this.write(Buffer.concat([data, Buffer.from('\r\n')]));
  }

  /** Sends `tag text` where \u0001i\u0001 marks literal i, each sent after its "+". */
  async sendWithLiterals(tag: string, text: string, literals: Array<{ data: Buffer; binary: boolean }>): Promise<void> {
    const parts = text.split(/\u0001(\d+)\u0001/);
    let head = `${tag} ${parts[0]}`;
    for (let k = 1; k < parts.length; k += 2) {
      const literal = literals[Number(parts[k])];
      const before = this.continuations;
      this.write(`${head}${literal.binary ? '~' : ''}{${literal.data.length}}\r\n`);
      await this.until(() => this.continuations > before || this.tagged.has(tag), 'continuation');
      if (this.tagged.has(tag)) return; // refused before the literal: the command is over
      this.write(literal.data);
      head = parts[k + 1];
    }
    this.write(`${head}\r\n`);
  }

  async command(tag: string, text: string): Promise<Tagged> {
    this.write(`${tag} ${text}\r\n`);
    await this.until(() => this.tagged.has(tag), `reply to ${tag}`);
    return this.tagged.get(tag)!;
  }

  close(): void {
    this.socket.destroy();
  }
}
