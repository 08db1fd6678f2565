/**
 * A domain's public folders: the tree in path order (each level indented) with kind, default
 * access and grants, filtered by path text or kind, paged; a new folder at the top or under
 * another. Each folder's own page renames, moves, changes the access, grants and deletes.
 */
import { useState } from 'preact/hooks';
import { get, send, seg, type Page } from '../api';
import { CreatePanel, FormFooter, SelectField, useFormAction } from '../components/form-parts';
import { PagedTable, usePagedList } from '../components/paged-list';
import { ErrorLine, Field, Link, useLoad } from '../components/ui';
import { navigate } from '../router';
import { useSession } from '../session';
import { FilterSelect, SearchBox } from '../components/toolbar';
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
/** The choice of a parent: the top of the tree, then folders by path. */
export const TOP = { value: '', label: 'Top of the tree' };
export const folderOptions = (folders: PublicFolder[]) => folders.map((f) => ({ value: String(f.id), label: f.path }));
const depth = (f: PublicFolder) => Math.min(5, f.path.split('/').length - 1);

export function PublicFolders({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const list = usePagedList<PublicFolder>(`/domains/${seg(domain)}/public-folders`, LIMIT, { q, kind });
  return (
    <section>
      <h1 tabIndex={-1}>Public folders of {domain}</h1>
      <p class="hint">
        Folders every user of {domain} sees in their mail, calendar and contacts apps, with the default access; grants give some users or groups
        more.
      </p>
      {canWrite(domain) && <NewFolder domain={domain} />}
      <div class="toolbar">
        <SearchBox label="Filter" value={q} onValue={setQ} />
        <FilterSelect label="Kind" value={kind} onValue={setKind} first={{ value: '', label: 'All kinds' }} options={KINDS} />
      </div>
      <PagedTable
        list={list}
        caption="Public folders"
        columns={['Path', 'Kind', 'Default access', 'Grants']}
        row={(f) => (
          <tr key={f.id}>
            <th scope="row" class={`depth-${depth(f)}`}>
              <Link to={`d/${seg(domain)}/public-folders/${f.id}`}>{f.path}</Link>
            </th>
            <td>{kindLabel(f.kind)}</td>
            <td>{accessLabel(f.defaultAccess)}</td>
            <td>{grantsText(f)}</td>
          </tr>
        )}
      />
    </section>
  );
}

function NewFolder({ domain }: { domain: string }) {
  const parents = useLoad(() => allFolders(domain), [domain]);
  const [name, setName] = useState('');
  const [kind, setKind] = useState('mail');
  const [parent, setParent] = useState('');
  const [access, setAccess] = useState('read');
  const act = useFormAction();
  const submit = act.submit(async () => {
    const created = await send<PublicFolder>('POST', `/domains/${seg(domain)}/public-folders`, {
      name: name.trim(),
      kind,
      parentId: parent ? Number(parent) : null,
      defaultAccess: access,
    });
    navigate(`d/${seg(domain)}/public-folders/${created.id}`);
  });
  return (
    <CreatePanel summary="New public folder" onSubmit={submit}>
      <Field label="Folder name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} hint="No '/'; unique among its siblings" />
      <SelectField id="pf-kind" label="Kind" options={KINDS} value={kind} onValue={setKind} />
      <SelectField id="pf-parent" label="Inside" first={TOP} options={folderOptions(parents.data?.items ?? [])} value={parent} onValue={setParent} />
      <SelectField id="pf-access" label={`Default access for everyone in ${domain}`} options={ACCESS} value={access} onValue={setAccess} />
      <ErrorLine error={parents.error} />
      <FormFooter act={act} submit="Create folder" />
    </CreatePanel>
  );
}
