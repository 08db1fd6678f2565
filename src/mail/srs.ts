/**
 * The Sender Rewriting Scheme (SRS, Shevek's "Sender Rewriting Scheme" paper, SRS0 form) for mail
 * the MX forwards to another domain: an alias whose target is elsewhere. Forwarding with the
 * original reverse-path would fail the target's SPF check for the sender's domain (RFC 7208 §1.1.2
 * names forwarding as the case SRS solves), so the forwarded copy leaves with
 *   SRS0=<hash>=<time>=<sender domain>=<sender local part>@<forwarding domain>
 * and a bounce to that address is routed back to the original sender. The hash is an HMAC-SHA256
 * over time, domain and local part with a secret shared by every node (the store's `srs` server
 * secret: a bounce may reach any node behind the load balancer), so that nobody can make Hearth
 * relay to an address of their choosing; the time (days, modulo 1024) bounds a
 * bounce address's life to MAX_AGE_DAYS. Comparisons are case-insensitive (some MTAs change the
 * case of local parts) and constant-time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Store } from '../store/store.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const DAY_MS = 86_400_000;
/** Days a rewritten address is accepted back (bounces come within the sender's queue lifetime). */
export const MAX_AGE_DAYS = 21;
const HASH_CHARS = 8;

function base32(bytes: Buffer, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= chars) break;
  }
  return out;
}

export class Srs {
  constructor(private readonly secret: Buffer, private readonly now: () => number = Date.now) {
    if (secret.length < 16) throw new Error('the SRS secret needs at least 16 bytes');
  }

  /** The secret in `file` (made with 32 random bytes, mode 0600, when missing). */
  /**
   * The key every node shares: the store's `srs` secret, made by the first node that asks. A
   * server that kept the key in DATA/srs.key before (one node) offers that one, so that the
   * addresses it handed out still come back.
   */
  static async fromStore(store: Pick<Store, 'serverSecret'>, legacyKeyFile: string | null, now?: () => number): Promise<Srs> {
    const legacy = legacyKeyFile && existsSync(legacyKeyFile) ? readFileSync(legacyKeyFile, 'utf8').trim() : '';
    const initial = /^[0-9a-f]{64}$/i.test(legacy) ? legacy.toLowerCase() : randomBytes(32).toString('hex');
    return new Srs(Buffer.from(await store.serverSecret('srs', initial), 'hex'), now);
  }

  private hash(time: string, domain: string, local: string): string {
    const mac = createHmac('sha256', this.secret).update(`${time}=${domain.toLowerCase()}=${local.toLowerCase()}`).digest();
    return base32(mac, HASH_CHARS);
  }

  private day(): number {
    return Math.floor(this.now() / DAY_MS) % 1024;
  }

  /** The reverse-path for a copy forwarded from `forwardingDomain`; the null sender stays null. */
  forward(sender: string, forwardingDomain: string): string {
    if (!sender) return '';
    const at = sender.lastIndexOf('@');
    if (at <= 0) return sender;
    const local = sender.slice(0, at);
    const domain = sender.slice(at + 1);
    const d = this.day();
    const time = ALPHABET[d >> 5] + ALPHABET[d & 31];
    return `SRS0=${this.hash(time, domain, local)}=${time}=${domain}=${local}@${forwardingDomain}`;
  }

  /** The original sender of an SRS0 address this server made (hash and age checked), else null. */
  reverse(address: string): string | null {
    const m = /^SRS0=([a-z2-7]+)=([a-z2-7]{2})=([^=@]+)=(.+)@[^@]+$/i.exec(address);
    if (!m) return null;
    const [, hash, time, domain, local] = m;
    const expected = Buffer.from(this.hash(time.toLowerCase(), domain, local));
    const given = Buffer.from(hash.toLowerCase());
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const t = time.toLowerCase();
    const stamped = ALPHABET.indexOf(t[0]) * 32 + ALPHABET.indexOf(t[1]);
    const age = (this.day() - stamped + 1024) % 1024;
    if (age > MAX_AGE_DAYS) return null;
    return `${local}@${domain}`;
  }
}
