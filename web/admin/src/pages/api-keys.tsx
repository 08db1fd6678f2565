/**
 * API keys for automation (billing and provisioning systems): make one that carries the caller's
 * roles, read-only or read-write, optionally bound to source networks; its secret is shown once,
 * here, and stored only hashed. Revoke. Server administrators see every key, others their own.
 */
import { useState } from 'preact/hooks';
import { get, send, seg } from '../api';
import { DataTable, RowButton } from '../components/data-table';
import { FormFooter, PanelForm, SelectField, useFormAction } from '../components/form-parts';
import { ErrorLine, Field, Notice, useLoad, when } from '../components/ui';
import { useSession } from '../session';
import type { ApiKey } from '../types';

export function ApiKeys() {
  const { me } = useSession();
  const list = useLoad(() => get<{ items: ApiKey[] }>('/api-keys'), []);
  const [label, setLabel] = useState('');
  const [access, setAccess] = useState('read');
  const [cidrs, setCidrs] = useState('');
  const [secret, setSecret] = useState<{ keyId: string; secret: string } | null>(null);
  const act = useFormAction();
  const create = act.submit(async () => {
    const made = await send<ApiKey & { secret: string }>('POST', '/api-keys', {
      label: label.trim(),
      access,
      cidrs: cidrs.split(/[\s,;]+/).map((c) => c.trim()).filter(Boolean),
    });
    setSecret({ keyId: made.keyId, secret: made.secret });
    setLabel('');
    setCidrs('');
    list.reload();
    return `Key ${made.keyId} made.`;
  });
  const revoke = (k: ApiKey) =>
    act.run(async () => {
      await send('DELETE', `/api-keys/${seg(k.keyId)}`);
      if (secret?.keyId === k.keyId) setSecret(null);
      list.reload();
      return `Key ${k.keyId} revoked.`;
    });
  const accessOptions = [
    { value: 'read', label: 'Read only' },
    { value: 'write', label: `Read and write (${me.readOnly ? 'your roles are read-only' : 'your roles'})` },
  ];
  return (
    <section>
      <h1 tabIndex={-1}>API keys</h1>
      <PanelForm title="New API key" onSubmit={create}>
        <Field label="Label" value={label} onInput={(e) => setLabel(e.currentTarget.value)} hint="What uses it, e.g. billing system" />
        <SelectField id="key-access" label="Access" options={accessOptions} value={access} onValue={setAccess} />
        <Field label="Source networks" value={cidrs} onInput={(e) => setCidrs(e.currentTarget.value)} hint="Optional: addresses or CIDR ranges the key may be used from, separated by commas" />
        <FormFooter act={act} submit="Make key" notice={false} />
      </PanelForm>
      {secret && (
        <div class="panel secret" role="alert">
          <h2>Secret of key {secret.keyId}</h2>
          <p>Copy it now: it is not shown again, and the server keeps only its hash.</p>
          <label for="key-secret">Secret</label>
          <input id="key-secret" readOnly value={secret.secret} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
      <Notice text={act.notice} />
      <ErrorLine error={list.error} />
      {list.data && (
        <DataTable
          caption={`Keys (${list.data.items.length})`}
          columns={['Key', 'Label', 'Owner', 'Access', 'Networks', 'Last used']}
          actions
          rows={list.data.items}
          row={(k) => (
            <tr key={k.keyId}>
              <th scope="row">{k.keyId}</th>
              <td>{k.label}</td>
              <td>{k.account}</td>
              <td>{k.access}</td>
              <td>{k.cidrs.join(', ') || 'any'}</td>
              <td>{k.lastUsedAt ? when(k.lastUsedAt) : 'never'}</td>
              <td>
                <RowButton label="Revoke" target={k.keyId} busy={act.busy} onClick={() => void revoke(k)} />
              </td>
            </tr>
          )}
        />
      )}
    </section>
  );
}
