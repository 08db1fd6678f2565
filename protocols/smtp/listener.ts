/**
 * One SMTP listener on smtp-server: the MX (RFC 5321, no AUTH, local recipients only),
 * submission (RFC 6409 with STARTTLS, RFC 3207, and AUTH required, RFC 4954) or submission over
 * implicit TLS (RFC 8314). The transaction: recipients are resolved at RCPT (no backscatter),
 * DATA is read up to the smallest size limit of its recipients, and 250 is sent only after the
 * delivery pipeline has committed the message.
 */
import type { SecureContext } from 'node:tls';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import type { Store } from '../../src/store/store.js';
import type { Authenticator } from '../../src/auth/authenticator.js';
import type { Account, Domain } from '../../src/model/types.js';
import { resolveRecipient } from '../../src/mail/recipients.js';
import { mayPost } from '../../src/mail/lists/policy.js';
import { mailboxWouldExceed } from '../../src/mail/quota.js';
import { mayUseSender, SendRate } from '../../src/mail/submission-policy.js';
import { reply, deliveryErrorReply, SmtpReply } from './replies.js';
import { usePreciseCodes } from './precise-codes.js';
import { IpLimiter } from './rate-limits.js';
import { readBounded } from './bounded-data.js';
import { smtpAuthFailure } from './auth-answer.js';
import { fromAddresses } from './from-header.js';
import { receivedHeader } from './received.js';
import type { MailDelivery, SmtpDsn } from './delivery.js';
import type { SmtpSettings } from './settings.js';
import { domainSizeLimit, ownSizeLimit, sizeLimitOf } from './size-limit.js';
import type { Srs } from '../../src/mail/srs.js';

export type SmtpMode = 'mx' | 'submission' | 'submissions';

export interface SmtpTls {
  key: string;
  cert: string;
  SNICallback: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;
}

export interface SmtpDeps {
  store: Store;
  auth: Authenticator;
  log: Logger;
  hostname: string;
  settings: SmtpSettings;
  delivery: MailDelivery;
  /** Shared by the listeners of one node, so that per-IP limits count every listener. */
  limiter: IpLimiter;
  sendRate: SendRate;
  /** TLS material; null leaves STARTTLS out (MX only: submission needs it). */
  tls: SmtpTls | null;
  /** Authentication auth answers (swap point for src/auth/answers.ts). */
  authFailure?: typeof smtpAuthFailure;
  now?: () => number;
  /** SRS for the MX's forwarding to other domains (src/mail/srs.ts); without it such aliases answer 451. */
  srs?: Srs;
}

/** What one transaction has accepted so far, reset by each MAIL FROM. */
interface Transaction {
  number: number;
  /** Accepted mailboxes by account id, and the smallest size limit among them. */
  mailboxes: Map<number, Account>;
  /** Their domains as read at RCPT, by id (deliver() does not read them again). */
  domains: Map<number, Domain>;
  /** Submission: addresses of other domains (and forwarding targets), for the outbound queue. */
  remote: Set<string>;
  limit: number;
  /**
   * The accepted mailboxes' own size limits (their settings) still being read: without a
   * declared SIZE nothing is decided by them at RCPT, so the read runs while the client goes
   * on (issue 10: a round trip fewer per RCPT on PostgreSQL) and `limit` takes them at DATA.
   */
  pendingLimits: Promise<number>[];
  /** MX: the domain of an alias that forwards elsewhere (the SRS forwarding domain), or of an SRS bounce. */
  forwardingDomain: string | null;
}

/** The transaction's RFC 3461 parameters as smtp-server parsed them; undefined when none were given. */
function dsnOf(session: SMTPServerSession): SmtpDsn | undefined {
  const dsn: SmtpDsn = {};
  const e = session.envelope.dsn;
  if (e?.ret === 'FULL' || e?.ret === 'HDRS') dsn.ret = e.ret;
  if (e?.envid) dsn.envid = e.envid;
  for (const r of session.envelope.rcptTo) {
    if (r.dsn?.notify?.length) (dsn.notify ??= {})[r.address] = r.dsn.notify;
    if (r.dsn?.orcpt) (dsn.orcpt ??= {})[r.address] = r.dsn.orcpt;
  }
  return Object.keys(dsn).length ? dsn : undefined;
}

export function createSmtpServer(mode: SmtpMode, deps: SmtpDeps): SMTPServer {
  const { store, settings, limiter } = deps;
  const log = deps.log.child({ proto: 'smtp', listener: mode });
  const submission = mode !== 'mx';
  const now = deps.now ?? Date.now;
  const authFailure = deps.authFailure ?? smtpAuthFailure;
  const counted = new Set<string>();
  const transactions = new WeakMap<SMTPServerSession, Transaction>();
  if (submission && !deps.tls) throw new Error('submission needs TLS');

  const tx = (session: SMTPServerSession, fresh = false): Transaction => {
    let t = transactions.get(session);
    if (fresh || !t || t.number !== session.transaction) {
      t = { number: session.transaction, mailboxes: new Map(), domains: new Map(), remote: new Set(), limit: settings.maxMessageSize, pendingLimits: [], forwardingDomain: null };
      transactions.set(session, t);
    }
    return t;
  };
  // Any command past the per-IP budget ends the connection with 421 (RFC 5321 §4.2.2).
  const spend = (session: SMTPServerSession) => {
    if (!limiter.command(session.remoteAddress)) throw reply.commandRate();
  };
  const guard = <A extends unknown[]>(name: string, fn: (...a: A) => Promise<void>) =>
    (...args: [...A, (err?: Error | null) => void]) => {
      const cb = args.pop() as (err?: Error | null) => void;
      fn(...(args as unknown as A)).then(() => cb(), (e: unknown) => {
        if (!(e instanceof SmtpReply)) log.error({ err: (e as Error).message, stage: name }, 'smtp.error');
        cb(e instanceof SmtpReply ? e : reply.temporary());
      });
    };

  const server: SMTPServer = new SMTPServer({
    name: deps.hostname,
    banner: 'Hearth',
    secure: mode === 'submissions',
    ...(deps.tls ? { key: deps.tls.key, cert: deps.tls.cert, SNICallback: deps.tls.SNICallback, minVersion: 'TLSv1.2' as const } : {}),
    hideSTARTTLS: !deps.tls || mode === 'submissions',
    // Submission: AUTH PLAIN and LOGIN only, and only over TLS (RFC 4954 §4, RFC 8314 §3.3).
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: !submission,
    allowInsecureAuth: false,
    disabledCommands: submission ? [] : ['AUTH'],
    size: settings.maxMessageSize,
    // Off by default in smtp-server; RFC 2034 codes help clients tell "no such user" from "mailbox full".
    hideENHANCEDSTATUSCODES: false,
    // RFC 3461: NOTIFY and ORCPT at RCPT, RET and ENVID at MAIL (checked by smtp-server, 501 when
    // malformed), kept with the queued message and honoured in its DSNs (src/mail/queue/).
    hideDSN: false,
    disableReverseLookup: !settings.reverseDns,
    maxClients: settings.maxConnections,
    socketTimeout: settings.socketTimeoutSeconds * 1000,
    closeTimeout: 10_000,
    logger: false,

    onConnect(session, cb) {
      usePreciseCodes(server, session);
      if (!limiter.connect(session.remoteAddress)) return cb(reply.tooManyConnections());
      counted.add(session.id);
      if (settings.greetingDelayMs <= 0) return cb();
      setTimeout(() => cb(), settings.greetingDelayMs).unref();
    },

    onClose(session) {
      if (counted.delete(session.id)) limiter.disconnect(session.remoteAddress);
    },

    onAuth(auth, session, cb) {
      void (async () => {
        spend(session);
        // smtp-server refuses AUTH before STARTTLS already (538); this holds even if an option changes.
        if (!session.secure) throw new SmtpReply(538, '5.7.11', 'Encryption required for requested authentication mechanism');
        const result = await deps.auth.verify(auth.username ?? '', auth.password ?? '', session.remoteAddress);
        if (!result.ok || result.account.kind !== 'user') throw authFailure(result.ok ? { ok: false, reason: 'invalid' } : result);
        log.info({ cid: session.id, user: result.account.email }, 'smtp.auth.ok');
        return result.account;
      })().then((account) => cb(null, { user: account }), (e: unknown) => {
        if (!(e instanceof SmtpReply)) log.error({ err: (e as Error).message, stage: 'auth' }, 'smtp.error');
        cb(e instanceof SmtpReply ? e : reply.temporary());
      });
    },

    onMailFrom: guard('mail', async (address: SMTPServerAddress, session: SMTPServerSession) => {
      spend(session);
      // Every MAIL starts a new transaction (RFC 5321 §4.1.1.2): nothing of one that RSET
      // abandoned may carry over (smtp-server's transaction number does not change on RSET).
      tx(session, true);
      if (!submission) return;
      const user = session.user as Account;
      // RFC 6409 §6.1: the submission server may refuse a sender the user does not own.
      if (!address.address || !(await mayUseSender(store, user, address.address))) throw reply.senderNotOwned();
      if (!deps.sendRate.allows(user.id)) throw reply.messageRate(settings.messagesPerHour);
      // The sender's own domain limit applies to what it sends (DESIGN: per-domain size limits).
      tx(session).limit = Math.min(tx(session).limit, await sizeLimitOf(store, user, settings.maxMessageSize));
    }),

    onRcptTo: guard('rcpt', async (address: SMTPServerAddress, session: SMTPServerSession) => {
      spend(session);
      const t = tx(session);
      const max = submission ? settings.recipientsPerMessage : settings.mxMaxRecipients;
      // RFC 5321 §4.5.3.1.10: 452 for too many recipients; the client sends the rest later.
      if (session.envelope.rcptTo.length >= max) throw reply.tooManyRecipients(max);
      // A bounce to an SRS address this server made goes back to the original sender (through the queue).
      const srsOriginal = !submission && deps.srs ? deps.srs.reverse(address.address) : null;
      if (srsOriginal) { t.remote.add(srsOriginal); return; }
      const r = await resolveRecipient(store, address.address);
      // Submission relays to other domains through the outbound queue (src/mail/queue/); the MX never relays.
      if (r.kind === 'remote' && !submission) throw reply.relayDenied();
      if (r.kind === 'remote') { t.remote.add(address.address); return; }
      if (r.kind === 'unknown') throw reply.unknownUser();
      if (r.kind === 'too-complex') throw reply.aliasTooComplex();
      // A mailing list: its posting policy now; the post is fanned out after DATA (src/mail/lists).
      if (r.kind === 'list') {
        if (!(await mayPost(store, r.list, session.envelope.mailFrom ? session.envelope.mailFrom.address : '', submission ? (session.user as Account).email : null))) throw reply.listPostRefused();
        return;
      }
      // Forwarding from the MX to another domain: only with SRS (SPF breaks otherwise), else refused temporarily.
      if (r.remote.length > 0 && !submission) {
        if (!deps.srs) throw reply.noRemoteForwarding();
        t.forwardingDomain ??= r.domain.name;
      }
      const mailFromArgs = session.envelope.mailFrom ? session.envelope.mailFrom.args : false;
      const declaredSize = mailFromArgs && typeof mailFromArgs.SIZE === 'string' ? Number(mailFromArgs.SIZE) : 0;
      let limit = t.limit;
      const pending: Promise<number>[] = [];
      for (const m of r.mailboxes) {
        // The mailbox's domain as the resolution just read it (an account's address is in its domain).
        const domain = r.domains.get(m.domainId) ?? await store.getDomain(m.domainId);
        if (!domain) throw reply.unknownUser();
        if (declaredSize > 0) {
          const mine = await sizeLimitOf(store, m, settings.maxMessageSize, domain);
          // RFC 1870 §6.2: a SIZE over this recipient's limit is refused at RCPT.
          if (declaredSize > mine) throw reply.tooBig(mine);
          limit = Math.min(limit, mine);
        } else {
          // No SIZE: the account's own limit only bounds DATA; it is read meanwhile (see Transaction).
          limit = Math.min(limit, domainSizeLimit(settings.maxMessageSize, domain));
          const own = ownSizeLimit(store, m);
          own.catch(() => {}); // awaited at DATA; a transaction abandoned before it must not leave an unhandled rejection
          pending.push(own);
        }
        // The mail store's own rule (src/mail/quota.ts): one more message, of the declared size if any.
        if (await mailboxWouldExceed(store, m, domain, declaredSize)) throw reply.overQuota();
        t.domains.set(domain.id, domain);
      }
      t.limit = limit;
      t.pendingLimits.push(...pending);
      for (const m of r.mailboxes) t.mailboxes.set(m.id, m);
      for (const a of r.remote) t.remote.add(a);
    }),

    onData(stream, session, cb) {
      void (async () => {
        spend(session);
        const t = tx(session);
        const read = await readBounded(stream, t.limit);
        // The recipients' own limits read since RCPT (a message over one is refused after its dot, as any).
        t.limit = Math.min(t.limit, ...await Promise.all(t.pendingLimits));
        t.pendingLimits = [];
        const size = read.ok ? read.bytes.length : read.size;
        if (!read.ok || size > t.limit) {
          log.info({ cid: session.id, size, limit: t.limit }, 'smtp.data.too-big');
          throw reply.tooBig(t.limit);
        }
        const user = submission ? (session.user as Account) : null;
        if (user) {
          const from = await fromAddresses(read.bytes).catch(() => null);
          if (!from) throw reply.badHeader();
          for (const a of from) if (!(await mayUseSender(store, user, a))) throw reply.fromNotOwned();
        }
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const rcptTo = session.envelope.rcptTo.map((r) => r.address);
        const trace = receivedHeader({
          helo: session.hostNameAppearsAs, clientHostname: session.clientHostname, remoteAddress: session.remoteAddress,
          by: deps.hostname, with: session.transmissionType, id: session.id, for: rcptTo.length === 1 ? rcptTo[0] : null, at: new Date(now()),
        });
        const bytes = Buffer.concat([Buffer.from(trace), read.bytes]);
        try {
          await deps.delivery.deliver([...t.mailboxes.values()], bytes, {
            mailFrom, rcptTo, remoteAddress: session.remoteAddress, helo: session.hostNameAppearsAs, authenticatedAs: user?.email ?? null,
            remote: [...t.remote], dsn: dsnOf(session), mailboxDomains: [...t.domains.values()],
            // SRS: the forwarded copies leave with a rewritten reverse-path (the null sender stays null).
            ...(t.forwardingDomain && deps.srs && t.remote.size ? { remoteMailFrom: deps.srs.forward(mailFrom, t.forwardingDomain) } : {}),
          });
        } catch (e) {
          const r = deliveryErrorReply(e);
          if (r.responseCode === 451) log.error({ cid: session.id, err: (e as Error).message }, 'smtp.deliver.failed');
          throw r;
        }
        if (user) deps.sendRate.record(user.id);
        log.info({ cid: session.id, size: bytes.length, rcpts: rcptTo.length, user: user?.email }, 'smtp.delivered');
      })().then(() => cb(null, `Message accepted, id ${session.id}`), (e: unknown) => {
        if (!(e instanceof SmtpReply)) log.error({ err: (e as Error).message, stage: 'data' }, 'smtp.error');
        // Drain whatever the client still sends, so that the reply comes after its final dot.
        stream.resume();
        cb(e instanceof SmtpReply ? e : reply.temporary());
      });
    },
  });
  server.on('error', (e) => log.warn({ err: e.message }, 'smtp.connection.error'));
  return server;
}
