/**
 * Per-domain device policy ([MS-ASPROV] 2.2.2, EASProvisionDoc) and device access rules: the
 * protocol side (policy key, EASProvisionDoc, rule evaluation). The data model (the policy, its
 * defaults, the rules and how they are read from Domain.settings) is in src/model/device-policy.ts.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Device, DeviceAccess, Domain } from '../../src/model/types.js';
import { HEARTH_POLICY_KEYS as HEARTH_KEYS, type ActiveSyncPolicy, type AccessRules } from '../../src/model/device-policy.js';
import { el, type WbxmlElement } from './wbxml/types.js';

export { DEFAULT_POLICY, effectivePolicy, accessRules } from '../../src/model/device-policy.js';
export type { ActiveSyncPolicy, AccessRule, AccessRules } from '../../src/model/device-policy.js';

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
