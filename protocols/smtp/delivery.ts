/**
 * What the SMTP listeners need from the delivery pipeline: store one message for resolved local
 * mailboxes and resolve only after the commit (DESIGN: a 250 is durable). The composition root
 * (src/server) adapts src/mail/deliver.ts to this; tests may pass their own.
 */
import type { Account, Domain } from '../../src/model/types.js';

export interface SmtpEnvelope {
  mailFrom: string;
  rcptTo: string[];
  remoteAddress: string;
  helo: string;
  /** The authenticated user's address (submission), or null (MX). */
  authenticatedAs: string | null;
  /** Submission: recipients in other domains (or forwarding targets there), for the outbound queue. */
  remote: string[];
  /** RFC 3461 parameters of the transaction (the DSN extension): RET and ENVID of MAIL, NOTIFY and ORCPT per RCPT address. */
  dsn?: SmtpDsn;
  /** The mailboxes' domains as read at RCPT (their size limits), so that delivery need not read them again. */
  mailboxDomains?: Domain[];
  /** MX forwarding: the reverse-path of the queued copies (SRS, src/mail/srs.ts) when it differs from mailFrom. */
  remoteMailFrom?: string;
}

export interface SmtpDsn {
  ret?: 'FULL' | 'HDRS';
  envid?: string;
  /** Per recipient address as given at RCPT: NEVER, or some of SUCCESS, FAILURE, DELAY. */
  notify?: Record<string, string[]>;
  /** Per recipient address: the ORCPT value ("rfc822;user@example.org", xtext). */
  orcpt?: Record<string, string>;
}

export interface MailDelivery {
  /**
   * Stores `bytes` once in each mailbox's inbox, atomically, and queues it for `envelope.remote`;
   * throws an error with code 'QuotaExceeded' when a mailbox is over quota (and stores nothing).
   */
  deliver(mailboxes: Account[], bytes: Buffer, envelope: SmtpEnvelope): Promise<void>;
}
