/**
 * Bounces of list mail, at LIST-bounces: the member is named by the VERP-like address
 * (LIST-bounces+MEMBER=DOMAIN, src/mail/lists/distribute.ts) or, for the one copy the local
 * members share, by the Final-Recipient fields of the DSN (RFC 3464 §2.3.2). Only mail from the
 * null sender is a bounce (RFC 3464 §2, RFC 5321 §4.5.5): anything else is dropped, so that a
 * stranger cannot disable members by writing to the address. After the list's bounce limit a
 * member's delivery is disabled (`hearth list member add` enables it again).
 */
import type { ListAddress } from './addresses.js';
import type { ListDeps } from './deps.js';

/** Final-Recipient addresses of a DSN (rfc822 type only). */
export function finalRecipients(message: Buffer): string[] {
  const text = message.toString('latin1');
  const out = new Set<string>();
  for (const m of text.matchAll(/^Final-Recipient:\s*rfc822\s*;\s*<?([^\s<>;]+@[^\s<>;]+)>?\s*$/gim)) out.add(m[1].toLowerCase());
  return [...out];
}

export async function handleBounce(deps: ListDeps, target: ListAddress, message: Buffer, mailFrom: string): Promise<number> {
  if (mailFrom !== '') {
    deps.log.info({ list: target.address }, 'list.bounce.not-a-bounce');
    return 0;
  }
  const addresses = target.detail ? [target.detail] : finalRecipients(message);
  let counted = 0;
  for (const a of addresses) {
    const m = await deps.store.recordListBounce(target.id, a, target.bounceLimit);
    if (!m) continue;
    counted++;
    deps.log.info({ list: target.address, bounces: m.bounces, disabled: m.disabled }, m.disabled ? 'list.member.disabled' : 'list.bounce');
  }
  return counted;
}
