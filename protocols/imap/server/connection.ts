// One IMAP connection: frames the byte stream (codec CommandReader), runs one command at a time
// through the command table, announces the selected mailbox's changes after each command, and
// enforces the connection limits (line and literal sizes, command rate, autologout).
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContextOptions } from 'node:tls';
import type { ProtocolContext } from '../../../src/model/context.js';
import {
  atom, CommandReader, ImapCodecError, continuation, parseCommand, tagged, untaggedStatus, DEFAULT_COMPOSE, type ImapCommand, type ResponseValue,
} from '../codec/index.js';
import type { CommandContext, Session } from './session.js';
import type { ImapLimits } from './limits.js';
import { COMMANDS } from './commands/index.js';
import { taggedLine, type Outcome } from './respond.js';
import { storeErrorOutcome } from './store-errors.js';
import { capabilities } from './capabilities.js';
import { RateLimiter } from './rate-limiter.js';
import { numberingBefore, resultUpdates } from './search-context.js';
import { DeflateLayer } from './deflate-layer.js';

export interface ConnectionOptions {
  ctx: ProtocolContext;
  limits: ImapLimits;
  /** For STARTTLS (and already applied when `implicitTls`). */
  tls: SecureContextOptions & { SNICallback?: (name: string, cb: (err: Error | null, ctx?: import('node:tls').SecureContext) => void) => void };
  implicitTls: boolean;
}

type Event = { type: 'line'; bytes: Buffer } | { type: 'error'; error: ImapCodecError };

/** Commands whose answers must not carry EXPUNGE (RFC 9051 §7.5.1): non-UID FETCH, STORE, SEARCH. */
const NO_EXPUNGE_DURING = new Set(['FETCH', 'STORE', 'SEARCH']);

export class ImapConnection {
  private socket: Socket;
  private reader: CommandReader;
  private queue: Event[] = [];
  private waiter: ((e: Event | null) => void) | null = null;
  private closed = false;
  private closeListeners = new Set<() => void>();
  private badInARow = 0;
  private readonly rate: RateLimiter;
  /** COMPRESS=DEFLATE in force (RFC 4978): the socket carries deflated bytes both ways. */
  private deflate: DeflateLayer | null = null;
  readonly session: Session;

  get limits(): ImapLimits { return this.opts.limits; }

  constructor(socket: Socket, private readonly opts: ConnectionOptions) {
    this.socket = socket;
    this.reader = this.newReader();
    this.rate = new RateLimiter(opts.limits.commandsPerSecond, opts.limits.commandBurst, opts.ctx.now);
    this.session = {
      state: 'notauth', account: null, selected: null, enabled: new Set(), condstore: false, saved: null,
      secure: opts.implicitTls, remoteAddress: socket.remoteAddress ?? 'unknown', compose: { ...DEFAULT_COMPOSE },
    };
    this.attach(socket);
  }

  private newReader(): CommandReader {
    return new CommandReader({ maxLineBytes: this.opts.limits.maxLineBytes, maxLiteralBytes: this.opts.limits.maxLiteralBytes,
      maxCommandBytes: this.opts.limits.maxLiteralBytes + 1024 * 1024, nonSync: 'plus' });
  }

  private readonly onData = (chunk: Buffer) => {
    for (const ev of this.reader.push(chunk)) {
      if (ev.type === 'continue') void this.write(continuation('Ready for literal data'));
      else this.enqueue(ev.type === 'command' ? { type: 'line', bytes: ev.bytes } : ev);
    }
  };

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('error', () => this.shutdown());
    socket.on('close', () => this.shutdown());
    socket.setTimeout(this.opts.limits.preAuthTimeoutMs, () => {
      void this.write(untaggedStatus('BYE', 'Autologout; idle for too long')).finally(() => this.shutdown());
    });
  }

  private enqueue(e: Event): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(e);
    } else {
      this.queue.push(e);
      // A client that pipelines without reading is paused until the queue drains.
      if (this.queue.length > 64) this.pauseInput();
    }
  }

  private next(): Promise<Event | null> {
    if (this.queue.length > 0) {
      const e = this.queue.shift()!;
      if (this.queue.length <= 16) this.resumeInput();
      return Promise.resolve(e);
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => { this.waiter = resolve; });
  }

  private pauseInput(): void {
    if (this.deflate) this.deflate.pause();
    else this.socket.pause();
  }

  private resumeInput(): void {
    if (this.deflate) this.deflate.resume();
    else this.socket.resume();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.state = 'logout';
    this.socket.destroy();
    this.deflate?.destroy();
    const w = this.waiter;
    this.waiter = null;
    w?.(null);
    for (const l of this.closeListeners) l();
  }

  async write(data: Buffer): Promise<void> {
    if (this.closed || this.socket.destroyed || data.length === 0) return;
    if (this.deflate) await this.deflate.write(data);
    else this.socket.write(data);
    if (this.socket.writableNeedDrain && !this.socket.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => { this.socket.off('drain', done); this.socket.off('close', done); resolve(); };
        this.socket.once('drain', done);
        this.socket.once('close', done);
      });
    }
  }

  /** Greets and serves commands until LOGOUT or the connection ends. */
  async run(): Promise<void> {
    await this.write(untaggedStatus('OK', 'Hearth IMAP ready', { code: 'CAPABILITY', args: capabilityAtoms(this) }));
    for (;;) {
      const ev = await this.next();
      if (!ev) break;
      await this.rate.take();
      try {
        await this.handle(ev);
      } catch (e) {
        this.opts.ctx.log.error({ err: (e as Error).message }, 'imap.command.failed');
        await this.write(untaggedStatus('BYE', 'Internal error'));
        this.shutdown();
      }
      if (this.session.state === 'logout') break;
      if (this.badInARow >= this.opts.limits.maxBadInARow) {
        await this.write(untaggedStatus('BYE', 'Too many invalid commands'));
        break;
      }
    }
    // End, do not destroy: destroy() drops what the socket has not flushed yet, which is the BYE
    // and the tagged OK of LOGOUT (RFC 9051 §6.1.3: the server sends both, then closes). The 'close'
    // handler runs shutdown() once the client has read them and closed; one that never closes is
    // cut after 30 s.
    if (this.deflate) await this.deflate.end();
    else this.socket.end();
    const force = setTimeout(() => this.shutdown(), 30_000);
    force.unref();
    this.socket.once('close', () => clearTimeout(force));
    if (this.socket.destroyed) this.shutdown();
  }

  private async handle(ev: Event): Promise<void> {
    if (ev.type === 'error') {
      this.badInARow++;
      const code = ev.error.code === 'TooBig' ? { code: 'TOOBIG' } : undefined;
      await this.write(ev.error.tag ? tagged(ev.error.tag, 'BAD', ev.error.message, code) : untaggedStatus('BAD', ev.error.message, code));
      return;
    }
    let cmd: ImapCommand;
    try {
      cmd = parseCommand(ev.bytes);
    } catch (e) {
      if (!(e instanceof ImapCodecError)) throw e;
      this.badInARow++;
      await this.write(e.tag ? tagged(e.tag, 'BAD', e.message) : untaggedStatus('BAD', e.message));
      return;
    }
    const spec = COMMANDS.get(cmd.command);
    if (!spec) {
      this.badInARow++;
      await this.write(tagged(cmd.tag, 'BAD', `${cmd.command} is not supported`));
      return;
    }
    if (!spec.states.includes(this.session.state)) {
      this.badInARow++;
      await this.write(tagged(cmd.tag, 'BAD', `${cmd.command} is not allowed ${stateText(this.session.state)}`));
      return;
    }
    const condstoreBefore = this.session.condstore;
    const numbering = numberingBefore(this.session);
    let outcome: Outcome;
    try {
      outcome = await spec.handle(this.commandContext(), cmd as never);
    } catch (e) {
      outcome = this.failure(cmd, e);
    }
    // RFC 7162 §3.1: the first CONDSTORE-enabling command in a selected mailbox reports HIGHESTMODSEQ.
    if (!condstoreBefore && this.session.condstore && this.session.selected && cmd.command !== 'SELECT' && cmd.command !== 'EXAMINE') {
      outcome = { ...outcome, untagged: [untaggedStatus('OK', 'Highest', { code: 'HIGHESTMODSEQ', args: [this.session.selected.modseq] }), ...(outcome.untagged ?? [])] };
    }
    this.badInARow = outcome.status === 'BAD' ? this.badInARow + 1 : 0;
    if (this.session.state !== 'notauth') this.socket.setTimeout(this.opts.limits.idleTimeoutMs);
    const out: Buffer[] = [...(outcome.untagged ?? [])];
    const sel = this.session.selected;
    // After a tagged answer the handler sent itself (COMPRESS), nothing may share the client's
    // read with it: a change is announced at the next command instead.
    if (sel && this.session.state === 'selected' && !this.closed && !outcome.silent && !outcome.fresh) {
      const quiet = outcome.noExpunges || (NO_EXPUNGE_DURING.has(cmd.command) && !cmd.uid);
      out.push(...await sel.sync({
        expunges: !quiet, qresync: this.session.enabled.has('QRESYNC'), condstore: this.session.condstore, current: outcome.viewCurrent,
      }));
    }
    // Live SEARCH results (RFC 5267 §4): REMOVEFROM before this command's answers, ADDTO after.
    const updates = await resultUpdates(this.commandContext(), numbering);
    out.unshift(...updates.first);
    out.push(...updates.last);
    if (!outcome.silent) out.push(taggedLine(cmd.tag, outcome));
    await this.write(Buffer.concat(out));
  }

  /**
   * A handler's error as an answer: store errors by their code, a name that is not valid modified
   * UTF-7 as NO (no such mailbox can exist), anything else NO [SERVERBUG], logged; the session goes on.
   */
  private failure(cmd: ImapCommand, e: unknown): Outcome {
    const mapped = storeErrorOutcome(e);
    if (mapped) return mapped;
    if (e instanceof ImapCodecError) return { status: 'NO', text: e.message, code: { code: 'CANNOT' } };
    this.opts.ctx.log.error({ err: (e as Error).message, command: cmd.command }, 'imap.command.failed');
    return { status: 'NO', text: 'Internal error; the command was not completed', code: { code: 'SERVERBUG' } };
  }

  private commandContext(): CommandContext {
    return {
      ctx: this.opts.ctx, session: this.session, limits: this.opts.limits,
      send: async (...data) => { if (data.length) await this.write(Buffer.concat(data)); },
      sendNow: (data) => this.write(data),
      readLine: async () => {
        const ev = await this.next();
        return ev && ev.type === 'line' ? ev.bytes : ev ? Buffer.from('') : null;
      },
      startTls: () => this.startTls(),
      startCompression: (okLine) => this.startCompression(okLine),
      onClose: (l) => {
        this.closeListeners.add(l);
        return () => this.closeListeners.delete(l);
      },
    };
  }

  /**
   * RFC 9051 §6.2.1: after the OK the TLS negotiation begins; whatever the client pipelined in
   * plaintext after STARTTLS is dropped (RFC 3207-style command injection, CVE-2011-0411).
   */
  private async startTls(): Promise<void> {
    const plain = this.socket;
    plain.off('data', this.onData);
    plain.removeAllListeners('error');
    plain.removeAllListeners('close');
    plain.setTimeout(0);
    this.queue = [];
    this.reader = this.newReader();
    const secure = new TLSSocket(plain, { isServer: true, ...this.opts.tls, minVersion: 'TLSv1.2' } as never);
    this.socket = secure;
    this.session.secure = true;
    this.attach(secure);
    await new Promise<void>((resolve) => {
      secure.once('secure', () => resolve());
      secure.once('close', () => resolve());
      secure.once('error', () => resolve());
    });
  }

  /**
   * RFC 4978 §3: the tagged OK is the last uncompressed response; from the byte after its CRLF the
   * server's output is deflated, and so is everything the client sends once it has read the OK.
   * The switch is synchronous, so no client byte can reach the old reader. As for STARTTLS, a
   * client does not pipeline past COMPRESS: what it did send in plaintext after it is dropped.
   */
  private startCompression(okLine: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    this.socket.off('data', this.onData);
    this.queue = [];
    this.reader = this.newReader();
    this.socket.write(okLine);
    this.deflate = new DeflateLayer(this.socket, this.onData, (e) => {
      this.opts.ctx.log.info({ err: e.message, remote: this.session.remoteAddress }, 'imap.compress.failed');
      this.shutdown();
    });
    this.session.compressed = true;
  }
}

function stateText(s: Session['state']): string {
  return s === 'notauth' ? 'before login' : s === 'auth' ? 'without a selected mailbox' : s === 'selected' ? 'with a mailbox selected' : 'now';
}

function capabilityAtoms(c: ImapConnection): ResponseValue[] {
  return capabilities(c.session, c.limits.maxLiteralBytes).map(atom);
}
