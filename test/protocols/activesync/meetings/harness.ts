/**
 * Meetings end to end: the real SMTP MX listener delivering into a real store, the real outbound
 * queue handing remote mail to a second SMTP server on loopback acting as the remote MX
 * (test/src/mail/queue/remote-mx.ts, DNS from the test resolver), the ActiveSync and DAV
 * plugins on one context (CalDAV scheduling's iMIP through the same queue), phones speaking WBXML.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pino from 'pino';
import { startHarness, type SmtpHarness } from '../../smtp/harness.js';
import { storeDelivery } from '../../../../src/server/smtp-delivery.js';
import { createQueue, type OutboundQueue } from '../../../../src/server/queue.js';
import { imipOverOutbound } from '../../../../src/mail/imip/sender.js';
import { activesyncPlugin } from '../../../../protocols/activesync/plugin.js';
import { davPlugin } from '../../../../protocols/dav/plugin.js';
import { RemoteMx, testResolver } from '../../../src/mail/queue/remote-mx.js';
import { phone, type Phone } from '../sync/helpers.js';
import { basic } from '../harness.js';

export interface MeetingHarness {
  h: SmtpHarness;
  app: FastifyInstance;
  queue: OutboundQueue;
  remote: RemoteMx;
  /** Sends through the MX listener as an outside sender would. */
  smtp(mail: SendMailOptions): Promise<void>;
  phone(user: string, pw: string, deviceId: string, version?: string): Promise<Phone>;
  /** A CalDAV request as `user`. */
  dav(user: string, pw: string, method: string, url: string, body?: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  /** Runs the queue until nothing is due (remote deliveries done). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function meetingHarness(database?: string): Promise<MeetingHarness> {
  const log = pino({ level: 'silent' });
  const remote = await new RemoteMx().start();
  const holder: { d?: ReturnType<typeof storeDelivery> } = {};
  const h = await startHarness({
    delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) },
    context: { ...(database ? { database } : {}), auth: { lockout: { maxFailures: 1000, windowMs: 60_000 } } },
  });
  Object.assign(h.config.queue, { mxPort: remote.port, retryBaseSeconds: 60, maxLifetimeHours: 3, timeoutSeconds: 60 });
  const queue = createQueue(h.config, h.store, log, { resolver: testResolver });
  holder.d = storeDelivery(h.store, log, { queue: queue.outbound });
  h.ctx.outbound = queue.outbound;
  const app = Fastify({ logger: false });
  await app.register(activesyncPlugin, { ctx: h.ctx });
  await app.register(davPlugin, { ctx: h.ctx, imip: imipOverOutbound(queue.outbound, h.ctx.settings.hostname) });
  await app.ready();
  const mx = nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true, name: 'sender.remote.example' });
  return {
    h, app, queue, remote,
    async smtp(mail) { await mx.sendMail(mail); },
    phone: (user, pw, deviceId, version = '16.1') => phone({ app } as never, user, pw, deviceId, version),
    async dav(user, pw, method, url, body, headers = {}) {
      const r = await app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: basic(user, pw), ...headers } });
      return { status: r.statusCode, body: r.body };
    },
    async flush() {
      for (let i = 0; i < 10 && (await queue.runner.runOnce()) > 0; i++);
    },
    async close() { mx.close(); await app.close(); await h.close(); await remote.close(); },
  };
}
