/**
 * The outbound queue as administrators see and change it, for the CLI (`hearth queue
 * list|retry|delete`, CONTRACT.md) and the admin API. A queued message belongs to the domain of
 * the account that submitted it, or else of its sender address; a bounce of nobody's (the null
 * sender, no submitter) belongs to no domain and only server roles see it. Retry and delete are
 * audited with target `queue:ID` (`queue:ID@DOMAIN` when the message has a domain, so that the
 * domain's administrators find the event in their audit log).
 */
import type { Store } from '../store/store.js';
import type { QueuedMessage, QueueRecipientState } from '../store/queue-store.js';
import { StoreError } from '../store/errors.js';
import { auditChange, type AdminActor } from './actor.js';

/** The id of the domain the message belongs to, or null. */
export async function queueDomainId(store: Store, m: QueuedMessage): Promise<number | null> {
  const domainOf = async (address: string | null) => {
    const name = address?.split('@')[1]?.toLowerCase();
    return name ? ((await store.getDomain(name))?.id ?? null) : null;
  };
  if (m.submittedBy) {
    const account = await store.getAccount(m.submittedBy.toLowerCase());
    if (account) return account.domainId;
  }
  return domainOf(m.mailFrom || null);
}

/** The public view of a queued message: the envelope and each recipient's state, never the bytes. */
export const queueView = (m: QueuedMessage) => ({
  id: m.id,
  mailFrom: m.mailFrom,
  submittedBy: m.submittedBy,
  size: m.size,
  attempts: m.attempts,
  createdAt: new Date(m.createdAt).toISOString(),
  nextAttemptAt: new Date(m.nextAttemptAt).toISOString(),
  expiresAt: new Date(m.expiresAt).toISOString(),
  recipients: m.recipients.map((r) => ({
    address: r.address,
    state: r.state,
    attempts: r.attempts,
    lastError: r.lastError,
    updatedAt: new Date(r.updatedAt).toISOString(),
  })),
});
export type QueueView = ReturnType<typeof queueView>;

export interface QueueFilter {
  /** Only messages of these domains; undefined for every message (server roles, the CLI). */
  domainIds?: number[];
  /** Only messages with a recipient in this state. */
  state?: QueueRecipientState;
  /** Substring of the sender or of a recipient address. */
  q?: string;
}

/** Queued messages that pass the filter, by id. */
export async function listQueue(store: Store, f: QueueFilter = {}): Promise<QueuedMessage[]> {
  const q = f.q?.toLowerCase();
  const out: QueuedMessage[] = [];
  for (const m of await store.listQueue()) {
    if (f.state && !m.recipients.some((r) => r.state === f.state)) continue;
    if (q && !m.mailFrom.toLowerCase().includes(q) && !m.recipients.some((r) => r.address.toLowerCase().includes(q))) continue;
    if (f.domainIds) {
      const d = await queueDomainId(store, m);
      if (d === null || !f.domainIds.includes(d)) continue;
    }
    out.push(m);
  }
  return out;
}

async function target(store: Store, m: QueuedMessage): Promise<string> {
  const id = await queueDomainId(store, m);
  const d = id === null ? null : await store.getDomain(id);
  return d ? `queue:${m.id}@${d.name}` : `queue:${m.id}`;
}

/** Makes the message due now (`hearth queue retry`); NotFound when it left the queue. */
export async function retryQueued(store: Store, by: AdminActor, id: string, now: number): Promise<QueuedMessage> {
  const m = await store.getQueuedMessage(id);
  if (!m || !(await store.retryQueuedMessage(id, now))) throw new StoreError('NotFound', 'queued message not found');
  const after = (await store.getQueuedMessage(id)) ?? m;
  await auditChange(store, by, 'queue.retry', await target(store, m), { nextAttemptAt: new Date(m.nextAttemptAt).toISOString() }, { nextAttemptAt: new Date(after.nextAttemptAt).toISOString() });
  return after;
}

/** Removes the message without delivering it, no bounce sent (`hearth queue delete`). */
export async function deleteQueued(store: Store, by: AdminActor, id: string): Promise<void> {
  const m = await store.getQueuedMessage(id);
  const t = m && (await target(store, m));
  if (!m || !(await store.deleteQueuedMessage(id))) throw new StoreError('NotFound', 'queued message not found');
  await auditChange(store, by, 'queue.delete', t!, { from: m.mailFrom, recipients: m.recipients.map((r) => `${r.address}:${r.state}`) }, null);
}
