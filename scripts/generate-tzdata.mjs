#!/usr/bin/env node
// Generates src/pim/tzdata.generated.ts: one VTIMEZONE per IANA zone, built from the zone
// rules compiled into Node's ICU (Intl.DateTimeFormat), for the years FIRST_YEAR..LAST_YEAR.
//
// For every year the script finds the UTC-offset transitions (scan, then bisect to the minute),
// describes each as "nth/last weekday of month at local time" or "fixed date", groups
// consecutive years with the same rule into one STANDARD/DAYLIGHT observance with a YEARLY
// RRULE (UNTIL when a later rule replaces it) and falls back to single-date observances when
// a transition follows no rule (Morocco's Ramadan breaks, one-off changes).
// Usage: node scripts/generate-tzdata.mjs   (rerun after a Node/ICU upgrade; commit the output)
import { writeFileSync } from 'node:fs';

const FIRST_YEAR = 2000;
const LAST_YEAR = 2037;
const REGIONS = ['Europe/', 'America/', 'Asia/', 'Australia/', 'Africa/', 'Pacific/', 'Atlantic/', 'Indian/', 'Antarctica/'];
// ICU lists some zones under their old names; the current tzdb names are added explicitly.
const EXTRA = ['UTC', 'Etc/UTC', 'Etc/GMT', 'Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'Asia/Kathmandu', 'Asia/Yangon',
  'America/Argentina/Buenos_Aires', 'America/Argentina/Cordoba', 'America/Indiana/Indianapolis', 'America/Kentucky/Louisville',
  'Pacific/Chuuk', 'Pacific/Pohnpei', 'America/Nuuk', 'Atlantic/Faroe', 'Pacific/Kanton', 'America/Atikokan', 'Asia/Dhaka', 'Asia/Thimphu'];
const MIN = 60_000;
const DAY = 86_400_000;

const formatters = new Map();
/** UTC offset in minutes of `tz` at instant `ms`. */
function offsetAt(tz, ms) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
  return Math.round((local - Math.floor(ms / 1000) * 1000) / MIN);
}

function transitions(tz) {
  const out = [];
  const end = Date.UTC(LAST_YEAR + 1, 0, 1);
  let t = Date.UTC(FIRST_YEAR, 0, 1);
  let off = offsetAt(tz, t);
  const step = DAY / 2;
  while (t < end) {
    const n = t + step;
    const o = offsetAt(tz, n);
    if (o !== off) {
      let lo = t, hi = n; // offset(lo) = off, offset(hi) != off
      while (hi - lo > MIN) {
        const mid = Math.floor((lo + hi) / 2 / MIN) * MIN;
        if (mid <= lo) break;
        if (offsetAt(tz, mid) === off) lo = mid; else hi = mid;
      }
      out.push({ at: hi, from: off, to: offsetAt(tz, hi) });
      off = offsetAt(tz, hi);
    }
    t = n;
  }
  return out;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
function fmtOffset(min) {
  const s = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `${s}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
}
function localParts(ms, offMin) {
  const d = new Date(ms + offMin * MIN);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), wd: d.getUTCDay(), h: d.getUTCHours(), mi: d.getUTCMinutes() };
}
const ical = (p) => `${p.y}${pad(p.m)}${pad(p.d)}T${pad(p.h)}${pad(p.mi)}00`;

function describe(tr) {
  // RFC 5545 §3.6.5: DTSTART of an observance is local time in the offset *before* the change.
  const p = localParts(tr.at, tr.from);
  const daysInMonth = new Date(Date.UTC(p.y, p.m, 0)).getUTCDate();
  const nth = Math.ceil(p.d / 7);
  const isLast = p.d + 7 > daysInMonth;
  return { p, key: `${tr.from}>${tr.to}@${p.m}/${p.h}:${p.mi}`, byday: isLast ? `-1${DAYS[p.wd]}` : nth <= 4 ? `${nth}${DAYS[p.wd]}` : null, bymonthday: p.d };
}

function build(tz) {
  const trs = transitions(tz);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tz}`];
  const initial = offsetAt(tz, Date.UTC(FIRST_YEAR, 0, 1));
  const offsets = [initial, ...trs.map((t) => t.to)];
  const std = Math.min(...offsets);
  const kind = (to) => (to > std ? 'DAYLIGHT' : 'STANDARD');
  const obs = [];
  obs.push({ kind: kind(initial), dtstart: '19700101T000000', from: initial, to: initial });
  // Group transitions of the same (direction, month, local time) and a stable rule year by year.
  const used = new Set();
  for (let i = 0; i < trs.length; i++) {
    if (used.has(i)) continue;
    const first = describe(trs[i]);
    const group = [i];
    let rule = first.byday ? 'byday' : 'bymonthday';
    for (let j = i + 1; j < trs.length; j++) {
      const d = describe(trs[j]);
      if (d.p.y === describe(trs[group[group.length - 1]]).p.y) continue;
      if (d.key !== first.key) continue;
      if (d.p.y !== describe(trs[group[group.length - 1]]).p.y + 1) break;
      const ok = rule === 'byday' ? d.byday === first.byday : d.bymonthday === first.bymonthday;
      if (!ok) {
        if (group.length === 1 && first.bymonthday === d.bymonthday) { rule = 'bymonthday'; group.push(j); continue; }
        break;
      }
      group.push(j);
    }
    // A rule must also hold for every year in between: each year of the group has exactly one match.
    group.forEach((g) => used.add(g));
    const tr = trs[i];
    const o = { kind: kind(tr.to), dtstart: ical(first.p), from: tr.from, to: tr.to };
    if (group.length > 1) {
      const lastTr = trs[group[group.length - 1]];
      const lastYear = describe(lastTr).p.y;
      const byPart = rule === 'byday' ? `BYDAY=${first.byday}` : `BYMONTHDAY=${first.bymonthday}`;
      const until = lastYear >= LAST_YEAR ? '' : `;UNTIL=${new Date(lastTr.at).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
      o.rrule = `FREQ=YEARLY;BYMONTH=${first.p.m};${byPart}${until}`;
    }
    obs.push(o);
  }
  for (const o of obs) {
    lines.push(`BEGIN:${o.kind}`, `DTSTART:${o.dtstart}`);
    if (o.rrule) lines.push(`RRULE:${o.rrule}`);
    lines.push(`TZOFFSETFROM:${fmtOffset(o.from)}`, `TZOFFSETTO:${fmtOffset(o.to)}`, `END:${o.kind}`);
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}

const zones = [...Intl.supportedValuesOf('timeZone').filter((z) => REGIONS.some((r) => z.startsWith(r))), ...EXTRA].filter((z) => { try { new Intl.DateTimeFormat('en', { timeZone: z }); return true; } catch { return false; } });
const data = {};
for (const tz of [...new Set(zones)].sort()) data[tz] = build(tz);
const header = `// GENERATED by scripts/generate-tzdata.mjs from Node ${process.version} (ICU ${process.versions.icu}, tz ${process.versions.tz}).\n// Do not edit: rerun the script. Rules cover ${FIRST_YEAR}..${LAST_YEAR}; earlier instants use the ${FIRST_YEAR} offset.\n`;
writeFileSync(new URL('../src/pim/tzdata.generated.ts', import.meta.url), `${header}export const TZ_VERSION = ${JSON.stringify(process.versions.tz ?? 'unknown')};\n\n/** IANA zone id -> VTIMEZONE text (CRLF). */\nexport const VTIMEZONES: Readonly<Record<string, string>> = ${JSON.stringify(data, null, 0).replace(/","/g, '",\n"')};\n`);
console.log(`wrote ${Object.keys(data).length} zones`);
