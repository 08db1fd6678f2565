import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Outbound } from '../mail/outbound.js';
import type { SpamTrainer } from '../mail/filters/filter.js';

/** Server settings every protocol may read (from src/server/config.ts). */
export interface ProtocolSettings {
  /** The server's internet hostname (autodiscover URLs, SMTP greeting). */
  hostname: string;
  /** Public base URL of the HTTPS listener, e.g. https://mail.example.com:8443 */
  publicUrl: string;
  listeners: Record<string, { host: string; port: number } | null>;
  activesync: { minHeartbeat: number; maxHeartbeat: number; maxSyncSeconds: number; windowSizeMax: number };
  dav: { maxResourceSize: number };
}

/**
 * What the composition root (src/server) hands to each protocol. No module-level singletons:
 * everything a handler needs comes through here.
 */
export interface ProtocolContext {
  store: Store;
  auth: Authenticator;
  log: Logger;
  settings: ProtocolSettings;
  /** Milliseconds since the epoch; injectable for tests. */
  now: () => number;
  /** How mail leaves (src/mail/outbound.ts): ActiveSync SendMail/SmartReply/SmartForward. Absent: sending is refused. */
  outbound?: Outbound;
  /** The spam filter's training hook (rspamd learnspam/learnham): moves into or out of Junk teach it. Absent: no training. */
  spamTrainer?: SpamTrainer | null;
}
