/**
 * Delivery status notifications (RFC 3464): a multipart/report (RFC 6522) with a human part, the
 * machine-readable message/delivery-status, and the original's headers (text/rfc822-headers), or
 * the whole original as message/rfc822 when the sender asked for RET=FULL (RFC 3461 §4.3).
 * A DSN is sent with the null reverse-path (RFC 5321 §4.5.5) and so never causes another.
 */
import { randomBytes } from 'node:crypto';

export interface DsnRecipient {
  address: string;
  /**
   * RFC 3464 §2.3.3: failed (permanent or expired), delayed (still retrying), and on a NOTIFY=SUCCESS
   * request (RFC 3461 §4.1): delivered (into a local mailbox) or relayed (to a server that was not
   * asked for DSNs).
   */
  action: 'failed' | 'delayed' | 'delivered' | 'relayed';
  /** RFC 3461 §4.2 ORCPT as given at RCPT ("rfc822;user@example.org"), reported as Original-Recipient. */
  originalRecipient?: string;
  /** RFC 3463 status, e.g. 5.1.1. */
  status: string;
  /** The remote's reply line ("550 5.1.1 ...") or our own reason. */
  diagnostic: string | null;
}

export interface DsnInput {
  reportingMta: string;
  /** The original's reverse-path: the DSN's recipient. */
  to: string;
  queueId: string;
  arrivalDate: number;
  now: number;
  original: Buffer;
  recipients: DsnRecipient[];
  /** RFC 3461 RET=FULL returns the whole message; otherwise its headers only. */
  returnFull?: boolean;
  envid?: string;
  willRetryUntil?: number;
}

/** The RFC 3463 status in a reply ("550 5.1.1 No such user" -> 5.1.1), else one made from its class. */
export function statusOf(reply: string | null, fallbackClass: 4 | 5): string {
  const m = /^(?:[245]\d\d[ -])?([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply ?? '');
  if (m) return m[1];
  const code = /^([245])\d\d\b/.exec(reply ?? '');
  return `${code ? code[1] : fallbackClass}.0.0`;
}

/** RFC 3461 §4: xtext, "+" and two hex digits for a byte outside "!".."~" or "+" and "=". */
function xtextDecode(s: string): string {
  return s.replace(/\+([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const date = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');
/** Header fields are one line each (RFC 3464 §2.1.1 text is US-ASCII). */
const field = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');

function headersOf(message: Buffer): string {
  const text = message.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return (end < 0 ? text : text.slice(0, end)).replace(/\r?\n/g, '\r\n') + '\r\n';
}

export function buildDsn(input: DsnInput): Buffer {
  const boundary = `dsn-${randomBytes(12).toString('hex')}`;
  const failed = input.recipients.filter((r) => r.action === 'failed');
  const success = input.recipients.every((r) => r.action === 'delivered' || r.action === 'relayed');
  const subject = failed.length ? 'Undelivered Mail Returned to Sender' : success ? 'Successful Mail Delivery Report' : 'Delayed Mail (still being retried)';
  const human = failed.length
    ? ['Your message could not be delivered to the following recipients:', '']
    : success ? ['Your message was delivered to the following recipients (or passed on to a server that does not report):', ''] : [
        'Your message has not been delivered yet to the following recipients. Delivery will be retried',
        `until ${input.willRetryUntil ? date(input.willRetryUntil) : 'the message expires'}; you do not need to resend it.`,
        '',
      ];
  for (const r of input.recipients) human.push(`  <${r.address}>: ${r.diagnostic ?? r.status}`);
  human.push('', `Queue id ${input.queueId} at ${input.reportingMta}.`);

  // RFC 3464 §2.2 per-message fields, then §2.3 one group per recipient, separated by blank lines.
  const status = [
    `Reporting-MTA: dns; ${field(input.reportingMta)}`,
    ...(input.envid ? [`Original-Envelope-Id: ${field(input.envid)}`] : []),
    `Arrival-Date: ${date(input.arrivalDate)}`,
  ];
  for (const r of input.recipients) {
    status.push('');
    // RFC 3464 §2.3.1: the ORCPT address type and address as the client gave them.
    const orcpt = r.originalRecipient ? /^([^;\s]+);\s*(.+)$/.exec(r.originalRecipient) : null;
    if (orcpt) status.push(`Original-Recipient: ${field(orcpt[1])}; ${field(xtextDecode(orcpt[2]))}`);
    status.push(`Final-Recipient: rfc822; ${field(r.address)}`, `Action: ${r.action}`, `Status: ${r.status}`);
    if (r.diagnostic && /^[245]\d\d\b/.test(r.diagnostic)) status.push(`Diagnostic-Code: smtp; ${field(r.diagnostic)}`);
    status.push(`Last-Attempt-Date: ${date(input.now)}`);
    if (r.action === 'delayed' && input.willRetryUntil) status.push(`Will-Retry-Until: ${date(input.willRetryUntil)}`);
  }

  const returned = input.returnFull
    ? ['Content-Type: message/rfc822', `Content-Description: ${success ? 'Delivered' : 'Undelivered'} message`, '', input.original.toString('latin1')]
    : ['Content-Type: text/rfc822-headers', `Content-Description: ${success ? 'Delivered' : 'Undelivered'} message headers`, '', headersOf(input.original)];
  const text = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${field(input.to)}>`,
    `Subject: ${subject}`,
    `Date: ${date(input.now)}`,
    `Message-ID: <dsn.${input.queueId}.${randomBytes(6).toString('hex')}@${input.reportingMta}>`,
    // RFC 3834 §5: auto-replied, so that no auto-responder answers it.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated delivery status notification.',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    ...human.map(field),
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    ...status,
    '',
    `--${boundary}`,
    ...returned,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(text, 'latin1');
}
