/** A domain's mailing lists: paged list with a filter, and a new list at an address of the domain. */
import { useState } from 'preact/hooks';
import { send, seg } from '../api';
import { AddressField, CreatePanel, FormFooter, useFormAction } from '../components/form-parts';
import { PagedTable, usePagedList } from '../components/paged-list';
import { Field, Link } from '../components/ui';
import { navigate } from '../router';
import { useSession } from '../session';
import { SearchBox } from '../components/toolbar';
import type { MailingList } from '../types';

const LIMIT = 50;

export function Lists({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [q, setQ] = useState('');
  const list = usePagedList<MailingList>(`/domains/${seg(domain)}/lists`, LIMIT, { q });
  return (
    <section>
      <h1 tabIndex={-1}>Mailing lists of {domain}</h1>
      {canWrite(domain) && <NewList domain={domain} />}
      <div class="toolbar">
        <SearchBox label="Filter" value={q} onValue={setQ} />
      </div>
      <PagedTable
        list={list}
        caption="Mailing lists"
        columns={['Address', 'Name', 'Posting', 'Subscription']}
        row={(l) => (
          <tr key={l.address}>
            <th scope="row">
              <Link to={`d/${seg(domain)}/lists/${seg(l.address)}`}>{l.address}</Link>
            </th>
            <td>{l.name}</td>
            <td>{l.posting}</td>
            <td>{l.subscription}</td>
          </tr>
        )}
      />
    </section>
  );
}

function NewList({ domain }: { domain: string }) {
  const [local, setLocal] = useState('');
  const [name, setName] = useState('');
  const act = useFormAction();
  const submit = act.submit(async () => {
    const created = await send<MailingList>('POST', `/domains/${seg(domain)}/lists`, { address: `${local.trim()}@${domain}`, name: name.trim() || local.trim() });
    navigate(`d/${seg(domain)}/lists/${seg(created.address)}`);
  });
  return (
    <CreatePanel summary="New list" onSubmit={submit}>
      <AddressField id="list-local" label="List address" domain={domain} required value={local} onValue={setLocal} />
      <Field label="List name" value={name} onInput={(e) => setName(e.currentTarget.value)} hint="Shown to members; empty: the address" />
      <FormFooter act={act} submit="Create list" />
    </CreatePanel>
  );
}
