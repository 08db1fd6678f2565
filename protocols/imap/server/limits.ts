/**
 * Bounds of one IMAP connection (docs/protocols/imap.md "Limits"): what a client may send and
 * how long it may stay quiet. The listener passes them; tests shorten them.
 */
export interface ImapLimits {
  /** Longest command line without its literals (RFC 9051 §4: at least 8000 octets). */
  maxLineBytes: number;
  /** Largest literal, hence the largest APPENDed message. */
  maxLiteralBytes: number;
  /** Idle time after login before the autologout (RFC 9051 §5.4: at least 30 minutes). */
  idleTimeoutMs: number;
  /** Idle time before login: a client that never logs in is dropped sooner. */
  preAuthTimeoutMs: number;
  /** Commands per connection per second, averaged over a burst of `commandBurst`. */
  commandsPerSecond: number;
  commandBurst: number;
  /** BADs in a row after which the connection is closed (a client talking another protocol). */
  maxBadInARow: number;
}

export const DEFAULT_IMAP_LIMITS: ImapLimits = {
  maxLineBytes: 64 * 1024,
  maxLiteralBytes: 50 * 1024 * 1024,
  idleTimeoutMs: 30 * 60_000,
  preAuthTimeoutMs: 60_000,
  commandsPerSecond: 200,
  commandBurst: 1000,
  maxBadInARow: 20,
};
