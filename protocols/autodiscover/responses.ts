/**
 * Autodiscover answers: the mobilesync schema ([MS-ASCMD] 2.2.1.1.2) and the Outlook schema
 * ([MS-OXDSCLI] 2.2.4), built from the server settings.
 */
import type { Account } from '../../src/model/types.js';
import { type Endpoints, xmlEscape as x } from '../../src/clients/endpoints.js';

export const RESPONSE_NS = {
  root: 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
  mobilesync: 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
  outlook: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
};

const HEAD = '<?xml version="1.0" encoding="utf-8"?>\n';

export function mobilesyncResponse(account: Account, ep: Endpoints): string {
  return HEAD + `<Autodiscover xmlns="${RESPONSE_NS.root}">
  <Response xmlns="${RESPONSE_NS.mobilesync}">
    <Culture>en:us</Culture>
    <User>
      <DisplayName>${x(account.displayName ?? account.email)}</DisplayName>
      <EMailAddress>${x(account.email)}</EMailAddress>
    </User>
    <Action>
      <Settings>
        <Server>
          <Type>MobileSync</Type>
          <Url>${x(ep.activesyncUrl)}</Url>
          <Name>${x(ep.activesyncUrl)}</Name>
        </Server>
      </Settings>
    </Action>
  </Response>
</Autodiscover>
`;
}

export function outlookResponse(account: Account, ep: Endpoints): string {
  const protocols: string[] = [];
  if (ep.imap) {
    protocols.push(`      <Protocol>
        <Type>IMAP</Type>
        <Server>${x(ep.imap.host)}</Server>
        <Port>${ep.imap.port}</Port>
        <LoginName>${x(account.email)}</LoginName>
        <DomainRequired>off</DomainRequired>
        <SPA>off</SPA>
        ${ep.imap.socket === 'SSL' ? '<SSL>on</SSL>' : '<Encryption>TLS</Encryption>'}
        <AuthRequired>on</AuthRequired>
      </Protocol>`);
  }
  if (ep.smtp) {
    protocols.push(`      <Protocol>
        <Type>SMTP</Type>
        <Server>${x(ep.smtp.host)}</Server>
        <Port>${ep.smtp.port}</Port>
        <LoginName>${x(account.email)}</LoginName>
        <DomainRequired>off</DomainRequired>
        <SPA>off</SPA>
        ${ep.smtp.socket === 'SSL' ? '<SSL>on</SSL>' : '<Encryption>TLS</Encryption>'}
        <AuthRequired>on</AuthRequired>
        <UsePOPAuth>on</UsePOPAuth>
        <SMTPLast>off</SMTPLast>
      </Protocol>`);
  }
  return HEAD + `<Autodiscover xmlns="${RESPONSE_NS.root}">
  <Response xmlns="${RESPONSE_NS.outlook}">
    <User>
      <DisplayName>${x(account.displayName ?? account.email)}</DisplayName>
      <AutoDiscoverSMTPAddress>${x(account.email)}</AutoDiscoverSMTPAddress>
    </User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
${protocols.join('\n')}
    </Account>
  </Response>
</Autodiscover>
`;
}

/** [MS-OXDSCLI] 2.2.4.1.1.1 error codes: 600 invalid request, 601 schema not available. */
export function errorResponse(code: 600 | 601, message: string, now: Date): string {
  const time = now.toISOString().slice(11, 19);
  return HEAD + `<Autodiscover xmlns="${RESPONSE_NS.root}">
  <Response>
    <Error Time="${time}" Id="${Math.floor(Math.random() * 0xffffffff)}">
      <ErrorCode>${code}</ErrorCode>
      <Message>${x(message)}</Message>
      <DebugData />
    </Error>
  </Response>
</Autodiscover>
`;
}
