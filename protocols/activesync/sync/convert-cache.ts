/**
 * Converted items, once per stored version: the ApplicationData element of an item for one set of
 * conversion options, with its WBXML bytes (a fragment the encoder splices, wbxml/encoder.ts), kept
 * in a bounded LRU keyed by class, item id and modseq (a write gives a new modseq, so an entry is
 * never stale; old versions age out). Several devices of a user, a delegate's phone on a shared
 * folder, and a resent window then convert and encode an item once, not once per request: a warm
 * window is mostly a copy of bytes. One cache per store (like the push hub), never a
 * process-wide singleton.
 *
 * The elements are shared between answers: callers wrap them in new parents and never change them.
 * A cached element has no children, only its bytes: nothing in a Sync answer reads ApplicationData
 * back, and a tree of some thirty objects per entry cost memory and garbage collection.
 */
import { LRUCache } from 'lru-cache';
import type { Item } from '../../../src/model/types.js';
import type { Store } from '../../../src/store/store.js';
import { encodeWbxmlFragment } from '../wbxml/encoder.js';
import { el, type WbxmlElement } from '../wbxml/types.js';
import type { ConvertOptions } from '../convert/util.js';
import type { ItemClass } from './classes.js';

/** Entries kept: about one initial window of every device of a few hundred busy users. */
const MAX_ENTRIES = 20_000;
/** Objects larger than this are converted every time: the cache holds at most ~20,000 small entries (tens of MB), never big photos or bodies. */
const MAX_CACHED_CONTENT = 16 * 1024;

const caches = new WeakMap<Store, LRUCache<string, WbxmlElement>>();

function cacheFor(store: Store): LRUCache<string, WbxmlElement> {
  let c = caches.get(store);
  if (!c) caches.set(store, (c = new LRUCache({ max: MAX_ENTRIES })));
  return c;
}

/** Everything in ConvertOptions that changes what toEas produces (Supported only affects writes). */
const optionsText = (o: ConvertOptions) =>
  `${o.protocolVersion}|${o.bodyPreference?.type ?? ''}/${o.bodyPreference?.truncationSize ?? ''}|${o.userEmail ?? ''}|${o.timezone ?? ''}`;

/** One options object serves a whole window: its key is made once, not once per item. */
const optionsKeys = new WeakMap<ConvertOptions, string>();
function optionsKey(o: ConvertOptions): string {
  let k = optionsKeys.get(o);
  if (k === undefined) optionsKeys.set(o, (k = optionsText(o)));
  return k;
}

/**
 * The AirSync ApplicationData element of the item's stored content (`cls.toEas`), from the cache
 * when this version was converted with these options before; a cached element carries its encoded
 * bytes only (no children: decode them to read it). Throws as toEas does (nothing is cached then).
 */
export function applicationData(store: Store, cls: ItemClass, item: Item, opts: ConvertOptions): WbxmlElement {
  const content = item.content!;
  if (content.length > MAX_CACHED_CONTENT) return el('AirSync', 'ApplicationData', cls.toEas(content, opts));
  const key = `${cls.name}|${item.id}|${item.modseq}|${optionsKey(opts)}`;
  const cache = cacheFor(store);
  const hit = cache.get(key);
  if (hit) return hit;
  // Encoded here once; the response's encoder copies the bytes (encodable() has kept only
  // elements the code pages know, so this does not throw for a converted item). Only the bytes
  // are kept: the tree dies young, and an entry is a few hundred bytes, not a tree of objects.
  const data: WbxmlElement = { ns: 'AirSync', tag: 'ApplicationData', children: [], encoded: encodeWbxmlFragment(el('AirSync', 'ApplicationData', cls.toEas(content, opts))) };
  cache.set(key, data);
  return data;
}
