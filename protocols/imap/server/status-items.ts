// STATUS data items (RFC 9051 §6.3.11; SIZE RFC 8438; HIGHESTMODSEQ RFC 7162 §3.1.2).
import type { Store } from '../../../src/store/store.js';
import { atom, untagged, type ResponseValue } from '../codec/index.js';
import { unclaimedRecent } from './recent.js';

export async function statusResponse(store: Store, accountId: number, folderId: number, wireName: string, items: string[]): Promise<Buffer> {
  const s = await store.mailboxStatus(folderId);
  const values: ResponseValue[] = [];
  for (const raw of items) {
    const item = raw.toUpperCase();
    let v: number | undefined;
    if (item === 'MESSAGES') v = s.messages;
    else if (item === 'UNSEEN') v = s.unseen;
    else if (item === 'UIDNEXT') v = s.uidNext;
    else if (item === 'UIDVALIDITY') v = s.uidValidity;
    else if (item === 'RECENT') v = await unclaimedRecent(store, accountId, folderId, (await store.listMessageStates(folderId)).map((m) => m.uid));
    else if (item === 'SIZE') v = s.bytes;
    else if (item === 'HIGHESTMODSEQ') v = s.highestModseq;
    else if (item === 'DELETED') v = (await store.listMessageStates(folderId)).filter((m) => m.flags.some((f) => f.toLowerCase() === '\\deleted')).length;
    if (v !== undefined) values.push(atom(item), v);
  }
  return untagged([atom('STATUS'), wireName, values]);
}
