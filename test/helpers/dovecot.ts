// Starts a private Dovecot (Debian dovecot-imapd) for interop tests: its own configuration in a
// temporary directory, loopback only, an unprivileged port, any user name with one password
// (passdb static), Maildir storage. Stops it and removes the directory on `stop()`.
// With `tls`, it also offers STARTTLS and listens for IMAPS (a self-signed certificate); with
// `specialUse`, the inbox namespace announces special-use folders under other names than Hearth's.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export const DOVECOT_BIN = '/usr/sbin/dovecot';

export function dovecotMissing(): string | undefined {
  if (!existsSync(DOVECOT_BIN) || !existsSync('/usr/lib/dovecot/imap'))
    return 'dovecot-imapd is not installed (apt-get install -y dovecot-imapd)';
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface PrivateDovecot {
  port: number;
  /** The IMAPS port when started with `tls`. */
  tlsPort?: number;
  password: string;
  dir: string;
  stop(): Promise<void>;
}

export interface DovecotOptions {
  /** STARTTLS on `port` and implicit TLS on `tlsPort`, with a self-signed certificate. */
  tls?: boolean;
  /** RFC 6154 special use: "Sent Messages" \Sent, Drafts \Drafts, Spam \Junk, "Deleted Messages" \Trash, Archive \Archive. */
  specialUse?: boolean;
}

const SPECIAL_USE_NAMESPACE = `namespace inbox {
  inbox = yes
  mailbox "Sent Messages" {
    special_use = \\Sent
  }
  mailbox Drafts {
    special_use = \\Drafts
  }
  mailbox Spam {
    special_use = \\Junk
  }
  mailbox "Deleted Messages" {
    special_use = \\Trash
  }
  mailbox Archive {
    special_use = \\Archive
  }
}
`;

export async function startDovecot(opts: DovecotOptions = {}): Promise<PrivateDovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-dovecot-'));
  const port = await freePort();
  const tlsPort = opts.tls ? await freePort() : 0;
  const password = 'imaptest-pass';
  chmodSync(dir, 0o755); // the mail user must reach its Maildir below
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  mkdirSync(join(dir, 'run'));
  mkdirSync(join(dir, 'state'));
  // As root Dovecot runs its own users (dovecot, dovenull from the package) and mail as nobody;
  // as anyone else every process runs as that user.
  const me = userInfo();
  const root = me.uid === 0;
  const mailUser = root ? 'nobody' : me.username;
  const mailGroup = root ? 'nogroup' : String(me.gid);
  if (root) chownSync(mail, 65534, 65534);
  const users = root
    ? ''
    : `default_internal_user = ${me.username}\ndefault_login_user = ${me.username}\ndefault_internal_group = ${me.gid}\n`;
  const config = `${users}base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
${opts.tls ? `ssl = yes\nssl_cert = <${dir}/cert.pem\nssl_key = <${dir}/key.pem` : 'ssl = no'}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:${mail}/%u
passdb {
  driver = static
  args = password=${password}
}
userdb {
  driver = static
  args = uid=${mailUser} gid=${mailGroup} home=${mail}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    ${opts.tls ? `address = 127.0.0.1\n    port = ${tlsPort}\n    ssl = yes` : 'port = 0'}
  }
}
${opts.specialUse ? SPECIAL_USE_NAMESPACE : ''}`;
  if (opts.tls) {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
    } as never);
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
  }
  writeFileSync(join(dir, 'dovecot.conf'), config);
  const child: ChildProcess = spawn(DOVECOT_BIN, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  // Wait until the listener accepts, polling on connection attempts (no fixed sleep).
  for (let attempt = 0; !(await accepting(port)) || (tlsPort > 0 && !(await accepting(tlsPort))); attempt++) {
    if (exited || attempt > 2000) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error('dovecot did not start');
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    port,
    password,
    dir,
    ...(tlsPort ? { tlsPort } : {}),
    async stop() {
      if (!exited) {
        const done = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
