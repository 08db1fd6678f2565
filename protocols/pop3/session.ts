/**
 * One POP3 session (RFC 1939 §3-§6): its state (AUTHORIZATION, TRANSACTION, UPDATE), the login,
 * the maildrop, and the dispatch of each command line to its module in commands/. The listener
 * owns the socket; it hands lines in one at a time and gives the session a small I/O surface.
 */
import type { Logger } from 'pino';
import type { Account } from '../../src/model/types.js';
import type { ProtocolContext } from '../../src/model/context.js';
import type { LoginOutcome } from '../../src/auth/sasl-login.js';
import { pop3LoginAnswer } from '../../src/auth/answers.js';
import { parseCommand, type Pop3Command } from './codec/command.js';
import { Maildrop } from './maildrop.js';
import type { MaildropLocks } from './in-use.js';
import type { Pop3Settings } from './settings.js';

export type Pop3State = 'authorization' | 'transaction' | 'update';

/** What the session may do with its connection. */
export interface Pop3Io {
  /** Writes and resolves when the socket accepts more (back-pressure for large messages). */
  write(data: string | Buffer): Promise<void>;
  /** TLS is on (POP3S, or after STLS). */
  readonly secure: boolean;
  /** STLS is possible on this connection (a plain listener with certificates, not yet upgraded). */
  readonly canStartTls: boolean;
  /** Switches to TLS after the +OK of STLS (RFC 2595 §4); input buffered before it is dropped. */
  startTls(): void;
  /** Ends the connection once the written data is flushed. */
  close(): void;
  /** The connection has ended (the client may hang up while a login is being verified). */
  readonly closed: boolean;
  readonly remoteAddress: string;
}

/** One command (one file per verb in commands/): the states it is allowed in and its handler. */
export interface CommandDef {
  states: Pop3State[];
  run(session: Pop3Session, cmd: Pop3Command): Promise<void>;
}

/** A SASL exchange waiting for the client's next line (RFC 5034 §4). */
export type SaslStep = (line: string) => Promise<void>;

export interface Pop3Deps {
  ctx: ProtocolContext;
  settings: Pop3Settings;
  locks: MaildropLocks;
  hostname: string;
}

export class Pop3Session {
  state: Pop3State = 'authorization';
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | null = null;
  account: Account | null = null;
  maildrop: Maildrop | null = null;
  /** Set while an AUTH exchange waits for a continuation line. */
  sasl: SaslStep | null = null;
  badCommands = 0;
  private lockedAccount: number | null = null;
  readonly log: Logger;

  constructor(
    readonly io: Pop3Io,
    readonly deps: Pop3Deps,
    private readonly commands: Record<string, CommandDef>,
    cid: string,
  ) {
    this.log = deps.ctx.log.child({ proto: 'pop3', cid });
  }

  greeting(): Promise<void> {
    return this.io.write(`+OK Hearth POP3 ready on ${this.deps.hostname}\r\n`);
  }

  ok(text = ''): Promise<void> {
    return this.io.write(text ? `+OK ${text}\r\n` : '+OK\r\n');
  }

  err(text: string): Promise<void> {
    return this.io.write(`-ERR ${text}\r\n`);
  }

  /** One line from the client, without CRLF. */
  async handle(line: string): Promise<void> {
    if (this.sasl) {
      const step = this.sasl;
      this.sasl = null;
      return step(line);
    }
    const cmd = parseCommand(line);
    const def = cmd && Object.hasOwn(this.commands, cmd.keyword) ? this.commands[cmd.keyword] : undefined;
    if (!cmd || !def) return this.bad(cmd ? 'Unknown command' : 'Malformed command');
    if (!def.states.includes(this.state)) {
      return this.bad(this.state === 'authorization' ? 'Log in first' : 'Command not valid in this state');
    }
    return def.run(this, cmd);
  }

  /** An unknown or misplaced command: -ERR (RFC 1939 §3), and the connection ends after too many. */
  async bad(text: string): Promise<void> {
    this.badCommands++;
    if (this.badCommands > this.deps.settings.maxBadCommands) {
      await this.err('Too many bad commands, closing connection');
      this.end();
      return;
    }
    await this.err(text);
  }

  /**
   * Finishes a login attempt (USER/PASS or AUTH): the same answers and lockout as every protocol
   * (src/auth/answers.ts), then the maildrop is opened and locked (RFC 1939 §4, RFC 2449 [IN-USE]).
   */
  async finishLogin(outcome: LoginOutcome): Promise<void> {
    if (!outcome.ok) {
      this.log.info({ reason: outcome.reason }, 'pop3.login.failed');
      return this.io.write(`${pop3LoginAnswer(outcome)}\r\n`);
    }
    const account = outcome.account;
    // A client gone while its password was checked must not leave a lock behind.
    if (this.io.closed) return;
    if (!this.deps.locks.acquire(account.id)) {
      this.log.info({ user: account.email }, 'pop3.login.in-use');
      return this.err('[IN-USE] Mailbox is open in another POP3 session');
    }
    this.lockedAccount = account.id;
    const drop = await Maildrop.open(this.deps.ctx.store, account.id).catch((e: unknown) => {
      this.releaseLock();
      throw e;
    });
    if (!drop || this.io.closed) {
      this.releaseLock();
      return drop ? undefined : this.err('[SYS/PERM] This account has no mailbox');
    }
    this.account = account;
    this.maildrop = drop;
    this.state = 'transaction';
    this.log.info({ user: account.email, messages: drop.entries.length }, 'pop3.login');
    const { count, octets } = drop.stat();
    return this.ok(`Logged in, ${count} messages (${octets} octets)`);
  }

  /** Ends the session without the UPDATE state (timeout, error, hang-up): the lock goes, nothing is expunged. */
  end(): void {
    this.releaseLock();
    this.io.close();
  }

  /** Releases the maildrop lock once; safe to call again after QUIT has released it. */
  releaseLock(): void {
    if (this.lockedAccount === null) return;
    this.deps.locks.release(this.lockedAccount);
    this.lockedAccount = null;
  }
}
