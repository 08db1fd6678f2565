// The answer of the store's change feed (Store.changesSince), in a file of its own so that the
// MailStore contract (mail-store.ts, STORE's `changes`) names it without importing store.ts.
import type { Item, Tombstone } from '../model/types.js';

export interface Changes {
  /** Items created or changed after the given modseq, in modseq order. */
  changed: Item[];
  deleted: Tombstone[];
  /** The highest modseq covered: pass it to the next call. */
  modseq: number;
  /** True when `limit` cut the answer short; call again from `modseq`. */
  more: boolean;
}
