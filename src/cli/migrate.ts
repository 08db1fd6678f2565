/**
 * `hearth migrate imap` (CONTRACT.md): copies a mailbox from another IMAP server into a Hearth
 * account, or many from a CSV file (--csv, columns from,user,password,to). Resumable: run the
 * same command again after an interruption (Ctrl-C stops after the batch in progress).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Store } from '../store/store.js';
import { parseSourceUrl, MigrationInputError } from '../mail/migrate/source.js';
import { migrateImap, MigrationError, type MigrationSummary } from '../mail/migrate/imap-migration.js';
import { parseAccountsCsv, type AccountRow } from '../mail/migrate/accounts-csv.js';
import { progressReporter, type ProgressOutput } from './migrate-progress.js';
import { UsageError } from './sizes.js';

type WithStore = (fn: (store: Store) => Promise<void>) => Promise<void>;

interface ImapOptions {
  from?: string;
  user?: string;
  password?: string;
  to?: string;
  csv?: string;
  insecure?: boolean;
}

const summaryLine = (s: MigrationSummary) =>
  `folders ${s.folders}, messages ${s.messages}, bytes ${s.bytes}, skipped ${s.skipped}, errors ${s.errors}`;

export function migrateCommands(program: Command, withStore: WithStore, print: (line: string) => void, out: ProgressOutput): void {
  const migrate = program.command('migrate').description('copy mail from another server');
  migrate
    .command('imap')
    .description('copy every folder and message of an IMAP account (resumable: run again to continue)')
    .option('--from <url>', 'the source server: imaps://HOST[:PORT] (TLS) or imap://HOST[:PORT] (STARTTLS)')
    .option('--user <login>', 'login on the source server')
    .option('--password <password>', 'password on the source server')
    .option('--to <email>', 'the Hearth account that receives the mail')
    .option('--csv <file>', 'many accounts: a CSV file with columns from,user,password,to')
    .option('--insecure', "accept the source server's certificate even if it is not trusted (self-signed)")
    .action((o: ImapOptions) =>
      withStore(async (store) => {
        const rows = accountsFrom(o);
        // Ctrl-C or SIGTERM: finish the batch in progress, record it, print the summary.
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let failed = 0;
        try {
          for (const row of rows) {
            const label = rows.length > 1 ? `migrate ${row.to}` : 'migrate';
            try {
              const summary = await migrateOne(store, row, !!o.insecure, controller.signal, out, label);
              print(
                `${row.to}: ${summaryLine(summary)}${summary.interrupted ? ' (interrupted: run the same command again to continue)' : ''}`,
              );
              if (summary.interrupted) {
                failed++;
                break;
              }
            } catch (e) {
              if (rows.length === 1) throw e;
              failed++;
              out.err(`hearth: ${csvWhere(o, row)}: ${(e as Error).message}\n`);
            }
          }
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
        if (failed) throw new Error(rows.length > 1 ? `${failed} of ${rows.length} accounts failed or were interrupted` : 'interrupted');
      }),
    );
}

const csvWhere = (o: ImapOptions, row: AccountRow) => (o.csv ? `${o.csv} line ${row.line} (${row.to})` : row.to);

/** The accounts to migrate: the CSV rows, or the one account of the options. */
function accountsFrom(o: ImapOptions): AccountRow[] {
  try {
    if (o.csv) {
      if (o.from || o.user || o.password || o.to) throw new UsageError('--csv replaces --from, --user, --password and --to');
      let text: string;
      try {
        text = readFileSync(o.csv, 'utf8');
      } catch (e) {
        throw new UsageError(`--csv: cannot read ${o.csv}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const rows = parseAccountsCsv(text);
      for (const r of rows) parseSourceUrl(r.from);
      return rows;
    }
    const missing = (['from', 'user', 'password', 'to'] as const).filter((k) => o[k] === undefined);
    if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')} (or --csv FILE)`);
    parseSourceUrl(o.from!);
    return [{ line: 0, from: o.from!, user: o.user!, password: o.password!, to: o.to! }];
  } catch (e) {
    if (e instanceof MigrationInputError) throw new UsageError(e.message);
    throw e;
  }
}

async function migrateOne(
  store: Store,
  row: AccountRow,
  insecure: boolean,
  signal: AbortSignal,
  out: ProgressOutput,
  label: string,
): Promise<MigrationSummary> {
  const progress = progressReporter(out, label);
  try {
    return await migrateImap(
      store,
      { source: parseSourceUrl(row.from), user: row.user, password: row.password, to: row.to, insecure, signal },
      {
        progress: (p) => progress.update(p),
        problem: (text) => out.err(`${label}: ${text}\n`),
      },
    );
  } catch (e) {
    if (e instanceof MigrationError) throw new Error(e.message);
    throw e;
  } finally {
    progress.done();
  }
}
