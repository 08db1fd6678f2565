import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ListDatabase, ListRow } from './list-schema.js';
import type { ListMember, ListRole, ListStore, MailingList, NewMailingList } from './list-store.js';
import { StoreError, conflict, notFound } from './errors.js';
import { ArchiveSqlStore } from './archive-sql.js';
import { lower, now } from './sql-store-base.js';

type ListDb = Kysely<Database & ListDatabase>;

function toList(r: ListRow): MailingList {
  return {
    id: Number(r.id),
    domainId: Number(r.domain_id),
    address: r.address,
    name: r.name,
    subjectPrefix: r.subject_prefix,
    replyTo: r.reply_to as MailingList['replyTo'],
    posting: r.posting as MailingList['posting'],
    createdAt: Number(r.created_at),
  };
}

/** The ListStore over the SQL store (both backends). */
export abstract class ListSqlStore extends ArchiveSqlStore implements ListStore {
  private get ldb(): ListDb {
    return this.db as unknown as ListDb;
  }

  async createList(l: NewMailingList): Promise<MailingList> {
    const address = lower(l.address);
    const at = address.lastIndexOf('@');
    if (at <= 0) throw new StoreError('Invalid', `not an address: '${l.address}'`);
    if (address.slice(0, at).endsWith('-owner'))
      throw new StoreError('Invalid', 'a list address may not end in -owner (reserved for its owners)');
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
          name: l.name ?? address.slice(0, at),
          subject_prefix: l.subjectPrefix ?? null,
          reply_to: l.replyTo ?? 'sender',
          posting: l.posting ?? 'members',
          created_at: now(),
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

  async listLists(domainId?: number): Promise<MailingList[]> {
    let q = this.ldb.selectFrom('lists').selectAll();
    if (domainId !== undefined) q = q.where('domain_id', '=', domainId);
    return (await q.orderBy('address').execute()).map(toList);
  }

  async updateList(id: number, patch: Partial<Pick<MailingList, 'name' | 'subjectPrefix' | 'replyTo' | 'posting'>>): Promise<MailingList> {
    const set: Record<string, unknown> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.subjectPrefix !== undefined) set.subject_prefix = patch.subjectPrefix;
    if (patch.replyTo !== undefined) set.reply_to = patch.replyTo;
    if (patch.posting !== undefined) set.posting = patch.posting;
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
        .values({ list_id: listId, address: addr, role, created_at: now() } as never)
        .onConflict((oc) => oc.columns(['list_id', 'address']).doUpdateSet({ role }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return { address: row.address, role: row.role as ListRole, createdAt: Number(row.created_at) };
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
    return rows.map((r) => ({ address: r.address, role: r.role as ListRole, createdAt: Number(r.created_at) }));
  }
}
