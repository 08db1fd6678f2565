/**
 * Where a migration reads from: `imaps://HOST[:PORT]` (TLS from the first byte, port 993) or
 * `imap://HOST[:PORT]` (STARTTLS required, port 143; RFC 8314 §3, RFC 9051 §6.2.1). Nothing is
 * ever sent in the clear.
 */

/** A mistake in what the operator asked for (bad URL, bad CSV): the CLI answers it with exit 2. */
export class MigrationInputError extends Error {
  override name = 'MigrationInputError';
}

export interface ImapSource {
  host: string;
  port: number;
  /** true: implicit TLS (imaps); false: STARTTLS, required. */
  implicitTls: boolean;
  /** The URL as the operator gave it, without credentials, for messages and the state key. */
  label: string;
}

export function parseSourceUrl(text: string): ImapSource {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MigrationInputError(`--from: not a URL: '${text}' (expected imaps://HOST[:PORT] or imap://HOST[:PORT])`);
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'imaps' && scheme !== 'imap') {
    throw new MigrationInputError(`--from: unsupported scheme '${scheme}' (expected imaps:// or imap://)`);
  }
  if (!url.hostname) throw new MigrationInputError(`--from: no host in '${text}'`);
  if (url.username || url.password) throw new MigrationInputError('--from: put the login in --user and --password, not in the URL');
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) {
    throw new MigrationInputError(`--from: only imaps://HOST[:PORT] or imap://HOST[:PORT], got '${text}'`);
  }
  const implicitTls = scheme === 'imaps';
  const port = url.port ? Number(url.port) : implicitTls ? 993 : 143;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return { host, port, implicitTls, label: `${scheme}://${url.host.toLowerCase()}` };
}
