import type { ChangeEvent } from '../model/types.js';
import type { ChangeListener } from './store.js';
import type { ChangeBus } from './sql-store.js';

/** Listeners per account; delivery is synchronous after commit. */
export class ListenerRegistry {
  private readonly byAccount = new Map<number, Set<ChangeListener>>();

  add(accountId: number, listener: ChangeListener): () => void {
    let set = this.byAccount.get(accountId);
    if (!set) this.byAccount.set(accountId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0 && this.byAccount.get(accountId) === set) this.byAccount.delete(accountId);
    };
  }

  deliver(event: ChangeEvent): void {
    const set = this.byAccount.get(event.accountId);
    if (!set) return;
    for (const l of [...set]) {
      try { l(event); } catch { /* a listener must not break the writer */ }
    }
  }

  get size(): number { return this.byAccount.size; }
}

/** The SQLite bus: one process owns the database for serving, so delivery is in-process. */
export class LocalBus implements ChangeBus {
  private readonly listeners = new ListenerRegistry();
  async inTransaction(): Promise<void> {}
  committed(events: ChangeEvent[]): void { for (const e of events) this.listeners.deliver(e); }
  subscribe(accountId: number, listener: ChangeListener): () => void { return this.listeners.add(accountId, listener); }
  async close(): Promise<void> {}
}
