/** A provisioned phone with its folder ids, and Sync requests built with our codec. */
import { child, children, childText, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { type EasResponse, type Harness, TestDevice } from '../harness.js';

export const AS = 'AirSync';
export const C = 'Contacts';

export interface Phone {
  dev: TestDevice;
  /** EAS folder type -> ServerId (first folder of each type). */
  folders: Record<string, string>;
}

export async function phone(h: Harness, user: string, password: string, deviceId: string, version = '14.1'): Promise<Phone> {
  const dev = new TestDevice(h.app, user, password, deviceId, version);
  await dev.provision();
  const fs = await dev.folderSync('0');
  const folders: Record<string, string> = {};
  for (const a of children(child(fs.doc!, 'Changes')!, 'Add')) {
    const type = childText(a, 'Type')!;
    folders[type] ??= childText(a, 'ServerId')!;
  }
  return { dev, folders };
}

export interface CollectionSpec {
  key: string;
  id: string;
  getChanges?: boolean;
  windowSize?: number;
  options?: WbxmlElement[];
  commands?: WbxmlElement[];
}

export function collectionEl(c: CollectionSpec): WbxmlElement {
  const parts = [el(AS, 'SyncKey', c.key), el(AS, 'CollectionId', c.id)];
  if (c.getChanges !== undefined) parts.push(el(AS, 'GetChanges', c.getChanges ? '1' : '0'));
  if (c.windowSize !== undefined) parts.push(el(AS, 'WindowSize', String(c.windowSize)));
  if (c.options) parts.push(el(AS, 'Options', c.options));
  if (c.commands) parts.push(el(AS, 'Commands', c.commands));
  return el(AS, 'Collection', parts);
}

export function syncRequest(cols: CollectionSpec[], extra: WbxmlElement[] = []): WbxmlElement {
  return el(AS, 'Sync', [el(AS, 'Collections', cols.map(collectionEl)), ...extra]);
}

export async function sync(p: Phone, ...cols: CollectionSpec[]): Promise<EasResponse> {
  return p.dev.send('Sync', syncRequest(cols));
}

/** The Collection answer for a collection id. */
export function collection(doc: WbxmlElement | null, id: string): WbxmlElement {
  const cols = child(doc!, 'Collections', AS);
  const c = cols && children(cols, 'Collection', AS).find((x) => childText(x, 'CollectionId', AS) === id);
  if (!c) throw new Error(`no collection ${id} in answer`);
  return c;
}

export const keyOf = (c: WbxmlElement) => childText(c, 'SyncKey', AS)!;
export const statusOf = (c: WbxmlElement) => childText(c, 'Status', AS)!;

export function commands(c: WbxmlElement, op?: string): WbxmlElement[] {
  const cmds = child(c, 'Commands', AS);
  return cmds ? cmds.children.filter((x) => op === undefined || x.tag === op) : [];
}

export function responses(c: WbxmlElement, op?: string): WbxmlElement[] {
  const r = child(c, 'Responses', AS);
  return r ? r.children.filter((x) => op === undefined || x.tag === op) : [];
}

export const appData = (cmd: WbxmlElement) => child(cmd, 'ApplicationData', AS)!;
export const serverIdOf = (cmd: WbxmlElement) => childText(cmd, 'ServerId', AS)!;

/** Initial key, then the first real key after taking everything (following MoreAvailable). */
export async function primed(p: Phone, id: string, options?: WbxmlElement[]): Promise<{ key: string; items: WbxmlElement[] }> {
  const r0 = await sync(p, { key: '0', id, options });
  let key = keyOf(collection(r0.doc, id));
  const items: WbxmlElement[] = [];
  for (let i = 0; i < 100; i++) {
    const r = await sync(p, { key, id, windowSize: 100, options });
    const c = collection(r.doc, id);
    key = keyOf(c);
    items.push(...commands(c));
    if (!child(c, 'MoreAvailable', AS)) break;
  }
  return { key, items };
}

export const contactAdd = (clientId: string, first: string, last = 'Tester', extra: WbxmlElement[] = []) =>
  el(AS, 'Add', [el(AS, 'ClientId', clientId), el(AS, 'ApplicationData', [el(C, 'FirstName', first), el(C, 'LastName', last), ...extra])]);

export function vcard(uid: string, first: string, last = 'Stored', extra = ''): string {
  return `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nFN:${first} ${last}\r\nN:${last};${first};;;\r\n${extra}END:VCARD\r\n`;
}

export function vevent(uid: string, summary: string, start: Date, hours = 1, extra = ''): string {
  const f = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const end = new Date(start.getTime() + hours * 3_600_000);
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:${f(start)}\r\nDTEND:${f(end)}\r\nSUMMARY:${summary}\r\n${extra}END:VEVENT\r\nEND:VCALENDAR\r\n`;
}
