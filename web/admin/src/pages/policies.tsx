/**
 * A domain's policies in one page: the password policy (every password set anywhere is checked
 * against it), the device access rules (first match wins, then the default: allowed, blocked or
 * quarantined), and the ActiveSync device policy (effective values; the domain's own overrides,
 * emptied to go back to the server default). Each part saves with If-Match, so two
 * administrators editing at once do not overwrite each other unseen.
 */
import { useEffect, useState } from 'preact/hooks';
import { request, send, seg } from '../api';
import { ErrorLine, Notice, useAction, useLoad } from '../components/ui';
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
  const loaded = useLoad(() => request<PasswordPolicy>('GET', `/domains/${seg(domain)}/password-policy`), [domain]);
  const [form, setForm] = useState<PasswordPolicy | null>(null);
  useEffect(() => setForm(loaded.data?.data ?? null), [loaded.data]);
  const act = useAction();
  const save = (e: Event) => {
    e.preventDefault();
    if (!form) return;
    void act.run(async () => {
      await send('PATCH', `/domains/${seg(domain)}/password-policy`, form, loaded.data?.etag);
      loaded.reload();
      return 'Password policy saved.';
    });
  };
  const flag = (key: keyof PasswordPolicy, label: string) =>
    form && (
      <label class="check">
        <input type="checkbox" disabled={!writable} checked={!!form[key]} onChange={(e) => setForm({ ...form, [key]: e.currentTarget.checked })} />
        {label}
      </label>
    );
  return (
    <form class="panel" onSubmit={save} aria-labelledby="pw-h">
      <h2 id="pw-h">Password policy</h2>
      <ErrorLine error={loaded.error} />
      {form && (
        <>
          <div class="field">
            <label for="pw-min">Least length</label>
            <input id="pw-min" type="number" min={8} max={128} disabled={!writable} value={form.minLength}
              onInput={(e) => setForm({ ...form, minLength: Number(e.currentTarget.value) })} />
          </div>
          {flag('requireMixedCase', 'Upper- and lower-case letters')}
          {flag('requireDigit', 'A digit')}
          {flag('requireSymbol', 'A symbol (neither letter nor digit)')}
          {flag('rejectContainsLocalPart', 'Not containing the user name')}
          <ErrorLine error={act.error} />
          {writable && (
            <button type="submit" class="primary" disabled={act.busy}>
              Save password policy
            </button>
          )}
          <Notice text={act.notice} />
        </>
      )}
    </form>
  );
}

function AccessRulesPanel({ domain, writable }: { domain: string; writable: boolean }) {
  const loaded = useLoad(() => request<AccessRules>('GET', `/domains/${seg(domain)}/access-rules`), [domain]);
  const [form, setForm] = useState<AccessRules | null>(null);
  useEffect(() => setForm(loaded.data?.data ?? null), [loaded.data]);
  const act = useAction();
  const setRule = (i: number, change: Partial<AccessRule>) =>
    form && setForm({ ...form, rules: form.rules.map((r, j) => (j === i ? { ...r, ...change } : r)) });
  const save = (e: Event) => {
    e.preventDefault();
    if (!form) return;
    void act.run(async () => {
      await send('PUT', `/domains/${seg(domain)}/access-rules`, { default: form.default, rules: form.rules.filter((r) => r.pattern.trim()) }, loaded.data?.etag);
      loaded.reload();
      return 'Device access rules saved.';
    });
  };
  return (
    <form class="panel" onSubmit={save} aria-labelledby="ar-h">
      <h2 id="ar-h">Device access rules</h2>
      <p class="hint">A new phone gets the access of the first rule its device type, model or user agent matches (* is a wildcard); otherwise the default.</p>
      <ErrorLine error={loaded.error} />
      {form && (
        <>
          <div class="table-wrap">
            <table>
              <caption>Rules, first match wins ({form.rules.length})</caption>
              <thead>
                <tr>
                  <th scope="col">Matches</th>
                  <th scope="col">Pattern</th>
                  <th scope="col">Access</th>
                  {writable && <th scope="col"><span class="sr-only">Actions</span></th>}
                </tr>
              </thead>
              <tbody>
                {form.rules.map((r, i) => (
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
                        <button type="button" onClick={() => setForm({ ...form, rules: form.rules.filter((_, j) => j !== i) })}>
                          Remove<span class="sr-only"> rule {i + 1}</span>
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {writable && (
            <button type="button" onClick={() => setForm({ ...form, rules: [...form.rules, { field: 'deviceType', pattern: '', access: 'allowed' }] })}>
              Add rule
            </button>
          )}
          <div class="field">
            <label for="ar-default">Otherwise</label>
            <select id="ar-default" disabled={!writable} value={form.default} onChange={(e) => setForm({ ...form, default: e.currentTarget.value as DeviceAccess })}>
              {ACCESS.map((a) => <option key={a} value={a}>{a}</option>)}
            </select>
          </div>
          <ErrorLine error={act.error} />
          {writable && (
            <button type="submit" class="primary" disabled={act.busy}>
              Save access rules
            </button>
          )}
          <Notice text={act.notice} />
        </>
      )}
    </form>
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
  const loaded = useLoad(() => request<DevicePolicy>('GET', `/domains/${seg(domain)}/device-policy`), [domain]);
  const [edits, setEdits] = useState<Record<string, string>>({});
  useEffect(() => setEdits({}), [loaded.data]);
  const act = useAction();
  const data = loaded.data?.data;
  const save = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const body = Object.fromEntries(Object.entries(edits).map(([k, v]) => [k, policyValue(v)]));
      if (Object.keys(body).length === 0) return 'Nothing changed.';
      await send('PATCH', `/domains/${seg(domain)}/device-policy`, body, loaded.data?.etag);
      loaded.reload();
      return 'Device policy saved.';
    });
  };
  return (
    <form class="panel" onSubmit={save} aria-labelledby="dp-h">
      <h2 id="dp-h">ActiveSync device policy</h2>
      <p class="hint">What phones must enforce. A value set here overrides the server default; empty it to go back to the default. Values: true, false, a number, or none.</p>
      <ErrorLine error={loaded.error} />
      {data && (
        <div class="table-wrap">
          <table>
            <caption>Device policy ({Object.keys(data.policy).length} settings)</caption>
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">In effect</th>
                <th scope="col">This domain's value</th>
              </tr>
            </thead>
            <tbody>
              {Object.keys(data.policy).sort().map((k) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{shown(data.policy[k])}</td>
                  <td>
                    <input aria-label={`${k}: this domain's value`} disabled={!writable}
                      value={edits[k] ?? (k in data.overrides ? shown(data.overrides[k]) : '')}
                      onInput={(e) => setEdits({ ...edits, [k]: e.currentTarget.value })} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorLine error={act.error} />
      {writable && data && (
        <button type="submit" class="primary" disabled={act.busy}>
          Save device policy
        </button>
      )}
      <Notice text={act.notice} />
    </form>
  );
}
