/**
 * The MS-ASHTTP request line and headers: pure functions, no I/O, no store.
 * [MS-ASHTTP] 2.2.1.1.1 (plain and base64-encoded query), 2.2.1.1.2 (request headers).
 */

export const PROTOCOL_VERSIONS = ['12.1', '14.0', '14.1', '16.0', '16.1'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];
/** MS-Server-ActiveSync response header: the server's version ([MS-ASHTTP] 2.2.2.1.2). */
export const SERVER_VERSION = '16.1';

export function isProtocolVersion(v: string | undefined): v is ProtocolVersion {
  return v !== undefined && (PROTOCOL_VERSIONS as readonly string[]).includes(v);
}

export function versionAtLeast(have: ProtocolVersion, want: ProtocolVersion): boolean {
  return Number(have) >= Number(want);
}

/** [MS-ASHTTP] 2.2.1.1.1.1.2 Command Codes (base64 form). */
export const COMMAND_CODES: Record<number, string> = {
  0: 'Sync', 1: 'SendMail', 2: 'SmartForward', 3: 'SmartReply', 4: 'GetAttachment', 9: 'FolderSync',
  10: 'FolderCreate', 11: 'FolderDelete', 12: 'FolderUpdate', 13: 'MoveItems', 14: 'GetItemEstimate',
  15: 'MeetingResponse', 16: 'Search', 17: 'Settings', 18: 'Ping', 19: 'ItemOperations', 20: 'Provision',
  21: 'ResolveRecipients', 22: 'ValidateCert', 23: 'Find',
};

/** The request line, whichever form the client used. */
export interface EasQuery {
  cmd: string;
  user: string | null;
  deviceId: string;
  deviceType: string;
  /** From the base64 form's version byte; the plain form uses the MS-ASProtocolVersion header. */
  protocolVersion: string | null;
  /** From the base64 form's policy key field; the plain form uses X-MS-PolicyKey. */
  policyKey: string | null;
  locale: number | null;
  attachmentName?: string;
  collectionId?: string;
  itemId?: string;
  longId?: string;
  parentId?: string;
  occurrence?: string;
  saveInSent: boolean;
  acceptMultiPart: boolean;
  base64: boolean;
}

export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

const DEVICE_ID = /^[\x21-\x7e]{1,128}$/;
const DEVICE_TYPE = /^[\x20-\x7e]{1,128}$/;

/** Parses the query string of a POST (everything after '?', undecoded). */
export function parseQuery(rawQuery: string): EasQuery {
  if (rawQuery.length > 4096) throw new QueryError('query too long');
  // [MS-ASHTTP] 2.2.1.1.1: the base64 form has no '=' separated parameters
  // (base64 padding '=' only at the end, so look for a name=value pair).
  const params = new URLSearchParams(rawQuery);
  if (params.has('Cmd') || params.has('cmd') || params.has('DeviceId')) return parsePlain(params);
  return parseBase64(decodeURIComponent(rawQuery));
}

function get(params: URLSearchParams, name: string): string | undefined {
  const v = params.get(name) ?? params.get(name.toLowerCase());
  return v === null ? undefined : v;
}

function parsePlain(params: URLSearchParams): EasQuery {
  const cmd = get(params, 'Cmd');
  const deviceId = get(params, 'DeviceId');
  const deviceType = get(params, 'DeviceType');
  if (!cmd || !/^[A-Za-z]{1,32}$/.test(cmd)) throw new QueryError('missing or invalid Cmd');
  if (!deviceId || !DEVICE_ID.test(deviceId)) throw new QueryError('missing or invalid DeviceId');
  if (!deviceType || !DEVICE_TYPE.test(deviceType)) throw new QueryError('missing or invalid DeviceType');
  const yes = (v: string | undefined) => v !== undefined && /^(t|true|1)$/i.test(v);
  return {
    cmd, deviceId, deviceType,
    user: get(params, 'User') ?? null,
    protocolVersion: null,
    policyKey: null,
    locale: null,
    attachmentName: get(params, 'AttachmentName'),
    collectionId: get(params, 'CollectionId'),
    itemId: get(params, 'ItemId'),
    longId: get(params, 'LongId'),
    parentId: get(params, 'ParentId'),
    occurrence: get(params, 'Occurrence'),
    saveInSent: yes(get(params, 'SaveInSent')),
    acceptMultiPart: yes(get(params, 'AcceptMultiPart')),
    base64: false,
  };
}

/** [MS-ASHTTP] 2.2.1.1.1.1 Base64-Encoded Query Value. */
export function parseBase64(value: string): EasQuery {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new QueryError('not a base64 query');
  const buf = Buffer.from(value, 'base64');
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw new QueryError('truncated base64 query');
  };
  const byte = () => { need(1); return buf[pos++]; };
  const bytes = (n: number) => { need(n); const b = buf.subarray(pos, pos + n); pos += n; return b; };

  const versionByte = byte();
  const cmdCode = byte();
  need(2);
  const locale = buf.readUInt16LE(pos);
  pos += 2;
  const deviceIdBytes = bytes(byte());
  const policyKeyLength = byte();
  let policyKey: string | null = null;
  if (policyKeyLength === 4) policyKey = String(bytes(4).readUInt32LE(0));
  else if (policyKeyLength !== 0) throw new QueryError('bad policy key length');
  const deviceType = bytes(byte()).toString('latin1');

  const cmd = COMMAND_CODES[cmdCode];
  if (!cmd) throw new QueryError(`unknown command code ${cmdCode}`);
  // Device IDs are opaque bytes (up to 16, 2.2.1.1.1.1.3): printable ones are kept as they are,
  // binary ones (GUIDs) become upper-case hex, as other servers do, so that the id is stable.
  const deviceId = /^[\x21-\x7e]+$/.test(deviceIdBytes.toString('latin1'))
    ? deviceIdBytes.toString('latin1') : deviceIdBytes.toString('hex').toUpperCase();
  if (!DEVICE_ID.test(deviceId)) throw new QueryError('missing or invalid DeviceId');
  if (!DEVICE_TYPE.test(deviceType)) throw new QueryError('missing or invalid DeviceType');

  const q: EasQuery = {
    cmd, deviceId, deviceType, user: null,
    protocolVersion: (versionByte / 10).toFixed(1),
    policyKey: policyKey === '0' ? null : policyKey,
    locale, saveInSent: false, acceptMultiPart: false, base64: true,
  };
  // 2.2.1.1.1.1.1 Command parameters: tag, length, value
  while (pos < buf.length) {
    const tag = byte();
    const v = bytes(byte());
    const s = v.toString('utf8');
    switch (tag) {
      case 0: q.attachmentName = s; break;
      case 1: q.collectionId = s; break;
      case 3: q.itemId = s; break;
      case 4: q.longId = s; break;
      case 6: q.occurrence = s; break;
      case 7: {
        const flags = v.length > 0 ? v[0] : 0;
        q.saveInSent = (flags & 0x01) !== 0;
        q.acceptMultiPart = (flags & 0x02) !== 0;
        break;
      }
      case 8: q.user = s; break;
      default: break; // 2 CollectionName, 5 ParentId (not used), unknown tags: ignored
    }
  }
  return q;
}

/** Builds a base64 query (clients and tests). Inverse of parseBase64. */
export function encodeBase64Query(q: {
  version: ProtocolVersion; cmd: string; deviceId: string; deviceType: string; locale?: number;
  policyKey?: string | null; user?: string; collectionId?: string; itemId?: string; options?: number;
}): string {
  const code = Object.entries(COMMAND_CODES).find(([, n]) => n === q.cmd);
  if (!code) throw new Error(`no command code for ${q.cmd}`);
  const parts: Buffer[] = [];
  const head = Buffer.alloc(4);
  head[0] = Math.round(Number(q.version) * 10);
  head[1] = Number(code[0]);
  head.writeUInt16LE(q.locale ?? 0x0409, 2);
  parts.push(head);
  const devId = Buffer.from(q.deviceId, 'latin1');
  parts.push(Buffer.from([devId.length]), devId);
  if (q.policyKey) {
    const pk = Buffer.alloc(5);
    pk[0] = 4;
    pk.writeUInt32LE(Number(q.policyKey) >>> 0, 1);
    parts.push(pk);
  } else parts.push(Buffer.from([0]));
  const dt = Buffer.from(q.deviceType, 'latin1');
  parts.push(Buffer.from([dt.length]), dt);
  const param = (tag: number, v: Buffer) => parts.push(Buffer.from([tag, v.length]), v);
  if (q.collectionId) param(1, Buffer.from(q.collectionId));
  if (q.itemId) param(3, Buffer.from(q.itemId));
  if (q.options !== undefined) param(7, Buffer.from([q.options]));
  if (q.user) param(8, Buffer.from(q.user));
  return Buffer.concat(parts).toString('base64');
}

/** X-MS-PolicyKey header or the base64 field; '0' and absent both mean "no key" ([MS-ASPROV] 3.1.5.1). */
export function clientPolicyKey(query: EasQuery, header: string | string[] | undefined): string | null {
  if (query.policyKey) return query.policyKey;
  const h = Array.isArray(header) ? header[0] : header;
  if (!h || h.trim() === '' || h.trim() === '0') return null;
  return h.trim();
}
