/**
 * Device administration shared by the CLI and the admin API: list, remote wipe request and
 * cancel, removal. Pure store work; the ActiveSync protocol side of the wipe state machine
 * (sent, acknowledged) lives in protocols/activesync/wipe.ts.
 *
 *   none --request--> requested --Provision answers RemoteWipe--> sent --device acks--> acknowledged
 *
 * Every step is audited with target `device:EMAIL/DEVICE_ID`.
 */
import type { Device, DeviceAccess } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { deviceSignal } from '../model/signals.js';
import { sendQuarantineNotice } from '../mail/quarantine-notice.js';

export interface WipeActor {
  /** Who: an admin's address, 'cli', or the account for protocol events. */
  actor: string;
  /** Where from: an IP address, 'cli' ... */
  source: string | null;
}

export const deviceAuditTarget = (email: string, deviceId: string) => `device:${email}/${deviceId}`;

async function findDevice(store: Store, email: string, deviceId: string) {
  const account = await store.getAccount(email);
  const device = account ? await store.getDevice(account.id, deviceId) : null;
  if (!account || !device) throw new StoreError('NotFound', 'device not found');
  return { account, device };
}

/** `hearth device wipe EMAIL DEVICE_ID [--account-only]` */
export async function requestWipe(store: Store, email: string, deviceId: string, accountOnly: boolean, by: WipeActor): Promise<Device> {
  const { account, device } = await findDevice(store, email, deviceId);
  if (device.wipeState === 'acknowledged') throw new StoreError('Conflict', 'device already wiped');
  const updated = await store.updateDevice(device.id, { wipeState: 'requested', wipeAccountOnly: accountOnly });
  // A Ping the device holds ends now, so that its next request learns of the wipe.
  await store.signal(account.id, deviceSignal(deviceId, 'wipe'));
  await store.audit({ actor: by.actor, action: 'device.wipe.requested', target: deviceAuditTarget(account.email, deviceId), source: by.source, detail: { accountOnly } });
  return updated;
}

/** `hearth device cancel-wipe EMAIL DEVICE_ID`: only before the device acknowledged. */
export async function cancelWipe(store: Store, email: string, deviceId: string, by: WipeActor): Promise<Device> {
  const { account, device } = await findDevice(store, email, deviceId);
  if (device.wipeState === 'acknowledged') throw new StoreError('Conflict', 'device already wiped');
  if (device.wipeState === 'none') return device;
  const updated = await store.updateDevice(device.id, { wipeState: 'none', wipeAccountOnly: false });
  await store.audit({ actor: by.actor, action: 'device.wipe.cancelled', target: deviceAuditTarget(account.email, deviceId), source: by.source, detail: { was: device.wipeState } });
  return updated;
}

/** `hearth device remove EMAIL DEVICE_ID`: forgets the device and its sync states. */
export async function removeDevice(store: Store, email: string, deviceId: string, by: WipeActor): Promise<void> {
  const { account, device } = await findDevice(store, email, deviceId);
  await store.deleteSyncStates(device.id);
  await store.deleteDevice(device.id);
  await store.audit({ actor: by.actor, action: 'device.removed', target: deviceAuditTarget(account.email, deviceId), source: by.source, detail: { wipeState: device.wipeState } });
}

/** `hearth device list EMAIL`: one line a device. */
export async function listDeviceLines(store: Store, email: string): Promise<string[]> {
  const account = await store.getAccount(email);
  if (!account) throw new StoreError('NotFound', 'account not found');
  const devices = await store.listDevices(account.id);
  return devices.map((d) => [d.deviceId, d.deviceType ?? '-', d.model ?? '-', new Date(d.lastSeen).toISOString(),
    d.wipeState + (d.wipeAccountOnly ? ' (account-only)' : ''), d.access].join('\t'));
}


/**
 * `hearth device allow|block EMAIL DEVICE_ID`: an administrator's decision for one device; it
 * overrides the domain's access rules (Exchange's per-device ABQ override) and releases a
 * quarantined device. A wiped device stays blocked: remove it instead.
 */
export async function setDeviceAccess(store: Store, email: string, deviceId: string, access: DeviceAccess, by: WipeActor): Promise<Device> {
  const { account, device } = await findDevice(store, email, deviceId);
  if (device.wipeState === 'acknowledged') throw new StoreError('Conflict', 'device was wiped: remove it to let it connect again');
  const updated = await store.updateDevice(device.id, { access, info: { ...device.info, accessSource: 'admin' } });
  await store.signal(account.id, deviceSignal(deviceId, 'access'));
  await store.audit({ actor: by.actor, action: `device.${access}`, target: deviceAuditTarget(account.email, deviceId), source: by.source, detail: { was: device.access } });
  // One notice per quarantine: only on the way in (src/mail/quarantine-notice.ts); never fails the decision.
  if (access === 'quarantined' && device.access !== 'quarantined') await sendQuarantineNotice(store, account, updated).catch(() => []);
  return updated;
}
