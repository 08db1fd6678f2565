import type { Command } from 'commander';
import type { Store } from '../store/store.js';
import type { ListPosting, ListReplyTo, MailingList } from '../store/list-store.js';
import { checkAddress, domainOf } from './accounts.js';
import { UsageError } from './sizes.js';
import { addListMembers, createList, deleteList, removeListMembers, updateList, type ListFields } from '../admin/lists.js';

type WithStore = (fn: (store: Store) => Promise<void>) => Promise<void>;

const POSTING: ListPosting[] = ['anyone', 'members', 'owners'];
const REPLY_TO: ListReplyTo[] = ['sender', 'list'];

function oneOf<T extends string>(option: string, value: string | undefined, allowed: T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`${option}: expected ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

async function listOf(s: Store, address: string): Promise<MailingList> {
  const list = await s.getList(checkAddress(address));
  if (!list) throw new UsageError(`no such list: ${address}`);
  return list;
}

const describe = (l: MailingList) =>
  [l.address, l.name, `posting ${l.posting}`, `reply-to ${l.replyTo}`, `prefix ${l.subjectPrefix ?? '-'}`].join('\t');

interface ListOptions {
  name?: string;
  prefix?: string;
  posting?: string;
  replyTo?: string;
}

const fields = (o: ListOptions): ListFields => ({
  ...(o.name !== undefined ? { name: o.name } : {}),
  ...(o.prefix !== undefined ? { subjectPrefix: o.prefix || null } : {}),
  ...(o.posting ? { posting: oneOf('--posting', o.posting, POSTING) } : {}),
  ...(o.replyTo ? { replyTo: oneOf('--reply-to', o.replyTo, REPLY_TO) } : {}),
});

/**
 * `hearth list add|set|remove|show|list` and `hearth list member add|remove|list`: mailing lists
 * (docs/protocols/smtp.md "Mailing lists"). A list is an address of a local domain; members are
 * any addresses, owners among them.
 */
export function listCommands(
  program: Command,
  withStore: WithStore,
  print: (line: string) => void,
  by: { actor: string; source: string },
): void {
  const list = program.command('list').description('mailing lists');
  const policyOptions = (c: Command) =>
    c
      .option('--name <text>', 'display name (List-Id)')
      .option('--prefix <text>', "put before each post's subject, e.g. [team]; '' for none")
      .option('--posting <who>', `who may post: ${POSTING.join(', ')} (default members)`)
      .option('--reply-to <where>', `replies go to: ${REPLY_TO.join(', ')} (default sender)`);

  policyOptions(list.command('add <address>').description('create a list at an address of a local domain')).action(
    (address: string, o: ListOptions) =>
      withStore(async (s) => {
        const addr = checkAddress(address);
        const l = await createList(s, by, await domainOf(s, addr), addr, fields(o));
        print(`added list ${l.address}`);
      }),
  );
  policyOptions(list.command('set <address>').description("change a list's name, prefix or policies")).action(
    (address: string, o: ListOptions) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        const updated = await updateList(s, by, l, fields(o));
        print(describe(updated));
      }),
  );
  list
    .command('remove <address>')
    .description('delete a list and its members')
    .action((address: string) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        await deleteList(s, by, l);
        print(`removed list ${l.address}`);
      }),
    );
  list
    .command('show <address>')
    .description('the list, then one member a line: address, role')
    .action((address: string) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        print(describe(l));
        for (const m of await s.listListMembers(l.id)) print(`${m.address}\t${m.role}`);
      }),
    );
  list
    .command('list [domain]')
    .description('one list a line: address, name, posting, reply-to, prefix')
    .action((domainName: string | undefined) =>
      withStore(async (s) => {
        const d = domainName ? await s.getDomain(domainName.toLowerCase()) : null;
        if (domainName && !d) throw new UsageError(`unknown domain ${domainName}`);
        for (const l of await s.listLists(d?.id)) print(describe(l));
      }),
    );

  const member = list.command('member').description("a list's members");
  member
    .command('add <list> <addresses...>')
    .description('add members (any address, here or elsewhere)')
    .option('--owner', 'as owners: they get LIST-owner mail and may post to announcement lists')
    .action((address: string, members: string[], o: { owner?: boolean }) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        const clean = members.map(checkAddress);
        if (clean.includes(l.address)) throw new UsageError('a list cannot be its own member');
        await addListMembers(s, by, l, clean, o.owner ? 'owner' : 'member');
        for (const m of clean) print(`${m} is ${o.owner ? 'an owner' : 'a member'} of ${l.address}`);
      }),
    );
  member
    .command('remove <list> <addresses...>')
    .description('remove members')
    .action((address: string, members: string[]) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        const clean = members.map(checkAddress);
        const present = new Set((await s.listListMembers(l.id)).map((m) => m.address));
        const missing = clean.find((m) => !present.has(m));
        if (missing) throw new UsageError(`${missing} is not a member of ${l.address}`);
        await removeListMembers(s, by, l, clean);
        for (const m of clean) print(`removed ${m} from ${l.address}`);
      }),
    );
  member
    .command('list <list>')
    .description('one member a line: address, role')
    .action((address: string) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        for (const m of await s.listListMembers(l.id)) print(`${m.address}\t${m.role}`);
      }),
    );
}
