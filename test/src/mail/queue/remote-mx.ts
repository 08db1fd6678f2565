/**
 * A second SMTP server on loopback acting as the remote MX (or a smarthost) in queue tests:
 * smtp-server from npm, with its built-in certificate so that STARTTLS is offered and taken.
 * `rule` scripts the reply to each RCPT (null accepts); everything accepted is recorded.
 */
import { SMTPServer } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  bytes: Buffer;
  user: string | null;
  secure: boolean;
}

export class RemoteMx {
  received: Received[] = [];
  rcptCalls = new Map<string, number>();
  rule: (address: string, call: number) => { code: number; text: string } | null = () => null;
  port = 0;
  private server: SMTPServer | null = null;

  async start(opts: { auth?: { user: string; pass: string } } = {}): Promise<this> {
    const auth = opts.auth;
    this.server = new SMTPServer({
      logger: false,
      banner: 'remote test MX',
      authOptional: !auth,
      disabledCommands: auth ? [] : ['AUTH'],
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth: (a, _session, cb) =>
        auth && a.username === auth.user && a.password === auth.pass
          ? cb(null, { user: a.username })
          : cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 })),
      onRcptTo: (address, _session, cb) => {
        const call = (this.rcptCalls.get(address.address) ?? 0) + 1;
        this.rcptCalls.set(address.address, call);
        const r = this.rule(address.address, call);
        if (!r) return cb();
        cb(Object.assign(new Error(r.text), { responseCode: r.code }));
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            bytes: Buffer.concat(chunks),
            user: (session.user as string | undefined) ?? null,
            secure: session.secure,
          });
          cb(null, 'Queued as remote-1');
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as { port: number }).port;
    return this;
  }

  /** Messages whose bytes contain `text`. */
  count(text: string): number {
    return this.received.filter((r) => r.bytes.includes(text)).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The DNS of the tests: remote.example has an MX on loopback, nullmx.example a null MX, the rest does not exist. */
export const testResolver = {
  async resolveMx(name: string) {
    if (name === 'remote.example' || name === 'other.example') return [{ exchange: 'mx.remote.example', priority: 10 }];
    if (name === 'nullmx.example') return [{ exchange: '', priority: 0 }];
    if (name === 'implicit.example') throw Object.assign(new Error('no MX'), { code: 'ENODATA' });
    throw Object.assign(new Error('nxdomain'), { code: 'ENOTFOUND' });
  },
  async resolve4(name: string) {
    if (name === 'mx.remote.example' || name === 'implicit.example') return ['127.0.0.1'];
    throw Object.assign(new Error('nxdomain'), { code: name.endsWith('.example') ? 'ENODATA' : 'ENOTFOUND' });
  },
  async resolve6(name: string): Promise<string[]> {
    throw Object.assign(new Error('no AAAA'), { code: name.endsWith('.example') ? 'ENODATA' : 'ENOTFOUND' });
  },
};
