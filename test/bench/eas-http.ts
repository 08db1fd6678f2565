/**
 * The ActiveSync test device (test/protocols/activesync/harness.ts) over real HTTP: an object with
 * fastify's `inject` signature that sends the request with node:http (keep-alive, one socket) to a
 * server in another process, so the same device code drives Hearth and Z-Push alike.
 */
import { Agent, request } from 'node:http';
import type { FastifyInstance } from 'fastify';

interface InjectOptions { method: string; url: string; headers: Record<string, string>; payload?: Buffer }

export function httpApp(base: string): FastifyInstance {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const u = new URL(base);
  const inject = (o: InjectOptions) => new Promise((res, rej) => {
    const headers: Record<string, string> = { ...o.headers, 'content-length': String(o.payload?.length ?? 0) };
    const r = request({ host: u.hostname, port: u.port, path: `${u.pathname.replace(/\/$/, '')}${o.url}`, method: o.method, agent, headers }, (m) => {
      const chunks: Buffer[] = [];
      m.on('data', (c: Buffer) => chunks.push(c));
      m.on('end', () => res({ statusCode: m.statusCode ?? 0, headers: m.headers, rawPayload: Buffer.concat(chunks) }));
      m.on('error', rej);
    });
    r.on('error', rej);
    r.end(o.payload);
  });
  return { inject } as unknown as FastifyInstance;
}
