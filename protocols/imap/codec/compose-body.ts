// ENVELOPE and BODY/BODYSTRUCTURE values from the MIME tree (RFC 9051 §7.5.2 and its formal
// syntax `envelope`, `body`, `body-ext-1part`, `body-ext-mpart`).
import { Concat, type ResponseValue } from './compose-values.js';
import type { AddressEntry, Envelope, MimeNode } from './mime-tree.js';

function addresses(list: AddressEntry[]): ResponseValue {
  if (list.length === 0) return null;
  const out: ResponseValue[] = [];
  for (const entry of list) {
    if ('group' in entry) {
      // Group syntax: start marker (NIL NIL group NIL), members, end marker (NIL NIL NIL NIL).
      out.push([null, null, entry.group, null]);
      for (const m of entry.members) out.push([m.name, m.adl ?? null, m.mailbox, m.host]);
      out.push([null, null, null, null]);
    } else {
      out.push([entry.name, entry.adl ?? null, entry.mailbox, entry.host]);
    }
  }
  // env-from = "(" 1*address ")": addresses follow each other with no space (RFC 9051 §9).
  return [new Concat(out)];
}

export function envelopeValue(e: Envelope): ResponseValue {
  // Absent or empty Sender and Reply-To take the value of From (RFC 9051 §7.5.2 ENVELOPE).
  const sender = e.sender.length > 0 ? e.sender : e.from;
  const replyTo = e.replyTo.length > 0 ? e.replyTo : e.from;
  return [
    e.date, e.subject, addresses(e.from), addresses(sender), addresses(replyTo),
    addresses(e.to), addresses(e.cc), addresses(e.bcc), e.inReplyTo, e.messageId,
  ];
}

function params(list: Array<[string, string]>): ResponseValue {
  return list.length === 0 ? null : list.flatMap(([k, v]) => [k, v]);
}

function disposition(node: MimeNode): ResponseValue {
  return node.disposition ? [node.disposition.type, params(node.disposition.params)] : null;
}

function language(node: MimeNode): ResponseValue {
  const langs = node.language ?? [];
  if (langs.length === 0) return null;
  return langs.length === 1 ? langs[0] : langs;
}

function isMessage(node: MimeNode): boolean {
  const t = `${node.type}/${node.subtype}`.toLowerCase();
  return (t === 'message/rfc822' || t === 'message/global') && node.message !== undefined;
}

/**
 * BODYSTRUCTURE when `extended`, else BODY. Extension data is all-or-nothing here: every field
 * up to location is sent, as Dovecot and Cyrus do, so clients need not guess what is missing.
 */
export function bodyValue(node: MimeNode, extended: boolean): ResponseValue {
  if (node.children && node.children.length > 0) {
    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]: the children are written
    // back to back with no space between them.
    const list: ResponseValue[] = [new Concat(node.children.map((c) => bodyValue(c, extended))), node.subtype];
    if (extended) list.push(params(node.params), disposition(node), language(node), node.location ?? null);
    return list;
  }
  const list: ResponseValue[] = [
    node.type, node.subtype, params(node.params), node.id, node.description, node.encoding, node.size,
  ];
  if (isMessage(node)) {
    list.push(envelopeValue(node.message!.envelope), bodyValue(node.message!.body, extended), node.lines ?? 0);
  } else if (node.type.toLowerCase() === 'text') {
    list.push(node.lines ?? 0);
  }
  if (extended) list.push(node.md5 ?? null, disposition(node), language(node), node.location ?? null);
  return list;
}

