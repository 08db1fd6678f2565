/**
 * The message archive (issue 10 item 10): a gzip copy (node:zlib; Node 20 has no zstd) of every
 * message Hearth accepts in or sends out, with an index (date, envelope, From, To/Cc, Subject,
 * Message-ID) so that an administrator finds it again (`hearth archive search`). The bytes are
 * the message as it was delivered or handed on (trace and filter header fields included).
 * Stored through the ArchiveStore, outside every mailbox and quota.
 */
import { promisify } from 'node:util';
import { gunzip, gzip, constants } from 'node:zlib';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import type { ArchiveDirection, ArchiveQuery, ArchiveRecord, ArchiveStore } from '../../store/archive-store.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface ArchiveInput {
  direction: ArchiveDirection;
  /** Envelope sender; '' for the null sender. */
  mailFrom: string;
  rcptTo: string[];
  message: Uint8Array;
}

/** The header fields the index keeps, read from the header section alone (mailparser). */
interface IndexFields {
  from: string;
  to: string;
  subject: string;
  messageId: string | null;
}

/** Index values have bounded lengths, whatever a sender puts in its headers. */
const MAX_FIELD = 2000;

export class MessageArchive {
  constructor(
    private readonly store: ArchiveStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Compresses and stores one message; resolves once committed. */
  async keep(input: ArchiveInput): Promise<ArchiveRecord> {
    const [compressed, fields] = await Promise.all([
      gzipAsync(input.message, { level: constants.Z_DEFAULT_COMPRESSION }),
      indexFields(input.message),
    ]);
    return this.store.archiveMessage(
      {
        archivedAt: this.now(),
        direction: input.direction,
        mailFrom: input.mailFrom.slice(0, MAX_FIELD),
        rcptTo: input.rcptTo.map((r) => r.slice(0, 320)),
        headerFrom: fields.from,
        headerTo: fields.to,
        subject: fields.subject,
        messageId: fields.messageId,
        size: input.message.byteLength,
      },
      compressed,
    );
  }

  search(query: ArchiveQuery): Promise<ArchiveRecord[]> {
    return this.store.searchArchive(query);
  }

  /** The original bytes of an archived message, or null when there is no such id. */
  async read(id: number): Promise<{ record: ArchiveRecord; message: Buffer } | null> {
    const found = await this.store.getArchived(id);
    if (!found) return null;
    return { record: found.record, message: await gunzipAsync(found.compressed) };
  }
}

async function indexFields(message: Uint8Array): Promise<IndexFields> {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const end = headerEnd(bytes);
  try {
    const parsed = await simpleParser(Buffer.concat([bytes.subarray(0, end), Buffer.from('\r\n\r\n')]), {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
    });
    const to = [parsed.to, parsed.cc].flat().filter((a): a is AddressObject => Boolean(a));
    return {
      from: addresses(parsed.from ? [parsed.from] : []),
      to: addresses(to),
      subject: (parsed.subject ?? '').slice(0, MAX_FIELD),
      messageId: parsed.messageId ? parsed.messageId.replace(/^<|>$/g, '').slice(0, 998) : null,
    };
  } catch {
    // An unreadable header section is still archived; only its index fields stay empty.
    return { from: '', to: '', subject: '', messageId: null };
  }
}

function addresses(objects: AddressObject[]): string {
  const out: string[] = [];
  const walk = (list: EmailAddress[]) => {
    for (const a of list) {
      if (a.address) out.push(a.address.toLowerCase());
      if (a.group) walk(a.group);
    }
  };
  for (const o of objects) walk(o.value);
  return out.join(' ').slice(0, MAX_FIELD);
}

function headerEnd(message: Buffer): number {
  const ends = [message.indexOf('\r\n\r\n'), message.indexOf('\n\n')].filter((i) => i >= 0);
  return ends.length ? Math.min(...ends) : message.length;
}
