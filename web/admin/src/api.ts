/**
 * The console's one way to the admin REST API (/api/v1, docs/api.md): bearer token from the
 * sign-in, JSON in and out, and every problem+json answer (RFC 9457) turned into one clear line.
 * The token lives in sessionStorage only (this tab, gone when it closes): never a cookie, so no
 * other site can make the browser send it. It lives 15 minutes; while the administrator works,
 * a request made in its last 5 minutes first exchanges it for a fresh one (POST /auth/refresh),
 * for up to 12 hours from the sign-in. An idle tab's token simply ends.
 */
const BASE = '/api/v1';
const TOKEN_KEY = 'hearth.admin.token';
const EXPIRES_KEY = 'hearth.admin.expires';
const REFRESH_BEFORE_MS = 5 * 60_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

let onSignedOut: (() => void) | null = null;
/** Called when the API says the token is no longer good (expired, account changed). */
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  /** `expiresAt`: the ISO time the API gave with the token. */
  set: (t: string, expiresAt?: string) => {
    sessionStorage.setItem(TOKEN_KEY, t);
    if (expiresAt) sessionStorage.setItem(EXPIRES_KEY, expiresAt);
    else sessionStorage.removeItem(EXPIRES_KEY);
  },
  expiresAt: (): number | null => {
    const v = sessionStorage.getItem(EXPIRES_KEY);
    return v ? Date.parse(v) : null;
  },
  clear: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(EXPIRES_KEY);
  },
};

let refreshing: Promise<void> | null = null;
/** Exchanges a token near its end for a fresh one; a refusal (session over) leaves it to end. */
function refreshSoon(): Promise<void> {
  const t = token.get();
  const exp = token.expiresAt();
  if (!t || exp === null || exp - Date.now() > REFRESH_BEFORE_MS || exp <= Date.now()) return Promise.resolve();
  refreshing ??= fetch(`${BASE}/auth/refresh`, { method: 'POST', headers: { authorization: `Bearer ${t}`, accept: 'application/json' }, credentials: 'omit' })
    .then(async (r) => {
      if (!r.ok) return;
      const body = (await r.json()) as { token: string; expiresAt: string };
      if (token.get() === t) token.set(body.token, body.expiresAt);
    })
    .catch(() => {})
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** One line for a failed answer: the problem's detail, else its title, else the status. */
async function problemLine(r: Response): Promise<string> {
  let line = '';
  try {
    const body = (await r.json()) as { title?: string; detail?: string };
    line = body.detail || body.title || '';
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  if (r.status === 429) {
    const wait = r.headers.get('retry-after');
    line = `${line || 'too many requests'}${wait ? ` (try again in ${wait} s)` : ''}`;
  }
  const text = line || r.statusText || 'request failed';
  // "domain not found" reads as a sentence; "ann@example.com exists" keeps its address as it is.
  const sentence = /^[a-z]+(\s|$)/.test(text) ? `${text.charAt(0).toUpperCase()}${text.slice(1)}` : text;
  return `${sentence} (${r.status})`;
}

export interface Answer<T> {
  data: T;
  etag: string | null;
}

export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  if (!path.startsWith('/auth/')) await refreshSoon();
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  const t = token.get();
  if (t) h.authorization = `Bearer ${t}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  let r: Response;
  try {
    r = await fetch(`${BASE}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'The server could not be reached: check the connection and try again');
  }
  if (!r.ok) {
    const line = await problemLine(r);
    if (r.status === 401 && t && path !== '/auth/token') {
      token.clear();
      onSignedOut?.();
    }
    throw new ApiError(r.status, line);
  }
  const data = r.status === 204 ? (undefined as T) : ((await r.json()) as T);
  return { data, etag: r.headers.get('etag') };
}

export const get = async <T>(path: string) => (await request<T>('GET', path)).data;
export const send = async <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, ifMatch?: string | null) =>
  (await request<T>(method, path, body, ifMatch ? { 'if-match': ifMatch } : {})).data;

/** Sends raw bytes (a logo image) with their own content type. */
export async function putBytes(path: string, file: Blob): Promise<void> {
  await refreshSoon();
  let r: Response;
  try {
    r = await fetch(`${BASE}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token.get() ?? ''}`, 'content-type': file.type || 'application/octet-stream' },
      body: file,
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'The server could not be reached: check the connection and try again');
  }
  if (!r.ok) throw new ApiError(r.status, await problemLine(r));
}

/** Encodes one path segment (addresses carry @ and +). */
export const seg = (s: string) => encodeURIComponent(s);

export const query = (params: Record<string, string | number | boolean | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};
