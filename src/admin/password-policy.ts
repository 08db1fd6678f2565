/**
 * A domain's password policy, checked wherever a password is set (account creation and reset, by
 * the CLI and the admin API alike): kept in Domain.settings.passwordPolicy, no migration. Existing
 * passwords keep working: the policy applies only when a password is set.
 *
 * Every change is audited with target `domain:NAME`, before and after.
 */
import type { Domain } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { auditChange, type AdminActor } from './actor.js';

export const PASSWORD_POLICY_SETTING = 'passwordPolicy';
/** The shortest policy minimum (the old global one) and the longest. */
export const MIN_PASSWORD = 8;
export const MAX_MIN_PASSWORD = 128;

export interface PasswordPolicy {
  minLength: number;
  requireMixedCase: boolean;
  requireDigit: boolean;
  requireSymbol: boolean;
  /** The password may not contain the user's local part (case-insensitive). */
  rejectContainsLocalPart: boolean;
}

export const DEFAULT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  minLength: MIN_PASSWORD,
  requireMixedCase: false,
  requireDigit: false,
  requireSymbol: false,
  rejectContainsLocalPart: false,
});

const BOOLEAN_KEYS = ['requireMixedCase', 'requireDigit', 'requireSymbol', 'rejectContainsLocalPart'] as const;

/** The domain's effective policy: stored values that are valid, defaults for the rest. */
export function passwordPolicyOf(domain: Pick<Domain, 'settings'> | null | undefined): PasswordPolicy {
  const stored = domain?.settings?.[PASSWORD_POLICY_SETTING];
  const s = stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const policy: PasswordPolicy = { ...DEFAULT_PASSWORD_POLICY };
  if (typeof s.minLength === 'number' && Number.isInteger(s.minLength) && s.minLength >= MIN_PASSWORD && s.minLength <= MAX_MIN_PASSWORD)
    policy.minLength = s.minLength;
  for (const k of BOOLEAN_KEYS) if (typeof s[k] === 'boolean') policy[k] = s[k] as boolean;
  return policy;
}

/**
 * Why the password is refused under the policy, in one line, or null when it is acceptable.
 * Length counts Unicode code points, not UTF-16 units. "Mixed case" means at least one
 * upper-case and one lower-case letter (any script); a symbol is anything neither a letter nor a
 * digit (punctuation, spaces, emoji).
 */
export function passwordProblem(policy: PasswordPolicy, password: string | undefined, email: string): string | null {
  if (!password) return 'a password is required';
  if ([...password].length < policy.minLength) return `the password must have at least ${policy.minLength} characters`;
  if (policy.requireMixedCase && !(/\p{Lu}/u.test(password) && /\p{Ll}/u.test(password)))
    return 'the password must mix upper-case and lower-case letters';
  if (policy.requireDigit && !/\p{Nd}/u.test(password)) return 'the password must contain a digit';
  if (policy.requireSymbol && !/[^\p{L}\p{Nd}]/u.test(password)) return 'the password must contain a symbol (neither a letter nor a digit)';
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (policy.rejectContainsLocalPart && local && password.toLowerCase().includes(local))
    return 'the password must not contain the user name';
  return null;
}

/** Throws StoreError 'Invalid' (CLI: one-line error; API: 422 problem+json) when the policy refuses the password. */
export function checkPasswordAgainst(domain: Pick<Domain, 'settings'> | null | undefined, password: string | undefined, email: string): string {
  const problem = passwordProblem(passwordPolicyOf(domain), password, email);
  if (problem) throw new StoreError('Invalid', problem);
  return password!;
}

/** Checks one change: minLength a whole number in 8..128, the rest booleans. */
function checkChanges(changes: Partial<PasswordPolicy>): Partial<PasswordPolicy> {
  const out: Partial<PasswordPolicy> = {};
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    if (k === 'minLength') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_PASSWORD || v > MAX_MIN_PASSWORD)
        throw new StoreError('Invalid', `minLength: expected a whole number from ${MIN_PASSWORD} to ${MAX_MIN_PASSWORD}, got '${String(v)}'`);
      out.minLength = v;
    } else if ((BOOLEAN_KEYS as readonly string[]).includes(k)) {
      if (typeof v !== 'boolean') throw new StoreError('Invalid', `${k}: expected true or false`);
      out[k as (typeof BOOLEAN_KEYS)[number]] = v;
    } else {
      throw new StoreError('Invalid', `unknown password policy key '${k}'`);
    }
  }
  return out;
}

/** Sets the given keys of the domain's policy (the others stay); returns the effective policy after. */
export async function setPasswordPolicy(store: Store, by: AdminActor, domain: Domain, changes: Partial<PasswordPolicy>): Promise<PasswordPolicy> {
  const checked = checkChanges(changes);
  if (Object.keys(checked).length === 0) throw new StoreError('Invalid', 'no password policy values given');
  const before = passwordPolicyOf(domain);
  const after: PasswordPolicy = { ...before, ...checked };
  const updated = await store.updateDomain(domain.id, { settings: { ...domain.settings, [PASSWORD_POLICY_SETTING]: after } });
  await auditChange(store, by, 'domain.password-policy.set', `domain:${domain.name}`, before, passwordPolicyOf(updated));
  return passwordPolicyOf(updated);
}
