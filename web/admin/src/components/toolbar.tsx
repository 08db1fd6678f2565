/**
 * The filters above a list: each control inside its own label (the label's text names it for
 * screen readers and tests alike), changed as the administrator types or chooses.
 */
import { type Option, optionLabel, optionValue } from './form-parts';

export function SearchBox({ label, value, onValue, placeholder }: { label: string; value: string; onValue: (v: string) => void; placeholder?: string }) {
  return (
    <label>
      {label}
      <input type="search" value={value} placeholder={placeholder} onInput={(e) => onValue(e.currentTarget.value)} />
    </label>
  );
}

export function FilterSelect({
  label,
  value,
  onValue,
  options,
  first,
}: {
  label: string;
  value: string;
  onValue: (v: string) => void;
  options: Option[];
  /** The choice that filters nothing out, e.g. "All kinds". */
  first?: Option;
}) {
  const all = first ? [first, ...options] : options;
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onValue(e.currentTarget.value)}>
        {all.map((o) => (
          <option key={optionValue(o)} value={optionValue(o)}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    </label>
  );
}
