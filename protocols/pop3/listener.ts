/**
 * The POP3 listeners: port 110-style with STLS (RFC 2595 §4) and POP3S with TLS from the first
 * byte (RFC 8314 §3.3). Reads CRLF-terminated lines with a length limit, runs them through the
 * session one at a time (so pipelined commands, RFC 2449 §6.6, are answered in order), ends
 * idle connections (RFC 1939 §3: at least 10 minutes) and bounds connections per address.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { randomBytes } from 'node:crypto';
import type { ProtocolContext } from '../../src/model/context.js';
import { Pop3Session, type Pop3Io } from './session.js';
import { COMMANDS } from './commands/index.js';
import { MaildropLocks } from './in-use.js';
import type { Pop3Settings } from './settings.js';

export type Pop3Mode = 'pop3' | 'pop3s';

export interface Pop3Tls {
  key: string;
  cert: string;
  SNICallback: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;
}

export interface Pop3ServerOptions {
  ctx: ProtocolContext;
  settings: Pop3Settings;
  hostname: string;
  tls: Pop3Tls;
  /** Shared by every POP3 listener of the process: one maildrop lock table. */
  locks: MaildropLocks;
}

export interface Pop3Server {
  server: Server;
  /** Stops accepting, lets commands in progress finish, then ends every connection. */
  close(): Promise<void>;
}

const LF = 0x0a;

export function createPop3Server(mode: Pop3Mode, opts: Pop3ServerOptions): Pop3Server {
  const { ctx, settings } = opts;
  const tlsOptions = { key: opts.tls.key, cert: opts.tls.cert, SNICallback: opts.tls.SNICallback, minVersion: 'TLSv1.2' as const };
  const secureContext = createSecureContext(tlsOptions);
  const perIp = new Map<string, number>();
  const open = new Set<{ socket: Socket; busy: Promise<void> }>();

  const onConnection = (raw: Socket) => {
    const address = raw.remoteAddress ?? 'unknown';
    raw.on('error', () => raw.destroy());
    if (open.size >= settings.maxConnections || (perIp.get(address) ?? 0) >= settings.maxConnectionsPerIp) {
      raw.end('-ERR [SYS/TEMP] Too many connections, try again later\r\n');
      return;
    }
    perIp.set(address, (perIp.get(address) ?? 0) + 1);
    const conn = { socket: raw, busy: Promise.resolve() };
    open.add(conn);

    let stream: Socket = raw;
    let secure = mode === 'pop3s';
    let buffered: Buffer = Buffer.alloc(0);
    const queue: string[] = [];
    let running = false;
    let closed = false;
    let upgrading = false;
    let cleanup = () => {};

    const io: Pop3Io = {
      get secure() {
        return secure;
      },
      get canStartTls() {
        return mode === 'pop3' && !secure;
      },
      get closed() {
        return closed;
      },
      remoteAddress: address,
      write: (data) =>
        new Promise<void>((resolve) => {
          if (closed || stream.destroyed) return resolve();
          // A client slowly reading a large RETR is not idle: each flushed write restarts the timer.
          stream.write(data, () => {
            touch();
            resolve();
          });
        }),
      startTls: () => {
        // RFC 2595 §4 / RFC 3207 §4.2 lesson: nothing sent before the handshake may be read as a command after it.
        upgrading = true;
        queue.length = 0;
        buffered = Buffer.alloc(0);
        stream.off('data', onData);
        const tlsSocket = new TLSSocket(raw, { isServer: true, secureContext, SNICallback: opts.tls.SNICallback });
        tlsSocket.on('error', () => raw.destroy());
        tlsSocket.once('close', () => cleanup());
        tlsSocket.once('secure', () => {
          secure = true;
          upgrading = false;
        });
        tlsSocket.on('data', onData);
        stream = tlsSocket;
      },
      close: () => {
        if (closed) return;
        closed = true;
        stream.end();
      },
    };
    const session = new Pop3Session(
      io,
      { ctx, settings, locks: opts.locks, hostname: opts.hostname },
      COMMANDS,
      randomBytes(6).toString('hex'),
    );

    const run = async () => {
      if (running) return;
      running = true;
      while (queue.length > 0 && !closed) {
        const line = queue.shift()!;
        try {
          await session.handle(line);
        } catch (e) {
          session.log.warn({ err: (e as Error).message }, 'pop3.command.error');
          await io.write('-ERR [SYS/TEMP] Internal error, try again later\r\n');
        }
        if (upgrading) queue.length = 0;
      }
      running = false;
    };

    function onData(chunk: Buffer) {
      if (closed) return;
      touch();
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      let nl: number;
      while ((nl = buffered.indexOf(LF)) >= 0) {
        if (nl + 1 > settings.maxLineBytes) break;
        const end = nl > 0 && buffered[nl - 1] === 0x0d ? nl - 1 : nl;
        queue.push(buffered.subarray(0, end).toString('utf8'));
        buffered = buffered.subarray(nl + 1);
      }
      if (buffered.indexOf(LF) >= 0 || buffered.length >= settings.maxLineBytes) {
        // A line over the limit: refuse and hang up rather than buffer without bound.
        queue.length = 0;
        buffered = Buffer.alloc(0);
        void io.write('-ERR Line too long\r\n').then(() => session.end());
        return;
      }
      if (!running) conn.busy = run();
    }

    // Our own timer, not socket.setTimeout: after STLS the bytes flow through the TLS socket.
    let idle: NodeJS.Timeout | null = null;
    const touch = () => {
      if (idle) clearTimeout(idle);
      if (closed) return; // a write flushed after the end must not start a new timer
      idle = setTimeout(() => {
        session.log.info('pop3.idle.timeout');
        void io.write('-ERR Idle timeout, closing connection\r\n').then(() => {
          session.end();
          raw.destroy();
        });
      }, settings.idleTimeoutSeconds * 1000);
    };
    touch();
    let cleaned = false;
    cleanup = () => {
      if (cleaned) return;
      cleaned = true;
      closed = true;
      if (idle) clearTimeout(idle);
      session.releaseLock();
      open.delete(conn);
      const n = (perIp.get(address) ?? 1) - 1;
      if (n <= 0) perIp.delete(address);
      else perIp.set(address, n);
    };
    raw.once('close', cleanup);
    stream.on('data', onData);
    void session.greeting();
  };

  const server = mode === 'pop3s' ? createTlsServer(tlsOptions, (s) => onConnection(s)) : createNetServer((s) => onConnection(s));
  if (mode === 'pop3s') {
    // A failed handshake never reaches onConnection; its socket is closed by Node.
    (server as ReturnType<typeof createTlsServer>).on('tlsClientError', () => {});
  }
  server.on('error', (e) => ctx.log.warn({ err: e.message }, 'pop3.server.error'));

  return {
    server,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        void Promise.all([...open].map((c) => c.busy)).then(() => {
          for (const c of open) c.socket.destroy();
        });
      });
    },
  };
}
