/**
 * DKIM signing of mail this server sends for its domains (RFC 6376 §5): the domain of the From
 * address chooses the key; a domain without a key sends unsigned. Done last, after anything that
 * changes the message (the footer), just before it is delivered or queued.
 */
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { Store } from '../store/store.js';
import { fieldValue, splitHeader } from './header-block.js';

/** The domain of the first From address (RFC 5322 §3.6.2), lower case, or null. */
export function fromDomain(raw: Buffer): string | null {
  const from = splitHeader(raw).fields.find((f) => f.name === 'from');
  if (!from) return null;
  const first = addressparser(fieldValue(from), { flatten: true })[0];
  const at = first?.address?.lastIndexOf('@') ?? -1;
  return at > 0 ? first!.address.slice(at + 1).toLowerCase() : null;
}

/**
 * The message with a DKIM-Signature field on top when the From domain is local and has a key;
 * otherwise the message unchanged. relaxed/relaxed canonicalization (§3.4.2, §3.4.4) survives
 * the header refolding relays do; rsa-sha256 (§3.3).
 */
/**
 * The fields signed when present: mailauth's default list (RFC 6376 §5.4.1's recommendations and
 * the RFC 2369 List-* fields) and List-Unsubscribe-Post, which RFC 8058 §4 requires to be
 * signed together with List-Unsubscribe for a one-click unsubscription to be honoured.
 */
const SIGNED_FIELDS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'Content-ID', 'Content-Description', 'Resent-Date', 'Resent-From', 'Resent-Sender',
  'Resent-To', 'Resent-Cc', 'Resent-Message-ID', 'In-Reply-To', 'References', 'List-Id', 'List-Help',
  'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive',
].join(':');

export async function signOutgoing(
  store: Pick<Store, 'getDomain' | 'getDkimKey'>,
  raw: Buffer,
): Promise<{ bytes: Buffer; signedBy: string | null }> {
  const name = fromDomain(raw);
  const domain = name ? await store.getDomain(name) : null;
  const key = domain ? await store.getDkimKey(domain.id) : null;
  if (!domain || !key) return { bytes: raw, signedBy: null };
  const { dkimSign } = await import('mailauth'); // loaded on first use, as in inbound-auth.ts
  const res = await dkimSign(raw, {
    // An explicit signing time: without one, mailauth 4.13.3 reads the clock for t= twice (once for
    // the header it signs, once for the header it writes), and about one signature in a hundred
    // straddled a half-second and did not verify (RFC 6376 §3.5 t= is part of the signed header).
    signTime: new Date(),
    canonicalization: 'relaxed/relaxed',
    algorithm: 'rsa-sha256',
    headerList: SIGNED_FIELDS,
    signatureData: [{ signingDomain: domain.name, selector: key.selector, privateKey: key.privateKey }],
  } as never);
  if (res.errors?.length || !res.signatures.trim()) throw new Error(`DKIM signing for ${domain.name} failed`);
  return { bytes: Buffer.concat([Buffer.from(res.signatures), raw]), signedBy: domain.name };
}
