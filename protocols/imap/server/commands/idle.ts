// IDLE (RFC 2177, RFC 9051 §6.3.13): the session listens to the store's change notifications for
// the account (every node: PostgreSQL LISTEN/NOTIFY, or in-process for SQLite) and announces the
// selected mailbox's changes at once, until the client sends DONE.
import { continuation } from '../../codec/index.js';
import { bad, ok } from '../respond.js';
import { AUTHED, command } from './types.js';

export const idle = command({
  name: 'IDLE', states: AUTHED,
  handle: async (c) => {
    const s = c.session;
    let chain: Promise<void> = Promise.resolve();
    let done = false;
    const announce = () => {
      chain = chain.then(async () => {
        const sel = s.selected;
        if (done || !sel) return;
        const out = await sel.sync({ expunges: true, qresync: s.enabled.has('QRESYNC'), condstore: s.condstore });
        if (!done && out.length > 0) await c.send(...out);
      }).catch((e) => c.ctx.log.warn({ err: (e as Error).message }, 'imap.idle.sync.failed'));
    };
    // A shared mailbox's changes are published on its owner's account.
    const unsubscribe = c.ctx.store.subscribe(s.selected?.folder.accountId ?? s.account!.id, (ev) => {
      if (ev.signal) return;
      if (s.selected && ev.folderId !== null && ev.folderId !== s.selected.folder.id) return;
      announce();
    });
    try {
      await c.send(continuation('idling'));
      // Changes that came between the last command and the subscription.
      announce();
      const line = await c.readLine();
      done = true;
      await chain;
      if (line === null) return ok('IDLE ended');
      return /^DONE\r?\n?$/i.test(line.toString('latin1')) ? ok('IDLE terminated') : bad('Expected DONE');
    } finally {
      done = true;
      unsubscribe();
    }
  },
});
