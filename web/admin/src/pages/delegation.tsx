/**
 * Delegation: what one user lets others read or write (all their calendars and address books, or
 * one folder), GET/PUT/DELETE /users/{u}/grants/{delegate}. Delegates are of the same domain.
 */
import { useState } from 'preact/hooks';
import { get, query, send, seg } from '../api';
import { ErrorLine, Field, Notice, useAction, useLoad } from '../components/ui';
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

function Grants({ user, domain }: { user: string; domain: string }) {
  const { canWrite } = useSession();
  const grants = useLoad(() => get<{ items: Grant[] }>(`/users/${seg(user)}/grants`), [user]);
  const [delegate, setDelegate] = useState('');
  const [rights, setRights] = useState('read');
  const [folder, setFolder] = useState('');
  const act = useAction();
  const writable = canWrite(domain);
  const add = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const d = full(delegate, domain);
      await send('PUT', `/users/${seg(user)}/grants/${seg(d)}`, { rights, ...(folder.trim() ? { folder: folder.trim() } : {}) });
      setDelegate('');
      setFolder('');
      grants.reload();
      return `${d} may now ${rights === 'freebusy' ? 'see free/busy of' : rights} ${folder.trim() || 'all calendars and address books'}.`;
    });
  };
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
        <div class="table-wrap">
          <table>
            <caption>Delegations of {user}</caption>
            <thead>
              <tr>
                <th scope="col">Delegate</th>
                <th scope="col">Rights</th>
                <th scope="col">Folder</th>
                <th scope="col">Status</th>
                {writable && <th scope="col"><span class="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {grants.data.items.map((g) => (
                <tr key={`${g.delegate}/${g.folder ?? ''}`}>
                  <th scope="row">{g.delegate}</th>
                  <td>{g.rights}</td>
                  <td>{g.folder ?? 'all'}</td>
                  <td>{g.status}</td>
                  {writable && (
                    <td>
                      <button type="button" class="danger" disabled={act.busy} onClick={() => void remove(g)}>
                        Remove<span class="sr-only"> delegation to {g.delegate}</span>
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {writable && (
        <form class="panel" onSubmit={add} aria-labelledby="grant-h">
          <h3 id="grant-h">Delegate</h3>
          <Field label="Delegate" required value={delegate} onInput={(e) => setDelegate(e.currentTarget.value)} hint={`A user of ${domain}`} />
          <div class="field">
            <label for="grant-rights">Rights</label>
            <select id="grant-rights" value={rights} onChange={(e) => setRights(e.currentTarget.value)}>
              <option value="read">read</option>
              <option value="write">write</option>
              <option value="freebusy">free/busy only</option>
            </select>
          </div>
          <Field label="Folder" value={folder} onInput={(e) => setFolder(e.currentTarget.value)} hint="Empty: all calendars and address books" />
          <ErrorLine error={act.error} />
          <button type="submit" class="primary" disabled={act.busy}>
            Delegate
          </button>
        </form>
      )}
      <Notice text={act.notice} />
    </>
  );
}
