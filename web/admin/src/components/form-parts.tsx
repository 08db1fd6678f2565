/**
 * The parts every console form is made of, so each keeps the same labels, hints and live regions:
 * the form as a titled panel or a "New …" disclosure, the local part of an address at a domain,
 * a labelled select or text area, and the footer (error line, submit, notice).
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useId } from 'preact/hooks';
import { ErrorLine, Notice, useAction } from './ui';

/** The id a field was given (pages and tests may point at it), else a generated one. */
function useOwnId(given: string | undefined): string {
  const generated = useId();
  return given ?? generated;
}

export type Action = ReturnType<typeof useAction>;

/** useAction for forms: `submit(fn)` is the onSubmit that runs fn with the form's fields. */
export function useFormAction(): Action & { submit: (fn: (fields: FormData) => Promise<string | void>) => (e: Event) => void } {
  const act = useAction();
  const submit = useCallback(
    (fn: (fields: FormData) => Promise<string | void>) => (e: Event) => {
      e.preventDefault();
      const fields = new FormData(e.currentTarget as HTMLFormElement);
      void act.run(() => fn(fields));
    },
    [act.run],
  );
  return { ...act, submit };
}

/** A "New …" form folded away under its summary until opened. */
export function CreatePanel({ summary, onSubmit, children }: { summary: string; onSubmit: (e: Event) => void; children: ComponentChildren }) {
  return (
    <details class="panel">
      <summary>{summary}</summary>
      <form onSubmit={onSubmit}>{children}</form>
    </details>
  );
}

/** A form shown as a panel, named by its heading. */
export function PanelForm({ title, level = 2, onSubmit, children }: { title: ComponentChildren; level?: 2 | 3; onSubmit: (e: Event) => void; children: ComponentChildren }) {
  const id = useId();
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <form class="panel" onSubmit={onSubmit} aria-labelledby={id}>
      <Heading id={id}>{title}</Heading>
      {children}
    </form>
  );
}

/**
 * The small form under a table of members or grants that adds one (who, with what role or
 * rights), named for screen readers by what it does; its error and notice stand after it, shared
 * with the table's remove buttons.
 */
export function AddForm({ label, submit, act, onSubmit, children }: { label: string; submit: string; act: Action; onSubmit: (e: Event) => void; children: ComponentChildren }) {
  return (
    <form onSubmit={onSubmit} aria-label={label}>
      {children}
      <button type="submit" class="primary" disabled={act.busy}>
        {submit}
      </button>
    </form>
  );
}

/** The error line, the submit button (for writers), and the notice of the last success. */
export function FormFooter({ act, submit, show = true, notice = true }: { act: Action; submit: string; show?: boolean; notice?: boolean }) {
  return (
    <>
      <ErrorLine error={act.error} />
      {show && (
        <button type="submit" class="primary" disabled={act.busy}>
          {submit}
        </button>
      )}
      {notice && <Notice text={act.notice} />}
    </>
  );
}

/**
 * The part before the @ of an address at `domain`. `announceDomain`: screen readers hear the
 * domain as the field's description; otherwise it is shown only.
 */
export function AddressField({
  label = 'Address',
  domain,
  value,
  onValue,
  hint,
  announceDomain = false,
  id: givenId,
  ...input
}: {
  label?: string;
  domain: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string;
  announceDomain?: boolean;
  id?: string;
} & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'label' | 'id'>) {
  const id = useOwnId(givenId);
  const described = [announceDomain && `${id}-domain`, hint && `${id}-hint`].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <span class="address-input">
        <input id={id} value={value} aria-describedby={described} onInput={(e) => onValue(e.currentTarget.value)} {...input} />
        {announceDomain ? <span id={`${id}-domain`}>@{domain}</span> : <span aria-hidden="true">@{domain}</span>}
      </span>
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

export type Option = string | { value: string; label: string };
export const optionValue = (o: Option) => (typeof o === 'string' ? o : o.value);
export const optionLabel = (o: Option) => (typeof o === 'string' ? o : o.label);

/**
 * A labelled select. With onValue it is controlled; without, it is read from the form by `name`
 * and `value` marks the option first shown (`selected`: Preact has no defaultValue for <select>).
 */
export function SelectField({
  label,
  options,
  value,
  onValue,
  first,
  id: givenId,
  ...select
}: {
  label: ComponentChildren;
  options: Option[];
  value: string;
  onValue?: (v: string) => void;
  /** An option before the others, e.g. "Top of the tree". */
  first?: { value: string; label: string };
  id?: string;
} & Omit<JSX.SelectHTMLAttributes<HTMLSelectElement>, 'label' | 'value' | 'id'>) {
  const id = useOwnId(givenId);
  const all = first ? [first, ...options] : options;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={onValue ? value : undefined} onChange={onValue && ((e) => onValue(e.currentTarget.value))} {...select}>
        {all.map((o) => (
          <option key={optionValue(o)} value={optionValue(o)} selected={onValue ? undefined : optionValue(o) === value}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TextAreaField({ label, id: givenId, ...area }: { label: string; id?: string } & Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'>) {
  const id = useOwnId(givenId);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} {...area} />
    </div>
  );
}
