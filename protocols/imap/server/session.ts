// What one IMAP connection knows about its client (RFC 9051 §3 states): the state, the logged-in
// account, the selected mailbox and the extensions it ENABLEd. Commands read and change it.
import type { Account } from '../../../src/model/types.js';
import type { ProtocolContext } from '../../../src/model/context.js';
import type { ComposeOptions } from '../codec/index.js';
import type { SelectedMailbox } from './selected.js';
import type { ImapLimits } from './limits.js';
import type { SearchUpdate } from './search-update.js';

export type SessionState = 'notauth' | 'auth' | 'selected' | 'logout';

export interface Session {
  state: SessionState;
  account: Account | null;
  selected: SelectedMailbox | null;
  /** ENABLEd extensions (RFC 5161): CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4REV2. */
  enabled: Set<string>;
  /** CONDSTORE is in force: ENABLEd, or used by a SELECT/FETCH/STORE/SEARCH (RFC 7162 §3.1). */
  condstore: boolean;
  /** The UIDs of the last SEARCH RETURN (SAVE), for "$" (RFC 5182). */
  saved: number[] | null;
  /** Live SEARCH results, RETURN (UPDATE) (RFC 5267 §4; search-context.ts). */
  updates?: SearchUpdate[];
  secure: boolean;
  /** COMPRESS=DEFLATE is active (RFC 4978); a second COMPRESS is refused. */
  compressed?: boolean;
  remoteAddress: string;
  readonly compose: ComposeOptions;
}

/** What a command handler may do besides changing the session. */
export interface CommandContext {
  readonly ctx: ProtocolContext;
  readonly session: Session;
  readonly limits: ImapLimits;
  /** Sends bytes (untagged responses) at once. */
  send(...data: Buffer[]): Promise<void>;
  /** The next line the client sends outside a command (IDLE's DONE, SASL responses); null on close. */
  readLine(onWait?: () => void): Promise<Buffer | null>;
  /** Upgrades the connection to TLS after the tagged OK of STARTTLS was sent (RFC 9051 §6.2.1). */
  startTls(): Promise<void>;
  /** Sends `okLine` (COMPRESS's tagged OK) uncompressed, then deflates both directions (RFC 4978). */
  startCompression(okLine: Buffer): void;
  /** Sends the tagged OK of STARTTLS before the handshake begins. */
  sendNow(data: Buffer): Promise<void>;
  /** Registers a listener for the connection's end; returns its removal. */
  onClose(listener: () => void): () => void;
}
