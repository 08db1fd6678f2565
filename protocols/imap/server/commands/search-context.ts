// SEARCH with the CONTEXT=SEARCH return options (RFC 5267 §4): UPDATE (the result stays live,
// search-context.ts), CONTEXT (a hint, nothing to do) and PARTIAL (a window of the result, §4.4;
// RFC 9394 for negative ranges).
// Any other SEARCH is answered by search.ts as before.
import { atom, untagged } from '../../codec/index.js';
import { matchingMessages, SUPPORTED_CHARSETS, unsupportedCharset } from '../search-run.js';
import { usesModseq } from '../search-eval.js';
import { esearchValues, returnOptions } from '../esearch-answer.js';
import { startUpdate } from '../search-context.js';
import { bad, no, ok } from '../respond.js';
import { search } from './search.js';
import { SELECTED, command } from './types.js';

export const searchWithContext = command({
  name: 'SEARCH', states: SELECTED,
  handle: async (c, cmd) => {
    const ret = cmd.return && returnOptions(cmd.return);
    if (!ret || (!ret.partial && !ret.options.has('UPDATE') && !ret.options.has('CONTEXT'))) return search.handle(c, cmd);
    const s = c.session;
    const sel = s.selected!;
    if (cmd.charset && unsupportedCharset(cmd.charset)) {
      return { ...no('Charset not supported'), code: { code: 'BADCHARSET', args: [SUPPORTED_CHARSETS.map(atom)] } };
    }
    // RFC 9394 §3.1: PARTIAL replaces ALL; both in one RETURN is an error.
    if (ret.partial && ret.options.has('ALL')) return bad('PARTIAL and ALL cannot be combined');
    const modseqKey = usesModseq(cmd.key);
    if (modseqKey) s.condstore = true;
    const found = await matchingMessages(c, cmd.key, false);
    const numbers = found.map((m) => (cmd.uid ? m.uid : sel.seqOf(m.uid)));
    if (ret.options.has('SAVE')) s.saved = found.map((m) => m.uid);
    const refused = ret.options.has('UPDATE') ? startUpdate(s, { tag: cmd.tag, uid: cmd.uid, key: cmd.key }, found.map((m) => m.uid)) : null;
    const values = esearchValues(cmd.tag, cmd.uid, numbers, cmd.return!);
    if (modseqKey && found.length > 0) values.push(atom('MODSEQ'), found.reduce((a, m) => Math.max(a, m.modseq), 0));
    return { ...ok('SEARCH completed', undefined, [...(refused ? [refused] : []), untagged(values)]), noExpunges: !cmd.uid };
  },
});
