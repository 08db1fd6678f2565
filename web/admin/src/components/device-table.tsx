/**
 * ActiveSync devices with their actions: full remote wipe (the administrator re-enters their own
 * password, which the API checks), account-only wipe (removes this account's data only), cancel a
 * pending wipe, and allow / block / quarantine. The wipe confirmation is a modal <dialog>: the
 * browser keeps focus inside it and Escape closes it.
 */
import { useRef, useState } from 'preact/hooks';
import { send, seg } from '../api';
import { DataTable } from './data-table';
import { ErrorLine, Field, Notice, useAction, when } from './ui';
import type { Device } from '../types';

const devicePath = (d: Device) => `/users/${seg(d.account)}/devices/${seg(d.deviceId)}`;
const label = (d: Device) => [d.model, d.deviceType].filter(Boolean).join(' · ') || d.deviceId;

// src/model/types.ts WipeState: requested (waiting for the device), sent (told), acknowledged (done).
const WIPE_TEXT: Record<string, string> = {
  none: 'none',
  requested: 'wipe requested',
  sent: 'wipe sent to the device',
  acknowledged: 'wiped',
};

export function DeviceTable({ devices, canWrite, onChanged, showAccount }: { devices: Device[]; canWrite: boolean; onChanged: () => void; showAccount: boolean }) {
  const act = useAction();
  const [wiping, setWiping] = useState<{ device: Device; accountOnly: boolean } | null>(null);
  const setAccess = (d: Device, access: string) =>
    act.run(async () => {
      await send('PUT', `${devicePath(d)}/access`, { access });
      onChanged();
      return `${label(d)} is now ${access}.`;
    });
  const cancel = (d: Device) =>
    act.run(async () => {
      await send('POST', `${devicePath(d)}/cancel-wipe`);
      onChanged();
      return `The wipe of ${label(d)} is cancelled.`;
    });
  if (devices.length === 0) return <p>No devices have connected.</p>;
  return (
    <>
      <ErrorLine error={act.error} />
      <Notice text={act.notice} />
      <DataTable
        class="stack"
        caption={`Devices (${devices.length})`}
        columns={[...(showAccount ? ['User'] : []), 'Device', 'Last seen', 'Access', 'Wipe', ...(canWrite ? ['Actions'] : [])]}
        rows={devices}
        row={(d) => (
          <tr key={`${d.account}/${d.deviceId}`}>
            {showAccount && <td data-label="User">{d.account}</td>}
            <th scope="row">
              {label(d)}
              <small class="sub">
                {d.deviceId}
                {d.userAgent ? ` · ${d.userAgent}` : ''}
                {d.protocolVersion ? ` · EAS ${d.protocolVersion}` : ''}
              </small>
            </th>
            <td data-label="Last seen">{when(d.lastSeen)}</td>
            <td data-label="Access">
              {canWrite ? (
                <select aria-label={`Access of ${label(d)}`} value={d.access} disabled={act.busy} onChange={(e) => void setAccess(d, e.currentTarget.value)}>
                  <option value="allowed">allowed</option>
                  <option value="blocked">blocked</option>
                  <option value="quarantined">quarantined</option>
                </select>
              ) : (
                d.access
              )}
            </td>
            <td data-label="Wipe">
              <span class={d.wipeState === 'none' ? '' : 'badge warn'}>
                {WIPE_TEXT[d.wipeState] ?? d.wipeState}
                {d.wipeState !== 'none' && d.wipeAccountOnly ? ' (account only)' : ''}
              </span>
            </td>
            {canWrite && (
              <td class="actions">
                {d.wipeState === 'acknowledged' ? (
                  <span>wiped</span>
                ) : d.wipeState !== 'none' ? (
                  <button type="button" onClick={() => void cancel(d)} disabled={act.busy}>
                    Cancel wipe<span class="sr-only"> of {label(d)}</span>
                  </button>
                ) : (
                  <>
                    <button type="button" class="danger" onClick={() => setWiping({ device: d, accountOnly: false })}>
                      Wipe<span class="sr-only"> {label(d)}</span>
                    </button>
                    <button type="button" onClick={() => setWiping({ device: d, accountOnly: true })}>
                      Remove account<span class="sr-only"> from {label(d)}</span>
                    </button>
                  </>
                )}
              </td>
            )}
          </tr>
        )}
      />
      {wiping && (
        <WipeDialog
          device={wiping.device}
          accountOnly={wiping.accountOnly}
          onClose={(done) => {
            setWiping(null);
            if (done) onChanged();
          }}
        />
      )}
    </>
  );
}

function WipeDialog({ device, accountOnly, onClose }: { device: Device; accountOnly: boolean; onClose: (done: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const act = useAction();
  const open = (el: HTMLDialogElement | null) => {
    ref.current = el;
    if (el && !el.open) el.showModal();
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      await send('POST', `${devicePath(device)}/wipe`, accountOnly ? { accountOnly: true } : { password });
      setPassword('');
      ref.current?.close();
      onClose(true);
    });
  };
  return (
    <dialog ref={open} aria-labelledby="wipe-title" onCancel={() => onClose(false)} class="dialog">
      <form onSubmit={submit}>
        <h2 id="wipe-title">{accountOnly ? `Remove ${device.account} from ${label(device)}?` : `Wipe ${label(device)}?`}</h2>
        {accountOnly ? (
          <p>The phone removes this account's mail, calendars and contacts at its next contact. Its other data stays.</p>
        ) : (
          <>
            <p>
              <strong>The phone of {device.account} will be reset to factory settings</strong> at its next contact: all its data is erased.
              Re-enter your own password to confirm.
            </p>
            <Field label="Your password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </>
        )}
        <ErrorLine error={act.error} />
        <div class="buttons">
          <button type="submit" class="danger" disabled={act.busy}>
            {accountOnly ? 'Remove account data' : 'Wipe device'}
          </button>
          <button
            type="button"
            onClick={() => {
              ref.current?.close();
              onClose(false);
            }}
          >
            Keep it
          </button>
        </div>
      </form>
    </dialog>
  );
}
