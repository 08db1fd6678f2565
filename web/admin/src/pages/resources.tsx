/** A domain's rooms and equipment: list, create, set a photo (the picture phones show), delete. */
import { useState } from 'preact/hooks';
import { putBytes, send, seg } from '../api';
import { RowButton } from '../components/data-table';
import { AddressField, FormFooter, PanelForm, SelectField, useFormAction } from '../components/form-parts';
import { PagedTable, usePagedList } from '../components/paged-list';
import { Field, Notice } from '../components/ui';
import { useSession } from '../session';
import type { AccountSummary } from '../types';

const LIMIT = 50;
const KINDS = [
  { value: 'room', label: 'Room' },
  { value: 'equipment', label: 'Equipment' },
];

export function Resources({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const list = usePagedList<AccountSummary>(`/domains/${seg(domain)}/resources`, LIMIT);
  const [local, setLocal] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState('room');
  const act = useFormAction();
  const writable = canWrite(domain);
  const create = act.submit(async () => {
    const email = `${local.trim()}@${domain}`;
    await send('POST', `/domains/${seg(domain)}/resources`, { email, displayName: name.trim() || null, resourceType: type });
    setLocal('');
    setName('');
    list.reload();
    return `${type === 'room' ? 'Room' : 'Equipment'} ${email} created.`;
  });
  const photo = (r: AccountSummary, file: File | undefined) =>
    file &&
    act.run(async () => {
      await putBytes(`/resources/${seg(r.email)}/photo`, file);
      return `Photo of ${r.email} saved.`;
    });
  const remove = (r: AccountSummary) =>
    act.run(async () => {
      await send('DELETE', `/resources/${seg(r.email)}`);
      list.reload();
      return `${r.email} deleted.`;
    });
  return (
    <section>
      <h1 tabIndex={-1}>Rooms and equipment of {domain}</h1>
      {writable && (
        <PanelForm title="New room or equipment" onSubmit={create}>
          <AddressField id="res-local" domain={domain} required value={local} onValue={setLocal} />
          <Field label="Name" value={name} onInput={(e) => setName(e.currentTarget.value)} hint="What calendars show, e.g. Board room (12 seats)" />
          <SelectField id="res-type" label="Kind" options={KINDS} value={type} onValue={setType} />
          <FormFooter act={act} submit="Create" notice={false} />
        </PanelForm>
      )}
      <Notice text={act.notice} />
      <PagedTable
        list={list}
        caption="Rooms and equipment"
        columns={['Address', 'Name']}
        actions={writable}
        row={(r) => (
          <tr key={r.email}>
            <th scope="row">{r.email}</th>
            <td>{r.displayName ?? ''}</td>
            {writable && (
              <td class="actions">
                <label class="file-button">
                  Photo<span class="sr-only"> of {r.email}</span> (JPEG or PNG)
                  <input type="file" accept="image/jpeg,image/png" onChange={(e) => void photo(r, e.currentTarget.files?.[0])} />
                </label>
                <RowButton label="Delete" target={r.email} busy={act.busy} onClick={() => void remove(r)} />
              </td>
            )}
          </tr>
        )}
      />
    </section>
  );
}
