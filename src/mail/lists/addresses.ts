/**
 * The addresses of a mailing list: LIST@DOMAIN takes posts; LIST-request, -subscribe,
 * -unsubscribe, -help and -owner are the command addresses RFC 2369 §3 points to (List-Help,
 * List-Subscribe, List-Unsubscribe, List-Owner); LIST-confirm+TOKEN answers a confirmation or a
 * moderation question; LIST-bounces (and VERP-like LIST-bounces+MEMBER=DOMAIN) takes the
 * members' bounces. Each is recognised at RCPT (src/mail/recipients.ts).
 */
import type { Store } from '../../store/store.js';
import { LIST_COMMAND_SUFFIXES, type ListCommand, type MailingList } from '../../store/list-store.js';

export type ListEndpoint = 'post' | ListCommand;

/** A list as one of its addresses reached it: the endpoint, and the +detail of confirm and bounces. */
export interface ListAddress extends MailingList {
  endpoint: ListEndpoint;
  /** confirm: the token; bounces: the member address (VERP), or null. */
  detail: string | null;
}

const COMMAND = new RegExp(`^(.+)-(${LIST_COMMAND_SUFFIXES.join('|')})(?:\\+(.+))?$`);

/** The list and endpoint an address is, or null when it is none of a list's addresses. */
export async function findListAddress(store: Pick<Store, 'getList'>, address: string): Promise<ListAddress | null> {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at <= 0) return null;
  const list = await store.getList(a);
  if (list) return { ...list, endpoint: 'post', detail: null };
  const m = COMMAND.exec(a.slice(0, at));
  if (!m) return null;
  const endpoint = m[2] as ListCommand;
  const detail = m[3] ?? null;
  // Only confirm (a token) and bounces (a member) take a +detail.
  if (detail !== null && endpoint !== 'confirm' && endpoint !== 'bounces') return null;
  if (endpoint === 'confirm' && detail === null) return null;
  const base = await store.getList(`${m[1]}${a.slice(at)}`);
  if (!base) return null;
  const member = endpoint === 'bounces' && detail !== null ? verpMember(detail) : detail;
  return { ...base, endpoint, detail: member };
}

/** LIST-SUFFIX@DOMAIN. */
export function commandAddress(list: Pick<MailingList, 'address'>, command: ListCommand, detail?: string): string {
  const at = list.address.lastIndexOf('@');
  return `${list.address.slice(0, at)}-${command}${detail ? `+${detail}` : ''}${list.address.slice(at)}`;
}

/** LIST-owner@DOMAIN: the list's owners. */
export const ownerAddressOf = (list: Pick<MailingList, 'address'>) => commandAddress(list, 'owner');

/** LIST-bounces+MEMBER=DOMAIN@LISTDOMAIN: a bounce to it names the member without parsing the DSN. */
export function verpAddress(list: Pick<MailingList, 'address'>, member: string): string {
  const at = member.lastIndexOf('@');
  return commandAddress(list, 'bounces', `${member.slice(0, at)}=${member.slice(at + 1)}`);
}

function verpMember(detail: string): string | null {
  const eq = detail.lastIndexOf('=');
  return eq > 0 && eq < detail.length - 1 ? `${detail.slice(0, eq)}@${detail.slice(eq + 1)}` : null;
}
