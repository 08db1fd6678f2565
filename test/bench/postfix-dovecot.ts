/**
 * The SMTP bench's baseline: a private Postfix (Debian postfix) that accepts mail for one
 * virtual domain on a free loopback port and delivers it over LMTP (RFC 2033) to a private
 * Dovecot (Debian dovecot-lmtpd) storing Maildir. Both run from a temporary directory with their
 * own configuration and queue: the system's /etc/postfix is only read (never written), no
 * system service is started or stopped. `stored()` counts the Maildir files Dovecot has written
 * (a message counts once Dovecot has fsynced and renamed it into new/, mail_fsync=optimized).
 *
 * Postfix's master must start as root (it drops to mail_owner for its daemons), so the baseline
 * runs only when the bench runs as root; `baselineMissing()` says why not otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const POSTFIX_MASTER = '/usr/lib/postfix/sbin/master';
const DOVECOT = '/usr/sbin/dovecot';

export function baselineMissing(): string | undefined {
  if (!existsSync(POSTFIX_MASTER)) return 'Postfix is not installed (apt-get install -y postfix): no baseline';
  if (!existsSync(DOVECOT) || !existsSync('/usr/lib/dovecot/lmtp')) return 'dovecot-lmtpd is not installed (apt-get install -y dovecot-lmtpd): no baseline';
  if (userInfo().uid !== 0) return 'the Postfix baseline needs root (its master process starts as root and drops to the postfix user): run the bench as root for the side-by-side figures';
  const ids = spawnSync('id', ['-u', 'postfix']);
  if (ids.status !== 0) return 'the postfix user does not exist (Debian postfix package not configured): no baseline';
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
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(what: string, ok: () => Promise<boolean>, alive: () => boolean, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await ok())) {
    if (!alive() || Date.now() > until) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface PostfixDovecot {
  /** Postfix's SMTP port on 127.0.0.1. */
  port: number;
  /** Messages Dovecot has stored in the Maildirs so far. */
  stored(): number;
  /** Postfix's and Dovecot's own logs, for a failure report. */
  dir: string;
  /** Process ids of Postfix's master and of Dovecot's (their daemons are their descendants). */
  pids: number[];
  stop(): Promise<void>;
}

function uidOf(name: string): number {
  return Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim());
}
function gidOf(name: string): number {
  return Number(spawnSync('getent', ['group', name], { encoding: 'utf8' }).stdout.split(':')[2]);
}

/** Dovecot with only LMTP on a loopback port; any user of any domain gets a Maildir. */
function dovecotConfig(dir: string, lmtpPort: number): string {
  return `base_dir = ${dir}/dovecot-run
state_dir = ${dir}/dovecot-state
log_path = ${dir}/dovecot.log
protocols = lmtp
listen = 127.0.0.1
ssl = no
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%u allow_all_users=yes
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
`;
}

/**
 * Postfix with its defaults except what a private instance needs: its own directories, loopback
 * only, no chroot (the chroot would need copies of /etc files), the bench domain as a virtual
 * mailbox domain whose transport is LMTP to the private Dovecot, logging to a file (postlogd).
 */
function postfixMainCf(dir: string, lmtpPort: number): string {
  return `compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
myhostname = postfix.bench.localhost
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = bench.test
virtual_transport = lmtp:inet:127.0.0.1:${lmtpPort}
maillog_file = ${dir}/postfix.log
maillog_file_prefixes = ${dir}
biff = no
`;
}

const MASTER_CF = (smtpPort: number) => `127.0.0.1:${smtpPort} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;

export async function startPostfixDovecot(): Promise<PostfixDovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-postfix-'));
  chmodSync(dir, 0o755);
  const children: ChildProcess[] = [];
  const exited = new Set<ChildProcess>();
  const stopAll = async () => {
    for (const c of children.reverse()) {
      if (exited.has(c)) continue;
      const done = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await done;
    }
  };
  try {
    const lmtpPort = await freePort();
    const smtpPort = await freePort();
    for (const d of ['mail', 'dovecot-run', 'dovecot-state', 'etc', 'data', 'queue']) mkdirSync(join(dir, d));
    chownSync(join(dir, 'mail'), uidOf('nobody'), gidOf('nogroup'));
    writeFileSync(join(dir, 'dovecot.conf'), dovecotConfig(dir, lmtpPort));
    const dovecot = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
    children.push(dovecot);
    dovecot.once('exit', () => exited.add(dovecot));
    await waitFor('dovecot', () => accepting(lmtpPort), () => !exited.has(dovecot));

    // Postfix's queue layout (what post-install create-missing would make), owned as master expects.
    const postfix = uidOf('postfix');
    const postdrop = gidOf('postdrop');
    const queue = join(dir, 'queue');
    mkdirSync(join(queue, 'pid'));
    for (const q of ['incoming', 'active', 'bounce', 'defer', 'deferred', 'flush', 'hold', 'corrupt', 'saved', 'trace', 'private']) {
      mkdirSync(join(queue, q), { mode: 0o700 });
      chownSync(join(queue, q), postfix, 0);
    }
    mkdirSync(join(queue, 'public'), { mode: 0o710 });
    chownSync(join(queue, 'public'), postfix, postdrop);
    mkdirSync(join(queue, 'maildrop'), { mode: 0o730 });
    chownSync(join(queue, 'maildrop'), postfix, postdrop);
    chmodSync(join(queue, 'maildrop'), 0o1730);
    chownSync(join(dir, 'data'), postfix, 0);
    chmodSync(join(dir, 'data'), 0o700);
    writeFileSync(join(dir, 'etc', 'main.cf'), postfixMainCf(dir, lmtpPort));
    writeFileSync(join(dir, 'etc', 'master.cf'), MASTER_CF(smtpPort));
    // master -d stays in the foreground, so the bench owns it and stops it with SIGTERM.
    const master = spawn(POSTFIX_MASTER, ['-c', join(dir, 'etc'), '-d'], { stdio: process.env.BENCH_DEBUG ? 'inherit' : 'ignore', env: { ...process.env, MAIL_CONFIG: join(dir, 'etc') } });
    children.push(master);
    master.once('exit', () => exited.add(master));
    await waitFor('postfix', () => accepting(smtpPort), () => !exited.has(master));
    return {
      port: smtpPort,
      dir,
      pids: [master.pid!, dovecot.pid!],
      stored() {
        let n = 0;
        let users: string[];
        try { users = readdirSync(join(dir, 'mail')); } catch { return 0; }
        for (const u of users) {
          try { n += readdirSync(join(dir, 'mail', u, 'new')).length; } catch { /* not created yet */ }
        }
        return n;
      },
      async stop() {
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stopAll();
    const logs = ['postfix.log', 'dovecot.log'].map((f) => { try { return spawnSync('tail', ['-5', join(dir, f)], { encoding: 'utf8' }).stdout; } catch { return ''; } }).join('\n');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${logs}`);
  }
}
