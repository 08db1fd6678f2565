/**
 * No password in the clear: USER, PASS and AUTH are refused before TLS (RFC 2595 §2.3, §4),
 * with the [AUTH] code (RFC 3206 §5) as Dovecot answers, so clients show a login problem.
 */
import type { Pop3Session } from '../session.js';

/** True (and the refusal written) when the connection is not yet protected by TLS. */
export async function refusedInTheClear(s: Pop3Session): Promise<boolean> {
  if (s.io.secure) return false;
  await s.err(`[AUTH] Plaintext authentication is not allowed without TLS${s.io.canStartTls ? ': use STLS first' : ''}`);
  return true;
}
