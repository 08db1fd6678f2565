/**
 * A domain's policies in one page: the password policy (every password set anywhere is checked
 * against it), the device access rules (first match wins, then the default: allowed, blocked or
 * quarantined), and the ActiveSync device policy (effective values; the domain's own overrides,
 * emptied to go back to the server default). Each part saves with If-Match, so two
 * administrators editing at once do not overwrite each other unseen.
 */
import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api';
import { DataTable, RowButton } from '../components/data-table';
import { FormFooter, PanelForm, SelectField, useFormAction } from '../components/form-parts';
import { ErrorLine, Field } from '../components/ui';
import { useDraft, useVersioned } from '../components/versioned';
import { useSession } from '../session';
import type { AccessRule, AccessRules, DeviceAccess, DevicePolicy, PasswordPolicy } from '../types';

const ACCESS: DeviceAccess[] = ['allowed', 'blocked', 'quarantined'];
const FIELDS: { key: AccessRule['field']; label: string }[] = [
  { key: 'deviceType', label: 'Device type' },
  { key: 'model', label: 'Model' },
  { key: 'userAgent', label: 'User agent' },
];

export function Policies({ domain }: { domain: string }) {
  const writable = useSession().canWrite(domain);
  return (
    <section>
      <h1 tabIndex={-1}>Policies of {domain}</h1>
      <PasswordPolicyPanel domain={domain} writable={writable} />
      <AccessRulesPanel domain={domain} writable={writable} />
      <DevicePolicyPanel domain={domain} writable={writable} />
    </section>
  );
}

function PasswordPolicyPanel({ domain, writable }: { domain: string; writable: boolean }) {
  const policy = useVersioned<PasswordPolicy>(`/domains/${seg(domain)}/password-policy`);
  const [form, setForm] = useDraft(policy);
  const act = useFormAction();
  const save = act.submit(async () => {
    if (!form) return;
    await policy.write('PATCH', form);
    return 'Password policy saved.';
  });
  const flag = (key: keyof PasswordPolicy, label: string) =>
    form && (
      <label class="check">
        <input type="checkbox" disabled={!writable} checked={!!form[key]} onChange={(e) => setForm({ ...form, [key]: e.currentTarget.checked })} />
        {label}
      </label>
    );
  return (
    <PanelForm title="Password policy" onSubmit={save}>
      <ErrorLine error={policy.error} />
      {form && (
        <>
          <Field id="pw-min" label="Least length" type="number" min={8} max={128} disabled={!writable} value={form.minLength}
            onInput={(e) => setForm({ ...form, minLength: Number(e.currentTarget.value) })} />
          {flag('requireMixedCase', 'Upper- and lower-case letters')}
          {flag('requireDigit', 'A digit')}
          {flag('requireSymbol', 'A symbol (neither letter nor digit)')}
          {flag('rejectContainsLocalPart', 'Not containing the user name')}
          <FormFooter act={act} submit="Save password policy" show={writable} />
        </>
      )}
    </PanelForm>
  );
}

function AccessRulesPanel({ domain, writable }: { domain: string; writable: boolean }) {
  const rules = useVersioned<AccessRules>(`/domains/${seg(domain)}/access-rules`);
  const [form, setForm] = useDraft(rules);
  const act = useFormAction();
  const setRule = (i: number, change: Partial<AccessRule>) =>
    form && setForm({ ...form, rules: form.rules.map((r, j) => (j === i ? { ...r, ...change } : r)) });
  const save = act.submit(async () => {
    if (!form) return;
    await rules.write('PUT', { default: form.default, rules: form.rules.filter((r) => r.pattern.trim()) });
    return 'Device access rules saved.';
  });
  return (
    <PanelForm title="Device access rules" onSubmit={save}>
      <p class="hint">A new phone gets the access of the first rule its device type, model or user agent matches (* is a wildcard); otherwise the default.</p>
      <ErrorLine error={rules.error} />
      {form && (
        <>
          <DataTable
            caption={`Rules, first match wins (${form.rules.length})`}
            columns={['Matches', 'Pattern', 'Access']}
            actions={writable}
            rows={form.rules}
            row={(r, i) => (
              <tr key={i}>
                <td>
                  <select aria-label={`Rule ${i + 1} matches`} disabled={!writable} value={r.field} onChange={(e) => setRule(i, { field: e.currentTarget.value as AccessRule['field'] })}>
                    {FIELDS.map((f) => <option key={f.key} value={f.key}>{f.label}</option>)}
                  </select>
                </td>
                <td>
                  <input aria-label={`Rule ${i + 1} pattern`} disabled={!writable} value={r.pattern} onInput={(e) => setRule(i, { pattern: e.currentTarget.value })} />
                </td>
                <td>
                  <select aria-label={`Rule ${i + 1} access`} disabled={!writable} value={r.access} onChange={(e) => setRule(i, { access: e.currentTarget.value as DeviceAccess })}>
                    {ACCESS.map((a) => <option key={a} value={a}>{a}</option>)}
                  </select>
                </td>
                {writable && (
                  <td>
                    <RowButton label="Remove" target={`rule ${i + 1}`} danger={false} onClick={() => setForm({ ...form, rules: form.rules.filter((_, j) => j !== i) })} />
                  </td>
                )}
              </tr>
            )}
          />
          {writable && (
            <button type="button" onClick={() => setForm({ ...form, rules: [...form.rules, { field: 'deviceType', pattern: '', access: 'allowed' }] })}>
              Add rule
            </button>
          )}
          <SelectField id="ar-default" label="Otherwise" disabled={!writable} options={ACCESS} value={form.default} onValue={(v) => setForm({ ...form, default: v as DeviceAccess })} />
          <FormFooter act={act} submit="Save access rules" show={writable} />
        </>
      )}
    </PanelForm>
  );
}

/** "true"/"false", a whole number, "none" (no limit); empty goes back to the default. */
function policyValue(text: string): boolean | number | null | 'default' {
  const t = text.trim().toLowerCase();
  if (t === '') return 'default';
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'none') return null;
  if (/^\d+$/.test(t)) return Number(t);
  throw new Error(`"${text}" is not true, false, a whole number or none`);
}
const shown = (v: unknown) => (v === null || v === undefined ? 'none' : String(v));

function DevicePolicyPanel({ domain, writable }: { domain: string; writable: boolean }) {
  const policy = useVersioned<DevicePolicy>(`/domains/${seg(domain)}/device-policy`);
  const [edits, setEdits] = useState<Record<string, string>>({});
  useEffect(() => setEdits({}), [policy.current]);
  const act = useFormAction();
  const data = policy.current?.data;
  const save = act.submit(async () => {
    const body = Object.fromEntries(Object.entries(edits).map(([k, v]) => [k, policyValue(v)]));
    if (Object.keys(body).length === 0) return 'Nothing changed.';
    await policy.write('PATCH', body);
    return 'Device policy saved.';
  });
  return (
    <PanelForm title="ActiveSync device policy" onSubmit={save}>
      <p class="hint">What phones must enforce. A value set here overrides the server default; empty it to go back to the default. Values: true, false, a number, or none.</p>
      <ErrorLine error={policy.error} />
      {data && (
        <DataTable
          caption={`Device policy (${Object.keys(data.policy).length} settings)`}
          columns={['Setting', 'In effect', "This domain's value"]}
          rows={Object.keys(data.policy).sort()}
          row={(k) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{shown(data.policy[k])}</td>
              <td>
                <input aria-label={`${k}: this domain's value`} disabled={!writable}
                  value={edits[k] ?? (k in data.overrides ? shown(data.overrides[k]) : '')}
                  onInput={(e) => setEdits({ ...edits, [k]: e.currentTarget.value })} />
              </td>
            </tr>
          )}
        />
      )}
      <FormFooter act={act} submit="Save device policy" show={writable && !!data} />
    </PanelForm>
  );
}
