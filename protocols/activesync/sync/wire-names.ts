/**
 * Tag names between the converters (../convert/) and the wire (the MS-ASWBXML code pages).
 *
 * The converters use a few names that are not the code pages' ([MS-ASCAL] Timezone is spelled
 * TimeZone; [MS-ASCNTC] BusinessAddressCity is BusinessCity ...). Until they agree, ApplicationData
 * is renamed here in both directions, and anything the codec cannot encode is left out of an
 * answer (logged) rather than failing the whole Sync response.
 */
import { lookupTag } from '../wbxml/index.js';
import type { WbxmlElement } from '../wbxml/types.js';

const OUT: Record<string, Record<string, string>> = { Calendar: { TimeZone: 'Timezone' }, Contacts: {} };
for (const prefix of ['Business', 'Home', 'Other']) {
  for (const part of ['Street', 'City', 'State', 'PostalCode', 'Country']) OUT.Contacts[`${prefix}${part}`] = `${prefix}Address${part}`;
}
const IN: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(OUT).map(([ns, m]) => [ns, Object.fromEntries(Object.entries(m).map(([a, b]) => [b, a]))]),
);

function rename(items: WbxmlElement[], map: Record<string, Record<string, string>>, keep: (e: WbxmlElement) => boolean, dropped: string[]): WbxmlElement[] {
  const out: WbxmlElement[] = [];
  for (const e of items) {
    const tag = map[e.ns]?.[e.tag] ?? e.tag;
    const r: WbxmlElement = { ...e, tag, children: e.children.length ? rename(e.children, map, keep, dropped) : e.children };
    if (keep(r)) out.push(r);
    else dropped.push(`${r.ns}:${r.tag}`);
  }
  return out;
}

/** Converter output -> encodable ApplicationData; `dropped` lists what the codec does not know. */
export function toWire(items: WbxmlElement[], dropped: string[] = []): WbxmlElement[] {
  return rename(items, OUT, (e) => lookupTag(e.ns, e.tag) !== undefined, dropped);
}

/** Decoded ApplicationData -> the names the converters read. */
export function fromWire(items: WbxmlElement[]): WbxmlElement[] {
  return rename(items, IN, () => true, []);
}
