/**
 * The contract between the request pipeline (../request.ts) and one command module.
 *
 * A command module is declarative: its name, whether it needs a provisioned device, what a
 * quarantined device may do with it, its body kind and root element, the statuses of a malformed
 * request and of a failure, and a handler that turns a well-formed request into a result. The
 * pipeline does everything else (auth, device record, access rules, provisioning gate, body
 * limits, WBXML decode/encode, the root check, catching errors, status-only answers).
 */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Account, Device, Domain } from '../../../src/model/types.js';
import type { ProtocolSettings } from '../../../src/model/context.js';
import type { Store } from '../../../src/store/store.js';
import type { Outbound } from '../../../src/mail/outbound.js';
import type { SpamTrainer } from '../../../src/mail/filters/filter.js';
import type { WbxmlElement } from '../wbxml/types.js';
import type { EasQuery, ProtocolVersion } from '../query.js';
import type { ActiveSyncPolicy } from '../policy.js';
import type { ActiveSyncLimits, BodyBudget } from '../limits.js';

export interface CommandContext {
  store: Store;
  settings: ProtocolSettings;
  account: Account;
  domain: Domain;
  /** The device record as of this request (already touched: lastSeen, version, user agent). */
  device: Device;
  protocolVersion: ProtocolVersion;
  /** True when the negotiated protocol version is at least `v` ('14.0', '16.1' ...). */
  atLeast(v: ProtocolVersion): boolean;
  /** The parsed request line: plain or base64 form, normalised ([MS-ASHTTP] 2.2.1.1.1). */
  query: EasQuery;
  /** The client's address (lockout, audit). */
  sourceIp: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw request body (SendMail in 12.1 carries MIME, not WBXML). */
  rawBody: Buffer;
  /** The domain's effective device policy (defaults merged with Domain.settings.activesyncPolicy). */
  policy: ActiveSyncPolicy;
  /** Child logger with {proto, cid, user, device}. Never log credentials or bodies. */
  log: Logger;
  now: () => number;
  /** Aborted when the client goes away (Ping and Sync waits must stop). */
  signal: AbortSignal;
  /** Request limits (../limits.ts): item and field sizes are checked against these. */
  limits: ActiveSyncLimits;
  /** Where SendMail, SmartReply and SmartForward hand messages over; null when the server has none. */
  outbound: Outbound | null;
  /** The spam filter's training hook; null when none is configured. */
  spamTrainer?: SpamTrainer | null;
  /** The per-user hourly message limit of phones' SendMail / SmartReply / SmartForward. */
  sendRate: { allows(accountId: number): boolean; record(accountId: number): void };
}

/** What a handler answers; the HTTP layer adds MS-Server-ActiveSync and encodes WBXML. */
export type CommandResult =
  | { kind: 'wbxml'; body: WbxmlElement; headers?: Record<string, string> }
  /** HTTP 200 with an empty body (e.g. a Sync with nothing to say, [MS-ASCMD] 2.2.1.21). */
  | { kind: 'empty'; headers?: Record<string, string> }
  /** Non-WBXML payloads (multipart ItemOperations) and streamed answers (a Readable is piped out). */
  | { kind: 'raw'; contentType: string; body: Buffer | Readable; headers?: Record<string, string> }
  /** A bare HTTP status (400, 403, 449, 500 ...). */
  | { kind: 'http'; status: number; headers?: Record<string, string> };

interface CommandBase {
  /** The Cmd value of the request line, e.g. 'FolderSync'. */
  name: string;
  /** Requests need a device that acknowledged the current policy ([MS-ASPROV] 3.2.5.1). */
  needsProvisioning: boolean;
  /** A quarantined device may run this command (see docs/protocols/activesync.md, access rules). */
  allowQuarantined?: boolean;
  /**
   * Root element of this command's requests and answers. The pipeline answers a request whose
   * root is another element with `malformedStatus`, and a provisioning/blocked request in the
   * command's own Status for 14.0+ ([MS-ASCMD] 2.2.2). Without it, such requests get a bare
   * HTTP status.
   */
  root?: { ns: string; tag: string };
  /** The Status for a request whose root element is not `root`. */
  malformedStatus?: number;
  /**
   * The Status for an error the handler throws (a mapping of ../errors.ts), answered in the
   * command's own root element. Without it: Status 110 for 14.0+, HTTP 500 for 12.1.
   */
  errorStatus?(e: unknown): number;
  /** Overrides the status-only answer built from `root` (<root><Status>n</Status></root>). */
  statusBody?(status: number): WbxmlElement;
  /** Which body limit applies (../limits.ts): 'command' (1 MiB) unless it carries items. */
  bodyBudget?: BodyBudget;
}

/** A command whose body is a WBXML document with the command's root element. */
export interface WbxmlCommand extends CommandBase {
  body: 'wbxml';
  emptyBodyAllowed?: false;
  handle(ctx: CommandContext, request: WbxmlElement): Promise<CommandResult>;
}

/** A WBXML command that may also come with no body at all (Sync, Ping: repeat the last request). */
export interface OptionalWbxmlCommand extends CommandBase {
  body: 'wbxml';
  emptyBodyAllowed: true;
  /** null: the request had no body. */
  handle(ctx: CommandContext, request: WbxmlElement | null): Promise<CommandResult>;
}

/** A command that reads ctx.rawBody itself (12.1 SendMail carries MIME). */
export interface RawCommand extends CommandBase {
  body: 'raw';
  handle(ctx: CommandContext, request: null): Promise<CommandResult>;
}

/**
 * A command module, declaratively: what it accepts (body kind, root element, limits), how its
 * failures read (malformedStatus, errorStatus, statusBody), and the handler of a request that
 * passed all of that. The pipeline (../request.ts) does everything else.
 */
export type CommandHandler = WbxmlCommand | OptionalWbxmlCommand | RawCommand;

export const wbxml = (body: WbxmlElement, headers?: Record<string, string>): CommandResult => ({ kind: 'wbxml', body, headers });
export const empty = (): CommandResult => ({ kind: 'empty' });
export const httpStatus = (status: number, headers?: Record<string, string>): CommandResult => ({ kind: 'http', status, headers });
