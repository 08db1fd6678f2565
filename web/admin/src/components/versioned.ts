/**
 * One resource as it is on screen with its ETag, for edit forms: every write carries the tag as
 * If-Match (RFC 9110 §13.1.1), so a change someone made meanwhile is refused with 412 instead of
 * overwritten. After a write the screen shows the API's answer when it is the resource (`adopt`),
 * else loads it again.
 */
import { useEffect, useState } from 'preact/hooks';
import { request, type Answer } from '../api';
import { useLoad } from './ui';

export interface Versioned<T> {
  current: Answer<T> | null;
  error: unknown;
  reload: () => void;
  /** Takes a fresh version (e.g. the answer of a write made without the tag). */
  adopt: (a: Answer<T>) => void;
  write: (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', body?: unknown, opts?: { path?: string; adopt?: boolean }) => Promise<Answer<T>>;
}

export function useVersioned<T>(url: string): Versioned<T> {
  const loaded = useLoad(() => request<T>('GET', url), [url]);
  const [current, setCurrent] = useState<Answer<T> | null>(null);
  useEffect(() => setCurrent(loaded.data), [loaded.data]);
  const write: Versioned<T>['write'] = async (method, body, opts = {}) => {
    const etag = current?.etag;
    const answer = await request<T>(method, opts.path ?? url, body, etag ? { 'if-match': etag } : {});
    if (opts.adopt) setCurrent(answer);
    else if (method !== 'DELETE') loaded.reload();
    return answer;
  };
  return { current, error: loaded.error, reload: loaded.reload, adopt: setCurrent, write };
}

/** A form's working copy of the version on screen (policies, roles), replaced whenever a new version arrives. */
export function useDraft<T>(v: Versioned<T>): [T | null, (draft: T) => void] {
  const [draft, setDraft] = useState<T | null>(null);
  useEffect(() => setDraft(v.current?.data ?? null), [v.current]);
  return [draft, setDraft];
}
