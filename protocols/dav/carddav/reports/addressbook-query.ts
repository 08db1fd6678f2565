/** addressbook-query (RFC 6352 §8.6, §10.5): prop-filter, param-filter and text-match on vCards. */
import { parseVCard } from '../../../../src/pim/parse.js';
import type { DavRequest, DavResponse } from '../../request.js';
import { xmlResponse } from '../../request.js';
import type { Res } from '../../resolve.js';
import { DavError, C } from '../../errors.js';
import { NS } from '../../xml/names.js';
import { type XmlElement, child, childrenOf } from '../../xml/parser.js';
import { documentRoot, d } from '../../xml/writer.js';
import { renderResponse } from '../../props/engine.js';
import { members } from '../../members.js';
import { galCard } from '../gal.js';
import { reportProps, withContent } from '../../reports/render.js';

type Card = ReturnType<typeof parseVCard>;

function textMatch(tm: XmlElement, value: string): boolean {
  const collation = tm.attrs.collation ?? 'i;unicode-casemap';
  if (!['i;unicode-casemap', 'i;ascii-casemap', 'i;octet'].includes(collation)) throw new DavError(403, { ns: NS.CARDDAV, local: 'supported-collation' });
  const fold = (s: string) => (collation === 'i;octet' ? s : s.toLowerCase());
  const v = fold(value);
  const n = fold(tm.text);
  const type = tm.attrs['match-type'] ?? 'contains';
  const hit = type === 'equals' ? v === n : type === 'starts-with' ? v.startsWith(n) : type === 'ends-with' ? v.endsWith(n) : v.includes(n);
  return tm.attrs['negate-condition'] === 'yes' ? !hit : hit;
}

function propFilter(card: Card, pf: XmlElement): boolean {
  const props = card.getAllProperties((pf.attrs.name ?? '').toLowerCase());
  if (child(pf, NS.CARDDAV, 'is-not-defined')) return props.length === 0;
  if (props.length === 0) return false;
  const tests = [...childrenOf(pf, NS.CARDDAV, 'text-match'), ...childrenOf(pf, NS.CARDDAV, 'param-filter')];
  if (tests.length === 0) return true;
  const allof = pf.attrs.test === 'allof';
  return props.some((p) => {
    const results = tests.map((t) => {
      if (t.local === 'text-match') return textMatch(t, p.getValues().map((v) => (Array.isArray(v) ? v.join(';') : String(v))).join(','));
      const val = p.getParameter((t.attrs.name ?? '').toLowerCase());
      if (child(t, NS.CARDDAV, 'is-not-defined')) return val === undefined || val === null;
      if (val === undefined || val === null) return false;
      const tm = child(t, NS.CARDDAV, 'text-match');
      return tm ? textMatch(tm, Array.isArray(val) ? val.join(',') : String(val)) : true;
    });
    return allof ? results.every(Boolean) : results.some(Boolean);
  });
}

export function cardMatches(vcf: string, filter: XmlElement | undefined): boolean {
  if (!filter) return true;
  const pfs = childrenOf(filter, NS.CARDDAV, 'prop-filter');
  if (pfs.length === 0) return true;
  let card: Card;
  try { card = parseVCard(vcf); } catch { return false; }
  const allof = filter.attrs.test === 'allof';
  return allof ? pfs.every((pf) => propFilter(card, pf)) : pfs.some((pf) => propFilter(card, pf));
}

export async function addressbookQuery(q: DavRequest, r: Res, body: XmlElement): Promise<DavResponse> {
  if (!((r.kind === 'collection' && r.area === 'addressbooks') || r.kind === 'gal')) throw new DavError(403, C.supportedReport());
  const filter = child(body, NS.CARDDAV, 'filter');
  const limitEl = child(body, NS.CARDDAV, 'limit');
  const nres = limitEl ? Number(child(limitEl, NS.CARDDAV, 'nresults')?.text.trim()) : NaN;
  const rp = reportProps(body);
  const all = await withContent(q, await members(q, r));
  const parts: string[] = [];
  let truncated = false;
  for (const m of all) {
    const text = m.kind === 'member' ? m.item?.content : m.kind === 'gal-card' && m.account ? galCard(m.account, m.domain) : null;
    if (!text || !cardMatches(text, filter)) continue;
    if (Number.isFinite(nres) && parts.length >= nres) { truncated = true; break; }
    parts.push(await renderResponse(q, m, rp.req, rp.extra));
  }
  if (truncated) parts.push(d('response', d('href', r.href) + d('status', 'HTTP/1.1 507 Insufficient Storage') + d('error', d('number-of-matches-within-limits'))));
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', parts.join('')));
}
