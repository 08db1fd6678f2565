import type { MimePart } from '../model/mail.js';

/**
 * The parts a reader shows as the message's text: the plain and the HTML alternative of the
 * first displayable body (RFC 2046 §5.1.4: in multipart/alternative the last part the reader
 * can show is preferred; in multipart/mixed and related the first part is the body). Parts that
 * are attachments (a disposition of attachment, or a file name) are never the body.
 */
export interface TextBody {
  plain: MimePart | null;
  html: MimePart | null;
}

const isAttachment = (p: MimePart): boolean => p.disposition?.type === 'attachment' || (p.filename !== null && p.type !== 'text');

export function textBody(root: MimePart): TextBody {
  const out: TextBody = { plain: null, html: null };
  const visit = (p: MimePart, depth: number): void => {
    if (depth > 32 || (out.plain && out.html)) return;
    if (p.children) {
      if (p.subtype === 'alternative') {
        for (const c of p.children) visit(c, depth + 1);
        return;
      }
      // mixed, related, signed ...: the first part is the body (signed: the signed content)
      const first = p.children[0];
      if (first) visit(first, depth + 1);
      return;
    }
    if (p.type !== 'text' || isAttachment(p)) return;
    if (p.subtype === 'plain' && !out.plain) out.plain = p;
    else if (p.subtype === 'html' && !out.html) out.html = p;
  };
  visit(root, 0);
  return out;
}

/** The message is S/MIME signed or encrypted (RFC 8551 §3.4, §3.3): readers need its MIME. */
export function smimeKind(root: MimePart): 'signed' | 'encrypted' | null {
  const proto = (root.params.protocol ?? '').toLowerCase();
  if (root.type === 'multipart' && root.subtype === 'signed' && /pkcs7-signature/.test(proto)) return 'signed';
  if (root.type === 'application' && /^(x-)?pkcs7-mime$/.test(root.subtype)) {
    return /signed-data/i.test(root.params['smime-type'] ?? '') ? 'signed' : 'encrypted';
  }
  return null;
}
