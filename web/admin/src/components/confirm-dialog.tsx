/**
 * A modal confirmation (<dialog> with showModal: focus moves in, Escape cancels) for actions that
 * cannot be taken back: delete a list or a queued message, retry, rotate a DKIM key. The action's
 * failure stays in the dialog as the one error line.
 */
import type { ComponentChildren } from 'preact';
import { useId, useRef } from 'preact/hooks';
import { ErrorLine, useAction } from './ui';

export function ConfirmDialog({
  title,
  confirm,
  danger = false,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  confirm: string;
  danger?: boolean;
  /** The action; its answer is the notice the page shows afterwards. */
  onConfirm: () => Promise<string | void>;
  onClose: (notice: string | null) => void;
  children?: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const act = useAction();
  const open = (el: HTMLDialogElement | null) => {
    ref.current = el;
    if (el && !el.open) el.showModal();
  };
  const close = (notice: string | null) => {
    ref.current?.close();
    onClose(notice);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    let notice: string | null = null;
    void act
      .run(async () => {
        notice = (await onConfirm()) ?? null;
      })
      .then((ok) => ok && close(notice));
  };
  return (
    <dialog ref={open} aria-labelledby={titleId} onCancel={() => onClose(null)} class="dialog">
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        {children}
        <ErrorLine error={act.error} />
        <div class="buttons">
          <button type="submit" class={danger ? 'danger' : 'primary'} disabled={act.busy}>
            {confirm}
          </button>
          <button type="button" onClick={() => close(null)}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
