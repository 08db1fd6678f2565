/**
 * The copy of a post that a mailing list sends to its members: the RFC 2369 List-* fields and the
 * RFC 2919 List-Id, `Precedence: list` (what auto-responders look for, RFC 3834 §2), the list's
 * subject prefix (once: a reply keeps "Re: [team] ..." as it is) and, when the list says so,
 * Reply-To the list. Any List-* fields the post came with are replaced, and a post that already
 * carries this list's List-Id has been through it before: a loop, not sent again.
 */
import libmime from 'libmime';
import type { MailingList } from '../../store/list-store.js';
import { headerValue, rewriteHeader } from '../header-block.js';
import { commandAddress, ownerAddressOf } from './addresses.js';

/** RFC 2919 §2: list-label "." list-id-namespace; the address with its @ turned into a dot. */
export function listIdOf(list: MailingList): string {
  return list.address.replace('@', '.').replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/g, '-');
}

export { ownerAddressOf };

export function isLoop(message: Uint8Array, list: MailingList): boolean {
  const id = headerValue(message, 'List-Id');
  return id !== null && id.toLowerCase().includes(`<${listIdOf(list).toLowerCase()}>`);
}

const LIST_FIELDS = new Set([
  'list-id',
  'list-post',
  'list-help',
  'list-unsubscribe',
  'list-subscribe',
  'list-owner',
  'list-archive',
  'list-unsubscribe-post',
  'precedence',
]);

/** A phrase as RFC 5322 §3.2.5 allows it: as is when it is atoms, else quoted; encoded when not ASCII. */
function phrase(text: string): string {
  if (/[^\x20-\x7e]/.test(text)) return libmime.encodeWord(text, 'Q');
  return /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(text) ? text : `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * `oneClickUrl`: the member's RFC 8058 unsubscribe URL, for a copy made for one member; the
 * List-Unsubscribe then names it first and List-Unsubscribe-Post says it takes a one-click POST.
 */
export function listCopy(list: MailingList, message: Uint8Array, oneClickUrl?: string): Buffer {
  const add = [
    `List-Id: ${phrase(list.name)} <${listIdOf(list)}>`,
    // RFC 2369 §3.4: NO when members may not post (an announcement list).
    `List-Post: ${list.memberPosts === 'deny' ? 'NO' : `<mailto:${list.address}>`}`,
    `List-Owner: <mailto:${ownerAddressOf(list)}>`,
    `List-Help: <mailto:${commandAddress(list, 'request')}?subject=help>`,
    `List-Subscribe: <mailto:${commandAddress(list, 'subscribe')}>`,
    `List-Unsubscribe: ${oneClickUrl ? `<${oneClickUrl}>, ` : ''}<mailto:${commandAddress(list, 'unsubscribe')}>`,
    ...(oneClickUrl ? ['List-Unsubscribe-Post: List-Unsubscribe=One-Click'] : []),
    'Precedence: list',
  ];
  if (list.replyTo === 'list') add.push(`Reply-To: <${list.address}>`);
  const subject = headerValue(message, 'Subject');
  let newSubject: string | null = null;
  if (list.subjectPrefix) {
    const decoded = subject === null ? '' : libmime.decodeWords(subject);
    if (!decoded.toLowerCase().includes(list.subjectPrefix.toLowerCase())) {
      const prefix = /[^\x20-\x7e]/.test(list.subjectPrefix) ? libmime.encodeWord(list.subjectPrefix, 'Q') : list.subjectPrefix;
      newSubject = `Subject: ${prefix}${subject ? ` ${subject}` : ''}`;
      add.push(newSubject);
    }
  }
  const drop = (name: string) =>
    LIST_FIELDS.has(name) || (list.replyTo === 'list' && name === 'reply-to') || (newSubject !== null && name === 'subject');
  return rewriteHeader(message, { drop: (f) => drop(f.name), prepend: add });
}
