/**
 * One SMTP conversation with one remote host (RFC 5321 §3) through nodemailer's SMTPConnection:
 * EHLO, STARTTLS whenever offered (opportunistic, RFC 3207; unverified towards MX hosts as is
 * common practice, verified towards a smarthost unless configured otherwise), AUTH when
 * credentials are given (then TLS is required), one transaction, QUIT. The answer is per
 * recipient: the RCPT reply when refused there, else the reply to the end of DATA.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

export interface SmtpTarget {
  /** Address or host name to connect to. */
  host: string;
  /** Name for TLS SNI and certificate checks. */
  servername: string;
  port: number;
  secure: boolean;
  verifyTls: boolean;
  /** STARTTLS is required (a smarthost with credentials, an MTA-STS policy in enforce mode). */
  requireTls?: boolean;
  auth: { user: string; pass: string } | null;
}

export interface RecipientReply {
  address: string;
  /** The reply code, or null when no reply came (the conversation broke before). */
  code: number | null;
  reply: string;
}

export interface Conversation {
  /** False when no SMTP dialogue took place (connect, greeting or TLS failed): try the next host. */
  reached: boolean;
  replies: RecipientReply[];
}

interface SmtpError {
  responseCode?: number;
  response?: string;
  message?: string;
  code?: string;
  recipient?: string;
}

const oneLine = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim().slice(0, 500);

export function converse(
  target: SmtpTarget,
  opts: { helo: string; mailFrom: string; recipients: string[]; bytes: Buffer; timeoutMs: number },
): Promise<Conversation> {
  return new Promise((resolve) => {
    const conn = new SMTPConnection({
      host: target.host,
      port: target.port,
      secure: target.secure,
      name: opts.helo,
      servername: target.servername,
      // With credentials the password must not travel in the clear: STARTTLS or nothing.
      requireTLS: !target.secure && (target.auth !== null || !!target.requireTls),
      opportunisticTLS: target.auth === null && !target.requireTls,
      tls: { rejectUnauthorized: target.verifyTls, servername: target.servername, minVersion: 'TLSv1.2' },
      connectionTimeout: opts.timeoutMs,
      greetingTimeout: opts.timeoutMs,
      socketTimeout: opts.timeoutMs,
      logger: false,
    });
    let settled = false;
    let talked = false;
    const finish = (c: Conversation) => {
      if (settled) return;
      settled = true;
      try {
        conn.quit();
      } catch {
        /* already closed */
      }
      setTimeout(() => conn.close(), 1000).unref();
      resolve(c);
    };
    const all = (code: number | null, reply: string): Conversation => ({
      reached: talked,
      replies: opts.recipients.map((address) => ({ address, code, reply })),
    });
    const failed = (e: SmtpError) => finish(all(e.responseCode ?? null, oneLine(e.response ?? e.message ?? e.code)));
    conn.on('error', (e: SmtpError) => failed(e));
    conn.on('end', () => finish(all(null, 'connection closed by the remote host')));
    conn.connect((err) => {
      if (err) return failed(err as SmtpError);
      talked = true;
      // RFC 1870 SIZE and RFC 6152 BODY=8BITMIME are declared when the server offers them.
      const envelope = {
        from: opts.mailFrom || (false as const),
        to: opts.recipients,
        size: opts.bytes.length,
        use8BitMime: opts.bytes.some((b) => b > 0x7f),
      };
      const send = () =>
        conn.send(envelope, opts.bytes, (e, info) => {
          if (e) {
            const err = e as SmtpError & { rejectedErrors?: SmtpError[] };
            // Every recipient refused at RCPT: each has its own reply.
            if (err.rejectedErrors?.length)
              return finish({ reached: true, replies: repliesFor(opts.recipients, err.rejectedErrors, null) });
            return failed(err);
          }
          const ok = { code: Number(String(info.response).slice(0, 3)) || 250, reply: oneLine(info.response) };
          finish({ reached: true, replies: repliesFor(opts.recipients, info.rejectedErrors ?? [], ok) });
        });
      if (!target.auth) return send();
      // A refused login is our configuration's fault, not the message's: retried, never bounced.
      conn.login({ user: target.auth.user, pass: target.auth.pass }, (e) => {
        if (!e) return send();
        const err = e as SmtpError;
        finish({ reached: true, replies: all(null, `smarthost authentication failed: ${oneLine(err.response ?? err.message)}`).replies });
      });
    });
  });
}

function repliesFor(recipients: string[], rejected: SmtpError[], accepted: { code: number; reply: string } | null): RecipientReply[] {
  const byAddress = new Map(rejected.map((r) => [String(r.recipient).toLowerCase(), r]));
  return recipients.map((address) => {
    const r = byAddress.get(address.toLowerCase());
    if (r) return { address, code: r.responseCode ?? null, reply: oneLine(r.response ?? r.message) };
    return accepted ? { address, ...accepted } : { address, code: null, reply: 'no reply' };
  });
}
