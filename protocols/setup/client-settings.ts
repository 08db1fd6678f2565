/**
 * What each client needs to be set up by hand, from the server's endpoints (src/clients/
 * endpoints.ts, the same source Autodiscover answers from): one table per client, rows of
 * (label, value). Nothing here comes from the request.
 */
import type { Endpoints, MailEndpoint } from '../../src/clients/endpoints.js';

export interface ClientSettings {
  id: string;
  client: string;
  intro: string;
  rows: [string, string][];
}

const security = (e: MailEndpoint) => (e.socket === 'SSL' ? 'SSL/TLS' : 'STARTTLS');
const webServer = (ep: Endpoints) => (ep.webPort === (ep.webTls ? 443 : 80) ? ep.webHost : `${ep.webHost}:${ep.webPort}`);

function mailRows(ep: Endpoints, email: string): [string, string][] {
  const rows: [string, string][] = [];
  if (ep.imap) rows.push(['Incoming mail (IMAP) server', ep.imap.host], ['IMAP port', String(ep.imap.port)], ['IMAP security', security(ep.imap)]);
  if (ep.smtp) rows.push(['Outgoing mail (SMTP) server', ep.smtp.host], ['SMTP port', String(ep.smtp.port)], ['SMTP security', security(ep.smtp)]);
  rows.push(['User name', email], ['Authentication', 'normal password']);
  return rows;
}

export function clientSettings(ep: Endpoints, email: string): ClientSettings[] {
  return [
    {
      id: 'outlook',
      client: 'Outlook',
      intro: 'Add an account with your address: Outlook finds the server by Autodiscover. If it asks, choose Exchange ActiveSync and enter:',
      rows: [['Account type', 'Exchange ActiveSync'], ['Server', webServer(ep)], ['User name', email], ['Autodiscover', ep.autodiscoverUrl], ...mailRows(ep, email).map(([k, v]) => [`${k} (IMAP account)`, v] as [string, string])],
    },
    {
      id: 'thunderbird',
      client: 'Thunderbird',
      intro: 'Add a mail account with your address and password: Thunderbird finds these settings itself. By hand:',
      rows: [...mailRows(ep, email), ['Calendars (CalDAV)', ep.caldavUrl], ['Contacts (CardDAV)', ep.carddavUrl]],
    },
    {
      id: 'android',
      client: 'Android (Exchange)',
      intro: 'In Gmail or your phone\'s mail app, add an "Exchange" account and enter:',
      rows: [['Email', email], ['Server', ep.webHost], ['Port', String(ep.webPort)], ['Security type', ep.webTls ? 'SSL/TLS' : 'None'], ['User name', email], ['Domain', '(leave empty)']],
    },
    {
      id: 'davx5',
      client: 'DAVx5 (Android calendars and contacts)',
      intro: 'Choose "Login with URL and user name" and enter:',
      rows: [['Base URL', `${ep.baseUrl}/`], ['User name', email], ['Calendars (CalDAV)', ep.caldavUrl], ['Contacts (CardDAV)', ep.carddavUrl]],
    },
  ];
}
