/** address-data in reports (RFC 6352 §10.4): version negotiation and property selection. */
import { NS } from '../xml/names.js';
import { type XmlElement, is } from '../xml/parser.js';
import { el, esc } from '../xml/writer.js';
import { convertVCard, type VCardVersion } from './convert.js';

/** `props`: selected property names -> novalue (RFC 6352 §10.4.2); null for allprop or no selection. */
export interface AddressDataSpec { version: VCardVersion | null; props: Map<string, boolean> | null }

export function addressDataSpec(e: XmlElement): AddressDataSpec {
  const v = e.attrs.version;
  const sel = e.children.filter((c) => is(c, NS.CARDDAV, 'prop'));
  const allprop = e.children.some((c) => is(c, NS.CARDDAV, 'allprop'));
  const props = new Map(sel.map((c) => [(c.attrs.name ?? '').toUpperCase(), c.attrs.novalue === 'yes'] as const));
  return { version: v === '3.0' || v === '4.0' ? v : null, props: props.size && !allprop ? props : null };
}

/** Kept whatever the selection: the card's frame, and the properties vCard requires (RFC 6350 §6.1.4, §6.7.9). */
const ALWAYS = new Set(['BEGIN', 'END', 'VERSION', 'UID']);

export function renderAddressData(vcf: string, spec: AddressDataSpec): string {
  let text = spec.version ? convertVCard(vcf, spec.version) : vcf;
  if (spec.props) {
    const sel = spec.props;
    const lines = text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/).filter((l) => l !== '');
    const out: string[] = [];
    for (const l of lines) {
      const head = /^[^:"]*(?:"[^"]*"[^:"]*)*/.exec(l)?.[0] ?? l;
      const name = head.split(';')[0].replace(/^[^.]*\./, '').toUpperCase();
      if (ALWAYS.has(name)) out.push(l);
      else if (sel.has(name)) out.push(sel.get(name) ? `${head}:` : l);
    }
    text = out.join('\r\n') + '\r\n';
  }
  return el(NS.CARDDAV, 'address-data', esc(text));
}
