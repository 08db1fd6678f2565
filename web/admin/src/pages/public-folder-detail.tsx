/**
 * One public folder: rename, move (never under itself or its subfolders) and the default access,
 * saved with the ETag as If-Match (a change made meanwhile is refused with 412, not overwritten);
 * the grants to users and groups of the domain (read or write beyond the default; idempotent PUT,
 * DELETE); delete with its subfolders after a confirmation.
 */
import { useState } from 'preact/hooks';
import { request, send, seg } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { DataTable, RowButton } from '../components/data-table';
import { AddForm, FormFooter, PanelForm, SelectField, useFormAction } from '../components/form-parts';
import { ErrorLine, Field, Link, Notice, useLoad, when } from '../components/ui';
import { useVersioned, type Versioned } from '../components/versioned';
import { navigate } from '../router';
import { useSession } from '../session';
import type { PublicFolder } from '../types';
import { ACCESS, TOP, allFolders, folderOptions, kindLabel } from './public-folders';

const RIGHTS = [
  { value: 'read', label: 'Read' },
  { value: 'write', label: 'Read and write' },
];
const defaultSentence = (access: string, domain: string) =>
  access === 'write' ? `Everyone in ${domain} may read and write it.` : access === 'read' ? `Everyone in ${domain} may read it.` : `Nobody in ${domain} sees it without a grant.`;
const full = (text: string, domain: string) => (text.includes('@') ? text.trim().toLowerCase() : `${text.trim().toLowerCase()}@${domain}`);

export function PublicFolderDetail({ domain, id }: { domain: string; id: string }) {
  const { canWrite } = useSession();
  const url = `/domains/${seg(domain)}/public-folders/${seg(id)}`;
  // The folder and tag on screen: from the load, then from each write's answer.
  const folder = useVersioned<PublicFolder>(url);
  const writable = canWrite(domain);
  const shown = folder.current?.data;
  return (
    <section>
      <p>
        <Link to={`d/${seg(domain)}/public-folders`}>Public folders of {domain}</Link>
      </p>
      <h1 tabIndex={-1}>{shown ? shown.path : 'Public folder'}</h1>
      <ErrorLine error={folder.error} />
      {shown && (
        <>
          <dl class="facts">
            <dt>Kind</dt>
            <dd>{kindLabel(shown.kind)}</dd>
            <dt>Created</dt>
            <dd>{when(shown.createdAt)}</dd>
          </dl>
          <Settings key={shown.id} domain={domain} folder={folder} writable={writable} />
          <Grants domain={domain} url={url} folder={folder} writable={writable} />
          {writable && (
            <ConfirmButton
              label="Delete folder"
              title={`Delete ${shown.path}?`}
              danger
              onConfirm={async () => {
                await folder.write('DELETE');
                navigate(`d/${seg(domain)}/public-folders`);
              }}
            >
              <p>The folder, its subfolders and everything in them are deleted for everyone in {domain}. This cannot be undone.</p>
            </ConfirmButton>
          )}
        </>
      )}
    </section>
  );
}

function Settings({ domain, folder, writable }: { domain: string; folder: Versioned<PublicFolder>; writable: boolean }) {
  const shown = folder.current!.data;
  const all = useLoad(() => allFolders(domain), [domain]);
  const act = useFormAction();
  // Not itself nor anything under it: the API refuses a folder moved under itself.
  const parents = (all.data?.items ?? []).filter((f) => f.id !== shown.id && !f.path.startsWith(`${shown.path}/`));
  const submit = act.submit(async (f) => {
    const parent = String(f.get('parentId') ?? '');
    const saved = await folder.write(
      'PATCH',
      { name: String(f.get('name') ?? '').trim(), parentId: parent ? Number(parent) : null, defaultAccess: String(f.get('defaultAccess')) },
      { adopt: true },
    );
    all.reload();
    return `Saved: ${saved.data.path}.`;
  });
  return (
    <PanelForm title="Name, place and default access" onSubmit={submit}>
      <fieldset disabled={!writable}>
        <Field label="Folder name" name="name" required maxLength={200} defaultValue={shown.name} />
        <SelectField id="pf-move" label="Inside" name="parentId" first={TOP} options={folderOptions(parents)} value={shown.parentId === null ? '' : String(shown.parentId)} />
        <SelectField id="pf-default" label={`Default access for everyone in ${domain}`} name="defaultAccess" options={ACCESS} value={shown.defaultAccess} />
      </fieldset>
      <ErrorLine error={all.error} />
      <FormFooter act={act} submit="Save folder" show={writable} />
    </PanelForm>
  );
}

function Grants({ domain, url, folder, writable }: { domain: string; url: string; folder: Versioned<PublicFolder>; writable: boolean }) {
  const shown = folder.current!.data;
  const [grantee, setGrantee] = useState('');
  const [rights, setRights] = useState('read');
  const act = useFormAction();
  // Grants are their own resources: written without the folder's tag, the answer is the folder.
  const give = act.submit(async () => {
    const who = full(grantee, domain);
    const r = await request<PublicFolder>('PUT', `${url}/grants/${seg(who)}`, { rights });
    folder.adopt(r);
    setGrantee('');
    return `${who} may ${rights === 'write' ? 'read and write' : 'read'} ${r.data.path}.`;
  });
  const remove = (who: string) =>
    act.run(async () => {
      await send('DELETE', `${url}/grants/${seg(who)}`);
      folder.adopt(await request<PublicFolder>('GET', url));
      return `The grant to ${who} is removed.`;
    });
  return (
    <div class="panel">
      <h2>Grants</h2>
      <p class="hint">{defaultSentence(shown.defaultAccess, domain)} A grant gives a user, or every member of a group, more; never less.</p>
      {shown.grants.length === 0 ? (
        <p>No grants.</p>
      ) : (
        <DataTable
          caption={`Grants on ${shown.path}`}
          columns={['User or group', 'Kind', 'Rights']}
          actions={writable}
          rows={shown.grants}
          row={(g) => (
            <tr key={g.grantee}>
              <th scope="row">{g.grantee}</th>
              <td>{g.granteeKind}</td>
              <td>{g.rights === 'write' ? 'read and write' : 'read'}</td>
              {writable && (
                <td>
                  <RowButton label="Remove" target={`the grant to ${g.grantee}`} busy={act.busy} onClick={() => void remove(g.grantee)} />
                </td>
              )}
            </tr>
          )}
        />
      )}
      {writable && (
        <AddForm label="Give access" submit="Give access" act={act} onSubmit={give}>
          <Field label="User or group" required value={grantee} onInput={(e) => setGrantee(e.currentTarget.value)} hint={`e.g. ann or team@${domain}`} />
          <SelectField id="pf-rights" label="Rights" options={RIGHTS} value={rights} onValue={setRights} />
        </AddForm>
      )}
      <ErrorLine error={act.error} />
      <Notice text={act.notice} />
    </div>
  );
}
