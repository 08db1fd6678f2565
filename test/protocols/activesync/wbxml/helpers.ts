// Shared helpers for the WBXML tests: locating the vectors, comparing trees, driving libwbxml.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import type { WbxmlElement } from '../../../../protocols/activesync/wbxml/index.js';
import { sharedPath } from '../../../helpers/shared.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** /work/shared/vectors beside the checkout (read at test time, never copied). */
export const VECTORS = `${sharedPath('vectors') ?? '/nonexistent/shared/vectors'}/`;
export const LIBWBXML_SAMPLES = join(VECTORS, 'libwbxml-activesync');
export const SYNCGW = join(VECTORS, 'syncgw-wbxml');
export const SPEC_FIXTURES = join(REPO_ROOT, 'fixtures/activesync/spec');

export function missing(dir: string): string | false {
  return existsSync(dir) ? false : `test vectors not found at ${dir} (shared/vectors is not checked out beside the repo)`;
}

/** A comparable form of a tree: "ns:tag", a leaf value (opaque as base64), children. */
export interface Norm {
  n: string;
  v?: string;
  c: Norm[];
}

export interface NormOptions {
  /** Trim leaf text (libwbxml drops leading/trailing whitespace). */
  trim?: boolean;
  /** Map "ns:tag" -> "ns:tag" applied to every element name. */
  rename?: (ns: string, tag: string) => [string, string];
}

export function norm(el: WbxmlElement, o: NormOptions = {}): Norm {
  const [ns, tag] = o.rename ? o.rename(el.ns, el.tag) : [el.ns, el.tag];
  let v: string | undefined = el.text;
  if (v === undefined && el.opaque) v = Buffer.from(el.opaque).toString('base64');
  if (v !== undefined && o.trim) v = v.trim();
  if (v === '') v = undefined;
  return { n: `${ns}:${tag}`, ...(v === undefined ? {} : { v }), c: el.children.map((c) => norm(c, o)) };
}

/** Base64 text written with line breaks (libwbxml sample 032) compares equal to its bytes. */
export function squashBase64(n: Norm, names: ReadonlySet<string>): Norm {
  const v = n.v !== undefined && names.has(n.n) ? n.v.replace(/\s+/g, '') : n.v;
  return { n: n.n, ...(v === undefined ? {} : { v }), c: n.c.map((c) => squashBase64(c, names)) };
}

/**
 * syncgw writes its decodings in its own XML dialect: no xmlns, but an `xml-ns="activesync:X"`
 * attribute wherever the code page changes, in document order (like SWITCH_PAGE), plus private
 * attributes (CHARSET, TYPE). This reads that dialect into a tree.
 */
export function readSyncgwXml(xml: string): WbxmlElement {
  const parser = new SaxesParser({ xmlns: false });
  const stack: { el: WbxmlElement; text: string }[] = [];
  let root: WbxmlElement | undefined;
  let ns = '';
  parser.on('opentag', (t) => {
    const a = t.attributes['xml-ns'];
    if (typeof a === 'string') ns = a.replace(/^activesync:/, '');
    const el: WbxmlElement = { ns, tag: t.name, children: [] };
    const p = stack[stack.length - 1];
    if (p) p.el.children.push(el);
    else root = el;
    stack.push({ el, text: '' });
  });
  parser.on('text', (t) => {
    const f = stack[stack.length - 1];
    if (f) f.text += t;
  });
  parser.on('closetag', () => {
    const f = stack.pop()!;
    if (f.el.children.length === 0 && f.text !== '') f.el.text = f.text;
  });
  parser.write(xml).close();
  return root!;
}

// ---------------------------------------------------------------------------------------------
// libwbxml (Debian libwbxml2-utils 0.11.8)

export const DOCTYPE = '<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" "http://www.microsoft.com/">\n';

export function libwbxmlMissing(): string | false {
  const r = spawnSync('xml2wbxml', ['-h'], { stdio: 'ignore' });
  const s = spawnSync('wbxml2xml', ['-h'], { stdio: 'ignore' });
  return r.error || s.error ? 'libwbxml tools (xml2wbxml, wbxml2xml from libwbxml2-utils) not installed' : false;
}

/**
 * Where libwbxml 0.11.8 names a tag differently from [MS-ASWBXML] (same page, same token; checked
 * token by token against `wbxml2xml`). Keys and values are "ns:tag"; the spec name is the key.
 */
export const LIBWBXML_RENAMES: Readonly<Record<string, string>> = (() => {
  const r: Record<string, string> = {
    'Contacts:AssistantPhoneNumber': 'Contacts:AssistantTelephoneNumber',
    'Email:AttOid': 'Email:AttOId',
    'Email:ReplyTo': 'Email:Reply-To',
    'Email:DtStamp': 'Email:DTStamp',
    'Email:Status': 'Email:FlagStatus',
    'Calendar:Timezone': 'Calendar:TimeZone',
    'Calendar:Email': 'Calendar:Attendee_Email',
    'Calendar:Name': 'Calendar:Attendee_Name',
    'Calendar:Rtf': 'Calendar:Compressed_RTF',
    'Calendar:DtStamp': 'Calendar:DTStamp',
    'Calendar:Deleted': 'Calendar:Exception_Deleted',
    'Calendar:ExceptionStartTime': 'Calendar:Exception_StartTime',
    'Calendar:OrganizerEmail': 'Calendar:Organizer_Email',
    'Calendar:OrganizerName': 'Calendar:Organizer_Name',
    'Calendar:AttendeeStatus': 'Calendar:Attendee_Status',
    'Calendar:AttendeeType': 'Calendar:Attendee_Type',
    'Tasks:UtcDueDate': 'Tasks:UTCDueDate',
    'Tasks:UtcStartDate': 'Tasks:UTCStartDate',
    'Tasks:Start': 'Tasks:Recurrence_Start',
    'Tasks:Regenerate': 'Tasks:Recurrence_Regenerate',
    'Tasks:DeadOccur': 'Tasks:Recurrence_DeadOccur',
    'Provision:RequireStorageCardEncryption': 'Provision:DeviceEncryptionEnabled',
    'Settings:RightsManagementInformation': 'Settings:ihsManagementInformation',
    'ComposeMail:Mime': 'ComposeMail:MIME',
    'RightsManagement:Owner': 'RightsManagement:RMOwner',
    'RightsManagement:RemoveRightsManagementProtection': 'RightsManagement:RemoveRightsManagementDistribution',
  };
  for (const part of ['City', 'Country', 'PostalCode', 'State', 'Street']) {
    for (const kind of ['Business', 'Home', 'Other']) r[`Contacts:${kind}Address${part}`] = `Contacts:${kind}${part}`;
  }
  for (const ns of ['Email', 'Calendar', 'Tasks']) {
    for (const t of ['Type', 'Until', 'Occurrences', 'Interval', 'DayOfWeek', 'DayOfMonth', 'WeekOfMonth', 'MonthOfYear']) {
      r[`${ns}:${t}`] = `${ns}:Recurrence_${t}`;
    }
  }
  return r;
})();

/** libwbxml calls the GAL namespace "Gal:". */
const NS_TO_LIB: Record<string, string> = { GAL: 'Gal' };
const NS_FROM_LIB: Record<string, string> = { Gal: 'GAL' };
const FROM_LIB: Record<string, string> = Object.fromEntries(Object.entries(LIBWBXML_RENAMES).map(([a, b]) => [b, a]));

export function toLibwbxmlName(ns: string, tag: string): [string, string] {
  const r = LIBWBXML_RENAMES[`${ns}:${tag}`];
  const [n, t] = r ? (r.split(':') as [string, string]) : [ns, tag];
  return [NS_TO_LIB[n] ?? n, t];
}

export function fromLibwbxmlName(ns: string, tag: string): [string, string] {
  const n = NS_FROM_LIB[ns] ?? ns;
  const r = FROM_LIB[`${n}:${tag}`];
  return r ? (r.split(':') as [string, string]) : [n, tag];
}

/** Tags [MS-ASWBXML] defines that libwbxml 0.11.8 does not know (16.1 additions, page 25). */
export function libwbxmlLacks(el: WbxmlElement): boolean {
  const unknown = new Set(['MeetingResponse:ProposedStartTime', 'MeetingResponse:ProposedEndTime', 'Provision:AccountOnlyRemoteWipe']);
  return el.ns === 'Find' || unknown.has(`${el.ns}:${el.tag}`) || el.children.some(libwbxmlLacks);
}

/** Rename every element of a tree (a copy). */
export function renameTree(el: WbxmlElement, f: (ns: string, tag: string) => [string, string]): WbxmlElement {
  const [ns, tag] = f(el.ns, el.tag);
  return { ...el, ns, tag, children: el.children.map((c) => renameTree(c, f)) };
}

export function runLibwbxml(tool: 'xml2wbxml' | 'wbxml2xml', input: string | Uint8Array): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-wbxml-'));
  try {
    const src = join(dir, 'in');
    const dst = join(dir, 'out');
    writeFileSync(src, input);
    const args = tool === 'xml2wbxml' ? ['-n', '-a', '-o', dst, src] : ['-l', 'ACTIVESYNC', '-m', '0', '-o', dst, src];
    const r = spawnSync(tool, args, { encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(dst)) throw new Error(`${tool} failed (${r.status}): ${r.stderr || r.stdout}`);
    return readFileSync(dst);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic PRNG (mulberry32) so that a failing fuzz case reproduces from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A libwbxml sample as a tree with MS-ASWBXML names: read with libwbxml's names, renamed, and the
 * base64 text of byte-array tags (ComposeMail:Mime ...) turned into opaque bytes.
 */
export function readLibwbxmlXml(xml: string, fromXmlFn: (x: string, o: { opaqueTags: ReadonlySet<string> }) => WbxmlElement,
  opaqueTags: ReadonlySet<string>): WbxmlElement {
  const toOpaque = (el: WbxmlElement): WbxmlElement => {
    const out: WbxmlElement = { ...el, children: el.children.map(toOpaque) };
    if (out.text !== undefined && opaqueTags.has(`${el.ns}:${el.tag}`)) {
      out.opaque = new Uint8Array(Buffer.from(out.text.replace(/\s+/g, ''), 'base64'));
      delete out.text;
    }
    return out;
  };
  return toOpaque(renameTree(fromXmlFn(xml, { opaqueTags: new Set() }), fromLibwbxmlName));
}
