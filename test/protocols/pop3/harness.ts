/**
 * A POP3 test server: a real store and AuthService (test/helpers/context.ts), both POP3
 * listeners on ephemeral loopback ports, and helpers to put mail into an inbox the way delivery does.
 */
import { createTestContext, type TestContext, type TestContextOptions } from '../../helpers/context.js';
import { startPop3, type RunningPop3 } from '../../../src/server/pop3.js';
import type { Pop3Settings } from '../../../protocols/pop3/settings.js';
import { parseMessage } from '../../../src/mail/parse.js';

export interface Pop3Harness extends TestContext {
  pop3: RunningPop3;
  /** Port of the STLS listener and of the implicit-TLS listener. */
  plain: number;
  implicit: number;
  /** Appends raw messages to the user's inbox (as delivery does); returns their UIDs. */
  put(email: string, ...raw: string[]): Promise<number[]>;
  /** Subjects in the user's inbox, in UID order. */
  subjects(email: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startPop3Harness(
  opts: { settings?: Partial<Pop3Settings>; context?: TestContextOptions } = {},
): Promise<Pop3Harness> {
  const t = await createTestContext({
    ...opts.context,
    env: { HEARTH_POP3: '127.0.0.1:0', HEARTH_POP3S: '127.0.0.1:0', ...opts.context?.env },
  });
  const pop3 = await startPop3(t.config, t.ctx, opts.settings);
  const closeContext = t.close;
  const inbox = async (email: string) => {
    const a = (await t.store.getAccount(email))!;
    return (await t.store.findFolderByRole(a.id, 'inbox'))!;
  };
  return Object.assign(t, {
    pop3,
    plain: pop3.ports.pop3!,
    implicit: pop3.ports.pop3s!,
    async put(email: string, ...raw: string[]) {
      const folder = await inbox(email);
      const messages = await Promise.all(
        raw.map(async (r) => {
          const bytes = Buffer.from(r);
          return { bytes, parsed: await parseMessage(bytes) };
        }),
      );
      return (await t.store.appendMessages(folder.id, messages)).map((m) => m.uid);
    },
    async subjects(email: string) {
      return (await t.store.listMessages((await inbox(email)).id)).map((m) => m.parsed.subject);
    },
    async close() {
      await pop3.close();
      await closeContext();
    },
  });
}

/** A small RFC 5322 message with CRLF line ends. */
export function message(subject: string, body = 'Hello.\r\n', from = 'sender@example.net'): string {
  return `From: ${from}\r\nTo: ann@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}.${Math.random().toString(36).slice(2)}@example.net>\r\nDate: Thu, 03 Dec 2026 07:00:00 +0000\r\n\r\n${body}`;
}
