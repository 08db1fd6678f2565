/**
 * [MS-ASCNTC] Contacts / Contacts2 ApplicationData <-> vCard 3.0 (RFC 2426) and 4.0 (RFC 6350).
 * The table in docs/pim.md lists every field; X- names follow Evolution and Apple where vCard
 * has no property.
 */
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { PimParseError } from '../../../src/pim/errors.js';
import { MAX_OBJECT_BYTES, parseVCard } from '../../../src/pim/parse.js';
import { patchObject, type PatchSpec } from '../../../src/pim/patch.js';
import { fold, parseRaw, unfold, type RawComp, type RawProp } from '../../../src/pim/raw.js';
import { el, type WbxmlElement } from '../wbxml/types.js';
import { readBody, writeBody } from './body.js';
import { find, get, parseEasDate, splitAddress, type ConvertOptions } from './util.js';
import { type GhostGroup, ghostPlan, injectStored, withoutGhosted } from './ghost.js';

const C = 'Contacts';
const C2 = 'Contacts2';
type Card = InstanceType<typeof ICAL.Component>;

/** Single-valued text fields kept in one vCard property each. */
const TEXT_FIELDS: [ns: string, tag: string, prop: string][] = [
  [C, 'FileAs', 'X-EVOLUTION-FILE-AS'],
  [C, 'JobTitle', 'TITLE'],
  [C, 'OfficeLocation', 'X-EVOLUTION-OFFICE'],
  [C, 'AssistantName', 'X-EVOLUTION-ASSISTANT'],
  [C, 'Spouse', 'X-EVOLUTION-SPOUSE'],
  [C, 'WebPage', 'URL'],
  [C, 'YomiFirstName', 'X-PHONETIC-FIRST-NAME'],
  [C, 'YomiLastName', 'X-PHONETIC-LAST-NAME'],
  [C, 'YomiCompanyName', 'X-PHONETIC-ORG'],
  [C2, 'NickName', 'NICKNAME'],
  [C2, 'ManagerName', 'X-EVOLUTION-MANAGER'],
  [C2, 'CustomerId', 'X-MS-CUSTOMER-ID'],
  [C2, 'GovernmentId', 'X-MS-GOVERNMENT-ID'],
  [C2, 'AccountName', 'X-MS-ACCOUNT-NAME'],
];

/** Phone fields, in the order a vCard TEL is assigned to them, with the TYPEs written. */
const PHONES: [ns: string, tag: string, types: string[]][] = [
  [C, 'BusinessFaxNumber', ['WORK', 'FAX']],
  [C, 'HomeFaxNumber', ['HOME', 'FAX']],
  [C, 'MobilePhoneNumber', ['CELL']],
  [C, 'CarPhoneNumber', ['CAR']],
  [C, 'PagerNumber', ['PAGER']],
  [C, 'RadioPhoneNumber', ['X-RADIO']],
  [C, 'AssistantPhoneNumber', ['X-ASSISTANT']],
  [C2, 'CompanyMainPhone', ['MAIN']],
  [C2, 'MMS', ['X-MMS']],
  [C, 'BusinessPhoneNumber', ['WORK']],
  [C, 'Business2PhoneNumber', ['WORK']],
  [C, 'HomePhoneNumber', ['HOME']],
  [C, 'Home2PhoneNumber', ['HOME']],
];

const ADDRESSES: [prefix: string, type: string][] = [['Business', 'WORK'], ['Home', 'HOME'], ['Other', 'OTHER']];
const ADR_PARTS = ['Street', 'City', 'State', 'PostalCode', 'Country'];
/** [MS-ASCNTC] 2.2.2: BusinessAddressCity, HomeAddressStreet, OtherAddressPostalCode ... */
const adrTag = (prefix: string, part: string) => `${prefix}Address${part}`;

const MANAGED = ['N', 'FN', 'TEL', 'EMAIL', 'ADR', 'ORG', 'BDAY', 'ANNIVERSARY', 'X-ANNIVERSARY', 'PHOTO', 'CATEGORIES', 'IMPP', 'NOTE', 'X-CHILD',
  ...TEXT_FIELDS.map((f) => f[2])];
export const CONTACT_PATCH: PatchSpec = { managed: { VCARD: MANAGED }, valueOnly: ['TEL', 'EMAIL', 'ADR', 'IMPP', 'URL', 'PHOTO', 'BDAY', 'ANNIVERSARY', 'X-ANNIVERSARY'] };

/** Which vCard properties each group of Contacts elements feeds (ghosted properties, ghost.ts). */
export const CONTACT_GHOSTS: GhostGroup[] = [
  { tags: ['LastName', 'FirstName', 'MiddleName', 'Title', 'Suffix'], props: ['N', 'FN'] },
  { tags: ['CompanyName', 'Department'], props: ['ORG'] },
  { tags: PHONES.map((p) => p[1]), props: ['TEL'] },
  { tags: ['Email1Address', 'Email2Address', 'Email3Address'], props: ['EMAIL'] },
  { tags: ADDRESSES.flatMap(([prefix]) => ADR_PARTS.map((part) => adrTag(prefix, part))), props: ['ADR'] },
  ...TEXT_FIELDS.map(([, tag, prop]) => ({ tags: [tag], props: [prop] })),
  { tags: ['Birthday'], props: ['BDAY'] },
  { tags: ['Anniversary'], props: ['ANNIVERSARY', 'X-ANNIVERSARY'] },
  { tags: ['IMAddress', 'IMAddress2', 'IMAddress3'], props: ['IMPP'] },
  { tags: ['Categories'], props: ['CATEGORIES'] },
  { tags: ['Children'], props: ['X-CHILD'] },
  { tags: ['Picture'], props: ['PHOTO'] },
  { tags: ['Body'], props: ['NOTE'] },
];

// ---------------------------------------------------------------------------------------------
// EAS -> vCard

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');
}

/**
 * vCard text for an ActiveSync contact. New contacts are vCard 3.0 (what Apple Contacts writes),
 * unless `opts.version` says '4.0'; with `existing`, its version is kept and every property
 * ActiveSync does not know survives byte for byte, as do the properties of elements the client
 * does not manage (`opts.supported`, ghost.ts).
 */
export function easContactToVCard(change: WbxmlElement[], existing?: string, opts?: { version?: '3.0' | '4.0'; supported?: readonly string[] }): string {
  const prior = existing !== undefined ? parseVCard(existing) : undefined;
  const plan = existing !== undefined ? ghostPlan(CONTACT_GHOSTS, change, opts?.supported) : null;
  const appData = plan ? injectStored(change, () => vcardToEasContact(existing!, { protocolVersion: '16.1' }), plan) : change;
  const spec = plan ? withoutGhosted(CONTACT_PATCH, 'VCARD', plan) : CONTACT_PATCH;
  const version = prior ? (String(prior.getFirstPropertyValue('version')) === '4.0' ? '4.0' : '3.0') : opts?.version ?? '3.0';
  const v4 = version === '4.0';
  const t = (tag: string, ns = C) => {
    const v = get(appData, tag, ns);
    return v === undefined || v === '' ? undefined : v;
  };
  const lines: string[] = ['BEGIN:VCARD', `VERSION:${version}`];
  // No spread into push(): a long value folds into more lines than a call may take arguments.
  const add = (line: string) => { for (const l of fold(line)) lines.push(l); };
  const typeParam = (types: string[]) => (types.length ? `;TYPE=${v4 ? types.map((x) => x.toLowerCase()).join(',') : types.join(',')}` : '');

  // Names: N = Family;Given;Additional;Prefix;Suffix (RFC 6350 §6.2.2)
  const n = [t('LastName'), t('FirstName'), t('MiddleName'), t('Title'), t('Suffix')];
  const fnComposed = [t('Title'), t('FirstName'), t('MiddleName'), t('LastName'), t('Suffix')].filter(Boolean).join(' ');
  const priorN = prior?.getFirstProperty('n');
  const priorNText = priorN ? JSON.stringify(priorN.getValues().flat().map(String).concat(['', '', '', '', '']).slice(0, 5)) : undefined;
  const sameN = priorNText === JSON.stringify(n.map((x) => x ?? ''));
  const priorFn = prior?.getFirstPropertyValue('fn');
  const email1 = t('Email1Address') ? splitAddress(t('Email1Address')!).address : undefined;
  const fn = (sameN && typeof priorFn === 'string' && priorFn) || fnComposed || t('FileAs') || t('CompanyName') || email1 || (typeof priorFn === 'string' ? priorFn : '');
  add(`FN:${esc(fn)}`);
  if (n.some(Boolean) || !v4) add(`N:${n.map((x) => esc(x ?? '')).join(';')}`);
  const uid = prior?.getFirstPropertyValue('uid');
  if (!prior) add(`UID:${v4 ? 'urn:uuid:' : ''}${randomUUID()}`);
  else if (uid === null) void 0;

  for (const [ns, tag, types] of PHONES) {
    const v = t(tag, ns);
    if (v) add(`TEL${typeParam(types)}:${v4 ? esc(v) : esc(v)}`);
  }
  for (const tag of ['Email1Address', 'Email2Address', 'Email3Address']) {
    const v = t(tag);
    if (v) add(`EMAIL;TYPE=${v4 ? 'internet' : 'INTERNET'}:${esc(splitAddress(v).address)}`);
  }
  for (const [prefix, type] of ADDRESSES) {
    const parts = ADR_PARTS.map((p) => t(adrTag(prefix, p)));
    if (parts.some(Boolean)) {
      const [street, city, state, postal, country] = parts;
      add(`ADR${typeParam([type])}:;;${[street, city, state, postal, country].map((x) => esc(x ?? '')).join(';')}`);
    }
  }
  if (t('CompanyName') || t('Department')) add(`ORG:${esc(t('CompanyName') ?? '')}${t('Department') ? `;${esc(t('Department')!)}` : ''}`);
  for (const [ns, tag, prop] of TEXT_FIELDS) {
    const v = t(tag, ns);
    if (v) add(`${prop}:${esc(v)}`);
  }
  const bday = t('Birthday');
  if (bday) add(`BDAY${dateValue(bday, v4)}`);
  const ann = t('Anniversary');
  if (ann) add(`${v4 ? 'ANNIVERSARY' : 'X-ANNIVERSARY'}${dateValue(ann, v4)}`);
  for (const [i, tag] of ['IMAddress', 'IMAddress2', 'IMAddress3'].entries()) {
    void i;
    const v = t(tag, C2);
    if (v) add(`IMPP:${esc(v)}`);
  }
  const cats = find(appData, 'Categories', C)?.children.filter((x) => x.tag === 'Category').map((x) => x.text ?? '').filter(Boolean) ?? [];
  if (cats.length) add(`CATEGORIES:${cats.map(esc).join(',')}`);
  const kids = find(appData, 'Children', C)?.children.filter((x) => x.tag === 'Child').map((x) => x.text ?? '').filter(Boolean) ?? [];
  for (const k of kids) add(`X-CHILD:${esc(k)}`);
  const pic = t('Picture');
  if (pic) {
    const b64 = pic.replace(/\s+/g, '');
    const type = imageType(b64);
    add(v4 ? `PHOTO:data:image/${type.toLowerCase()};base64,${b64}` : `PHOTO;ENCODING=b;TYPE=${type}:${b64}`);
  }
  const body = readBody(appData);
  if (body) add(`NOTE:${esc(body)}`);

  // Keep what the device never saw: TEL/EMAIL/ADR/IMPP lines beyond the EAS slots.
  if (existing !== undefined) {
    // Matched by text (a multiset): rawAssignments parses its own copy, so object identity says nothing.
    const sent = new Map<string, number>();
    for (const p of rawAssignments(existing).sent) sent.set(unfold(p.lines), (sent.get(unfold(p.lines)) ?? 0) + 1);
    const root = parseRaw(existing).roots.find((x): x is RawComp => x.kind === 'comp');
    for (const item of root?.items ?? []) {
      if (item.kind !== 'prop' || !['TEL', 'EMAIL', 'ADR', 'IMPP', 'X-CHILD'].includes(item.name)) continue;
      const n = sent.get(unfold(item.lines)) ?? 0;
      if (n > 0) sent.set(unfold(item.lines), n - 1);
      else for (const l of item.lines) lines.push(l);
    }
  }
  lines.push('END:VCARD');
  const text = lines.join('\r\n') + '\r\n';
  return existing !== undefined ? patchObject(existing, text, spec) : text;
}

/**
 * Birthday / Anniversary: date-only. Devices send midnight UTC ("1985-03-14T00:00:00.000Z")
 * or local midnight as an instant ("1985-03-13T22:00:00.000Z" from UTC+2): the nearest UTC
 * midnight is the date (exact for zones from UTC-12 to UTC+11).
 */
export function easDateOnly(s: string): { y: number; m: number; d: number } {
  const ms = parseEasDate(s);
  if (ms === undefined) throw new PimParseError('invalid-data', 'empty date');
  const d = new Date(ms + 12 * 3_600_000);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

function dateValue(s: string, v4: boolean): string {
  const { y, m, d } = easDateOnly(s);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return v4 ? `;VALUE=date:${p(y, 4)}${p(m)}${p(d)}` : `;VALUE=date:${p(y, 4)}-${p(m)}-${p(d)}`;
}

function imageType(b64: string): string {
  const head = Buffer.from(b64.slice(0, 16), 'base64');
  if (head[0] === 0x89 && head[1] === 0x50) return 'PNG';
  if (head[0] === 0x47 && head[1] === 0x49) return 'GIF';
  return 'JPEG';
}

// ---------------------------------------------------------------------------------------------
// vCard -> EAS

interface Assignments { fields: Map<string, { ns: string; value: string }>; sent: RawProp[] }

/**
 * The TYPE values of a content line, upper-case: `;TYPE=a,b` and bare `;a` parameters (vCard 2.1
 * style) before the first ':'; other `name=value` parameters are not types.
 */
function typesOf(line: string): Set<string> {
  const colon = line.indexOf(':');
  const head = colon < 0 ? line : line.slice(0, colon);
  const out = new Set<string>();
  let i = head.indexOf(';');
  while (i >= 0) {
    const next = head.indexOf(';', i + 1);
    let param = next < 0 ? head.slice(i + 1) : head.slice(i + 1, next);
    if (param.length > 5 && param.slice(0, 5).toUpperCase() === 'TYPE=') param = param.slice(5);
    if (param !== '' && !param.includes('=')) for (const x of param.split(',')) out.add(x.replace(/"/g, '').trim().toUpperCase());
    i = next;
  }
  return out;
}

/** The EAS phone field of each TEL TYPE set, in the order they are tried. */
function phoneSlots(ty: Set<string>): readonly string[] {
  if (ty.has('FAX')) return ty.has('HOME') ? ['HomeFaxNumber'] : ['BusinessFaxNumber'];
  if (ty.has('CELL') || ty.has('IPHONE') || ty.has('MOBILE')) return ['MobilePhoneNumber'];
  if (ty.has('CAR')) return ['CarPhoneNumber'];
  if (ty.has('PAGER')) return ['PagerNumber'];
  if (ty.has('X-RADIO')) return ['RadioPhoneNumber'];
  if (ty.has('X-ASSISTANT')) return ['AssistantPhoneNumber'];
  if (ty.has('MAIN')) return ['CompanyMainPhone'];
  if (ty.has('X-MMS') || ty.has('MSG')) return ['MMS'];
  if (ty.has('WORK')) return ['BusinessPhoneNumber', 'Business2PhoneNumber'];
  if (ty.has('HOME')) return ['HomePhoneNumber', 'Home2PhoneNumber'];
  return ['HomePhoneNumber', 'Home2PhoneNumber', 'BusinessPhoneNumber', 'Business2PhoneNumber'];
}

const PHONE_NS = new Map(PHONES.map(([ns, tag]) => [tag, ns]));
const IM_TAGS = ['IMAddress', 'IMAddress2', 'IMAddress3'];
const EMAIL_TAGS = ['Email1Address', 'Email2Address', 'Email3Address'];

/** Which stored TEL/EMAIL/ADR/IMPP line fills which EAS slot (the rest is not sent). */
function rawAssignments(vcf: string, parsed?: RawComp): Assignments {
  const root = parsed ?? parseRaw(vcf).roots.find((x): x is RawComp => x.kind === 'comp');
  const fields = new Map<string, { ns: string; value: string }>();
  const sent: RawProp[] = [];
  // One pass sorts the properties by name (in file order); each kind is then assigned in turn.
  const tel: RawProp[] = [];
  const email: RawProp[] = [];
  const adr: RawProp[] = [];
  const impp: RawProp[] = [];
  const child: RawProp[] = [];
  for (const x of root?.items ?? []) {
    if (x.kind !== 'prop') continue;
    switch (x.name) {
      case 'TEL': tel.push(x); break;
      case 'EMAIL': email.push(x); break;
      case 'ADR': adr.push(x); break;
      case 'IMPP': impp.push(x); break;
      case 'X-CHILD': child.push(x); break;
    }
  }
  for (const p of tel) {
    const line = unfold(p.lines);
    const value = unescapeText(line.slice(line.indexOf(':') + 1)).replace(/^tel:/i, '');
    for (const tag of phoneSlots(typesOf(line))) {
      if (fields.has(tag)) continue;
      fields.set(tag, { ns: PHONE_NS.get(tag)!, value });
      sent.push(p);
      break;
    }
  }
  for (let e = 0; e < email.length && e < 3; e++) {
    const line = unfold(email[e].lines);
    fields.set(EMAIL_TAGS[e], { ns: C, value: splitAddress(unescapeText(line.slice(line.indexOf(':') + 1))).address });
    sent.push(email[e]);
  }
  // The TYPE of each address sent so far: one address per prefix.
  const sentAdr = new Set<string>();
  for (const p of adr) {
    const line = unfold(p.lines);
    const ty = typesOf(line);
    const prefix = ty.has('WORK') ? 'Business' : ty.has('HOME') ? 'Home' : 'Other';
    const type = prefix === 'Business' ? 'WORK' : prefix === 'Home' ? 'HOME' : 'OTHER';
    if (fields.has(adrTag(prefix, 'Street')) || fields.has(adrTag(prefix, 'City')) || fields.has(adrTag(prefix, 'Country')) || sentAdr.has(type)) continue;
    const parts = splitStructured(line.slice(line.indexOf(':') + 1));
    // ADR: PO box; extended; street; locality; region; postal code; country
    const street = [parts[0], parts[1], parts[2]].filter(Boolean).join('\n');
    const vals = [street, parts[3], parts[4], parts[5], parts[6]];
    let any = false;
    for (let i = 0; i < ADR_PARTS.length; i++) {
      if (vals[i]) { fields.set(adrTag(prefix, ADR_PARTS[i]), { ns: C, value: vals[i]! }); any = true; }
    }
    if (any) {
      sent.push(p);
      for (const t of ty) sentAdr.add(t);
    }
  }
  for (let im = 0; im < impp.length && im < 3; im++) {
    const line = unfold(impp[im].lines);
    const tag = IM_TAGS[im];
    if (fields.has(tag)) continue;
    fields.set(tag, { ns: C2, value: unescapeText(line.slice(line.indexOf(':') + 1)) });
    sent.push(impp[im]);
  }
  for (const p of child) sent.push(p);
  return { fields, sent };
}

function unescapeText(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([\\,;nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function splitStructured(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) { cur += s[i] + s[i + 1]; i++; continue; }
    if (s[i] === ';') { out.push(unescapeText(cur)); cur = ''; continue; }
    cur += s[i];
  }
  out.push(unescapeText(cur));
  return out;
}

/** The value of a content line (after the first ':' outside a quoted parameter). */
function valueOf(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return line.slice(i + 1);
  }
  return '';
}

/** Values of a list property (CATEGORIES, NICKNAME: RFC 6350 §6.7.1), split at unescaped commas. */
function splitList(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && i + 1 < v.length) { cur += v[i] + v[i + 1]; i++; continue; }
    if (v[i] === ',') { out.push(unescapeText(cur)); cur = ''; continue; }
    cur += v[i];
  }
  out.push(unescapeText(cur));
  return out;
}

/**
 * The one VCARD of a stored object as raw content lines (src/pim/raw.ts): parsed once for every
 * field, without a second parse by ical.js. Throws PimParseError where parseVCard would: not
 * text, too large, not exactly one complete VCARD, a property line without a value.
 */
function cardOf(vcf: unknown): RawComp {
  if (typeof vcf !== 'string') throw new PimParseError('invalid-vcard', 'input is not text');
  if (vcf.length > MAX_OBJECT_BYTES) throw new PimParseError('too-large', 'object too large');
  const roots = parseRaw(vcf).roots.filter((x) => x.kind === 'comp' || unfold(x.lines).trim() !== '');
  const root = roots[0];
  if (roots.length !== 1 || root.kind !== 'comp' || root.name !== 'VCARD' || root.end.length === 0) throw new PimParseError('invalid-vcard', 'expected one complete vcard');
  for (const x of root.items) if (x.kind === 'prop' && (x.name === '' || !unfold(x.lines).includes(':'))) throw new PimParseError('invalid-vcard', 'invalid content line');
  return root;
}

/** An element for a value that is there and not empty. */
function put(out: WbxmlElement[], ns: string, tag: string, v: string | undefined): void {
  if (v !== undefined && v !== '') out.push(el(ns, tag, v));
}

/** The unfolded first property of a name. */
function rawLine(firstOf: Map<string, RawProp>, name: string): string | undefined {
  const p = firstOf.get(name);
  return p ? unfold(p.lines) : undefined;
}

/** Text values unescaped (RFC 6350 §3.4); URL is a URI, taken as written. */
function textValue(firstOf: Map<string, RawProp>, name: string): string | undefined {
  const line = rawLine(firstOf, name);
  if (line === undefined) return undefined;
  const v = name === 'URL' ? valueOf(line) : unescapeText(valueOf(line));
  return v === '' ? undefined : v;
}

/** A date property as an EAS date-time at midnight UTC. */
function dateOf(firstOf: Map<string, RawProp>, name: string): string | undefined {
  const line = rawLine(firstOf, name);
  if (!line) return undefined;
  const m = /(\d{4})-?(\d{2})-?(\d{2})/.exec(line.slice(line.indexOf(':') + 1));
  return m ? `${m[1]}-${m[2]}-${m[3]}T00:00:00.000Z` : undefined;
}

/** ApplicationData children for a stored vCard ([MS-ASCNTC] 2.2.2). */
export function vcardToEasContact(vcf: string, opts: Pick<ConvertOptions, 'protocolVersion' | 'bodyPreference'>): WbxmlElement[] {
  const root = cardOf(vcf);
  const out: WbxmlElement[] = [];
  const raw = rawAssignments(vcf, root);
  // The first property of each name, found in one pass (some thirty names are looked up), and
  // every CATEGORIES and X-CHILD.
  const firstOf = new Map<string, RawProp>();
  const categories: RawProp[] = [];
  const children: RawProp[] = [];
  for (const x of root.items) {
    if (x.kind !== 'prop') continue;
    if (!firstOf.has(x.name)) firstOf.set(x.name, x);
    if (x.name === 'CATEGORIES') categories.push(x);
    else if (x.name === 'X-CHILD') children.push(x);
  }
  const nLine = rawLine(firstOf, 'N');
  const n = nLine ? splitStructured(nLine.slice(nLine.indexOf(':') + 1)) : [];
  put(out, C, 'LastName', n[0]);
  put(out, C, 'FirstName', n[1]);
  put(out, C, 'MiddleName', n[2]);
  put(out, C, 'Title', n[3]);
  put(out, C, 'Suffix', n[4]);
  const orgLine = rawLine(firstOf, 'ORG');
  const org = orgLine ? splitStructured(orgLine.slice(orgLine.indexOf(':') + 1)) : [];
  put(out, C, 'CompanyName', org[0]);
  put(out, C, 'Department', org[1]);
  for (const [tag, { ns, value }] of raw.fields) put(out, ns, tag, value);
  for (const [ns, tag, prop] of TEXT_FIELDS) if (firstOf.has(prop)) put(out, ns, tag, textValue(firstOf, prop));
  put(out, C, 'Birthday', dateOf(firstOf, 'BDAY'));
  put(out, C, 'Anniversary', dateOf(firstOf, 'ANNIVERSARY') ?? dateOf(firstOf, 'X-ANNIVERSARY') ?? dateOf(firstOf, 'X-EVOLUTION-ANNIVERSARY'));
  if (categories.length) {
    const cats = categories.flatMap((p) => splitList(valueOf(unfold(p.lines)))).filter(Boolean);
    if (cats.length) out.push(el(C, 'Categories', cats.map((x) => el(C, 'Category', x))));
  }
  if (children.length) {
    const kids = children.map((p) => unescapeText(valueOf(unfold(p.lines)))).filter(Boolean);
    if (kids.length) out.push(el(C, 'Children', kids.map((x) => el(C, 'Child', x))));
  }
  const photo = rawLine(firstOf, 'PHOTO');
  if (photo) {
    const v = photo.slice(photo.indexOf(':') + 1);
    const b64 = /^data:[^,]*;base64,/i.test(v) ? v.replace(/^data:[^,]*;base64,/i, '') : /ENCODING=B/i.test(photo.slice(0, photo.indexOf(':'))) ? v : undefined;
    // [MS-ASCNTC] 2.2.2.54: Picture is at most 48 KB on the wire.
    if (b64 && b64.length <= 48 * 1024) put(out, C, 'Picture', b64.replace(/\s+/g, ''));
  }
  const note = textValue(firstOf, 'NOTE');
  const body = writeBody(note, opts.bodyPreference);
  if (body) out.push(body);
  return out;
}
