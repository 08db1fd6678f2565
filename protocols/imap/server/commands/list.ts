// LIST with LIST-EXTENDED selection and return options (RFC 9051 §6.3.9, RFC 5258), SPECIAL-USE
// (RFC 6154), LIST-STATUS (RFC 5819), and LSUB (RFC 3501 §6.3.9).
import { atom, decodeMutf7, untagged, type ResponseValue } from '../../codec/index.js';
import type { Session } from '../session.js';
import { DELIMITER, encodeName, mailboxEntries, patternRegex } from '../mailboxes.js';
import { Subscriptions } from '../subscriptions.js';
import { statusResponse } from '../status-items.js';
import { otherMailboxes } from '../shared.js';
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
    const others = await otherMailboxes(store, s.account!);
    const entries = [...await mailboxEntries(store, s.account!.id), ...others.mailboxes];
    const subs = await Subscriptions.load(store, s.account!.id);
    const regexes = cmd.patterns.map((p) => patternRegex(decodeRef(s, cmd.reference), decodeRef(s, p)));
    const matches = (name: string) => regexes.some((r) => r.test(name));
    const byName = new Map(entries.map((e) => [e.name, e]));
    const out: Buffer[] = [];
    const sel = cmd.selection, ret = cmd.return;
    const line = (name: string, attrs: string[], extra: ResponseValue[] = []) =>
      untagged([atom('LIST'), attrs.map(atom), DELIMITER, encodeName(s, name), ...extra]);
    const listed = new Set<string>();
    for (const e of entries) {
      if (!matches(e.name)) continue;
      const subscribed = subs.has(e.name, true);
      if (sel.subscribed && !subscribed) continue;
      const special = e.attributes.filter((a) => !a.startsWith('\\Has'));
      if (sel.specialUse && special.length === 0) continue;
      const attrs = [...e.attributes];
      if ((sel.subscribed || ret.subscribed) && subscribed) attrs.push('\\Subscribed');
      listed.add(e.name);
      out.push(line(e.name, attrs));
      if (ret.status && ret.status.length > 0) out.push(await statusResponse(store, e.folder.accountId, e.folder.id, encodeName(s, e.name), ret.status));
    }
    // Names above public mail folders (the namespace root, unreadable or non-mail public folders): \Noselect.
    if (!sel.subscribed && !sel.specialUse) {
      for (const name of others.noselect) {
        if (byName.has(name) || !matches(name)) continue;
        listed.add(name);
        out.push(line(name, ['\\Noselect', '\\HasChildren']));
      }
    }
    if (sel.subscribed && !sel.specialUse) {
      // Subscribed names with no mailbox (RFC 5258 §3.1: \NonExistent).
      for (const name of [...subs.subscribed].sort()) {
        if (byName.has(name) || !matches(name)) continue;
        listed.add(name);
        out.push(line(name, ['\\Subscribed', '\\NonExistent']));
      }
    }
    if (sel.subscribed && sel.recursiveMatch) {
      // RFC 5258 §3.5: a matching name with a subscribed descendant that does not match itself
      // is listed (subscribed or not) with CHILDINFO ("SUBSCRIBED").
      const withChild = new Set<string>();
      const subscribedNames = [...new Set([...subs.subscribed, ...entries.filter((e) => subs.has(e.name, true)).map((e) => e.name)])];
      for (const name of subscribedNames) {
        if (matches(name)) continue;
        const parts = name.split(DELIMITER);
        for (let i = 1; i < parts.length; i++) {
          const ancestor = parts.slice(0, i).join(DELIMITER);
          if (matches(ancestor)) withChild.add(ancestor);
        }
      }
      const childInfo: ResponseValue[] = [[atom('CHILDINFO'), ['SUBSCRIBED']]];
      for (const name of [...withChild].sort()) {
        if (listed.has(name)) continue;
        const e = byName.get(name);
        out.push(line(name, e ? e.attributes : ['\\NonExistent'], childInfo));
      }
    }
    return ok('LIST completed', undefined, out);
  },
});

export const lsub = command({
  name: 'LSUB', states: AUTHED,
  handle: async (c, cmd) => {
    const s = c.session;
    const entries = [...await mailboxEntries(c.ctx.store, s.account!.id), ...(await otherMailboxes(c.ctx.store, s.account!)).mailboxes];
    const subs = await Subscriptions.load(c.ctx.store, s.account!.id);
    const re = patternRegex(decodeRef(s, cmd.reference), decodeRef(s, cmd.pattern));
    const byName = new Map(entries.map((e) => [e.name, e]));
    const names = [...new Set([...entries.filter((e) => subs.has(e.name, true)).map((e) => e.name), ...subs.subscribed])];
    const out: Buffer[] = [];
    const shown = new Set<string>();
    const line = (name: string, attrs: string[]) => untagged([atom('LSUB'), attrs.map(atom), DELIMITER, encodeName(s, name)]);
    for (const name of names.sort()) {
      if (!re.test(name)) continue;
      shown.add(name);
      const e = byName.get(name);
      out.push(line(name, e ? e.attributes.filter((a) => !a.startsWith('\\Has')) : ['\\Noselect']));
    }
    // RFC 3501 §6.3.9: with "%", a parent of a subscribed name that matches but is not subscribed
    // itself is returned with \Noselect.
    if (cmd.pattern.includes('%')) {
      for (const name of names) {
        const parts = name.split(DELIMITER);
        for (let i = 1; i < parts.length; i++) {
          const ancestor = parts.slice(0, i).join(DELIMITER);
          if (shown.has(ancestor) || !re.test(ancestor)) continue;
          shown.add(ancestor);
          out.push(line(ancestor, ['\\Noselect']));
        }
      }
    }
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
