// The cached parse (envelope, MIME tree, preview) of messages recently served, shared by every
// IMAP session of this process. A message's content never changes once stored (flags live
// beside it), so an entry keyed by item id and blob hash can never go stale; FETCH ENVELOPE and
// header SEARCH then read only the light message states from the store, not the parse columns
// (which cost more to transfer and JSON-decode than everything else a command does). Entries
// are reached only through a store read of the session's own folder, so the cache does not
// widen what a session may see.
import type { ParsedMessage } from '../../../src/model/mail.js';

/** Bounded by an estimate of the bytes held (the serialized parse is about its heap size). */
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Least recently used first: a Map keeps insertion order, and a hit is moved to the end. (A
 * plain Map, not lru-cache: its bookkeeping showed in the profile on this per-message path.)
 */
const cache = new Map<number, { blobHash: string; parsed: ParsedMessage; size: number }>();
let held = 0;

function sizeOf(p: ParsedMessage): number {
  return 512 + 2 * (p.preview?.length ?? 0) + 256 * countParts(p.mime) +
    64 * (p.envelope.from.length + p.envelope.to.length + p.envelope.cc.length + p.envelope.bcc.length);
}

function countParts(node: { children?: unknown[] | null }): number {
  let n = 1;
  for (const c of (node.children ?? []) as Array<{ children?: unknown[] | null }>) n += countParts(c);
  return n;
}

// Keyed by item id (a number: no key string to build per message on the hot path); the entry
// holds the blob hash it was parsed from, and a lookup with another hash is a miss.
export function cachedParse(itemId: number, blobHash: string): ParsedMessage | undefined {
  const hit = cache.get(itemId);
  if (!hit || hit.blobHash !== blobHash) return undefined;
  cache.delete(itemId);
  cache.set(itemId, hit);
  return hit.parsed;
}

export function rememberParse(itemId: number, blobHash: string, parsed: ParsedMessage): void {
  const old = cache.get(itemId);
  if (old) { held -= old.size; cache.delete(itemId); }
  const size = sizeOf(parsed);
  cache.set(itemId, { blobHash, parsed, size });
  held += size;
  for (const [oldest, v] of cache) {
    if (held <= MAX_BYTES) break;
    cache.delete(oldest);
    held -= v.size;
  }
}
