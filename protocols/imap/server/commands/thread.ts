// THREAD and UID THREAD (RFC 5256 §3): ORDEREDSUBJECT and REFERENCES over the messages the
// search key matches, from the cached parse (Message-ID, References, In-Reply-To, subject,
// Date); the algorithms are in sort/threading.ts, the answer's syntax in the codec.
import { atom, composeThreads, untagged } from '../../codec/index.js';
import type { MailMessage } from '../../../../src/model/mail.js';
import { matchingMessages, SUPPORTED_CHARSETS, unsupportedCharset } from '../search-run.js';
import { sentDate } from '../sort/sort-keys.js';
import { orderedSubject, referencesThreads, type ThreadMessage } from '../sort/threading.js';
import { bad, no, ok } from '../respond.js';
import { SELECTED, command } from './types.js';

export const THREAD_ALGORITHMS = { ORDEREDSUBJECT: orderedSubject, REFERENCES: referencesThreads } as const;

export const thread = command({
  name: 'THREAD', states: SELECTED,
  handle: async (c, cmd) => {
    const sel = c.session.selected!;
    const algorithm = THREAD_ALGORITHMS[cmd.algorithm as keyof typeof THREAD_ALGORITHMS];
    if (!algorithm) return bad(`Unknown threading algorithm ${cmd.algorithm}`);
    if (unsupportedCharset(cmd.charset)) {
      return { ...no('Charset not supported'), code: { code: 'BADCHARSET', args: [SUPPORTED_CHARSETS.map(atom)] } };
    }
    const found = (await matchingMessages(c, cmd.key, true)) as MailMessage[];
    const input: ThreadMessage[] = found.map((m) => ({
      id: cmd.uid ? m.uid : sel.seqOf(m.uid),
      messageId: m.parsed.messageId,
      references: m.parsed.references.length > 0 ? m.parsed.references : m.parsed.inReplyTo ? [m.parsed.inReplyTo] : [],
      subject: m.parsed.subject,
      date: sentDate(m),
    }));
    const threads = composeThreads(algorithm(input));
    const values = threads ? [atom('THREAD'), atom(threads)] : [atom('THREAD')];
    // Sequence numbers in the answer: no EXPUNGE may come with it (as for SEARCH, RFC 9051 §7.5.1).
    return { ...ok('THREAD completed', undefined, [untagged(values)]), noExpunges: !cmd.uid };
  },
});
