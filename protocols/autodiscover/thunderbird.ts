/** Thunderbird autoconfig (the "config-v1.1.xml" format of Mozilla's ISPDB). */
import { type Endpoints, xmlEscape as x } from '../../src/clients/endpoints.js';

export function thunderbirdConfig(domain: string, ep: Endpoints, displayName: string): string {
  const server = (kind: 'incomingServer' | 'outgoingServer', type: string, e: NonNullable<Endpoints['imap']>) => `    <${kind} type="${type}">
      <hostname>${x(e.host)}</hostname>
      <port>${e.port}</port>
      <socketType>${e.socket}</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </${kind}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${x(domain)}">
    <domain>${x(domain)}</domain>
    <displayName>${x(displayName)}</displayName>
    <displayShortName>${x(displayName)}</displayShortName>
${ep.imap ? server('incomingServer', 'imap', ep.imap) : ''}
${ep.smtp ? server('outgoingServer', 'smtp', ep.smtp) : ''}
  </emailProvider>
  <addressBook type="carddav">
    <username>%EMAILADDRESS%</username>
    <authentication>http-basic</authentication>
    <serverURL>${x(ep.carddavUrl)}</serverURL>
  </addressBook>
  <calendar type="caldav">
    <username>%EMAILADDRESS%</username>
    <authentication>http-basic</authentication>
    <serverURL>${x(ep.caldavUrl)}</serverURL>
  </calendar>
</clientConfig>
`;
}
