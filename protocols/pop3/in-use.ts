/**
 * Maildrop locks (RFC 1939 §4: the server acquires an exclusive lock on the maildrop, so that
 * messages are not modified or removed before the session enters the UPDATE state). Held per
 * process: a second POP3 login to the same account on this node gets -ERR [IN-USE] (RFC 2449
 * §8.1.1). IMAP and ActiveSync are not locked out; the maildrop copes with their changes.
 */
export class MaildropLocks {
  private readonly held = new Set<number>();

  /** True when the lock was free and is now held. */
  acquire(accountId: number): boolean {
    if (this.held.has(accountId)) return false;
    this.held.add(accountId);
    return true;
  }

  release(accountId: number): void {
    this.held.delete(accountId);
  }
}
