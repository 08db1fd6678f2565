/**
 * A last line of defence between the converters (../convert/) and the codec: an element the
 * MS-ASWBXML code pages do not know is left out of an answer (and reported) rather than making
 * encodeWbxml throw and fail the whole Sync response for every collection in it.
 */
import { lookupTag } from '../wbxml/index.js';
import type { WbxmlElement } from '../wbxml/types.js';

export function encodable(items: WbxmlElement[], dropped: string[] = []): WbxmlElement[] {
  const out: WbxmlElement[] = [];
  for (const e of items) {
    if (lookupTag(e.ns, e.tag) === undefined) {
      dropped.push(`${e.ns}:${e.tag}`);
      continue;
    }
    out.push(e.children.length ? { ...e, children: encodable(e.children, dropped) } : e);
  }
  return out;
}
