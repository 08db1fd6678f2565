/**
 * ActiveSync item classes over the store, as data: which folder kind holds them, which stored
 * component they are, how a stored object becomes ApplicationData and back, what the store's
 * indexed fields are, and how FilterType applies ([MS-ASCMD] 2.2.3.68.2).
 *
 * Stored objects are what CalDAV/CardDAV serve: contacts are vCards (`<uid>.vcf`), events VEVENT,
 * tasks VTODO and notes VJOURNAL iCalendar objects (`<uid>.ics`), with the content types and
 * extracted fields that protocols/dav/methods/put.ts writes, so that either protocol reads what the
 * other wrote.
 */
import type { FolderKind, Item } from '../../../src/model/types.js';
import type { ItemPatch } from '../../../src/store/store.js';
import { calendarItemFields, contactItemFields } from '../../../src/pim/item.js';
import type { WbxmlElement } from '../wbxml/types.js';
import { easContactToVCard, vcardToEasContact } from '../convert/contact.js';
import { easEventToICal, icalToEasEvent } from '../convert/calendar.js';
import { easTaskToICal, icalToEasTask } from '../convert/task.js';
import { easNoteToICal, icalToEasNote } from '../convert/note.js';
import type { ConvertOptions } from '../convert/util.js';
import { encodable } from './encodable.js';

export type ClassName = 'Contacts' | 'Calendar' | 'Tasks' | 'Notes' | 'Email';

export interface ItemClass {
  name: ClassName;
  kind: FolderKind;
  /** Item.componentType of the objects this class syncs (others in the folder are not shown). */
  componentType: 'VCARD' | 'VEVENT' | 'VTODO' | 'VJOURNAL' | 'MESSAGE';
  extension: '.vcf' | '.ics' | '.eml';
  /** Stored object -> ApplicationData children. Throws PimParseError. */
  toEas(content: string, opts: ConvertOptions): WbxmlElement[];
  /** ApplicationData -> stored object; with `existing` a patch of it. Throws PimParseError. */
  fromEas(appData: WbxmlElement[], existing: string | undefined, opts: ConvertOptions): string;
  /** Indexed fields and content type of a stored object (what a DAV PUT stores). */
  fields(content: string): ItemPatch & { uid: string };
  /** Whether the item is inside the FilterType window; `now` in ms. */
  inFilter(item: Item, filterType: number, now: number): boolean;
  /**
   * A window that moves with time (calendar FilterType 4-7): items ending before this instant
   * have aged out. Rounded down to the hour, so that a device's state moves at most hourly.
   * Null when the filter does not age (all items, contacts, tasks, notes).
   */
  agingCutoff(filterType: number, now: number): number | null;
  /**
   * The first instant at which time alone takes the item out of the window, as the enumeration
   * finds it from a state that looked for aging up to `agedTo`; null when it never ages.
   */
  agesOutAt(item: Item, filterType: number, agedTo?: number): number | null;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** [MS-ASCMD] 2.2.3.68.2 FilterType for calendars: how far back, in days (0 = everything). */
const CALENDAR_BACK_DAYS: Record<number, number> = { 4: 14, 5: 31, 6: 92, 7: 183 };
/** [MS-ASCMD] 2.2.3.68.2 FilterType for email: how far back, in days, by the date received. */
const EMAIL_BACK_DAYS: Record<number, number> = { 1: 1, 2: 3, 3: 7, 4: 14, 5: 31 };
/** Task FilterType 8: incomplete tasks only. */
export const FILTER_INCOMPLETE_TASKS = 8;

/** RFC 5545 §3.8.1.11 STATUS:COMPLETED or a COMPLETED date on the VTODO. */
export function taskCompleted(content: string | null): boolean {
  if (!content) return false;
  return /(^|\n)STATUS:COMPLETED\r?$/im.test(content) || /(^|\n)COMPLETED[;:]/i.test(content);
}

const CONVERTERS: Record<ClassName, ItemClass> = {
  Contacts: {
    name: 'Contacts', kind: 'contacts', componentType: 'VCARD', extension: '.vcf',
    toEas: (content, opts) => vcardToEasContact(content, opts),
    fromEas: (appData, existing, opts) => easContactToVCard(appData, existing, { supported: opts.supported }),
    fields: contactItemFields,
    inFilter: () => true,
    agingCutoff: () => null,
    agesOutAt: () => null,
  },
  Calendar: {
    name: 'Calendar', kind: 'calendar', componentType: 'VEVENT', extension: '.ics',
    toEas: (content, opts) => icalToEasEvent(content, opts),
    fromEas: (appData, existing, opts) => easEventToICal(appData, existing, opts),
    fields: calendarItemFields,
    inFilter(item, filterType, now) {
      const days = CALENDAR_BACK_DAYS[filterType];
      if (days === undefined) return true;
      // endAt is the end of the last instance; null for an unbounded recurrence (always in).
      const end = item.endAt ?? (item.recurring ? null : item.startAt);
      return end === null || end >= now - days * DAY;
    },
    agingCutoff(filterType, now) {
      const days = CALENDAR_BACK_DAYS[filterType];
      return days === undefined ? null : Math.floor((now - days * DAY) / HOUR) * HOUR;
    },
    agesOutAt(item, filterType, agedTo) {
      const days = CALENDAR_BACK_DAYS[filterType];
      const end = item.endAt ?? (item.recurring ? null : item.startAt);
      if (days === undefined || end === null) return null;
      // Out of the window once now > end + window; found by the enumeration's scan once its hourly
      // cutoff passes the start and has moved past the state's agedTo (enumerateChanges).
      const found = Math.max(end + days * DAY + 1, (Math.floor((item.startAt ?? end) / HOUR) + 1) * HOUR + days * DAY);
      return agedTo === undefined ? found : Math.max(found, agedTo + HOUR + days * DAY);
    },
  },
  Tasks: {
    name: 'Tasks', kind: 'tasks', componentType: 'VTODO', extension: '.ics',
    toEas: (content, opts) => icalToEasTask(content, opts),
    fromEas: (appData, existing, opts) => easTaskToICal(appData, existing, opts),
    fields: calendarItemFields,
    inFilter: (item, filterType) => filterType !== FILTER_INCOMPLETE_TASKS || !taskCompleted(item.content),
    // A task completes by a write, which the enumeration sees (and SoftDeletes) like any change.
    agingCutoff: () => null,
    agesOutAt: () => null,
  },
  Notes: {
    name: 'Notes', kind: 'notes', componentType: 'VJOURNAL', extension: '.ics',
    toEas: (content, opts) => icalToEasNote(content, opts),
    fromEas: (appData, existing) => easNoteToICal(appData, existing),
    fields: calendarItemFields,
    inFilter: () => true,
    agingCutoff: () => null,
    agesOutAt: () => null,
  },
  // Mail is converted from the message store, asynchronously (sync/mail.ts): not by toEas/fromEas.
  Email: {
    name: 'Email', kind: 'mail', componentType: 'MESSAGE', extension: '.eml',
    toEas: () => { throw new Error('email is converted by sync/mail.ts'); },
    fromEas: () => { throw new Error('email is not written through Sync Add'); },
    fields: () => { throw new Error('email is not written through Sync Add'); },
    inFilter(item, filterType, now) {
      const days = EMAIL_BACK_DAYS[filterType];
      // Mail items keep their IMAP INTERNALDATE (the date received) in startAt.
      return days === undefined || (item.startAt ?? now) >= now - days * DAY;
    },
    // A received date only moves back out of the window; an item is dropped when it next changes.
    agingCutoff: () => null,
    // A message leaves the FilterType window when it next changes (docs/protocols/activesync.md gaps).
    agesOutAt: () => null,
  },
};

/** The classes, their output limited to what the codec can encode (see encodable.ts). */
export const ITEM_CLASSES = Object.fromEntries(Object.entries(CONVERTERS).map(([name, c]) => [name, {
  ...c,
  toEas: (content: string, opts: ConvertOptions) => encodable(c.toEas(content, opts)),
}])) as Record<ClassName, ItemClass>;

/** The class synced in a folder of this kind; null for files (not served by this engine). */
export function classForKind(kind: FolderKind): ItemClass | null {
  switch (kind) {
    case 'contacts': return ITEM_CLASSES.Contacts;
    case 'calendar': return ITEM_CLASSES.Calendar;
    case 'tasks': return ITEM_CLASSES.Tasks;
    case 'notes': return ITEM_CLASSES.Notes;
    case 'mail': return ITEM_CLASSES.Email;
    default: return null;
  }
}

/** Whether a stored item is an object of this class (a calendar folder may also hold VTODOs). */
export function isOfClass(cls: ItemClass, item: Pick<Item, 'componentType' | 'content' | 'imapUid' | 'blobHash'>): boolean {
  // A message of a mail folder has its IMAP UID; nothing else there is shown.
  if (cls.name === 'Email') return item.imapUid !== null && item.blobHash !== null;
  if (item.content === null) return false;
  if (item.componentType === null) return cls.componentType === 'VCARD' && /^BEGIN:VCARD/i.test(item.content.trimStart());
  return item.componentType.toUpperCase() === cls.componentType;
}

/**
 * A DAV-friendly resource name for a new object: `<uid>.ics` / `<uid>.vcf` when the UID is a safe
 * path segment, else the UID with unsafe characters replaced.
 */
export function resourceName(uid: string, cls: ItemClass, attempt = 0): string {
  let base = uid.replace(/^urn:uuid:/i, '').replace(/[^A-Za-z0-9._@+=-]/g, '_').replace(/^\.+/, '_').slice(0, 200);
  if (!base) base = 'item';
  return attempt === 0 ? `${base}${cls.extension}` : `${base}-${attempt}${cls.extension}`;
}
