/**
 * Remote wipe state machine on the device record (Device.wipeState):
 *
 *   none --request--> requested --Provision answers RemoteWipe--> sent --device acks--> acknowledged
 *     ^                   |                                          |
 *     +------cancel-------+------------------cancel------------------+
 *
 * After 'acknowledged' the device is blocked (access 'blocked', info.accessSource 'wipe') until an
 * administrator removes the device record. Every transition is audited.
 *
 * The administrative side (request, cancel, remove, list) is pure store work: src/cli performs
 * the same operations (see docs/protocols/activesync.md, "Remote wipe"); these functions are the
 * reference and serve the tests. The protocol side (sent, acknowledged) is used by Provision.
 */
import type { Device } from '../../src/model/types.js';
import type { Store } from '../../src/store/store.js';
import { StoreError } from '../../src/store/errors.js';

export interface WipeActor {
  /** Who: an admin's address, 'cli', or the account for protocol events. */
  actor: string;
  /** Where from: an IP address, 'cli' ... */
  source: string | null;
}

const target = (email: string, deviceId: string) => `device:${email}/${deviceId}`;

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
  await store.audit({ actor: by.actor, action: 'device.wipe.requested', target: target(account.email, deviceId), source: by.source, detail: { accountOnly } });
  return updated;
}

/** `hearth device cancel-wipe EMAIL DEVICE_ID`: only before the device acknowledged. */
export async function cancelWipe(store: Store, email: string, deviceId: string, by: WipeActor): Promise<Device> {
  const { account, device } = await findDevice(store, email, deviceId);
  if (device.wipeState === 'acknowledged') throw new StoreError('Conflict', 'device already wiped');
  if (device.wipeState === 'none') return device;
  const updated = await store.updateDevice(device.id, { wipeState: 'none', wipeAccountOnly: false });
  await store.audit({ actor: by.actor, action: 'device.wipe.cancelled', target: target(account.email, deviceId), source: by.source, detail: { was: device.wipeState } });
  return updated;
}

/** `hearth device remove EMAIL DEVICE_ID`: forgets the device and its sync states. */
export async function removeDevice(store: Store, email: string, deviceId: string, by: WipeActor): Promise<void> {
  const { account, device } = await findDevice(store, email, deviceId);
  await store.deleteSyncStates(device.id);
  await store.deleteDevice(device.id);
  await store.audit({ actor: by.actor, action: 'device.removed', target: target(account.email, deviceId), source: by.source, detail: { wipeState: device.wipeState } });
}

/** `hearth device list EMAIL`: one line a device. */
export async function listDeviceLines(store: Store, email: string): Promise<string[]> {
  const account = await store.getAccount(email);
  if (!account) throw new StoreError('NotFound', 'account not found');
  const devices = await store.listDevices(account.id);
  return devices.map((d) => [d.deviceId, d.deviceType ?? '-', d.model ?? '-', new Date(d.lastSeen).toISOString(),
    d.wipeState + (d.wipeAccountOnly ? ' (account-only)' : ''), d.access].join('\t'));
}

/** Provision answered RemoteWipe / AccountOnlyRemoteWipe. */
export async function markWipeSent(store: Store, device: Device, email: string, source: string | null): Promise<Device> {
  const updated = device.wipeState === 'sent' ? device : await store.updateDevice(device.id, { wipeState: 'sent' });
  await store.audit({ actor: email, action: 'device.wipe.sent', target: target(email, device.deviceId), source, detail: { accountOnly: device.wipeAccountOnly, protocolVersion: device.protocolVersion } });
  return updated;
}

/** The device confirmed the wipe: acknowledged, and blocked from now on. */
export async function markWipeAcknowledged(store: Store, device: Device, email: string, source: string | null, status: string): Promise<Device> {
  const updated = await store.updateDevice(device.id, {
    wipeState: 'acknowledged', access: 'blocked', policyKey: null, pendingPolicyKey: null,
    info: { ...device.info, accessSource: 'wipe' },
  });
  await store.deleteSyncStates(device.id);
  await store.audit({ actor: email, action: 'device.wipe.acknowledged', target: target(email, device.deviceId), source, detail: { accountOnly: device.wipeAccountOnly, status } });
  return updated;
}

export function wipePending(device: Device): boolean {
  return device.wipeState === 'requested' || device.wipeState === 'sent';
}
