import { existsSync, readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { ProtocolSettings } from '../model/context.js';
import { DEFAULT_SMTP_SETTINGS, type SmtpSettings } from '../../protocols/smtp/settings.js';
import { DEFAULT_QUEUE_SETTINGS, parseSmarthost, type QueueSettings } from '../mail/queue/settings.js';
import { archiveConfig, archiveFileSchema, filterConfig, filterFileSchema, type ArchiveConfig, type FilterConfig } from './filter-config.js';
import { DEFAULT_MAIL_POLICY, type MailPolicySettings } from '../mail/policy-settings.js';

/** A problem with the configuration, reported as one line naming the setting. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface Listener { host: string; port: number }

export interface TlsCertificate {
  /** Host names this certificate serves (SNI); the first certificate is the default. */
  hostnames: string[];
  cert: string;
  key: string;
}

export interface Config {
  dataDir: string;
  database: string | undefined;
  hostname: string;
  /** The first domain created at first start (and its administrator admin@DOMAIN). */
  firstDomain: string;
  adminPassword: string | undefined;
  listeners: {
    http: Listener | null; https: Listener | null; smtp: Listener | null; submission: Listener | null;
    submissions: Listener | null; imap: Listener | null; imaps: Listener | null; pop3: Listener | null; pop3s: Listener | null;
  };
  /** Public base URL for client set-up (defaults to https://HOSTNAME[:port]). */
  publicUrl: string;
  tls: { certificates: TlsCertificate[] };
  trustProxy: boolean;
  logLevel: string;
  auth: { maxFailures: number; lockoutWindowSeconds: number; cacheTtlSeconds: number };
  activesync: ProtocolSettings['activesync'];
  dav: ProtocolSettings['dav'];
  /** SMTP listeners (protocols/smtp/settings.ts); file section `smtp`, all optional. */
  smtp: SmtpSettings;
  /** The outbound queue (src/mail/queue/settings.ts); file section `queue`, all optional. */
  queue: QueueSettings;
  /** Spam and virus filters, and the archive (src/server/filter-config.ts); off unless configured. */
  filters: FilterConfig;
  archive: ArchiveConfig;
  /** Mail policies (src/mail/policy-settings.ts); file section `mailPolicy`, all optional. */
  mailPolicy: MailPolicySettings;
}

const LISTENERS = {
  http: ['HEARTH_HTTP', '127.0.0.1:8080'], https: ['HEARTH_HTTPS', '0.0.0.0:8443'], smtp: ['HEARTH_SMTP', '0.0.0.0:2525'],
  submission: ['HEARTH_SUBMISSION', '0.0.0.0:5870'], submissions: ['HEARTH_SUBMISSIONS', '0.0.0.0:4650'],
  imap: ['HEARTH_IMAP', '0.0.0.0:1143'], imaps: ['HEARTH_IMAPS', '0.0.0.0:9933'], pop3: ['HEARTH_POP3', 'off'], pop3s: ['HEARTH_POP3S', 'off'],
} as const;

/** `host:port`, `[v6]:port`, `:port` or `port` (all interfaces), or `off`. */
export function parseListener(name: string, value: string): Listener | null {
  const v = value.trim();
  if (v.toLowerCase() === 'off') return null;
  // The host part, when present, ends with a colon: a bare number is a port (8080 is 0.0.0.0:8080).
  const m = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):)?(\d{1,5})$/.exec(v);
  const port = m ? Number(m[3]) : NaN;
  const host = m?.[2];
  if (!m || !(port >= 0 && port <= 65535) || (host && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host))) {
    throw new ConfigError(`${name}: expected host:port or off, got '${value}'`);
  }
  return { host: m[1] ?? (host || '0.0.0.0'), port };
}

const positiveInt = z.number().int().positive();
const fileSchema = z.object({
  dataDir: z.string().optional(),
  database: z.string().optional(),
  hostname: z.string().optional(),
  firstDomain: z.string().optional(),
  publicUrl: z.string().url().optional(),
  listeners: z.object(Object.fromEntries(Object.keys(LISTENERS).map((k) => [k, z.string().optional()]))).strict().optional(),
  tls: z.object({
    certificates: z.array(z.object({ hostnames: z.array(z.string()).min(1), cert: z.string(), key: z.string() }).strict()).default([]),
  }).strict().optional(),
  trustProxy: z.boolean().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  auth: z.object({
    maxFailures: positiveInt.optional(), lockoutWindowSeconds: positiveInt.optional(), cacheTtlSeconds: z.number().int().min(0).optional(),
  }).strict().optional(),
  activesync: z.object({
    minHeartbeat: positiveInt.optional(), maxHeartbeat: positiveInt.optional(), maxSyncSeconds: positiveInt.optional(),
    windowSizeMax: positiveInt.optional(),
  }).strict().optional(),
  dav: z.object({ maxResourceSize: positiveInt.optional() }).strict().optional(),
  smtp: z.object({
    maxMessageSize: positiveInt.optional(), greetingDelayMs: z.number().int().min(0).max(60_000).optional(), reverseDns: z.boolean().optional(),
    maxConnections: positiveInt.optional(), maxConnectionsPerIp: positiveInt.optional(), commandsPerMinute: positiveInt.optional(),
    commandBurst: positiveInt.optional(), mxMaxRecipients: z.number().int().min(100).optional(), messagesPerHour: positiveInt.optional(),
    recipientsPerMessage: positiveInt.optional(), socketTimeoutSeconds: positiveInt.optional(),
  }).strict().optional(),
  queue: z.object({
    retryBaseSeconds: positiveInt.optional(), retryMaxSeconds: positiveInt.optional(), maxLifetimeHours: positiveInt.optional(),
    delayWarningHours: z.number().int().min(0).optional(), smarthost: z.string().optional(), smarthostVerifyTls: z.boolean().optional(), mtaSts: z.boolean().optional(),
    mxPort: z.number().int().min(1).max(65535).optional(), leaseSeconds: z.number().int().min(60).optional(), pollSeconds: positiveInt.optional(),
    batchSize: positiveInt.optional(), timeoutSeconds: positiveInt.optional(),
  }).strict().optional(),
  filters: filterFileSchema.optional(),
  archive: archiveFileSchema.optional(),
  mailPolicy: z.object({
    verifyInbound: z.boolean().optional(), dmarcReject: z.enum(['junk', 'reject']).optional(),
    dnsTimeoutMs: positiveInt.optional(), oofPeriodDays: positiveInt.optional(),
  }).strict().optional(),
}).strict();

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Reads the configuration: an optional JSON file (HEARTH_CONFIG, else ./hearth.json when present)
 * and then the environment, which wins. Throws ConfigError with one line for the first bad value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { path: filePath, data: file } = readConfigFile(env);
  const get = (envName: string, fromFile: string | undefined) => env[envName] ?? fromFile;

  const dataDir = resolve(get('HEARTH_DATA_DIR', file.dataDir) ?? './data');
  const database = get('HEARTH_DATABASE', file.database) || undefined;
  if (database && !/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(database)) {
    throw new ConfigError(`HEARTH_DATABASE: expected sqlite:PATH or a postgres:// URL, got '${database}'`);
  }
  const hostname = (get('HEARTH_HOSTNAME', file.hostname) ?? osHostname()).trim().toLowerCase();
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(hostname)) throw new ConfigError(`HEARTH_HOSTNAME: not a host name: '${hostname}'`);
  const firstDomain = (get('HEARTH_FIRST_DOMAIN', file.firstDomain) ?? defaultFirstDomain(hostname)).toLowerCase();
  if (!DOMAIN.test(firstDomain)) throw new ConfigError(`HEARTH_FIRST_DOMAIN: not a domain name: '${firstDomain}'`);

  const listeners = {} as Config['listeners'];
  for (const [key, [envName, fallback]] of Object.entries(LISTENERS) as [keyof Config['listeners'], readonly [string, string]][]) {
    const fromFile = env[envName] === undefined ? file.listeners?.[key] : undefined;
    listeners[key] = parseListener(fromFile !== undefined ? `${filePath}: listeners.${key}` : envName, env[envName] ?? fromFile ?? fallback);
  }
  const https = listeners.https;
  const publicUrl = (get('HEARTH_PUBLIC_URL', file.publicUrl)
    ?? `https://${hostname}${https && https.port !== 443 ? `:${https.port}` : ''}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+$/.test(publicUrl)) throw new ConfigError(`HEARTH_PUBLIC_URL: expected a base URL like https://mail.example.com, got '${publicUrl}'`);

  const logLevel = get('HEARTH_LOG_LEVEL', file.logLevel) ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`HEARTH_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got '${logLevel}'`);
  }
  const activesync = {
    minHeartbeat: file.activesync?.minHeartbeat ?? 60, maxHeartbeat: file.activesync?.maxHeartbeat ?? 3540,
    maxSyncSeconds: file.activesync?.maxSyncSeconds ?? 25, windowSizeMax: file.activesync?.windowSizeMax ?? 512,
  };
  if (activesync.minHeartbeat > activesync.maxHeartbeat) throw new ConfigError('activesync.minHeartbeat: must not exceed activesync.maxHeartbeat');
  return {
    dataDir, database, hostname, firstDomain, adminPassword: env.HEARTH_ADMIN_PASSWORD || undefined, listeners, publicUrl,
    tls: { certificates: file.tls?.certificates ?? [] },
    trustProxy: envBool(env.HEARTH_TRUST_PROXY, 'HEARTH_TRUST_PROXY') ?? file.trustProxy ?? false,
    logLevel,
    auth: {
      maxFailures: file.auth?.maxFailures ?? 10, lockoutWindowSeconds: file.auth?.lockoutWindowSeconds ?? 900,
      cacheTtlSeconds: file.auth?.cacheTtlSeconds ?? 300,
    },
    activesync,
    dav: { maxResourceSize: file.dav?.maxResourceSize ?? 20 * 1024 * 1024 },
    smtp: { ...DEFAULT_SMTP_SETTINGS, ...file.smtp },
    queue: queueSettings(file.queue, get('HEARTH_SMARTHOST', file.queue?.smarthost)),
    filters: filterConfig(file.filters, env, (m) => { throw new ConfigError(m); }),
    archive: archiveConfig(file.archive, env, (m) => { throw new ConfigError(m); }),
    mailPolicy: { ...DEFAULT_MAIL_POLICY, ...file.mailPolicy },
  };
}

/** The `queue` section; the smarthost URL may come from HEARTH_SMARTHOST (its password is never repeated in an error). */
function queueSettings(file: Partial<Record<keyof QueueSettings, unknown>> | undefined, smarthostUrl: string | undefined): QueueSettings {
  let smarthost: QueueSettings['smarthost'] = null;
  if (smarthostUrl) {
    try { smarthost = parseSmarthost(smarthostUrl); } catch (e) { throw new ConfigError(`queue.smarthost: ${(e as Error).message}`); }
  }
  const q = { ...DEFAULT_QUEUE_SETTINGS, ...(file as Partial<QueueSettings>), smarthost };
  if (q.retryBaseSeconds > q.retryMaxSeconds) throw new ConfigError('queue.retryBaseSeconds: must not exceed queue.retryMaxSeconds');
  if (q.timeoutSeconds * 4 > q.leaseSeconds) throw new ConfigError('queue.leaseSeconds: must be at least 4 times queue.timeoutSeconds (an attempt must end before its lease)');
  return q;
}

function readConfigFile(env: NodeJS.ProcessEnv): { path: string | undefined; data: z.infer<typeof fileSchema> } {
  const path = env.HEARTH_CONFIG ?? (existsSync('hearth.json') ? 'hearth.json' : undefined);
  if (!path) return { path, data: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    // V8 quotes the offending text (newlines, perhaps a password) in its message: keep one line without it.
    const reason = (e as Error).message.replace(/,?\s*"[\s\S]*" is not valid JSON$/, '').replace(/\s+/g, ' ').trim();
    throw new ConfigError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid JSON (${reason})`}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return { path, data: parsed.data };
}

function envBool(v: string | undefined, name: string): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(`${name}: expected true or false, got '${v}'`);
}

/** mail.example.com -> example.com; a bare host name gets a local domain an operator will replace. */
function defaultFirstDomain(hostname: string): string {
  const labels = hostname.split('.');
  if (labels.length >= 3) return labels.slice(1).join('.');
  if (labels.length === 2 && DOMAIN.test(hostname)) return hostname;
  return `${hostname.replace(/[^a-z0-9-]/g, '') || 'hearth'}.localdomain`;
}

/** What protocols may read of the configuration. */
export function protocolSettings(config: Config): ProtocolSettings {
  const l = config.listeners;
  return {
    hostname: config.hostname,
    publicUrl: config.publicUrl,
    listeners: { http: l.http, https: l.https, smtp: l.smtp, submission: l.submission, submissions: l.submissions, imap: l.imap, imaps: l.imaps },
    activesync: config.activesync,
    dav: config.dav,
  };
}
