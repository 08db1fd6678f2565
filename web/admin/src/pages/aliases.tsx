/** A domain's aliases: list, create or replace (idempotent PUT; `@domain` is the catch-all), delete. */
import { useState } from 'preact/hooks';
import { send, seg } from '../api';
import { RowButton } from '../components/data-table';
import { AddressField, FormFooter, PanelForm, useFormAction } from '../components/form-parts';
import { PagedTable, usePagedList } from '../components/paged-list';
import { Field, Notice } from '../components/ui';
import { useSession } from '../session';
import type { Alias } from '../types';

const LIMIT = 50;
const targetsOf = (text: string) => text.split(/[\s,;]+/).map((t) => t.trim()).filter(Boolean);

export function Aliases({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const list = usePagedList<Alias>(`/domains/${seg(domain)}/aliases`, LIMIT);
  const [local, setLocal] = useState('');
  const [targets, setTargets] = useState('');
  const act = useFormAction();
  const writable = canWrite(domain);
  const save = act.submit(async () => {
    const address = `${local.trim()}@${domain}`;
    await send('PUT', `/aliases/${seg(address)}`, { targets: targetsOf(targets) });
    setLocal('');
    setTargets('');
    list.reload();
    return `Alias ${address} saved.`;
  });
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
        <PanelForm title="Add or replace an alias" onSubmit={save}>
          <AddressField id="alias-local" domain={domain} value={local} onValue={setLocal} hint={`Before @${domain}; leave empty for the catch-all of the domain.`} />
          <Field label="Deliver to" required value={targets} onInput={(e) => setTargets(e.currentTarget.value)} hint="One or more addresses, separated by commas" />
          <FormFooter act={act} submit="Save alias" notice={false} />
        </PanelForm>
      )}
      <Notice text={act.notice} />
      <PagedTable
        list={list}
        caption="Aliases"
        columns={['Address', 'Delivers to']}
        actions={writable}
        row={(a) => (
          <tr key={a.address}>
            <th scope="row">{a.address}</th>
            <td>{a.targets.join(', ')}</td>
            {writable && (
              <td>
                <RowButton label="Delete" target={a.address} busy={act.busy} onClick={() => void remove(a)} />
              </td>
            )}
          </tr>
        )}
      />
    </section>
  );
}
