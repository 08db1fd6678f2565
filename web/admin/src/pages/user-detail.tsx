/**
 * One user: name, quota and per-protocol access (PATCH with If-Match), disable or enable, a new
 * password (which also clears the lockout), unlock, administrative roles, and the user's devices.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, request, send, seg } from '../api';
import { ErrorLine, Field, Link, Notice, bytes, parseBytes, useAction, useLoad } from '../components/ui';
import { DeviceTable } from '../components/device-table';
import { RolesPanel } from '../components/roles-panel';
import { useSession } from '../session';
import { PROTOCOLS, type Account, type Device, type Protocol } from '../types';

export function UserDetail({ domain, email }: { domain: string; email: string }) {
  const { canWrite } = useSession();
  const user = useLoad(() => request<Account>('GET', `/users/${seg(email)}`), [email]);
  const devices = useLoad(() => get<{ items: Device[] }>(`/users/${seg(email)}/devices`), [email]);
  const writable = canWrite(domain);
  return (
    <section>
      <p class="crumbs">
        <Link to={`d/${seg(domain)}/users`}>Users of {domain}</Link>
      </p>
      <h1 tabIndex={-1}>{email}</h1>
      <ErrorLine error={user.error} />
      {user.data && (
        <>
          <p>
            {user.data.data.disabled ? <span class="badge warn">disabled</span> : <span class="badge ok">active</span>} · uses{' '}
            {bytes(user.data.data.usedBytes)} of {bytes(user.data.data.quotaBytes)} · {user.data.data.usedMessages} messages
            {user.data.data.domainAdmin ? ' · domain administrator' : ''}
            {user.data.data.serverAdmin ? ' · server administrator' : ''}
          </p>
          {writable && <EditUser key={email} account={user.data.data} etag={user.data.etag} onDone={user.reload} />}
          {writable && <PasswordAndLock email={email} onDone={user.reload} />}
          {user.data.data.kind === 'user' && <RolesPanel email={email} writable={writable} />}
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

function EditUser({ account, etag, onDone }: { account: Account; etag: string | null; onDone: () => void }) {
  const [name, setName] = useState(account.displayName ?? '');
  const [quota, setQuota] = useState(account.quotaBytes ? bytes(account.quotaBytes) : '');
  const [protocols, setProtocols] = useState(account.protocols);
  const act = useAction();
  // The newest ETag: from the last load, or from our own last write (its answer carries it), so
  // two edits in a row do not trip over each other while the page reloads.
  const [tag, setTag] = useState(etag);
  const [disabled, setDisabled] = useState(account.disabled);
  useEffect(() => setTag(etag), [etag]);
  useEffect(() => setDisabled(account.disabled), [account.disabled]);
  const patch = async (body: Record<string, unknown>) => {
    const r = await request<Account>('PATCH', `/users/${seg(account.email)}`, body, tag ? { 'if-match': tag } : {});
    setTag(r.etag);
    setDisabled(r.data.disabled);
    onDone();
  };
  const save = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      await patch({ displayName: name.trim() || null, quotaBytes: parseBytes(quota), protocols });
      return 'Saved.';
    });
  };
  const toggleDisabled = () =>
    act.run(async () => {
      await patch({ disabled: !disabled });
      return disabled ? 'The account is enabled.' : 'The account is disabled: it can no longer sign in anywhere.';
    });
  return (
    <form class="panel" onSubmit={save} aria-labelledby="edit-user-h">
      <h2 id="edit-user-h">Account</h2>
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
    </form>
  );
}

function PasswordAndLock({ email, onDone }: { email: string; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const act = useAction();
  const reset = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      await send('POST', `/users/${seg(email)}/password`, { password });
      setPassword('');
      onDone();
      return 'The password is set and the lockout cleared.';
    });
  };
  const unlock = () =>
    act.run(async () => {
      const r = await send<{ cleared: number }>('POST', `/users/${seg(email)}/unlock`);
      return r.cleared ? `Unlocked (${r.cleared} failed sign-ins cleared).` : 'The account was not locked.';
    });
  return (
    <form class="panel" onSubmit={reset} aria-labelledby="pw-h">
      <h2 id="pw-h">Password and lockout</h2>
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
    </form>
  );
}
