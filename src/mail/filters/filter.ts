/**
 * The one content-filter interface of the delivery pipeline (issue 10 item 5): a filter scans a
 * message with its SMTP envelope and answers a verdict; a spam filter can also be trained when a
 * user moves mail into or out of Junk. Implementations talk to a daemon (rspamd.ts, clamav.ts);
 * pipeline.ts combines them with the operator's failure policy. Nothing here knows SMTP replies:
 * src/server maps a decision to the listener's answer.
 */

/** What a filter knows of the transaction (RFC 5321 §2.3.1), besides the bytes. */
export interface FilterEnvelope {
  /** MAIL FROM; '' for the null reverse-path. */
  mailFrom: string;
  rcptTo: string[];
  /** The connecting client's address. */
  remoteAddress: string;
  /** The EHLO/HELO name it gave. */
  helo: string;
  /** The authenticated submitter's address, or null on the MX. */
  authenticatedUser: string | null;
  /** The transaction's id as logged (rspamd shows it as Queue-Id). */
  queueId?: string;
}

/**
 * accept: deliver as usual; junk: deliver to the recipient's Junk folder; reject: refuse the
 * message (a virus, or spam the operator chose to refuse).
 */
export type FilterAction = 'accept' | 'junk' | 'reject';

export interface FilterVerdict {
  action: FilterAction;
  /** Spam score and the score at which the filter calls it spam (rspamd's required_score). */
  score?: number;
  threshold?: number;
  /** Names of the rules that matched, for the X-Spam-Symbols header and logs. */
  symbols?: string[];
  /** The virus name, when a virus scanner found one. */
  virus?: string;
  /** Set when the filter let the message pass without looking at it, and why (e.g. over its size cap). */
  skipped?: string;
}

/** A filter that cannot answer (daemon down, timed out, unreadable answer): the policy decides. */
export class FilterUnavailableError extends Error {
  constructor(
    readonly filter: string,
    reason: string,
  ) {
    super(`${filter}: ${reason}`);
    this.name = 'FilterUnavailableError';
  }
}

export interface MessageFilter {
  /** Short name for logs and headers: 'rspamd', 'clamav'. */
  readonly name: string;
  /** Throws FilterUnavailableError when the daemon cannot give a verdict. */
  scan(message: Uint8Array, envelope: FilterEnvelope): Promise<FilterVerdict>;
}

/**
 * Training hook for a spam filter. IMAP (MOVE/COPY into or out of \Junk) and ActiveSync
 * (MoveItems into or out of Junk E-mail) call it with the message bytes; `user` is the mailbox
 * owner's address, so that per-user statistics can be kept where the daemon supports them.
 * Resolves true when the daemon learned (or already knew) the message, false when it refused;
 * throws FilterUnavailableError when it cannot be reached. Callers do not wait on it to answer
 * their client: a failed lesson is logged, never shown to the user.
 */
export interface SpamTrainer {
  learnSpam(message: Uint8Array, user?: string): Promise<boolean>;
  learnHam(message: Uint8Array, user?: string): Promise<boolean>;
}

export function isSpamTrainer(f: unknown): f is SpamTrainer {
  return typeof (f as Partial<SpamTrainer>)?.learnSpam === 'function' && typeof (f as Partial<SpamTrainer>)?.learnHam === 'function';
}
