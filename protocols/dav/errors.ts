/**
 * The one place where failures become HTTP statuses and DAV precondition elements
 * (RFC 4918 §16, RFC 4791 §1.3, RFC 6352 §6.3.2.1, RFC 6578 §3.2, RFC 4331 §6).
 * Clients never see internal messages.
 */
import { isStoreError } from '../../src/store/errors.js';
import { NS } from './xml/names.js';
import { documentRoot, el } from './xml/writer.js';

export interface Condition { ns: string; local: string; inner?: string }

export class DavError extends Error {
  constructor(readonly status: number, readonly condition?: Condition, message?: string) {
    super(message ?? `DAV ${status}`);
  }
}

const cond = (ns: string, local: string) => (inner?: string): Condition => ({ ns, local, inner });

/** Precondition and postcondition elements by name. */
export const C = {
  propfindFiniteDepth: cond(NS.DAV, 'propfind-finite-depth'),
  validSyncToken: cond(NS.DAV, 'valid-sync-token'),
  syncTraversalSupported: cond(NS.DAV, 'sync-traversal-supported'),
  numberOfMatchesWithinLimits: cond(NS.DAV, 'number-of-matches-within-limits'),
  lockTokenSubmitted: cond(NS.DAV, 'lock-token-submitted'),
  noConflictingLock: cond(NS.DAV, 'no-conflicting-lock'),
  lockTokenMatchesRequestUri: cond(NS.DAV, 'lock-token-matches-request-uri'),
  quotaNotExceeded: cond(NS.DAV, 'quota-not-exceeded'),
  resourceMustBeNull: cond(NS.DAV, 'resource-must-be-null'),
  validResourcetype: cond(NS.DAV, 'valid-resourcetype'),
  needPrivileges: cond(NS.DAV, 'need-privileges'),
  supportedReport: cond(NS.DAV, 'supported-report'),
  cannotModifyProtectedProperty: cond(NS.DAV, 'cannot-modify-protected-property'),
  validCalendarData: cond(NS.CALDAV, 'valid-calendar-data'),
  validCalendarObjectResource: cond(NS.CALDAV, 'valid-calendar-object-resource'),
  supportedCalendarComponent: cond(NS.CALDAV, 'supported-calendar-component'),
  supportedCalendarData: cond(NS.CALDAV, 'supported-calendar-data'),
  noUidConflict: cond(NS.CALDAV, 'no-uid-conflict'),
  maxResourceSize: cond(NS.CALDAV, 'max-resource-size'),
  calendarCollectionLocationOk: cond(NS.CALDAV, 'calendar-collection-location-ok'),
  supportedFilter: cond(NS.CALDAV, 'supported-filter'),
  validFilter: cond(NS.CALDAV, 'valid-filter'),
  validAddressData: cond(NS.CARDDAV, 'valid-address-data'),
  supportedAddressData: cond(NS.CARDDAV, 'supported-address-data'),
  noUidConflictCard: cond(NS.CARDDAV, 'no-uid-conflict'),
  maxResourceSizeCard: cond(NS.CARDDAV, 'max-resource-size'),
  addressbookCollectionLocationOk: cond(NS.CARDDAV, 'addressbook-collection-location-ok'),
};

export const notFound = () => new DavError(404);
export const forbidden = (c?: Condition) => new DavError(403, c);
export const badRequest = (message?: string) => new DavError(400, undefined, message);
export const conflict = (c?: Condition) => new DavError(409, c);
export const preconditionFailed = (c?: Condition) => new DavError(412, c);

/** Maps a thrown value to {status, body}; unknown errors are 500 and logged by the caller. */
export function toHttp(e: unknown): { status: number; body?: string; internal: boolean } {
  if (e instanceof DavError) {
    const body = e.condition ? documentRoot(NS.DAV, 'error', el(e.condition.ns, e.condition.local, e.condition.inner)) : undefined;
    return { status: e.status, body, internal: false };
  }
  if (isStoreError(e)) {
    switch (e.code) {
      case 'NotFound': return { status: 404, internal: false };
      case 'Conflict': return { status: 409, internal: false };
      case 'PreconditionFailed': return { status: 412, internal: false };
      case 'QuotaExceeded':
        return { status: 507, body: documentRoot(NS.DAV, 'error', el(NS.DAV, 'quota-not-exceeded')), internal: false };
      case 'LimitExceeded': return { status: 507, internal: false };
      case 'Invalid': return { status: 400, internal: false };
    }
  }
  return { status: 500, internal: true };
}
