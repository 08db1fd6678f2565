/** Ranged reads of a stored message's bytes for the email converters (../convert/email.ts). */
import type { MailMessage } from '../../../src/model/mail.js';
import type { CommandContext } from '../commands/types.js';

/** Bytes [start, end) of the message blob, read as one range. */
async function readRange(ctx: Pick<CommandContext, 'store'>, msg: Pick<MailMessage, 'blobHash'>, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  const r = await ctx.store.getBlobStream(msg.blobHash, { start, end: end - 1 });
  if (!r) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of r.stream) chunks.push(c as Buffer);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** How much of a message's start the first read takes, so that its header and text body come in one read. */
const HEAD_WINDOW = 64 * 1024;

/**
 * Reader of a message's bytes by range, for the converters: only ranges are read from the blob,
 * never the whole of a large message. The first read takes the message's first 64 KiB (or up to
 * the end of what it asks for): the header block and, in most mail, the text part are in it, so a
 * Sync converts a message with one blob read.
 */
export function messageReader(ctx: Pick<CommandContext, 'store'>, msg: Pick<MailMessage, 'blobHash' | 'size'>) {
  let head: Buffer | null = null;
  return async (range: { start: number; end: number }): Promise<Buffer> => {
    const start = Math.max(0, Math.min(range.start, msg.size));
    const end = Math.max(start, Math.min(range.end, msg.size));
    if (end === start) return Buffer.alloc(0);
    if (head === null && start < HEAD_WINDOW) head = await readRange(ctx, msg, 0, Math.min(msg.size, Math.max(end, HEAD_WINDOW)));
    if (head && end <= head.length) return head.subarray(start, end);
    return readRange(ctx, msg, start, end);
  };
}
