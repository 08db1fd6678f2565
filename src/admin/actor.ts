/**
 * Who makes an administrative change, and the audit record every change leaves: who, from where,
 * when (the store stamps it), what, and the resource before and after.
 */
import type { Store } from '../store/store.js';

/** The audit target naming an account (users, groups and resources alike). */
export const accountTarget = (email: string) => `account:${email}`;

export interface AdminActor {
  /** An administrator's address, `apikey:KEYID (EMAIL)`, or `cli:USER`. */
  actor: string;
  /** An IP address, or 'cli'. */
  source: string | null;
}

/** Appends the audit event of one change; `before`/`after` are the resource's public views (null when created/deleted). */
export async function auditChange(
  store: Store,
  by: AdminActor,
  action: string,
  target: string,
  before: unknown,
  after: unknown,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await store.audit({
    actor: by.actor,
    source: by.source,
    action,
    target,
    detail: { ...extra, before: before ?? null, after: after ?? null },
  });
}
