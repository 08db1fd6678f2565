/**
 * Starts the SMTP listeners the configuration asks for (CONTRACT.md: HEARTH_SMTP,
 * HEARTH_SUBMISSION, HEARTH_SUBMISSIONS) with one per-IP limiter and one send-rate counter
 * shared by all three, and TLS from the same per-host certificates as HTTPS (SNI).
 */
import type { SMTPServer } from 'smtp-server';
import type { Config, Listener } from './config.js';
import type { ProtocolContext } from '../model/context.js';
import { createSmtpServer, type SmtpMode } from '../../protocols/smtp/listener.js';
import { IpLimiter } from '../../protocols/smtp/rate-limits.js';
import { SendRate } from '../mail/submission-policy.js';
import type { MailDelivery } from '../../protocols/smtp/delivery.js';
import { loadTls } from './tls.js';
import { join } from 'node:path';
import { Srs } from '../mail/srs.js';

export interface RunningSmtp {
  /** Banner lines, one per listener. */
  lines: string[];
  /** Address each started listener is bound to (port 0 in tests becomes the real port). */
  ports: Partial<Record<SmtpMode, number>>;
  close(): Promise<void>;
}

const NAMES: Record<SmtpMode, [keyof Config['listeners'], string]> = {
  mx: ['smtp', 'HEARTH_SMTP'], submission: ['submission', 'HEARTH_SUBMISSION'], submissions: ['submissions', 'HEARTH_SUBMISSIONS'],
};

export async function startSmtp(config: Config, ctx: ProtocolContext, delivery: MailDelivery): Promise<RunningSmtp> {
  const modes = (Object.keys(NAMES) as SmtpMode[]).filter((m) => config.listeners[NAMES[m][0]]);
  const running: { mode: SmtpMode; server: SMTPServer }[] = [];
  const out: RunningSmtp = {
    lines: [], ports: {},
    close: () => Promise.all(running.map((r) => new Promise<void>((res) => r.server.close(() => res())))).then(() => {}),
  };
  if (modes.length === 0) return out;
  const tls = await loadTls(config);
  const limiter = new IpLimiter(config.smtp, ctx.now);
  const sendRate = new SendRate(config.smtp.messagesPerHour, ctx.now);
  // SRS for the MX's forwarding to other domains: the secret is the store's, shared by every node
  // (DATA/srs.key, where a single node kept it before, is offered the first time).
  const srs = await Srs.fromStore(ctx.store, join(config.dataDir, 'srs.key'), ctx.now);
  try {
    for (const mode of modes) {
      const [key, envName] = NAMES[mode];
      const l = config.listeners[key] as Listener;
      const server = createSmtpServer(mode, {
        store: ctx.store, auth: ctx.auth, log: ctx.log, hostname: config.hostname, settings: config.smtp, delivery, limiter, sendRate,
        tls: { key: tls.key, cert: tls.cert, SNICallback: tls.SNICallback }, now: ctx.now, srs,
      });
      await new Promise<void>((resolve, reject) => {
        const onError = (e: NodeJS.ErrnoException) => {
          const why = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.code ?? e.message;
          reject(new Error(`${envName}: cannot listen on ${l.host}:${l.port}: ${why}`));
        };
        server.server.once('error', onError);
        server.listen(l.port, l.host, () => { server.server.off('error', onError); resolve(); });
      });
      running.push({ mode, server });
      const port = (server.server.address() as { port: number }).port;
      out.ports[mode] = port;
      out.lines.push(`  ${mode === 'mx' ? 'SMTP (MX)' : mode === 'submission' ? 'Submission (STARTTLS)' : 'Submission (TLS)'}  ${l.host}:${port}`);
    }
  } catch (e) {
    await out.close();
    throw e;
  }
  return out;
}
