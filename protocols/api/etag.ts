/**
 * ETags and If-Match for every administered resource (RFC 9110 §8.8.3, §13.1.1). The tag is the
 * resource's version (moved by every API write, a compare-and-set in the store) and a hash of
 * its public view (so a change made elsewhere, e.g. by the CLI, changes the tag too). A write
 * with If-Match proceeds only when the tag matches and it wins the version's compare-and-set:
 * of two writers holding the same tag, on any node, one gets 412.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../src/store/store.js';
import { HttpProblem } from './problem.js';

export const etagOf = (version: number, view: unknown) =>
  `"${version}-${createHash('sha256').update(JSON.stringify(view)).digest('base64url').slice(0, 22)}"`;

/** Sets the resource's current ETag on the answer (GET). */
export async function tagReply(store: Store, reply: FastifyReply, resource: string, view: unknown): Promise<void> {
  reply.header('etag', etagOf(await store.resourceVersion(resource), view));
}

function matches(header: string, tag: string): boolean {
  if (header.trim() === '*') return true;
  // Strong comparison (§13.1.1): weak tags never match.
  return header
    .split(',')
    .map((s) => s.trim())
    .includes(tag);
}

/**
 * Checks If-Match against the resource's current view and claims the next version; throws 412
 * when the tag does not match or another write won. Returns the new version.
 * `view` null: the resource does not exist (If-Match then fails, RFC 9110 §13.1.1).
 */
export async function claimWrite(store: Store, req: FastifyRequest, resource: string, view: unknown): Promise<number> {
  const header = req.headers['if-match'];
  for (let attempt = 0; ; attempt++) {
    const version = await store.resourceVersion(resource);
    if (header !== undefined) {
      if (view === null || !matches(String(header), etagOf(version, view)))
        throw new HttpProblem(412, 'Precondition Failed', 'the resource has changed (If-Match)');
    }
    if (await store.claimResourceVersion(resource, version)) return version + 1;
    // An unconditional write lost a race for the counter only: take the next one.
    if (header !== undefined || attempt > 20) throw new HttpProblem(412, 'Precondition Failed', 'the resource was changed concurrently');
  }
}
