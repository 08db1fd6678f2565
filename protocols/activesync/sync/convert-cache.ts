/**
 * Converted items, once per stored version: the ApplicationData of an item for one set of
 * conversion options, kept in a bounded LRU keyed by class, item id and modseq (a write gives a
 * new modseq, so an entry is never stale; old versions age out). Several devices of a user, a
 * delegate's phone on a shared folder, and a resent window then convert an item once, not once
 * per request. One cache per store (like the push hub), never a process-wide singleton.
 *
 * The elements are shared between answers: callers wrap them in new parents and never change them.
 */
import { LRUCache } from 'lru-cache';
import type { Item } from '../../../src/model/types.js';
import type { Store } from '../../../src/store/store.js';
import type { WbxmlElement } from '../wbxml/types.js';
import type { ConvertOptions } from '../convert/util.js';
import type { ItemClass } from './classes.js';

/** Entries kept: about one initial window of every device of a few hundred busy users. */
const MAX_ENTRIES = 20_000;
/** Objects larger than this are converted every time: the cache holds at most ~20,000 small entries (tens of MB), never big photos or bodies. */
const MAX_CACHED_CONTENT = 16 * 1024;

const caches = new WeakMap<Store, LRUCache<string, readonly WbxmlElement[]>>();

function cacheFor(store: Store): LRUCache<string, readonly WbxmlElement[]> {
  let c = caches.get(store);
  if (!c) caches.set(store, (c = new LRUCache({ max: MAX_ENTRIES })));
  return c;
}

/** Everything in ConvertOptions that changes what toEas produces (Supported only affects writes). */
const optionsKey = (o: ConvertOptions) =>
  `${o.protocolVersion}|${o.bodyPreference?.type ?? ''}/${o.bodyPreference?.truncationSize ?? ''}|${o.userEmail ?? ''}|${o.timezone ?? ''}`;

/** `cls.toEas` of the item's stored content, from the cache when this version was converted with these options before. Throws as toEas does. */
export function convertItem(store: Store, cls: ItemClass, item: Item, opts: ConvertOptions): readonly WbxmlElement[] {
  const content = item.content!;
  if (content.length > MAX_CACHED_CONTENT) return cls.toEas(content, opts);
  const key = `${cls.name}|${item.id}|${item.modseq}|${optionsKey(opts)}`;
  const cache = cacheFor(store);
  const hit = cache.get(key);
  if (hit) return hit;
  const data = cls.toEas(content, opts);
  cache.set(key, data);
  return data;
}
