import type { MimePart } from '../model/mail.js';

/**
 * Finding parts in the cached MIME tree, for IMAP BODY[section] and ActiveSync attachments, so
 * that neither protocol re-parses a message nor writes its own tree walk.
 */

/** Every part in document order, embedded messages' parts included. */
export function allParts(root: MimePart): MimePart[] {
  const out: MimePart[] = [];
  const walk = (p: MimePart) => {
    out.push(p);
    for (const c of p.children ?? []) walk(c);
    if (p.message) walk(p.message.body);
  };
  walk(root);
  return out;
}

/**
 * The part an IMAP section number names (RFC 9051 §6.4.5): '' is the message; in a
 * non-multipart message (or embedded message) part 1 is its body; `N` of a message/rfc822 part
 * names the rfc822 part itself, whose embedded message parts are N.1, N.2 ... Null when absent.
 */
export function partBySection(root: MimePart, section: string): MimePart | null {
  if (section === '') return root;
  if (!/^[1-9]\d*(\.[1-9]\d*)*$/.test(section)) return null;
  let current = root;
  // Whether `current` is the top node of a message: only there does a non-multipart take '1'.
  let messageTop = true;
  for (const n of section.split('.').map(Number)) {
    // Inside a message/rfc822 part, numbers address its embedded message's top node.
    const container = current.message ? current.message.body : current;
    if (current.message) messageTop = true;
    if (container.children) {
      const next = container.children[n - 1];
      if (!next) return null;
      current = next;
      messageTop = false;
    } else if (n === 1 && messageTop) {
      current = container;
      messageTop = false;
    } else {
      return null;
    }
  }
  return current;
}

export interface AttachmentInfo {
  /** IMAP section of the part; ActiveSync FileReference is built from it and the item id. */
  part: string;
  filename: string;
  contentType: string;
  /** Encoded size in the message (ActiveSync EstimatedDataSize). */
  size: number;
  contentId: string | null;
  /** Inline: shown in the body (cid: image of an HTML part) rather than listed ([MS-ASAIRS] IsInline). */
  inline: boolean;
}

/** The attachments a reader lists: parts with a file name or attachment disposition, and forwarded messages. */
export function attachments(root: MimePart): AttachmentInfo[] {
  const out: AttachmentInfo[] = [];
  const walk = (p: MimePart) => {
    if (p.children) { for (const c of p.children) walk(c); return; }
    const isMessage = p.type === 'message' && p.part !== '';
    if (p.part === '' && !p.filename) return;
    if (p.disposition?.type !== 'attachment' && !p.filename && !isMessage && !(p.id && p.type === 'image')) return;
    out.push({
      part: p.part || '1', filename: p.filename ?? (isMessage ? `${p.message?.envelope.subject ?? 'message'}.eml` : `part-${p.part}`),
      contentType: `${p.type}/${p.subtype}`, size: p.size, contentId: p.id, inline: p.disposition?.type === 'inline' || (!p.disposition && !!p.id),
    });
  };
  walk(root);
  return out;
}
