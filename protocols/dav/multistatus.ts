/**
 * A 207 multistatus (RFC 4918 §13) from parts rendered one chunk at a time: a large listing
 * (10,000 members are ~2 MB) is written to the socket as it is rendered instead of being
 * assembled into one string first; a small one is sent as one string with its length.
 */
import { Readable } from 'node:stream';
import type { DavResponse } from './request.js';
import { xmlResponse } from './request.js';
import { NS } from './xml/names.js';
import { documentRoot } from './xml/writer.js';

/** Listings of more members than this are streamed. */
export const STREAM_ABOVE = 1000;

const MARK = '\u0001';
const [OPEN, CLOSE] = documentRoot(NS.DAV, 'multistatus', MARK).split(MARK);

/**
 * `head` (already rendered), then every chunk of `body`, then `tail`. With `stream` false the
 * chunks are joined first. Rendering errors after the first byte cannot change the status, so
 * the chunks must come from data already read (no store access while streaming).
 */
export async function multistatus(head: string, body: AsyncIterable<string>, tail: string, stream: boolean): Promise<DavResponse> {
  if (!stream) {
    let inner = head;
    for await (const c of body) inner += c;
    return xmlResponse(207, OPEN + inner + tail + CLOSE);
  }
  async function* all(): AsyncGenerator<string> {
    yield OPEN + head;
    for await (const c of body) yield c;
    yield tail + CLOSE;
  }
  return { ...xmlResponse(207, ''), body: Readable.from(all(), { objectMode: false }) };
}
