/**
 * Optional store capabilities: what only some backends do, each an interface with a type guard,
 * so that a caller asks `if (hasNotificationReadiness(store))` instead of probing for a method
 * (sabre/dav's optional backend interfaces, CONVENTIONS "The store").
 */
import type { Store } from './store.js';

/**
 * A store whose change notifications arrive over a connection that must be up before they are
 * delivered (PostgreSQL LISTEN). A waiter that subscribes and then expects a write of another node
 * to wake it awaits ready() first. Stores without it (SQLite: in-process) deliver at once.
 */
export interface NotificationReadiness {
  /** Resolves once this node receives change notifications (its own and other nodes'). */
  ready(): Promise<void>;
}

export function hasNotificationReadiness(store: Store): store is Store & NotificationReadiness {
  return typeof (store as Partial<NotificationReadiness>).ready === 'function';
}
