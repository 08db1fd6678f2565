/**
 * What one ActiveSync request may carry, checked at the protocol boundary before the work it
 * bounds: the body per command (before any byte is read, issue 8.1), and the fields and items of
 * a Sync (before conversion, issue 8.2). The values are what real clients send with room to spare
 * (an iPhone's contact photo is under 1 MiB; Outlook mobile caps a body at a few MiB).
 * Documented in docs/security.md, "ActiveSync".
 */
import type { Domain } from '../../src/model/types.js';

export interface ActiveSyncLimits {
  /** Body of every command that does not carry items (FolderSync, Ping, Settings ...), bytes. */
  commandBodyBytes: number;
  /** Body of a 'message' command (Sync ...) when the domain sets no maximum message size, bytes. */
  syncBodyBytes: number;
  /** Added to the domain's maximum message size for a 'message' command (WBXML framing, other items). */
  syncOverheadBytes: number;
  /** One text field of an item (names, addresses, subject, location ...), UTF-8 bytes. */
  fieldBytes: number;
  /** The body (AirSyncBase:Data, Notes) or picture of one item, bytes. */
  bodyFieldBytes: number;
  /** One item's ApplicationData, all text summed, bytes. */
  itemBytes: number;
  /** Elements in one item's ApplicationData (attendees, exceptions, categories ...). */
  itemElements: number;
  /** Elements in one decoded request. */
  requestElements: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULT_LIMITS: Readonly<ActiveSyncLimits> = Object.freeze({
  commandBodyBytes: 1 * MiB,
  syncBodyBytes: 16 * MiB,
  syncOverheadBytes: 1 * MiB,
  fieldBytes: 32 * KiB,
  bodyFieldBytes: 2 * MiB,
  itemBytes: 3 * MiB,
  itemElements: 5_000,
  requestElements: 200_000,
});

/**
 * Which body budget a command has: 'command' (small requests), or 'message' for those that carry
 * items or messages (Sync; SendMail, SmartReply and SmartForward when they come): the domain's
 * maximum message size plus overhead.
 */
export type BodyBudget = 'command' | 'message';

/** The most body bytes a command may send for this domain. */
export function bodyLimitFor(budget: BodyBudget, domain: Pick<Domain, 'maxMessageSize'>, limits: ActiveSyncLimits): number {
  if (budget === 'command') return limits.commandBodyBytes;
  if (domain.maxMessageSize && domain.maxMessageSize > 0) return domain.maxMessageSize + limits.syncOverheadBytes;
  return limits.syncBodyBytes;
}

/** An HTTP error fastify's error handler turns into its status (413 here). */
export class BodyTooLarge extends Error {
  readonly statusCode = 413;
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}
