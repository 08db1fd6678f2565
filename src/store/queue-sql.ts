import { sql } from 'kysely';
import { StoreError } from './errors.js';
import { MailContentStore } from './mail-sql.js';
import type { QueueMessageRow, QueueRecipientRow } from './queue-schema.js';
import type { NewQueuedMessage, QueueAttempt, QueuedMessage, QueueRecipientState, QueueStore } from './queue-store.js';

const OPEN: QueueRecipientState[] = ['pending', 'deferred'];

/** Decimal ids only: anything else names no message (and never reaches SQL as a bad bigint). */
const idOf = (id: string): number | null => (/^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : null);

function toQueued(m: QueueMessageRow, rcpts: QueueRecipientRow[]): QueuedMessage {
  return {
    id: String(m.id),
    mailFrom: m.mail_from,
    blobHash: m.blob_hash,
    size: Number(m.size),
    submittedBy: m.submitted_by,
    dsn: m.dsn,
    createdAt: Number(m.created_at),
    expiresAt: Number(m.expires_at),
    nextAttemptAt: Number(m.next_attempt_at),
    attempts: Number(m.attempts),
    warnedAt: m.warned_at == null ? null : Number(m.warned_at),
    leaseOwner: m.lease_owner,
    leaseUntil: m.lease_until == null ? null : Number(m.lease_until),
    recipients: rcpts.map((r) => ({
      address: r.address,
      state: r.state as QueueRecipientState,
      attempts: Number(r.attempts),
      lastError: r.last_error,
      updatedAt: Number(r.updated_at),
    })),
  };
}

/** The outbound queue (queue-store.ts is the contract) over the SQL store, both dialects. */
export abstract class QueueSqlStore extends MailContentStore implements QueueStore {
  private async withRecipients(rows: QueueMessageRow[]): Promise<QueuedMessage[]> {
    if (rows.length === 0) return [];
    const rcpts = await this.db
      .selectFrom('queue_recipients')
      .selectAll()
      .where(
        'message_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('message_id')
      .orderBy('address')
      .execute();
    const by = new Map<number, QueueRecipientRow[]>();
    for (const r of rcpts) by.set(Number(r.message_id), [...(by.get(Number(r.message_id)) ?? []), r]);
    return rows.map((m) => toQueued(m, by.get(Number(m.id)) ?? []));
  }

  async enqueueMessage(m: NewQueuedMessage): Promise<QueuedMessage> {
    // The first spelling of an address is kept (RFC 5321 §2.4: the remote decides about case).
    const unique = new Map<string, string>();
    for (const r of m.recipients.map((a) => a.trim()).filter(Boolean)) if (!unique.has(r.toLowerCase())) unique.set(r.toLowerCase(), r);
    const recipients = [...unique.values()];
    if (recipients.length === 0) throw new StoreError('Invalid', 'a queued message needs at least one recipient');
    const id = await this.write(async ({ trx }) => {
      const row = await trx
        .insertInto('queue_messages')
        .values({
          mail_from: m.mailFrom,
          blob_hash: m.blobHash,
          size: m.size,
          submitted_by: m.submittedBy ?? null,
          dsn: m.dsn ?? null,
          created_at: m.now,
          expires_at: m.expiresAt,
          next_attempt_at: m.now,
          attempts: 0,
          warned_at: null,
          lease_owner: null,
          lease_until: null,
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('queue_recipients')
        .values(
          recipients.map((address) => ({
            message_id: row.id,
            address,
            state: 'pending',
            attempts: 0,
            last_error: null,
            updated_at: m.now,
          })),
        )
        .execute();
      return Number(row.id);
    });
    return (await this.getQueuedMessage(String(id)))!;
  }

  async claimQueuedMessages(owner: string, now: number, leaseMs: number, limit: number): Promise<QueuedMessage[]> {
    const free = (q: any) =>
      q.where('next_attempt_at', '<=', now).where((eb: any) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
    const due = free(this.db.selectFrom('queue_messages').select('id')).orderBy('next_attempt_at').orderBy('id').limit(limit);
    // PostgreSQL: rows another worker is claiming right now are skipped, not waited for; the
    // outer conditions are re-checked on the locked row, so a lease taken meanwhile excludes it.
    // SQLite: the single UPDATE runs under the database's one write lock.
    const rows = (await free(
      this.db
        .updateTable('queue_messages')
        .set({ lease_owner: owner, lease_until: now + leaseMs })
        .where('id', 'in', this.dialect === 'postgres' ? due.forUpdate().skipLocked() : due),
    )
      .returningAll()
      .execute()) as QueueMessageRow[];
    rows.sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at) || Number(a.id) - Number(b.id));
    return this.withRecipients(rows);
  }

  async completeQueueAttempt(id: string, owner: string, a: QueueAttempt): Promise<'done' | 'kept' | 'lost'> {
    const n = idOf(id);
    if (n === null) return 'lost';
    return this.write(async (scope) => {
      const { trx } = scope;
      const m = await trx
        .updateTable('queue_messages')
        .set({
          attempts: sql`attempts + 1`,
          next_attempt_at: a.nextAttemptAt,
          lease_owner: null,
          lease_until: null,
          ...(a.warnedAt !== undefined ? { warned_at: a.warnedAt } : {}),
        })
        .where('id', '=', n)
        .where('lease_owner', '=', owner)
        .returning('blob_hash')
        .executeTakeFirst();
      if (!m) return 'lost';
      for (const r of a.recipients) {
        await trx
          .updateTable('queue_recipients')
          .set({ state: r.state, last_error: r.lastError, attempts: sql`attempts + 1`, updated_at: a.now })
          .where('message_id', '=', n)
          .where('address', '=', r.address)
          .execute();
      }
      const open = await trx
        .selectFrom('queue_recipients')
        .select('address')
        .where('message_id', '=', n)
        .where('state', 'in', OPEN)
        .limit(1)
        .executeTakeFirst();
      if (open) return 'kept';
      await trx.deleteFrom('queue_recipients').where('message_id', '=', n).execute();
      await trx.deleteFrom('queue_messages').where('id', '=', n).execute();
      await this.releaseBlobIn(scope, m.blob_hash);
      return 'done';
    });
  }

  async listQueue(): Promise<QueuedMessage[]> {
    return this.withRecipients(await this.db.selectFrom('queue_messages').selectAll().orderBy('id').execute());
  }

  async getQueuedMessage(id: string): Promise<QueuedMessage | null> {
    const n = idOf(id);
    if (n === null) return null;
    const row = await this.db.selectFrom('queue_messages').selectAll().where('id', '=', n).executeTakeFirst();
    return row ? (await this.withRecipients([row]))[0] : null;
  }

  async retryQueuedMessage(id: string, now: number): Promise<boolean> {
    const n = idOf(id);
    if (n === null) return false;
    const r = await this.db.updateTable('queue_messages').set({ next_attempt_at: now }).where('id', '=', n).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteQueuedMessage(id: string): Promise<boolean> {
    const n = idOf(id);
    if (n === null) return false;
    return this.write(async (scope) => {
      const m = await scope.trx.deleteFrom('queue_messages').where('id', '=', n).returning('blob_hash').executeTakeFirst();
      if (!m) return false;
      await scope.trx.deleteFrom('queue_recipients').where('message_id', '=', n).execute();
      await this.releaseBlobIn(scope, m.blob_hash);
      return true;
    });
  }

  async queueStats(): Promise<{ messages: number; recipients: number }> {
    const m = await this.db
      .selectFrom('queue_messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const r = await this.db
      .selectFrom('queue_recipients')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', 'in', OPEN)
      .executeTakeFirstOrThrow();
    return { messages: Number(m.n), recipients: Number(r.n) };
  }
}
