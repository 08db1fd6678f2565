import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type Config } from '../server/config.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { isStoreError } from '../store/errors.js';
import { createDomain } from '../admin/domains.js';
import { createAccount, resetPassword, unlockLogin } from '../admin/accounts.js';
import { putAlias } from '../admin/aliases.js';
import { UsageError, formatSize, parseSize } from './sizes.js';
import { accountOf, checkAddress, checkDomainName, checkPassword, checkQuota, domainOf } from './accounts.js';
import { deviceCommands } from './devices.js';
import { delegationCommands } from './delegation.js';
import { devicePolicyCommands } from './device-policy.js';
import { mailboxCommands } from './mailbox.js';
import { migrateCommands } from './migrate.js';
import { queueCommands } from './queue.js';
import { archiveCommands } from './archive.js';
import { listCommands } from './lists.js';
import { mailPolicyCommands } from './mail-policy.js';
import { passwordPolicyCommands } from './password-policy.js';
import { publicFolderCommands } from './public-folders.js';

/** Where one run of the command reads its environment and writes its output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** The real process: what bin/hearth.js and src/cli/run.ts use. */
export const processIo: CliIo = {
  out: (s) => { process.stdout.write(s); },
  err: (s) => { process.stderr.write(s); },
  env: process.env,
};

/**
 * The `hearth` command (CONTRACT.md). Every failure is one line on stderr and a non-zero exit:
 * 2 for a usage or configuration mistake, 1 for anything else. Never a stack trace.
 * Callable in-process (tests pass their own `io`): it never exits and touches no global state.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let config: Config | undefined;
  let store: Store | undefined;
  const withStore = async (fn: (store: Store) => Promise<void>) => {
    config ??= loadConfig(io.env);
    store = await openStore(config.database, config.dataDir);
    await fn(store);
  };
  const print = (line: string) => io.out(`${line}\n`);
  const by = { actor: `cli:${io.env.USER ?? 'operator'}`, source: 'cli' };

  const program = new Command('hearth')
    .description('Hearth groupware server')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: (s) => io.err(s.startsWith('error:') ? `hearth: ${s}` : s) });

  program.command('serve').description('run every listener until SIGTERM/SIGINT').action(async () => {
    const { serve } = await import('../server/serve.js');
    await serve(loadConfig(io.env));
    await new Promise(() => {}); // serve() ends the process on a signal
  });

  const domain = program.command('domain').description('manage domains');
  domain.command('add <domain>').description('add a domain')
    .option('--max-users <n>', 'most users the domain may have')
    .option('--quota <size>', 'default quota of new users (e.g. 2G)')
    .option('--max-quota <size>', 'largest quota a user of the domain may have')
    .option('--max-message-size <size>', 'largest message accepted (e.g. 25M)')
    .action((name: string, o: { maxUsers?: string; quota?: string; maxQuota?: string; maxMessageSize?: string }) => withStore(async (s) => {
      const maxUsers = o.maxUsers === undefined ? null : Number(o.maxUsers);
      if (maxUsers !== null && !(Number.isInteger(maxUsers) && maxUsers > 0)) throw new UsageError(`--max-users: expected a positive whole number, got '${o.maxUsers}'`);
      const d = await createDomain(s, by, checkDomainName(name), {
        maxUsers, defaultQuota: o.quota ? parseSize(o.quota) : null,
        maxQuota: o.maxQuota ? parseSize(o.maxQuota) : null, maxMessageSize: o.maxMessageSize ? parseSize(o.maxMessageSize) : null,
      });
      print(`added domain ${d.name}`);
    }));
  domain.command('list').description('list domains').action(() => withStore(async (s) => {
    for (const d of await s.listDomains()) {
      const users = await s.countAccounts(d.id, 'user');
      print([d.name, `users ${users}/${d.maxUsers ?? 'unlimited'}`, `quota ${formatSize(d.defaultQuota)}`,
        `max-message ${formatSize(d.maxMessageSize)}`].join('\t'));
    }
  }));

  devicePolicyCommands(domain, withStore, print, by);
  mailPolicyCommands(domain, withStore, print, by);
  passwordPolicyCommands(domain, withStore, print, by);

  const user = program.command('user').description('manage users');
  user.command('add <email>').description('add a user')
    .option('--password <pw>', 'initial password')
    .option('--quota <size>', 'storage quota (e.g. 2G)')
    .option('--name <display name>', 'display name')
    .option('--admin', 'make the user an administrator of their domain')
    .option('--server-admin', 'make the user a server administrator')
    .action((emailArg: string, o: { password?: string; quota?: string; name?: string; admin?: boolean; serverAdmin?: boolean }) => withStore(async (s) => {
      const email = checkAddress(emailArg);
      const password = checkPassword(o.password);
      const d = await domainOf(s, email);
      const quotaBytes = checkQuota(d, o.quota);
      const a = await refusedIsUsage(createAccount(s, by, d, {
        email, displayName: o.name ?? null, password,
        ...(quotaBytes !== undefined ? { quotaBytes } : {}), domainAdmin: !!o.admin, serverAdmin: !!o.serverAdmin,
      }));
      print(`added user ${a.email}`);
    }));
  user.command('list [domain]').description('list users, of one domain or of all').action((name: string | undefined) => withStore(async (s) => {
    const d = name ? await s.getDomain(checkDomainName(name)) : null;
    if (name && !d) throw new UsageError(`unknown domain ${name}`);
    for (const a of await s.listAccounts(d?.id)) {
      const usage = await s.accountUsage(a.id);
      const roles = [a.isServerAdmin && 'server-admin', a.adminDomains.length > 0 && 'domain-admin', a.disabled && 'disabled'].filter(Boolean);
      print([a.email, a.kind, `used ${formatSize(usage.bytes)}/${formatSize(a.quotaBytes)}`, roles.join(',') || '-'].join('\t'));
    }
  }));
  user.command('passwd <email>').description("set a user's password").option('--password <pw>', 'new password')
    .action((email: string, o: { password?: string }) => withStore(async (s) => {
      const a = await accountOf(s, email);
      await refusedIsUsage(resetPassword(s, by, a, checkPassword(o.password)));
      print(`password changed for ${a.email}`);
    }));

  program.command('alias').description('manage aliases')
    .command('add <address> <targets...>').description('deliver mail for ADDRESS (or @DOMAIN: catch-all) to one or more targets')
    .action((address: string, targets: string[]) => withStore(async (s) => {
      // `@DOMAIN` is the domain's catch-all: mail for unknown local parts (src/mail/recipients.ts).
      const addr = address.trim().startsWith('@') ? `@${checkDomainName(address.trim().slice(1))}` : checkAddress(address);
      const d = await domainOf(s, addr);
      const alias = await putAlias(s, by, d, addr, targets.map(checkAddress));
      print(`alias ${alias.address} -> ${alias.targets.join(', ')}`);
    }));

  program.command('lockout').description('login lockouts')
    .command('unlock <email>').description('clear failed logins of an address (every source)')
    .action((email: string) => withStore(async (s) => {
      const n = await unlockLogin(s, by, checkAddress(email));
      print(`cleared ${n} failed login${n === 1 ? '' : 's'} of ${email.toLowerCase()}`);
    }));

  deviceCommands(program, withStore, print, by);
  delegationCommands(program, withStore, print, by);
  mailboxCommands(program, withStore, print);
  migrateCommands(program, withStore, print, { err: io.err, tty: io === processIo && process.stderr.isTTY === true });
  queueCommands(program, withStore, print, by);
  archiveCommands(program, withStore, print, io.out);
  listCommands(program, withStore, print, by, () => config);
  publicFolderCommands(program, withStore, print, by);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(e, io);
  } finally {
    await (store as Store | undefined)?.close().catch(() => {});
  }
}

/** What src/admin refuses as invalid (a password the domain's policy refuses ...) is a mistake in what was typed: exit 2. */
async function refusedIsUsage<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw isStoreError(e, 'Invalid') ? new UsageError(e.message) : e;
  }
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // Commander already printed its one line, or the help text: asked for (--help, exit 0), or
    // shown because no command was given (a usage mistake, exit 2).
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
  }
  if (e instanceof UsageError || e instanceof ConfigError) {
    io.err(`hearth: ${e.message}\n`);
    return 2;
  }
  if (isStoreError(e)) {
    io.err(`hearth: ${e.message}\n`);
    return 1;
  }
  const err = e as NodeJS.ErrnoException;
  const detail = err.code === 'ECONNREFUSED' ? 'cannot reach the database (connection refused)' : (err.message ?? String(e)).split('\n')[0];
  io.err(`hearth: ${detail}\n`);
  return 1;
}
