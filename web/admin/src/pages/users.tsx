/** A domain's users: paged, filtered and sorted list (GET /domains/{d}/users) and the new-user form. */
import { useState } from 'preact/hooks';
import { send, seg } from '../api';
import { AddressField, CreatePanel, FormFooter, useFormAction } from '../components/form-parts';
import { PagedTable, usePagedList } from '../components/paged-list';
import { Field, Link, bytes, parseBytes, when } from '../components/ui';
import { useSession } from '../session';
import { FilterSelect, SearchBox } from '../components/toolbar';
import type { Account, AccountSummary } from '../types';

const LIMIT = 25;
const STATUSES = [
  { value: '', label: 'All' },
  { value: 'false', label: 'Active' },
  { value: 'true', label: 'Disabled' },
];
const SORTS = [
  { value: 'email', label: 'Address' },
  { value: 'displayName', label: 'Name' },
  { value: 'createdAt', label: 'Newest' },
];

export function Users({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [sort, setSort] = useState('email');
  const list = usePagedList<AccountSummary>(`/domains/${seg(domain)}/users`, LIMIT, { q, disabled: status === '' ? undefined : status }, {
    sort,
    order: sort === 'createdAt' ? 'desc' : 'asc',
  });
  return (
    <section>
      <h1 tabIndex={-1}>Users of {domain}</h1>
      {canWrite(domain) && <NewUser domain={domain} onDone={list.reload} />}
      <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <SearchBox label="Find" value={q} placeholder="address or name" onValue={setQ} />
        <FilterSelect label="Status" value={status} onValue={setStatus} options={STATUSES} />
        <FilterSelect label="Sort by" value={sort} onValue={setSort} options={SORTS} />
      </form>
      <PagedTable
        list={list}
        class="stack"
        caption="Users"
        columns={['Address', 'Name', 'Quota', 'Status', 'Created']}
        row={(u) => (
          <tr key={u.email}>
            <th scope="row">
              <Link to={`d/${seg(domain)}/users/${seg(u.email)}`}>{u.email}</Link>
            </th>
            <td data-label="Name">{u.displayName ?? ''}</td>
            <td data-label="Quota">{bytes(u.quotaBytes)}</td>
            <td data-label="Status">{u.disabled ? <span class="badge warn">disabled</span> : 'active'}</td>
            <td data-label="Created">{when(u.createdAt)}</td>
          </tr>
        )}
      />
    </section>
  );
}

function NewUser({ domain, onDone }: { domain: string; onDone: () => void }) {
  const [local, setLocal] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [quota, setQuota] = useState('');
  const act = useFormAction();
  const submit = act.submit(async () => {
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
  return (
    <CreatePanel summary="New user" onSubmit={submit}>
      <AddressField id="new-user-local" domain={domain} announceDomain required autoComplete="off" value={local} onValue={setLocal} />
      <Field label="Display name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <Field label="Initial password" type="password" autoComplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <Field label="Quota" value={quota} onInput={(e) => setQuota(e.currentTarget.value)} hint="e.g. 2 GiB; empty: the domain's default" />
      <FormFooter act={act} submit="Create user" />
    </CreatePanel>
  );
}
