/** What the list engine needs from its caller (src/server/list-delivery.ts, the CLI, later the API). */
import type { Store } from '../../store/store.js';
import type { Outbound } from '../outbound.js';
import type { OneClick } from './one-click.js';

export interface ListLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ListDeps {
  store: Store;
  outbound: Outbound;
  log: ListLog;
  now: () => number;
  /** One-click unsubscribe links (RFC 8058) for members elsewhere; none without a public URL. */
  oneClick?: OneClick;
}

/** How long a subscriber has to confirm, and a moderator to decide on a subscription. */
export const CONFIRM_TTL_MS = 3 * 24 * 3_600_000;
/** How long a held post waits for a moderator before it is dropped. */
export const HELD_TTL_MS = 14 * 24 * 3_600_000;
/** Confirmation requests one address may be sent per day, over all lists (no subscription bombing). */
export const CONFIRMATIONS_PER_DAY = 3;
