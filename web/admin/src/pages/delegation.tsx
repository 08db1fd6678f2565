/**
 * Delegation: what one user lets others read or write (all their calendars and address books, or
 * one folder), GET/PUT/DELETE /users/{u}/grants/{delegate}. Delegates are of the same domain.
 */
import { useState } from 'preact/hooks';
import { get, query, send, seg } from '../api';
import { DataTable, RowButton } from '../components/data-table';
import { FormFooter, PanelForm, SelectField, useFormAction } from '../components/form-parts';
import { ErrorLine, Field, Notice, useLoad } from '../components/ui';
import { useSession } from '../session';
import type { Grant } from '../types';

const full = (text: string, domain: string) => (text.includes('@') ? text.trim().toLowerCase() : `${text.trim().toLowerCase()}@${domain}`);

export function Delegation({ domain }: { domain: string }) {
  const initial = new URLSearchParams(location.search).get('user') ?? '';
  const [input, setInput] = useState(initial);
  const [user, setUser] = useState(initial);
  return (
    <section>
      <h1 tabIndex={-1}>Delegation in {domain}</h1>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setUser(full(input, domain));
        }}
      >
        <Field label="User who delegates" required value={input} onInput={(e) => setInput(e.currentTarget.value)} hint={`e.g. ann or ann@${domain}`} />
        <button type="submit">Show</button>
      </form>
      {user && <Grants key={user} user={user} domain={domain} />}
    </section>
  );
}

const RIGHTS = [
  { value: 'read', label: 'read' },
  { value: 'write', label: 'write' },
  { value: 'freebusy', label: 'free/busy only' },
];

function Grants({ user, domain }: { user: string; domain: string }) {
  const { canWrite } = useSession();
  const grants = useLoad(() => get<{ items: Grant[] }>(`/users/${seg(user)}/grants`), [user]);
  const [delegate, setDelegate] = useState('');
  const [rights, setRights] = useState('read');
  const [folder, setFolder] = useState('');
  const act = useFormAction();
  const writable = canWrite(domain);
  const add = act.submit(async () => {
    const d = full(delegate, domain);
    await send('PUT', `/users/${seg(user)}/grants/${seg(d)}`, { rights, ...(folder.trim() ? { folder: folder.trim() } : {}) });
    setDelegate('');
    setFolder('');
    grants.reload();
    return `${d} may now ${rights === 'freebusy' ? 'see free/busy of' : rights} ${folder.trim() || 'all calendars and address books'}.`;
  });
  const remove = (g: Grant) =>
    act.run(async () => {
      await send('DELETE', `/users/${seg(user)}/grants/${seg(g.delegate)}${query({ folder: g.folder ?? undefined })}`);
      grants.reload();
      return `The delegation to ${g.delegate} is removed.`;
    });
  return (
    <>
      <h2>Delegations of {user}</h2>
      <ErrorLine error={grants.error} />
      {grants.data && grants.data.items.length === 0 && <p>{user} has delegated nothing.</p>}
      {grants.data && grants.data.items.length > 0 && (
        <DataTable
          caption={`Delegations of ${user}`}
          columns={['Delegate', 'Rights', 'Folder', 'Status']}
          actions={writable}
          rows={grants.data.items}
          row={(g) => (
            <tr key={`${g.delegate}/${g.folder ?? ''}`}>
              <th scope="row">{g.delegate}</th>
              <td>{g.rights}</td>
              <td>{g.folder ?? 'all'}</td>
              <td>{g.status}</td>
              {writable && (
                <td>
                  <RowButton label="Remove" target={`delegation to ${g.delegate}`} busy={act.busy} onClick={() => void remove(g)} />
                </td>
              )}
            </tr>
          )}
        />
      )}
      {writable && (
        <PanelForm title="Delegate" level={3} onSubmit={add}>
          <Field label="Delegate" required value={delegate} onInput={(e) => setDelegate(e.currentTarget.value)} hint={`A user of ${domain}`} />
          <SelectField id="grant-rights" label="Rights" options={RIGHTS} value={rights} onValue={setRights} />
          <Field label="Folder" value={folder} onInput={(e) => setFolder(e.currentTarget.value)} hint="Empty: all calendars and address books" />
          <FormFooter act={act} submit="Delegate" notice={false} />
        </PanelForm>
      )}
      <Notice text={act.notice} />
    </>
  );
}
