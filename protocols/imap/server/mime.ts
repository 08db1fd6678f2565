// The store's cached MIME tree and envelope (src/model/mail.ts) in the shape the codec's
// composer reads (codec/mime-tree.ts): parameters as ordered pairs, addresses split into
// mailbox and host. Nothing is re-parsed: RFC 9051 §7.5.2 values come from the cache.
import type { Envelope as ModelEnvelope, MailAddress, MimePart } from '../../../src/model/mail.js';
import type { AddressEntry, Envelope, MimeNode } from '../codec/index.js';

function address(a: MailAddress): { name: string | null; adl: string | null; mailbox: string | null; host: string | null } {
  const at = a.address ? a.address.lastIndexOf('@') : -1;
  const adl = a.route ?? null;
  if (!a.address) return { name: a.name, adl, mailbox: null, host: null };
  // A local-only address gets an empty host rather than NIL (NIL host marks a group, §7.5.2).
  return at < 0 ? { name: a.name, adl, mailbox: a.address, host: '' } : { name: a.name, adl, mailbox: a.address.slice(0, at), host: a.address.slice(at + 1) };
}

/** Group markers (start with `group`, end with neither) become AddressGroup entries. */
function addresses(list: MailAddress[]): AddressEntry[] {
  const out: AddressEntry[] = [];
  let group: { group: string; members: ReturnType<typeof address>[] } | null = null;
  for (const a of list) {
    if (a.group !== undefined) {
      group = { group: a.group, members: [] };
      out.push(group);
    } else if (a.address === null) {
      group = null;
    } else if (group) {
      group.members.push(address(a));
    } else {
      out.push(address(a));
    }
  }
  return out;
}

export function envelopeOf(e: ModelEnvelope): Envelope {
  return {
    date: e.date, subject: e.subject, from: addresses(e.from), sender: addresses(e.sender), replyTo: addresses(e.replyTo),
    to: addresses(e.to), cc: addresses(e.cc), bcc: addresses(e.bcc), inReplyTo: e.inReplyTo, messageId: e.messageId,
  };
}

export function mimeNodeOf(p: MimePart): MimeNode {
  return {
    type: p.type, subtype: p.subtype, params: Object.entries(p.params), id: p.id, description: p.description,
    encoding: p.encoding, size: p.size, lines: p.lines ?? undefined, md5: p.md5,
    disposition: p.disposition ? { type: p.disposition.type, params: Object.entries(p.disposition.params) } : null,
    language: p.language, location: p.location,
    children: p.children?.map(mimeNodeOf),
    message: p.message ? { envelope: envelopeOf(p.message.envelope), body: mimeNodeOf(p.message.body) } : undefined,
  };
}
