/**
 * A real store (SQLite in a temp dir), the real authenticator and the ActiveSync and Autodiscover
 * plugins on one fastify instance, plus a small ActiveSync client that speaks WBXML with our codec.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { createTestContext } from '../../helpers/context.js';
import type { ProtocolContext, ProtocolSettings } from '../../../src/model/context.js';
import type { Account, Domain } from '../../../src/model/types.js';
import { activesyncPlugin } from '../../../protocols/activesync/plugin.js';
import { autodiscoverPlugin } from '../../../protocols/autodiscover/plugin.js';
import { decodeWbxml, encodeWbxml, type WbxmlElement } from '../../../protocols/activesync/wbxml/index.js';
import { child, childText, el } from '../../../protocols/activesync/wbxml/types.js';

export const SETTINGS: ProtocolSettings = {
  hostname: 'mail.example.test',
  publicUrl: 'https://mail.example.test',
  listeners: {
    https: { host: '0.0.0.0', port: 443 }, imap: { host: '0.0.0.0', port: 143 }, imaps: { host: '0.0.0.0', port: 993 },
    submission: { host: '0.0.0.0', port: 587 }, submissions: { host: '0.0.0.0', port: 465 }, smtp: { host: '0.0.0.0', port: 25 },
  },
  activesync: { minHeartbeat: 60, maxHeartbeat: 3540, maxSyncSeconds: 300, windowSizeMax: 512 },
  dav: { maxResourceSize: 10 * 1024 * 1024 },
};

export interface Harness {
  app: FastifyInstance;
  ctx: ProtocolContext;
  addUser(email: string, password: string, displayName?: string): Promise<Account>;
  domain(name: string): Promise<Domain>;
  close(): Promise<void>;
}

export async function makeHarness(settings: ProtocolSettings = SETTINGS): Promise<Harness> {
  const t = await createTestContext({
    settings, auth: { lockout: { maxFailures: 1000, windowMs: 60_000 } }, log: pino({ level: process.env.HEARTH_TEST_LOG ?? 'silent' }),
  });
  const ctx = t.ctx;
  const app = Fastify({ logger: false });
  await app.register(activesyncPlugin, { ctx });
  await app.register(autodiscoverPlugin, { ctx });
  await app.ready();
  return {
    app, ctx, domain: t.domain,
    addUser: (email, password, displayName) => t.addUser(email, password, { displayName }),
    async close() {
      await app.close();
      await t.close();
    },
  };
}

export interface EasResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  raw: Buffer;
  doc: WbxmlElement | null;
}

export const basic = (user: string, pw: string) => 'Basic ' + Buffer.from(`${user}:${pw}`).toString('base64');

/** A phone, as far as the tests need one. */
export class TestDevice {
  policyKey: string | null = null;
  constructor(
    readonly app: FastifyInstance,
    readonly user: string,
    readonly password: string,
    readonly deviceId: string,
    readonly version = '14.1',
    readonly deviceType = 'iPhone',
    readonly userAgent = 'Apple-iPhone9C1/1402.100',
  ) {}

  async send(cmd: string, body: WbxmlElement | Buffer | null, opts: { query?: string; headers?: Record<string, string>; noPolicyKey?: boolean } = {}): Promise<EasResponse> {
    const query = opts.query ?? new URLSearchParams({ Cmd: cmd, User: this.user, DeviceId: this.deviceId, DeviceType: this.deviceType }).toString();
    const headers: Record<string, string> = {
      authorization: basic(this.user, this.password), 'ms-asprotocolversion': this.version,
      'user-agent': this.userAgent, 'content-type': 'application/vnd.ms-sync.wbxml', ...opts.headers,
    };
    if (this.policyKey && !opts.noPolicyKey && !('x-ms-policykey' in headers)) headers['x-ms-policykey'] = this.policyKey;
    const payload = body === null ? undefined : Buffer.isBuffer(body) ? body : encodeWbxml(body);
    const r = await this.app.inject({ method: 'POST', url: `/Microsoft-Server-ActiveSync?${query}`, headers, payload });
    const raw = r.rawPayload;
    const isWbxml = String(r.headers['content-type'] ?? '').startsWith('application/vnd.ms-sync.wbxml');
    return { status: r.statusCode, headers: r.headers, raw, doc: isWbxml && raw.length ? decodeWbxml(raw) : null };
  }

  /** Both Provision phases; returns the second answer. */
  async provision(deviceInformation = false): Promise<EasResponse> {
    const info = deviceInformation ? [el('Settings', 'DeviceInformation', [el('Settings', 'Set', [
      el('Settings', 'Model', 'iPhone15,2'), el('Settings', 'FriendlyName', 'Test phone'), el('Settings', 'OS', 'iOS 17.1'),
    ])])] : [];
    const first = await this.send('Provision', provisionRequest(undefined, undefined, info));
    const temp = policyKeyOf(first.doc);
    if (!temp) return first;
    this.policyKey = temp;
    const second = await this.send('Provision', provisionRequest(temp, '1'));
    this.policyKey = policyKeyOf(second.doc) ?? this.policyKey;
    return second;
  }

  folderSync(key: string): Promise<EasResponse> {
    return this.send('FolderSync', el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', key)]));
  }
}

export function provisionRequest(key?: string, status?: string, extra: WbxmlElement[] = []): WbxmlElement {
  const policy = [el('Provision', 'PolicyType', 'MS-EAS-Provisioning-WBXML')];
  if (key !== undefined) policy.push(el('Provision', 'PolicyKey', key));
  if (status !== undefined) policy.push(el('Provision', 'Status', status));
  return el('Provision', 'Provision', [...extra, el('Provision', 'Policies', [el('Provision', 'Policy', policy)])]);
}

export function policyKeyOf(doc: WbxmlElement | null): string | undefined {
  const p = doc && child(child(doc, 'Policies') ?? el('x', 'x'), 'Policy');
  return p ? childText(p, 'PolicyKey') : undefined;
}

/** Text at a path of tags: at(doc, 'Changes', 'Count'). */
export function at(doc: WbxmlElement | null | undefined, ...path: string[]): string | undefined {
  let cur = doc ?? undefined;
  for (const tag of path.slice(0, -1)) cur = cur && child(cur, tag);
  return cur ? childText(cur, path[path.length - 1]) : undefined;
}
