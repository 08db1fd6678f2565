/**
 * The one notice of a device quarantine (Exchange's ABQ "quarantine notification"): when a phone
 * is put in quarantine, by the domain's access rules or by an administrator, its user and the
 * domain's administrators get one message saying which device waits and how to let it in. It is
 * delivered locally (src/mail/deliver.ts), marked Auto-Submitted (RFC 3834) so that no
 * auto-responder answers, and never fails the request that caused it.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Account, Device } from '../model/types.js';
import type { Store } from '../store/store.js';
import { deliver } from './deliver.js';

/** Who gets the notice: the user and every enabled administrator of the user's domain. */
async function recipients(store: Store, account: Account): Promise<string[]> {
  const admins = (await store.listAccounts()).filter((a) => !a.disabled && a.kind === 'user' && a.adminDomains.includes(account.domainId));
  return [...new Set([account.email, ...admins.map((a) => a.email)])];
}

/**
 * Sends the notice for `device` of `account` (its access is now 'quarantined'); returns the
 * addresses that got it. Callers call it on the transition into quarantine only, so a device
 * that stays quarantined is announced once.
 */
export async function sendQuarantineNotice(store: Store, account: Account, device: Device): Promise<string[]> {
  const domain = account.email.split('@')[1];
  const to = await recipients(store, account);
  // Device fields come from the phone: one line each, bounded.
  const clean = (v: string | null) => (v ? v.replace(/[\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 120) : '');
  const what = [clean(device.model), clean(device.deviceType)].filter(Boolean).join(', ') || 'unknown device';
  const text = [
    `A mobile device of ${account.email} has been quarantined and cannot synchronise until an administrator allows it.`,
    '',
    `Device: ${what}`,
    `Device ID: ${clean(device.deviceId)}`,
    ...(device.userAgent ? [`User agent: ${clean(device.userAgent)}`] : []),
    `Quarantined: ${new Date().toISOString()}`,
    '',
    `Administrators: allow it with \`hearth device allow ${account.email} ${clean(device.deviceId)}\`, in the web console, or with the admin API.`,
  ].join('\n');
  const raw = await new MailComposer({
    from: `Mail system <postmaster@${domain}>`, to, subject: `Device quarantined: ${what} of ${account.email}`, text,
    headers: { 'Auto-Submitted': 'auto-generated' },
  }).compile().build();
  const report = await deliver(store, to, raw, { envelope: { mailFrom: null } });
  return report.delivered.map((d) => d.address);
}
