/**
 * One-click unsubscription (RFC 8058) for the copies a list sends to members at other providers:
 * their List-Unsubscribe names an HTTPS URL besides the mailto, and List-Unsubscribe-Post says a
 * POST of "List-Unsubscribe=One-Click" to it unsubscribes (what Gmail's and Yahoo's unsubscribe
 * buttons do). The URL carries a token naming the list and the member, authenticated with an
 * HMAC-SHA256 under the store's `list-unsubscribe` server secret, so that no state is kept per
 * copy, every node accepts it, and nobody can make one for an address of their choosing. The
 * page that takes the POST is protocols/lists-web.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.js';

export interface OneClick {
  /** The URL to unsubscribe `address` from list `listId`. */
  url(listId: number, address: string): string;
  /** The list and member a token names, or null when it is not one of ours. */
  read(token: string): { listId: number; address: string } | null;
}

const MAC_CHARS = 22; // 132 bits of HMAC-SHA256

export function oneClick(publicUrl: string, secret: Buffer): OneClick {
  const mac = (listId: number, address: string) =>
    createHmac('sha256', secret).update(`list-unsubscribe\n${listId}\n${address}`).digest('base64url').slice(0, MAC_CHARS);
  const tokenOf = (listId: number, address: string) => {
    const a = address.toLowerCase();
    return `${listId}.${Buffer.from(a).toString('base64url')}.${mac(listId, a)}`;
  };
  return {
    url: (listId, address) => `${publicUrl.replace(/\/$/, '')}/lists/unsubscribe/${tokenOf(listId, address)}`,
    read(token) {
      const m = /^(\d{1,15})\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{22})$/.exec(token);
      if (!m) return null;
      const listId = Number(m[1]);
      const address = Buffer.from(m[2], 'base64url').toString('utf8');
      if (!address.includes('@') || address !== address.toLowerCase()) return null;
      const want = Buffer.from(mac(listId, address));
      const got = Buffer.from(m[3]);
      return want.length === got.length && timingSafeEqual(want, got) ? { listId, address } : null;
    },
  };
}

/** The one-click links of this server: the shared secret, made by the first node that asks. */
export async function oneClickOf(store: Pick<Store, 'serverSecret'>, publicUrl: string): Promise<OneClick> {
  const secret = await store.serverSecret('list-unsubscribe', randomBytes(32).toString('hex'));
  return oneClick(publicUrl, Buffer.from(secret, 'hex'));
}
