import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import pino from 'pino';
import type { Config, Listener } from './config.js';
import { protocolSettings } from './config.js';
import { openStore } from '../store/open.js';
import { AuthService } from '../auth/auth-service.js';
import type { ProtocolContext } from '../model/context.js';
import { buildServer } from './app.js';
import { loadTls } from './tls.js';
import { bootstrap } from './bootstrap.js';
import { startSmtp, type RunningSmtp } from './smtp.js';
import { storeDelivery } from './smtp-delivery.js';
import { startPop3, type RunningPop3 } from './pop3.js';
import { createQueue, type OutboundQueue } from './queue.js';
import { deliveryExtras, spamFilterOf } from './mail-filters.js';
import { protocolAuthenticator } from '../auth/protocol-access.js';
import { mailPolicies, submissionOutbound } from './mail-policies.js';

import { startImap, type RunningImap } from './imap.js';
import { oneClickOf } from '../mail/lists/one-click.js';


/**
 * `hearth serve`: opens the store, creates the first domain and administrator on an empty store,
 * and runs the HTTP and HTTPS listeners until SIGTERM/SIGINT, then closes them gracefully
 * (in-flight requests finish, held ActiveSync Pings are answered) and closes the store.
 */
export async function serve(config: Config, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const log = pino({ level: config.logLevel, base: { node: process.pid }, redact: ['req.headers.authorization', '*.password'] });
  const store = await openStore(config.database, config.dataDir, (e) => log.error({ err: e.message }, 'store.connection.error'));
  let app: Awaited<ReturnType<typeof buildServer>> | null = null;
  let httpsServer: HttpsServer | null = null;
  let smtp: RunningSmtp | null = null;
  let pop3: RunningPop3 | null = null;
  let queue: OutboundQueue | null = null;
  let imap: RunningImap | null = null;
  const lines: string[] = [];
  let first: Awaited<ReturnType<typeof bootstrap>>;
  try {
    first = await bootstrap(store, config.firstDomain, config.adminPassword);
    const auth = new AuthService(store, {
      lockout: { maxFailures: config.auth.maxFailures, windowMs: config.auth.lockoutWindowSeconds * 1000 },
      cacheTtlMs: config.auth.cacheTtlSeconds * 1000,
    });
    queue = createQueue(config, store, log);
    const policies = mailPolicies(config, store, log, queue.outbound);
    const extras = { ...deliveryExtras(config, store, queue.outbound, log), queue: queue.outbound, policies, oneClick: await oneClickOf(store, config.publicUrl) };
    // Mail a phone sends (ActiveSync SendMail/SmartReply/SmartForward) gets the footer and the DKIM
    // signature like SMTP submission, is archived when the archive is on, and leaves through the queue.
    const outbound = submissionOutbound(extras.outbound ?? queue.outbound, policies);
    const ctx: ProtocolContext = { store, auth, log, settings: protocolSettings(config), now: Date.now, outbound, spamTrainer: spamFilterOf(config) };
    const built = await buildServer(ctx, { trustProxy: config.trustProxy, registerMetrics: queue.registerMetrics });
    app = built;
    await built.ready();

    const { http, https } = config.listeners;
    // Expect: 100-continue goes through routing like any request; app.ts sends the 100 once the
    // protocol's checks have let it through (Node would otherwise send it before any check).
    routeExpectContinue(built.server, (req, res) => built.server.emit('request', req, res));
    if (http) {
      await app.listen({ host: http.host, port: http.port }).catch((e) => { throw listenError('HEARTH_HTTP', http, e); });
      lines.push(`  HTTP    http://${hostForUrl(http.host)}:${(app.server.address() as { port: number }).port}/`);
    }
    if (https) {
      const tls = await loadTls(config);
      const routing = app.routing.bind(app);
      const server = createHttpsServer({ cert: tls.cert, key: tls.key, SNICallback: tls.SNICallback, minVersion: 'TLSv1.2' },
        (req, res) => routing(req, res));
      routeExpectContinue(server, routing);
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e) => reject(listenError('HEARTH_HTTPS', https, e)));
        server.listen(https.port, https.host, () => resolve());
      });
      httpsServer = server;
      lines.push(`  HTTPS   https://${hostForUrl(https.host)}:${(server.address() as { port: number }).port}/${tls.selfSigned ? '  (self-signed certificate in DATA/tls/)' : ''}`);
    }
    smtp = await startSmtp(config, { ...ctx, auth: protocolAuthenticator(ctx.auth, store, 'smtp') }, storeDelivery(store, log, extras));
    lines.push(...smtp.lines);
    imap = await startImap(config, { ...ctx, auth: protocolAuthenticator(ctx.auth, store, 'imap') });
    lines.push(...imap.lines);
    pop3 = await startPop3(config, { ...ctx, auth: protocolAuthenticator(ctx.auth, store, 'pop3') });
    lines.push(...pop3.lines);
    queue.start();
  } catch (e) {
    // A listener that did start must not keep the process alive after a failed start.
    await app?.close().catch(() => {});
    httpsServer?.close();
    await smtp?.close().catch(() => {});
    await imap?.close().catch(() => {});
    await pop3?.close().catch(() => {});
    await queue?.stop().catch(() => {});
    await store.close().catch(() => {});
    throw e;
  }
  // Handlers before the banner: whoever reads the banner may signal at once (a supervisor, a
  // test), and a SIGTERM that arrives before them would kill the process without a graceful stop.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'server.stopping');
    const force = setTimeout(() => { log.warn('server.stop.forced'); process.exit(1); }, 15_000);
    force.unref();
    const https = httpsServer as HttpsServer | null;
    await Promise.all([
      app!.close(),
      https ? new Promise<void>((r) => { https.close(() => r()); https.closeIdleConnections(); }) : Promise.resolve(),
      // smtp-server lets transactions in progress finish (up to its closeTimeout) before closing.
      smtp ? smtp.close() : Promise.resolve(),
      imap ? imap.close() : Promise.resolve(),
      pop3 ? pop3.close() : Promise.resolve(),
    ]);
    // After the listeners: attempts in progress finish and are recorded before the store closes.
    await queue?.stop();
    await store.close();
    log.info('server.stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  out.write([
    `Hearth is running (store: ${store.dialect}${store.dialect === 'sqlite' ? ` in ${config.dataDir}` : ''}).`,
    ...lines,
    '  on them: ActiveSync /Microsoft-Server-ActiveSync, CalDAV/CardDAV /dav/ (/.well-known/caldav, /.well-known/carddav),',
    '           Autodiscover /autodiscover/autodiscover.xml, health /healthz, metrics /metrics',
    ...(first.created ? [
      `First start: domain ${first.created.domain}, administrator ${first.created.admin}` +
        (first.created.generated ? ` with password ${first.created.password} (shown once: keep it)` : ' (password from HEARTH_ADMIN_PASSWORD)'),
    ] : []),
    '',
  ].join('\n'));
}

function listenError(name: string, l: Listener, e: NodeJS.ErrnoException): Error {
  const why = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.code ?? e.message;
  return new Error(`${name}: cannot listen on ${hostForUrl(l.host)}:${l.port}: ${why}`);
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Requests with `Expect: 100-continue` are routed like any other instead of Node answering
 * "100 Continue" at once; app.ts sends it when the protocol's checks have passed.
 */
export function routeExpectContinue(
  server: import('node:http').Server | HttpsServer,
  route: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void,
): void {
  server.on('checkContinue', route);
}
