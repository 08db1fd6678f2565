/** address-data in reports (RFC 6352 §10.4): version negotiation and property selection. */
import { NS } from '../xml/names.js';
import { type XmlElement, is } from '../xml/parser.js';
import { el, esc } from '../xml/writer.js';
import { convertVCard, type VCardVersion } from './convert.js';

export interface AddressDataSpec { version: VCardVersion | null; props: string[] | null }

export function addressDataSpec(e: XmlElement): AddressDataSpec {
  const v = e.attrs.version;
  const props = e.children.filter((c) => is(c, NS.CARDDAV, 'prop')).map((c) => (c.attrs.name ?? '').toUpperCase());
  return { version: v === '3.0' || v === '4.0' ? v : null, props: props.length ? props : null };
}

const ALWAYS = new Set(['BEGIN', 'END', 'VERSION', 'UID']);

export function renderAddressData(vcf: string, spec: AddressDataSpec): string {
  let text = spec.version ? convertVCard(vcf, spec.version) : vcf;
  if (spec.props) {
    const keep = new Set([...ALWAYS, ...spec.props]);
    const lines = text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/).filter((l) => l !== '');
    text = lines.filter((l) => keep.has(l.split(/[;:]/)[0].replace(/^[^.]*\./, '').toUpperCase())).join('\r\n') + '\r\n';
  }
  return el(NS.CARDDAV, 'address-data', esc(text));
}
