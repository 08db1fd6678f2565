import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ListDatabase, ListHeldRow, ListTokenRow } from './list-schema.js';
import type { HeldPost, ListStore, ListToken, ListTokenKind, NewListToken } from './list-store.js';
import { conflict, notFound } from './errors.js';
import { ArchiveSqlStore } from './archive-sql.js';
import { lower, now } from './sql-store-base.js';

type ListDb = Kysely<Database & ListDatabase>;

function toToken(r: ListTokenRow): ListToken {
  return {
    selector: r.selector,
    verifierHash: r.verifier_hash,
    listId: Number(r.list_id),
    kind: r.kind as ListTokenKind,
    address: r.address,
    heldId: r.held_id === null ? null : Number(r.held_id),
    decision: r.decision,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
  };
}

function toHeld(r: Omit<ListHeldRow, 'bytes'> & { size: number | string }): HeldPost {
  return {
    id: Number(r.id),
    listId: Number(r.list_id),
    mailFrom: r.mail_from,
    subject: r.subject,
    size: Number(r.size),
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
  };
}

type ModerationStore = Pick<
  ListStore,
  'createListToken' | 'getListToken' | 'consumeListToken' | 'countListTokens' | 'holdListPost' | 'listHeldPosts' | 'takeHeldPost' | 'purgeExpiredListItems'
>;

/**
 * Confirmation tokens and held posts of mailing lists (ListStore, src/store/list-store.ts), on
 * both backends. Single use is one DELETE ... RETURNING: of two nodes consuming one token, one
 * gets the row and the other nothing.
 */
export abstract class ListModerationSqlStore extends ArchiveSqlStore implements ModerationStore {
  private get modDb(): ListDb {
    return this.db as unknown as ListDb;
  }

  async createListToken(t: NewListToken): Promise<void> {
    const exists = await this.modDb.selectFrom('list_tokens').select('selector').where('selector', '=', t.selector).executeTakeFirst();
    if (exists) throw conflict('token selector in use');
    await this.modDb
      .insertInto('list_tokens')
      .values({
        selector: t.selector,
        verifier_hash: t.verifierHash,
        list_id: t.listId,
        kind: t.kind,
        address: lower(t.address),
        held_id: t.heldId ?? null,
        decision: t.decision,
        created_at: now(),
        expires_at: t.expiresAt,
      } as never)
      .execute();
  }

  async getListToken(selector: string, at: number): Promise<ListToken | null> {
    const row = await this.modDb
      .selectFrom('list_tokens')
      .selectAll()
      .where('selector', '=', selector)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async consumeListToken(selector: string, at: number): Promise<ListToken | null> {
    return this.write(async ({ trx }) => {
      const t = trx as unknown as ListDb;
      const row = await t.deleteFrom('list_tokens').where('selector', '=', selector).returningAll().executeTakeFirst();
      if (!row) return null;
      await t.deleteFrom('list_tokens').where('decision', '=', row.decision).execute();
      return Number(row.expires_at) > at ? toToken(row) : null;
    });
  }

  async countListTokens(address: string, since: number): Promise<number> {
    const r = await this.modDb
      .selectFrom('list_tokens')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('address', '=', lower(address))
      .where('created_at', '>=', since)
      .where('kind', 'in', ['subscribe', 'unsubscribe', 'notice'])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async holdListPost(p: { listId: number; mailFrom: string; subject: string; bytes: Uint8Array; expiresAt: number }): Promise<HeldPost> {
    return this.write(async ({ trx }) => {
      const t = trx as unknown as ListDb;
      if (!(await t.selectFrom('lists').select('id').where('id', '=', p.listId).executeTakeFirst())) throw notFound('list');
      const row = await t
        .insertInto('list_held')
        .values({
          list_id: p.listId,
          mail_from: p.mailFrom,
          subject: p.subject,
          bytes: Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength),
          created_at: now(),
          expires_at: p.expiresAt,
        } as never)
        .returning(['id', 'list_id', 'mail_from', 'subject', 'created_at', 'expires_at'])
        .executeTakeFirstOrThrow();
      return toHeld({ ...row, size: p.bytes.byteLength });
    });
  }

  async listHeldPosts(listId: number, at: number): Promise<HeldPost[]> {
    const rows = await this.modDb
      .selectFrom('list_held')
      .select(['id', 'list_id', 'mail_from', 'subject', 'created_at', 'expires_at'])
      .select((eb) => eb.fn<number | string>('length', ['bytes']).as('size'))
      .where('list_id', '=', listId)
      .where('expires_at', '>', at)
      .orderBy('id')
      .execute();
    return rows.map(toHeld);
  }

  async takeHeldPost(listId: number, id: number, at: number): Promise<(HeldPost & { bytes: Buffer }) | null> {
    return this.write(async ({ trx }) => {
      const t = trx as unknown as ListDb;
      const row = await t.deleteFrom('list_held').where('id', '=', id).where('list_id', '=', listId).returningAll().executeTakeFirst();
      if (!row) return null;
      await t.deleteFrom('list_tokens').where('held_id', '=', id).execute();
      if (Number(row.expires_at) <= at) return null;
      const bytes = Buffer.from(row.bytes);
      return { ...toHeld({ ...row, size: bytes.length }), bytes };
    });
  }

  async purgeExpiredListItems(at: number): Promise<{ tokens: number; held: number }> {
    return this.write(async ({ trx }) => {
      const t = trx as unknown as ListDb;
      const held = await t.deleteFrom('list_held').where('expires_at', '<=', at).executeTakeFirst();
      const tokens = await t.deleteFrom('list_tokens').where('expires_at', '<=', at).executeTakeFirst();
      return { tokens: Number(tokens.numDeletedRows), held: Number(held.numDeletedRows) };
    });
  }
}
