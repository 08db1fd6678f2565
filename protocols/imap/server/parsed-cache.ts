// The cached parse (envelope, MIME tree, preview) of messages recently served, shared by every
// IMAP session of this process. A message's content never changes once stored (flags live
// beside it), so an entry keyed by item id and blob hash can never go stale; FETCH ENVELOPE and
// header SEARCH then read only the light message states from the store, not the parse columns
// (which cost more to transfer and JSON-decode than everything else a command does). Entries
// are reached only through a store read of the session's own folder, so the cache does not
// widen what a session may see.
import { LRUCache } from 'lru-cache';
import type { ParsedMessage } from '../../../src/model/mail.js';

/** Bounded by an estimate of the bytes held (the serialized parse is about its heap size). */
const MAX_BYTES = 64 * 1024 * 1024;

const cache = new LRUCache<string, ParsedMessage>({
  maxSize: MAX_BYTES,
  sizeCalculation: (p) => 512 + 2 * (p.preview?.length ?? 0) + 256 * countParts(p.mime) +
    64 * (p.envelope.from.length + p.envelope.to.length + p.envelope.cc.length + p.envelope.bcc.length),
});

function countParts(node: { children?: unknown[] | null }): number {
  let n = 1;
  for (const c of (node.children ?? []) as Array<{ children?: unknown[] | null }>) n += countParts(c);
  return n;
}

const key = (itemId: number, blobHash: string) => `${itemId}:${blobHash}`;

export function cachedParse(itemId: number, blobHash: string): ParsedMessage | undefined {
  return cache.get(key(itemId, blobHash));
}

export function rememberParse(itemId: number, blobHash: string, parsed: ParsedMessage): void {
  cache.set(key(itemId, blobHash), parsed);
}
