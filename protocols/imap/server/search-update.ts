// One live SEARCH or SORT result (RFC 5267 §4), as the session keeps it; search-context.ts
// maintains them. Apart from it so that the session's type does not depend on that module.
import type { SearchKey } from '../codec/index.js';
import type { SelectedMailbox } from './selected.js';
import type { SortCriterion } from './sort/sort-keys.js';

export interface SearchUpdate {
  tag: string;
  uid: boolean;
  key: SearchKey;
  /** Set for SORT: the result is ordered. */
  criteria?: SortCriterion[];
  /** The selection the update belongs to: another SELECT ends it. */
  sel: SelectedMailbox;
  /** UIDs in the result as last told to the client, in result order. */
  result: number[];
  /** The view (modseq, messages) the result was computed on: unchanged, no search is needed. */
  view?: string;
}
