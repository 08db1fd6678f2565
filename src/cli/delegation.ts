import type { Command } from 'commander';
import { delegate, delegationLines, undelegate } from '../admin/delegation.js';
import { checkAddress } from './accounts.js';
import type { AuditBy, Print, WithStore } from './context.js';

/** `hearth delegate add|remove|list`: calendar and address book delegation inside a domain. */
export function delegationCommands(program: Command, withStore: WithStore, print: Print, by: AuditBy): void {
  const cmd = program.command('delegate').description('delegation of calendars and address books inside a domain');
  cmd.command('add <owner> <delegate>').description("let DELEGATE read (or with --write, change) OWNER's calendars and contacts")
    .option('--write', 'read and write (CalDAV calendar-proxy-write)')
    .option('--folder <name>', 'only this calendar, address book, task or note folder')
    .action((owner: string, who: string, o: { write?: boolean; folder?: string }) => withStore(async (s) => {
      const g = await delegate(s, checkAddress(owner), checkAddress(who), o.write ? 'write' : 'read', o.folder, by);
      print(`${who.toLowerCase()} may now ${g.rights} ${o.folder ? `folder ${o.folder}` : 'all calendars and address books'} of ${owner.toLowerCase()}`);
    }));
  cmd.command('remove <owner> <delegate>').description('end a delegation')
    .option('--folder <name>', 'the folder the delegation was for')
    .action((owner: string, who: string, o: { folder?: string }) => withStore(async (s) => {
      await undelegate(s, checkAddress(owner), checkAddress(who), o.folder, by);
      print(`removed the delegation of ${owner.toLowerCase()} to ${who.toLowerCase()}`);
    }));
  cmd.command('list <owner>').description('one delegation a line: delegate, rights, folder, status')
    .action((owner: string) => withStore(async (s) => {
      const lines = await delegationLines(s, checkAddress(owner));
      if (lines.length === 0) print(`${owner.toLowerCase()} has no delegations`);
      for (const l of lines) print(l);
    }));
}
