/**
 * The SMTP answer to a failed AUTH (RFC 4954 §6): 535 5.7.8 for bad credentials, 454 4.7.0 for
 * a temporary refusal (lockout). One small function, so that the shared mail answer
 * (src/auth/answers.ts, mailAuthAnswer) can replace it without touching the listener.
 */
import type { AuthFailure } from '../../src/auth/authenticator.js';
import { SmtpReply } from './replies.js';

export function smtpAuthFailure(reason: AuthFailure): SmtpReply {
  // A locked or disabled account gets the same answer as a wrong password would after the
  // lockout: no hint that the account exists (CONVENTIONS: who may log in lives in src/auth).
  // Only what a better password fixes is 535; anything that waiting lifts (locked, and any
  // throttling reason the AuthService adds) is the temporary 454.
  if (reason === 'invalid' || reason === 'disabled') return new SmtpReply(535, '5.7.8', 'Authentication credentials invalid');
  return new SmtpReply(454, '4.7.0', 'Temporary authentication failure; try again later');
}
