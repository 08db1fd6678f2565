/** XML namespaces of WebDAV and its extensions, with the prefixes our responses declare. */
export const NS = {
  DAV: 'DAV:',
  CALDAV: 'urn:ietf:params:xml:ns:caldav',
  CARDDAV: 'urn:ietf:params:xml:ns:carddav',
  CS: 'http://calendarserver.org/ns/',
  APPLE: 'http://apple.com/ns/ical/',
  ME: 'http://me.com/_namespace/',
} as const;

/** Fixed prefixes declared once on every multistatus root. */
export const PREFIXES: Record<string, string> = {
  [NS.DAV]: 'D',
  [NS.CALDAV]: 'C',
  [NS.CARDDAV]: 'CR',
  [NS.CS]: 'CS',
  [NS.APPLE]: 'A',
  [NS.ME]: 'ME',
};

/** James Clark notation `{ns}local`, our key for property names. */
export function clark(ns: string, local: string): string {
  return `{${ns}}${local}`;
}

export function parseClark(name: string): { ns: string; local: string } {
  const end = name.indexOf('}');
  return { ns: name.slice(1, end), local: name.slice(end + 1) };
}

export const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n';
