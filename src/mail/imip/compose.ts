/**
 * iMIP (RFC 6047): an iTIP message (RFC 5546) as an e-mail. The shape is the one Gmail and
 * Outlook send and read: multipart/mixed [ multipart/alternative [ text/plain summary,
 * text/calendar; charset=UTF-8; method=M ], application/ics attachment ] (RFC 6047 §2.4: the
 * METHOD parameter must match the object's METHOD; §3: the originator is From). Built with
 * nodemailer's MailComposer (its icalEvent option makes exactly this tree).
 */
import ICAL from 'ical.js';
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

/** One iTIP message to send (the same shape as the DAV seam, protocols/dav/scheduling/imip.ts). */
export interface ImipMessage {
  /** The organizer (REQUEST, CANCEL) or the replying attendee (REPLY). */
  from: string;
  to: string[];
  /** REQUEST, REPLY, CANCEL ... (RFC 5546 §1.4). */
  method: string;
  /** The iTIP object: a complete VCALENDAR with METHOD. */
  ics: string;
  /** The sender's own words, above the summary (a forwarded meeting's note). */
  note?: string;
  /** Replaces the Subject made from the method and title. */
  subject?: string;
}

/** What the text/plain part and the Subject say, read from the first VEVENT/VTODO. */
function summaryOf(ics: string): { title: string; when: string | null; where: string | null; partstat: string | null } {
  try {
    const root = new ICAL.Component(ICAL.parse(ics));
    const main = root.getAllSubcomponents().find((c) => c.name === 'vevent' || c.name === 'vtodo');
    const start = main?.getFirstPropertyValue('dtstart');
    const attendee = main?.getFirstProperty('attendee');
    return {
      title: String(main?.getFirstPropertyValue('summary') ?? '').trim() || '(no title)',
      when: start ? String(start.toString()) : null,
      where: String(main?.getFirstPropertyValue('location') ?? '').trim() || null,
      partstat: attendee ? String(attendee.getParameter('partstat') ?? '').toUpperCase() || null : null,
    };
  } catch {
    return { title: '(no title)', when: null, where: null, partstat: null };
  }
}

const VERB: Record<string, string> = { ACCEPTED: 'Accepted', DECLINED: 'Declined', TENTATIVE: 'Tentatively accepted' };

function subjectAndText(msg: ImipMessage): { subject: string; text: string } {
  const s = summaryOf(msg.ics);
  const method = msg.method.toUpperCase();
  const subject =
    method === 'REPLY'
      ? `${VERB[s.partstat ?? ''] ?? 'Reply'}: ${s.title}`
      : method === 'CANCEL'
        ? `Cancelled: ${s.title}`
        : `Invitation: ${s.title}`;
  const lines = [
    method === 'REPLY'
      ? `${msg.from} has replied (${s.partstat ?? 'no answer'}) to "${s.title}".`
      : method === 'CANCEL'
        ? `"${s.title}" has been cancelled by ${msg.from}.`
        : `${msg.from} invites you to "${s.title}".`,
    ...(s.when ? [`When: ${s.when}`] : []),
    ...(s.where ? [`Where: ${s.where}`] : []),
    '',
    'Your calendar program can read the attached invitation.',
  ];
  const note = msg.note?.trim();
  return { subject: msg.subject ?? subject, text: (note ? `${note}\n\n` : '') + lines.join('\n') };
}

/** The complete message bytes for `msg`; `hostname` names the Message-ID's right-hand side. */
export async function composeImip(msg: ImipMessage, hostname: string): Promise<Buffer> {
  const { subject, text } = subjectAndText(msg);
  const method = msg.method.toUpperCase();
  return new MailComposer({
    from: msg.from,
    to: msg.to,
    subject,
    text,
    messageId: `<imip-${randomUUID()}@${hostname}>`,
    icalEvent: { method, filename: method === 'CANCEL' ? 'cancel.ics' : method === 'REPLY' ? 'reply.ics' : 'invite.ics', content: msg.ics },
  })
    .compile()
    .build();
}
