/** A domain's aliases: list, create or replace (idempotent PUT; `@domain` is the catch-all), delete. */
import { useState } from 'preact/hooks';
import { get, query, send, seg, type Page } from '../api';
import { ErrorLine, Field, Notice, Pager, useAction, useLoad } from '../components/ui';
import { useSession } from '../session';
import type { Alias } from '../types';

const LIMIT = 50;
const targetsOf = (text: string) => text.split(/[\s,;]+/).map((t) => t.trim()).filter(Boolean);

export function Aliases({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => get<Page<Alias>>(`/domains/${seg(domain)}/aliases${query({ limit: LIMIT, offset })}`), [domain, offset]);
  const [local, setLocal] = useState('');
  const [targets, setTargets] = useState('');
  const act = useAction();
  const writable = canWrite(domain);
  const save = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const address = `${local.trim()}@${domain}`;
      await send('PUT', `/aliases/${seg(address)}`, { targets: targetsOf(targets) });
      setLocal('');
      setTargets('');
      list.reload();
      return `Alias ${address} saved.`;
    });
  };
  const remove = (a: Alias) =>
    act.run(async () => {
      await send('DELETE', `/aliases/${seg(a.address)}`);
      list.reload();
      return `Alias ${a.address} deleted.`;
    });
  return (
    <section>
      <h1 tabIndex={-1}>Aliases of {domain}</h1>
      {writable && (
        <form class="panel" onSubmit={save} aria-labelledby="alias-h">
          <h2 id="alias-h">Add or replace an alias</h2>
          <div class="field">
            <label for="alias-local">Address</label>
            <span class="address-input">
              <input id="alias-local" value={local} onInput={(e) => setLocal(e.currentTarget.value)} aria-describedby="alias-local-hint" />
              <span aria-hidden="true">@{domain}</span>
            </span>
            <small id="alias-local-hint" class="hint">
              Before @{domain}; leave empty for the catch-all of the domain.
            </small>
          </div>
          <Field label="Deliver to" required value={targets} onInput={(e) => setTargets(e.currentTarget.value)} hint="One or more addresses, separated by commas" />
          <ErrorLine error={act.error} />
          <button type="submit" class="primary" disabled={act.busy}>
            Save alias
          </button>
        </form>
      )}
      <Notice text={act.notice} />
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <div class="table-wrap">
            <table>
              <caption>Aliases ({list.data.total})</caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Delivers to</th>
                  {writable && <th scope="col"><span class="sr-only">Actions</span></th>}
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((a) => (
                  <tr key={a.address}>
                    <th scope="row">{a.address}</th>
                    <td>{a.targets.join(', ')}</td>
                    {writable && (
                      <td>
                        <button type="button" class="danger" disabled={act.busy} onClick={() => void remove(a)}>
                          Delete<span class="sr-only"> {a.address}</span>
                        </button>
                      </td>
                    )}
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
