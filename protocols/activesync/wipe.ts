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
 * The administrative side (request, cancel, remove, list) is in src/admin/devices.ts, shared with
 * the CLI; the protocol side (sent, acknowledged) is here, used by Provision.
 */
import type { Device } from '../../src/model/types.js';
import type { Store } from '../../src/store/store.js';
import { deviceAuditTarget as target } from '../../src/admin/devices.js';

export { cancelWipe, listDeviceLines, removeDevice, requestWipe, type WipeActor } from '../../src/admin/devices.js';

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
