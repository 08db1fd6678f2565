/**
 * One bounded HTTP POST for the filter daemons' HTTP protocols (rspamd): node:http rather than
 * fetch because rspamd reads repeated headers (one `Rcpt:` per recipient) as separate lines, and
 * fetch joins them into one comma-separated value. The whole exchange has one deadline, and the
 * answer is read up to a cap.
 */
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostAnswer {
  status: number;
  body: string;
}

const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export function postBytes(url: URL, headers: OutgoingHttpHeaders, body: Uint8Array, timeoutMs: number): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { ...headers, 'Content-Length': body.byteLength } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) {
          req.destroy(new Error('answer too large'));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}
