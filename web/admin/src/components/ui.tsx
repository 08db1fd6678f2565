/** Small building blocks every page uses: links, the one-line error, labelled fields, the pager. */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useId, useState } from 'preact/hooks';
import { ROOT, onLinkClick } from '../router';
import { ApiError } from '../api';

export function Link({ to, children, ...rest }: { to: string; children: ComponentChildren } & JSX.HTMLAttributes<HTMLAnchorElement>) {
  return (
    <a href={`${ROOT}${to}`} onClick={(e) => onLinkClick(e as unknown as MouseEvent, to)} {...rest}>
      {children}
    </a>
  );
}

/** A failure as one clear line, announced to screen readers. */
export function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

export function Notice({ text }: { text: string | null }) {
  return (
    <p class="notice" role="status" aria-live="polite">
      {text ?? ''}
    </p>
  );
}

export function Field({
  label,
  hint,
  id: givenId,
  ...input
}: { label: string; hint?: string; id?: string } & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id'>) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

export function Pager({ total, limit, offset, onOffset }: { total: number; limit: number; offset: number; onOffset: (o: number) => void }) {
  const last = Math.min(total, offset + limit);
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        Previous
      </button>
      <span aria-live="polite">
        {total === 0 ? 'None' : `${offset + 1}–${last} of ${total}`}
      </span>
      <button type="button" disabled={last >= total} onClick={() => onOffset(offset + limit)}>
        Next
      </button>
    </nav>
  );
}

/** Loads data with a reload handle; errors become the one line. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; reload: () => void; loading: boolean } {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Runs one action at a time with its error line and a success notice. */
export function useAction(): {
  busy: boolean;
  error: unknown;
  notice: string | null;
  run: (fn: () => Promise<string | void>) => Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = useCallback(async (fn: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const done = await fn();
      if (done) setNotice(done);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, notice, run };
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'no limit';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

/** "2 GiB", "500 MiB", "1048576" to bytes; empty means no limit (null). */
export function parseBytes(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kib|kb|k|mib|mb|m|gib|gb|g|tib|tb|t)?$/i.exec(t);
  if (!m) throw new ApiError(0, `"${t}" is not a size (e.g. 2 GiB, 500 MiB)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const power = { b: 0, k: 1, m: 2, g: 3, t: 4 }[unit as 'b'] ?? 0;
  return Math.round(Number(m[1]) * 1024 ** power);
}

export const when = (iso: string) => new Date(iso).toLocaleString();
