/**
 * What a stored PIM item is, once for every protocol: the one function from iCalendar or vCard
 * text to the item's stored fields (DESIGN "The shared PIM store": the object as the client sent
 * it, plus indexed columns), the one content-type table and the one ETag format. ActiveSync,
 * CalDAV/CardDAV and scheduling delivery all store through here, so an event written by a phone
 * and one written by a calendar client carry the same columns.
 *
 * Throws PimParseError (src/pim/errors.ts) for text that is not one valid object
 * (RFC 4791 §5.3.2.1 valid-calendar-data, RFC 6352 §6.3.2.1 valid-address-data).
 */
import type { FolderKind, Item } from '../model/types.js';
import { extractCalendarFields, extractContactFields } from './extract.js';
import type { ComponentType } from './parse.js';

/** Content types of stored objects (RFC 5545 §8.1, RFC 6350 §10.1; files: RFC 2046 §4.5.1). */
export const CONTENT_TYPE = {
  calendar: 'text/calendar; charset=utf-8',
  vcard: 'text/vcard; charset=utf-8',
  binary: 'application/octet-stream',
} as const;

/**
 * The content type of a stored calendar object: with the `component` parameter (RFC 4791 §5.3.2:
 * a client may see which component a resource holds without reading it).
 */
export const calendarContentType = (component: ComponentType): string => `${CONTENT_TYPE.calendar}; component=${component.toLowerCase()}`;

/** What an item of a folder of this kind is served as when it has no content type of its own. */
export function defaultContentType(kind: FolderKind): string {
  if (kind === 'calendar' || kind === 'tasks') return CONTENT_TYPE.calendar;
  if (kind === 'contacts') return CONTENT_TYPE.vcard;
  return CONTENT_TYPE.binary;
}

/** The content type an item is served with: its own, else its folder kind's default. */
export const contentTypeOf = (item: Pick<Item, 'contentType'>, kind: FolderKind): string => item.contentType ?? defaultContentType(kind);

/** The stored fields of a PIM object (spread into createItem or updateItem). */
export interface PimItemFields {
  uid: string;
  content: string;
  contentType: string;
  /** Bytes of the stored text (UTF-8). */
  size: number;
  componentType: ComponentType | 'VCARD';
  summary: string | null;
  startAt: number | null;
  endAt: number | null;
  recurring: boolean;
}

/** An iCalendar object (VEVENT, VTODO or VJOURNAL) as stored. */
export function calendarItemFields(text: string): PimItemFields & { componentType: ComponentType } {
  const f = extractCalendarFields(text);
  return {
    uid: f.uid,
    content: text,
    contentType: calendarContentType(f.componentType),
    size: Buffer.byteLength(text),
    componentType: f.componentType,
    summary: f.summary,
    startAt: f.startAt,
    endAt: f.endAt,
    recurring: f.recurring,
  };
}

/** A vCard (3.0 or 4.0) as stored. */
export function contactItemFields(text: string): PimItemFields & { componentType: 'VCARD' } {
  const card = extractContactFields(text);
  return {
    uid: card.uid,
    content: text,
    contentType: CONTENT_TYPE.vcard,
    size: Buffer.byteLength(text),
    componentType: 'VCARD',
    summary: card.fullName,
    startAt: null,
    endAt: null,
    recurring: false,
  };
}
