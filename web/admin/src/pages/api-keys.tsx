/**
 * API keys for automation (billing and provisioning systems): make one that carries the caller's
 * roles, read-only or read-write, optionally bound to source networks; its secret is shown once,
 * here, and stored only hashed. Revoke. Server administrators see every key, others their own.
 */
import { useState } from 'preact/hooks';
import { get, send, seg } from '../api';
import { ErrorLine, Field, Notice, useAction, useLoad, when } from '../components/ui';
import { useSession } from '../session';
import type { ApiKey } from '../types';

export function ApiKeys() {
  const { me } = useSession();
  const list = useLoad(() => get<{ items: ApiKey[] }>('/api-keys'), []);
  const [label, setLabel] = useState('');
  const [access, setAccess] = useState<'read' | 'write'>('read');
  const [cidrs, setCidrs] = useState('');
  const [secret, setSecret] = useState<{ keyId: string; secret: string } | null>(null);
  const act = useAction();
  const create = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
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
  };
  const revoke = (k: ApiKey) =>
    act.run(async () => {
      await send('DELETE', `/api-keys/${seg(k.keyId)}`);
      if (secret?.keyId === k.keyId) setSecret(null);
      list.reload();
      return `Key ${k.keyId} revoked.`;
    });
  return (
    <section>
      <h1 tabIndex={-1}>API keys</h1>
      <form class="panel" onSubmit={create} aria-labelledby="key-h">
        <h2 id="key-h">New API key</h2>
        <Field label="Label" value={label} onInput={(e) => setLabel(e.currentTarget.value)} hint="What uses it, e.g. billing system" />
        <div class="field">
          <label for="key-access">Access</label>
          <select id="key-access" value={access} onChange={(e) => setAccess(e.currentTarget.value as 'read' | 'write')}>
            <option value="read">Read only</option>
            <option value="write">Read and write ({me.readOnly ? 'your roles are read-only' : 'your roles'})</option>
          </select>
        </div>
        <Field label="Source networks" value={cidrs} onInput={(e) => setCidrs(e.currentTarget.value)} hint="Optional: addresses or CIDR ranges the key may be used from, separated by commas" />
        <ErrorLine error={act.error} />
        <button type="submit" class="primary" disabled={act.busy}>
          Make key
        </button>
      </form>
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
        <div class="table-wrap">
          <table>
            <caption>Keys ({list.data.items.length})</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Label</th>
                <th scope="col">Owner</th>
                <th scope="col">Access</th>
                <th scope="col">Networks</th>
                <th scope="col">Last used</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((k) => (
                <tr key={k.keyId}>
                  <th scope="row">{k.keyId}</th>
                  <td>{k.label}</td>
                  <td>{k.account}</td>
                  <td>{k.access}</td>
                  <td>{k.cidrs.join(', ') || 'any'}</td>
                  <td>{k.lastUsedAt ? when(k.lastUsedAt) : 'never'}</td>
                  <td>
                    <button type="button" class="danger" disabled={act.busy} onClick={() => void revoke(k)}>
                      Revoke<span class="sr-only"> {k.keyId}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
