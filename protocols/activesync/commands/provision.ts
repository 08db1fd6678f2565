/**
 * Provision ([MS-ASPROV] 3.2.5.1): the two-phase policy exchange and remote wipe.
 *
 * Phase 1: the device asks for the policy; we answer the EASProvisionDoc with a temporary key
 *          (stored as Device.pendingPolicyKey).
 * Phase 2: the device acknowledges the temporary key with Status 1; we answer the final key
 *          (derived from the policy, stored as Device.policyKey) that it sends from then on.
 * Wipe:    while a wipe is pending, phase 1 answers RemoteWipe (AccountOnlyRemoteWipe for 16.1
 *          account-only wipes) instead; the device acknowledges with <RemoteWipe><Status>1.
 */
import { child, childText, el, type WbxmlElement } from '../wbxml/types.js';
import { policyKeyFor, provisionDoc, temporaryPolicyKey } from '../policy.js';
import { markWipeAcknowledged, markWipeSent, wipePending } from '../wipe.js';
import { readDeviceInformation, saveDeviceInformation } from '../device-info.js';
import { CommonStatus } from '../statuses.js';
import { type CommandContext, type WbxmlCommand, wbxml } from './types.js';

const NS = 'Provision';
const POLICY_TYPE = 'MS-EAS-Provisioning-WBXML';

/** [MS-ASPROV] 2.2.2.54.1 Provision Status, 2.2.2.54.2 Policy Status. */
const Status = { Success: 1, ProtocolError: 2, ServerError: 3 } as const;
const PolicyStatus = { Success: 1, NoPolicy: 2, UnknownPolicyType: 3, WrongPolicyKey: 5 } as const;

const provisionStatus = (s: number) => el(NS, 'Status', String(s));

const source = (ctx: CommandContext) => ctx.sourceIp;

export const provision: WbxmlCommand = {
  name: 'Provision',
  needsProvisioning: false,
  allowQuarantined: true,
  root: { ns: NS, tag: 'Provision' },
  malformedStatus: Status.ProtocolError,
  body: 'wbxml',
  async handle(ctx, req) {
    const out: WbxmlElement[] = [];
    let device = ctx.device;

    // 14.1+: DeviceInformation rides along ([MS-ASPROV] 2.2.2.52, [MS-ASCMD] 2.2.3.50).
    const info = child(req, 'DeviceInformation', 'Settings');
    if (info) {
      const values = readDeviceInformation(info);
      if (values) device = await saveDeviceInformation(ctx.store, device, values);
      out.push(el('Settings', 'DeviceInformation', [el('Settings', 'Status', values ? '1' : '2')]));
    }

    // Wipe acknowledgement ([MS-ASPROV] 3.2.5.1.2.2).
    const wipeAck = child(req, 'RemoteWipe', NS) ?? child(req, 'AccountOnlyRemoteWipe', NS);
    if (wipeAck) {
      const st = childText(wipeAck, 'Status', NS) ?? '';
      if (wipePending(device)) {
        await markWipeAcknowledged(ctx.store, device, ctx.account.email, source(ctx), st);
        ctx.log.warn({ status: st }, 'eas.wipe.acknowledged');
      }
      return wbxml(el(NS, 'Provision', [...out, provisionStatus(Status.Success)]));
    }

    // A pending wipe is what any Provision gets ([MS-ASPROV] 3.2.5.1.2.1).
    if (wipePending(device)) {
      const accountOnly = device.wipeAccountOnly && ctx.atLeast('16.1');
      await markWipeSent(ctx.store, device, ctx.account.email, source(ctx));
      ctx.log.warn({ accountOnly }, 'eas.wipe.sent');
      return wbxml(el(NS, 'Provision', [...out, provisionStatus(Status.Success), el(NS, accountOnly ? 'AccountOnlyRemoteWipe' : 'RemoteWipe')]));
    }

    const policy = child(child(req, 'Policies', NS) ?? el(NS, 'Policies'), 'Policy', NS);
    if (!policy) return wbxml(el(NS, 'Provision', [...out, provisionStatus(Status.ProtocolError)]));
    const type = childText(policy, 'PolicyType', NS);
    const policyEl = (status: number, key?: string, data?: WbxmlElement) => el(NS, 'Policies', [el(NS, 'Policy', [
      el(NS, 'PolicyType', type ?? POLICY_TYPE), el(NS, 'Status', String(status)),
      ...(key ? [el(NS, 'PolicyKey', key)] : []),
      ...(data ? [el(NS, 'Data', [data])] : []),
    ])]);
    // 12.1+ know only the WBXML policy type ([MS-ASPROV] 2.2.2.41).
    if (type !== POLICY_TYPE) {
      return wbxml(el(NS, 'Provision', [...out, provisionStatus(Status.Success), policyEl(PolicyStatus.UnknownPolicyType)]));
    }
    const finalKey = policyKeyFor(ctx.domain, ctx.policy);
    const ackKey = childText(policy, 'PolicyKey', NS);

    if (ackKey === undefined) {
      // Phase 1: the policy and a temporary key.
      const temp = temporaryPolicyKey(finalKey);
      await ctx.store.updateDevice(device.id, { pendingPolicyKey: temp });
      ctx.log.info('eas.provision.phase1');
      return wbxml(el(NS, 'Provision', [...out, provisionStatus(Status.Success), policyEl(PolicyStatus.Success, temp, provisionDoc(ctx.policy))]));
    }

    // Phase 2: the device acknowledges the temporary key.
    if (!device.pendingPolicyKey || ackKey !== device.pendingPolicyKey) {
      // A replay of an acknowledgement that already succeeded gets the same answer.
      if (ackKey === finalKey && device.policyKey === finalKey) {
        return wbxml(el(NS, 'Provision', [...out, provisionStatus(Status.Success), policyEl(PolicyStatus.Success, finalKey)]));
      }
      return wbxml(el(NS, 'Provision', [...out, provisionStatus(Status.Success), policyEl(PolicyStatus.WrongPolicyKey)]));
    }
    const applied = childText(policy, 'Status', NS) ?? '1';
    if (applied !== '1' && !ctx.policy.allowNonProvisionableDevices) {
      // [MS-ASPROV] 3.1.5.2: 139, the device cannot fully comply and the server requires it.
      await ctx.store.updateDevice(device.id, { pendingPolicyKey: null });
      return wbxml(el(NS, 'Provision', [...out, provisionStatus(CommonStatus.DeviceNotFullyProvisionable)]));
    }
    await ctx.store.updateDevice(device.id, { policyKey: finalKey, pendingPolicyKey: null, info: { ...device.info, policyStatus: applied } });
    ctx.log.info({ applied }, 'eas.provision.acknowledged');
    return wbxml(el(NS, 'Provision', [...out, provisionStatus(Status.Success), policyEl(PolicyStatus.Success, finalKey)]));
  },
};
