/**
 * A small history router for the console under /admin/ (the server answers index.html for every
 * path below it, so a reload or a bookmarked address works). Paths are matched against patterns
 * such as `d/:domain/users/:email`; parameters are decoded.
 */
import { useEffect, useState } from 'preact/hooks';

export const ROOT = '/admin/';

export function currentPath(): string {
  const p = location.pathname.startsWith(ROOT) ? location.pathname.slice(ROOT.length) : '';
  return p.replace(/\/+$/, '');
}

const listeners = new Set<() => void>();
export function navigate(to: string, replace = false): void {
  const url = `${ROOT}${to.replace(/^\/+/, '')}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l();
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(have[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** A link inside the console: a real <a href> (keyboard, open in new tab) that routes in place. */
export function onLinkClick(e: MouseEvent, to: string): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(to);
}
