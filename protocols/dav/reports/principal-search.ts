/**
 * principal-property-search and principal-search-property-set (RFC 3744 §9.4, §9.5), searching
 * only the principals of the user's own domain (tenant isolation).
 */
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse } from '../request.js';
import type { Res } from '../resolve.js';
import { principalHref } from '../resolve.js';
import { NS, clark } from '../xml/names.js';
import { type XmlElement, child, childrenOf } from '../xml/parser.js';
import { documentRoot, d, el } from '../xml/writer.js';
import { propRequest, renderResponse } from '../props/engine.js';

const MAX_RESULTS = 50;

const SEARCHABLE: Record<string, (a: { email: string; displayName: string | null }) => string[]> = {
  [clark(NS.DAV, 'displayname')]: (a) => [a.displayName ?? '', a.email],
  [clark(NS.CALDAV, 'calendar-user-address-set')]: (a) => [`mailto:${a.email}`, a.email],
  [clark(NS.CS, 'email-address-set')]: (a) => [a.email],
  [clark(NS.CS, 'first-name')]: (a) => [(a.displayName ?? '').split(' ')[0]],
  [clark(NS.CS, 'last-name')]: (a) => [(a.displayName ?? '').split(' ').slice(1).join(' ')],
};

export async function principalPropertySearch(q: DavRequest, _r: Res, body: XmlElement): Promise<DavResponse> {
  const allof = body.attrs.test !== 'anyof';
  const searches = childrenOf(body, NS.DAV, 'property-search').map((ps) => {
    const prop = child(ps, NS.DAV, 'prop');
    const names = prop ? prop.children.map((c) => clark(c.ns, c.local)) : [];
    const match = child(ps, NS.DAV, 'match')?.text.trim().toLowerCase() ?? '';
    return { names, match };
  });
  const req = propRequest(body);
  const parts: string[] = [];
  for (const a of await q.svc.ctx.store.listAccounts(q.user.domainId)) {
    if (a.disabled || a.domainId !== q.user.domainId) continue;
    const test = (s: { names: string[]; match: string }) => s.names.some((n) => (SEARCHABLE[n]?.(a) ?? []).some((v) => v.toLowerCase().includes(s.match)));
    const ok = searches.length > 0 && (allof ? searches.every(test) : searches.some(test));
    if (!ok) continue;
    parts.push(await renderResponse(q, { kind: 'principal', href: principalHref(a), account: a }, req));
    if (parts.length >= MAX_RESULTS) break;
  }
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', parts.join('')));
}

export async function principalSearchPropertySet(): Promise<DavResponse> {
  const sp = (ns: string, local: string, desc: string) => d('principal-search-property', d('prop', el(ns, local)) + d('description', desc));
  return xmlResponse(200, documentRoot(NS.DAV, 'principal-search-property-set',
    sp(NS.DAV, 'displayname', 'Display name') + sp(NS.CALDAV, 'calendar-user-address-set', 'Calendar address') + sp(NS.CS, 'email-address-set', 'Email address')));
}
