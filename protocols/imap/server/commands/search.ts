// SEARCH and UID SEARCH (RFC 9051 §6.4.4) with CHARSET (UTF-8 and US-ASCII), ESEARCH result
// options (RFC 4731), SAVE (RFC 5182) and the MODSEQ of the result (RFC 7162 §3.1.5).
import { atom, compressNumbers, untagged, type ResponseValue } from '../../codec/index.js';
import { messagesByUid } from '../message-source.js';
import { matches, searchNeedsParse, usesModseq } from '../search-eval.js';
import { ok, no } from '../respond.js';
import { SELECTED, command } from './types.js';

const CHARSETS = new Set(['UTF-8', 'US-ASCII']);

export const search = command({
  name: 'SEARCH', states: SELECTED,
  handle: async (c, cmd) => {
    const s = c.session;
    const sel = s.selected!;
    if (cmd.charset && !CHARSETS.has(cmd.charset.toUpperCase())) {
      return { ...no('Charset not supported'), code: { code: 'BADCHARSET', args: [[...CHARSETS].map(atom)] } };
    }
    const modseqKey = usesModseq(cmd.key);
    if (modseqKey) s.condstore = true;
    const scope = { sel, saved: s.saved, now: c.ctx.now(), store: c.ctx.store };
    const found: Array<{ uid: number; modseq: number }> = [];
    for await (const m of messagesByUid(c.ctx.store, sel.folder.id, [...sel.uids], searchNeedsParse(cmd.key), sel)) {
      if (sel.seqOf(m.uid) > 0 && (await matches(scope, m, cmd.key))) found.push({ uid: m.uid, modseq: m.modseq });
    }
    const numbers = found.map((f) => (cmd.uid ? f.uid : sel.seqOf(f.uid)));
    const highest = found.reduce((a, f) => Math.max(a, f.modseq), 0);
    const ret = cmd.return ?? (s.enabled.has('IMAP4REV2') ? [] : undefined);
    if (ret === undefined) {
      const values: ResponseValue[] = [atom('SEARCH'), ...numbers];
      if (modseqKey && found.length > 0) values.push([atom('MODSEQ'), highest]);
      return ok('SEARCH completed', undefined, [untagged(values)]);
    }
    const opts = ret.length === 0 ? ['ALL'] : ret.filter((r) => typeof r === 'string');
    if (opts.includes('SAVE')) s.saved = found.map((f) => f.uid);
    const values: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), cmd.tag]];
    if (cmd.uid) values.push(atom('UID'));
    if (numbers.length > 0) {
      if (opts.includes('MIN')) values.push(atom('MIN'), Math.min(...numbers));
      if (opts.includes('MAX')) values.push(atom('MAX'), Math.max(...numbers));
      if (opts.includes('ALL')) values.push(atom('ALL'), atom(compressNumbers(numbers)));
    }
    if (opts.includes('COUNT')) values.push(atom('COUNT'), numbers.length);
    if (modseqKey && found.length > 0) {
      // RFC 4731 §3.2 (RFC 7162 §3.1.5): with only MIN and/or MAX, the MODSEQ is of those messages.
      const only = opts.every((o) => o === 'MIN' || o === 'MAX' || o === 'SAVE');
      const picked = only ? [opts.includes('MIN') ? found[0] : null, opts.includes('MAX') ? found[found.length - 1] : null] : found;
      values.push(atom('MODSEQ'), picked.reduce((a, f) => Math.max(a, f?.modseq ?? 0), 0));
    }
    // RETURN (SAVE) alone answers no ESEARCH (RFC 5182 §2.4).
    const onlySave = opts.length === 1 && opts[0] === 'SAVE';
    return ok('SEARCH completed', undefined, onlySave ? [] : [untagged(values)]);
  },
});
