// The value of each FETCH data item for one message (RFC 9051 §7.5.2; BINARY RFC 3516;
// MODSEQ RFC 7162 §3.1.4). ENVELOPE and BODYSTRUCTURE come from the cached parse, body bytes
// from the blob by offset.
import type { Store } from '../../../src/store/store.js';
import type { MailMessage, MessageState } from '../../../src/model/mail.js';
import { decodedBody } from '../../../src/mail/part-content.js';
import { Literal, atom, bodyValue, envelopeValue, flagList, type FetchItem, type ResponseValue } from '../codec/index.js';
import { envelopeOf, mimeNodeOf } from './mime.js';
import { filterHeader, partAt, sectionName, sectionRange } from './sections.js';

/** Items that need only the message's state, not its parse or bytes. */
const STATE_ONLY = new Set(['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE']);

export function needsParse(items: FetchItem[]): boolean {
  return items.some((i) => !STATE_ONLY.has(i.item));
}

/** Items that set \Seen when the mailbox is read-write (RFC 9051 §6.4.5). */
export function setsSeen(items: FetchItem[]): boolean {
  return items.some((i) => i.item === 'RFC822' || i.item === 'RFC822.TEXT' || ((i.item === 'BODY[]' || i.item === 'BINARY[]') && !i.peek));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** date-time "01-Dec-2026 10:00:00 +0000" (RFC 9051 §9), in UTC. */
export function imapDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Reads bytes of one message at most once per range, whole-message reads shared. */
class MessageBytes {
  private whole: Buffer | null = null;
  constructor(private readonly store: Store, private readonly m: MessageState) {}
  async read(start: number, end: number): Promise<Buffer> {
    if (this.whole) return this.whole.subarray(start, end);
    if (start === 0 && end >= this.m.size) return (this.whole = (await this.store.readMessageBytes(this.m.itemId)) ?? Buffer.alloc(0));
    return (await this.store.readMessageBytes(this.m.itemId, { start, end })) ?? Buffer.alloc(0);
  }
  all(): Promise<Buffer> { return this.read(0, this.m.size); }
}

function partial(data: Buffer, p: { offset: number; length: number } | undefined): Buffer {
  return p ? data.subarray(Math.min(p.offset, data.length), Math.min(p.offset + p.length, data.length)) : data;
}

export async function fetchItems(store: Store, m: MessageState | MailMessage, items: FetchItem[], recent = false): Promise<Array<[string, ResponseValue]>> {
  const out: Array<[string, ResponseValue]> = [];
  const bytes = new MessageBytes(store, m);
  const parsed = 'parsed' in m ? m.parsed : null;
  for (const it of items) {
    switch (it.item) {
      case 'UID': out.push(['UID', m.uid]); break;
      case 'FLAGS': out.push(['FLAGS', flagList(recent ? [...m.flags, '\\Recent'] : m.flags)]); break;
      case 'INTERNALDATE': out.push(['INTERNALDATE', imapDateTime(m.internalDate)]); break;
      case 'RFC822.SIZE': out.push(['RFC822.SIZE', m.size]); break;
      case 'MODSEQ': out.push(['MODSEQ', [m.modseq]]); break;
      case 'EMAILID': out.push(['EMAILID', [atom(`M${m.itemId}`)]]); break;
      case 'THREADID': out.push(['THREADID', [atom(`T${m.threadId}`)]]); break;
      case 'SAVEDATE': out.push(['SAVEDATE', null]); break;
      case 'PREVIEW': out.push(['PREVIEW', parsed?.preview ?? null]); break;
      case 'ENVELOPE': out.push(['ENVELOPE', envelopeValue(envelopeOf(parsed!.envelope))]); break;
      case 'BODY': out.push(['BODY', bodyValue(mimeNodeOf(parsed!.mime), false)]); break;
      case 'BODYSTRUCTURE': out.push(['BODYSTRUCTURE', bodyValue(mimeNodeOf(parsed!.mime), true)]); break;
      case 'RFC822': out.push(['RFC822', new Literal(await bytes.all())]); break;
      case 'RFC822.HEADER': out.push(['RFC822.HEADER', new Literal(await bytes.read(0, parsed!.mime.bodyStart))]); break;
      case 'RFC822.TEXT': out.push(['RFC822.TEXT', new Literal(await bytes.read(parsed!.mime.bodyStart, m.size))]); break;
      case 'BODY[]': {
        const name = `BODY[${sectionName(it.section)}]${it.partial ? `<${it.partial.offset}>` : ''}`;
        const where = sectionRange(m as MailMessage, it.section);
        let data: Buffer = Buffer.alloc(0);
        if (where && where.fields) {
          data = partial(filterHeader(await bytes.read(where.range.start, where.range.end), where.fields.names, where.fields.not), it.partial);
        } else if (where) {
          // Only the requested slice is read (partial fetches of large parts stay cheap).
          const start = where.range.start + (it.partial ? Math.min(it.partial.offset, where.range.end - where.range.start) : 0);
          const end = it.partial ? Math.min(where.range.end, start + it.partial.length) : where.range.end;
          data = await bytes.read(start, end);
        }
        out.push([name, new Literal(data)]);
        break;
      }
      case 'BINARY[]':
      case 'BINARY.SIZE[]': {
        // BINARY[] is the message as stored; a multipart has no transfer encoding to undo.
        const part = it.part.length > 0 ? partAt(parsed!.mime, it.part) : null;
        const decoded = it.part.length === 0 ? await bytes.all()
          : part && !part.children ? await decodedBody(await bytes.all(), part)
          : part ? await bytes.read(part.bodyStart, part.bodyEnd) : Buffer.alloc(0);
        if (it.item === 'BINARY.SIZE[]') out.push([`BINARY.SIZE[${it.part.join('.')}]`, decoded.length]);
        else out.push([`BINARY[${it.part.join('.')}]${it.partial ? `<${it.partial.offset}>` : ''}`, new Literal(partial(decoded, it.partial), decoded.includes(0))]);
        break;
      }
    }
  }
  return out;
}
