import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ListDatabase, ListMemberRow, ListRow } from './list-schema.js';
import {
  LIST_COMMAND_SUFFIXES,
  postingPreset,
  presetOf,
  type ListMember,
  type ListPosting,
  type ListRole,
  type ListSettings,
  type ListStore,
  type MailingList,
  type NewMailingList,
} from './list-store.js';
import { StoreError, conflict, notFound } from './errors.js';
import { ListModerationSqlStore } from './list-moderation-sql.js';
import { lower, now } from './sql-store-base.js';

type ListDb = Kysely<Database & ListDatabase>;

function toList(r: ListRow): MailingList {
  const policies = {
    memberPosts: r.member_posts as MailingList['memberPosts'],
    nonMemberPosts: r.nonmember_posts as MailingList['nonMemberPosts'],
    moderatorPosts: r.moderator_posts as MailingList['moderatorPosts'],
  };
  return {
    id: Number(r.id),
    domainId: Number(r.domain_id),
    address: r.address,
    name: r.name,
    description: r.description,
    subjectPrefix: r.subject_prefix,
    replyTo: r.reply_to as MailingList['replyTo'],
    subscription: r.subscription as MailingList['subscription'],
    ...policies,
    posting: presetOf(policies),
    bounceLimit: Number(r.bounce_limit),
    createdAt: Number(r.created_at),
  };
}

function toMember(r: ListMemberRow): ListMember {
  return { address: r.address, role: r.role as ListRole, createdAt: Number(r.created_at), bounces: Number(r.bounces), disabled: Number(r.disabled) !== 0 };
}

/** Settings as columns; a `posting` preset first, explicit policies over it. */
function columnsOf(patch: Partial<ListSettings> & { posting?: ListPosting }): Record<string, unknown> {
  const explicit = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const p: Partial<ListSettings> = { ...(patch.posting ? postingPreset(patch.posting) : {}), ...explicit };
  const set: Record<string, unknown> = {};
  const map: [keyof ListSettings, string][] = [
    ['name', 'name'],
    ['description', 'description'],
    ['subjectPrefix', 'subject_prefix'],
    ['replyTo', 'reply_to'],
    ['subscription', 'subscription'],
    ['memberPosts', 'member_posts'],
    ['nonMemberPosts', 'nonmember_posts'],
    ['moderatorPosts', 'moderator_posts'],
    ['bounceLimit', 'bounce_limit'],
  ];
  for (const [key, col] of map) if (p[key] !== undefined) set[col] = p[key];
  return set;
}

/** The ListStore over the SQL store (both backends): lists and members; tokens and held posts below. */
export abstract class ListSqlStore extends ListModerationSqlStore implements ListStore {
  private get ldb(): ListDb {
    return this.db as unknown as ListDb;
  }

  async createList(l: NewMailingList): Promise<MailingList> {
    const address = lower(l.address);
    const at = address.lastIndexOf('@');
    if (at <= 0) throw new StoreError('Invalid', `not an address: '${l.address}'`);
    const local = address.slice(0, at);
    const reserved = LIST_COMMAND_SUFFIXES.find((s) => local.endsWith(`-${s}`) || local.includes(`-${s}+`));
    if (reserved) throw new StoreError('Invalid', `a list address may not end in -${reserved} (one of each list's command addresses)`);
    return this.write(async ({ trx }) => {
      const t = trx as unknown as ListDb;
      const domain = await t
        .selectFrom('domains')
        .select('id')
        .where('name', '=', address.slice(at + 1))
        .executeTakeFirst();
      if (!domain) throw notFound('domain');
      const taken =
        (await t.selectFrom('accounts').select('id').where('email', '=', address).executeTakeFirst()) ??
        (await t.selectFrom('aliases').select('address').where('address', '=', address).executeTakeFirst()) ??
        (await t.selectFrom('lists').select('id').where('address', '=', address).executeTakeFirst());
      if (taken) throw conflict(`${address} is already in use`);
      const row = await t
        .insertInto('lists')
        .values({
          domain_id: domain.id,
          address,
          name: local,
          subject_prefix: null,
          reply_to: 'sender',
          created_at: now(),
          ...columnsOf({ ...l, posting: l.posting ?? 'members' }),
        } as never)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toList(row);
    });
  }

  async getList(address: string): Promise<MailingList | null> {
    const row = await this.ldb.selectFrom('lists').selectAll().where('address', '=', lower(address)).executeTakeFirst();
    return row ? toList(row) : null;
  }

  async getListById(id: number): Promise<MailingList | null> {
    const row = await this.ldb.selectFrom('lists').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toList(row) : null;
  }

  async listLists(domainId?: number): Promise<MailingList[]> {
    let q = this.ldb.selectFrom('lists').selectAll();
    if (domainId !== undefined) q = q.where('domain_id', '=', domainId);
    return (await q.orderBy('address').execute()).map(toList);
  }

  async updateList(id: number, patch: Partial<ListSettings> & { posting?: ListPosting }): Promise<MailingList> {
    const set = columnsOf(patch);
    const q = Object.keys(set).length
      ? this.ldb.updateTable('lists').set(set).where('id', '=', id).returningAll()
      : this.ldb.selectFrom('lists').selectAll().where('id', '=', id);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('list');
    return toList(row as ListRow);
  }

  async deleteList(id: number): Promise<void> {
    await this.write(async ({ trx }) => {
      const t = trx as unknown as ListDb;
      await t.deleteFrom('list_tokens').where('list_id', '=', id).execute();
      await t.deleteFrom('list_held').where('list_id', '=', id).execute();
      await t.deleteFrom('list_members').where('list_id', '=', id).execute();
      const r = await t.deleteFrom('lists').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound('list');
    });
  }

  async addListMember(listId: number, address: string, role: ListRole = 'member'): Promise<ListMember> {
    const addr = lower(address);
    return this.write(async ({ trx }) => {
      const t = trx as unknown as ListDb;
      if (!(await t.selectFrom('lists').select('id').where('id', '=', listId).executeTakeFirst())) throw notFound('list');
      const row = await t
        .insertInto('list_members')
        .values({ list_id: listId, address: addr, role, created_at: now(), bounces: 0, disabled: 0 } as never)
        .onConflict((oc) => oc.columns(['list_id', 'address']).doUpdateSet({ role, bounces: 0, disabled: 0 }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toMember(row);
    });
  }

  async removeListMember(listId: number, address: string): Promise<boolean> {
    const r = await this.ldb
      .deleteFrom('list_members')
      .where('list_id', '=', listId)
      .where('address', '=', lower(address))
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async listListMembers(listId: number): Promise<ListMember[]> {
    const rows = await this.ldb.selectFrom('list_members').selectAll().where('list_id', '=', listId).orderBy('address').execute();
    return rows.map(toMember);
  }

  async getListMember(listId: number, address: string): Promise<ListMember | null> {
    const row = await this.ldb
      .selectFrom('list_members')
      .selectAll()
      .where('list_id', '=', listId)
      .where('address', '=', lower(address))
      .executeTakeFirst();
    return row ? toMember(row) : null;
  }

  async recordListBounce(listId: number, address: string, limit: number): Promise<ListMember | null> {
    const addr = lower(address);
    return this.write(async ({ trx }) => {
      const t = trx as unknown as ListDb;
      // One statement increments, so that bounces counted at once on two nodes both count.
      const row = await t
        .updateTable('list_members')
        .set((eb) => ({ bounces: eb('bounces', '+', 1) }))
        .where('list_id', '=', listId)
        .where('address', '=', addr)
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      if (limit > 0 && Number(row.bounces) >= limit && Number(row.disabled) === 0) {
        const disabled = await t
          .updateTable('list_members')
          .set({ disabled: 1 })
          .where('list_id', '=', listId)
          .where('address', '=', addr)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toMember(disabled);
      }
      return toMember(row);
    });
  }
}
