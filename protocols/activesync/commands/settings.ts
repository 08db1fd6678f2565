/**
 * Settings ([MS-ASCMD] 2.2.1.18): Oof get/set, DeviceInformation set, UserInformation get,
 * DevicePassword set, RightsManagementInformation get. Each part answers its own Status.
 */
import type { Account } from '../../../src/model/types.js';
import { child, childText, children, el, type WbxmlElement } from '../wbxml/types.js';
import { readDeviceInformation, saveDeviceInformation } from '../device-info.js';
import { htmlToText } from '../convert/body.js';
import { type CommandContext, type WbxmlCommand, wbxml } from './types.js';
import type { OofMessage, OofSetting } from '../../../src/model/types.js';

const NS = 'Settings';
/** [MS-ASCMD] 2.2.3.177.15 */
const S = { Success: 1, ProtocolError: 2, AccessDenied: 3, ServerUnavailable: 4, InvalidArguments: 5, Conflicting: 6 } as const;
const status = (s: number) => el(NS, 'Status', String(s));

const AUDIENCES = [['AppliesToInternal', 'internal'], ['AppliesToExternalKnown', 'externalKnown'], ['AppliesToExternalUnknown', 'externalUnknown']] as const;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function convert(m: OofMessage, want: string | undefined): { text: string; type: string } {
  if (!want || want.toUpperCase() === m.bodyType.toUpperCase()) return { text: m.message, type: m.bodyType };
  return want.toUpperCase() === 'HTML' ? { text: escapeHtml(m.message).replace(/\n/g, '<br>'), type: 'HTML' } : { text: htmlToText(m.message), type: 'Text' };
}

const isoDate = (ms: number) => new Date(ms).toISOString();

async function oofGet(ctx: CommandContext, get: WbxmlElement): Promise<WbxmlElement> {
  const oof = await ctx.store.getSetting<OofSetting>(ctx.account.id, 'oof');
  const want = childText(get, 'BodyType', NS);
  const parts: WbxmlElement[] = [el(NS, 'OofState', String(oof?.state ?? 0))];
  if (oof?.state === 2 && oof.start !== null && oof.end !== null) {
    parts.push(el(NS, 'StartTime', isoDate(oof.start)), el(NS, 'EndTime', isoDate(oof.end)));
  }
  for (const [tag, key] of AUDIENCES) {
    const m = oof?.[key];
    if (!m) continue;
    const c = convert(m, want);
    parts.push(el(NS, 'OofMessage', [el(NS, tag), el(NS, 'Enabled', m.enabled ? '1' : '0'), el(NS, 'ReplyMessage', c.text), el(NS, 'BodyType', c.type)]));
  }
  return el(NS, 'Oof', [status(S.Success), el(NS, 'Get', parts)]);
}

async function oofSet(ctx: CommandContext, set: WbxmlElement): Promise<WbxmlElement> {
  const prev = await ctx.store.getSetting<OofSetting>(ctx.account.id, 'oof');
  const stateText = childText(set, 'OofState', NS);
  const state = stateText === undefined ? prev?.state ?? 0 : Number(stateText);
  if (state !== 0 && state !== 1 && state !== 2) return el(NS, 'Oof', [status(S.InvalidArguments)]);
  const next: OofSetting = {
    state, start: prev?.start ?? null, end: prev?.end ?? null,
    internal: prev?.internal ?? null, externalKnown: prev?.externalKnown ?? null, externalUnknown: prev?.externalUnknown ?? null,
  };
  const st = childText(set, 'StartTime', NS);
  const et = childText(set, 'EndTime', NS);
  if (st !== undefined) next.start = Date.parse(st);
  if (et !== undefined) next.end = Date.parse(et);
  if (state === 2 && (next.start === null || next.end === null || Number.isNaN(next.start) || Number.isNaN(next.end))) {
    return el(NS, 'Oof', [status(S.InvalidArguments)]);
  }
  if (state === 2 && next.start! >= next.end!) return el(NS, 'Oof', [status(S.Conflicting)]);
  if (next.start !== null && Number.isNaN(next.start)) next.start = null;
  if (next.end !== null && Number.isNaN(next.end)) next.end = null;
  for (const m of children(set, 'OofMessage', NS)) {
    const aud = AUDIENCES.find(([tag]) => child(m, tag, NS));
    if (!aud) return el(NS, 'Oof', [status(S.ProtocolError)]);
    const old = next[aud[1]];
    const bodyType = (childText(m, 'BodyType', NS) ?? old?.bodyType ?? 'Text').toUpperCase() === 'HTML' ? 'HTML' : 'Text';
    const enabledText = childText(m, 'Enabled', NS);
    next[aud[1]] = {
      enabled: enabledText === undefined ? old?.enabled ?? false : enabledText === '1',
      message: (childText(m, 'ReplyMessage', NS) ?? old?.message ?? '').slice(0, 64 * 1024),
      bodyType,
    };
  }
  await ctx.store.setSetting(ctx.account.id, 'oof', next);
  return el(NS, 'Oof', [status(S.Success)]);
}

/** The account's addresses: primary first, then the aliases of its domain that point at it. */
async function addresses(ctx: CommandContext, account: Account): Promise<string[]> {
  const aliases = await ctx.store.listAliases(account.domainId);
  const mine = aliases.filter((a) => a.targets.some((t) => t.toLowerCase() === account.email)).map((a) => a.address).sort();
  return [account.email, ...mine.filter((a) => a !== account.email)];
}

async function userInformation(ctx: CommandContext): Promise<WbxmlElement> {
  const all = await addresses(ctx, ctx.account);
  if (!ctx.atLeast('14.1')) {
    return el(NS, 'UserInformation', [status(S.Success), el(NS, 'Get', [el(NS, 'EmailAddresses', all.map((a) => el(NS, 'SmtpAddress', a)))])]);
  }
  // 14.1+: the Accounts form ([MS-ASCMD] 2.2.3.3 Account).
  const account = [
    ...(ctx.account.displayName ? [el(NS, 'UserDisplayName', ctx.account.displayName)] : []),
    el(NS, 'EmailAddresses', [...all.map((a) => el(NS, 'SmtpAddress', a)), el(NS, 'PrimarySmtpAddress', ctx.account.email)]),
  ];
  return el(NS, 'UserInformation', [status(S.Success), el(NS, 'Get', [el(NS, 'Accounts', [el(NS, 'Account', account)])])]);
}

export const settings: WbxmlCommand = {
  name: 'Settings',
  needsProvisioning: true,
  allowQuarantined: true,
  root: { ns: NS, tag: 'Settings' },
  malformedStatus: S.ProtocolError,
  body: 'wbxml',
  async handle(ctx, req) {
    const out: WbxmlElement[] = [];
    for (const part of req.children) {
      if (part.ns !== NS) return wbxml(el(NS, 'Settings', [status(S.ProtocolError)]));
      const get = child(part, 'Get', NS);
      const set = child(part, 'Set', NS);
      switch (part.tag) {
        case 'Oof':
          out.push(get ? await oofGet(ctx, get) : set ? await oofSet(ctx, set) : el(NS, 'Oof', [status(S.ProtocolError)]));
          break;
        case 'DeviceInformation': {
          const values = readDeviceInformation(part);
          if (values) ctx.device = await saveDeviceInformation(ctx.store, ctx.device, values);
          out.push(el(NS, 'DeviceInformation', [status(values ? S.Success : S.ProtocolError)]));
          break;
        }
        case 'UserInformation':
          out.push(get ? await userInformation(ctx) : el(NS, 'UserInformation', [status(S.ProtocolError)]));
          break;
        case 'DevicePassword': {
          const pw = set ? childText(set, 'Password', NS) : undefined;
          if (pw === undefined) { out.push(el(NS, 'DevicePassword', [status(S.ProtocolError)])); break; }
          // Kept only when the policy enables password recovery ([MS-ASPROV] 2.2.2.43).
          if (ctx.policy.PasswordRecoveryEnabled) {
            await ctx.store.setSetting(ctx.account.id, `activesync.recoveryPassword.${ctx.device.deviceId}`, { password: pw.slice(0, 256), at: ctx.now() });
          }
          out.push(el(NS, 'DevicePassword', [status(S.Success)]));
          break;
        }
        case 'RightsManagementInformation':
          // No IRM templates: an empty Get ([MS-ASCMD] 2.2.3.153).
          out.push(el(NS, 'RightsManagementInformation', [status(S.Success), el(NS, 'Get')]));
          break;
        default:
          return wbxml(el(NS, 'Settings', [status(S.ProtocolError)]));
      }
    }
    return wbxml(el(NS, 'Settings', [status(S.Success), ...out]));
  },
};
