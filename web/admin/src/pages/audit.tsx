/** The audit log, newest first: who did what, from where, when; filtered by domain, action and target. */
import { useState } from 'preact/hooks';
import { PagedTable, usePagedList } from '../components/paged-list';
import { when } from '../components/ui';
import { useSession } from '../session';
import { FilterSelect, SearchBox } from '../components/toolbar';
import type { AuditEvent } from '../types';

const LIMIT = 50;

export function Audit() {
  const { domain, domains, me } = useSession();
  const everything = me.roles.serverAdmin || me.roles.serverReadOnly;
  const [scope, setScope] = useState(everything ? '' : (domain ?? ''));
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');
  const list = usePagedList<AuditEvent>('/audit', LIMIT, { domain: scope || undefined, action: action.trim(), target: target.trim() });
  return (
    <section>
      <h1 tabIndex={-1}>Audit log</h1>
      <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect label="Domain" value={scope} onValue={setScope} first={everything ? { value: '', label: 'All domains' } : undefined} options={domains} />
        <SearchBox label="Action starts with" value={action} placeholder="user." onValue={setAction} />
        <SearchBox label="Target" value={target} placeholder="ann@example.com" onValue={setTarget} />
      </form>
      <PagedTable
        list={list}
        class="audit stack"
        caption="Audit events"
        columns={['When', 'Who', 'What', 'Target', 'From']}
        row={(e) => (
          <tr key={e.id}>
            <td data-label="When">
              <time dateTime={e.at}>{when(e.at)}</time>
            </td>
            <td data-label="Who">{e.actor}</td>
            <th scope="row">
              <code>{e.action}</code>
              {Object.keys(e.detail).length > 0 && (
                <details>
                  <summary>Details</summary>
                  <pre>{JSON.stringify(e.detail, null, 2)}</pre>
                </details>
              )}
            </th>
            <td data-label="Target">{e.target}</td>
            <td data-label="From">{e.source ?? ''}</td>
          </tr>
        )}
      />
    </section>
  );
}
