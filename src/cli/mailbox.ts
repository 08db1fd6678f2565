import type { Command } from 'commander';
import type { Store } from '../store/store.js';
import { findMailFolder, mailboxListLines, mailboxMessageLines } from '../mail/mailbox-view.js';
import { accountOf } from './accounts.js';
import { UsageError } from './sizes.js';

type WithStore = (fn: (store: Store) => Promise<void>) => Promise<void>;

/** `hearth mailbox list|messages` (CONTRACT.md): the support desk's view of a mailbox. */
export function mailboxCommands(program: Command, withStore: WithStore, print: (line: string) => void): void {
  const mailbox = program.command('mailbox').description("a user's mail folders and messages");
  mailbox.command('list <email>').description('one folder a line, tab-separated: name, special use, messages, unseen, bytes')
    .action((email: string) => withStore(async (s) => {
      const account = await accountOf(s, email);
      for (const line of await mailboxListLines(s, account.id)) print(line);
    }));
  mailbox.command('messages <email> [folder]')
    .description('one message a line, tab-separated: uid, flags, size, date, from, subject (FOLDER: a name or \\Sent, \\Drafts, \\Junk, \\Trash, \\Archive; default INBOX)')
    .action((email: string, folderName: string | undefined) => withStore(async (s) => {
      const account = await accountOf(s, email);
      const folder = await findMailFolder(s, account.id, folderName ?? 'INBOX');
      if (!folder) throw new UsageError(`no such folder for ${account.email}: ${folderName}`);
      for (const line of await mailboxMessageLines(s, folder.id)) print(line);
    }));
}
