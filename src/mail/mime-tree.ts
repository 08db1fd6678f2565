import type { Transform } from 'node:stream';
import { Splitter, type MimeNode } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import type { Disposition, MimePart } from '../model/mail.js';
import { MAIL_LIMITS } from './limits.js';

/** A refused message: too large or too deep to parse within bounds. */
export class MailParseError extends Error {
  constructor(readonly code: 'TooLarge' | 'TooComplex', message: string) {
    super(message);
    this.name = 'MailParseError';
  }
}

/** One node as the splitter saw it, before numbering: offsets plus the live MimeNode. */
export interface SplitNode {
  node: MimeNode;
  parent: SplitNode | null;
  children: SplitNode[];
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
}

/**
 * Splits a message with mailsplit and records, for every MIME node, where its header and body lie
 * in the original bytes. Concatenating what mailsplit emits gives back the input byte for byte, so
 * a running count of emitted bytes is each chunk's offset. message/rfc822 parts come out as leaves
 * (the caller splits their bodies again, bounded by MAIL_LIMITS.maxDepth).
 */
export async function splitMessage(bytes: Buffer, base = 0): Promise<SplitNode> {
  // The typings declare only the 'data' event; the splitter is a plain Transform stream.
  const splitter = new Splitter({
    ignoreEmbedded: true, maxHeadSize: MAIL_LIMITS.maxHeaderBytes, maxChildNodes: MAIL_LIMITS.maxParts,
  }) as unknown as Transform;
  const byNode = new Map<MimeNode, SplitNode>();
  let root: SplitNode | null = null;
  let pos = base;
  const done = new Promise<void>((resolve, reject) => {
    splitter.on('data', (chunk: MimeNode | { type: 'data' | 'body'; node: MimeNode | false; value: Buffer }) => {
      if (chunk.type === 'node') {
        const node = chunk as MimeNode;
        const len = node.getHeaders().length;
        const parent = node.parentNode ? byNode.get(node.parentNode) ?? null : null;
        const s: SplitNode = { node, parent, children: [], headerStart: pos, bodyStart: pos + len, bodyEnd: pos + len };
        byNode.set(node, s);
        if (parent) parent.children.push(s);
        else root ??= s;
        pos += len;
        return;
      }
      const owner = chunk.node ? byNode.get(chunk.node) : undefined;
      pos += chunk.value.length;
      // Leaf content ('body') ends a part's body; boundary lines ('data') only extend a multipart.
      if (owner && (chunk.type === 'body' || owner.node.multipart)) owner.bodyEnd = pos;
    });
    splitter.on('end', resolve);
    splitter.on('error', (e: Error & { code?: string }) =>
      reject(e.code === 'EMAXLEN' ? new MailParseError('TooComplex', e.message) : e));
  });
  // Feed in slices so a large message does not hold the event loop in one write.
  for (let i = 0; i < bytes.length; i += 256 * 1024) {
    if (!splitter.write(bytes.subarray(i, i + 256 * 1024))) await new Promise((r) => splitter.once('drain', r));
  }
  splitter.end();
  await done;
  if (!root) throw new MailParseError('TooComplex', 'no message header');
  const top: SplitNode = root;
  // A multipart's body runs to the end of its last child or boundary line.
  const extend = (s: SplitNode): number => {
    for (const c of s.children) s.bodyEnd = Math.max(s.bodyEnd, extend(c));
    return s.bodyEnd;
  };
  extend(top);
  top.bodyEnd = base + bytes.length;
  return top;
}

/** The header's value, unfolded, encoded words kept (what IMAP ENVELOPE sends); null when absent. */
export function rawHeader(node: MimeNode, key: string): string | null {
  const line = node.headers ? node.headers.get(key)[0] : undefined;
  if (line === undefined) return null;
  return libmime.decodeHeader(line).value.trim();
}

export function decodedHeader(node: MimeNode, key: string): string | null {
  const raw = rawHeader(node, key);
  return raw === null ? null : libmime.decodeWords(raw);
}

/** Parameters with encoded words decoded (RFC 2231 ones are decoded by libmime already). */
function params(value: string | null): { value: string; params: Record<string, string> } {
  if (value === null) return { value: '', params: {} };
  const parsed = libmime.parseHeaderValue(value);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.params)) {
    out[k.toLowerCase()] = parsed.decodedParams?.includes(k) ? v : libmime.decodeWords(v);
  }
  return { value: parsed.value.trim().toLowerCase(), params: out };
}

function countLines(bytes: Buffer, start: number, end: number): number {
  if (end <= start) return 0;
  let n = 0;
  for (let i = bytes.indexOf(10, start); i !== -1 && i < end; i = bytes.indexOf(10, i + 1)) n++;
  return bytes[end - 1] === 10 ? n : n + 1;
}

/**
 * The BODYSTRUCTURE-grade description of one split node (RFC 9051 §7.5.2 fields), without
 * children or embedded message (the caller adds those). `bytes` is the whole message.
 */
export function describePart(s: SplitNode, part: string, bytes: Buffer, base: number): MimePart {
  const n = s.node;
  // RFC 2045 §5.2: no Content-Type means text/plain; charset=us-ascii (in a digest, message/rfc822).
  const inDigest = s.parent?.node.multipart === 'digest';
  const ct = params(rawHeader(n, 'content-type'));
  const [type, subtype] = (ct.value || (inDigest ? 'message/rfc822' : 'text/plain')).split('/');
  if (!ct.value && !inDigest) ct.params.charset ??= 'us-ascii';
  const cd = params(rawHeader(n, 'content-disposition'));
  const disposition: Disposition | null = cd.value ? { type: cd.value, params: cd.params } : null;
  const lang = decodedHeader(n, 'content-language');
  const isText = type === 'text' || (type === 'message' && subtype === 'rfc822');
  const filename = disposition?.params.filename ?? ct.params.name ?? null;
  return {
    part, type: type || 'text', subtype: subtype || 'plain', params: ct.params,
    id: rawHeader(n, 'content-id'), description: decodedHeader(n, 'content-description'),
    encoding: (rawHeader(n, 'content-transfer-encoding') ?? '7bit').toLowerCase(),
    size: s.bodyEnd - s.bodyStart,
    lines: isText && !n.multipart ? countLines(bytes, s.bodyStart - base, s.bodyEnd - base) : null,
    md5: rawHeader(n, 'content-md5'), disposition,
    language: lang ? lang.split(',').map((l) => l.trim()).filter(Boolean) : null,
    location: decodedHeader(n, 'content-location'), filename,
    headerStart: s.headerStart, bodyStart: s.bodyStart, bodyEnd: s.bodyEnd,
  };
}
