/**
 * The size of one client item, checked at the protocol boundary before it is converted
 * (issue 8.2): every text field within `fieldBytes` (names, addresses, subject ...), a body or
 * picture within `bodyFieldBytes`, the whole ApplicationData within `itemBytes` and
 * `itemElements`. An item over a limit is refused on its own with Sync Status 6 ("error in client
 * / server conversion", [MS-ASCMD] 2.2.3.177.17), which a client does not retry; the rest of the
 * request goes on. Iterative and linear: it never converts, never recurses.
 */
import type { WbxmlElement } from '../wbxml/types.js';
import type { ActiveSyncLimits } from '../limits.js';

/** Elements whose content is a body or a picture, not a short field. */
const LARGE_TAGS = new Set(['Body', 'Data', 'Picture', 'Rtf', 'CompressedRTF']);

export type ItemLimit = 'field' | 'body' | 'item' | 'elements';

/** UTF-8 length of a string, computed only when the UTF-16 length does not already decide it. */
function overBytes(text: string, cap: number): boolean {
  // Every UTF-16 code unit is at least one UTF-8 byte and at most three.
  if (text.length > cap) return true;
  if (text.length * 3 <= cap) return false;
  return Buffer.byteLength(text, 'utf8') > cap;
}

/** The first limit `appData` passes, or null when it is within all of them. */
export function itemOverLimit(appData: WbxmlElement, limits: Pick<ActiveSyncLimits, 'fieldBytes' | 'bodyFieldBytes' | 'itemBytes' | 'itemElements'>): ItemLimit | null {
  let elements = 0;
  let total = 0;
  const stack: WbxmlElement[] = [...appData.children];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (++elements > limits.itemElements) return 'elements';
    const cap = LARGE_TAGS.has(e.tag) ? limits.bodyFieldBytes : limits.fieldBytes;
    if (e.text !== undefined) {
      if (overBytes(e.text, cap)) return cap === limits.fieldBytes ? 'field' : 'body';
      total += e.text.length;
    } else if (e.opaque !== undefined) {
      if (e.opaque.length > cap) return cap === limits.fieldBytes ? 'field' : 'body';
      total += e.opaque.length;
    }
    if (total > limits.itemBytes) return 'item';
    for (const c of e.children) stack.push(c);
  }
  return null;
}
