/**
 * Item ServerIds and the compact set of item ids a device holds.
 *
 * A ServerId is "<folderId>:<itemId>" (store ids, decimal). It names the collection it lives in,
 * so that a ServerId sent for another collection, another account's folder or a made-up item never
 * resolves: every lookup checks the item's folder and account (see resolveItem in client-ops.ts).
 */

export function serverIdOf(folderId: number, itemId: number): string {
  return `${folderId}:${itemId}`;
}

/** The item id of a ServerId of this collection; null when it is not one. */
export function parseItemServerId(serverId: string | undefined, folderId: number): number | null {
  if (!serverId || serverId.length > 64) return null;
  const m = /^([1-9][0-9]{0,15}):([1-9][0-9]{0,15})$/.exec(serverId);
  if (!m || Number(m[1]) !== folderId) return null;
  const id = Number(m[2]);
  return Number.isSafeInteger(id) ? id : null;
}

/** The folder part of a ServerId (MoveItems names the source folder separately, but must agree). */
export function folderOfServerId(serverId: string | undefined): number | null {
  const m = serverId ? /^([1-9][0-9]{0,15}):[1-9][0-9]{0,15}$/.exec(serverId) : null;
  return m ? Number(m[1]) : null;
}

/**
 * A set of positive integers kept as sorted, disjoint, non-adjacent ranges, serialised as
 * "1-5000,5002,6000-6010". Items created together have consecutive ids, so the set of a
 * 5,000-contact folder is usually a handful of characters.
 */
export class IdSet {
  /** Flat [start0, end0, start1, end1, ...], inclusive bounds. */
  private r: number[];

  constructor(ranges: number[] = []) {
    this.r = ranges;
  }

  static parse(s: string | undefined | null): IdSet {
    const out: number[] = [];
    if (!s) return new IdSet(out);
    for (const part of s.split(',')) {
      const dash = part.indexOf('-');
      const a = Number(dash < 0 ? part : part.slice(0, dash));
      const b = dash < 0 ? a : Number(part.slice(dash + 1));
      if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < 1 || b < a) throw new Error('bad id set');
      if (out.length && a <= out[out.length - 1] + 1) throw new Error('unsorted id set');
      out.push(a, b);
    }
    return new IdSet(out);
  }

  toString(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.r.length; i += 2) parts.push(this.r[i] === this.r[i + 1] ? String(this.r[i]) : `${this.r[i]}-${this.r[i + 1]}`);
    return parts.join(',');
  }

  clone(): IdSet {
    return new IdSet(this.r.slice());
  }

  get size(): number {
    let n = 0;
    for (let i = 0; i < this.r.length; i += 2) n += this.r[i + 1] - this.r[i] + 1;
    return n;
  }

  /** Index of the range (pair index) whose start is the greatest <= id, or -1. */
  private find(id: number): number {
    let lo = 0;
    let hi = this.r.length / 2 - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.r[mid * 2] <= id) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return best;
  }

  has(id: number): boolean {
    const i = this.find(id);
    return i >= 0 && id <= this.r[i * 2 + 1];
  }

  add(id: number): void {
    const i = this.find(id);
    if (i >= 0 && id <= this.r[i * 2 + 1]) return;
    const joinPrev = i >= 0 && this.r[i * 2 + 1] === id - 1;
    const next = i + 1;
    const joinNext = next * 2 < this.r.length && this.r[next * 2] === id + 1;
    if (joinPrev && joinNext) {
      this.r[i * 2 + 1] = this.r[next * 2 + 1];
      this.r.splice(next * 2, 2);
    } else if (joinPrev) this.r[i * 2 + 1] = id;
    else if (joinNext) this.r[next * 2] = id;
    else this.r.splice(next * 2, 0, id, id);
  }

  delete(id: number): void {
    const i = this.find(id);
    if (i < 0 || id > this.r[i * 2 + 1]) return;
    const a = this.r[i * 2];
    const b = this.r[i * 2 + 1];
    if (a === b) this.r.splice(i * 2, 2);
    else if (id === a) this.r[i * 2] = a + 1;
    else if (id === b) this.r[i * 2 + 1] = b - 1;
    else this.r.splice(i * 2, 2, a, id - 1, id + 1, b);
  }
}
