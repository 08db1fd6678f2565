/**
 * Bundled IANA time-zone definitions for ical.js, which ships none.
 *
 * The VTIMEZONEs in tzdata.generated.ts come from scripts/generate-tzdata.mjs (Node's ICU data,
 * rules from 2000 on). A zone defined inside a stored object always wins over these for that
 * object (RFC 5545 §3.6.5); these serve objects that name a TZID without defining it
 * (RFC 7809 "timezones by reference", clients such as DAVx5 and ActiveSync conversions).
 */
import ICAL from 'ical.js';
import { TZ_VERSION, VTIMEZONES } from './tzdata.generated.js';

export { TZ_VERSION };

/** Common aliases (backward links in tzdb) that clients still send. */
const ALIASES: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'Pacific/Truk': 'Pacific/Chuuk',
  'US/Eastern': 'America/New_York',
  'US/Central': 'America/Chicago',
  'US/Mountain': 'America/Denver',
  'US/Pacific': 'America/Los_Angeles',
  'Etc/Greenwich': 'Etc/GMT',
  GMT: 'Etc/GMT',
  'Etc/Universal': 'Etc/UTC',
};

/** Canonical id for a zone we bundle, following aliases; undefined when unknown. */
export function canonicalZone(tzid: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(VTIMEZONES, tzid)) return tzid;
  const alias = ALIASES[tzid];
  if (alias && Object.prototype.hasOwnProperty.call(VTIMEZONES, alias)) return alias;
  // Some clients prefix IANA ids ("/mozilla.org/20050126_1/Europe/Berlin", "/freeassociation.sourceforge.net/Europe/Berlin").
  const m = /(?:^|\/)((?:Europe|America|Asia|Australia|Africa|Pacific|Atlantic|Indian|Antarctica)\/[A-Za-z_\-/]+)$/.exec(tzid);
  if (m && m[1] !== tzid) return canonicalZone(m[1]);
  return undefined;
}

/** The VTIMEZONE text (CRLF line ends) for an IANA zone, with TZID set to the id asked for. */
export function getVTimezone(tzid: string): string | undefined {
  const canonical = canonicalZone(tzid);
  if (!canonical) return undefined;
  const text = VTIMEZONES[canonical];
  return canonical === tzid ? text : text.replace(`TZID:${canonical}`, `TZID:${tzid}`);
}

/** Every bundled zone id. */
export function bundledZones(): string[] {
  return Object.keys(VTIMEZONES);
}

let registered = false;

/**
 * Register every bundled zone (and alias) with ICAL.TimezoneService, once per process.
 * Registration is lazy per zone: ical.js only compiles a zone's observances when it converts a
 * time in it, so registering 400 zones costs a few milliseconds.
 */
export function ensureTimezonesRegistered(): void {
  if (registered) return;
  registered = true;
  for (const [tzid, text] of Object.entries(VTIMEZONES)) register(tzid, text);
  for (const [alias, target] of Object.entries(ALIASES)) {
    const text = VTIMEZONES[target];
    if (text && !ICAL.TimezoneService.has(alias)) register(alias, text.replace(`TZID:${target}`, `TZID:${alias}`));
  }
}

function register(tzid: string, text: string): void {
  const comp = new ICAL.Component(ICAL.parse(text) as unknown[]);
  ICAL.TimezoneService.register(new ICAL.Timezone({ component: comp, tzid }), tzid);
}

/** UTC offset in minutes of an IANA zone at an instant, from Node's ICU (exact, all years). */
export function intlOffsetMinutes(tz: string, ms: number): number {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
  const local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
  return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
}
const formatters = new Map<string, Intl.DateTimeFormat>();
