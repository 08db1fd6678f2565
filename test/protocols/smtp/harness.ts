/**
 * An SMTP test server: a real store and AuthService (test/helpers/context.ts), the three
 * listeners on ephemeral loopback ports, and either the real delivery pipeline or one given.
 */
import { createTestContext, type TestContext, type TestContextOptions } from '../../helpers/context.js';
import { startSmtp, type RunningSmtp } from '../../../src/server/smtp.js';
import type { MailDelivery, SmtpEnvelope } from '../../../protocols/smtp/delivery.js';
import type { SmtpSettings } from '../../../protocols/smtp/settings.js';
import type { Account } from '../../../src/model/types.js';

export interface SmtpHarness extends TestContext {
  smtp: RunningSmtp;
  mx: number;
  submission: number;
  submissions: number;
  close(): Promise<void>;
}

/** Records what was delivered, in memory; `fail` makes the next deliveries throw it. */
export class RecordingDelivery implements MailDelivery {
  delivered: { mailboxes: string[]; bytes: Buffer; envelope: SmtpEnvelope }[] = [];
  fail: Error | null = null;
  async deliver(mailboxes: Account[], bytes: Buffer, envelope: SmtpEnvelope): Promise<void> {
    if (this.fail) throw this.fail;
    this.delivered.push({ mailboxes: mailboxes.map((m) => m.email).sort(), bytes, envelope });
  }
}

export async function startHarness(opts: {
  delivery: MailDelivery; smtp?: Partial<SmtpSettings>; context?: TestContextOptions;
}): Promise<SmtpHarness> {
  const t = await createTestContext({
    ...opts.context,
    env: { HEARTH_SMTP: '127.0.0.1:0', HEARTH_SUBMISSION: '127.0.0.1:0', HEARTH_SUBMISSIONS: '127.0.0.1:0', ...opts.context?.env },
  });
  Object.assign(t.config.smtp, opts.smtp);
  const smtp = await startSmtp(t.config, t.ctx, opts.delivery);
  const closeContext = t.close;
  return Object.assign(t, {
    smtp, mx: smtp.ports.mx!, submission: smtp.ports.submission!, submissions: smtp.ports.submissions!,
    async close() { await smtp.close(); await closeContext(); },
  });
}
