// LIST with LIST-EXTENDED selection and return options (RFC 9051 §6.3.9, RFC 5258), SPECIAL-USE
// (RFC 6154), LIST-STATUS (RFC 5819), and LSUB (RFC 3501 §6.3.9).
import { atom, decodeMutf7, untagged } from '../../codec/index.js';
import type { Session } from '../session.js';
import { DELIMITER, encodeName, mailboxEntries, patternRegex, unsubscribed } from '../mailboxes.js';
import { statusResponse } from '../status-items.js';
import { sharedMailboxes } from '../shared.js';
import { ok } from '../respond.js';
import { AUTHED, command } from './types.js';

export const list = command({
  name: 'LIST', states: AUTHED,
  handle: async (c, cmd) => {
    const s = c.session;
    // LIST "" "": the delimiter and root (RFC 9051 §6.3.9).
    if (cmd.patterns.length === 1 && cmd.patterns[0] === '') {
      return ok('LIST completed', undefined, [untagged([atom('LIST'), [atom('\\Noselect')], DELIMITER, ''])]);
    }
    const store = c.ctx.store;
    const entries = [...await mailboxEntries(store, s.account!.id), ...await sharedMailboxes(store, s.account!)];
    const unsub = await unsubscribed(store, s.account!.id);
    const regexes = cmd.patterns.map((p) => patternRegex(decodeRef(s, cmd.reference), decodeRef(s, p)));
    const out: Buffer[] = [];
    const sel = cmd.selection, ret = cmd.return;
    for (const e of entries) {
      if (!regexes.some((r) => r.test(e.name))) continue;
      const subscribed = !unsub.has(e.name);
      if (sel.subscribed && !subscribed) continue;
      const special = e.attributes.filter((a) => !a.startsWith('\\Has'));
      if (sel.specialUse && special.length === 0) continue;
      const attrs = [...e.attributes];
      if ((sel.subscribed || ret.subscribed) && subscribed) attrs.push('\\Subscribed');
      out.push(untagged([atom('LIST'), attrs.map(atom), DELIMITER, encodeName(s, e.name)]));
      if (ret.status && ret.status.length > 0) out.push(await statusResponse(store, e.folder.accountId, e.folder.id, encodeName(s, e.name), ret.status));
    }
    return ok('LIST completed', undefined, out);
  },
});

export const lsub = command({
  name: 'LSUB', states: AUTHED,
  handle: async (c, cmd) => {
    const s = c.session;
    const entries = await mailboxEntries(c.ctx.store, s.account!.id);
    const unsub = await unsubscribed(c.ctx.store, s.account!.id);
    const re = patternRegex(decodeRef(s, cmd.reference), decodeRef(s, cmd.pattern));
    const out = entries.filter((e) => re.test(e.name) && !unsub.has(e.name))
      .map((e) => untagged([atom('LSUB'), e.attributes.filter((a) => !a.startsWith('\\Has')).map(atom), DELIMITER, encodeName(s, e.name)]));
    return ok('LSUB completed', undefined, out);
  },
});

/** Patterns are mailbox names too (modified UTF-7 unless UTF8=ACCEPT); wildcards pass through. */
function decodeRef(s: Session, text: string): string {
  try {
    return s.enabled.has('UTF8=ACCEPT') ? text : decodeMutf7(text);
  } catch {
    return text;
  }
}
