/** Settings:DeviceInformation ([MS-ASCMD] 2.2.3.50), sent in Settings and, from 14.1, in Provision. */
import type { Device } from '../../src/model/types.js';
import type { Store } from '../../src/store/store.js';
import { child, childText, type WbxmlElement } from './wbxml/types.js';

const FIELDS = ['Model', 'IMEI', 'FriendlyName', 'OS', 'OSLanguage', 'PhoneNumber', 'UserAgent', 'EnableOutboundSMS', 'MobileOperator'] as const;

/** Reads <DeviceInformation><Set>...</Set></DeviceInformation>; null when malformed. */
export function readDeviceInformation(info: WbxmlElement): Record<string, string> | null {
  const set = child(info, 'Set', 'Settings');
  if (!set) return null;
  const out: Record<string, string> = {};
  for (const f of FIELDS) {
    const v = childText(set, f, 'Settings');
    if (v !== undefined) out[f] = v.slice(0, 1024);
  }
  return out;
}

/** Stores it in Device.info.deviceInformation and Device.model. */
export async function saveDeviceInformation(store: Store, device: Device, values: Record<string, string>): Promise<Device> {
  return store.updateDevice(device.id, {
    model: values.Model ?? device.model,
    info: { ...device.info, deviceInformation: values },
  });
}
