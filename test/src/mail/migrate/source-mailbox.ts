/**
 * A source mailbox for migration tests: a private Dovecot (test/helpers/dovecot.ts) with TLS and
 * special-use folders, filled over IMAP with imapflow: messages with known flags, keywords and
 * internal dates in INBOX, the special-use folders and a nested folder.
 */
import { ImapFlow } from 'imapflow';
import { startDovecot, type PrivateDovecot } from '../../../helpers/dovecot.js';

export interface SourceMessage {
  folder: string;
  messageId: string;
  flags: string[];
  internalDate: number;
  subject: string;
}

/** Folder (as Dovecot names it, "." separator) -> how many messages, and the flags of each. */
const LAYOUT: { folder: string; count: number; flags: (i: number) => string[] }[] = [
  {
    folder: 'INBOX',
    count: 23,
    flags: (i) => [
      ...(i % 2 ? ['\\Seen'] : []),
      ...(i % 5 === 0 ? ['\\Flagged'] : []),
      ...(i % 7 === 0 ? ['\\Answered', '$Forwarded'] : []),
    ],
  },
  { folder: 'Sent Messages', count: 3, flags: () => ['\\Seen'] },
  { folder: 'Drafts', count: 1, flags: () => ['\\Draft'] },
  { folder: 'Spam', count: 2, flags: () => [] },
  { folder: 'Deleted Messages', count: 1, flags: () => ['\\Seen'] },
  { folder: 'Archive', count: 1, flags: () => ['\\Seen'] },
  { folder: 'Work', count: 1, flags: () => ['$Label1'] },
  { folder: 'Work.Projects', count: 4, flags: (i) => (i === 0 ? ['$Label1', '\\Seen'] : []) },
];

function raw(folder: string, i: number, messageId: string, date: Date): string {
  const body = i % 3 === 0 ? `.a line that starts with a dot\r\n${'x'.repeat(200 * i)}\r\n` : `Message ${i} in ${folder}.\r\n`;
  return `From: Someone <someone@example.org>\r\nTo: src@example.org\r\nSubject: ${folder} #${i}\r\nMessage-ID: <${messageId}>\r\nDate: ${date.toUTCString().replace('GMT', '+0000')}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`;
}

export async function startSourceMailbox(
  users: string[],
): Promise<{ dovecot: PrivateDovecot; messages: Map<string, SourceMessage[]>; stop(): Promise<void> }> {
  const dovecot = await startDovecot({ tls: true, specialUse: true });
  const messages = new Map<string, SourceMessage[]>();
  try {
    for (const user of users) {
      const list: SourceMessage[] = [];
      const client = new ImapFlow({
        host: '127.0.0.1',
        port: dovecot.port,
        secure: false,
        doSTARTTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user, pass: dovecot.password },
        logger: false,
      });
      await client.connect();
      for (const { folder, count, flags } of LAYOUT) {
        if (folder !== 'INBOX') await client.mailboxCreate(folder.split('.'));
        for (let i = 0; i < count; i++) {
          const messageId = `${user}.${folder.replace(/\W/g, '')}.${i}@source.example.org`;
          // Whole seconds: IMAP INTERNALDATE has no smaller unit.
          const date = new Date(Date.UTC(2024, i % 12, 1 + i, 8, i, 30));
          await client.append(folder, raw(folder, i, messageId, date), flags(i), date);
          list.push({ folder, messageId, flags: flags(i), internalDate: date.getTime(), subject: `${folder} #${i}` });
        }
      }
      await client.logout();
      messages.set(user, list);
    }
  } catch (e) {
    await dovecot.stop();
    throw e;
  }
  return { dovecot, messages, stop: () => dovecot.stop() };
}
