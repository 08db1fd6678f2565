/**
 * One ActiveSync POST, from credentials to encoded answer ([MS-ASHTTP] 3.2.5), in two steps.
 * Before the body (admit): authenticate, parse the request line, check the declared size, touch
 * the device record, apply access rules, wipe and provisioning. After it (handlePost): decode the
 * WBXML body, check its root element, run the command (what it throws becomes the command's
 * declared status), encode its result. Never throws to fastify.
 */
import { SendRate } from '../../src/mail/submission-policy.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Account, Device, Domain } from '../../src/model/types.js';
import type { ProtocolContext } from '../../src/model/context.js';
import { basicLogin } from '../../src/auth/basic-login.js';
import { httpLoginAnswer } from '../../src/auth/answers.js';
import { decodeWbxml, encodeWbxml, isWbxmlError, type WbxmlElement } from './wbxml/index.js';
import { el } from './wbxml/types.js';
import {
  clientPolicyKey, type EasQuery, isProtocolVersion, parseQuery, PROTOCOL_VERSIONS, type ProtocolVersion,
  QueryError, SERVER_VERSION, versionAtLeast,
} from './query.js';
import { type ActiveSyncLimits, bodyLimitFor } from './limits.js';
import { accessRules, accessSource, effectivePolicy, evaluateAccess, policyKeyFor, type ActiveSyncPolicy } from './policy.js';
import { wipePending } from './wipe.js';
import { CommonStatus, HTTP_NEEDS_PROVISIONING } from './statuses.js';
import { isExpectedError } from './errors.js';
import type { CommandRegistry } from './commands/index.js';
import type { CommandContext, CommandHandler, CommandResult } from './commands/types.js';
import { sendQuarantineNotice } from '../../src/mail/quarantine-notice.js';
import type { DeviceUpsert, Store } from '../../src/store/store.js';

export const WBXML_TYPE = 'application/vnd.ms-sync.wbxml';

/**
 * Authenticates the request from its Basic credentials; when that fails, answers itself (401 with
 * the challenge, or 503 with Retry-After while locked or throttled: src/auth/answers.ts) and
 * returns null.
 */
export async function authenticate(pctx: ProtocolContext, request: FastifyRequest, reply: FastifyReply): Promise<Account | null> {
  const r = await basicLogin(pctx.auth, request.headers.authorization, request.ip);
  if (r.ok) return r.account;
  if (r.reason !== 'missing') request.log.info({ reason: r.reason }, 'eas.auth.failed');
  const answer = httpLoginAnswer(r, 'Hearth ActiveSync');
  await reply.code(answer.status).headers(answer.headers).send();
  return null;
}

function sendResult(reply: FastifyReply, r: CommandResult): FastifyReply {
  if (r.headers) reply.headers(r.headers);
  switch (r.kind) {
    case 'wbxml': return reply.code(200).header('Content-Type', WBXML_TYPE).send(encodeWbxml(r.body));
    case 'empty': return reply.code(200).send();
    case 'raw': return reply.code(200).header('Content-Type', r.contentType).send(r.body);
    case 'http': return reply.code(r.status).send();
  }
}

/**
 * A status-only answer: in the command's own Status for 14.0+ when it has a WBXML root
 * ([MS-ASCMD] 2.2.2), else the HTTP status 12.x clients understand.
 */
function statusAnswer(h: CommandHandler, version: ProtocolVersion, status: number, http: number): CommandResult {
  const body = versionAtLeast(version, '14.0') ? statusElement(h, status) : null;
  return body ? { kind: 'wbxml', body } : { kind: 'http', status: http };
}

/**
 * The provisioning gate ([MS-ASPROV] 3.2.5.1): the status to answer, or null to go on.
 * 142 no key / never provisioned, 144 a key that is not the device's, 143 the device's key is for
 * an older policy. 12.x get HTTP 449 for all three.
 */
export function provisioningStatus(device: Device, domain: Domain, policy: ActiveSyncPolicy, clientKey: string | null): number | null {
  if (!policy.requireProvisioning) return null;
  if (!device.policyKey || !clientKey) return CommonStatus.DeviceNotProvisioned;
  if (clientKey !== device.policyKey) return CommonStatus.InvalidPolicyKey;
  if (device.policyKey !== policyKeyFor(domain, policy)) return CommonStatus.PolicyRefresh;
  return null;
}

/** A request let in before its body is read: who, which device, which command, how much body. */
export interface Admission {
  account: Account;
  domain: Domain;
  device: Device;
  query: EasQuery;
  version: ProtocolVersion;
  handler: CommandHandler;
  policy: ActiveSyncPolicy;
  log: Logger;
  /** The most body bytes this command may send (limits.ts). */
  bodyLimit: number;
  limits: ActiveSyncLimits;
}

/** True when the client is sending a body (declared or chunked) that nobody has read yet. */
function hasBody(request: FastifyRequest): boolean {
  const len = request.headers['content-length'];
  return (len !== undefined && len !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/**
 * Everything that needs no body ([MS-ASHTTP] 3.2.5), run before a byte of it is read (issue 8.1):
 * credentials, the request line, the device record, access rules, wipe and provisioning, and the
 * declared size against the command's limit. Answers the request itself and returns null when it
 * must stop there; an unread body then closes the connection, so it is never read.
 */
export async function admit(pctx: ProtocolContext, registry: CommandRegistry, limits: ActiveSyncLimits, request: FastifyRequest, reply: FastifyReply): Promise<Admission | null> {
  reply.header('MS-Server-ActiveSync', SERVER_VERSION);
  if (hasBody(request)) reply.header('Connection', 'close');
  const account = await authenticate(pctx, request, reply);
  if (!account) return null;

  // Request line ([MS-ASHTTP] 2.2.1.1.1)
  const rawQuery = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  let query: EasQuery;
  try {
    query = parseQuery(rawQuery);
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    request.log.info({ err: e.message }, 'eas.request.bad-query');
    await reply.code(400).send();
    return null;
  }
  const versionHeader = request.headers['ms-asprotocolversion'];
  const asked = query.protocolVersion ?? (Array.isArray(versionHeader) ? versionHeader[0] : versionHeader) ?? '12.1';
  if (!isProtocolVersion(asked)) {
    request.log.info({ version: asked }, 'eas.request.bad-version');
    await reply.code(400).header('MS-ASProtocolVersions', PROTOCOL_VERSIONS.join(',')).send();
    return null;
  }
  const version: ProtocolVersion = asked;
  const handler = registry.get(query.cmd);
  if (!handler) { await reply.code(501).send(); return null; }

  const log: Logger = pctx.log.child({ proto: 'eas', cid: request.id, user: account.email, device: query.deviceId, cmd: handler.name });
  const domain = await pctx.store.getDomain(account.domainId);
  if (!domain) { await reply.code(403).send(); return null; }

  // Declared size ([RFC 9110] 15.5.14 413): refused before the device record is touched.
  const bodyLimit = bodyLimitFor(handler.bodyBudget ?? 'command', domain, limits);
  const declared = Number(request.headers['content-length'] ?? 0);
  if (!Number.isFinite(declared) || declared > bodyLimit) {
    log.info({ declared, bodyLimit }, 'eas.request.too-large');
    await reply.code(413).send();
    return null;
  }

  const ua = request.headers['user-agent'];
  const seen: DeviceUpsert = {
    accountId: account.id, deviceId: query.deviceId, deviceType: query.deviceType,
    userAgent: typeof ua === 'string' ? ua.slice(0, 256) : null, protocolVersion: version,
  };
  // The record is read fresh on every request (a wipe, block or policy key set by any node counts
  // at once); it is written only when something changed or lastSeen is a minute old, not on
  // every request of a busy phone (a write, with its fsync, cost more than the rest of a Ping).
  let device = await pctx.store.getDevice(account.id, query.deviceId);
  if (!device || deviceChanged(device, seen, Date.now())) device = await pctx.store.touchDevice(seen);

  // Access rules ([MS-ASCMD] 2.2.2 Status 129); an administrator's or a wipe's decision sticks.
  if (accessSource(device) === 'rule') {
    const access = evaluateAccess(accessRules(domain), device);
    if (access !== device.access) {
      device = await pctx.store.updateDevice(device.id, { access });
      log.info({ access }, 'eas.device.access');
      if (access === 'quarantined') await noticeQuarantine(pctx.store, account, device, log);
    }
  }
  const policy = effectivePolicy(domain);
  const refuse = async (r: CommandResult) => { await sendResult(reply, r); return null; };

  if (wipePending(device)) {
    // The device must provision to receive the wipe ([MS-ASCMD] 2.2.2 Status 140).
    if (handler.name !== 'Provision') return refuse(statusAnswer(handler, version, CommonStatus.RemoteWipeRequested, HTTP_NEEDS_PROVISIONING));
  } else if (device.access === 'blocked') {
    return refuse(statusAnswer(handler, version, CommonStatus.DeviceIsBlockedForThisUser, 403));
  } else if (device.access === 'quarantined' && !handler.allowQuarantined) {
    return refuse(statusAnswer(handler, version, CommonStatus.DeviceIsBlockedForThisUser, 403));
  } else if (handler.needsProvisioning) {
    const status = provisioningStatus(device, domain, policy, clientPolicyKey(query, request.headers['x-ms-policykey']));
    if (status !== null) {
      log.info({ status }, 'eas.provision.required');
      return refuse(statusAnswer(handler, version, status, HTTP_NEEDS_PROVISIONING));
    }
  }
  // Let in: the body will be read, and the connection may be kept.
  reply.removeHeader('Connection');
  return { account, domain, device, query, version, handler, policy, log, bodyLimit, limits };
}

/** lastSeen is kept to the minute: a request within it of the last write writes nothing. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** True when touchDevice would change more than lastSeen, or lastSeen is due (the store's clock is Date.now). */
function deviceChanged(d: Device, seen: DeviceUpsert, now: number): boolean {
  // touchDevice sets only the fields given (a null or empty one keeps the stored value).
  if (seen.deviceType && seen.deviceType !== d.deviceType) return true;
  if (seen.userAgent && seen.userAgent !== d.userAgent) return true;
  if (seen.protocolVersion && seen.protocolVersion !== d.protocolVersion) return true;
  return !(now - d.lastSeen < LAST_SEEN_RESOLUTION_MS && now >= d.lastSeen);
}

/** <root><Status>n</Status></root>, or the command's own form of it (statusBody). */
function statusElement(h: CommandHandler, status: number): WbxmlElement | null {
  if (h.statusBody) return h.statusBody(status);
  return h.root ? el(h.root.ns, h.root.tag, [el(h.root.ns, 'Status', String(status))]) : null;
}

/** The decoded body, or the answer to a body that is not one this command accepts. */
function readBody(a: Admission, rawBody: Buffer): { body: WbxmlElement | null } | { refuse: CommandResult } {
  const { handler, log } = a;
  if (handler.body !== 'wbxml') return { body: null };
  if (rawBody.length === 0) return handler.emptyBodyAllowed ? { body: null } : { refuse: { kind: 'http', status: 400 } };
  let body: WbxmlElement;
  try {
    body = decodeWbxml(rawBody, { maxInputBytes: a.bodyLimit, maxElements: a.limits.requestElements });
  } catch (e) {
    if (!isWbxmlError(e)) throw e;
    log.info({ code: e.code }, 'eas.request.bad-wbxml');
    return { refuse: { kind: 'http', status: 400 } };
  }
  // The root element is the command's ([MS-ASCMD] 2.2.1): anything else is the command's
  // malformed-request Status, in every protocol version.
  const root = handler.root;
  if (root && (body.ns !== root.ns || body.tag !== root.tag)) {
    log.info({ ns: body.ns, tag: body.tag }, 'eas.request.wrong-root');
    const answer = handler.malformedStatus !== undefined ? statusElement(handler, handler.malformedStatus) : null;
    return { refuse: answer ? { kind: 'wbxml', body: answer } : { kind: 'http', status: 400 } };
  }
  return { body };
}

/** Runs the handler with the body it declared; what it throws becomes its Status. */
async function runCommand(a: Admission, ctx: CommandContext, body: WbxmlElement | null): Promise<CommandResult> {
  const h = a.handler;
  try {
    if (h.body === 'raw') return await h.handle(ctx, null);
    if (h.emptyBodyAllowed) return await h.handle(ctx, body);
    if (body === null) return { kind: 'http', status: 400 };
    return await h.handle(ctx, body);
  } catch (e) {
    if (isExpectedError(e)) a.log.info({ err: (e as Error).message }, 'eas.command.refused');
    else a.log.error({ err: e }, 'eas.command.failed');
    // The command's own status for it, else Status 110 (14.0+) / HTTP 500 for 12.1 and commands
    // without a WBXML root ([MS-ASCMD] 2.2.2 ServerError).
    const own = h.errorStatus ? statusElement(h, h.errorStatus(e)) : null;
    return own ? { kind: 'wbxml', body: own } : statusAnswer(h, a.version, CommonStatus.ServerError, 500);
  }
}

/** What the plugin keeps for all requests of this node. */
export interface NodeServices {
  /** Messages per user per hour sent from phones (src/mail/submission-policy.ts), counted on this node. */
  sendRate: SendRate;
}

/** The admitted request's body read and checked, its command run, the answer encoded. Never throws. */
export async function handlePost(pctx: ProtocolContext, a: Admission, request: FastifyRequest, reply: FastifyReply, node: NodeServices = { sendRate: new SendRate(500, pctx.now) }): Promise<FastifyReply> {
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const read = readBody(a, rawBody);
  if ('refuse' in read) return sendResult(reply, read.refuse);

  const abort = new AbortController();
  reply.raw.on('close', () => { if (!reply.raw.writableFinished) abort.abort(); });
  const version = a.version;
  const ctx: CommandContext = {
    store: pctx.store, settings: pctx.settings, account: a.account, domain: a.domain, device: a.device, protocolVersion: version,
    atLeast: (v) => versionAtLeast(version, v),
    query: a.query, sourceIp: request.ip, headers: request.headers, rawBody, policy: a.policy, log: a.log, now: pctx.now, signal: abort.signal,
    limits: a.limits, outbound: pctx.outbound ?? null, sendRate: node.sendRate, spamTrainer: pctx.spamTrainer ?? null,
  };
  const started = Date.now();
  const result = await runCommand(a, ctx, read.body);
  a.log.debug({ ms: Date.now() - started }, 'eas.command.done');
  return sendResult(reply, result);
}

/** One notice per quarantine (src/mail/quarantine-notice.ts); a failure is logged, never answered. */
async function noticeQuarantine(store: Store, account: Account, device: Device, log: Logger): Promise<void> {
  try {
    const to = await sendQuarantineNotice(store, account, device);
    log.info({ recipients: to.length }, 'eas.device.quarantine-notice');
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'eas.device.quarantine-notice-failed');
  }
}
