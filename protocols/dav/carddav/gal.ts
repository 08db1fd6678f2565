/**
 * The read-only global address list of a domain (one address book per domain, built from its
 * accounts). Only members of the domain can resolve it (see resolve.ts).
 */
import type { Account, Domain } from '../../../src/model/types.js';

const escText = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/([,;])/g, '\\$1');

/** vCard 3.0 of one account (RFC 2426); groups and resources carry Apple's kind extension. */
export function galCard(a: Account, domain: Domain): string {
  const name = a.displayName ?? a.email.split('@')[0];
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `UID:urn:hearth:gal:${domain.name}:${a.id}`, `FN:${escText(name)}`, `N:${escText(name)};;;;`,
    `EMAIL;TYPE=INTERNET,WORK:${a.email}`, `ORG:${escText(domain.name)}`];
  if (a.kind === 'group') lines.push('X-ADDRESSBOOKSERVER-KIND:group');
  if (a.kind === 'resource') lines.push('X-ADDRESSBOOKSERVER-KIND:location');
  lines.push('END:VCARD');
  return lines.join('\r\n') + '\r\n';
}

export const galName = (a: Account) => `${a.id}.vcf`;

export async function galAccounts(listAccounts: (domainId: number) => Promise<Account[]>, domain: Domain): Promise<Account[]> {
  return (await listAccounts(domain.id)).filter((a) => !a.disabled && a.domainId === domain.id);
}
