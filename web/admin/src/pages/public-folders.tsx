/**
 * A domain's public folders: the tree in path order (each level indented) with kind, default
 * access and grants, filtered by path text or kind, paged; a new folder at the top or under
 * another. Each folder's own page renames, moves, changes the access, grants and deletes.
 */
import { useState } from 'preact/hooks';
import { get, query, send, seg, type Page } from '../api';
import { ErrorLine, Field, Link, Notice, Pager, useAction, useLoad } from '../components/ui';
import { navigate } from '../router';
import { useSession } from '../session';
import type { PublicAccess, PublicFolder, PublicFolderKind } from '../types';

const LIMIT = 50;
export const KINDS: { value: PublicFolderKind; label: string }[] = [
  { value: 'mail', label: 'Mail' },
  { value: 'calendar', label: 'Calendar' },
  { value: 'contacts', label: 'Contacts' },
  { value: 'tasks', label: 'Tasks' },
  { value: 'notes', label: 'Notes' },
];
export const ACCESS: { value: PublicAccess; label: string }[] = [
  { value: 'read', label: 'Read' },
  { value: 'write', label: 'Read and write' },
  { value: 'none', label: 'None (only those granted)' },
];
export const kindLabel = (k: string) => KINDS.find((x) => x.value === k)?.label ?? k;
export const accessLabel = (a: string) => ACCESS.find((x) => x.value === a)?.label ?? a;
export const grantsText = (f: PublicFolder) => (f.grants.length === 0 ? 'none' : f.grants.map((g) => `${g.grantee}: ${g.rights}`).join(', '));
/** Every folder of the domain (the choice of a parent); a domain has far fewer than the API's page limit. */
export const allFolders = (domain: string) => get<Page<PublicFolder>>(`/domains/${seg(domain)}/public-folders?limit=1000`);
const depth = (f: PublicFolder) => Math.min(5, f.path.split('/').length - 1);

export function PublicFolders({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    () => get<Page<PublicFolder>>(`/domains/${seg(domain)}/public-folders${query({ q, kind, limit: LIMIT, offset })}`),
    [domain, q, kind, offset],
  );
  return (
    <section>
      <h1 tabIndex={-1}>Public folders of {domain}</h1>
      <p class="hint">
        Folders every user of {domain} sees in their mail, calendar and contacts apps, with the default access; grants give some users or groups
        more.
      </p>
      {canWrite(domain) && <NewFolder domain={domain} />}
      <div class="toolbar">
        <label>
          Filter
          <input type="search" value={q} onInput={(e) => { setQ(e.currentTarget.value); setOffset(0); }} />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => { setKind(e.currentTarget.value); setOffset(0); }}>
            <option value="">All kinds</option>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <div class="table-wrap">
            <table>
              <caption>Public folders ({list.data.total})</caption>
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Default access</th>
                  <th scope="col">Grants</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((f) => (
                  <tr key={f.id}>
                    <th scope="row" class={`depth-${depth(f)}`}>
                      <Link to={`d/${seg(domain)}/public-folders/${f.id}`}>{f.path}</Link>
                    </th>
                    <td>{kindLabel(f.kind)}</td>
                    <td>{accessLabel(f.defaultAccess)}</td>
                    <td>{grantsText(f)}</td>
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

function NewFolder({ domain }: { domain: string }) {
  const parents = useLoad(() => allFolders(domain), [domain]);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<PublicFolderKind>('mail');
  const [parent, setParent] = useState('');
  const [access, setAccess] = useState<PublicAccess>('read');
  const act = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const created = await send<PublicFolder>('POST', `/domains/${seg(domain)}/public-folders`, {
        name: name.trim(),
        kind,
        parentId: parent ? Number(parent) : null,
        defaultAccess: access,
      });
      navigate(`d/${seg(domain)}/public-folders/${created.id}`);
    });
  };
  return (
    <details class="panel">
      <summary>New public folder</summary>
      <form onSubmit={submit}>
        <Field label="Folder name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} hint="No '/'; unique among its siblings" />
        <div class="field">
          <label for="pf-kind">Kind</label>
          <select id="pf-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as PublicFolderKind)}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pf-parent">Inside</label>
          <select id="pf-parent" value={parent} onChange={(e) => setParent(e.currentTarget.value)}>
            <option value="">Top of the tree</option>
            {parents.data?.items.map((f) => (
              <option key={f.id} value={String(f.id)}>
                {f.path}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pf-access">Default access for everyone in {domain}</label>
          <select id="pf-access" value={access} onChange={(e) => setAccess(e.currentTarget.value as PublicAccess)}>
            {ACCESS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        <ErrorLine error={parents.error} />
        <ErrorLine error={act.error} />
        <button type="submit" class="primary" disabled={act.busy}>
          Create folder
        </button>
        <Notice text={act.notice} />
      </form>
    </details>
  );
}
