/**
 * Which REPORTs each kind of resource supports: the one table that DAV:supported-report-set
 * (RFC 3253 §3.1.5) is rendered from and that reports/index.ts must cover with a handler
 * (test/protocols/dav/properties.test.ts). Kept apart from the handlers so that the property
 * definitions can read it without importing every report (which import the property engine).
 * Order is the order of the property's value.
 */
import type { Res } from '../resolve.js';
import { NS, clark } from '../xml/names.js';

const calendar = (r: Res) => r.kind === 'collection' && r.area === 'calendars';
// RFC 6638 §2.2: the scheduling inbox holds calendar object resources; clients sync and multiget it.
const inbox = (r: Res) => r.kind === 'schedule' && r.box === 'inbox';
const addressbook = (r: Res) => (r.kind === 'collection' && r.area === 'addressbooks') || r.kind === 'gal';
const anyCollection = (r: Res) => r.kind === 'collection' || r.kind === 'gal' || inbox(r);
const everywhere = () => true;

export const REPORT_SCOPES: ReadonlyArray<{ name: string; on: (r: Res) => boolean }> = [
  { name: clark(NS.CALDAV, 'calendar-query'), on: calendar }, // RFC 4791 §7.8
  { name: clark(NS.CALDAV, 'calendar-multiget'), on: (r) => calendar(r) || inbox(r) }, // RFC 4791 §7.9
  { name: clark(NS.CALDAV, 'free-busy-query'), on: calendar }, // RFC 4791 §7.10
  { name: clark(NS.CARDDAV, 'addressbook-query'), on: addressbook }, // RFC 6352 §8.6
  { name: clark(NS.CARDDAV, 'addressbook-multiget'), on: addressbook }, // RFC 6352 §8.7
  { name: clark(NS.DAV, 'sync-collection'), on: anyCollection }, // RFC 6578 §3
  { name: clark(NS.DAV, 'expand-property'), on: everywhere }, // RFC 3253 §3.8
  { name: clark(NS.DAV, 'principal-property-search'), on: everywhere }, // RFC 3744 §9.4
  { name: clark(NS.DAV, 'principal-search-property-set'), on: everywhere }, // RFC 3744 §9.5
];

/** The clark names of the reports `r` supports, in table order. */
export function supportedReportNames(r: Res): string[] {
  return REPORT_SCOPES.filter((s) => s.on(r)).map((s) => s.name);
}
