import type { Command } from 'commander';
import { queueLine } from '../mail/queue/listing.js';
import type { AuditBy, Print, WithStore } from './context.js';
import { UsageError } from './sizes.js';
import { deleteQueued, listQueue, retryQueued } from '../admin/queue.js';
import { isStoreError } from '../store/errors.js';

const notQueued = (id: string) => (e: unknown) => {
  throw isStoreError(e) && e.code === 'NotFound' ? new UsageError(`no queued message ${id}`) : e;
};

/**
 * `hearth queue list|retry ID|delete ID` (CONTRACT.md): the outbound queue. It works on the
 * shared store, so it sees and changes the queue of every node, with or without a server running;
 * a retried message is sent by the next runner pass of any node (within queue.pollSeconds).
 */
export function queueCommands(program: Command, withStore: WithStore, print: Print, by: AuditBy): void {
  const queue = program.command('queue').description('the outbound queue');
  queue
    .command('list')
    .description('one message a line, tab-separated: id, from, recipients (state attempts), attempts, next attempt, last error')
    .action(() =>
      withStore(async (s) => {
        const all = await listQueue(s);
        if (all.length === 0) print('the queue is empty');
        for (const m of all) print(queueLine(m));
      }),
    );
  queue
    .command('retry <id>')
    .description('try the message again at the next pass instead of waiting for its retry time')
    .action((id: string) =>
      withStore(async (s) => {
        await retryQueued(s, by, id, Date.now()).catch(notQueued(id));
        print(`message ${id} is due now`);
      }),
    );
  queue
    .command('delete <id>')
    .description('remove the message from the queue without delivering it (no bounce is sent)')
    .action((id: string) =>
      withStore(async (s) => {
        await deleteQueued(s, by, id).catch(notQueued(id));
        print(`deleted message ${id}`);
      }),
    );
}
