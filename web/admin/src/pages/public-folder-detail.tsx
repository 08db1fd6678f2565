/**
 * One public folder: rename, move (never under itself or its subfolders) and the default access,
 * saved with the ETag as If-Match (a change made meanwhile is refused with 412, not overwritten);
 * the grants to users and groups of the domain (read or write beyond the default; idempotent PUT,
 * DELETE); delete with its subfolders after a confirmation.
 */
import { useEffect, useState } from 'preact/hooks';
import { request, send, seg } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorLine, Field, Link, Notice, useAction, useLoad, when } from '../components/ui';
import { navigate } from '../router';
import { useSession } from '../session';
import type { PublicFolder } from '../types';
import { ACCESS, allFolders, kindLabel } from './public-folders';

const defaultSentence = (access: string, domain: string) =>
  access === 'write' ? `Everyone in ${domain} may read and write it.` : access === 'read' ? `Everyone in ${domain} may read it.` : `Nobody in ${domain} sees it without a grant.`;
const full = (text: string, domain: string) => (text.includes('@') ? text.trim().toLowerCase() : `${text.trim().toLowerCase()}@${domain}`);

export function PublicFolderDetail({ domain, id }: { domain: string; id: string }) {
  const { canWrite } = useSession();
  const url = `/domains/${seg(domain)}/public-folders/${seg(id)}`;
  const loaded = useLoad(() => request<PublicFolder>('GET', url), [url]);
  // The folder and tag on screen: from the load, then from each write's answer.
  const [current, setCurrent] = useState<{ folder: PublicFolder; etag: string | null } | null>(null);
  useEffect(() => setCurrent(loaded.data ? { folder: loaded.data.data, etag: loaded.data.etag } : null), [loaded.data]);
  const [deleting, setDeleting] = useState(false);
  const writable = canWrite(domain);
  const folder = current?.folder;
  return (
    <section>
      <p>
        <Link to={`d/${seg(domain)}/public-folders`}>Public folders of {domain}</Link>
      </p>
      <h1 tabIndex={-1}>{folder ? folder.path : 'Public folder'}</h1>
      <ErrorLine error={loaded.error} />
      {current && folder && (
        <>
          <dl class="facts">
            <dt>Kind</dt>
            <dd>{kindLabel(folder.kind)}</dd>
            <dt>Created</dt>
            <dd>{when(folder.createdAt)}</dd>
          </dl>
          <Settings key={folder.id} domain={domain} url={url} current={current} writable={writable} onSaved={setCurrent} />
          <Grants domain={domain} url={url} current={current} writable={writable} onSaved={setCurrent} />
          {writable && (
            <button type="button" class="danger" onClick={() => setDeleting(true)}>
              Delete folder
            </button>
          )}
          {deleting && (
            <ConfirmDialog
              title={`Delete ${folder.path}?`}
              confirm="Delete folder"
              danger
              onConfirm={async () => {
                await send('DELETE', url, undefined, current.etag);
                navigate(`d/${seg(domain)}/public-folders`);
              }}
              onClose={() => setDeleting(false)}
            >
              <p>The folder, its subfolders and everything in them are deleted for everyone in {domain}. This cannot be undone.</p>
            </ConfirmDialog>
          )}
        </>
      )}
    </section>
  );
}

type Current = { folder: PublicFolder; etag: string | null };
type Saved = (c: Current) => void;

function Settings({ domain, url, current, writable, onSaved }: { domain: string; url: string; current: Current; writable: boolean; onSaved: Saved }) {
  const { folder, etag } = current;
  const all = useLoad(() => allFolders(domain), [domain]);
  const act = useAction();
  // Not itself nor anything under it: the API refuses a folder moved under itself.
  const parents = (all.data?.items ?? []).filter((f) => f.id !== folder.id && !f.path.startsWith(`${folder.path}/`));
  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const parent = String(f.get('parentId') ?? '');
    void act.run(async () => {
      const saved = await request<PublicFolder>(
        'PATCH',
        url,
        { name: String(f.get('name') ?? '').trim(), parentId: parent ? Number(parent) : null, defaultAccess: String(f.get('defaultAccess')) },
        etag ? { 'if-match': etag } : {},
      );
      onSaved({ folder: saved.data, etag: saved.etag });
      all.reload();
      return `Saved: ${saved.data.path}.`;
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="pf-settings-h">
      <h2 id="pf-settings-h">Name, place and default access</h2>
      <fieldset disabled={!writable}>
        <Field label="Folder name" name="name" required maxLength={200} defaultValue={folder.name} />
        <div class="field">
          <label for="pf-move">Inside</label>
          {/* `selected` on the option: Preact has no defaultValue for <select>. */}
          <select id="pf-move" name="parentId">
            <option value="" selected={folder.parentId === null}>
              Top of the tree
            </option>
            {parents.map((f) => (
              <option key={f.id} value={String(f.id)} selected={f.id === folder.parentId}>
                {f.path}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pf-default">Default access for everyone in {domain}</label>
          <select id="pf-default" name="defaultAccess">
            {ACCESS.map((a) => (
              <option key={a.value} value={a.value} selected={a.value === folder.defaultAccess}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
      <ErrorLine error={all.error} />
      <ErrorLine error={act.error} />
      {writable && (
        <button type="submit" class="primary" disabled={act.busy}>
          Save folder
        </button>
      )}
      <Notice text={act.notice} />
    </form>
  );
}

function Grants({ domain, url, current, writable, onSaved }: { domain: string; url: string; current: Current; writable: boolean; onSaved: Saved }) {
  const { folder } = current;
  const [grantee, setGrantee] = useState('');
  const [rights, setRights] = useState<'read' | 'write'>('read');
  const act = useAction();
  const reload = async () => {
    const r = await request<PublicFolder>('GET', url);
    onSaved({ folder: r.data, etag: r.etag });
  };
  const give = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const who = full(grantee, domain);
      const r = await request<PublicFolder>('PUT', `${url}/grants/${seg(who)}`, { rights });
      onSaved({ folder: r.data, etag: r.etag });
      setGrantee('');
      return `${who} may ${rights === 'write' ? 'read and write' : 'read'} ${r.data.path}.`;
    });
  };
  const remove = (who: string) =>
    act.run(async () => {
      await send('DELETE', `${url}/grants/${seg(who)}`);
      await reload();
      return `The grant to ${who} is removed.`;
    });
  return (
    <div class="panel">
      <h2>Grants</h2>
      <p class="hint">{defaultSentence(folder.defaultAccess, domain)} A grant gives a user, or every member of a group, more; never less.</p>
      {folder.grants.length === 0 ? (
        <p>No grants.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>Grants on {folder.path}</caption>
            <thead>
              <tr>
                <th scope="col">User or group</th>
                <th scope="col">Kind</th>
                <th scope="col">Rights</th>
                {writable && <th scope="col"><span class="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {folder.grants.map((g) => (
                <tr key={g.grantee}>
                  <th scope="row">{g.grantee}</th>
                  <td>{g.granteeKind}</td>
                  <td>{g.rights === 'write' ? 'read and write' : 'read'}</td>
                  {writable && (
                    <td>
                      <button type="button" class="danger" disabled={act.busy} onClick={() => void remove(g.grantee)}>
                        Remove<span class="sr-only"> the grant to {g.grantee}</span>
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
        <form onSubmit={give} aria-label="Give access">
          <Field label="User or group" required value={grantee} onInput={(e) => setGrantee(e.currentTarget.value)} hint={`e.g. ann or team@${domain}`} />
          <div class="field">
            <label for="pf-rights">Rights</label>
            <select id="pf-rights" value={rights} onChange={(e) => setRights(e.currentTarget.value as 'read' | 'write')}>
              <option value="read">Read</option>
              <option value="write">Read and write</option>
            </select>
          </div>
          <button type="submit" class="primary" disabled={act.busy}>
            Give access
          </button>
        </form>
      )}
      <ErrorLine error={act.error} />
      <Notice text={act.notice} />
    </div>
  );
}
