/**
 * A button that asks first: it opens the ConfirmDialog for an action that cannot be taken back
 * (delete a list or a folder, retry or delete a queued message) and hands the action's notice on.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ConfirmDialog } from './confirm-dialog';

export function ConfirmButton({
  label,
  title,
  danger = false,
  onConfirm,
  onDone,
  children,
}: {
  /** The button's text and the dialog's confirm button's. */
  label: string;
  title: string;
  danger?: boolean;
  onConfirm: () => Promise<string | void>;
  onDone?: (notice: string) => void;
  /** What the action does, shown in the dialog. */
  children: ComponentChildren;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button type="button" class={danger ? 'danger' : undefined} onClick={() => setAsking(true)}>
        {label}
      </button>
      {asking && (
        <ConfirmDialog
          title={title}
          confirm={label}
          danger={danger}
          onConfirm={onConfirm}
          onClose={(notice) => {
            setAsking(false);
            if (notice) onDone?.(notice);
          }}
        >
          {children}
        </ConfirmDialog>
      )}
    </>
  );
}
