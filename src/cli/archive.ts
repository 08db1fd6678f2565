import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Store } from '../store/store.js';
import type { ArchiveQuery } from '../store/archive-store.js';
import { MessageArchive } from '../mail/archive/archive.js';
import { UsageError } from './sizes.js';

type WithStore = (fn: (store: Store) => Promise<void>) => Promise<void>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day (YYYY-MM-DD, UTC) or an ISO 8601 time, as epoch ms; `endOfDay` makes a bare day inclusive. */
function parseWhen(option: string, value: string, endOfDay = false): number {
  const v = value.trim();
  const ms = DAY.test(v) ? Date.parse(`${v}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new UsageError(`${option}: expected a day (YYYY-MM-DD) or an ISO 8601 time, got '${value}'`);
  return ms;
}

interface SearchOptions {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string;
  since?: string;
  until?: string;
  direction?: string;
  limit?: string;
}

/**
 * `hearth archive search|show|purge`: the administrator's way into the message archive
 * (src/mail/archive/archive.ts), which keeps a copy of every message in and out when
 * `archive.enabled` (docs/operations.md "Archive").
 */
export function archiveCommands(program: Command, withStore: WithStore, print: (line: string) => void, out: (text: string) => void): void {
  const archive = program.command('archive').description('the message archive (a copy of every message in and out)');
  archive
    .command('search')
    .description(
      'one message a line, tab-separated: id, date (ISO 8601), direction, envelope sender, recipients, message-id, size, subject; newest first',
    )
    .option('--from <text>', 'envelope sender or From header contains TEXT')
    .option('--to <text>', 'an envelope recipient or the To/Cc header contains TEXT')
    .option('--subject <text>', 'subject contains TEXT')
    .option('--message-id <id>', 'exactly this Message-ID')
    .option('--since <when>', 'archived at or after (YYYY-MM-DD or ISO 8601)')
    .option('--until <when>', 'archived before (a bare day is included)')
    .option('--direction <in|out>', 'received (in) or sent (out)')
    .option('--limit <n>', 'at most N messages (default 100)')
    .action((o: SearchOptions) =>
      withStore(async (s) => {
        const q: ArchiveQuery = {};
        if (o.from) q.from = o.from;
        if (o.to) q.to = o.to;
        if (o.subject) q.subject = o.subject;
        if (o.messageId) q.messageId = o.messageId;
        if (o.since) q.since = parseWhen('--since', o.since);
        if (o.until) q.until = parseWhen('--until', o.until, true);
        if (o.direction) {
          if (o.direction !== 'in' && o.direction !== 'out') throw new UsageError(`--direction: expected in or out, got '${o.direction}'`);
          q.direction = o.direction;
        }
        if (o.limit) {
          const n = Number(o.limit);
          if (!Number.isInteger(n) || n < 1 || n > 10_000)
            throw new UsageError(`--limit: expected a whole number from 1 to 10000, got '${o.limit}'`);
          q.limit = n;
        }
        for (const r of await new MessageArchive(s).search(q)) {
          const clean = (t: string) => t.replace(/[\t\r\n]+/g, ' ');
          print(
            [
              r.id,
              new Date(r.archivedAt).toISOString(),
              r.direction,
              r.mailFrom || '<>',
              r.rcptTo.join(','),
              r.messageId ?? '-',
              r.size,
              clean(r.subject),
            ].join('\t'),
          );
        }
      }),
    );
  archive
    .command('show <id>')
    .description('the archived message as it was received or sent')
    .option('--output <file>', 'write the exact bytes to FILE instead of printing them')
    .action((id: string, o: { output?: string }) =>
      withStore(async (s) => {
        const n = Number(id);
        if (!Number.isInteger(n) || n < 1)
          throw new UsageError(`expected an archive id (a number from hearth archive search), got '${id}'`);
        const found = await new MessageArchive(s).read(n);
        if (!found) throw new UsageError(`no archived message ${n}`);
        if (o.output) {
          writeFileSync(o.output, found.message);
          print(`wrote ${found.message.length} bytes to ${o.output}`);
        } else out(found.message.toString('utf8'));
      }),
    );
  archive
    .command('purge')
    .description('delete every archived message of the days before a day (UTC)')
    .requiredOption('--before <day>', 'YYYY-MM-DD: days before this one go')
    .action((o: { before: string }) =>
      withStore(async (s) => {
        if (!DAY.test(o.before) || !Number.isFinite(Date.parse(`${o.before}T00:00:00Z`)))
          throw new UsageError(`--before: expected a day as YYYY-MM-DD, got '${o.before}'`);
        const n = await s.purgeArchive(o.before);
        print(`purged ${n} archived message${n === 1 ? '' : 's'} before ${o.before}`);
      }),
    );
}
