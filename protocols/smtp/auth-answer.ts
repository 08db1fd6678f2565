/**
 * The SMTP answer to a failed AUTH (RFC 4954 §6), from the one login table every protocol shares
 * (src/auth/answers.ts, smtpLoginAnswer): 535 5.7.8 for bad credentials, 454 4.7.0 while locked
 * or throttled. Here it only becomes the SmtpReply that smtp-server sends.
 */
import { smtpLoginAnswer, type LoginRefusal } from '../../src/auth/answers.js';
import { SmtpReply } from './replies.js';

export function smtpAuthFailure(refusal: LoginRefusal): SmtpReply {
  const m = /^(\d{3}) (\d\.\d{1,3}\.\d{1,3}) (.*)$/.exec(smtpLoginAnswer(refusal));
  if (!m) return new SmtpReply(454, '4.7.0', 'Temporary authentication failure; try again later');
  return new SmtpReply(Number(m[1]), m[2], m[3]);
}
