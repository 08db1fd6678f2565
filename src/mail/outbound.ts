/**
 * The one way the mail system sends a message on (agreed interface; the outbound queue
 * implements it, src/mail/queue/). Everything that originates mail calls it: SMTP submission for
 * its remote recipients, ActiveSync SendMail/SmartReply/SmartForward, out-of-office replies,
 * DSNs, quota warnings to remote addresses, iMIP. Local recipients may be handed over too: the
 * implementation delivers them locally and queues only the remote ones.
 *
 * Tests of the callers pass a fake that records the messages; src/server wires the real queue.
 */
export interface OutboundMessage {
  /** RFC 5321 reverse-path; '' for the null sender (DSNs, auto-replies: RFC 3834 §3.3). */
  mailFrom: string;
  /** RFC 5321 forward-paths, one address each. */
  recipients: string[];
  /** The message as it leaves, headers included (already footed and DKIM-signed if due). */
  bytes: Buffer;
  /** The authenticated user on whose behalf it is sent (for limits and audit), if any. */
  submittedBy?: string;
  /** RFC 3461 DSN parameters from the submission (RET, ENVID, per-recipient NOTIFY/ORCPT). */
  dsn?: { ret?: 'FULL' | 'HDRS'; envid?: string; notify?: Record<string, string[]>; orcpt?: Record<string, string> };
}

export interface Outbound {
  /**
   * Accepts the message durably (persisted before it resolves) for delivery to every recipient:
   * local ones are delivered now, remote ones queued. Resolves with the queue id (null when every
   * recipient was local). Throws only when nothing could be accepted.
   */
  send(message: OutboundMessage): Promise<{ queueId: string | null }>;
}
