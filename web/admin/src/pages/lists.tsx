/** A domain's mailing lists: paged list with a filter, and a new list at an address of the domain. */
import { useState } from 'preact/hooks';
import { get, query, send, seg, type Page } from '../api';
import { ErrorLine, Field, Link, Notice, Pager, useAction, useLoad } from '../components/ui';
import { navigate } from '../router';
import { useSession } from '../session';
import type { MailingList } from '../types';

const LIMIT = 50;

export function Lists({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => get<Page<MailingList>>(`/domains/${seg(domain)}/lists${query({ q, limit: LIMIT, offset })}`), [domain, q, offset]);
  return (
    <section>
      <h1 tabIndex={-1}>Mailing lists of {domain}</h1>
      {canWrite(domain) && <NewList domain={domain} />}
      <div class="toolbar">
        <label>
          Filter
          <input type="search" value={q} onInput={(e) => { setQ(e.currentTarget.value); setOffset(0); }} />
        </label>
      </div>
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <div class="table-wrap">
            <table>
              <caption>Mailing lists ({list.data.total})</caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Name</th>
                  <th scope="col">Posting</th>
                  <th scope="col">Subscription</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((l) => (
                  <tr key={l.address}>
                    <th scope="row">
                      <Link to={`d/${seg(domain)}/lists/${seg(l.address)}`}>{l.address}</Link>
                    </th>
                    <td>{l.name}</td>
                    <td>{l.posting}</td>
                    <td>{l.subscription}</td>
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

function NewList({ domain }: { domain: string }) {
  const [local, setLocal] = useState('');
  const [name, setName] = useState('');
  const act = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const created = await send<MailingList>('POST', `/domains/${seg(domain)}/lists`, { address: `${local.trim()}@${domain}`, name: name.trim() || local.trim() });
      navigate(`d/${seg(domain)}/lists/${seg(created.address)}`);
    });
  };
  return (
    <details class="panel">
      <summary>New list</summary>
      <form onSubmit={submit}>
        <div class="field">
          <label for="list-local">List address</label>
          <span class="address-input">
            <input id="list-local" required value={local} onInput={(e) => setLocal(e.currentTarget.value)} />
            <span aria-hidden="true">@{domain}</span>
          </span>
        </div>
        <Field label="List name" value={name} onInput={(e) => setName(e.currentTarget.value)} hint="Shown to members; empty: the address" />
        <ErrorLine error={act.error} />
        <button type="submit" class="primary" disabled={act.busy}>
          Create list
        </button>
        <Notice text={act.notice} />
      </form>
    </details>
  );
}
