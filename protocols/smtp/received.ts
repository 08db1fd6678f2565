/** The Received trace header each hop prepends (RFC 5321 §4.4; "with" keywords from RFC 3848). */
export interface TraceInfo {
  helo: string;
  clientHostname: string;
  remoteAddress: string;
  by: string;
  /** SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA (smtp-server's transmissionType). */
  with: string;
  id: string;
  /** The recipient, given only for a single-recipient message (RFC 5321 §7.2: do not list many). */
  for: string | null;
  at: Date;
}

export function receivedHeader(t: TraceInfo): string {
  const clean = (s: string) => s.replace(/[^\x21-\x7e]/g, '').slice(0, 255);
  // Without reverse DNS smtp-server names the client "[address]": then only the address is given (RFC 5321 §4.4 TCP-info).
  const name = clean(t.clientHostname);
  const tcpInfo = name && !name.startsWith('[') ? `${name} [${clean(t.remoteAddress)}]` : `[${clean(t.remoteAddress)}]`;
  const from = `from ${clean(t.helo) || 'unknown'} (${tcpInfo})`;
  const forPart = t.for ? `\r\n\tfor <${clean(t.for)}>` : '';
  return `Received: ${from}\r\n\tby ${clean(t.by)} (Hearth) with ${clean(t.with) || 'ESMTP'} id ${clean(t.id)}${forPart};\r\n\t${rfc5322Date(t.at)}\r\n`;
}

/** RFC 5322 §3.3 date-time in UTC. */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}
