/**
 * Safe patching of a stored iCalendar or vCard object (DESIGN: "A protocol that edits an object
 * patches the properties it knows and keeps the rest byte for byte").
 *
 * The protocol builds the object it wants (`desired`, e.g. from an ActiveSync ApplicationData)
 * and names the properties it owns (`managed`). The result is the stored text where:
 *  - every property the protocol does not manage is kept as stored, byte for byte, in place;
 *  - a managed property whose value is unchanged keeps its stored line, including parameters
 *    the protocol does not know (X-params, SCHEDULE-STATUS, ...); when only known parameters
 *    change, unknown parameters are carried over;
 *  - managed properties the protocol dropped are removed, new ones are added;
 *  - sub-components are matched by identity (VEVENT/VTODO/VJOURNAL by RECURRENCE-ID,
 *    VTIMEZONE by TZID, VALARM by TRIGGER); components of a kind the protocol does not
 *    produce (X- components, VAVAILABILITY, ...) are kept.
 * The version of a vCard is the stored one: the caller produces `desired` in that version.
 */
import ICAL from 'ical.js';
import { PimParseError } from './errors.js';
import { fold, paramsOf, parseRaw, serializeRaw, unfold, valueIndex, type RawComp, type RawNode, type RawProp } from './raw.js';

export interface PatchSpec {
  /** Upper-case property names the protocol owns, per component name ('VEVENT', 'VCARD', ...). */
  managed: Record<string, readonly string[]>;
  /** Component names the protocol produces and may add or remove (e.g. VALARM, VEVENT). */
  managedComponents?: readonly string[];
  /**
   * Properties whose stored line is kept whenever its value is unchanged, whatever parameters the
   * protocol would write: the protocol's TYPE is coarser than the client's (vCard TEL/EMAIL/ADR
   * types, Apple's item groups).
   */
  valueOnly?: readonly string[];
}

/** Patch `existing` towards `desired`. Both must be one VCALENDAR or one VCARD. */
export function patchObject(existing: string, desired: string, spec: PatchSpec): string {
  const a = parseRaw(existing);
  const b = parseRaw(desired);
  const ra = a.roots.find((n): n is RawComp => n.kind === 'comp');
  const rb = b.roots.find((n): n is RawComp => n.kind === 'comp');
  if (!ra || !rb || ra.name !== rb.name) throw new PimParseError(ra?.name === 'VCARD' ? 'invalid-vcard' : 'invalid-ical', 'cannot patch: different object kinds');
  mergeComp(ra, rb, spec, a.eol);
  if (ra.name === 'VCALENDAR') pruneTimezones(ra);
  return serializeRaw(a);
}

function key(c: RawComp): string {
  const idProp = c.name === 'VTIMEZONE' ? 'TZID' : c.name === 'VALARM' ? 'TRIGGER' : ['VEVENT', 'VTODO', 'VJOURNAL'].includes(c.name) ? 'RECURRENCE-ID' : null;
  if (!idProp) return c.name;
  const p = c.items.find((n): n is RawProp => n.kind === 'prop' && n.name === idProp);
  let v = p ? normalizedValue(p, true) : '';
  if (c.name === 'VALARM' && /^[+-]?P/i.test(v)) {
    // "-P0DT0H30M0S" (Google) and "-PT30M" are the same trigger.
    try { v = String(ICAL.Duration.fromString(v).toSeconds()); } catch { /* keep the text */ }
  }
  return `${c.name}|${v}`;
}

function mergeComp(a: RawComp, b: RawComp, spec: PatchSpec, eol: string): void {
  // Properties
  const managed = new Set(spec.managed[a.name] ?? []);
  for (const name of managed) mergeProps(a, b, name, eol, spec.valueOnly?.includes(name) ?? false);
  // Sub-components
  const managedComps = new Set(spec.managedComponents ?? []);
  const wanted = b.items.filter((n): n is RawComp => n.kind === 'comp');
  const used = new Set<RawComp>();
  const result: RawNode[] = [];
  for (const n of a.items) {
    if (n.kind === 'prop') { result.push(n); continue; }
    const match = wanted.find((w) => !used.has(w) && key(w) === key(n));
    if (match) {
      used.add(match);
      mergeComp(n, match, spec, eol);
      result.push(n);
    } else if (!managedComps.has(n.name) && n.name !== 'VTIMEZONE') {
      result.push(n);
    } else if (n.name === 'VTIMEZONE') {
      result.push(n); // pruned later if nothing references it
    }
  }
  for (const w of wanted) if (!used.has(w) && (managedComps.has(w.name) || w.name === 'VTIMEZONE')) insertComp(result, w);
  a.items = result;
}

function insertComp(items: RawNode[], c: RawComp): void {
  if (c.name === 'VTIMEZONE') {
    // RFC 5545 does not order components, but clients expect zones before their users.
    const i = items.findIndex((n) => n.kind === 'comp' && n.name !== 'VTIMEZONE');
    if (i >= 0) { items.splice(i, 0, c); return; }
  }
  items.push(c);
}

function mergeProps(a: RawComp, b: RawComp, name: string, eol: string, valueOnly: boolean): void {
  const have = a.items.filter((n): n is RawProp => n.kind === 'prop' && n.name === name);
  const want = b.items.filter((n): n is RawProp => n.kind === 'prop' && n.name === name);
  const unchanged = have.length === want.length && have.every((h, i) => (valueOnly ? normalizedValue(h, false) === normalizedValue(want[i], false) : sameProp(h, want[i])));
  if (unchanged) return;
  const used = new Set<RawProp>();
  const next: RawProp[] = want.map((w) => {
    const h = have.find((x) => !used.has(x) && normalizedValue(x, false) === normalizedValue(w, false));
    if (!h) return w;
    used.add(h);
    return valueOnly ? h : carryParams(h, w);
  });
  // Replace in place: the new lines go where the first old one was.
  const first = have.length > 0 ? a.items.indexOf(have[0]) : -1;
  const rest = a.items.filter((n) => !(n.kind === 'prop' && n.name === name));
  let at: number;
  if (first >= 0) at = a.items.slice(0, first).filter((n) => !(n.kind === 'prop' && n.name === name)).length;
  else {
    const firstComp = rest.findIndex((n) => n.kind === 'comp');
    at = firstComp >= 0 ? firstComp : rest.length;
  }
  rest.splice(at, 0, ...next);
  a.items = rest;
  void eol;
}

/** The stored line when every parameter the protocol sets is already there; else stored params + new ones. */
function carryParams(h: RawProp, w: RawProp): RawProp {
  const hp = paramsOf(unfold(h.lines));
  const wp = paramsOf(unfold(w.lines));
  let same = true;
  for (const [k, v] of wp) if (!sameParam(hp.get(k), v, k)) same = false;
  if (same) return h;
  const merged = new Map(hp);
  for (const [k, v] of wp) merged.set(k, v);
  const wl = unfold(w.lines);
  const head = (h.group ? `${h.group}.` : '') + wl.slice(0, wl.search(/[;:]/)).replace(/^[^.]*\./, '');
  const params = [...merged].map(([k, v]) => `;${k}=${v}`).join('');
  // The stored value text is kept too (it is equal once normalised: mailto: case, escaping).
  const hl = unfold(h.lines);
  return { ...w, group: h.group, lines: fold(`${head}${params}:${hl.slice(valueIndex(hl) + 1)}`) };
}

function sameParam(a: string | undefined, b: string, name = ''): boolean {
  if (a === undefined) return false;
  const list = (s: string) => s.replace(/"/g, '').split(',').map((x) => x.trim().toUpperCase()).sort();
  // TYPE is a set: the stored line may say more ("CELL,VOICE,pref") than the protocol does.
  if (name === 'TYPE') return list(b).every((x) => list(a).includes(x));
  return list(a).join(',') === list(b).join(',');
}

function sameProp(a: RawProp, b: RawProp): boolean {
  if (normalizedValue(a, false) !== normalizedValue(b, false)) return false;
  const ap = paramsOf(unfold(a.lines));
  const bp = paramsOf(unfold(b.lines));
  for (const [k, v] of bp) if (!sameParam(ap.get(k), v, k)) return false;
  return true;
}

/** The value text, with the case-insensitive bits of common values folded (mailto:, UTC "Z"). */
function normalizedValue(p: RawProp, withTzid: boolean): string {
  const line = unfold(p.lines);
  let v = line.slice(valueIndex(line) + 1).trim();
  if (/^mailto:/i.test(v)) v = `mailto:${v.slice(7).toLowerCase()}`;
  if (withTzid) {
    const tzid = paramsOf(line).get('TZID');
    if (tzid) v = `${tzid.replace(/"/g, '')}:${v}`;
  }
  return v;
}

/** Drop VTIMEZONEs that nothing references any more (a protocol changed the event's zone). */
function pruneTimezones(root: RawComp): void {
  const used = new Set<string>();
  const scan = (c: RawComp): void => {
    for (const n of c.items) {
      if (n.kind === 'comp') { if (n.name !== 'VTIMEZONE') scan(n); continue; }
      const tzid = paramsOf(unfold(n.lines)).get('TZID');
      if (tzid) used.add(tzid.replace(/"/g, ''));
    }
  };
  scan(root);
  root.items = root.items.filter((n) => {
    if (n.kind !== 'comp' || n.name !== 'VTIMEZONE') return true;
    const p = n.items.find((x): x is RawProp => x.kind === 'prop' && x.name === 'TZID');
    const tzid = p ? unfold(p.lines).slice(valueIndex(unfold(p.lines)) + 1) : '';
    return used.has(tzid);
  });
}
