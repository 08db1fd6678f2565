/** A domain's users: paged, filtered and sorted list (GET /domains/{d}/users) and the new-user form. */
import { useState } from 'preact/hooks';
import { get, query, send, seg, type Page } from '../api';
import { ErrorLine, Field, Link, Notice, Pager, bytes, parseBytes, useAction, useLoad, when } from '../components/ui';
import { useSession } from '../session';
import type { Account, AccountSummary } from '../types';

const LIMIT = 25;

export function Users({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [sort, setSort] = useState('email');
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    () =>
      get<Page<AccountSummary>>(
        `/domains/${seg(domain)}/users${query({ q, limit: LIMIT, offset, sort, order: sort === 'createdAt' ? 'desc' : 'asc', disabled: status === '' ? undefined : status })}`,
      ),
    [domain, q, status, sort, offset],
  );
  return (
    <section>
      <h1 tabIndex={-1}>Users of {domain}</h1>
      {canWrite(domain) && <NewUser domain={domain} onDone={list.reload} />}
      <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Find
          <input type="search" value={q} placeholder="address or name" onInput={(e) => { setQ(e.currentTarget.value); setOffset(0); }} />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => { setStatus(e.currentTarget.value); setOffset(0); }}>
            <option value="">All</option>
            <option value="false">Active</option>
            <option value="true">Disabled</option>
          </select>
        </label>
        <label>
          Sort by
          <select value={sort} onChange={(e) => setSort(e.currentTarget.value)}>
            <option value="email">Address</option>
            <option value="displayName">Name</option>
            <option value="createdAt">Newest</option>
          </select>
        </label>
      </form>
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <div class="table-wrap">
            <table class="stack">
              <caption>Users ({list.data.total})</caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Name</th>
                  <th scope="col">Quota</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((u) => (
                  <tr key={u.email}>
                    <th scope="row">
                      <Link to={`d/${seg(domain)}/users/${seg(u.email)}`}>{u.email}</Link>
                    </th>
                    <td data-label="Name">{u.displayName ?? ''}</td>
                    <td data-label="Quota">{bytes(u.quotaBytes)}</td>
                    <td data-label="Status">{u.disabled ? <span class="badge warn">disabled</span> : 'active'}</td>
                    <td data-label="Created">{when(u.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={list.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}

function NewUser({ domain, onDone }: { domain: string; onDone: () => void }) {
  const [local, setLocal] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [quota, setQuota] = useState('');
  const act = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const email = `${local.trim()}@${domain}`;
      const body: Record<string, unknown> = { email, password };
      if (name.trim()) body.displayName = name.trim();
      const qb = parseBytes(quota);
      if (qb !== null) body.quotaBytes = qb;
      const created = await send<Account>('POST', `/domains/${seg(domain)}/users`, body);
      setLocal('');
      setName('');
      setPassword('');
      setQuota('');
      onDone();
      return `User ${created.email} created.`;
    });
  };
  return (
    <details class="panel">
      <summary>New user</summary>
      <form onSubmit={submit}>
        <div class="field">
          <label for="new-user-local">Address</label>
          <span class="address-input">
            <input id="new-user-local" required value={local} autoComplete="off" aria-describedby="new-user-domain" onInput={(e) => setLocal(e.currentTarget.value)} />
            <span id="new-user-domain">@{domain}</span>
          </span>
        </div>
        <Field label="Display name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <Field label="Initial password" type="password" autoComplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <Field label="Quota" value={quota} onInput={(e) => setQuota(e.currentTarget.value)} hint="e.g. 2 GiB; empty: the domain's default" />
        <ErrorLine error={act.error} />
        <button type="submit" class="primary" disabled={act.busy}>Create user</button>
        <Notice text={act.notice} />
      </form>
    </details>
  );
}
