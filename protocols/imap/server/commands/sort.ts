// SORT and UID SORT (RFC 5256 §3; SORT=DISPLAY RFC 5957), with ESORT's RETURN options (RFC 5267
// §3: MIN, MAX, ALL, COUNT), CONTEXT=SORT's (§4: UPDATE, CONTEXT, PARTIAL) and SAVE (RFC 5182
// §2.4). The search key is evaluated as SEARCH does (search-eval.ts); the order comes from the
// cached parse (sort/sort-keys.ts).
import { atom, untagged, type ResponseValue } from '../../codec/index.js';
import { matchingMessages, SUPPORTED_CHARSETS, unsupportedCharset } from '../search-run.js';
import { sortMessages, sortNeedsParse } from '../sort/sort-keys.js';
import { esearchValues, returnOptions } from '../esearch-answer.js';
import { startUpdate } from '../search-context.js';
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
    const found = sortMessages(await matchingMessages(c, cmd.key, sortNeedsParse(cmd.criteria)), cmd.criteria);
    const numbers = found.map((m) => (cmd.uid ? m.uid : sel.seqOf(m.uid)));
    // Sequence numbers in the answer: no EXPUNGE may come with it (as for SEARCH, RFC 9051 §7.5.1).
    const quiet = !cmd.uid;
    if (!cmd.return) return { ...ok('SORT completed', undefined, [untagged([atom('SORT'), ...numbers] as ResponseValue[])]), noExpunges: quiet };
    if (ret!.options.has('SAVE')) s.saved = found.map((m) => m.uid).sort((a, b) => a - b);
    // CONTEXT=SORT (RFC 5267 §4): the sorted result stays live (search-context.ts).
    const refused = ret!.options.has('UPDATE') ? startUpdate(s, { tag: cmd.tag, uid: cmd.uid, key: cmd.key, criteria: cmd.criteria }, found.map((m) => m.uid)) : null;
    // RETURN (SAVE) alone answers no ESEARCH (RFC 5182 §2.4).
    const onlySave = ret!.options.size === 1 && ret!.options.has('SAVE') && !ret!.partial;
    const answers = [...(refused ? [refused] : []), ...(onlySave ? [] : [untagged(esearchValues(cmd.tag, cmd.uid, numbers, cmd.return))])];
    return { ...ok('SORT completed', undefined, answers), noExpunges: quiet };
  },
});
