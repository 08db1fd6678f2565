/**
 * The one text -> stored item function (src/pim/item.ts): the columns both ActiveSync and DAV
 * store, the content-type table, and the refusal of text that is not one valid object.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  calendarContentType,
  calendarItemFields,
  contactItemFields,
  contentTypeOf,
  CONTENT_TYPE,
  defaultContentType,
} from '../../../src/pim/item.js';
import { PimParseError } from '../../../src/pim/errors.js';

const CRLF = (lines: string[]) => lines.join('\r\n') + '\r\n';
const EVENT = CRLF([
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//t//EN',
  'BEGIN:VEVENT',
  'UID:ev-1',
  'DTSTAMP:20260101T000000Z',
  'DTSTART:20260210T100000Z',
  'DTEND:20260210T110000Z',
  'SUMMARY:Café',
  'RRULE:FREQ=DAILY;COUNT=3',
  'END:VEVENT',
  'END:VCALENDAR',
]);
const TODO = CRLF([
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//t//EN',
  'BEGIN:VTODO',
  'UID:td-1',
  'DTSTAMP:20260101T000000Z',
  'DUE:20260301T090000Z',
  'SUMMARY:Pay',
  'END:VTODO',
  'END:VCALENDAR',
]);
const CARD = CRLF(['BEGIN:VCARD', 'VERSION:3.0', 'UID:c-1', 'FN:Zoë Example', 'N:Example;Zoë;;;', 'EMAIL:z@example.com', 'END:VCARD']);

describe('PIM item fields', () => {
  it('an event: uid, component, summary, span of all instances, recurring, byte size, typed content', () => {
    const f = calendarItemFields(EVENT);
    assert.deepEqual(f, {
      uid: 'ev-1',
      content: EVENT,
      contentType: 'text/calendar; charset=utf-8; component=vevent',
      size: Buffer.byteLength(EVENT),
      componentType: 'VEVENT',
      summary: 'Café',
      startAt: Date.UTC(2026, 1, 10, 10),
      endAt: Date.UTC(2026, 1, 12, 11),
      recurring: true,
    });
    assert.notEqual(f.size, EVENT.length, 'size counts UTF-8 bytes, not characters');
  });

  it('a task is indexed by its DUE and typed component=vtodo', () => {
    const f = calendarItemFields(TODO);
    assert.equal(f.componentType, 'VTODO');
    assert.equal(f.contentType, calendarContentType('VTODO'));
    assert.equal(f.startAt, Date.UTC(2026, 2, 1, 9));
  });

  it('a vCard: uid, full name as summary, no dates', () => {
    assert.deepEqual(contactItemFields(CARD), {
      uid: 'c-1',
      content: CARD,
      contentType: CONTENT_TYPE.vcard,
      size: Buffer.byteLength(CARD),
      componentType: 'VCARD',
      summary: 'Zoë Example',
      startAt: null,
      endAt: null,
      recurring: false,
    });
  });

  it('refuses text that is not one valid object with PimParseError', () => {
    assert.throws(() => calendarItemFields('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'), PimParseError);
    assert.throws(() => contactItemFields(CARD.replace('UID:c-1\r\n', '')), PimParseError);
    assert.throws(() => contactItemFields(CARD.replace('VERSION:3.0', 'VERSION:2.1')), PimParseError);
  });

  it('one content-type table: an item keeps its own type, else its folder kind decides', () => {
    assert.equal(defaultContentType('calendar'), CONTENT_TYPE.calendar);
    assert.equal(defaultContentType('tasks'), CONTENT_TYPE.calendar);
    assert.equal(defaultContentType('contacts'), CONTENT_TYPE.vcard);
    assert.equal(defaultContentType('files'), CONTENT_TYPE.binary);
    assert.equal(contentTypeOf({ contentType: null }, 'contacts'), CONTENT_TYPE.vcard);
    assert.equal(contentTypeOf({ contentType: 'image/png' }, 'files'), 'image/png');
  });
});
