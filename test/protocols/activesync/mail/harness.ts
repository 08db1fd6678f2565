/**
 * Email over ActiveSync end to end: a real store, the real SMTP MX listener delivering into it
 * (nodemailer as the sending client), the ActiveSync plugin on the same context, a phone speaking
 * WBXML, and a recording Outbound (the queue is not ours to test here).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pino from 'pino';
import { startHarness, type SmtpHarness } from '../../smtp/harness.js';
import { storeDelivery } from '../../../../src/server/smtp-delivery.js';
import { activesyncPlugin } from '../../../../protocols/activesync/plugin.js';
import type { Outbound, OutboundMessage } from '../../../../src/mail/outbound.js';
import { deliver } from '../../../../src/mail/deliver.js';
import { phone, type Phone } from '../sync/helpers.js';

export class RecordingOutbound implements Outbound {
  readonly sent: OutboundMessage[] = [];
  /** Local recipients are delivered too, as the real queue does. */
  constructor(private readonly h: SmtpHarness) {}
  async send(m: OutboundMessage): Promise<{ queueId: string | null }> {
    this.sent.push(m);
    const local = m.recipients.filter((r) => r.endsWith('@example.test'));
    if (local.length) await deliver(this.h.store, local, m.bytes, { envelope: { mailFrom: m.mailFrom } });
    return { queueId: local.length === m.recipients.length ? null : `q${this.sent.length}` };
  }
}

export interface MailHarness {
  h: SmtpHarness;
  app: FastifyInstance;
  outbound: RecordingOutbound;
  /** Sends through the MX listener as an outside sender would. */
  smtp(mail: SendMailOptions & { raw?: string | Buffer; envelope?: { from: string; to: string[] } }): Promise<void>;
  phone(user: string, pw: string, deviceId: string, version?: string): Promise<Phone>;
  close(): Promise<void>;
}

export async function mailHarness(database?: string, messagesPerHour?: number): Promise<MailHarness> {
  const holder: { d?: ReturnType<typeof storeDelivery> } = {};
  const h = await startHarness({
    delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) },
    context: { ...(database ? { database } : {}), auth: { lockout: { maxFailures: 1000, windowMs: 60_000 } } },
  });
  holder.d = storeDelivery(h.store, pino({ level: 'silent' }));
  const outbound = new RecordingOutbound(h);
  h.ctx.outbound = outbound;
  const app = Fastify({ logger: false });
  await app.register(activesyncPlugin, { ctx: h.ctx, ...(messagesPerHour ? { messagesPerHour } : {}) });
  await app.ready();
  const mx = nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true, name: 'sender.example.net' });
  return {
    h, app, outbound,
    async smtp(mail) { await mx.sendMail(mail); },
    phone: (user, pw, deviceId, version = '14.1') => phone({ app } as never, user, pw, deviceId, version),
    async close() { mx.close(); await app.close(); await h.close(); },
  };
}
