/** Every REPORT we answer, by the clark name of its root element. */
import type { ReportHandler } from './report-handler.js';
import { NS, clark } from '../xml/names.js';
import { syncCollection } from './sync-collection.js';
import { expandProperty } from './expand-property.js';
import { principalPropertySearch, principalSearchPropertySet } from './principal-search.js';
import { calendarQuery } from '../caldav/reports/calendar-query.js';
import { calendarMultiget } from '../caldav/reports/calendar-multiget.js';
import { freeBusyQuery } from '../caldav/reports/free-busy-query.js';
import { addressbookQuery } from '../carddav/reports/addressbook-query.js';
import { addressbookMultiget } from '../carddav/reports/addressbook-multiget.js';

export const REPORTS: Record<string, ReportHandler> = {
  [clark(NS.DAV, 'sync-collection')]: syncCollection,
  [clark(NS.DAV, 'expand-property')]: expandProperty,
  [clark(NS.DAV, 'principal-property-search')]: principalPropertySearch,
  [clark(NS.DAV, 'principal-search-property-set')]: principalSearchPropertySet,
  [clark(NS.CALDAV, 'calendar-query')]: calendarQuery,
  [clark(NS.CALDAV, 'calendar-multiget')]: calendarMultiget,
  [clark(NS.CALDAV, 'free-busy-query')]: freeBusyQuery,
  [clark(NS.CARDDAV, 'addressbook-query')]: addressbookQuery,
  [clark(NS.CARDDAV, 'addressbook-multiget')]: addressbookMultiget,
};
