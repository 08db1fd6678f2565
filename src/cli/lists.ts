import type { Command } from 'commander';
import pino from 'pino';
import type { Store } from '../store/store.js';
import type { Config } from '../server/config.js';
import type { ListPosting, ListReplyTo, MailingList, PostPolicy, SubscriptionPolicy, ListSettings, ListMember } from '../store/list-store.js';
import { QueueOutbound } from '../mail/queue/outbound.js';
import { approveHeldPost, heldPosts, rejectHeldPost } from '../mail/lists/moderation.js';
import type { ListDeps } from '../mail/lists/deps.js';
import { checkAddress, domainOf } from './accounts.js';
import { UsageError } from './sizes.js';
import { addListMembers, createList, deleteList, removeListMembers, updateList, type ListFields } from '../admin/lists.js';
import { oneClickOf } from '../mail/lists/one-click.js';

type WithStore = (fn: (store: Store) => Promise<void>) => Promise<void>;

const POSTING: ListPosting[] = ['anyone', 'members', 'owners'];
const REPLY_TO: ListReplyTo[] = ['sender', 'list'];
const POLICY: PostPolicy[] = ['allow', 'moderate', 'deny'];
const SUBSCRIPTION: SubscriptionPolicy[] = ['open', 'moderated', 'closed'];

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
  [
    l.address,
    l.name,
    `posting ${l.posting}`,
    `reply-to ${l.replyTo}`,
    `prefix ${l.subjectPrefix ?? '-'}`,
    `subscription ${l.subscription}`,
    `members ${l.memberPosts}`,
    `non-members ${l.nonMemberPosts}`,
    `moderators ${l.moderatorPosts}`,
    `bounce-limit ${l.bounceLimit}`,
  ].join('\t');

const memberLine = (m: ListMember) => [m.address, m.role, ...(m.disabled ? [`disabled (${m.bounces} bounces)`] : [])].join('\t');

interface ListOptions {
  name?: string;
  prefix?: string;
  posting?: string;
  replyTo?: string;
  description?: string;
  subscription?: string;
  memberPosts?: string;
  nonmemberPosts?: string;
  moderatorPosts?: string;
  bounceLimit?: string;
}

function settingsOf(o: ListOptions): ListFields {
  const limit = o.bounceLimit === undefined ? undefined : Number(o.bounceLimit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new UsageError(`--bounce-limit: expected a whole number, got '${o.bounceLimit}'`);
  const entries: [string, unknown][] = [
    ['name', o.name || undefined],
    ['description', o.description === undefined ? undefined : o.description || null],
    ['subjectPrefix', o.prefix === undefined ? undefined : o.prefix || null],
    ['posting', oneOf('--posting', o.posting, POSTING)],
    ['replyTo', oneOf('--reply-to', o.replyTo, REPLY_TO)],
    ['subscription', oneOf('--subscription', o.subscription, SUBSCRIPTION)],
    ['memberPosts', oneOf('--member-posts', o.memberPosts, POLICY)],
    ['nonMemberPosts', oneOf('--nonmember-posts', o.nonmemberPosts, POLICY)],
    ['moderatorPosts', oneOf('--moderator-posts', o.moderatorPosts, POLICY)],
    ['bounceLimit', limit],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

/**
 * `hearth list add|set|remove|show|list`, `hearth list member add|remove|list` and
 * `hearth list held|approve|reject`: mailing lists (docs/protocols/smtp.md "Mailing lists"). A
 * list is an address of a local domain; members are any addresses, owners and moderators among
 * them. Approving sends through the outbound queue: local members at once, remote ones by the
 * queue runner of `hearth serve`.
 */
export function listCommands(
  program: Command,
  withStore: WithStore,
  print: (line: string) => void,
  by: { actor: string; source: string },
  config: () => Config | undefined = () => undefined,
): void {
  const list = program.command('list').description('mailing lists');
  const policyOptions = (c: Command) =>
    c
      .option('--name <text>', 'display name (List-Id)')
      .option('--description <text>', 'what LIST-help answers with')
      .option('--prefix <text>', "put before each post's subject, e.g. [team]; '' for none")
      .option('--posting <who>', `who may post, a preset: ${POSTING.join(', ')} (default members)`)
      .option('--member-posts <policy>', `posts by members: ${POLICY.join(', ')}`)
      .option('--nonmember-posts <policy>', `posts by non-members: ${POLICY.join(', ')}`)
      .option('--moderator-posts <policy>', `posts by owners and moderators: ${POLICY.join(', ')}`)
      .option('--subscription <policy>', `subscribing by mail: ${SUBSCRIPTION.join(', ')} (default open)`)
      .option('--bounce-limit <n>', 'bounces after which a member gets nothing more; 0 never (default 5)')
      .option('--reply-to <where>', `replies go to: ${REPLY_TO.join(', ')} (default sender)`);

  policyOptions(list.command('add <address>').description('create a list at an address of a local domain')).action(
    (address: string, o: ListOptions) =>
      withStore(async (s) => {
        const addr = checkAddress(address);
        const l = await createList(s, by, await domainOf(s, addr), addr, settingsOf(o));
        print(`added list ${l.address}`);
      }),
  );
  policyOptions(list.command('set <address>').description("change a list's name, prefix or policies")).action(
    (address: string, o: ListOptions) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        const updated = await updateList(s, by, l, settingsOf(o));
        print(describe(updated));
      }),
  );
  list
    .command('remove <address>')
    .description('delete a list, its members and its held posts')
    .action((address: string) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        await deleteList(s, by, l);
        print(`removed list ${l.address}`);
      }),
    );
  list
    .command('show <address>')
    .description('the list, then one member a line: address, role (and "disabled" after too many bounces)')
    .action((address: string) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        print(describe(l));
        for (const m of await s.listListMembers(l.id)) print(memberLine(m));
      }),
    );
  list
    .command('list [domain]')
    .description('one list a line: address, name, posting, reply-to, prefix, subscription, post policies, bounce limit')
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
    .description('add members (any address, here or elsewhere); adding again enables one disabled by bounces')
    .option('--owner', 'as owners: they get LIST-owner mail and moderate')
    .option('--moderator', 'as moderators: they approve or reject held posts and subscriptions')
    .action((address: string, members: string[], o: { owner?: boolean; moderator?: boolean }) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        const role = o.owner ? 'owner' : o.moderator ? 'moderator' : 'member';
        const clean = members.map(checkAddress);
        if (clean.includes(l.address)) throw new UsageError('a list cannot be its own member');
        await addListMembers(s, by, l, clean, role);
        for (const m of clean) print(`${m} is ${role === 'owner' ? 'an owner' : `a ${role}`} of ${l.address}`);
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
        for (const m of await s.listListMembers(l.id)) print(memberLine(m));
      }),
    );

  const deps = async (s: Store): Promise<ListDeps> => {
    const c = config();
    if (!c) throw new UsageError('no configuration');
    const log = pino({ level: 'silent' });
    return {
      store: s, log, now: Date.now, outbound: new QueueOutbound({ store: s, settings: c.queue, hostname: c.hostname, log, now: Date.now }),
      oneClick: await oneClickOf(s, c.publicUrl),
    };
  };
  const heldId = (id: string) => {
    if (!/^\d+$/.test(id)) throw new UsageError(`not a held post id: '${id}'`);
    return Number(id);
  };
  list
    .command('held <list>')
    .description('posts held for moderation, one a line: id, held at (ISO 8601), expires, sender, size, subject')
    .action((address: string) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        for (const p of await heldPosts({ store: s, now: Date.now }, l))
          print([p.id, new Date(p.createdAt).toISOString(), new Date(p.expiresAt).toISOString(), p.mailFrom, p.size, p.subject].join('\t'));
      }),
    );
  list
    .command('approve <list> <id>')
    .description('send a held post to the members')
    .action((address: string, id: string) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        const d = await approveHeldPost(await deps(s), l, heldId(id));
        if (d.outcome === 'not-held') throw new UsageError(`no held post ${id} on ${l.address}`);
        await s.audit({ ...by, action: 'list.post.approve', target: l.address, detail: { id: heldId(id) } });
        print(`approved post ${id} to ${l.address}`);
      }),
    );
  list
    .command('reject <list> <id>')
    .description('drop a held post; its sender is told')
    .option('--reason <text>', 'told to the sender')
    .action((address: string, id: string, o: { reason?: string }) =>
      withStore(async (s) => {
        const l = await listOf(s, address);
        const d = await rejectHeldPost(await deps(s), l, heldId(id), o.reason);
        if (d.outcome === 'not-held') throw new UsageError(`no held post ${id} on ${l.address}`);
        await s.audit({ ...by, action: 'list.post.reject', target: l.address, detail: { id: heldId(id) } });
        print(`rejected post ${id} to ${l.address}`);
      }),
    );
}
