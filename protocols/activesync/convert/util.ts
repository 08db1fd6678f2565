/** Small shared helpers of the AirSync <-> iCalendar / vCard converters. */
import { PimParseError } from '../../../src/pim/errors.js';
import { el, type WbxmlElement } from '../wbxml/types.js';

export interface ConvertOptions {
  /** MS-ASProtocolVersion of the request: '12.1', '14.0', '14.1', '16.0', '16.1'. */
  protocolVersion: string;
  bodyPreference?: { type: number; truncationSize?: number };
  /** The account's address: decides MeetingStatus (organizer or attendee) and ResponseType. */
  userEmail?: string;
  /** IANA zone for floating times and all-day dates (the account's zone); UTC when absent. */
  timezone?: string;
  /**
   * [MS-ASCMD] 2.2.3.179 Supported: the Contacts / Calendar elements the client manages (local
   * names). Undefined: it sent none, so it manages every element. Elements it does not manage are
   * ghosted: a Change keeps their stored values (see ghost.ts).
   */
  supported?: readonly string[];
}

export const isV16 = (v: string): boolean => parseFloat(v) >= 16;

/** Text of the first child of `items` with this tag and namespace. */
export function get(items: WbxmlElement[], tag: string, ns?: string): string | undefined {
  const c = items.find((x) => x.tag === tag && (ns === undefined || x.ns === ns));
  if (!c) return undefined;
  if (c.text !== undefined) return c.text;
  if (c.opaque !== undefined) return Buffer.from(c.opaque).toString('utf8');
  return c.children.length === 0 ? '' : undefined;
}

export function find(items: WbxmlElement[], tag: string, ns?: string): WbxmlElement | undefined {
  return items.find((x) => x.tag === tag && (ns === undefined || x.ns === ns));
}

export function has(items: WbxmlElement[], tag: string, ns?: string): boolean {
  return items.some((x) => x.tag === tag && (ns === undefined || x.ns === ns));
}

/** Push `el(ns, tag, value)` when value is neither undefined, null nor ''. */
export function put(out: WbxmlElement[], ns: string, tag: string, value: string | number | null | undefined): void {
  if (value === undefined || value === null || value === '') return;
  out.push(el(ns, tag, String(value)));
}

/** Parse an EAS date: compact "20261127T100000Z" (Calendar) or ISO "2026-11-27T10:00:00.000Z" (Contacts, Tasks). */
export function parseEasDate(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const v = s.trim();
  if (v === '') return undefined;
  let m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z?$/.exec(v);
  if (m) return checked(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]), v, m);
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v);
  if (m) {
    let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), +((m[7] ?? '0').padEnd(3, '0')));
    if (m[8] && m[8] !== 'Z') {
      const sign = m[8][0] === '-' ? -1 : 1;
      const digits = m[8].slice(1).replace(':', '');
      ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
    }
    return checked(ms, v, m);
  }
  throw new PimParseError('invalid-data', `bad date ${JSON.stringify(v.slice(0, 40))}`);
}

function checked(ms: number, v: string, m: RegExpExecArray): number {
  const valid = +m[2] >= 1 && +m[2] <= 12 && +m[3] >= 1 && +m[3] <= new Date(Date.UTC(+m[1], +m[2], 0)).getUTCDate() && +(m[4] ?? 0) <= 23 && +(m[5] ?? 0) <= 59 && +(m[6] ?? 0) <= 60;
  if (!Number.isFinite(ms) || !valid) throw new PimParseError('invalid-data', `bad date ${JSON.stringify(v.slice(0, 40))}`);
  return ms;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** "20261127T100000Z" ([MS-ASCAL] 2.2.2.x dates). */
export function compactUtc(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/** "2026-11-27T10:00:00.000Z" ([MS-ASCNTC] Birthday, [MS-ASTASK] dates). */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** Split an RFC 5322-ish "Name" <addr> into parts (devices send both forms in Email1Address, OrganizerEmail). */
export function splitAddress(s: string): { name?: string; address: string } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(s);
  if (m) return { name: m[1] ? m[1].trim() || undefined : undefined, address: m[2].trim() };
  return { address: s.trim() };
}

export function toInt(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s.trim());
  if (!Number.isInteger(n)) throw new PimParseError('invalid-data', `bad integer ${JSON.stringify(s.slice(0, 20))}`);
  return n;
}
