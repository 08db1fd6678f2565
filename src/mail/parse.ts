import addressparser from 'nodemailer/lib/addressparser/index.js';
import libmime from 'libmime';
import { convert as htmlToText } from 'html-to-text';
import type { Envelope, MailAddress, MimePart, ParsedMessage } from '../model/mail.js';
import { MAIL_LIMITS } from './limits.js';
import { MailParseError, decodedHeader, describePart, rawHeader, splitMessage, type SplitNode } from './mime-tree.js';
import { decodedText } from './part-content.js';

export { MailParseError } from './mime-tree.js';

/**
 * Parses a message once, at delivery or APPEND, into everything every reader needs: the RFC 9051
 * ENVELOPE, a BODYSTRUCTURE-grade MIME tree with byte offsets (embedded message/rfc822 parts
 * included), a plain-text preview, threading ids. Bounded by MAIL_LIMITS before any work.
 */
export async function parseMessage(input: Uint8Array): Promise<ParsedMessage> {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length > MAIL_LIMITS.maxMessageBytes) {
    throw new MailParseError('TooLarge', `a message has at most ${MAIL_LIMITS.maxMessageBytes} bytes`);
  }
  const counter = { parts: 0 };
  const top = await splitMessage(bytes);
  const { envelope, body } = await buildMessage(top, '', bytes, 0, counter);
  const root = top.node;
  const messageId = firstId(rawHeader(root, 'message-id'));
  const references = ids(rawHeader(root, 'references'));
  const date = envelope.date ? Date.parse(envelope.date.replace(/\s*\([^)]*\)\s*$/, '')) : NaN;
  const fromAddr = parseAddresses(rawHeader(root, 'from'))[0];
  return {
    envelope, mime: body, preview: await preview(body, bytes), subject: decodedHeader(root, 'subject') ?? '',
    from: fromAddr ? displayAddress(fromAddr) : '', messageId, inReplyTo: firstId(rawHeader(root, 'in-reply-to')), references,
    date: Number.isFinite(date) ? date : null, hasAttachments: hasAttachments(body), size: bytes.length,
  };
}

/** A message (top or embedded) at section `part`: its envelope and numbered structure. */
async function buildMessage(top: SplitNode, part: string, bytes: Buffer, depth: number, counter: { parts: number }) {
  return { envelope: envelopeOf(top), body: await numbered(top, part, bytes, depth, counter) };
}

/**
 * Section numbers per RFC 9051 §6.4.5: a multipart's children are `part.1`, `part.2` ...; the top
 * node of a message (the whole message, or an embedded one) carries the section of the message
 * itself ('' at the top); an embedded message/rfc822 part's own message is split again here.
 */
async function numbered(s: SplitNode, part: string, bytes: Buffer, depth: number, counter: { parts: number }): Promise<MimePart> {
  if (++counter.parts > MAIL_LIMITS.maxParts) throw new MailParseError('TooComplex', 'too many MIME parts');
  if (depth > MAIL_LIMITS.maxDepth) throw new MailParseError('TooComplex', 'MIME nesting too deep');
  const p = describePart(s, part, bytes, 0);
  if (s.node.multipart) {
    p.children = [];
    for (let i = 0; i < s.children.length; i++) {
      p.children.push(await numbered(s.children[i], part ? `${part}.${i + 1}` : `${i + 1}`, bytes, depth + 1, counter));
    }
  } else if (p.type === 'message' && (p.subtype === 'rfc822' || p.subtype === 'global') && p.size > 0
    && (p.encoding === '7bit' || p.encoding === '8bit' || p.encoding === 'binary')) {
    const inner = await splitMessage(bytes.subarray(p.bodyStart, p.bodyEnd), p.bodyStart);
    const embedded = await buildMessage(inner, part || '1', bytes, depth + 1, counter);
    p.message = embedded;
  }
  return p;
}

function envelopeOf(top: SplitNode): Envelope {
  const n = top.node;
  const from = parseAddresses(rawHeader(n, 'from'));
  const sender = parseAddresses(rawHeader(n, 'sender'));
  const replyTo = parseAddresses(rawHeader(n, 'reply-to'));
  // RFC 3501 §7.4.2: Sender and Reply-To default to From.
  return {
    date: rawHeader(n, 'date'), subject: rawHeader(n, 'subject'), from, sender: sender.length ? sender : from,
    replyTo: replyTo.length ? replyTo : from, to: parseAddresses(rawHeader(n, 'to')), cc: parseAddresses(rawHeader(n, 'cc')),
    bcc: parseAddresses(rawHeader(n, 'bcc')), inReplyTo: rawHeader(n, 'in-reply-to'), messageId: rawHeader(n, 'message-id'),
  };
}

/**
 * Obsolete source routes (RFC 5322 §4.4 obs-route: `<@a,@b:user@domain>`) by the address they
 * lead to, in header order: addressparser drops them, IMAP's ENVELOPE still carries them (addr-adl).
 */
function sourceRoutes(raw: string): { route: string; address: string }[] {
  return [...raw.matchAll(/<\s*(@[^<>:"]+?)\s*:\s*([^<>\s]+)\s*>/g)].map((m) => ({ route: m[1].replace(/\s+/g, ''), address: m[2].toLowerCase() }));
}

/** Addresses with the display name as written (encoded words kept); groups as start/end markers. */
function parseAddresses(raw: string | null): MailAddress[] {
  if (!raw) return [];
  const routes = raw.includes('<@') ? sourceRoutes(raw) : [];
  const one = (name: string, address: string): MailAddress => {
    const r = address ? routes.findIndex((x) => x.address === address.toLowerCase()) : -1;
    const route = r >= 0 ? routes.splice(r, 1)[0].route : undefined;
    return { name: name || null, address: address || null, ...(route ? { route } : {}) };
  };
  const out: MailAddress[] = [];
  for (const a of addressparser(raw)) {
    const group = (a as { group?: { name: string; address: string }[] }).group;
    if (group) {
      out.push({ name: null, address: null, group: a.name });
      for (const m of group) out.push(one(m.name, m.address));
      out.push({ name: null, address: null });
    } else {
      const single = a as { name: string; address: string };
      out.push(one(single.name, single.address));
    }
  }
  return out;
}

function displayAddress(a: MailAddress): string {
  const name = a.name ? libmime.decodeWords(a.name) : '';
  return name && a.address ? `${name} <${a.address}>` : name || a.address || '';
}

function ids(raw: string | null): string[] {
  if (!raw) return [];
  const bracketed = [...raw.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]);
  return bracketed.length ? bracketed : raw.split(/\s+/).filter(Boolean);
}

function firstId(raw: string | null): string | null {
  return ids(raw)[0] ?? null;
}

function leaves(p: MimePart, out: MimePart[] = []): MimePart[] {
  if (p.children) for (const c of p.children) leaves(c, out);
  else out.push(p);
  return out;
}

function hasAttachments(body: MimePart): boolean {
  return leaves(body).some((p) => p.disposition?.type === 'attachment'
    || (p.filename !== null && p.disposition?.type !== 'inline') || (p.type === 'message' && p.part !== ''));
}

/** The first inline text/plain part, else text/html, decoded and shortened to the preview length. */
async function preview(body: MimePart, bytes: Buffer): Promise<string> {
  const inline = leaves(body).filter((p) => p.disposition?.type !== 'attachment' && p.type === 'text');
  const chosen = inline.find((p) => p.subtype === 'plain') ?? inline.find((p) => p.subtype === 'html');
  if (!chosen) return '';
  let text = await decodedText(bytes, chosen, MAIL_LIMITS.previewSourceBytes).catch(() => '');
  if (chosen.subtype === 'html') text = htmlToText(text, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }, { selector: 'a', options: { ignoreHref: true } }] });
  return [...text.replace(/\s+/g, ' ').trim()].slice(0, MAIL_LIMITS.previewChars).join('');
}
