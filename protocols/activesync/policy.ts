/**
 * Per-domain device policy ([MS-ASPROV] 2.2.2, EASProvisionDoc) and device access rules.
 *
 * Stored in Domain.settings.activesyncPolicy (a partial ActiveSyncPolicy: spec field names as keys,
 * plus the Hearth switches `requireProvisioning` and `allowNonProvisionableDevices`) and
 * Domain.settings.activesyncAccessRules (see AccessRules). Missing keys take the defaults below.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Device, DeviceAccess, Domain } from '../../src/model/types.js';
import { el, type WbxmlElement } from './wbxml/types.js';

/** EASProvisionDoc fields we send, in the order of the MS-ASWBXML Provision code page. */
export interface ActiveSyncPolicy {
  DevicePasswordEnabled: boolean;
  AlphanumericDevicePasswordRequired: boolean;
  PasswordRecoveryEnabled: boolean;
  RequireStorageCardEncryption: boolean;
  AttachmentsEnabled: boolean;
  MinDevicePasswordLength: number | null;
  /** Seconds; null means no limit. */
  MaxInactivityTimeDeviceLock: number | null;
  MaxDevicePasswordFailedAttempts: number | null;
  /** Bytes; null means no limit. */
  MaxAttachmentSize: number | null;
  AllowSimpleDevicePassword: boolean;
  /** Days; null means never. */
  DevicePasswordExpiration: number | null;
  DevicePasswordHistory: number;
  AllowStorageCard: boolean;
  AllowCamera: boolean;
  RequireDeviceEncryption: boolean;
  AllowUnsignedApplications: boolean;
  AllowUnsignedInstallationPackages: boolean;
  MinDevicePasswordComplexCharacters: number;
  AllowWiFi: boolean;
  AllowTextMessaging: boolean;
  AllowPOPIMAPEmail: boolean;
  AllowBluetooth: 0 | 1 | 2;
  AllowIrDA: boolean;
  RequireManualSyncWhenRoaming: boolean;
  AllowDesktopSync: boolean;
  /** [MS-ASPROV] 2.2.2.28: 0 all, 4 two weeks, 5 one month, 6 three months, 7 six months. */
  MaxCalendarAgeFilter: number;
  AllowHTMLEmail: boolean;
  /** 0 all, 1 one day ... 5 one month. */
  MaxEmailAgeFilter: number;
  /** Kilobytes; -1 means no truncation. */
  MaxEmailBodyTruncationSize: number;
  MaxEmailHTMLBodyTruncationSize: number;
  RequireSignedSMIMEMessages: boolean;
  RequireEncryptedSMIMEMessages: boolean;
  RequireSignedSMIMEAlgorithm: number;
  RequireEncryptionSMIMEAlgorithm: number;
  AllowSMIMEEncryptionAlgorithmNegotiation: number;
  AllowSMIMESoftCerts: boolean;
  AllowBrowser: boolean;
  AllowConsumerEmail: boolean;
  AllowRemoteDesktop: boolean;
  AllowInternetSharing: boolean;
  /** Hearth: refuse sync to devices that never acknowledged the policy (default true). */
  requireProvisioning: boolean;
  /** Hearth: accept devices that acknowledge with Status 2/3 (partial or not applied); else Status 139. */
  allowNonProvisionableDevices: boolean;
}

/** Permissive defaults: nothing is forced on the phone, but every device provisions. */
export const DEFAULT_POLICY: ActiveSyncPolicy = {
  DevicePasswordEnabled: false,
  AlphanumericDevicePasswordRequired: false,
  PasswordRecoveryEnabled: false,
  RequireStorageCardEncryption: false,
  AttachmentsEnabled: true,
  MinDevicePasswordLength: null,
  MaxInactivityTimeDeviceLock: null,
  MaxDevicePasswordFailedAttempts: null,
  MaxAttachmentSize: null,
  AllowSimpleDevicePassword: true,
  DevicePasswordExpiration: null,
  DevicePasswordHistory: 0,
  AllowStorageCard: true,
  AllowCamera: true,
  RequireDeviceEncryption: false,
  AllowUnsignedApplications: true,
  AllowUnsignedInstallationPackages: true,
  MinDevicePasswordComplexCharacters: 1,
  AllowWiFi: true,
  AllowTextMessaging: true,
  AllowPOPIMAPEmail: true,
  AllowBluetooth: 2,
  AllowIrDA: true,
  RequireManualSyncWhenRoaming: false,
  AllowDesktopSync: true,
  MaxCalendarAgeFilter: 0,
  AllowHTMLEmail: true,
  MaxEmailAgeFilter: 0,
  MaxEmailBodyTruncationSize: -1,
  MaxEmailHTMLBodyTruncationSize: -1,
  RequireSignedSMIMEMessages: false,
  RequireEncryptedSMIMEMessages: false,
  RequireSignedSMIMEAlgorithm: 0,
  RequireEncryptionSMIMEAlgorithm: 0,
  AllowSMIMEEncryptionAlgorithmNegotiation: 2,
  AllowSMIMESoftCerts: true,
  AllowBrowser: true,
  AllowConsumerEmail: true,
  AllowRemoteDesktop: true,
  AllowInternetSharing: true,
  requireProvisioning: true,
  allowNonProvisionableDevices: true,
};

const HEARTH_KEYS = new Set(['requireProvisioning', 'allowNonProvisionableDevices']);

/** The domain's effective policy: stored overrides of the right type on top of the defaults. */
export function effectivePolicy(domain: Domain): ActiveSyncPolicy {
  const stored = domain.settings?.activesyncPolicy;
  const policy: ActiveSyncPolicy = { ...DEFAULT_POLICY };
  if (stored && typeof stored === 'object') {
    const p = policy as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(stored as Record<string, unknown>)) {
      if (!(k in DEFAULT_POLICY)) continue;
      const def = (DEFAULT_POLICY as unknown as Record<string, unknown>)[k];
      if (v === null || typeof v === typeof def || (def === null && typeof v === 'number')) p[k] = v;
    }
  }
  return policy;
}

/**
 * The final policy key: derived from the domain and the policy, so it changes exactly when the
 * policy does ([MS-ASPROV] 3.2.5.1.2: a policy change makes the device re-provision). A uint32,
 * never 0 (0 means "no key"), so that it fits the base64 query's policy key field.
 */
export function policyKeyFor(domain: Domain, policy: ActiveSyncPolicy): string {
  const canonical = JSON.stringify(Object.keys(policy).sort().map((k) => [k, (policy as unknown as Record<string, unknown>)[k]]));
  const h = createHash('sha256').update(`${domain.id}\n${canonical}`).digest();
  return String((h.readUInt32BE(0) % 0xfffffffe) + 1);
}

/** A temporary key for the first Provision phase: random, never 0 and never the final key. */
export function temporaryPolicyKey(finalKey: string): string {
  for (;;) {
    const k = String(randomInt(1, 0xffffffff));
    if (k !== finalKey) return k;
  }
}

const b = (v: boolean) => (v ? '1' : '0');
const n = (v: number | null) => (v === null ? null : String(v));

/** The EASProvisionDoc element ([MS-ASPROV] 2.2.2.27). Unlimited values are left out. */
export function provisionDoc(policy: ActiveSyncPolicy): WbxmlElement {
  const fields: Array<[string, string | null]> = [
    ['DevicePasswordEnabled', b(policy.DevicePasswordEnabled)],
    ['AlphanumericDevicePasswordRequired', b(policy.AlphanumericDevicePasswordRequired)],
    ['PasswordRecoveryEnabled', b(policy.PasswordRecoveryEnabled)],
    ['RequireStorageCardEncryption', b(policy.RequireStorageCardEncryption)],
    ['AttachmentsEnabled', b(policy.AttachmentsEnabled)],
    ['MinDevicePasswordLength', n(policy.MinDevicePasswordLength)],
    ['MaxInactivityTimeDeviceLock', n(policy.MaxInactivityTimeDeviceLock)],
    ['MaxDevicePasswordFailedAttempts', n(policy.MaxDevicePasswordFailedAttempts)],
    ['MaxAttachmentSize', n(policy.MaxAttachmentSize)],
    ['AllowSimpleDevicePassword', b(policy.AllowSimpleDevicePassword)],
    ['DevicePasswordExpiration', n(policy.DevicePasswordExpiration)],
    ['DevicePasswordHistory', String(policy.DevicePasswordHistory)],
    ['AllowStorageCard', b(policy.AllowStorageCard)],
    ['AllowCamera', b(policy.AllowCamera)],
    ['RequireDeviceEncryption', b(policy.RequireDeviceEncryption)],
    ['AllowUnsignedApplications', b(policy.AllowUnsignedApplications)],
    ['AllowUnsignedInstallationPackages', b(policy.AllowUnsignedInstallationPackages)],
    ['MinDevicePasswordComplexCharacters', String(policy.MinDevicePasswordComplexCharacters)],
    ['AllowWiFi', b(policy.AllowWiFi)],
    ['AllowTextMessaging', b(policy.AllowTextMessaging)],
    ['AllowPOPIMAPEmail', b(policy.AllowPOPIMAPEmail)],
    ['AllowBluetooth', String(policy.AllowBluetooth)],
    ['AllowIrDA', b(policy.AllowIrDA)],
    ['RequireManualSyncWhenRoaming', b(policy.RequireManualSyncWhenRoaming)],
    ['AllowDesktopSync', b(policy.AllowDesktopSync)],
    ['MaxCalendarAgeFilter', String(policy.MaxCalendarAgeFilter)],
    ['AllowHTMLEmail', b(policy.AllowHTMLEmail)],
    ['MaxEmailAgeFilter', String(policy.MaxEmailAgeFilter)],
    ['MaxEmailBodyTruncationSize', String(policy.MaxEmailBodyTruncationSize)],
    ['MaxEmailHTMLBodyTruncationSize', String(policy.MaxEmailHTMLBodyTruncationSize)],
    ['RequireSignedSMIMEMessages', b(policy.RequireSignedSMIMEMessages)],
    ['RequireEncryptedSMIMEMessages', b(policy.RequireEncryptedSMIMEMessages)],
    ['RequireSignedSMIMEAlgorithm', String(policy.RequireSignedSMIMEAlgorithm)],
    ['RequireEncryptionSMIMEAlgorithm', String(policy.RequireEncryptionSMIMEAlgorithm)],
    ['AllowSMIMEEncryptionAlgorithmNegotiation', String(policy.AllowSMIMEEncryptionAlgorithmNegotiation)],
    ['AllowSMIMESoftCerts', b(policy.AllowSMIMESoftCerts)],
    ['AllowBrowser', b(policy.AllowBrowser)],
    ['AllowConsumerEmail', b(policy.AllowConsumerEmail)],
    ['AllowRemoteDesktop', b(policy.AllowRemoteDesktop)],
    ['AllowInternetSharing', b(policy.AllowInternetSharing)],
  ];
  return el('Provision', 'EASProvisionDoc',
    fields.filter(([k, v]) => v !== null && !HEARTH_KEYS.has(k)).map(([k, v]) => el('Provision', k, v as string)));
}

// ---------------------------------------------------------------------------------------------
// Device access rules (Exchange's "allow / block / quarantine", ABQ)

export interface AccessRule {
  /** What the pattern is matched against. */
  field: 'deviceType' | 'model' | 'userAgent';
  /** Case-insensitive glob: '*' matches any run of characters. */
  pattern: string;
  access: DeviceAccess;
}

export interface AccessRules {
  /** Applies when no rule matches. Default 'allowed'. */
  default: DeviceAccess;
  /** First match wins. */
  rules: AccessRule[];
}

const ACCESS: readonly DeviceAccess[] = ['allowed', 'blocked', 'quarantined'];

export function accessRules(domain: Domain): AccessRules {
  const raw = domain.settings?.activesyncAccessRules as Partial<AccessRules> | undefined;
  const def = raw && ACCESS.includes(raw.default as DeviceAccess) ? (raw.default as DeviceAccess) : 'allowed';
  const rules = Array.isArray(raw?.rules) ? raw.rules.filter((r): r is AccessRule =>
    !!r && ['deviceType', 'model', 'userAgent'].includes(r.field) && typeof r.pattern === 'string' && ACCESS.includes(r.access)) : [];
  return { default: def, rules };
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
  return re.test(value);
}

/** The access the rules give this device. */
export function evaluateAccess(rules: AccessRules, device: Pick<Device, 'deviceType' | 'model' | 'userAgent'>): DeviceAccess {
  for (const r of rules.rules) {
    const v = device[r.field];
    if (v && globMatch(r.pattern, v)) return r.access;
  }
  return rules.default;
}

/**
 * Who decided the device's access, kept in Device.info.accessSource: 'rule' (re-evaluated on every
 * request, so that a rule change or a model learnt later applies), 'admin' (a per-device decision)
 * or 'wipe' (blocked after an acknowledged wipe). Rules never override 'admin' or 'wipe'.
 */
export type AccessSource = 'rule' | 'admin' | 'wipe';

export function accessSource(device: Device): AccessSource {
  const s = device.info?.accessSource;
  return s === 'admin' || s === 'wipe' ? s : 'rule';
}
