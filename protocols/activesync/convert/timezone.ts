/**
 * The ActiveSync TimeZone blob ([MS-ASDTYPE] 2.6.4, [MS-ASCAL] 2.2.2.46): base64 of a 172-byte
 * TIME_ZONE_INFORMATION: Bias (int32, minutes, UTC = local + Bias), StandardName (32 UTF-16LE),
 * StandardDate (SYSTEMTIME), StandardBias (int32), DaylightName, DaylightDate, DaylightBias.
 * A SYSTEMTIME with wYear = 0 is a yearly rule: month, day of week, wDay = week 1..5 (5 = last),
 * wall-clock time of the change (in the time being left).
 *
 * Incoming blobs are mapped to the best IANA zone (same offsets and same rule for the event's
 * year; Windows zone names and a popularity order break ties); a blob no zone matches becomes a
 * VTIMEZONE of its own. Outgoing blobs are computed from the zone's actual transitions in the
 * event's year, so they are right for IANA zones and for any VTIMEZONE a client sent.
 */
import ICAL from 'ical.js';
import { PimParseError } from '../../../src/pim/errors.js';
import { bundledZones, canonicalZone, ensureTimezonesRegistered, intlOffsetMinutes } from '../../../src/pim/timezones.js';

export interface SystemTime { year: number; month: number; dayOfWeek: number; day: number; hour: number; minute: number; second: number; milliseconds: number }
export interface EasTimeZone {
  bias: number;
  standardName: string;
  standardDate: SystemTime;
  standardBias: number;
  daylightName: string;
  daylightDate: SystemTime;
  daylightBias: number;
}

const ZERO: SystemTime = { year: 0, month: 0, dayOfWeek: 0, day: 0, hour: 0, minute: 0, second: 0, milliseconds: 0 };
const BLOB_SIZE = 172;
const MIN = 60_000;
const DAY = 86_400_000;

export function decodeTimeZone(b64: string): EasTimeZone {
  const buf = Buffer.from(b64.trim(), 'base64');
  if (buf.length !== BLOB_SIZE) throw new PimParseError('invalid-data', `TimeZone blob has ${buf.length} bytes, expected ${BLOB_SIZE}`);
  const name = (off: number) => buf.subarray(off, off + 64).toString('utf16le').replace(/\0[\s\S]*$/, '');
  const st = (off: number): SystemTime => ({
    year: buf.readUInt16LE(off), month: buf.readUInt16LE(off + 2), dayOfWeek: buf.readUInt16LE(off + 4), day: buf.readUInt16LE(off + 6),
    hour: buf.readUInt16LE(off + 8), minute: buf.readUInt16LE(off + 10), second: buf.readUInt16LE(off + 12), milliseconds: buf.readUInt16LE(off + 14),
  });
  const tz: EasTimeZone = {
    bias: buf.readInt32LE(0), standardName: name(4), standardDate: st(68), standardBias: buf.readInt32LE(84),
    daylightName: name(88), daylightDate: st(152), daylightBias: buf.readInt32LE(168),
  };
  const bad = (s: SystemTime) => s.month > 12 || s.dayOfWeek > 6 || s.day > 31 || s.hour > 23 || s.minute > 59;
  if (Math.abs(tz.bias) > 16 * 60 || bad(tz.standardDate) || bad(tz.daylightDate) || Math.abs(tz.daylightBias) > 180 || Math.abs(tz.standardBias) > 180) {
    throw new PimParseError('invalid-data', 'TimeZone blob out of range');
  }
  return tz;
}

export function encodeTimeZone(tz: EasTimeZone): string {
  const buf = Buffer.alloc(BLOB_SIZE);
  const name = (off: number, s: string) => buf.write(s.slice(0, 31), off, 62, 'utf16le');
  const st = (off: number, s: SystemTime) => {
    [s.year, s.month, s.dayOfWeek, s.day, s.hour, s.minute, s.second, s.milliseconds].forEach((v, i) => buf.writeUInt16LE(v, off + i * 2));
  };
  buf.writeInt32LE(tz.bias, 0);
  name(4, tz.standardName);
  st(68, tz.standardDate);
  buf.writeInt32LE(tz.standardBias, 84);
  name(88, tz.daylightName);
  st(152, tz.daylightDate);
  buf.writeInt32LE(tz.daylightBias, 168);
  return buf.toString('base64');
}

/** Negation without -0 (deepEqual and Object.is tell them apart). */
const neg = (x: number): number => (x === 0 ? 0 : -x);

export const hasDst = (tz: EasTimeZone): boolean => tz.daylightDate.month !== 0 && tz.standardDate.month !== 0 && tz.daylightBias !== 0;

/** UTC instant of a SYSTEMTIME rule in `year`, given the UTC offset (minutes) in force before it. */
export function ruleInstant(s: SystemTime, year: number, offsetBefore: number): number {
  let day: number;
  if (s.year !== 0) day = s.day;
  else {
    const firstDow = new Date(Date.UTC(year, s.month - 1, 1)).getUTCDay();
    day = 1 + ((s.dayOfWeek - firstDow + 7) % 7) + (s.day - 1) * 7;
    const dim = new Date(Date.UTC(year, s.month, 0)).getUTCDate();
    while (day > dim) day -= 7;
  }
  return Date.UTC(year, s.month - 1, day, s.hour, s.minute, s.second) - offsetBefore * MIN;
}

/** UTC offset (minutes) the blob gives at an instant. */
export function blobOffsetAt(tz: EasTimeZone, ms: number): number {
  const std = neg(tz.bias + tz.standardBias);
  if (!hasDst(tz)) return std;
  const dst = neg(tz.bias + tz.daylightBias);
  const year = new Date(ms + std * MIN).getUTCFullYear();
  const start = ruleInstant(tz.daylightDate, year, std);
  const end = ruleInstant(tz.standardDate, year, dst);
  const inDst = start < end ? ms >= start && ms < end : ms >= start || ms < end; // southern hemisphere wraps the year
  return inDst ? dst : std;
}

/** Build the blob of a zone from its offset function, using the transitions of `year`. */
export function timeZoneFromOffsets(offsetAt: (ms: number) => number, year: number, names: { standard: string; daylight: string }): EasTimeZone {
  const transitions: { at: number; from: number; to: number }[] = [];
  let t = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  let off = offsetAt(t);
  const offsets = new Set([off]);
  for (; t < end; t += DAY) {
    const o = offsetAt(t + DAY);
    if (o !== off) {
      let lo = t, hi = t + DAY;
      while (hi - lo > MIN) {
        const mid = Math.floor((lo + hi) / 2 / MIN) * MIN;
        if (offsetAt(mid) === off) lo = mid; else hi = mid;
      }
      transitions.push({ at: hi, from: off, to: o });
      offsets.add(o);
      off = o;
    }
  }
  const std = Math.min(...offsets);
  const dst = Math.max(...offsets);
  if (transitions.length < 2 || std === dst) {
    // No DST this year: the offset in force mid-year.
    const o = offsetAt(Date.UTC(year, 6, 1));
    return { bias: neg(o), standardName: names.standard, standardDate: ZERO, standardBias: 0, daylightName: names.daylight, daylightDate: ZERO, daylightBias: 0 };
  }
  const rule = (tr: { at: number; from: number }): SystemTime => {
    const d = new Date(tr.at + tr.from * MIN);
    const dim = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    const week = d.getUTCDate() + 7 > dim ? 5 : Math.ceil(d.getUTCDate() / 7);
    return { year: 0, month: d.getUTCMonth() + 1, dayOfWeek: d.getUTCDay(), day: week, hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: 0, milliseconds: 0 };
  };
  const toDst = transitions.find((x) => x.to === dst)!;
  const toStd = transitions.find((x) => x.to === std)!;
  return { bias: neg(std), standardName: names.standard, standardDate: rule(toStd), standardBias: 0, daylightName: names.daylight, daylightDate: rule(toDst), daylightBias: std - dst };
}

/** Windows zone names ([MS-ASDTYPE] names are Windows registry names) <-> preferred IANA zone (CLDR windowsZones). */
const WINDOWS: [string, string][] = [
  ['Dateline Standard Time', 'Etc/GMT+12'], ['Hawaiian Standard Time', 'Pacific/Honolulu'], ['Alaskan Standard Time', 'America/Anchorage'],
  ['Pacific Standard Time', 'America/Los_Angeles'], ['US Mountain Standard Time', 'America/Phoenix'], ['Mountain Standard Time', 'America/Denver'],
  ['Central Standard Time', 'America/Chicago'], ['Central Standard Time (Mexico)', 'America/Mexico_City'], ['Canada Central Standard Time', 'America/Regina'],
  ['Eastern Standard Time', 'America/New_York'], ['SA Pacific Standard Time', 'America/Bogota'], ['Atlantic Standard Time', 'America/Halifax'],
  ['Newfoundland Standard Time', 'America/St_Johns'], ['E. South America Standard Time', 'America/Sao_Paulo'], ['Argentina Standard Time', 'America/Argentina/Buenos_Aires'],
  ['Pacific SA Standard Time', 'America/Santiago'], ['UTC', 'Etc/UTC'], ['GMT Standard Time', 'Europe/London'], ['Greenwich Standard Time', 'Atlantic/Reykjavik'],
  ['W. Europe Standard Time', 'Europe/Berlin'], ['Romance Standard Time', 'Europe/Paris'], ['Central Europe Standard Time', 'Europe/Budapest'],
  ['Central European Standard Time', 'Europe/Warsaw'], ['W. Central Africa Standard Time', 'Africa/Lagos'], ['GTB Standard Time', 'Europe/Bucharest'],
  ['E. Europe Standard Time', 'Europe/Chisinau'], ['FLE Standard Time', 'Europe/Kyiv'], ['Israel Standard Time', 'Asia/Jerusalem'],
  ['South Africa Standard Time', 'Africa/Johannesburg'], ['Egypt Standard Time', 'Africa/Cairo'], ['Turkey Standard Time', 'Europe/Istanbul'],
  ['Russian Standard Time', 'Europe/Moscow'], ['Arab Standard Time', 'Asia/Riyadh'], ['Arabian Standard Time', 'Asia/Dubai'], ['Iran Standard Time', 'Asia/Tehran'],
  ['Pakistan Standard Time', 'Asia/Karachi'], ['India Standard Time', 'Asia/Kolkata'], ['Nepal Standard Time', 'Asia/Kathmandu'],
  ['Bangladesh Standard Time', 'Asia/Dhaka'], ['SE Asia Standard Time', 'Asia/Bangkok'], ['China Standard Time', 'Asia/Shanghai'],
  ['Singapore Standard Time', 'Asia/Singapore'], ['Taipei Standard Time', 'Asia/Taipei'], ['Tokyo Standard Time', 'Asia/Tokyo'], ['Korea Standard Time', 'Asia/Seoul'],
  ['W. Australia Standard Time', 'Australia/Perth'], ['Cen. Australia Standard Time', 'Australia/Adelaide'], ['AUS Central Standard Time', 'Australia/Darwin'],
  ['E. Australia Standard Time', 'Australia/Brisbane'], ['AUS Eastern Standard Time', 'Australia/Sydney'], ['Tasmania Standard Time', 'Australia/Hobart'],
  ['New Zealand Standard Time', 'Pacific/Auckland'], ['Tonga Standard Time', 'Pacific/Tongatapu'],
];
const WINDOWS_TO_IANA = new Map(WINDOWS.map(([w, i]) => [w.toLowerCase(), i]));
const IANA_TO_WINDOWS = new Map(WINDOWS.map(([w, i]) => [i, w]));

/** Zones preferred when several match a blob: the ones most users pick. */
const POPULAR = [
  ...WINDOWS.map(([, i]) => i),
  'Europe/Amsterdam', 'Europe/Rome', 'Europe/Madrid', 'Europe/Vienna', 'Europe/Zurich', 'Europe/Stockholm', 'Europe/Prague', 'Europe/Dublin', 'Europe/Lisbon',
  'Europe/Athens', 'Europe/Helsinki', 'America/Toronto', 'America/Vancouver', 'America/Mexico_City', 'Asia/Hong_Kong', 'Asia/Jakarta', 'Asia/Manila',
  'Australia/Melbourne', 'Africa/Nairobi',
];

function windowsNames(iana: string): { standard: string; daylight: string } {
  const w = IANA_TO_WINDOWS.get(iana);
  if (w) return { standard: w, daylight: w.replace(/Standard Time$/, 'Daylight Time') };
  return { standard: iana, daylight: iana };
}

/** The blob of an IANA zone for the rules in force in `year`. */
export function timeZoneFromIana(tzid: string, year: number): EasTimeZone {
  const zone = canonicalZone(tzid) ?? tzid;
  return timeZoneFromOffsets((ms) => intlOffsetMinutes(zone, ms), year, windowsNames(zone));
}

/** The blob of a VTIMEZONE (any client's), for the rules in force in `year`. */
export function timeZoneFromVTimezone(vtz: InstanceType<typeof ICAL.Component> | InstanceType<typeof ICAL.Timezone>, year: number): EasTimeZone {
  const tz = vtz instanceof ICAL.Timezone ? vtz : new ICAL.Timezone(vtz);
  const offsetAt = (ms: number): number => {
    const t = ICAL.Time.fromJSDate(new Date(Math.floor(ms / 1000) * 1000), true);
    return Math.round(tz.utcOffset(t.convertToZone(tz)) / 60);
  };
  const name = (tz.tzid ?? '').slice(0, 31);
  return timeZoneFromOffsets(offsetAt, year, { standard: name, daylight: name });
}

const sameSt = (a: SystemTime, b: SystemTime) => a.month === b.month && a.dayOfWeek === b.dayOfWeek && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.year === b.year;

/** Same offsets and transition rules (names ignored). */
export function sameRules(a: EasTimeZone, b: EasTimeZone): boolean {
  if (a.bias + a.standardBias !== b.bias + b.standardBias) return false;
  if (hasDst(a) !== hasDst(b)) return false;
  if (!hasDst(a)) return true;
  return a.daylightBias + a.bias === b.daylightBias + b.bias && sameSt(a.standardDate, b.standardDate) && sameSt(a.daylightDate, b.daylightDate);
}

const matchCache = new Map<string, string | null>();

/** The IANA zone whose rules in `year` are the blob's, or undefined. */
export function matchIanaZone(tz: EasTimeZone, year: number): string | undefined {
  const cacheKey = `${year}|${encodeTimeZone({ ...tz, standardName: tz.standardName, daylightName: '' })}`;
  const cached = matchCache.get(cacheKey);
  if (cached !== undefined) return cached ?? undefined;
  ensureTimezonesRegistered();
  const jan = Date.UTC(year, 0, 15);
  const jul = Date.UTC(year, 6, 15);
  const wantJan = blobOffsetAt(tz, jan);
  const wantJul = blobOffsetAt(tz, jul);
  const hinted = WINDOWS_TO_IANA.get(tz.standardName.trim().toLowerCase()) ?? canonicalZone(tz.standardName.trim());
  const candidates = [...new Set([...(hinted ? [hinted] : []), ...POPULAR, ...bundledZones()])];
  let found: string | undefined;
  for (const z of candidates) {
    if (!canonicalZone(z)) continue;
    if (intlOffsetMinutes(z, jan) !== wantJan || intlOffsetMinutes(z, jul) !== wantJul) continue;
    if (sameRules(timeZoneFromIana(z, year), tz)) { found = z; break; }
  }
  matchCache.set(cacheKey, found ?? null);
  return found;
}

const pad = (n: number) => String(n).padStart(2, '0');
function fmtOffset(min: number): string {
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
}
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** A VTIMEZONE for a blob no IANA zone matches (RFC 5545 §3.6.5, yearly rules from 1970). */
export function vtimezoneFromBlob(tz: EasTimeZone, tzid: string): string {
  const std = -(tz.bias + tz.standardBias);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tzid}`];
  if (!hasDst(tz)) {
    lines.push('BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${fmtOffset(std)}`, `TZOFFSETTO:${fmtOffset(std)}`, 'END:STANDARD');
  } else {
    const dst = -(tz.bias + tz.daylightBias);
    const obs = (kind: string, s: SystemTime, from: number, to: number) => {
      const y = 1970;
      const d = new Date(ruleInstant(s, y, 0));
      const byday = `${s.day === 5 ? -1 : s.day}${DAYS[s.dayOfWeek]}`;
      lines.push(`BEGIN:${kind}`, `DTSTART:${y}${pad(s.month)}${pad(d.getUTCDate())}T${pad(s.hour)}${pad(s.minute)}00`,
        `RRULE:FREQ=YEARLY;BYDAY=${byday};BYMONTH=${s.month}`, `TZOFFSETFROM:${fmtOffset(from)}`, `TZOFFSETTO:${fmtOffset(to)}`);
      if ((kind === 'STANDARD' ? tz.standardName : tz.daylightName)) lines.push(`TZNAME:${kind === 'STANDARD' ? tz.standardName : tz.daylightName}`);
      lines.push(`END:${kind}`);
    };
    obs('STANDARD', tz.standardDate, dst, std);
    obs('DAYLIGHT', tz.daylightDate, std, dst);
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}

export const UTC_BLOB: EasTimeZone = { bias: 0, standardName: 'UTC', standardDate: ZERO, standardBias: 0, daylightName: 'UTC', daylightDate: ZERO, daylightBias: 0 };
