/**
 * Per-domain ActiveSync device policy and device access rules, as administrators change them:
 * shared by the CLI (`hearth domain policy|access`) and the admin API. Pure store work on
 * Domain.settings.activesyncPolicy / activesyncAccessRules (data model: src/model/device-policy.ts).
 *
 * The protocol derives the policy key from the effective policy, so any policy change makes every
 * provisioned device of the domain re-provision at its next request (Status 142/143, HTTP 449);
 * access rules are re-evaluated on every request. Neither needs anything done here.
 *
 * Every change is audited with target `domain:NAME`.
 */
import type { Domain, DeviceAccess } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import {
  ACCESS_RULE_FIELDS, DEFAULT_POLICY, DEVICE_ACCESS, accessRules, effectivePolicy,
  type AccessRule, type AccessRules, type ActiveSyncPolicy,
} from '../model/device-policy.js';

export interface PolicyActor {
  /** Who: an admin's address, or `cli:USER`. */
  actor: string;
  /** Where from: an IP address, 'cli' ... */
  source: string | null;
}

export const domainAuditTarget = (name: string) => `domain:${name}`;

export type PolicyValue = ActiveSyncPolicy[keyof ActiveSyncPolicy];

export interface PolicyEntry {
  key: keyof ActiveSyncPolicy;
  /** The effective value. */
  value: PolicyValue;
  /** True when the domain sets the key, false when it takes the default. */
  set: boolean;
  default: PolicyValue;
}

/**
 * Keys whose numbers are codes, not amounts ([MS-ASPROV] 2.2.2): the values allowed.
 * Other numbers are non-negative integers.
 */
const ALLOWED_NUMBERS: Partial<Record<keyof ActiveSyncPolicy, readonly number[]>> = {
  AllowBluetooth: [0, 1, 2],
  MaxCalendarAgeFilter: [0, 4, 5, 6, 7],
  MaxEmailAgeFilter: [0, 1, 2, 3, 4, 5],
  AllowSMIMEEncryptionAlgorithmNegotiation: [0, 1, 2],
};

/** Keys where -1 means "no limit" (the default), so that `none` sets -1. */
const MINUS_ONE_IS_NONE: ReadonlySet<string> = new Set(['MaxEmailBodyTruncationSize', 'MaxEmailHTMLBodyTruncationSize']);

const invalid = (message: string) => new StoreError('Invalid', message);

async function findDomain(store: Store, name: string): Promise<Domain> {
  const domain = await store.getDomain(name.trim().toLowerCase());
  if (!domain) throw new StoreError('NotFound', `domain ${name} not found`);
  return domain;
}

function storedPolicy(domain: Domain): Record<string, unknown> {
  const stored = domain.settings?.activesyncPolicy;
  return stored && typeof stored === 'object' && !Array.isArray(stored) ? { ...(stored as Record<string, unknown>) } : {};
}

const isPolicyKey = (k: string): k is keyof ActiveSyncPolicy => Object.prototype.hasOwnProperty.call(DEFAULT_POLICY, k);

/** `hearth domain policy DOMAIN`: every key, in EASProvisionDoc order, effective value and whether the domain sets it. */
export async function showPolicy(store: Store, domainName: string): Promise<PolicyEntry[]> {
  const domain = await findDomain(store, domainName);
  const policy = effectivePolicy(domain);
  const stored = storedPolicy(domain);
  return (Object.keys(DEFAULT_POLICY) as Array<keyof ActiveSyncPolicy>).map((key) => ({
    key, value: policy[key], set: Object.prototype.hasOwnProperty.call(stored, key), default: DEFAULT_POLICY[key],
  }));
}

/**
 * Parses one VALUE for KEY by the default's type: true/false/1/0 for a boolean, a non-negative
 * integer for a number, `none` for no limit (keys whose default is null or -1). Returns
 * undefined for `default` (remove the override).
 */
export function parsePolicyValue(key: string, raw: string): PolicyValue | undefined {
  if (!isPolicyKey(key)) throw invalid(`unknown policy key '${key}'`);
  const v = raw.trim().toLowerCase();
  if (v === 'default') return undefined;
  const def = DEFAULT_POLICY[key];
  if (typeof def === 'boolean') {
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw invalid(`${key}: expected true or false, got '${raw}'`);
  }
  const nullable = def === null;
  if (v === 'none') {
    if (nullable) return null;
    if (MINUS_ONE_IS_NONE.has(key)) return -1;
    throw invalid(`${key}: 'none' is not allowed, expected a whole number`);
  }
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw invalid(`${key}: expected a non-negative whole number${nullable || MINUS_ONE_IS_NONE.has(key) ? " or 'none'" : ''}, got '${raw}'`);
  }
  const n = Number(v);
  const allowed = ALLOWED_NUMBERS[key];
  if (allowed && !allowed.includes(n)) throw invalid(`${key}: expected one of ${allowed.join(', ')}, got '${raw}'`);
  return n as PolicyValue;
}

/**
 * `hearth domain policy DOMAIN KEY=VALUE...`: validates every assignment first (an unknown key
 * or a bad value changes nothing), then stores them; `default` removes the domain's override.
 * Returns the changes made, as { key: [before, after] } of effective values.
 */
export async function setPolicy(store: Store, domainName: string, assignments: Record<string, string>, by: PolicyActor): Promise<Record<string, [PolicyValue, PolicyValue]>> {
  const entries = Object.entries(assignments);
  if (entries.length === 0) throw invalid('no policy values given');
  const parsed = entries.map(([k, raw]) => [k, parsePolicyValue(k, raw)] as const);
  const domain = await findDomain(store, domainName);
  const before = effectivePolicy(domain);
  const stored = storedPolicy(domain);
  for (const [k, v] of parsed) {
    if (v === undefined) delete stored[k];
    else stored[k] = v;
  }
  const updated = await store.updateDomain(domain.id, { settings: { ...domain.settings, activesyncPolicy: stored } });
  const after = effectivePolicy(updated);
  const changes: Record<string, [PolicyValue, PolicyValue]> = {};
  for (const [k] of parsed) {
    const key = k as keyof ActiveSyncPolicy;
    if (before[key] !== after[key]) changes[k] = [before[key], after[key]];
  }
  await store.audit({ actor: by.actor, action: 'domain.policy.set', target: domainAuditTarget(domain.name), source: by.source,
    detail: { assignments: Object.fromEntries(parsed.map(([k, v]) => [k, v === undefined ? 'default' : v])), changes } });
  return changes;
}

/** `hearth domain access DOMAIN`: the rules (first match wins) and the default. */
export async function listAccessRules(store: Store, domainName: string): Promise<AccessRules> {
  return accessRules(await findDomain(store, domainName));
}

export function checkAccess(access: string): DeviceAccess {
  if (!DEVICE_ACCESS.includes(access as DeviceAccess)) throw invalid(`access must be one of ${DEVICE_ACCESS.join(', ')}, got '${access}'`);
  return access as DeviceAccess;
}

async function saveRules(store: Store, domain: Domain, rules: AccessRules, action: string, detail: Record<string, unknown>, by: PolicyActor): Promise<AccessRules> {
  const updated = await store.updateDomain(domain.id, { settings: { ...domain.settings, activesyncAccessRules: rules } });
  await store.audit({ actor: by.actor, action, target: domainAuditTarget(domain.name), source: by.source, detail });
  return accessRules(updated);
}

/** `hearth domain access DOMAIN add ...`: appends a rule (checked after the existing ones). */
export async function addAccessRule(store: Store, domainName: string, field: string, pattern: string, access: string, by: PolicyActor): Promise<AccessRules> {
  if (!ACCESS_RULE_FIELDS.includes(field as AccessRule['field'])) throw invalid(`rule field must be one of ${ACCESS_RULE_FIELDS.join(', ')}, got '${field}'`);
  const p = pattern.trim();
  if (!p) throw invalid('empty rule pattern');
  if (p.length > 256) throw invalid('rule pattern longer than 256 characters');
  const rule: AccessRule = { field: field as AccessRule['field'], pattern: p, access: checkAccess(access) };
  const domain = await findDomain(store, domainName);
  const current = accessRules(domain);
  return saveRules(store, domain, { default: current.default, rules: [...current.rules, rule] }, 'domain.access.rule.added', { rule }, by);
}

/** `hearth domain access DOMAIN remove N`: N counts from 1, as listAccessRules' order. */
export async function removeAccessRule(store: Store, domainName: string, index: number, by: PolicyActor): Promise<AccessRules> {
  const domain = await findDomain(store, domainName);
  const current = accessRules(domain);
  if (!Number.isInteger(index) || index < 1 || index > current.rules.length) {
    throw new StoreError('NotFound', `no access rule ${index} in domain ${domain.name} (it has ${current.rules.length})`);
  }
  const removed = current.rules[index - 1];
  const rules = current.rules.filter((_, i) => i !== index - 1);
  return saveRules(store, domain, { default: current.default, rules }, 'domain.access.rule.removed', { index, rule: removed }, by);
}

/** `hearth domain access DOMAIN default allow|block|quarantine`: the access when no rule matches. */
export async function setDefaultAccess(store: Store, domainName: string, access: string, by: PolicyActor): Promise<AccessRules> {
  const a = checkAccess(access);
  const domain = await findDomain(store, domainName);
  const current = accessRules(domain);
  return saveRules(store, domain, { default: a, rules: current.rules }, 'domain.access.default', { was: current.default, access: a }, by);
}

/** The admin API's PUT of the whole rule set (idempotent): every rule checked as addAccessRule does. */
export async function replaceAccessRules(store: Store, domainName: string, wanted: AccessRules, by: PolicyActor): Promise<AccessRules> {
  const def = checkAccess(wanted.default);
  const rules = wanted.rules.map((r): AccessRule => {
    if (!ACCESS_RULE_FIELDS.includes(r.field)) throw invalid(`rule field must be one of ${ACCESS_RULE_FIELDS.join(', ')}, got '${r.field}'`);
    const pattern = r.pattern.trim();
    if (!pattern || pattern.length > 256) throw invalid('a rule pattern has 1 to 256 characters');
    return { field: r.field, pattern, access: checkAccess(r.access) };
  });
  const domain = await findDomain(store, domainName);
  const before = accessRules(domain);
  return saveRules(store, domain, { default: def, rules }, 'domain.access.replaced', { before, after: { default: def, rules } }, by);
}
