// The IMAP listener: a TCP server (STARTTLS) or TLS server (implicit TLS, RFC 8314) that runs one
// ImapConnection per client. The composition root (src/server/imap.ts) passes context and TLS.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { ProtocolContext } from '../../../src/model/context.js';
import { ImapConnection } from './connection.js';
import { DEFAULT_IMAP_LIMITS, type ImapLimits } from './limits.js';

export interface ImapServerOptions {
  ctx: ProtocolContext;
  tls: TlsOptions;
  implicitTls: boolean;
  limits?: Partial<ImapLimits>;
}

export interface ImapServer {
  server: Server;
  /** Ends every connection (BYE) and stops listening. */
  close(): Promise<void>;
}

export function createImapServer(opts: ImapServerOptions): ImapServer {
  const limits = { ...DEFAULT_IMAP_LIMITS, ...opts.limits };
  const live = new Set<Socket>();
  const onSocket = (socket: Socket) => {
    live.add(socket);
    socket.on('close', () => live.delete(socket));
    socket.on('error', () => {});
    const conn = new ImapConnection(socket, { ctx: opts.ctx, limits, tls: opts.tls, implicitTls: opts.implicitTls });
    conn.run().catch((e) => {
      opts.ctx.log.error({ err: (e as Error).message }, 'imap.connection.failed');
      socket.destroy();
    });
  };
  const server = opts.implicitTls
    ? createTlsServer({ ...opts.tls, minVersion: 'TLSv1.2' }, onSocket)
    : createServer(onSocket);
  // A failed TLS handshake is the client's problem, never the process's.
  server.on('tlsClientError', () => {});
  return {
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of live) s.end('* BYE Server shutting down\r\n');
      setTimeout(() => { for (const s of live) s.destroy(); }, 2000).unref();
    }),
  };
}
