/**
 * What an address and a domain name must look like (passwords: the domain's policy, password-policy.ts), for every administrative path
 * (the CLI turns a refusal into a usage error, the API into 422 problem+json).
 */
const ADDRESS = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The address lower-cased, or null when it is none (RFC 5321 §4.5.3.1.3: at most 254 characters in practice). */
export function normaliseAddress(email: string): string | null {
  const e = email.trim().toLowerCase();
  return ADDRESS.test(e) && e.length <= 254 ? e : null;
}

export function normaliseDomainName(name: string): string | null {
  const d = name.trim().toLowerCase();
  return DOMAIN.test(d) && d.length <= 253 ? d : null;
}
