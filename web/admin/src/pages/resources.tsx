/** A domain's rooms and equipment: list, create, set a photo (the picture phones show), delete. */
import { useState } from 'preact/hooks';
import { get, putBytes, query, send, seg, type Page } from '../api';
import { ErrorLine, Field, Notice, Pager, useAction, useLoad } from '../components/ui';
import { useSession } from '../session';
import type { AccountSummary } from '../types';

const LIMIT = 50;

export function Resources({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => get<Page<AccountSummary>>(`/domains/${seg(domain)}/resources${query({ limit: LIMIT, offset })}`), [domain, offset]);
  const [local, setLocal] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState<'room' | 'equipment'>('room');
  const act = useAction();
  const writable = canWrite(domain);
  const create = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const email = `${local.trim()}@${domain}`;
      await send('POST', `/domains/${seg(domain)}/resources`, { email, displayName: name.trim() || null, resourceType: type });
      setLocal('');
      setName('');
      list.reload();
      return `${type === 'room' ? 'Room' : 'Equipment'} ${email} created.`;
    });
  };
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
        <form class="panel" onSubmit={create} aria-labelledby="res-h">
          <h2 id="res-h">New room or equipment</h2>
          <div class="field">
            <label for="res-local">Address</label>
            <span class="address-input">
              <input id="res-local" required value={local} onInput={(e) => setLocal(e.currentTarget.value)} />
              <span aria-hidden="true">@{domain}</span>
            </span>
          </div>
          <Field label="Name" value={name} onInput={(e) => setName(e.currentTarget.value)} hint="What calendars show, e.g. Board room (12 seats)" />
          <div class="field">
            <label for="res-type">Kind</label>
            <select id="res-type" value={type} onChange={(e) => setType(e.currentTarget.value as 'room' | 'equipment')}>
              <option value="room">Room</option>
              <option value="equipment">Equipment</option>
            </select>
          </div>
          <ErrorLine error={act.error} />
          <button type="submit" class="primary" disabled={act.busy}>
            Create
          </button>
        </form>
      )}
      <Notice text={act.notice} />
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <div class="table-wrap">
            <table>
              <caption>Rooms and equipment ({list.data.total})</caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Name</th>
                  {writable && <th scope="col"><span class="sr-only">Actions</span></th>}
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((r) => (
                  <tr key={r.email}>
                    <th scope="row">{r.email}</th>
                    <td>{r.displayName ?? ''}</td>
                    {writable && (
                      <td class="actions">
                        <label class="file-button">
                          Photo<span class="sr-only"> of {r.email}</span> (JPEG or PNG)
                          <input type="file" accept="image/jpeg,image/png" onChange={(e) => void photo(r, e.currentTarget.files?.[0])} />
                        </label>
                        <button type="button" class="danger" disabled={act.busy} onClick={() => void remove(r)}>
                          Delete<span class="sr-only"> {r.email}</span>
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
