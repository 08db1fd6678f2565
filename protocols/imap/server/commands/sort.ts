// SORT and UID SORT (RFC 5256 §3; SORT=DISPLAY RFC 5957), with ESORT's RETURN options (RFC 5267
// §3: MIN, MAX, ALL, COUNT, and PARTIAL from §4.4) and SAVE (RFC 5182 §2.4). The search key is
// evaluated as SEARCH does (search-eval.ts); the order comes from the cached parse (sort/sort-keys.ts).
import { atom, untagged, type ResponseValue } from '../../codec/index.js';
import { matchingMessages, SUPPORTED_CHARSETS, unsupportedCharset } from '../search-run.js';
import { sortMessages, sortNeedsParse } from '../sort/sort-keys.js';
import { esearchValues, returnOptions } from '../esearch-answer.js';
import { bad, no, ok } from '../respond.js';
import { SELECTED, command } from './types.js';

export const sort = command({
  name: 'SORT', states: SELECTED,
  handle: async (c, cmd) => {
    const s = c.session;
    const sel = s.selected!;
    if (unsupportedCharset(cmd.charset)) {
      return { ...no('Charset not supported'), code: { code: 'BADCHARSET', args: [SUPPORTED_CHARSETS.map(atom)] } };
    }
    const ret = cmd.return && returnOptions(cmd.return);
    if (ret && ret.partial && ret.options.has('ALL')) return bad('PARTIAL and ALL cannot be combined');
    // Live sorted results (CONTEXT=SORT, RFC 5267 §4) are not offered: refused as §4.2 allows.
    if (ret && ret.options.has('UPDATE')) return { status: 'NO', text: 'Sorted results are not updated', code: { code: 'NOUPDATE', args: [cmd.tag] } };
    const found = sortMessages(await matchingMessages(c, cmd.key, sortNeedsParse(cmd.criteria)), cmd.criteria);
    const numbers = found.map((m) => (cmd.uid ? m.uid : sel.seqOf(m.uid)));
    // Sequence numbers in the answer: no EXPUNGE may come with it (as for SEARCH, RFC 9051 §7.5.1).
    const quiet = !cmd.uid;
    if (!cmd.return) return { ...ok('SORT completed', undefined, [untagged([atom('SORT'), ...numbers] as ResponseValue[])]), noExpunges: quiet };
    if (ret!.options.has('SAVE')) s.saved = found.map((m) => m.uid).sort((a, b) => a - b);
    // RETURN (SAVE) alone answers no ESEARCH (RFC 5182 §2.4).
    const onlySave = ret!.options.size === 1 && ret!.options.has('SAVE') && !ret!.partial;
    return { ...ok('SORT completed', undefined, onlySave ? [] : [untagged(esearchValues(cmd.tag, cmd.uid, numbers, cmd.return))]), noExpunges: quiet };
  },
});
