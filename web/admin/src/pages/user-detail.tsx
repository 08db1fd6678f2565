/**
 * One user: name, quota and per-protocol access (PATCH with If-Match), disable or enable, a new
 * password (which also clears the lockout), unlock, administrative roles, and the user's devices.
 */
import { useState } from 'preact/hooks';
import { get, send, seg } from '../api';
import { PanelForm, useFormAction } from '../components/form-parts';
import { ErrorLine, Field, Link, Notice, bytes, parseBytes, useLoad } from '../components/ui';
import { useVersioned, type Versioned } from '../components/versioned';
import { DeviceTable } from '../components/device-table';
import { RolesPanel } from '../components/roles-panel';
import { useSession } from '../session';
import { PROTOCOLS, type Account, type Device, type Protocol } from '../types';

export function UserDetail({ domain, email }: { domain: string; email: string }) {
  const { canWrite } = useSession();
  const user = useVersioned<Account>(`/users/${seg(email)}`);
  const devices = useLoad(() => get<{ items: Device[] }>(`/users/${seg(email)}/devices`), [email]);
  const writable = canWrite(domain);
  const account = user.current?.data;
  return (
    <section>
      <p class="crumbs">
        <Link to={`d/${seg(domain)}/users`}>Users of {domain}</Link>
      </p>
      <h1 tabIndex={-1}>{email}</h1>
      <ErrorLine error={user.error} />
      {account && (
        <>
          <p>
            {account.disabled ? <span class="badge warn">disabled</span> : <span class="badge ok">active</span>} · uses{' '}
            {bytes(account.usedBytes)} of {bytes(account.quotaBytes)} · {account.usedMessages} messages
            {account.domainAdmin ? ' · domain administrator' : ''}
            {account.serverAdmin ? ' · server administrator' : ''}
          </p>
          {writable && <EditUser key={email} user={user} />}
          {writable && <PasswordAndLock email={email} onDone={user.reload} />}
          {account.kind === 'user' && <RolesPanel email={email} writable={writable} />}
        </>
      )}
      <h2>Devices</h2>
      <ErrorLine error={devices.error} />
      {devices.data && <DeviceTable devices={devices.data.items} canWrite={writable} onChanged={devices.reload} showAccount={false} />}
      <p>
        <Link to={`d/${seg(domain)}/delegation?user=${seg(email)}`}>Delegations of {email}</Link>
      </p>
    </section>
  );
}

function EditUser({ user }: { user: Versioned<Account> }) {
  const account = user.current!.data;
  const [name, setName] = useState(account.displayName ?? '');
  const [quota, setQuota] = useState(account.quotaBytes ? bytes(account.quotaBytes) : '');
  const [protocols, setProtocols] = useState(account.protocols);
  const act = useFormAction();
  const disabled = account.disabled;
  // The answer carries the new ETag, so two edits in a row do not trip over each other while
  // the page loads the account again.
  const patch = async (body: Record<string, unknown>) => {
    await user.write('PATCH', body, { adopt: true });
    user.reload();
  };
  const save = act.submit(async () => {
    await patch({ displayName: name.trim() || null, quotaBytes: parseBytes(quota), protocols });
    return 'Saved.';
  });
  const toggleDisabled = () =>
    act.run(async () => {
      await patch({ disabled: !disabled });
      return disabled ? 'The account is enabled.' : 'The account is disabled: it can no longer sign in anywhere.';
    });
  return (
    <PanelForm title="Account" onSubmit={save}>
      <Field label="Display name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <Field label="Quota" value={quota} onInput={(e) => setQuota(e.currentTarget.value)} hint="e.g. 2 GiB; empty: no limit of its own (the domain's maximum still applies)" />
      <fieldset>
        <legend>Protocol access</legend>
        {PROTOCOLS.map((p) => (
          <label key={p.key} class="check">
            <input
              type="checkbox"
              checked={protocols[p.key]}
              onChange={(e) => setProtocols({ ...protocols, [p.key as Protocol]: e.currentTarget.checked })}
            />
            {p.label}
          </label>
        ))}
      </fieldset>
      <ErrorLine error={act.error} />
      <Notice text={act.notice} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={act.busy}>
          Save
        </button>
        <button type="button" class={disabled ? '' : 'danger'} disabled={act.busy} onClick={() => void toggleDisabled()}>
          {disabled ? 'Enable account' : 'Disable account'}
        </button>
      </div>
    </PanelForm>
  );
}

function PasswordAndLock({ email, onDone }: { email: string; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const act = useFormAction();
  const reset = act.submit(async () => {
    await send('POST', `/users/${seg(email)}/password`, { password });
    setPassword('');
    onDone();
    return 'The password is set and the lockout cleared.';
  });
  const unlock = () =>
    act.run(async () => {
      const r = await send<{ cleared: number }>('POST', `/users/${seg(email)}/unlock`);
      return r.cleared ? `Unlocked (${r.cleared} failed sign-ins cleared).` : 'The account was not locked.';
    });
  return (
    <PanelForm title="Password and lockout" onSubmit={reset}>
      <Field label="New password" type="password" autoComplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <ErrorLine error={act.error} />
      <Notice text={act.notice} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={act.busy}>
          Set password
        </button>
        <button type="button" disabled={act.busy} onClick={() => void unlock()}>
          Unlock sign-in
        </button>
      </div>
    </PanelForm>
  );
}
