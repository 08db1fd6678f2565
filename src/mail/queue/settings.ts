/**
 * The outbound queue's settings (hearth.json section `queue`, validated in src/server/config.ts;
 * docs/operations.md lists them). Defaults follow RFC 5321 §4.5.4.1: retry after at least 30
 * minutes is the RFC's advice for a busy MTA; we start sooner and back off exponentially, and
 * give up after 5 days ("at least 4-5 days").
 */
export interface Smarthost {
  host: string;
  port: number;
  /** smtps:// (implicit TLS, RFC 8314) rather than smtp:// (STARTTLS, required when auth is set). */
  secure: boolean;
  auth: { user: string; pass: string } | null;
}

export interface QueueSettings {
  /** First retry delay; each further retry doubles it, up to retryMaxSeconds. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** After this long a message's undelivered recipients fail and the sender gets a DSN. */
  maxLifetimeHours: number;
  /** A "delayed" DSN (RFC 3464 Action: delayed) once a message has waited this long; 0 = never. */
  delayWarningHours: number;
  /** Every message goes to this relay instead of the recipients' MX hosts, or null. */
  smarthost: Smarthost | null;
  /** Verify the smarthost's certificate (MX hosts are tried with opportunistic, unverified TLS). */
  smarthostVerifyTls: boolean;
  /** Honour recipients' MTA-STS policies (RFC 8461): in enforce mode only their MX hosts, only over verified TLS. */
  mtaSts: boolean;
  /** Port of remote MX hosts (25; tests point it at a loopback server). */
  mxPort: number;
  /** How long a worker owns a claimed message; another node may take it after that. */
  leaseSeconds: number;
  /** How often an idle runner looks for due messages (new ones from this node wake it at once). */
  pollSeconds: number;
  /** Messages one runner claims at a time. */
  batchSize: number;
  /** Connect, greeting and idle timeout of one SMTP conversation. */
  timeoutSeconds: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  retryBaseSeconds: 300,
  retryMaxSeconds: 4 * 3600,
  maxLifetimeHours: 120,
  delayWarningHours: 4,
  smarthost: null,
  smarthostVerifyTls: true,
  mtaSts: true,
  mxPort: 25,
  leaseSeconds: 900,
  pollSeconds: 30,
  batchSize: 20,
  timeoutSeconds: 120,
};

/** Delay before attempt number `attempts + 1` (attempts already made >= 1): base * 2^(attempts-1), capped. */
export function retryDelayMs(settings: QueueSettings, attempts: number): number {
  const exp = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(settings.retryBaseSeconds * 2 ** exp, settings.retryMaxSeconds) * 1000;
}

/**
 * `smtp://user:pass@host:587` or `smtps://host:465` (user and password URL-encoded). Throws an
 * Error with a one-line message that never repeats the password.
 */
export function parseSmarthost(value: string): Smarthost {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('expected a URL like smtp://user:pass@host:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error(`expected smtp:// or smtps://, got ${url.protocol}//`);
  if (!url.hostname) throw new Error('the URL names no host');
  if (url.pathname && url.pathname !== '/') throw new Error('the URL must not have a path');
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass: decodeURIComponent(url.password) } : null,
  };
}

/** The smarthost for logs and listings: never the password. */
export function describeSmarthost(s: Smarthost): string {
  return `${s.secure ? 'smtps' : 'smtp'}://${s.auth ? `${encodeURIComponent(s.auth.user)}@` : ''}${s.host}:${s.port}`;
}
