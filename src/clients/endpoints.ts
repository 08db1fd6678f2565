/**
 * Where clients should connect, derived from the server settings (never from the request): the one
 * source of host names and ports for Autodiscover (protocols/autodiscover) and the users' set-up
 * page (protocols/setup), so that both always tell the same.
 */
import type { ProtocolSettings } from '../model/context.js';

export interface MailEndpoint {
  host: string;
  port: number;
  /** 'SSL' implicit TLS, 'STARTTLS' upgrade on a plain port. */
  socket: 'SSL' | 'STARTTLS';
}

export interface Endpoints {
  /** https://host[:port], without a trailing slash. */
  baseUrl: string;
  webHost: string;
  webPort: number;
  webTls: boolean;
  activesyncUrl: string;
  autodiscoverUrl: string;
  caldavUrl: string;
  carddavUrl: string;
  imap: MailEndpoint | null;
  smtp: MailEndpoint | null;
}

export function endpoints(settings: ProtocolSettings): Endpoints {
  const base = settings.publicUrl.replace(/\/+$/, '');
  const u = new URL(base);
  const webTls = u.protocol === 'https:';
  const host = settings.hostname;
  const l = settings.listeners;
  const pick = (tls: string, plain: string): MailEndpoint | null =>
    l[tls] ? { host, port: l[tls]!.port, socket: 'SSL' } : l[plain] ? { host, port: l[plain]!.port, socket: 'STARTTLS' } : null;
  return {
    baseUrl: base,
    webHost: u.hostname,
    webPort: u.port ? Number(u.port) : webTls ? 443 : 80,
    webTls,
    activesyncUrl: `${base}/Microsoft-Server-ActiveSync`,
    autodiscoverUrl: `${base}/autodiscover/autodiscover.xml`,
    caldavUrl: `${base}/.well-known/caldav`,
    carddavUrl: `${base}/.well-known/carddav`,
    imap: pick('imaps', 'imap'),
    smtp: pick('submissions', 'submission'),
  };
}

type Wellformable = string & { isWellFormed(): boolean; toWellFormed(): string };

/**
 * Text and attribute values for the XML and plist documents we generate. Characters XML 1.0
 * cannot carry (C0 controls, U+FFFE/U+FFFF, unpaired surrogates), which an account's display
 * name may hold, are dropped or replaced so the document stays well-formed.
 */
export function xmlEscape(s: string): string {
  const w = (s as Wellformable).isWellFormed() ? s : (s as Wellformable).toWellFormed();
  return w.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
