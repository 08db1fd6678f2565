/**
 * The one parser of login credentials for every protocol: HTTP Basic (RFC 7617) for ActiveSync,
 * DAV and Autodiscover, SASL PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login) for SMTP
 * AUTH, IMAP AUTHENTICATE and POP3 AUTH, and the normalisation of what users type as a login
 * (`DOMAIN\user`, `User@Example.COM`) into the one form Hearth stores: the full address, lower case.
 * Pure functions: no I/O, nothing is logged (these strings hold passwords).
 */

export interface Credentials {
  /** As the client sent it; AuthService.verify normalises it (normaliseLogin), once, for every protocol. */
  login: string;
  password: string;
}

/** Longest login: an address is at most 254 octets (RFC 5321 §4.5.3.1.3); room for `DOMAIN\`. */
export const MAX_LOGIN_LENGTH = 320;
/**
 * Longest password accepted by any protocol, so that one rule holds everywhere (RFC 4616 caps
 * PLAIN at 255 octets; we accept the same longer passwords over every protocol) and a hostile
 * client cannot make us hash megabytes.
 */
export const MAX_PASSWORD_LENGTH = 1024;
/** Longest Authorization header or SASL response we decode at all. */
const MAX_ENCODED_LENGTH = 4 * Math.ceil((MAX_LOGIN_LENGTH * 2 + MAX_PASSWORD_LENGTH * 4 + 2) / 3);

// RFC 7617 §2: user-id and password contain no control characters; RFC 4616 §2 excludes NUL.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Normalises a login as typed into the one form Hearth knows, the full address in lower case:
 * - `user@domain` is trimmed and lower-cased (addresses are matched case-insensitively);
 * - `DOMAIN\user@domain` (Windows-style clients prefix a domain) keeps the address after the `\`;
 * - `example.com\user` (a domain name before the `\`) becomes `user@example.com`;
 * - anything else (`NETBIOS\user`) is returned lower-cased and will match no account.
 */
export function normaliseLogin(login: string): string {
  const s = login.trim().normalize('NFC').toLowerCase();
  const bs = s.lastIndexOf('\\');
  if (bs < 0) return s;
  const user = s.slice(bs + 1);
  const domain = s.slice(0, bs);
  if (user.includes('@')) return user;
  if (user !== '' && domain.includes('.') && !domain.includes('\\') && !domain.includes('@')) return `${user}@${domain}`;
  return s;
}

/** Strict base64 (RFC 4648 §4), padding optional; null for anything else or an over-long input. */
export function decodeBase64(text: string): Buffer | null {
  if (text.length > MAX_ENCODED_LENGTH || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bare = text.replace(/=+$/, '');
  if (bare.length % 4 === 1) return null;
  if (text.length !== bare.length && text.length % 4 !== 0) return null;
  return Buffer.from(bare, 'base64');
}

/** UTF-8 text or null for an invalid sequence (no silent U+FFFD replacement). */
function utf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The checks every parser shares: non-empty login, lengths, no control characters. */
function credentials(login: string, password: string): Credentials | null {
  if (login.trim() === '' || login.length > MAX_LOGIN_LENGTH || password.length > MAX_PASSWORD_LENGTH) return null;
  if (CONTROL.test(login) || CONTROL.test(password)) return null;
  return { login, password };
}

/**
 * HTTP Basic credentials (RFC 7617 §2): `Basic <token68>`, the scheme case-insensitive, the
 * user-pass decoded as UTF-8 (§2.1: we announce charset="UTF-8") and split at the first colon.
 * Null when absent, another scheme, or malformed in any way.
 */
export function parseBasicAuthorization(header: string | string[] | undefined): Credentials | null {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h || h.length > MAX_ENCODED_LENGTH + 64) return null;
  const m = /^Basic[ ]+([A-Za-z0-9+/]+=*)[ ]*$/i.exec(h);
  if (!m) return null;
  const bytes = decodeBase64(m[1]);
  const text = bytes && utf8(bytes);
  if (text == null) return null;
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return credentials(text.slice(0, colon), text.slice(colon + 1));
}

/**
 * SASL PLAIN (RFC 4616 §2): `[authzid] NUL authcid NUL passwd`, given as the client's base64
 * response. The authorization identity must be empty or name the authenticating user itself:
 * Hearth has no proxy logins, so acting as someone else is refused as malformed.
 */
export function parseSaslPlain(base64: string): Credentials | null {
  const bytes = decodeBase64(base64.trim());
  const text = bytes && utf8(bytes);
  if (text == null) return null;
  const parts = text.split('\0');
  if (parts.length !== 3) return null;
  const [authzid, authcid, password] = parts;
  if (password === '') return null;
  const creds = credentials(authcid, password);
  if (!creds) return null;
  if (authzid !== '' && normaliseLogin(authzid) !== normaliseLogin(authcid)) return null;
  return creds;
}

/**
 * SASL LOGIN (draft-murchison-sasl-login-00): the server prompts `Username:` then `Password:`
 * (sent base64-encoded, as these constants are) and the client answers each in base64.
 */
export const SASL_LOGIN_PROMPTS = {
  username: Buffer.from('Username:').toString('base64'),
  password: Buffer.from('Password:').toString('base64'),
} as const;

/** One LOGIN answer decoded (UTF-8), or null when it is not valid base64 of UTF-8 text. */
export function decodeSaslLoginStep(base64: string): string | null {
  const bytes = decodeBase64(base64.trim());
  return bytes && utf8(bytes);
}

/** Both LOGIN answers (already decoded with decodeSaslLoginStep) as credentials, or null. */
export function saslLoginCredentials(username: string, password: string): Credentials | null {
  return password === '' ? null : credentials(username, password);
}
