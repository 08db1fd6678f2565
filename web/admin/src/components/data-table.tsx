/**
 * The console's one table shape: scrollable wrapper, a caption, column headers with scope, and
 * (for writers) a last column of row actions whose header is for screen readers only.
 */
import type { ComponentChildren, JSX } from 'preact';

export function DataTable<T>({
  caption,
  columns,
  actions = false,
  rows,
  row,
  class: className,
}: {
  caption: ComponentChildren;
  columns: string[];
  /** A last, visually unlabelled column for the row's buttons. */
  actions?: boolean;
  rows: T[];
  row: (item: T, index: number) => JSX.Element;
  class?: string;
}) {
  return (
    <div class="table-wrap">
      <table class={className}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{rows.map(row)}</tbody>
      </table>
    </div>
  );
}

/** A row's button: the visible verb, and for screen readers what it acts on ("Delete ann@…"). */
export function RowButton({
  label,
  target,
  busy = false,
  danger = true,
  onClick,
}: {
  label: string;
  /** Read after the label by screen readers only, e.g. " ann@example.com". */
  target: string;
  busy?: boolean;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" class={danger ? 'danger' : undefined} disabled={busy} onClick={onClick}>
      {label}
      <span class="sr-only"> {target}</span>
    </button>
  );
}
