/**
 * vCard 3.0 <-> 4.0 for address-data negotiation (RFC 6352 §5.1.1, §10.4.1). Line-based on the
 * unfolded text: VERSION, KIND vs Apple's X-ADDRESSBOOKSERVER-KIND, inline PHOTO data URIs;
 * everything else passes through unchanged, which both versions accept.
 */
export type VCardVersion = '3.0' | '4.0';

/** The version asked for in Accept (`text/vcard; version=4.0`), or null when any will do. */
export function wantedVCardVersion(accept: string | undefined): VCardVersion | null {
  if (!accept) return null;
  const m = /text\/vcard[^,]*version="?(3\.0|4\.0)"?/i.exec(accept);
  return m ? (m[1] as VCardVersion) : null;
}

const unfold = (s: string) => s.replace(/\r?\n[ \t]/g, '').split(/\r?\n/).filter((l) => l !== '');

function fold(line: string): string {
  if (Buffer.byteLength(line) <= 75) return line;
  const out: string[] = [];
  let cur = '';
  for (const ch of line) {
    if (Buffer.byteLength(cur + ch) > (out.length ? 74 : 75)) { out.push(cur); cur = ''; }
    cur += ch;
  }
  out.push(cur);
  return out.join('\r\n ');
}

export function vcardVersion(text: string): VCardVersion | null {
  const m = /^VERSION:(\d\.\d)\s*$/im.exec(text);
  return m && (m[1] === '3.0' || m[1] === '4.0') ? m[1] : null;
}

export function convertVCard(text: string, to: VCardVersion): string {
  const from = vcardVersion(text);
  if (!from || from === to) return text;
  const out: string[] = [];
  for (const line of unfold(text)) {
    const upper = line.toUpperCase();
    if (upper.startsWith('VERSION:')) { out.push(`VERSION:${to}`); continue; }
    if (to === '4.0') {
      if (upper.startsWith('X-ADDRESSBOOKSERVER-KIND:')) { out.push(`KIND:${line.slice(25).toLowerCase()}`); continue; }
      const photo = /^(PHOTO|LOGO)((?:;[^:]*)?):(.*)$/i.exec(line);
      if (photo && /ENCODING=B/i.test(photo[2])) {
        const type = /TYPE=([A-Z0-9]+)/i.exec(photo[2])?.[1]?.toLowerCase() ?? 'jpeg';
        out.push(`${photo[1]}:data:image/${type};base64,${photo[3]}`);
        continue;
      }
    } else {
      if (upper.startsWith('KIND:')) { out.push(`X-ADDRESSBOOKSERVER-KIND:${line.slice(5)}`); continue; }
      const photo = /^(PHOTO|LOGO)((?:;[^:]*)?):data:image\/([a-z0-9]+);base64,(.*)$/i.exec(line);
      if (photo) { out.push(`${photo[1]};ENCODING=b;TYPE=${photo[3].toUpperCase()}:${photo[4]}`); continue; }
    }
    out.push(line);
  }
  return out.map(fold).join('\r\n') + '\r\n';
}
