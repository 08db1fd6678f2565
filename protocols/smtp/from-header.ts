/**
 * The addresses of a message's From header (RFC 5322 §3.6.2), read from the header section
 * only, with mailparser (never a hand-rolled parser); the body is not parsed here.
 */
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';

/** Lower-case From addresses (group members flattened); null when the header is missing or unreadable. */
export async function fromAddresses(message: Buffer): Promise<string[] | null> {
  const end = headerEnd(message);
  const parsed = await simpleParser(Buffer.concat([message.subarray(0, end), Buffer.from('\r\n\r\n')]), {
    skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true,
  });
  const from = parsed.from as AddressObject | undefined;
  if (!from) return null;
  const out: string[] = [];
  const walk = (list: EmailAddress[]) => {
    for (const a of list) {
      if (a.address) out.push(a.address.toLowerCase());
      if (a.group) walk(a.group);
    }
  };
  walk(from.value);
  return out.length ? out : null;
}

/** Offset of the blank line that ends the header section (or the whole message when there is none). */
function headerEnd(message: Buffer): number {
  const crlf = message.indexOf('\r\n\r\n');
  const lf = message.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length ? Math.min(...ends) : message.length;
}
