/**
 * Confirmation and moderation tokens as split tokens: 8 hex digits of selector (looked up in the
 * store) and 24 of verifier (128 random bits in all, 96 of them secret), of which the store keeps
 * only a SHA-256. The verifier is compared in constant time, so that the time of an answer says
 * nothing about how much of a guess was right. Lower-case hex survives mail address case folding.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface NewToken {
  token: string;
  selector: string;
  verifierHash: string;
}

const hash = (verifier: string) => createHash('sha256').update(verifier).digest('hex');

export function newToken(): NewToken {
  const token = randomBytes(16).toString('hex');
  return { token, selector: token.slice(0, 8), verifierHash: hash(token.slice(8)) };
}

/** The halves of a token as written in an address or a subject, or null when it is not one. */
export function splitToken(text: string): { selector: string; verifier: string } | null {
  const t = text.trim().toLowerCase();
  return /^[0-9a-f]{32}$/.test(t) ? { selector: t.slice(0, 8), verifier: t.slice(8) } : null;
}

export function verifierMatches(verifierHash: string, verifier: string): boolean {
  const a = Buffer.from(verifierHash, 'hex');
  const b = Buffer.from(hash(verifier), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
