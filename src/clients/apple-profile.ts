/**
 * An Apple configuration profile (.mobileconfig, Apple's "Configuration Profile Reference") for
 * one user: Exchange ActiveSync, CalDAV, CardDAV and IMAP/SMTP mail payloads. No password is put
 * in it unless the user asks (`password`, set-up page only): the device asks for it on installation. UUIDs are derived from the account and server,
 * so that installing a newer profile replaces the older one.
 */
import { createHash } from 'node:crypto';
import type { Account } from '../model/types.js';
import { type Endpoints, xmlEscape as x } from './endpoints.js';

type PlistValue = string | number | boolean | PlistValue[] | { [k: string]: PlistValue };

function plist(v: PlistValue, indent: string): string {
  if (typeof v === 'string') return `${indent}<string>${x(v)}</string>`;
  if (typeof v === 'number') return `${indent}<integer>${Math.trunc(v)}</integer>`;
  if (typeof v === 'boolean') return `${indent}<${v}/>`;
  if (Array.isArray(v)) return `${indent}<array>\n${v.map((e) => plist(e, indent + '  ')).join('\n')}\n${indent}</array>`;
  const entries = Object.entries(v).map(([k, e]) => `${indent}  <key>${x(k)}</key>\n${plist(e, indent + '  ')}`);
  return `${indent}<dict>\n${entries.join('\n')}\n${indent}</dict>`;
}

function uuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\n')).digest('hex');
  // RFC 9562 layout, version 8 (custom), variant 10
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

export interface ProfileOptions {
  /** Embed this password in every payload (the user asked for it); otherwise the device asks. */
  password?: string;
}

export function mobileconfig(account: Account, ep: Endpoints, hostname: string, opts: ProfileOptions = {}): string {
  const pw = (key: string): Record<string, PlistValue> => (opts.password ? { [key]: opts.password } : {});
  const id = `${hostname.split('.').reverse().join('.')}.hearth.${account.email}`;
  const name = account.displayName ?? account.email;
  const payload = (type: string, suffix: string, display: string, body: Record<string, PlistValue>) => ({
    PayloadType: type, PayloadVersion: 1, PayloadIdentifier: `${id}.${suffix}`,
    PayloadUUID: uuid(hostname, account.email, suffix), PayloadDisplayName: display, ...body,
  });
  const content: PlistValue[] = [
    payload('com.apple.eas.account', 'eas', 'Exchange ActiveSync', {
      EmailAddress: account.email, UserName: account.email, Host: ep.webPort === (ep.webTls ? 443 : 80) ? ep.webHost : `${ep.webHost}:${ep.webPort}`,
      SSL: ep.webTls, MailNumberOfPastDaysToSync: 30, ...pw('Password'),
    }),
    payload('com.apple.caldav.account', 'caldav', 'Calendars', {
      CalDAVAccountDescription: `${name} (calendars)`, CalDAVHostName: ep.webHost, CalDAVPort: ep.webPort,
      CalDAVUseSSL: ep.webTls, CalDAVUsername: account.email, CalDAVPrincipalURL: ep.caldavUrl, ...pw('CalDAVPassword'),
    }),
    payload('com.apple.carddav.account', 'carddav', 'Contacts', {
      CardDAVAccountDescription: `${name} (contacts)`, CardDAVHostName: ep.webHost, CardDAVPort: ep.webPort,
      CardDAVUseSSL: ep.webTls, CardDAVUsername: account.email, CardDAVPrincipalURL: ep.carddavUrl, ...pw('CardDAVPassword'),
    }),
  ];
  if (ep.imap && ep.smtp) {
    content.push(payload('com.apple.mail.managed', 'mail', 'Mail (IMAP)', {
      EmailAccountDescription: `${name} (IMAP)`, EmailAccountName: name, EmailAccountType: 'EmailTypeIMAP', EmailAddress: account.email,
      IncomingMailServerHostName: ep.imap.host, IncomingMailServerPortNumber: ep.imap.port, IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: account.email, IncomingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: ep.smtp.host, OutgoingMailServerPortNumber: ep.smtp.port, OutgoingMailServerUseSSL: true,
      OutgoingMailServerUsername: account.email, OutgoingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingPasswordSameAsIncomingPassword: true, ...pw('IncomingPassword'), ...pw('OutgoingPassword'),
    }));
  }
  const root = {
    PayloadType: 'Configuration', PayloadVersion: 1, PayloadIdentifier: id, PayloadUUID: uuid(hostname, account.email, 'profile'),
    PayloadDisplayName: `${name} on ${hostname}`, PayloadDescription: 'Mail, calendars and contacts', PayloadOrganization: hostname,
    PayloadRemovalDisallowed: false, PayloadContent: content,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
${plist(root, '')}
</plist>
`;
}
